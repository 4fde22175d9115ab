/*
 * The BCM43362 Wi-Fi chip as an SDIO card on the STM32F2 SDIO host.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_BCM43362_CARD_H
#define HW_PHOTON_BCM43362_CARD_H

#include "hw/qdev-core.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "hw/photon/peripherals/bcm43362/bcm43362.h"
#include "hw/photon/peripherals/stm32f2_sdio.h"

#define TYPE_BCM43362_CARD "bcm43362"
OBJECT_DECLARE_SIMPLE_TYPE(Bcm43362CardState, BCM43362_CARD)

/* Where the chip's Ethernet frames go (the simulated network). */
typedef void (*Bcm43362NetworkSend)(void *opaque, const uint8_t *frame, size_t len);
typedef void (*Bcm43362Log)(void *opaque, const char *message);

struct Bcm43362CardState {
    DeviceState parent_obj;
    bcm43362 *chip;
    QEMUTimer *timer;
    qemu_irq irq;               /* DAT1 card interrupt, to the host's "card-irq" */
    uint64_t seed;

    Bcm43362NetworkSend network_send;
    void *network_opaque;
    Bcm43362Log log;
    void *log_opaque;
};

/* The chip's diagnostics (scans, joins, what it does not model), besides the trace. */
void bcm43362_card_set_log(Bcm43362CardState *s, Bcm43362Log log, void *opaque);
void bcm43362_card_plug(Bcm43362CardState *s, STM32F2SdioState *host);
void bcm43362_card_set_network(Bcm43362CardState *s, Bcm43362NetworkSend send,
                               void *opaque);
/* A frame from the network for the station (dropped unless associated). */
void bcm43362_card_deliver(Bcm43362CardState *s, const uint8_t *frame, size_t len);

#endif
