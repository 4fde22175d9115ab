/*
 * Memory map (reference §1.1, §1.2, §7.2): flash and its boot alias, SRAM,
 * backup SRAM, and system memory with the unique ID the cloud knows the
 * device by.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "machine_test.h"

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

START_TEST(flash_and_its_alias_at_zero_read_the_image)
{
    PhotonRun *run = photon_prepare();
    uint8_t vectors[8], tail[4];

    /* The bootloader's first two vector words, and a marker in the last word. */
    put_le32(vectors, 0x20020000);
    put_le32(vectors + 4, 0x0800019D);
    put_le32(tail, 0xC0DEF00D);
    photon_flash_file_write(run, 0, vectors, sizeof(vectors));
    photon_flash_file_write(run, FLASH_SIZE - 4, tail, sizeof(tail));
    photon_start(run, NULL);
    ck_assert_uint_eq(RD32(run, FLASH_BASE), 0x20020000);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + 4), 0x0800019D);
    ck_assert_uint_eq(RD32(run, 0x00000000), 0x20020000);
    ck_assert_uint_eq(RD32(run, 0x00000004), 0x0800019D);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + FLASH_SIZE - 4), 0xC0DEF00D);
    ck_assert_uint_eq(RD32(run, FLASH_SIZE - 4), 0xC0DEF00D);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + 0x4000), 0xFFFFFFFF);
    photon_finish(run);
}
END_TEST

START_TEST(flash_ends_at_one_mebibyte)
{
    PhotonRun *run = photon_boot(NULL);

    /*
     * Past the end the bus faults for the CPU; a qtest read of unmapped
     * memory only returns 0. Erased flash would read all ones, so 0 here
     * shows the array does not extend beyond 1 MiB.
     */
    ck_assert_uint_eq(RD32(run, FLASH_BASE + FLASH_SIZE - 4), 0xFFFFFFFF);
    ck_assert_uint_eq(RD32(run, FLASH_BASE + FLASH_SIZE), 0);
    photon_finish(run);
}
END_TEST

START_TEST(sram_is_128_kib_at_0x20000000)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, SRAM_BASE, 0x11223344);
    WR32(run, SRAM_BASE + SRAM_SIZE - 4, 0x55667788);
    WR8(run, SRAM_BASE + 0x14801, 0xAB);
    ck_assert_uint_eq(RD32(run, SRAM_BASE), 0x11223344);
    ck_assert_uint_eq(RD32(run, SRAM_BASE + SRAM_SIZE - 4), 0x55667788);
    ck_assert_uint_eq(RD8(run, SRAM_BASE + 0x14801), 0xAB);
    /* The initial stack pointer 0x20020000 is one past the end: not RAM. */
    WR32(run, SRAM_BASE + SRAM_SIZE, 0x99AABBCC);
    ck_assert_uint_eq(RD32(run, SRAM_BASE + SRAM_SIZE), 0);
    photon_finish(run);
}
END_TEST

START_TEST(backup_sram_is_4_kib_and_survives_a_system_reset)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, BKPSRAM_BASE, 0xB5B5B5B5);
    WR32(run, BKPSRAM_BASE + BKPSRAM_SIZE - 4, 0x5AFE5AFE);
    photon_system_reset(run);
    ck_assert_uint_eq(RD32(run, RCC_CSR) & RCC_CSR_SFTRSTF, RCC_CSR_SFTRSTF);
    ck_assert_uint_eq(RD32(run, BKPSRAM_BASE), 0xB5B5B5B5);
    ck_assert_uint_eq(RD32(run, BKPSRAM_BASE + BKPSRAM_SIZE - 4), 0x5AFE5AFE);
    photon_finish(run);
}
END_TEST

START_TEST(unique_id_is_the_uid_option)
{
    static const uint8_t uid[12] = {
        0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67,
    };
    PhotonRun *run = photon_boot("uid=0123456789ABCDEF01234567");
    uint8_t read[12];

    /* HAL_device_ID copies the 12 raw bytes at 0x1FFF7A10. */
    qtest_memread(run->qt, UID_BASE, read, sizeof(read));
    ck_assert_mem_eq(read, uid, sizeof(uid));
    ck_assert_uint_eq(RD32(run, UID_BASE), 0x67452301);
    photon_finish(run);
}
END_TEST

START_TEST(flash_size_register_says_1024_kib)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD16(run, FLASH_SIZE_REG), 0x0400);
    photon_finish(run);
}
END_TEST

START_TEST(otp_reads_erased)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, OTP_BASE), 0xFFFFFFFF);
    ck_assert_uint_eq(RD32(run, OTP_BASE + 0x1FC), 0xFFFFFFFF);
    photon_finish(run);
}
END_TEST

Suite *memory_map_suite(void)
{
    Suite *suite = suite_create("memory_map");
    TCase *tc = machine_tcase(suite, "memory_map");

    tcase_add_test(tc, flash_and_its_alias_at_zero_read_the_image);
    tcase_add_test(tc, flash_ends_at_one_mebibyte);
    tcase_add_test(tc, sram_is_128_kib_at_0x20000000);
    tcase_add_test(tc, backup_sram_is_4_kib_and_survives_a_system_reset);
    tcase_add_test(tc, unique_id_is_the_uid_option);
    tcase_add_test(tc, flash_size_register_says_1024_kib);
    tcase_add_test(tc, otp_reads_erased);
    return suite;
}
