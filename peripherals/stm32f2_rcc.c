/*
 * STM32F2xx reset and clock control (RCC).
 *
 * The Photon firmware polls the oscillator and PLL ready flags and the
 * system-clock switch status, so each enable is mirrored into its ready flag
 * at once and SWS follows SW. The clock tree itself is fixed (26 MHz HSE,
 * 120 MHz SYSCLK): the firmware hard-codes it too. RCC_CSR carries the reset
 * causes the bootloader copies into a backup register; BDCR belongs to the
 * backup domain and survives system resets; its BDRST bit resets that domain
 * (the RTC and its backup registers, through the "backup-domain-reset" line).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/registerfields.h"
#include "hw/irq.h"
#include "migration/vmstate.h"
#include "hw/photon/peripherals/stm32f2_rcc.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/photon_regs.h"
#include "hw/photon/trace.h"

REG32(CR, 0x00)
    FIELD(CR, HSION, 0, 1)
    FIELD(CR, HSIRDY, 1, 1)
    FIELD(CR, HSEON, 16, 1)
    FIELD(CR, HSERDY, 17, 1)
    FIELD(CR, PLLON, 24, 1)
    FIELD(CR, PLLRDY, 25, 1)
    FIELD(CR, PLLI2SON, 26, 1)
    FIELD(CR, PLLI2SRDY, 27, 1)
REG32(PLLCFGR, 0x04)
REG32(CFGR, 0x08)
    FIELD(CFGR, SW, 0, 2)
    FIELD(CFGR, SWS, 2, 2)
REG32(CIR, 0x0C)
REG32(AHB1RSTR, 0x10)
REG32(AHB2RSTR, 0x14)
REG32(AHB3RSTR, 0x18)
REG32(APB1RSTR, 0x20)
REG32(APB2RSTR, 0x24)
REG32(AHB1ENR, 0x30)
REG32(AHB2ENR, 0x34)
REG32(AHB3ENR, 0x38)
REG32(APB1ENR, 0x40)
REG32(APB2ENR, 0x44)
REG32(AHB1LPENR, 0x50)
REG32(AHB2LPENR, 0x54)
REG32(AHB3LPENR, 0x58)
REG32(APB1LPENR, 0x60)
REG32(APB2LPENR, 0x64)
REG32(BDCR, 0x70)
    FIELD(BDCR, LSEON, 0, 1)
    FIELD(BDCR, LSERDY, 1, 1)
    FIELD(BDCR, BDRST, 16, 1)
REG32(CSR, 0x74)
    FIELD(CSR, LSION, 0, 1)
    FIELD(CSR, LSIRDY, 1, 1)
    FIELD(CSR, RMVF, 24, 1)
REG32(SSCGR, 0x80)
REG32(PLLI2SCFGR, 0x84)

#define CSR_RESET_FLAGS_MASK 0xFE000000u
#define SWS_PLL 2

static const uint32_t rcc_reset_values[STM32F2_RCC_NUM_REGS] = {
    [R_CR] = 0x00000083,        /* HSI on and ready */
    [R_PLLCFGR] = 0x24003010,
    [R_AHB1LPENR] = 0x7E6791FF,
    [R_AHB2LPENR] = 0x000000F1,
    [R_AHB3LPENR] = 0x00000001,
    [R_APB1LPENR] = 0x36FEC9FF,
    [R_APB2LPENR] = 0x00075F33,
    [R_PLLI2SCFGR] = 0x20003000,
};

static bool rcc_reg_exists(hwaddr offset)
{
    switch (offset) {
    case A_CR ... A_AHB3RSTR:
    case A_APB1RSTR: case A_APB2RSTR:
    case A_AHB1ENR ... A_AHB3ENR:
    case A_APB1ENR: case A_APB2ENR:
    case A_AHB1LPENR ... A_AHB3LPENR:
    case A_APB1LPENR: case A_APB2LPENR:
    case A_BDCR: case A_CSR: case A_SSCGR: case A_PLLI2SCFGR:
        return true;
    default:
        return false;
    }
}

/* Ready flags follow their enables immediately: oscillators "start" at once. */
static uint32_t rcc_cr_with_ready_flags(uint32_t cr)
{
    cr = FIELD_DP32(cr, CR, HSIRDY, FIELD_EX32(cr, CR, HSION));
    cr = FIELD_DP32(cr, CR, HSERDY, FIELD_EX32(cr, CR, HSEON));
    cr = FIELD_DP32(cr, CR, PLLRDY, FIELD_EX32(cr, CR, PLLON));
    cr = FIELD_DP32(cr, CR, PLLI2SRDY, FIELD_EX32(cr, CR, PLLI2SON));
    return cr;
}

static void rcc_write_cr(STM32F2RccState *s, uint32_t value)
{
    uint32_t old = s->regs[R_CR];

    /*
     * Hardware ignores switching off an oscillator that currently clocks the
     * system: the firmware's clock re-init clears HSEON/PLLON while running
     * from the PLL and relies on that.
     */
    if (FIELD_EX32(s->regs[R_CFGR], CFGR, SWS) == SWS_PLL) {
        value |= old & (R_CR_HSEON_MASK | R_CR_PLLON_MASK);
    }
    s->regs[R_CR] = rcc_cr_with_ready_flags(value & ~(R_CR_HSIRDY_MASK | R_CR_HSERDY_MASK |
                                                      R_CR_PLLRDY_MASK | R_CR_PLLI2SRDY_MASK));
}

static uint64_t stm32f2_rcc_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2RccState *s = opaque;
    uint32_t value;

    if (!rcc_reg_exists(offset & ~3)) {
        photon_unimp_record("rcc", 0x40023800, offset, false, size, 0);
        return 0;
    }
    value = s->regs[offset >> 2];
    trace_stm32f2_rcc_read(offset, value);
    return photon_subword_extract(value, offset);
}

static void stm32f2_rcc_write(void *opaque, hwaddr offset, uint64_t value64,
                              unsigned size)
{
    STM32F2RccState *s = opaque;
    uint32_t value;

    if (!rcc_reg_exists(offset & ~3)) {
        photon_unimp_record("rcc", 0x40023800, offset, true, size, value64);
        return;
    }
    value = photon_subword_merge(s->regs[offset >> 2], offset, size, value64);
    offset &= ~3;
    trace_stm32f2_rcc_write(offset, value);
    switch (offset) {
    case A_CR:
        rcc_write_cr(s, value);
        break;
    case A_CFGR:
        /* The switch completes at once: SWS reports the requested source. */
        value = FIELD_DP32(value, CFGR, SWS, FIELD_EX32(value, CFGR, SW));
        s->regs[R_CFGR] = value;
        break;
    case A_BDCR:
        if (FIELD_EX32(value, BDCR, BDRST)) {
            /* The whole backup domain is held in reset: BDCR and the RTC. */
            value = R_BDCR_BDRST_MASK;
            qemu_irq_pulse(s->backup_domain_reset);
        }
        s->regs[R_BDCR] = FIELD_DP32(value, BDCR, LSERDY,
                                     FIELD_EX32(value, BDCR, LSEON));
        break;
    case A_CSR:
        if (FIELD_EX32(value, CSR, RMVF)) {
            s->regs[R_CSR] &= ~CSR_RESET_FLAGS_MASK;
        }
        value &= R_CSR_LSION_MASK;
        s->regs[R_CSR] = (s->regs[R_CSR] & CSR_RESET_FLAGS_MASK) | value |
                         (value ? R_CSR_LSIRDY_MASK : 0);
        break;
    default:
        /* Reset registers are pulses; enables are plain storage. */
        s->regs[offset >> 2] = value;
        break;
    }
}

static const MemoryRegionOps stm32f2_rcc_ops = {
    .read = stm32f2_rcc_read,
    .write = stm32f2_rcc_write,
    /* Byte writes (RCC_CR+2, BDCR+0) and bit-band read-modify-writes. */
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

void stm32f2_rcc_note_reset_cause(STM32F2RccState *s, uint32_t csr_flags)
{
    s->pending_reset_flags |= csr_flags & CSR_RESET_FLAGS_MASK;
}

void stm32f2_rcc_power_loss(STM32F2RccState *s)
{
    s->regs[R_BDCR] = 0;
    s->regs[R_CSR] = 0;
}

static void stm32f2_rcc_reset_hold(Object *obj)
{
    STM32F2RccState *s = STM32F2_RCC(obj);
    uint32_t bdcr = s->regs[R_BDCR];
    uint32_t csr_flags = s->regs[R_CSR] & CSR_RESET_FLAGS_MASK;

    memcpy(s->regs, rcc_reset_values, sizeof(s->regs));
    /* The backup domain and the sticky reset flags survive a system reset. */
    s->regs[R_BDCR] = bdcr;
    s->regs[R_CSR] = csr_flags | s->pending_reset_flags;
    s->pending_reset_flags = 0;
    trace_stm32f2_rcc_reset(s->regs[R_CSR]);
}

static void stm32f2_rcc_init(Object *obj)
{
    STM32F2RccState *s = STM32F2_RCC(obj);

    memory_region_init_io(&s->iomem, obj, &stm32f2_rcc_ops, s,
                          TYPE_STM32F2_RCC, 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->iomem);
    qdev_init_gpio_out_named(DEVICE(obj), &s->backup_domain_reset,
                             "backup-domain-reset", 1);
    /* Power-on: the first reset latches POR, PIN and BOR. */
    s->pending_reset_flags = STM32F2_RCC_CSR_PORRSTF | STM32F2_RCC_CSR_PINRSTF |
                             STM32F2_RCC_CSR_BORRSTF;
}

static const VMStateDescription vmstate_stm32f2_rcc = {
    .name = TYPE_STM32F2_RCC,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32_ARRAY(regs, STM32F2RccState, STM32F2_RCC_NUM_REGS),
        VMSTATE_UINT32(pending_reset_flags, STM32F2RccState),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_rcc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    rc->phases.hold = stm32f2_rcc_reset_hold;
    dc->vmsd = &vmstate_stm32f2_rcc;
}

static const TypeInfo stm32f2_rcc_info = {
    .name = TYPE_STM32F2_RCC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2RccState),
    .instance_init = stm32f2_rcc_init,
    .class_init = stm32f2_rcc_class_init,
};

static void stm32f2_rcc_register_types(void)
{
    type_register_static(&stm32f2_rcc_info);
}

type_init(stm32f2_rcc_register_types)
