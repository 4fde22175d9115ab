/*
 * The SDIO face of the chip: SD commands, function 0 (CCCR/FBR/CIS), function 1 (the
 * 32 KB backplane window plus the SDIO-core "misc" registers at 0x10000+) and the
 * routing of function 2 to SDPCM.  Reference §1.3–§1.8.
 */
#include <string.h>

#include "bcm43362_priv.h"

/* R5 flag byte (RESP1[15:8]): IO_CURRENT_STATE = CMD (0x10); error bits for bad arguments. */
#define R5_STATE_CMD 0x1000u
#define R5_FUNCTION_NUMBER 0x0200u
#define R5_OUT_OF_RANGE 0x0100u

/* CMD5 R4: ready, 2 I/O functions, no memory, OCR 2.7–3.6 V (ignored by WWD). */
#define R4_OCR 0xA0FF8000u
#define CARD_RCA 0x0001u
#define R1_STATE_STBY (3u << 9)
#define R1_STATE_TRAN (4u << 9)
#define SDIO_MAX_BLOCK_SIZE 2048u

/* Backplane map (reference §1.7). */
#define BP_CHIPCOMMON_ID 0x18000000u
#define BP_SDIO_CORE 0x18002000u
#define BP_ARM_IOCTRL 0x18103408u
#define BP_ARM_RESETCTRL 0x18103800u
#define BP_SRAM_IOCTRL 0x18104408u
#define BP_SRAM_RESETCTRL 0x18104800u
/* chipid: AI interconnect, 5 cores, package 0, rev 1 (A2), chip 0xA962 (43362). */
#define CHIPCOMMON_CHIPID 0x1501A962u

/* A tiny common CIS (nothing in WWD reads it): FUNCID = SDIO, MANFID 0x02D0/0xA962, END. */
#define CIS_BASE 0x1000u
static const uint8_t common_cis[] = { 0x21, 0x02, 0x0C, 0x00, 0x20, 0x04, 0xD0, 0x02, 0x62, 0xA9, 0xFF };

void sdio_card_reset(struct sdio_card *card)
{
    memset(card, 0, sizeof *card);
    card->speed = 0x01;                 /* SHS: high speed supported */
    card->block_size[0] = 0x40;
    card->block_size[1] = 0x40;         /* WWD never writes 0x111, so its reset value must be 0 */
    card->block_size[2] = 0x200;
    card->sbaddr_high = 0x18;           /* the first host access never writes LOW: LOW must be 0 */
}

void sdio_card_sanitize(struct sdio_card *card)
{
    FIX_BOOL(card->selected);
}

void sdio_core_reset(bcm43362 *chip)
{
    memset(&chip->s.core, 0, sizeof chip->s.core);
    memset(&chip->s.wrap, 0, sizeof chip->s.wrap);
    chip->s.wrap.arm_ioctrl = 0x01;
    chip->s.wrap.sram_ioctrl = 0x01;
    /* The boot ROM "runs" at power-on; only a later release counts as a firmware start. */
    chip->s.wrap.arm_runnable = true;
}

/* ---- Backplane ---- */

static uint32_t *backplane_register(bcm43362 *chip, uint32_t word_addr)
{
    struct sdio_core_regs *c = &chip->s.core;
    struct core_wrappers *w = &chip->s.wrap;
    switch (word_addr) {
    case BP_SDIO_CORE + 0x20: return &c->intstatus;
    case BP_SDIO_CORE + 0x24: return &c->hostintmask;
    case BP_SDIO_CORE + 0x28: return &c->intmask;
    case BP_SDIO_CORE + 0x34: return &c->funcintmask;
    case BP_SDIO_CORE + 0x40: return &c->tosbmailbox;
    case BP_SDIO_CORE + 0x44: return &c->tohostmailbox;
    case BP_SDIO_CORE + 0x48: return &c->tosbmailboxdata;
    case BP_SDIO_CORE + 0x4C: return &c->tohostmailboxdata;
    case BP_ARM_IOCTRL: return &w->arm_ioctrl;
    case BP_ARM_RESETCTRL: return &w->arm_resetctrl;
    case BP_SRAM_IOCTRL: return &w->sram_ioctrl;
    case BP_SRAM_RESETCTRL: return &w->sram_resetctrl;
    default: return NULL;
    }
}

static uint8_t backplane_read8(bcm43362 *chip, uint32_t addr)
{
    if (addr < BCM43362_RAM_SIZE) {
        return chip->s.ram[addr];
    }
    const uint32_t word = addr & ~3u;
    const unsigned shift = (addr & 3u) * 8;
    if (word == BP_CHIPCOMMON_ID) {
        return (uint8_t)(CHIPCOMMON_CHIPID >> shift);
    }
    const uint32_t *reg = backplane_register(chip, word);
    if (!reg) {
        chip_unmodelled(chip, "backplane", word, false, 0);
        return 0;
    }
    return (uint8_t)(*reg >> shift);
}

static void backplane_write8(bcm43362 *chip, uint32_t addr, uint8_t value)
{
    if (addr < BCM43362_RAM_SIZE) {
        chip->s.ram[addr] = value;
        chip->s.diag.stats.ram_bytes_written++;
        chip->s.fw.ram_bytes_downloaded++;
        return;
    }
    const uint32_t word = addr & ~3u;
    const unsigned shift = (addr & 3u) * 8;
    uint32_t *reg = backplane_register(chip, word);
    if (!reg) {
        if (word != BP_CHIPCOMMON_ID) {
            chip_unmodelled(chip, "backplane", word, true, value);
        }
        return;
    }
    if (reg == &chip->s.core.intstatus) {
        *reg &= ~((uint32_t)value << shift);            /* write 1 to clear */
        return;
    }
    if (reg == &chip->s.core.tohostmailboxdata) {
        return;                                         /* written by the chip only */
    }
    *reg = (*reg & ~(0xFFu << shift)) | (uint32_t)value << shift;
    if (reg == &chip->s.core.tosbmailbox && shift == 0 && (value & 0x08)) {
        sdpcm_poke(chip);                               /* SMB_DEV_INT: host is out of credit */
    } else if (reg == &chip->s.wrap.arm_ioctrl || reg == &chip->s.wrap.arm_resetctrl) {
        chip_wrappers_changed(chip);
    }
}

/* ---- Function 0 ---- */

static uint8_t f0_read(bcm43362 *chip, uint32_t addr)
{
    const struct sdio_card *c = &chip->s.sdio;
    switch (addr) {
    case 0x00: return 0x32;                             /* CCCR 3.x / SDIO 2.0 */
    case 0x01: return 0x02;                             /* SD physical spec 2.0 */
    case 0x02: return c->ioen;
    case 0x03: return (uint8_t)((c->ioen & 0x02) | (chip_f2_ready(chip) ? 0x04 : 0));
    case 0x04: return c->inten;
    case 0x05: return chip_irq_pending(chip) ? 0x04 : 0;
    case 0x06: return 0;                                /* IOABORT is write-only */
    case 0x07: return c->bictrl;
    case 0x08: return 0x13;                             /* SDC | SMB | S4MI */
    case 0x09: return (uint8_t)CIS_BASE;
    case 0x0A: return (uint8_t)(CIS_BASE >> 8);
    case 0x0B: return (uint8_t)(CIS_BASE >> 16);
    case 0x0C: case 0x0D: case 0x0E: case 0x0F: case 0x12: return 0;
    case 0x10: return (uint8_t)c->block_size[0];
    case 0x11: return (uint8_t)(c->block_size[0] >> 8);
    case 0x13: return c->speed;
    case 0x100: case 0x200: return 0;                   /* standard interface code: none */
    case 0x110: return (uint8_t)c->block_size[1];
    case 0x111: return (uint8_t)(c->block_size[1] >> 8);
    case 0x210: return (uint8_t)c->block_size[2];
    case 0x211: return (uint8_t)(c->block_size[2] >> 8);
    default:
        if (addr >= CIS_BASE && addr < CIS_BASE + sizeof common_cis) {
            return common_cis[addr - CIS_BASE];
        }
        chip_unmodelled(chip, "F0", addr, false, 0);
        return 0;
    }
}

static void f0_write(bcm43362 *chip, uint32_t addr, uint8_t v)
{
    struct sdio_card *c = &chip->s.sdio;
    switch (addr) {
    case 0x02: c->ioen = v & 0x06; break;               /* reads back exactly as written */
    case 0x04: c->inten = v & 0x07; break;
    case 0x06:
        if ((v & 0x07) == 2) {
            sdpcm_abort_read(chip);
        }
        if ((v & 0x08) && chip_log_once(chip, LOG_ONCE_CCCR_RESET)) {
            chip_log(chip, "bcm43362: CCCR IOABORT RES (I/O reset) is not modelled; ignored");
        }
        break;
    case 0x07: c->bictrl = v; break;
    case 0x10: c->block_size[0] = (uint16_t)((c->block_size[0] & 0xFF00) | v); break;
    case 0x11: c->block_size[0] = (uint16_t)((c->block_size[0] & 0x00FF) | v << 8); break;
    case 0x13: c->speed = (uint8_t)(0x01 | (v & 0x02)); break;
    case 0x110: c->block_size[1] = (uint16_t)((c->block_size[1] & 0xFF00) | v); break;
    case 0x111: c->block_size[1] = (uint16_t)((c->block_size[1] & 0x00FF) | v << 8); break;
    case 0x210: c->block_size[2] = (uint16_t)((c->block_size[2] & 0xFF00) | v); break;
    case 0x211: c->block_size[2] = (uint16_t)((c->block_size[2] & 0x00FF) | v << 8); break;
    case 0x00: case 0x01: case 0x03: case 0x05: case 0x08: case 0x09: case 0x0A: case 0x0B:
        break;                                          /* read-only */
    default:
        chip_unmodelled(chip, "F0", addr, true, v);
        break;
    }
}

/* ---- Function 1 ---- */

static uint32_t window_base(const struct sdio_card *c)
{
    return (uint32_t)c->sbaddr_high << 24 | (uint32_t)c->sbaddr_mid << 16 | (uint32_t)(c->sbaddr_low & 0x80) << 8;
}

static uint8_t f1_misc_read(bcm43362 *chip, uint32_t addr)
{
    const struct sdio_card *c = &chip->s.sdio;
    switch (addr) {
    case 0x10005: return c->gpio_sel;
    case 0x10006: return c->gpio_out;
    case 0x10007: return c->gpio_en;
    case 0x10008: return c->watermark;
    case 0x10009: return c->devctl;
    case 0x1000A: return c->sbaddr_low;
    case 0x1000B: return c->sbaddr_mid;
    case 0x1000C: return c->sbaddr_high;
    case 0x1000D: return 0;                             /* FRAMECTRL: self-clearing */
    case 0x1000E:                                       /* CHIPCLKCSR: ALP always, HT once booted */
        return (uint8_t)((c->clkcsr & 0x3F) | 0x40 | (chip_ht_available(chip) ? 0x80 : 0));
    case 0x1000F: return c->pullup;
    case 0x10019: case 0x1001A: case 0x1001B: case 0x1001C: return 0;   /* frame byte counts */
    case 0x1001E: return c->wakeupctrl;
    case 0x1001F: return (uint8_t)(c->sleepcsr | 0x02);                 /* device on */
    default:
        chip_unmodelled(chip, "F1", addr, false, 0);
        return 0;
    }
}

static void f1_misc_write(bcm43362 *chip, uint32_t addr, uint8_t v)
{
    struct sdio_card *c = &chip->s.sdio;
    switch (addr) {
    case 0x10005: c->gpio_sel = v; break;
    case 0x10006: c->gpio_out = v; break;
    case 0x10007: c->gpio_en = v; break;
    case 0x10008: c->watermark = v; break;
    case 0x10009: c->devctl = v; break;
    case 0x1000A: c->sbaddr_low = v & 0x80; break;      /* only A15 exists */
    case 0x1000B: c->sbaddr_mid = v; break;
    case 0x1000C: c->sbaddr_high = v; break;
    case 0x1000D:
        if (v & 0x01) {                                 /* RF_TERM: drop the frame being read */
            sdpcm_abort_read(chip);
        }
        break;                                          /* WF_TERM: writes are whole frames */
    case 0x1000E: c->clkcsr = v & 0x3F; break;
    case 0x1000F: c->pullup = v; break;
    case 0x10019: case 0x1001A: case 0x1001B: case 0x1001C: break;
    case 0x1001E: c->wakeupctrl = v; break;
    case 0x1001F: c->sleepcsr = v; break;
    default:
        chip_unmodelled(chip, "F1", addr, true, v);
        break;
    }
}

static uint8_t f1_read8(bcm43362 *chip, uint32_t addr)
{
    if (addr < 0x10000) {
        return backplane_read8(chip, window_base(&chip->s.sdio) | (addr & 0x7FFF));
    }
    return f1_misc_read(chip, addr);
}

static void f1_write8(bcm43362 *chip, uint32_t addr, uint8_t v)
{
    if (addr < 0x10000) {
        backplane_write8(chip, window_base(&chip->s.sdio) | (addr & 0x7FFF), v);
    } else {
        f1_misc_write(chip, addr, v);
    }
}

/* F1 CMD53: RAM runs inside one window are copied directly (the firmware download is
 * 210 KB), everything else goes byte by byte through the register model. */
static void f1_transfer(bcm43362 *chip, uint32_t addr, bool incrementing, uint8_t *buf, const uint8_t *src,
                        size_t len)
{
    size_t i = 0;
    while (i < len) {
        const uint32_t f1 = incrementing ? (uint32_t)((addr + i) & 0x1FFFF) : addr;
        size_t run = 1;
        if (f1 < 0x10000 && incrementing) {
            const uint32_t off = f1 & 0x7FFF;
            const uint32_t bp = window_base(&chip->s.sdio) | off;
            run = len - i;
            if (run > 0x8000u - off) {
                run = 0x8000u - off;
            }
            if (bp < BCM43362_RAM_SIZE && run <= BCM43362_RAM_SIZE - bp) {
                if (src) {
                    memcpy(&chip->s.ram[bp], src + i, run);
                    chip->s.diag.stats.ram_bytes_written += run;
                    chip->s.fw.ram_bytes_downloaded += run;
                } else {
                    memcpy(buf + i, &chip->s.ram[bp], run);
                }
                i += run;
                continue;
            }
            for (size_t k = 0; k < run; k++) {
                if (src) {
                    backplane_write8(chip, bp + (uint32_t)k, src[i + k]);
                } else {
                    buf[i + k] = backplane_read8(chip, bp + (uint32_t)k);
                }
            }
            i += run;
            continue;
        }
        if (src) {
            f1_write8(chip, f1, src[i]);
        } else {
            buf[i] = f1_read8(chip, f1);
        }
        i += run;
    }
}

/* ---- Commands ---- */

static uint8_t function_read8(bcm43362 *chip, unsigned fn, uint32_t addr)
{
    switch (fn) {
    case 0: return f0_read(chip, addr);
    case 1: return f1_read8(chip, addr);
    default: {
        uint8_t b = 0;
        if (chip_f2_ready(chip)) {
            sdpcm_host_read(chip, &b, 1);
        }
        return b;
    }
    }
}

static uint32_t cmd52(bcm43362 *chip, uint32_t arg)
{
    const bool write = arg >> 31;
    const unsigned fn = (arg >> 28) & 7;
    const bool read_after_write = (arg >> 27) & 1;
    const uint32_t addr = (arg >> 9) & 0x1FFFF;
    const uint8_t data = (uint8_t)arg;

    chip->s.diag.stats.cmd52++;
    if (fn > 2) {
        chip->s.diag.stats.sdio_errors++;
        return R5_STATE_CMD | R5_FUNCTION_NUMBER;
    }
    if (!write) {
        return R5_STATE_CMD | function_read8(chip, fn, addr);
    }
    switch (fn) {
    case 0: f0_write(chip, addr, data); break;
    case 1: f1_write8(chip, addr, data); break;
    default: chip->s.diag.stats.host_frames_bad++; break;   /* a 1-byte F2 "frame" */
    }
    /* RAW on F2 would consume FIFO data: answer with the written byte instead. */
    return R5_STATE_CMD | (read_after_write && fn < 2 ? function_read8(chip, fn, addr) : data);
}

size_t sdio_card_cmd53_length(const bcm43362 *chip, uint32_t arg)
{
    const unsigned fn = (arg >> 28) & 7;
    const bool block_mode = (arg >> 27) & 1;
    const uint32_t count = arg & 0x1FF;
    if (fn > 2) {
        return 0;
    }
    if (!block_mode) {
        return count ? count : 512;
    }
    const uint32_t block_size = chip->s.sdio.block_size[fn];
    if (count == 0 || block_size == 0 || block_size > SDIO_MAX_BLOCK_SIZE) {
        return 0;                       /* count 0 = "until aborted": not supported */
    }
    return (size_t)count * block_size;
}

enum bcm43362_sdio_result sdio_card_command(bcm43362 *chip, unsigned cmd, uint32_t arg, uint32_t *resp)
{
    struct sdio_card *c = &chip->s.sdio;
    if (!chip->s.powered) {
        return BCM43362_SDIO_TIMEOUT;
    }
    switch (cmd) {
    case 0:
        if (chip->reset_on_cmd0) {
            chip_reset_everything(chip);
        } else {
            c->selected = false;
            c->rca = 0;
        }
        return BCM43362_SDIO_TIMEOUT;   /* GO_IDLE has no response */
    case 5:
        *resp = R4_OCR;
        return BCM43362_SDIO_OK;
    case 3:                             /* answered even though CMD5 was only an inquiry */
        c->rca = CARD_RCA;
        *resp = (uint32_t)c->rca << 16;
        return BCM43362_SDIO_OK;
    case 7:
        if (c->rca != 0 && (arg >> 16) == c->rca) {
            c->selected = true;
            *resp = R1_STATE_STBY;
            return BCM43362_SDIO_OK;
        }
        c->selected = false;            /* deselect (or another card's RCA): no response */
        return BCM43362_SDIO_TIMEOUT;
    case 52:
        *resp = cmd52(chip, arg);
        return BCM43362_SDIO_OK;
    case 53:
        if (((arg >> 28) & 7) > 2) {
            chip->s.diag.stats.sdio_errors++;
            *resp = R5_STATE_CMD | R5_FUNCTION_NUMBER;
        } else if (sdio_card_cmd53_length(chip, arg) == 0) {
            chip->s.diag.stats.sdio_errors++;
            *resp = R5_STATE_CMD | R5_OUT_OF_RANGE;
        } else {
            *resp = R5_STATE_CMD;
        }
        return BCM43362_SDIO_OK;
    default:
        return BCM43362_SDIO_TIMEOUT;   /* an I/O-only card ignores memory commands */
    }
}

static void check_cmd53_length(bcm43362 *chip, uint32_t arg, size_t len)
{
    if (len != sdio_card_cmd53_length(chip, arg) && chip_log_once(chip, LOG_ONCE_CMD53_LENGTH)) {
        chip_log(chip, "bcm43362: CMD53 0x%08x data phase of %zu bytes, argument encodes %zu (logged once)",
                 arg, len, sdio_card_cmd53_length(chip, arg));
    }
}

void sdio_card_cmd53_write(bcm43362 *chip, uint32_t arg, const uint8_t *data, size_t len)
{
    const unsigned fn = (arg >> 28) & 7;
    const bool incrementing = (arg >> 26) & 1;
    const uint32_t addr = (arg >> 9) & 0x1FFFF;

    if (!chip->s.powered) {
        return;
    }
    chip->s.diag.stats.cmd53_writes++;
    if (len > 1) {
        check_cmd53_length(chip, arg, len);
    }
    switch (fn) {
    case 0:
        for (size_t i = 0; i < len; i++) {
            f0_write(chip, incrementing ? (uint32_t)((addr + i) & 0x1FFFF) : addr, data[i]);
        }
        break;
    case 1:
        f1_transfer(chip, addr, incrementing, NULL, data, len);
        break;
    case 2:
        if (chip_f2_ready(chip)) {
            sdpcm_host_write(chip, data, len);
        } else {
            chip->s.diag.stats.host_frames_bad++;
            if (chip_log_once(chip, LOG_ONCE_F2_NOT_READY)) {
                chip_log(chip, "bcm43362: F2 write while F2 is not ready (firmware not running or IOEN bit 2 "
                         "clear); dropped (logged once)");
            }
        }
        break;
    default:
        chip->s.diag.stats.sdio_errors++;
        break;
    }
}

void sdio_card_cmd53_read(bcm43362 *chip, uint32_t arg, uint8_t *buf, size_t len)
{
    const unsigned fn = (arg >> 28) & 7;
    const bool incrementing = (arg >> 26) & 1;
    const uint32_t addr = (arg >> 9) & 0x1FFFF;

    memset(buf, 0, len);
    if (!chip->s.powered) {
        return;
    }
    chip->s.diag.stats.cmd53_reads++;
    check_cmd53_length(chip, arg, len);
    switch (fn) {
    case 0:
        for (size_t i = 0; i < len; i++) {
            buf[i] = f0_read(chip, incrementing ? (uint32_t)((addr + i) & 0x1FFFF) : addr);
        }
        break;
    case 1:
        f1_transfer(chip, addr, incrementing, buf, NULL, len);
        break;
    case 2:
        if (chip_f2_ready(chip)) {
            sdpcm_host_read(chip, buf, len);
        }
        break;
    default:
        chip->s.diag.stats.sdio_errors++;
        break;
    }
}
