/*
 * STM32F2xx DMA controller: registers of the eight streams.
 *
 * The registers behave as the hardware's do (flags in LISR/HISR cleared via
 * LIFCR/HIFCR). A peripheral model that serves a (stream, channel) pair
 * moves the whole transfer when the guest enables the stream, and the stream
 * then completes at once (TCIF, EN cleared, NDTR 0): the SDIO host does this
 * for the Wi-Fi chip. Enabling a stream no model serves records an
 * unmodelled access naming it, instead of silently doing nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/sysbus.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_dma.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

REG32(LISR, 0x00)
REG32(HISR, 0x04)
REG32(LIFCR, 0x08)
REG32(HIFCR, 0x0C)
#define STREAM_BASE 0x10
#define STREAM_STRIDE 0x18
#define STREAMS STM32F2_DMA_STREAMS
#define STREAM_REGS STM32F2_DMA_STREAM_REGS
#define SxCR STM32F2_DMA_SxCR
#define SxNDTR STM32F2_DMA_SxNDTR
#define SxM0AR STM32F2_DMA_SxM0AR
#define SxFCR STM32F2_DMA_SxFCR
#define SxCR_EN (1u << 0)
#define SxCR_HTIE (1u << 3)
#define SxCR_TCIE (1u << 4)
#define SxCR_DIR_SHIFT 6
#define SxCR_MSIZE_SHIFT 13
#define SxCR_CHSEL_SHIFT 25
#define SxFCR_RESET 0x21u
#define FLAG_HTIF (1u << 4)
#define FLAG_TCIF (1u << 5)

/* Position of each stream's six flags within LISR/HISR. */
static const unsigned flag_shift[4] = { 0, 6, 16, 22 };

void stm32f2_dma_connect(STM32F2DmaState *s, unsigned stream, unsigned channel,
                         STM32F2DmaPeripheral serve, void *opaque)
{
    assert(stream < STREAMS);
    s->peripheral[stream].channel = channel;
    s->peripheral[stream].serve = serve;
    s->peripheral[stream].opaque = opaque;
}

static uint32_t stream_flags(STM32F2DmaState *s, unsigned n)
{
    return (s->isr[n / 4] >> flag_shift[n % 4]) & 0x3F;
}

static void dma_update_irq(STM32F2DmaState *s, unsigned n)
{
    uint32_t cr = s->stream[n][SxCR], flags = stream_flags(s, n);
    bool level = ((flags & FLAG_TCIF) && (cr & SxCR_TCIE)) ||
                 ((flags & FLAG_HTIF) && (cr & SxCR_HTIE));

    qemu_set_irq(s->irq[n], level);
}

/* The guest enabled stream n: hand it to its peripheral, if one serves it. */
static void dma_stream_enabled(STM32F2DmaState *s, unsigned n, hwaddr offset,
                               unsigned size)
{
    uint32_t cr = s->stream[n][SxCR];
    unsigned channel = (cr >> SxCR_CHSEL_SHIFT) & 7;
    STM32F2DmaRequest request = {
        .stream = n,
        .memory_to_peripheral = ((cr >> SxCR_DIR_SHIFT) & 3) == 1,
        .memory_address = s->stream[n][SxM0AR],
        .items = s->stream[n][SxNDTR] & 0xFFFF,
        .item_bytes = 1u << ((cr >> SxCR_MSIZE_SHIFT) & 3),
    };

    if (!s->peripheral[n].serve || s->peripheral[n].channel != channel) {
        photon_unimp_record(s->name, s->base, offset, true, size, cr);
        return;
    }
    trace_stm32f2_dma_transfer(s->name, n, channel, request.memory_address,
                               request.items, request.memory_to_peripheral);
    if (s->peripheral[n].serve(s->peripheral[n].opaque, &request)) {
        s->stream[n][SxCR] &= ~SxCR_EN;
        s->stream[n][SxNDTR] = 0;
        s->isr[n / 4] |= (FLAG_TCIF | FLAG_HTIF) << flag_shift[n % 4];
        dma_update_irq(s, n);
    }
}

void stm32f2_dma_peripheral_ready(STM32F2DmaState *s, unsigned stream)
{
    assert(stream < STREAMS);
    if (s->stream[stream][SxCR] & SxCR_EN) {
        dma_stream_enabled(s, stream, STREAM_BASE + stream * STREAM_STRIDE, 4);
    }
}

static uint64_t stm32f2_dma_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2DmaState *s = opaque;

    switch (offset) {
    case A_LISR: return s->isr[0];
    case A_HISR: return s->isr[1];
    case A_LIFCR:
    case A_HIFCR: return 0;
    case STREAM_BASE ... STREAM_BASE + STREAMS * STREAM_STRIDE - 1:
        offset -= STREAM_BASE;
        return s->stream[offset / STREAM_STRIDE][(offset % STREAM_STRIDE) / 4];
    default:
        photon_unimp_record(s->name, s->base, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_dma_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2DmaState *s = opaque;
    unsigned n, reg;

    switch (offset) {
    case A_LIFCR:
    case A_HIFCR:
        s->isr[(offset - A_LIFCR) / 4] &= ~value;
        for (n = 0; n < STREAMS; n++) {
            dma_update_irq(s, n);
        }
        return;
    case STREAM_BASE ... STREAM_BASE + STREAMS * STREAM_STRIDE - 1:
        n = (offset - STREAM_BASE) / STREAM_STRIDE;
        reg = ((offset - STREAM_BASE) % STREAM_STRIDE) / 4;
        trace_stm32f2_dma_write(s->name, n, reg, value);
        s->stream[n][reg] = value;
        if (reg == SxCR) {
            if (value & SxCR_EN) {
                dma_stream_enabled(s, n, offset, size);
            }
            dma_update_irq(s, n);
        }
        return;
    default:
        photon_unimp_record(s->name, s->base, offset, true, size, value);
        return;
    }
}

static const MemoryRegionOps stm32f2_dma_ops = {
    .read = stm32f2_dma_read,
    .write = stm32f2_dma_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_dma_reset_hold(Object *obj)
{
    STM32F2DmaState *s = STM32F2_DMA(obj);

    memset(s->isr, 0, sizeof(s->isr));
    memset(s->stream, 0, sizeof(s->stream));
    for (unsigned n = 0; n < STREAMS; n++) {
        s->stream[n][SxFCR] = SxFCR_RESET;
    }
}

static void stm32f2_dma_realize(DeviceState *dev, Error **errp)
{
    STM32F2DmaState *s = STM32F2_DMA(dev);

    if (!s->name) {
        error_setg(errp, "stm32f2-dma needs a name");
        return;
    }
    memory_region_init_io(&s->iomem, OBJECT(s), &stm32f2_dma_ops, s, s->name, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
}

static void stm32f2_dma_init(Object *obj)
{
    STM32F2DmaState *s = STM32F2_DMA(obj);

    for (unsigned n = 0; n < STREAMS; n++) {
        sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq[n]);
    }
}

static Property stm32f2_dma_properties[] = {
    DEFINE_PROP_STRING("name", STM32F2DmaState, name),
    DEFINE_PROP_UINT32("base", STM32F2DmaState, base, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_stm32f2_dma = {
    .name = TYPE_STM32F2_DMA,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32_ARRAY(isr, STM32F2DmaState, 2),
        VMSTATE_UINT32_2DARRAY(stream, STM32F2DmaState, STREAMS, STREAM_REGS),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_dma_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = stm32f2_dma_realize;
    dc->vmsd = &vmstate_stm32f2_dma;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_dma_reset_hold;
    device_class_set_props(dc, stm32f2_dma_properties);
}

static const TypeInfo stm32f2_dma_info = {
    .name = TYPE_STM32F2_DMA,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2DmaState),
    .instance_init = stm32f2_dma_init,
    .class_init = stm32f2_dma_class_init,
};

static void stm32f2_dma_register_types(void)
{
    type_register_static(&stm32f2_dma_info);
}

type_init(stm32f2_dma_register_types)
