/*
 * STM32F2xx embedded flash (array and FLASH interface registers).
 *
 * The array is a ROM device: the CPU reads it directly, and stores trap to
 * this model, which programs them only while FLASH_CR.PG is set (NOR flash
 * can only clear bits: new = old & data). Sector erase fills a sector of the
 * real F2 map with 0xFF. Every change is written through to the backing file
 * at once, so the image persists across resets and runs and a killed QEMU
 * loses nothing the firmware had programmed.
 *
 * Timing. A program or erase takes its typical datasheet time on the virtual
 * clock (table below); FLASH_SR.BSY reads 1 until then, which is what
 * FLASH_WaitForLastOperation() polls. EOP is never set: the firmware never
 * enables EOPIE and its FLASH_GetStatus() treats EOP as a programming error
 * (WICED then spins forever after a DCT erase).
 *
 * Accesses while BSY. On hardware any read of the array and any write to
 * FLASH_CR or the array stalls the bus until the operation ends (RM0033,
 * "Erase and program operations"). QEMU cannot stall a bus access, so:
 * - array reads are served directly and return the contents from before the
 *   operation (the change is applied in one piece when it completes);
 * - a write to FLASH_CR or a program store completes the operation in flight
 *   at once, then takes effect, as it would once the stall ended; the clock
 *   has not advanced by the stall, which is counted (stalled_accesses).
 * Firmware that polls BSY before its next access, as the StdPeriph driver
 * does, sees exactly the hardware's behaviour.
 *
 * Tearing. The "power-loss" input (1 = power lost at this instant; also any
 * system reset) interrupts the operation in flight, with the fraction f of
 * its duration elapsed, and leaves the array the way interrupted NOR flash
 * is left; the result is written to the backing file:
 * - program: each bit the store had to clear (1 -> 0) has cleared with
 *   probability f; bits are never set;
 * - erase: the whole sector is erased at once, not address by address, and
 *   cells finish at different times. Each 32-bit word gets a completion time
 *   uniform over the operation and each of its cells one within +/- 5 % of
 *   it: at f, words due before are all 0xFF, words due after keep their old
 *   contents, words due around f have some of their 0 bits set. Bits only
 *   go 0 -> 1.
 * The draws come from the "seed" property, the operation's start time and
 * address: the same seed gives the same torn bytes. Then FLASH_CR is locked
 * and BSY clear (the chip is reset), and, after a power loss, the interface
 * accepts nothing until the line returns to 0 (power back). README.md,
 * "Power faults", gives the sources.
 *
 * Plain stores without PG are dropped, not faulted: Device OS performs stores
 * through NULL pointers (into the flash alias at 0) that real flash ignores.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include <sys/mman.h>
#include "hw/core/cpu.h"
#include "cpu.h" /* CPU_INTERRUPT_HALT */
#include "qemu/log.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qemu/units.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/registerfields.h"
#include "migration/vmstate.h"
#include "exec/fast-time.h"
#include "hw/photon/peripherals/stm32f2_flash.h"
#include "hw/photon/peripherals/photon_unimp.h"
#include "hw/photon/peripherals/photon_regs.h"
#include "hw/photon/trace.h"

REG32(ACR, 0x00)
REG32(KEYR, 0x04)
REG32(OPTKEYR, 0x08)
REG32(SR, 0x0C)
    FIELD(SR, EOP, 0, 1)
    FIELD(SR, OPERR, 1, 1)
    FIELD(SR, WRPERR, 4, 1)
    FIELD(SR, PGAERR, 5, 1)
    FIELD(SR, PGPERR, 6, 1)
    FIELD(SR, PGSERR, 7, 1)
    FIELD(SR, BSY, 16, 1)
REG32(CR, 0x10)
    FIELD(CR, PG, 0, 1)
    FIELD(CR, SER, 1, 1)
    FIELD(CR, MER, 2, 1)
    FIELD(CR, SNB, 3, 4)
    FIELD(CR, PSIZE, 8, 2)
    FIELD(CR, STRT, 16, 1)
    FIELD(CR, EOPIE, 24, 1)
    FIELD(CR, ERRIE, 25, 1)
    FIELD(CR, LOCK, 31, 1)
REG32(OPTCR, 0x14)
    FIELD(OPTCR, OPTLOCK, 0, 1)
    FIELD(OPTCR, OPTSTRT, 1, 1)

#define SR_W1C_MASK 0xF3u
#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu
#define FLASH_OPTKEY1 0x08192A3Bu
#define FLASH_OPTKEY2 0x4C5D6E7Fu
#define OPTCR_RESET 0x0FFFAAEDu
#define NUM_SECTORS 12

/* Progress through a key register's unlock sequence. */
enum { KEYS_NONE, KEYS_FIRST, KEYS_BLOCKED };

/*
 * Typical times from the STM32F205xx/STM32F207xx datasheet (DS6329),
 * "Memory characteristics", table "Flash memory programming": tPROG is the
 * same for every parallelism; erase times are indexed by FLASH_CR.PSIZE (x8,
 * x16, x32, x64). x64 needs an external VPP the Photon does not have, so it
 * is timed as x32.
 */
#define PROGRAM_TIME_NS (16 * SCALE_US)
static const uint32_t erase_16k_ms[4] = { 400, 300, 250, 250 };
static const uint32_t erase_64k_ms[4] = { 1200, 700, 550, 550 };
static const uint32_t erase_128k_ms[4] = { 2000, 1300, 1000, 1000 };
static const uint32_t mass_erase_ms[4] = { 16000, 11000, 8000, 8000 };

/* The torn-operation model's fractions are in units of 1 / 2^24. */
#define TEAR_ONE (1u << 24)
/* Spread of the completion times of one word's cells during an erase. */
#define TEAR_ERASE_SPREAD (TEAR_ONE / 10)

static const char *const op_names[] = {
    [STM32F2_FLASH_IDLE] = "idle",
    [STM32F2_FLASH_PROGRAM] = "program",
    [STM32F2_FLASH_SECTOR_ERASE] = "sector erase",
    [STM32F2_FLASH_MASS_ERASE] = "mass erase",
};

/* F2 1 MiB sector map: 4 x 16K, 1 x 64K, 7 x 128K. */
static void sector_bounds(unsigned sector, uint32_t *offset, uint32_t *size)
{
    if (sector < 4) {
        *offset = sector * 16 * KiB;
        *size = 16 * KiB;
    } else if (sector == 4) {
        *offset = 64 * KiB;
        *size = 64 * KiB;
    } else {
        *offset = (sector - 4) * 128 * KiB;
        *size = 128 * KiB;
    }
}

static int64_t sector_erase_time_ns(unsigned sector, unsigned psize)
{
    const uint32_t *table = sector < 4 ? erase_16k_ms :
                            sector == 4 ? erase_64k_ms : erase_128k_ms;

    return (int64_t)table[psize] * SCALE_MS;
}

static void flash_persist(STM32F2FlashState *s, uint32_t offset, uint32_t len)
{
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);

    memory_region_flush_rom_device(&s->array, offset, len);
    /* the page cache has it at once, so it outlives even a killed QEMU */
    if (s->file_map) {
        memcpy(s->file_map + offset, mem + offset, len);
    }
}

uint8_t *stm32f2_flash_contents(STM32F2FlashState *s)
{
    return memory_region_get_ram_ptr(&s->array);
}

void stm32f2_flash_contents_changed(STM32F2FlashState *s, uint32_t offset, uint32_t len)
{
    flash_persist(s, offset, len);
}

/* Where the operation in flight acts: its first array offset and length. */
static void op_extent(STM32F2FlashState *s, uint32_t *offset, uint32_t *size)
{
    switch (s->op) {
    case STM32F2_FLASH_PROGRAM:
        *offset = s->op_offset;
        *size = s->op_size;
        break;
    case STM32F2_FLASH_SECTOR_ERASE:
        sector_bounds(s->op_sector, offset, size);
        break;
    default:
        *offset = 0;
        *size = STM32F2_FLASH_SIZE;
        break;
    }
}

static void flash_op_begin(STM32F2FlashState *s, STM32F2FlashOp op, int64_t duration_ns)
{
    uint32_t offset, size;

    s->op = op;
    s->op_start_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    s->op_end_ns = s->op_start_ns + duration_ns;
    s->sr |= R_SR_BSY_MASK;
    timer_mod(s->op_timer, s->op_end_ns);
    op_extent(s, &offset, &size);
    trace_stm32f2_flash_op_start(s->op_start_ns, op_names[op], STM32F2_FLASH_BASE + offset, size,
                                 s->op == STM32F2_FLASH_PROGRAM ? s->op_data : 0,
                                 duration_ns);
}

/* The operation is over: a CPU stopped on BSY runs again. */
static void flash_release_cpu(STM32F2FlashState *s)
{
    CPUState *cpu = s->stalled_cpu;

    if (cpu) {
        s->stalled_cpu = NULL;
        cpu_reset_interrupt(cpu, CPU_INTERRUPT_HALT);
        if (cpu->halted) {
            cpu->halted = 0;
            qemu_cpu_kick(cpu);
        }
    }
}

static void flash_op_clear(STM32F2FlashState *s)
{
    timer_del(s->op_timer);
    s->op = STM32F2_FLASH_IDLE;
    s->sr &= ~R_SR_BSY_MASK;
    flash_release_cpu(s);
}

/* The operation in flight completes: the array takes its final contents. */
static void flash_op_complete(STM32F2FlashState *s)
{
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint32_t offset, size;

    op_extent(s, &offset, &size);
    switch (s->op) {
    case STM32F2_FLASH_PROGRAM:
        for (unsigned i = 0; i < s->op_size; i++) {
            mem[offset + i] &= (uint8_t)(s->op_data >> (8 * i));
        }
        s->programmed_bytes += size;
        break;
    case STM32F2_FLASH_SECTOR_ERASE:
        memset(mem + offset, 0xFF, size);
        s->erased_sectors++;
        break;
    case STM32F2_FLASH_MASS_ERASE:
        memset(mem, 0xFF, STM32F2_FLASH_SIZE);
        s->erased_sectors += NUM_SECTORS;
        break;
    default:
        return;
    }
    flash_persist(s, offset, size);
    trace_stm32f2_flash_op_complete(op_names[s->op], STM32F2_FLASH_BASE + offset, size,
                                    MAX(s->op_end_ns - now, 0));
    flash_op_clear(s);
}

static void flash_op_timer_expired(void *opaque)
{
    flash_op_complete(opaque);
}

/* Completes the operation in flight if its time has come (SR reads). */
static void flash_op_settle(STM32F2FlashState *s)
{
    if (s->op != STM32F2_FLASH_IDLE &&
        qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) >= s->op_end_ns) {
        flash_op_complete(s);
    }
}

/*
 * An access hardware would stall until BSY clears: the operation in flight
 * completes now, and the access takes effect after it.
 */
static void flash_op_stall(STM32F2FlashState *s)
{
    if (s->op != STM32F2_FLASH_IDLE) {
        s->stalled_accesses++;
        flash_op_complete(s);
    }
}

/* splitmix64's output function: a 64-bit mix of @z. */
static uint64_t tear_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A uniform draw in [0, TEAR_ONE) for cell @index of a torn operation. */
static uint32_t tear_draw(uint64_t salt, uint64_t index)
{
    return tear_mix(salt + (index + 1) * 0x9E3779B97F4A7C15ull) >> 40;
}

/* The draws of one torn operation: from the seed, its start and its place. */
static uint64_t tear_salt(STM32F2FlashState *s, uint32_t offset)
{
    return tear_mix(tear_mix(s->seed ^ 0x666C6173682D7465ull) ^ s->op_start_ns) ^
           tear_mix(((uint64_t)s->op << 32) | offset);
}

/* A program interrupted at @elapsed: each bit to clear has cleared or not. */
static uint32_t tear_program(STM32F2FlashState *s, uint32_t elapsed, uint32_t *total)
{
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);
    uint64_t salt = tear_salt(s, s->op_offset);
    uint32_t cleared = 0;

    *total = 0;
    for (unsigned i = 0; i < s->op_size; i++) {
        uint8_t pending = mem[s->op_offset + i] & ~(uint8_t)(s->op_data >> (8 * i));

        for (unsigned bit = 0; bit < 8; bit++) {
            if (!(pending & BIT(bit))) {
                continue;
            }
            (*total)++;
            if (tear_draw(salt, i * 8 + bit) < elapsed) {
                mem[s->op_offset + i] &= ~BIT(bit);
                cleared++;
            }
        }
    }
    return cleared;
}

/*
 * A sector erase interrupted at @elapsed. Counts the words it changed: fully
 * erased in @erased, some bits set in @partial.
 */
static void tear_erase_sector(STM32F2FlashState *s, unsigned sector, uint32_t elapsed,
                              uint32_t *erased, uint32_t *partial)
{
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);
    uint32_t offset, size;
    uint64_t salt;

    sector_bounds(sector, &offset, &size);
    salt = tear_salt(s, offset);
    for (uint32_t w = 0; w < size / 4; w++) {
        uint8_t *word = mem + offset + 4 * w;
        /* When this word's cells are erased, centred within the operation. */
        uint32_t due = TEAR_ERASE_SPREAD / 2 +
            (uint32_t)(((uint64_t)tear_draw(salt, w) * (TEAR_ONE - TEAR_ERASE_SPREAD))
                       >> 24);
        uint32_t before = ldl_le_p(word), after = before;

        if (due + TEAR_ERASE_SPREAD / 2 <= elapsed) {
            after = UINT32_MAX;
        } else if (due - TEAR_ERASE_SPREAD / 2 < elapsed) {
            for (unsigned bit = 0; bit < 32; bit++) {
                uint32_t cell = due - TEAR_ERASE_SPREAD / 2 +
                    (uint32_t)(((uint64_t)tear_draw(salt ^ 0x63656C6Cull,
                                                    (uint64_t)w * 32 + bit) *
                                TEAR_ERASE_SPREAD) >> 24);

                if (cell < elapsed) {
                    after |= BIT(bit);
                }
            }
        }
        if (after == before) {
            continue;
        }
        stl_le_p(word, after);
        if (after == UINT32_MAX) {
            (*erased)++;
        } else {
            (*partial)++;
        }
    }
}

/* Power is lost (or the chip reset) with an operation in flight. */
static void flash_op_tear(STM32F2FlashState *s)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t duration = s->op_end_ns - s->op_start_ns;
    uint32_t offset, size, changed = 0, total = 0, partial = 0;
    uint32_t elapsed;

    /*
     * Traced: a program's bits cleared of @total to clear; an erase's words
     * erased (@changed) and half-way (@partial) of @total words.
     */

    if (s->op == STM32F2_FLASH_IDLE) {
        return;
    }
    if (now >= s->op_end_ns) {
        /* It had finished; only the timer had not run yet. */
        flash_op_complete(s);
        return;
    }
    elapsed = now <= s->op_start_ns ? 0 :
              (uint32_t)(((uint64_t)(now - s->op_start_ns) << 24) / duration);
    op_extent(s, &offset, &size);
    switch (s->op) {
    case STM32F2_FLASH_PROGRAM:
        changed = tear_program(s, elapsed, &total);
        break;
    case STM32F2_FLASH_SECTOR_ERASE:
        tear_erase_sector(s, s->op_sector, elapsed, &changed, &partial);
        total = size / 4;
        break;
    case STM32F2_FLASH_MASS_ERASE:
        for (unsigned sector = 0; sector < NUM_SECTORS; sector++) {
            tear_erase_sector(s, sector, elapsed, &changed, &partial);
        }
        total = STM32F2_FLASH_SIZE / 4;
        break;
    }
    flash_persist(s, offset, size);
    s->torn_operations++;
    trace_stm32f2_flash_op_torn(op_names[s->op], STM32F2_FLASH_BASE + offset, size,
                                (uint32_t)(((uint64_t)elapsed * 1000) >> 24),
                                changed, total, partial);
    flash_op_clear(s);
}

static void flash_erase_sector(STM32F2FlashState *s, unsigned sector, unsigned psize)
{
    if (sector >= NUM_SECTORS) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: erase of sector %u, "
                      "the part has %u\n", sector, NUM_SECTORS);
        s->sr |= R_SR_PGSERR_MASK;
        return;
    }
    s->op_sector = sector;
    flash_op_begin(s, STM32F2_FLASH_SECTOR_ERASE, sector_erase_time_ns(sector, psize));
}

static uint64_t flash_array_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2FlashState *s = opaque;
    uint8_t *mem = memory_region_get_ram_ptr(&s->array);

    /* Only reached while the ROM device is in MMIO mode; reads stay direct. */
    return ldn_le_p(mem + offset, size);
}

static void flash_array_write(void *opaque, hwaddr offset, uint64_t value,
                              unsigned size)
{
    STM32F2FlashState *s = opaque;

    if (s->unpowered || !FIELD_EX32(s->cr, CR, PG) || FIELD_EX32(s->cr, CR, LOCK)) {
        s->ignored_stores++;
        trace_stm32f2_flash_store_ignored(STM32F2_FLASH_BASE + offset, size, value);
        return;
    }
    flash_op_stall(s);
    s->op_offset = offset;
    s->op_size = size;
    s->op_data = value;
    flash_op_begin(s, STM32F2_FLASH_PROGRAM, PROGRAM_TIME_NS);
}

static const MemoryRegionOps flash_array_ops = {
    .read = flash_array_read,
    .write = flash_array_write,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void flash_write_cr(STM32F2FlashState *s, uint32_t value)
{
    unsigned psize = FIELD_EX32(value, CR, PSIZE);

    if (FIELD_EX32(s->cr, CR, LOCK)) {
        /* Writes to a locked CR are ignored; only LOCK itself may be set. */
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: write to locked FLASH_CR\n");
        return;
    }
    flash_op_stall(s);
    s->cr = value & ~R_CR_STRT_MASK;
    if (FIELD_EX32(value, CR, STRT)) {
        if (FIELD_EX32(value, CR, MER)) {
            flash_op_begin(s, STM32F2_FLASH_MASS_ERASE, (int64_t)mass_erase_ms[psize] * SCALE_MS);
        } else if (FIELD_EX32(value, CR, SER)) {
            flash_erase_sector(s, FIELD_EX32(value, CR, SNB), psize);
        }
    }
}

/*
 * One write to a key register; true when it completes the unlock sequence.
 * RM0033: a wrong sequence locks the register it unlocks until the next
 * reset (the hardware also signals a bus error, which is not modelled).
 */
static bool flash_key_sequence(uint8_t *stage, uint32_t value, uint32_t key1,
                               uint32_t key2, const char *reg)
{
    if (*stage == KEYS_NONE && value == key1) {
        *stage = KEYS_FIRST;
        return false;
    }
    if (*stage == KEYS_FIRST && value == key2) {
        *stage = KEYS_NONE;
        return true;
    }
    if (*stage != KEYS_BLOCKED) {
        qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: wrong %s sequence (0x%08x): "
                      "locked until reset\n", reg, value);
    }
    *stage = KEYS_BLOCKED;
    return false;
}

static uint32_t *flash_reg_storage(STM32F2FlashState *s, hwaddr reg)
{
    switch (reg) {
    case A_ACR:
        return &s->acr;
    case A_SR:
        return &s->sr;
    case A_CR:
        return &s->cr;
    case A_OPTCR:
        return &s->optcr;
    default:
        return NULL;
    }
}

static uint64_t flash_regs_read(void *opaque, hwaddr offset, unsigned size)
{
    STM32F2FlashState *s = opaque;
    hwaddr reg = offset & ~3;
    uint32_t *storage = flash_reg_storage(s, reg);

    if (reg == A_KEYR || reg == A_OPTKEYR) {
        return 0;   /* write-only */
    }
    if (!storage) {
        photon_unimp_record("flash-if", 0x40023C00, offset, false, size, 0);
        return 0;
    }
    if (reg == A_SR) {
        flash_op_settle(s);
        /*
         * The CPU polls BSY: on hardware it runs from flash, so its fetches stall
         * until the operation ends. Stop it at the end of this instruction until then
         * (an interrupt still runs, as a halt allows); under -icount virtual time then
         * jumps to the operation's end instead of spinning through the poll loop.
         */
        if (s->op != STM32F2_FLASH_IDLE && current_cpu) {
            s->stalled_cpu = current_cpu;
            cpu_interrupt(current_cpu, CPU_INTERRUPT_HALT);
        }
    }
    return photon_subword_extract(*storage, offset);
}

static void flash_regs_write(void *opaque, hwaddr offset, uint64_t value64,
                             unsigned size)
{
    STM32F2FlashState *s = opaque;
    hwaddr reg = offset & ~3;
    uint32_t *storage = flash_reg_storage(s, reg);
    uint32_t value;

    if (reg == A_SR) {
        value = photon_subword_w1c(offset, size, value64);
    } else if (storage) {
        value = photon_subword_merge(*storage, offset, size, value64);
    } else {
        value = value64;
    }
    trace_stm32f2_flash_reg_write(reg, value);
    if (s->unpowered) {
        return;     /* no power: the interface is dead until power returns */
    }
    switch (reg) {
    case A_ACR:
        s->acr = value & 0x1F0F;
        break;
    case A_KEYR:
        if (flash_key_sequence(&s->key_stage, value, FLASH_KEY1, FLASH_KEY2,
                               "FLASH_KEYR")) {
            s->cr = FIELD_DP32(s->cr, CR, LOCK, 0);
        }
        break;
    case A_OPTKEYR:
        if (flash_key_sequence(&s->optkey_stage, value, FLASH_OPTKEY1, FLASH_OPTKEY2,
                               "FLASH_OPTKEYR")) {
            s->optcr = FIELD_DP32(s->optcr, OPTCR, OPTLOCK, 0);
        }
        break;
    case A_SR:
        s->sr &= ~(value & SR_W1C_MASK);
        break;
    case A_CR:
        flash_write_cr(s, value);
        break;
    case A_OPTCR:
        if (FIELD_EX32(s->optcr, OPTCR, OPTLOCK)) {
            qemu_log_mask(LOG_GUEST_ERROR, "stm32f2-flash: write to locked OPTCR\n");
            break;
        }
        /*
         * Option bytes (write protection, read protection) are stored but
         * not enforced; OPTSTRT completes at once.
         */
        s->optcr = value & ~R_OPTCR_OPTSTRT_MASK;
        break;
    default:
        photon_unimp_record("flash-if", 0x40023C00, offset, true, size, value64);
        break;
    }
}

/*
 * The accesses that may run inside their block (exec/fast-time.h): with no
 * operation under way a read only reports state and a CR write that does not
 * set STRT only sets bits.  During an operation an access stalls the CPU, and
 * STRT starts an erase.
 */
static FastTimeIo flash_regs_io_kind(void *opaque, hwaddr offset, bool is_write,
                                     uint64_t value)
{
    STM32F2FlashState *s = opaque;

    if (s->op != STM32F2_FLASH_IDLE) {
        return FAST_TIME_IO_ENDS_BLOCK;
    }
    if (!is_write) {
        /* while idle, a read only reports; an unmodelled one is counted */
        return flash_reg_storage(s, offset & ~3) ? FAST_TIME_IO_OBSERVES
                                                 : FAST_TIME_IO_IN_BLOCK;
    }
    return offset == A_CR && !(value & R_CR_STRT_MASK) ? FAST_TIME_IO_IN_BLOCK
                                                       : FAST_TIME_IO_ENDS_BLOCK;
}

static const MemoryRegionOps flash_regs_ops = {
    .read = flash_regs_read,
    .write = flash_regs_write,
    /* FLASH_SetLatency and the option-byte helpers use byte/half accesses. */
    .impl.min_access_size = 1,
    .impl.max_access_size = 4,
    .valid.min_access_size = 1,
    .valid.max_access_size = 4,
    .endianness = DEVICE_LITTLE_ENDIAN,
};

static void stm32f2_flash_realize(DeviceState *dev, Error **errp)
{
    STM32F2FlashState *s = STM32F2_FLASH(dev);
    uint8_t *mem;
    struct stat st;

    memory_region_init_rom_device(&s->array, OBJECT(s), &flash_array_ops, s,
                                  "stm32f2.flash", STM32F2_FLASH_SIZE, errp);
    if (*errp) {
        return;
    }
    mem = memory_region_get_ram_ptr(&s->array);
    memset(mem, 0xFF, STM32F2_FLASH_SIZE);
    s->fd = -1;
    if (s->filename) {
        s->fd = qemu_open(s->filename, O_RDWR | O_BINARY, errp);
        if (s->fd < 0) {
            return;
        }
        if (fstat(s->fd, &st) < 0 || st.st_size != STM32F2_FLASH_SIZE) {
            error_setg(errp, "flash image %s must be exactly %d bytes (1 MiB), "
                       "it has %lld; create it with `photon-sim flash`",
                       s->filename, (int)STM32F2_FLASH_SIZE, (long long)st.st_size);
            return;
        }
        if (pread(s->fd, mem, STM32F2_FLASH_SIZE, 0) != STM32F2_FLASH_SIZE) {
            error_setg_errno(errp, errno, "reading flash image %s", s->filename);
            return;
        }
        /* blocks for every page now, so that a write through the map cannot fail later */
        errno = posix_fallocate(s->fd, 0, STM32F2_FLASH_SIZE);
        if (errno) {
            error_setg_errno(errp, errno, "reserving space for flash image %s", s->filename);
            return;
        }
        s->file_map = mmap(NULL, STM32F2_FLASH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                           s->fd, 0);
        if (s->file_map == MAP_FAILED) {
            s->file_map = NULL;
            error_setg_errno(errp, errno, "mapping flash image %s", s->filename);
            return;
        }
    }
    memory_region_init_io(&s->regs_io, OBJECT(s), &flash_regs_ops, s,
                          "stm32f2.flash-if", 0x400);
    fast_time_register_io(&s->regs_io, flash_regs_io_kind, s);
    s->op_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, flash_op_timer_expired, s);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->array);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->regs_io);
}

static void flash_reset_registers(STM32F2FlashState *s)
{
    s->acr = 0;
    s->sr = 0;
    s->cr = R_CR_LOCK_MASK;
    s->optcr = OPTCR_RESET;
    s->key_stage = KEYS_NONE;
    s->optkey_stage = KEYS_NONE;
}

/*
 * "power-loss": 1 when the supply collapses at this instant, 0 when it is
 * back. The operation in flight is torn and the chip is reset (FLASH_CR
 * locked, BSY clear); while the line is 1 nothing is accepted, whatever
 * resets happen meanwhile.
 */
static void stm32f2_flash_power_loss(void *opaque, int n, int level)
{
    STM32F2FlashState *s = opaque;

    trace_stm32f2_flash_power(level ? "lost" : "restored");
    if (level) {
        flash_op_tear(s);
        flash_reset_registers(s);
    }
    s->unpowered = level;
}

static void stm32f2_flash_reset_hold(Object *obj)
{
    STM32F2FlashState *s = STM32F2_FLASH(obj);

    /* A reset interrupts an operation as a power loss does. */
    flash_op_tear(s);
    flash_reset_registers(s);
}

static void stm32f2_flash_init(Object *obj)
{
    qdev_init_gpio_in_named(DEVICE(obj), stm32f2_flash_power_loss, "power-loss", 1);
}

static Property stm32f2_flash_properties[] = {
    DEFINE_PROP_STRING("filename", STM32F2FlashState, filename),
    DEFINE_PROP_UINT64("seed", STM32F2FlashState, seed, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_stm32f2_flash = {
    .name = TYPE_STM32F2_FLASH,
    .version_id = 2,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32(acr, STM32F2FlashState),
        VMSTATE_UINT32(sr, STM32F2FlashState),
        VMSTATE_UINT32(cr, STM32F2FlashState),
        VMSTATE_UINT32(optcr, STM32F2FlashState),
        VMSTATE_UINT8(key_stage, STM32F2FlashState),
        VMSTATE_UINT8(optkey_stage, STM32F2FlashState),
        VMSTATE_UINT8_V(op, STM32F2FlashState, 2),
        VMSTATE_UINT8_V(op_size, STM32F2FlashState, 2),
        VMSTATE_UINT8_V(op_sector, STM32F2FlashState, 2),
        VMSTATE_UINT32_V(op_offset, STM32F2FlashState, 2),
        VMSTATE_UINT32_V(op_data, STM32F2FlashState, 2),
        VMSTATE_INT64_V(op_start_ns, STM32F2FlashState, 2),
        VMSTATE_INT64_V(op_end_ns, STM32F2FlashState, 2),
        VMSTATE_TIMER_PTR_V(op_timer, STM32F2FlashState, 2),
        VMSTATE_BOOL_V(unpowered, STM32F2FlashState, 2),
        VMSTATE_UINT64_V(seed, STM32F2FlashState, 2),
        VMSTATE_END_OF_LIST()
    }
};

static void stm32f2_flash_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->realize = stm32f2_flash_realize;
    dc->vmsd = &vmstate_stm32f2_flash;
    rc->phases.hold = stm32f2_flash_reset_hold;
    device_class_set_props(dc, stm32f2_flash_properties);
}

static const TypeInfo stm32f2_flash_info = {
    .name = TYPE_STM32F2_FLASH,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(STM32F2FlashState),
    .instance_init = stm32f2_flash_init,
    .class_init = stm32f2_flash_class_init,
};

static void stm32f2_flash_register_types(void)
{
    type_register_static(&stm32f2_flash_info);
}

type_init(stm32f2_flash_register_types)
