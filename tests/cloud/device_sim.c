#include "device_sim.h"

#include <stdio.h>
#include <string.h>

#include <mbedtls/md.h>

/* The fixed prefix Device OS writes before the modulus (handshake.cpp, extract_public_rsa_key). */
static const uint8_t device_spki_header[29] = {
    0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00, 0x03, 0x81, 0x8d, 0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00,
};

static int drbg_random(void *ctx, unsigned char *out, size_t length)
{
    return mbedtls_hmac_drbg_random(ctx, out, length);
}

int sim_device_init(sim_device *d, const uint8_t *key_der, size_t key_der_length,
                    const uint8_t server_spki[294], const uint8_t id[12], uint32_t seed)
{
    uint8_t seed_bytes[8] = { 's', 'i', 'm', 0, (uint8_t)(seed >> 24), (uint8_t)(seed >> 16),
                              (uint8_t)(seed >> 8), (uint8_t)seed };
    uint8_t modulus[128];
    int ret;

    memset(d, 0, sizeof(*d));
    mbedtls_pk_init(&d->key);
    mbedtls_rsa_init(&d->server, MBEDTLS_RSA_PKCS_V15, 0);
    mbedtls_hmac_drbg_init(&d->drbg);
    mbedtls_aes_init(&d->aes_encrypt);
    mbedtls_aes_init(&d->aes_decrypt);
    ret = mbedtls_hmac_drbg_seed_buf(&d->drbg, mbedtls_md_info_from_type(MBEDTLS_MD_SHA256),
                                     seed_bytes, sizeof(seed_bytes));
    if (ret != 0) {
        return ret;
    }
    ret = mbedtls_pk_parse_key(&d->key, key_der, key_der_length, NULL, 0);
    if (ret != 0) {
        return ret;
    }
    mbedtls_rsa_set_padding(mbedtls_pk_rsa(d->key), MBEDTLS_RSA_PKCS_V15, 0);
    /* Device OS: N is the 256 bytes at offset 33 of the stored key, E is 65537 */
    {
        static const uint8_t e[3] = { 0x01, 0x00, 0x01 };
        ret = mbedtls_rsa_import_raw(&d->server, server_spki + 33, 256, NULL, 0, NULL, 0, NULL, 0,
                                     e, sizeof(e));
        if (ret == 0) {
            ret = mbedtls_rsa_complete(&d->server);
        }
        if (ret != 0) {
            return ret;
        }
    }
    memcpy(d->id, id, 12);
    for (int i = 0; i < 12; i++) {
        snprintf(d->id_hex + 2 * i, 3, "%02x", id[i]);
    }
    ret = mbedtls_rsa_export_raw(mbedtls_pk_rsa(d->key), modulus, sizeof(modulus), NULL, 0, NULL,
                                 0, NULL, 0, NULL, 0);
    if (ret != 0) {
        return ret;
    }
    memcpy(d->spki, device_spki_header, sizeof(device_spki_header));
    memcpy(d->spki + 29, modulus, 128);
    memcpy(d->spki + 157, "\x02\x03\x01\x00\x01", 5);
    return 0;
}

void sim_device_free(sim_device *d)
{
    mbedtls_pk_free(&d->key);
    mbedtls_rsa_free(&d->server);
    mbedtls_hmac_drbg_free(&d->drbg);
    mbedtls_aes_free(&d->aes_encrypt);
    mbedtls_aes_free(&d->aes_decrypt);
}

int sim_device_key_exchange(sim_device *d, const uint8_t nonce[40], uint8_t out[256])
{
    uint8_t plain[214];

    memcpy(plain, nonce, 40);
    memcpy(plain + 40, d->id, 12);
    memcpy(plain + 52, d->spki, 162);
    return mbedtls_rsa_pkcs1_encrypt(&d->server, drbg_random, &d->drbg, MBEDTLS_RSA_PUBLIC,
                                     sizeof(plain), plain, out);
}

int sim_device_accept_reply(sim_device *d, const uint8_t reply[384])
{
    uint8_t credentials[40];
    uint8_t hmac[20];
    size_t length = 0;
    int ret;

    ret = mbedtls_rsa_pkcs1_decrypt(mbedtls_pk_rsa(d->key), drbg_random, &d->drbg,
                                    MBEDTLS_RSA_PRIVATE, &length, reply, credentials,
                                    sizeof(credentials));
    if (ret != 0 || length != sizeof(credentials)) {
        return SIM_DECRYPTION_ERROR;
    }
    ret = mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1), credentials, 40, reply, 128,
                          hmac);
    if (ret != 0) {
        return SIM_AUTHENTICATION_ERROR;
    }
    ret = mbedtls_rsa_pkcs1_verify(&d->server, NULL, NULL, MBEDTLS_RSA_PUBLIC, MBEDTLS_MD_NONE,
                                   20, hmac, reply + 128);
    if (ret != 0) {
        return SIM_AUTHENTICATION_ERROR;
    }
    memcpy(d->session, credentials, 40);
    mbedtls_aes_setkey_enc(&d->aes_encrypt, credentials, 128);
    mbedtls_aes_setkey_dec(&d->aes_decrypt, credentials, 128);
    memcpy(d->iv_send, credentials + 16, 16);
    memcpy(d->iv_receive, credentials + 16, 16);
    /* *(uint16_t *)salt on the little-endian Cortex-M3 */
    d->message_id = (uint16_t)(credentials[32] | credentials[33] << 8);
    return SIM_OK;
}

uint16_t sim_device_next_id(sim_device *d)
{
    return ++d->message_id;
}

size_t sim_device_wrap(sim_device *d, const uint8_t *message, size_t length, uint8_t *frame)
{
    size_t padded = (length & ~(size_t)15) + 16;
    uint8_t pad = (uint8_t)(padded - length);

    memcpy(frame + 2, message, length);
    memset(frame + 2 + length, pad, pad);
    mbedtls_aes_crypt_cbc(&d->aes_encrypt, MBEDTLS_AES_ENCRYPT, padded, d->iv_send, frame + 2,
                          frame + 2);
    memcpy(d->iv_send, frame + 2, 16);
    frame[0] = (uint8_t)(padded >> 8);
    frame[1] = (uint8_t)padded;
    return padded + 2;
}

int sim_device_unwrap(sim_device *d, const uint8_t *frame, size_t frame_length, uint8_t *out)
{
    size_t length;
    uint8_t next_iv[16];

    if (frame_length < 2) {
        return -1;
    }
    length = (size_t)frame[0] << 8 | frame[1];
    if (length + 2 != frame_length || length == 0 || length % 16 != 0) {
        return -1;
    }
    memcpy(next_iv, frame + 2, 16);
    mbedtls_aes_crypt_cbc(&d->aes_decrypt, MBEDTLS_AES_DECRYPT, length, d->iv_receive, frame + 2,
                          out);
    memcpy(d->iv_receive, next_iv, 16);
    if (out[length - 1] > length) {
        return -1; /* the device would underflow here; the test wants to know */
    }
    return (int)(length - out[length - 1]);
}
