/*
 * One-line frame descriptions for scenario expectations (packet_text.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "packet_text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dhcp_server.h"
#include "dns_message.h"
#include "ipv4_addr.h"

#define DNS_PORT 53
#define NTP_PORT 123
#define DHCP_MAGIC_OFFSET 236 /* BOOTP fixed part; options follow the cookie */
#define DHCP_OPTION_MESSAGE_TYPE 53

typedef struct text_out {
    char *buf;
    size_t size;
    size_t len; /* as needed, may exceed size */
} text_out;

static void put(text_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text_out *o, const char *fmt, ...)
{
    va_list ap;
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += (size_t)n;
}

static const char *dhcp_type_name(unsigned type)
{
    static const char *const names[] = {
        "?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
    };
    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

/* The DHCP message type (option 53) of a BOOTP payload, or 0 (plain BOOTP / malformed). */
static unsigned dhcp_message_type(const uint8_t *p, size_t len)
{
    static const uint8_t cookie[4] = { 99, 130, 83, 99 };
    size_t i = DHCP_MAGIC_OFFSET + sizeof(cookie);

    if (len < i || memcmp(p + DHCP_MAGIC_OFFSET, cookie, sizeof(cookie)) != 0)
        return 0;
    while (i < len && p[i] != 255) {
        if (p[i] == 0) { /* pad */
            i++;
            continue;
        }
        if (i + 1 >= len || i + 2 + p[i + 1] > len)
            return 0;
        if (p[i] == DHCP_OPTION_MESSAGE_TYPE && p[i + 1] == 1)
            return p[i + 2];
        i += 2 + (size_t)p[i + 1];
    }
    return 0;
}

static const char *dns_type_name(uint16_t qtype)
{
    switch (qtype) {
    case DNS_TYPE_A: return "A";
    case DNS_TYPE_AAAA: return "AAAA";
    default: return NULL;
    }
}

static const char *dns_rcode_name(unsigned rcode)
{
    static const char *const names[] = {
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
    };
    return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : NULL;
}

/* " dns query A name" / " dns response A name RCODE"; the question of a response parses
 * like a query's once its QR bit is out of the way. */
static void describe_dns(text_out *o, const uint8_t *p, size_t len)
{
    uint8_t message[DNS_MAX_UDP_MESSAGE];
    dns_query q;
    bool response;
    const char *type, *rcode;

    if (len < DNS_HEADER_LEN || len > sizeof(message)) {
        put(o, " dns len %zu", len);
        return;
    }
    memcpy(message, p, len);
    response = message[2] & 0x80;
    message[2] &= 0x7f;
    if (dns_parse_query(message, len, &q) != DNS_PARSE_OK) {
        put(o, " dns %s", response ? "response" : "query");
        return;
    }
    type = dns_type_name(q.qtype);
    put(o, " dns %s", response ? "response" : "query");
    if (type)
        put(o, " %s", type);
    else
        put(o, " type%u", q.qtype);
    put(o, " %s", q.name[0] ? q.name : ".");
    if (response) {
        rcode = dns_rcode_name(q.flags & 0xf);
        if (rcode)
            put(o, " %s", rcode);
        else
            put(o, " rcode%u", q.flags & 0xf);
    }
}

static void describe_udp(text_out *o, const packet_view *v, const char *src, const char *dst)
{
    const uint8_t *payload = v->frame + v->payload_offset;

    put(o, "udp %s:%u > %s:%u", src, v->src_port, dst, v->dst_port);
    if ((v->src_port == DHCP_CLIENT_PORT && v->dst_port == DHCP_SERVER_PORT) ||
        (v->src_port == DHCP_SERVER_PORT && v->dst_port == DHCP_CLIENT_PORT)) {
        unsigned type = dhcp_message_type(payload, v->payload_len);
        if (type)
            put(o, " dhcp %s", dhcp_type_name(type));
        else
            put(o, " bootp");
    } else if (v->src_port == DNS_PORT || v->dst_port == DNS_PORT) {
        describe_dns(o, payload, v->payload_len);
    } else if (v->src_port == NTP_PORT || v->dst_port == NTP_PORT) {
        put(o, " ntp len %zu", v->payload_len);
    } else {
        put(o, " len %zu", v->payload_len);
    }
}

static void describe_tcp(text_out *o, const packet_view *v, const char *src, const char *dst)
{
    static const struct { uint8_t bit; const char *name; } flags[] = {
        { TCP_SYN, "SYN" }, { TCP_FIN, "FIN" }, { TCP_RST, "RST" },
        { TCP_PSH, "PSH" }, { TCP_ACK, "ACK" }, { TCP_URG, "URG" },
    };

    put(o, "tcp %s:%u > %s:%u", src, v->src_port, dst, v->dst_port);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (v->tcp_flags & flags[i].bit)
            put(o, " %s", flags[i].name);
    if (v->payload_len)
        put(o, " len %zu", v->payload_len);
}

static void describe_icmp(text_out *o, const packet_view *v, const char *src, const char *dst)
{
    const uint8_t *icmp = v->frame + v->l4_offset;

    put(o, "icmp %s > %s", src, dst);
    switch (icmp[0]) {
    case ICMP_ECHO_REQUEST: put(o, " echo-request"); break;
    case ICMP_ECHO_REPLY: put(o, " echo-reply"); break;
    case ICMP_DEST_UNREACHABLE:
        put(o, " %s-unreachable", icmp[1] == ICMP_CODE_PORT_UNREACHABLE ? "port"
                                  : icmp[1] == ICMP_CODE_HOST_UNREACHABLE ? "host"
                                  : icmp[1] == ICMP_CODE_ADMIN_PROHIBITED ? "admin"
                                  : "dest");
        break;
    default: put(o, " type %u code %u", icmp[0], icmp[1]); break;
    }
}

size_t packet_describe(const packet_view *v, char *out, size_t size)
{
    text_out o = { out, size, 0 };
    char src[16], dst[16], mac[18];

    if (size)
        out[0] = 0;
    if (v->is_arp) {
        ipv4_format(v->arp_target_ip, dst);
        ipv4_format(v->arp_sender_ip, src);
        if (v->arp_op == 1) {
            put(&o, "arp who-has %s tell %s", dst, src);
        } else {
            mac_format(v->arp_sender_mac, mac);
            put(&o, "arp %s is-at %s", src, mac);
        }
    } else if (!v->is_ipv4) {
        put(&o, "ethertype 0x%04x len %zu", v->ethertype, v->frame_len);
    } else {
        ipv4_format(v->src_ip, src);
        ipv4_format(v->dst_ip, dst);
        switch (v->l4) {
        case PACKET_L4_TCP: describe_tcp(&o, v, src, dst); break;
        case PACKET_L4_UDP: describe_udp(&o, v, src, dst); break;
        case PACKET_L4_ICMP: describe_icmp(&o, v, src, dst); break;
        default: put(&o, "ipv4 proto %u %s > %s", v->ip_proto, src, dst); break;
        }
    }
    return o.len;
}
