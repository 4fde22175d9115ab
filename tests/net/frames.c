#include "frames.h"

#include <string.h>

const uint8_t TF_DEVICE_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
const uint8_t TF_GATEWAY_MAC[6] = {0x52, 0x55, 0xC0, 0xA8, 0x01, 0x01};
const uint8_t TF_BROADCAST[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

uint16_t tf_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t tf_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void w16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void w32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* one's-complement sum, the textbook way: 32-bit accumulator folded at the end */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
    while (n > 1) {
        acc += tf_be16(p);
        p += 2;
        n -= 2;
    }
    if (n)
        acc += (uint32_t)p[0] << 8;
    return acc;
}

static uint16_t finish(uint32_t acc)
{
    while (acc >> 16)
        acc = (acc & 0xFFFF) + (acc >> 16);
    return (uint16_t)~acc;
}

static uint32_t pseudo(uint32_t s, uint32_t d, uint8_t proto, size_t len)
{
    return (s >> 16) + (s & 0xFFFF) + (d >> 16) + (d & 0xFFFF) + proto + (uint32_t)len;
}

static size_t eth_ip(uint8_t *out, const uint8_t *src_mac, const uint8_t *dst_mac, uint32_t sip,
                     uint32_t dip, uint8_t proto, size_t l4_len)
{
    uint8_t *ip = out + 14;
    memcpy(out, dst_mac, 6);
    memcpy(out + 6, src_mac, 6);
    w16(out + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    w16(ip + 2, (uint16_t)(20 + l4_len));
    w16(ip + 4, 0x1234);
    ip[8] = 255; /* lwIP's default TTL */
    ip[9] = proto;
    w32(ip + 12, sip);
    w32(ip + 16, dip);
    w16(ip + 10, finish(sum16(ip, 20, 0)));
    return 34;
}

size_t tf_arp(uint8_t *out, uint16_t op, const uint8_t eth_dst[6], const uint8_t sender_mac[6],
              uint32_t sender_ip, const uint8_t target_mac[6], uint32_t target_ip)
{
    static const uint8_t zero[6];
    memset(out, 0, 60);
    memcpy(out, eth_dst, 6);
    memcpy(out + 6, sender_mac, 6);
    w16(out + 12, 0x0806);
    w16(out + 14, 1);
    w16(out + 16, 0x0800);
    out[18] = 6;
    out[19] = 4;
    w16(out + 20, op);
    memcpy(out + 22, sender_mac, 6);
    w32(out + 28, sender_ip);
    memcpy(out + 32, target_mac ? target_mac : zero, 6);
    w32(out + 38, target_ip);
    return 60; /* padded to the Ethernet minimum, as the chip sends */
}

size_t tf_udp(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint32_t sip,
              uint32_t dip, uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
    size_t off = eth_ip(out, src_mac, dst_mac, sip, dip, 17, 8 + len);
    uint8_t *u = out + off;
    uint16_t c;
    w16(u, sport);
    w16(u + 2, dport);
    w16(u + 4, (uint16_t)(8 + len));
    w16(u + 6, 0);
    memcpy(u + 8, payload, len);
    c = finish(sum16(u, 8 + len, pseudo(sip, dip, 17, 8 + len)));
    w16(u + 6, c ? c : 0xFFFF);
    return off + 8 + len;
}

size_t tf_tcp(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint32_t sip,
              uint32_t dip, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
              uint8_t flags, uint16_t window, uint16_t mss, const uint8_t *payload, size_t len)
{
    size_t hl = mss ? 24 : 20;
    size_t off = eth_ip(out, src_mac, dst_mac, sip, dip, 6, hl + len);
    uint8_t *t = out + off;
    memset(t, 0, hl);
    w16(t, sport);
    w16(t + 2, dport);
    w32(t + 4, seq);
    w32(t + 8, ack);
    t[12] = (uint8_t)((hl / 4) << 4);
    t[13] = flags;
    w16(t + 14, window);
    if (mss) {
        t[20] = 2;
        t[21] = 4;
        w16(t + 22, mss);
    }
    if (len)
        memcpy(t + hl, payload, len);
    w16(t + 16, finish(sum16(t, hl + len, pseudo(sip, dip, 6, hl + len))));
    return off + hl + len;
}

size_t tf_icmp_echo(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                    uint32_t sip, uint32_t dip, uint16_t id, uint16_t seq,
                    const uint8_t *payload, size_t len)
{
    size_t off = eth_ip(out, src_mac, dst_mac, sip, dip, 1, 8 + len);
    uint8_t *i = out + off;
    i[0] = 8;
    i[1] = 0;
    w16(i + 2, 0);
    w16(i + 4, id);
    w16(i + 6, seq);
    memcpy(i + 8, payload, len);
    w16(i + 2, finish(sum16(i, 8 + len, 0)));
    return off + 8 + len;
}

size_t tf_dhcp(uint8_t *out, uint8_t type, uint32_t xid, const uint8_t mac[6], uint32_t ciaddr,
               uint32_t requested_ip, uint32_t server_id, bool broadcast_flag)
{
    size_t p = 240;
    memset(out, 0, 300);
    out[0] = 1;
    out[1] = 1;
    out[2] = 6;
    w32(out + 4, xid);
    w16(out + 10, broadcast_flag ? 0x8000 : 0);
    w32(out + 12, ciaddr);
    memcpy(out + 28, mac, 6);
    w32(out + 236, 0x63825363);
    out[p++] = 53;
    out[p++] = 1;
    out[p++] = type;
    if (requested_ip) {
        out[p++] = 50;
        out[p++] = 4;
        w32(out + p, requested_ip);
        p += 4;
    }
    if (server_id) {
        out[p++] = 54;
        out[p++] = 4;
        w32(out + p, server_id);
        p += 4;
    }
    out[p++] = 55; /* parameter request list, like lwIP's */
    out[p++] = 3;
    out[p++] = 1;
    out[p++] = 3;
    out[p++] = 6;
    out[p++] = 255;
    return p < 300 ? 300 : p;
}

size_t tf_dns_query(uint8_t *out, uint16_t id, const char *name, uint16_t qtype)
{
    size_t p = 12;
    const char *label = name;
    memset(out, 0, 12);
    w16(out, id);
    w16(out + 2, 0x0100); /* RD */
    w16(out + 4, 1);
    while (*label) {
        const char *dot = strchr(label, '.');
        size_t n = dot ? (size_t)(dot - label) : strlen(label);
        out[p++] = (uint8_t)n;
        memcpy(out + p, label, n);
        p += n;
        label += n;
        if (*label == '.')
            label++;
    }
    out[p++] = 0;
    w16(out + p, qtype);
    w16(out + p + 2, 1);
    return p + 4;
}

size_t tf_ntp_request(uint8_t *out, uint64_t transmit_timestamp)
{
    memset(out, 0, 48);
    out[0] = (0 << 6) | (4 << 3) | 3; /* LI 0, version 4, client */
    out[2] = 6;
    w32(out + 40, (uint32_t)(transmit_timestamp >> 32));
    w32(out + 44, (uint32_t)transmit_timestamp);
    return 48;
}

bool tf_parse(const uint8_t *f, size_t len, tf_parsed *p)
{
    const uint8_t *ip, *l4;
    size_t ihl, total, l4_len;

    memset(p, 0, sizeof(*p));
    if (len < 14)
        return false;
    memcpy(p->dst_mac, f, 6);
    memcpy(p->src_mac, f + 6, 6);
    p->ethertype = tf_be16(f + 12);
    if (p->ethertype == 0x0806) {
        if (len < 42)
            return false;
        p->arp_op = tf_be16(f + 20);
        memcpy(p->arp_sender_mac, f + 22, 6);
        p->arp_sender_ip = tf_be32(f + 28);
        p->arp_target_ip = tf_be32(f + 38);
        return true;
    }
    if (p->ethertype != 0x0800 || len < 34)
        return false;
    ip = f + 14;
    ihl = (size_t)(ip[0] & 15) * 4;
    total = tf_be16(ip + 2);
    if (ihl < 20 || total < ihl || 14 + total > len)
        return false;
    p->ipv4 = true;
    p->ip_checksum_ok = finish(sum16(ip, ihl, 0)) == 0;
    p->ttl = ip[8];
    p->proto = ip[9];
    p->src_ip = tf_be32(ip + 12);
    p->dst_ip = tf_be32(ip + 16);
    l4 = ip + ihl;
    l4_len = total - ihl;
    if (p->proto == 17 && l4_len >= 8) {
        size_t ulen = tf_be16(l4 + 4);
        if (ulen < 8 || ulen > l4_len)
            return false;
        p->sport = tf_be16(l4);
        p->dport = tf_be16(l4 + 2);
        p->l4_checksum_ok = tf_be16(l4 + 6) == 0 ||
                            finish(sum16(l4, ulen, pseudo(p->src_ip, p->dst_ip, 17, ulen))) == 0;
        p->payload = l4 + 8;
        p->payload_len = ulen - 8;
    } else if (p->proto == 6 && l4_len >= 20) {
        size_t hl = (size_t)(l4[12] >> 4) * 4;
        size_t i;
        if (hl < 20 || hl > l4_len)
            return false;
        p->sport = tf_be16(l4);
        p->dport = tf_be16(l4 + 2);
        p->seq = tf_be32(l4 + 4);
        p->ack = tf_be32(l4 + 8);
        p->flags = l4[13];
        p->window = tf_be16(l4 + 14);
        for (i = 20; i + 1 < hl;) {
            if (l4[i] == 0)
                break;
            if (l4[i] == 1) {
                i++;
                continue;
            }
            if (l4[i] == 2 && l4[i + 1] == 4 && i + 4 <= hl)
                p->mss = tf_be16(l4 + i + 2);
            if (l4[i + 1] < 2)
                break;
            i += l4[i + 1];
        }
        p->l4_checksum_ok =
            finish(sum16(l4, l4_len, pseudo(p->src_ip, p->dst_ip, 6, l4_len))) == 0;
        p->payload = l4 + hl;
        p->payload_len = l4_len - hl;
    } else if (p->proto == 1 && l4_len >= 8) {
        p->icmp_type = l4[0];
        p->icmp_code = l4[1];
        p->icmp_id = tf_be16(l4 + 4);
        p->icmp_seq = tf_be16(l4 + 6);
        p->l4_checksum_ok = finish(sum16(l4, l4_len, 0)) == 0;
        p->payload = l4 + 8;
        p->payload_len = l4_len - 8;
    }
    return true;
}

bool tf_dhcp_option(const uint8_t *m, size_t len, uint8_t code, const uint8_t **value,
                    uint8_t *value_len)
{
    size_t p = 240;
    while (p < len && m[p] != 255) {
        if (m[p] == 0) {
            p++;
            continue;
        }
        if (p + 2 > len || p + 2 + m[p + 1] > len)
            return false;
        if (m[p] == code) {
            *value = m + p + 2;
            *value_len = m[p + 1];
            return true;
        }
        p += 2 + (size_t)m[p + 1];
    }
    return false;
}
