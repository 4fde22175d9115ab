/*
 * STM32F2xx USB OTG core in device mode (the Photon's OTG_HS with its
 * embedded full-speed PHY), slave (FIFO) mode.
 *
 * The cable's other end drives it through usb_wire_ops (the USB host in
 * peripherals/usb_host). Three interrupt lines, in sysbus order: the global
 * OTG interrupt, then the dedicated endpoint-1 OUT and IN interrupts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_OTG_H
#define HW_PHOTON_STM32F2_OTG_H

#include "hw/sysbus.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "hw/photon/peripherals/usb_host/usb_wire.h"

#define TYPE_STM32F2_OTG "stm32f2-otg"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2OtgState, STM32F2_OTG)

#define OTG_ENDPOINTS 6             /* the HS core's device endpoints */
#define OTG_REGS_SIZE 0x1000        /* core and device registers; FIFO windows follow */
#define OTG_NUM_REGS (OTG_REGS_SIZE / 4)
#define OTG_RX_ENTRIES 64
#define OTG_MAX_PACKET 64           /* full speed */
#define OTG_TX_FIFO_BYTES 1024      /* largest TX FIFO the driver configures (256 words) */
#define OTG_TX_PACKETS 32

/* One entry of the shared receive FIFO: a status word and its data. */
typedef struct OtgRxEntry {
    uint32_t status;
    uint8_t data[OTG_MAX_PACKET];
} OtgRxEntry;

/* One IN endpoint's transmit FIFO, as whole packets plus the one being written. */
typedef struct OtgTxFifo {
    uint8_t data[OTG_TX_FIFO_BYTES];
    uint32_t bytes;                 /* written, packed; packets start on words */
    uint32_t words;
    uint32_t packet_len[OTG_TX_PACKETS];
    uint32_t packets;               /* complete packets at the front */
    uint32_t partial_words;         /* words of the packet being written */
} OtgTxFifo;

struct STM32F2OtgState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    qemu_irq ep1_out_irq;
    qemu_irq ep1_in_irq;
    QEMUTimer *suspend_timer;

    uint32_t regs[OTG_NUM_REGS];

    /* Receive FIFO: entries in arrival order; the popped one's data is read
     * word by word through any FIFO window. */
    OtgRxEntry rx[OTG_RX_ENTRIES];
    uint32_t rx_head, rx_count, rx_words;
    OtgRxEntry popped;
    uint32_t popped_read;           /* bytes of popped.data read so far */
    uint32_t popped_length;

    OtgTxFifo tx[OTG_ENDPOINTS];

    uint32_t bus_state;             /* usb_bus_state the host drives */
    uint32_t address;               /* the address the core answers */
    bool suspended;
};

extern const struct usb_wire_ops stm32f2_otg_wire_ops;

#endif
