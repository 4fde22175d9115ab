/*
 * STM32F2xx embedded flash (array and FLASH interface registers).
 *
 * The array is a ROM device: the CPU reads it directly, and stores trap to
 * this model, which programs them only while FLASH_CR.PG is set (NOR flash
 * can only clear bits: new = old & data). Sector erase fills a sector of the
 * real F2 map with 0xFF. Every change is written through to the backing file
 * at once, so the image persists across resets and runs and a killed QEMU
 * loses nothing the firmware had programmed.
 *
 * Operations complete immediately: BSY always reads 0 and EOP is never set,
 * because the firmware never enables EOPIE and its FLASH_GetStatus() treats
 * EOP as a programming error (WICED then spins forever after a DCT erase).
 *
 * Plain stores without PG are dropped, not faulted: Device OS performs stores
 * through NULL pointers (into the flash alias at 0) that real flash ignores.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_flash.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/photon_regs.h"
#include "hw/photon/trace.h"

REG32(ACR, 0x00)
REG32(KEYR, 0x04)
REG32(OPTKEYR, 0x08)
REG32(SR, 0x0C)
    FIELD(SR, EOP, 0, 1)
    FIELD(SR, OPERR, 1, 1)
    FIELD(SR, WRPERR, 4, 1)
    FIELD(SR, PGAERR, 5, 1)
    FIELD(SR, PGPERR, 6, 1)
    FIELD(SR, PGSERR, 7, 1)
    FIELD(SR, BSY, 16, 1)
REG32(CR, 0x10)
    FIELD(CR, PG, 0, 1)
    FIELD(CR, SER, 1, 1)
    FIELD(CR, MER, 2, 1)
    FIELD(CR, SNB, 3, 4)
    FIELD(CR, PSIZE, 8, 2)
    FIELD(CR, STRT, 16, 1)
    FIELD(CR, EOPIE, 24, 1)
    FIELD(CR, ERRIE, 25, 1)
    FIELD(CR, LOCK, 31, 1)
REG32(OPTCR, 0x14)
    FIELD(OPTCR, OPTLOCK, 0, 1)
    FIELD(OPTCR, OPTSTRT, 1, 1)

#define SR_W1C_MASK 0xF3u
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_OPTKEY1 0x08192A3Bu
#define FLASH_OPTKEY2 0x4C5D6E7Fu
#define OPTCR_RESET 0x0FFFAAEDu
#define NUM_SECTORS 12

/* Progress through a key register's unlock sequence. */
enum { KEYS_NONE, KEYS_FIRST, KEYS_BLOCKED };

/* F2 1 MiB sector map: 4 x 16K, 1 x 64K, 7 x 128K. */
static void sector_bounds(unsigned sector, uint32_t *offset, uint32_t *size)
{
    if (sector < 4) {
        *offset = sector * 16 * KiB;
        *size = 16 * KiB;
    } else if (sector == 4) {
        *offset = 64 * KiB;
        *size = 64 * KiB;
    } else {
        *offset = (sector - 4) * 128 * KiB;
        *size = 128 * KiB;
    }
}

static void flash_persist(STM32F2FlashState *s, uint32_t offset, uint32_t len)
{
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);

    memory_region_flush_rom_device(&s->array, offset, len);
    if (s->fd >= 0 && pwrite(s->fd, mem + offset, len, offset) != (ssize_t)len) {
        error_report("stm32f2-flash: writing %s at offset 0x%x failed: %s",
                     s->filename, offset, strerror(errno));
    }
}

uint8_t *stm32f2_flash_contents(STM32F2FlashState *s)
{
    return memory_region_get_ram_ptr(&s->array);
}

void stm32f2_flash_contents_changed(STM32F2FlashState *s, uint32_t offset, uint32_t len)
{
    flash_persist(s, offset, len);
}

static void flash_erase_sector(STM32F2FlashState *s, unsigned sector)
{
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);
    uint32_t offset, size;

    if (sector >= NUM_SECTORS) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: erase of sector %u, "
                      "the part has %u\n", sector, NUM_SECTORS);
        s->sr |= R_SR_PGSERR_MASK;
        return;
    }
    sector_bounds(sector, &offset, &size);
    trace_stm32f2_flash_erase(sector, STM32F2_FLASH_BASE + offset, size);
    memset(mem + offset, 0xFF, size);
    flash_persist(s, offset, size);
    s->erased_sectors++;
}

static uint64_t flash_array_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2FlashState *s = opaque;
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);

    /* Only reached while the ROM device is in MMIO mode; reads stay direct. */
    return ldn_le_p(mem + offset, size);
}

static void flash_array_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2FlashState *s = opaque;
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);

    if (!FIELD_EX32(s->cr, CR, PG) || FIELD_EX32(s->cr, CR, LOCK)) {
        s->ignored_stores++;
        trace_stm32f2_flash_store_ignored(STM32F2_FLASH_BASE + offset, size, value);
        return;
    }
    trace_stm32f2_flash_program(STM32F2_FLASH_BASE + offset, size, value);
    for (unsigned i = 0; i < size; i++) {
        mem[offset + i] &= (uint8_t)(value >> (8 * i));
    }
    flash_persist(s, offset, size);
    s->programmed_bytes += size;
}

static const MemoryRegionOps flash_array_ops = {
    .read = flash_array_read,
    .write = flash_array_write,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void flash_write_cr(STM32F2FlashState *s, uint32_t value)
{
    if (FIELD_EX32(s->cr, CR, LOCK)) {
        /* Writes to a locked CR are ignored; only LOCK itself may be set. */
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: write to locked FLASH_CR\n");
        return;
    }
    s->cr = value & ~R_CR_STRT_MASK;
    if (FIELD_EX32(value, CR, STRT)) {
        if (FIELD_EX32(value, CR, MER)) {
            for (unsigned sector = 0; sector < NUM_SECTORS; sector++) {
                flash_erase_sector(s, sector);
            }
        } else if (FIELD_EX32(value, CR, SER)) {
            flash_erase_sector(s, FIELD_EX32(value, CR, SNB));
        }
    }
}

/*
 * One write to a key register; true when it completes the unlock sequence.
 * RM0033: a wrong sequence locks the register it unlocks until the next
 * reset (the hardware also signals a bus error, which is not modelled).
 */
static bool flash_key_sequence(uint8_t *stage, uint32_t value, uint32_t key1,
                               uint32_t key2, const char *reg)
{
    if (*stage == KEYS_NONE && value == key1) {
        *stage = KEYS_FIRST;
        return false;
    }
    if (*stage == KEYS_FIRST && value == key2) {
        *stage = KEYS_NONE;
        return true;
    }
    if (*stage != KEYS_BLOCKED) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: wrong %s sequence (0x%08x): "
                      "locked until reset\n", reg, value);
    }
    *stage = KEYS_BLOCKED;
    return false;
}

static uint32_t *flash_reg_storage(STM32F2FlashState *s, hwaddr reg)
{
    switch (reg) {
    case A_ACR:
        return &s->acr;
    case A_SR:
        return &s->sr;
    case A_CR:
        return &s->cr;
    case A_OPTCR:
        return &s->optcr;
    default:
        return NULL;
    }
}

static uint64_t flash_regs_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2FlashState *s = opaque;
    hwaddr reg = offset & ~3;
    uint32_t *storage = flash_reg_storage(s, reg);

    if (reg == A_KEYR || reg == A_OPTKEYR) {
        return 0;   /* write-only */
    }
    if (!storage) {
        photon_unimp_record("flash-if", 0x40023C00, offset, false, size, 0);
        return 0;
    }
    return photon_subword_extract(*storage, offset);
}

static void flash_regs_write(void *opaque, hwaddr offset, uint64_t value64,
                             unsigned size)
{
    STM32F2FlashState *s = opaque;
    hwaddr reg = offset & ~3;
    uint32_t *storage = flash_reg_storage(s, reg);
    uint32_t value;

    if (reg == A_SR) {
        value = photon_subword_w1c(offset, size, value64);
    } else if (storage) {
        value = photon_subword_merge(*storage, offset, size, value64);
    } else {
        value = value64;
    }
    trace_stm32f2_flash_reg_write(reg, value);
    switch (reg) {
    case A_ACR:
        s->acr = value & 0x1F0F;
        break;
    case A_KEYR:
        if (flash_key_sequence(&s->key_stage, value, FLASH_KEY1, FLASH_KEY2,
                               "FLASH_KEYR")) {
            s->cr = FIELD_DP32(s->cr, CR, LOCK, 0);
        }
        break;
    case A_OPTKEYR:
        if (flash_key_sequence(&s->optkey_stage, value, FLASH_OPTKEY1, FLASH_OPTKEY2,
                               "FLASH_OPTKEYR")) {
            s->optcr = FIELD_DP32(s->optcr, OPTCR, OPTLOCK, 0);
        }
        break;
    case A_SR:
        s->sr &= ~(value & SR_W1C_MASK);
        break;
    case A_CR:
        flash_write_cr(s, value);
        break;
    case A_OPTCR:
        if (FIELD_EX32(s->optcr, OPTCR, OPTLOCK)) {
            qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: write to locked OPTCR\n");
            break;
        }
        /*
         * Option bytes (write protection, read protection) are stored but
         * not enforced; OPTSTRT completes at once.
         */
        s->optcr = value & ~R_OPTCR_OPTSTRT_MASK;
        break;
    default:
        photon_unimp_record("flash-if", 0x40023C00, offset, true, size, value64);
        break;
    }
}

static const MemoryRegionOps flash_regs_ops = {
    .read = flash_regs_read,
    .write = flash_regs_write,
    /* FLASH_SetLatency and the option-byte helpers use byte/half accesses. */
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_flash_realize(DeviceState *dev, Error **errp)
{
    STM32F2FlashState *s = STM32F2_FLASH(dev);
    uint8_t *mem;
    struct stat st;

    memory_region_init_rom_device(&s->array, OBJECT(s), &flash_array_ops, s,
                                  "stm32f2.flash", STM32F2_FLASH_SIZE, errp);
    if (*errp) {
        return;
    }
    mem = memory_region_get_ram_ptr(&s->array);
    memset(mem, 0xFF, STM32F2_FLASH_SIZE);
    s->fd = -1;
    if (s->filename) {
        s->fd = qemu_open(s->filename, O_RDWR | O_BINARY, errp);
        if (s->fd < 0) {
            return;
        }
        if (fstat(s->fd, &st) < 0 || st.st_size != STM32F2_FLASH_SIZE) {
            error_setg(errp, "flash image %s must be exactly %d bytes (1 MiB), "
                       "it has %lld; create it with `photon-sim flash`",
                       s->filename, (int)STM32F2_FLASH_SIZE, (long long)st.st_size);
            return;
        }
        if (pread(s->fd, mem, STM32F2_FLASH_SIZE, 0) != STM32F2_FLASH_SIZE) {
            error_setg_errno(errp, errno, "reading flash image %s", s->filename);
            return;
        }
    }
    memory_region_init_io(&s->regs_io, OBJECT(s), &flash_regs_ops, s,
                          "stm32f2.flash-if", 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->array);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->regs_io);
}

static void stm32f2_flash_reset_hold(Object *obj)
{
    STM32F2FlashState *s = STM32F2_FLASH(obj);

    s->acr = 0;
    s->sr = 0;
    s->cr = R_CR_LOCK_MASK;
    s->optcr = OPTCR_RESET;
    s->key_stage = KEYS_NONE;
    s->optkey_stage = KEYS_NONE;
}

static Property stm32f2_flash_properties[] = {
    DEFINE_PROP_STRING("filename", STM32F2FlashState, filename),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_stm32f2_flash = {
    .name = TYPE_STM32F2_FLASH,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(acr, STM32F2FlashState),
        VMSTATE_UINT32(sr, STM32F2FlashState),
        VMSTATE_UINT32(cr, STM32F2FlashState),
        VMSTATE_UINT32(optcr, STM32F2FlashState),
        VMSTATE_UINT8(key_stage, STM32F2FlashState),
        VMSTATE_UINT8(optkey_stage, STM32F2FlashState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_flash_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->realize = stm32f2_flash_realize;
    dc->vmsd = &vmstate_stm32f2_flash;
    rc->phases.hold = stm32f2_flash_reset_hold;
    device_class_set_props(dc, stm32f2_flash_properties);
}

static const TypeInfo stm32f2_flash_info = {
    .name = TYPE_STM32F2_FLASH,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2FlashState),
    .class_init = stm32f2_flash_class_init,
};

static void stm32f2_flash_register_types(void)
{
    type_register_static(&stm32f2_flash_info);
}

type_init(stm32f2_flash_register_types)
