/*
 * The device registry on disk and in memory, and server key management (generate on
 * first use, export the 294-byte SPKI, load it again).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "registry.h"
#include "server_key.h"
#include "vectors.h"

static char dir[256];

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/photon-cloud-test-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char command[400];
    snprintf(command, sizeof(command), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(command), 0);
}

static char *read_text(const char *path)
{
    static char buf[8192];
    FILE *f = fopen(path, "rb");
    size_t n;
    ck_assert_ptr_nonnull(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static cloud_device_record sample_record(void)
{
    cloud_device_record r;
    memset(&r, 0, sizeof(r));
    snprintf(r.id, sizeof(r.id), "1F002A000347333531393738");
    snprintf(r.name, sizeof(r.name), "kitchen");
    r.claimed = true;
    memcpy(r.key_der, test_device_spki_der, test_device_spki_der_length);
    r.key_der_length = test_device_spki_der_length;
    return r;
}

START_TEST(records_round_trip_through_a_readable_file)
{
    cloud_registry *reg;
    cloud_device_record in = sample_record(), out;
    char error[256], path[512], found_id[25];
    char *text;

    make_dir();
    reg = cloud_registry_open(dir, error, sizeof(error));
    ck_assert_ptr_nonnull(reg);
    ck_assert_int_eq(cloud_registry_store(reg, &in, error, sizeof(error)), 0);
    cloud_registry_record_path(reg, in.id, path, sizeof(path));
    ck_assert_ptr_nonnull(strstr(path, "/1f002a000347333531393738.pub.pem"));
    text = read_text(path);
    ck_assert_ptr_nonnull(strstr(text, "name: kitchen\n"));
    ck_assert_ptr_nonnull(strstr(text, "claimed: yes\n"));
    ck_assert_ptr_nonnull(strstr(text, "-----BEGIN PUBLIC KEY-----\n"));
    ck_assert_int_eq(cloud_registry_lookup(reg, "1f002a000347333531393738", &out, error,
                                           sizeof(error)), CLOUD_REGISTRY_FOUND);
    ck_assert_str_eq(out.name, "kitchen");
    ck_assert(out.claimed);
    ck_assert_uint_eq(out.key_der_length, 162);
    ck_assert_mem_eq(out.key_der, test_device_spki_der, 162);
    ck_assert(cloud_registry_find_name(reg, "kitchen", found_id));
    ck_assert_str_eq(found_id, "1f002a000347333531393738");
    ck_assert(!cloud_registry_find_name(reg, "garage", found_id));
    ck_assert_int_eq(cloud_registry_lookup(reg, "2e0011000a47333531393739", &out, error,
                                           sizeof(error)), CLOUD_REGISTRY_NOT_FOUND);
    cloud_registry_free(reg);
    remove_dir();
}
END_TEST

START_TEST(bare_der_key_is_accepted_and_bad_files_are_named)
{
    cloud_registry *reg;
    cloud_device_record out;
    char error[256], path[512];
    FILE *f;

    make_dir();
    reg = cloud_registry_open(dir, error, sizeof(error));
    snprintf(path, sizeof(path), "%s/2e0011000a47333531393739.pub.der", dir);
    f = fopen(path, "wb");
    fwrite(test_device2_spki_der, 1, test_device2_spki_der_length, f);
    fclose(f);
    ck_assert_int_eq(cloud_registry_lookup(reg, "2e0011000a47333531393739", &out, error,
                                           sizeof(error)), CLOUD_REGISTRY_FOUND);
    ck_assert_mem_eq(out.key_der, test_device2_spki_der, 162);

    snprintf(path, sizeof(path), "%s/1f002a000347333531393738.pub.pem", dir);
    f = fopen(path, "wb");
    fputs("name: broken\n-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n", f);
    fclose(f);
    ck_assert_int_eq(cloud_registry_lookup(reg, "1f002a000347333531393738", &out, error,
                                           sizeof(error)), CLOUD_REGISTRY_ERROR);
    ck_assert_ptr_nonnull(strstr(error, path));
    ck_assert_int_eq(cloud_registry_lookup(reg, "not-an-id", &out, error, sizeof(error)),
                     CLOUD_REGISTRY_ERROR);
    ck_assert_ptr_nonnull(strstr(error, "not a 24-hex-digit device ID"));
    cloud_registry_free(reg);
    remove_dir();
}
END_TEST

START_TEST(memory_registry_stores_and_replaces)
{
    char error[256];
    cloud_registry *reg = cloud_registry_open(NULL, error, sizeof(error));
    cloud_device_record r = sample_record(), out;

    ck_assert_ptr_null(cloud_registry_dir(reg));
    ck_assert_int_eq(cloud_registry_store(reg, &r, error, sizeof(error)), 0);
    snprintf(r.name, sizeof(r.name), "renamed");
    ck_assert_int_eq(cloud_registry_store(reg, &r, error, sizeof(error)), 0);
    ck_assert_int_eq(cloud_registry_lookup(reg, r.id, &out, error, sizeof(error)),
                     CLOUD_REGISTRY_FOUND);
    ck_assert_str_eq(out.name, "renamed");
    snprintf(r.name, sizeof(r.name), "two\nlines");
    ck_assert_int_eq(cloud_registry_store(reg, &r, error, sizeof(error)), -1);
    r.key_der_length = 0;
    snprintf(r.name, sizeof(r.name), "ok");
    ck_assert_int_eq(cloud_registry_store(reg, &r, error, sizeof(error)), -1);
    cloud_registry_free(reg);
}
END_TEST

START_TEST(server_key_is_generated_once_and_exported)
{
    harness first, second;
    cloud_server_config config;
    uint8_t spki_first[CLOUD_SERVER_SPKI_LEN], spki_second[CLOUD_SERVER_SPKI_LEN];
    char path[512];
    struct stat st;
    FILE *f;
    uint8_t exported[400];
    size_t n;

    make_dir();
    harness_default_config(&config);
    config.server_key = NULL;
    config.registry_dir = dir;
    harness_start(&first, &config);
    cloud_server_public_key_spki(first.server, spki_first);
    ck_assert(harness_log_contains(&first, "generated a new server key"));

    snprintf(path, sizeof(path), "%s/server_key.pem", dir);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/server_key.pub.der", dir);
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    n = fread(exported, 1, sizeof(exported), f);
    fclose(f);
    ck_assert_uint_eq(n, 294);
    ck_assert_mem_eq(exported, spki_first, 294);
    ck_assert_int_eq(exported[0], 0x30);
    ck_assert_mem_eq(exported + 289, "\x02\x03\x01\x00\x01", 5);

    /* a second start loads the same key instead of making another */
    config.seed = (const uint8_t *)"another seed";
    config.seed_length = 12;
    harness_start(&second, &config);
    cloud_server_public_key_spki(second.server, spki_second);
    ck_assert_mem_eq(spki_first, spki_second, 294);
    ck_assert(!harness_log_contains(&second, "generated a new server key"));
    harness_stop(&first);
    harness_stop(&second);
    remove_dir();
}
END_TEST

START_TEST(unusable_server_keys_are_refused_with_the_reason)
{
    cloud_server_config config;
    cloud_ops ops = { 0 };
    char error[300];
    static const uint8_t not_a_key[] = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                                       "-----END RSA PRIVATE KEY-----\n";

    harness_default_config(&config);
    ck_assert_ptr_null(cloud_server_new(&config, &ops, error, sizeof(error)));
    ck_assert_ptr_nonnull(strstr(error, "cloud_ops needs"));

    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(cloud_server_key_parse(&pk, test_device_key_der, test_device_key_der_length,
                                            error, sizeof(error)), -1);
    ck_assert_ptr_nonnull(strstr(error, "RSA-1024; the Photon protocol needs RSA-2048"));
    mbedtls_pk_free(&pk);
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(cloud_server_key_parse(&pk, not_a_key, sizeof(not_a_key), error,
                                            sizeof(error)), -1);
    ck_assert_ptr_nonnull(strstr(error, "not a readable PEM/DER RSA key"));
    mbedtls_pk_free(&pk);
}
END_TEST

START_TEST(trust_on_first_use_persists_across_restarts)
{
    harness a, b;
    cloud_server_config config;
    connection *c;
    char path[512];

    make_dir();
    harness_default_config(&config);
    config.registry_dir = dir;
    harness_start(&a, &config);
    c = harness_connect(&a, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0), SIM_OK);
    snprintf(path, sizeof(path), "%s/1f002a000347333531393738.pub.pem", dir);
    ck_assert_int_eq(access(path, R_OK), 0);
    harness_stop(&a);

    config.reject_unknown_devices = true;
    harness_start(&b, &config);
    c = harness_connect(&b, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0), SIM_OK);
    /* a different key under the same ID is caught and the file is named */
    c = harness_connect(&b, 1);
    ck_assert_int_eq(harness_handshake(c, test_device2_key_der, test_device2_key_der_length,
                                       harness_device_id, 0), -1);
    const char *text;
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_DEVICE_KEY_MISMATCH);
    ck_assert_ptr_nonnull(strstr(text, path));
    harness_stop(&b);
    remove_dir();
}
END_TEST

static Suite *registry_suite(void)
{
    Suite *s = suite_create("cloud-registry");
    TCase *tc = tcase_create("registry");
    tcase_set_timeout(tc, 120); /* one RSA-2048 key generation */
    tcase_add_test(tc, records_round_trip_through_a_readable_file);
    tcase_add_test(tc, bare_der_key_is_accepted_and_bad_files_are_named);
    tcase_add_test(tc, memory_registry_stores_and_replaces);
    tcase_add_test(tc, server_key_is_generated_once_and_exported);
    tcase_add_test(tc, unusable_server_keys_are_refused_with_the_reason);
    tcase_add_test(tc, trust_on_first_use_persists_across_restarts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(registry_suite());
    int failed;
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
