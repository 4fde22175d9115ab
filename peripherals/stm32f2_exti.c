/*
 * STM32F2xx external interrupt/event controller (EXTI), 23 lines.
 *
 * Lines 0-15 come from the GPIO pins through SYSCFG; 16-22 from internal
 * sources (PVD, RTC alarm, USB wake-ups, tamper, RTC wake-up). A configured
 * edge latches the line's pending bit; an interrupt line stays asserted while
 * any of its lines is pending and unmasked, as the hardware's level output
 * does. Lines are grouped onto the F2's NVIC vectors (EXTI9_5, EXTI15_10...).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_EXTI "stm32f2-exti"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2ExtiState, STM32F2_EXTI)

REG32(IMR, 0x00)
REG32(EMR, 0x04)
REG32(RTSR, 0x08)
REG32(FTSR, 0x0C)
REG32(SWIER, 0x10)
REG32(PR, 0x14)

#define EXTI_LINES 23
#define EXTI_LINE_MASK ((1u << EXTI_LINES) - 1)

/* Which lines feed each NVIC-facing output ("irq" n). */
static const uint32_t exti_vector_lines[] = {
    1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4,
    0x03E0,             /* EXTI9_5 */
    0xFC00,             /* EXTI15_10 */
    1u << 16,           /* PVD */
    1u << 17,           /* RTC alarm */
    1u << 18,           /* OTG FS wake-up */
    1u << 19,           /* Ethernet wake-up */
    1u << 20,           /* OTG HS wake-up */
    1u << 21,           /* tamper/time stamp */
    1u << 22,           /* RTC wake-up */
};
#define EXTI_VECTORS ARRAY_SIZE(exti_vector_lines)

struct STM32F2ExtiState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq[EXTI_VECTORS];

    uint32_t imr;
    uint32_t emr;
    uint32_t rtsr;
    uint32_t ftsr;
    uint32_t swier;     /* software triggers, until their PR bit is cleared */
    uint32_t pr;
    uint32_t levels;    /* last input level of each line */
};

static void exti_update(STM32F2ExtiState *s)
{
    uint32_t active = s->pr & s->imr;

    for (unsigned i = 0; i < EXTI_VECTORS; i++) {
        qemu_set_irq(s->irq[i], !!(active & exti_vector_lines[i]));
    }
}

static void stm32f2_exti_line(void *opaque, int line, int level)
{
    STM32F2ExtiState *s = opaque;
    uint32_t bit = 1u << line;
    bool was = s->levels & bit;

    s->levels = level ? s->levels | bit : s->levels & ~bit;
    if ((level && !was && (s->rtsr & bit)) || (!level && was && (s->ftsr & bit))) {
        trace_stm32f2_exti_edge(line, level);
        s->pr |= bit;
        exti_update(s);
    }
}

static uint64_t stm32f2_exti_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2ExtiState *s = opaque;

    switch (offset) {
    case A_IMR: return s->imr;
    case A_EMR: return s->emr;
    case A_RTSR: return s->rtsr;
    case A_FTSR: return s->ftsr;
    case A_SWIER: return s->swier;
    case A_PR: return s->pr;
    default:
        photon_unimp_record("exti", 0x40013C00, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_exti_write(void *opaque, hwaddr offset, uint64_t value,
                               unsigned size)
{
    STM32F2ExtiState *s = opaque;

    value &= EXTI_LINE_MASK;
    switch (offset) {
    case A_IMR: s->imr = value; break;
    case A_EMR: s->emr = value; break;
    case A_RTSR: s->rtsr = value; break;
    case A_FTSR: s->ftsr = value; break;
    case A_SWIER:
        /* A 0 -> 1 transition triggers the line (RM0033 EXTI_SWIER). */
        s->pr |= value & ~s->swier & s->imr;
        s->swier |= value;
        break;
    case A_PR:
        s->pr &= ~value;
        s->swier &= ~value;
        break;
    default:
        photon_unimp_record("exti", 0x40013C00, offset, true, size, value);
        return;
    }
    exti_update(s);
}

static const MemoryRegionOps stm32f2_exti_ops = {
    .read = stm32f2_exti_read,
    .write = stm32f2_exti_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_exti_reset_hold(Object *obj)
{
    STM32F2ExtiState *s = STM32F2_EXTI(obj);

    s->imr = s->emr = s->rtsr = s->ftsr = s->swier = s->pr = 0;
    exti_update(s);
}

static void stm32f2_exti_init(Object *obj)
{
    STM32F2ExtiState *s = STM32F2_EXTI(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_exti_ops, s, TYPE_STM32F2_EXTI, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    qdev_init_gpio_in(DEVICE(obj), stm32f2_exti_line, EXTI_LINES);
    for (unsigned i = 0; i < EXTI_VECTORS; i++) {
        sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq[i]);
    }
}

static const VMStateDescription vmstate_stm32f2_exti = {
    .name = TYPE_STM32F2_EXTI,
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(imr, STM32F2ExtiState),
        VMSTATE_UINT32(emr, STM32F2ExtiState),
        VMSTATE_UINT32(rtsr, STM32F2ExtiState),
        VMSTATE_UINT32(ftsr, STM32F2ExtiState),
        VMSTATE_UINT32(pr, STM32F2ExtiState),
        VMSTATE_UINT32(levels, STM32F2ExtiState),
        VMSTATE_UINT32_V(swier, STM32F2ExtiState, 2),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_exti_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_exti;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_exti_reset_hold;
}

static const TypeInfo stm32f2_exti_info = {
    .name = TYPE_STM32F2_EXTI,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2ExtiState),
    .instance_init = stm32f2_exti_init,
    .class_init = stm32f2_exti_class_init,
};

static void stm32f2_exti_register_types(void)
{
    type_register_static(&stm32f2_exti_info);
}

type_init(stm32f2_exti_register_types)
