/*
 * Fuzz target: everything the server does with the device's decrypted key exchange
 * (how to build and run: fuzz_common.h): length and nonce checks, device ID, the device's
 * public key, the registry (match, mismatch, trust on first use, reject), and the reply.
 * The RSA-2048 decryption is skipped, and in this build the reply's RSA-2048 signature is
 * too (FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION): they are mbedTLS's, and cost milliseconds.
 *
 * Input: byte 0 = flags, then the plaintext block.  Flags let the fuzzer splice a valid
 * RSA-1024 key in at offset 52 and pre-register keys, so the deep paths are reachable.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "session_internal.h"
#include "vectors.h"

static cloud_server *server;
static uint64_t now_ns = 1;
static bool close_requested;

static uint64_t op_now(void *ctx) { (void)ctx; return now_ns; }
static int op_send(void *ctx, cloud_session *s, const uint8_t *b, size_t n)
{
    (void)ctx; (void)s; (void)b;
    if (n != 40 && n != 384 && n > 384) {
        abort(); /* handshake sends are the nonce, the reply, or a truncated reply */
    }
    return 0;
}
static void op_close(void *ctx, cloud_session *s) { (void)ctx; (void)s; close_requested = true; }

static void setup(void)
{
    static const uint8_t seed[] = "fuzz";
    cloud_server_config config = {
        .seed = seed,
        .seed_length = 4,
        .server_key = test_server_key_der,
        .server_key_length = test_server_key_der_length,
        .wrong_server_key = test_wrong_server_key_der,
        .wrong_server_key_length = test_wrong_server_key_der_length,
    };
    cloud_ops ops = { .now_ns = op_now, .send = op_send, .close = op_close };
    char error[256];
    server = cloud_server_new(&config, &ops, error, sizeof(error));
    if (!server) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t plain[256];
    size_t length;
    uint8_t flags;
    char error[256];
    cloud_session *s;

    if (!server) {
        setup();
    }
    if (size < 1) {
        return 0;
    }
    flags = data[0];
    length = size - 1 < sizeof(plain) ? size - 1 : sizeof(plain);
    memcpy(plain, data + 1, length);
    /* splice a real device key in (a quarter of the inputs) */
    if ((flags & 0x81) == 0x81 && length >= 52) {
        size_t room = sizeof(plain) - 52;
        size_t n = test_device_spki_der_length < room ? test_device_spki_der_length : room;
        memcpy(plain + 52, test_device_spki_der, n);
        if (length < 52 + n) {
            length = 52 + n;
        }
    }

    /* a fresh registry per input so trust-on-first-use state does not pile up */
    cloud_registry_free(server->registry);
    server->registry = cloud_registry_open(NULL, error, sizeof(error));
    server->reject_unknown = flags & 0x02;
    if ((flags & 0x04) && length >= 52) {
        cloud_device_record record = { 0 };
        for (int i = 0; i < 12; i++) {
            static const char hex[] = "0123456789abcdef";
            record.id[2 * i] = hex[plain[40 + i] >> 4];
            record.id[2 * i + 1] = hex[plain[40 + i] & 15];
        }
        const uint8_t *key = (flags & 0x40) ? test_device2_spki_der : test_device_spki_der;
        memcpy(record.key_der, key, 162);
        record.key_der_length = 162;
        if (cloud_registry_store(server->registry, &record, error, sizeof(error)) != 0) {
            abort();
        }
    }

    close_requested = false;
    s = cloud_session_new(server, "fuzz", NULL);
    s->faults.corrupt_session_key_block = flags & 0x08;
    s->faults.sign_with_wrong_key = flags & 0x10;
    s->faults.truncate_reply_to = (flags & 0x20) ? 100 : 0;
    s->faults.stop_at = (flags & 0x60) == 0x60 ? CLOUD_STEP_AFTER_REPLY : CLOUD_STEP_NONE;
    s->state = CLOUD_SESSION_AWAITING_KEY_EXCHANGE;
    /* usually echo the nonce correctly so the parser gets past that check */
    if (length >= 40) {
        memcpy(s->nonce, plain, 40);
        if ((flags & 0x41) == 0x40) {
            s->nonce[0] ^= 1;
        }
    }
    cloud_enter(server);
    cloud_handshake_process_block(s, plain, length);
    cloud_leave(server);
    if (s->failure == CLOUD_FAILURE_NONE && s->state != CLOUD_SESSION_AWAITING_HELLO &&
        !s->stalled) {
        abort(); /* neither failed nor finished */
    }
    if (s->failure != CLOUD_FAILURE_NONE && s->failure_text[0] == '\0') {
        abort(); /* every failure explains itself */
    }
    cloud_session_closed(s);
    return 0;
}
