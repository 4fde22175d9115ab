/*
 * STM32F2xx USB OTG core (used by the Photon as OTG_HS with its FS PHY), in
 * device mode with no host on the cable.
 *
 * The core's registers are storage with their reset values; core soft reset
 * and FIFO flushes complete at once and the AHB master reads idle, so the
 * driver's bounded waits end immediately. With no host attached there is no
 * bus reset, no enumeration and no interrupt, which is what a Photon on a
 * charger sees. Enumeration and data transfer are a separate model.
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

#define TYPE_STM32F2_OTG "stm32f2-otg"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2OtgState, STM32F2_OTG)

REG32(GOTGCTL, 0x000)
REG32(GAHBCFG, 0x008)
REG32(GUSBCFG, 0x00C)
REG32(GRSTCTL, 0x010)
    FIELD(GRSTCTL, CSRST, 0, 1)
    FIELD(GRSTCTL, RXFFLSH, 4, 1)
    FIELD(GRSTCTL, TXFFLSH, 5, 1)
    FIELD(GRSTCTL, AHBIDL, 31, 1)
REG32(GINTSTS, 0x014)
REG32(GRXSTSR, 0x01C)
REG32(GRXSTSP, 0x020)
REG32(GRXFSIZ, 0x024)
REG32(GNPTXFSIZ, 0x028)
REG32(GCCFG, 0x038)
REG32(CID, 0x03C)
REG32(DSTS, 0x808)
REG32(PCGCCTL, 0xE00)

#define OTG_REGS_SIZE 0x1000       /* core and device registers; FIFOs beyond */
#define OTG_NUM_REGS (OTG_REGS_SIZE / 4)
#define GINTSTS_RC_W1_MASK 0xF030FC0Au  /* rc_w1 interrupt flags */

struct STM32F2OtgState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    qemu_irq irq;
    uint32_t regs[OTG_NUM_REGS];
};

static void otg_reset_registers(STM32F2OtgState *s)
{
    memset(s->regs, 0, sizeof(s->regs));
    s->regs[R_GUSBCFG] = 0x00000A00;
    s->regs[R_GRSTCTL] = R_GRSTCTL_AHBIDL_MASK;
    s->regs[R_GINTSTS] = 0x04000020;    /* PTXFE, NPTXFE: FIFOs empty; device mode */
    s->regs[R_GRXFSIZ] = 0x00000200;
    s->regs[R_GNPTXFSIZ] = 0x00000200;
    s->regs[R_CID] = 0x00001200;
    s->regs[R_DSTS] = 0x00000010;       /* suspended: no host */
}

static uint64_t stm32f2_otg_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2OtgState *s = opaque;

    if (offset >= OTG_REGS_SIZE) {
        photon_unimp_record("otg-hs-fifo", 0x40040000, offset, false, size, 0);
        return 0;
    }
    return s->regs[offset / 4];
}

static void stm32f2_otg_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2OtgState *s = opaque;

    if (offset >= OTG_REGS_SIZE) {
        photon_unimp_record("otg-hs-fifo", 0x40040000, offset, true, size, value);
        return;
    }
    trace_stm32f2_otg_write(offset, value);
    switch (offset) {
    case A_GRSTCTL:
        if (FIELD_EX32(value, GRSTCTL, CSRST)) {
            otg_reset_registers(s);
        }
        /* Reset and flushes are self-clearing and finish at once. */
        s->regs[R_GRSTCTL] = (value & 0x7C0) | R_GRSTCTL_AHBIDL_MASK;
        break;
    case A_GINTSTS:
        s->regs[R_GINTSTS] &= ~(value & GINTSTS_RC_W1_MASK);
        break;
    case A_GRXSTSR:
    case A_GRXSTSP:
    case A_CID:
    case A_DSTS:
        break;  /* read-only */
    default:
        s->regs[offset / 4] = value;
        break;
    }
}

static const MemoryRegionOps stm32f2_otg_ops = {
    .read = stm32f2_otg_read,
    .write = stm32f2_otg_write,
    .impl.min_access_size = 4,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_otg_reset_hold(Object *obj)
{
    otg_reset_registers(STM32F2_OTG(obj));
}

static void stm32f2_otg_init(Object *obj)
{
    STM32F2OtgState *s = STM32F2_OTG(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_otg_ops, s, TYPE_STM32F2_OTG, 0x40000);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static const VMStateDescription vmstate_stm32f2_otg = {
    .name = TYPE_STM32F2_OTG,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32_ARRAY(regs, STM32F2OtgState, OTG_NUM_REGS),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_otg_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->vmsd = &vmstate_stm32f2_otg;
    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_otg_reset_hold;
}

static const TypeInfo stm32f2_otg_info = {
    .name = TYPE_STM32F2_OTG,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2OtgState),
    .instance_init = stm32f2_otg_init,
    .class_init = stm32f2_otg_class_init,
};

static void stm32f2_otg_register_types(void)
{
    type_register_static(&stm32f2_otg_info);
}

type_init(stm32f2_otg_register_types)
