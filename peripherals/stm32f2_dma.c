/*
 * STM32F2xx DMA controller: registers of the eight streams.
 *
 * The registers behave as the hardware's do (flags in LISR/HISR cleared via
 * LIFCR/HIFCR, EN readable), but no peripheral on the boot path requests a
 * transfer, so enabling a stream records an unmodelled access naming the
 * stream and channel instead of silently doing nothing.
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
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_DMA "stm32f2-dma"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2DmaState, STM32F2_DMA)

REG32(LISR, 0x00)
REG32(HISR, 0x04)
REG32(LIFCR, 0x08)
REG32(HIFCR, 0x0C)
#define STREAM_BASE 0x10
#define STREAM_STRIDE 0x18
#define STREAMS 8
enum { SxCR, SxNDTR, SxPAR, SxM0AR, SxM1AR, SxFCR, STREAM_REGS };
#define SxCR_EN 1u
#define SxFCR_RESET 0x21u

struct STM32F2DmaState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq[STREAMS];
    char *name;
    uint32_t base;

    uint32_t isr[2];
    uint32_t stream[STREAMS][STREAM_REGS];
};

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
        return;
    case STREAM_BASE ... STREAM_BASE + STREAMS * STREAM_STRIDE - 1:
        n = (offset - STREAM_BASE) / STREAM_STRIDE;
        reg = ((offset - STREAM_BASE) % STREAM_STRIDE) / 4;
        trace_stm32f2_dma_write(s->name, n, reg, value);
        s->stream[n][reg] = value;
        if (reg == SxCR && (value & SxCR_EN)) {
            /* A transfer was requested that no model carries out. */
            photon_unimp_record(s->name, s->base, offset, true, size, value);
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
