#include "keys.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/bignum.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>

#include "sim_bytes.h"

/* ---- Deterministic generation ----------------------------------------- */

/* Constant "entropy": the DRBG output then depends only on the seed given as
 * personalisation, which is the point (reproducible simulated devices). */
static int constant_entropy(void *unused, unsigned char *out, size_t length)
{
    (void)unused;
    memset(out, 0x5A, length);
    return 0;
}

size_t keys_der_length(const uint8_t *der, size_t available)
{
    if (available < 2 || der[0] != 0x30)
        return 0;
    size_t length, header;
    if (der[1] < 0x80) {
        length = der[1];
        header = 2;
    } else if (der[1] == 0x81 && available >= 3) {
        length = der[2];
        header = 3;
    } else if (der[1] == 0x82 && available >= 4) {
        length = (size_t)der[2] << 8 | der[3];
        header = 4;
    } else {
        return 0;
    }
    return header + length <= available ? header + length : 0;
}

static bool is_pem(const uint8_t *data, size_t length)
{
    static const char begin[] = "-----BEGIN ";
    for (size_t i = 0; i + sizeof begin - 1 <= length; i++) {
        if (memcmp(data + i, begin, sizeof begin - 1) == 0)
            return true;
        if (!isspace(data[i]))
            return false;
    }
    return false;
}

/* mbedtls wants PEM NUL-terminated with the NUL counted in the length. */
static int parse_private(mbedtls_pk_context *pk, const uint8_t *data, size_t length)
{
    if (!is_pem(data, length))
        return mbedtls_pk_parse_key(pk, data, length, NULL, 0);
    uint8_t *copy = malloc(length + 1);
    if (!copy)
        return MBEDTLS_ERR_PK_ALLOC_FAILED;
    memcpy(copy, data, length);
    copy[length] = 0;
    int rc = mbedtls_pk_parse_key(pk, copy, length + 1, NULL, 0);
    free(copy);
    return rc;
}

static int parse_public(mbedtls_pk_context *pk, const uint8_t *data, size_t length)
{
    if (!is_pem(data, length))
        return mbedtls_pk_parse_public_key(pk, data, length);
    uint8_t *copy = malloc(length + 1);
    if (!copy)
        return MBEDTLS_ERR_PK_ALLOC_FAILED;
    memcpy(copy, data, length);
    copy[length] = 0;
    int rc = mbedtls_pk_parse_public_key(pk, copy, length + 1);
    free(copy);
    return rc;
}

/* Reads one INTEGER the way init_rsa_context_with_private_key() does: the
 * length byte sits at `*pos`; an odd length byte (0x81, 0x41) means a
 * leading zero to skip; `size` value bytes follow. */
static int firmware_walk_integer(const uint8_t *der, size_t length, size_t *pos, size_t size,
                                 mbedtls_mpi *out)
{
    size_t i = *pos;
    if (i >= length)
        return -1;
    if (der[i] & 1)
        i++;
    i++;
    if (i + size > length)
        return -1;
    if (mbedtls_mpi_read_binary(out, der + i, size) != 0)
        return -1;
    *pos = i;
    return 0;
}

int keys_check_device_key(const uint8_t *der, size_t length, sim_error *err)
{
    static const uint8_t prefix[] = {0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00};
    if (length < 11 || der[0] != 0x30 || der[1] != 0x82 || der[2] != 0x02)
        return sim_fail(err, "device key: offset 0: expected a PKCS#1 DER SEQUENCE "
                        "`30 82 02 xx` (RSA-1024)");
    if (keys_der_length(der, length) != length)
        return sim_fail(err, "device key: offset 2: SEQUENCE of %u bytes does not match the "
                        "%zu bytes given", 4u + (unsigned)get_be16(der + 2), length);
    if (memcmp(der + 4, prefix, sizeof prefix) != 0)
        return sim_fail(err, "device key: offset 4: expected `02 01 00 02 81 81 00` (version 0, "
                        "128-byte modulus); the firmware reads N at offset %u",
                        DEVICE_KEY_MODULUS_OFFSET);

    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = mbedtls_pk_parse_key(&pk, der, length, NULL, 0);
    if (rc != 0) {
        mbedtls_pk_free(&pk);
        return sim_fail(err, "device key: not a valid RSA private key (mbedTLS error -0x%04X)",
                        (unsigned)-rc);
    }
    if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_RSA || mbedtls_pk_get_bitlen(&pk) != DEVICE_KEY_BITS) {
        mbedtls_pk_free(&pk);
        return sim_fail(err, "device key: expected RSA-1024, found a %zu-bit %s key",
                        mbedtls_pk_get_bitlen(&pk), mbedtls_pk_get_name(&pk));
    }
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);

    /* The firmware hard-codes E and walks fixed offsets for the rest. */
    mbedtls_mpi want[8], got;
    for (int i = 0; i < 8; i++)
        mbedtls_mpi_init(&want[i]);
    mbedtls_mpi_init(&got);
    enum { N, E, D, P, Q, DP, DQ, QP };
    static const char *const names[] = {"N", "E", "D", "P", "Q", "DP", "DQ", "QP"};
    int result = 0;
    if (mbedtls_rsa_export(rsa, &want[N], &want[P], &want[Q], &want[D], &want[E]) != 0 ||
        mbedtls_rsa_export_crt(rsa, &want[DP], &want[DQ], &want[QP]) != 0) {
        result = sim_fail(err, "device key: cannot export the RSA parameters");
        goto out;
    }
    if (mbedtls_mpi_cmp_int(&want[E], DEVICE_KEY_EXPONENT) != 0) {
        result = sim_fail(err, "device key: public exponent is not 65537 (the firmware assumes it)");
        goto out;
    }
    /* Steps of the walk: where the next length byte is, relative to the
     * previous value's start, and how many bytes the value has. */
    static const struct { int which; size_t advance; size_t size; } walk[] = {
        {N, 0, 128}, {D, 135, 128}, {P, 129, 64}, {Q, 65, 64},
        {DP, 65, 64}, {DQ, 65, 64}, {QP, 65, 64},
    };
    size_t pos = 9;
    for (size_t s = 0; s < sizeof walk / sizeof walk[0]; s++) {
        pos += walk[s].advance;
        size_t length_byte = pos;
        if (firmware_walk_integer(der, length, &pos, walk[s].size, &got) != 0 ||
            mbedtls_mpi_cmp_mpi(&got, &want[walk[s].which]) != 0) {
            result = sim_fail(err, "device key: offset %zu: the firmware's fixed-offset parser "
                              "would misread %s (it expects a %zu-byte integer there)",
                              length_byte, names[walk[s].which], walk[s].size);
            goto out;
        }
    }
    if (mbedtls_rsa_check_privkey(rsa) != 0)
        result = sim_fail(err, "device key: RSA consistency check failed");
out:
    for (int i = 0; i < 8; i++)
        mbedtls_mpi_free(&want[i]);
    mbedtls_mpi_free(&got);
    mbedtls_pk_free(&pk);
    return result;
}

/* PKCS#1 DER of the key in `pk`, copied to the front of `der`. */
static int write_pkcs1(mbedtls_pk_context *pk, uint8_t der[DEVICE_KEY_DER_MAX], size_t *der_length)
{
    uint8_t buf[2048];
    int n = mbedtls_pk_write_key_der(pk, buf, sizeof buf);
    if (n <= 0 || (size_t)n > DEVICE_KEY_DER_MAX)
        return -1;
    memcpy(der, buf + sizeof buf - (size_t)n, (size_t)n);
    *der_length = (size_t)n;
    return 0;
}

int keys_generate_device_key(const void *seed, size_t seed_length, uint8_t der[DEVICE_KEY_DER_MAX],
                             size_t *der_length, sim_error *err)
{
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ctr_drbg_init(&drbg);
    int result = -1;
    if (mbedtls_ctr_drbg_seed(&drbg, constant_entropy, NULL, seed, seed_length) != 0) {
        sim_fail(err, "key generation: cannot seed the DRBG (seed of %zu bytes)", seed_length);
        goto out;
    }
    /* Roughly 2% of keys have a short integer the firmware would misread;
     * drawing the next key from the same DRBG keeps the result reproducible. */
    for (int attempt = 0; attempt < 64 && result != 0; attempt++) {
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        if (mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) == 0 &&
            mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk), mbedtls_ctr_drbg_random, &drbg,
                                DEVICE_KEY_BITS, DEVICE_KEY_EXPONENT) == 0 &&
            write_pkcs1(&pk, der, der_length) == 0 &&
            keys_check_device_key(der, *der_length, NULL) == 0)
            result = 0;
        mbedtls_pk_free(&pk);
    }
    if (result != 0)
        sim_fail(err, "key generation: no key with the firmware's DER layout after 64 tries");
out:
    mbedtls_ctr_drbg_free(&drbg);
    return result;
}

int keys_load_device_key(const uint8_t *data, size_t length, uint8_t der[DEVICE_KEY_DER_MAX],
                         size_t *der_length, sim_error *err)
{
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int rc = parse_private(&pk, data, length);
    if (rc != 0) {
        mbedtls_pk_free(&pk);
        return sim_fail(err, "not an RSA private key in DER or PEM (mbedTLS error -0x%04X)",
                        (unsigned)-rc);
    }
    if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_RSA || mbedtls_pk_get_bitlen(&pk) != DEVICE_KEY_BITS) {
        size_t bits = mbedtls_pk_get_bitlen(&pk);
        const char *kind = mbedtls_pk_get_name(&pk);
        mbedtls_pk_free(&pk);
        return sim_fail(err, "expected an RSA-1024 device key, found a %zu-bit %s key", bits, kind);
    }
    /* Keep a DER PKCS#1 input byte for byte; re-encode anything else. */
    size_t der_in = keys_der_length(data, length);
    if (!is_pem(data, length) && der_in == length && length <= DEVICE_KEY_DER_MAX &&
        keys_check_device_key(data, length, NULL) == 0) {
        memcpy(der, data, length);
        *der_length = length;
    } else if (write_pkcs1(&pk, der, der_length) != 0) {
        mbedtls_pk_free(&pk);
        return sim_fail(err, "cannot encode the key as PKCS#1 DER");
    }
    mbedtls_pk_free(&pk);
    return keys_check_device_key(der, *der_length, err);
}

static const uint8_t device_spki_header[29] = {
    0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00, 0x03, 0x81, 0x8d, 0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00,
};
static const uint8_t device_spki_exponent[5] = {0x02, 0x03, 0x01, 0x00, 0x01};

void keys_device_public_key(const uint8_t *private_der, uint8_t spki[DEVICE_PUBLIC_KEY_SIZE])
{
    memcpy(spki, device_spki_header, sizeof device_spki_header);
    memcpy(spki + sizeof device_spki_header, private_der + DEVICE_KEY_MODULUS_OFFSET,
           DEVICE_KEY_MODULUS_SIZE);
    memcpy(spki + sizeof device_spki_header + DEVICE_KEY_MODULUS_SIZE, device_spki_exponent,
           sizeof device_spki_exponent);
}

bool keys_is_device_public_key(const uint8_t spki[DEVICE_PUBLIC_KEY_SIZE])
{
    return memcmp(spki, device_spki_header, sizeof device_spki_header) == 0 &&
           memcmp(spki + sizeof device_spki_header + DEVICE_KEY_MODULUS_SIZE,
                  device_spki_exponent, sizeof device_spki_exponent) == 0;
}

/* ---- Server key ------------------------------------------------------- */

static int server_spki_from_pk(mbedtls_pk_context *pk, uint8_t spki[SERVER_KEY_SPKI_SIZE],
                               sim_error *err)
{
    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA || mbedtls_pk_get_bitlen(pk) != SERVER_KEY_BITS)
        return sim_fail(err, "expected an RSA-2048 server key, found a %zu-bit %s key",
                        mbedtls_pk_get_bitlen(pk), mbedtls_pk_get_name(pk));
    mbedtls_mpi e;
    mbedtls_mpi_init(&e);
    int bad_e = mbedtls_rsa_export(mbedtls_pk_rsa(*pk), NULL, NULL, NULL, NULL, &e) != 0 ||
                mbedtls_mpi_cmp_int(&e, 65537) != 0;
    mbedtls_mpi_free(&e);
    if (bad_e)
        return sim_fail(err, "server key: public exponent is not 65537 (the firmware assumes it)");
    uint8_t buf[1024];
    int n = mbedtls_pk_write_pubkey_der(pk, buf, sizeof buf);
    if (n != (int)SERVER_KEY_SPKI_SIZE)
        return sim_fail(err, "server key: SubjectPublicKeyInfo is %d bytes, expected %u", n,
                        SERVER_KEY_SPKI_SIZE);
    memcpy(spki, buf + sizeof buf - SERVER_KEY_SPKI_SIZE, SERVER_KEY_SPKI_SIZE);
    return 0;
}

int keys_check_server_key(const uint8_t *spki, sim_error *err)
{
    static const uint8_t header[SERVER_KEY_MODULUS_OFFSET] = {
        0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82,
        0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00,
    };
    if (spki[0] == 0xFF)
        return sim_fail(err, "server key: blank (the firmware falls back to Particle's built-in key)");
    if (memcmp(spki, header, sizeof header) != 0)
        return sim_fail(err, "server key: offset 0: not the standard RSA-2048 SubjectPublicKeyInfo "
                        "header; the firmware reads N at offset %u regardless",
                        SERVER_KEY_MODULUS_OFFSET);
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    uint8_t out[SERVER_KEY_SPKI_SIZE];
    int rc = mbedtls_pk_parse_public_key(&pk, spki, SERVER_KEY_SPKI_SIZE);
    int result = rc != 0 ? sim_fail(err, "server key: not a valid public key (mbedTLS error -0x%04X)",
                                    (unsigned)-rc)
                         : server_spki_from_pk(&pk, out, err);
    mbedtls_pk_free(&pk);
    return result;
}

int keys_load_server_key(const uint8_t *data, size_t length, uint8_t spki[SERVER_KEY_SPKI_SIZE],
                         uint8_t address[SERVER_ADDRESS_SIZE], bool *has_address, sim_error *err)
{
    if (has_address)
        *has_address = false;
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    int result;
    size_t der = is_pem(data, length) ? 0 : keys_der_length(data, length);

    /* particle-cli's rsa.pub.der: SPKI, 0xFF padding, address block at 384. */
    if (der == SERVER_KEY_SPKI_SIZE && length >= SERVER_KEY_BLOCK_SIZE) {
        result = mbedtls_pk_parse_public_key(&pk, data, der) == 0
                     ? server_spki_from_pk(&pk, spki, err)
                     : sim_fail(err, "offset 0: the 512-byte key block does not start with a "
                                     "valid public key");
        if (result == 0 && address) {
            memcpy(address, data + SERVER_KEY_BLOCK_ADDRESS, SERVER_ADDRESS_SIZE);
            if (has_address)
                *has_address = true;
        }
        mbedtls_pk_free(&pk);
        return result;
    }
    if (parse_public(&pk, data, der ? der : length) == 0) {
        result = server_spki_from_pk(&pk, spki, err);
    } else {
        mbedtls_pk_free(&pk);
        mbedtls_pk_init(&pk);
        result = parse_private(&pk, data, der ? der : length) == 0
                     ? server_spki_from_pk(&pk, spki, err)
                     : sim_fail(err, "not an RSA public or private key (DER, PEM, or a particle-cli "
                                     "512-byte key file)");
    }
    mbedtls_pk_free(&pk);
    return result;
}

static bool is_dotted_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.')
            return false;
    return true;
}

int keys_server_address_encode(const char *host, long port, uint8_t block[SERVER_ADDRESS_SIZE],
                               sim_error *err)
{
    memset(block, 0xFF, SERVER_ADDRESS_SIZE);
    if (port > 0xFFFF)
        return sim_fail(err, "port %ld is out of range (1..65535)", port);
    if (is_dotted_digits(host)) {
        unsigned a, b, c, d;
        char tail;
        if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 ||
            c > 255 || d > 255)
            return sim_fail(err, "host \"%s\" is not a valid IPv4 address", host);
        const uint8_t tlv[6] = {0, 4, (uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
        memcpy(block, tlv, sizeof tlv);
    } else {
        size_t n = strlen(host);
        if (n == 0 || n > SERVER_DOMAIN_MAX)
            return sim_fail(err, "host name \"%s\" must be 1..%u characters (the firmware copies "
                            "it into a 64-byte buffer)", host, SERVER_DOMAIN_MAX);
        block[0] = 1;
        block[1] = (uint8_t)n;
        memcpy(block + 2, host, n);
    }
    if (port >= 0)
        put_be16(block + SERVER_ADDRESS_PORT, (uint16_t)port);
    return 0;
}

void keys_server_address_decode(const uint8_t block[SERVER_ADDRESS_SIZE], server_address *out)
{
    memset(out, 0, sizeof *out);
    uint16_t port = get_be16(block + SERVER_ADDRESS_PORT);
    out->port_is_default = port == 0 || port == 0xFFFF;
    out->port = out->port_is_default ? SERVER_DEFAULT_PORT : port;
    if (block[0] == 0 && block[1] == 4) {
        out->type = SERVER_ADDRESS_IP;
        memcpy(out->ip, block + 2, 4);
    } else if (block[0] == 1 && block[1] >= 1 && block[1] <= SERVER_DOMAIN_MAX) {
        out->type = SERVER_ADDRESS_DOMAIN;
        memcpy(out->domain, block + 2, block[1]);
        out->domain[block[1]] = 0;
    } else {
        out->type = SERVER_ADDRESS_INVALID;
        snprintf(out->domain, sizeof out->domain, "%s", SERVER_DEFAULT_DOMAIN);
        out->port = SERVER_DEFAULT_PORT;
        out->port_is_default = true;
    }
}

int keys_server_key_block(const uint8_t spki[SERVER_KEY_SPKI_SIZE], const char *host, long port,
                          uint8_t block[SERVER_KEY_BLOCK_SIZE], sim_error *err)
{
    memset(block, 0xFF, SERVER_KEY_BLOCK_SIZE);
    memcpy(block, spki, SERVER_KEY_SPKI_SIZE);
    if (!host) {
        if (port >= 0)
            return sim_fail(err, "a port needs a host (--host) to go with it");
        return 0;
    }
    return keys_server_address_encode(host, port, block + SERVER_KEY_BLOCK_ADDRESS, err);
}

/* ---- Device ID -------------------------------------------------------- */

void keys_device_id(const uint8_t uid[DEVICE_UID_SIZE], char out[DEVICE_ID_HEX_SIZE + 1])
{
    for (size_t i = 0; i < DEVICE_UID_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", uid[i]);
}

int keys_parse_uid(const char *text, uint8_t uid[DEVICE_UID_SIZE], sim_error *err)
{
    size_t digits = 0;
    for (const char *p = text; *p; p++) {
        if (*p == ':' || *p == '-' || *p == ' ')
            continue;
        if (!isxdigit((unsigned char)*p))
            return sim_fail(err, "device UID \"%s\": character %zu ('%c') is not a hex digit",
                            text, (size_t)(p - text), *p);
        if (digits >= 2 * DEVICE_UID_SIZE)
            return sim_fail(err, "device UID \"%s\": more than 24 hex digits", text);
        int v = isdigit((unsigned char)*p) ? *p - '0' : tolower((unsigned char)*p) - 'a' + 10;
        if (digits % 2 == 0)
            uid[digits / 2] = (uint8_t)(v << 4);
        else
            uid[digits / 2] |= (uint8_t)v;
        digits++;
    }
    if (digits != 2 * DEVICE_UID_SIZE)
        return sim_fail(err, "device UID \"%s\": %zu hex digits, expected 24 (12 bytes)", text,
                        digits);
    return 0;
}
