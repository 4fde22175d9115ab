/*
 * EXTI and SYSCFG: the SETUP button is PC7 -> EXTICR2[15:12] = port C ->
 * EXTI line 7, falling edge -> NVIC EXTI9_5 (IRQ 23), reference §2.12. The
 * system firmware only sees a press through this path.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "machine_test.h"

#define GPIOA_QOM "/machine/soc/gpio[0]"
#define GPIOC_QOM "/machine/soc/gpio[2]"
#define LINE_SETUP 7
#define PIN_RELEASED 2

/* BUTTON_Init: PC7 input with pull-up, routed to line 7, falling edge. */
static void setup_button_interrupt(PhotonRun *run)
{
    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_UP, LINE_SETUP));
    WR32(run, SYSCFG_EXTICR2, SYSCFG_PORT_C << 12);
    WR32(run, EXTI_FTSR, BIT(LINE_SETUP));
    WR32(run, EXTI_IMR, BIT(LINE_SETUP));
}

START_TEST(software_interrupt_sets_pending_on_an_unmasked_line)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert(!nvic_pending(run, IRQ_EXTI9_5));
    WR32(run, EXTI_IMR, BIT(LINE_SETUP));
    WR32(run, EXTI_SWIER, BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, EXTI_PR), BIT(LINE_SETUP));
    ck_assert(nvic_pending(run, IRQ_EXTI9_5));
    photon_finish(run);
}
END_TEST

START_TEST(software_interrupt_bit_reads_back_until_pending_is_cleared)
{
    PhotonRun *run = photon_boot(NULL);

    /* RM0033 EXTI_SWIER: the bit is cleared by clearing the EXTI_PR bit. */
    WR32(run, EXTI_IMR, BIT(LINE_SETUP));
    WR32(run, EXTI_SWIER, BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, EXTI_SWIER), BIT(LINE_SETUP));
    WR32(run, EXTI_PR, BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, EXTI_SWIER), 0);
    photon_finish(run);
}
END_TEST

START_TEST(software_interrupt_on_a_masked_line_does_nothing)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, EXTI_SWIER, BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, EXTI_PR), 0);
    ck_assert(!nvic_pending(run, IRQ_EXTI9_5));
    photon_finish(run);
}
END_TEST

START_TEST(pending_bits_are_write_1_to_clear)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, EXTI_IMR, BIT(5) | BIT(LINE_SETUP));
    WR32(run, EXTI_SWIER, BIT(5) | BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, EXTI_PR), BIT(5) | BIT(LINE_SETUP));
    WR32(run, EXTI_PR, 0);
    ck_assert_uint_eq(RD32(run, EXTI_PR), BIT(5) | BIT(LINE_SETUP));
    WR32(run, EXTI_PR, BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, EXTI_PR), BIT(5));
    WR32(run, EXTI_PR, BIT(5));
    ck_assert_uint_eq(RD32(run, EXTI_PR), 0);
    nvic_clear_pending(run, IRQ_EXTI9_5);
    ck_assert(!nvic_pending(run, IRQ_EXTI9_5));
    photon_finish(run);
}
END_TEST

START_TEST(pressing_setup_pends_exti9_5)
{
    PhotonRun *run = photon_boot(NULL);

    setup_button_interrupt(run);
    ck_assert_uint_eq(RD32(run, EXTI_PR), 0);
    qtest_set_irq_in(run->qt, GPIOC_QOM, "drive", LINE_SETUP, 0);
    ck_assert_uint_eq(RD32(run, EXTI_PR), BIT(LINE_SETUP));
    ck_assert(nvic_pending(run, IRQ_EXTI9_5));
    /* Releasing is a rising edge, which is not selected. */
    WR32(run, EXTI_PR, BIT(LINE_SETUP));
    nvic_clear_pending(run, IRQ_EXTI9_5);
    qtest_set_irq_in(run->qt, GPIOC_QOM, "drive", LINE_SETUP, PIN_RELEASED);
    ck_assert_uint_eq(RD32(run, EXTI_PR), 0);
    ck_assert(!nvic_pending(run, IRQ_EXTI9_5));
    photon_finish(run);
}
END_TEST

START_TEST(only_the_port_selected_in_exticr_reaches_the_line)
{
    PhotonRun *run = photon_boot(NULL);

    /* Line 7 left on port A (EXTICR2 reset value): PC7 edges do not count. */
    WR32(run, GPIO_PUPDR(GPIOA_BASE), GPIO_FIELD(GPIO_PULL_UP, LINE_SETUP) |
         (RD32(run, GPIO_PUPDR(GPIOA_BASE)) & ~GPIO_FIELD(3, LINE_SETUP)));
    WR32(run, GPIO_PUPDR(GPIOC_BASE), GPIO_FIELD(GPIO_PULL_UP, LINE_SETUP));
    WR32(run, EXTI_FTSR, BIT(LINE_SETUP));
    WR32(run, EXTI_IMR, BIT(LINE_SETUP));
    ck_assert_uint_eq(RD32(run, SYSCFG_EXTICR2), 0);
    qtest_set_irq_in(run->qt, GPIOC_QOM, "drive", LINE_SETUP, 0);
    ck_assert_uint_eq(RD32(run, EXTI_PR), 0);
    /* PA7 does. */
    qtest_set_irq_in(run->qt, GPIOA_QOM, "drive", LINE_SETUP, 0);
    ck_assert_uint_eq(RD32(run, EXTI_PR), BIT(LINE_SETUP));
    photon_finish(run);
}
END_TEST

Suite *exti_suite(void)
{
    Suite *suite = suite_create("exti");
    TCase *tc = machine_tcase(suite, "exti");

    tcase_add_test(tc, software_interrupt_sets_pending_on_an_unmasked_line);
    tcase_add_test(tc, software_interrupt_bit_reads_back_until_pending_is_cleared);
    tcase_add_test(tc, software_interrupt_on_a_masked_line_does_nothing);
    tcase_add_test(tc, pending_bits_are_write_1_to_clear);
    tcase_add_test(tc, pressing_setup_pends_exti9_5);
    tcase_add_test(tc, only_the_port_selected_in_exticr_reaches_the_line);
    return suite;
}
