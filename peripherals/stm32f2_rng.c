/*
 * STM32F2xx random number generator.
 *
 * DRDY is set whenever the generator is enabled, and DR yields a fresh word
 * per read from a seeded generator, so a run with a given seed is
 * reproducible bit for bit (the device key, TLS nonces and srand() all come
 * from here). The seed is part of the migration state.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/sysbus.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "exec/fast-time.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_RNG "stm32f2-rng"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2RngState, STM32F2_RNG)

REG32(CR, 0x00)
    FIELD(CR, RNGEN, 2, 1)
    FIELD(CR, IE, 3, 1)
REG32(SR, 0x04)
    FIELD(SR, DRDY, 0, 1)
REG32(DR, 0x08)

struct STM32F2RngState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    uint64_t seed;
    uint64_t state;     /* splitmix64 state; advances once per DR read */
    uint32_t cr;
};

static uint32_t rng_next_word(STM32F2RngState *s)
{
    uint64_t z = (s->state += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 16);
}

static uint64_t stm32f2_rng_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2RngState *s = opaque;
    uint32_t value;

    switch (offset) {
    case A_CR:
        return s->cr;
    case A_SR:
        return FIELD_EX32(s->cr, CR, RNGEN) ? R_SR_DRDY_MASK : 0;
    case A_DR:
        if (!FIELD_EX32(s->cr, CR, RNGEN)) {
            return 0;
        }
        value = rng_next_word(s);
        trace_stm32f2_rng_read(value);
        return value;
    default:
        photon_unimp_record("rng", 0x50060800, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_rng_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2RngState *s = opaque;

    switch (offset) {
    case A_CR:
        s->cr = value & (R_CR_RNGEN_MASK | R_CR_IE_MASK);
        break;
    case A_SR:
        /* CEIS/SEIS are write-0-to-clear; no errors are ever raised. */
        break;
    default:
        photon_unimp_record("rng", 0x50060800, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps stm32f2_rng_ops = {
    .read = stm32f2_rng_read,
    .write = stm32f2_rng_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_rng_reset_hold(Object *obj)
{
    STM32F2RngState *s = STM32F2_RNG(obj);

    /* The stream continues across resets, as real entropy would. */
    s->cr = 0;
}

/*
 * Nothing raises an interrupt but a write (IE); a data read moves the
 * generator on, the others only report (exec/fast-time.h).
 */
static FastTimeIo stm32f2_rng_io_kind(void *opaque, hwaddr offset, bool is_write,
                                      uint64_t value)
{
    if (is_write) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    return offset == A_CR || offset == A_SR ? FAST_TIME_IO_OBSERVES : FAST_TIME_IO_IN_BLOCK;
}

static void stm32f2_rng_realize(DeviceState *dev, Error **errp)
{
    STM32F2RngState *s = STM32F2_RNG(dev);

    s->state = s->seed;
    /* Reads raise no interrupt: they may run inside their block (exec/fast-time.h). */
    fast_time_register_io(&s->iomem, stm32f2_rng_io_kind, NULL);
}

static void stm32f2_rng_init(Object *obj)
{
    STM32F2RngState *s = STM32F2_RNG(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_rng_ops, s, TYPE_STM32F2_RNG, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
}

static Property stm32f2_rng_properties[] = {
    DEFINE_PROP_UINT64("seed", STM32F2RngState, seed, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_stm32f2_rng = {
    .name = TYPE_STM32F2_RNG,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT64(state, STM32F2RngState),
        VMSTATE_UINT32(cr, STM32F2RngState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_rng_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = stm32f2_rng_realize;
    dc->vmsd = &vmstate_stm32f2_rng;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_rng_reset_hold;
    device_class_set_props(dc, stm32f2_rng_properties);
}

static const TypeInfo stm32f2_rng_info = {
    .name = TYPE_STM32F2_RNG,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2RngState),
    .instance_init = stm32f2_rng_init,
    .class_init = stm32f2_rng_class_init,
};

static void stm32f2_rng_register_types(void)
{
    type_register_static(&stm32f2_rng_info);
}

type_init(stm32f2_rng_register_types)
