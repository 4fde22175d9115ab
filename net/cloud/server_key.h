/*
 * The server's RSA-2048 key pair.
 *
 * The Photon does not parse the server key it holds in its DCT (offset 2082): it takes
 * the 256 bytes at offset 33 as the modulus and assumes e = 65537.  So the key must be
 * RSA-2048 with e = 65537, and its public half must be exported as the standard 294-byte
 * SubjectPublicKeyInfo, which this module checks byte for byte.
 *
 * Files in the registry directory:
 *   server_key.pem      private key (PKCS#1 PEM, mode 0600)
 *   server_key.pub.der  the 294-byte SPKI for the DCT
 */
#ifndef PHOTON_CLOUD_SERVER_KEY_H
#define PHOTON_CLOUD_SERVER_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/pk.h>

#include "rng.h"

#define CLOUD_SERVER_KEY_BITS 2048
#define CLOUD_SERVER_SPKI_LENGTH 294
#define CLOUD_SERVER_SPKI_MODULUS_OFFSET 33 /* where the device reads N */
#define CLOUD_SERVER_KEY_FILE "server_key.pem"
#define CLOUD_SERVER_PUBLIC_FILE "server_key.pub.der"

/* Parse a PEM (NUL included in length) or DER private key and check it fits the device. */
int cloud_server_key_parse(mbedtls_pk_context *pk, const uint8_t *key, size_t length,
                           char *error, size_t error_size);

/* Load dir/server_key.pem, or generate one there (and the .pub.der) if missing.
 * dir NULL: generate in memory.  *created tells which happened. */
int cloud_server_key_load_or_create(mbedtls_pk_context *pk, const char *dir, cloud_rng *rng,
                                    bool *created, char *error, size_t error_size);

int cloud_server_key_generate(mbedtls_pk_context *pk, cloud_rng *rng, char *error,
                              size_t error_size);

/* The 294-byte SPKI, verified against the layout the device assumes. */
int cloud_server_key_spki(mbedtls_pk_context *pk, uint8_t out[CLOUD_SERVER_SPKI_LENGTH],
                          char *error, size_t error_size);

/* Checks an RSA key is `bits` long with e = 65537; error says what it is instead. */
int cloud_rsa_key_check(mbedtls_pk_context *pk, unsigned bits, const char *what, char *error,
                        size_t error_size);

/* First bytes of the modulus as "c3 4f 1a 9b ...", for diagnostics. */
void cloud_rsa_modulus_prefix(mbedtls_pk_context *pk, char *out, size_t out_size);

#endif
