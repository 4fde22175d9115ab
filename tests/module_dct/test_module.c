/* Module parsing, flash image placement, listing and dependency checks. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "dct.h"
#include "flash_image.h"
#include "module.h"
#include "test_support.h"

/* ---- Real firmware ------------------------------------------------------- */

static const char *const real_modules[] = {
    "2.2.0/bootloader.bin", "2.2.0/system-part1.bin", "2.2.0/system-part2.bin",
    "1.5.0/bootloader.bin", "1.5.0/system-part1.bin", "1.5.0/system-part2.bin",
    "0.5.2/system-part1.bin", "0.5.2/system-part2.bin",
    "apps/tinker.bin",      "apps/tinker-0.5.2.bin",  "apps/doctor.bin",
};

START_TEST(real_modules_parse_and_crc_verifies)
{
    char *path = fixture_path(real_modules[_i]);
    size_t length;
    uint8_t *raw = test_read_file(path, &length);
    module_file f;
    sim_error err;
    ck_assert_msg(module_file_load(path, &f, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(f.mod.info.platform_id, 6);
    ck_assert_uint_eq(f.mod.image_length + 4, length);
    /* Recompute the trailer check from the raw file, not from the parser. */
    uint32_t crc = (uint32_t)crc32(0, raw, (uInt)(length - 4));
    ck_assert_uint_eq(crc, be32(raw + length - 4));
    ck_assert_uint_eq(f.mod.computed_crc, crc);
    ck_assert_uint_eq(f.mod.stored_crc, crc);
    module_file_free(&f);
    free(raw);
    free(path);
}
END_TEST

/* Values from reference/stm32f205-photon.md 1.5 (read from the binaries). */
START_TEST(system_part2_220_header_matches_reference)
{
    char *path = fixture_path("2.2.0/system-part2.bin");
    module_file f;
    sim_error err;
    ck_assert_msg(module_file_load(path, &f, &err) == 0, "%s", err.msg);
    const module_info *i = &f.mod.info;
    ck_assert_uint_eq(f.mod.header_offset, 0x184);
    ck_assert_uint_eq(i->start_address, 0x08060000);
    ck_assert_uint_eq(i->end_address, 0x0809FAE4);
    ck_assert_uint_eq(i->version, 2202);
    ck_assert_uint_eq(i->function, MODULE_FUNCTION_SYSTEM_PART);
    ck_assert_uint_eq(i->index, 2);
    ck_assert_uint_eq(i->dependency.function, 4);
    ck_assert_uint_eq(i->dependency.index, 1);
    ck_assert_uint_eq(i->dependency.version, 2202);
    ck_assert_uint_eq(i->dependency2.function, 2);
    ck_assert_uint_eq(i->dependency2.version, 1003);
    ck_assert_uint_eq(f.mod.stored_crc, 0x248602CC);
    module_file_free(&f);
    free(path);
}
END_TEST

START_TEST(user_part_header_is_at_offset_zero)
{
    char *path = fixture_path("apps/tinker.bin");
    module_file f;
    sim_error err;
    ck_assert_msg(module_file_load(path, &f, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(f.mod.header_offset, 0);
    ck_assert_uint_eq(f.mod.info.start_address, 0x080A0000);
    ck_assert_uint_eq(f.mod.info.function, MODULE_FUNCTION_USER_PART);
    module_file_free(&f);
    free(path);
}
END_TEST

/* Loads the given fixtures into a fresh image and returns its dependency problems. */
static size_t flash_fixtures(const char *const *names, size_t count, uint8_t **flash_out,
                             char problems[][256], size_t max)
{
    module_file files[8];
    sim_error err;
    for (size_t i = 0; i < count; i++) {
        char *path = fixture_path(names[i]);
        ck_assert_msg(module_file_load(path, &files[i], &err) == 0, "%s", err.msg);
        free(path);
    }
    uint8_t *flash = flash_image_new();
    ck_assert_msg(flash_image_place(flash, files, count, &err) == 0, "%s", err.msg);
    for (size_t i = 0; i < count; i++)
        module_file_free(&files[i]);
    size_t n = flash_image_check_dependencies(flash, problems, max);
    if (flash_out)
        *flash_out = flash;
    else
        free(flash);
    return n;
}

START_TEST(dependency_chains_of_all_versions_are_met)
{
    static const char *const sets[][4] = {
        {"2.2.0/bootloader.bin", "2.2.0/system-part1.bin", "2.2.0/system-part2.bin", "apps/tinker.bin"},
        {"1.5.0/bootloader.bin", "1.5.0/system-part1.bin", "1.5.0/system-part2.bin", "apps/doctor.bin"},
        /* 0.5.2 ships no bootloader; the 1.5.0 one runs it. */
        {"1.5.0/bootloader.bin", "0.5.2/system-part1.bin", "0.5.2/system-part2.bin",
         "apps/tinker-0.5.2.bin"},
    };
    char problems[8][256];
    size_t n = flash_fixtures(sets[_i], 4, NULL, problems, 8);
    ck_assert_msg(n == 0, "set %d: %s", _i, n ? problems[0] : "");
}
END_TEST

START_TEST(old_bootloader_fails_part2_dependency2)
{
    static const char *const set[] = {"1.5.0/bootloader.bin", "2.2.0/system-part1.bin",
                                      "2.2.0/system-part2.bin"};
    char problems[8][256];
    size_t n = flash_fixtures(set, 3, NULL, problems, 8);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_nonnull(strstr(problems[0], "system part 2"));
    ck_assert_ptr_nonnull(strstr(problems[0], "dependency2"));
    ck_assert_ptr_nonnull(strstr(problems[0], "bootloader >= v1003"));
    ck_assert_ptr_nonnull(strstr(problems[0], "v501"));
}
END_TEST

START_TEST(user_part_without_system_is_reported)
{
    static const char *const set[] = {"apps/tinker.bin"};
    char problems[8][256];
    size_t n = flash_fixtures(set, 1, NULL, problems, 8);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_nonnull(strstr(problems[0], "user part 1"));
    ck_assert_ptr_nonnull(strstr(problems[0], "system part 2 >= v6"));
    ck_assert_ptr_nonnull(strstr(problems[0], "no system part 2"));
}
END_TEST

START_TEST(listing_finds_placed_modules_and_bad_crc)
{
    static const char *const set[] = {"2.2.0/bootloader.bin", "2.2.0/system-part1.bin",
                                      "2.2.0/system-part2.bin", "apps/tinker.bin"};
    uint8_t *flash;
    char problems[8][256];
    ck_assert_uint_eq(flash_fixtures(set, 4, &flash, problems, 8), 0);

    flash_listing list[FLASH_SLOT_COUNT];
    flash_image_list(flash, list);
    ck_assert(list[FLASH_SLOT_BOOTLOADER].present && list[FLASH_SLOT_BOOTLOADER].crc_ok);
    ck_assert_uint_eq(list[FLASH_SLOT_SYSTEM_PART1].mod.info.version, 2202);
    ck_assert(list[FLASH_SLOT_USER_PART].present && list[FLASH_SLOT_USER_PART].crc_ok);
    ck_assert(list[FLASH_SLOT_FACTORY].empty);

    /* Corrupt one byte of part 1's code: the listing and the check say so. */
    flash[0x20000 + 0x1000] ^= 0x01;
    flash_image_list(flash, list);
    ck_assert(list[FLASH_SLOT_SYSTEM_PART1].present);
    ck_assert(!list[FLASH_SLOT_SYSTEM_PART1].crc_ok);
    ck_assert_ptr_nonnull(strstr(list[FLASH_SLOT_SYSTEM_PART1].problem, "CRC-32 mismatch"));
    size_t n = flash_image_check_dependencies(flash, problems, 8);
    ck_assert_uint_ge(n, 2); /* its own CRC, and part 2's dependency on it */
    bool mentions = false;
    for (size_t i = 0; i < n; i++)
        mentions |= strstr(problems[i], "system part 2 v2202: dependency needs system part 1") != NULL;
    ck_assert(mentions);
    free(flash);
}
END_TEST

/* ---- Synthetic bad modules ------------------------------------------------ */

static int parse_synthetic(const synthetic_module *m, size_t cut, const char *name,
                           sim_error *err, uint8_t **bytes_out)
{
    size_t length;
    uint8_t *b = synthetic_build(m, &length);
    module mod;
    int rc = module_parse(b, cut ? cut : length, name, &mod, err);
    if (bytes_out)
        *bytes_out = b;
    else
        free(b);
    return rc;
}

START_TEST(wrong_platform_names_file_module_and_field)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    m.platform_id = 10;
    sim_error err;
    ck_assert_int_eq(parse_synthetic(&m, 0, "tinker.bin", &err, NULL), -1);
    ck_assert_str_eq(err.msg, "tinker.bin: user part 1: platform_id is 10, expected 6 (Photon)");
}
END_TEST

START_TEST(truncated_file_reports_both_sizes)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_SYSTEM_PART, 2);
    m.image_length = 260836;
    sim_error err;
    ck_assert_int_eq(parse_synthetic(&m, 1000, "part2.bin", &err, NULL), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "part2.bin: system part 2: truncated: header says 260840 bytes"));
    ck_assert_ptr_nonnull(strstr(err.msg, "file has 1000"));
}
END_TEST

START_TEST(file_too_short_for_header)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_SYSTEM_PART, 1);
    sim_error err;
    ck_assert_int_eq(parse_synthetic(&m, 0x190, "p1.bin", &err, NULL), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "p1.bin: truncated"));
    ck_assert_ptr_nonnull(strstr(err.msg, "0x184"));
}
END_TEST

START_TEST(bad_crc_reports_stored_and_computed)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    size_t length;
    uint8_t *b = synthetic_build(&m, &length);
    uint32_t stored = be32(b + length - 4);
    b[100] ^= 0xFF;
    uint32_t computed = (uint32_t)crc32(0, b, (uInt)(length - 4));
    module mod;
    sim_error err;
    ck_assert_int_eq(module_parse(b, length, "app.bin", &mod, &err), -1);
    char expected[160];
    snprintf(expected, sizeof expected, "CRC-32 mismatch at offset 0x%zX: stored 0x%08X, computed 0x%08X",
             length - 4, stored, computed);
    ck_assert_ptr_nonnull(strstr(err.msg, "app.bin: user part 1: "));
    ck_assert_msg(strstr(err.msg, expected) != NULL, "%s", err.msg);
    free(b);
}
END_TEST

START_TEST(trailing_bytes_are_rejected)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    size_t length;
    uint8_t *b = synthetic_build(&m, &length);
    uint8_t *longer = calloc(1, length + 16);
    memcpy(longer, b, length);
    module mod;
    sim_error err;
    ck_assert_int_eq(module_parse(longer, length + 16, "app.bin", &mod, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "16 bytes of trailing data"));
    free(b);
    free(longer);
}
END_TEST

START_TEST(end_address_beyond_flash_is_rejected)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    m.start = 0x080FFF00;
    sim_error err;
    ck_assert_int_eq(parse_synthetic(&m, 0, "big.bin", &err, NULL), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "big.bin: user part 1: module_end_address"));
}
END_TEST

START_TEST(synthetic_vector_table_module_parses)
{
    synthetic_module m = synthetic_defaults(MODULE_FUNCTION_SYSTEM_PART, 1);
    m.version = 1234;
    m.dep_function = 4;
    m.dep_index = 2;
    m.dep_version = 77;
    size_t length;
    uint8_t *b = synthetic_build(&m, &length);
    module mod;
    sim_error err;
    ck_assert_msg(module_parse(b, length, "p1.bin", &mod, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(mod.header_offset, 0x184);
    ck_assert_uint_eq(mod.info.version, 1234);
    ck_assert_uint_eq(mod.info.dependency.version, 77);
    /* Encode/decode round trip of the 24-byte header. */
    uint8_t again[24];
    module_info_encode(&mod.info, again);
    ck_assert_mem_eq(again, b + 0x184, 24);
    free(b);
}
END_TEST

/* ---- Placement ------------------------------------------------------------ */

static module_file load_synthetic(const char *dir, const char *name, const synthetic_module *m)
{
    size_t length;
    uint8_t *b = synthetic_build(m, &length);
    char *path = test_write_file(dir, name, b, length);
    module_file f;
    sim_error err;
    ck_assert_msg(module_file_load(path, &f, &err) == 0, "%s", err.msg);
    free(b);
    free(path);
    return f;
}

START_TEST(overlapping_modules_are_named)
{
    char *dir = test_temp_dir();
    synthetic_module a = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    synthetic_module b = a;
    b.version = 200;
    module_file files[2] = {load_synthetic(dir, "first.bin", &a), load_synthetic(dir, "second.bin", &b)};
    uint8_t *flash = flash_image_new();
    sim_error err;
    ck_assert_int_eq(flash_image_place(flash, files, 2, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "first.bin (user part 1, 0x080A0000..0x080A0804)"));
    ck_assert_ptr_nonnull(strstr(err.msg, "overlaps"));
    ck_assert_ptr_nonnull(strstr(err.msg, "second.bin (user part 1"));
    /* Nothing was programmed. */
    uint8_t *erased = flash_image_new();
    ck_assert_mem_eq(flash, erased, FLASH_SIZE);
    free(erased);
    module_file_free(&files[0]);
    module_file_free(&files[1]);
    free(flash);
    test_remove_dir(dir);
}
END_TEST

START_TEST(module_in_wrong_place_is_rejected)
{
    char *dir = test_temp_dir();
    synthetic_module a = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    a.start = 0x080C0000;
    module_file f = load_synthetic(dir, "elsewhere.bin", &a);
    uint8_t *flash = flash_image_new();
    sim_error err;
    ck_assert_int_eq(flash_image_place(flash, &f, 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "elsewhere.bin: user part 1: module_start_address is 0x080C0000"));
    ck_assert_ptr_nonnull(strstr(err.msg, "0x080A0000"));
    module_file_free(&f);
    free(flash);
    test_remove_dir(dir);
}
END_TEST

START_TEST(oversized_bootloader_is_rejected)
{
    char *dir = test_temp_dir();
    synthetic_module a = synthetic_defaults(MODULE_FUNCTION_BOOTLOADER, 0);
    a.image_length = 0x4000; /* + CRC spills into DCT1 */
    module_file f = load_synthetic(dir, "boot.bin", &a);
    uint8_t *flash = flash_image_new();
    sim_error err;
    ck_assert_int_eq(flash_image_place(flash, &f, 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "boot.bin: bootloader: 16388 bytes"));
    module_file_free(&f);
    free(flash);
    test_remove_dir(dir);
}
END_TEST

START_TEST(placement_erases_covered_sectors_and_keeps_dct)
{
    char *dir = test_temp_dir();
    synthetic_module a = synthetic_defaults(MODULE_FUNCTION_USER_PART, 1);
    module_file f = load_synthetic(dir, "app.bin", &a);
    uint8_t *flash = flash_image_new();
    /* Stale bytes in sector 9 (the user part's) and a DCT byte elsewhere. */
    memset(flash + 0xA0000, 0x00, 0x20000);
    flash[DCT_AREA_FLASH_OFFSET + 100] = 0x42;
    flash[0xC0000] = 0x24; /* sector 10 must not be touched */
    sim_error err;
    ck_assert_msg(flash_image_place(flash, &f, 1, &err) == 0, "%s", err.msg);
    ck_assert_mem_eq(flash + 0xA0000, f.data, f.length);
    size_t rest = 0xC0000 - (0xA0000 + f.length);
    uint8_t *erased = flash_image_new();
    ck_assert_mem_eq(flash + 0xA0000 + f.length, erased, rest);
    free(erased);
    ck_assert_uint_eq(flash[DCT_AREA_FLASH_OFFSET + 100], 0x42);
    ck_assert_uint_eq(flash[0xC0000], 0x24);
    module_file_free(&f);
    free(flash);
    test_remove_dir(dir);
}
END_TEST

START_TEST(sector_map_is_f205)
{
    ck_assert_int_eq(flash_sector_of(0x08000000), 0);
    ck_assert_int_eq(flash_sector_of(0x08003FFF), 0);
    ck_assert_int_eq(flash_sector_of(0x08004000), 1);
    ck_assert_int_eq(flash_sector_of(0x0800C000), 3);
    ck_assert_int_eq(flash_sector_of(0x0801FFFF), 4);
    ck_assert_int_eq(flash_sector_of(0x08020000), 5);
    ck_assert_int_eq(flash_sector_of(0x080FFFFF), 11);
    ck_assert_int_eq(flash_sector_of(0x08100000), -1);
    uint32_t total = 0;
    for (int i = 0; i < FLASH_SECTOR_COUNT; i++) {
        ck_assert_uint_eq(flash_sectors[i].address, 0x08000000 + total);
        total += flash_sectors[i].size;
    }
    ck_assert_uint_eq(total, 1024 * 1024);
}
END_TEST

/* ---- Image files ----------------------------------------------------------- */

static size_t count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, ".photon-", 8) == 0;
    closedir(d);
    return n;
}

START_TEST(save_is_atomic_and_load_checks_size)
{
    char *dir = test_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/image.bin", dir);
    uint8_t *flash = flash_image_new();
    flash[5] = 0x12;
    sim_error err;
    ck_assert_msg(flash_image_save(path, flash, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(count_temp_files(dir), 0);
    uint8_t *again;
    ck_assert_msg(flash_image_load(path, &again, &err) == 0, "%s", err.msg);
    ck_assert_mem_eq(again, flash, FLASH_SIZE);
    free(again);

    /* A short file is not an image. */
    char *short_path = test_write_file(dir, "short.bin", flash, 1000);
    ck_assert_int_eq(flash_image_load(short_path, &again, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "short.bin: not a flash image"));

    /* Saving into a missing folder fails and leaves nothing behind. */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/no/such/dir/image.bin", dir);
    ck_assert_int_eq(flash_image_save(missing, flash, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "no/such/dir/image.bin"));
    ck_assert_uint_eq(count_temp_files(dir), 0);
    free(short_path);
    free(flash);
    test_remove_dir(dir);
}
END_TEST

static Suite *module_suite(void)
{
    Suite *s = suite_create("module");
    TCase *real = tcase_create("real firmware");
    tcase_set_timeout(real, 30);
    tcase_add_loop_test(real, real_modules_parse_and_crc_verifies, 0,
                        (int)(sizeof real_modules / sizeof real_modules[0]));
    tcase_add_test(real, system_part2_220_header_matches_reference);
    tcase_add_test(real, user_part_header_is_at_offset_zero);
    tcase_add_loop_test(real, dependency_chains_of_all_versions_are_met, 0, 3);
    tcase_add_test(real, old_bootloader_fails_part2_dependency2);
    tcase_add_test(real, user_part_without_system_is_reported);
    tcase_add_test(real, listing_finds_placed_modules_and_bad_crc);
    suite_add_tcase(s, real);

    TCase *bad = tcase_create("synthetic modules");
    tcase_add_test(bad, wrong_platform_names_file_module_and_field);
    tcase_add_test(bad, truncated_file_reports_both_sizes);
    tcase_add_test(bad, file_too_short_for_header);
    tcase_add_test(bad, bad_crc_reports_stored_and_computed);
    tcase_add_test(bad, trailing_bytes_are_rejected);
    tcase_add_test(bad, end_address_beyond_flash_is_rejected);
    tcase_add_test(bad, synthetic_vector_table_module_parses);
    suite_add_tcase(s, bad);

    TCase *place = tcase_create("placement");
    tcase_add_test(place, overlapping_modules_are_named);
    tcase_add_test(place, module_in_wrong_place_is_rejected);
    tcase_add_test(place, oversized_bootloader_is_rejected);
    tcase_add_test(place, placement_erases_covered_sectors_and_keeps_dct);
    tcase_add_test(place, sector_map_is_f205);
    tcase_add_test(place, save_is_atomic_and_load_checks_size);
    suite_add_tcase(s, place);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(module_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
