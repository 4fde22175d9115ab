/*
 * Ethernet / ARP / IPv4 / UDP / TCP / ICMP: a bounds-checked parser that turns a frame the
 * guest controls into a view of validated offsets, Internet checksums, and builders for
 * the frames the simulated network sends.  All multi-byte fields in packet_view are in
 * host byte order; IPv4 addresses are uint32_t in host order (192.168.1.1 = 0xC0A80101).
 */
#ifndef NETSIM_PACKET_H
#define NETSIM_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_ADDR_LEN 6
#define ETH_HEADER_LEN 14
#define ETH_MAX_FRAME 1518 /* 1500-byte MTU + header + one VLAN tag's worth of slack */
#define ETH_MIN_FRAME 60   /* without FCS: short frames are padded to this on the wire */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_IPV6 0x86DD

#define ARP_PACKET_LEN 28
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

#define IPV4_HEADER_LEN 20
#define IP_PROTO_ICMP 1
#define IP_PROTO_IGMP 2
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17

#define UDP_HEADER_LEN 8
#define TCP_HEADER_LEN 20
#define ICMP_HEADER_LEN 8

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACHABLE 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_CODE_HOST_UNREACHABLE 1
#define ICMP_CODE_PORT_UNREACHABLE 3
#define ICMP_CODE_ADMIN_PROHIBITED 13

/* Sequence-number comparisons modulo 2^32. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

typedef enum packet_l4 {
    PACKET_L4_NONE = 0, /* not IPv4, a fragment, or an IPv4 protocol we do not parse */
    PACKET_L4_UDP,
    PACKET_L4_TCP,
    PACKET_L4_ICMP,
} packet_l4;

typedef struct packet_view {
    const uint8_t *frame;
    size_t frame_len;

    uint8_t dst_mac[ETH_ADDR_LEN];
    uint8_t src_mac[ETH_ADDR_LEN];
    uint16_t ethertype;

    bool is_arp; /* a well-formed Ethernet/IPv4 ARP packet */
    uint16_t arp_op;
    uint8_t arp_sender_mac[ETH_ADDR_LEN];
    uint32_t arp_sender_ip;
    uint8_t arp_target_mac[ETH_ADDR_LEN];
    uint32_t arp_target_ip;

    bool is_ipv4; /* a well-formed IPv4 header (version, length, header checksum) */
    size_t ip_offset;
    size_t ip_header_len;
    size_t ip_total_len; /* from the header; the frame may carry padding after it */
    uint8_t ip_proto;
    uint8_t ip_ttl;
    uint16_t ip_id;
    bool ip_fragment; /* MF set or offset != 0: L4 not parsed */
    uint32_t src_ip;
    uint32_t dst_ip;

    packet_l4 l4;
    size_t l4_offset; /* from the start of the frame */
    size_t l4_len;    /* IP payload length */
    bool l4_checksum_ok;
    uint16_t src_port; /* UDP / TCP */
    uint16_t dst_port;

    size_t payload_offset; /* UDP / TCP / ICMP data after its header */
    size_t payload_len;

    uint32_t tcp_seq;
    uint32_t tcp_ack;
    uint8_t tcp_flags;
    uint16_t tcp_window;
    uint16_t tcp_mss; /* MSS option, 0 when absent */

    uint8_t icmp_type;
    uint8_t icmp_code;
} packet_view;

/* Fill *view from frame[0..len).  Returns false when it is not even an Ethernet frame;
 * otherwise the flags (is_arp, is_ipv4, l4) say how far the frame is well formed. */
bool packet_parse(packet_view *view, const uint8_t *frame, size_t len);

/* TCP sequence space a segment occupies: payload + SYN + FIN. */
uint32_t packet_tcp_seq_len(const packet_view *view);

/* --- Internet checksum (RFC 1071) --- */
uint32_t checksum_add(uint32_t sum, const uint8_t *data, size_t len);
uint16_t checksum_fold(uint32_t sum);
uint32_t checksum_pseudo_header(uint32_t src_ip, uint32_t dst_ip, uint8_t proto, size_t len);

/* Recompute the IPv4 header checksum and the UDP/TCP/ICMP checksum of an unfragmented
 * IPv4 frame in place (after a NAT rewrite or a deliberate corruption).  False if the
 * frame is not such a frame. */
bool packet_fix_checksums(uint8_t *frame, size_t len);

/* --- byte helpers (big-endian on the wire) --- */
static inline uint16_t get_be16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* --- builders: each returns the frame length, or 0 if it does not fit in cap --- */

typedef struct packet_addrs {
    uint8_t src_mac[ETH_ADDR_LEN];
    uint8_t dst_mac[ETH_ADDR_LEN];
    uint32_t src_ip;
    uint32_t dst_ip;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t ttl;    /* 0 means 64 */
    uint16_t ip_id;
} packet_addrs;

size_t packet_build_arp(uint8_t *out, size_t cap, uint16_t op,
                        const uint8_t eth_dst[ETH_ADDR_LEN],
                        const uint8_t sender_mac[ETH_ADDR_LEN], uint32_t sender_ip,
                        const uint8_t target_mac[ETH_ADDR_LEN], uint32_t target_ip);

size_t packet_build_udp(uint8_t *out, size_t cap, const packet_addrs *addrs,
                        const uint8_t *payload, size_t payload_len);

typedef struct packet_tcp_fields {
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    uint16_t window;
    uint16_t mss; /* 0: no MSS option */
} packet_tcp_fields;

size_t packet_build_tcp(uint8_t *out, size_t cap, const packet_addrs *addrs,
                        const packet_tcp_fields *tcp, const uint8_t *payload, size_t payload_len);

/* ICMP with an 8-byte header: rest_of_header is the 4 bytes after the checksum. */
size_t packet_build_icmp(uint8_t *out, size_t cap, const packet_addrs *addrs, uint8_t type,
                         uint8_t code, uint32_t rest_of_header, const uint8_t *payload,
                         size_t payload_len);

/* The RST a TCP host sends for a segment no connection accepts (RFC 793 "reset
 * generation"), from the segment's destination back to its source.  ip_id is the
 * caller's counter.  0 for a segment that is itself a RST (never answered). */
size_t packet_build_tcp_reset_for(uint8_t *out, size_t cap, const packet_view *segment,
                                  const uint8_t src_mac[ETH_ADDR_LEN], uint16_t ip_id);

#endif
