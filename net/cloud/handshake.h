/*
 * The server side of the Photon's RSA handshake (cloud-protocol.md §1):
 *
 *   server -> device  40-byte nonce
 *   device -> server  256 bytes: RSA-2048 PKCS#1 v1.5 (server public key) of
 *                     nonce[40] | device id[12] | device public key SPKI[162]  (214 bytes)
 *   server -> device  384 bytes: RSA-1024 PKCS#1 v1.5 (device public key) of session[40]
 *                     | PKCS#1 type-1 signature (server private key) of the raw 20-byte
 *                       HMAC-SHA1(key = session, message = the first 128 bytes)
 *   session = AES key[16] | IV[16] | salt[8]
 *
 * These are the pure steps; the state machine that drives them per connection lives in
 * handshake.c too (see session_internal.h).
 */
#ifndef PHOTON_CLOUD_HANDSHAKE_H
#define PHOTON_CLOUD_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/pk.h>

#include "rng.h"

#define CLOUD_NONCE_LENGTH 40
#define CLOUD_DEVICE_ID_LENGTH 12
#define CLOUD_KEY_EXCHANGE_LENGTH 256
#define CLOUD_DEVICE_BLOCK_LENGTH 214 /* what Device OS 2.2.0 sends */
#define CLOUD_DEVICE_BLOCK_MIN 52     /* nonce + id: older servers accepted this much */
#define CLOUD_DEVICE_KEY_SPKI_LENGTH 162
#define CLOUD_SESSION_KEY_LENGTH 40
#define CLOUD_REPLY_CIPHER_LENGTH 128
#define CLOUD_REPLY_SIGNATURE_LENGTH 256
#define CLOUD_REPLY_LENGTH (CLOUD_REPLY_CIPHER_LENGTH + CLOUD_REPLY_SIGNATURE_LENGTH)
#define CLOUD_HMAC_LENGTH 20

typedef struct cloud_device_block {
    uint8_t id[CLOUD_DEVICE_ID_LENGTH];
    char id_hex[25];
    const uint8_t *key_der; /* points into the plaintext */
    size_t key_der_length;
} cloud_device_block;

typedef enum cloud_block_result {
    CLOUD_BLOCK_OK = 0,
    CLOUD_BLOCK_SHORT = -1,
    CLOUD_BLOCK_NONCE_MISMATCH = -2,
} cloud_block_result;

/* RSA-2048 private decrypt of the 256 bytes; 0 or the mbedTLS error. */
int cloud_handshake_decrypt(mbedtls_pk_context *server_key, cloud_rng *rng,
                            const uint8_t in[CLOUD_KEY_EXCHANGE_LENGTH],
                            uint8_t out[CLOUD_KEY_EXCHANGE_LENGTH], size_t *out_length);

/* Split the decrypted block; checks its length and the echoed nonce. */
cloud_block_result cloud_handshake_parse_block(const uint8_t *plain, size_t length,
                                               const uint8_t nonce[CLOUD_NONCE_LENGTH],
                                               cloud_device_block *out);

/* Parse the device's SPKI and check it is RSA-1024 with e = 65537 (what the 128-byte
 * half of the reply needs).  0, or -1 with the reason. */
int cloud_handshake_parse_device_key(const uint8_t *der, size_t length, mbedtls_pk_context *pk,
                                     char *error, size_t error_size);

bool cloud_rsa_public_keys_equal(mbedtls_pk_context *a, mbedtls_pk_context *b);

int cloud_handshake_hmac(const uint8_t session[CLOUD_SESSION_KEY_LENGTH],
                         const uint8_t ciphertext[CLOUD_REPLY_CIPHER_LENGTH],
                         uint8_t hmac[CLOUD_HMAC_LENGTH]);

/* PKCS#1 v1.5 type-1 signature over the raw 20 bytes (MD_NONE: no DigestInfo). */
int cloud_handshake_sign_hmac(mbedtls_pk_context *signing_key, cloud_rng *rng,
                              const uint8_t hmac[CLOUD_HMAC_LENGTH],
                              uint8_t signature[CLOUD_REPLY_SIGNATURE_LENGTH]);

/* The whole 384-byte reply.  corrupt_cipher flips a byte of the 128-byte block after
 * encrypting (the device's decrypt then fails). */
int cloud_handshake_build_reply(mbedtls_pk_context *device_key, mbedtls_pk_context *signing_key,
                                cloud_rng *rng, const uint8_t session[CLOUD_SESSION_KEY_LENGTH],
                                bool corrupt_cipher, uint8_t reply[CLOUD_REPLY_LENGTH]);

#endif
