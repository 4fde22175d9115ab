#include "server_key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/rsa.h>

#include "util.h"

/* SPKI prefix of an RSA-2048 key with e = 65537: what the device skips before N. */
static const uint8_t spki_2048_header[CLOUD_SERVER_SPKI_MODULUS_OFFSET] = {
    0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48,
    0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01,
    0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00,
};
static const uint8_t spki_exponent_tail[5] = { 0x02, 0x03, 0x01, 0x00, 0x01 };

int cloud_rsa_key_check(mbedtls_pk_context *pk, unsigned bits, const char *what, char *error,
                        size_t error_size)
{
    mbedtls_rsa_context *rsa;
    mbedtls_mpi e;
    int ret;

    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA) {
        snprintf(error, error_size, "%s is a %s key, not RSA", what, mbedtls_pk_get_name(pk));
        return -1;
    }
    rsa = mbedtls_pk_rsa(*pk);
    if (mbedtls_pk_get_bitlen(pk) != bits) {
        snprintf(error, error_size, "%s is RSA-%u; the Photon protocol needs RSA-%u", what,
                 (unsigned)mbedtls_pk_get_bitlen(pk), bits);
        return -1;
    }
    mbedtls_mpi_init(&e);
    ret = mbedtls_rsa_export(rsa, NULL, NULL, NULL, NULL, &e);
    if (ret != 0 || mbedtls_mpi_cmp_int(&e, 65537) != 0) {
        snprintf(error, error_size,
                 "%s has a public exponent other than 65537; Device OS hard-codes 65537", what);
        mbedtls_mpi_free(&e);
        return -1;
    }
    mbedtls_mpi_free(&e);
    /* the handshake uses PKCS#1 v1.5 both ways */
    mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V15, 0);
    return 0;
}

void cloud_rsa_modulus_prefix(mbedtls_pk_context *pk, char *out, size_t out_size)
{
    uint8_t n[512];
    size_t n_length;

    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA) {
        snprintf(out, out_size, "(not RSA)");
        return;
    }
    n_length = mbedtls_rsa_get_len(mbedtls_pk_rsa(*pk));
    if (n_length == 0 || n_length > sizeof(n) ||
        mbedtls_rsa_export_raw(mbedtls_pk_rsa(*pk), n, n_length, NULL, 0, NULL, 0, NULL, 0,
                               NULL, 0) != 0) {
        snprintf(out, out_size, "(unreadable)");
        return;
    }
    cloud_hex_spaced(n, n_length < 8 ? n_length : 8, out, out_size);
    if (n_length > 8 && strlen(out) + 4 < out_size) {
        strcat(out, "...");
    }
}

int cloud_server_key_parse(mbedtls_pk_context *pk, const uint8_t *key, size_t length,
                           char *error, size_t error_size)
{
    int ret = mbedtls_pk_parse_key(pk, key, length, NULL, 0);
    if (ret != 0) {
        snprintf(error, error_size,
                 "server private key is not a readable PEM/DER RSA key (mbedTLS -0x%04x)",
                 (unsigned)-ret);
        return -1;
    }
    if (cloud_rsa_key_check(pk, CLOUD_SERVER_KEY_BITS, "the server key", error, error_size) != 0) {
        return -1;
    }
    ret = mbedtls_rsa_check_privkey(mbedtls_pk_rsa(*pk));
    if (ret != 0) {
        snprintf(error, error_size, "server private key fails its consistency check (-0x%04x)",
                 (unsigned)-ret);
        return -1;
    }
    return 0;
}

int cloud_server_key_generate(mbedtls_pk_context *pk, cloud_rng *rng, char *error,
                              size_t error_size)
{
    int ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
    if (ret == 0) {
        mbedtls_rsa_set_padding(mbedtls_pk_rsa(*pk), MBEDTLS_RSA_PKCS_V15, 0);
        ret = mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk), cloud_rng_callback, rng,
                                  CLOUD_SERVER_KEY_BITS, 65537);
    }
    if (ret != 0) {
        snprintf(error, error_size, "RSA-2048 key generation failed (mbedTLS -0x%04x)",
                 (unsigned)-ret);
        return -1;
    }
    return 0;
}

int cloud_server_key_spki(mbedtls_pk_context *pk, uint8_t out[CLOUD_SERVER_SPKI_LENGTH],
                          char *error, size_t error_size)
{
    uint8_t der[600];
    int length = mbedtls_pk_write_pubkey_der(pk, der, sizeof(der));
    const uint8_t *spki = der + sizeof(der) - (length > 0 ? length : 0);

    if (length != CLOUD_SERVER_SPKI_LENGTH ||
        memcmp(spki, spki_2048_header, sizeof(spki_2048_header)) != 0 ||
        memcmp(spki + CLOUD_SERVER_SPKI_LENGTH - 5, spki_exponent_tail, 5) != 0) {
        snprintf(error, error_size,
                 "server public key does not encode as the 294-byte RSA-2048/e=65537 SPKI "
                 "the device expects (got %d bytes)", length);
        return -1;
    }
    memcpy(out, spki, CLOUD_SERVER_SPKI_LENGTH);
    return 0;
}

static int write_file(const char *path, const void *data, size_t length, mode_t mode,
                      char *error, size_t error_size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    const uint8_t *p = data;

    if (fd < 0) {
        snprintf(error, error_size, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    while (length > 0) {
        ssize_t n = write(fd, p, length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            snprintf(error, error_size, "cannot write %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        p += n;
        length -= (size_t)n;
    }
    if (close(fd) != 0) {
        snprintf(error, error_size, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int cloud_server_key_load_or_create(mbedtls_pk_context *pk, const char *dir, cloud_rng *rng,
                                    bool *created, char *error, size_t error_size)
{
    char path[4200], pub_path[4200];
    uint8_t spki[CLOUD_SERVER_SPKI_LENGTH];
    unsigned char pem[4096];
    FILE *f;

    *created = false;
    if (!dir) {
        *created = true;
        return cloud_server_key_generate(pk, rng, error, error_size);
    }
    snprintf(path, sizeof(path), "%s/%s", dir, CLOUD_SERVER_KEY_FILE);
    snprintf(pub_path, sizeof(pub_path), "%s/%s", dir, CLOUD_SERVER_PUBLIC_FILE);
    f = fopen(path, "rb");
    if (f) {
        size_t n = fread(pem, 1, sizeof(pem) - 1, f);
        int read_error = ferror(f);
        fclose(f);
        if (read_error || n == sizeof(pem) - 1) {
            snprintf(error, error_size, "%s is unreadable or too large", path);
            return -1;
        }
        pem[n] = '\0';
        /* a PEM needs its NUL counted; a DER file must not have it */
        bool is_pem = strstr((const char *)pem, "-----BEGIN") != NULL;
        if (cloud_server_key_parse(pk, pem, is_pem ? n + 1 : n, error, error_size) != 0) {
            size_t used = strlen(error);
            snprintf(error + used, error_size - used, " (in %s)", path);
            return -1;
        }
        return 0;
    }
    if (errno != ENOENT) {
        snprintf(error, error_size, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (cloud_server_key_generate(pk, rng, error, error_size) != 0) {
        return -1;
    }
    int ret = mbedtls_pk_write_key_pem(pk, pem, sizeof(pem));
    if (ret != 0) {
        snprintf(error, error_size, "cannot PEM-encode the new server key (-0x%04x)",
                 (unsigned)-ret);
        return -1;
    }
    if (cloud_server_key_spki(pk, spki, error, error_size) != 0 ||
        write_file(path, pem, strlen((const char *)pem), 0600, error, error_size) != 0 ||
        write_file(pub_path, spki, sizeof(spki), 0644, error, error_size) != 0) {
        return -1;
    }
    *created = true;
    return 0;
}
