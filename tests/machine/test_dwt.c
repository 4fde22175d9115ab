/*
 * DWT cycle counter: micros(), HAL_Delay_Microseconds() and the SOS timing
 * read CYCCNT and assume 120 counts per microsecond (reference §2.11).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "machine_test.h"

#define CYCLES_PER_US (CPU_HZ / 1000000u)

START_TEST(cyccnt_is_stopped_after_reset)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, DWT_CTRL) & DWT_CTRL_CYCCNTENA, 0);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 0);
    STEP_NS(run, NS_PER_MS);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 0);
    photon_finish(run);
}
END_TEST

START_TEST(cyccnt_counts_120_per_microsecond_when_enabled)
{
    PhotonRun *run = photon_boot(NULL);

    /* DWT_Init: DEMCR.TRCENA, CYCCNT = 0, CTRL.CYCCNTENA. */
    WR32(run, 0xE000EDFC, BIT(24));
    WR32(run, DWT_CYCCNT, 0);
    WR32(run, DWT_CTRL, RD32(run, DWT_CTRL) | DWT_CTRL_CYCCNTENA);
    ck_assert_uint_eq(RD32(run, DWT_CTRL) & DWT_CTRL_CYCCNTENA, DWT_CTRL_CYCCNTENA);
    STEP_NS(run, NS_PER_US);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), CYCLES_PER_US);
    STEP_NS(run, 999 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 1000 * CYCLES_PER_US);
    STEP_NS(run, 2 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 1000 * CYCLES_PER_US + 2 * CPU_HZ);
    photon_finish(run);
}
END_TEST

START_TEST(cyccnt_holds_while_disabled)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, DWT_CTRL, DWT_CTRL_CYCCNTENA);
    STEP_NS(run, 10 * NS_PER_US);
    WR32(run, DWT_CTRL, 0);
    STEP_NS(run, 10 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 10 * CYCLES_PER_US);
    WR32(run, DWT_CTRL, DWT_CTRL_CYCCNTENA);
    STEP_NS(run, 5 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 15 * CYCLES_PER_US);
    photon_finish(run);
}
END_TEST

START_TEST(cyccnt_is_writable_and_wraps_at_32_bits)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, DWT_CTRL, DWT_CTRL_CYCCNTENA);
    WR32(run, DWT_CYCCNT, 1000);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 1000);
    STEP_NS(run, NS_PER_US);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), 1000 + CYCLES_PER_US);
    WR32(run, DWT_CYCCNT, 0xFFFFFF00);
    STEP_NS(run, 10 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, DWT_CYCCNT), (uint32_t)(0xFFFFFF00u + 10 * CYCLES_PER_US));
    photon_finish(run);
}
END_TEST

Suite *dwt_suite(void)
{
    Suite *suite = suite_create("dwt");
    TCase *tc = machine_tcase(suite, "dwt");

    tcase_add_test(tc, cyccnt_is_stopped_after_reset);
    tcase_add_test(tc, cyccnt_counts_120_per_microsecond_when_enabled);
    tcase_add_test(tc, cyccnt_holds_while_disabled);
    tcase_add_test(tc, cyccnt_is_writable_and_wraps_at_32_bits);
    return suite;
}
