/*
 * STM32F2xx GPIO port.
 *
 * IDR is computed from the pin's mode and what is attached: an output pin
 * reads its ODR bit, an input pin reads the external drive or, when nothing
 * drives it, its pull resistor (pull-up 1, pull-down and floating 0). That
 * matters at boot: the SETUP button on PC7 is only a switch to ground, and the
 * bootloader waits 12 s if PC7 reads low once its pull-up is on.
 * BSRR is used as two 16-bit halves (BSRRL/BSRRH) by Particle's headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_gpio.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/photon_regs.h"
#include "hw/photon/trace.h"

REG32(MODER, 0x00)
REG32(OTYPER, 0x04)
REG32(OSPEEDR, 0x08)
REG32(PUPDR, 0x0C)
REG32(IDR, 0x10)
REG32(ODR, 0x14)
REG32(BSRR, 0x18)
REG32(LCKR, 0x1C)
REG32(AFRL, 0x20)
REG32(AFRH, 0x24)

enum { MODE_INPUT = 0, MODE_OUTPUT = 1, MODE_AF = 2, MODE_ANALOG = 3 };
enum { PULL_NONE = 0, PULL_UP = 1, PULL_DOWN = 2 };

static unsigned pin_field(uint32_t reg, unsigned pin)
{
    return (reg >> (2 * pin)) & 3;
}

static bool pin_input_level(STM32F2GpioState *s, unsigned pin)
{
    uint32_t bit = 1u << pin;

    switch (pin_field(s->moder, pin)) {
    case MODE_OUTPUT:
        return s->odr & bit;
    case MODE_ANALOG:
        return false;   /* the Schmitt trigger is off in analog mode */
    default:
        if (s->ext_driven & bit) {
            return s->ext_level & bit;
        }
        return pin_field(s->pupdr, pin) == PULL_UP;
    }
}

/* Recompute IDR and the driven outputs; signal the pins that changed. */
static void gpio_update(STM32F2GpioState *s)
{
    uint32_t idr = 0, out = 0, out_mask = 0;

    for (unsigned pin = 0; pin < STM32F2_GPIO_PINS; pin++) {
        if (pin_input_level(s, pin)) {
            idr |= 1u << pin;
        }
        if (pin_field(s->moder, pin) == MODE_OUTPUT) {
            out_mask |= 1u << pin;
            out |= s->odr & (1u << pin);
        }
    }
    for (unsigned pin = 0; pin < STM32F2_GPIO_PINS; pin++) {
        uint32_t bit = 1u << pin;

        if ((idr ^ s->idr) & bit) {
            qemu_set_irq(s->exti[pin], !!(idr & bit));
        }
        if ((out_mask & bit) && ((out ^ s->driven_out) & bit)) {
            trace_stm32f2_gpio_output(s->port_name, pin, !!(out & bit));
            qemu_set_irq(s->output[pin], !!(out & bit));
        }
    }
    s->idr = idr;
    s->driven_out = (s->driven_out & ~out_mask) | out;
}

static void stm32f2_gpio_drive(void *opaque, int pin, int level)
{
    STM32F2GpioState *s = opaque;
    uint32_t bit = 1u << pin;

    if (level == STM32F2_GPIO_RELEASED) {
        s->ext_driven &= ~bit;
    } else {
        s->ext_driven |= bit;
        s->ext_level = level ? s->ext_level | bit : s->ext_level & ~bit;
    }
    trace_stm32f2_gpio_drive(s->port_name, pin, level);
    gpio_update(s);
}

static uint32_t *gpio_reg(STM32F2GpioState *s, hwaddr reg)
{
    switch (reg) {
    case A_MODER: return &s->moder;
    case A_OTYPER: return &s->otyper;
    case A_OSPEEDR: return &s->ospeedr;
    case A_PUPDR: return &s->pupdr;
    case A_IDR: return &s->idr;
    case A_ODR: return &s->odr;
    case A_LCKR: return &s->lckr;
    case A_AFRL: return &s->afr[0];
    case A_AFRH: return &s->afr[1];
    default: return NULL;
    }
}

static uint64_t stm32f2_gpio_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2GpioState *s = opaque;
    uint32_t *reg = gpio_reg(s, offset & ~3);

    if (offset >= A_BSRR && offset < A_LCKR) {
        return 0;   /* write-only */
    }
    if (!reg) {
        photon_unimp_record("gpio", 0x40020000 + 0x400 * (s->port_name - 'A'),
                            offset, false, size, 0);
        return 0;
    }
    return photon_subword_extract(*reg, offset);
}

static void stm32f2_gpio_write(void *opaque, hwaddr offset, uint64_t value64,
                               unsigned size)
{
    STM32F2GpioState *s = opaque;
    hwaddr reg_offset = offset & ~3;
    uint32_t *reg = gpio_reg(s, reg_offset);
    uint32_t value;

    if (reg_offset == A_BSRR) {
        /* Set bits win over reset bits, as in hardware. */
        value = photon_subword_merge(0, offset, size, value64);
        s->odr = (s->odr & ~(value >> 16)) | (value & 0xFFFF);
        gpio_update(s);
        return;
    }
    if (!reg || reg_offset == A_IDR) {
        photon_unimp_record("gpio", 0x40020000 + 0x400 * (s->port_name - 'A'),
                            offset, true, size, value64);
        return;
    }
    value = photon_subword_merge(*reg, offset, size, value64);
    if (reg_offset == A_ODR) {
        value &= 0xFFFF;
    }
    *reg = value;
    trace_stm32f2_gpio_write(s->port_name, reg_offset, value);
    gpio_update(s);
}

static const MemoryRegionOps stm32f2_gpio_ops = {
    .read = stm32f2_gpio_read,
    .write = stm32f2_gpio_write,
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_gpio_reset_hold(Object *obj)
{
    STM32F2GpioState *s = STM32F2_GPIO(obj);

    s->moder = s->moder_reset;
    s->otyper = 0;
    s->ospeedr = s->ospeedr_reset;
    s->pupdr = s->pupdr_reset;
    s->odr = 0;
    s->lckr = 0;
    s->afr[0] = s->afr[1] = 0;
}

static void stm32f2_gpio_reset_exit(Object *obj)
{
    gpio_update(STM32F2_GPIO(obj));
}

static void stm32f2_gpio_init(Object *obj)
{
    STM32F2GpioState *s = STM32F2_GPIO(obj);
    DeviceState *dev = DEVICE(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_gpio_ops, s, TYPE_STM32F2_GPIO, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    qdev_init_gpio_in_named(dev, stm32f2_gpio_drive, "drive", STM32F2_GPIO_PINS);
    qdev_init_gpio_out_named(dev, s->output, "output", STM32F2_GPIO_PINS);
    qdev_init_gpio_out_named(dev, s->exti, "exti", STM32F2_GPIO_PINS);
}

static Property stm32f2_gpio_properties[] = {
    DEFINE_PROP_UINT8("port", STM32F2GpioState, port_name, 'A'),
    DEFINE_PROP_UINT32("moder-reset", STM32F2GpioState, moder_reset, 0),
    DEFINE_PROP_UINT32("pupdr-reset", STM32F2GpioState, pupdr_reset, 0),
    DEFINE_PROP_UINT32("ospeedr-reset", STM32F2GpioState, ospeedr_reset, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_stm32f2_gpio = {
    .name = TYPE_STM32F2_GPIO,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(moder, STM32F2GpioState),
        VMSTATE_UINT32(otyper, STM32F2GpioState),
        VMSTATE_UINT32(ospeedr, STM32F2GpioState),
        VMSTATE_UINT32(pupdr, STM32F2GpioState),
        VMSTATE_UINT32(odr, STM32F2GpioState),
        VMSTATE_UINT32(lckr, STM32F2GpioState),
        VMSTATE_UINT32_ARRAY(afr, STM32F2GpioState, 2),
        VMSTATE_UINT32(ext_driven, STM32F2GpioState),
        VMSTATE_UINT32(ext_level, STM32F2GpioState),
        VMSTATE_UINT32(idr, STM32F2GpioState),
        VMSTATE_UINT32(driven_out, STM32F2GpioState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_gpio_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    rc->phases.hold = stm32f2_gpio_reset_hold;
    rc->phases.exit = stm32f2_gpio_reset_exit;
    dc->vmsd = &vmstate_stm32f2_gpio;
    device_class_set_props(dc, stm32f2_gpio_properties);
}

static const TypeInfo stm32f2_gpio_info = {
    .name = TYPE_STM32F2_GPIO,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2GpioState),
    .instance_init = stm32f2_gpio_init,
    .class_init = stm32f2_gpio_class_init,
};

static void stm32f2_gpio_register_types(void)
{
    type_register_static(&stm32f2_gpio_info);
}

type_init(stm32f2_gpio_register_types)
