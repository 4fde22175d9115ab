/*
 * TIM2: the RGB LED's PWM (CH2..CH4, active low) and the 10 ms CC1 tick that
 * debounces the SETUP button (reference §2.11): PSC 59 and ARR 9999 on the
 * 60 MHz timer clock, written with 16-bit stores.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "machine_test.h"

#define TIM_CCMR2(t)        ((t) + 0x1C)
#define TIM_CCR3(t)         ((t) + 0x3C)
#define TIM_CCR4(t)         ((t) + 0x40)
#define TIM_SR_UIF          BIT(0)
#define TIM_DIER_UIE        BIT(0)
#define OCM_PWM1            6u

/* Starts TIM2 counting from 0 with a prescaler and period, as the firmware does. */
static void tim2_start(PhotonRun *run, uint16_t psc, uint32_t arr)
{
    WR16(run, TIM_PSC(TIM2_BASE), psc);
    WR32(run, TIM_ARR(TIM2_BASE), arr);
    WR16(run, TIM_EGR(TIM2_BASE), TIM_EGR_UG);     /* load PSC, counter to 0 */
    WR16(run, TIM_SR(TIM2_BASE), 0);
    WR16(run, TIM_CR1(TIM2_BASE), TIM_CR1_CEN);
}

START_TEST(counter_stands_still_until_enabled)
{
    PhotonRun *run = photon_boot(NULL);

    WR16(run, TIM_PSC(TIM2_BASE), 59);
    STEP_NS(run, 5 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, TIM_CNT(TIM2_BASE)), 0);
    photon_finish(run);
}
END_TEST

START_TEST(counter_counts_at_60_mhz_over_psc_plus_1)
{
    static const struct {
        uint16_t psc;
        int64_t step_ns;
        uint32_t ticks;
    } cases[] = {
        { 59, 1234 * NS_PER_US, 1234 },     /* the firmware's 1 us tick */
        { 0, NS_PER_MS, TIM2_CLOCK_HZ / 1000 },
        { 1, NS_PER_MS, TIM2_CLOCK_HZ / 2 / 1000 },
        { 2, 3 * NS_PER_MS, 3 * TIM2_CLOCK_HZ / 3 / 1000 },
        { 6, 7 * NS_PER_MS, 7 * TIM2_CLOCK_HZ / 7 / 1000 },
    };
    PhotonRun *run = photon_boot(NULL);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        WR16(run, TIM_CR1(TIM2_BASE), 0);
        tim2_start(run, cases[i].psc, 0xFFFFFFFF);
        STEP_NS(run, cases[i].step_ns);
        ck_assert_msg(RD32(run, TIM_CNT(TIM2_BASE)) == cases[i].ticks,
                      "PSC %u: CNT %u after %lld ns, expected %u", cases[i].psc,
                      RD32(run, TIM_CNT(TIM2_BASE)), (long long)cases[i].step_ns,
                      cases[i].ticks);
    }
    photon_finish(run);
}
END_TEST

START_TEST(counter_wraps_at_the_auto_reload_value)
{
    PhotonRun *run = photon_boot(NULL);

    tim2_start(run, 59, 9999);
    STEP_NS(run, 12345 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, TIM_CNT(TIM2_BASE)), 2345);
    ck_assert_uint_eq(RD16(run, TIM_PSC(TIM2_BASE)), 59);
    ck_assert_uint_eq(RD32(run, TIM_ARR(TIM2_BASE)), 9999);
    photon_finish(run);
}
END_TEST

START_TEST(cc1_interrupt_every_period_while_enabled)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, TIM_CCR1(TIM2_BASE), 5000);
    WR16(run, TIM_DIER(TIM2_BASE), TIM_DIER_CC1IE);
    tim2_start(run, 59, 9999);                      /* 10 ms period */
    STEP_NS(run, 4900 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, TIM_SR(TIM2_BASE)) & TIM_SR_CC1IF, 0);
    ck_assert(!nvic_pending(run, IRQ_TIM2));
    STEP_NS(run, 200 * NS_PER_US);                  /* CNT passes 5000 */
    ck_assert_uint_eq(RD32(run, TIM_SR(TIM2_BASE)) & TIM_SR_CC1IF, TIM_SR_CC1IF);
    ck_assert(nvic_pending(run, IRQ_TIM2));
    for (int period = 1; period <= 3; period++) {
        /* The handler: clear CC1IF (rc_w0) and the NVIC's pending bit. */
        WR16(run, TIM_SR(TIM2_BASE), (uint16_t)~TIM_SR_CC1IF);
        nvic_clear_pending(run, IRQ_TIM2);
        STEP_NS(run, 9800 * NS_PER_US);
        ck_assert_msg(!nvic_pending(run, IRQ_TIM2), "early CC1 in period %d", period);
        STEP_NS(run, 200 * NS_PER_US);
        ck_assert_msg(nvic_pending(run, IRQ_TIM2), "no CC1 in period %d", period);
        ck_assert_uint_eq(RD32(run, TIM_SR(TIM2_BASE)) & TIM_SR_CC1IF, TIM_SR_CC1IF);
    }
    /* CC1IE off (the button was released): no more interrupts. */
    WR16(run, TIM_DIER(TIM2_BASE), 0);
    WR16(run, TIM_SR(TIM2_BASE), 0);
    nvic_clear_pending(run, IRQ_TIM2);
    STEP_NS(run, 30 * NS_PER_MS);
    ck_assert(!nvic_pending(run, IRQ_TIM2));
    photon_finish(run);
}
END_TEST

START_TEST(compare_and_update_flags_are_set_without_their_interrupts)
{
    PhotonRun *run = photon_boot(NULL);

    /* RM0033: CCxIF and UIF are set by hardware; DIER only gates the IRQ. */
    WR32(run, TIM_CCR1(TIM2_BASE), 5000);
    tim2_start(run, 59, 9999);
    STEP_NS(run, 6 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, TIM_SR(TIM2_BASE)) & (TIM_SR_CC1IF | TIM_SR_UIF),
                      TIM_SR_CC1IF);
    STEP_NS(run, 5 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, TIM_SR(TIM2_BASE)) & (TIM_SR_CC1IF | TIM_SR_UIF),
                      TIM_SR_CC1IF | TIM_SR_UIF);
    ck_assert(!nvic_pending(run, IRQ_TIM2));
    photon_finish(run);
}
END_TEST

/* The last "rgb": [r, g, b] of led.jsonl. */
static void last_led_rgb(const char *leds, double rgb[3])
{
    const char *at = NULL, *next = leds;
    char *end;

    while ((next = strstr(next, "\"rgb\""))) {
        at = next++;
    }
    ck_assert_msg(at, "led.jsonl has no colour: %s", leds);
    at = strchr(at, '[');
    ck_assert_ptr_nonnull(at);
    for (int i = 0; i < 3; i++) {
        rgb[i] = strtod(at + 1, &end);
        ck_assert_msg(end != at + 1, "bad rgb in led.jsonl: %s", leds);
        at = end;
    }
}

START_TEST(pwm_duty_of_ch2_to_ch4_shows_on_the_rgb_led)
{
    PhotonRun *run = photon_boot(NULL);
    double rgb[3];
    char *leds;

    /* UI_Timer_Configure: PWM1, active low (CCxP), output enabled. */
    WR16(run, TIM_CCMR1(TIM2_BASE), OCM_PWM1 << 12);
    WR16(run, TIM_CCMR2(TIM2_BASE), OCM_PWM1 << 4 | OCM_PWM1 << 12);
    WR16(run, TIM_CCER(TIM2_BASE),
         TIM_CCER_CC2E | TIM_CCER_CC2P | BIT(8) | BIT(9) | BIT(12) | BIT(13));
    tim2_start(run, 59, 9999);
    /* Set_RGB_LED_Values: cyan at brightness 96 is CCR = 3735 (reference §5.1). */
    WR32(run, TIM_CCR2(TIM2_BASE), 0);
    WR32(run, TIM_CCR3(TIM2_BASE), 3735);
    WR32(run, TIM_CCR4(TIM2_BASE), 3735);
    ck_assert_uint_eq(RD32(run, TIM_CCR3(TIM2_BASE)), 3735);
    STEP_NS(run, 10 * NS_PER_US);       /* the LED reports settled changes */
    photon_stop(run);
    leds = photon_report_file(run, "led.jsonl");
    last_led_rgb(leds, rgb);
    ck_assert_double_eq_tol(rgb[0], 0.0, 1e-3);
    ck_assert_double_eq_tol(rgb[1], 0.3735, 1e-3);
    ck_assert_double_eq_tol(rgb[2], 0.3735, 1e-3);
    free(leds);
    photon_finish(run);
}
END_TEST

Suite *tim_suite(void)
{
    Suite *suite = suite_create("tim");
    TCase *tc = machine_tcase(suite, "tim");

    tcase_add_test(tc, counter_stands_still_until_enabled);
    tcase_add_test(tc, counter_counts_at_60_mhz_over_psc_plus_1);
    tcase_add_test(tc, counter_wraps_at_the_auto_reload_value);
    tcase_add_test(tc, cc1_interrupt_every_period_while_enabled);
    tcase_add_test(tc, compare_and_update_flags_are_set_without_their_interrupts);
    tcase_add_test(tc, pwm_duty_of_ch2_to_ch4_shows_on_the_rgb_led);
    return suite;
}
