#include "icmp_messages.h"

#include <string.h>

size_t icmp_build_echo_reply(uint8_t *out, size_t cap, const packet_view *req,
                             const uint8_t src_mac[ETH_ADDR_LEN], uint16_t ip_id, uint8_t ttl)
{
    packet_addrs a;
    if (req->l4 != PACKET_L4_ICMP || req->icmp_type != ICMP_ECHO_REQUEST || req->icmp_code != 0)
        return 0;
    memset(&a, 0, sizeof(a));
    memcpy(a.src_mac, src_mac, ETH_ADDR_LEN);
    memcpy(a.dst_mac, req->src_mac, ETH_ADDR_LEN);
    a.src_ip = req->dst_ip;
    a.dst_ip = req->src_ip;
    a.ip_id = ip_id;
    a.ttl = ttl;
    return packet_build_icmp(out, cap, &a, ICMP_ECHO_REPLY, 0,
                             get_be32(req->frame + req->l4_offset + 4),
                             req->frame + req->payload_offset, req->payload_len);
}

size_t icmp_build_unreachable(uint8_t *out, size_t cap, const packet_view *d,
                              const uint8_t src_mac[ETH_ADDR_LEN], uint32_t reporter_ip,
                              uint8_t code, uint16_t ip_id)
{
    packet_addrs a;
    size_t quoted;

    if (!d->is_ipv4)
        return 0;
    if (d->l4 == PACKET_L4_ICMP && d->icmp_type != ICMP_ECHO_REQUEST &&
        d->icmp_type != ICMP_ECHO_REPLY)
        return 0;
    quoted = d->ip_header_len + (d->l4_len < 8 ? d->l4_len : 8);
    memset(&a, 0, sizeof(a));
    memcpy(a.src_mac, src_mac, ETH_ADDR_LEN);
    memcpy(a.dst_mac, d->src_mac, ETH_ADDR_LEN);
    a.src_ip = reporter_ip;
    a.dst_ip = d->src_ip;
    a.ip_id = ip_id;
    return packet_build_icmp(out, cap, &a, ICMP_DEST_UNREACHABLE, code, 0,
                             d->frame + d->ip_offset, quoted);
}
