/*
 * Events, joins, link loss and escan (reference §4, layouts §3.4 and §4.1).  The join
 * bookkeeping below is WWD's: AUTH | LINK_READY | SSID_SET | SECURITY_COMPLETE must be
 * exactly all set (wiced_join_events_handler / wwd_wifi_check_join_status).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "wwd_host.h"

#define MS 1000000ull

enum { E_SET_SSID = 0, E_AUTH = 3, E_DEAUTH_IND = 6, E_ASSOC = 7, E_DISASSOC = 11, E_DISASSOC_IND = 12,
       E_LINK = 16, E_PRUNE = 23, E_PSK_SUP = 46, E_ESCAN_RESULT = 69 };

static const uint8_t bssid1[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
static const uint8_t bssid2[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x02 };
static const uint8_t bssid3[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x03 };

/* §2.6: the WLC_E_LINK (up) event after the 12-byte SDPCM header, STA 02:0a:f7:e0:ae:ce,
 * BSSID 02:aa:bb:cc:dd:01. */
static const uint8_t link_up_body[76] = {
    0x20, 0x00, 0x00, 0x00,
    0x02, 0x0a, 0xf7, 0xe0, 0xae, 0xce, 0x02, 0x0a, 0xf7, 0xe0, 0xae, 0xce, 0x88, 0x6c,
    0x80, 0x01, 0x00, 0x38, 0x00, 0x00, 0x10, 0x18, 0x00, 0x01,
    0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01,
    0x77, 0x6c, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00,
};

/* §4.6: RSN IE for WPA2-PSK/AES. */
static const uint8_t rsn_ie[22] = {
    0x30, 0x14, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04,
    0x01, 0x00, 0x00, 0x0f, 0xac, 0x02, 0x00, 0x00,
};

/* WWD's join status bits. */
enum { JOIN_AUTH = 1, JOIN_LINK = 2, JOIN_SSID = 4, JOIN_SECURITY = 8, JOIN_NO_NETWORKS = 16,
       JOIN_M3_TIMEOUT = 32, JOIN_FAILED = 64 };

static unsigned wwd_join_status(const struct wwd_host *h, bool open)
{
    unsigned st = open ? JOIN_SECURITY : 0;
    struct event_view ev;
    for (unsigned n = 0; host_event(h, n, &ev); n++) {
        if (ev.ifidx != 0) {
            continue;
        }
        switch (ev.type) {
        case E_AUTH: st |= ev.status == 0 ? JOIN_AUTH : JOIN_FAILED; break;
        case E_LINK: st = (ev.flags & 1) ? (st | JOIN_LINK) : (st & ~JOIN_LINK); break;
        case E_SET_SSID: st |= ev.status == 0 ? JOIN_SSID : ev.status == 3 ? JOIN_NO_NETWORKS : JOIN_FAILED; break;
        case E_DEAUTH_IND: case E_DISASSOC_IND: st &= ~JOIN_AUTH; break;
        case E_PSK_SUP:
            if (ev.status == 6) st |= JOIN_SECURITY;
            else if (ev.status == 8 && ev.reason == 15) st |= JOIN_M3_TIMEOUT;
            else st |= JOIN_FAILED;
            break;
        default: break;
        }
    }
    return st;
}

static struct wwd_host *wifi_host(void)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "Home", bssid1, 6, -45, BCM43362_SECURITY_WPA2_PSK, "correct horse");
    host_clear_rx(h);
    return h;
}

START_TEST(link_event_matches_the_reference_bytes)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "Cafe", bssid1, 1, -60, BCM43362_SECURITY_OPEN, NULL);
    host_clear_rx(h);
    ck_assert_int_eq(host_join_open(h, "Cafe"), 0);
    host_advance_ms(h, 100);
    const struct rx_frame *link = NULL;
    for (unsigned i = 0; i < h->rx_count && !link; i++) {
        const uint8_t *f = h->rx[i].data;
        if ((f[5] & 0x0F) == 1 && test_be32(f + 12 + 4 + 14 + 10 + 4) == E_LINK) {
            link = &h->rx[i];
        }
    }
    ck_assert_ptr_nonnull(link);
    ck_assert_uint_eq(link->len, 88);
    ck_assert_mem_eq(link->data, "\x58\x00\xa7\xff", 4);
    ck_assert_uint_eq(link->data[5], 0x01);                       /* channel 1: events */
    ck_assert_uint_eq(link->data[6], 0x00);
    ck_assert_uint_eq(link->data[7], 0x0c);
    ck_assert_uint_eq(link->data[8], 0x00);                       /* no flow control */
    ck_assert_uint_eq(link->data[9], (uint8_t)(h->tx_seq + 7));   /* credit */
    ck_assert_mem_eq(link->data + 10, "\0\0", 2);
    ck_assert_mem_eq(link->data + 12, link_up_body, sizeof link_up_body);
    host_free(h);
}
END_TEST

START_TEST(wpa2_join_with_the_right_passphrase)
{
    struct wwd_host *h = wifi_host();
    const uint64_t t0 = h->now_ns;
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    ck_assert_uint_eq(host_event_count(h), 0);                    /* all events come after the reply */
    host_advance_ms(h, 7000);
    struct event_view ev;
    const uint32_t expected[] = { E_AUTH, E_ASSOC, E_LINK, E_SET_SSID, E_PSK_SUP };
    ck_assert_uint_eq(host_event_count(h), 5);
    for (unsigned n = 0; n < 5; n++) {
        ck_assert(host_event(h, n, &ev));
        ck_assert_uint_eq(ev.type, expected[n]);
        ck_assert_uint_eq(ev.ifidx, 0);
        ck_assert_uint_eq(ev.bsscfg, 0);
        ck_assert_mem_eq(ev.addr, bssid1, 6);
        ck_assert_uint_ge(ev.t_ns - t0, 20 * MS);
        ck_assert_uint_le(ev.t_ns - t0, 100 * MS);
    }
    ck_assert(host_find_event(h, E_AUTH, &ev));
    ck_assert_uint_eq(ev.status, 0);
    ck_assert(host_find_event(h, E_LINK, &ev));
    ck_assert_uint_eq(ev.flags, 1);
    ck_assert(host_find_event(h, E_SET_SSID, &ev));
    ck_assert_uint_eq(ev.status, 0);
    ck_assert_uint_eq(ev.datalen, 4);
    ck_assert_mem_eq(ev.data, "Home", 4);
    ck_assert(host_find_event(h, E_PSK_SUP, &ev));
    ck_assert_uint_eq(ev.status, 6);
    ck_assert_uint_eq(ev.reason, 0);
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_AUTH | JOIN_LINK | JOIN_SSID | JOIN_SECURITY);

    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(st.sta_associated && st.sta_keyed);
    ck_assert_mem_eq(st.bssid, bssid1, 6);
    ck_assert_str_eq(st.ssid, "Home");

    /* Device OS then asks for the BSS info, WSEC, WPA_AUTH and RSSI */
    struct ioctl_result r;
    uint8_t req[132] = { 132 };
    ck_assert_int_eq(host_ioctl(h, 136, false, 0, req, sizeof req, &r), 0);
    const uint8_t *bss = r.payload + 4;
    ck_assert_uint_eq(test_le32(bss), 109);
    ck_assert_mem_eq(bss + 8, bssid1, 6);
    ck_assert_uint_eq(bss[18], 4);
    ck_assert_mem_eq(bss + 19, "Home", 4);
    ck_assert_uint_eq(test_le16(bss + 72), 0x2B06);               /* chanspec, channel 6 */
    ck_assert_int_eq((int16_t)test_le16(bss + 78), -45);
    ck_assert_uint_eq(test_le16(bss + 16) & 0x0011, 0x0011);     /* ESS | PRIVACY */
    uint32_t v;
    ck_assert_int_eq(host_get_u32(h, 133, &v), 0);
    ck_assert_uint_eq(v, 4);
    ck_assert_int_eq(host_get_u32(h, 164, &v), 0);
    ck_assert_uint_eq(v, 0x80);
    ck_assert_int_eq(host_get_u32(h, 127, &v), 0);
    ck_assert_int_eq((int32_t)v, -45);
    ck_assert_uint_eq(h->credit_updates_ignored, 0);
    host_free(h);
}
END_TEST

START_TEST(wpa2_join_with_a_wrong_passphrase_times_out_on_m3)
{
    struct wwd_host *h = wifi_host();
    const uint64_t t0 = h->now_ns;
    ck_assert_int_eq(host_join_wpa2(h, "Home", "wrong horse"), 0);
    host_advance_ms(h, 2400);
    struct event_view ev;
    ck_assert(!host_find_event(h, E_PSK_SUP, &ev));
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_AUTH | JOIN_LINK | JOIN_SSID);
    host_advance_ms(h, 4600);                                     /* WWD waits up to 7 s */
    ck_assert(host_find_event(h, E_PSK_SUP, &ev));
    ck_assert_uint_eq(ev.status, 8);                              /* WAIT_M3 */
    ck_assert_uint_eq(ev.reason, 15);                             /* WPA_PSK_TMO */
    ck_assert_uint_ge(ev.t_ns - t0, 2500 * MS);
    ck_assert_uint_le(ev.t_ns - t0, 2600 * MS);
    ck_assert(!host_find_event(h, E_DEAUTH_IND, &ev));            /* no DEAUTH before it */
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_AUTH | JOIN_LINK | JOIN_SSID | JOIN_M3_TIMEOUT);
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(!st.sta_keyed);
    /* the host leaves */
    host_clear_rx(h);
    ck_assert_int_eq(host_ioctl(h, 52, true, 0, NULL, 0, NULL), 0);
    ck_assert(host_find_event(h, E_LINK, &ev));
    ck_assert_uint_eq(ev.flags, 0);
    bcm43362_get_status(h->chip, &st);
    ck_assert(!st.sta_associated);
    struct bcm43362_stats stats;
    bcm43362_get_stats(h->chip, &stats);
    ck_assert_uint_eq(stats.joins_failed, 1);
    host_free(h);
}
END_TEST

START_TEST(sup_wpa_tmo_sets_the_handshake_timeout)
{
    struct wwd_host *h = wifi_host();
    host_bsscfg_set_u32(h, "sup_wpa_tmo", 0, 1000);
    uint8_t eight[4] = { 8 };
    host_iovar_set(h, "ampdu_ba_wsize", eight, 4);
    const uint64_t t0 = h->now_ns;
    /* host_join_wpa2 itself sets 2500 again: set WSEC/WPA_AUTH/PMK by hand instead */
    host_set_u32(h, 134, 4);
    host_set_u32(h, 165, 0x80);
    uint8_t pmk[68] = { 5, 0, 1, 0, 'w', 'r', 'o', 'n', 'g' };
    ck_assert_int_eq(host_ioctl(h, 268, true, 0, pmk, sizeof pmk, NULL), -2);   /* < 8 characters */
    uint8_t ssid[36] = { 4, 0, 0, 0, 'H', 'o', 'm', 'e' };
    ck_assert_int_eq(host_ioctl(h, 26, true, 0, ssid, sizeof ssid, NULL), 0);
    host_advance_ms(h, 2000);
    struct event_view ev;
    ck_assert(host_find_event(h, E_PSK_SUP, &ev));                /* no key at all: fails too */
    ck_assert_uint_le(ev.t_ns - t0, 1100 * MS);
    host_free(h);
}
END_TEST

START_TEST(join_with_a_hex_pmk)
{
    /* IEEE 802.11i-2004 H.4.1: "password" / "IEEE" → PSK f42c6fc5... */
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "IEEE", bssid2, 11, -50, BCM43362_SECURITY_WPA2_PSK, "password");
    ck_assert_int_eq(host_join_wpa2(h, "IEEE", "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e"), 0);
    host_advance_ms(h, 200);
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_AUTH | JOIN_LINK | JOIN_SSID | JOIN_SECURITY);
    host_free(h);

    /* and the other way round: the AP is configured with the PMK */
    h = host_new(NULL);
    host_wifi_on(h);
    host_add_ap(h, "IEEE", bssid2, 11, -50, BCM43362_SECURITY_WPA2_PSK,
                "F42C6FC52DF0EBEF9EBB4B90B38A5F902E83FE1B135A70E23AED762E9710A12E");
    ck_assert_int_eq(host_join_wpa2(h, "IEEE", "password"), 0);
    host_advance_ms(h, 200);
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_AUTH | JOIN_LINK | JOIN_SSID | JOIN_SECURITY);
    host_free(h);
}
END_TEST

START_TEST(missing_ssid_reports_no_networks_only)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_join_wpa2(h, "Elsewhere", "correct horse"), 0);
    host_advance_ms(h, 7000);
    ck_assert_uint_eq(host_event_count(h), 1);
    struct event_view ev;
    ck_assert(host_event(h, 0, &ev));
    ck_assert_uint_eq(ev.type, E_SET_SSID);
    ck_assert_uint_eq(ev.status, 3);
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_NO_NETWORKS);
    host_free(h);
}
END_TEST

START_TEST(security_mismatch_is_pruned)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_join_open(h, "Home"), 0);               /* open settings, WPA2 AP */
    host_advance_ms(h, 1000);
    struct event_view ev;
    ck_assert(host_find_event(h, E_PRUNE, &ev));
    ck_assert_uint_eq(ev.reason, 1);                              /* ENCR_MISMATCH */
    ck_assert(host_find_event(h, E_SET_SSID, &ev));
    ck_assert_uint_eq(ev.status, 3);
    ck_assert(!host_find_event(h, E_AUTH, &ev));
    host_free(h);
}
END_TEST

START_TEST(open_join_needs_no_psk_event)
{
    struct wwd_host *h = wifi_host();
    host_add_ap(h, "Cafe", bssid2, 1, -70, BCM43362_SECURITY_OPEN, NULL);
    ck_assert_int_eq(host_join_open(h, "Cafe"), 0);
    host_advance_ms(h, 200);
    struct event_view ev;
    ck_assert(!host_find_event(h, E_PSK_SUP, &ev));
    ck_assert_uint_eq(wwd_join_status(h, true), JOIN_AUTH | JOIN_LINK | JOIN_SSID | JOIN_SECURITY);
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(st.sta_keyed);
    host_free(h);
}
END_TEST

START_TEST(ap_vanishes_and_returns)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 200);
    host_clear_rx(h);
    h->auto_service = true;
    ck_assert(bcm43362_ap_remove(h->chip, bssid1));
    host_advance_ms(h, 1);
    struct event_view ev;
    ck_assert_uint_eq(host_event_count(h), 2);
    ck_assert(host_event(h, 0, &ev));
    ck_assert_uint_eq(ev.type, E_DEAUTH_IND);
    ck_assert_mem_eq(ev.addr, bssid1, 6);
    ck_assert_uint_eq(ev.ifidx, 0);
    ck_assert(host_event(h, 1, &ev));
    ck_assert_uint_eq(ev.type, E_LINK);
    ck_assert_uint_eq(ev.flags & 1, 0);
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(!st.sta_associated);
    uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x55, 0x0a, 0, 2, 2, 0x08, 0x06 };
    ck_assert(!bcm43362_eth_from_network(h->chip, frame, sizeof frame));

    /* while it is away a join finds nothing */
    host_clear_rx(h);
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 1000);
    ck_assert(host_find_event(h, E_SET_SSID, &ev));
    ck_assert_uint_eq(ev.status, 3);

    /* it returns; the next join works */
    host_add_ap(h, "Home", bssid1, 6, -45, BCM43362_SECURITY_WPA2_PSK, "correct horse");
    host_clear_rx(h);
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 200);
    ck_assert_uint_eq(wwd_join_status(h, false), JOIN_AUTH | JOIN_LINK | JOIN_SSID | JOIN_SECURITY);
    ck_assert(bcm43362_eth_from_network(h->chip, frame, sizeof frame));
    struct bcm43362_stats stats;
    bcm43362_get_stats(h->chip, &stats);
    ck_assert_uint_eq(stats.link_losses, 1);
    host_free(h);
}
END_TEST

START_TEST(ap_vanishing_mid_join_fails_it)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 25);                                       /* AUTH seen, no LINK yet */
    ck_assert(bcm43362_ap_remove(h->chip, bssid1));
    host_advance_ms(h, 7000);
    struct event_view ev;
    ck_assert(host_find_event(h, E_SET_SSID, &ev));
    ck_assert_uint_eq(ev.status, 1);                              /* FAIL: WWD gives up at once */
    ck_assert(!host_find_event(h, E_LINK, &ev));
    host_free(h);
}
END_TEST

START_TEST(rssi_update_keeps_the_link_other_changes_drop_it)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 200);
    host_clear_rx(h);
    struct bcm43362_ap ap = { .ssid = "Home", .channel = 6, .rssi_dbm = -80,
                              .security = BCM43362_SECURITY_WPA2_PSK, .passphrase = "correct horse" };
    memcpy(ap.bssid, bssid1, 6);
    ck_assert(bcm43362_ap_update(h->chip, &ap));
    uint32_t v;
    ck_assert_int_eq(host_get_u32(h, 127, &v), 0);
    ck_assert_int_eq((int32_t)v, -80);
    ck_assert_uint_eq(host_event_count(h), 0);
    snprintf(ap.passphrase, sizeof ap.passphrase, "new password");
    ck_assert(bcm43362_ap_update(h->chip, &ap));
    host_advance_ms(h, 1);
    struct event_view ev;
    ck_assert(host_find_event(h, E_DEAUTH_IND, &ev));
    host_free(h);
}
END_TEST

START_TEST(host_disassoc_reports_link_down)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 200);
    host_clear_rx(h);
    ck_assert_int_eq(host_ioctl(h, 52, true, 0, NULL, 0, NULL), 0);
    struct event_view ev;
    ck_assert(host_find_event(h, E_DISASSOC, &ev));
    ck_assert(host_find_event(h, E_LINK, &ev));
    ck_assert_uint_eq(ev.flags, 0);
    /* a join being set up is cancelled quietly */
    host_clear_rx(h);
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 10);
    ck_assert_int_eq(host_ioctl(h, 52, true, 0, NULL, 0, NULL), 0);
    host_advance_ms(h, 7000);
    ck_assert_uint_eq(host_event_count(h), 0);
    host_free(h);
}
END_TEST

START_TEST(join_while_down_is_refused)
{
    struct wwd_host *h = wifi_host();
    ck_assert_int_eq(host_ioctl(h, 3, true, 0, NULL, 0, NULL), 0);             /* WLC_DOWN */
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), -4);          /* NOTUP: WWD 2004 */
    host_free(h);
}
END_TEST

/* Check one escan result against §3.4/§4.6 and return its BSSID's last byte. */
static uint8_t check_scan_result(const struct event_view *ev, uint8_t want_channel, bool wpa2)
{
    ck_assert_uint_eq(ev->type, E_ESCAN_RESULT);
    ck_assert_uint_eq(ev->status, 8);                             /* PARTIAL */
    const uint8_t *e = ev->data;
    const uint8_t *bss = e + 12;
    ck_assert_uint_eq(test_le32(e), ev->datalen);                 /* buflen */
    ck_assert_uint_eq(test_le32(e + 4), 109);
    ck_assert_uint_eq(test_le16(e + 10), 1);                      /* bss_count */
    ck_assert_uint_eq(test_le32(bss), 109);
    const uint32_t length = test_le32(bss + 4);
    ck_assert_uint_eq(ev->datalen, 12 + length);
    const uint16_t chanspec = test_le16(bss + 72);
    ck_assert_uint_eq(chanspec & 0xFF, want_channel);
    ck_assert_uint_eq(chanspec & 0xF000, 0x2000);                 /* 2.4 GHz */
    ck_assert_uint_eq(test_le16(bss + 16) & 0x0001, 0x0001);      /* ESS */
    ck_assert_uint_eq(!!(test_le16(bss + 16) & 0x0010), wpa2);    /* PRIVACY */
    ck_assert_uint_le(test_le32(bss + 52), 16);
    const uint16_t ie_offset = test_le16(bss + 116);
    const uint32_t ie_length = test_le32(bss + 120);
    ck_assert_uint_le(ie_offset, length);
    ck_assert_uint_le(ie_length, length - ie_offset);
    bool ds_seen = false, rsn_seen = false;
    for (uint32_t i = 0; i + 2 <= ie_length;) {
        const uint8_t *ie = bss + ie_offset + i;
        ck_assert_uint_le(i + 2u + ie[1], ie_length);
        if (ie[0] == 3) {
            ck_assert_uint_eq(ie[1], 1);
            ck_assert_uint_eq(ie[2], chanspec & 0xFF);            /* DS param = chanspec channel */
            ds_seen = true;
        }
        if (ie[0] == 48) {
            ck_assert_mem_eq(ie, rsn_ie, sizeof rsn_ie);
            rsn_seen = true;
        }
        if (ie[0] == 0) {
            ck_assert_uint_eq(ie[1], bss[18]);
            ck_assert_mem_eq(ie + 2, bss + 19, ie[1]);
        }
        i += 2u + ie[1];
    }
    ck_assert(ds_seen);
    ck_assert_uint_eq(rsn_seen, wpa2);
    return bss[8 + 5];
}

static void start_escan(struct wwd_host *h, uint16_t sync_id, const char *ssid, const uint16_t *channels,
                        unsigned nchannels)
{
    uint8_t params[8 + 64 + 2 * 14] = { 0 };
    params[0] = 1;                                                /* version */
    params[4] = 1;                                                /* START */
    params[6] = (uint8_t)sync_id;
    if (ssid) {
        params[8] = (uint8_t)strlen(ssid);
        memcpy(params + 12, ssid, strlen(ssid));
    }
    memset(params + 44, 0xff, 6);                                 /* bssid: any */
    params[50] = 2;                                               /* bss_type ANY */
    memset(params + 52, 0xff, 16);                                /* nprobes, times: -1 */
    params[68] = (uint8_t)nchannels;
    for (unsigned i = 0; i < nchannels; i++) {
        params[72 + 2 * i] = (uint8_t)channels[i];
    }
    ck_assert_int_eq(host_iovar_set(h, "escan", params, 72 + 2 * nchannels), 0);
}

START_TEST(escan_reports_each_bss_then_completes)
{
    struct wwd_host *h = wifi_host();
    host_add_ap(h, "Cafe", bssid2, 1, -70, BCM43362_SECURITY_OPEN, NULL);
    host_add_ap(h, "Office", bssid3, 11, -60, BCM43362_SECURITY_WPA2_PSK, "12345678");
    const uint64_t t0 = h->now_ns;
    start_escan(h, 0, NULL, NULL, 0);
    host_advance_ms(h, 30000);
    ck_assert_uint_eq(host_event_count(h), 4);
    struct event_view ev, prev;
    ck_assert(host_event(h, 0, &ev));
    ck_assert_uint_eq(check_scan_result(&ev, 1, false), 0x02);   /* by channel: 1, 6, 11 */
    ck_assert_uint_ge(ev.t_ns - t0, 10 * MS);
    prev = ev;
    ck_assert(host_event(h, 1, &ev));
    ck_assert_uint_eq(check_scan_result(&ev, 6, true), 0x01);
    ck_assert_uint_ge(ev.t_ns - prev.t_ns, 10 * MS);
    ck_assert_uint_le(ev.t_ns - prev.t_ns, 50 * MS);
    ck_assert_int_eq((int16_t)test_le16(ev.data + 12 + 78), -45);
    ck_assert_mem_eq(ev.data + 12 + 19, "Home", 4);
    prev = ev;
    ck_assert(host_event(h, 2, &ev));
    ck_assert_uint_eq(check_scan_result(&ev, 11, true), 0x03);
    ck_assert_uint_ge(ev.t_ns - prev.t_ns, 10 * MS);
    ck_assert_uint_le(ev.t_ns - prev.t_ns, 50 * MS);
    prev = ev;
    ck_assert(host_event(h, 3, &ev));
    ck_assert_uint_eq(ev.type, E_ESCAN_RESULT);
    ck_assert_uint_eq(ev.status, 0);
    ck_assert_uint_eq(ev.datalen, 12);
    ck_assert_uint_eq(test_le16(ev.data + 10), 0);
    ck_assert_uint_le(ev.t_ns - prev.t_ns, 50 * MS);
    for (unsigned i = 0; i < h->rx_count; i++) {
        ck_assert_uint_le(h->rx[i].len, 1544);
    }
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.scans, 1);
    ck_assert_uint_eq(st.scan_results, 3);
    host_free(h);
}
END_TEST

START_TEST(escan_filters_by_ssid_and_channel)
{
    struct wwd_host *h = wifi_host();
    host_add_ap(h, "Cafe", bssid2, 1, -70, BCM43362_SECURITY_OPEN, NULL);
    host_add_ap(h, "Office", bssid3, 11, -60, BCM43362_SECURITY_WPA2_PSK, "12345678");
    start_escan(h, 7, "Office", NULL, 0);
    host_advance_ms(h, 1000);
    ck_assert_uint_eq(host_event_count(h), 2);
    struct event_view ev;
    ck_assert(host_event(h, 0, &ev));
    ck_assert_uint_eq(check_scan_result(&ev, 11, true), 0x03);
    ck_assert_uint_eq(test_le16(ev.data + 8), 7);                 /* sync_id */
    host_clear_rx(h);
    const uint16_t channels[2] = { 1, 6 };
    start_escan(h, 0, NULL, channels, 2);
    host_advance_ms(h, 1000);
    ck_assert_uint_eq(host_event_count(h), 3);
    host_free(h);
}
END_TEST

START_TEST(escan_abort_and_results_of_vanished_aps)
{
    struct wwd_host *h = wifi_host();
    host_add_ap(h, "Cafe", bssid2, 1, -70, BCM43362_SECURITY_OPEN, NULL);
    start_escan(h, 0, NULL, NULL, 0);
    ck_assert(bcm43362_ap_remove(h->chip, bssid1));             /* gone before its turn */
    host_advance_ms(h, 1000);
    ck_assert_uint_eq(host_event_count(h), 2);                   /* Cafe + done */
    host_clear_rx(h);
    start_escan(h, 0, NULL, NULL, 0);
    uint8_t abort_params[8] = { 1, 0, 0, 0, 3, 0, 0, 0 };
    ck_assert_int_eq(host_iovar_set(h, "escan", abort_params, sizeof abort_params), 0);
    host_advance_ms(h, 1000);
    struct event_view ev;
    ck_assert_uint_eq(host_event_count(h), 1);
    ck_assert(host_event(h, 0, &ev));
    ck_assert_uint_eq(ev.status, 4);                              /* ABORT */
    host_free(h);
}
END_TEST

static Suite *wifi_suite(void)
{
    Suite *s = suite_create("bcm43362_wifi");
    TCase *tc = tcase_create("wifi");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, link_event_matches_the_reference_bytes);
    tcase_add_test(tc, wpa2_join_with_the_right_passphrase);
    tcase_add_test(tc, wpa2_join_with_a_wrong_passphrase_times_out_on_m3);
    tcase_add_test(tc, sup_wpa_tmo_sets_the_handshake_timeout);
    tcase_add_test(tc, join_with_a_hex_pmk);
    tcase_add_test(tc, missing_ssid_reports_no_networks_only);
    tcase_add_test(tc, security_mismatch_is_pruned);
    tcase_add_test(tc, open_join_needs_no_psk_event);
    tcase_add_test(tc, ap_vanishes_and_returns);
    tcase_add_test(tc, ap_vanishing_mid_join_fails_it);
    tcase_add_test(tc, rssi_update_keeps_the_link_other_changes_drop_it);
    tcase_add_test(tc, host_disassoc_reports_link_down);
    tcase_add_test(tc, join_while_down_is_refused);
    tcase_add_test(tc, escan_reports_each_bss_then_completes);
    tcase_add_test(tc, escan_filters_by_ssid_and_channel);
    tcase_add_test(tc, escan_abort_and_results_of_vanished_aps);
    suite_add_tcase(s, tc);
    return s;
}

BCM43362_TEST_MAIN(wifi_suite)
