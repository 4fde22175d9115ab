/*
 * RTC and backup registers: the write protection and init mode rtc_hal.c
 * goes through on every boot, a calendar that runs on virtual time, and the
 * backup registers that carry the system flags across resets (reference
 * §1.8, §2.4).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "machine_test.h"

/* BCD time and date words (RM0033 RTC_TR, RTC_DR). */
static uint32_t rtc_tr(unsigned h, unsigned m, unsigned s)
{
    return (h / 10) << 20 | (h % 10) << 16 | (m / 10) << 12 | (m % 10) << 8 |
           (s / 10) << 4 | (s % 10);
}

/* @weekday: 1 = Monday .. 7 = Sunday. */
static uint32_t rtc_dr(unsigned year, unsigned month, unsigned day, unsigned weekday)
{
    year %= 100;
    return (year / 10) << 20 | (year % 10) << 16 | weekday << 13 | (month / 10) << 12 |
           (month % 10) << 8 | (day / 10) << 4 | (day % 10);
}

static void rtc_unprotect(PhotonRun *run)
{
    WR32(run, RTC_WPR, RTC_WPR_KEY1);
    WR32(run, RTC_WPR, RTC_WPR_KEY2);
}

/* RTC_SetTime/SetDate: init mode, TR and DR, leave init mode. */
static void rtc_set(PhotonRun *run, uint32_t tr, uint32_t dr)
{
    rtc_unprotect(run);
    WR32(run, RTC_ISR, RTC_ISR_INIT);
    ck_assert_uint_eq(RD32(run, RTC_ISR) & RTC_ISR_INITF, RTC_ISR_INITF);
    WR32(run, RTC_TR, tr);
    WR32(run, RTC_DR, dr);
    ck_assert_uint_eq(RD32(run, RTC_TR), tr);
    ck_assert_uint_eq(RD32(run, RTC_DR), dr);
    WR32(run, RTC_ISR, 0);
    WR32(run, RTC_WPR, 0xFF);
}

START_TEST(power_on_values_match_the_reference_manual)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, RTC_TR), 0);
    /* Year 00, January 1st, weekday 1 (the register's reset value). */
    ck_assert_uint_eq(RD32(run, RTC_DR), 0x00002101);
    ck_assert_uint_eq(RD32(run, RTC_ISR), 0x00000007);
    ck_assert_uint_eq(RD32(run, RTC_PRER), 0x007F00FF);
    ck_assert_uint_eq(RD32(run, RTC_BKPR(0)), 0);
    photon_finish(run);
}
END_TEST

START_TEST(registers_are_write_protected_until_the_key_sequence)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, RTC_ISR, RTC_ISR_INIT);
    ck_assert_uint_eq(RD32(run, RTC_ISR) & (RTC_ISR_INIT | RTC_ISR_INITF), 0);
    WR32(run, RTC_PRER, 0x00010001);
    ck_assert_uint_eq(RD32(run, RTC_PRER), 0x007F00FF);
    rtc_unprotect(run);
    WR32(run, RTC_PRER, 0x007F0100);
    ck_assert_uint_eq(RD32(run, RTC_PRER), 0x007F0100);
    /* A wrong key turns the protection back on. */
    WR32(run, RTC_WPR, 0xFF);
    WR32(run, RTC_PRER, 0x007F00FF);
    ck_assert_uint_eq(RD32(run, RTC_PRER), 0x007F0100);
    photon_finish(run);
}
END_TEST

START_TEST(init_mode_is_entered_at_once)
{
    PhotonRun *run = photon_boot(NULL);

    rtc_unprotect(run);
    WR32(run, RTC_ISR, RTC_ISR_INIT);
    ck_assert_uint_eq(RD32(run, RTC_ISR) & (RTC_ISR_INIT | RTC_ISR_INITF),
                      RTC_ISR_INIT | RTC_ISR_INITF);
    WR32(run, RTC_ISR, 0);
    ck_assert_uint_eq(RD32(run, RTC_ISR) & (RTC_ISR_INIT | RTC_ISR_INITF), 0);
    photon_finish(run);
}
END_TEST

START_TEST(shadow_registers_resynchronise_after_rsf_is_cleared)
{
    PhotonRun *run = photon_boot(NULL);

    /* RTC_WaitForSynchro: clear RSF, then poll it (bounded, 0x8000 reads). */
    rtc_unprotect(run);
    WR32(run, RTC_ISR, RD32(run, RTC_ISR) & ~RTC_ISR_RSF);
    /* The hardware resynchronises every two RTCCLK periods (61 us at LSE). */
    STEP_NS(run, 100 * NS_PER_US);
    ck_assert_uint_eq(RD32(run, RTC_ISR) & RTC_ISR_RSF, RTC_ISR_RSF);
    photon_finish(run);
}
END_TEST

START_TEST(time_set_in_init_mode_reads_back_and_advances)
{
    PhotonRun *run = photon_boot(NULL);

    /* Thursday 2024-02-29 12:34:56. */
    rtc_set(run, rtc_tr(12, 34, 56), rtc_dr(2024, 2, 29, 4));
    ck_assert_uint_eq(RD32(run, RTC_TR), rtc_tr(12, 34, 56));
    ck_assert_uint_eq(RD32(run, RTC_DR), rtc_dr(2024, 2, 29, 4));
    STEP_NS(run, 5 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, RTC_TR), rtc_tr(12, 35, 1));
    STEP_NS(run, 90 * 60 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, RTC_TR), rtc_tr(14, 5, 1));
    photon_finish(run);
}
END_TEST

START_TEST(calendar_rolls_over_midnight_into_march_of_a_leap_year)
{
    PhotonRun *run = photon_boot(NULL);

    rtc_set(run, rtc_tr(23, 59, 58), rtc_dr(2024, 2, 29, 4));
    STEP_NS(run, 3 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, RTC_TR), rtc_tr(0, 0, 1));
    ck_assert_uint_eq(RD32(run, RTC_DR), rtc_dr(2024, 3, 1, 5));
    photon_finish(run);
}
END_TEST

START_TEST(weekday_counts_on_from_the_value_written)
{
    PhotonRun *run = photon_boot(NULL);

    /*
     * The weekday is a counter the software sets, not derived from the date:
     * 2021-01-31 was a Sunday (7), written here as Saturday (6).
     */
    rtc_set(run, rtc_tr(23, 59, 59), rtc_dr(2021, 1, 31, 6));
    STEP_NS(run, 2 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, RTC_DR), rtc_dr(2021, 2, 1, 7));
    /* Only the time rewritten (23:59:59 again): Sunday wraps to Monday. */
    rtc_unprotect(run);
    WR32(run, RTC_ISR, RTC_ISR_INIT);
    WR32(run, RTC_TR, rtc_tr(23, 59, 59));
    WR32(run, RTC_ISR, 0);
    STEP_NS(run, 2 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, RTC_DR), rtc_dr(2021, 2, 2, 1));
    photon_finish(run);
}
END_TEST

START_TEST(backup_registers_and_calendar_survive_a_system_reset)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, RCC_APB1ENR, RCC_APB1ENR_PWREN);
    WR32(run, PWR_CR, PWR_CR_DBP);
    for (unsigned i = 0; i < 20; i++) {
        WR32(run, RTC_BKPR(i), 0x1ADEAC00 + i);
    }
    rtc_set(run, rtc_tr(8, 0, 0), rtc_dr(2022, 6, 15, 3));
    photon_system_reset(run);
    ck_assert_uint_eq(RD32(run, RCC_CSR) & RCC_CSR_SFTRSTF, RCC_CSR_SFTRSTF);
    for (unsigned i = 0; i < 20; i++) {
        ck_assert_uint_eq(RD32(run, RTC_BKPR(i)), 0x1ADEAC00 + i);
    }
    STEP_NS(run, 2 * NS_PER_S);
    ck_assert_uint_eq(RD32(run, RTC_TR), rtc_tr(8, 0, 2));
    ck_assert_uint_eq(RD32(run, RTC_DR), rtc_dr(2022, 6, 15, 3));
    photon_finish(run);
}
END_TEST

START_TEST(backup_domain_reset_clears_the_rtc_and_backup_registers)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, RCC_BDCR, RCC_BDCR_LSEON | RCC_BDCR_RTCSEL_LSE | RCC_BDCR_RTCEN);
    WR32(run, RTC_BKPR(1), 0x5AFE);
    rtc_set(run, rtc_tr(8, 0, 0), rtc_dr(2022, 6, 15, 3));
    /* RCC_BackupResetCmd(ENABLE), then DISABLE: BDCR.BDRST pulsed. */
    WR32(run, RCC_BDCR, RD32(run, RCC_BDCR) | RCC_BDCR_BDRST);
    WR32(run, RCC_BDCR, RD32(run, RCC_BDCR) & ~RCC_BDCR_BDRST);
    ck_assert_uint_eq(RD32(run, RCC_BDCR), 0);
    ck_assert_uint_eq(RD32(run, RTC_BKPR(1)), 0);
    ck_assert_uint_eq(RD32(run, RTC_TR), 0);
    ck_assert_uint_eq(RD32(run, RTC_DR), 0x00002101);
    photon_finish(run);
}
END_TEST

Suite *rtc_suite(void)
{
    Suite *suite = suite_create("rtc");
    TCase *tc = machine_tcase(suite, "rtc");

    tcase_add_test(tc, power_on_values_match_the_reference_manual);
    tcase_add_test(tc, registers_are_write_protected_until_the_key_sequence);
    tcase_add_test(tc, init_mode_is_entered_at_once);
    tcase_add_test(tc, shadow_registers_resynchronise_after_rsf_is_cleared);
    tcase_add_test(tc, time_set_in_init_mode_reads_back_and_advances);
    tcase_add_test(tc, calendar_rolls_over_midnight_into_march_of_a_leap_year);
    tcase_add_test(tc, weekday_counts_on_from_the_value_written);
    tcase_add_test(tc, backup_registers_and_calendar_survive_a_system_reset);
    tcase_add_test(tc, backup_domain_reset_clears_the_rtc_and_backup_registers);
    return suite;
}
