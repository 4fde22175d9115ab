/*
 * Known-answer vectors and throwaway test keys for the cloud core, made with the openssl
 * command line by make_vectors.sh (see there for exactly how each one was produced).
 */
#ifndef PHOTON_CLOUD_TEST_VECTORS_H
#define PHOTON_CLOUD_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#define VECTOR(name) extern const uint8_t name[]; extern const size_t name##_length

VECTOR(test_server_key_der);       /* RSA-2048, PKCS#1 DER */
VECTOR(test_server_spki_der);      /* its 294-byte SubjectPublicKeyInfo */
VECTOR(test_wrong_server_key_der); /* another RSA-2048 key */
VECTOR(test_device_key_der);       /* RSA-1024, PKCS#1 DER as in the DCT at offset 34 */
VECTOR(test_device_spki_der);      /* its 162-byte SubjectPublicKeyInfo */
VECTOR(test_device2_key_der);
VECTOR(test_device2_spki_der);

/* AES-128-CBC: key, initial IV, three frames each way (next IV = first cipher block) */
VECTOR(test_aes_key);
VECTOR(test_aes_iv);
VECTOR(test_server_plain_1);
VECTOR(test_server_cipher_1);
VECTOR(test_server_plain_2);
VECTOR(test_server_cipher_2);
VECTOR(test_server_plain_3);
VECTOR(test_server_cipher_3);
VECTOR(test_device_plain_1);
VECTOR(test_device_cipher_1);
VECTOR(test_device_plain_2);
VECTOR(test_device_cipher_2);
VECTOR(test_device_plain_3);
VECTOR(test_device_cipher_3);

/* HMAC-SHA1(key = 40-byte session, message = 128 bytes) and its raw type-1 signature
 * with test_server_key_der */
VECTOR(test_hmac_session);
VECTOR(test_hmac_message);
VECTOR(test_hmac_sha1);
VECTOR(test_hmac_signature);

/* nonce | id | test_device_spki_der, PKCS#1 v1.5-encrypted to test_server_key_der */
VECTOR(test_exchange_nonce);
VECTOR(test_exchange_device_id);
VECTOR(test_exchange_cipher);

/* a 512-byte chunk and its CRC-32 as gzip stores it (little-endian) */
VECTOR(test_crc_chunk);
VECTOR(test_crc_chunk_crc_le);

#undef VECTOR

#endif
