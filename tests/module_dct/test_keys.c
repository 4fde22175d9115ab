/* Device key generation and layout, the device public key, the server key
 * block and address, and the device ID. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "keys.h"
#include "test_support.h"

static size_t generate(const char *seed, uint8_t der[DEVICE_KEY_DER_MAX])
{
    size_t length;
    sim_error err;
    ck_assert_msg(keys_generate_device_key(seed, strlen(seed), der, &length, &err) == 0, "%s",
                  err.msg);
    return length;
}

START_TEST(same_seed_same_key_other_seed_other_key)
{
    uint8_t a[DEVICE_KEY_DER_MAX], b[DEVICE_KEY_DER_MAX], c[DEVICE_KEY_DER_MAX];
    size_t la = generate("seed 1", a), lb = generate("seed 1", b), lc = generate("seed 2", c);
    ck_assert_uint_eq(la, lb);
    ck_assert_mem_eq(a, b, la);
    ck_assert(la != lc || memcmp(a, c, la) != 0);
    /* The moduli differ, not just some padding. */
    ck_assert(memcmp(a + 11, c + 11, 128) != 0);
}
END_TEST

START_TEST(generated_key_has_firmware_der_shape)
{
    char seed[32];
    snprintf(seed, sizeof seed, "shape %d", _i);
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t length = generate(seed, der);
    ck_assert_uint_eq(der[0], 0x30);
    ck_assert_uint_eq(der[1], 0x82);
    ck_assert_uint_eq(der[2], 0x02);
    ck_assert_uint_eq(der[3] & 0xF0, 0x50);
    ck_assert_uint_eq(4u + ((unsigned)der[2] << 8 | der[3]), length);
    static const uint8_t prefix[] = {0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00};
    ck_assert_mem_eq(der + 4, prefix, sizeof prefix);
    ck_assert_uint_le(length, 612);

    /* A real parser agrees: RSA-1024, e = 65537, N where the firmware looks. */
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(mbedtls_pk_parse_key(&pk, der, length, NULL, 0), 0);
    ck_assert_int_eq(mbedtls_pk_get_type(&pk), MBEDTLS_PK_RSA);
    ck_assert_uint_eq(mbedtls_pk_get_bitlen(&pk), 1024);
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);
    ck_assert_int_eq(mbedtls_rsa_check_privkey(rsa), 0);
    uint8_t n[128], e[3];
    ck_assert_int_eq(mbedtls_rsa_export_raw(rsa, n, sizeof n, NULL, 0, NULL, 0, NULL, 0, e, sizeof e), 0);
    ck_assert_mem_eq(der + 11, n, 128);
    static const uint8_t e65537[3] = {1, 0, 1};
    ck_assert_mem_eq(e, e65537, 3);

    /* The device's 162-byte SPKI carries the same N and is what mbedTLS writes. */
    uint8_t spki[DEVICE_PUBLIC_KEY_SIZE];
    keys_device_public_key(der, spki);
    uint8_t written[400];
    int w = mbedtls_pk_write_pubkey_der(&pk, written, sizeof written);
    ck_assert_int_eq(w, 162);
    ck_assert_mem_eq(spki, written + sizeof written - 162, 162);
    mbedtls_pk_context pub;
    mbedtls_pk_init(&pub);
    ck_assert_int_eq(mbedtls_pk_parse_public_key(&pub, spki, sizeof spki), 0);
    uint8_t pub_n[128];
    ck_assert_int_eq(mbedtls_rsa_export_raw(mbedtls_pk_rsa(pub), pub_n, sizeof pub_n, NULL, 0,
                                            NULL, 0, NULL, 0, NULL, 0), 0);
    ck_assert_mem_eq(pub_n, n, 128);
    ck_assert(keys_is_device_public_key(spki));
    mbedtls_pk_free(&pub);
    mbedtls_pk_free(&pk);
}
END_TEST

/* Generates plain mbedTLS keys until one has an integer shorter than the
 * firmware's walk assumes, and checks that keys_check_device_key refuses
 * it while accepting the well-formed ones. */
static int const_entropy(void *p, unsigned char *out, size_t n)
{
    (void)p;
    memset(out, 0x33, n);
    return 0;
}

/* Content length of the DER INTEGER: a set top bit needs a leading zero. */
static size_t der_size(const mbedtls_mpi *x)
{
    return mbedtls_mpi_size(x) + (mbedtls_mpi_bitlen(x) % 8 == 0 ? 1 : 0);
}

START_TEST(check_rejects_keys_the_firmware_would_misread)
{
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ctr_drbg_init(&drbg);
    ck_assert_int_eq(mbedtls_ctr_drbg_seed(&drbg, const_entropy, NULL,
                                           (const unsigned char *)"misread", 7), 0);
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 600 && rejected == 0; i++) {
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        ck_assert_int_eq(mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)), 0);
        ck_assert_int_eq(mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk), mbedtls_ctr_drbg_random, &drbg,
                                             1024, 65537), 0);
        mbedtls_mpi d, p, q, dp, dq, qp;
        mbedtls_mpi_init(&d); mbedtls_mpi_init(&p); mbedtls_mpi_init(&q);
        mbedtls_mpi_init(&dp); mbedtls_mpi_init(&dq); mbedtls_mpi_init(&qp);
        mbedtls_rsa_export(mbedtls_pk_rsa(pk), NULL, &p, &q, &d, NULL);
        mbedtls_rsa_export_crt(mbedtls_pk_rsa(pk), &dp, &dq, &qp);
        bool short_integer = der_size(&d) < 128 || der_size(&p) < 64 || der_size(&q) < 64 ||
                             der_size(&dp) < 64 || der_size(&dq) < 64 || der_size(&qp) < 64;
        uint8_t buf[1024];
        int n = mbedtls_pk_write_key_der(&pk, buf, sizeof buf);
        ck_assert_int_gt(n, 0);
        sim_error err;
        int rc = keys_check_device_key(buf + sizeof buf - n, (size_t)n, &err);
        if (short_integer) {
            ck_assert_int_eq(rc, -1);
            ck_assert_ptr_nonnull(strstr(err.msg, "misread"));
            rejected++;
        } else {
            ck_assert_msg(rc == 0, "%s", err.msg);
            accepted++;
        }
        mbedtls_mpi_free(&d); mbedtls_mpi_free(&p); mbedtls_mpi_free(&q);
        mbedtls_mpi_free(&dp); mbedtls_mpi_free(&dq); mbedtls_mpi_free(&qp);
        mbedtls_pk_free(&pk);
    }
    mbedtls_ctr_drbg_free(&drbg);
    ck_assert_int_gt(accepted, 0);
    ck_assert_int_eq(rejected, 1);
}
END_TEST

START_TEST(check_rejects_damaged_keys)
{
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t length = generate("damage", der);
    sim_error err;
    ck_assert_int_eq(keys_check_device_key(der, length, &err), 0);

    uint8_t bad[DEVICE_KEY_DER_MAX];
    memcpy(bad, der, length);
    bad[9] = 0x80; /* modulus length byte */
    ck_assert_int_eq(keys_check_device_key(bad, length, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "offset 4"));

    memcpy(bad, der, length);
    bad[11 + 64] ^= 0x01; /* a flipped bit of N breaks the key */
    ck_assert_int_eq(keys_check_device_key(bad, length, &err), -1);

    ck_assert_int_eq(keys_check_device_key(der, length - 1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "offset 2"));
}
END_TEST

START_TEST(device_key_files_load_from_der_and_pem)
{
    uint8_t der[DEVICE_KEY_DER_MAX], out[DEVICE_KEY_DER_MAX];
    size_t length = generate("file", der), out_length;
    sim_error err;
    ck_assert_msg(keys_load_device_key(der, length, out, &out_length, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(out_length, length);
    ck_assert_mem_eq(out, der, length);

    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(mbedtls_pk_parse_key(&pk, der, length, NULL, 0), 0);
    unsigned char pem[2048];
    ck_assert_int_eq(mbedtls_pk_write_key_pem(&pk, pem, sizeof pem), 0);
    ck_assert_msg(keys_load_device_key(pem, strlen((char *)pem), out, &out_length, &err) == 0,
                  "%s", err.msg);
    ck_assert_mem_eq(out, der, length);
    mbedtls_pk_free(&pk);

    ck_assert_int_eq(keys_load_device_key((const uint8_t *)"junk", 4, out, &out_length, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "not an RSA private key"));
}
END_TEST

/* ---- Server key ----------------------------------------------------------- */

static void load_particle_key(uint8_t spki[SERVER_KEY_SPKI_SIZE], uint8_t address[SERVER_ADDRESS_SIZE],
                              uint8_t **file, size_t *length)
{
    char *path = fixture_path("keys/particle-cloud-rsa.pub.der");
    *file = test_read_file(path, length);
    bool has_address;
    sim_error err;
    ck_assert_msg(keys_load_server_key(*file, *length, spki, address, &has_address, &err) == 0,
                  "%s", err.msg);
    ck_assert(has_address);
    free(path);
}

START_TEST(server_key_block_for_host_and_port_is_byte_exact)
{
    uint8_t spki[SERVER_KEY_SPKI_SIZE], address[SERVER_ADDRESS_SIZE], *file;
    size_t length;
    load_particle_key(spki, address, &file, &length);
    ck_assert_uint_eq(length, 512);
    ck_assert_mem_eq(spki, file, 294); /* the SPKI is taken over unchanged */

    uint8_t block[SERVER_KEY_BLOCK_SIZE];
    sim_error err;
    ck_assert_int_eq(keys_server_key_block(spki, "10.0.2.2", 5684, block, &err), 0);
    ck_assert_mem_eq(block, file, 294);
    for (int i = 294; i < 384; i++)
        ck_assert_uint_eq(block[i], 0xFF);
    static const uint8_t tlv[6] = {0x00, 0x04, 0x0a, 0x00, 0x02, 0x02};
    ck_assert_mem_eq(block + 384, tlv, 6);
    for (int i = 390; i < 450; i++)
        ck_assert_uint_eq(block[i], 0xFF);
    ck_assert_uint_eq(block[450], 0x16);
    ck_assert_uint_eq(block[451], 0x34);
    for (int i = 452; i < 512; i++)
        ck_assert_uint_eq(block[i], 0xFF);

    /* The particle-cli file's own address block reads as device.spark.io:5683. */
    server_address a;
    keys_server_address_decode(address, &a);
    ck_assert_int_eq(a.type, SERVER_ADDRESS_DOMAIN);
    ck_assert_str_eq(a.domain, "device.spark.io");
    ck_assert_uint_eq(a.port, 5683);
    ck_assert(a.port_is_default);
    ck_assert_int_eq(keys_check_server_key(spki, &err), 0);
    free(file);
}
END_TEST

START_TEST(server_key_from_pem_matches_der)
{
    uint8_t spki[SERVER_KEY_SPKI_SIZE], address[SERVER_ADDRESS_SIZE], *file;
    size_t length;
    load_particle_key(spki, address, &file, &length);
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(mbedtls_pk_parse_public_key(&pk, spki, sizeof spki), 0);
    unsigned char pem[1024];
    ck_assert_int_eq(mbedtls_pk_write_pubkey_pem(&pk, pem, sizeof pem), 0);
    uint8_t again[SERVER_KEY_SPKI_SIZE];
    bool has_address = true;
    sim_error err;
    ck_assert_msg(keys_load_server_key(pem, strlen((char *)pem), again, NULL, &has_address, &err) == 0,
                  "%s", err.msg);
    ck_assert(!has_address);
    ck_assert_mem_eq(again, spki, sizeof spki);
    mbedtls_pk_free(&pk);

    /* A 1024-bit device key is not a server key. */
    uint8_t der[DEVICE_KEY_DER_MAX];
    size_t n = generate("not a server", der);
    ck_assert_int_eq(keys_load_server_key(der, n, again, NULL, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "expected an RSA-2048 server key, found a 1024-bit"));
    free(file);
}
END_TEST

START_TEST(server_address_domain_and_errors)
{
    uint8_t block[SERVER_ADDRESS_SIZE];
    sim_error err;
    ck_assert_int_eq(keys_server_address_encode("cloud.local", -1, block, &err), 0);
    ck_assert_uint_eq(block[0], 1);
    ck_assert_uint_eq(block[1], 11);
    ck_assert_mem_eq(block + 2, "cloud.local", 11);
    ck_assert_uint_eq(block[13], 0xFF);
    ck_assert_uint_eq(block[66], 0xFF);
    ck_assert_uint_eq(block[67], 0xFF);
    server_address a;
    keys_server_address_decode(block, &a);
    ck_assert_int_eq(a.type, SERVER_ADDRESS_DOMAIN);
    ck_assert_str_eq(a.domain, "cloud.local");
    ck_assert_uint_eq(a.port, 5683);

    ck_assert_int_eq(keys_server_address_encode("10.0.2.256", 5684, block, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "10.0.2.256"));
    char long_name[80];
    memset(long_name, 'a', 64);
    long_name[64] = 0;
    ck_assert_int_eq(keys_server_address_encode(long_name, 5684, block, &err), -1);

    /* An explicit port 0 means the default, as the firmware reads it. */
    memset(block, 0xFF, sizeof block);
    block[0] = 0; block[1] = 4; block[2] = 192; block[3] = 0; block[4] = 2; block[5] = 1;
    block[66] = 0; block[67] = 0;
    keys_server_address_decode(block, &a);
    ck_assert_int_eq(a.type, SERVER_ADDRESS_IP);
    ck_assert_uint_eq(a.port, 5683);

    uint8_t spki[SERVER_KEY_SPKI_SIZE] = {0};
    uint8_t key_block[SERVER_KEY_BLOCK_SIZE];
    ck_assert_int_eq(keys_server_key_block(spki, NULL, 5684, key_block, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "needs a host"));
}
END_TEST

START_TEST(device_id_is_uid_in_lowercase_hex)
{
    const uint8_t uid[12] = {0x41, 0x00, 0x2b, 0x00, 0x0f, 0x47, 0x34, 0x35, 0x33, 0x37, 0x36, 0xAB};
    char id[25];
    keys_device_id(uid, id);
    ck_assert_str_eq(id, "41002b000f47343533373" "6ab");
    uint8_t back[12];
    sim_error err;
    ck_assert_int_eq(keys_parse_uid("41:00:2B:00:0F:47:34:35:33:37:36:AB", back, &err), 0);
    ck_assert_mem_eq(back, uid, 12);
    ck_assert_int_eq(keys_parse_uid("41002b", back, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "6 hex digits, expected 24"));
    ck_assert_int_eq(keys_parse_uid("41002b000f473435333736zz", back, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "character 22 ('z')"));
}
END_TEST

static Suite *keys_suite(void)
{
    Suite *s = suite_create("keys");
    TCase *device = tcase_create("device key");
    tcase_set_timeout(device, 120);
    tcase_add_test(device, same_seed_same_key_other_seed_other_key);
    tcase_add_loop_test(device, generated_key_has_firmware_der_shape, 0, 8);
    tcase_add_test(device, check_rejects_keys_the_firmware_would_misread);
    tcase_add_test(device, check_rejects_damaged_keys);
    tcase_add_test(device, device_key_files_load_from_der_and_pem);
    suite_add_tcase(s, device);

    TCase *server = tcase_create("server key");
    tcase_add_test(server, server_key_block_for_host_and_port_is_byte_exact);
    tcase_add_test(server, server_key_from_pem_matches_der);
    tcase_add_test(server, server_address_domain_and_errors);
    tcase_add_test(server, device_id_is_uid_in_lowercase_hex);
    suite_add_tcase(s, server);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(keys_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
