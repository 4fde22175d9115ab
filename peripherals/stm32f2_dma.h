/*
 * STM32F2xx DMA controller.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_DMA_H
#define HW_PHOTON_STM32F2_DMA_H

#include "hw/sysbus.h"
#include "qom/object.h"

#define TYPE_STM32F2_DMA "stm32f2-dma"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2DmaState, STM32F2_DMA)

#define STM32F2_DMA_STREAMS 8
enum { STM32F2_DMA_SxCR, STM32F2_DMA_SxNDTR, STM32F2_DMA_SxPAR, STM32F2_DMA_SxM0AR,
       STM32F2_DMA_SxM1AR, STM32F2_DMA_SxFCR, STM32F2_DMA_STREAM_REGS };

/* What an enabled stream asks its peripheral to move. */
typedef struct STM32F2DmaRequest {
    unsigned stream;
    bool memory_to_peripheral;
    uint32_t memory_address;    /* SxM0AR */
    uint32_t items;             /* SxNDTR */
    unsigned item_bytes;        /* MSIZE */
} STM32F2DmaRequest;

/*
 * A peripheral that serves DMA requests on (stream, channel). Called when
 * the guest enables the stream; it moves the data (through the system
 * address space) and returns true when the transfer is complete, so the
 * stream signals transfer-complete at once.
 */
typedef bool (*STM32F2DmaPeripheral)(void *opaque, const STM32F2DmaRequest *request);

void stm32f2_dma_connect(STM32F2DmaState *s, unsigned stream, unsigned channel,
                         STM32F2DmaPeripheral serve, void *opaque);
/*
 * The peripheral has data now (e.g. an ADC conversion finished): serve an
 * enabled stream that was waiting for it.
 */
void stm32f2_dma_peripheral_ready(STM32F2DmaState *s, unsigned stream);

struct STM32F2DmaState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq[STM32F2_DMA_STREAMS];
    char *name;
    uint32_t base;

    uint32_t isr[2];
    uint32_t stream[STM32F2_DMA_STREAMS][STM32F2_DMA_STREAM_REGS];

    struct {
        unsigned channel;
        STM32F2DmaPeripheral serve;
        void *opaque;
    } peripheral[STM32F2_DMA_STREAMS];
};

#endif
