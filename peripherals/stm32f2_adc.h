/*
 * STM32F2xx analog-to-digital converters (ADC1..ADC3 and the common block).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_ADC_H
#define HW_PHOTON_STM32F2_ADC_H

#include "hw/sysbus.h"
#include "qom/object.h"
#include "hw/photon/peripherals/stm32f2_dma.h"

#define TYPE_STM32F2_ADC "stm32f2-adc"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2AdcState, STM32F2_ADC)

#define STM32F2_ADC_CHANNELS 19
#define STM32F2_ADC_REGS (0x50 / 4)

struct STM32F2AdcState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    STM32F2DmaState *dma;

    uint32_t regs[3][STM32F2_ADC_REGS];
    uint32_t ccr;
    bool converting;            /* ADC1 has a conversion for its DMA stream */
    uint16_t channel_value[STM32F2_ADC_CHANNELS];   /* 12-bit, 4095 = VREF */
};

/* ADC1's DMA requests go to DMA2 stream 0, channel 0. */
void stm32f2_adc_connect_dma(STM32F2AdcState *s, STM32F2DmaState *dma);
/* The voltage on an input channel, as a 12-bit reading. */
void stm32f2_adc_set_input(STM32F2AdcState *s, unsigned channel, uint16_t value);

#endif
