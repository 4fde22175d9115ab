/* Device and server keys in the shapes Device OS 2.2.0 reads from the DCT
 * (reference/cloud-protocol.md section 3), built with mbedTLS 2.28. */
#ifndef PHOTON_SIM_KEYS_H
#define PHOTON_SIM_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_error.h"

#define DEVICE_KEY_BITS 1024
#define DEVICE_KEY_EXPONENT 65537
/* The firmware reads 612 bytes of PKCS#1 DER from app offset 34. */
#define DEVICE_KEY_DER_MAX 612u
/* extract_public_rsa_key() copies N from this offset without parsing. */
#define DEVICE_KEY_MODULUS_OFFSET 11u
#define DEVICE_KEY_MODULUS_SIZE 128u
/* SubjectPublicKeyInfo the device sends in its handshake (and caches at 1250). */
#define DEVICE_PUBLIC_KEY_SIZE 162u

#define SERVER_KEY_BITS 2048
#define SERVER_KEY_SPKI_SIZE 294u
/* init_rsa_context_with_public_key() reads N from this offset. */
#define SERVER_KEY_MODULUS_OFFSET 33u
/* particle-cli `keys server` block: SPKI, 0xFF to 384, address, 0xFF to 512. */
#define SERVER_KEY_BLOCK_SIZE 512u
#define SERVER_KEY_BLOCK_ADDRESS 384u
#define SERVER_ADDRESS_SIZE 128u
#define SERVER_ADDRESS_PORT 66u /* big-endian, inside the address block */
#define SERVER_DEFAULT_PORT 5683u
#define SERVER_DEFAULT_DOMAIN "device.spark.io"
/* parseServerAddressData copies into char domain[64]. */
#define SERVER_DOMAIN_MAX 63u

#define DEVICE_UID_SIZE 12u
#define DEVICE_ID_HEX_SIZE 24u

/* Generates an RSA-1024 (e = 65537) device key deterministically from `seed`
 * (the CTR_DRBG personalisation, with constant entropy), as PKCS#1 DER whose
 * layout the firmware's fixed-offset parser reads correctly. Keys that do not
 * fit that layout (a short D, P, Q, DP, DQ or QP) are skipped. */
int keys_generate_device_key(const void *seed, size_t seed_length, uint8_t der[DEVICE_KEY_DER_MAX],
                             size_t *der_length, sim_error *err);

/* Length of the DER SEQUENCE at `der` (header included) if it fits in
 * `available`, else 0. */
size_t keys_der_length(const uint8_t *der, size_t available);

/* Checks a device key as the firmware will use it: PKCS#1 RSAPrivateKey,
 * 1024 bits, e = 65537, `30 82 02 xx 02 01 00 02 81 81 00` prefix, and the
 * integers the firmware's walk (init_rsa_context_with_private_key) picks up
 * equal the ones a real DER parser finds. */
int keys_check_device_key(const uint8_t *der, size_t length, sim_error *err);

/* Converts a device key file (PKCS#1 or PKCS#8, DER or PEM) to PKCS#1 DER
 * and checks it with keys_check_device_key. */
int keys_load_device_key(const uint8_t *data, size_t length, uint8_t der[DEVICE_KEY_DER_MAX],
                         size_t *der_length, sim_error *err);

/* The 162-byte SubjectPublicKeyInfo built as extract_public_rsa_key() does:
 * fixed header, 128 bytes from private_der + 11, `02 03 01 00 01`. */
void keys_device_public_key(const uint8_t *private_der, uint8_t spki[DEVICE_PUBLIC_KEY_SIZE]);

/* True when `spki` has the fixed header and exponent of that layout. */
bool keys_is_device_public_key(const uint8_t spki[DEVICE_PUBLIC_KEY_SIZE]);

/* Reads a server key: a DER or PEM public key, a private key (its public
 * half is used), or a particle-cli 512/2048-byte DCT image (whose address
 * block is returned in `address` when it is not NULL; *has_address tells
 * whether the input had one). The key must be RSA-2048 with e = 65537; the
 * result is its 294-byte SubjectPublicKeyInfo. */
int keys_load_server_key(const uint8_t *data, size_t length, uint8_t spki[SERVER_KEY_SPKI_SIZE],
                         uint8_t address[SERVER_ADDRESS_SIZE], bool *has_address, sim_error *err);

/* Checks a stored 294-byte server SPKI (RSA-2048, e = 65537, N at 33). */
int keys_check_server_key(const uint8_t *spki, sim_error *err);

/* Fills a 128-byte address block the way `particle keys server --host H
 * --port P` does: 0xFF, then `00 04 a b c d` for a dotted-digit host or
 * `01 len name` for a domain, and the port big-endian at +66 when port >= 0. */
int keys_server_address_encode(const char *host, long port, uint8_t block[SERVER_ADDRESS_SIZE],
                               sim_error *err);

typedef struct server_address {
    enum { SERVER_ADDRESS_INVALID = -1, SERVER_ADDRESS_IP = 0, SERVER_ADDRESS_DOMAIN = 1 } type;
    uint8_t ip[4];
    char domain[SERVER_DOMAIN_MAX + 1];
    uint16_t port;        /* the port the firmware will use */
    bool port_is_default; /* stored 0x0000 or 0xFFFF */
} server_address;

/* Decodes an address block as parseServerAddressData() reads it. An invalid
 * block means the firmware falls back to device.spark.io:5683. */
void keys_server_address_decode(const uint8_t block[SERVER_ADDRESS_SIZE], server_address *out);

/* Builds the 512-byte block written at app offset 2082. host NULL: the
 * address part stays 0xFF (the device then uses device.spark.io). */
int keys_server_key_block(const uint8_t spki[SERVER_KEY_SPKI_SIZE], const char *host, long port,
                          uint8_t block[SERVER_KEY_BLOCK_SIZE], sim_error *err);

/* Device ID: the 12 UID bytes (0x1FFF7A10, memory order) as 24 lowercase hex. */
void keys_device_id(const uint8_t uid[DEVICE_UID_SIZE], char out[DEVICE_ID_HEX_SIZE + 1]);

/* Parses 24 hex digits (separators ':' '-' ' ' allowed) into 12 UID bytes. */
int keys_parse_uid(const char *text, uint8_t uid[DEVICE_UID_SIZE], sim_error *err);

#endif
