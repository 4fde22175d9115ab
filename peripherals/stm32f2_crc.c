/*
 * STM32F2xx CRC calculation unit.
 *
 * CRC-32 with polynomial 0x04C11DB7, initial value 0xFFFFFFFF, each 32-bit
 * data-register write processed most-significant bit first, no reflection and
 * no final XOR. The bootloader and Device OS bit-reverse words around it to
 * compute the zlib CRC-32 that validates each firmware module, so a wrong
 * model does not fault: it silently sends the device into safe mode.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/sysbus.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "exec/fast-time.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_CRC "stm32f2-crc"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2CrcState, STM32F2_CRC)

REG32(DR, 0x00)
REG32(IDR, 0x04)
REG32(CR, 0x08)
    FIELD(CR, RESET, 0, 1)

#define CRC_POLY 0x04C11DB7u
#define CRC_INIT 0xFFFFFFFFu

struct STM32F2CrcState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    uint32_t dr;
    uint8_t idr;
};

static uint32_t crc32_msb_first_word(uint32_t crc, uint32_t word)
{
    crc ^= word;
    for (int bit = 0; bit < 32; bit++) {
        crc = (crc & 0x80000000u) ? (crc << 1) ^ CRC_POLY : crc << 1;
    }
    return crc;
}

static uint64_t stm32f2_crc_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2CrcState *s = opaque;

    switch (offset) {
    case A_DR:
        return s->dr;
    case A_IDR:
        return s->idr;
    case A_CR:
        return 0;
    default:
        photon_unimp_record("crc", 0x40023000, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_crc_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2CrcState *s = opaque;

    switch (offset) {
    case A_DR:
        if (size != 4) {
            qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-crc: %u-byte write to DR; "
                          "the unit takes 32-bit words\n", size);
        }
        s->dr = crc32_msb_first_word(s->dr, value);
        break;
    case A_IDR:
        s->idr = value;
        break;
    case A_CR:
        if (FIELD_EX32(value, CR, RESET)) {
            s->dr = CRC_INIT;
        }
        break;
    default:
        photon_unimp_record("crc", 0x40023000, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps stm32f2_crc_ops = {
    .read = stm32f2_crc_read,
    .write = stm32f2_crc_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_crc_reset_hold(Object *obj)
{
    STM32F2CrcState *s = STM32F2_CRC(obj);

    s->dr = CRC_INIT;
    s->idr = 0;
}

static void stm32f2_crc_init(Object *obj)
{
    STM32F2CrcState *s = STM32F2_CRC(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_crc_ops, s, TYPE_STM32F2_CRC, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
}

/* Every access is arithmetic on the unit's own state: it may run inside its
 * block (exec/fast-time.h), so feeding the unit a word at a time stays cheap. */
/*
 * Nothing here interrupts: reads report the CRC, writes feed it, an
 * unmodelled access is counted (exec/fast-time.h).
 */
static FastTimeIo stm32f2_crc_io_kind(void *opaque, hwaddr offset, bool is_write,
                                      uint64_t value)
{
    bool known = offset == A_DR || offset == A_IDR || offset == A_CR;

    return !is_write && known ? FAST_TIME_IO_OBSERVES : FAST_TIME_IO_IN_BLOCK;
}

static void stm32f2_crc_realize(DeviceState *dev, Error **errp)
{
    fast_time_register_io(&STM32F2_CRC(dev)->iomem, stm32f2_crc_io_kind, NULL);
}

static const VMStateDescription vmstate_stm32f2_crc = {
    .name = TYPE_STM32F2_CRC,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(dr, STM32F2CrcState),
        VMSTATE_UINT8(idr, STM32F2CrcState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_crc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_crc_reset_hold;
    dc->realize = stm32f2_crc_realize;
    dc->vmsd = &vmstate_stm32f2_crc;
}

static const TypeInfo stm32f2_crc_info = {
    .name = TYPE_STM32F2_CRC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2CrcState),
    .instance_init = stm32f2_crc_init,
    .class_init = stm32f2_crc_class_init,
};

static void stm32f2_crc_register_types(void)
{
    type_register_static(&stm32f2_crc_info);
}

type_init(stm32f2_crc_register_types)
