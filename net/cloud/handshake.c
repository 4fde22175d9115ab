#include "handshake.h"

#include <stdio.h>
#include <string.h>

#include <mbedtls/md.h>
#include <mbedtls/rsa.h>

#include "server_key.h"
#include "session_internal.h"
#include "util.h"

/* ---------------------------------------------------------------- pure steps */

int cloud_handshake_decrypt(mbedtls_pk_context *server_key, cloud_rng *rng,
                            const uint8_t in[CLOUD_KEY_EXCHANGE_LENGTH],
                            uint8_t out[CLOUD_KEY_EXCHANGE_LENGTH], size_t *out_length)
{
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*server_key);

    *out_length = 0;
    if (mbedtls_rsa_get_len(rsa) != CLOUD_KEY_EXCHANGE_LENGTH) {
        return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
    }
    return mbedtls_rsa_pkcs1_decrypt(rsa, cloud_rng_callback, rng, MBEDTLS_RSA_PRIVATE,
                                     out_length, in, out, CLOUD_KEY_EXCHANGE_LENGTH);
}

cloud_block_result cloud_handshake_parse_block(const uint8_t *plain, size_t length,
                                               const uint8_t nonce[CLOUD_NONCE_LENGTH],
                                               cloud_device_block *out)
{
    memset(out, 0, sizeof(*out));
    if (length < CLOUD_DEVICE_BLOCK_MIN) {
        return CLOUD_BLOCK_SHORT;
    }
    if (memcmp(plain, nonce, CLOUD_NONCE_LENGTH) != 0) {
        return CLOUD_BLOCK_NONCE_MISMATCH;
    }
    memcpy(out->id, plain + CLOUD_NONCE_LENGTH, CLOUD_DEVICE_ID_LENGTH);
    cloud_hex(out->id, CLOUD_DEVICE_ID_LENGTH, out->id_hex, sizeof(out->id_hex));
    out->key_der = plain + CLOUD_DEVICE_BLOCK_MIN;
    out->key_der_length = length - CLOUD_DEVICE_BLOCK_MIN;
    return CLOUD_BLOCK_OK;
}

int cloud_handshake_parse_device_key(const uint8_t *der, size_t length, mbedtls_pk_context *pk,
                                     char *error, size_t error_size)
{
    int ret;

    if (length == 0) {
        snprintf(error, error_size, "no key bytes after the nonce and device ID");
        return -1;
    }
    ret = mbedtls_pk_parse_public_key(pk, der, length);
    if (ret != 0) {
        char head[16];
        cloud_hex_spaced(der, length < 4 ? length : 4, head, sizeof(head));
        snprintf(error, error_size,
                 "the %zu bytes at offset 52 are not a DER SubjectPublicKeyInfo "
                 "(mbedTLS -0x%04x; they start %s, an RSA-1024 SPKI starts 30 81 9f 30)",
                 length, (unsigned)-ret, head);
        return -1;
    }
    return cloud_rsa_key_check(pk, 1024, "the device key", error, error_size);
}

bool cloud_rsa_public_keys_equal(mbedtls_pk_context *a, mbedtls_pk_context *b)
{
    mbedtls_mpi na, ea, nb, eb;
    bool equal = false;

    if (mbedtls_pk_get_type(a) != MBEDTLS_PK_RSA || mbedtls_pk_get_type(b) != MBEDTLS_PK_RSA) {
        return false;
    }
    mbedtls_mpi_init(&na);
    mbedtls_mpi_init(&ea);
    mbedtls_mpi_init(&nb);
    mbedtls_mpi_init(&eb);
    if (mbedtls_rsa_export(mbedtls_pk_rsa(*a), &na, NULL, NULL, NULL, &ea) == 0 &&
        mbedtls_rsa_export(mbedtls_pk_rsa(*b), &nb, NULL, NULL, NULL, &eb) == 0) {
        equal = mbedtls_mpi_cmp_mpi(&na, &nb) == 0 && mbedtls_mpi_cmp_mpi(&ea, &eb) == 0;
    }
    mbedtls_mpi_free(&na);
    mbedtls_mpi_free(&ea);
    mbedtls_mpi_free(&nb);
    mbedtls_mpi_free(&eb);
    return equal;
}

int cloud_handshake_hmac(const uint8_t session[CLOUD_SESSION_KEY_LENGTH],
                         const uint8_t ciphertext[CLOUD_REPLY_CIPHER_LENGTH],
                         uint8_t hmac[CLOUD_HMAC_LENGTH])
{
    return mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1), session,
                           CLOUD_SESSION_KEY_LENGTH, ciphertext, CLOUD_REPLY_CIPHER_LENGTH, hmac);
}

int cloud_handshake_sign_hmac(mbedtls_pk_context *signing_key, cloud_rng *rng,
                              const uint8_t hmac[CLOUD_HMAC_LENGTH],
                              uint8_t signature[CLOUD_REPLY_SIGNATURE_LENGTH])
{
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*signing_key);

    if (mbedtls_rsa_get_len(rsa) != CLOUD_REPLY_SIGNATURE_LENGTH) {
        return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
    }
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Fuzz builds only (the libFuzzer convention, as BoringSSL's): the RSA-2048 private
     * operation is mbedTLS's own and takes milliseconds, which would make ten million
     * handshake inputs take hours. The signature keeps its size and depends on the HMAC. */
    (void)rng;
    for (size_t i = 0; i < CLOUD_REPLY_SIGNATURE_LENGTH; i++) {
        signature[i] = hmac[i % CLOUD_HMAC_LENGTH];
    }
    return 0;
#endif
    return mbedtls_rsa_pkcs1_sign(rsa, cloud_rng_callback, rng, MBEDTLS_RSA_PRIVATE,
                                  MBEDTLS_MD_NONE, CLOUD_HMAC_LENGTH, hmac, signature);
}

int cloud_handshake_build_reply(mbedtls_pk_context *device_key, mbedtls_pk_context *signing_key,
                                cloud_rng *rng, const uint8_t session[CLOUD_SESSION_KEY_LENGTH],
                                bool corrupt_cipher, uint8_t reply[CLOUD_REPLY_LENGTH])
{
    mbedtls_rsa_context *device_rsa = mbedtls_pk_rsa(*device_key);
    uint8_t hmac[CLOUD_HMAC_LENGTH];
    int ret;

    if (mbedtls_rsa_get_len(device_rsa) != CLOUD_REPLY_CIPHER_LENGTH) {
        return MBEDTLS_ERR_RSA_BAD_INPUT_DATA;
    }
    ret = mbedtls_rsa_pkcs1_encrypt(device_rsa, cloud_rng_callback, rng, MBEDTLS_RSA_PUBLIC,
                                    CLOUD_SESSION_KEY_LENGTH, session, reply);
    if (ret != 0) {
        return ret;
    }
    if (corrupt_cipher) {
        /* a low byte keeps the value below N, so the device's RSA step runs and its
         * PKCS#1 padding check is what fails */
        reply[CLOUD_REPLY_CIPHER_LENGTH - 1] ^= 0x5a;
    }
    ret = cloud_handshake_hmac(session, reply, hmac);
    if (ret != 0) {
        return ret;
    }
    return cloud_handshake_sign_hmac(signing_key, rng, hmac, reply + CLOUD_REPLY_CIPHER_LENGTH);
}

/* ---------------------------------------------------------------- per connection */

static const char *step_name(cloud_handshake_step step)
{
    switch (step) {
    case CLOUD_STEP_AFTER_ACCEPT:
        return "after accept (before the nonce)";
    case CLOUD_STEP_AFTER_NONCE:
        return "after the nonce";
    case CLOUD_STEP_AFTER_BLOB:
        return "after the device's 256-byte key exchange";
    case CLOUD_STEP_AFTER_REPLY:
        return "after our 384-byte reply";
    case CLOUD_STEP_NONE:
        break;
    }
    return "nowhere";
}

/* What the device will report for a stop at this step. */
static const char *step_consequence(cloud_handshake_step step, bool stall)
{
    switch (step) {
    case CLOUD_STEP_AFTER_ACCEPT:
        return stall ? "the device gives up after 20 s with error 25 (no nonce), red flash"
                     : "the device fails the handshake (receive error), red flash";
    case CLOUD_STEP_AFTER_NONCE:
    case CLOUD_STEP_AFTER_BLOB:
        return stall ? "the device gives up after 20 s with error 26 (no session key), red flash"
                     : "the device fails with error 26 (no session key), red flash";
    case CLOUD_STEP_AFTER_REPLY:
        return stall ? "the device gets no Hello and fails with MESSAGE_TIMEOUT 10 after 4 s"
                     : "the device fails waiting for the Hello (error 24), red flash";
    case CLOUD_STEP_NONE:
        break;
    }
    return "";
}

/* True when the stop fault fires here (and has acted). */
static bool stop_fault_at(cloud_session *s, cloud_handshake_step step)
{
    if (s->faults.stop_at != step) {
        return false;
    }
    if (s->faults.stall_instead_of_close) {
        cloud_session_stall(s, "fault: handshake stalls %s; %s", step_name(step),
                            step_consequence(step, true));
    } else {
        cloud_session_fail(s, CLOUD_FAILURE_FAULT_INJECTED,
                           "fault: closing the connection %s; %s", step_name(step),
                           step_consequence(step, false));
    }
    return true;
}

void cloud_handshake_start(cloud_session *s)
{
    cloud_server *server = s->server;
    char nonce_hex[32];

    if (stop_fault_at(s, CLOUD_STEP_AFTER_ACCEPT)) {
        return;
    }
    if (cloud_rng_bytes(&server->rng, s->nonce, sizeof(s->nonce)) != 0) {
        cloud_session_fail(s, CLOUD_FAILURE_SERVER_CRYPTO, "handshake: DRBG failed to make a nonce");
        return;
    }
    s->state = CLOUD_SESSION_AWAITING_KEY_EXCHANGE;
    s->key_exchange_deadline_ns = cloud_now(server) + CLOUD_KEY_EXCHANGE_TIMEOUT_NS;
    cloud_hex(s->nonce, 8, nonce_hex, sizeof(nonce_hex));
    cloud_logf(s, CLOUD_LOG_INFO, "handshake: sending the 40-byte nonce (%s...)", nonce_hex);
    if (!cloud_session_send_raw(s, s->nonce, sizeof(s->nonce))) {
        return;
    }
    stop_fault_at(s, CLOUD_STEP_AFTER_NONCE);
}

void cloud_handshake_rejection_hint(cloud_session *s, char *out, size_t out_size)
{
    const char *fault = "";

    if (s->faults.sign_with_wrong_key) {
        fault = " (expected here: the sign_with_wrong_key fault is on)";
    } else if (s->faults.corrupt_session_key_block) {
        fault = " (expected here: the corrupt_session_key_block fault is on)";
    } else if (s->faults.truncate_reply_to) {
        fault = " (expected here: the truncate_reply_to fault is on)";
    }
    snprintf(out, out_size,
             "the device rejects our 384-byte reply when it cannot decrypt the session key "
             "(DECRYPTION_ERROR 6: its private key at DCT offset 34 does not match the public "
             "key it sent) or cannot verify our signature (AUTHENTICATION_ERROR 8: the server "
             "key in its DCT at offset 2082 is not ours; ours starts %s)%s",
             s->server->fingerprint, fault);
}

static void explain_decrypt_failure(cloud_session *s, int ret)
{
    cloud_session_fail(
        s, CLOUD_FAILURE_KEY_EXCHANGE_DECRYPT,
        "handshake: RSA decryption of the device's 256-byte key exchange with our server "
        "private key failed (mbedTLS -0x%04x): the device encrypted it with another server "
        "public key. Is the device's DCT server key (offset 2082) ours? Our modulus starts "
        "%s (the device reads it at offset 2082+33). A blank DCT key makes Device OS use "
        "Particle's built-in cloud key. Write ours with `photon-sim keys server`.",
        (unsigned)-ret, s->server->fingerprint);
}

/* Registered, newly registered (trust on first use), or rejected. */
static bool check_registry(cloud_session *s, mbedtls_pk_context *device_key,
                           const cloud_device_block *block)
{
    cloud_server *server = s->server;
    cloud_device_record record;
    char error[512], path[4200];
    cloud_registry_result found;

    cloud_registry_record_path(server->registry, block->id_hex, path, sizeof(path));
    found = cloud_registry_lookup(server->registry, block->id_hex, &record, error, sizeof(error));
    if (found == CLOUD_REGISTRY_ERROR) {
        cloud_session_fail(s, CLOUD_FAILURE_REGISTRY, "handshake: registry: %s", error);
        return false;
    }
    if (found == CLOUD_REGISTRY_FOUND) {
        mbedtls_pk_context registered;
        bool same;
        mbedtls_pk_init(&registered);
        same = mbedtls_pk_parse_public_key(&registered, record.key_der, record.key_der_length) == 0 &&
               cloud_rsa_public_keys_equal(&registered, device_key);
        if (!same) {
            char sent[64], stored[64];
            cloud_rsa_modulus_prefix(device_key, sent, sizeof(sent));
            cloud_rsa_modulus_prefix(&registered, stored, sizeof(stored));
            mbedtls_pk_free(&registered);
            cloud_session_fail(
                s, CLOUD_FAILURE_DEVICE_KEY_MISMATCH,
                "handshake: device %s sent a public key that differs from the registered one "
                "(%s): its modulus starts %s, the registered one starts %s. Device OS makes a "
                "new key when the DCT private key (offset 34) is blank or replaced; if that is "
                "expected, delete %s and let trust-on-first-use register the new key",
                block->id_hex, path, sent, stored, path);
            return false;
        }
        mbedtls_pk_free(&registered);
        cloud_logf(s, CLOUD_LOG_INFO, "handshake: device %s matches its registered key (%s)%s%s",
                   block->id_hex, path, record.name[0] ? ", name " : "", record.name);
        return true;
    }
    if (server->reject_unknown) {
        cloud_session_fail(
            s, CLOUD_FAILURE_DEVICE_UNKNOWN,
            "handshake: device %s is not in the registry (%s does not exist) and unknown "
            "devices are rejected; register its key there or allow trust on first use",
            block->id_hex, path);
        return false;
    }
    memset(&record, 0, sizeof(record));
    memcpy(record.id, block->id_hex, sizeof(record.id));
    if (block->key_der_length > sizeof(record.key_der)) {
        cloud_session_fail(s, CLOUD_FAILURE_DEVICE_KEY_INVALID,
                           "handshake: device key of %zu bytes is too large to register",
                           block->key_der_length);
        return false;
    }
    memcpy(record.key_der, block->key_der, block->key_der_length);
    record.key_der_length = block->key_der_length;
    if (cloud_registry_store(server->registry, &record, error, sizeof(error)) != 0) {
        cloud_session_fail(s, CLOUD_FAILURE_REGISTRY, "handshake: cannot register device %s: %s",
                           block->id_hex, error);
        return false;
    }
    cloud_logf(s, CLOUD_LOG_INFO, "handshake: new device %s registered on first use (%s)",
               block->id_hex, path);
    return true;
}

/* All 256 bytes are in: decrypt, then identify, authenticate, reply. */
static void complete_key_exchange(cloud_session *s)
{
    uint8_t plain[CLOUD_KEY_EXCHANGE_LENGTH];
    size_t plain_length;
    int ret;

    cloud_logf(s, CLOUD_LOG_INFO, "handshake: received the 256-byte key exchange");
    if (stop_fault_at(s, CLOUD_STEP_AFTER_BLOB)) {
        return;
    }
    ret = cloud_handshake_decrypt(&s->server->key, &s->server->rng, s->key_exchange, plain,
                                  &plain_length);
    if (ret != 0) {
        explain_decrypt_failure(s, ret);
        return;
    }
    cloud_handshake_process_block(s, plain, plain_length);
    memset(plain, 0, sizeof(plain));
}

void cloud_handshake_process_block(cloud_session *s, const uint8_t *plain, size_t plain_length)
{
    cloud_server *server = s->server;
    uint8_t session_key[CLOUD_SESSION_KEY_LENGTH];
    uint8_t reply[CLOUD_REPLY_LENGTH];
    cloud_device_block block;
    mbedtls_pk_context device_key;
    mbedtls_pk_context *signing_key = &server->key;
    char error[512], text[128];
    int ret;

    switch (cloud_handshake_parse_block(plain, plain_length, s->nonce, &block)) {
    case CLOUD_BLOCK_SHORT:
        cloud_session_fail(s, CLOUD_FAILURE_KEY_EXCHANGE_SHORT,
                           "handshake: the key exchange decrypts to %zu bytes; expected 214 "
                           "(40 nonce + 12 device ID + 162 public key), at least 52",
                           plain_length);
        return;
    case CLOUD_BLOCK_NONCE_MISMATCH: {
        char got[32], want[32];
        cloud_hex(plain, 8, got, sizeof(got));
        cloud_hex(s->nonce, 8, want, sizeof(want));
        cloud_session_fail(s, CLOUD_FAILURE_NONCE_MISMATCH,
                           "handshake: the device echoed nonce %s... but we sent %s... "
                           "(a replayed or stale key exchange)", got, want);
        return;
    }
    case CLOUD_BLOCK_OK:
        break;
    }
    memcpy(s->device_id, block.id_hex, sizeof(s->device_id));
    if (plain_length != CLOUD_DEVICE_BLOCK_LENGTH) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "handshake: key exchange is %zu bytes; Device OS 2.2.0 sends 214", plain_length);
    }

    mbedtls_pk_init(&device_key);
    if (cloud_handshake_parse_device_key(block.key_der, block.key_der_length, &device_key, error,
                                         sizeof(error)) != 0) {
        cloud_session_fail(s, CLOUD_FAILURE_DEVICE_KEY_INVALID, "handshake: device %s: %s",
                           block.id_hex, error);
        goto out;
    }
    cloud_rsa_modulus_prefix(&device_key, text, sizeof(text));
    cloud_logf(s, CLOUD_LOG_INFO, "handshake: device %s, RSA-1024 public key, modulus %s",
               block.id_hex, text);
    if (!check_registry(s, &device_key, &block)) {
        goto out;
    }
    cloud_replace_older_sessions(s);

    if (s->faults.sign_with_wrong_key) {
        signing_key = cloud_wrong_key(server);
        if (!signing_key) {
            cloud_session_fail(s, CLOUD_FAILURE_SERVER_CRYPTO,
                               "handshake: no key for the sign_with_wrong_key fault");
            goto out;
        }
        cloud_logf(s, CLOUD_LOG_WARN,
                   "fault: signing the reply with a key the device does not hold; it fails "
                   "with AUTHENTICATION_ERROR 8 (red flash)");
    }
    if (s->faults.corrupt_session_key_block) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "fault: corrupting the RSA-encrypted session key; the device fails with "
                   "DECRYPTION_ERROR 6 (red flash)");
    }
    if (cloud_rng_bytes(&server->rng, session_key, sizeof(session_key)) != 0) {
        cloud_session_fail(s, CLOUD_FAILURE_SERVER_CRYPTO, "handshake: DRBG failed");
        goto out;
    }
    ret = cloud_handshake_build_reply(&device_key, signing_key, &server->rng, session_key,
                                      s->faults.corrupt_session_key_block, reply);
    if (ret != 0) {
        cloud_session_fail(s, CLOUD_FAILURE_SERVER_CRYPTO,
                           "handshake: building the 384-byte reply failed (mbedTLS -0x%04x)",
                           (unsigned)-ret);
        goto out;
    }

    if (s->faults.truncate_reply_to > 0 && s->faults.truncate_reply_to < CLOUD_REPLY_LENGTH) {
        if (cloud_session_send_raw(s, reply, s->faults.truncate_reply_to)) {
            cloud_session_stall(s,
                                "fault: sent only %u of the 384 reply bytes; the device waits "
                                "20 s for the rest and fails with error 26 (red flash)",
                                (unsigned)s->faults.truncate_reply_to);
        }
        goto out;
    }
    if (!cloud_session_send_raw(s, reply, sizeof(reply))) {
        goto out;
    }
    cloud_logf(s, CLOUD_LOG_INFO,
               "handshake: sent the 384-byte reply (session key for the RSA-1024 device key + "
               "signed HMAC); the device's Hello should carry message id 0x%04x",
               (unsigned)(uint16_t)((session_key[32] | session_key[33] << 8) + 1));
    cloud_session_channel_ready(s, session_key);
    {
        cloud_notice notice = { .kind = CLOUD_NOTICE_HANDSHAKE_DONE };
        cloud_notify(s, &notice);
    }
    stop_fault_at(s, CLOUD_STEP_AFTER_REPLY);
out:
    mbedtls_pk_free(&device_key);
    memset(session_key, 0, sizeof(session_key));
}

size_t cloud_handshake_receive(cloud_session *s, const uint8_t *data, size_t length)
{
    size_t want = sizeof(s->key_exchange) - s->key_exchange_have;
    size_t take = length < want ? length : want;

    memcpy(s->key_exchange + s->key_exchange_have, data, take);
    s->key_exchange_have += take;
    if (s->key_exchange_have == sizeof(s->key_exchange)) {
        complete_key_exchange(s);
    }
    return take;
}
