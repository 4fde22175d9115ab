/*
 * The RSA handshake: known answers from openssl, a full exchange with the simulated
 * device (which checks the reply exactly as Device OS does), every handshake fault, and
 * the diagnostics that name the cause.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/pk.h>

#include "handshake.h"
#include "harness.h"
#include "rng.h"
#include "server_key.h"
#include "vectors.h"

/* ---------------------------------------------------------------- known answers */

START_TEST(hmac_matches_openssl)
{
    uint8_t hmac[20];
    ck_assert_int_eq(cloud_handshake_hmac(test_hmac_session, test_hmac_message, hmac), 0);
    ck_assert_mem_eq(hmac, test_hmac_sha1, 20);
}
END_TEST

START_TEST(raw_signature_matches_openssl_pkeyutl)
{
    mbedtls_pk_context key;
    cloud_rng rng;
    uint8_t signature[256];
    char error[256];

    mbedtls_pk_init(&key);
    ck_assert_int_eq(cloud_rng_init(&rng, (const uint8_t *)"x", 1), 0);
    ck_assert_int_eq(cloud_server_key_parse(&key, test_server_key_der, test_server_key_der_length,
                                            error, sizeof(error)), 0);
    ck_assert_int_eq(cloud_handshake_sign_hmac(&key, &rng, test_hmac_sha1, signature), 0);
    /* PKCS#1 v1.5 type 1 is deterministic: byte-identical to openssl's raw signature */
    ck_assert_mem_eq(signature, test_hmac_signature, 256);
    mbedtls_pk_free(&key);
    cloud_rng_free(&rng);
}
END_TEST

START_TEST(openssl_key_exchange_decrypts_to_nonce_id_and_key)
{
    mbedtls_pk_context key;
    cloud_rng rng;
    uint8_t plain[256];
    size_t length;
    cloud_device_block block;
    char error[256];

    mbedtls_pk_init(&key);
    ck_assert_int_eq(cloud_rng_init(&rng, (const uint8_t *)"x", 1), 0);
    ck_assert_int_eq(cloud_server_key_parse(&key, test_server_key_der, test_server_key_der_length,
                                            error, sizeof(error)), 0);
    ck_assert_int_eq(cloud_handshake_decrypt(&key, &rng, test_exchange_cipher, plain, &length), 0);
    ck_assert_uint_eq(length, 214);
    ck_assert_int_eq(cloud_handshake_parse_block(plain, length, test_exchange_nonce, &block),
                     CLOUD_BLOCK_OK);
    ck_assert_mem_eq(block.id, test_exchange_device_id, 12);
    ck_assert_str_eq(block.id_hex, "1f002a000347333531393738");
    ck_assert_uint_eq(block.key_der_length, 162);
    ck_assert_mem_eq(block.key_der, test_device_spki_der, 162);
    mbedtls_pk_free(&key);
    cloud_rng_free(&rng);
}
END_TEST

START_TEST(block_parser_checks_length_and_nonce)
{
    uint8_t plain[214], nonce[40];
    cloud_device_block block;

    memset(plain, 0x11, sizeof(plain));
    memset(nonce, 0x11, sizeof(nonce));
    ck_assert_int_eq(cloud_handshake_parse_block(plain, 51, nonce, &block), CLOUD_BLOCK_SHORT);
    ck_assert_int_eq(cloud_handshake_parse_block(plain, 52, nonce, &block), CLOUD_BLOCK_OK);
    ck_assert_uint_eq(block.key_der_length, 0);
    nonce[39] ^= 1;
    ck_assert_int_eq(cloud_handshake_parse_block(plain, 214, nonce, &block),
                     CLOUD_BLOCK_NONCE_MISMATCH);
}
END_TEST

START_TEST(device_key_must_be_rsa_1024)
{
    mbedtls_pk_context pk;
    char error[300];
    static const uint8_t garbage[] = { 0x31, 0x82, 0x00, 0x00, 0x01 };

    mbedtls_pk_init(&pk);
    ck_assert_int_eq(cloud_handshake_parse_device_key(test_server_spki_der,
                                                      test_server_spki_der_length, &pk, error,
                                                      sizeof(error)), -1);
    ck_assert_ptr_nonnull(strstr(error, "RSA-2048; the Photon protocol needs RSA-1024"));
    mbedtls_pk_free(&pk);
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(cloud_handshake_parse_device_key(garbage, sizeof(garbage), &pk, error,
                                                      sizeof(error)), -1);
    ck_assert_ptr_nonnull(strstr(error, "they start 31 82 00 00"));
    mbedtls_pk_free(&pk);
    mbedtls_pk_init(&pk);
    ck_assert_int_eq(cloud_handshake_parse_device_key(test_device_spki_der,
                                                      test_device_spki_der_length, &pk, error,
                                                      sizeof(error)), 0);
    mbedtls_pk_free(&pk);
}
END_TEST

START_TEST(simulated_device_builds_the_openssl_spki)
{
    /* the test device builds its 162 bytes the Device OS way (fixed header + modulus);
     * openssl's DER must be the same bytes, or the handshake tests prove nothing */
    sim_device d;
    ck_assert_int_eq(sim_device_init(&d, test_device_key_der, test_device_key_der_length,
                                     test_server_spki_der, harness_device_id, 1), 0);
    ck_assert_mem_eq(d.spki, test_device_spki_der, 162);
    sim_device_free(&d);
}
END_TEST

START_TEST(server_exports_the_openssl_spki)
{
    harness h;
    cloud_server_config config;
    uint8_t spki[CLOUD_SERVER_SPKI_LEN];
    char expected[64];

    harness_default_config(&config);
    harness_start(&h, &config);
    cloud_server_public_key_spki(h.server, spki);
    ck_assert_mem_eq(spki, test_server_spki_der, 294);
    snprintf(expected, sizeof(expected), "%02x %02x %02x", test_server_spki_der[33],
             test_server_spki_der[34], test_server_spki_der[35]);
    ck_assert_ptr_nonnull(strstr(cloud_server_key_fingerprint(h.server), expected));
    harness_stop(&h);
}
END_TEST

/* ---------------------------------------------------------------- full exchange */

static void check_full_handshake(size_t fragment)
{
    harness h;
    cloud_server_config config;
    connection *c;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(cloud_session_get_state(c->session), CLOUD_SESSION_AWAITING_KEY_EXCHANGE);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, fragment),
                     SIM_OK);
    ck_assert_int_eq(cloud_session_get_state(c->session), CLOUD_SESSION_AWAITING_HELLO);
    ck_assert_str_eq(cloud_session_device_id(c->session), "1f002a000347333531393738");
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_HANDSHAKE_DONE), 1);
    ck_assert(harness_log_contains(&h, "handshake: sending the 40-byte nonce"));
    ck_assert(harness_log_contains(&h, "registered on first use"));
    ck_assert(harness_log_contains(&h, "sent the 384-byte reply"));
    ck_assert(!c->close_called);
    harness_stop(&h);
}

START_TEST(full_handshake_verified_by_the_simulated_device)
{
    check_full_handshake(0);
}
END_TEST

START_TEST(full_handshake_with_one_byte_deliveries)
{
    check_full_handshake(1);
}
END_TEST

START_TEST(same_seed_same_bytes)
{
    harness a, b;
    cloud_server_config config;

    harness_default_config(&config);
    harness_start(&a, &config);
    harness_connect(&a, 0);
    harness_handshake(&a.connections[0], test_device_key_der, test_device_key_der_length,
                      harness_device_id, 0);
    harness_start(&b, &config);
    harness_connect(&b, 0);
    harness_handshake(&b.connections[0], test_device_key_der, test_device_key_der_length,
                      harness_device_id, 0);
    ck_assert_uint_eq(a.connections[0].send_count, 2);
    ck_assert_uint_eq(b.connections[0].send_count, 2);
    for (int i = 0; i < 2; i++) {
        ck_assert_uint_eq(a.connections[0].sends[i].length, b.connections[0].sends[i].length);
        ck_assert_mem_eq(a.connections[0].sends[i].bytes, b.connections[0].sends[i].bytes,
                         a.connections[0].sends[i].length);
    }
    harness_stop(&a);
    harness_stop(&b);
}
END_TEST

/* ---------------------------------------------------------------- faults */

START_TEST(wrong_signing_key_fails_device_authentication)
{
    harness h;
    cloud_server_config config;
    connection *c;
    const char *text;

    harness_default_config(&config);
    config.faults.sign_with_wrong_key = true;
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0),
                     SIM_AUTHENTICATION_ERROR);
    /* the device says nothing more; the server gives up and explains why */
    harness_advance(&h, 10ull * 1000000000ull);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_HELLO_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(text, "AUTHENTICATION_ERROR 8"));
    ck_assert_ptr_nonnull(strstr(text, "sign_with_wrong_key fault is on"));
    harness_stop(&h);
}
END_TEST

START_TEST(corrupt_session_key_fails_device_decryption)
{
    harness h;
    cloud_server_config config;
    connection *c;

    harness_default_config(&config);
    config.faults.corrupt_session_key_block = true;
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0),
                     SIM_DECRYPTION_ERROR);
    ck_assert(harness_log_contains(&h, "DECRYPTION_ERROR 6"));
    harness_stop(&h);
}
END_TEST

typedef struct stop_case {
    cloud_handshake_step step;
    bool stall;
    size_t sends_expected; /* what the device gets before the server stops */
    const char *text;
} stop_case;

static const stop_case stop_cases[] = {
    { CLOUD_STEP_AFTER_ACCEPT, false, 0, "before the nonce" },
    { CLOUD_STEP_AFTER_ACCEPT, true, 0, "error 25" },
    { CLOUD_STEP_AFTER_NONCE, false, 1, "after the nonce" },
    { CLOUD_STEP_AFTER_NONCE, true, 1, "after the nonce" },
    { CLOUD_STEP_AFTER_BLOB, false, 1, "error 26" },
    { CLOUD_STEP_AFTER_BLOB, true, 1, "error 26" },
    { CLOUD_STEP_AFTER_REPLY, false, 2, "after our 384-byte reply" },
    { CLOUD_STEP_AFTER_REPLY, true, 2, "MESSAGE_TIMEOUT 10" },
};

START_TEST(stop_at_each_handshake_step)
{
    const stop_case *sc = &stop_cases[_i];
    harness h;
    cloud_server_config config;
    connection *c;
    const char *text;

    harness_default_config(&config);
    config.faults.stop_at = sc->step;
    config.faults.stall_instead_of_close = sc->stall;
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    if (c->send_count == 1) {
        uint8_t exchange[256];
        harness_device_init(c, test_device_key_der, test_device_key_der_length,
                            harness_device_id, test_server_spki_der);
        ck_assert_int_eq(sim_device_key_exchange(&c->device, c->sends[0].bytes, exchange), 0);
        harness_deliver(c, exchange, sizeof(exchange));
    }
    ck_assert_uint_eq(c->send_count, sc->sends_expected);
    if (sc->sends_expected == 2) {
        ck_assert_uint_eq(c->sends[1].length, 384);
    }
    ck_assert_int_eq(c->close_called, !sc->stall);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_FAULT_INJECTED);
    ck_assert_msg(strstr(text, sc->text) != NULL, "'%s' not in: %s", sc->text, text);
    if (sc->stall) {
        /* a stalled server never times out on its own: the device must give up */
        ck_assert(c->deadline == CLOUD_NO_DEADLINE);
        harness_advance(&h, 60ull * 1000000000ull);
        ck_assert(!c->close_called);
        ck_assert_uint_eq(c->send_count, sc->sends_expected);
    }
    harness_stop(&h);
}
END_TEST

START_TEST(truncated_reply_sends_only_that_many_bytes)
{
    harness h;
    cloud_server_config config;
    connection *c;
    uint8_t exchange[256];

    harness_default_config(&config);
    config.faults.truncate_reply_to = 100;
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    harness_device_init(c, test_device_key_der, test_device_key_der_length, harness_device_id,
                        test_server_spki_der);
    ck_assert_int_eq(sim_device_key_exchange(&c->device, c->sends[0].bytes, exchange), 0);
    harness_deliver(c, exchange, sizeof(exchange));
    ck_assert_uint_eq(c->send_count, 2);
    ck_assert_uint_eq(c->sends[1].length, 100);
    ck_assert(!c->close_called);
    harness_stop(&h);
}
END_TEST

START_TEST(close_requested_inside_the_callback_is_safe)
{
    harness h;
    cloud_server_config config;
    connection *c;

    harness_default_config(&config);
    config.faults.stop_at = CLOUD_STEP_AFTER_ACCEPT;
    harness_start(&h, &config);
    h.close_inside_callback = true;
    c = harness_connect(&h, 0);
    ck_assert(c->close_called);
    ck_assert(c->session_gone);
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_CLOSED), 1);
    ck_assert_ptr_null(cloud_server_next_session(h.server, NULL)); /* freed */
    harness_stop(&h);
}
END_TEST

/* ---------------------------------------------------------------- diagnostics */

START_TEST(device_with_another_server_key_is_diagnosed)
{
    harness h;
    cloud_server_config config;
    connection *c;
    mbedtls_pk_context wrong;
    uint8_t der[600], exchange[256];
    const char *text;
    char fingerprint[16];
    int n;

    /* the device holds some other server key in its DCT */
    mbedtls_pk_init(&wrong);
    ck_assert_int_eq(mbedtls_pk_parse_key(&wrong, test_wrong_server_key_der,
                                          test_wrong_server_key_der_length, NULL, 0), 0);
    n = mbedtls_pk_write_pubkey_der(&wrong, der, sizeof(der));
    ck_assert_int_eq(n, 294);
    mbedtls_pk_free(&wrong);

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    harness_device_init(c, test_device_key_der, test_device_key_der_length, harness_device_id,
                        der + sizeof(der) - 294);
    ck_assert_int_eq(sim_device_key_exchange(&c->device, c->sends[0].bytes, exchange), 0);
    harness_deliver(c, exchange, sizeof(exchange));
    ck_assert(c->close_called);
    ck_assert_uint_eq(c->send_count, 1);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_KEY_EXCHANGE_DECRYPT);
    ck_assert_ptr_nonnull(strstr(text, "RSA decryption of the device's 256-byte key exchange"));
    ck_assert_ptr_nonnull(strstr(text, "DCT server key (offset 2082)"));
    snprintf(fingerprint, sizeof(fingerprint), "%02x %02x %02x", test_server_spki_der[33],
             test_server_spki_der[34], test_server_spki_der[35]);
    ck_assert_ptr_nonnull(strstr(text, fingerprint));
    ck_assert_ptr_nonnull(strstr(text, "photon-sim keys server"));
    harness_stop(&h);
}
END_TEST

START_TEST(unknown_device_rejected_when_asked)
{
    harness h;
    cloud_server_config config;
    connection *c;
    const char *text;

    harness_default_config(&config);
    config.reject_unknown_devices = true;
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0),
                     -1); /* no reply */
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_DEVICE_UNKNOWN);
    ck_assert_ptr_nonnull(strstr(text, "device 1f002a000347333531393738 is not in the registry"));
    harness_stop(&h);
}
END_TEST

START_TEST(changed_device_key_is_diagnosed)
{
    harness h;
    cloud_server_config config;
    connection *c;
    const char *text;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0),
                     SIM_OK);
    harness_close(c);
    /* same device ID, new key (as after a DCT key wipe) */
    c = harness_connect(&h, 1);
    ck_assert_int_eq(harness_handshake(c, test_device2_key_der, test_device2_key_der_length,
                                       harness_device_id, 0),
                     -1);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_DEVICE_KEY_MISMATCH);
    ck_assert_ptr_nonnull(strstr(text, "device 1f002a000347333531393738 sent a public key that "
                                       "differs from the registered one ((in-memory registry))"));
    ck_assert_ptr_nonnull(strstr(text, "DCT private key (offset 34)"));
    /* and the original key still works */
    c = harness_connect(&h, 2);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0),
                     SIM_OK);
    ck_assert(harness_log_contains(&h, "matches its registered key"));
    harness_stop(&h);
}
END_TEST

START_TEST(wrong_nonce_echo_is_diagnosed)
{
    harness h;
    cloud_server_config config;
    connection *c;
    uint8_t stale_nonce[40], exchange[256];
    const char *text;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    memcpy(stale_nonce, c->sends[0].bytes, 40);
    stale_nonce[0] ^= 0xff;
    harness_device_init(c, test_device_key_der, test_device_key_der_length, harness_device_id,
                        test_server_spki_der);
    ck_assert_int_eq(sim_device_key_exchange(&c->device, stale_nonce, exchange), 0);
    harness_deliver(c, exchange, sizeof(exchange));
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_NONCE_MISMATCH);
    ck_assert_ptr_nonnull(strstr(text, "echoed nonce"));
    harness_stop(&h);
}
END_TEST

START_TEST(slow_key_exchange_times_out)
{
    harness h;
    cloud_server_config config;
    connection *c;
    uint8_t partial[100] = { 0 };
    const char *text;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    harness_deliver(c, partial, sizeof(partial));
    harness_advance(&h, 29ull * 1000000000ull);
    ck_assert(!c->close_called);
    harness_advance(&h, 1ull * 1000000000ull);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_KEY_EXCHANGE_TIMEOUT);
    ck_assert_ptr_nonnull(strstr(text, "only 100 of the 256"));
    harness_stop(&h);
}
END_TEST

START_TEST(device_closing_before_hello_is_explained)
{
    harness h;
    cloud_server_config config;
    connection *c;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    harness_handshake(c, test_device_key_der, test_device_key_der_length, harness_device_id, 0);
    harness_close(c);
    recorded_notice *closed = harness_notice(&h, CLOUD_NOTICE_CLOSED, 0);
    ck_assert_ptr_nonnull(closed);
    ck_assert_int_eq(closed->failure, CLOUD_FAILURE_PEER_CLOSED);
    ck_assert_ptr_nonnull(strstr(closed->text, "without sending its Hello"));
    ck_assert_ptr_nonnull(strstr(closed->text, "DECRYPTION_ERROR 6"));
    harness_stop(&h);
}
END_TEST

static Suite *handshake_suite(void)
{
    Suite *s = suite_create("cloud-handshake");
    TCase *tc = tcase_create("handshake");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, hmac_matches_openssl);
    tcase_add_test(tc, raw_signature_matches_openssl_pkeyutl);
    tcase_add_test(tc, openssl_key_exchange_decrypts_to_nonce_id_and_key);
    tcase_add_test(tc, block_parser_checks_length_and_nonce);
    tcase_add_test(tc, device_key_must_be_rsa_1024);
    tcase_add_test(tc, simulated_device_builds_the_openssl_spki);
    tcase_add_test(tc, server_exports_the_openssl_spki);
    tcase_add_test(tc, full_handshake_verified_by_the_simulated_device);
    tcase_add_test(tc, full_handshake_with_one_byte_deliveries);
    tcase_add_test(tc, same_seed_same_bytes);
    tcase_add_test(tc, wrong_signing_key_fails_device_authentication);
    tcase_add_test(tc, corrupt_session_key_fails_device_decryption);
    tcase_add_loop_test(tc, stop_at_each_handshake_step, 0,
                        (int)(sizeof(stop_cases) / sizeof(stop_cases[0])));
    tcase_add_test(tc, truncated_reply_sends_only_that_many_bytes);
    tcase_add_test(tc, close_requested_inside_the_callback_is_safe);
    tcase_add_test(tc, device_with_another_server_key_is_diagnosed);
    tcase_add_test(tc, unknown_device_rejected_when_asked);
    tcase_add_test(tc, changed_device_key_is_diagnosed);
    tcase_add_test(tc, wrong_nonce_echo_is_diagnosed);
    tcase_add_test(tc, slow_key_exchange_times_out);
    tcase_add_test(tc, device_closing_before_hello_is_explained);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(handshake_suite());
    int failed;
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
