#include "ipv4_addr.h"

#include <stdio.h>
#include <string.h>

bool ipv4_parse(const char *text, uint32_t *addr)
{
    uint32_t value = 0;
    int parts = 0;
    const char *p = text;

    if (!text)
        return false;
    while (parts < 4) {
        unsigned part = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            part = part * 10 + (unsigned)(*p - '0');
            if (++digits > 3 || part > 255)
                return false;
            p++;
        }
        if (digits == 0)
            return false;
        value = (value << 8) | part;
        parts++;
        if (parts < 4) {
            if (*p != '.')
                return false;
            p++;
        }
    }
    if (*p != '\0')
        return false;
    *addr = value;
    return true;
}

uint32_t ipv4_prefix_mask(uint8_t prefix_len)
{
    if (prefix_len == 0)
        return 0;
    if (prefix_len >= 32)
        return 0xFFFFFFFFu;
    return 0xFFFFFFFFu << (32 - prefix_len);
}

bool ipv4_parse_cidr(const char *text, uint32_t *addr, uint8_t *prefix_len)
{
    char buf[32];
    const char *slash;
    size_t addr_len;
    unsigned prefix = 32;
    uint32_t value;

    if (!text)
        return false;
    if (strcmp(text, "any") == 0 || strcmp(text, "*") == 0) {
        *addr = 0;
        *prefix_len = 0;
        return true;
    }
    slash = strchr(text, '/');
    addr_len = slash ? (size_t)(slash - text) : strlen(text);
    if (addr_len == 0 || addr_len >= sizeof(buf))
        return false;
    memcpy(buf, text, addr_len);
    buf[addr_len] = '\0';
    if (!ipv4_parse(buf, &value))
        return false;
    if (slash) {
        const char *p = slash + 1;
        int digits = 0;
        prefix = 0;
        while (*p >= '0' && *p <= '9') {
            prefix = prefix * 10 + (unsigned)(*p - '0');
            if (++digits > 2)
                return false;
            p++;
        }
        if (digits == 0 || *p != '\0' || prefix > 32)
            return false;
    }
    *prefix_len = (uint8_t)prefix;
    *addr = value & ipv4_prefix_mask((uint8_t)prefix);
    return true;
}

void ipv4_format(uint32_t addr, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24) & 255, (unsigned)(addr >> 16) & 255,
             (unsigned)(addr >> 8) & 255, (unsigned)addr & 255);
}

void mac_format(const uint8_t mac[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
             mac[5]);
}
