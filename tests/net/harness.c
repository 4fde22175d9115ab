#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct htimer {
    struct htimer *next;
    netsim_timer_cb cb;
    void *opaque;
    uint64_t deadline;
    uint64_t seq; /* arming order breaks deadline ties */
    bool armed;
} htimer;

static uint64_t h_now(void *opaque)
{
    return ((harness *)opaque)->now;
}

static void *h_timer_new(void *opaque, netsim_timer_cb cb, void *cb_opaque)
{
    harness *h = opaque;
    htimer *t = calloc(1, sizeof(*t));
    ck_assert_ptr_nonnull(t);
    t->cb = cb;
    t->opaque = cb_opaque;
    t->next = h->timers;
    h->timers = t;
    h->live_timers++;
    return t;
}

static void h_timer_mod(void *opaque, void *timer, uint64_t deadline)
{
    harness *h = opaque;
    htimer *t = timer;
    t->deadline = deadline;
    t->armed = true;
    t->seq = h->timer_seq++;
}

static void h_timer_cancel(void *opaque, void *timer)
{
    ((htimer *)timer)->armed = false;
}

static void h_timer_free(void *opaque, void *timer)
{
    harness *h = opaque;
    htimer **link;
    for (link = &h->timers; *link; link = &(*link)->next) {
        if (*link == timer) {
            *link = ((htimer *)timer)->next;
            free(timer);
            h->live_timers--;
            return;
        }
    }
    ck_abort_msg("timer_free of an unknown timer");
}

static void h_frame_to_device(void *opaque, const uint8_t *frame, size_t len)
{
    harness *h = opaque;
    rx_frame *f;
    ck_assert_uint_le(len, TF_MAX);
    ck_assert_uint_lt(h->rx_count, HARNESS_MAX_RX);
    f = &h->rx[(h->rx_head + h->rx_count) % HARNESS_MAX_RX];
    memcpy(f->data, frame, len);
    f->len = len;
    f->time_ns = h->now;
    h->rx_count++;
    if (h->on_rx)
        h->on_rx(h, f);
}

static void h_log(void *opaque, const char *message)
{
    harness *h = opaque;
    h->log_lines++;
    if (getenv("NETSIM_TEST_LOG"))
        fprintf(stderr, "[%llu] %s\n", (unsigned long long)h->now, message);
}

harness *harness_new(const netsim_config *config)
{
    netsim_config def;
    char error[256] = "";
    harness *h = calloc(1, sizeof(*h));
    ck_assert_ptr_nonnull(h);
    h->rx = calloc(HARNESS_MAX_RX, sizeof(*h->rx));
    ck_assert_ptr_nonnull(h->rx);
    h->ops.opaque = h;
    h->ops.now_ns = h_now;
    h->ops.timer_new = h_timer_new;
    h->ops.timer_mod = h_timer_mod;
    h->ops.timer_cancel = h_timer_cancel;
    h->ops.timer_free = h_timer_free;
    h->ops.frame_to_device = h_frame_to_device;
    h->ops.log = h_log;
    if (!config) {
        netsim_config_default(&def);
        config = &def;
    }
    h->net = netsim_new(config, &h->ops, error, sizeof(error));
    ck_assert_msg(h->net != NULL, "netsim_new: %s", error);
    return h;
}

void harness_free(harness *h)
{
    netsim_free(h->net);
    ck_assert_uint_eq(h->live_timers, 0); /* every timer the netsim made was freed */
    free(h->rx);
    free(h);
}

void harness_advance(harness *h, uint64_t ns)
{
    uint64_t target = h->now + ns;
    for (;;) {
        htimer *t, *due = NULL;
        for (t = h->timers; t; t = t->next) {
            if (t->armed && t->deadline <= target &&
                (!due || t->deadline < due->deadline ||
                 (t->deadline == due->deadline && t->seq < due->seq)))
                due = t;
        }
        if (!due)
            break;
        if (due->deadline > h->now)
            h->now = due->deadline;
        due->armed = false;
        due->cb(due->opaque);
    }
    h->now = target;
}

void harness_send(harness *h, const uint8_t *frame, size_t len)
{
    netsim_frame_from_device(h->net, frame, len);
}

rx_frame *harness_rx(harness *h)
{
    rx_frame *f;
    if (!h->rx_count)
        return NULL;
    f = &h->rx[h->rx_head];
    h->rx_head = (h->rx_head + 1) % HARNESS_MAX_RX;
    h->rx_count--;
    return f;
}

size_t harness_rx_pending(const harness *h)
{
    return h->rx_count;
}

void harness_rx_clear(harness *h)
{
    h->rx_count = 0;
}

/* ---- recording server ---- */

static void record(harness *h, server_event_kind kind, netsim_conn *conn, size_t len,
                   netsim_close_reason reason)
{
    ck_assert_uint_lt(h->event_count, HARNESS_MAX_EVENTS);
    h->events[h->event_count].kind = kind;
    h->events[h->event_count].conn = conn;
    h->events[h->event_count].len = len;
    h->events[h->event_count].reason = reason;
    h->event_count++;
}

static void srv_connect(void *ctx, netsim_conn *conn)
{
    harness *h = ctx;
    record(h, EV_CONNECT, conn, 0, 0);
    h->conn = conn;
    if (h->greeting)
        ck_assert_int_eq(netsim_conn_send(conn, h->greeting, h->greeting_len), 0);
}

static void srv_data(void *ctx, netsim_conn *conn, const uint8_t *data, size_t len)
{
    harness *h = ctx;
    record(h, EV_DATA, conn, len, 0);
    ck_assert_uint_le(h->received_len + len, sizeof(h->received));
    memcpy(h->received + h->received_len, data, len);
    h->received_len += len;
    if (h->close_on_data)
        netsim_conn_close(conn);
}

static void srv_close(void *ctx, netsim_conn *conn, netsim_close_reason reason)
{
    harness *h = ctx;
    record(h, EV_CLOSE, conn, 0, reason);
    if (h->conn == conn)
        h->conn = NULL;
}

void harness_listen_at(harness *h, uint32_t addr, uint16_t port)
{
    netsim_stream_ops ops = {h, srv_connect, srv_data, srv_close};
    h->listener = netsim_listen(h->net, addr, port, &ops);
    ck_assert_ptr_nonnull(h->listener);
}

void harness_listen(harness *h)
{
    harness_listen_at(h, A4(52, 0, 0, 10), NETSIM_CLOUD_PORT);
}

size_t harness_count_events(const harness *h, server_event_kind kind)
{
    size_t i, n = 0;
    for (i = 0; i < h->event_count; i++)
        n += h->events[i].kind == kind;
    return n;
}

/* ---- bring-up ---- */

static bool next_udp(harness *h, uint16_t dport, tf_parsed *p)
{
    rx_frame *f;
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, p) && p->ipv4 && p->proto == 17 && p->dport == dport)
            return true;
    }
    return false;
}

uint32_t harness_dhcp(harness *h)
{
    uint8_t msg[600], frame[TF_MAX];
    size_t len;
    tf_parsed p;
    const uint8_t *v;
    uint8_t vlen;
    uint32_t offered, server;

    /* the Photon's gratuitous ARP from 0.0.0.0 before DISCOVER */
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, 0, NULL, 0));
    len = tf_dhcp(msg, 1, 0x2A, TF_DEVICE_MAC, 0, 0, 0, false);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_BROADCAST, 0, 0xFFFFFFFF, 68, 67, msg, len));
    harness_advance(h, MS(1));
    ck_assert_msg(next_udp(h, 68, &p), "no DHCP OFFER");
    offered = tf_be32(p.payload + 16);
    ck_assert(tf_dhcp_option(p.payload, p.payload_len, 54, &v, &vlen));
    server = tf_be32(v);
    len = tf_dhcp(msg, 3, 0x2A, TF_DEVICE_MAC, 0, offered, server, false);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_BROADCAST, 0, 0xFFFFFFFF, 68, 67, msg, len));
    harness_advance(h, MS(1));
    ck_assert_msg(next_udp(h, 68, &p), "no DHCP ACK");
    ck_assert(tf_dhcp_option(p.payload, p.payload_len, 53, &v, &vlen));
    ck_assert_uint_eq(v[0], 5);
    h->device_ip = offered;
    /* ARP for the gateway (router option) */
    ck_assert(tf_dhcp_option(p.payload, p.payload_len, 3, &v, &vlen));
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, offered, NULL, tf_be32(v)));
    harness_advance(h, MS(1));
    harness_rx_clear(h);
    return offered;
}

/* ---- TCP client ---- */

void tcp_client_init(tcp_client *c, harness *h, uint32_t dst_ip, uint16_t dport, uint16_t sport,
                     uint32_t isn)
{
    memset(c, 0, sizeof(*c));
    c->h = h;
    c->dst_ip = dst_ip;
    c->dport = dport;
    c->sport = sport;
    c->snd_next = isn;
    c->window = 5840; /* 4 x 1460, lwIP's TCP_WND on WICED */
    memcpy(c->dst_mac, TF_GATEWAY_MAC, 6);
}

void tcp_client_send(tcp_client *c, uint8_t flags, const uint8_t *data, size_t len, uint16_t mss)
{
    uint8_t frame[TF_MAX];
    size_t n = tf_tcp(frame, TF_DEVICE_MAC, c->dst_mac, c->h->device_ip, c->dst_ip, c->sport,
                      c->dport, c->snd_next, (flags & TF_ACK) ? c->rcv_next : 0, flags, c->window,
                      mss, data, len);
    harness_send(c->h, frame, n);
    c->snd_next += (uint32_t)len + ((flags & TF_SYN) ? 1 : 0) + ((flags & TF_FIN) ? 1 : 0);
}

bool tcp_client_next(tcp_client *c, tf_parsed *p, rx_frame **frame)
{
    rx_frame *f;
    while ((f = harness_rx(c->h)) != NULL) {
        if (!tf_parse(f->data, f->len, p) || !p->ipv4 || p->proto != 6 || p->dport != c->sport ||
            p->sport != c->dport || p->src_ip != c->dst_ip)
            continue;
        if (p->flags & TF_SYN)
            c->rcv_next = p->seq + 1;
        if (p->payload_len && p->seq == c->rcv_next)
            c->rcv_next += (uint32_t)p->payload_len;
        if ((p->flags & TF_FIN) && p->seq + p->payload_len == c->rcv_next)
            c->rcv_next++;
        if (frame)
            *frame = f;
        return true;
    }
    return false;
}

bool tcp_client_connect(tcp_client *c, uint16_t mss)
{
    tf_parsed p;
    tcp_client_send(c, TF_SYN, NULL, 0, mss);
    harness_advance(c->h, MS(1));
    if (!tcp_client_next(c, &p, NULL) || p.flags != (TF_SYN | TF_ACK) || p.ack != c->snd_next)
        return false;
    tcp_client_send(c, TF_ACK, NULL, 0, 0);
    return true;
}
