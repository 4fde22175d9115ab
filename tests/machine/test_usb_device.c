/*
 * The USB OTG_HS core in device mode with photon-sim's PC on the cable,
 * driven register by register the way ST's USB driver in Device OS does
 * (usb_core.c, usb_dcd_int.c): the PC's bus reset and enumeration speed, a
 * SETUP arriving through the receive FIFO, an IN transfer leaving through the
 * transmit FIFO, the status stage, and the interrupt lines.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "machine_test.h"

/* GRXSTSP: PKTSTS (20:17), BCNT (14:4), EPNUM (3:0). */
#define RXSTS(pktsts, bcnt, ep) ((uint32_t)(pktsts) << 17 | (uint32_t)(bcnt) << 4 | (ep))
enum { OUT_DATA = 2, OUT_DONE = 3, SETUP_DONE = 4, SETUP_DATA = 6 };

/* USB_OTG_CoreInit, CoreInitDev and EnableDevInt as the Photon builds them. */
static void device_init(PhotonRun *run)
{
    WR32(run, OTG_GUSBCFG, 0x40000040);        /* FDMOD, PHYSEL (embedded FS PHY) */
    WR32(run, OTG_GCCFG, 0x002D0000);          /* PWRDWN, NOVBUSSENS */
    WR32(run, OTG_GRXFSIZ, 0x100);
    WR32(run, OTG_DIEPTXF0, 0x00400100);       /* 64 words at 256 */
    WR32(run, OTG_DIEPTXF(1), 0x01000140);
    WR32(run, OTG_GINTMSK, 0x803C3818);
    WR32(run, OTG_GAHBCFG, 1);
    WR32(run, OTG_DCTL, 0);                    /* soft-connect: D+ pulled up */
}

/* DCD_HandleUsbReset_ISR and USB_OTG_EP0_OutStart. */
static void handle_bus_reset(PhotonRun *run)
{
    WR32(run, OTG_DAINTMSK, 0x00010001);
    WR32(run, OTG_DOEPMSK, 0x0B);
    WR32(run, OTG_DIEPMSK, 0x0B);
    WR32(run, OTG_DOEPTSIZ(0), 0x60080018);    /* STUPCNT 3, PKTCNT 1, 24 bytes */
    WR32(run, OTG_GINTSTS, OTG_GINTSTS_USBRST);
}

/* From power-on to the PC's first SETUP, checking each step on the way. */
static PhotonRun *enumerating_device(void)
{
    PhotonRun *run = photon_boot(NULL);

    device_init(run);
    STEP_NS(run, 90 * NS_PER_MS);              /* the PC debounces the attach (100 ms) */
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_USBRST, 0);
    STEP_NS(run, 20 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_USBRST, OTG_GINTSTS_USBRST);
    ck_assert(nvic_pending(run, IRQ_OTG_HS));
    handle_bus_reset(run);

    STEP_NS(run, 50 * NS_PER_MS);              /* the reset lasts 50 ms */
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_ENUMDNE, OTG_GINTSTS_ENUMDNE);
    ck_assert_uint_eq((RD32(run, OTG_DSTS) >> 1) & 3, 3);     /* full speed, 48 MHz PHY */
    WR32(run, OTG_GINTSTS, OTG_GINTSTS_ENUMDNE);
    STEP_NS(run, 11 * NS_PER_MS);              /* reset recovery, then the SETUP */
    return run;
}

START_TEST(setup_arrives_through_the_receive_fifo)
{
    PhotonRun *run = enumerating_device();

    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & (OTG_GINTSTS_SOF | OTG_GINTSTS_RXFLVL),
                      OTG_GINTSTS_SOF | OTG_GINTSTS_RXFLVL);
    ck_assert_uint_eq(RD32(run, OTG_GRXSTSR), RXSTS(SETUP_DATA, 8, 0));   /* peek */
    ck_assert_uint_eq(RD32(run, OTG_GRXSTSP), RXSTS(SETUP_DATA, 8, 0));
    /* GET_DESCRIPTOR(device, 64): 80 06 00 01 00 00 40 00. */
    ck_assert_uint_eq(RD32(run, OTG_FIFO(0)), 0x01000680);
    ck_assert_uint_eq(RD32(run, OTG_FIFO(0)), 0x00400000);
    ck_assert_uint_eq(RD32(run, OTG_DOEPINT(0)) & OTG_DOEPINT_STUP, 0);
    /* STUP follows the popping of the setup-done entry. */
    ck_assert_uint_eq(RD32(run, OTG_GRXSTSP), RXSTS(SETUP_DONE, 0, 0));
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_RXFLVL, 0);
    ck_assert_uint_eq(RD32(run, OTG_DOEPINT(0)) & OTG_DOEPINT_STUP, OTG_DOEPINT_STUP);
    ck_assert_uint_eq(RD32(run, OTG_DAINT) & 0x00010000, 0x00010000);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_OEPINT, OTG_GINTSTS_OEPINT);
    ck_assert_uint_eq((RD32(run, OTG_DOEPTSIZ(0)) >> 29) & 3, 2);  /* STUPCNT counted down */
    WR32(run, OTG_DOEPINT(0), OTG_DOEPINT_STUP);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_OEPINT, 0);
    photon_finish(run);
}
END_TEST

START_TEST(in_transfer_leaves_through_the_transmit_fifo)
{
    PhotonRun *run = enumerating_device();
    /* The first 18 bytes of Device OS's device descriptor. */
    static const uint32_t descriptor[5] = {
        0x02000112, 0x400102EF, 0xC0062B04, 0x02010250, 0x00000103,
    };

    RD32(run, OTG_GRXSTSP);
    RD32(run, OTG_FIFO(0));
    RD32(run, OTG_FIFO(0));
    RD32(run, OTG_GRXSTSP);
    WR32(run, OTG_DOEPINT(0), OTG_DOEPINT_STUP);

    /* USB_OTG_EP0StartXfer (IN, 18 bytes), then TXFE asks for the data. */
    WR32(run, OTG_DIEPTSIZ(0), 1u << 19 | 18);
    WR32(run, OTG_DIEPCTL(0), RD32(run, OTG_DIEPCTL(0)) | OTG_EPCTL_CNAK | OTG_EPCTL_EPENA);
    ck_assert_uint_eq(RD32(run, OTG_DAINT) & 1, 0);            /* TXFE not yet enabled */
    WR32(run, OTG_DIEPEMPMSK, 1);
    ck_assert_uint_eq(RD32(run, OTG_DIEPINT(0)) & OTG_DIEPINT_TXFE, OTG_DIEPINT_TXFE);
    ck_assert_uint_eq(RD32(run, OTG_DAINT) & 1, 1);
    ck_assert_uint_eq(RD32(run, OTG_DTXFSTS(0)), 64);
    for (int i = 0; i < 5; i++) {
        WR32(run, OTG_FIFO(0), descriptor[i]);
    }
    ck_assert_uint_eq(RD32(run, OTG_DTXFSTS(0)), 59);
    WR32(run, OTG_DIEPEMPMSK, 0);

    STEP_NS(run, 1 * NS_PER_MS);               /* the PC's IN token takes the packet */
    ck_assert_uint_eq(RD32(run, OTG_DIEPINT(0)) & OTG_EPINT_XFRC, OTG_EPINT_XFRC);
    ck_assert_uint_eq(RD32(run, OTG_DIEPCTL(0)) & OTG_EPCTL_EPENA, 0);
    ck_assert_uint_eq(RD32(run, OTG_DTXFSTS(0)), 64);
    ck_assert_uint_eq(RD32(run, OTG_DIEPTSIZ(0)) & 0x1FFFFF, 0);

    /* Status stage: the PC's zero-length OUT waits (NAK) until EP0 OUT is armed. */
    STEP_NS(run, 2 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_RXFLVL, 0);
    WR32(run, OTG_DOEPTSIZ(0), 1u << 19 | 64);
    WR32(run, OTG_DOEPCTL(0), OTG_EPCTL_CNAK | OTG_EPCTL_EPENA);
    STEP_NS(run, 1 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GRXSTSP), RXSTS(OUT_DATA, 0, 0));
    ck_assert_uint_eq(RD32(run, OTG_GRXSTSP), RXSTS(OUT_DONE, 0, 0));
    ck_assert_uint_eq(RD32(run, OTG_DOEPINT(0)) & OTG_EPINT_XFRC, OTG_EPINT_XFRC);
    ck_assert_uint_eq(RD32(run, OTG_DOEPCTL(0)) & OTG_EPCTL_EPENA, 0);

    /* A Linux-like PC resets the bus again before SET_ADDRESS. */
    STEP_NS(run, 2 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_USBRST, OTG_GINTSTS_USBRST);
    photon_finish(run);
}
END_TEST

/* Endpoint 1 has its own interrupt lines (DEACHINT), off the global one. */
START_TEST(endpoint_one_interrupts_on_its_own_line)
{
    PhotonRun *run = photon_boot("usb-cable=off");

    WR32(run, OTG_DIEPTXF(1), 0x01000140);
    WR32(run, OTG_DIEPCTL(1), OTG_EPCTL_USBAEP | 64);
    WR32(run, OTG_DAINTMSK, 0x00010001);       /* as the driver: EP1 not in DAINTMSK */
    WR32(run, OTG_GINTMSK, 0x803C3818);
    WR32(run, OTG_GAHBCFG, 1);
    WR32(run, OTG_DEACHINTMSK, 1u << 1);
    ck_assert(!nvic_pending(run, IRQ_OTG_HS_EP1_IN));
    WR32(run, OTG_DIEPEMPMSK, 1u << 1);        /* the empty FIFO now interrupts */
    ck_assert_uint_eq(RD32(run, OTG_DEACHINT), 1u << 1);
    ck_assert(nvic_pending(run, IRQ_OTG_HS_EP1_IN));
    ck_assert(!nvic_pending(run, IRQ_OTG_HS));
    photon_finish(run);
}
END_TEST

/* Without a cable (a charger) nothing resets the bus and no frames come. */
START_TEST(no_cable_no_bus_activity)
{
    PhotonRun *run = photon_boot("usb-cable=off");

    device_init(run);
    STEP_NS(run, 500 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & (OTG_GINTSTS_USBRST | OTG_GINTSTS_SOF), 0);
    photon_finish(run);
}
END_TEST

/* The driver's soft disconnect (DCTL.SDIS) keeps the PC from resetting. */
START_TEST(soft_disconnect_hides_the_device)
{
    PhotonRun *run = photon_boot(NULL);

    device_init(run);
    WR32(run, OTG_DCTL, OTG_DCTL_SDIS);
    STEP_NS(run, 500 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_USBRST, 0);
    WR32(run, OTG_DCTL, 0);
    STEP_NS(run, 120 * NS_PER_MS);
    ck_assert_uint_eq(RD32(run, OTG_GINTSTS) & OTG_GINTSTS_USBRST, OTG_GINTSTS_USBRST);
    photon_finish(run);
}
END_TEST

Suite *usb_device_suite(void)
{
    Suite *suite = suite_create("usb_device");
    TCase *tc = machine_tcase(suite, "usb_device");

    tcase_add_test(tc, setup_arrives_through_the_receive_fifo);
    tcase_add_test(tc, in_transfer_leaves_through_the_transmit_fifo);
    tcase_add_test(tc, endpoint_one_interrupts_on_its_own_line);
    tcase_add_test(tc, no_cable_no_bus_activity);
    tcase_add_test(tc, soft_disconnect_hides_the_device);
    return suite;
}
