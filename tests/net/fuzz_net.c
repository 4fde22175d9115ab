/*
 * libFuzzer target for the whole netsim: arbitrary frames from the device (optionally with
 * their checksums made valid, so the fuzzer gets past them into DHCP, DNS, the TCP forward
 * and slirp), interleaved with virtual time, fault rules and server actions.
 *
 * Input: a sequence of records  op(1) len(2, little-endian) bytes(len)
 *   op % 8: 0 raw frame, 1 frame with checksums fixed, 2 advance bytes[0]*7 ms,
 *           3 rule text, 4 server send, 5 server close, 6 server abort, 7 clear rules.
 *
 * Run (meson -Dfuzz=true with CC=clang):
 *   tests/net/make_fuzz_seeds.py /tmp/seeds
 *   mkdir -p /tmp/corpus && build/tests/net/fuzz_net -max_len=4096 /tmp/corpus /tmp/seeds/net
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_rules.h"
#include "ipv4_addr.h"
#include "netsim.h"
#include "packet.h"

typedef struct ftimer {
    struct ftimer *next;
    netsim_timer_cb cb;
    void *opaque;
    uint64_t deadline;
    uint64_t seq;
    int armed;
} ftimer;

typedef struct fuzz_host {
    uint64_t now, seq;
    ftimer *timers;
    netsim_conn *conn;
    size_t frames_out;
} fuzz_host;

static uint64_t f_now(void *o)
{
    return ((fuzz_host *)o)->now;
}

static void *f_timer_new(void *o, netsim_timer_cb cb, void *cb_opaque)
{
    fuzz_host *h = o;
    ftimer *t = calloc(1, sizeof(*t));
    if (!t)
        abort();
    t->cb = cb;
    t->opaque = cb_opaque;
    t->next = h->timers;
    h->timers = t;
    return t;
}

static void f_timer_mod(void *o, void *timer, uint64_t deadline)
{
    fuzz_host *h = o;
    ftimer *t = timer;
    t->deadline = deadline;
    t->armed = 1;
    t->seq = h->seq++;
}

static void f_timer_cancel(void *o, void *timer)
{
    ((ftimer *)timer)->armed = 0;
}

static void f_timer_free(void *o, void *timer)
{
    fuzz_host *h = o;
    ftimer **link;
    for (link = &h->timers; *link; link = &(*link)->next) {
        if (*link == timer) {
            *link = ((ftimer *)timer)->next;
            free(timer);
            return;
        }
    }
    abort(); /* freeing a timer we never made */
}

static void f_frame_to_device(void *o, const uint8_t *frame, size_t len)
{
    fuzz_host *h = o;
    packet_view v;
    if (len > ETH_MAX_FRAME || len < ETH_HEADER_LEN)
        abort(); /* the netsim must never emit a runt or an oversized frame */
    packet_parse(&v, frame, len);
    h->frames_out++;
}

static void advance(fuzz_host *h, uint64_t ns)
{
    uint64_t target = h->now + ns;
    unsigned guard = 0;
    for (;;) {
        ftimer *t, *due = NULL;
        for (t = h->timers; t; t = t->next) {
            if (t->armed && t->deadline <= target &&
                (!due || t->deadline < due->deadline ||
                 (t->deadline == due->deadline && t->seq < due->seq)))
                due = t;
        }
        if (!due || ++guard > 100000)
            break;
        if (due->deadline > h->now)
            h->now = due->deadline;
        due->armed = 0;
        due->cb(due->opaque);
    }
    h->now = target;
}

static void on_connect(void *ctx, netsim_conn *conn)
{
    fuzz_host *h = ctx;
    static const uint8_t nonce[40] = {0x40};
    h->conn = conn;
    if (getenv("FUZZ_NET_VERBOSE"))
        fprintf(stderr, "connect %s\n", netsim_conn_peer(conn));
    netsim_conn_send(conn, nonce, sizeof(nonce));
}

static void on_data(void *ctx, netsim_conn *conn, const uint8_t *data, size_t len)
{
    if (getenv("FUZZ_NET_VERBOSE"))
        fprintf(stderr, "data %zu\n", len);
    /* echo the first bytes back, as a chatty server would */
    netsim_conn_send(conn, data, len > 64 ? 64 : len);
}

static void on_close(void *ctx, netsim_conn *conn, netsim_close_reason reason)
{
    fuzz_host *h = ctx;
    if (getenv("FUZZ_NET_VERBOSE"))
        fprintf(stderr, "close %s reason %d\n", netsim_conn_peer(conn), (int)reason);
    if (h->conn == conn)
        h->conn = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_host host;
    netsim_host_ops ops;
    netsim_config cfg;
    netsim *net;
    netsim_stream_ops stream = {&host, on_connect, on_data, on_close};
    size_t pos = 0;
    char err[128];

    memset(&host, 0, sizeof(host));
    memset(&ops, 0, sizeof(ops));
    ops.opaque = &host;
    ops.now_ns = f_now;
    ops.timer_new = f_timer_new;
    ops.timer_mod = f_timer_mod;
    ops.timer_cancel = f_timer_cancel;
    ops.timer_free = f_timer_free;
    ops.frame_to_device = f_frame_to_device;
    netsim_config_default(&cfg);
    cfg.seed = 5;
    net = netsim_new(&cfg, &ops, err, sizeof(err));
    if (!net)
        abort();
    if (!netsim_listen(net, IPV4(52, 0, 0, 10), NETSIM_CLOUD_PORT, &stream))
        abort();

    while (pos + 3 <= size) {
        uint8_t op = data[pos];
        size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
        const uint8_t *arg = data + pos + 3;
        size_t n = size - pos - 3 < len ? size - pos - 3 : len;
        pos += 3 + n;
        switch (op % 8) {
        case 0:
            netsim_frame_from_device(net, arg, n);
            break;
        case 1: {
            uint8_t frame[ETH_MAX_FRAME];
            if (n > sizeof(frame))
                n = sizeof(frame);
            memcpy(frame, arg, n);
            packet_fix_checksums(frame, n);
            netsim_frame_from_device(net, frame, n);
            break;
        }
        case 2:
            advance(&host, (uint64_t)(n ? arg[0] : 0) * 7000000ull + 1);
            break;
        case 3: {
            char text[256];
            if (n > sizeof(text) - 1)
                n = sizeof(text) - 1;
            memcpy(text, arg, n);
            text[n] = '\0';
            fault_rules_add_text(netsim_rules(net), text, NULL, 0);
            break;
        }
        case 4:
            if (host.conn)
                netsim_conn_send(host.conn, arg, n);
            break;
        case 5:
            if (host.conn)
                netsim_conn_close(host.conn);
            break;
        case 6:
            if (host.conn)
                netsim_conn_abort(host.conn);
            break;
        case 7:
            fault_rules_clear(netsim_rules(net));
            break;
        }
    }
    advance(&host, 30000000000ull); /* let every timer run out */
    netsim_free(net);
    if (host.timers)
        abort(); /* a timer leaked */
    return 0;
}
