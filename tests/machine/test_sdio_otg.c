/*
 * SDIO host with no card on the bus, and the USB OTG_HS core with no host
 * on the cable: the waits of the WICED SDIO driver and of ST's USB driver
 * must end at once (reference §2.9, §2.10).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "machine_test.h"

/* The WICED driver's command issue for CMD @index (reference §2.9). */
static void sdio_command(PhotonRun *run, unsigned index, uint32_t arg, bool response)
{
    WR32(run, SDIO_ICR, 0xFFFFFFFF);
    WR32(run, SDIO_ARG, arg);
    WR32(run, SDIO_CMD, index | (response ? SDIO_CMD_WAITRESP_SHORT : 0) | SDIO_CMD_CPSMEN);
}

START_TEST(command_with_response_times_out_without_a_card)
{
    PhotonRun *run = photon_boot(NULL);

    sdio_command(run, 5, 0, true);      /* CMD5, IO_SEND_OP_COND */
    ck_assert_uint_eq(RD32(run, SDIO_STA) & (SDIO_STA_CTIMEOUT | SDIO_STA_CMDREND |
                                             SDIO_STA_CMDSENT | SDIO_STA_CMDACT),
                      SDIO_STA_CTIMEOUT);
    photon_finish(run);
}
END_TEST

START_TEST(command_without_response_is_sent)
{
    PhotonRun *run = photon_boot(NULL);

    sdio_command(run, 0, 0, false);     /* CMD0, GO_IDLE_STATE */
    ck_assert_uint_eq(RD32(run, SDIO_STA) & (SDIO_STA_CTIMEOUT | SDIO_STA_CMDREND |
                                             SDIO_STA_CMDSENT | SDIO_STA_CMDACT),
                      SDIO_STA_CMDSENT);
    photon_finish(run);
}
END_TEST

START_TEST(interrupt_clear_register_clears_status)
{
    PhotonRun *run = photon_boot(NULL);

    sdio_command(run, 5, 0, true);
    WR32(run, SDIO_ICR, SDIO_STA_CMDSENT);      /* not the flag that is set */
    ck_assert_uint_eq(RD32(run, SDIO_STA) & SDIO_STA_CTIMEOUT, SDIO_STA_CTIMEOUT);
    WR32(run, SDIO_ICR, SDIO_STA_CTIMEOUT);
    ck_assert_uint_eq(RD32(run, SDIO_STA), 0);
    photon_finish(run);
}
END_TEST

START_TEST(unmasked_status_raises_the_sdio_interrupt)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, SDIO_MASK, SDIO_STA_CTIMEOUT);    /* CTIMEOUTIE */
    sdio_command(run, 3, 0, true);
    ck_assert(nvic_pending(run, IRQ_SDIO));
    WR32(run, SDIO_ICR, SDIO_STA_CTIMEOUT);
    nvic_clear_pending(run, IRQ_SDIO);
    sdio_command(run, 0, 0, false);             /* CMDSENT is masked */
    ck_assert(!nvic_pending(run, IRQ_SDIO));
    photon_finish(run);
}
END_TEST

START_TEST(otg_core_reads_idle_and_core_reset_self_clears)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, OTG_GRSTCTL) & OTG_GRSTCTL_AHBIDL, OTG_GRSTCTL_AHBIDL);
    WR32(run, OTG_GRSTCTL, OTG_GRSTCTL_CSRST);
    ck_assert_uint_eq(RD32(run, OTG_GRSTCTL) & (OTG_GRSTCTL_CSRST | OTG_GRSTCTL_AHBIDL),
                      OTG_GRSTCTL_AHBIDL);
    /* USB_OTG_FlushTxFifo(16) / FlushRxFifo: the flush bits self-clear too. */
    WR32(run, OTG_GRSTCTL, OTG_GRSTCTL_TXFFLSH | (0x10u << 6));
    ck_assert_uint_eq(RD32(run, OTG_GRSTCTL) & (OTG_GRSTCTL_TXFFLSH | OTG_GRSTCTL_AHBIDL),
                      OTG_GRSTCTL_AHBIDL);
    WR32(run, OTG_GRSTCTL, OTG_GRSTCTL_RXFFLSH);
    ck_assert_uint_eq(RD32(run, OTG_GRSTCTL) & (OTG_GRSTCTL_RXFFLSH | OTG_GRSTCTL_AHBIDL),
                      OTG_GRSTCTL_AHBIDL);
    photon_finish(run);
}
END_TEST

Suite *sdio_otg_suite(void)
{
    Suite *suite = suite_create("sdio_otg");
    TCase *tc = machine_tcase(suite, "sdio_otg");

    tcase_add_test(tc, command_with_response_times_out_without_a_card);
    tcase_add_test(tc, command_without_response_is_sent);
    tcase_add_test(tc, interrupt_clear_register_clears_status);
    tcase_add_test(tc, unmasked_status_raises_the_sdio_interrupt);
    tcase_add_test(tc, otg_core_reads_idle_and_core_reset_self_clears);
    return suite;
}
