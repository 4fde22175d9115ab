/*
 * STM32F2xx analog-to-digital converters: ADC1..ADC3 and their common block
 * (0x40012000..0x400123FF).
 *
 * A software-started regular conversion completes at once with the channel's
 * value (EOC set, DR loaded). In DMA mode (per ADC, or dual/triple mode
 * through the common data register) the conversions are handed to the DMA
 * stream that serves ADC1 (DMA2 stream 0, channel 0): Device OS's analogRead()
 * starts ADC1 and ADC2 in dual simultaneous mode and polls that stream's
 * transfer-complete flag. Inputs are 0 V unless the board sets a channel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "sysemu/dma.h"
#include "hw/sysbus.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_adc.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

/* Per-ADC registers (ADCx base + offset). */
REG32(SR, 0x00)
    FIELD(SR, EOC, 1, 1)
    FIELD(SR, STRT, 4, 1)
REG32(CR1, 0x04)
REG32(CR2, 0x08)
    FIELD(CR2, ADON, 0, 1)
    FIELD(CR2, DMA, 8, 1)
    FIELD(CR2, SWSTART, 30, 1)
REG32(SQR3, 0x34)
REG32(DR, 0x4C)
/* Common registers (base + 0x300). */
REG32(CSR, 0x300)
REG32(CCR, 0x304)
    FIELD(CCR, MULTI, 0, 5)
    FIELD(CCR, DMA, 14, 2)
REG32(CDR, 0x308)

#define ADC_STRIDE 0x100
#define ADC_REGS STM32F2_ADC_REGS
#define ADC1_DMA_STREAM 0
#define ADC1_DMA_CHANNEL 0

static uint16_t adc_convert(STM32F2AdcState *s, unsigned adc)
{
    unsigned channel = s->regs[adc][R_SQR3] & 0x1F;

    return channel < STM32F2_ADC_CHANNELS ? s->channel_value[channel] & 0xFFF : 0;
}

static bool adc_dma_mode(STM32F2AdcState *s, unsigned adc)
{
    return FIELD_EX32(s->regs[adc][R_CR2], CR2, DMA) || FIELD_EX32(s->ccr, CCR, DMA);
}

static void adc_start_conversion(STM32F2AdcState *s, unsigned adc)
{
    uint16_t value = adc_convert(s, adc);

    s->regs[adc][R_DR] = value;
    s->regs[adc][R_SR] |= R_SR_EOC_MASK | R_SR_STRT_MASK;
    trace_stm32f2_adc_convert(adc + 1, s->regs[adc][R_SQR3] & 0x1F, value);
    if (adc == 0) {
        s->converting = true;
        if (adc_dma_mode(s, 0) && s->dma) {
            stm32f2_dma_peripheral_ready(s->dma, ADC1_DMA_STREAM);
        }
    }
}

/* DMA request: one word per conversion, ADC2's result in the high half in dual mode. */
static bool adc_serve_dma(void *opaque, const STM32F2DmaRequest *request)
{
    STM32F2AdcState *s = opaque;
    bool dual = FIELD_EX32(s->ccr, CCR, MULTI) != 0;
    uint32_t word = adc_convert(s, 0) | (dual ? (uint32_t)adc_convert(s, 1) << 16 : 0);
    g_autofree uint8_t *buf = NULL;
    size_t len = (size_t)request->items * request->item_bytes;

    if (!s->converting) {
        return false;   /* the stream waits for the first conversion */
    }
    if (request->memory_to_peripheral || len > 64 * KiB) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-adc: unexpected DMA request\n");
        return false;
    }
    buf = g_malloc(len);
    for (size_t i = 0; i < request->items; i++) {
        stn_le_p(buf + i * request->item_bytes, request->item_bytes, word);
    }
    dma_memory_write(&address_space_memory, request->memory_address, buf, len,
                     MEMTXATTRS_UNSPECIFIED);
    s->converting = false;
    return true;
}

static uint64_t stm32f2_adc_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2AdcState *s = opaque;
    unsigned adc = offset / ADC_STRIDE, reg = (offset % ADC_STRIDE) / 4;

    switch (offset) {
    case A_CSR:
        return (s->regs[0][R_SR] & 0x3F) | (s->regs[1][R_SR] & 0x3F) << 8 |
               (s->regs[2][R_SR] & 0x3F) << 16;
    case A_CCR:
        return s->ccr;
    case A_CDR:
        return s->regs[0][R_DR] | s->regs[1][R_DR] << 16;
    }
    if (adc < 3 && reg < ADC_REGS) {
        uint32_t value = s->regs[adc][reg];

        if (reg == R_DR) {
            s->regs[adc][R_SR] &= ~R_SR_EOC_MASK;   /* reading DR clears EOC */
        }
        return value;
    }
    photon_unimp_record("adc", 0x40012000, offset, false, size, 0);
    return 0;
}

static void stm32f2_adc_write(void *opaque, hwaddr offset, uint64_t value, unsigned size)
{
    STM32F2AdcState *s = opaque;
    unsigned adc = offset / ADC_STRIDE, reg = (offset % ADC_STRIDE) / 4;

    if (offset == A_CCR) {
        s->ccr = value;
        return;
    }
    if (adc >= 3 || reg >= ADC_REGS || offset == A_CSR || offset == A_CDR) {
        photon_unimp_record("adc", 0x40012000, offset, true, size, value);
        return;
    }
    switch (reg) {
    case R_SR:
        s->regs[adc][R_SR] &= value;    /* rc_w0 */
        break;
    case R_DR:
        break;                          /* read-only */
    case R_CR2:
        s->regs[adc][R_CR2] = value & ~R_CR2_SWSTART_MASK;
        if (FIELD_EX32(value, CR2, SWSTART) && FIELD_EX32(value, CR2, ADON)) {
            adc_start_conversion(s, adc);
            /* In dual/triple mode the slaves convert with the master. */
            if (adc == 0 && FIELD_EX32(s->ccr, CCR, MULTI)) {
                adc_start_conversion(s, 1);
            }
        }
        break;
    default:
        s->regs[adc][reg] = value;
        break;
    }
}

static const MemoryRegionOps stm32f2_adc_ops = {
    .read = stm32f2_adc_read,
    .write = stm32f2_adc_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

void stm32f2_adc_connect_dma(STM32F2AdcState *s, STM32F2DmaState *dma)
{
    s->dma = dma;
    stm32f2_dma_connect(dma, ADC1_DMA_STREAM, ADC1_DMA_CHANNEL, adc_serve_dma, s);
}

void stm32f2_adc_set_input(STM32F2AdcState *s, unsigned channel, uint16_t value)
{
    if (channel < STM32F2_ADC_CHANNELS) {
        s->channel_value[channel] = MIN(value, 0xFFF);
    }
}

static void stm32f2_adc_reset_hold(Object *obj)
{
    STM32F2AdcState *s = STM32F2_ADC(obj);

    memset(s->regs, 0, sizeof(s->regs));
    s->ccr = 0;
    s->converting = false;
}

static void stm32f2_adc_init(Object *obj)
{
    STM32F2AdcState *s = STM32F2_ADC(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_adc_ops, s, TYPE_STM32F2_ADC, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static const VMStateDescription vmstate_stm32f2_adc = {
    .name = TYPE_STM32F2_ADC,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32_2DARRAY(regs, STM32F2AdcState, 3, STM32F2_ADC_REGS),
        VMSTATE_UINT32(ccr, STM32F2AdcState),
        VMSTATE_BOOL(converting, STM32F2AdcState),
        VMSTATE_UINT16_ARRAY(channel_value, STM32F2AdcState, STM32F2_ADC_CHANNELS),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_adc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_adc;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_adc_reset_hold;
}

static const TypeInfo stm32f2_adc_info = {
    .name = TYPE_STM32F2_ADC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2AdcState),
    .instance_init = stm32f2_adc_init,
    .class_init = stm32f2_adc_class_init,
};

static void stm32f2_adc_register_types(void)
{
    type_register_static(&stm32f2_adc_info);
}

type_init(stm32f2_adc_register_types)
