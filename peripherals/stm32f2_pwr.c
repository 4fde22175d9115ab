/*
 * STM32F2xx power controller (PWR).
 *
 * The firmware sets CR.DBP to unlock the backup domain, reads CSR.SBF to tell
 * a standby wake from a cold boot (always a cold boot here), and waits for
 * the backup regulator (BRR) after enabling it (BRE).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/sysbus.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/photon_regs.h"
#include "hw/photon/trace.h"

#define TYPE_STM32F2_PWR "stm32f2-pwr"
OBJECT_DECLARE_SIMPLE_TYPE(STM32F2PwrState, STM32F2_PWR)

REG32(CR, 0x00)
    FIELD(CR, CWUF, 2, 1)
    FIELD(CR, CSBF, 3, 1)
    FIELD(CR, DBP, 8, 1)
REG32(CSR, 0x04)
    FIELD(CSR, WUF, 0, 1)
    FIELD(CSR, SBF, 1, 1)
    FIELD(CSR, BRR, 3, 1)
    FIELD(CSR, EWUP, 8, 1)
    FIELD(CSR, BRE, 9, 1)

struct STM32F2PwrState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    uint32_t cr;
    uint32_t csr;
};

static uint64_t stm32f2_pwr_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2PwrState *s = opaque;

    switch (offset & ~3) {
    case A_CR:
        return photon_subword_extract(s->cr, offset);
    case A_CSR:
        return photon_subword_extract(s->csr, offset);
    default:
        photon_unimp_record("pwr", 0x40007000, offset, false, size, 0);
        return 0;
    }
}

static void stm32f2_pwr_write(void *opaque, hwaddr offset, uint64_t value64,
                              unsigned size)
{
    STM32F2PwrState *s = opaque;
    uint32_t value;

    switch (offset & ~3) {
    case A_CR:
        value = photon_subword_merge(s->cr, offset, size, value64);
        /* CWUF/CSBF clear the CSR flags and read back as zero. */
        if (FIELD_EX32(value, CR, CWUF)) {
            s->csr = FIELD_DP32(s->csr, CSR, WUF, 0);
        }
        if (FIELD_EX32(value, CR, CSBF)) {
            s->csr = FIELD_DP32(s->csr, CSR, SBF, 0);
        }
        s->cr = value & ~(R_CR_CWUF_MASK | R_CR_CSBF_MASK);
        trace_stm32f2_pwr_write(offset, s->cr);
        break;
    case A_CSR:
        value = photon_subword_merge(s->csr, offset, size, value64);
        /* Only EWUP and BRE are writable; the regulator is ready at once. */
        s->csr = (s->csr & (R_CSR_WUF_MASK | R_CSR_SBF_MASK)) |
                 (value & (R_CSR_EWUP_MASK | R_CSR_BRE_MASK));
        s->csr = FIELD_DP32(s->csr, CSR, BRR, FIELD_EX32(s->csr, CSR, BRE));
        trace_stm32f2_pwr_write(offset, s->csr);
        break;
    default:
        photon_unimp_record("pwr", 0x40007000, offset, true, size, value64);
        break;
    }
}

static const MemoryRegionOps stm32f2_pwr_ops = {
    .read = stm32f2_pwr_read,
    .write = stm32f2_pwr_write,
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_pwr_reset_hold(Object *obj)
{
    STM32F2PwrState *s = STM32F2_PWR(obj);

    s->cr = 0;
    s->csr = 0;
}

static void stm32f2_pwr_init(Object *obj)
{
    STM32F2PwrState *s = STM32F2_PWR(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_pwr_ops, s, TYPE_STM32F2_PWR, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
}

static const VMStateDescription vmstate_stm32f2_pwr = {
    .name = TYPE_STM32F2_PWR,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(cr, STM32F2PwrState),
        VMSTATE_UINT32(csr, STM32F2PwrState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_pwr_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    RESETTABLE_CLASS(klass)->phases.hold = stm32f2_pwr_reset_hold;
    dc->vmsd = &vmstate_stm32f2_pwr;
}

static const TypeInfo stm32f2_pwr_info = {
    .name = TYPE_STM32F2_PWR,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2PwrState),
    .instance_init = stm32f2_pwr_init,
    .class_init = stm32f2_pwr_class_init,
};

static void stm32f2_pwr_register_types(void)
{
    type_register_static(&stm32f2_pwr_info);
}

type_init(stm32f2_pwr_register_types)
