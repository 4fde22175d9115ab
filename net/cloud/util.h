/*
 * Small byte helpers shared by the cloud core (big-endian fields, hex for log lines).
 */
#ifndef PHOTON_CLOUD_UTIL_H
#define PHOTON_CLOUD_UTIL_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t cloud_get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t cloud_get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void cloud_put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void cloud_put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * Lowercase hex of bytes[0..len) into out (always NUL-terminated).  When out is too
 * small the text ends with "..." so a log line never silently looks complete.
 */
void cloud_hex(const uint8_t *bytes, size_t len, char *out, size_t out_size);

/* Same, with a space between bytes ("c3 4f 1a"), for quoting bytes in diagnostics. */
void cloud_hex_spaced(const uint8_t *bytes, size_t len, char *out, size_t out_size);

#endif
