#include "tcp_forward.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4_addr.h"

#define FIN_RTO_NS 1000000000ull          /* our FIN's first retransmission */
#define FIN_MAX_RETRIES 6
#define FIN_WAIT_2_NS 60000000000ull      /* how long to wait for the device's FIN */
#define TIME_WAIT_NS 10000000000ull       /* re-ACK a retransmitted FIN for this long */
#define MIN_MSS 32                        /* slirp's floor (tcp_mss) */

typedef enum conn_state {
    CONN_HANDSHAKE, /* SYN forwarded to slirp, waiting for the device's ACK of SYN-ACK */
    CONN_OPEN,      /* slirp carries it */
    CONN_CLOSING,   /* slirp's socket is gone; our FIN is out (retransmitted until ACKed) */
    CONN_TIME_WAIT, /* both FINs done; answer a retransmitted FIN */
    CONN_DEAD,      /* freed once its events are delivered */
} conn_state;

typedef struct alias_slot {
    tcp_forward *forward;
    uint32_t addr;
    netsim_conn *conn;
} alias_slot;

typedef struct queued_message {
    struct queued_message *next;
    size_t len, released;
    uint8_t data[];
} queued_message;

struct netsim_listener {
    netsim_listener *next;
    tcp_forward *forward;
    bool removed; /* unlistened: freed once no connection refers to it */
    uint32_t addr;
    uint16_t port;
    netsim_port_state state;
    netsim_stream_ops ops;
};

struct netsim_conn {
    netsim_conn *next;
    tcp_forward *forward;
    netsim_listener *listener;
    uint64_t id;
    conn_state state;
    alias_slot *slot; /* NULL once slirp's socket is gone */

    uint8_t device_mac[ETH_ADDR_LEN];
    uint32_t device_ip;
    uint16_t device_port;
    uint32_t server_ip;
    uint16_t server_port;
    uint8_t server_mac[ETH_ADDR_LEN]; /* the router's, or the server's own on the LAN */
    char peer[24];
    void *user;

    /* the device's sequence space, as slirp receives it */
    uint64_t last_heard_ns; /* the device's latest segment on this connection */
    uint32_t device_isn;
    uint32_t device_next;   /* end of the highest segment forwarded */
    uint32_t device_ack;    /* highest acknowledgement of our data */
    uint16_t device_window;
    uint16_t device_max_window; /* the largest window it ever offered */
    bool device_fin;        /* the device's FIN was sent (seq device_fin_seq) */
    uint32_t device_fin_seq;
    bool device_fin_acked;  /* ... and slirp acknowledged it */
    uint16_t mss;

    /* slirp's sequence space */
    bool slirp_syn_seen;
    uint32_t slirp_snd_max; /* end of the highest segment slirp sent */
    uint16_t slirp_window;
    uint32_t released_end;  /* sequence number up to which messages went into slirp */

    /* the server's side */
    queued_message *queue_head, *queue_tail;
    size_t queued_bytes;
    uint8_t *inbound;
    size_t inbound_len, inbound_cap;
    bool connect_pending, user_open;
    bool close_pending;
    netsim_close_reason close_reason;
    bool close_requested; /* our side closes once the queue drains (server close or EOF) */
    bool user_closed;     /* the server closed or aborted: no more on_data */

    /* our half of the close after the takeover */
    uint32_t fin_seq;
    bool fin_acked;
    bool awaiting_peer_fin; /* FIN_WAIT_2: ours is acknowledged, theirs has not come */
    unsigned fin_retries;
    uint64_t deadline_ns;
};

struct tcp_forward {
    tcp_forward_env env;
    alias_slot slots[TCP_FORWARD_MAX_ALIASES];
    unsigned next_slot;
    netsim_listener *listeners;
    netsim_listener *retired; /* unlistened, still referenced by connections */
    netsim_conn *conns, *conns_tail;
    uint64_t next_conn_id;
    void *timer;
    tcp_forward_stats stats;
};

static void logf_(tcp_forward *f, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    if (!f->env.host->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    f->env.host->log(f->env.host->opaque, line);
}

static uint64_t now_ns(tcp_forward *f)
{
    return f->env.host->now_ns(f->env.host->opaque);
}

static ssize_t slot_write(const void *data, size_t len, void *opaque)
{
    alias_slot *slot = opaque;
    netsim_conn *c = slot->conn;

    /* bytes for a connection the server has closed are acknowledged and dropped, as a
     * half-closed socket's peer would see them vanish */
    if (!c || c->user_closed || (c->state != CONN_OPEN && c->state != CONN_HANDSHAKE))
        return (ssize_t)len;
    if (c->inbound_len + len > c->inbound_cap) {
        size_t cap = c->inbound_cap ? c->inbound_cap : 2048;
        uint8_t *grown;
        while (cap < c->inbound_len + len)
            cap *= 2;
        grown = realloc(c->inbound, cap);
        if (!grown) {
            logf_(slot->forward, "netsim: out of memory buffering %zu bytes from %s", len,
                  c->peer);
            return (ssize_t)len;
        }
        c->inbound = grown;
        c->inbound_cap = cap;
    }
    memcpy(c->inbound + c->inbound_len, data, len);
    c->inbound_len += len;
    return (ssize_t)len;
}

static void timer_fired(void *opaque);

tcp_forward *tcp_forward_new(const tcp_forward_env *env, char *error, size_t error_size)
{
    tcp_forward *f;
    unsigned i;

    if (env->alias_count == 0 || env->alias_count > TCP_FORWARD_MAX_ALIASES) {
        snprintf(error, error_size, "alias count must be 1..%d", TCP_FORWARD_MAX_ALIASES);
        return NULL;
    }
    f = calloc(1, sizeof(*f));
    if (!f) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    f->env = *env;
    f->next_conn_id = 1;
    for (i = 0; i < env->alias_count; i++) {
        alias_slot *slot = &f->slots[i];
        slot->forward = f;
        slot->addr = env->alias_base + i;
        if (slirp_glue_add_forward(env->slirp, slot->addr, TCP_FORWARD_INTERNAL_PORT, slot_write,
                                   slot) < 0) {
            char a[16];
            ipv4_format(slot->addr, a);
            snprintf(error, error_size, "slirp refused a guest forward at %s", a);
            free(f);
            return NULL;
        }
    }
    f->timer = env->host->timer_new(env->host->opaque, timer_fired, f);
    if (!f->timer) {
        snprintf(error, error_size, "cannot create the TCP forward timer");
        free(f);
        return NULL;
    }
    return f;
}

static void free_conn(netsim_conn *c)
{
    queued_message *m, *next;
    for (m = c->queue_head; m; m = next) {
        next = m->next;
        free(m);
    }
    free(c->inbound);
    free(c);
}

void tcp_forward_free(tcp_forward *f)
{
    netsim_conn *c, *cn;
    netsim_listener *l, *ln;
    if (!f)
        return;
    for (c = f->conns; c; c = cn) {
        cn = c->next;
        free_conn(c);
    }
    for (l = f->listeners; l; l = ln) {
        ln = l->next;
        free(l);
    }
    for (l = f->retired; l; l = ln) {
        ln = l->next;
        free(l);
    }
    f->env.host->timer_free(f->env.host->opaque, f->timer);
    free(f);
}

bool tcp_forward_serves(const tcp_forward *f, uint32_t addr)
{
    const netsim_listener *l;
    for (l = f->listeners; l; l = l->next) {
        if (l->addr == addr)
            return true;
    }
    return false;
}

bool tcp_forward_is_alias(const tcp_forward *f, uint32_t addr)
{
    return addr >= f->env.alias_base && addr - f->env.alias_base < f->env.alias_count;
}

const tcp_forward_stats *tcp_forward_get_stats(const tcp_forward *f)
{
    return &f->stats;
}

/* ---------------------------------------------------------------- listeners */

netsim_listener *tcp_forward_listen(tcp_forward *f, uint32_t addr, uint16_t port,
                                    const netsim_stream_ops *ops)
{
    netsim_listener *l, **tail;
    if (!ops || !ops->on_connect || !ops->on_data || !ops->on_close || port == 0)
        return NULL;
    for (l = f->listeners; l; l = l->next) {
        if (l->addr == addr && l->port == port)
            return NULL; /* already served */
    }
    l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    l->forward = f;
    l->addr = addr;
    l->port = port;
    l->ops = *ops;
    for (tail = &f->listeners; *tail; tail = &(*tail)->next)
        ;
    *tail = l;
    return l;
}

static netsim_listener *find_listener(tcp_forward *f, uint32_t addr, uint16_t port)
{
    netsim_listener *l, *wildcard = NULL;
    for (l = f->listeners; l; l = l->next) {
        if (l->port != port)
            continue;
        if (l->addr == addr)
            return l;
        if (l->addr == 0 && !ipv4_in_subnet(addr, f->env.lan_network, f->env.lan_mask))
            wildcard = l;
    }
    return wildcard;
}

void netsim_listener_set_state(netsim_listener *l, netsim_port_state state)
{
    if (l)
        l->state = state;
}

netsim_port_state netsim_listener_state(const netsim_listener *l)
{
    return l ? l->state : NETSIM_PORT_CLOSED;
}

/* ---------------------------------------------------------------- frames we make */

static void fill_addrs_to_device(const netsim_conn *c, packet_addrs *a)
{
    memset(a, 0, sizeof(*a));
    memcpy(a->src_mac, c->server_mac, ETH_ADDR_LEN);
    memcpy(a->dst_mac, c->device_mac, ETH_ADDR_LEN);
    a->src_ip = c->server_ip;
    a->dst_ip = c->device_ip;
    a->src_port = c->server_port;
    a->dst_port = c->device_port;
    a->ip_id = (*c->forward->env.ip_id)++;
}

static void send_to_device(netsim_conn *c, uint32_t seq, uint32_t ack, uint8_t flags)
{
    uint8_t frame[128];
    packet_addrs a;
    packet_tcp_fields t;
    size_t len;

    fill_addrs_to_device(c, &a);
    memset(&t, 0, sizeof(t));
    t.seq = seq;
    t.ack = ack;
    t.flags = flags;
    t.window = (flags & TCP_RST) ? 0 : c->slirp_window;
    len = packet_build_tcp(frame, sizeof(frame), &a, &t, NULL, 0);
    if (len)
        c->forward->env.to_device(c->forward->env.ctx, frame, len);
}

/* Remove slirp's socket without a word to the device: a RST in the device's name at the
 * sequence number slirp expects next (slirp answers no RST). */
static void release_slirp_side(netsim_conn *c)
{
    uint8_t frame[128];
    packet_addrs a;
    packet_tcp_fields t;
    size_t len;

    if (!c->slot)
        return;
    memset(&a, 0, sizeof(a));
    memcpy(a.src_mac, c->device_mac, ETH_ADDR_LEN);
    memcpy(a.dst_mac, c->forward->env.gateway_mac, ETH_ADDR_LEN);
    a.src_ip = c->device_ip;
    a.dst_ip = c->slot->addr;
    a.src_port = c->device_port;
    a.dst_port = TCP_FORWARD_INTERNAL_PORT;
    memset(&t, 0, sizeof(t));
    t.seq = c->device_next;
    t.flags = TCP_RST;
    len = packet_build_tcp(frame, sizeof(frame), &a, &t, NULL, 0);
    c->slot->conn = NULL;
    c->slot = NULL;
    if (len)
        slirp_glue_input(c->forward->env.slirp, frame, len);
}

/* Tell slirp the device's MAC before its first segment (an ARP reply in the device's name).
 * The device has always ARPed for the router before, so this changes nothing it sees; it
 * matters when it did not (a fault rule, a fuzzer): libslirp then queues its replies behind
 * an ARP request, and slirp_cleanup() in 4.7 leaks every queued packet after the first of
 * a connection (m_cleanup walks the queue but not each connection's sub-list). */
static void introduce_device_to_slirp(const netsim_conn *c)
{
    uint8_t frame[ETH_MIN_FRAME];
    const uint8_t *gateway_mac = c->forward->env.gateway_mac;
    size_t len = packet_build_arp(frame, sizeof(frame), ARP_OP_REPLY, gateway_mac, c->device_mac,
                                  c->device_ip, gateway_mac, c->forward->env.gateway_ip);
    if (len)
        slirp_glue_input(c->forward->env.slirp, frame, len);
}

/* ---------------------------------------------------------------- connection life */

static void announce_close(netsim_conn *c, netsim_close_reason reason)
{
    if ((c->user_open || c->connect_pending) && !c->close_pending) {
        c->close_pending = true;
        c->close_reason = reason;
    }
}

static void end_conn(netsim_conn *c, netsim_close_reason reason)
{
    announce_close(c, reason);
    c->close_requested = true;
    c->state = CONN_DEAD;
}

static netsim_conn *find_conn(tcp_forward *f, const packet_view *v)
{
    netsim_conn *c;
    for (c = f->conns; c; c = c->next) {
        if (c->state != CONN_DEAD && c->device_ip == v->src_ip && c->device_port == v->src_port &&
            c->server_ip == v->dst_ip && c->server_port == v->dst_port)
            return c;
    }
    return NULL;
}

static alias_slot *take_slot(tcp_forward *f)
{
    unsigned i;
    /* round robin, so a just-freed alias is the last to be reused */
    for (i = 0; i < f->env.alias_count; i++) {
        alias_slot *slot = &f->slots[(f->next_slot + i) % f->env.alias_count];
        /* skip an alias on which slirp still has a connected socket: slirp_socket_recv()
         * would pick that one (it cannot happen while our RSTs are accepted; belt and braces) */
        if (!slot->conn &&
            slirp_glue_forward_room(f->env.slirp, slot->addr, TCP_FORWARD_INTERNAL_PORT) == 0) {
            f->next_slot = (unsigned)((slot - f->slots) + 1) % f->env.alias_count;
            return slot;
        }
    }
    return NULL;
}

static netsim_conn *new_conn(tcp_forward *f, netsim_listener *l, alias_slot *slot,
                             const packet_view *v)
{
    netsim_conn *c = calloc(1, sizeof(*c));
    size_t max_mss = f->env.mtu - IPV4_HEADER_LEN - TCP_HEADER_LEN;
    char ip[16];

    if (!c)
        return NULL;
    c->forward = f;
    c->listener = l;
    c->id = f->next_conn_id++;
    c->state = CONN_HANDSHAKE;
    c->slot = slot;
    slot->conn = c;
    memcpy(c->device_mac, v->src_mac, ETH_ADDR_LEN);
    c->device_ip = v->src_ip;
    c->device_port = v->src_port;
    c->server_ip = v->dst_ip;
    c->server_port = v->dst_port;
    if (ipv4_in_subnet(c->server_ip, f->env.lan_network, f->env.lan_mask)) {
        c->server_mac[0] = 0x52; /* a host on the LAN: libslirp's MAC scheme, its address */
        c->server_mac[1] = 0x55;
        put_be32(c->server_mac + 2, c->server_ip);
    } else {
        memcpy(c->server_mac, f->env.gateway_mac, ETH_ADDR_LEN);
    }
    ipv4_format(c->device_ip, ip);
    snprintf(c->peer, sizeof(c->peer), "%s:%u", ip, c->device_port);
    c->device_isn = v->tcp_seq;
    c->device_next = v->tcp_seq + 1;
    c->device_window = v->tcp_window;
    c->device_max_window = v->tcp_window;
    /* slirp's tcp_mss(): the offer capped by its MTU, or the MTU's MSS without an offer */
    c->mss = (uint16_t)max_mss;
    if (v->tcp_mss && v->tcp_mss < max_mss)
        c->mss = v->tcp_mss < MIN_MSS ? MIN_MSS : v->tcp_mss;
    if (f->conns_tail)
        f->conns_tail->next = c;
    else
        f->conns = c;
    f->conns_tail = c;
    return c;
}

/* Feed a device segment to slirp, NATed to the connection's alias. */
static void forward_to_slirp(netsim_conn *c, const packet_view *v)
{
    tcp_forward *f = c->forward;
    uint8_t frame[ETH_MAX_FRAME];
    size_t len = v->ip_offset + v->ip_total_len; /* without Ethernet padding */
    uint32_t seq_end = v->tcp_seq + packet_tcp_seq_len(v);

    if (!c->slot || len > sizeof(frame))
        return;
    c->last_heard_ns = now_ns(f);
    if (SEQ_GT(seq_end, c->device_next))
        c->device_next = seq_end;
    if ((v->tcp_flags & TCP_ACK) && SEQ_GEQ(v->tcp_ack, c->device_ack) &&
        (!c->slirp_syn_seen || SEQ_LEQ(v->tcp_ack, c->slirp_snd_max))) {
        c->device_ack = v->tcp_ack;
        c->device_window = v->tcp_window;
        if (v->tcp_window > c->device_max_window)
            c->device_max_window = v->tcp_window;
    }
    if ((v->tcp_flags & TCP_FIN) && !c->device_fin) {
        c->device_fin = true;
        c->device_fin_seq = v->tcp_seq + (uint32_t)v->payload_len;
    }
    memcpy(frame, v->frame, len);
    put_be32(frame + v->ip_offset + 16, c->slot->addr);
    put_be16(frame + v->l4_offset + 2, TCP_FORWARD_INTERNAL_PORT);
    packet_fix_checksums(frame, len);
    slirp_glue_input(f->env.slirp, frame, len);

    if (v->tcp_flags & TCP_RST) {
        release_slirp_side(c); /* in case slirp found the RST out of window */
        end_conn(c, NETSIM_CLOSE_PEER_RESET);
        return;
    }
    if (c->state == CONN_HANDSHAKE && c->slot &&
        slirp_glue_forward_room(f->env.slirp, c->slot->addr, TCP_FORWARD_INTERNAL_PORT) > 0) {
        c->state = CONN_OPEN;
        c->connect_pending = true;
        f->stats.opened++;
    }
}

/* A segment for a connection slirp no longer carries: we are the server's TCP now. */
static void takeover_segment(netsim_conn *c, const packet_view *v)
{
    tcp_forward *f = c->forward;
    uint32_t seq_end = v->tcp_seq + (uint32_t)v->payload_len;

    if (v->tcp_flags & TCP_RST) {
        c->state = CONN_DEAD;
        return;
    }
    if ((v->tcp_flags & TCP_ACK) && SEQ_GEQ(v->tcp_ack, c->fin_seq + 1))
        c->fin_acked = true;
    if (v->payload_len && SEQ_GT(seq_end, c->device_next)) {
        /* new data for a closed socket: reset, as a host whose application has gone does */
        send_to_device(c, (v->tcp_flags & TCP_ACK) ? v->tcp_ack : c->fin_seq + 1, 0, TCP_RST);
        c->state = CONN_DEAD;
        return;
    }
    if (v->tcp_flags & TCP_FIN) {
        if (!c->device_fin && seq_end == c->device_next) {
            c->device_fin = true;
            c->device_fin_seq = seq_end;
            c->device_next = seq_end + 1;
        }
        if (c->device_fin && seq_end == c->device_fin_seq)
            send_to_device(c, c->fin_seq + 1, c->device_next, TCP_ACK);
    }
    if (c->fin_acked && c->device_fin && c->state == CONN_CLOSING) {
        c->state = CONN_TIME_WAIT;
        c->deadline_ns = now_ns(f) + TIME_WAIT_NS;
    } else if (c->fin_acked && c->state == CONN_CLOSING && !c->awaiting_peer_fin) {
        c->awaiting_peer_fin = true; /* stop retransmitting, wait for theirs */
        c->deadline_ns = now_ns(f) + FIN_WAIT_2_NS;
    }
}

static void refuse(tcp_forward *f, const packet_view *v)
{
    uint8_t frame[128];
    size_t len = packet_build_tcp_reset_for(frame, sizeof(frame), v, f->env.gateway_mac,
                                            (*f->env.ip_id)++);
    if (len)
        f->env.to_device(f->env.ctx, frame, len);
}

bool tcp_forward_from_device(tcp_forward *f, const packet_view *v)
{
    netsim_conn *c = find_conn(f, v);
    netsim_listener *l;
    alias_slot *slot;
    bool pure_syn = (v->tcp_flags & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) == TCP_SYN;

    if (c && (c->state == CONN_CLOSING || c->state == CONN_TIME_WAIT)) {
        if (!pure_syn) {
            takeover_segment(c, v);
            return true;
        }
        c->state = CONN_DEAD; /* the device reuses the ports for a new connection */
        c = NULL;
    }
    if (c) {
        if (pure_syn && v->tcp_seq != c->device_isn) {
            /* a new incarnation (the device rebooted and picked the same port) */
            release_slirp_side(c);
            end_conn(c, NETSIM_CLOSE_REPLACED);
        } else {
            forward_to_slirp(c, v);
            return true;
        }
    }

    l = find_listener(f, v->dst_ip, v->dst_port);
    if (!l)
        return false;
    if (l->state == NETSIM_PORT_FILTERED) {
        if (pure_syn)
            f->stats.filtered++;
        return true;
    }
    if (l->state == NETSIM_PORT_CLOSED || !pure_syn) {
        if (pure_syn)
            f->stats.refused++;
        refuse(f, v); /* also what a host says to a segment of a connection it never had */
        return true;
    }
    slot = take_slot(f);
    if (!slot) {
        /* every alias holds a connection: the longest-silent one is most likely a device
         * that reset without closing; a real server would still accept, so make room */
        netsim_conn *stale = NULL, *o;
        for (o = f->conns; o; o = o->next) {
            if (o->slot && (!stale || o->last_heard_ns < stale->last_heard_ns))
                stale = o;
        }
        f->stats.alias_exhausted++;
        if (stale) {
            logf_(f, "netsim: all %u forward aliases busy; dropping the silent %s",
                  f->env.alias_count, stale->peer);
            release_slirp_side(stale);
            end_conn(stale, NETSIM_CLOSE_TIMEOUT);
            slot = take_slot(f);
        }
        if (!slot)
            return true;
    }
    c = new_conn(f, l, slot, v);
    if (!c) {
        slot->conn = NULL;
        return true;
    }
    introduce_device_to_slirp(c);
    forward_to_slirp(c, v);
    return true;
}

bool tcp_forward_from_slirp(tcp_forward *f, uint8_t *frame, size_t len)
{
    packet_view v;
    alias_slot *slot;
    netsim_conn *c;
    uint32_t seq_end;

    if (!packet_parse(&v, frame, len) || !v.is_ipv4 || !tcp_forward_is_alias(f, v.src_ip))
        return true; /* not ours: slirp's own traffic (ARP, refusals) */
    if (v.l4 != PACKET_L4_TCP)
        return false;
    slot = &f->slots[v.src_ip - f->env.alias_base];
    c = slot->conn;
    if (!c || v.dst_ip != c->device_ip || v.dst_port != c->device_port)
        return false; /* a stale socket's segment: aliases never show on the LAN */

    seq_end = v.tcp_seq + packet_tcp_seq_len(&v);
    if (v.tcp_flags & TCP_SYN) {
        if (!c->slirp_syn_seen) {
            c->slirp_syn_seen = true;
            c->slirp_snd_max = v.tcp_seq;
            c->device_ack = v.tcp_seq; /* nothing of ours acknowledged yet */
            c->released_end = v.tcp_seq + 1;
        }
    }
    if (SEQ_GT(seq_end, c->slirp_snd_max))
        c->slirp_snd_max = seq_end;
    if (v.tcp_flags & TCP_ACK) {
        c->slirp_window = v.tcp_window;
        if (c->device_fin && !c->device_fin_acked && SEQ_GEQ(v.tcp_ack, c->device_fin_seq + 1)) {
            c->device_fin_acked = true;
            announce_close(c, NETSIM_CLOSE_PEER_FIN);
            c->close_requested = true; /* the server answers EOF with its own close */
        }
    }
    if (v.tcp_flags & TCP_RST) {
        /* slirp dropped the connection (retransmissions exhausted, or it refused) */
        slot->conn = NULL;
        c->slot = NULL;
        end_conn(c, NETSIM_CLOSE_TIMEOUT);
    }
    memcpy(frame + ETH_ADDR_LEN, c->server_mac, ETH_ADDR_LEN);
    put_be32(frame + v.ip_offset + 12, c->server_ip);
    put_be16(frame + v.l4_offset, c->server_port);
    packet_fix_checksums(frame, v.ip_offset + v.ip_total_len);
    return true;
}

/* ---------------------------------------------------------------- server side */

/* Hand queued messages to slirp while each is sure to leave as one segment now. */
static bool release_messages(netsim_conn *c)
{
    tcp_forward *f = c->forward;
    bool progress = false;

    while (c->queue_head && c->slot && c->state == CONN_OPEN) {
        queued_message *m = c->queue_head;
        uint32_t in_flight = c->slirp_snd_max - c->device_ack;
        uint32_t window = c->device_window > in_flight ? c->device_window - in_flight : 0;
        size_t room = slirp_glue_forward_room(f->env.slirp, c->slot->addr,
                                              TCP_FORWARD_INTERNAL_PORT);
        size_t chunk;

        if (c->released_end != c->slirp_snd_max)
            break; /* slirp still holds bytes: wait for its window to open */
        /* a message bigger than any window the device has offered can never go whole; one
         * already partly sent (the window grew since) goes on in pieces */
        if (m->released == 0 && m->len <= c->mss && m->len <= c->device_max_window) {
            /* whole message in one segment: fits the peer's window, and slirp's congestion
             * window (at least one MSS) holds it with whatever is in flight */
            if (m->len > window || (in_flight && in_flight + m->len > c->mss) || room < m->len)
                break;
            chunk = m->len;
        } else {
            /* larger than a segment: it will be split anyway; send when the pipe is empty */
            if (in_flight)
                break;
            chunk = m->len - m->released;
            if (chunk > window)
                chunk = window;
            if (chunk > room)
                chunk = room;
            if (chunk == 0)
                break;
        }
        slirp_glue_forward_send(f->env.slirp, c->slot->addr, TCP_FORWARD_INTERNAL_PORT,
                                m->data + m->released, chunk);
        m->released += chunk;
        c->released_end += (uint32_t)chunk;
        c->queued_bytes -= chunk;
        progress = true;
        if (m->released == m->len) {
            c->queue_head = m->next;
            if (!c->queue_head)
                c->queue_tail = NULL;
            free(m);
        }
    }
    return progress;
}

/* Server-side close once every byte is acknowledged: slirp cannot send a FIN on a guest
 * forward, so we take the connection over (see the header). */
static bool maybe_take_over(netsim_conn *c)
{
    if (c->state != CONN_OPEN || !c->close_requested || c->queue_head || !c->slirp_syn_seen ||
        c->released_end != c->slirp_snd_max || c->device_ack != c->slirp_snd_max)
        return false;
    if (c->device_fin && !c->device_fin_acked)
        return false; /* let slirp acknowledge their FIN first */
    release_slirp_side(c);
    c->fin_seq = c->slirp_snd_max;
    c->fin_acked = false;
    c->fin_retries = 0;
    c->state = CONN_CLOSING;
    c->deadline_ns = now_ns(c->forward) + FIN_RTO_NS;
    send_to_device(c, c->fin_seq, c->device_next, TCP_FIN | TCP_ACK);
    return true;
}

static void rearm_timer(tcp_forward *f)
{
    uint64_t deadline = NETSIM_NO_DEADLINE;
    netsim_conn *c;
    for (c = f->conns; c; c = c->next) {
        if ((c->state == CONN_CLOSING || c->state == CONN_TIME_WAIT) && c->deadline_ns < deadline)
            deadline = c->deadline_ns;
    }
    if (deadline == NETSIM_NO_DEADLINE)
        f->env.host->timer_cancel(f->env.host->opaque, f->timer);
    else
        f->env.host->timer_mod(f->env.host->opaque, f->timer, deadline);
}

static void timer_fired(void *opaque)
{
    tcp_forward *f = opaque;
    uint64_t now = now_ns(f);
    netsim_conn *c;

    for (c = f->conns; c; c = c->next) {
        if ((c->state != CONN_CLOSING && c->state != CONN_TIME_WAIT) || c->deadline_ns > now)
            continue;
        if (c->state == CONN_TIME_WAIT || c->awaiting_peer_fin) {
            c->state = CONN_DEAD; /* TIME_WAIT over, or the device never sent its FIN */
        } else if (c->fin_retries >= FIN_MAX_RETRIES) {
            send_to_device(c, c->fin_seq + 1, c->device_next, TCP_RST | TCP_ACK);
            c->state = CONN_DEAD;
        } else {
            c->fin_retries++;
            c->deadline_ns = now + (FIN_RTO_NS << c->fin_retries);
            send_to_device(c, c->fin_seq, c->device_next, TCP_FIN | TCP_ACK);
        }
    }
    rearm_timer(f);
}

static bool deliver_events(netsim_conn *c)
{
    const netsim_stream_ops *ops = &c->listener->ops;
    bool progress = false;

    if (c->connect_pending) {
        c->connect_pending = false;
        c->user_open = true;
        ops->on_connect(ops->ctx, c);
        progress = true;
    }
    if (c->user_open && c->inbound_len && !c->user_closed) {
        /* hand over a private copy: the callback may send, which may grow inbound */
        size_t len = c->inbound_len;
        uint8_t *data = c->inbound;
        c->inbound = NULL;
        c->inbound_len = c->inbound_cap = 0;
        ops->on_data(ops->ctx, c, data, len);
        free(data);
        progress = true;
    } else if (c->user_closed) {
        c->inbound_len = 0;
    }
    if (c->user_open && c->close_pending) {
        c->user_open = false;
        c->close_pending = false;
        ops->on_close(ops->ctx, c, c->close_reason);
        progress = true;
    }
    return progress;
}

static void free_retired_listeners(tcp_forward *f)
{
    netsim_listener **link = &f->retired, *l;
    while ((l = *link) != NULL) {
        netsim_conn *c;
        bool referenced = false;
        for (c = f->conns; c; c = c->next)
            referenced |= c->listener == l;
        if (referenced) {
            link = &l->next;
        } else {
            *link = l->next;
            free(l);
        }
    }
}

bool tcp_forward_pump(tcp_forward *f)
{
    bool progress = false;
    netsim_conn *c, **link;

    for (c = f->conns; c; c = c->next) {
        if (deliver_events(c))
            progress = true;
        if (c->state == CONN_OPEN && release_messages(c))
            progress = true;
        if (maybe_take_over(c))
            progress = true;
    }
    /* free what is dead and told */
    f->conns_tail = NULL;
    for (link = &f->conns; (c = *link) != NULL;) {
        if (c->state == CONN_DEAD && !c->user_open && !c->connect_pending && !c->close_pending) {
            *link = c->next;
            if (c->slot)
                release_slirp_side(c);
            f->stats.closed++;
            free_conn(c);
            progress = true;
        } else {
            f->conns_tail = c;
            link = &c->next;
        }
    }
    free_retired_listeners(f);
    rearm_timer(f);
    return progress;
}

/* ---------------------------------------------------------------- public connection API */

int netsim_conn_send(netsim_conn *c, const uint8_t *data, size_t len)
{
    queued_message *m;
    if (!c || c->state != CONN_OPEN || c->close_requested || (!data && len))
        return -1;
    if (len == 0)
        return 0;
    m = malloc(sizeof(*m) + len);
    if (!m)
        return -1;
    m->next = NULL;
    m->len = len;
    m->released = 0;
    memcpy(m->data, data, len);
    if (c->queue_tail)
        c->queue_tail->next = m;
    else
        c->queue_head = m;
    c->queue_tail = m;
    c->queued_bytes += len;
    c->forward->env.enter(c->forward->env.ctx);
    c->forward->env.leave(c->forward->env.ctx);
    return 0;
}

void netsim_conn_close(netsim_conn *c)
{
    if (!c || c->close_requested || c->state == CONN_DEAD)
        return;
    c->forward->env.enter(c->forward->env.ctx);
    c->close_requested = true;
    c->user_closed = true;
    announce_close(c, NETSIM_CLOSE_LOCAL);
    if (c->state == CONN_HANDSHAKE) {
        release_slirp_side(c);
        c->state = CONN_DEAD;
    }
    c->forward->env.leave(c->forward->env.ctx);
}

void netsim_conn_abort(netsim_conn *c)
{
    if (!c || c->state == CONN_DEAD)
        return;
    c->forward->env.enter(c->forward->env.ctx);
    if (c->slot) {
        release_slirp_side(c);
        /* at slirp's send edge: what the device expects next once it has all our data */
        send_to_device(c, c->slirp_snd_max, c->device_next, TCP_RST | TCP_ACK);
    }
    c->user_closed = true;
    end_conn(c, NETSIM_CLOSE_ABORTED);
    c->forward->env.leave(c->forward->env.ctx);
}

void netsim_unlisten(netsim_listener *l)
{
    tcp_forward *f;
    netsim_conn *c;
    netsim_listener **link;
    if (!l || l->removed)
        return;
    f = l->forward;
    f->env.enter(f->env.ctx);
    for (c = f->conns; c; c = c->next) {
        if (c->listener != l || c->state == CONN_DEAD)
            continue;
        if (c->slot) {
            release_slirp_side(c);
            send_to_device(c, c->slirp_snd_max, c->device_next, TCP_RST | TCP_ACK);
        }
        end_conn(c, NETSIM_CLOSE_SHUTDOWN);
    }
    /* out of the lookup now; freed once its connections' on_close calls are made */
    for (link = &f->listeners; *link; link = &(*link)->next) {
        if (*link == l) {
            *link = l->next;
            break;
        }
    }
    l->removed = true;
    l->next = f->retired;
    f->retired = l;
    f->env.leave(f->env.ctx);
}

void netsim_conn_set_user(netsim_conn *c, void *user)
{
    if (c)
        c->user = user;
}

void *netsim_conn_user(const netsim_conn *c)
{
    return c ? c->user : NULL;
}

const char *netsim_conn_peer(const netsim_conn *c)
{
    return c ? c->peer : "";
}

uint64_t netsim_conn_id(const netsim_conn *c)
{
    return c ? c->id : 0;
}

size_t netsim_conn_pending(const netsim_conn *c)
{
    return c ? c->queued_bytes : 0;
}
