/*
 * STM32F205RG system-on-chip as used on the Particle Photon (P0 module).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F205RG_SOC_H
#define HW_PHOTON_STM32F205RG_SOC_H

#include "hw/sysbus.h"
#include "hw/arm/armv7m.h"
#include "hw/clock.h"
#include "hw/photon/peripherals/stm32f2_rcc.h"
#include "hw/photon/peripherals/stm32f2_flash.h"
#include "hw/photon/peripherals/stm32f2_gpio.h"
#include "hw/photon/peripherals/stm32f2_tim.h"
#include "qom/object.h"

#define TYPE_STM32F205RG_SOC "stm32f205rg-soc"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F205RGState, STM32F205RG_SOC)

#define STM32F205RG_CPU_HZ 120000000
#define STM32F205RG_GPIO_PORTS 4       /* A..D are bonded out on the LQFP64 */
#define STM32F205RG_UID_BYTES 12

struct STM32F205RGState {
    SysBusDevice parent_obj;

    ARMv7MState armv7m;
    STM32F2RccState rcc;
    STM32F2FlashState flash;
    STM32F2GpioState gpio[STM32F205RG_GPIO_PORTS];
    STM32F2TimState tim2;
    DeviceState *rtc;
    DeviceState *iwdg;
    DeviceState *exti;
    DeviceState *syscfg;
    DeviceState *sdio;
    DeviceState *dma2;
    DeviceState *otg;     /* USB OTG_HS core (the cable's host attaches to it) */
    DeviceState *dwt;     /* the cycle counter */

    MemoryRegion flash_alias;
    MemoryRegion sram;
    MemoryRegion bkpsram;
    MemoryRegion system_memory;

    Clock *sysclk;
    Clock *refclk;

    /* Properties */
    char *flash_file;
    uint8_t uid[STM32F205RG_UID_BYTES];
    uint64_t rng_seed;
    Chardev *usart1_chr;        /* Serial1 backend, set before realize */
};

/* Set the 96-bit unique ID (the Particle device ID) before realize. */
void stm32f205rg_set_uid(STM32F205RGState *s, const uint8_t uid[STM32F205RG_UID_BYTES]);

#endif
