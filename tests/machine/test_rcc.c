/*
 * RCC: the oscillator and PLL ready flags the firmware polls forever, the
 * clock switch status, and the reset-cause flags the bootloader copies into
 * a backup register (reference §2.0, §2.1).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "machine_test.h"

START_TEST(reset_values_match_the_reference_manual)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET);
    ck_assert_uint_eq(RD32(run, RCC_PLLCFGR), RCC_PLLCFGR_RESET);
    ck_assert_uint_eq(RD32(run, RCC_CFGR), 0);
    ck_assert_uint_eq(RD32(run, RCC_BDCR), 0);
    photon_finish(run);
}
END_TEST

START_TEST(hse_ready_follows_hse_on)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, RCC_CR, RCC_CR_RESET | RCC_CR_HSEON);
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET | RCC_CR_HSEON | RCC_CR_HSERDY);
    WR32(run, RCC_CR, RCC_CR_RESET);
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET);
    photon_finish(run);
}
END_TEST

START_TEST(pll_ready_is_set_at_once)
{
    PhotonRun *run = photon_boot(NULL);

    /* SystemInit: PLLCFGR for 26 MHz HSE -> 120 MHz, then PLLON, poll PLLRDY. */
    WR32(run, RCC_PLLCFGR, 0x05403C1A);
    WR32(run, RCC_CR, RD32(run, RCC_CR) | RCC_CR_HSEON | RCC_CR_PLLON);
    ck_assert_uint_eq(RD32(run, RCC_PLLCFGR), 0x05403C1A);
    ck_assert_uint_eq(RD32(run, RCC_CR) & RCC_CR_PLLRDY, RCC_CR_PLLRDY);
    /* PLLI2S the same way. */
    WR32(run, RCC_CR, RD32(run, RCC_CR) | RCC_CR_PLLI2SON);
    ck_assert_uint_eq(RD32(run, RCC_CR) & RCC_CR_PLLI2SRDY, RCC_CR_PLLI2SRDY);
    photon_finish(run);
}
END_TEST

START_TEST(byte_writes_to_cr_plus_2_switch_hse)
{
    PhotonRun *run = photon_boot(NULL);

    /* RCC_HSEConfig(RCC_HSE_ON): a byte store of 0, then of 1, at CR+2. */
    WR8(run, RCC_CR + 2, 0x00);
    WR8(run, RCC_CR + 2, 0x01);
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET | RCC_CR_HSEON | RCC_CR_HSERDY);
    ck_assert_uint_eq(RD8(run, RCC_CR + 2), (RCC_CR_HSEON | RCC_CR_HSERDY) >> 16);
    WR8(run, RCC_CR + 2, 0x00);
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET);
    photon_finish(run);
}
END_TEST

START_TEST(pll_on_through_the_bit_band_alias)
{
    PhotonRun *run = photon_boot(NULL);

    /* RCC_PLLCmd(ENABLE) is a store of 1 to 0x42470060 (reference §1.7). */
    ck_assert_uint_eq(PERIPH_BITBAND(RCC_CR, 24), 0x42470060);
    WR32(run, PERIPH_BITBAND(RCC_CR, 24), 1);
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET | RCC_CR_PLLON | RCC_CR_PLLRDY);
    photon_finish(run);
}
END_TEST

START_TEST(clock_switch_status_follows_switch)
{
    PhotonRun *run = photon_boot(NULL);

    /* HPRE /1, PPRE2 /2, PPRE1 /4, SW = PLL: SWS must read PLL (0x08). */
    WR32(run, RCC_CR, RCC_CR_HSION | RCC_CR_HSEON | RCC_CR_PLLON);
    WR32(run, RCC_CFGR, (4u << 13) | (5u << 10) | RCC_CFGR_SW_PLL);
    ck_assert_uint_eq(RD32(run, RCC_CFGR),
                      (4u << 13) | (5u << 10) | RCC_CFGR_SW_PLL |
                      (RCC_CFGR_SW_PLL << RCC_CFGR_SWS_SHIFT));
    WR32(run, RCC_CFGR, RCC_CFGR_SW_HSE);
    ck_assert_uint_eq(RD32(run, RCC_CFGR) >> RCC_CFGR_SWS_SHIFT & 3, RCC_CFGR_SW_HSE);
    WR32(run, RCC_CFGR, RCC_CFGR_SW_HSI);
    ck_assert_uint_eq(RD32(run, RCC_CFGR) >> RCC_CFGR_SWS_SHIFT & 3, RCC_CFGR_SW_HSI);
    photon_finish(run);
}
END_TEST

START_TEST(the_running_pll_cannot_be_switched_off)
{
    PhotonRun *run = photon_boot(NULL);

    /*
     * RM0033: HSEON/PLLON cannot be cleared while that clock drives SYSCLK.
     * Part2's clock re-init clears them while running from the PLL.
     */
    WR32(run, RCC_CR, RCC_CR_HSION | RCC_CR_HSEON | RCC_CR_PLLON);
    WR32(run, RCC_CFGR, RCC_CFGR_SW_PLL);
    WR32(run, RCC_CR, RCC_CR_HSION);
    ck_assert_uint_eq(RD32(run, RCC_CR) & (RCC_CR_PLLON | RCC_CR_PLLRDY | RCC_CR_HSERDY),
                      RCC_CR_PLLON | RCC_CR_PLLRDY | RCC_CR_HSERDY);
    /* Back on HSI, they switch off. */
    WR32(run, RCC_CFGR, RCC_CFGR_SW_HSI);
    WR32(run, RCC_CR, RCC_CR_HSION);
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_HSION | RCC_CR_HSIRDY);
    photon_finish(run);
}
END_TEST

START_TEST(lse_ready_follows_lse_on_in_bdcr)
{
    PhotonRun *run = photon_boot(NULL);

    /* RCC_LSEConfig: byte stores of 0 then 1 at BDCR+0; then RTCEN by bit-band. */
    WR8(run, RCC_BDCR, 0x00);
    WR8(run, RCC_BDCR, 0x01);
    ck_assert_uint_eq(RD32(run, RCC_BDCR), RCC_BDCR_LSEON | RCC_BDCR_LSERDY);
    WR32(run, RCC_BDCR, RD32(run, RCC_BDCR) | RCC_BDCR_RTCSEL_LSE);
    ck_assert_uint_eq(PERIPH_BITBAND(RCC_BDCR, 15), 0x42470E3C);
    WR32(run, PERIPH_BITBAND(RCC_BDCR, 15), 1);
    ck_assert_uint_eq(RD32(run, RCC_BDCR),
                      RCC_BDCR_LSEON | RCC_BDCR_LSERDY | RCC_BDCR_RTCSEL_LSE | RCC_BDCR_RTCEN);
    photon_finish(run);
}
END_TEST

START_TEST(lsi_ready_follows_lsi_on_in_csr)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, RCC_CSR, RCC_CSR_LSION);
    ck_assert_uint_eq(RD32(run, RCC_CSR), RCC_CSR_POWER_ON | RCC_CSR_LSION | RCC_CSR_LSIRDY);
    photon_finish(run);
}
END_TEST

START_TEST(power_on_sets_por_pin_and_bor_flags)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, RCC_CSR), RCC_CSR_POWER_ON);
    ck_assert_uint_eq(RCC_CSR_POWER_ON, RCC_CSR_PORRSTF | RCC_CSR_PINRSTF | RCC_CSR_BORRSTF);
    photon_finish(run);
}
END_TEST

START_TEST(system_reset_request_sets_software_and_pin_flags)
{
    PhotonRun *run = photon_boot(NULL);

    photon_system_reset(run);
    /* The power-on flags stay until RMVF; the reset adds SFTRST and PINRST. */
    ck_assert_uint_eq(RD32(run, RCC_CSR),
                      RCC_CSR_POWER_ON | RCC_CSR_SFTRSTF | RCC_CSR_PINRSTF);
    WR32(run, RCC_CSR, RCC_CSR_RMVF);
    ck_assert_uint_eq(RD32(run, RCC_CSR), 0);
    /* A second software reset, after RMVF: exactly 0x14000000 (reference §2.1). */
    photon_system_reset(run);
    ck_assert_uint_eq(RD32(run, RCC_CSR), 0x14000000);
    photon_finish(run);
}
END_TEST

START_TEST(backup_domain_control_survives_a_system_reset)
{
    PhotonRun *run = photon_boot(NULL);
    const uint32_t bdcr = RCC_BDCR_LSEON | RCC_BDCR_RTCSEL_LSE | RCC_BDCR_RTCEN;

    WR32(run, RCC_BDCR, bdcr);
    WR32(run, RCC_CR, RCC_CR_HSION | RCC_CR_HSEON);
    WR32(run, RCC_APB1ENR, RCC_APB1ENR_PWREN);
    photon_system_reset(run);
    /* The rest of RCC is back at its reset values, so the reset did happen. */
    ck_assert_uint_eq(RD32(run, RCC_CR), RCC_CR_RESET);
    ck_assert_uint_eq(RD32(run, RCC_APB1ENR), 0);
    ck_assert_uint_eq(RD32(run, RCC_BDCR), bdcr | RCC_BDCR_LSERDY);
    photon_finish(run);
}
END_TEST

Suite *rcc_suite(void)
{
    Suite *suite = suite_create("rcc");
    TCase *tc = machine_tcase(suite, "rcc");

    tcase_add_test(tc, reset_values_match_the_reference_manual);
    tcase_add_test(tc, hse_ready_follows_hse_on);
    tcase_add_test(tc, pll_ready_is_set_at_once);
    tcase_add_test(tc, byte_writes_to_cr_plus_2_switch_hse);
    tcase_add_test(tc, pll_on_through_the_bit_band_alias);
    tcase_add_test(tc, clock_switch_status_follows_switch);
    tcase_add_test(tc, the_running_pll_cannot_be_switched_off);
    tcase_add_test(tc, lse_ready_follows_lse_on_in_bdcr);
    tcase_add_test(tc, lsi_ready_follows_lsi_on_in_csr);
    tcase_add_test(tc, power_on_sets_por_pin_and_bor_flags);
    tcase_add_test(tc, system_reset_request_sets_software_and_pin_flags);
    tcase_add_test(tc, backup_domain_control_survives_a_system_reset);
    return suite;
}
