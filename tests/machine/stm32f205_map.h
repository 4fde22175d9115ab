/*
 * STM32F205RG addresses and register bits the machine tests use, written
 * from ST's RM0033 and the Cortex-M3 TRM (the same facts as
 * reference/stm32f205-photon.md), independently of the models in
 * peripherals/: a test that took its expectations from the model could not
 * catch the model's mistakes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SIM_STM32F205_MAP_H
#define PHOTON_SIM_STM32F205_MAP_H

#define BIT(n) (1u << (n))

/* Memory map. */
#define FLASH_BASE          0x08000000u
#define FLASH_SIZE          0x00100000u
#define SRAM_BASE           0x20000000u
#define SRAM_SIZE           0x00020000u
#define BKPSRAM_BASE        0x40024000u
#define BKPSRAM_SIZE        0x00001000u
#define UID_BASE            0x1FFF7A10u
#define FLASH_SIZE_REG      0x1FFF7A22u     /* flash size in KiB, 16 bits */
#define OTP_BASE            0x1FFF7800u

/* Bit-band alias of a peripheral register bit. */
#define PERIPH_BITBAND(reg, bit) (0x42000000u + ((reg) - 0x40000000u) * 32u + (bit) * 4u)

/* Reset and clock control. */
#define RCC_BASE            0x40023800u
#define RCC_CR              (RCC_BASE + 0x00)
#define   RCC_CR_HSION        BIT(0)
#define   RCC_CR_HSIRDY       BIT(1)
#define   RCC_CR_HSEON        BIT(16)
#define   RCC_CR_HSERDY       BIT(17)
#define   RCC_CR_PLLON        BIT(24)
#define   RCC_CR_PLLRDY       BIT(25)
#define   RCC_CR_PLLI2SON     BIT(26)
#define   RCC_CR_PLLI2SRDY    BIT(27)
#define RCC_PLLCFGR         (RCC_BASE + 0x04)
#define RCC_CFGR            (RCC_BASE + 0x08)
#define   RCC_CFGR_SW_HSI     0u
#define   RCC_CFGR_SW_HSE     1u
#define   RCC_CFGR_SW_PLL     2u
#define   RCC_CFGR_SWS_SHIFT  2
#define RCC_AHB1ENR         (RCC_BASE + 0x30)
#define RCC_APB1ENR         (RCC_BASE + 0x40)
#define   RCC_APB1ENR_PWREN   BIT(28)
#define RCC_BDCR            (RCC_BASE + 0x70)
#define   RCC_BDCR_LSEON      BIT(0)
#define   RCC_BDCR_LSERDY     BIT(1)
#define   RCC_BDCR_RTCSEL_LSE (1u << 8)
#define   RCC_BDCR_RTCEN      BIT(15)
#define   RCC_BDCR_BDRST      BIT(16)
#define RCC_CSR             (RCC_BASE + 0x74)
#define   RCC_CSR_LSION       BIT(0)
#define   RCC_CSR_LSIRDY      BIT(1)
#define   RCC_CSR_RMVF        BIT(24)
#define   RCC_CSR_BORRSTF     BIT(25)
#define   RCC_CSR_PINRSTF     BIT(26)
#define   RCC_CSR_PORRSTF     BIT(27)
#define   RCC_CSR_SFTRSTF     BIT(28)
#define   RCC_CSR_IWDGRSTF    BIT(29)
#define   RCC_CSR_RESET_FLAGS 0xFE000000u
#define RCC_CR_RESET        0x00000083u     /* HSI on and ready, HSITRIM 16 */
#define RCC_PLLCFGR_RESET   0x24003010u
#define RCC_CSR_POWER_ON    0x0E000000u     /* RM0033: CSR reset value */

/* Flash interface. */
#define FLASH_IF_BASE       0x40023C00u
#define FLASH_ACR           (FLASH_IF_BASE + 0x00)
#define FLASH_KEYR          (FLASH_IF_BASE + 0x04)
#define FLASH_OPTKEYR       (FLASH_IF_BASE + 0x08)
#define FLASH_SR            (FLASH_IF_BASE + 0x0C)
#define   FLASH_SR_EOP        BIT(0)
#define   FLASH_SR_PGSERR     BIT(7)
#define   FLASH_SR_BSY        BIT(16)
#define FLASH_CR            (FLASH_IF_BASE + 0x10)
#define   FLASH_CR_PG         BIT(0)
#define   FLASH_CR_SER        BIT(1)
#define   FLASH_CR_SNB(n)     ((uint32_t)(n) << 3)
#define   FLASH_CR_PSIZE_X8   (0u << 8)
#define   FLASH_CR_PSIZE_X16  (1u << 8)
#define   FLASH_CR_PSIZE_X32  (2u << 8)
#define   FLASH_CR_STRT       BIT(16)
#define   FLASH_CR_LOCK       BIT(31)
#define FLASH_OPTCR         (FLASH_IF_BASE + 0x14)
#define   FLASH_OPTCR_OPTLOCK BIT(0)
#define FLASH_KEY1          0x45670123u
#define FLASH_KEY2          0xCDEF89ABu
#define FLASH_OPTKEY1       0x08192A3Bu
#define FLASH_OPTKEY2       0x4C5D6E7Fu
#define FLASH_OPTCR_RESET   0x0FFFAAEDu

/* Power controller. */
#define PWR_BASE            0x40007000u
#define PWR_CR              (PWR_BASE + 0x00)
#define   PWR_CR_DBP          BIT(8)
#define PWR_CSR             (PWR_BASE + 0x04)
#define   PWR_CSR_BRR         BIT(3)
#define   PWR_CSR_BRE         BIT(9)

/* Real-time clock and backup registers. */
#define RTC_BASE            0x40002800u
#define RTC_TR              (RTC_BASE + 0x00)
#define RTC_DR              (RTC_BASE + 0x04)
#define RTC_ISR             (RTC_BASE + 0x0C)
#define   RTC_ISR_RSF         BIT(5)
#define   RTC_ISR_INITF       BIT(6)
#define   RTC_ISR_INIT        BIT(7)
#define RTC_PRER            (RTC_BASE + 0x10)
#define RTC_WPR             (RTC_BASE + 0x24)
#define RTC_BKPR(n)         (RTC_BASE + 0x50 + 4u * (n))
#define RTC_WPR_KEY1        0xCAu
#define RTC_WPR_KEY2        0x53u

/* Independent watchdog. */
#define IWDG_BASE           0x40003000u
#define IWDG_KR             (IWDG_BASE + 0x00)
#define IWDG_PR             (IWDG_BASE + 0x04)
#define IWDG_RLR            (IWDG_BASE + 0x08)
#define IWDG_SR             (IWDG_BASE + 0x0C)
#define IWDG_KEY_UNLOCK     0x5555u
#define IWDG_KEY_RELOAD     0xAAAAu
#define IWDG_KEY_START      0xCCCCu
#define LSI_HZ              32000u

/* CRC unit. */
#define CRC_BASE            0x40023000u
#define CRC_DR              (CRC_BASE + 0x00)
#define CRC_IDR             (CRC_BASE + 0x04)
#define CRC_CR              (CRC_BASE + 0x08)
#define   CRC_CR_RESET        BIT(0)

/* Random number generator. */
#define RNG_BASE            0x50060800u
#define RNG_CR              (RNG_BASE + 0x00)
#define   RNG_CR_RNGEN        BIT(2)
#define RNG_SR              (RNG_BASE + 0x04)
#define   RNG_SR_DRDY         BIT(0)
#define RNG_DR              (RNG_BASE + 0x08)

/* GPIO ports. */
#define GPIOA_BASE          0x40020000u
#define GPIOB_BASE          0x40020400u
#define GPIOC_BASE          0x40020800u
#define GPIO_MODER(p)       ((p) + 0x00)
#define GPIO_OTYPER(p)      ((p) + 0x04)
#define GPIO_OSPEEDR(p)     ((p) + 0x08)
#define GPIO_PUPDR(p)       ((p) + 0x0C)
#define GPIO_IDR(p)         ((p) + 0x10)
#define GPIO_ODR(p)         ((p) + 0x14)
#define GPIO_BSRR(p)        ((p) + 0x18)
#define GPIO_BSRRL(p)       ((p) + 0x18)    /* Particle's 16-bit set half */
#define GPIO_BSRRH(p)       ((p) + 0x1A)    /* Particle's 16-bit reset half */
#define GPIO_MODE_INPUT     0u
#define GPIO_MODE_OUTPUT    1u
#define GPIO_PULL_UP        1u
#define GPIO_PULL_DOWN      2u
#define GPIO_FIELD(v, pin)  ((uint32_t)(v) << (2 * (pin)))

/* External interrupts and their routing. */
#define EXTI_BASE           0x40013C00u
#define EXTI_IMR            (EXTI_BASE + 0x00)
#define EXTI_RTSR           (EXTI_BASE + 0x08)
#define EXTI_FTSR           (EXTI_BASE + 0x0C)
#define EXTI_SWIER          (EXTI_BASE + 0x10)
#define EXTI_PR             (EXTI_BASE + 0x14)
#define SYSCFG_BASE         0x40013800u
#define SYSCFG_EXTICR2      (SYSCFG_BASE + 0x0C)   /* lines 4..7 */
#define SYSCFG_PORT_C       2u

/* TIM2 (general purpose, 32-bit). */
#define TIM2_BASE           0x40000000u
#define TIM_CR1(t)          ((t) + 0x00)
#define   TIM_CR1_CEN         BIT(0)
#define TIM_DIER(t)         ((t) + 0x0C)
#define   TIM_DIER_CC1IE      BIT(1)
#define TIM_SR(t)           ((t) + 0x10)
#define   TIM_SR_CC1IF        BIT(1)
#define TIM_EGR(t)          ((t) + 0x14)
#define   TIM_EGR_UG          BIT(0)
#define TIM_CCMR1(t)        ((t) + 0x18)
#define   TIM_CCMR1_OC2M_PWM1 (6u << 12)
#define TIM_CCER(t)         ((t) + 0x20)
#define   TIM_CCER_CC2E       BIT(4)
#define   TIM_CCER_CC2P       BIT(5)
#define TIM_CNT(t)          ((t) + 0x24)
#define TIM_PSC(t)          ((t) + 0x28)
#define TIM_ARR(t)          ((t) + 0x2C)
#define TIM_CCR1(t)         ((t) + 0x34)
#define TIM_CCR2(t)         ((t) + 0x38)
#define TIM2_CLOCK_HZ       60000000u       /* APB1 30 MHz x 2 */

/* SDIO host. */
#define SDIO_BASE           0x40012C00u
#define SDIO_ARG            (SDIO_BASE + 0x08)
#define SDIO_CMD            (SDIO_BASE + 0x0C)
#define   SDIO_CMD_WAITRESP_SHORT (1u << 6)
#define   SDIO_CMD_CPSMEN     BIT(10)
#define SDIO_STA            (SDIO_BASE + 0x34)
#define   SDIO_STA_CTIMEOUT   BIT(2)
#define   SDIO_STA_CMDREND    BIT(6)
#define   SDIO_STA_CMDSENT    BIT(7)
#define   SDIO_STA_CMDACT     BIT(11)
#define SDIO_ICR            (SDIO_BASE + 0x38)
#define SDIO_MASK           (SDIO_BASE + 0x3C)

/* USB OTG_HS core. */
#define OTG_HS_BASE         0x40040000u
#define OTG_GRSTCTL         (OTG_HS_BASE + 0x010)
#define   OTG_GRSTCTL_CSRST   BIT(0)
#define   OTG_GRSTCTL_RXFFLSH BIT(4)
#define   OTG_GRSTCTL_TXFFLSH BIT(5)
#define   OTG_GRSTCTL_AHBIDL  BIT(31)
#define OTG_GAHBCFG         (OTG_HS_BASE + 0x008)
#define OTG_GUSBCFG         (OTG_HS_BASE + 0x00C)
#define OTG_GINTSTS         (OTG_HS_BASE + 0x014)
#define   OTG_GINTSTS_SOF     BIT(3)
#define   OTG_GINTSTS_RXFLVL  BIT(4)
#define   OTG_GINTSTS_USBSUSP BIT(11)
#define   OTG_GINTSTS_USBRST  BIT(12)
#define   OTG_GINTSTS_ENUMDNE BIT(13)
#define   OTG_GINTSTS_IEPINT  BIT(18)
#define   OTG_GINTSTS_OEPINT  BIT(19)
#define OTG_GINTMSK         (OTG_HS_BASE + 0x018)
#define OTG_GRXSTSR         (OTG_HS_BASE + 0x01C)
#define OTG_GRXSTSP         (OTG_HS_BASE + 0x020)
#define OTG_GRXFSIZ         (OTG_HS_BASE + 0x024)
#define OTG_DIEPTXF0        (OTG_HS_BASE + 0x028)
#define OTG_GCCFG           (OTG_HS_BASE + 0x038)
#define OTG_DIEPTXF(n)      (OTG_HS_BASE + 0x100 + 4u * (n))
#define OTG_DCFG            (OTG_HS_BASE + 0x800)
#define OTG_DCTL            (OTG_HS_BASE + 0x804)
#define   OTG_DCTL_SDIS       BIT(1)
#define OTG_DSTS            (OTG_HS_BASE + 0x808)
#define OTG_DIEPMSK         (OTG_HS_BASE + 0x810)
#define OTG_DOEPMSK         (OTG_HS_BASE + 0x814)
#define OTG_DAINT           (OTG_HS_BASE + 0x818)
#define OTG_DAINTMSK        (OTG_HS_BASE + 0x81C)
#define OTG_DIEPEMPMSK      (OTG_HS_BASE + 0x834)
#define OTG_DEACHINT        (OTG_HS_BASE + 0x838)
#define OTG_DEACHINTMSK     (OTG_HS_BASE + 0x83C)
#define OTG_DIEPEACHMSK1    (OTG_HS_BASE + 0x844)
#define OTG_DIEPCTL(n)      (OTG_HS_BASE + 0x900 + 0x20u * (n))
#define OTG_DIEPINT(n)      (OTG_HS_BASE + 0x908 + 0x20u * (n))
#define OTG_DIEPTSIZ(n)     (OTG_HS_BASE + 0x910 + 0x20u * (n))
#define OTG_DTXFSTS(n)      (OTG_HS_BASE + 0x918 + 0x20u * (n))
#define OTG_DOEPCTL(n)      (OTG_HS_BASE + 0xB00 + 0x20u * (n))
#define OTG_DOEPINT(n)      (OTG_HS_BASE + 0xB08 + 0x20u * (n))
#define OTG_DOEPTSIZ(n)     (OTG_HS_BASE + 0xB10 + 0x20u * (n))
#define   OTG_EPCTL_USBAEP    BIT(15)
#define   OTG_EPCTL_CNAK      BIT(26)
#define   OTG_EPCTL_EPENA     BIT(31)
#define   OTG_EPINT_XFRC      BIT(0)
#define   OTG_DOEPINT_STUP    BIT(3)
#define   OTG_DIEPINT_TXFE    BIT(7)
#define OTG_FIFO(n)         (OTG_HS_BASE + 0x1000u * ((n) + 1))

/* Cortex-M3 system control space. */
#define DWT_CTRL            0xE0001000u
#define   DWT_CTRL_CYCCNTENA  BIT(0)
#define DWT_CYCCNT          0xE0001004u
#define NVIC_ISER(n)        (0xE000E100u + 4u * (n))
#define NVIC_ISPR(n)        (0xE000E200u + 4u * (n))
#define NVIC_ICPR(n)        (0xE000E280u + 4u * (n))
#define SCB_AIRCR           0xE000ED0Cu
#define   AIRCR_SYSRESETREQ   (0x05FA0000u | BIT(2))
#define CPU_HZ              120000000u

/* NVIC positions of the F2's interrupts (RM0033 vector table). */
#define IRQ_EXTI9_5         23
#define IRQ_TIM2            28
#define IRQ_SDIO            49
#define IRQ_OTG_HS_EP1_IN   75
#define IRQ_OTG_HS          77

#endif
