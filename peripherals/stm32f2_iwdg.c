/*
 * STM32F2xx independent watchdog (IWDG).
 *
 * Counts down from RLR at LSI (32 kHz) / prescaler once started with
 * KR=0xCCCC; KR=0xAAAA reloads; PR and RLR are writable only after KR=0x5555.
 * When the counter reaches zero the watchdog resets the whole machine; the
 * board latches IWDGRSTF (and PINRSTF) into RCC_CSR through the "reset" line.
 * Once started it cannot be stopped except by a reset.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_IWDG "stm32f2-iwdg"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2IwdgState, STM32F2_IWDG)

REG32(KR, 0x00)
REG32(PR, 0x04)
REG32(RLR, 0x08)
REG32(SR, 0x0C)

#define KEY_UNLOCK 0x5555
#define KEY_RELOAD 0xAAAA
#define KEY_START 0xCCCC
#define LSI_HZ 32000

struct STM32F2IwdgState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    QEMUTimer *expiry;
    qemu_irq reset_request;

    uint32_t pr;
    uint32_t rlr;
    bool unlocked;
    bool running;
};

/* RM0033: timeout = 4 * 2^PR * (RLR + 1) / f_LSI; PR 6 and 7 both divide by 256. */
static int64_t iwdg_timeout_ns(STM32F2IwdgState *s)
{
    uint64_t lsi_ticks = (uint64_t)(4u << MIN(s->pr, 6u)) * (s->rlr + 1);

    /* muldiv64's multiplier is 32 bits: keep the large factor in @a. */
    return muldiv64(lsi_ticks, NANOSECONDS_PER_SECOND, LSI_HZ);
}

static void iwdg_reload(STM32F2IwdgState *s)
{
    int64_t deadline = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + iwdg_timeout_ns(s);

    timer_mod(s->expiry, deadline);
    trace_stm32f2_iwdg_reload(iwdg_timeout_ns(s));
}

static void iwdg_expired(void *opaque)
{
    STM32F2IwdgState *s = opaque;

    trace_stm32f2_iwdg_expired();
    qemu_irq_pulse(s->reset_request);
}

static uint64_t stm32f2_iwdg_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2IwdgState *s = opaque;

    switch (offset) {
    case A_KR:
        return 0;
    case A_PR:
        return s->pr;
    case A_RLR:
        return s->rlr;
    case A_SR:
        return 0;   /* PR/RLR updates take effect at once: never busy */
    default:
        photon_unimp_record("iwdg", 0x40003000, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_iwdg_write(void *opaque, hwaddr offset, uint64_t value,
                               unsigned size)
{
    STM32F2IwdgState *s = opaque;

    switch (offset) {
    case A_KR:
        switch (value & 0xFFFF) {
        case KEY_UNLOCK:
            s->unlocked = true;
            break;
        case KEY_RELOAD:
            s->unlocked = false;
            if (s->running) {
                iwdg_reload(s);
            }
            break;
        case KEY_START:
            s->unlocked = false;
            s->running = true;
            iwdg_reload(s);
            break;
        default:
            s->unlocked = false;
            break;
        }
        break;
    case A_PR:
    case A_RLR:
        if (!s->unlocked) {
            qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-iwdg: write to %s while "
                          "locked\n", offset == A_PR ? "PR" : "RLR");
            break;
        }
        if (offset == A_PR) {
            s->pr = value & 7;
        } else {
            s->rlr = value & 0xFFF;
        }
        break;
    default:
        photon_unimp_record("iwdg", 0x40003000, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps stm32f2_iwdg_ops = {
    .read = stm32f2_iwdg_read,
    .write = stm32f2_iwdg_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .valid.min_access_size = 2,
    .valid.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_iwdg_reset_hold(Object *obj)
{
    STM32F2IwdgState *s = STM32F2_IWDG(obj);

    timer_del(s->expiry);
    s->pr = 0;
    s->rlr = 0xFFF;
    s->unlocked = false;
    s->running = false;
}

static void stm32f2_iwdg_init(Object *obj)
{
    STM32F2IwdgState *s = STM32F2_IWDG(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_iwdg_ops, s, TYPE_STM32F2_IWDG, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    qdev_init_gpio_out_named(DEVICE(obj), &s->reset_request, "reset", 1);
    s->expiry = timer_new_ns(QEMU_CLOCK_VIRTUAL, iwdg_expired, s);
}

static const VMStateDescription vmstate_stm32f2_iwdg = {
    .name = TYPE_STM32F2_IWDG,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_TIMER_PTR(expiry, STM32F2IwdgState),
        VMSTATE_UINT32(pr, STM32F2IwdgState),
        VMSTATE_UINT32(rlr, STM32F2IwdgState),
        VMSTATE_BOOL(unlocked, STM32F2IwdgState),
        VMSTATE_BOOL(running, STM32F2IwdgState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_iwdg_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_iwdg;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_iwdg_reset_hold;
}

static const TypeInfo stm32f2_iwdg_info = {
    .name = TYPE_STM32F2_IWDG,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2IwdgState),
    .instance_init = stm32f2_iwdg_init,
    .class_init = stm32f2_iwdg_class_init,
};

static void stm32f2_iwdg_register_types(void)
{
    type_register_static(&stm32f2_iwdg_info);
}

type_init(stm32f2_iwdg_register_types)
