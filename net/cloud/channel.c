#include "channel.h"

#include <string.h>

void cloud_channel_init(cloud_channel *ch, const uint8_t key[16], const uint8_t iv[16])
{
    memset(ch, 0, sizeof(*ch));
    mbedtls_aes_init(&ch->encrypt_ctx);
    mbedtls_aes_init(&ch->decrypt_ctx);
    /* A 128-bit key cannot be rejected, so the return values carry no information. */
    (void)mbedtls_aes_setkey_enc(&ch->encrypt_ctx, key, 128);
    (void)mbedtls_aes_setkey_dec(&ch->decrypt_ctx, key, 128);
    memcpy(ch->send_iv, iv, CLOUD_AES_BLOCK);
    memcpy(ch->receive_iv, iv, CLOUD_AES_BLOCK);
}

void cloud_channel_free(cloud_channel *ch)
{
    mbedtls_aes_free(&ch->encrypt_ctx);
    mbedtls_aes_free(&ch->decrypt_ctx);
    memset(ch, 0, sizeof(*ch));
}

size_t cloud_pkcs7_pad(uint8_t *buf, size_t len, size_t cap)
{
    size_t padded = (len & ~(size_t)(CLOUD_AES_BLOCK - 1)) + CLOUD_AES_BLOCK;
    uint8_t pad = (uint8_t)(padded - len);

    if (padded > cap) {
        return 0;
    }
    memset(buf + len, pad, pad);
    return padded;
}

int cloud_pkcs7_unpad(const uint8_t *buf, size_t len, size_t *plain_len)
{
    uint8_t pad;

    if (len == 0 || len % CLOUD_AES_BLOCK != 0) {
        return -1;
    }
    pad = buf[len - 1];
    if (pad == 0 || pad > CLOUD_AES_BLOCK) {
        return -1;
    }
    for (size_t i = len - pad; i < len; i++) {
        if (buf[i] != pad) {
            return -1;
        }
    }
    *plain_len = len - pad;
    return 0;
}

cloud_channel_result cloud_channel_receive(cloud_channel *ch, const uint8_t *data, size_t len,
                                           size_t *consumed, uint8_t *plain, size_t plain_cap,
                                           size_t *plain_len)
{
    size_t taken = 0;
    size_t frame_length;
    uint8_t next_iv[CLOUD_AES_BLOCK];

    *consumed = 0;
    *plain_len = 0;

    while (ch->rx_have < 2 && taken < len) {
        ch->rx[ch->rx_have++] = data[taken++];
    }
    *consumed = taken;
    if (ch->rx_have < 2) {
        return CLOUD_CHANNEL_NEED_MORE;
    }
    frame_length = (size_t)ch->rx[0] << 8 | ch->rx[1];
    if (frame_length == 0 || frame_length % CLOUD_AES_BLOCK != 0 ||
        frame_length > CLOUD_CHANNEL_MAX_RECEIVE) {
        ch->last_bad_length = (unsigned)frame_length;
        return CLOUD_CHANNEL_BAD_LENGTH;
    }

    {
        size_t want = 2 + frame_length - ch->rx_have;
        size_t take = len - taken < want ? len - taken : want;
        memcpy(ch->rx + ch->rx_have, data + taken, take);
        ch->rx_have += take;
        taken += take;
        *consumed = taken;
    }
    if (ch->rx_have < 2 + frame_length) {
        return CLOUD_CHANNEL_NEED_MORE;
    }
    if (plain_cap < frame_length) {
        return CLOUD_CHANNEL_NO_ROOM;
    }

    /* The next IV is this frame's first ciphertext block, captured before decrypting. */
    memcpy(next_iv, ch->rx + 2, CLOUD_AES_BLOCK);
    if (mbedtls_aes_crypt_cbc(&ch->decrypt_ctx, MBEDTLS_AES_DECRYPT, frame_length,
                              ch->receive_iv, ch->rx + 2, plain) != 0) {
        return CLOUD_CHANNEL_CRYPTO;
    }
    memcpy(ch->receive_iv, next_iv, CLOUD_AES_BLOCK);
    ch->rx_have = 0;
    ch->frames_received++;

    if (cloud_pkcs7_unpad(plain, frame_length, plain_len) != 0) {
        ch->last_bad_length = (unsigned)frame_length;
        ch->last_bad_pad = plain[frame_length - 1];
        *plain_len = 0;
        return CLOUD_CHANNEL_BAD_PADDING;
    }
    return CLOUD_CHANNEL_FRAME;
}

int cloud_channel_seal(cloud_channel *ch, const uint8_t *plain, size_t len, uint8_t *frame,
                       size_t frame_cap, unsigned flags)
{
    uint8_t padded[CLOUD_CHANNEL_MAX_SEND];
    uint8_t iv[CLOUD_AES_BLOCK];
    size_t padded_length;

    if (len > CLOUD_CHANNEL_MAX_SEND_PLAINTEXT) {
        return CLOUD_CHANNEL_TOO_LARGE;
    }
    memcpy(padded, plain, len);
    padded_length = cloud_pkcs7_pad(padded, len, sizeof(padded));
    if (padded_length == 0) {
        return CLOUD_CHANNEL_TOO_LARGE;
    }
    if (frame_cap < 2 + padded_length) {
        return CLOUD_CHANNEL_NO_ROOM;
    }
    memcpy(iv, ch->send_iv, CLOUD_AES_BLOCK); /* mbedTLS overwrites the IV it is given */
    if (mbedtls_aes_crypt_cbc(&ch->encrypt_ctx, MBEDTLS_AES_ENCRYPT, padded_length, iv, padded,
                              frame + 2) != 0) {
        return CLOUD_CHANNEL_CRYPTO;
    }
    if (flags & CLOUD_CHANNEL_CORRUPT_FIRST_BLOCK) {
        frame[2] ^= 0x80;
    }
    memcpy(ch->send_iv, frame + 2, CLOUD_AES_BLOCK);
    frame[0] = (uint8_t)(padded_length >> 8);
    frame[1] = (uint8_t)padded_length;
    ch->frames_sent++;
    return (int)(2 + padded_length);
}

const char *cloud_channel_result_text(cloud_channel_result result)
{
    switch (result) {
    case CLOUD_CHANNEL_NEED_MORE:
        return "need more bytes";
    case CLOUD_CHANNEL_FRAME:
        return "frame";
    case CLOUD_CHANNEL_BAD_LENGTH:
        return "frame length is 0, not a multiple of 16, or above 1024";
    case CLOUD_CHANNEL_BAD_PADDING:
        return "PKCS#7 padding invalid after decryption";
    case CLOUD_CHANNEL_TOO_LARGE:
        return "message larger than the device's 800-byte buffer allows (767 bytes max)";
    case CLOUD_CHANNEL_NO_ROOM:
        return "output buffer too small";
    case CLOUD_CHANNEL_CRYPTO:
        return "AES failure";
    }
    return "unknown channel result";
}
