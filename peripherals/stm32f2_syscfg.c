/*
 * STM32F2xx system configuration controller (SYSCFG): memory remap and the
 * EXTICR multiplexers that pick which port's pin n drives EXTI line n.
 *
 * Inputs are the pin levels of every port (port * 16 + pin); output n follows
 * the pin selected by EXTICR for line n, and re-evaluates when the selection
 * changes. On the Photon this routes the SETUP button (PC7) to EXTI7.
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

#define TYPE_STM32F2_SYSCFG "stm32f2-syscfg"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2SyscfgState, STM32F2_SYSCFG)

REG32(MEMRMP, 0x00)
REG32(PMC, 0x04)
REG32(EXTICR1, 0x08)
REG32(EXTICR4, 0x14)
REG32(CMPCR, 0x20)

#define PORTS 9         /* A..I */
#define LINES 16

struct STM32F2SyscfgState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq line[LINES];

    uint32_t memrmp;
    uint32_t pmc;
    uint32_t exticr[4];
    uint32_t cmpcr;
    uint16_t pin_levels[PORTS];
};

static unsigned selected_port(STM32F2SyscfgState *s, unsigned line)
{
    return (s->exticr[line / 4] >> (4 * (line % 4))) & 0xF;
}

static void syscfg_route(STM32F2SyscfgState *s, unsigned line)
{
    unsigned port = selected_port(s, line);
    bool level = port < PORTS && (s->pin_levels[port] & (1u << line));

    qemu_set_irq(s->line[line], level);
}

static void stm32f2_syscfg_pin(void *opaque, int n, int level)
{
    STM32F2SyscfgState *s = opaque;
    unsigned port = n / LINES, pin = n % LINES;

    s->pin_levels[port] = level ? s->pin_levels[port] | (1u << pin)
                                : s->pin_levels[port] & ~(1u << pin);
    if (selected_port(s, pin) == port) {
        syscfg_route(s, pin);
    }
}

static uint64_t stm32f2_syscfg_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2SyscfgState *s = opaque;

    switch (offset) {
    case A_MEMRMP: return s->memrmp;
    case A_PMC: return s->pmc;
    case A_EXTICR1 ... A_EXTICR4: return s->exticr[(offset - A_EXTICR1) / 4];
    case A_CMPCR: return s->cmpcr;
    default:
        photon_unimp_record("syscfg", 0x40013800, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_syscfg_write(void *opaque, hwaddr offset, uint64_t value,
                                 unsigned size)
{
    STM32F2SyscfgState *s = opaque;

    switch (offset) {
    case A_MEMRMP:
        /* The remap itself is not modelled: Device OS keeps flash at 0. */
        if (value & 3) {
            photon_unimp_record("syscfg", 0x40013800, offset, true, size, value);
        }
        s->memrmp = value & 3;
        break;
    case A_PMC:
        s->pmc = value;
        break;
    case A_EXTICR1 ... A_EXTICR4: {
        unsigned reg = (offset - A_EXTICR1) / 4;

        s->exticr[reg] = value & 0xFFFF;
        for (unsigned line = reg * 4; line < reg * 4 + 4; line++) {
            syscfg_route(s, line);
        }
        break;
    }
    case A_CMPCR:
        /* Compensation cell: ready as soon as it is powered. */
        s->cmpcr = (value & 1) ? 0x101 : 0;
        break;
    default:
        photon_unimp_record("syscfg", 0x40013800, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps stm32f2_syscfg_ops = {
    .read = stm32f2_syscfg_read,
    .write = stm32f2_syscfg_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_syscfg_reset_hold(Object *obj)
{
    STM32F2SyscfgState *s = STM32F2_SYSCFG(obj);

    s->memrmp = s->pmc = s->cmpcr = 0;
    memset(s->exticr, 0, sizeof(s->exticr));
}

static void stm32f2_syscfg_reset_exit(Object *obj)
{
    for (unsigned line = 0; line < LINES; line++) {
        syscfg_route(STM32F2_SYSCFG(obj), line);
    }
}

static void stm32f2_syscfg_init(Object *obj)
{
    STM32F2SyscfgState *s = STM32F2_SYSCFG(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_syscfg_ops, s, TYPE_STM32F2_SYSCFG, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    qdev_init_gpio_in(DEVICE(obj), stm32f2_syscfg_pin, PORTS * LINES);
    qdev_init_gpio_out(DEVICE(obj), s->line, LINES);
}

static const VMStateDescription vmstate_stm32f2_syscfg = {
    .name = TYPE_STM32F2_SYSCFG,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(memrmp, STM32F2SyscfgState),
        VMSTATE_UINT32(pmc, STM32F2SyscfgState),
        VMSTATE_UINT32_ARRAY(exticr, STM32F2SyscfgState, 4),
        VMSTATE_UINT32(cmpcr, STM32F2SyscfgState),
        VMSTATE_UINT16_ARRAY(pin_levels, STM32F2SyscfgState, PORTS),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_syscfg_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_syscfg;
    rc->phases.hold = stm32f2_syscfg_reset_hold;
    rc->phases.exit = stm32f2_syscfg_reset_exit;
}

static const TypeInfo stm32f2_syscfg_info = {
    .name = TYPE_STM32F2_SYSCFG,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2SyscfgState),
    .instance_init = stm32f2_syscfg_init,
    .class_init = stm32f2_syscfg_class_init,
};

static void stm32f2_syscfg_register_types(void)
{
    type_register_static(&stm32f2_syscfg_info);
}

type_init(stm32f2_syscfg_register_types)
