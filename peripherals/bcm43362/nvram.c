/*
 * The NVRAM image WWD writes to the top of RAM: "key=value\0" entries ending just below
 * the length token at 0x3BFFC, token = (~words << 16) | words (reference §1.9).
 */
#include <string.h>

#include "bcm43362_priv.h"
#include "bytes.h"

bool nvram_locate(const uint8_t *ram, uint32_t *start, uint32_t *len, uint32_t *token)
{
    *token = get_le32(&ram[NVRAM_TOKEN_ADDR]);
    const uint32_t words = *token & 0xFFFF;
    if (words == 0 || ((*token >> 16) ^ 0xFFFF) != words || words * 4u > NVRAM_TOKEN_ADDR) {
        *start = *len = 0;
        return false;
    }
    *len = words * 4u;
    *start = NVRAM_TOKEN_ADDR - *len;
    return true;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "xx:xx:xx:xx:xx:xx" exactly (the entry may not run past its end). */
static bool parse_mac(const char *text, size_t len, uint8_t mac[6])
{
    if (len != 17) {
        return false;
    }
    for (size_t i = 0; i < 6; i++) {
        const int hi = hex_value(text[3 * i]), lo = hex_value(text[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[3 * i + 2] != ':')) {
            return false;
        }
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool nvram_find_macaddr(const uint8_t *ram, uint32_t start, uint32_t len, uint8_t mac[6])
{
    static const char key[] = "macaddr=";
    const char *p = (const char *)&ram[start];
    const char *end = p + len;
    while (p < end) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        const char *entry_end = nul ? nul : end;
        const size_t entry_len = (size_t)(entry_end - p);
        if (entry_len > sizeof key - 1 && memcmp(p, key, sizeof key - 1) == 0) {
            return parse_mac(p + sizeof key - 1, entry_len - (sizeof key - 1), mac);
        }
        p = entry_end + 1;
    }
    return false;
}
