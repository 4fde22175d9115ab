/* The key recipes (photon-sim keys) on an in-memory flash image and an
 * on-disk temporary cloud directory. Keys in the DCT and the registry are
 * checked with mbedTLS directly, not through the recipes' own helpers. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "dct.h"
#include "flash_image.h"
#include "key_recipes.h"
#include "keys.h"
#include "test_support.h"

static const uint8_t default_uid[12] = {0x32, 0x00, 0x1f, 0x00, 0x0c, 0x47,
                                        0x34, 0x33, 0x37, 0x33, 0x34, 0x37};

/* A blank image, a temporary cloud directory and its registry. */
typedef struct fixture {
    uint8_t *flash;
    char *dir;
    cloud_registry *registry;
} fixture;

static void fixture_open(fixture *f)
{
    char error[512];
    f->flash = flash_image_new();
    ck_assert_ptr_nonnull(f->flash);
    f->dir = test_temp_dir();
    f->registry = cloud_registry_open(f->dir, error, sizeof error);
    ck_assert_msg(f->registry != NULL, "%s", error);
}

static void fixture_close(fixture *f)
{
    cloud_registry_free(f->registry);
    test_remove_dir(f->dir);
    free(f->flash);
}

static const uint8_t *area(const fixture *f)
{
    return f->flash + DCT_AREA_FLASH_OFFSET;
}

/* The DCT's private key field, its DER length, and a check that the copy
 * the firmware would read has a good CRC. */
static size_t dct_device_key(const fixture *f, uint8_t key[DCT_APP_DEVICE_PRIVATE_KEY_USED])
{
    int current = dct_select_current(area(f));
    ck_assert_int_ge(current, 0);
    dct_copy_status st;
    dct_validate(area(f) + current * DCT_COPY_SIZE, &st);
    ck_assert(st.crc_ok);
    dct_read_app(area(f), DCT_APP_DEVICE_PRIVATE_KEY, key, DCT_APP_DEVICE_PRIVATE_KEY_USED);
    ck_assert_uint_eq(key[0], 0x30);
    return 4 + ((size_t)key[2] << 8 | key[3]);
}

/* N of a private key (PKCS#1 DER) or a public key (SPKI DER), via mbedTLS. */
static void modulus_of(const uint8_t *der, size_t length, bool is_private, uint8_t n[128])
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = is_private ? mbedtls_pk_parse_key(&pk, der, length, NULL, 0)
                        : mbedtls_pk_parse_public_key(&pk, der, length);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(mbedtls_pk_get_bitlen(&pk), 1024);
    ck_assert_int_eq(mbedtls_rsa_export_raw(mbedtls_pk_rsa(pk), n, 128, NULL, 0, NULL, 0, NULL, 0,
                                            NULL, 0), 0);
    mbedtls_pk_free(&pk);
}

/* The registry's key for the default UID has the DCT key's modulus. */
static bool registry_matches_dct(fixture *f)
{
    uint8_t key[DCT_APP_DEVICE_PRIVATE_KEY_USED], n_dct[128], n_reg[128];
    size_t length = dct_device_key(f, key);
    modulus_of(key, length, true, n_dct);

    /* A fresh handle: the record must be on disk, not just in memory. */
    char error[512];
    cloud_registry *reopened = cloud_registry_open(f->dir, error, sizeof error);
    ck_assert_ptr_nonnull(reopened);
    cloud_device_record record;
    ck_assert_int_eq(cloud_registry_lookup(reopened, "32001f000c47343337333437", &record, error,
                                           sizeof error), CLOUD_REGISTRY_FOUND);
    cloud_registry_free(reopened);
    modulus_of(record.key_der, record.key_der_length, false, n_reg);
    return memcmp(n_dct, n_reg, 128) == 0;
}

static char *record_path(const fixture *f)
{
    char *path = malloc(strlen(f->dir) + 64);
    sprintf(path, "%s/32001f000c47343337333437.pub.pem", f->dir);
    return path;
}

START_TEST(doctor_writes_a_valid_key_and_registers_it)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    ck_assert_msg(key_recipe_doctor(f.flash, f.registry, default_uid, "7", &r, &err) == 0, "%s",
                  err.msg);
    ck_assert(r.dct_written);
    ck_assert(r.dct.initialised); /* a blank DCT is initialised first, as the firmware does */
    ck_assert_str_eq(r.seed, "7");
    ck_assert_str_eq(r.device_id, "32001f000c47343337333437");
    ck_assert_int_eq(r.registry, KEY_REGISTRY_ADDED);

    uint8_t key[DCT_APP_DEVICE_PRIVATE_KEY_USED];
    size_t length = dct_device_key(&f, key);
    ck_assert_uint_eq(length, r.device_key_length);
    ck_assert_msg(keys_check_device_key(key, length, &err) == 0, "%s", err.msg);
    for (size_t i = length; i < sizeof key; i++)
        ck_assert_uint_eq(key[i], 0xFF);
    ck_assert(registry_matches_dct(&f));

    /* The public key cache: the 162-byte SPKI mbedTLS writes, then zeros. */
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(mbedtls_pk_parse_key(&pk, key, length, NULL, 0), 0);
    uint8_t spki[400], cache[DCT_APP_DEVICE_PUBLIC_KEY_SIZE];
    ck_assert_int_eq(mbedtls_pk_write_pubkey_der(&pk, spki, sizeof spki), 162);
    mbedtls_pk_free(&pk);
    dct_read_app(area(&f), DCT_APP_DEVICE_PUBLIC_KEY, cache, sizeof cache);
    ck_assert_mem_eq(cache, spki + sizeof spki - 162, 162);
    for (size_t i = 162; i < sizeof cache; i++)
        ck_assert_uint_eq(cache[i], 0);

    key_report report;
    key_recipe_inspect(f.flash, f.registry, default_uid, NULL, &report);
    ck_assert_int_eq(report.device_key, KEY_STATE_VALID);
    ck_assert_int_eq(report.public_cache, KEY_CACHE_MATCHES);
    ck_assert_int_eq(report.registry, KEY_REGISTRY_MATCHES);

    /* A blank device key next to a record: the key the firmware will make cannot match it. */
    uint8_t *blank = flash_image_new();
    key_recipe_inspect(blank, f.registry, default_uid, NULL, &report);
    ck_assert_int_eq(report.device_key, KEY_STATE_BLANK);
    ck_assert_int_eq(report.registry, KEY_REGISTRY_PRESENT);
    free(blank);
    fixture_close(&f);
}
END_TEST

START_TEST(new_changes_the_dct_key_but_not_the_registry)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    ck_assert_msg(key_recipe_doctor(f.flash, f.registry, default_uid, "1", &r, &err) == 0, "%s",
                  err.msg);
    uint8_t before[DCT_APP_DEVICE_PRIVATE_KEY_USED], after[DCT_APP_DEVICE_PRIVATE_KEY_USED];
    dct_device_key(&f, before);
    char *path = record_path(&f);
    size_t record_length, record_length_after;
    uint8_t *record = test_read_file(path, &record_length);

    ck_assert_msg(key_recipe_new(f.flash, "2", &r, &err) == 0, "%s", err.msg);
    ck_assert(r.dct_written);
    ck_assert_int_eq(r.registry, KEY_REGISTRY_UNTOUCHED);
    size_t length = dct_device_key(&f, after);
    ck_assert(memcmp(before, after, sizeof before) != 0);
    ck_assert_msg(keys_check_device_key(after, length, &err) == 0, "%s", err.msg);

    uint8_t *record_after = test_read_file(path, &record_length_after);
    ck_assert_uint_eq(record_length, record_length_after);
    ck_assert_mem_eq(record, record_after, record_length);
    ck_assert(!registry_matches_dct(&f));

    key_report report;
    key_recipe_inspect(f.flash, f.registry, default_uid, NULL, &report);
    ck_assert_int_eq(report.registry, KEY_REGISTRY_DIFFERS);
    free(record);
    free(record_after);
    free(path);
    fixture_close(&f);
}
END_TEST

START_TEST(send_after_new_registers_the_new_key)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    ck_assert_int_eq(key_recipe_doctor(f.flash, f.registry, default_uid, "1", &r, &err), 0);
    ck_assert_int_eq(key_recipe_new(f.flash, "2", &r, &err), 0);
    ck_assert(!registry_matches_dct(&f));

    uint8_t *image_before = malloc(FLASH_SIZE);
    memcpy(image_before, f.flash, FLASH_SIZE);
    ck_assert_msg(key_recipe_send(f.flash, f.registry, default_uid, &r, &err) == 0, "%s",
                  err.msg);
    ck_assert_int_eq(r.registry, KEY_REGISTRY_REPLACED);
    ck_assert(!r.dct_written);
    ck_assert(memcmp(image_before, f.flash, FLASH_SIZE) == 0); /* send only reads the image */
    ck_assert(registry_matches_dct(&f));

    ck_assert_int_eq(key_recipe_send(f.flash, f.registry, default_uid, &r, &err), 0);
    ck_assert_int_eq(r.registry, KEY_REGISTRY_UNCHANGED);

    /* Another device ID gets its own record. */
    uint8_t other[12];
    ck_assert_int_eq(keys_parse_uid("41002b000f473435333736ab", other, &err), 0);
    ck_assert_int_eq(key_recipe_send(f.flash, f.registry, other, &r, &err), 0);
    ck_assert_int_eq(r.registry, KEY_REGISTRY_ADDED);
    ck_assert_str_eq(r.device_id, "41002b000f473435333736ab");
    free(image_before);
    fixture_close(&f);
}
END_TEST

START_TEST(send_keeps_the_record_name)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    char error[512];
    ck_assert_int_eq(key_recipe_doctor(f.flash, f.registry, default_uid, "1", &r, &err), 0);
    cloud_device_record record;
    ck_assert_int_eq(cloud_registry_lookup(f.registry, r.device_id, &record, error, sizeof error),
                     CLOUD_REGISTRY_FOUND);
    snprintf(record.name, sizeof record.name, "kitchen");
    record.claimed = true;
    ck_assert_int_eq(cloud_registry_store(f.registry, &record, error, sizeof error), 0);

    ck_assert_int_eq(key_recipe_new(f.flash, "3", &r, &err), 0);
    ck_assert_int_eq(key_recipe_send(f.flash, f.registry, default_uid, &r, &err), 0);
    ck_assert_int_eq(cloud_registry_lookup(f.registry, r.device_id, &record, error, sizeof error),
                     CLOUD_REGISTRY_FOUND);
    ck_assert_str_eq(record.name, "kitchen");
    ck_assert(record.claimed);
    ck_assert(registry_matches_dct(&f));
    fixture_close(&f);
}
END_TEST

START_TEST(send_refuses_blank_and_broken_keys)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    ck_assert_int_eq(key_recipe_send(f.flash, f.registry, default_uid, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "device_private_key (app offset 34): blank"));

    /* A flipped bit of N: still DER, but not a consistent RSA key. */
    uint8_t der[DEVICE_KEY_DER_MAX], broken[DCT_APP_DEVICE_PRIVATE_KEY_USED];
    size_t length;
    ck_assert_int_eq(key_recipe_generate("4", der, &length, &err), 0);
    memset(broken, 0xFF, sizeof broken);
    memcpy(broken, der, length);
    broken[11 + 100] ^= 0x04;
    ck_assert_int_eq(dct_write_app(f.flash + DCT_AREA_FLASH_OFFSET, DCT_APP_DEVICE_PRIVATE_KEY,
                                   broken, sizeof broken, &err), 0);
    ck_assert_int_eq(key_recipe_send(f.flash, f.registry, default_uid, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "device_private_key (app offset 34)"));
    ck_assert_ptr_nonnull(strstr(err.msg, "not registering"));
    char *path = record_path(&f);
    ck_assert_int_ne(access(path, F_OK), 0);

    /* save still hands the broken key out, flagged. */
    uint8_t saved[DEVICE_KEY_DER_MAX];
    size_t saved_length;
    bool valid = true;
    ck_assert_int_eq(key_recipe_save(f.flash, saved, &saved_length, &valid, &err), 0);
    ck_assert(!valid);
    ck_assert_uint_eq(saved_length, length);
    ck_assert_mem_eq(saved, broken, length);

    key_report report;
    key_recipe_inspect(f.flash, f.registry, default_uid, NULL, &report);
    ck_assert_int_eq(report.device_key, KEY_STATE_INVALID);
    ck_assert_str_ne(report.device_key_problem.msg, "");
    ck_assert_int_eq(report.registry, KEY_REGISTRY_ABSENT);
    free(path);
    fixture_close(&f);
}
END_TEST

START_TEST(doctor_is_all_or_nothing)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    ck_assert_int_eq(key_recipe_new(f.flash, "5", &r, &err), 0);
    uint8_t *before = malloc(FLASH_SIZE);
    memcpy(before, f.flash, FLASH_SIZE);

    /* The registry's directory vanishes: storing the record fails. */
    char *gone = malloc(strlen(f.dir) + 8);
    sprintf(gone, "%s/gone", f.dir);
    char error[512];
    ck_assert_int_eq(mkdir(gone, 0700), 0);
    cloud_registry *registry = cloud_registry_open(gone, error, sizeof error);
    ck_assert_ptr_nonnull(registry);
    ck_assert_int_eq(rmdir(gone), 0);
    ck_assert_int_eq(key_recipe_doctor(f.flash, registry, default_uid, "6", &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "registry"));
    ck_assert(!r.dct_written);
    ck_assert(memcmp(before, f.flash, FLASH_SIZE) == 0);
    cloud_registry_free(registry);
    free(gone);
    free(before);
    fixture_close(&f);
}
END_TEST

START_TEST(seeds_are_canonical_and_match_generate)
{
    fixture a, b;
    fixture_open(&a);
    fixture_open(&b);
    key_recipe_result r;
    sim_error err;
    ck_assert_int_eq(key_recipe_new(a.flash, "7", &r, &err), 0);
    ck_assert_int_eq(key_recipe_new(b.flash, "0x7", &r, &err), 0);
    ck_assert_str_eq(r.seed, "7");
    uint8_t ka[DCT_APP_DEVICE_PRIVATE_KEY_USED], kb[DCT_APP_DEVICE_PRIVATE_KEY_USED];
    size_t la = dct_device_key(&a, ka);
    dct_device_key(&b, kb);
    ck_assert_mem_eq(ka, kb, sizeof ka);
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t length;
    ck_assert_int_eq(key_recipe_generate("7", der, &length, &err), 0);
    ck_assert_uint_eq(length, la);
    ck_assert_mem_eq(der, ka, length);

    /* No seed: a random one, reported, that makes the same key again. */
    ck_assert_int_eq(key_recipe_new(a.flash, NULL, &r, &err), 0);
    ck_assert_str_ne(r.seed, "");
    ck_assert_int_eq(key_recipe_generate(r.seed, der, &length, &err), 0);
    la = dct_device_key(&a, ka);
    ck_assert_uint_eq(length, la);
    ck_assert_mem_eq(der, ka, length);
    ck_assert(memcmp(ka, kb, la) != 0);

    ck_assert_int_eq(key_recipe_new(a.flash, "", &r, &err), -1);
    fixture_close(&a);
    fixture_close(&b);
}
END_TEST

/* ---- server ------------------------------------------------------------------ */

static void cloud_spki(const char *dir, uint8_t spki[SERVER_KEY_SPKI_SIZE])
{
    sim_error err;
    bool created;
    ck_assert_msg(key_recipe_cloud_server_key(dir, true, spki, &created, &err) == 0, "%s",
                  err.msg);
}

START_TEST(server_writes_the_clouds_key_and_address)
{
    fixture f;
    fixture_open(&f);
    uint8_t spki[SERVER_KEY_SPKI_SIZE];
    sim_error err;
    bool created = false;

    /* Read-only lookup of a cloud without a key creates nothing. */
    ck_assert_int_eq(key_recipe_cloud_server_key(f.dir, false, spki, &created, &err), 1);
    ck_assert_msg(key_recipe_cloud_server_key(f.dir, true, spki, &created, &err) == 0, "%s",
                  err.msg);
    ck_assert(created);
    char *pub = malloc(strlen(f.dir) + 32);
    sprintf(pub, "%s/server_key.pub.der", f.dir);
    size_t pub_length;
    uint8_t *pub_file = test_read_file(pub, &pub_length);
    ck_assert_uint_eq(pub_length, SERVER_KEY_SPKI_SIZE);
    ck_assert_mem_eq(pub_file, spki, SERVER_KEY_SPKI_SIZE);
    free(pub_file);

    /* A lost .pub.der is rewritten; the key itself stays. */
    ck_assert_int_eq(unlink(pub), 0);
    uint8_t again[SERVER_KEY_SPKI_SIZE];
    ck_assert_int_eq(key_recipe_cloud_server_key(f.dir, true, again, &created, &err), 0);
    ck_assert(!created);
    ck_assert_mem_eq(again, spki, sizeof spki);
    ck_assert_int_eq(access(pub, R_OK), 0);

    /* The public half of server_key.pem, as mbedTLS writes it. */
    char *pem = malloc(strlen(f.dir) + 32);
    sprintf(pem, "%s/server_key.pem", f.dir);
    size_t pem_length;
    uint8_t *pem_file = test_read_file(pem, &pem_length);
    pem_file[pem_length] = 0;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(mbedtls_pk_parse_key(&pk, pem_file, pem_length + 1, NULL, 0), 0);
    uint8_t written[600];
    ck_assert_int_eq(mbedtls_pk_write_pubkey_der(&pk, written, sizeof written), 294);
    ck_assert_mem_eq(written + sizeof written - 294, spki, 294);
    mbedtls_pk_free(&pk);
    free(pem_file);

    key_recipe_result r;
    ck_assert_msg(key_recipe_server(f.flash, spki, "10.0.2.2", 5684, &r, &err) == 0, "%s",
                  err.msg);
    ck_assert(r.dct_written);
    uint8_t block[SERVER_KEY_BLOCK_SIZE];
    dct_read_app(area(&f), DCT_APP_SERVER_PUBLIC_KEY, block, sizeof block);
    ck_assert_mem_eq(block, spki, SERVER_KEY_SPKI_SIZE);
    for (size_t i = SERVER_KEY_SPKI_SIZE; i < 384; i++)
        ck_assert_uint_eq(block[i], 0xFF);
    static const uint8_t ip_tlv[6] = {0x00, 0x04, 10, 0, 2, 2};
    ck_assert_mem_eq(block + 384, ip_tlv, 6);
    ck_assert_uint_eq(block[384 + 66], 0x16); /* 5684 big-endian */
    ck_assert_uint_eq(block[384 + 67], 0x34);
    server_address a;
    keys_server_address_decode(block + 384, &a);
    ck_assert_int_eq(a.type, SERVER_ADDRESS_IP);
    ck_assert_uint_eq(a.port, 5684);
    ck_assert_int_eq(r.address.type, SERVER_ADDRESS_IP);

    /* Defaults: device.spark.io:5683. */
    ck_assert_int_eq(key_recipe_server(f.flash, spki, NULL, -1, &r, &err), 0);
    dct_read_app(area(&f), DCT_APP_SERVER_PUBLIC_KEY, block, sizeof block);
    ck_assert_uint_eq(block[384], 1);
    ck_assert_uint_eq(block[385], 15);
    ck_assert_mem_eq(block + 386, "device.spark.io", 15);
    ck_assert_uint_eq(block[384 + 66], 0x16); /* 5683 */
    ck_assert_uint_eq(block[384 + 67], 0x33);
    ck_assert_str_eq(r.address.domain, "device.spark.io");

    key_report report;
    key_recipe_inspect(f.flash, NULL, default_uid, spki, &report);
    ck_assert_int_eq(report.server_key, KEY_STATE_VALID);
    ck_assert_int_eq(report.server_key_is_clouds, 1);
    ck_assert_int_eq(report.registry, KEY_REGISTRY_NOT_CHECKED);

    /* Another cloud's key is noticed. */
    char *other_dir = test_temp_dir();
    uint8_t other[SERVER_KEY_SPKI_SIZE];
    cloud_spki(other_dir, other);
    key_recipe_inspect(f.flash, NULL, default_uid, other, &report);
    ck_assert_int_eq(report.server_key_is_clouds, 0);
    test_remove_dir(other_dir);

    /* A bad host fails and leaves the image alone. */
    uint8_t *before = malloc(FLASH_SIZE);
    memcpy(before, f.flash, FLASH_SIZE);
    ck_assert_int_eq(key_recipe_server(f.flash, spki, "10.0.2.300", -1, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "10.0.2.300"));
    ck_assert_ptr_nonnull(strstr(err.msg, "app offset 2466"));
    uint8_t not_a_key[SERVER_KEY_SPKI_SIZE];
    memset(not_a_key, 0x42, sizeof not_a_key);
    ck_assert_int_eq(key_recipe_server(f.flash, not_a_key, NULL, -1, &r, &err), -1);
    ck_assert(memcmp(before, f.flash, FLASH_SIZE) == 0);
    free(before);
    free(pem);
    free(pub);
    fixture_close(&f);
}
END_TEST

/* ---- load / save / uid ---------------------------------------------------------- */

START_TEST(load_of_a_bad_file_names_it_and_changes_nothing)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    char *bad = test_write_file(f.dir, "bad-key.pem", "-----BEGIN RSA PRIVATE KEY-----\nxx\n", 34);
    ck_assert_int_eq(key_recipe_load_file(f.flash, bad, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "bad-key.pem"));
    ck_assert_ptr_nonnull(strstr(err.msg, "not an RSA private key"));
    ck_assert(dct_is_blank(area(&f)));

    char *missing = malloc(strlen(f.dir) + 32);
    sprintf(missing, "%s/missing.der", f.dir);
    ck_assert_int_eq(key_recipe_load_file(f.flash, missing, &r, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "missing.der"));
    ck_assert(dct_is_blank(area(&f)));
    free(bad);
    free(missing);
    fixture_close(&f);
}
END_TEST

START_TEST(load_a_pem_file_and_save_it_back)
{
    fixture f;
    fixture_open(&f);
    key_recipe_result r;
    sim_error err;
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t length;
    ck_assert_int_eq(key_recipe_generate("pem", der, &length, &err), 0);
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(mbedtls_pk_parse_key(&pk, der, length, NULL, 0), 0);
    unsigned char pem[2048];
    ck_assert_int_eq(mbedtls_pk_write_key_pem(&pk, pem, sizeof pem), 0);
    mbedtls_pk_free(&pk);
    char *path = test_write_file(f.dir, "device.pem", pem, strlen((char *)pem));

    uint8_t saved[DEVICE_KEY_DER_MAX];
    size_t saved_length;
    bool valid;
    ck_assert_int_eq(key_recipe_save(f.flash, saved, &saved_length, &valid, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "app offset 34"));

    ck_assert_msg(key_recipe_load_file(f.flash, path, &r, &err) == 0, "%s", err.msg);
    ck_assert(r.dct_written);
    ck_assert_int_eq(r.registry, KEY_REGISTRY_UNTOUCHED);
    uint8_t key[DCT_APP_DEVICE_PRIVATE_KEY_USED];
    ck_assert_uint_eq(dct_device_key(&f, key), length);
    ck_assert_mem_eq(key, der, length);

    ck_assert_int_eq(key_recipe_save(f.flash, saved, &saved_length, &valid, &err), 0);
    ck_assert(valid);
    ck_assert_uint_eq(saved_length, length);
    ck_assert_mem_eq(saved, der, length);
    free(path);
    fixture_close(&f);
}
END_TEST

START_TEST(device_uid_prefers_given_then_dct_cache_then_default)
{
    fixture f;
    fixture_open(&f);
    uint8_t uid[12], given[12];
    sim_error err;
    ck_assert_int_eq(key_recipe_device_uid(f.flash, NULL, uid), KEY_UID_DEFAULT);
    ck_assert_mem_eq(uid, default_uid, 12);

    ck_assert_int_eq(keys_parse_uid("41002b000f473435333736ab", given, &err), 0);
    ck_assert_int_eq(dct_write_app(f.flash + DCT_AREA_FLASH_OFFSET, DCT_APP_DEVICE_ID, given, 12,
                                   &err), 0);
    ck_assert_int_eq(key_recipe_device_uid(f.flash, NULL, uid), KEY_UID_DCT_CACHE);
    ck_assert_mem_eq(uid, given, 12);

    ck_assert_int_eq(key_recipe_device_uid(f.flash, default_uid, uid), KEY_UID_GIVEN);
    ck_assert_mem_eq(uid, default_uid, 12);
    fixture_close(&f);
}
END_TEST

START_TEST(fingerprint_is_sha256_hex)
{
    char out[KEY_FINGERPRINT_SIZE];
    key_fingerprint((const uint8_t *)"abc", 3, out);
    ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

static Suite *key_recipes_suite(void)
{
    Suite *s = suite_create("key_recipes");
    TCase *device = tcase_create("device key");
    tcase_set_timeout(device, 120);
    tcase_add_test(device, doctor_writes_a_valid_key_and_registers_it);
    tcase_add_test(device, new_changes_the_dct_key_but_not_the_registry);
    tcase_add_test(device, send_after_new_registers_the_new_key);
    tcase_add_test(device, send_keeps_the_record_name);
    tcase_add_test(device, send_refuses_blank_and_broken_keys);
    tcase_add_test(device, doctor_is_all_or_nothing);
    tcase_add_test(device, seeds_are_canonical_and_match_generate);
    tcase_add_test(device, load_of_a_bad_file_names_it_and_changes_nothing);
    tcase_add_test(device, load_a_pem_file_and_save_it_back);
    tcase_add_test(device, device_uid_prefers_given_then_dct_cache_then_default);
    tcase_add_test(device, fingerprint_is_sha256_hex);
    suite_add_tcase(s, device);

    TCase *server = tcase_create("server key");
    tcase_set_timeout(server, 120);
    tcase_add_test(server, server_writes_the_clouds_key_and_address);
    suite_add_tcase(s, server);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(key_recipes_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
