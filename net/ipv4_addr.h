/*
 * IPv4 addresses and MAC addresses as text, and subnet arithmetic.  Addresses are
 * uint32_t in host byte order (192.168.1.1 = 0xC0A80101).
 */
#ifndef NETSIM_IPV4_ADDR_H
#define NETSIM_IPV4_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#define IPV4(a, b, c, d) \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* "a.b.c.d" (exactly four decimal parts, each 0..255).  False on anything else. */
bool ipv4_parse(const char *text, uint32_t *addr);
/* "a.b.c.d/n" or "a.b.c.d" (= /32); "any" and "*" give 0.0.0.0/0.  The address is
 * masked to the prefix. */
bool ipv4_parse_cidr(const char *text, uint32_t *addr, uint8_t *prefix_len);
uint32_t ipv4_prefix_mask(uint8_t prefix_len); /* 24 -> 0xFFFFFF00; values > 32 act as 32 */
static inline bool ipv4_in_subnet(uint32_t addr, uint32_t network, uint32_t mask)
{
    return (addr & mask) == (network & mask);
}

void ipv4_format(uint32_t addr, char out[16]);
void mac_format(const uint8_t mac[6], char out[18]);

#endif
