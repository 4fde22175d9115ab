/*
 * STM32F2xx general-purpose timer (TIM2..TIM5) with PWM outputs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_TIM_H
#define HW_PHOTON_STM32F2_TIM_H

#include "hw/sysbus.h"
#include "qom/object.h"

#define TYPE_STM32F2_TIM "stm32f2-tim"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2TimState, STM32F2_TIM)

#define STM32F2_TIM_CHANNELS 4

/*
 * Named output "pwm" n (channel n+1) carries the channel's output as a
 * level: the fraction of each period the pin is driven high, in units of
 * 1/STM32F2_TIM_PWM_FULL, or STM32F2_TIM_PWM_UNDRIVEN while the channel's
 * output is disabled (CCxE = 0).
 */
#define STM32F2_TIM_PWM_FULL 65536
#define STM32F2_TIM_PWM_UNDRIVEN (-1)

struct STM32F2TimState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    QEMUTimer *event_timer;
    qemu_irq irq;
    qemu_irq pwm[STM32F2_TIM_CHANNELS];

    uint64_t clock_hz;          /* timer kernel clock (TIM2: 2 x APB1 = 60 MHz) */
    char *name;
    uint32_t base;

    uint32_t cr1;
    uint32_t cr2;
    uint32_t smcr;
    uint32_t dier;
    uint32_t sr;
    uint32_t ccmr[2];
    uint32_t ccer;
    uint32_t psc;
    uint32_t arr;
    uint32_t ccr[STM32F2_TIM_CHANNELS];
    uint32_t dcr;
    uint32_t or;
    /* The counter runs from cnt_at_start at start_ns while CEN is set. */
    uint32_t cnt_at_start;
    int64_t start_ns;
    int32_t pwm_level[STM32F2_TIM_CHANNELS];
    int64_t flags_latched_ns;   /* SR holds the events up to this time */
};

#endif
