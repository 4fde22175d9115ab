/*
 * CRC unit: the bootloader and Device OS validate every module with
 * Compute_CRC32() on it (reference §1.6), which must equal zlib's crc32. A
 * wrong unit does not fault: the device silently boots into safe mode.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <zlib.h>

#include "machine_test.h"

static uint32_t rbit(uint32_t v)
{
    uint32_t r = 0;

    for (int i = 0; i < 32; i++) {
        r = (r << 1) | ((v >> i) & 1);
    }
    return r;
}

/*
 * Compute_CRC32() of hw_config.c: bit-reversed words through the unit, then
 * the trailing bytes in software with the reflected polynomial.
 */
static uint32_t compute_crc32_on_unit(PhotonRun *run, const uint8_t *data, size_t len)
{
    size_t words = len / 4;
    uint32_t d;

    WR32(run, CRC_CR, CRC_CR_RESET);
    for (size_t i = 0; i < words; i++) {
        const uint8_t *p = data + 4 * i;

        WR32(run, CRC_DR, rbit(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24));
    }
    d = rbit(RD32(run, CRC_DR));
    for (size_t i = 4 * words; i < len; i++) {
        d ^= data[i];
        for (int bit = 0; bit < 8; bit++) {
            d = (d & 1) ? (d >> 1) ^ 0xEDB88320u : d >> 1;
        }
    }
    return ~d;
}

START_TEST(reset_puts_all_ones_in_dr)
{
    PhotonRun *run = photon_boot(NULL);

    ck_assert_uint_eq(RD32(run, CRC_DR), 0xFFFFFFFF);
    WR32(run, CRC_DR, 0x12345678);
    ck_assert_uint_ne(RD32(run, CRC_DR), 0xFFFFFFFF);
    WR32(run, CRC_CR, CRC_CR_RESET);
    ck_assert_uint_eq(RD32(run, CRC_DR), 0xFFFFFFFF);
    photon_finish(run);
}
END_TEST

START_TEST(independent_data_register_is_8_bits_and_kept_by_reset)
{
    PhotonRun *run = photon_boot(NULL);

    WR32(run, CRC_IDR, 0x1A5);
    ck_assert_uint_eq(RD32(run, CRC_IDR), 0xA5);
    WR32(run, CRC_CR, CRC_CR_RESET);
    ck_assert_uint_eq(RD32(run, CRC_IDR), 0xA5);
    photon_finish(run);
}
END_TEST

START_TEST(check_value_of_123456789)
{
    PhotonRun *run = photon_boot(NULL);

    /* The standard CRC-32 check value; 9 bytes = 2 words + 1 trailing byte. */
    ck_assert_uint_eq(compute_crc32_on_unit(run, (const uint8_t *)"123456789", 9),
                      0xCBF43926);
    photon_finish(run);
}
END_TEST

START_TEST(firmware_routine_equals_zlib_crc32)
{
    PhotonRun *run = photon_boot(NULL);
    uint8_t data[1027];
    uint32_t x = 0x2545F491;

    for (size_t i = 0; i < sizeof(data); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    /* Every trailing-byte count, and a length with no whole word. */
    for (size_t len = sizeof(data) - 3; len <= sizeof(data); len++) {
        ck_assert_uint_eq(compute_crc32_on_unit(run, data, len), crc32(0, data, len));
    }
    ck_assert_uint_eq(compute_crc32_on_unit(run, data, 3), crc32(0, data, 3));
    ck_assert_uint_eq(compute_crc32_on_unit(run, data, 0), 0);
    photon_finish(run);
}
END_TEST

Suite *crc_suite(void)
{
    Suite *suite = suite_create("crc");
    TCase *tc = machine_tcase(suite, "crc");

    tcase_add_test(tc, reset_puts_all_ones_in_dr);
    tcase_add_test(tc, independent_data_register_is_8_bits_and_kept_by_reset);
    tcase_add_test(tc, check_value_of_123456789);
    tcase_add_test(tc, firmware_routine_equals_zlib_crc32);
    return suite;
}
