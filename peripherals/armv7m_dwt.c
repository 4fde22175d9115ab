/*
 * Cortex-M3 Data Watchpoint and Trace unit: the cycle counter.
 *
 * QEMU 7.2 does not model the DWT, but Device OS derives micros(),
 * delayMicroseconds() and the SOS blink timing from DWT_CYCCNT, so it must
 * count at the core clock of virtual time (120 MHz). Only CTRL.CYCCNTENA and
 * CYCCNT are modelled; the comparators and other counters are recorded as
 * unmodelled.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "hw/sysbus.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "exec/fast-time.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_ARMV7M_DWT "armv7m-dwt"
OBJECT_DECLARE_SIMPLE_TYPE(ArmV7MDwtState, ARMV7M_DWT)

REG32(CTRL, 0x00)
    FIELD(CTRL, CYCCNTENA, 0, 1)
    FIELD(CTRL, NUMCOMP, 28, 4)
REG32(CYCCNT, 0x04)
REG32(LAR, 0xFB0)

struct ArmV7MDwtState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    uint32_t cpu_hz;
    uint32_t ctrl;
    /* CYCCNT = base + cycles since base_ns while enabled; base when stopped. */
    uint32_t cyccnt_base;
    int64_t base_ns;
};

static uint32_t dwt_cycles_since(ArmV7MDwtState *s, int64_t ns)
{
    return (uint32_t)muldiv64(ns - s->base_ns, s->cpu_hz, NANOSECONDS_PER_SECOND);
}

static uint32_t dwt_cyccnt(ArmV7MDwtState *s)
{
    if (!FIELD_EX32(s->ctrl, CTRL, CYCCNTENA)) {
        return s->cyccnt_base;
    }
    return s->cyccnt_base + dwt_cycles_since(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

static void dwt_restart(ArmV7MDwtState *s, uint32_t cyccnt)
{
    s->cyccnt_base = cyccnt;
    s->base_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static uint64_t armv7m_dwt_read(void *opaque, hwaddr offset, unsigned size)
{
    ArmV7MDwtState *s = opaque;

    switch (offset) {
    case A_CTRL:
        return s->ctrl;
    case A_CYCCNT:
        return dwt_cyccnt(s);
    default:
        photon_unimp_record("dwt", 0xE0001000, offset, false, size, 0);
        return 0;
    }
}

static void armv7m_dwt_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    ArmV7MDwtState *s = opaque;

    switch (offset) {
    case A_CTRL:
        dwt_restart(s, dwt_cyccnt(s));
        s->ctrl = value & R_CTRL_CYCCNTENA_MASK;
        trace_armv7m_dwt_ctrl(s->ctrl);
        break;
    case A_CYCCNT:
        dwt_restart(s, value);
        break;
    case A_LAR:
        break;  /* lock access: writes unlock, nothing to model */
    default:
        photon_unimp_record("dwt", 0xE0001000, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps armv7m_dwt_ops = {
    .read = armv7m_dwt_read,
    .write = armv7m_dwt_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void armv7m_dwt_reset_hold(Object *obj)
{
    ArmV7MDwtState *s = ARMV7M_DWT(obj);

    s->ctrl = 0;
    dwt_restart(s, 0);
}

static void armv7m_dwt_init(Object *obj)
{
    ArmV7MDwtState *s = ARMV7M_DWT(obj);

    memory_region_init_io(&s->iomem, obj, &armv7m_dwt_ops, s, TYPE_ARMV7M_DWT, 0x1000);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
}

/*
 * Reads of the cycle counter and its control only report the clock; an
 * unmodelled one is counted (exec/fast-time.h).
 */
static FastTimeIo armv7m_dwt_io_kind(void *opaque, hwaddr offset, bool is_write,
                                     uint64_t value)
{
    if (is_write) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    return offset == A_CTRL || offset == A_CYCCNT ? FAST_TIME_IO_OBSERVES
                                                  : FAST_TIME_IO_IN_BLOCK;
}

static void armv7m_dwt_realize(DeviceState *dev, Error **errp)
{
    fast_time_register_io(&ARMV7M_DWT(dev)->iomem, armv7m_dwt_io_kind, NULL);
}

static Property armv7m_dwt_properties[] = {
    DEFINE_PROP_UINT32("cpu-hz", ArmV7MDwtState, cpu_hz, 120000000),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_armv7m_dwt = {
    .name = TYPE_ARMV7M_DWT,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(ctrl, ArmV7MDwtState),
        VMSTATE_UINT32(cyccnt_base, ArmV7MDwtState),
        VMSTATE_INT64(base_ns, ArmV7MDwtState),
        VMSTATE_END_OF_LIST()
    }
};

static void armv7m_dwt_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = armv7m_dwt_realize;
    dc->vmsd = &vmstate_armv7m_dwt;
    RESETTABLE_CLASS(klass)->phases.hold = armv7m_dwt_reset_hold;
    device_class_set_props(dc, armv7m_dwt_properties);
}

static const TypeInfo armv7m_dwt_info = {
    .name = TYPE_ARMV7M_DWT,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(ArmV7MDwtState),
    .instance_init = armv7m_dwt_init,
    .class_init = armv7m_dwt_class_init,
};

static void armv7m_dwt_register_types(void)
{
    type_register_static(&armv7m_dwt_info);
}

type_init(armv7m_dwt_register_types)
