/* The LAN as Device OS meets it: DHCP, ARP, static-IP mistakes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const uint8_t OTHER_MAC[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static bool next_dhcp(harness *h, tf_parsed *p)
{
    rx_frame *f;
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, p) && p->ipv4 && p->proto == 17 && p->dport == 68)
            return true;
    }
    return false;
}

static void send_dhcp(harness *h, const uint8_t mac[6], uint8_t type, uint32_t ciaddr,
                      uint32_t requested, uint32_t server)
{
    uint8_t msg[600], frame[TF_MAX];
    size_t len = tf_dhcp(msg, type, 0x2A, mac, ciaddr, requested, server, false);
    harness_send(h, frame,
                 tf_udp(frame, mac, ciaddr ? TF_GATEWAY_MAC : TF_BROADCAST, ciaddr,
                        ciaddr ? A4(192, 168, 1, 1) : 0xFFFFFFFF, 68, 67, msg, len));
    harness_advance(h, MS(1));
}

static uint32_t option_u32(const tf_parsed *p, uint8_t code)
{
    const uint8_t *v;
    uint8_t n;
    ck_assert_msg(tf_dhcp_option(p->payload, p->payload_len, code, &v, &n), "option %u", code);
    ck_assert_uint_eq(n, 4);
    return tf_be32(v);
}

static uint8_t message_type(const tf_parsed *p)
{
    const uint8_t *v;
    uint8_t n;
    ck_assert(tf_dhcp_option(p->payload, p->payload_len, 53, &v, &n));
    return v[0];
}

START_TEST(discover_offer_request_ack)
{
    harness *h = harness_new(NULL);
    uint8_t frame[TF_MAX];
    tf_parsed p;

    /* gratuitous ARP from 0.0.0.0: nobody answers */
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, 0, NULL, 0));
    harness_advance(h, MS(1));
    ck_assert_uint_eq(harness_rx_pending(h), 0);

    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_mem_eq(p.src_mac, TF_GATEWAY_MAC, 6);
    /* broadcast, as libslirp answers (the firmware was seen to accept that) */
    ck_assert_mem_eq(p.dst_mac, TF_BROADCAST, 6);
    ck_assert_uint_eq(p.src_ip, A4(192, 168, 1, 1));
    ck_assert_uint_eq(p.dst_ip, 0xFFFFFFFF);
    ck_assert_mem_eq(p.payload + 28, TF_DEVICE_MAC, 6); /* chaddr */
    ck_assert(p.l4_checksum_ok && p.ip_checksum_ok);
    ck_assert_uint_eq(p.payload[0], 2);                         /* BOOTREPLY */
    ck_assert_uint_eq(tf_be32(p.payload + 4), 0x2A);            /* xid */
    ck_assert_uint_eq(tf_be32(p.payload + 16), A4(192, 168, 1, 100)); /* yiaddr */
    ck_assert_uint_eq(message_type(&p), 2);                      /* OFFER */
    ck_assert_uint_eq(option_u32(&p, 54), A4(192, 168, 1, 1));   /* server id */
    ck_assert_uint_eq(option_u32(&p, 1), A4(255, 255, 255, 0));  /* netmask */
    ck_assert_uint_eq(option_u32(&p, 3), A4(192, 168, 1, 1));    /* router */
    ck_assert_uint_eq(option_u32(&p, 6), A4(192, 168, 1, 1));    /* DNS */
    ck_assert_uint_eq(option_u32(&p, 51), 86400);                /* lease */
    ck_assert_uint_ge(p.payload_len, 300);

    send_dhcp(h, TF_DEVICE_MAC, 3, 0, A4(192, 168, 1, 100), A4(192, 168, 1, 1));
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(message_type(&p), 5); /* ACK */
    ck_assert_uint_eq(tf_be32(p.payload + 16), A4(192, 168, 1, 100));
    ck_assert_uint_eq(option_u32(&p, 51), 86400);
    ck_assert_uint_eq(netsim_dhcp_lease_count(h->net), 1);
    ck_assert_uint_eq(netsim_get_stats(h->net)->dhcp_acks, 1);
    {
        uint8_t mac[6];
        uint32_t ip = 0;
        ck_assert(netsim_device_address(h->net, mac, &ip));
        ck_assert_mem_eq(mac, TF_DEVICE_MAC, 6);
        ck_assert_uint_eq(ip, A4(192, 168, 1, 100));
    }
    harness_free(h);
}
END_TEST

START_TEST(lease_is_stable_per_mac_and_pool_moves_on)
{
    harness *h = harness_new(NULL);
    tf_parsed p;

    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    send_dhcp(h, TF_DEVICE_MAC, 3, 0, A4(192, 168, 1, 100), A4(192, 168, 1, 1));
    ck_assert(next_dhcp(h, &p));
    /* the same device again: the same address */
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(tf_be32(p.payload + 16), A4(192, 168, 1, 100));
    /* another device: the next one */
    send_dhcp(h, OTHER_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(tf_be32(p.payload + 16), A4(192, 168, 1, 101));
    /* INIT-REBOOT asking for an address from another network: NAK, broadcast */
    send_dhcp(h, TF_DEVICE_MAC, 3, 0, A4(10, 0, 0, 9), 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(message_type(&p), 6);
    ck_assert_uint_eq(p.dst_ip, 0xFFFFFFFF);
    /* renewal (unicast, ciaddr set): ACK unicast */
    send_dhcp(h, TF_DEVICE_MAC, 3, A4(192, 168, 1, 100), 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(message_type(&p), 5);
    ck_assert_uint_eq(p.dst_ip, A4(192, 168, 1, 100));
    harness_free(h);
}
END_TEST

START_TEST(a_router_that_naks_offers_but_never_binds)
{
    netsim_config cfg;
    harness *h;
    tf_parsed p;

    netsim_config_default(&cfg);
    cfg.dhcp_nak_requests = true;
    h = harness_new(&cfg);
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(message_type(&p), 2); /* OFFER */
    send_dhcp(h, TF_DEVICE_MAC, 3, 0, A4(192, 168, 1, 100), A4(192, 168, 1, 1));
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(message_type(&p), 6); /* NAK */
    ck_assert_uint_eq(netsim_dhcp_lease_count(h->net), 0);
    /* a REQUEST for another server is none of its business */
    send_dhcp(h, TF_DEVICE_MAC, 3, 0, A4(192, 168, 1, 100), A4(192, 168, 1, 7));
    ck_assert(!next_dhcp(h, &p));
    harness_free(h);
}
END_TEST

START_TEST(lease_time_and_subnet_are_configurable)
{
    netsim_config cfg;
    harness *h;
    tf_parsed p;

    netsim_config_default(&cfg);
    cfg.lan_network = A4(10, 20, 0, 0);
    cfg.lan_prefix = 16;
    cfg.gateway = A4(10, 20, 0, 254);
    cfg.dns_server = A4(10, 20, 0, 53);
    cfg.dhcp_pool_start = A4(10, 20, 5, 1);
    cfg.dhcp_lease_seconds = 120;
    h = harness_new(&cfg);
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(tf_be32(p.payload + 16), A4(10, 20, 5, 1));
    ck_assert_uint_eq(option_u32(&p, 51), 120);
    ck_assert_uint_eq(option_u32(&p, 58), 60);
    ck_assert_uint_eq(option_u32(&p, 1), A4(255, 255, 0, 0));
    ck_assert_uint_eq(option_u32(&p, 3), A4(10, 20, 0, 254));
    ck_assert_uint_eq(option_u32(&p, 6), A4(10, 20, 0, 53));
    ck_assert_uint_eq(p.src_ip, A4(10, 20, 0, 254));
    harness_free(h);
}
END_TEST

START_TEST(lease_expires_on_the_virtual_clock)
{
    netsim_config cfg;
    harness *h;
    tf_parsed p;
    netsim_config_default(&cfg);
    cfg.dhcp_lease_seconds = 60;
    h = harness_new(&cfg);
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    send_dhcp(h, TF_DEVICE_MAC, 3, 0, A4(192, 168, 1, 100), A4(192, 168, 1, 1));
    ck_assert(next_dhcp(h, &p));
    ck_assert_uint_eq(netsim_dhcp_lease_count(h->net), 1);
    harness_advance(h, MS(59000));
    ck_assert_uint_eq(netsim_dhcp_lease_count(h->net), 1);
    harness_advance(h, MS(1500));
    ck_assert_uint_eq(netsim_dhcp_lease_count(h->net), 0);
    harness_free(h);
}
END_TEST

START_TEST(dhcp_can_be_switched_off)
{
    netsim_config cfg;
    harness *h;
    tf_parsed p;
    netsim_config_default(&cfg);
    cfg.dhcp_enabled = false;
    h = harness_new(&cfg);
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(!next_dhcp(h, &p));
    netsim_set_dhcp_enabled(h->net, true);
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    harness_free(h);
}
END_TEST

static bool arp_reply_for(harness *h, uint32_t ip, uint8_t mac_out[6])
{
    rx_frame *f;
    tf_parsed p;
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, &p) && p.ethertype == 0x0806 && p.arp_op == 2 &&
            p.arp_sender_ip == ip) {
            memcpy(mac_out, p.arp_sender_mac, 6);
            return true;
        }
    }
    return false;
}

START_TEST(arp_for_gateway_is_answered)
{
    harness *h = harness_new(NULL);
    uint8_t frame[TF_MAX], mac[6];
    uint32_t ip = harness_dhcp(h);

    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, ip, NULL, A4(192, 168, 1, 1)));
    harness_advance(h, MS(1));
    ck_assert(arp_reply_for(h, A4(192, 168, 1, 1), mac));
    ck_assert_mem_eq(mac, TF_GATEWAY_MAC, 6);
    harness_free(h);
}
END_TEST

START_TEST(arp_for_a_host_that_does_not_exist_is_not_answered)
{
    harness *h = harness_new(NULL);
    uint8_t frame[TF_MAX], mac[6];
    uint32_t ip = harness_dhcp(h);
    uint64_t no_route = netsim_get_stats(h->net)->no_route;

    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, ip, NULL, A4(192, 168, 1, 77)));
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, ip, NULL, A4(8, 8, 8, 8)));
    harness_advance(h, MS(100));
    ck_assert(!arp_reply_for(h, A4(192, 168, 1, 77), mac));
    ck_assert_uint_eq(netsim_get_stats(h->net)->no_route, no_route + 2);
    harness_free(h);
}
END_TEST

/* Static IP 192.168.1.50 with gateway 192.168.1.254 (does not exist): no ARP reply, and
 * nothing the device sends gets anywhere. */
START_TEST(static_ip_with_wrong_gateway_gets_nothing)
{
    netsim_config cfg;
    harness *h;
    uint8_t frame[TF_MAX], msg[512], mac[6];
    size_t len;
    netsim_config_default(&cfg);
    cfg.dhcp_enabled = false;
    h = harness_new(&cfg);

    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, A4(192, 168, 1, 50), NULL,
                                  A4(192, 168, 1, 254)));
    harness_advance(h, MS(1000));
    ck_assert(!arp_reply_for(h, A4(192, 168, 1, 254), mac));
    /* a frame sent to where the gateway "should" be: a MAC nobody has */
    len = tf_dns_query(msg, 1, "device.spark.io", 1);
    {
        static const uint8_t guessed[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
        harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, guessed, A4(192, 168, 1, 50),
                                      A4(192, 168, 1, 1), 1024, 53, msg, len));
    }
    harness_advance(h, MS(1000));
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    ck_assert_uint_eq(netsim_get_stats(h->net)->not_for_router, 1);
    ck_assert_uint_eq(netsim_get_stats(h->net)->dns_queries, 0);
    harness_free(h);
}
END_TEST

/* Static IP 10.0.0.5/24 on a 192.168.1.0/24 LAN: the router ignores it entirely, even when
 * it is addressed directly. */
START_TEST(static_ip_outside_the_subnet_gets_nothing)
{
    netsim_config cfg;
    harness *h;
    uint8_t frame[TF_MAX], msg[512], mac[6];
    size_t len;
    netsim_config_default(&cfg);
    cfg.dhcp_enabled = false;
    h = harness_new(&cfg);

    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, A4(10, 0, 0, 5), NULL,
                                  A4(10, 0, 0, 1)));
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, A4(10, 0, 0, 5), NULL,
                                  A4(192, 168, 1, 1)));
    harness_advance(h, MS(100));
    ck_assert(!arp_reply_for(h, A4(192, 168, 1, 1), mac));
    len = tf_dns_query(msg, 1, "device.spark.io", 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(10, 0, 0, 5),
                                  A4(192, 168, 1, 1), 1024, 53, msg, len));
    harness_send(h, frame, tf_icmp_echo(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(10, 0, 0, 5),
                                        A4(8, 8, 8, 8), 1, 1, (const uint8_t *)"ping", 4));
    harness_advance(h, MS(1000));
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    ck_assert_uint_eq(netsim_get_stats(h->net)->no_route, 4);
    ck_assert_uint_eq(netsim_get_stats(h->net)->dns_queries, 0);
    harness_free(h);
}
END_TEST

/* The same static setup done right works without DHCP. */
START_TEST(static_ip_done_right_works)
{
    netsim_config cfg;
    harness *h;
    uint8_t frame[TF_MAX], msg[512], mac[6];
    size_t len;
    tf_parsed p;
    rx_frame *f;
    bool answered = false;
    netsim_config_default(&cfg);
    cfg.dhcp_enabled = false;
    h = harness_new(&cfg);

    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, A4(192, 168, 1, 50), NULL,
                                  A4(192, 168, 1, 1)));
    harness_advance(h, MS(1));
    ck_assert(arp_reply_for(h, A4(192, 168, 1, 1), mac));
    len = tf_dns_query(msg, 7, "device.spark.io", 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, mac, A4(192, 168, 1, 50),
                                  A4(192, 168, 1, 1), 1024, 53, msg, len));
    harness_advance(h, MS(1));
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, &p) && p.proto == 17 && p.sport == 53 &&
            p.dst_ip == A4(192, 168, 1, 50))
            answered = true;
    }
    ck_assert(answered);
    harness_free(h);
}
END_TEST

START_TEST(ipv6_and_multicast_are_ignored_quietly)
{
    harness *h = harness_new(NULL);
    uint8_t frame[TF_MAX];
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x16};
    uint64_t ignored;
    harness_dhcp(h);
    ignored = netsim_get_stats(h->net)->ignored;
    memset(frame, 0, 80);
    memcpy(frame, mcast, 6);
    memcpy(frame + 6, TF_DEVICE_MAC, 6);
    frame[12] = 0x08; /* an IGMP-looking frame to a multicast MAC */
    harness_send(h, frame, 60);
    memcpy(frame, TF_GATEWAY_MAC, 6);
    frame[12] = 0x86;
    frame[13] = 0xDD; /* IPv6 */
    harness_send(h, frame, 80);
    harness_advance(h, MS(10));
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    ck_assert_uint_eq(netsim_get_stats(h->net)->ignored, ignored + 2);
    harness_free(h);
}
END_TEST

/* The server on its own, in RFC mode: unicast to yiaddr unless the client asks. */
START_TEST(dhcp_server_unicasts_when_told_to)
{
    dhcp_server_config dc = {
        .server_ip = A4(192, 168, 1, 1), .netmask = A4(255, 255, 255, 0),
        .router = A4(192, 168, 1, 1), .dns = 0, .pool_start = A4(192, 168, 1, 10),
        .pool_size = 2, .lease_seconds = 600, .domain_name = "home.lan",
    };
    dhcp_server *s = dhcp_server_new(&dc);
    dhcp_reply r;
    uint8_t msg[600];
    const uint8_t *v;
    uint8_t n;
    size_t len;
    static const uint8_t third[6] = {2, 0, 0, 0, 0, 3};

    ck_assert_ptr_nonnull(s);
    len = tf_dhcp(msg, 1, 1, TF_DEVICE_MAC, 0, 0, 0, false);
    ck_assert(dhcp_server_handle(s, 0, msg, len, &r));
    ck_assert(!r.broadcast);
    ck_assert_uint_eq(r.dst_ip, A4(192, 168, 1, 10));
    ck_assert_mem_eq(r.dst_mac, TF_DEVICE_MAC, 6);
    ck_assert(!tf_dhcp_option(r.message, r.len, 6, &v, &n)); /* no DNS configured */
    ck_assert(tf_dhcp_option(r.message, r.len, 15, &v, &n));
    ck_assert_uint_eq(n, 8);
    ck_assert_mem_eq(v, "home.lan", 8);
    len = tf_dhcp(msg, 1, 1, OTHER_MAC, 0, 0, 0, true); /* broadcast flag */
    ck_assert(dhcp_server_handle(s, 0, msg, len, &r));
    ck_assert(r.broadcast);
    ck_assert_uint_eq(r.your_ip, A4(192, 168, 1, 11));
    /* pool of two, both offered: a third client hears nothing */
    len = tf_dhcp(msg, 1, 1, third, 0, 0, 0, false);
    ck_assert(!dhcp_server_handle(s, 0, msg, len, &r));
    /* ... until the offers lapse (60 s) */
    ck_assert(dhcp_server_handle(s, MS(61000), msg, len, &r));
    /* a truncated message is ignored */
    ck_assert(!dhcp_server_handle(s, 0, msg, 239, &r));
    ck_assert(!dhcp_server_handle(s, 0, msg, 241, &r)); /* message-type option cut */
    ck_assert(!dhcp_server_handle(s, 0, msg, 242, &r));
    dhcp_server_free(s);
}
END_TEST

/* The chip model may hand the next frame in from inside frame_to_device. */
static void answer_offer_with_arp(harness *h, const rx_frame *f)
{
    tf_parsed p;
    uint8_t frame[TF_MAX];
    if (tf_parse(f->data, f->len, &p) && p.proto == 17 && p.dport == 68) {
        h->on_rx = NULL;
        harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, A4(192, 168, 1, 100),
                                      NULL, A4(192, 168, 1, 1)));
        /* nothing from the nested call yet: it is queued until the outer call unwinds */
        ck_assert_uint_eq(harness_rx_pending(h), 1);
    }
}

START_TEST(frames_handed_in_from_a_callback_are_queued_not_nested)
{
    harness *h = harness_new(NULL);
    tf_parsed p;
    uint8_t mac[6];
    h->on_rx = answer_offer_with_arp;
    send_dhcp(h, TF_DEVICE_MAC, 1, 0, 0, 0);
    ck_assert(next_dhcp(h, &p));
    ck_assert(arp_reply_for(h, A4(192, 168, 1, 1), mac));
    harness_free(h);
}
END_TEST

START_TEST(bad_configs_are_refused)
{
    netsim_config cfg;
    netsim_host_ops ops;
    char err[128];
    harness *h = harness_new(NULL); /* for valid host ops */
    ops = h->ops;

    netsim_config_default(&cfg);
    cfg.gateway = A4(10, 0, 0, 1);
    ck_assert_ptr_null(netsim_new(&cfg, &ops, err, sizeof(err)));
    ck_assert(strstr(err, "gateway") != NULL);

    netsim_config_default(&cfg);
    cfg.dhcp_pool_start = A4(192, 168, 1, 200);
    cfg.dhcp_pool_size = 100; /* runs past the subnet */
    ck_assert_ptr_null(netsim_new(&cfg, &ops, err, sizeof(err)));

    netsim_config_default(&cfg);
    cfg.allow_host_network = true;
    ck_assert_ptr_null(netsim_new(&cfg, &ops, err, sizeof(err)));

    netsim_config_default(&cfg);
    cfg.cloud_address = A4(192, 168, 0, 240); /* inside the router's forward block */
    ck_assert_ptr_null(netsim_new(&cfg, &ops, err, sizeof(err)));
    ck_assert(strstr(err, "reserved") != NULL);

    netsim_config_default(&cfg);
    cfg.lan_prefix = 28;
    ck_assert_ptr_null(netsim_new(&cfg, &ops, err, sizeof(err)));
    harness_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net-lan");
    TCase *tc = tcase_create("lan");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, discover_offer_request_ack);
    tcase_add_test(tc, lease_is_stable_per_mac_and_pool_moves_on);
    tcase_add_test(tc, a_router_that_naks_offers_but_never_binds);
    tcase_add_test(tc, lease_time_and_subnet_are_configurable);
    tcase_add_test(tc, lease_expires_on_the_virtual_clock);
    tcase_add_test(tc, dhcp_can_be_switched_off);
    tcase_add_test(tc, arp_for_gateway_is_answered);
    tcase_add_test(tc, arp_for_a_host_that_does_not_exist_is_not_answered);
    tcase_add_test(tc, static_ip_with_wrong_gateway_gets_nothing);
    tcase_add_test(tc, static_ip_outside_the_subnet_gets_nothing);
    tcase_add_test(tc, static_ip_done_right_works);
    tcase_add_test(tc, ipv6_and_multicast_are_ignored_quietly);
    tcase_add_test(tc, dhcp_server_unicasts_when_told_to);
    tcase_add_test(tc, frames_handed_in_from_a_callback_are_queued_not_nested);
    tcase_add_test(tc, bad_configs_are_refused);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
