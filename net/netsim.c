#include "netsim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delay_line.h"
#include "icmp_messages.h"
#include "ipv4_addr.h"
#include "packet.h"
#include "pcap_writer.h"
#include "slirp_glue.h"
#include "tcp_forward.h"

#define MAX_PENDING_FRAMES 1024 /* frames the host hands in while we are busy */
#define DEFAULT_MAX_DELAYED 4096

typedef enum pending_kind {
    PENDING_FROM_DEVICE, /* the device's frame: pcap, rules, LAN */
    PENDING_LAN_INGRESS, /* made by the firewall (a reject towards the network): LAN only */
} pending_kind;

typedef struct pending_frame {
    struct pending_frame *next;
    pending_kind kind;
    size_t len;
    uint8_t bytes[];
} pending_frame;

/* A host timer whose callback runs inside enter/leave, so deferred work gets done. */
typedef struct netsim_timer {
    netsim *net;
    netsim_timer_cb cb;
    void *cb_opaque;
    void *host_timer;
} netsim_timer;

struct netsim {
    netsim_config cfg;
    netsim_host_ops host;  /* the caller's */
    netsim_host_ops inner; /* the same with wrapped timers, for our modules */

    uint32_t lan_mask, lan_broadcast;
    uint8_t gateway_mac[ETH_ADDR_LEN];

    slirp_glue *slirp;
    tcp_forward *tcp;
    fault_rules *rules;
    delay_line *delays;
    netsim_timer *delay_timer;
    dns_responder *dns;
    dhcp_server *dhcp;
    bool dhcp_enabled;
    ntp_responder_config ntp;
    pcap_writer *pcap;

    netsim_stats stats;
    bool device_mac_known, device_ip_known;
    uint8_t device_mac[ETH_ADDR_LEN];
    uint32_t device_ip;
    uint16_t ip_id;
    uint64_t slirp_refused; /* RSTs slirp sent for TCP nobody serves */

    int depth;
    pending_frame *pending_head, *pending_tail;
    size_t pending_count;
};

static const uint8_t broadcast_mac[ETH_ADDR_LEN] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static void lan_ingress(netsim *net, const uint8_t *frame, size_t len);
static void to_device_path(netsim *net, const uint8_t *frame, size_t len);

static void logf_(netsim *net, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    if (!net->host.log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    net->host.log(net->host.opaque, line);
}

static uint64_t now_ns(netsim *net)
{
    return net->host.now_ns(net->host.opaque);
}

/* libslirp's MAC for its virtual hosts: 52:55 and the IPv4 address. */
static void service_mac(uint32_t addr, uint8_t mac[ETH_ADDR_LEN])
{
    mac[0] = 0x52;
    mac[1] = 0x55;
    put_be32(mac + 2, addr);
}

static bool in_lan(const netsim *net, uint32_t addr)
{
    return ipv4_in_subnet(addr, net->cfg.lan_network, net->lan_mask);
}

/* The MAC a frame from addr carries on the LAN: its own for a LAN host, else the router's. */
static void mac_of_sender(const netsim *net, uint32_t addr, uint8_t mac[ETH_ADDR_LEN])
{
    if (in_lan(net, addr))
        service_mac(addr, mac);
    else
        memcpy(mac, net->gateway_mac, ETH_ADDR_LEN);
}

/* LAN addresses the router (or a service on the LAN) answers ARP for. */
static bool is_lan_service(const netsim *net, uint32_t addr)
{
    if (!in_lan(net, addr))
        return false;
    return addr == net->cfg.gateway || addr == net->cfg.dns_server ||
           addr == net->cfg.ntp_address || tcp_forward_serves(net->tcp, addr);
}

/* ---------------------------------------------------------------- deferred work */

static void enter(netsim *net)
{
    net->depth++;
}

static void queue_frame(netsim *net, pending_kind kind, const uint8_t *frame, size_t len)
{
    pending_frame *p;
    if (net->pending_count >= MAX_PENDING_FRAMES) {
        net->stats.queue_overflow++;
        return;
    }
    p = malloc(sizeof(*p) + len);
    if (!p)
        return;
    p->next = NULL;
    p->kind = kind;
    p->len = len;
    memcpy(p->bytes, frame, len);
    if (net->pending_tail)
        net->pending_tail->next = p;
    else
        net->pending_head = p;
    net->pending_tail = p;
    net->pending_count++;
}

static void process_from_device(netsim *net, const uint8_t *frame, size_t len);

static void rearm_delay_timer(netsim *net)
{
    uint64_t next = delay_line_next_release(net->delays);
    if (next == NETSIM_NO_DEADLINE)
        net->host.timer_cancel(net->host.opaque, net->delay_timer->host_timer);
    else
        net->host.timer_mod(net->host.opaque, net->delay_timer->host_timer, next);
}

static void run_deferred(netsim *net)
{
    bool progress;
    do {
        progress = false;
        while (net->pending_head) {
            pending_frame *p = net->pending_head;
            net->pending_head = p->next;
            if (!net->pending_head)
                net->pending_tail = NULL;
            net->pending_count--;
            if (p->kind == PENDING_FROM_DEVICE)
                process_from_device(net, p->bytes, p->len);
            else
                lan_ingress(net, p->bytes, p->len);
            free(p);
            progress = true;
        }
        if (tcp_forward_pump(net->tcp))
            progress = true;
        if (slirp_glue_needs_service(net->slirp)) {
            slirp_glue_service(net->slirp);
            progress = true;
        }
    } while (progress);
    rearm_delay_timer(net);
}

static void leave(netsim *net)
{
    if (net->depth == 1)
        run_deferred(net);
    net->depth--;
}

static void to_device_cb(void *ctx, const uint8_t *frame, size_t len)
{
    to_device_path(ctx, frame, len);
}

static void enter_cb(void *ctx)
{
    enter(ctx);
}

static void leave_cb(void *ctx)
{
    leave(ctx);
}

/* ---------------------------------------------------------------- wrapped host timers */

static void timer_trampoline(void *opaque)
{
    netsim_timer *t = opaque;
    netsim *net = t->net;
    enter(net);
    t->cb(t->cb_opaque);
    leave(net);
}

static void *inner_timer_new(void *opaque, netsim_timer_cb cb, void *cb_opaque)
{
    netsim *net = opaque;
    netsim_timer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->net = net;
    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->host_timer = net->host.timer_new(net->host.opaque, timer_trampoline, t);
    if (!t->host_timer) {
        free(t);
        return NULL;
    }
    return t;
}

static void inner_timer_mod(void *opaque, void *timer, uint64_t deadline_ns)
{
    netsim *net = opaque;
    netsim_timer *t = timer;
    net->host.timer_mod(net->host.opaque, t->host_timer, deadline_ns);
}

static void inner_timer_cancel(void *opaque, void *timer)
{
    netsim *net = opaque;
    netsim_timer *t = timer;
    net->host.timer_cancel(net->host.opaque, t->host_timer);
}

static void inner_timer_free(void *opaque, void *timer)
{
    netsim *net = opaque;
    netsim_timer *t = timer;
    if (!t)
        return;
    net->host.timer_free(net->host.opaque, t->host_timer);
    free(t);
}

static uint64_t inner_now_ns(void *opaque)
{
    netsim *net = opaque;
    return now_ns(net);
}

static void inner_log(void *opaque, const char *message)
{
    netsim *net = opaque;
    if (net->host.log)
        net->host.log(net->host.opaque, message);
}

/* ---------------------------------------------------------------- the device's edge */

static void capture(netsim *net, const uint8_t *frame, size_t len)
{
    uint64_t base;
    if (net->host.frame_seen)
        net->host.frame_seen(net->host.opaque, frame, len);
    if (!net->pcap)
        return;
    base = net->cfg.epoch_unix_s > 0 ? (uint64_t)net->cfg.epoch_unix_s * 1000000000ull : 0;
    if (pcap_writer_write(net->pcap, base + now_ns(net), frame, len) < 0) {
        logf_(net, "netsim: pcap write failed; capture stopped");
        pcap_writer_close(net->pcap);
        net->pcap = NULL;
    }
}

static void deliver_to_device(netsim *net, const uint8_t *frame, size_t len)
{
    net->stats.frames_to_device++;
    net->stats.bytes_to_device += len;
    capture(net, frame, len);
    net->host.frame_to_device(net->host.opaque, frame, len);
}

/* The firewall's answer to a frame it rejects. */
static void send_reject(netsim *net, fault_direction dir, const packet_view *v)
{
    uint8_t out[ETH_MAX_FRAME], mac[ETH_ADDR_LEN];
    size_t len = 0;

    if (dir == FAULT_TO_NETWORK) {
        /* no ICMP errors about broadcasts, multicasts or unconfigured senders (RFC 1122) */
        bool quiet = !v->is_ipv4 || v->src_ip == 0 || v->dst_ip == 0xFFFFFFFFu ||
                     v->dst_ip == net->lan_broadcast || (v->dst_ip >> 28) == 0xE;
        mac_of_sender(net, v->dst_ip, mac);
        if (v->l4 == PACKET_L4_TCP)
            len = packet_build_tcp_reset_for(out, sizeof(out), v, mac, net->ip_id++);
        else if (quiet)
            len = 0;
        else if (v->l4 == PACKET_L4_UDP)
            len = icmp_build_unreachable(out, sizeof(out), v, mac, v->dst_ip,
                                         ICMP_CODE_PORT_UNREACHABLE, net->ip_id++);
        else
            len = icmp_build_unreachable(out, sizeof(out), v, net->gateway_mac, net->cfg.gateway,
                                         ICMP_CODE_ADMIN_PROHIBITED, net->ip_id++);
        if (len)
            deliver_to_device(net, out, len); /* made after the rules: not filtered again */
    } else if (v->l4 == PACKET_L4_TCP) {
        /* the reset a firewall next to the device sends back to the sender, in the
         * device's name; queued because we may be inside slirp's output */
        len = packet_build_tcp_reset_for(out, sizeof(out), v, v->dst_mac, net->ip_id++);
        if (len)
            queue_frame(net, PENDING_LAN_INGRESS, out, len);
    }
}

static void apply_verdict(netsim *net, fault_direction dir, const uint8_t *frame, size_t len,
                          const packet_view *v, const fault_verdict *verdict)
{
    uint8_t copy[ETH_MAX_FRAME];

    if (verdict->outcome == FAULT_DROP || verdict->outcome == FAULT_REJECT) {
        if (dir == FAULT_TO_NETWORK)
            net->stats.dropped_by_rules_out++;
        else
            net->stats.dropped_by_rules_in++;
        if (verdict->outcome == FAULT_REJECT) {
            net->stats.rejected_by_rules++;
            send_reject(net, dir, v);
        }
        return;
    }
    if (len > sizeof(copy))
        return;
    memcpy(copy, frame, len);
    if (verdict->corrupt && verdict->corrupt_offset < len) {
        copy[verdict->corrupt_offset] ^= verdict->corrupt_xor;
        if (verdict->fix_checksum)
            packet_fix_checksums(copy, len);
        net->stats.corrupted_frames++;
    }
    if (verdict->delay_ns) {
        if (delay_line_push(net->delays, now_ns(net) + verdict->delay_ns, dir, copy, len))
            net->stats.delayed_frames++;
        else
            net->stats.queue_overflow++;
        return;
    }
    if (dir == FAULT_TO_NETWORK)
        lan_ingress(net, copy, len);
    else
        deliver_to_device(net, copy, len);
}

static void to_device_path(netsim *net, const uint8_t *frame, size_t len)
{
    packet_view v;
    fault_verdict verdict;
    if (!packet_parse(&v, frame, len))
        return;
    fault_rules_evaluate(net->rules, FAULT_TO_DEVICE, &v, now_ns(net), &verdict);
    apply_verdict(net, FAULT_TO_DEVICE, frame, len, &v, &verdict);
}

static void process_from_device(netsim *net, const uint8_t *frame, size_t len)
{
    packet_view v;
    fault_verdict verdict;

    net->stats.frames_from_device++;
    net->stats.bytes_from_device += len;
    if (len < ETH_HEADER_LEN || len > ETH_MAX_FRAME) {
        net->stats.malformed++;
        return;
    }
    capture(net, frame, len);
    packet_parse(&v, frame, len);
    if (!(v.src_mac[0] & 1)) {
        memcpy(net->device_mac, v.src_mac, ETH_ADDR_LEN);
        net->device_mac_known = true;
    }
    fault_rules_evaluate(net->rules, FAULT_TO_NETWORK, &v, now_ns(net), &verdict);
    apply_verdict(net, FAULT_TO_NETWORK, frame, len, &v, &verdict);
}

void netsim_frame_from_device(netsim *net, const uint8_t *frame, size_t len)
{
    if (!net || !frame)
        return;
    if (len > ETH_MAX_FRAME) {
        net->stats.frames_from_device++;
        net->stats.malformed++;
        return;
    }
    enter(net);
    if (net->depth > 1)
        queue_frame(net, PENDING_FROM_DEVICE, frame, len); /* re-entered from a callback */
    else
        process_from_device(net, frame, len);
    leave(net);
}

static void delay_timer_fired(void *opaque)
{
    netsim *net = opaque;
    uint64_t now = now_ns(net);
    uint8_t *frame;
    size_t len;
    int tag;

    while ((frame = delay_line_pop_due(net->delays, now, &tag, &len)) != NULL) {
        if (tag == FAULT_TO_NETWORK)
            lan_ingress(net, frame, len);
        else
            deliver_to_device(net, frame, len);
        free(frame);
    }
}

/* ---------------------------------------------------------------- the router's services */

static void reply_udp(netsim *net, const packet_view *query, const uint8_t *payload, size_t len)
{
    uint8_t out[ETH_MAX_FRAME];
    packet_addrs a;
    size_t frame_len;

    memset(&a, 0, sizeof(a));
    mac_of_sender(net, query->dst_ip, a.src_mac);
    memcpy(a.dst_mac, query->src_mac, ETH_ADDR_LEN);
    a.src_ip = query->dst_ip;
    a.dst_ip = query->src_ip;
    a.src_port = query->dst_port;
    a.dst_port = query->src_port;
    a.ip_id = net->ip_id++;
    frame_len = packet_build_udp(out, sizeof(out), &a, payload, len);
    if (frame_len)
        to_device_path(net, out, frame_len);
}

static void handle_dhcp(netsim *net, const packet_view *v)
{
    dhcp_reply reply;
    uint8_t out[ETH_MAX_FRAME];
    packet_addrs a;
    size_t len;

    if (!net->dhcp_enabled || !net->dhcp) {
        net->stats.ignored++;
        return;
    }
    if (!dhcp_server_handle(net->dhcp, now_ns(net), v->frame + v->payload_offset, v->payload_len,
                            &reply))
        return;
    memset(&a, 0, sizeof(a));
    memcpy(a.src_mac, net->gateway_mac, ETH_ADDR_LEN);
    memcpy(a.dst_mac, reply.dst_mac, ETH_ADDR_LEN);
    a.src_ip = net->cfg.gateway;
    a.dst_ip = reply.dst_ip;
    a.src_port = DHCP_SERVER_PORT;
    a.dst_port = DHCP_CLIENT_PORT;
    a.ip_id = net->ip_id++;
    len = packet_build_udp(out, sizeof(out), &a, reply.message, reply.len);
    if (!len)
        return;
    switch (reply.type) {
    case DHCP_OFFER:
        net->stats.dhcp_offers++;
        break;
    case DHCP_ACK:
        net->stats.dhcp_acks++;
        if (reply.your_ip) {
            net->device_ip = reply.your_ip;
            net->device_ip_known = true;
        }
        break;
    case DHCP_NAK:
        net->stats.dhcp_naks++;
        break;
    default:
        break;
    }
    to_device_path(net, out, len);
}

static void handle_dns(netsim *net, const packet_view *v)
{
    uint8_t reply[DNS_MAX_UDP_MESSAGE];
    size_t reply_len;

    net->stats.dns_queries++;
    if (dns_responder_handle(net->dns, v->frame + v->payload_offset, v->payload_len, reply,
                             sizeof(reply), &reply_len) != DNS_OUTCOME_REPLY) {
        net->stats.dns_unanswered++;
        return;
    }
    if ((reply[3] & 0x0F) == DNS_RCODE_NOERROR && get_be16(reply + 6) > 0)
        net->stats.dns_answered++;
    else
        net->stats.dns_failed++;
    reply_udp(net, v, reply, reply_len);
}

static void handle_ntp(netsim *net, const packet_view *v)
{
    uint8_t reply[NTP_PACKET_LEN];
    size_t len = ntp_respond(&net->ntp, now_ns(net), v->frame + v->payload_offset,
                             v->payload_len, reply, sizeof(reply));
    if (!len) {
        net->stats.ntp_unanswered++;
        return;
    }
    net->stats.ntp_answered++;
    reply_udp(net, v, reply, len);
}

static void handle_ping(netsim *net, const packet_view *v)
{
    uint8_t out[ETH_MAX_FRAME], mac[ETH_ADDR_LEN];
    size_t len;
    mac_of_sender(net, v->dst_ip, mac);
    len = icmp_build_echo_reply(out, sizeof(out), v, mac, net->ip_id++, 64);
    if (!len) {
        net->stats.ignored++;
        return;
    }
    net->stats.icmp_echo_replies++;
    to_device_path(net, out, len);
}

static void handle_arp(netsim *net, const packet_view *v, const uint8_t *frame, size_t len)
{
    uint32_t sender = v->arp_sender_ip, target = v->arp_target_ip;

    if (v->arp_op == ARP_OP_REPLY) {
        /* the device answering slirp's who-has for it */
        if (in_lan(net, sender) && sender != 0)
            slirp_glue_input(net->slirp, frame, len);
        else
            net->stats.no_route++;
        return;
    }
    if (v->arp_op != ARP_OP_REQUEST) {
        net->stats.ignored++;
        return;
    }
    if (sender == 0) {
        net->stats.ignored++; /* a probe (RFC 5227): nobody else owns the device's address */
        return;
    }
    if (!in_lan(net, sender)) {
        net->stats.no_route++; /* a static IP outside the subnet: the router ignores it */
        return;
    }
    if (sender == target) {
        /* gratuitous: lets slirp learn the device's MAC; nobody replies */
        slirp_glue_input(net->slirp, frame, len);
        return;
    }
    if (target == net->cfg.gateway) {
        net->stats.arp_replies++;
        slirp_glue_input(net->slirp, frame, len); /* slirp answers for its virtual host */
        return;
    }
    if (is_lan_service(net, target)) {
        uint8_t out[ETH_MIN_FRAME];
        uint8_t mac[ETH_ADDR_LEN];
        size_t out_len;
        service_mac(target, mac);
        out_len = packet_build_arp(out, sizeof(out), ARP_OP_REPLY, v->src_mac, mac, target,
                                   v->arp_sender_mac, sender);
        net->stats.arp_replies++;
        to_device_path(net, out, out_len);
        return;
    }
    /* no such host (e.g. a static gateway that does not exist): silence, as on a real LAN */
    net->stats.no_route++;
}

static bool mac_is_lan_service(const netsim *net, const uint8_t mac[ETH_ADDR_LEN])
{
    uint32_t addr;
    if (mac[0] != 0x52 || mac[1] != 0x55)
        return false;
    addr = get_be32(mac + 2);
    return is_lan_service(net, addr);
}

static void lan_ingress(netsim *net, const uint8_t *frame, size_t len)
{
    packet_view v;
    bool broadcast, for_internet;

    if (!packet_parse(&v, frame, len)) {
        net->stats.malformed++;
        return;
    }
    broadcast = memcmp(v.dst_mac, broadcast_mac, ETH_ADDR_LEN) == 0;
    if (!broadcast && (v.dst_mac[0] & 1)) {
        net->stats.ignored++; /* multicast (IGMP reports, mDNS): nothing listens */
        return;
    }
    if (!broadcast && !mac_is_lan_service(net, v.dst_mac)) {
        net->stats.not_for_router++;
        return;
    }
    if (v.is_arp) {
        handle_arp(net, &v, frame, len);
        return;
    }
    if (!v.is_ipv4) {
        if (v.ethertype == ETHERTYPE_IPV4 || v.ethertype == ETHERTYPE_ARP)
            net->stats.malformed++;
        else
            net->stats.ignored++; /* IPv6 and the rest: an IPv4-only router */
        return;
    }
    if (v.ip_fragment) {
        net->stats.ignored++;
        return;
    }
    if (v.l4 != PACKET_L4_NONE && !v.l4_checksum_ok) {
        net->stats.malformed++; /* what the receiving stack does with a damaged segment */
        return;
    }
    if (v.l4 == PACKET_L4_UDP && v.dst_port == DHCP_SERVER_PORT) {
        handle_dhcp(net, &v); /* before the source check: clients start at 0.0.0.0 */
        return;
    }
    if (!in_lan(net, v.src_ip) || v.src_ip == net->cfg.gateway || v.src_ip == net->lan_broadcast ||
        v.src_ip == net->cfg.lan_network) {
        net->stats.no_route++; /* no way back to that address from this LAN */
        return;
    }
    if (!net->device_ip_known || net->device_ip != v.src_ip) {
        net->device_ip = v.src_ip;
        net->device_ip_known = true;
    }
    if (broadcast || v.dst_ip == net->lan_broadcast || v.dst_ip == 0xFFFFFFFFu) {
        net->stats.ignored++; /* LAN broadcasts (discovery protocols): nobody answers */
        return;
    }
    if (tcp_forward_is_alias(net->tcp, v.dst_ip)) {
        net->stats.no_route++; /* the router's internal forward block is not routable */
        return;
    }
    for_internet = !in_lan(net, v.dst_ip);
    if (!for_internet && !is_lan_service(net, v.dst_ip)) {
        net->stats.no_route++;
        return;
    }

    switch (v.l4) {
    case PACKET_L4_UDP:
        if (v.dst_port == 53 &&
            (v.dst_ip == net->cfg.dns_server || (for_internet && net->cfg.answer_any_dns))) {
            handle_dns(net, &v);
        } else if (v.dst_port == NTP_PORT &&
                   (v.dst_ip == net->cfg.ntp_address || (for_internet && net->cfg.answer_any_ntp))) {
            handle_ntp(net, &v);
        } else {
            net->stats.ignored++; /* no service there: the datagram vanishes */
        }
        return;
    case PACKET_L4_ICMP:
        if (v.icmp_type == ICMP_ECHO_REQUEST && (!for_internet || net->cfg.answer_ping))
            handle_ping(net, &v);
        else
            net->stats.ignored++;
        return;
    case PACKET_L4_TCP:
        if (tcp_forward_from_device(net->tcp, &v))
            return;
        /* no server here: restricted slirp refuses with RST */
        slirp_glue_input(net->slirp, frame, v.ip_offset + v.ip_total_len);
        return;
    default:
        net->stats.ignored++;
        return;
    }
}

/* Frames slirp sends (inside slirp_input or its poll): never call into slirp from here. */
static void slirp_output(void *ctx, const uint8_t *frame, size_t len)
{
    netsim *net = ctx;
    uint8_t copy[ETH_MAX_FRAME];
    packet_view v;

    if (len > sizeof(copy))
        return;
    memcpy(copy, frame, len);
    if (!tcp_forward_from_slirp(net->tcp, copy, len))
        return;
    if (packet_parse(&v, copy, len) && v.l4 == PACKET_L4_TCP && (v.tcp_flags & TCP_RST) &&
        !tcp_forward_is_alias(net->tcp, v.src_ip))
        net->slirp_refused++;
    to_device_path(net, copy, len);
}

/* ---------------------------------------------------------------- life cycle */

void netsim_config_default(netsim_config *c)
{
    memset(c, 0, sizeof(*c));
    c->lan_network = IPV4(192, 168, 1, 0);
    c->lan_prefix = 24;
    c->gateway = IPV4(192, 168, 1, 1);
    c->dns_server = IPV4(192, 168, 1, 1);
    c->dhcp_enabled = true;
    c->dhcp_pool_start = IPV4(192, 168, 1, 100);
    c->dhcp_pool_size = 100;
    c->dhcp_lease_seconds = 86400;
    c->cloud_address = IPV4(52, 0, 0, 10);
    c->ntp_address = IPV4(52, 0, 0, 123);
    c->answer_ping = true;
    c->answer_any_dns = true;
    c->answer_any_ntp = false;
    c->epoch_unix_s = NETSIM_EPOCH_2026;
    c->seed = 1;
    c->mtu = 1500;
    c->max_delayed_frames = DEFAULT_MAX_DELAYED;
}

static int fail(char *error, size_t size, const char *fmt, ...)
{
    va_list ap;
    if (error && size) {
        va_start(ap, fmt);
        vsnprintf(error, size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* slirp's network is the LAN plus the block beside it; that block holds the guest forward
 * aliases (libslirp requires them inside its network), so they never collide with an
 * address a device could use on the LAN.  They sit at the top of the block, away from the
 * addresses people pick: 192.168.0.223-254 for the default LAN. */
static void forward_aliases(const netsim_config *c, uint32_t *first, unsigned *count)
{
    uint32_t block = 1u << (32 - c->lan_prefix);
    uint32_t sibling = c->lan_network ^ block;
    *count = block - 2 < TCP_FORWARD_MAX_ALIASES ? block - 2 : TCP_FORWARD_MAX_ALIASES;
    *first = sibling + block - 1 - *count;
}

static int validate(const netsim_config *c, char *error, size_t size)
{
    uint32_t mask = ipv4_prefix_mask(c->lan_prefix);
    if (c->allow_host_network)
        return fail(error, size, "allow_host_network is not implemented");
    if (c->lan_prefix < 8 || c->lan_prefix > 27)
        return fail(error, size, "lan_prefix must be 8..27");
    if ((c->lan_network & ~mask) != 0)
        return fail(error, size, "lan_network has host bits set for /%u", c->lan_prefix);
    if (!ipv4_in_subnet(c->gateway, c->lan_network, mask) || c->gateway == c->lan_network ||
        c->gateway == (c->lan_network | ~mask))
        return fail(error, size, "gateway must be a host address on the LAN");
    if (c->dns_server == 0)
        return fail(error, size, "dns_server must be set");
    if (c->mtu && (c->mtu < 576 || c->mtu > 1500))
        return fail(error, size, "mtu must be 576..1500");
    {
        const uint32_t services[] = {c->dns_server, c->cloud_address, c->ntp_address};
        uint32_t first;
        unsigned count;
        size_t i;
        forward_aliases(c, &first, &count);
        for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
            if (services[i] >= first && services[i] - first < count)
                return fail(error, size, "an address in the router's reserved forward block");
        }
    }
    return 0;
}

netsim *netsim_new(const netsim_config *config, const netsim_host_ops *host, char *error,
                   size_t error_size)
{
    netsim *net;
    slirp_glue_config sc;
    tcp_forward_env env;
    dhcp_server_config dc;

    if (!config || !host || !host->now_ns || !host->timer_new || !host->timer_mod ||
        !host->timer_cancel || !host->timer_free || !host->frame_to_device) {
        fail(error, error_size, "incomplete host ops");
        return NULL;
    }
    if (validate(config, error, error_size) < 0)
        return NULL;
    net = calloc(1, sizeof(*net));
    if (!net) {
        fail(error, error_size, "out of memory");
        return NULL;
    }
    net->cfg = *config;
    if (!net->cfg.mtu)
        net->cfg.mtu = 1500;
    if (!net->cfg.max_delayed_frames)
        net->cfg.max_delayed_frames = DEFAULT_MAX_DELAYED;
    net->host = *host;
    net->inner.opaque = net;
    net->inner.now_ns = inner_now_ns;
    net->inner.timer_new = inner_timer_new;
    net->inner.timer_mod = inner_timer_mod;
    net->inner.timer_cancel = inner_timer_cancel;
    net->inner.timer_free = inner_timer_free;
    net->inner.log = inner_log;
    net->lan_mask = ipv4_prefix_mask(config->lan_prefix);
    net->lan_broadcast = config->lan_network | ~net->lan_mask;
    service_mac(config->gateway, net->gateway_mac);
    net->dhcp_enabled = config->dhcp_enabled;
    net->ntp.epoch_unix_s = config->epoch_unix_s;
    net->ip_id = 1;

    memset(&sc, 0, sizeof(sc));
    /* one prefix bit wider than the LAN: room for the forward aliases (forward_aliases) */
    sc.network = config->lan_network & ipv4_prefix_mask((uint8_t)(config->lan_prefix - 1));
    sc.netmask = ipv4_prefix_mask((uint8_t)(config->lan_prefix - 1));
    sc.host_addr = config->gateway;
    sc.dhcp_start = config->dhcp_pool_start ? config->dhcp_pool_start : config->gateway + 1;
    sc.mtu = net->cfg.mtu;

    net->rules = fault_rules_new(config->seed);
    net->delays = delay_line_new(net->cfg.max_delayed_frames);
    net->dns = dns_responder_new();
    net->delay_timer = inner_timer_new(net, delay_timer_fired, net);
    if (!net->rules || !net->delays || !net->dns || !net->delay_timer) {
        fail(error, error_size, "out of memory");
        netsim_free(net);
        return NULL;
    }
    if (config->dhcp_pool_size) {
        memset(&dc, 0, sizeof(dc));
        dc.server_ip = config->gateway;
        dc.netmask = net->lan_mask;
        dc.router = config->gateway;
        dc.dns = config->dns_server;
        dc.pool_start = config->dhcp_pool_start;
        dc.pool_size = config->dhcp_pool_size;
        dc.lease_seconds = config->dhcp_lease_seconds;
        dc.broadcast_replies = true;
        dc.nak_requests = config->dhcp_nak_requests;
        net->dhcp = dhcp_server_new(&dc);
        if (!net->dhcp) {
            fail(error, error_size, "DHCP pool must lie on the LAN and not hold the gateway");
            netsim_free(net);
            return NULL;
        }
    }
    net->slirp = slirp_glue_new(&sc, &net->inner, slirp_output, net, error, error_size);
    if (!net->slirp) {
        netsim_free(net);
        return NULL;
    }
    memset(&env, 0, sizeof(env));
    env.host = &net->inner;
    env.slirp = net->slirp;
    forward_aliases(config, &env.alias_base, &env.alias_count);
    env.lan_network = config->lan_network;
    env.lan_mask = net->lan_mask;
    env.gateway_ip = config->gateway;
    memcpy(env.gateway_mac, net->gateway_mac, ETH_ADDR_LEN);
    env.mtu = net->cfg.mtu;
    env.ip_id = &net->ip_id;
    env.ctx = net;
    env.to_device = to_device_cb;
    env.enter = enter_cb;
    env.leave = leave_cb;
    net->tcp = tcp_forward_new(&env, error, error_size);
    if (!net->tcp) {
        netsim_free(net);
        return NULL;
    }

    if (dns_zone_set(net->dns, "device.spark.io", config->cloud_address) < 0 ||
        dns_zone_set(net->dns, "pool.ntp.org", config->ntp_address) < 0 ||
        dns_zone_set(net->dns, "*.pool.ntp.org", config->ntp_address) < 0) {
        fail(error, error_size, "out of memory");
        netsim_free(net);
        return NULL;
    }
    return net;
}

void netsim_free(netsim *net)
{
    pending_frame *p, *next;
    if (!net)
        return;
    tcp_forward_free(net->tcp);
    slirp_glue_free(net->slirp);
    if (net->delay_timer)
        inner_timer_free(net, net->delay_timer);
    delay_line_free(net->delays);
    dns_responder_free(net->dns);
    dhcp_server_free(net->dhcp);
    fault_rules_free(net->rules);
    pcap_writer_close(net->pcap);
    for (p = net->pending_head; p; p = next) {
        next = p->next;
        free(p);
    }
    free(net);
}

/* ---------------------------------------------------------------- accessors */

fault_rules *netsim_rules(netsim *net)
{
    return net->rules;
}

dns_responder *netsim_dns(netsim *net)
{
    return net->dns;
}

ntp_responder_config *netsim_ntp(netsim *net)
{
    return &net->ntp;
}

void netsim_set_dhcp_enabled(netsim *net, bool enabled)
{
    net->dhcp_enabled = enabled;
}

const dhcp_server *netsim_dhcp(const netsim *net)
{
    return net->dhcp;
}

int netsim_pcap_start(netsim *net, const char *path, char *error, size_t error_size)
{
    pcap_writer *w = pcap_writer_open(path, error, error_size);
    if (!w)
        return -1;
    pcap_writer_close(net->pcap);
    net->pcap = w;
    return 0;
}

int netsim_pcap_stop(netsim *net)
{
    int rc = pcap_writer_close(net->pcap);
    net->pcap = NULL;
    return rc;
}

netsim_listener *netsim_listen(netsim *net, uint32_t addr, uint16_t port,
                               const netsim_stream_ops *ops)
{
    if (tcp_forward_is_alias(net->tcp, addr))
        return NULL;
    return tcp_forward_listen(net->tcp, addr, port, ops);
}

const netsim_stats *netsim_get_stats(const netsim *net)
{
    netsim *mutable = (netsim *)net; /* fold in the module counters on demand */
    const tcp_forward_stats *t = tcp_forward_get_stats(net->tcp);
    mutable->stats.tcp_refused = net->slirp_refused + t->refused;
    mutable->stats.tcp_filtered = t->filtered;
    mutable->stats.conns_opened = t->opened;
    mutable->stats.conns_closed = t->closed;
    return &net->stats;
}

size_t netsim_dhcp_lease_count(const netsim *net)
{
    return net->dhcp ? dhcp_server_lease_count(net->dhcp, net->host.now_ns(net->host.opaque)) : 0;
}

bool netsim_device_address(const netsim *net, uint8_t mac[6], uint32_t *ip)
{
    if (mac && net->device_mac_known)
        memcpy(mac, net->device_mac, ETH_ADDR_LEN);
    if (ip && net->device_ip_known)
        *ip = net->device_ip;
    return net->device_mac_known && net->device_ip_known;
}

void netsim_gateway_mac(const netsim *net, uint8_t mac[6])
{
    memcpy(mac, net->gateway_mac, ETH_ADDR_LEN);
}
