#include "util.h"

#include <stdbool.h>

static void hex_common(const uint8_t *bytes, size_t len, char *out, size_t out_size,
                       int spaced)
{
    static const char digits[] = "0123456789abcdef";
    size_t full = len ? len * 2 + (spaced ? len - 1 : 0) : 0;
    size_t pos = 0;
    bool truncate;

    if (out_size == 0) {
        return;
    }
    truncate = full + 1 > out_size;
    for (size_t i = 0; i < len; i++) {
        size_t need = (spaced && i > 0 ? 1 : 0) + 2;
        if (truncate && pos + need + 4 > out_size) {
            break; /* leave room for "..." and the NUL */
        }
        if (spaced && i > 0) {
            out[pos++] = ' ';
        }
        out[pos++] = digits[bytes[i] >> 4];
        out[pos++] = digits[bytes[i] & 15];
    }
    if (truncate && pos + 4 <= out_size) {
        out[pos++] = '.';
        out[pos++] = '.';
        out[pos++] = '.';
    }
    out[pos] = '\0';
}

void cloud_hex(const uint8_t *bytes, size_t len, char *out, size_t out_size)
{
    hex_common(bytes, len, out, out_size, 0);
}

void cloud_hex_spaced(const uint8_t *bytes, size_t len, char *out, size_t out_size)
{
    hex_common(bytes, len, out, out_size, 1);
}
