/*
 * STM32F2xx general-purpose timer (TIM2..TIM5), up-counting, with PWM.
 *
 * The counter is derived from the virtual clock rather than ticked. Status
 * flags (update, compare match) are latched lazily: whenever the registers
 * are accessed, the events the counter went through since the last access
 * are added to SR, as the hardware sets them whether or not their interrupt
 * is enabled. A QEMU timer is armed only for the next event whose interrupt
 * is enabled, so a PWM timer costs nothing while it runs. PWM channel
 * outputs are exported as duty levels (see the header): on the Photon, TIM2
 * CH2..CH4 drive the RGB LED, and CC1 every 10 ms debounces the SETUP button.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "qemu/timer.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_tim.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/photon_regs.h"
#include "hw/photon/trace.h"

REG32(CR1, 0x00)
    FIELD(CR1, CEN, 0, 1)
    FIELD(CR1, DIR, 4, 1)
REG32(CR2, 0x04)
REG32(SMCR, 0x08)
REG32(DIER, 0x0C)
    FIELD(DIER, UIE, 0, 1)
REG32(SR, 0x10)
    FIELD(SR, UIF, 0, 1)
REG32(EGR, 0x14)
    FIELD(EGR, UG, 0, 1)
REG32(CCMR1, 0x18)
REG32(CCMR2, 0x1C)
REG32(CCER, 0x20)
REG32(CNT, 0x24)
REG32(PSC, 0x28)
REG32(ARR, 0x2C)
REG32(CCR1, 0x34)
REG32(CCR4, 0x40)
REG32(DCR, 0x48)
REG32(DMAR, 0x4C)
REG32(OR, 0x50)

#define CC_IRQ_MASK(ch) (1u << ((ch) + 1))   /* DIER.CCxIE / SR.CCxIF */

enum {
    OCM_FORCE_INACTIVE = 4,
    OCM_FORCE_ACTIVE = 5,
    OCM_PWM1 = 6,
    OCM_PWM2 = 7,
};

static bool tim_running(STM32F2TimState *s)
{
    return FIELD_EX32(s->cr1, CR1, CEN);
}

/*
 * Counter ticks since the counter was (re)started. Counted in kernel-clock
 * cycles first: a tick is not a whole number of nanoseconds (PSC 0 at
 * 60 MHz is 16.67 ns).
 */
static uint64_t tim_ticks_elapsed(STM32F2TimState *s, int64_t now)
{
    return muldiv64(now - s->start_ns, s->clock_hz, NANOSECONDS_PER_SECOND) /
           ((uint64_t)s->psc + 1);
}

/* The virtual time of the counter's @ticks-th tick since its start. */
static int64_t tim_tick_time(STM32F2TimState *s, uint64_t ticks)
{
    return s->start_ns + muldiv64_round_up(ticks * ((uint64_t)s->psc + 1),
                                           NANOSECONDS_PER_SECOND, s->clock_hz);
}

/*
 * Counter ticks from value @cnt until it next becomes @target (a full
 * period if it is @target now), counting up through ARR and 0.
 */
static uint64_t tim_ticks_until(uint64_t cnt, uint64_t target, uint64_t period)
{
    uint64_t ticks = (target + period - cnt) % period;

    return ticks ? ticks : period;
}

static uint32_t tim_cnt(STM32F2TimState *s)
{
    uint64_t period = (uint64_t)s->arr + 1;

    if (!tim_running(s)) {
        return s->cnt_at_start;
    }
    return (s->cnt_at_start + tim_ticks_elapsed(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL))) %
           period;
}

/* The counter runs (or stands) from @cnt as of now; flags must be latched. */
static void tim_restart_from(STM32F2TimState *s, uint32_t cnt)
{
    s->cnt_at_start = cnt;
    s->start_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->flags_latched_ns = s->start_ns;
}

/*
 * Add to SR the update and compare-match events the counter went through
 * between the last latch and @now: UIF when it wrapped past ARR, CCxIF when
 * it became CCRx. The caller updates the interrupt line.
 */
static void tim_latch_flags(STM32F2TimState *s, int64_t now)
{
    uint64_t period = (uint64_t)s->arr + 1;
    uint64_t from, ticks, cnt;

    if (!tim_running(s) || now <= s->flags_latched_ns) {
        s->flags_latched_ns = MAX(now, s->flags_latched_ns);
        return;
    }
    from = tim_ticks_elapsed(s, s->flags_latched_ns);
    ticks = tim_ticks_elapsed(s, now) - from;
    s->flags_latched_ns = now;
    if (!ticks) {
        return;
    }
    cnt = (s->cnt_at_start + from) % period;
    if (tim_ticks_until(cnt, 0, period) <= ticks) {
        s->sr |= R_SR_UIF_MASK;
    }
    for (unsigned ch = 0; ch < STM32F2_TIM_CHANNELS; ch++) {
        if (s->ccr[ch] < period && tim_ticks_until(cnt, s->ccr[ch], period) <= ticks) {
            s->sr |= CC_IRQ_MASK(ch);
        }
    }
}

static unsigned channel_mode(STM32F2TimState *s, unsigned ch)
{
    return (s->ccmr[ch / 2] >> (4 + 8 * (ch % 2))) & 7;
}

static void tim_update_pwm(STM32F2TimState *s)
{
    for (unsigned ch = 0; ch < STM32F2_TIM_CHANNELS; ch++) {
        bool enabled = s->ccer & (1u << (4 * ch));
        bool active_low = s->ccer & (2u << (4 * ch));
        uint64_t period = (uint64_t)s->arr + 1;
        uint64_t active;    /* fraction of the period OCxREF is active */
        int32_t level;

        switch (channel_mode(s, ch)) {
        case OCM_PWM1:
            active = MIN((uint64_t)s->ccr[ch], period) * STM32F2_TIM_PWM_FULL / period;
            break;
        case OCM_PWM2:
            active = STM32F2_TIM_PWM_FULL -
                     MIN((uint64_t)s->ccr[ch], period) * STM32F2_TIM_PWM_FULL / period;
            break;
        case OCM_FORCE_ACTIVE:
            active = STM32F2_TIM_PWM_FULL;
            break;
        default:
            active = 0;     /* frozen, match modes and forced inactive */
            break;
        }
        level = !enabled ? STM32F2_TIM_PWM_UNDRIVEN :
                active_low ? (int32_t)(STM32F2_TIM_PWM_FULL - active) : (int32_t)active;
        if (level != s->pwm_level[ch]) {
            s->pwm_level[ch] = level;
            trace_stm32f2_tim_pwm(s->name, ch + 1, level);
            qemu_set_irq(s->pwm[ch], level);
        }
    }
}

static void tim_update_irq(STM32F2TimState *s)
{
    qemu_set_irq(s->irq, !!(s->sr & s->dier & 0x1F));
}

/* Arm the QEMU timer for the next event whose interrupt is enabled. */
static void tim_schedule(STM32F2TimState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t period = (uint64_t)s->arr + 1;
    uint64_t cnt, next = UINT64_MAX;

    if (!tim_running(s) || !(s->dier & 0x1F)) {
        timer_del(s->event_timer);
        return;
    }
    cnt = tim_cnt(s);
    if (FIELD_EX32(s->dier, DIER, UIE)) {
        next = tim_ticks_until(cnt, 0, period);
    }
    for (unsigned ch = 0; ch < STM32F2_TIM_CHANNELS; ch++) {
        if ((s->dier & CC_IRQ_MASK(ch)) && s->ccr[ch] < period) {
            next = MIN(next, tim_ticks_until(cnt, s->ccr[ch], period));
        }
    }
    /* Deadline on the tick grid, measured from the counter's start. */
    timer_mod(s->event_timer, tim_tick_time(s, tim_ticks_elapsed(s, now) + next));
}

static void tim_event(void *opaque)
{
    STM32F2TimState *s = opaque;

    tim_latch_flags(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    tim_update_irq(s);
    tim_schedule(s);
}

static uint32_t *tim_reg(STM32F2TimState *s, hwaddr reg)
{
    switch (reg) {
    case A_CR1: return &s->cr1;
    case A_CR2: return &s->cr2;
    case A_SMCR: return &s->smcr;
    case A_DIER: return &s->dier;
    case A_SR: return &s->sr;
    case A_CCMR1: return &s->ccmr[0];
    case A_CCMR2: return &s->ccmr[1];
    case A_CCER: return &s->ccer;
    case A_PSC: return &s->psc;
    case A_ARR: return &s->arr;
    case A_CCR1 ... A_CCR4: return &s->ccr[(reg - A_CCR1) / 4];
    case A_DCR: return &s->dcr;
    case A_OR: return &s->or;
    default: return NULL;
    }
}

static uint64_t stm32f2_tim_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2TimState *s = opaque;
    hwaddr reg = offset & ~3;
    uint32_t *storage;

    if (reg == A_CNT) {
        return photon_subword_extract(tim_cnt(s), offset);
    }
    if (reg == A_EGR) {
        return 0;
    }
    if (reg == A_SR) {
        tim_latch_flags(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
        tim_update_irq(s);
    }
    storage = tim_reg(s, reg);
    if (!storage) {
        photon_unimp_record(s->name, s->base, offset, false, size, 0);
        return 0;
    }
    return photon_subword_extract(*storage, offset);
}

static void stm32f2_tim_write(void *opaque, hwaddr offset, uint64_t value64,
                              unsigned size)
{
    STM32F2TimState *s = opaque;
    hwaddr reg = offset & ~3;
    uint32_t cnt = tim_cnt(s);
    uint32_t *storage = tim_reg(s, reg);
    uint32_t value;

    /* Events up to now happened under the old configuration. */
    tim_latch_flags(s, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    value = storage ? photon_subword_merge(*storage, offset, size, value64) :
                      photon_subword_merge(0, offset, size, value64);

    trace_stm32f2_tim_write(s->name, reg, value);
    switch (reg) {
    case A_CR1:
        if ((value & R_CR1_DIR_MASK) || (value & (3u << 5))) {
            qemu_log_mask(LOG_UNIMP, "%s: down/centre-aligned counting is not "
                          "modelled\n", s->name);
            photon_unimp_record(s->name, s->base, offset, true, size, value);
        }
        s->cr1 = value;
        tim_restart_from(s, cnt);
        break;
    case A_SR:
        s->sr &= value;     /* rc_w0 */
        break;
    case A_EGR:
        if (FIELD_EX32(value, EGR, UG)) {
            tim_restart_from(s, 0);
            s->sr |= R_SR_UIF_MASK;
        }
        break;
    case A_CNT:
        tim_restart_from(s, value % ((uint64_t)s->arr + 1));
        break;
    case A_PSC:
        s->psc = value & 0xFFFF;
        tim_restart_from(s, cnt);
        break;
    case A_ARR:
        s->arr = value;
        tim_restart_from(s, cnt > value ? 0 : cnt);
        break;
    case A_DMAR:
        photon_unimp_record(s->name, s->base, offset, true, size, value);
        break;
    default:
        if (!storage) {
            photon_unimp_record(s->name, s->base, offset, true, size, value64);
            return;
        }
        *storage = value;
        break;
    }
    tim_update_irq(s);     /* SR or DIER may have changed */
    tim_update_pwm(s);
    tim_schedule(s);
}

static const MemoryRegionOps stm32f2_tim_ops = {
    .read = stm32f2_tim_read,
    .write = stm32f2_tim_write,
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_tim_reset_hold(Object *obj)
{
    STM32F2TimState *s = STM32F2_TIM(obj);

    timer_del(s->event_timer);
    s->cr1 = s->cr2 = s->smcr = s->dier = s->sr = 0;
    s->ccmr[0] = s->ccmr[1] = s->ccer = 0;
    s->psc = 0;
    s->arr = 0xFFFFFFFF;
    memset(s->ccr, 0, sizeof(s->ccr));
    s->dcr = s->or = 0;
    tim_restart_from(s, 0);
}

static void stm32f2_tim_reset_exit(Object *obj)
{
    STM32F2TimState *s = STM32F2_TIM(obj);

    tim_update_irq(s);
    tim_update_pwm(s);
}

static void stm32f2_tim_realize(DeviceState *dev, Error **errp)
{
    STM32F2TimState *s = STM32F2_TIM(dev);

    if (!s->clock_hz || !s->name) {
        error_setg(errp, "stm32f2-tim needs clock-frequency and name");
        return;
    }
    if (s->clock_hz > UINT32_MAX) {
        error_setg(errp, "stm32f2-tim: clock-frequency %" PRIu64 " Hz is too high",
                   s->clock_hz);
        return;
    }
    for (unsigned ch = 0; ch < STM32F2_TIM_CHANNELS; ch++) {
        s->pwm_level[ch] = INT32_MIN;   /* force the first update out */
    }
    memory_region_init_io(&s->iomem, OBJECT(s), &stm32f2_tim_ops, s, s->name, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
}

static void stm32f2_tim_init(Object *obj)
{
    STM32F2TimState *s = STM32F2_TIM(obj);

    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
    qdev_init_gpio_out_named(DEVICE(obj), s->pwm, "pwm", STM32F2_TIM_CHANNELS);
    s->event_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, tim_event, s);
}

static Property stm32f2_tim_properties[] = {
    DEFINE_PROP_UINT64("clock-frequency", STM32F2TimState, clock_hz, 0),
    DEFINE_PROP_STRING("name", STM32F2TimState, name),
    DEFINE_PROP_UINT32("base", STM32F2TimState, base, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_stm32f2_tim = {
    .name = TYPE_STM32F2_TIM,
    .version_id = 2,
    .minimum_version_id = 2,
    .fields = (VMStateField[]) {
        VMSTATE_TIMER_PTR(event_timer, STM32F2TimState),
        VMSTATE_UINT32(cr1, STM32F2TimState),
        VMSTATE_UINT32(cr2, STM32F2TimState),
        VMSTATE_UINT32(smcr, STM32F2TimState),
        VMSTATE_UINT32(dier, STM32F2TimState),
        VMSTATE_UINT32(sr, STM32F2TimState),
        VMSTATE_UINT32_ARRAY(ccmr, STM32F2TimState, 2),
        VMSTATE_UINT32(ccer, STM32F2TimState),
        VMSTATE_UINT32(psc, STM32F2TimState),
        VMSTATE_UINT32(arr, STM32F2TimState),
        VMSTATE_UINT32_ARRAY(ccr, STM32F2TimState, STM32F2_TIM_CHANNELS),
        VMSTATE_UINT32(dcr, STM32F2TimState),
        VMSTATE_UINT32(or, STM32F2TimState),
        VMSTATE_UINT32(cnt_at_start, STM32F2TimState),
        VMSTATE_INT64(start_ns, STM32F2TimState),
        VMSTATE_INT32_ARRAY(pwm_level, STM32F2TimState, STM32F2_TIM_CHANNELS),
        VMSTATE_INT64(flags_latched_ns, STM32F2TimState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_tim_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->realize = stm32f2_tim_realize;
    dc->vmsd = &vmstate_stm32f2_tim;
    rc->phases.hold = stm32f2_tim_reset_hold;
    rc->phases.exit = stm32f2_tim_reset_exit;
    device_class_set_props(dc, stm32f2_tim_properties);
}

static const TypeInfo stm32f2_tim_info = {
    .name = TYPE_STM32F2_TIM,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2TimState),
    .instance_init = stm32f2_tim_init,
    .class_init = stm32f2_tim_class_init,
};

static void stm32f2_tim_register_types(void)
{
    type_register_static(&stm32f2_tim_info);
}

type_init(stm32f2_tim_register_types)
