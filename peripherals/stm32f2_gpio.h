/*
 * STM32F2xx GPIO port.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_GPIO_H
#define HW_PHOTON_STM32F2_GPIO_H

#include "hw/sysbus.h"
#include "qom/object.h"

#define TYPE_STM32F2_GPIO "stm32f2-gpio"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2GpioState, STM32F2_GPIO)

#define STM32F2_GPIO_PINS 16

/*
 * Named GPIO lines:
 *   in  "drive"    external circuit drives pin n: level 0 = low, 1 = high,
 *                  STM32F2_GPIO_RELEASED = not driven (the pull decides)
 *   out "output"   the level the port drives on pin n (output mode only)
 *   out "exti"     the pin's input level, for SYSCFG/EXTI routing
 */
#define STM32F2_GPIO_RELEASED 2

struct STM32F2GpioState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq output[STM32F2_GPIO_PINS];
    qemu_irq exti[STM32F2_GPIO_PINS];

    uint8_t port_name;          /* 'A'.. for messages */
    uint32_t moder_reset;
    uint32_t pupdr_reset;
    uint32_t ospeedr_reset;

    uint32_t moder;
    uint32_t otyper;
    uint32_t ospeedr;
    uint32_t pupdr;
    uint32_t odr;
    uint32_t lckr;
    uint32_t afr[2];
    uint32_t ext_driven;        /* pins driven from outside */
    uint32_t ext_level;
    uint32_t idr;               /* last computed input levels */
    uint32_t driven_out;        /* last levels signalled on "output" */
};

#endif
