/*
 * Fuzz target: the encrypted channel's receive path (how to build and run: fuzz_common.h).
 * The first byte picks the delivery size, so every fragmentation gets tried; the rest is
 * the byte stream.  Then the same bytes go through seal -> receive and must come back.
 */
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "fuzz_common.h"

static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t iv[16] = { 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cloud_channel rx, tx;
    uint8_t plain[CLOUD_CHANNEL_MAX_RECEIVE];
    uint8_t frame[CLOUD_CHANNEL_MAX_FRAME];
    size_t step, offset = 1;

    if (size == 0) {
        return 0;
    }
    step = (size_t)(data[0] % 64) + 1;
    cloud_channel_init(&rx, key, iv);
    while (offset < size) {
        size_t n = size - offset < step ? size - offset : step;
        size_t used = 0;
        while (used < n) {
            size_t consumed, plain_length;
            cloud_channel_result r = cloud_channel_receive(&rx, data + offset + used, n - used,
                                                           &consumed, plain, sizeof(plain),
                                                           &plain_length);
            if (r < 0) {
                goto round_trip;
            }
            if (r == CLOUD_CHANNEL_FRAME && plain_length > CLOUD_CHANNEL_MAX_RECEIVE) {
                abort();
            }
            if (consumed == 0) {
                abort(); /* no progress on non-empty input would hang a session */
            }
            used += consumed;
        }
        offset += n;
    }

round_trip:
    cloud_channel_free(&rx);
    cloud_channel_init(&tx, key, iv);
    cloud_channel_init(&rx, key, iv);
    for (offset = 1; offset < size;) {
        size_t n = size - offset < 700 ? size - offset : 700;
        size_t consumed, plain_length;
        int length = cloud_channel_seal(&tx, data + offset, n, frame, sizeof(frame), 0);
        if (length < 0) {
            abort();
        }
        if (cloud_channel_receive(&rx, frame, (size_t)length, &consumed, plain, sizeof(plain),
                                  &plain_length) != CLOUD_CHANNEL_FRAME ||
            consumed != (size_t)length || plain_length != n || memcmp(plain, data + offset, n)) {
            abort();
        }
        offset += n;
    }
    cloud_channel_free(&tx);
    cloud_channel_free(&rx);
    return 0;
}
