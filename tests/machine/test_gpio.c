/*
 * GPIO: the SETUP button on PC7 must read 1 through its pull-up or the
 * bootloader waits 12 s (reference §6.1), Particle's headers write BSRR as
 * two 16-bit halves (§2.12), and outputs read back through IDR.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "machine_test.h"

#define GPIOC_QOM "/machine/soc/gpio[2]"
#define PIN_SETUP 7         /* PC7 */
#define PIN_WL_REG_ON 1     /* PC1 */
#define PIN_D7 13           /* PA13 */
#define PIN_RELEASED 2      /* "drive" level: nothing drives the pin */

START_TEST(reset_values_match_the_reference_manual)
{
    PhotonRun *run = photon_boot(NULL);

    /* Port A keeps its JTAG/SWD pins in AF mode, port B its JTDO/NJTRST. */
    ck_assert_uint_eq(RD32(run, GPIO_MODER(GPIOA_BASE)), 0xA8000000);
    ck_assert_uint_eq(RD32(run, GPIO_PUPDR(GPIOA_BASE)), 0x64000000);
    ck_assert_uint_eq(RD32(run, GPIO_OSPEEDR(GPIOA_BASE)), 0x0C000000);
    ck_assert_uint_eq(RD32(run, GPIO_MODER(GPIOB_BASE)), 0x00000280);
    ck_assert_uint_eq(RD32(run, GPIO_PUPDR(GPIOB_BASE)), 0x00000100);
    ck_assert_uint_eq(RD32(run, GPIO_OSPEEDR(GPIOB_BASE)), 0x000000C0);
    ck_assert_uint_eq(RD32(run, GPIO_MODER(GPIOC_BASE)), 0);
    ck_assert_uint_eq(RD32(run, GPIO_ODR(GPIOC_BASE)), 0);
    photon_finish(run);
}
END_TEST

START_TEST(setup_button_reads_high_with_its_pull_up)
{
    PhotonRun *run = photon_boot(NULL);

    /* BUTTON_Init: PC7 input with pull-up; released means 1. */
    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_UP, PIN_SETUP));
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(PIN_SETUP), BIT(PIN_SETUP));
    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_DOWN, PIN_SETUP));
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(PIN_SETUP), 0);
    photon_finish(run);
}
END_TEST

START_TEST(a_driven_pin_overrides_its_pull)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_UP, PIN_SETUP));
    /* Pressing SETUP shorts PC7 to ground. */
    qtest_set_irq_in(run->qt, GPIOC_QOM, "drive", PIN_SETUP, 0);
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(PIN_SETUP), 0);
    qtest_set_irq_in(run->qt, GPIOC_QOM, "drive", PIN_SETUP, PIN_RELEASED);
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(PIN_SETUP), BIT(PIN_SETUP));
    /* Driven high against a pull-down. */
    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_DOWN, PIN_SETUP));
    qtest_set_irq_in(run->qt, GPIOC_QOM, "drive", PIN_SETUP, 1);
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(PIN_SETUP), BIT(PIN_SETUP));
    photon_finish(run);
}
END_TEST

START_TEST(half_word_set_and_reset_halves_of_bsrr)
{
    PhotonRun *run = photon_boot(NULL);
    const uint32_t mask = BIT(PIN_WL_REG_ON);

    WR32(run, GPIO_MODER(GPIOC_BASE), GPIO_FIELD(GPIO_MODE_OUTPUT, PIN_WL_REG_ON));
    WR16(run, GPIO_BSRRL(GPIOC_BASE), mask);
    ck_assert_uint_eq(RD32(run, GPIO_ODR(GPIOC_BASE)), mask);
    /* An output pin reads its driven level. */
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & mask, mask);
    WR16(run, GPIO_BSRRH(GPIOC_BASE), mask);
    ck_assert_uint_eq(RD32(run, GPIO_ODR(GPIOC_BASE)), 0);
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & mask, 0);
    /* BSRR is write-only: it reads as zero. */
    ck_assert_uint_eq(RD32(run, GPIO_BSRR(GPIOC_BASE)), 0);
    photon_finish(run);
}
END_TEST

START_TEST(bsrr_set_wins_over_reset)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, GPIO_ODR(GPIOC_BASE), 0x00F0);
    /* Set 0, 4; reset 4, 5: set has priority for 4. */
    WR32(run, GPIO_BSRR(GPIOC_BASE), (BIT(4) | BIT(5)) << 16 | BIT(0) | BIT(4));
    ck_assert_uint_eq(RD32(run, GPIO_ODR(GPIOC_BASE)), 0x00D1);
    photon_finish(run);
}
END_TEST

START_TEST(output_mode_reads_odr_not_the_pull)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_UP, 3));
    WR32(run, GPIO_MODER(GPIOC_BASE), GPIO_FIELD(GPIO_MODE_OUTPUT, 3));
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(3), 0);
    WR32(run, GPIO_ODR(GPIOC_BASE), BIT(3));
    ck_assert_uint_eq(RD32(run, GPIO_IDR(GPIOC_BASE)) & BIT(3), BIT(3));
    photon_finish(run);
}
END_TEST

START_TEST(d7_output_lights_the_d7_led)
{
    PhotonRun *run = photon_boot(NULL);
    char *leds;

    /* Tinker's digitalwrite("D7,HIGH"): PA13 output, set. */
    WR32(run, GPIO_MODER(GPIOA_BASE),
         (RD32(run, GPIO_MODER(GPIOA_BASE)) & ~GPIO_FIELD(3, PIN_D7)) |
         GPIO_FIELD(GPIO_MODE_OUTPUT, PIN_D7));
    WR16(run, GPIO_BSRRL(GPIOA_BASE), BIT(PIN_D7));
    STEP_NS(run, 10 * NS_PER_US);       /* the LED reports settled changes */
    photon_stop(run);
    leds = photon_report_file(run, "led.jsonl");
    ck_assert_msg(json_any_value_is(leds, "d7", "true"), "led.jsonl shows no D7: %s", leds);
    free(leds);
    photon_finish(run);
}
END_TEST

Suite *gpio_suite(void)
{
    Suite *suite = suite_create("gpio");
    TCase *tc = machine_tcase(suite, "gpio");

    tcase_add_test(tc, reset_values_match_the_reference_manual);
    tcase_add_test(tc, setup_button_reads_high_with_its_pull_up);
    tcase_add_test(tc, a_driven_pin_overrides_its_pull);
    tcase_add_test(tc, half_word_set_and_reset_halves_of_bsrr);
    tcase_add_test(tc, bsrr_set_wins_over_reset);
    tcase_add_test(tc, output_mode_reads_odr_not_the_pull);
    tcase_add_test(tc, d7_output_lights_the_d7_led);
    return suite;
}
