#include "packet.h"

#include <string.h>

uint32_t checksum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)((data[i] << 8) | data[i + 1]);
    if (len & 1)
        sum += (uint32_t)(data[len - 1] << 8);
    /* fold early so long buffers cannot overflow the accumulator */
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return sum;
}

uint16_t checksum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t checksum_pseudo_header(uint32_t src_ip, uint32_t dst_ip, uint8_t proto, size_t len)
{
    uint32_t sum = 0;
    sum += src_ip >> 16;
    sum += src_ip & 0xFFFF;
    sum += dst_ip >> 16;
    sum += dst_ip & 0xFFFF;
    sum += proto;
    sum += (uint32_t)(len & 0xFFFF);
    return sum;
}

static bool l4_checksum_valid(const packet_view *v)
{
    const uint8_t *l4 = v->frame + v->l4_offset;
    uint32_t sum;

    if (v->l4 == PACKET_L4_ICMP)
        return checksum_fold(checksum_add(0, l4, v->l4_len)) == 0;
    if (v->l4 == PACKET_L4_UDP) {
        size_t udp_len = get_be16(l4 + 4);
        if (get_be16(l4 + 6) == 0)
            return true; /* UDP over IPv4 may omit its checksum */
        sum = checksum_pseudo_header(v->src_ip, v->dst_ip, IP_PROTO_UDP, udp_len);
        return checksum_fold(checksum_add(sum, l4, udp_len)) == 0;
    }
    sum = checksum_pseudo_header(v->src_ip, v->dst_ip, IP_PROTO_TCP, v->l4_len);
    return checksum_fold(checksum_add(sum, l4, v->l4_len)) == 0;
}

static void parse_tcp_options(packet_view *v, const uint8_t *opt, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        uint8_t olen;
        if (kind == 0)
            break; /* end of options */
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= len)
            break;
        olen = opt[i + 1];
        if (olen < 2 || i + olen > len)
            break; /* malformed: ignore the rest, as a TCP stack would */
        if (kind == 2 && olen == 4)
            v->tcp_mss = get_be16(opt + i + 2);
        i += olen;
    }
}

static void parse_l4(packet_view *v)
{
    const uint8_t *l4 = v->frame + v->l4_offset;
    size_t len = v->l4_len;

    switch (v->ip_proto) {
    case IP_PROTO_UDP: {
        size_t udp_len;
        if (len < UDP_HEADER_LEN)
            return;
        udp_len = get_be16(l4 + 4);
        if (udp_len < UDP_HEADER_LEN || udp_len > len)
            return;
        v->l4 = PACKET_L4_UDP;
        v->src_port = get_be16(l4);
        v->dst_port = get_be16(l4 + 2);
        v->payload_offset = v->l4_offset + UDP_HEADER_LEN;
        v->payload_len = udp_len - UDP_HEADER_LEN;
        break;
    }
    case IP_PROTO_TCP: {
        size_t header_len;
        if (len < TCP_HEADER_LEN)
            return;
        header_len = (size_t)(l4[12] >> 4) * 4;
        if (header_len < TCP_HEADER_LEN || header_len > len)
            return;
        v->l4 = PACKET_L4_TCP;
        v->src_port = get_be16(l4);
        v->dst_port = get_be16(l4 + 2);
        v->tcp_seq = get_be32(l4 + 4);
        v->tcp_ack = get_be32(l4 + 8);
        v->tcp_flags = l4[13] & 0x3F;
        v->tcp_window = get_be16(l4 + 14);
        parse_tcp_options(v, l4 + TCP_HEADER_LEN, header_len - TCP_HEADER_LEN);
        v->payload_offset = v->l4_offset + header_len;
        v->payload_len = len - header_len;
        break;
    }
    case IP_PROTO_ICMP:
        if (len < ICMP_HEADER_LEN)
            return;
        v->l4 = PACKET_L4_ICMP;
        v->icmp_type = l4[0];
        v->icmp_code = l4[1];
        v->payload_offset = v->l4_offset + ICMP_HEADER_LEN;
        v->payload_len = len - ICMP_HEADER_LEN;
        break;
    default:
        return;
    }
    v->l4_checksum_ok = l4_checksum_valid(v);
}

static void parse_ipv4(packet_view *v)
{
    const uint8_t *ip = v->frame + ETH_HEADER_LEN;
    size_t avail = v->frame_len - ETH_HEADER_LEN;
    size_t header_len, total_len;
    uint16_t fragment;

    if (avail < IPV4_HEADER_LEN || (ip[0] >> 4) != 4)
        return;
    header_len = (size_t)(ip[0] & 0x0F) * 4;
    total_len = get_be16(ip + 2);
    if (header_len < IPV4_HEADER_LEN || header_len > avail || total_len < header_len ||
        total_len > avail)
        return;
    if (checksum_fold(checksum_add(0, ip, header_len)) != 0)
        return;

    v->is_ipv4 = true;
    v->ip_offset = ETH_HEADER_LEN;
    v->ip_header_len = header_len;
    v->ip_total_len = total_len;
    v->ip_id = get_be16(ip + 4);
    fragment = get_be16(ip + 6);
    v->ip_fragment = (fragment & 0x2000) != 0 || (fragment & 0x1FFF) != 0;
    v->ip_ttl = ip[8];
    v->ip_proto = ip[9];
    v->src_ip = get_be32(ip + 12);
    v->dst_ip = get_be32(ip + 16);
    v->l4_offset = ETH_HEADER_LEN + header_len;
    v->l4_len = total_len - header_len;
    if (!v->ip_fragment)
        parse_l4(v);
}

static void parse_arp(packet_view *v)
{
    const uint8_t *arp = v->frame + ETH_HEADER_LEN;
    if (v->frame_len < ETH_HEADER_LEN + ARP_PACKET_LEN)
        return;
    /* Ethernet hardware, IPv4 protocol, 6- and 4-byte addresses: all the LAN speaks */
    if (get_be16(arp) != 1 || get_be16(arp + 2) != ETHERTYPE_IPV4 || arp[4] != 6 || arp[5] != 4)
        return;
    v->is_arp = true;
    v->arp_op = get_be16(arp + 6);
    memcpy(v->arp_sender_mac, arp + 8, ETH_ADDR_LEN);
    v->arp_sender_ip = get_be32(arp + 14);
    memcpy(v->arp_target_mac, arp + 18, ETH_ADDR_LEN);
    v->arp_target_ip = get_be32(arp + 24);
}

bool packet_parse(packet_view *v, const uint8_t *frame, size_t len)
{
    memset(v, 0, sizeof(*v));
    v->frame = frame;
    v->frame_len = len;
    if (!frame || len < ETH_HEADER_LEN)
        return false;
    memcpy(v->dst_mac, frame, ETH_ADDR_LEN);
    memcpy(v->src_mac, frame + ETH_ADDR_LEN, ETH_ADDR_LEN);
    v->ethertype = get_be16(frame + 12);
    if (v->ethertype == ETHERTYPE_ARP)
        parse_arp(v);
    else if (v->ethertype == ETHERTYPE_IPV4)
        parse_ipv4(v);
    return true;
}

uint32_t packet_tcp_seq_len(const packet_view *v)
{
    uint32_t n = (uint32_t)v->payload_len;
    if (v->tcp_flags & TCP_SYN)
        n++;
    if (v->tcp_flags & TCP_FIN)
        n++;
    return n;
}

bool packet_fix_checksums(uint8_t *frame, size_t len)
{
    packet_view v;
    uint8_t *ip, *l4;
    uint32_t sum;

    if (len < ETH_HEADER_LEN + IPV4_HEADER_LEN || get_be16(frame + 12) != ETHERTYPE_IPV4)
        return false;
    ip = frame + ETH_HEADER_LEN;
    if ((ip[0] >> 4) != 4)
        return false;
    {
        size_t header_len = (size_t)(ip[0] & 0x0F) * 4;
        size_t total_len = get_be16(ip + 2);
        if (header_len < IPV4_HEADER_LEN || total_len < header_len ||
            total_len > len - ETH_HEADER_LEN)
            return false;
        put_be16(ip + 10, 0);
        put_be16(ip + 10, checksum_fold(checksum_add(0, ip, header_len)));
    }
    /* re-parse now that the header checksum is right, to get validated L4 offsets */
    packet_parse(&v, frame, len);
    if (!v.is_ipv4 || v.l4 == PACKET_L4_NONE)
        return v.is_ipv4;
    l4 = frame + v.l4_offset;
    switch (v.l4) {
    case PACKET_L4_UDP: {
        size_t udp_len = get_be16(l4 + 4);
        put_be16(l4 + 6, 0);
        sum = checksum_pseudo_header(v.src_ip, v.dst_ip, IP_PROTO_UDP, udp_len);
        {
            uint16_t c = checksum_fold(checksum_add(sum, l4, udp_len));
            put_be16(l4 + 6, c == 0 ? 0xFFFF : c);
        }
        break;
    }
    case PACKET_L4_TCP:
        put_be16(l4 + 16, 0);
        sum = checksum_pseudo_header(v.src_ip, v.dst_ip, IP_PROTO_TCP, v.l4_len);
        put_be16(l4 + 16, checksum_fold(checksum_add(sum, l4, v.l4_len)));
        break;
    case PACKET_L4_ICMP:
        put_be16(l4 + 2, 0);
        put_be16(l4 + 2, checksum_fold(checksum_add(0, l4, v.l4_len)));
        break;
    default:
        break;
    }
    return true;
}

static size_t put_eth(uint8_t *out, const uint8_t dst[ETH_ADDR_LEN],
                      const uint8_t src[ETH_ADDR_LEN], uint16_t type)
{
    memcpy(out, dst, ETH_ADDR_LEN);
    memcpy(out + ETH_ADDR_LEN, src, ETH_ADDR_LEN);
    put_be16(out + 12, type);
    return ETH_HEADER_LEN;
}

/* IPv4 header without options; the checksum is filled in. */
static void put_ipv4(uint8_t *ip, const packet_addrs *a, uint8_t proto, size_t payload_len)
{
    ip[0] = 0x45;
    ip[1] = 0;
    put_be16(ip + 2, (uint16_t)(IPV4_HEADER_LEN + payload_len));
    put_be16(ip + 4, a->ip_id);
    put_be16(ip + 6, 0x4000); /* DF, as lwIP and Linux send */
    ip[8] = a->ttl ? a->ttl : 64;
    ip[9] = proto;
    put_be16(ip + 10, 0);
    put_be32(ip + 12, a->src_ip);
    put_be32(ip + 16, a->dst_ip);
    put_be16(ip + 10, checksum_fold(checksum_add(0, ip, IPV4_HEADER_LEN)));
}

/* Frames shorter than the Ethernet minimum go out zero-padded, as a real NIC pads them. */
static size_t pad_frame(uint8_t *out, size_t len, size_t cap)
{
    if (len < ETH_MIN_FRAME && cap >= ETH_MIN_FRAME) {
        memset(out + len, 0, ETH_MIN_FRAME - len);
        return ETH_MIN_FRAME;
    }
    return len;
}

size_t packet_build_arp(uint8_t *out, size_t cap, uint16_t op,
                        const uint8_t eth_dst[ETH_ADDR_LEN],
                        const uint8_t sender_mac[ETH_ADDR_LEN], uint32_t sender_ip,
                        const uint8_t target_mac[ETH_ADDR_LEN], uint32_t target_ip)
{
    uint8_t *arp;
    size_t len = ETH_HEADER_LEN + ARP_PACKET_LEN;
    if (cap < len)
        return 0;
    put_eth(out, eth_dst, sender_mac, ETHERTYPE_ARP);
    arp = out + ETH_HEADER_LEN;
    put_be16(arp, 1);
    put_be16(arp + 2, ETHERTYPE_IPV4);
    arp[4] = 6;
    arp[5] = 4;
    put_be16(arp + 6, op);
    memcpy(arp + 8, sender_mac, ETH_ADDR_LEN);
    put_be32(arp + 14, sender_ip);
    memcpy(arp + 18, target_mac, ETH_ADDR_LEN);
    put_be32(arp + 24, target_ip);
    return pad_frame(out, len, cap);
}

size_t packet_build_udp(uint8_t *out, size_t cap, const packet_addrs *a,
                        const uint8_t *payload, size_t payload_len)
{
    size_t udp_len = UDP_HEADER_LEN + payload_len;
    size_t len = ETH_HEADER_LEN + IPV4_HEADER_LEN + udp_len;
    uint8_t *udp;
    uint16_t c;

    if (payload_len > 0xFFFF - IPV4_HEADER_LEN - UDP_HEADER_LEN || cap < len)
        return 0;
    put_eth(out, a->dst_mac, a->src_mac, ETHERTYPE_IPV4);
    put_ipv4(out + ETH_HEADER_LEN, a, IP_PROTO_UDP, udp_len);
    udp = out + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    put_be16(udp, a->src_port);
    put_be16(udp + 2, a->dst_port);
    put_be16(udp + 4, (uint16_t)udp_len);
    put_be16(udp + 6, 0);
    if (payload_len)
        memmove(udp + UDP_HEADER_LEN, payload, payload_len);
    c = checksum_fold(checksum_add(checksum_pseudo_header(a->src_ip, a->dst_ip, IP_PROTO_UDP,
                                                          udp_len),
                                   udp, udp_len));
    put_be16(udp + 6, c == 0 ? 0xFFFF : c);
    return pad_frame(out, len, cap);
}

size_t packet_build_tcp(uint8_t *out, size_t cap, const packet_addrs *a,
                        const packet_tcp_fields *t, const uint8_t *payload, size_t payload_len)
{
    size_t header_len = TCP_HEADER_LEN + (t->mss ? 4 : 0);
    size_t tcp_len = header_len + payload_len;
    size_t len = ETH_HEADER_LEN + IPV4_HEADER_LEN + tcp_len;
    uint8_t *tcp;

    if (payload_len > 0xFFFF - IPV4_HEADER_LEN - header_len || cap < len)
        return 0;
    put_eth(out, a->dst_mac, a->src_mac, ETHERTYPE_IPV4);
    put_ipv4(out + ETH_HEADER_LEN, a, IP_PROTO_TCP, tcp_len);
    tcp = out + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    put_be16(tcp, a->src_port);
    put_be16(tcp + 2, a->dst_port);
    put_be32(tcp + 4, t->seq);
    put_be32(tcp + 8, t->ack);
    tcp[12] = (uint8_t)((header_len / 4) << 4);
    tcp[13] = t->flags;
    put_be16(tcp + 14, t->window);
    put_be16(tcp + 16, 0);
    put_be16(tcp + 18, 0);
    if (t->mss) {
        tcp[20] = 2;
        tcp[21] = 4;
        put_be16(tcp + 22, t->mss);
    }
    if (payload_len)
        memmove(tcp + header_len, payload, payload_len);
    put_be16(tcp + 16,
             checksum_fold(checksum_add(
                 checksum_pseudo_header(a->src_ip, a->dst_ip, IP_PROTO_TCP, tcp_len), tcp,
                 tcp_len)));
    return pad_frame(out, len, cap);
}

size_t packet_build_icmp(uint8_t *out, size_t cap, const packet_addrs *a, uint8_t type,
                         uint8_t code, uint32_t rest_of_header, const uint8_t *payload,
                         size_t payload_len)
{
    size_t icmp_len = ICMP_HEADER_LEN + payload_len;
    size_t len = ETH_HEADER_LEN + IPV4_HEADER_LEN + icmp_len;
    uint8_t *icmp;

    if (payload_len > 0xFFFF - IPV4_HEADER_LEN - ICMP_HEADER_LEN || cap < len)
        return 0;
    put_eth(out, a->dst_mac, a->src_mac, ETHERTYPE_IPV4);
    put_ipv4(out + ETH_HEADER_LEN, a, IP_PROTO_ICMP, icmp_len);
    icmp = out + ETH_HEADER_LEN + IPV4_HEADER_LEN;
    icmp[0] = type;
    icmp[1] = code;
    put_be16(icmp + 2, 0);
    put_be32(icmp + 4, rest_of_header);
    if (payload_len)
        memmove(icmp + ICMP_HEADER_LEN, payload, payload_len);
    put_be16(icmp + 2, checksum_fold(checksum_add(0, icmp, icmp_len)));
    return pad_frame(out, len, cap);
}

size_t packet_build_tcp_reset_for(uint8_t *out, size_t cap, const packet_view *seg,
                                  const uint8_t src_mac[ETH_ADDR_LEN], uint16_t ip_id)
{
    packet_addrs a;
    packet_tcp_fields t;

    if (seg->l4 != PACKET_L4_TCP || (seg->tcp_flags & TCP_RST))
        return 0;
    memset(&a, 0, sizeof(a));
    memcpy(a.src_mac, src_mac, ETH_ADDR_LEN);
    memcpy(a.dst_mac, seg->src_mac, ETH_ADDR_LEN);
    a.src_ip = seg->dst_ip;
    a.dst_ip = seg->src_ip;
    a.src_port = seg->dst_port;
    a.dst_port = seg->src_port;
    a.ip_id = ip_id;
    memset(&t, 0, sizeof(t));
    if (seg->tcp_flags & TCP_ACK) {
        t.seq = seg->tcp_ack;
        t.flags = TCP_RST;
    } else {
        t.seq = 0;
        t.ack = seg->tcp_seq + packet_tcp_seq_len(seg);
        t.flags = TCP_RST | TCP_ACK;
    }
    return packet_build_tcp(out, cap, &a, &t, NULL, 0);
}
