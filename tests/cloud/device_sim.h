/*
 * A simulated Photon for the cloud tests: the device side of the handshake and channel,
 * written on mbedTLS the way Device OS 2.2.0 does it (lightssl_message_channel.cpp,
 * handshake.cpp) and independently of the server code under test.
 *
 * Like the device it reads only the modulus of the server key (at SPKI offset 33) and
 * assumes e = 65537, decrypts the session key with output_max_len 40 and requires exactly
 * 40 bytes, verifies the raw-HMAC signature with MD_NONE, and strips padding without
 * checking it.
 */
#ifndef PHOTON_CLOUD_TEST_DEVICE_SIM_H
#define PHOTON_CLOUD_TEST_DEVICE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/aes.h>
#include <mbedtls/hmac_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

/* Device OS protocol error codes the handshake can produce (protocol_defs.h) */
enum {
    SIM_OK = 0,
    SIM_DECRYPTION_ERROR = 6,
    SIM_AUTHENTICATION_ERROR = 8,
};

typedef struct sim_device {
    mbedtls_pk_context key;       /* RSA-1024 private key, parsed from the DCT's PKCS#1 DER */
    mbedtls_rsa_context server;   /* server public key as the device builds it */
    mbedtls_hmac_drbg_context drbg;
    uint8_t id[12];
    char id_hex[25];
    uint8_t spki[162];            /* built the device's way: fixed header + modulus + e */
    /* after the handshake */
    uint8_t session[40];
    mbedtls_aes_context aes_encrypt;
    mbedtls_aes_context aes_decrypt;
    uint8_t iv_send[16];
    uint8_t iv_receive[16];
    uint16_t message_id;          /* last used; the next message takes message_id + 1 */
} sim_device;

int sim_device_init(sim_device *d, const uint8_t *key_der, size_t key_der_length,
                    const uint8_t server_spki[294], const uint8_t id[12], uint32_t seed);
void sim_device_free(sim_device *d);

/* The 256 bytes answering `nonce`. */
int sim_device_key_exchange(sim_device *d, const uint8_t nonce[40], uint8_t out[256]);

/* Check the server's 384 bytes; SIM_OK sets up the channel. */
int sim_device_accept_reply(sim_device *d, const uint8_t reply[384]);

uint16_t sim_device_next_id(sim_device *d);

/* Frame a CoAP message the device's way; returns the frame length. */
size_t sim_device_wrap(sim_device *d, const uint8_t *message, size_t length, uint8_t *frame);

/* Decrypt one whole frame (2-byte length + ciphertext); returns the message length or -1. */
int sim_device_unwrap(sim_device *d, const uint8_t *frame, size_t frame_length, uint8_t *out);

#endif
