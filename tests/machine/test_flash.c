/*
 * Flash interface and array: the lock, NOR programming (bits only clear),
 * sector erase over the F2's uneven sector map, and persistence in the image
 * file, which the DCT writes of a first boot depend on (reference §2.2, §6.2).
 * Operations take their datasheet time (BSY), and a power loss tears the one
 * in flight the way NOR flash is torn (README, "Power faults").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "machine_test.h"

#define FLASH_QOM "/machine/soc/flash"
#define CONTROLS_QOM "/machine/controls"
#define FLASH_CR_MER BIT(2)

/* Typical times, STM32F205 datasheet (DS6329), "Flash memory programming". */
#define T_PROG_NS (16 * NS_PER_US)
#define T_ERASE_16K_X32_NS (250 * NS_PER_MS)

/* DCT2, the sector the torn-erase tests use. */
#define TEAR_SECTOR 2
#define TEAR_OFFSET 0x8000u
#define TEAR_WORDS (16 * 1024 / 4)

/* FLASH_WaitForLastOperation: poll BSY while the virtual clock runs. */
static void flash_wait_idle(PhotonRun *run)
{
    int64_t waited = 0;

    while (RD32(run, FLASH_SR) & FLASH_SR_BSY) {
        int64_t step = waited < 100 * NS_PER_US ? NS_PER_US : NS_PER_MS;

        ck_assert_msg(waited < 20 * NS_PER_S, "flash still busy after 20 s");
        STEP_NS(run, step);
        waited += step;
    }
}

static void flash_unlock(PhotonRun *run)
{
    WR32(run, FLASH_KEYR, FLASH_KEY1);
    WR32(run, FLASH_KEYR, FLASH_KEY2);
    ck_assert_uint_eq(RD32(run, FLASH_CR), 0);
}

/* FLASH_ProgramWord: PG with x32 parallelism, a plain store, wait for BSY. */
static void flash_program_word(PhotonRun *run, uint32_t addr, uint32_t value)
{
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    WR32(run, addr, value);
    flash_wait_idle(run);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32);
}

/* FLASH_EraseSector up to STRT: the erase is then in flight. */
static void flash_start_erase(PhotonRun *run, unsigned sector, uint32_t psize)
{
    WR32(run, FLASH_CR, psize | FLASH_CR_SER | FLASH_CR_SNB(sector));
    WR32(run, FLASH_CR, RD32(run, FLASH_CR) | FLASH_CR_STRT);
}

/* FLASH_EraseSector: SER and SNB, then STRT, wait for BSY. */
static void flash_erase_sector(PhotonRun *run, unsigned sector)
{
    flash_start_erase(run, sector, FLASH_CR_PSIZE_X32);
    flash_wait_idle(run);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32);
}

START_TEST(interface_is_locked_after_reset)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    ck_assert_uint_eq(RD32(run, FLASH_OPTCR), FLASH_OPTCR_RESET);
    /* A locked CR ignores writes, so PG cannot be set and stores do nothing. */
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    WR32(run, FLASH_BASE + 0x4000, 0);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + 0x4000), 0xFFFFFFFF);
    photon_finish(run);
}
END_TEST

START_TEST(key_sequence_unlocks_and_lock_relocks)
{
    PhotonRun *run = photon_boot(NULL);

    flash_unlock(run);
    WR32(run, FLASH_CR, FLASH_CR_LOCK);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    flash_unlock(run);
    /* Option bytes have their own lock and keys. */
    WR32(run, FLASH_OPTKEYR, FLASH_OPTKEY1);
    WR32(run, FLASH_OPTKEYR, FLASH_OPTKEY2);
    ck_assert_uint_eq(RD32(run, FLASH_OPTCR), FLASH_OPTCR_RESET & ~FLASH_OPTCR_OPTLOCK);
    photon_finish(run);
}
END_TEST

START_TEST(a_wrong_key_locks_the_interface_until_reset)
{
    PhotonRun *run = photon_boot(NULL);

    /* RM0033 §2.4.1: a wrong sequence locks FLASH_CR until the next reset. */
    WR32(run, FLASH_KEYR, FLASH_KEY2);
    WR32(run, FLASH_KEYR, FLASH_KEY1);
    WR32(run, FLASH_KEYR, FLASH_KEY2);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    photon_system_reset(run);
    flash_unlock(run);
    photon_finish(run);
}
END_TEST

START_TEST(latency_byte_write_to_acr)
{
    PhotonRun *run = photon_boot(NULL);

    /* FLASH_SetLatency(3) is a byte store at ACR+0; then PRFTEN, ICEN, DCEN. */
    WR8(run, FLASH_ACR, 3);
    ck_assert_uint_eq(RD32(run, FLASH_ACR), 3);
    WR32(run, FLASH_ACR, 0x703);
    ck_assert_uint_eq(RD32(run, FLASH_ACR), 0x703);
    photon_finish(run);
}
END_TEST

START_TEST(programming_only_clears_bits)
{
    PhotonRun *run = photon_boot(NULL);
    const uint32_t addr = FLASH_BASE + 0x4000;

    flash_unlock(run);
    flash_program_word(run, addr, 0x0F0F0F0F);
    ck_assert_uint_eq(RD32(run, addr), 0x0F0F0F0F);
    flash_program_word(run, addr, 0x00FF00FF);
    ck_assert_uint_eq(RD32(run, addr), 0x000F000F);
    /* Byte and half-word programming, PSIZE matching the store size. */
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X8 | FLASH_CR_PG);
    WR8(run, addr + 5, 0x5A);
    flash_wait_idle(run);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X16 | FLASH_CR_PG);
    WR16(run, addr + 6, 0x1234);
    flash_wait_idle(run);
    ck_assert_uint_eq(RD32(run, addr + 4), 0x12345AFF);
    /* Done: not busy, and no EOP (EOPIE is never set). */
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    photon_finish(run);
}
END_TEST

START_TEST(erase_fills_each_sector_size_with_ff)
{
    static const struct {
        unsigned sector;
        uint32_t start, size;
    } sectors[] = {
        { 1, 0x08004000, 16 * 1024 },   /* DCT1 */
        { 4, 0x08010000, 64 * 1024 },   /* EEPROM emulation page 2 */
        { 5, 0x08020000, 128 * 1024 },  /* system-part1 */
    };
    PhotonRun *run = photon_boot(NULL);

    flash_unlock(run);
    for (size_t i = 0; i < sizeof(sectors) / sizeof(sectors[0]); i++) {
        uint32_t first = sectors[i].start, last = first + sectors[i].size - 4;

        flash_program_word(run, first - 4, 0);
        flash_program_word(run, first, 0);
        flash_program_word(run, first + sectors[i].size / 2, 0);
        flash_program_word(run, last, 0);
        flash_program_word(run, last + 4, 0);
        flash_erase_sector(run, sectors[i].sector);
        ck_assert_msg(RD32(run, first) == 0xFFFFFFFF && RD32(run, last) == 0xFFFFFFFF &&
                      RD32(run, first + sectors[i].size / 2) == 0xFFFFFFFF,
                      "sector %u (0x%08x, %u KiB) not erased", sectors[i].sector, first,
                      sectors[i].size / 1024);
        ck_assert_msg(RD32(run, first - 4) == 0 && RD32(run, last + 4) == 0,
                      "erasing sector %u touched its neighbours", sectors[i].sector);
        /* WICED spins forever unless the erase reports plain success. */
        ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    }
    photon_finish(run);
}
END_TEST

START_TEST(stores_without_pg_are_ignored)
{
    PhotonRun *run = photon_boot(NULL);

    flash_unlock(run);
    WR32(run, FLASH_BASE + 0x100, 0);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + 0x100), 0xFFFFFFFF);
    /* Device OS stores through NULL: into the boot alias of flash at 0. */
    WR32(run, 0x00000000, 0x12345678);
    WR8(run, 0x00000010, 0);
    ck_assert_uint_eq(RD32(run, 0x00000000), 0xFFFFFFFF);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + 0x10), 0xFFFFFFFF);
    /* Ignored without a trace in SR: a later FLASH_GetStatus() must not fail. */
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    photon_finish(run);
}
END_TEST

START_TEST(status_errors_are_write_1_to_clear)
{
    PhotonRun *run = photon_boot(NULL);

    flash_unlock(run);
    /* The model flags an erase of a sector the part lacks (SNB 12) as PGSERR. */
    flash_erase_sector(run, 12);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_PGSERR);
    WR32(run, FLASH_SR, 0);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_PGSERR);
    WR32(run, FLASH_SR, FLASH_SR_EOP);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_PGSERR);
    WR32(run, FLASH_SR, 0xF3);      /* FLASH_ClearFlags() */
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    photon_finish(run);
}
END_TEST

START_TEST(programmed_data_persists_in_the_image_file)
{
    PhotonRun *run = photon_boot(NULL);
    uint8_t bytes[8];

    flash_unlock(run);
    flash_program_word(run, 0x08004000, 0x4D435242);
    flash_program_word(run, 0x080FFFFC, 0x00C0FFEE);
    flash_erase_sector(run, 2);     /* erases only what is already erased */
    photon_stop(run);
    photon_flash_file_read(run, 0x4000, bytes, 4);
    photon_flash_file_read(run, 0xFFFFC, bytes + 4, 4);
    ck_assert_mem_eq(bytes, "\x42\x52\x43\x4D\xEE\xFF\xC0\x00", 8);
    /* And the next run boots with it. */
    photon_start(run, NULL);
    ck_assert_uint_eq(RD32(run, 0x08004000), 0x4D435242);
    photon_finish(run);
}
END_TEST

START_TEST(flash_survives_a_system_reset_without_a_reload)
{
    PhotonRun *run = photon_boot(NULL);
    static const uint8_t zeros[4];

    flash_unlock(run);
    flash_program_word(run, 0x08008000, 0xA5A5A5A5);
    /*
     * Change the image file behind QEMU's back: a reset that re-read the file
     * (as -kernel or ROM blobs do) would show it. Flash is loaded once.
     */
    photon_flash_file_write(run, 0x8010, zeros, sizeof(zeros));
    photon_system_reset(run);
    ck_assert_uint_eq(RD32(run, RCC_CSR) & RCC_CSR_SFTRSTF, RCC_CSR_SFTRSTF);
    ck_assert_uint_eq(RD32(run, 0x08008000), 0xA5A5A5A5);
    ck_assert_uint_eq(RD32(run, 0x08008010), 0xFFFFFFFF);
    /* The reset locked the interface again. */
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    photon_finish(run);
}
END_TEST

START_TEST(operations_take_the_datasheet_time)
{
    static const struct {
        unsigned sector;
        uint32_t psize;
        int64_t ns;
    } erases[] = {
        { 2, FLASH_CR_PSIZE_X32, 250 * NS_PER_MS },     /* 16 KiB, x32 */
        { 1, FLASH_CR_PSIZE_X8, 400 * NS_PER_MS },      /* 16 KiB, x8 */
        { 3, FLASH_CR_PSIZE_X16, 300 * NS_PER_MS },     /* 16 KiB, x16 */
        { 4, FLASH_CR_PSIZE_X32, 550 * NS_PER_MS },     /* 64 KiB */
        { 5, FLASH_CR_PSIZE_X32, 1000 * NS_PER_MS },    /* 128 KiB */
    };
    PhotonRun *run = photon_boot(NULL);
    const uint32_t addr = FLASH_BASE + 0x4000;

    flash_unlock(run);
    /* tPROG: busy for 16 us after the store, whatever the parallelism. */
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    WR32(run, addr, 0x00C0FFEE);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
    STEP_NS(run, T_PROG_NS - 1);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
    STEP_NS(run, 1);
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    ck_assert_uint_eq(RD32(run, addr), 0x00C0FFEE);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X8 | FLASH_CR_PG);
    WR8(run, addr + 4, 0x00);
    STEP_NS(run, T_PROG_NS - 1);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
    STEP_NS(run, 1);
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32);

    for (size_t i = 0; i < sizeof(erases) / sizeof(erases[0]); i++) {
        uint32_t word = FLASH_BASE + 0x4000 * erases[i].sector + 0x100;

        if (erases[i].sector >= 4) {
            word = FLASH_BASE + (erases[i].sector == 4 ? 0x10000 : 0x20000) + 0x100;
        }
        flash_program_word(run, word, 0);
        flash_start_erase(run, erases[i].sector, erases[i].psize);
        /* Busy, and nothing else: EOP stays clear (EOPIE is never set). */
        ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
        STEP_NS(run, erases[i].ns - 1);
        ck_assert_msg(RD32(run, FLASH_SR) == FLASH_SR_BSY,
                      "sector %u: not busy 1 ns before %lld ms", erases[i].sector,
                      (long long)(erases[i].ns / NS_PER_MS));
        /* Reads are not stalled: they see the array as it was until the end. */
        ck_assert_uint_eq(RD32(run, word), 0);
        STEP_NS(run, 1);
        ck_assert_msg(RD32(run, FLASH_SR) == 0, "sector %u: still busy after %lld ms",
                      erases[i].sector, (long long)(erases[i].ns / NS_PER_MS));
        ck_assert_uint_eq(RD32(run, word), 0xFFFFFFFF);
        WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32);
    }

    /* Mass erase at x32: 8 s. */
    flash_program_word(run, FLASH_BASE + 0xFFFFC, 0);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_MER);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_MER | FLASH_CR_STRT);
    STEP_NS(run, 8 * NS_PER_S - 1);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
    STEP_NS(run, 1);
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + 0xFFFFC), 0xFFFFFFFF);
    photon_finish(run);
}
END_TEST

START_TEST(an_access_hardware_stalls_on_waits_for_the_operation)
{
    PhotonRun *run = photon_boot(NULL);
    const uint32_t addr = FLASH_BASE + 0xC000;

    flash_unlock(run);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    WR32(run, addr, 0x12345678);
    /* A second store while busy: the first completes, then the second starts. */
    WR32(run, addr + 4, 0x9ABCDEF0);
    ck_assert_uint_eq(RD32(run, addr), 0x12345678);
    ck_assert_uint_eq(RD32(run, addr + 4), 0xFFFFFFFF);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
    /* A FLASH_CR write while busy: likewise. */
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32);
    ck_assert_uint_eq(RD32(run, addr + 4), 0x9ABCDEF0);
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_PSIZE_X32);
    /* An erase in flight, then a program: the erase comes first. */
    flash_start_erase(run, 3, FLASH_CR_PSIZE_X32);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    ck_assert_uint_eq(RD32(run, addr), 0xFFFFFFFF);
    WR32(run, addr + 8, 0x0000FFFF);
    flash_wait_idle(run);
    ck_assert_uint_eq(RD32(run, addr + 8), 0x0000FFFF);
    photon_finish(run);
}
END_TEST

/* The contents of the torn-erase sector before the erase: every bit pattern. */
static void tear_pattern(uint32_t *words)
{
    uint32_t x = 0x2545F491;

    for (unsigned i = 0; i < TEAR_WORDS; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        words[i] = i % 8 == 0 ? 0 : x;
    }
}

/*
 * A machine with @seed erases the torn-erase sector and loses power (through
 * the board's brownout path) @after_ns into the erase. @out receives the
 * sector from the image file.
 */
static void tear_an_erase(const char *seed, int64_t after_ns, uint32_t *out)
{
    PhotonRun *run = photon_prepare();
    uint32_t *pattern = malloc(TEAR_WORDS * 4), *seen = malloc(TEAR_WORDS * 4);

    tear_pattern(pattern);
    photon_flash_file_write(run, TEAR_OFFSET, pattern, TEAR_WORDS * 4);
    photon_start(run, seed);
    flash_unlock(run);
    flash_start_erase(run, TEAR_SECTOR, FLASH_CR_PSIZE_X32);
    STEP_NS(run, after_ns);
    ck_assert_uint_eq(RD32(run, FLASH_SR), FLASH_SR_BSY);
    qtest_set_irq_in(run->qt, CONTROLS_QOM, "power", 0, 0);
    /* The chip is reset: idle, locked; without power the keys do nothing. */
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    WR32(run, FLASH_KEYR, FLASH_KEY1);
    WR32(run, FLASH_KEYR, FLASH_KEY2);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    /* Nor after a reset while the power is still off. */
    photon_system_reset(run);
    WR32(run, FLASH_KEYR, FLASH_KEY1);
    WR32(run, FLASH_KEYR, FLASH_KEY2);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    /* The torn state is in the image file, as the CPU reads it. */
    photon_flash_file_read(run, TEAR_OFFSET, out, TEAR_WORDS * 4);
    qtest_memread(run->qt, FLASH_BASE + TEAR_OFFSET, seen, TEAR_WORDS * 4);
    ck_assert_mem_eq(seen, out, TEAR_WORDS * 4);
    /* Power back: a power-on reset, and the interface works again. */
    qtest_set_irq_in(run->qt, CONTROLS_QOM, "power", 0, 1);
    ck_assert_uint_eq(RD32(run, RCC_CSR) & RCC_CSR_POWER_ON, RCC_CSR_POWER_ON);
    flash_unlock(run);
    photon_finish(run);
    free(pattern);
    free(seen);
}

START_TEST(a_power_loss_during_an_erase_leaves_the_sector_partly_erased)
{
    uint32_t *before = malloc(TEAR_WORDS * 4);
    uint32_t *torn = malloc(TEAR_WORDS * 4), *again = malloc(TEAR_WORDS * 4);
    unsigned erased = 0, intact = 0, partial = 0, erased_first_half = 0, intact_first_half = 0;

    tear_pattern(before);
    tear_an_erase("seed=1", T_ERASE_16K_X32_NS / 2, torn);
    for (unsigned i = 0; i < TEAR_WORDS; i++) {
        /* An erase only sets bits. */
        ck_assert_msg((before[i] & ~torn[i]) == 0, "word %u: 0x%08x became 0x%08x", i,
                      before[i], torn[i]);
        if (before[i] == 0xFFFFFFFF) {
            continue;
        }
        if (torn[i] == 0xFFFFFFFF) {
            erased++;
            erased_first_half += i < TEAR_WORDS / 2;
        } else if (torn[i] == before[i]) {
            intact++;
            intact_first_half += i < TEAR_WORDS / 2;
        } else {
            partial++;
        }
    }
    /* Half-way: about half the words erased, scattered, a few half-way. */
    ck_assert_msg(erased > TEAR_WORDS * 35 / 100 && erased < TEAR_WORDS * 65 / 100,
                  "%u of %u words erased half-way through the erase", erased, TEAR_WORDS);
    ck_assert_msg(intact > TEAR_WORDS * 35 / 100, "%u words intact", intact);
    ck_assert_msg(partial > 0 && partial < TEAR_WORDS / 5, "%u words half-way", partial);
    ck_assert_msg(erased_first_half > 0 && intact_first_half > 0,
                  "erased words are not a prefix of the sector");

    /* Deterministic for a seed, different for another. */
    tear_an_erase("seed=1", T_ERASE_16K_X32_NS / 2, again);
    ck_assert_mem_eq(again, torn, TEAR_WORDS * 4);
    tear_an_erase("seed=2", T_ERASE_16K_X32_NS / 2, again);
    ck_assert_msg(memcmp(again, torn, TEAR_WORDS * 4) != 0, "seeds 1 and 2 tore alike");

    /* Proportional to the time elapsed. */
    tear_an_erase("seed=1", T_ERASE_16K_X32_NS / 10, again);
    erased = 0;
    for (unsigned i = 0; i < TEAR_WORDS; i++) {
        erased += again[i] == 0xFFFFFFFF && before[i] != 0xFFFFFFFF;
    }
    ck_assert_msg(erased < TEAR_WORDS * 12 / 100, "%u words erased after 10 %%", erased);
    free(before);
    free(torn);
    free(again);
}
END_TEST

START_TEST(a_torn_program_clears_only_some_of_its_bits)
{
    enum { WORDS = 64 };
    PhotonRun *run = photon_prepare();
    const uint32_t base = 0xC000, data = 0x0F00F00F;
    uint32_t old[WORDS], torn[WORDS];
    unsigned to_clear = 0, cleared = 0, partly = 0;

    for (unsigned i = 0; i < WORDS; i++) {
        old[i] = i % 2 ? 0xFFFFFFFF : 0xF0FFFF0F;
    }
    photon_flash_file_write(run, base, old, sizeof(old));
    photon_start(run, "seed=7");
    for (unsigned i = 0; i < WORDS; i++) {
        flash_unlock(run);
        WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
        WR32(run, FLASH_BASE + base + 4 * i, data);
        STEP_NS(run, T_PROG_NS / 4);
        /* The flash's own input: power lost a quarter into tPROG, then back. */
        qtest_set_irq_in(run->qt, FLASH_QOM, "power-loss", 0, 1);
        ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
        ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
        qtest_set_irq_in(run->qt, FLASH_QOM, "power-loss", 0, 0);
    }
    photon_flash_file_read(run, base, torn, sizeof(torn));
    for (unsigned i = 0; i < WORDS; i++) {
        uint32_t pending = old[i] & ~data;

        ck_assert_uint_eq(RD32(run, FLASH_BASE + base + 4 * i), torn[i]);
        /* Never sets a bit; touches no bit it did not have to clear. */
        ck_assert_msg((torn[i] & ~old[i]) == 0 && ((torn[i] ^ old[i]) & ~pending) == 0,
                      "word %u: 0x%08x programmed with 0x%08x tore to 0x%08x", i,
                      old[i], data, torn[i]);
        to_clear += __builtin_popcount(pending);
        cleared += __builtin_popcount(old[i] & ~torn[i]);
        partly += torn[i] != old[i] && torn[i] != (old[i] & data);
    }
    ck_assert_msg(cleared * 100 > to_clear * 15 && cleared * 100 < to_clear * 35,
                  "%u of %u bits cleared a quarter into tPROG", cleared, to_clear);
    ck_assert_msg(partly > WORDS / 2, "only %u of %u words partly programmed", partly, WORDS);

    /* At the store's instant nothing has changed; once done, all of it. */
    flash_unlock(run);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    WR32(run, FLASH_BASE + base + 4 * WORDS, 0);
    qtest_set_irq_in(run->qt, FLASH_QOM, "power-loss", 0, 1);
    qtest_set_irq_in(run->qt, FLASH_QOM, "power-loss", 0, 0);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + base + 4 * WORDS), 0xFFFFFFFF);
    flash_unlock(run);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    WR32(run, FLASH_BASE + base + 4 * WORDS, 0);
    STEP_NS(run, T_PROG_NS);
    qtest_set_irq_in(run->qt, FLASH_QOM, "power-loss", 0, 1);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + base + 4 * WORDS), 0);
    photon_finish(run);
}
END_TEST

START_TEST(a_system_reset_interrupts_an_erase)
{
    PhotonRun *run = photon_prepare();
    uint32_t *before = malloc(TEAR_WORDS * 4), *after = malloc(TEAR_WORDS * 4);
    unsigned erased = 0;

    tear_pattern(before);
    photon_flash_file_write(run, TEAR_OFFSET, before, TEAR_WORDS * 4);
    photon_start(run, NULL);
    flash_unlock(run);
    flash_start_erase(run, TEAR_SECTOR, FLASH_CR_PSIZE_X32);
    STEP_NS(run, T_ERASE_16K_X32_NS / 2);
    photon_system_reset(run);
    ck_assert_uint_eq(RD32(run, FLASH_SR), 0);
    ck_assert_uint_eq(RD32(run, FLASH_CR), FLASH_CR_LOCK);
    photon_flash_file_read(run, TEAR_OFFSET, after, TEAR_WORDS * 4);
    for (unsigned i = 0; i < TEAR_WORDS; i++) {
        ck_assert((before[i] & ~after[i]) == 0);
        erased += after[i] == 0xFFFFFFFF;
    }
    ck_assert_msg(erased > TEAR_WORDS / 4 && erased < TEAR_WORDS * 3 / 4,
                  "%u of %u words erased", erased, TEAR_WORDS);
    /* A reset is not a power loss: the keys still work. */
    flash_unlock(run);
    photon_finish(run);
    free(before);
    free(after);
}
END_TEST

Suite *flash_suite(void)
{
    Suite *suite = suite_create("flash");
    TCase *tc = machine_tcase(suite, "flash");

    tcase_add_test(tc, interface_is_locked_after_reset);
    tcase_add_test(tc, key_sequence_unlocks_and_lock_relocks);
    tcase_add_test(tc, a_wrong_key_locks_the_interface_until_reset);
    tcase_add_test(tc, latency_byte_write_to_acr);
    tcase_add_test(tc, programming_only_clears_bits);
    tcase_add_test(tc, erase_fills_each_sector_size_with_ff);
    tcase_add_test(tc, stores_without_pg_are_ignored);
    tcase_add_test(tc, status_errors_are_write_1_to_clear);
    tcase_add_test(tc, programmed_data_persists_in_the_image_file);
    tcase_add_test(tc, flash_survives_a_system_reset_without_a_reload);
    tcase_add_test(tc, operations_take_the_datasheet_time);
    tcase_add_test(tc, an_access_hardware_stalls_on_waits_for_the_operation);
    tcase_add_test(tc, a_power_loss_during_an_erase_leaves_the_sector_partly_erased);
    tcase_add_test(tc, a_torn_program_clears_only_some_of_its_bits);
    tcase_add_test(tc, a_system_reset_interrupts_an_erase);
    return suite;
}
