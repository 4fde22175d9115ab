/*
 * The AES-128-CBC message channel that follows the RSA handshake.
 *
 * Wire format per frame: a 2-byte big-endian ciphertext length N, then N bytes of
 * AES-128-CBC ciphertext of a PKCS#7-padded CoAP message.  Both directions use the same
 * key; each direction keeps its own IV, which after every frame becomes the FIRST
 * ciphertext block of that frame (Device OS lightssl_message_channel.cpp), not the last
 * block ordinary CBC chaining would leave.
 *
 * Receiving is incremental: feed whatever bytes TCP delivered, in any fragmentation.
 * Sealing produces a whole frame (length + ciphertext) so the caller can write it with a
 * single send: the device reads the 2-byte length non-blocking and drops the stream if
 * a segment boundary splits it.
 */
#ifndef PHOTON_CLOUD_CHANNEL_H
#define PHOTON_CLOUD_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/aes.h>

#define CLOUD_AES_BLOCK 16
/* Largest ciphertext accepted from the device: its own buffer is 800 bytes. */
#define CLOUD_CHANNEL_MAX_RECEIVE 1024
/* Largest ciphertext the device can take: 800-byte queue minus 2 + 16 reserved (<= 782),
 * rounded down to whole blocks.  So a server CoAP message is at most 767 bytes. */
#define CLOUD_CHANNEL_MAX_SEND 768
#define CLOUD_CHANNEL_MAX_SEND_PLAINTEXT (CLOUD_CHANNEL_MAX_SEND - 1)
#define CLOUD_CHANNEL_MAX_FRAME (2 + CLOUD_CHANNEL_MAX_SEND)

typedef struct cloud_channel {
    mbedtls_aes_context encrypt_ctx;
    mbedtls_aes_context decrypt_ctx;
    uint8_t send_iv[CLOUD_AES_BLOCK];
    uint8_t receive_iv[CLOUD_AES_BLOCK];
    /* receive reassembly: header then ciphertext */
    uint8_t rx[2 + CLOUD_CHANNEL_MAX_RECEIVE];
    size_t rx_have;
    uint32_t frames_sent;
    uint32_t frames_received;
    /* what the last error saw, for diagnostics */
    unsigned last_bad_length;
    uint8_t last_bad_pad;
} cloud_channel;

typedef enum cloud_channel_result {
    CLOUD_CHANNEL_NEED_MORE = 0,
    CLOUD_CHANNEL_FRAME = 1,
    CLOUD_CHANNEL_BAD_LENGTH = -1,  /* 0, not a multiple of 16, or above the limit */
    CLOUD_CHANNEL_BAD_PADDING = -2, /* PKCS#7 check failed: key or IV out of step */
    CLOUD_CHANNEL_TOO_LARGE = -3,   /* seal: message larger than the device can buffer */
    CLOUD_CHANNEL_NO_ROOM = -4,     /* caller's buffer too small */
    CLOUD_CHANNEL_CRYPTO = -5,      /* mbedTLS failure */
} cloud_channel_result;

/* Seal flags */
#define CLOUD_CHANNEL_CORRUPT_FIRST_BLOCK 1u /* fault: flip a bit of ciphertext block 0 */

/* key and iv are session bytes 0..15 and 16..31. */
void cloud_channel_init(cloud_channel *ch, const uint8_t key[16], const uint8_t iv[16]);
void cloud_channel_free(cloud_channel *ch);

/*
 * Feed received bytes.  Consumes at most up to the end of one frame, reports how many
 * bytes it took in *consumed, and on CLOUD_CHANNEL_FRAME leaves the unpadded plaintext
 * in plain[0..*plain_len).  Call again with the rest.  Errors are final: the stream is
 * out of step and the connection must be dropped.
 */
cloud_channel_result cloud_channel_receive(cloud_channel *ch, const uint8_t *data, size_t len,
                                           size_t *consumed, uint8_t *plain, size_t plain_cap,
                                           size_t *plain_len);

/*
 * Pad, encrypt and frame plain[0..len).  Writes the 2-byte length and ciphertext to
 * frame and returns the frame length (> 0) or a negative cloud_channel_result.
 * With CLOUD_CHANNEL_CORRUPT_FIRST_BLOCK the corrupted block still becomes the next
 * IV, as it would for the device reading it, so only this one message is damaged.
 */
int cloud_channel_seal(cloud_channel *ch, const uint8_t *plain, size_t len, uint8_t *frame,
                       size_t frame_cap, unsigned flags);

/* PKCS#7 to a whole number of 16-byte blocks; a full block when len is aligned.
 * Returns the padded length, or 0 when cap is too small. */
size_t cloud_pkcs7_pad(uint8_t *buf, size_t len, size_t cap);
/* Checks every pad byte.  Returns 0 and sets *plain_len, or -1. */
int cloud_pkcs7_unpad(const uint8_t *buf, size_t len, size_t *plain_len);

const char *cloud_channel_result_text(cloud_channel_result result);

#endif
