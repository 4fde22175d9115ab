/*
 * Benchmark: device-cloud handshakes per second on one core (issue 4,
 * acceptance 6), against the physical limit of the RSA operations a
 * handshake needs, measured with mbedTLS in the same run.
 *
 * Each handshake runs the real server (net/cloud) against the tests'
 * independent simulated Photon (tests/cloud/device_sim.c) over the harness's
 * in-memory transport: the server's nonce, the device's 256-byte key
 * exchange, the server's 384-byte reply, the device's checks. The server's
 * share is timed apart from the device's. The RSA limit is the same work
 * done with bare mbedTLS calls: for the server an RSA-2048 private decrypt
 * (the key exchange) and an RSA-2048 private sign (the reply's HMAC) plus an
 * RSA-1024 public encrypt (the session key for the device); for the device
 * an RSA-2048 public encrypt, an RSA-1024 private decrypt and an RSA-2048
 * public verify.
 *
 * usage: handshake_bench [HANDSHAKES]   (default 200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "harness.h"
#include "vectors.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: one core, whatever else runs */
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fixed_random(void *ctx, unsigned char *out, size_t length)
{
    unsigned *state = ctx;
    for (size_t i = 0; i < length; i++) {
        *state = *state * 1103515245u + 12345u;
        out[i] = (unsigned char)(*state >> 16) | 1;     /* PKCS#1 padding wants non-zero */
    }
    return 0;
}

static mbedtls_rsa_context *parse_rsa(mbedtls_pk_context *pk, const uint8_t *der, size_t length)
{
    mbedtls_pk_init(pk);
    if (mbedtls_pk_parse_key(pk, der, length, NULL, 0) != 0) {
        fprintf(stderr, "handshake_bench: cannot parse a test key\n");
        exit(1);
    }
    return mbedtls_pk_rsa(*pk);
}

/* Seconds one pass of the handshake's RSA work takes, averaged over @rounds. */
static double rsa_work_seconds(int rounds, double *server_share)
{
    mbedtls_pk_context server_pk, device_pk;
    mbedtls_rsa_context *server = parse_rsa(&server_pk, test_server_key_der,
                                            test_server_key_der_length);
    mbedtls_rsa_context *device = parse_rsa(&device_pk, test_device_key_der,
                                            test_device_key_der_length);
    unsigned state = 1;
    uint8_t plain[128] = { 0 }, c2048[256], c1024[128], out[256], hash[20] = { 1 };
    size_t olen;
    double server_s = 0, device_s = 0;

    for (int i = 0; i < rounds; i++) {
        double t0 = now_s();
        mbedtls_rsa_pkcs1_encrypt(server, fixed_random, &state, MBEDTLS_RSA_PUBLIC, 128, plain,
                                  c2048);                                   /* device */
        double t1 = now_s();
        mbedtls_rsa_pkcs1_decrypt(server, fixed_random, &state, MBEDTLS_RSA_PRIVATE, &olen,
                                  c2048, out, sizeof out);                  /* server */
        mbedtls_rsa_pkcs1_sign(server, fixed_random, &state, MBEDTLS_RSA_PRIVATE,
                               MBEDTLS_MD_NONE, sizeof hash, hash, c2048);  /* server */
        mbedtls_rsa_pkcs1_encrypt(device, fixed_random, &state, MBEDTLS_RSA_PUBLIC, 40, plain,
                                  c1024);                                   /* server */
        double t2 = now_s();
        mbedtls_rsa_pkcs1_decrypt(device, fixed_random, &state, MBEDTLS_RSA_PRIVATE, &olen,
                                  c1024, out, 40);                          /* device */
        mbedtls_rsa_pkcs1_verify(server, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_NONE,
                                 sizeof hash, hash, c2048);                 /* device */
        double t3 = now_s();
        server_s += t2 - t1;
        device_s += (t1 - t0) + (t3 - t2);
    }
    mbedtls_pk_free(&server_pk);
    mbedtls_pk_free(&device_pk);
    *server_share = server_s / rounds;
    return (server_s + device_s) / rounds;
}

static int handshakes = 200;

/* The harness checks its steps with Check, so the bench runs as a Check test
 * (in this process, without a time limit). */
START_TEST(bench)
{
    cloud_server_config config;
    harness h;
    double server_s = 0, device_s = 0;

    harness_default_config(&config);
    harness_start(&h, &config);
    for (int i = 0; i < handshakes; i++) {
        connection *c = harness_connect(&h, 0);
        uint8_t exchange[256];
        recorded_send *nonce = harness_take_send(c), *reply;

        harness_device_init(c, test_device_key_der, test_device_key_der_length,
                            harness_device_id, test_server_spki_der);
        double t0 = now_s();
        sim_device_key_exchange(&c->device, nonce->bytes, exchange);
        double t1 = now_s();
        harness_deliver(c, exchange, sizeof exchange);
        double t2 = now_s();
        reply = harness_take_send(c);
        ck_assert_msg(reply && sim_device_accept_reply(&c->device, reply->bytes) == SIM_OK,
                      "handshake %d failed", i);
        double t3 = now_s();
        device_s += (t1 - t0) + (t3 - t2);
        server_s += t2 - t1;
        harness_close(c);
        h.notice_count = 0;
    }
    harness_stop(&h);

    double rsa_server, rsa_total = rsa_work_seconds(handshakes, &rsa_server);
    printf("handshakes: %d, server and simulated device on one core\n", handshakes);
    printf("server:   %7.1f handshakes/s (%.2f ms each); RSA limit %7.1f/s -> %.0f%% of it\n",
           1 / (server_s / handshakes), 1e3 * server_s / handshakes, 1 / rsa_server,
           100 * rsa_server / (server_s / handshakes));
    printf("together: %7.1f handshakes/s (%.2f ms each); RSA limit %7.1f/s -> %.0f%% of it\n",
           1 / ((server_s + device_s) / handshakes), 1e3 * (server_s + device_s) / handshakes,
           1 / rsa_total, 100 * rsa_total / ((server_s + device_s) / handshakes));
}
END_TEST

int main(int argc, char **argv)
{
    handshakes = argc > 1 ? atoi(argv[1]) : handshakes;
    if (handshakes <= 0) {
        fprintf(stderr, "usage: handshake_bench [HANDSHAKES]\n");
        return 2;
    }
    Suite *suite = suite_create("handshake_bench");
    TCase *tc = tcase_create("bench");
    tcase_set_timeout(tc, 0);
    tcase_add_test(tc, bench);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_NOFORK);
    srunner_run_all(runner, CK_SILENT);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
