/*
 * IWDG: armed by the bootloader as KR 0x5555, PR 6, RLR 625, KR 0xAAAA,
 * KR 0xCCCC (reference §2.5), it resets the machine unless reloaded, and the
 * reset shows as IWDGRSTF in RCC_CSR, which the bootloader's retry ladder
 * reads (§1.7 step 9).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "machine_test.h"

/* RM0033: timeout = 4 * 2^PR * (RLR + 1) / f_LSI. */
static int64_t iwdg_timeout_ns(unsigned pr, unsigned rlr)
{
    return (int64_t)(4u << pr) * (rlr + 1) * NS_PER_S / LSI_HZ;
}

/* A register any reset clears: while it holds, no reset has happened. */
static void set_reset_marker(PhotonRun *run)
{
    WR32(run, RCC_APB1ENR, RCC_APB1ENR_PWREN);
}

static bool reset_marker_intact(PhotonRun *run)
{
    return RD32(run, RCC_APB1ENR) == RCC_APB1ENR_PWREN;
}

/* The bootloader's IWDG_Force_Enable sequence. */
static void arm_watchdog(PhotonRun *run, unsigned pr, unsigned rlr)
{
    WR32(run, IWDG_KR, IWDG_KEY_UNLOCK);
    WR32(run, IWDG_PR, pr);
    WR32(run, IWDG_RLR, rlr);
    WR32(run, IWDG_KR, IWDG_KEY_RELOAD);
    WR32(run, IWDG_KR, IWDG_KEY_START);
}

START_TEST(prescaler_and_reload_need_the_unlock_key)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, IWDG_PR), 0);
    ck_assert_uint_eq(RD32(run, IWDG_RLR), 0xFFF);
    WR32(run, IWDG_PR, 6);
    WR32(run, IWDG_RLR, 625);
    ck_assert_uint_eq(RD32(run, IWDG_PR), 0);
    ck_assert_uint_eq(RD32(run, IWDG_RLR), 0xFFF);
    WR32(run, IWDG_KR, IWDG_KEY_UNLOCK);
    WR32(run, IWDG_PR, 6);
    WR32(run, IWDG_RLR, 625);
    ck_assert_uint_eq(RD32(run, IWDG_PR), 6);
    ck_assert_uint_eq(RD32(run, IWDG_RLR), 625);
    /* Updates complete at once: neither PVU nor RVU stays busy. */
    ck_assert_uint_eq(RD32(run, IWDG_SR), 0);
    photon_finish(run);
}
END_TEST

START_TEST(the_watchdog_does_not_run_until_started)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, IWDG_KR, IWDG_KEY_UNLOCK);
    WR32(run, IWDG_PR, 0);
    WR32(run, IWDG_RLR, 0);
    set_reset_marker(run);
    STEP_NS(run, 10 * NS_PER_S);
    ck_assert(reset_marker_intact(run));
    photon_finish(run);
}
END_TEST

START_TEST(expiry_resets_the_machine_with_iwdgrstf)
{
    PhotonRun *run = photon_boot(NULL);
    const int64_t timeout = iwdg_timeout_ns(6, 625);    /* 5.008 s */
    char *summary;

    WR32(run, RCC_CSR, RCC_CSR_RMVF);
    set_reset_marker(run);
    arm_watchdog(run, 6, 625);
    STEP_NS(run, timeout * 98 / 100);
    ck_assert(reset_marker_intact(run));
    ck_assert_uint_eq(RD32(run, RCC_CSR), 0);
    STEP_NS(run, timeout * 4 / 100);
    ck_assert(!reset_marker_intact(run));
    ck_assert_uint_eq(RD32(run, RCC_CSR), RCC_CSR_IWDGRSTF | RCC_CSR_PINRSTF);
    /* A reset stops the watchdog: nothing fires again. */
    WR32(run, RCC_CSR, RCC_CSR_RMVF);
    set_reset_marker(run);
    STEP_NS(run, 3 * timeout);
    ck_assert(reset_marker_intact(run));
    photon_stop(run);
    summary = photon_report_file(run, "summary.json");
    ck_assert_ptr_nonnull(strstr(summary, "\"watchdog\""));
    free(summary);
    photon_finish(run);
}
END_TEST

START_TEST(reloads_keep_the_machine_alive)
{
    PhotonRun *run = photon_boot(NULL);
    const int64_t timeout = iwdg_timeout_ns(0, 0xFFF);   /* 512 ms */

    WR32(run, RCC_CSR, RCC_CSR_RMVF);
    set_reset_marker(run);
    arm_watchdog(run, 0, 0xFFF);
    for (int i = 0; i < 20; i++) {
        STEP_NS(run, timeout * 9 / 10);
        WR32(run, IWDG_KR, IWDG_KEY_RELOAD);
    }
    ck_assert(reset_marker_intact(run));
    ck_assert_uint_eq(RD32(run, RCC_CSR), 0);
    STEP_NS(run, timeout * 11 / 10);
    ck_assert(!reset_marker_intact(run));
    ck_assert_uint_eq(RD32(run, RCC_CSR), RCC_CSR_IWDGRSTF | RCC_CSR_PINRSTF);
    photon_finish(run);
}
END_TEST

Suite *iwdg_suite(void)
{
    Suite *suite = suite_create("iwdg");
    TCase *tc = machine_tcase(suite, "iwdg");

    tcase_add_test(tc, prescaler_and_reload_need_the_unlock_key);
    tcase_add_test(tc, the_watchdog_does_not_run_until_started);
    tcase_add_test(tc, expiry_resets_the_machine_with_iwdgrstf);
    tcase_add_test(tc, reloads_keep_the_machine_alive);
    return suite;
}
