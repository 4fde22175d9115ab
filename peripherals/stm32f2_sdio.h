/*
 * STM32F2xx SDIO host controller.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_SDIO_H
#define HW_PHOTON_STM32F2_SDIO_H

#include "hw/sysbus.h"
#include "qom/object.h"
#include "hw/photon/peripherals/stm32f2_dma.h"

#define TYPE_STM32F2_SDIO "stm32f2-sdio"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2SdioState, STM32F2_SDIO)

/* The card on the bus, as the host sees it. */
typedef struct STM32F2SdioCardOps {
    /* A command; false when the card does not answer (a timeout). */
    bool (*command)(void *card, unsigned index, uint32_t arg, uint32_t *response);
    /* The data phase of a CMD53 issued with @arg. */
    void (*write_data)(void *card, uint32_t arg, const uint8_t *data, size_t len);
    void (*read_data)(void *card, uint32_t arg, uint8_t *buf, size_t len);
} STM32F2SdioCardOps;

/*
 * Plug a card in. Its interrupt (DAT1) goes to the named GPIO input
 * "card-irq"; STA.SDIOIT latches on the rising edge.
 */
void stm32f2_sdio_attach_card(STM32F2SdioState *s, const STM32F2SdioCardOps *ops,
                              void *card);
/* The DMA stream (DMA2 stream 3, channel 4 on the F2) that feeds the FIFO. */
void stm32f2_sdio_connect_dma(STM32F2SdioState *s, STM32F2DmaState *dma,
                              unsigned stream, unsigned channel);

struct STM32F2SdioState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;

    const STM32F2SdioCardOps *card_ops;
    void *card;
    bool card_irq_level;

    uint32_t power;
    uint32_t clkcr;
    uint32_t arg;
    uint32_t cmd;
    uint32_t respcmd;
    uint32_t resp[4];
    uint32_t dtimer;
    uint32_t dlen;
    uint32_t dctrl;
    uint32_t sta;
    uint32_t mask;
    /* A CMD53 whose data phase waits for the DMA stream. */
    bool data_pending;
    uint32_t data_arg;
};

#endif
