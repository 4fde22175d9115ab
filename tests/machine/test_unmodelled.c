/*
 * Loud about gaps (DESIGN principle 6): an access nothing models reads as
 * zero, is counted by address in summary.json, and with strict=on ends the
 * run at once.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "machine_test.h"

#define I2C1_CR1 0x40005400u        /* I2C1: not modelled on the Photon */
#define I2C1_CR2 0x40005404u

START_TEST(unmodelled_peripheral_reads_zero_and_is_counted)
{
    PhotonRun *run = photon_boot(NULL);
    char *summary, *total, *strict;

    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(RD32(run, I2C1_CR1), 0);
    }
    WR32(run, I2C1_CR2, 0x24);
    ck_assert_uint_eq(RD32(run, I2C1_CR2), 0);      /* RAZ/WI */
    photon_stop(run);
    summary = photon_report_file(run, "summary.json");
    ck_assert_int_eq(json_unmodelled_count(summary, "0x40005400", "read"), 3);
    ck_assert_int_eq(json_unmodelled_count(summary, "0x40005404", "write"), 1);
    ck_assert_int_eq(json_unmodelled_count(summary, "0x40005404", "read"), 1);
    ck_assert_int_eq(json_unmodelled_count(summary, "0x40005400", "write"), -1);
    total = json_value(summary, "unmodelled_accesses");
    strict = json_value(summary, "strict_failure");
    ck_assert_str_eq(total, "5");
    ck_assert_str_eq(strict, "false");
    free(total);
    free(strict);
    free(summary);
    photon_finish(run);
}
END_TEST

START_TEST(modelled_registers_are_not_reported)
{
    PhotonRun *run = photon_boot(NULL);
    char *summary, *total;

    /* A little of every model; none of it may count as a gap. */
    WR32(run, RCC_CR, RCC_CR_HSION | RCC_CR_HSEON);
    RD32(run, FLASH_SR);
    RD32(run, PWR_CSR);
    RD32(run, RTC_BKPR(4));
    RD32(run, CRC_DR);
    RD32(run, RNG_SR);
    RD32(run, GPIO_IDR(GPIOC_BASE));
    RD32(run, EXTI_PR);
    RD32(run, SYSCFG_EXTICR2);
    RD32(run, TIM_CNT(TIM2_BASE));
    RD32(run, SDIO_STA);
    RD32(run, OTG_GRSTCTL);
    RD32(run, DWT_CYCCNT);
    RD32(run, IWDG_SR);
    photon_stop(run);
    summary = photon_report_file(run, "summary.json");
    total = json_value(summary, "unmodelled_accesses");
    ck_assert_msg(total && strcmp(total, "0") == 0, "unexpected gaps: %s", summary);
    free(total);
    free(summary);
    photon_finish(run);
}
END_TEST

START_TEST(strict_mode_stops_at_the_first_unmodelled_access)
{
    PhotonRun *run = photon_boot("strict=on");
    char *summary, *strict, *reason;

    ck_assert_uint_eq(RD32(run, RCC_CSR), RCC_CSR_POWER_ON);
    ck_assert(qtest_client_alive(run->qt));
    ck_assert_uint_eq(RD32(run, I2C1_CR1), 0);
    qtest_client_wait_exit(run->qt, 10000);
    run->qt = NULL;
    summary = photon_report_file(run, "summary.json");
    strict = json_value(summary, "strict_failure");
    reason = json_value(summary, "exit_reason");
    ck_assert_str_eq(strict, "true");
    ck_assert_msg(reason && strstr(reason, "0x40005400"), "exit_reason %s", reason);
    ck_assert_int_eq(json_unmodelled_count(summary, "0x40005400", "read"), 1);
    free(strict);
    free(reason);
    free(summary);
    photon_finish(run);
}
END_TEST

Suite *unmodelled_suite(void)
{
    Suite *suite = suite_create("unmodelled");
    TCase *tc = machine_tcase(suite, "unmodelled");

    tcase_add_test(tc, unmodelled_peripheral_reads_zero_and_is_counted);
    tcase_add_test(tc, modelled_registers_are_not_reported);
    tcase_add_test(tc, strict_mode_stops_at_the_first_unmodelled_access);
    return suite;
}
