/*
 * STM32F2xx real-time clock and its 20 backup registers.
 *
 * The calendar runs on the virtual clock from the time last set in INIT mode
 * (reset value 2000-01-01 00:00:00). INIT enters init mode at once (INITF)
 * and the shadow registers are always synchronised (RSF reads 1), so the
 * firmware's bounded polls finish immediately. The backup registers and the
 * calendar belong to the backup domain: they survive system resets and are
 * cleared only by a power loss (the board calls the "power-loss" line).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qemu/bcd.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_RTC "stm32f2-rtc"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2RtcState, STM32F2_RTC)

REG32(TR, 0x00)
REG32(DR, 0x04)
    FIELD(DR, WDU, 13, 3)
REG32(CR, 0x08)
REG32(ISR, 0x0C)
    FIELD(ISR, ALRAWF, 0, 1)
    FIELD(ISR, ALRBWF, 1, 1)
    FIELD(ISR, WUTWF, 2, 1)
    FIELD(ISR, INITS, 4, 1)
    FIELD(ISR, RSF, 5, 1)
    FIELD(ISR, INITF, 6, 1)
    FIELD(ISR, INIT, 7, 1)
REG32(PRER, 0x10)
REG32(WUTR, 0x14)
REG32(CALIBR, 0x18)
REG32(ALRMAR, 0x1C)
REG32(ALRMBR, 0x20)
REG32(WPR, 0x24)
REG32(TSTR, 0x30)
REG32(TSDR, 0x34)
REG32(TAFCR, 0x40)
REG32(BKP0R, 0x50)

#define NUM_BKP 20
#define WPR_KEY1 0xCA
#define WPR_KEY2 0x53
/* 2000-01-01 00:00:00 UTC, the RTC's reset date. */
#define RTC_EPOCH_2000 946684800
#define RTC_RESET_WEEKDAY 1         /* RTC_DR reset value 0x00002101 */
#define SECONDS_PER_DAY 86400

struct STM32F2RtcState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;

    uint32_t cr;
    uint32_t isr;
    uint32_t prer;
    uint32_t wutr;
    uint32_t calibr;
    uint32_t alrmar;
    uint32_t alrmbr;
    uint32_t tafcr;
    uint32_t bkp[NUM_BKP];
    uint8_t wpr_stage;          /* 2 = write protection disabled */

    /* Calendar: seconds since 1970 at base_ns of virtual time. */
    int64_t time_at_base;
    int64_t base_ns;
    /*
     * The weekday (WDU, 1 = Monday) on the day of time_at_base. The hardware
     * counts it on from whatever software wrote, like the date; it is not
     * derived from the date (the reset value is 2000-01-01 with weekday 1).
     */
    uint8_t weekday_at_base;
    /* TR/DR written in INIT mode, applied when INIT is cleared. */
    uint32_t init_tr;
    uint32_t init_dr;
};

static int64_t rtc_now_seconds(STM32F2RtcState *s)
{
    int64_t elapsed = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - s->base_ns;

    return s->time_at_base + elapsed / NANOSECONDS_PER_SECOND;
}

static void rtc_set_seconds(STM32F2RtcState *s, int64_t seconds, uint8_t weekday)
{
    s->time_at_base = seconds;
    s->weekday_at_base = weekday;
    s->base_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static uint32_t rtc_tr(int64_t seconds)
{
    struct tm tm;
    time_t t = seconds;

    gmtime_r(&t, &tm);
    return to_bcd(tm.tm_hour) << 16 | to_bcd(tm.tm_min) << 8 | to_bcd(tm.tm_sec);
}

static uint32_t rtc_dr(STM32F2RtcState *s, int64_t seconds)
{
    struct tm tm;
    time_t t = seconds;
    int64_t days = seconds / SECONDS_PER_DAY - s->time_at_base / SECONDS_PER_DAY;
    unsigned weekday = s->weekday_at_base;

    /* WDU 0 is "forbidden"; the counter keeps it until software sets a day. */
    if (weekday) {
        weekday = (weekday - 1 + days) % 7 + 1;
    }
    gmtime_r(&t, &tm);
    return to_bcd(tm.tm_year % 100) << 16 | weekday << 13 |
           to_bcd(tm.tm_mon + 1) << 8 | to_bcd(tm.tm_mday);
}

static int64_t rtc_seconds_from(uint32_t tr, uint32_t dr)
{
    struct tm tm = {
        .tm_sec = from_bcd(tr & 0x7F),
        .tm_min = from_bcd((tr >> 8) & 0x7F),
        .tm_hour = from_bcd((tr >> 16) & 0x3F),
        .tm_mday = from_bcd(dr & 0x3F),
        .tm_mon = from_bcd((dr >> 8) & 0x1F) - 1,
        .tm_year = from_bcd((dr >> 16) & 0xFF) + 100,
    };

    return timegm(&tm);
}

static bool rtc_write_protected(STM32F2RtcState *s)
{
    return s->wpr_stage != 2;
}

static uint64_t stm32f2_rtc_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2RtcState *s = opaque;
    bool init_mode = FIELD_EX32(s->isr, ISR, INIT);

    if (offset >= A_BKP0R && offset < A_BKP0R + 4 * NUM_BKP) {
        return s->bkp[(offset - A_BKP0R) / 4];
    }
    switch (offset) {
    case A_TR:
        return init_mode ? s->init_tr : rtc_tr(rtc_now_seconds(s));
    case A_DR:
        return init_mode ? s->init_dr : rtc_dr(s, rtc_now_seconds(s));
    case A_CR:
        return s->cr;
    case A_ISR:
        return s->isr;
    case A_PRER:
        return s->prer;
    case A_WUTR:
        return s->wutr;
    case A_CALIBR:
        return s->calibr;
    case A_ALRMAR:
        return s->alrmar;
    case A_ALRMBR:
        return s->alrmbr;
    case A_TAFCR:
        return s->tafcr;
    case A_WPR:
    case A_TSTR:
    case A_TSDR:
        return 0;
    default:
        photon_unimp_record("rtc", 0x40002800, offset, false, size, 0);
        return 0;
    }
}

static void rtc_write_isr(STM32F2RtcState *s, uint32_t value)
{
    bool was_init = FIELD_EX32(s->isr, ISR, INIT);
    bool init = FIELD_EX32(value, ISR, INIT);

    if (init && !was_init) {
        s->init_tr = rtc_tr(rtc_now_seconds(s));
        s->init_dr = rtc_dr(s, rtc_now_seconds(s));
    } else if (!init && was_init) {
        rtc_set_seconds(s, rtc_seconds_from(s->init_tr, s->init_dr),
                        FIELD_EX32(s->init_dr, DR, WDU));
    }
    s->isr = FIELD_DP32(s->isr, ISR, INIT, init);
    s->isr = FIELD_DP32(s->isr, ISR, INITF, init);
    /* Shadow registers resynchronise immediately: RSF never stays clear. */
    s->isr |= R_ISR_RSF_MASK | R_ISR_INITS_MASK |
              R_ISR_ALRAWF_MASK | R_ISR_ALRBWF_MASK | R_ISR_WUTWF_MASK;
    if (value & 0x3F00) {
        /* Alarm/wake-up/timestamp event flags are rc_w0; none are raised. */
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-rtc: ISR event flags written\n");
    }
}

static void stm32f2_rtc_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2RtcState *s = opaque;
    bool init_mode = FIELD_EX32(s->isr, ISR, INIT);

    if (offset >= A_BKP0R && offset < A_BKP0R + 4 * NUM_BKP) {
        trace_stm32f2_rtc_bkp_write((offset - A_BKP0R) / 4, value);
        s->bkp[(offset - A_BKP0R) / 4] = value;
        return;
    }
    if (offset == A_WPR) {
        if ((value & 0xFF) == WPR_KEY1) {
            s->wpr_stage = 1;
        } else if ((value & 0xFF) == WPR_KEY2 && s->wpr_stage == 1) {
            s->wpr_stage = 2;
        } else {
            s->wpr_stage = 0;
        }
        return;
    }
    if (offset != A_TAFCR && offset != A_CALIBR && rtc_write_protected(s)) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-rtc: write to 0x%02x while "
                      "write-protected\n", (unsigned)offset);
        return;
    }
    switch (offset) {
    case A_TR:
        if (init_mode) {
            s->init_tr = value & 0x007F7F7F;
        }
        break;
    case A_DR:
        if (init_mode) {
            s->init_dr = value & 0x00FFFF3F;
        }
        break;
    case A_CR:
        s->cr = value;
        break;
    case A_ISR:
        rtc_write_isr(s, value);
        break;
    case A_PRER:
        s->prer = value & 0x007F1FFF;
        break;
    case A_WUTR:
        s->wutr = value & 0xFFFF;
        break;
    case A_CALIBR:
        s->calibr = value;
        break;
    case A_ALRMAR:
        s->alrmar = value;
        break;
    case A_ALRMBR:
        s->alrmbr = value;
        break;
    case A_TAFCR:
        s->tafcr = value;
        break;
    default:
        photon_unimp_record("rtc", 0x40002800, offset, true, size, value);
        break;
    }
}

static const MemoryRegionOps stm32f2_rtc_ops = {
    .read = stm32f2_rtc_read,
    .write = stm32f2_rtc_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

/* Backup-domain reset: what a power loss without VBAT does. */
static void rtc_backup_domain_reset(STM32F2RtcState *s)
{
    s->cr = 0;
    s->prer = 0x007F00FF;
    s->wutr = 0xFFFF;
    s->calibr = 0;
    s->alrmar = 0;
    s->alrmbr = 0;
    s->tafcr = 0;
    memset(s->bkp, 0, sizeof(s->bkp));
    rtc_set_seconds(s, RTC_EPOCH_2000, RTC_RESET_WEEKDAY);
}

static void stm32f2_rtc_power_loss(void *opaque, int n, int level)
{
    if (level) {
        rtc_backup_domain_reset(STM32F2_RTC(opaque));
    }
}

static void stm32f2_rtc_reset_hold(Object *obj)
{
    STM32F2RtcState *s = STM32F2_RTC(obj);

    /* A system reset leaves the backup domain alone; only ISR is reset. */
    s->isr = 0x00000007;
    s->wpr_stage = 0;
}

static void stm32f2_rtc_realize(DeviceState *dev, Error **errp)
{
    rtc_backup_domain_reset(STM32F2_RTC(dev));
}

static void stm32f2_rtc_init(Object *obj)
{
    STM32F2RtcState *s = STM32F2_RTC(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_rtc_ops, s, TYPE_STM32F2_RTC, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    qdev_init_gpio_in_named(DEVICE(obj), stm32f2_rtc_power_loss, "power-loss", 1);
}

static const VMStateDescription vmstate_stm32f2_rtc = {
    .name = TYPE_STM32F2_RTC,
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(cr, STM32F2RtcState),
        VMSTATE_UINT32(isr, STM32F2RtcState),
        VMSTATE_UINT32(prer, STM32F2RtcState),
        VMSTATE_UINT32(wutr, STM32F2RtcState),
        VMSTATE_UINT32(calibr, STM32F2RtcState),
        VMSTATE_UINT32(alrmar, STM32F2RtcState),
        VMSTATE_UINT32(alrmbr, STM32F2RtcState),
        VMSTATE_UINT32(tafcr, STM32F2RtcState),
        VMSTATE_UINT32_ARRAY(bkp, STM32F2RtcState, NUM_BKP),
        VMSTATE_UINT8(wpr_stage, STM32F2RtcState),
        VMSTATE_INT64(time_at_base, STM32F2RtcState),
        VMSTATE_INT64(base_ns, STM32F2RtcState),
        VMSTATE_UINT32(init_tr, STM32F2RtcState),
        VMSTATE_UINT32(init_dr, STM32F2RtcState),
        VMSTATE_UINT8_V(weekday_at_base, STM32F2RtcState, 2),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_rtc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = stm32f2_rtc_realize;
    dc->vmsd = &vmstate_stm32f2_rtc;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_rtc_reset_hold;
}

static const TypeInfo stm32f2_rtc_info = {
    .name = TYPE_STM32F2_RTC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2RtcState),
    .instance_init = stm32f2_rtc_init,
    .class_init = stm32f2_rtc_class_init,
};

static void stm32f2_rtc_register_types(void)
{
    type_register_static(&stm32f2_rtc_info);
}

type_init(stm32f2_rtc_register_types)
