/*
 * STM32F205RG system-on-chip as used on the Particle Photon.
 *
 * An address map and IRQ table composed from small device models. Every
 * address in the peripheral space that no model claims is a counting
 * photon-unimp region, so the run summary lists what the firmware touched
 * that we do not model. Memory outside the chip's map is left unmapped and
 * faults, as on hardware: a runaway copy past the end of flash must BusFault.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/arm/boot.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "hw/qdev-clock.h"
#include "hw/irq.h"
#include "hw/char/stm32f2xx_usart.h"
#include "exec/address-spaces.h"
#include "sysemu/sysemu.h"
#include "chardev/char.h"
#include "hw/photon/board/stm32f205rg_soc.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/stm32f2_sdio.h"
#include "hw/photon/peripherals/stm32f2_otg.h"
#include "hw/photon/peripherals/stm32f2_adc.h"
#include "exec/fast-time.h"

#define SRAM_BASE 0x20000000
#define SRAM_SIZE (128 * KiB)
#define BKPSRAM_BASE 0x40024000
#define BKPSRAM_SIZE (4 * KiB)
#define SYSTEM_MEMORY_BASE 0x1FFF0000
#define SYSTEM_MEMORY_SIZE 0x7A24       /* ROM bootloader, OTP, UID, flash size */
#define OTP_OFFSET 0x7800
#define OTP_SIZE 0x210
#define UID_OFFSET 0x7A10
#define FLASH_SIZE_REG_OFFSET 0x7A22

#define NVIC_IRQS 81
/* TIM2 runs from APB1 (30 MHz) x 2. */
#define TIM_APB1_HZ 60000000

enum {
    IRQ_EXTI0 = 6, IRQ_EXTI1, IRQ_EXTI2, IRQ_EXTI3, IRQ_EXTI4,
    IRQ_EXTI9_5 = 23, IRQ_TIM2 = 28, IRQ_USART1 = 37, IRQ_EXTI15_10 = 40,
    IRQ_RTC_ALARM = 41, IRQ_SDIO = 49, IRQ_PVD = 1, IRQ_TAMP = 2,
    IRQ_RTC_WKUP = 3, IRQ_OTG_FS_WKUP = 42, IRQ_ETH_WKUP = 62,
    IRQ_OTG_HS_EP1_OUT = 74, IRQ_OTG_HS_EP1_IN = 75,
    IRQ_OTG_HS_WKUP = 76, IRQ_OTG_HS = 77, IRQ_ADC = 18,
};

/* NVIC vector of each EXTI output, in stm32f2_exti.c's order. */
static const int exti_vectors[] = {
    IRQ_EXTI0, IRQ_EXTI1, IRQ_EXTI2, IRQ_EXTI3, IRQ_EXTI4, IRQ_EXTI9_5,
    IRQ_EXTI15_10, IRQ_PVD, IRQ_RTC_ALARM, IRQ_OTG_FS_WKUP, IRQ_ETH_WKUP,
    IRQ_OTG_HS_WKUP, IRQ_TAMP, IRQ_RTC_WKUP,
};

static const struct {
    const char *name;
    hwaddr base;
    int irq;
} general_timers[] = {
    { "tim3", 0x40000400, 29 },
    { "tim4", 0x40000800, 30 },
    { "tim5", 0x40000C00, 50 },
};

static const int dma1_irqs[8] = { 11, 12, 13, 14, 15, 16, 17, 47 };
static const int dma2_irqs[8] = { 56, 57, 58, 59, 60, 68, 69, 70 };

/* GPIO reset values that differ from zero: the debug pins on A and B. */
static const struct {
    uint32_t moder, pupdr, ospeedr;
} gpio_reset[STM32F205RG_GPIO_PORTS] = {
    [0] = { 0xA8000000, 0x64000000, 0x0C000000 },
    [1] = { 0x00000280, 0x00000100, 0x000000C0 },
};

void stm32f205rg_set_uid(STM32F205RGState *s, const uint8_t uid[STM32F205RG_UID_BYTES])
{
    memcpy(s->uid, uid, STM32F205RG_UID_BYTES);
}

static DeviceState *soc_child(STM32F205RGState *s, const char *name, const char *type)
{
    DeviceState *dev = qdev_new(type);

    object_property_add_child(OBJECT(s), name, OBJECT(dev));
    object_unref(OBJECT(dev));  /* the child property holds the reference */
    return dev;
}

static void soc_map(DeviceState *dev, hwaddr base, int irq_line, DeviceState *armv7m)
{
    sysbus_realize(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
    if (irq_line >= 0) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, qdev_get_gpio_in(armv7m, irq_line));
    }
}

static void soc_init_system_memory(STM32F205RGState *s, Error **errp)
{
    uint8_t *rom;

    memory_region_init_rom(&s->system_memory, OBJECT(s), "stm32f2.system-memory",
                           SYSTEM_MEMORY_SIZE, errp);
    rom = memory_region_get_ram_ptr(&s->system_memory);
    /* ST's ROM bootloader is not modelled: it reads as erased. */
    memset(rom, 0xFF, SYSTEM_MEMORY_SIZE);
    memcpy(rom + UID_OFFSET, s->uid, STM32F205RG_UID_BYTES);
    stw_le_p(rom + FLASH_SIZE_REG_OFFSET, STM32F2_FLASH_SIZE / KiB);
    memory_region_add_subregion(get_system_memory(), SYSTEM_MEMORY_BASE,
                                &s->system_memory);
}

static void stm32f205rg_soc_initfn(Object *obj)
{
    STM32F205RGState *s = STM32F205RG_SOC(obj);

    object_initialize_child(obj, "armv7m", &s->armv7m, TYPE_ARMV7M);
    object_initialize_child(obj, "rcc", &s->rcc, TYPE_STM32F2_RCC);
    object_initialize_child(obj, "flash", &s->flash, TYPE_STM32F2_FLASH);
    for (int i = 0; i < STM32F205RG_GPIO_PORTS; i++) {
        object_initialize_child(obj, "gpio[*]", &s->gpio[i], TYPE_STM32F2_GPIO);
    }
    object_initialize_child(obj, "tim2", &s->tim2, TYPE_STM32F2_TIM);
    s->sysclk = qdev_init_clock_in(DEVICE(s), "sysclk", NULL, NULL, 0);
    s->refclk = qdev_init_clock_in(DEVICE(s), "refclk", NULL, NULL, 0);
}

/*
 * SysTick: reading CSR clears COUNTFLAG; the reload, current and calibration
 * values only report (exec/fast-time.h).  Writes end their block.
 */
static FastTimeIo systick_io_kind(void *opaque, hwaddr offset, bool is_write,
                                  uint64_t value)
{
    if (is_write) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    return offset >= 0x4 && offset < 0x10 ? FAST_TIME_IO_OBSERVES : FAST_TIME_IO_IN_BLOCK;
}

/*
 * NVIC: reading ICSR only reports.  A tick handler pends PendSV
 * (ICSR.PENDSVSET) to switch tasks on its way out; pending an exception that
 * cannot preempt what runs now interrupts nothing (it waits for the exception
 * return, which ends a block anyway), so that write runs in its block.
 * Every other access ends its block.
 */
#define NVIC_ICSR           0xd04
#define NVIC_ICSR_PENDSVSET (1u << 28)

static FastTimeIo nvic_io_kind(void *opaque, hwaddr offset, bool is_write, uint64_t value)
{
    NVICState *nvic = opaque;
    int pendsv_group_prio;

    if (offset != NVIC_ICSR) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    if (!is_write) {
        return FAST_TIME_IO_IN_BLOCK;
    }
    if (value != NVIC_ICSR_PENDSVSET || arm_feature(&nvic->cpu->env, ARM_FEATURE_M_SECURITY)) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    pendsv_group_prio = nvic->vectors[ARMV7M_EXCP_PENDSV].prio &
                        (~0U << (nvic->prigroup[M_REG_NS] + 1));
    return pendsv_group_prio >= nvic->exception_prio ? FAST_TIME_IO_IN_BLOCK
                                                      : FAST_TIME_IO_ENDS_BLOCK;
}

static void stm32f205rg_soc_realize(DeviceState *dev_soc, Error **errp)
{
    STM32F205RGState *s = STM32F205RG_SOC(dev_soc);
    MemoryRegion *sysmem = get_system_memory();
    DeviceState *armv7m = DEVICE(&s->armv7m);
    DeviceState *dev;

    /* Clocks: SysTick's external reference is HCLK / 8. */
    clock_set_mul_div(s->refclk, 8, 1);
    clock_set_source(s->refclk, s->sysclk);

    /* Background of the peripheral space: everything we do not model. */
    photon_unimp_create("peripheral-space", 0x40000000, 0x20000000, -1000);

    /*
     * Flash (file-backed) with its boot alias at 0, SRAM, backup SRAM. The
     * machine's seed also drives how a power loss tears a flash operation.
     */
    qdev_prop_set_string(DEVICE(&s->flash), "filename", s->flash_file);
    qdev_prop_set_uint64(DEVICE(&s->flash), "seed", s->rng_seed);
    if (!sysbus_realize(SYS_BUS_DEVICE(&s->flash), errp)) {
        return;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(&s->flash), 0, STM32F2_FLASH_BASE);
    sysbus_mmio_map(SYS_BUS_DEVICE(&s->flash), 1, 0x40023C00);
    memory_region_init_alias(&s->flash_alias, OBJECT(s), "stm32f2.flash-alias",
                             &s->flash.array, 0, STM32F2_FLASH_SIZE);
    memory_region_add_subregion(sysmem, 0, &s->flash_alias);
    memory_region_init_ram(&s->sram, OBJECT(s), "stm32f2.sram", SRAM_SIZE, errp);
    memory_region_add_subregion(sysmem, SRAM_BASE, &s->sram);
    memory_region_init_ram(&s->bkpsram, OBJECT(s), "stm32f2.bkpsram", BKPSRAM_SIZE, errp);
    memory_region_add_subregion(sysmem, BKPSRAM_BASE, &s->bkpsram);
    soc_init_system_memory(s, errp);

    /* Cortex-M3 core. */
    qdev_prop_set_uint32(armv7m, "num-irq", NVIC_IRQS);
    qdev_prop_set_string(armv7m, "cpu-type", ARM_CPU_TYPE_NAME("cortex-m3"));
    qdev_prop_set_bit(armv7m, "enable-bitband", true);
    qdev_connect_clock_in(armv7m, "cpuclk", s->sysclk);
    qdev_connect_clock_in(armv7m, "refclk", s->refclk);
    object_property_set_link(OBJECT(&s->armv7m), "memory", OBJECT(sysmem), &error_abort);
    if (!sysbus_realize(SYS_BUS_DEVICE(&s->armv7m), errp)) {
        return;
    }
    /*
     * The F205 implements 4 priority bits. QEMU 7.2 has no property for it
     * and defaults to 8; FreeRTOS's priority-group logic depends on it.
     */
    s->armv7m.nvic.num_prio_bits = 4;
    /* SysTick's reads only report time, but for COUNTFLAG (exec/fast-time.h). */
    fast_time_register_io(&s->armv7m.systickmem, systick_io_kind, NULL);
    fast_time_register_io(&s->armv7m.nvic.sysregmem, nvic_io_kind, &s->armv7m.nvic);

    /* Private peripheral bus: DWT cycle counter; the rest is counted. */
    photon_unimp_create("ppb", 0xE0000000, 0xE000, 0);
    photon_unimp_create("ppb-external", 0xE000F000, 0xF1000, 0);
    s->dwt = soc_child(s, "dwt", "armv7m-dwt");
    qdev_prop_set_uint32(s->dwt, "cpu-hz", STM32F205RG_CPU_HZ);
    sysbus_realize(SYS_BUS_DEVICE(s->dwt), &error_fatal);
    memory_region_add_subregion_overlap(&s->armv7m.container, 0xE0001000,
                                        sysbus_mmio_get_region(SYS_BUS_DEVICE(s->dwt), 0), 1);

    /* Reset and clock control, power, RTC, watchdog. */
    soc_map(DEVICE(&s->rcc), 0x40023800, -1, armv7m);
    soc_map(soc_child(s, "pwr", "stm32f2-pwr"), 0x40007000, -1, armv7m);
    s->rtc = soc_child(s, "rtc", "stm32f2-rtc");
    soc_map(s->rtc, 0x40002800, -1, armv7m);
    /* BDCR.BDRST resets the backup domain as a loss of VBAT would. */
    qdev_connect_gpio_out_named(DEVICE(&s->rcc), "backup-domain-reset", 0,
                                qdev_get_gpio_in_named(s->rtc, "power-loss", 0));
    s->iwdg = soc_child(s, "iwdg", "stm32f2-iwdg");
    soc_map(s->iwdg, 0x40003000, -1, armv7m);

    /* CRC unit and RNG. */
    soc_map(soc_child(s, "crc", "stm32f2-crc"), 0x40023000, -1, armv7m);
    dev = soc_child(s, "rng", "stm32f2-rng");
    qdev_prop_set_uint64(dev, "seed", s->rng_seed);
    soc_map(dev, 0x50060800, -1, armv7m);    /* polled: RNG interrupts unused */

    /* GPIO -> SYSCFG (EXTICR routing) -> EXTI -> NVIC. */
    s->syscfg = soc_child(s, "syscfg", "stm32f2-syscfg");
    soc_map(s->syscfg, 0x40013800, -1, armv7m);
    s->exti = soc_child(s, "exti", "stm32f2-exti");
    sysbus_realize(SYS_BUS_DEVICE(s->exti), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(s->exti), 0, 0x40013C00);
    for (int i = 0; i < ARRAY_SIZE(exti_vectors); i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(s->exti), i,
                           qdev_get_gpio_in(armv7m, exti_vectors[i]));
    }
    for (int pin = 0; pin < 16; pin++) {
        qdev_connect_gpio_out(s->syscfg, pin, qdev_get_gpio_in(s->exti, pin));
    }
    for (int port = 0; port < STM32F205RG_GPIO_PORTS; port++) {
        dev = DEVICE(&s->gpio[port]);
        qdev_prop_set_uint8(dev, "port", 'A' + port);
        qdev_prop_set_uint32(dev, "moder-reset", gpio_reset[port].moder);
        qdev_prop_set_uint32(dev, "pupdr-reset", gpio_reset[port].pupdr);
        qdev_prop_set_uint32(dev, "ospeedr-reset", gpio_reset[port].ospeedr);
        soc_map(dev, 0x40020000 + 0x400 * port, -1, armv7m);
        for (int pin = 0; pin < 16; pin++) {
            qdev_connect_gpio_out_named(dev, "exti", pin,
                                        qdev_get_gpio_in(s->syscfg, port * 16 + pin));
        }
    }

    /* TIM2: RGB LED PWM and the SETUP-button debounce tick. */
    dev = DEVICE(&s->tim2);
    qdev_prop_set_uint64(dev, "clock-frequency", TIM_APB1_HZ);
    qdev_prop_set_string(dev, "name", "tim2");
    qdev_prop_set_uint32(dev, "base", 0x40000000);
    soc_map(dev, 0x40000000, IRQ_TIM2, armv7m);

    /* TIM3..TIM5: PWM for analogWrite() on the Photon's timer pins. */
    for (int i = 0; i < ARRAY_SIZE(general_timers); i++) {
        dev = soc_child(s, general_timers[i].name, TYPE_STM32F2_TIM);
        qdev_prop_set_uint64(dev, "clock-frequency", TIM_APB1_HZ);
        qdev_prop_set_string(dev, "name", general_timers[i].name);
        qdev_prop_set_uint32(dev, "base", general_timers[i].base);
        soc_map(dev, general_timers[i].base, general_timers[i].irq, armv7m);
    }

    /* USART1 (Serial1) to a chardev. */
    dev = soc_child(s, "usart1", TYPE_STM32F2XX_USART);
    qdev_prop_set_chr(dev, "chardev", s->usart1_chr);
    soc_map(dev, 0x40011000, IRQ_USART1, armv7m);

    /* DMA controllers, SDIO host, USB OTG_HS core. */
    dev = soc_child(s, "dma1", "stm32f2-dma");
    qdev_prop_set_string(dev, "name", "dma1");
    qdev_prop_set_uint32(dev, "base", 0x40026000);
    soc_map(dev, 0x40026000, -1, armv7m);
    for (int i = 0; i < 8; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), i, qdev_get_gpio_in(armv7m, dma1_irqs[i]));
    }
    s->dma2 = soc_child(s, "dma2", TYPE_STM32F2_DMA);
    qdev_prop_set_string(s->dma2, "name", "dma2");
    qdev_prop_set_uint32(s->dma2, "base", 0x40026400);
    soc_map(s->dma2, 0x40026400, -1, armv7m);
    for (int i = 0; i < 8; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(s->dma2), i,
                           qdev_get_gpio_in(armv7m, dma2_irqs[i]));
    }
    /* ADC1..3 (analogRead), with ADC1's conversions on DMA2 stream 0. */
    dev = soc_child(s, "adc", TYPE_STM32F2_ADC);
    soc_map(dev, 0x40012000, IRQ_ADC, armv7m);
    stm32f2_adc_connect_dma(STM32F2_ADC(dev), STM32F2_DMA(s->dma2));
    /* The SDIO FIFO is served by DMA2 stream 3, channel 4. */
    s->sdio = soc_child(s, "sdio", TYPE_STM32F2_SDIO);
    soc_map(s->sdio, 0x40012C00, IRQ_SDIO, armv7m);
    stm32f2_sdio_connect_dma(STM32F2_SDIO(s->sdio), STM32F2_DMA(s->dma2), 3, 4);
    /* USB OTG_HS: the global interrupt and endpoint 1's dedicated OUT and IN lines. */
    s->otg = soc_child(s, "otg-hs", TYPE_STM32F2_OTG);
    soc_map(s->otg, 0x40040000, IRQ_OTG_HS, armv7m);
    sysbus_connect_irq(SYS_BUS_DEVICE(s->otg), 1, qdev_get_gpio_in(armv7m, IRQ_OTG_HS_EP1_OUT));
    sysbus_connect_irq(SYS_BUS_DEVICE(s->otg), 2, qdev_get_gpio_in(armv7m, IRQ_OTG_HS_EP1_IN));
}

static Property stm32f205rg_soc_properties[] = {
    DEFINE_PROP_STRING("flash-file", STM32F205RGState, flash_file),
    DEFINE_PROP_UINT64("rng-seed", STM32F205RGState, rng_seed, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void stm32f205rg_soc_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = stm32f205rg_soc_realize;
    device_class_set_props(dc, stm32f205rg_soc_properties);
}

static const TypeInfo stm32f205rg_soc_info = {
    .name = TYPE_STM32F205RG_SOC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F205RGState),
    .instance_init = stm32f205rg_soc_initfn,
    .class_init = stm32f205rg_soc_class_init,
};

static void stm32f205rg_soc_register_types(void)
{
    type_register_static(&stm32f205rg_soc_info);
}

type_init(stm32f205rg_soc_register_types)
