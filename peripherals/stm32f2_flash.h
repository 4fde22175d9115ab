/*
 * STM32F2xx embedded flash: the 1 MiB array (backed by a host file) and the
 * flash interface registers that erase and program it.
 *
 * Program and erase operations take their datasheet time on the virtual
 * clock (FLASH_SR.BSY reads 1 meanwhile). The named GPIO input
 * "power-loss" (1 = power lost at this instant) interrupts the operation in
 * flight the way NOR flash is interrupted: see stm32f2_flash.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_STM32F2_FLASH_H
#define HW_PHOTON_STM32F2_FLASH_H

#include "hw/sysbus.h"
#include "qemu/timer.h"
#include "qom/object.h"

#define TYPE_STM32F2_FLASH "stm32f2-flash"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2FlashState, STM32F2_FLASH)

#define STM32F2_FLASH_BASE 0x08000000
#define STM32F2_FLASH_SIZE (1 * MiB)

/* The operation the flash memory is performing (FLASH_SR.BSY = 1). */
typedef enum STM32F2FlashOp {
    STM32F2_FLASH_IDLE,
    STM32F2_FLASH_PROGRAM,      /* one byte, half-word or word */
    STM32F2_FLASH_SECTOR_ERASE,
    STM32F2_FLASH_MASS_ERASE,
} STM32F2FlashOp;

struct STM32F2FlashState {
    SysBusDevice parent_obj;
    MemoryRegion array;         /* ROM device: direct reads, MMIO stores */
    MemoryRegion regs_io;
    QEMUTimer *op_timer;        /* end of the operation in flight */

    char *filename;
    int fd;
    uint8_t *file_map;          /* the image file, mapped shared: writes need no syscall */
    uint64_t seed;              /* of the torn-operation model */

    uint32_t acr;
    uint32_t sr;
    uint32_t cr;
    uint32_t optcr;
    uint8_t key_stage;          /* FLASH_KEYR unlock progress, or blocked */
    uint8_t optkey_stage;

    /* The operation in flight (op != IDLE exactly while SR.BSY is set). */
    uint8_t op;                 /* STM32F2FlashOp */
    uint8_t op_size;            /* program: bytes (1, 2 or 4) */
    uint8_t op_sector;          /* sector erase: sector number */
    uint32_t op_offset;         /* program: offset in the array */
    uint32_t op_data;           /* program: the value stored */
    int64_t op_start_ns;        /* QEMU_CLOCK_VIRTUAL */
    int64_t op_end_ns;
    bool unpowered;             /* power lost: nothing is accepted until it returns */

    uint64_t programmed_bytes;  /* statistics for the run summary */
    uint64_t erased_sectors;
    uint64_t ignored_stores;    /* stores to flash without PG (e.g. NULL writes) */
    uint64_t stalled_accesses;  /* accesses hardware would have stalled on BSY */
    uint64_t torn_operations;
    /* The CPU that polled BSY and was stopped until the operation ends (not migrated:
     * a stop lasts less than an erase, and the machine's network is unmigratable). */
    CPUState *stalled_cpu;

};

/*
 * The array's contents, for what changes flash from outside the chip (a scenario's
 * `keys` recipe, as particle-cli does over DFU). After changing them, call
 * stm32f2_flash_contents_changed() so the CPU and the backing file see it.
 */
uint8_t *stm32f2_flash_contents(STM32F2FlashState *s);
void stm32f2_flash_contents_changed(STM32F2FlashState *s, uint32_t offset, uint32_t len);

#endif
