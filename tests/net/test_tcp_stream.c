/* The cloud's TCP port: connection life cycle, one message per segment, firewall cases. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CLOUD A4(52, 0, 0, 10)

static uint8_t nonce[40];

static harness *cloud_harness(void)
{
    harness *h = harness_new(NULL);
    size_t i;
    for (i = 0; i < sizeof(nonce); i++)
        nonce[i] = (uint8_t)(0xA0 + i);
    harness_dhcp(h);
    harness_listen(h);
    h->greeting = nonce;
    h->greeting_len = sizeof(nonce);
    return h;
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
    size_t i;
    for (i = 0; i < len; i++)
        buf[i] = (uint8_t)(seed + i * 7);
}

START_TEST(connect_exchange_and_device_close)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    uint8_t blob[256], reply[384];

    tcp_client_init(&c, h, CLOUD, 5683, 49152, 1000);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(1));
    ck_assert(tcp_client_next(&c, &p, NULL));
    /* the SYN-ACK comes from the public address, not slirp's forward alias */
    ck_assert_uint_eq(p.flags, TF_SYN | TF_ACK);
    ck_assert_uint_eq(p.src_ip, CLOUD);
    ck_assert_uint_eq(p.sport, 5683);
    ck_assert_uint_eq(p.ack, 1001);
    ck_assert_uint_gt(p.mss, 0);
    ck_assert(p.l4_checksum_ok && p.ip_checksum_ok);
    ck_assert_mem_eq(p.src_mac, TF_GATEWAY_MAC, 6);
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 0); /* not before the ACK */

    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 1);
    ck_assert_str_eq(netsim_conn_peer(h->conn), "192.168.1.100:49152");
    /* the nonce, sent from on_connect, is one segment of 40 bytes */
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 40);
    ck_assert_mem_eq(p.payload, nonce, 40);

    /* the device's 256 bytes, in two segments, arrive in order */
    fill(blob, sizeof(blob), 3);
    tcp_client_send(&c, TF_ACK | TF_PSH, blob, 100, 0);
    tcp_client_send(&c, TF_ACK | TF_PSH, blob + 100, 156, 0);
    harness_advance(h, MS(1));
    ck_assert_uint_eq(h->received_len, 256);
    ck_assert_mem_eq(h->received, blob, 256);

    /* the server's 384 bytes: one segment */
    fill(reply, sizeof(reply), 9);
    ck_assert_int_eq(netsim_conn_send(h->conn, reply, sizeof(reply)), 0);
    ck_assert(tcp_client_next(&c, &p, NULL));
    while (p.payload_len == 0) /* skip slirp's pure ACKs of our data */
        ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 384);
    ck_assert_mem_eq(p.payload, reply, 384);
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);

    /* the device closes: the server hears it, the netsim finishes the close */
    tcp_client_send(&c, TF_FIN | TF_ACK, NULL, 0, 0);
    harness_advance(h, MS(10));
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    ck_assert_int_eq(h->events[h->event_count - 1].reason, NETSIM_CLOSE_PEER_FIN);
    {
        bool fin_acked = false, fin_seen = false;
        while (tcp_client_next(&c, &p, NULL)) {
            if ((p.flags & TF_ACK) && p.ack == c.snd_next)
                fin_acked = true;
            if (p.flags & TF_FIN)
                fin_seen = true;
        }
        ck_assert(fin_acked);
        ck_assert(fin_seen);
    }
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    harness_advance(h, MS(20000));
    ck_assert_uint_eq(netsim_get_stats(h->net)->conns_opened, 1);
    ck_assert_uint_eq(netsim_get_stats(h->net)->conns_closed, 1);
    harness_free(h);
}
END_TEST

/* Back-to-back messages each leave as their own segment, whole. */
START_TEST(each_message_is_one_segment)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    uint8_t m1[300], m2[300], m3[18];
    size_t sizes[3] = {sizeof(m1), sizeof(m2), sizeof(m3)}, got = 0;

    tcp_client_init(&c, h, CLOUD, 5683, 49153, 5000);
    ck_assert(tcp_client_connect(&c, 536)); /* a small MSS: 300 + 300 does not fit */
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 40);
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);

    fill(m1, sizeof(m1), 1);
    fill(m2, sizeof(m2), 2);
    fill(m3, sizeof(m3), 3);
    netsim_conn_send(h->conn, m1, sizeof(m1));
    netsim_conn_send(h->conn, m2, sizeof(m2));
    netsim_conn_send(h->conn, m3, sizeof(m3));
    /* the first goes at once; the second would not fit one MSS with the first in flight */
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, sizes[got++]);
    ck_assert(!tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(netsim_conn_pending(h->conn), 318);
    /* the device acknowledges: the rest flow, one message per segment */
    while (got < 3) {
        tcp_client_send(&c, TF_ACK, NULL, 0, 0);
        harness_advance(h, MS(1));
        while (tcp_client_next(&c, &p, NULL)) {
            if (!p.payload_len)
                continue;
            ck_assert_uint_lt(got, 3);
            ck_assert_uint_eq(p.payload_len, sizes[got]);
            ck_assert_mem_eq(p.payload, got == 1 ? m2 : m3, sizes[got]);
            got++;
        }
    }
    ck_assert_uint_eq(netsim_conn_pending(h->conn), 0);
    harness_free(h);
}
END_TEST

/* A message that does not fit the device's window waits for it instead of being split. */
START_TEST(a_message_waits_for_the_window)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    uint8_t big[1000];

    tcp_client_init(&c, h, CLOUD, 5683, 49154, 7000);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, NULL)); /* nonce */
    c.window = 500; /* the application stopped reading: the window shrinks */
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    fill(big, sizeof(big), 5);
    netsim_conn_send(h->conn, big, sizeof(big));
    harness_advance(h, MS(100));
    while (tcp_client_next(&c, &p, NULL))
        ck_assert_uint_eq(p.payload_len, 0);
    c.window = 5840; /* window update */
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    harness_advance(h, MS(1));
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 1000);
    ck_assert_mem_eq(p.payload, big, 1000);
    harness_free(h);
}
END_TEST

/* A device whose window never reaches the message size still gets it (split, as any TCP
 * would have to), instead of waiting forever. */
START_TEST(a_message_larger_than_any_window_is_not_stuck)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    uint8_t big[1200];
    size_t got = 0;
    unsigned rounds;

    tcp_client_init(&c, h, CLOUD, 5683, 49171, 1);
    c.window = 1000;
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, NULL)); /* nonce */
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    fill(big, sizeof(big), 8);
    netsim_conn_send(h->conn, big, sizeof(big));
    for (rounds = 0; rounds < 10 && got < sizeof(big); rounds++) {
        harness_advance(h, MS(10));
        while (tcp_client_next(&c, &p, NULL)) {
            ck_assert_uint_le(got + p.payload_len, sizeof(big));
            ck_assert_mem_eq(p.payload, big + got, p.payload_len);
            got += p.payload_len;
        }
        c.window = 5840; /* the window grows after the first piece: the rest follows on */
        tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    }
    ck_assert_uint_eq(got, sizeof(big));
    ck_assert_uint_gt(rounds, 1); /* it did go in pieces */
    /* and a later message that fits goes whole */
    netsim_conn_send(h->conn, big, 700);
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 700);
    harness_free(h);
}
END_TEST

/* A server on the LAN itself (a local cloud at 192.168.1.10): ARP is answered for it and
 * the device reaches it directly, not through the router. */
START_TEST(a_server_on_the_lan)
{
    harness *h = harness_new(NULL);
    uint8_t frame[TF_MAX], server_mac[6] = {0};
    static const uint8_t expected_mac[6] = {0x52, 0x55, 192, 168, 1, 10};
    rx_frame *f;
    tf_parsed p;
    tcp_client c;

    harness_dhcp(h);
    harness_listen_at(h, A4(192, 168, 1, 10), 5683);
    h->greeting = nonce;
    h->greeting_len = sizeof(nonce);
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, h->device_ip, NULL,
                                  A4(192, 168, 1, 10)));
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, &p) && p.arp_op == 2 && p.arp_sender_ip == A4(192, 168, 1, 10))
            memcpy(server_mac, p.arp_sender_mac, 6);
    }
    ck_assert_mem_eq(server_mac, expected_mac, 6);
    tcp_client_init(&c, h, A4(192, 168, 1, 10), 5683, 49172, 1);
    memcpy(c.dst_mac, server_mac, 6);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, &f));
    ck_assert_uint_eq(p.payload_len, 40);
    ck_assert_mem_eq(p.src_mac, expected_mac, 6); /* from the server's own MAC */
    ck_assert_uint_eq(p.src_ip, A4(192, 168, 1, 10));
    harness_free(h);
}
END_TEST

/* A listener on address 0 serves that port on every address beyond the router: the DCT's
 * server address block may point anywhere (10.0.2.2:5684 in the probe). */
START_TEST(a_wildcard_listener_serves_any_internet_address)
{
    harness *h = harness_new(NULL);
    tcp_client c;
    tf_parsed p;
    harness_dhcp(h);
    harness_listen_at(h, 0, 5684);
    tcp_client_init(&c, h, A4(10, 0, 2, 2), 5684, 49173, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 1);
    netsim_conn_send(h->conn, (const uint8_t *)"hi", 2);
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.src_ip, A4(10, 0, 2, 2));
    ck_assert_uint_eq(p.sport, 5684);
    ck_assert_uint_eq(p.payload_len, 2);
    harness_free(h);
}
END_TEST

static void ignore_connect(void *ctx, netsim_conn *conn) {}
static void ignore_data(void *ctx, netsim_conn *conn, const uint8_t *d, size_t n) {}
static void ignore_close(void *ctx, netsim_conn *conn, netsim_close_reason r) {}

/* The router's internal forward addresses are not reachable from the LAN. */
START_TEST(forward_aliases_are_not_routable)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    uint64_t no_route = netsim_get_stats(h->net)->no_route;
    tcp_client_init(&c, h, A4(192, 168, 0, 239), 5683, 49174, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(100));
    ck_assert(!tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(netsim_get_stats(h->net)->no_route, no_route + 1);
    {
        netsim_stream_ops ops = {h, ignore_connect, ignore_data, ignore_close};
        ck_assert_ptr_null(netsim_listen(h->net, A4(192, 168, 0, 250), 80, &ops));
        ck_assert_ptr_nonnull(netsim_listen(h->net, A4(192, 168, 0, 10), 80, &ops));
        ck_assert_ptr_null(netsim_listen(h->net, A4(192, 168, 0, 10), 80, &ops)); /* taken */
    }
    harness_free(h);
}
END_TEST

START_TEST(server_close_sends_fin_after_the_data)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    uint8_t last[50];
    uint32_t fin_seq = 0;
    bool data = false, fin = false;

    tcp_client_init(&c, h, CLOUD, 5683, 49155, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, NULL)); /* nonce, not acknowledged yet */
    fill(last, sizeof(last), 4);
    netsim_conn_send(h->conn, last, sizeof(last));
    netsim_conn_close(h->conn);
    /* on_close comes before netsim_conn_close returns */
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    ck_assert_int_eq(h->events[h->event_count - 1].reason, NETSIM_CLOSE_LOCAL);
    /* no FIN while data is unacknowledged */
    while (tcp_client_next(&c, &p, NULL)) {
        ck_assert(!(p.flags & TF_FIN));
        if (p.payload_len == 50)
            data = true;
    }
    ck_assert(data);
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    harness_advance(h, MS(1));
    while (tcp_client_next(&c, &p, NULL)) {
        if (p.flags & TF_FIN) {
            fin = true;
            fin_seq = p.seq;
            ck_assert_uint_eq(p.ack, c.snd_next);
            ck_assert_uint_eq(p.src_ip, CLOUD);
        }
    }
    ck_assert(fin);
    /* the device acknowledges and closes its side; the netsim acknowledges its FIN */
    tcp_client_send(&c, TF_ACK | TF_FIN, NULL, 0, 0);
    harness_advance(h, MS(1));
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.flags, TF_ACK);
    ck_assert_uint_eq(p.seq, fin_seq + 1);
    ck_assert_uint_eq(p.ack, c.snd_next);
    harness_advance(h, MS(20000));
    ck_assert_uint_eq(netsim_get_stats(h->net)->conns_closed, 1);
    harness_free(h);
}
END_TEST

START_TEST(our_fin_is_retransmitted_until_acknowledged)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    unsigned fins = 0;

    h->greeting = NULL;
    tcp_client_init(&c, h, CLOUD, 5683, 49156, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    netsim_conn_close(h->conn);
    harness_advance(h, MS(3500)); /* at 0, +1 s, +3 s: the timeout doubles */
    while (tcp_client_next(&c, &p, NULL))
        fins += (p.flags & TF_FIN) != 0;
    ck_assert_uint_eq(fins, 3);
    harness_advance(h, MS(4000)); /* +7 s */
    while (tcp_client_next(&c, &p, NULL))
        fins += (p.flags & TF_FIN) != 0;
    ck_assert_uint_eq(fins, 4);
    /* the device finally acknowledges: no more retransmissions */
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    harness_advance(h, MS(30000));
    ck_assert(!tcp_client_next(&c, &p, NULL));
    harness_free(h);
}
END_TEST

START_TEST(device_reset_closes_the_stream)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    tcp_client_init(&c, h, CLOUD, 5683, 49157, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, NULL));
    tcp_client_send(&c, TF_RST | TF_ACK, NULL, 0, 0);
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    ck_assert_int_eq(h->events[h->event_count - 1].reason, NETSIM_CLOSE_PEER_RESET);
    harness_advance(h, MS(10));
    ck_assert_uint_eq(netsim_get_stats(h->net)->conns_closed, 1);
    /* later segments of that connection are refused */
    tcp_client_send(&c, TF_ACK, (const uint8_t *)"late", 4, 0);
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert(p.flags & TF_RST);
    harness_free(h);
}
END_TEST

START_TEST(abort_resets_the_device)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    bool rst = false;
    tcp_client_init(&c, h, CLOUD, 5683, 49158, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, NULL));
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    netsim_conn_abort(h->conn);
    ck_assert_int_eq(h->events[h->event_count - 1].reason, NETSIM_CLOSE_ABORTED);
    while (tcp_client_next(&c, &p, NULL)) {
        if (p.flags & TF_RST) {
            rst = true;
            ck_assert_uint_eq(p.seq, c.rcv_next); /* in the device's window */
        }
    }
    ck_assert(rst);
    harness_free(h);
}
END_TEST

START_TEST(reconnects_get_fresh_connections)
{
    harness *h = cloud_harness();
    unsigned i;
    /* more connections in a row than the netsim has forward aliases */
    for (i = 0; i < 40; i++) {
        tcp_client c;
        tf_parsed p;
        tcp_client_init(&c, h, CLOUD, 5683, (uint16_t)(50000 + i), 100 * i);
        ck_assert_msg(tcp_client_connect(&c, 1460), "connect %u", i);
        ck_assert(tcp_client_next(&c, &p, NULL));
        ck_assert_uint_eq(p.payload_len, 40);
        tcp_client_send(&c, TF_ACK | TF_FIN, NULL, 0, 0);
        harness_advance(h, MS(5));
        while (tcp_client_next(&c, &p, NULL))
            ;
        tcp_client_send(&c, TF_ACK, NULL, 0, 0);
        harness_advance(h, MS(1000));
    }
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 40);
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 40);
    harness_free(h);
}
END_TEST

/* Devices that reset without closing leave connections behind; when every forward alias
 * is taken, the longest-silent connection makes room instead of the new SYN being lost. */
START_TEST(abandoned_connections_make_room)
{
    harness *h = cloud_harness();
    unsigned i;
    for (i = 0; i < 33; i++) {
        tcp_client c;
        tf_parsed p;
        tcp_client_init(&c, h, CLOUD, 5683, (uint16_t)(40000 + i), 1000 * i);
        ck_assert_msg(tcp_client_connect(&c, 1460), "connect %u", i);
        ck_assert(tcp_client_next(&c, &p, NULL));
        tcp_client_send(&c, TF_ACK, NULL, 0, 0);
        harness_advance(h, MS(10));
        harness_rx_clear(h);
    }
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 33);
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    ck_assert_int_eq(h->events[h->event_count - 2].kind, EV_CLOSE);
    ck_assert_int_eq(h->events[h->event_count - 2].reason, NETSIM_CLOSE_TIMEOUT);
    ck_assert_ptr_eq(h->events[h->event_count - 2].conn, h->events[0].conn); /* the first */
    harness_free(h);
}
END_TEST

/* A device that never ARPed for the router (a static ARP entry, or a fault rule ate its
 * request) still gets its SYN-ACK at once: the router learns its MAC from the SYN.  (This
 * also keeps libslirp from queueing segments, which its cleanup would leak: run the suite
 * under ASan to see that.) */
START_TEST(connect_without_arp_first)
{
    netsim_config cfg;
    harness *h;
    tcp_client c;
    tf_parsed p;
    unsigned i;
    netsim_config_default(&cfg);
    cfg.dhcp_enabled = false;
    h = harness_new(&cfg);
    h->device_ip = A4(192, 168, 1, 50);
    harness_listen(h);
    tcp_client_init(&c, h, CLOUD, 5683, 49175, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    for (i = 0; i < 4; i++) /* unacknowledged server data in flight at teardown */
        netsim_conn_send(h->conn, (const uint8_t *)"0123456789", 10);
    while (tcp_client_next(&c, &p, NULL))
        ck_assert_uint_ne(p.ethertype, 0x0806);
    harness_free(h);
}
END_TEST

START_TEST(same_ports_new_syn_replaces_the_old_connection)
{
    harness *h = cloud_harness();
    tcp_client a, b;
    tf_parsed p;
    tcp_client_init(&a, h, CLOUD, 5683, 49159, 1);
    ck_assert(tcp_client_connect(&a, 1460));
    harness_rx_clear(h); /* a's nonce */
    /* the device rebooted: same port, new ISN */
    tcp_client_init(&b, h, CLOUD, 5683, 49159, 900000);
    ck_assert(tcp_client_connect(&b, 1460));
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 2);
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    ck_assert_int_eq(h->events[1].kind, EV_CLOSE);
    ck_assert_int_eq(h->events[1].reason, NETSIM_CLOSE_REPLACED);
    ck_assert(tcp_client_next(&b, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 40);
    harness_free(h);
}
END_TEST

START_TEST(closed_port_refuses_and_filtered_port_is_silent)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;

    netsim_listener_set_state(h->listener, NETSIM_PORT_CLOSED);
    tcp_client_init(&c, h, CLOUD, 5683, 49160, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.flags, TF_RST | TF_ACK);
    ck_assert_uint_eq(p.ack, 2);
    ck_assert_uint_eq(netsim_get_stats(h->net)->tcp_refused, 1);

    netsim_listener_set_state(h->listener, NETSIM_PORT_FILTERED);
    tcp_client_init(&c, h, CLOUD, 5683, 49161, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(3000));
    ck_assert(!tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(netsim_get_stats(h->net)->tcp_filtered, 1);
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 0);
    harness_free(h);
}
END_TEST

START_TEST(tcp_to_unserved_ports_is_refused_by_the_router)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    tcp_client_init(&c, h, CLOUD, 80, 49162, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(1));
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert(p.flags & TF_RST);
    tcp_client_init(&c, h, A4(8, 8, 8, 8), 443, 49163, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(1));
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert(p.flags & TF_RST);
    ck_assert_uint_eq(netsim_get_stats(h->net)->tcp_refused, 2);
    harness_free(h);
}
END_TEST

START_TEST(firewall_drop_rule_eats_the_syn)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    fault_rule_stats st;
    int id = fault_rules_add_text(netsim_rules(h->net), "drop out tcp dport 5683", NULL, 0);
    ck_assert_int_gt(id, 0);
    tcp_client_init(&c, h, CLOUD, 5683, 49164, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(2750));
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460); /* lwIP's retransmit */
    harness_advance(h, MS(2250));
    ck_assert(!tcp_client_next(&c, &p, NULL));
    ck_assert(fault_rules_stats(netsim_rules(h->net), id, &st));
    ck_assert_uint_eq(st.dropped, 2);
    ck_assert_uint_eq(netsim_get_stats(h->net)->dropped_by_rules_out, 2);
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 0);
    /* the firewall is lifted: the next attempt connects */
    ck_assert(fault_rules_remove(netsim_rules(h->net), id));
    tcp_client_init(&c, h, CLOUD, 5683, 49165, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    harness_free(h);
}
END_TEST

START_TEST(firewall_reject_rule_answers_rst)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net),
                                          "reject out tcp to 52.0.0.10 dport 5683", NULL, 0), 0);
    tcp_client_init(&c, h, CLOUD, 5683, 49166, 77);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.flags, TF_RST | TF_ACK);
    ck_assert_uint_eq(p.ack, 78);
    ck_assert_uint_eq(p.src_ip, CLOUD);
    ck_assert_uint_eq(netsim_get_stats(h->net)->rejected_by_rules, 1);
    ck_assert_uint_eq(harness_count_events(h, EV_CONNECT), 0);
    harness_free(h);
}
END_TEST

/* The nonce segment is lost once: slirp's retransmission timer, on the virtual clock,
 * sends it again. */
START_TEST(lost_segment_is_retransmitted_on_virtual_time)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    rx_frame *f;
    uint64_t t0;
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net),
                                          "drop in tcp sport 5683 limit 1", NULL, 0), 0);
    tcp_client_init(&c, h, CLOUD, 5683, 49167, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(1));
    ck_assert(!tcp_client_next(&c, &p, NULL)); /* the SYN-ACK was the one dropped */
    t0 = h->now;
    /* slirp retransmits the SYN-ACK by itself */
    harness_advance(h, MS(10000));
    ck_assert(tcp_client_next(&c, &p, &f));
    ck_assert_uint_eq(p.flags, TF_SYN | TF_ACK);
    ck_assert_uint_gt(f->time_ns, t0 + MS(500));
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert_uint_eq(p.payload_len, 40);
    harness_free(h);
}
END_TEST

START_TEST(unlisten_shuts_connections)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    tcp_client_init(&c, h, CLOUD, 5683, 49168, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    netsim_unlisten(h->listener);
    h->listener = NULL;
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    ck_assert_int_eq(h->events[h->event_count - 1].reason, NETSIM_CLOSE_SHUTDOWN);
    /* and the port is refused from now on */
    harness_rx_clear(h);
    tcp_client_init(&c, h, CLOUD, 5683, 49169, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(1));
    ck_assert(tcp_client_next(&c, &p, NULL));
    ck_assert(p.flags & TF_RST);
    harness_free(h);
}
END_TEST

START_TEST(server_closing_from_on_data_is_safe)
{
    harness *h = cloud_harness();
    tcp_client c;
    tf_parsed p;
    h->close_on_data = true;
    tcp_client_init(&c, h, CLOUD, 5683, 49170, 1);
    ck_assert(tcp_client_connect(&c, 1460));
    ck_assert(tcp_client_next(&c, &p, NULL));
    tcp_client_send(&c, TF_ACK | TF_PSH, (const uint8_t *)"bad key", 7, 0);
    harness_advance(h, MS(5));
    ck_assert_uint_eq(harness_count_events(h, EV_DATA), 1);
    ck_assert_uint_eq(harness_count_events(h, EV_CLOSE), 1);
    {
        bool fin = false;
        while (tcp_client_next(&c, &p, NULL))
            fin |= (p.flags & TF_FIN) != 0;
        ck_assert(fin);
    }
    harness_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net-tcp-stream");
    TCase *tc = tcase_create("tcp_stream");
    SRunner *sr;
    int failed;
    tcase_add_test(tc, connect_exchange_and_device_close);
    tcase_add_test(tc, each_message_is_one_segment);
    tcase_add_test(tc, a_message_waits_for_the_window);
    tcase_add_test(tc, a_message_larger_than_any_window_is_not_stuck);
    tcase_add_test(tc, a_server_on_the_lan);
    tcase_add_test(tc, a_wildcard_listener_serves_any_internet_address);
    tcase_add_test(tc, forward_aliases_are_not_routable);
    tcase_add_test(tc, server_close_sends_fin_after_the_data);
    tcase_add_test(tc, our_fin_is_retransmitted_until_acknowledged);
    tcase_add_test(tc, device_reset_closes_the_stream);
    tcase_add_test(tc, abort_resets_the_device);
    tcase_add_test(tc, reconnects_get_fresh_connections);
    tcase_add_test(tc, abandoned_connections_make_room);
    tcase_add_test(tc, connect_without_arp_first);
    tcase_add_test(tc, same_ports_new_syn_replaces_the_old_connection);
    tcase_add_test(tc, closed_port_refuses_and_filtered_port_is_silent);
    tcase_add_test(tc, tcp_to_unserved_ports_is_refused_by_the_router);
    tcase_add_test(tc, firewall_drop_rule_eats_the_syn);
    tcase_add_test(tc, firewall_reject_rule_answers_rst);
    tcase_add_test(tc, lost_segment_is_retransmitted_on_virtual_time);
    tcase_add_test(tc, unlisten_shuts_connections);
    tcase_add_test(tc, server_closing_from_on_data_is_safe);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
