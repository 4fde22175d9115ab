/*
 * Flash interface and array: the lock, NOR programming (bits only clear),
 * sector erase over the F2's uneven sector map, and persistence in the image
 * file, which the DCT writes of a first boot depend on (reference §2.2, §6.2).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "machine_test.h"

static void flash_unlock(PhotonRun *run)
{
    WR32(run, FLASH_KEYR, FLASH_KEY1);
    WR32(run, FLASH_KEYR, FLASH_KEY2);
    ck_assert_uint_eq(RD32(run, FLASH_CR), 0);
}

/* FLASH_ProgramWord: PG with x32 parallelism, then a plain store. */
static void flash_program_word(PhotonRun *run, uint32_t addr, uint32_t value)
{
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    WR32(run, addr, value);
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32);
}

/* FLASH_EraseSector: SER and SNB, then STRT. */
static void flash_erase_sector(PhotonRun *run, unsigned sector)
{
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_SER | FLASH_CR_SNB(sector));
    WR32(run, FLASH_CR, RD32(run, FLASH_CR) | FLASH_CR_STRT);
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
    WR32(run, FLASH_CR, FLASH_CR_PSIZE_X16 | FLASH_CR_PG);
    WR16(run, addr + 6, 0x1234);
    ck_assert_uint_eq(RD32(run, addr + 4), 0x12345AFF);
    /* Operations finish at once: not busy, and no EOP (EOPIE is never set). */
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
    return suite;
}
