/*
 * Test-side frame builders and parsers, written independently of net/packet.c so the
 * tests do not check the netsim against itself.
 */
#ifndef TESTS_NET_FRAMES_H
#define TESTS_NET_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TF_MAX 1600

#define A4(a, b, c, d) \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

extern const uint8_t TF_DEVICE_MAC[6]; /* 02:00:00:00:00:01 */
extern const uint8_t TF_GATEWAY_MAC[6]; /* 52:55:c0:a8:01:01 (the default router) */
extern const uint8_t TF_BROADCAST[6];

#define TF_FIN 0x01
#define TF_SYN 0x02
#define TF_RST 0x04
#define TF_PSH 0x08
#define TF_ACK 0x10

/* --- builders: return the frame length --- */
size_t tf_arp(uint8_t *out, uint16_t op, const uint8_t eth_dst[6], const uint8_t sender_mac[6],
              uint32_t sender_ip, const uint8_t target_mac[6], uint32_t target_ip);
size_t tf_udp(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint32_t src_ip,
              uint32_t dst_ip, uint16_t sport, uint16_t dport, const uint8_t *payload,
              size_t len);
size_t tf_tcp(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6], uint32_t src_ip,
              uint32_t dst_ip, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
              uint8_t flags, uint16_t window, uint16_t mss, const uint8_t *payload, size_t len);
size_t tf_icmp_echo(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                    uint32_t src_ip, uint32_t dst_ip, uint16_t id, uint16_t seq,
                    const uint8_t *payload, size_t len);

/* BOOTP/DHCP client message (payload only) */
size_t tf_dhcp(uint8_t *out, uint8_t type, uint32_t xid, const uint8_t mac[6], uint32_t ciaddr,
               uint32_t requested_ip, uint32_t server_id, bool broadcast_flag);
/* DNS query (payload only) for name, qtype */
size_t tf_dns_query(uint8_t *out, uint16_t id, const char *name, uint16_t qtype);
/* SNTP client request (payload only) */
size_t tf_ntp_request(uint8_t *out, uint64_t transmit_timestamp);

/* --- parser --- */
typedef struct tf_parsed {
    uint8_t dst_mac[6], src_mac[6];
    uint16_t ethertype;
    /* ARP */
    uint16_t arp_op;
    uint8_t arp_sender_mac[6];
    uint32_t arp_sender_ip, arp_target_ip;
    /* IPv4 */
    bool ipv4;
    bool ip_checksum_ok;
    uint8_t proto, ttl;
    uint32_t src_ip, dst_ip;
    /* UDP/TCP/ICMP */
    bool l4_checksum_ok;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    uint16_t mss;
    uint8_t icmp_type, icmp_code;
    uint16_t icmp_id, icmp_seq;
    const uint8_t *payload;
    size_t payload_len;
} tf_parsed;

bool tf_parse(const uint8_t *frame, size_t len, tf_parsed *p);

/* DHCP option value from a BOOTP payload; false if absent */
bool tf_dhcp_option(const uint8_t *msg, size_t len, uint8_t code, const uint8_t **value,
                    uint8_t *value_len);

uint16_t tf_be16(const uint8_t *p);
uint32_t tf_be32(const uint8_t *p);

#endif
