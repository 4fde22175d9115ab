/*
 * STM32F2xx embedded flash: the 1 MiB array (backed by a host file) and the
 * flash interface registers that erase and program it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_FLASH_H
#define HW_PHOTON_STM32F2_FLASH_H

#include "hw/sysbus.h"
#include "qom/object.h"

#define TYPE_STM32F2_FLASH "stm32f2-flash"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2FlashState, STM32F2_FLASH)

#define STM32F2_FLASH_BASE 0x08000000
#define STM32F2_FLASH_SIZE (1 * MiB)

struct STM32F2FlashState {
    SysBusDevice parent_obj;
    MemoryRegion array;         /* ROM device: direct reads, MMIO stores */
    MemoryRegion regs_io;

    char *filename;
    int fd;

    uint32_t acr;
    uint32_t sr;
    uint32_t cr;
    uint32_t optcr;
    uint8_t key_stage;          /* FLASH_KEYR unlock progress, or blocked */
    uint8_t optkey_stage;

    uint64_t programmed_bytes;  /* statistics for the run summary */
    uint64_t erased_sectors;
    uint64_t ignored_stores;    /* stores to flash without PG (e.g. NULL writes) */
};

/*
 * The array's contents, for what changes flash from outside the chip (a scenario's
 * `keys` recipe, as particle-cli does over DFU). After changing them, call
 * stm32f2_flash_contents_changed() so the CPU and the backing file see it.
 */
uint8_t *stm32f2_flash_contents(STM32F2FlashState *s);
void stm32f2_flash_contents_changed(STM32F2FlashState *s, uint32_t offset, uint32_t len);

#endif
