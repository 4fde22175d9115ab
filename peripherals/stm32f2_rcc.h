/*
 * STM32F2xx reset and clock control (RCC).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_RCC_H
#define HW_PHOTON_STM32F2_RCC_H

#include "hw/sysbus.h"
#include "qom/object.h"

#define TYPE_STM32F2_RCC "stm32f2-rcc"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2RccState, STM32F2_RCC)

/* RCC_CSR reset-cause flags. */
#define STM32F2_RCC_CSR_BORRSTF  (1u << 25)
#define STM32F2_RCC_CSR_PINRSTF  (1u << 26)
#define STM32F2_RCC_CSR_PORRSTF  (1u << 27)
#define STM32F2_RCC_CSR_SFTRSTF  (1u << 28)
#define STM32F2_RCC_CSR_IWDGRSTF (1u << 29)

#define STM32F2_RCC_NUM_REGS (0x88 / 4)

struct STM32F2RccState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    /* Pulsed by BDCR.BDRST: resets the RTC and its backup registers. */
    qemu_irq backup_domain_reset;
    uint32_t regs[STM32F2_RCC_NUM_REGS];
    /* Reset-cause flags to latch into CSR at the next reset. */
    uint32_t pending_reset_flags;
};

/*
 * Record why the next system reset happens (the CSR flags the hardware sets
 * for it); the flags become visible in RCC_CSR after the reset.
 */
void stm32f2_rcc_note_reset_cause(STM32F2RccState *s, uint32_t csr_flags);
/* Power was removed: the backup domain (BDCR) loses its state. */
void stm32f2_rcc_power_loss(STM32F2RccState *s);

#endif
