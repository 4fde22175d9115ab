/*
 * The Ethernet bridge (reference §5) and snapshots: host data frames reach the network
 * only when associated and keyed, with the SDPCM/BDC offsets honoured; network frames
 * reach the host as channel-2 frames (doff 14, BDC 0x20) only then and only when
 * addressed to us.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wwd_host.h"

static const uint8_t bssid1[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
static const uint8_t our_mac[6] = { 0x02, 0x0a, 0xf7, 0xe0, 0xae, 0xce };

/* An ARP request from the gateway (60 bytes), to dst. */
static void arp_frame(uint8_t f[60], const uint8_t dst[6])
{
    memset(f, 0, 60);
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x52\x55\x0a\x00\x02\x02", 6);
    f[12] = 0x08;
    f[13] = 0x06;
    for (int i = 14; i < 60; i++) {
        f[i] = (uint8_t)i;
    }
}

static struct wwd_host *joined_host(void)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "Home", bssid1, 6, -45, BCM43362_SECURITY_WPA2_PSK, "correct horse");
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 200);
    host_clear_rx(h);
    return h;
}

static void send_data(struct wwd_host *h, const uint8_t *eth, size_t len, uint8_t data_offset)
{
    uint8_t body[4 + 8 + 1514] = { 0x20, 0x00, 0x00, data_offset };
    ck_assert_uint_le(data_offset, 2);
    memset(body + 4, 0xEE, 4u * data_offset);
    memcpy(body + 4 + 4u * data_offset, eth, len);
    host_send_frame(h, 2, body, 4 + 4u * data_offset + len);
}

START_TEST(host_frames_reach_the_network_only_when_joined)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    uint8_t f[60];
    arp_frame(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
    send_data(h, f, sizeof f, 0);
    ck_assert_uint_eq(h->net_count, 0);
    host_free(h);

    h = joined_host();
    send_data(h, f, sizeof f, 0);
    ck_assert_uint_eq(h->net_count, 1);
    ck_assert_uint_eq(h->net[0].len, 60);
    ck_assert_mem_eq(h->net[0].data, f, 60);
    send_data(h, f, sizeof f, 1);                                 /* BDC data_offset: 4 more bytes */
    ck_assert_uint_eq(h->net_count, 2);
    ck_assert_mem_eq(h->net[1].data, f, 60);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.eth_to_network, 2);
    host_free(h);
}
END_TEST

START_TEST(network_frames_reach_the_host_as_data_frames)
{
    struct wwd_host *h = joined_host();
    uint8_t f[60];
    arp_frame(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
    ck_assert(bcm43362_eth_from_network(h->chip, f, sizeof f));
    ck_assert(h->irq_latched);
    host_service(h);
    ck_assert_uint_eq(h->rx_count, 1);
    const uint8_t *d = h->rx[0].data;
    ck_assert_uint_eq(h->rx[0].len, 12 + 2 + 4 + 60);
    ck_assert_uint_eq(test_le16(d), 78);
    ck_assert_uint_eq(test_le16(d + 2), (uint16_t)~78);
    ck_assert_uint_eq(d[5] & 0x0F, 2);                            /* data channel */
    ck_assert_uint_eq(d[7], 14);                                  /* doff with 2 pad bytes */
    ck_assert_mem_eq(d + 12, "\0\0", 2);
    ck_assert_mem_eq(d + 14, "\x20\x00\x00\x00", 4);              /* BDC v2, data_offset 0 */
    ck_assert_mem_eq(d + 18, f, 60);

    arp_frame(f, our_mac);                                        /* unicast to us */
    ck_assert(bcm43362_eth_from_network(h->chip, f, sizeof f));
    arp_frame(f, (const uint8_t *)"\x02\x00\x00\x00\x00\x09");   /* someone else */
    ck_assert(!bcm43362_eth_from_network(h->chip, f, sizeof f));
    arp_frame(f, (const uint8_t *)"\x01\x00\x5e\x00\x00\x01");   /* multicast, not joined */
    ck_assert(!bcm43362_eth_from_network(h->chip, f, sizeof f));
    uint8_t list[10] = { 1, 0, 0, 0, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    ck_assert_int_eq(host_iovar_set(h, "mcast_list", list, sizeof list), 0);
    ck_assert(bcm43362_eth_from_network(h->chip, f, sizeof f));
    ck_assert(!bcm43362_eth_from_network(h->chip, f, 13));       /* runt */
    host_free(h);
}
END_TEST

START_TEST(nothing_reaches_the_host_before_the_key)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "Home", bssid1, 6, -45, BCM43362_SECURITY_WPA2_PSK, "correct horse");
    uint8_t f[60];
    arp_frame(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
    ck_assert(!bcm43362_eth_from_network(h->chip, f, sizeof f));
    ck_assert_int_eq(host_join_wpa2(h, "Home", "not the key"), 0);
    host_advance_ms(h, 100);                                      /* linked, never keyed */
    ck_assert(!bcm43362_eth_from_network(h->chip, f, sizeof f));
    send_data(h, f, sizeof f, 0);
    ck_assert_uint_eq(h->net_count, 0);
    host_free(h);
}
END_TEST

START_TEST(network_may_answer_from_inside_the_callback)
{
    struct wwd_host *h = joined_host();
    h->echo_network_to_host = true;
    uint8_t f[60];
    arp_frame(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
    send_data(h, f, sizeof f, 0);
    ck_assert_uint_eq(h->net_count, 1);
    host_service(h);
    ck_assert_uint_eq(h->rx_count, 1);
    ck_assert_mem_eq(h->rx[0].data + 18, f, 60);
    host_free(h);
}
END_TEST

START_TEST(flood_drops_data_but_not_control)
{
    struct wwd_host *h = joined_host();
    h->auto_service = false;
    uint8_t f[1514];
    arp_frame(f, (const uint8_t *)"\xff\xff\xff\xff\xff\xff");
    unsigned queued = 0;
    for (int i = 0; i < 200; i++) {
        queued += bcm43362_eth_from_network(h->chip, f, sizeof f);
    }
    ck_assert_uint_lt(queued, 200);
    ck_assert(host_log_contains(h, "queue full"));
    uint32_t v;
    ck_assert_int_eq(host_get_u32(h, 133, &v), 0);                /* the ioctl still gets through */
    ck_assert_uint_eq(v, 4);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.eth_dropped_to_host, 200 - queued);
    host_free(h);
}
END_TEST

START_TEST(snapshot_round_trip_continues_a_join)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "Home", bssid1, 6, -45, BCM43362_SECURITY_WPA2_PSK, "correct horse");
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 42);                                       /* mid-join: LINK up, keys pending */
    const size_t size = bcm43362_snapshot_size();
    uint8_t *blob = malloc(size);
    ck_assert(bcm43362_snapshot_save(h->chip, blob, size));

    struct wwd_host *g = host_new(NULL);                          /* a fresh "machine" */
    g->now_ns = h->now_ns;
    g->window = h->window;
    g->tx_seq = h->tx_seq;
    g->last_credit = h->last_credit;
    g->ioctl_id = h->ioctl_id;
    g->wlan_up = true;
    ck_assert(bcm43362_snapshot_load(g->chip, blob, size));
    ck_assert_uint_ne(g->timer_ns, UINT64_MAX);                   /* pending events re-armed */
    host_advance_ms(g, 200);
    struct event_view ev;
    ck_assert(host_find_event(g, 46, &ev));
    ck_assert_uint_eq(ev.status, 6);
    struct bcm43362_status st;
    bcm43362_get_status(g->chip, &st);
    ck_assert(st.sta_keyed);

    /* a damaged blob never breaks the chip */
    for (size_t i = 64; i < size; i += 97) {
        blob[i] ^= 0x5A;
    }
    ck_assert(bcm43362_snapshot_load(g->chip, blob, size));
    host_advance_ms(g, 100);
    ck_assert(!bcm43362_snapshot_load(g->chip, blob, size - 1));
    blob[0] ^= 1;
    ck_assert(!bcm43362_snapshot_load(g->chip, blob, size));
    free(blob);
    host_free(g);
    host_free(h);
}
END_TEST

static Suite *datapath_suite(void)
{
    Suite *s = suite_create("bcm43362_datapath");
    TCase *tc = tcase_create("datapath");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, host_frames_reach_the_network_only_when_joined);
    tcase_add_test(tc, network_frames_reach_the_host_as_data_frames);
    tcase_add_test(tc, nothing_reaches_the_host_before_the_key);
    tcase_add_test(tc, network_may_answer_from_inside_the_callback);
    tcase_add_test(tc, flood_drops_data_but_not_control);
    tcase_add_test(tc, snapshot_round_trip_continues_a_join);
    suite_add_tcase(s, tc);
    return s;
}

BCM43362_TEST_MAIN(datapath_suite)
