/*
 * The CDC/BCDC control channel (reference §3): GET answers at payload offset 0, unknown
 * GETs answer zeros (never an echo), ids and the error flag, cur_etheraddr, mcast_list,
 * GET_BSS_INFO, rand, ver, the SoftAP "bss" iovar, diagnostics.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wwd_host.h"

static const uint8_t photon_mac[6] = { 0x02, 0x0a, 0xf7, 0xe0, 0xae, 0xce };

static struct wwd_host *wifi_host(const struct bcm43362_config *cfg)
{
    struct wwd_host *h = host_new(cfg);
    host_wifi_on(h);
    return h;
}

START_TEST(unknown_get_answers_zeros_not_an_echo)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    ck_assert_int_eq(host_iovar_get(h, "no_such_iovar", NULL, 0, 32, &r), 0);
    ck_assert_uint_eq(r.len, 32);
    ck_assert_uint_eq(r.payload_len, 32);
    for (size_t i = 0; i < 32; i++) {
        ck_assert_uint_eq(r.payload[i], 0);
    }
    ck_assert_uint_eq(r.flags & 1, 0);
    host_iovar_get(h, "no_such_iovar", NULL, 0, 32, &r);
    ck_assert_uint_eq(host_log_count_containing(h, "\"no_such_iovar\""), 1);       /* once */

    uint8_t junk[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    ck_assert_int_eq(host_ioctl(h, 300, false, 0, junk, sizeof junk, &r), 0);       /* plain GET */
    ck_assert_mem_eq(r.payload, "\0\0\0\0\0\0\0\0", 8);
    ck_assert_int_eq(host_ioctl(h, 301, true, 0, junk, sizeof junk, &r), 0);        /* plain SET: echo */
    ck_assert_mem_eq(r.payload, junk, 8);
    ck_assert(host_log_contains(h, "ioctl 300"));
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_ge(st.unknown_ioctls, 4);
    host_free(h);
}
END_TEST

START_TEST(mcast_list_get_count_then_set)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    /* WWD: GET with a 64-byte buffer starting with the name; reads u32 count at 0 */
    ck_assert_int_eq(host_iovar_get(h, "mcast_list", NULL, 0, 64, &r), 0);
    ck_assert_uint_eq(test_le32(r.payload), 0);                   /* not "mcas" = 0x7361636d */
    uint8_t list[4 + 6] = { 1, 0, 0, 0, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    ck_assert_int_eq(host_iovar_set(h, "mcast_list", list, sizeof list), 0);
    ck_assert_int_eq(host_iovar_get(h, "mcast_list", NULL, 0, 64, &r), 0);
    ck_assert_uint_eq(test_le32(r.payload), 1);
    ck_assert_mem_eq(r.payload + 4, list + 4, 6);
    host_free(h);
}
END_TEST

START_TEST(errors_set_the_flag_and_keep_the_id)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    uint8_t big[4] = { 0xe8, 0x03, 0, 0 };                        /* 1000 entries */
    uint8_t buf[64];
    memcpy(buf, "mcast_list", 11);
    memcpy(buf + 11, big, 4);
    ck_assert_int_eq(host_ioctl(h, 263, true, 0, buf, 15, &r), -15);          /* BCME_BUFTOOLONG */
    ck_assert_uint_eq(r.flags & 0x01, 0x01);
    ck_assert_uint_eq(r.flags >> 16, h->ioctl_id);
    ck_assert_uint_eq(r.flags & 0x02, 0x02);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.ioctl_errors, 1);
    host_free(h);
}
END_TEST

START_TEST(cur_etheraddr_from_nvram_or_config)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    ck_assert_int_eq(host_iovar_get(h, "cur_etheraddr", NULL, 0, 6, &r), 0);
    ck_assert_mem_eq(r.payload, photon_mac, 6);
    host_free(h);

    /* another NVRAM macaddr */
    h = host_new(NULL);
    uint8_t nvram[64] = "boardtype=0x0598\0macaddr=02:11:22:33:44:5F\0";
    host_bringup(h, nvram, sizeof nvram);
    ck_assert_int_eq(host_iovar_get(h, "cur_etheraddr", NULL, 0, 6, &r), 0);
    ck_assert_mem_eq(r.payload, "\x02\x11\x22\x33\x44\x5f", 6);
    host_free(h);

    /* the configuration overrides the NVRAM */
    struct bcm43362_config cfg = { .mac_override = true, .mac = { 0x02, 0, 0, 0, 0, 0x42 } };
    h = wifi_host(&cfg);
    ck_assert_int_eq(host_iovar_get(h, "cur_etheraddr", NULL, 0, 6, &r), 0);
    ck_assert_mem_eq(r.payload, cfg.mac, 6);
    host_free(h);
}
END_TEST

START_TEST(get_bss_info_when_not_associated)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    uint8_t req[132] = { 132 };
    ck_assert_int_eq(host_ioctl(h, 136, false, 0, req, sizeof req, &r), 0);
    ck_assert_uint_eq(r.payload_len, 132);
    ck_assert_uint_eq(test_le32(r.payload), 132);
    ck_assert_uint_eq(test_le32(r.payload + 4), 109);             /* wl_bss_info_t.version */
    ck_assert_uint_eq(test_le32(r.payload + 4 + 4), 128);         /* length */
    ck_assert_uint_eq(r.payload[4 + 18], 0);                      /* SSID_len */
    uint32_t wsec = 99;
    ck_assert_int_eq(host_get_u32(h, 133, &wsec), 0);             /* GET_WSEC follows in Device OS */
    ck_assert_uint_eq(wsec, 0);
    host_free(h);
}
END_TEST

START_TEST(settings_read_back)
{
    struct wwd_host *h = wifi_host(NULL);
    uint32_t v;
    ck_assert_int_eq(host_set_u32(h, 134, 4), 0);                 /* WSEC AES */
    ck_assert_int_eq(host_get_u32(h, 133, &v), 0);
    ck_assert_uint_eq(v, 4);
    ck_assert_int_eq(host_set_u32(h, 165, 0x80), 0);              /* WPA2_AUTH_PSK */
    ck_assert_int_eq(host_get_u32(h, 164, &v), 0);
    ck_assert_uint_eq(v, 0x80);
    ck_assert_int_eq(host_set_u32(h, 62, 1), 0);                  /* TXANT */
    ck_assert_int_eq(host_get_u32(h, 61, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(host_get_u32(h, 0, &v), 0);                  /* GET_MAGIC */
    ck_assert_uint_eq(v, 0x14e46c77);
    ck_assert_int_eq(host_get_u32(h, 162, &v), 0);                /* GET_UP */
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(host_get_u32(h, 135, &v), 0);                /* PHY noise */
    ck_assert_int_eq((int32_t)v, -90);
    /* a stored iovar without behaviour reads back */
    struct ioctl_result r;
    ck_assert_int_eq(host_iovar_get(h, "ampdu_ba_wsize", NULL, 0, 4, &r), 0);
    ck_assert_uint_eq(test_le32(r.payload), 8);
    /* bsscfg iovars keep one value per bsscfg */
    ck_assert_int_eq(host_bsscfg_set_u32(h, "sup_wpa_tmo", 0, 1234), 0);
    uint8_t idx[4] = { 0 };
    ck_assert_int_eq(host_iovar_get(h, "bsscfg:sup_wpa_tmo", idx, 4, 8, &r), 0);
    ck_assert_uint_eq(test_le32(r.payload), 1234);
    uint8_t mask[4 + 18] = { 1, 0, 0, 0, 0xff, 0x01 };
    ck_assert_int_eq(host_iovar_set(h, "bsscfg:event_msgs", mask, sizeof mask), 0);
    idx[0] = 1;
    ck_assert_int_eq(host_iovar_get(h, "bsscfg:event_msgs", idx, 4, 22, &r), 0);
    ck_assert_mem_eq(r.payload, mask + 4, 18);
    host_free(h);
}
END_TEST

static void read_rand(const struct bcm43362_config *cfg, uint8_t out[16])
{
    struct wwd_host *h = wifi_host(cfg);
    struct ioctl_result r;
    ck_assert_int_eq(host_iovar_get(h, "rand", NULL, 0, 16, &r), 0);
    memcpy(out, r.payload, 16);
    host_free(h);
}

START_TEST(rand_is_seeded)
{
    struct bcm43362_config a = { .seed = 1 }, b = { .seed = 2 };
    uint8_t r1[16], r2[16], r3[16];
    read_rand(&a, r1);
    read_rand(&a, r2);
    read_rand(&b, r3);
    ck_assert_mem_eq(r1, r2, 16);
    ck_assert(memcmp(r1, r3, 16) != 0);
    ck_assert(memcmp(r1, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) != 0);
}
END_TEST

START_TEST(ver_is_a_firmware_string)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    ck_assert_int_eq(host_iovar_get(h, "ver", NULL, 0, 128, &r), 0);
    ck_assert_ptr_nonnull(memchr(r.payload, '\0', 128));
    ck_assert(strncmp((const char *)r.payload, "wl0: ", 5) == 0);
    ck_assert_ptr_nonnull(strstr((const char *)r.payload, "version 5.90.230.22"));
    /* a short buffer still gets a terminated string */
    ck_assert_int_eq(host_iovar_get(h, "ver", NULL, 0, 8, &r), 0);
    ck_assert_ptr_nonnull(memchr(r.payload, '\0', 8));
    host_free(h);
}
END_TEST

START_TEST(softap_bss_up_sends_link_on_interface_1)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    uint8_t idx[4] = { 1 };
    ck_assert_int_eq(host_iovar_get(h, "bss", idx, 4, 4, &r), 0);
    ck_assert_uint_eq(test_le32(r.payload), 0);
    uint8_t up[8] = { 1, 0, 0, 0, 1, 0, 0, 0 };
    const uint64_t t0 = h->now_ns;
    ck_assert_int_eq(host_iovar_set(h, "bss", up, sizeof up), 0);
    host_advance_ms(h, 100);
    struct event_view ev;
    ck_assert(host_find_event(h, 16, &ev));
    ck_assert_uint_eq(ev.flags & 1, 1);
    ck_assert_uint_eq(ev.ifidx, 1);
    ck_assert_uint_eq(ev.bsscfg, 1);
    ck_assert_uint_lt(ev.t_ns - t0, 10000000000ull);              /* WWD waits 10 s */
    ck_assert_int_eq(host_iovar_get(h, "bss", idx, 4, 4, &r), 0);
    ck_assert_uint_eq(test_le32(r.payload), 1);
    host_clear_rx(h);
    uint8_t down[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
    ck_assert_int_eq(host_iovar_set(h, "bss", down, sizeof down), 0);
    host_advance_ms(h, 100);
    ck_assert(host_find_event(h, 16, &ev));
    ck_assert_uint_eq(ev.flags & 1, 0);
    ck_assert_uint_eq(ev.ifidx, 1);
    host_free(h);
}
END_TEST

static void collect(void *ctx, const char *line)
{
    char *all = ctx;
    strncat(all, line, 16383 - strlen(all));
    strncat(all, "\n", 16383 - strlen(all));
}

START_TEST(dump_names_ioctls_and_iovars)
{
    struct wwd_host *h = wifi_host(NULL);
    char *all = calloc(1, 16384);
    bcm43362_dump(h->chip, collect, all);
    ck_assert_ptr_nonnull(strstr(all, "WLC_UP"));
    ck_assert_ptr_nonnull(strstr(all, "WLC_SET_GMODE"));
    ck_assert_ptr_nonnull(strstr(all, "iovar bus:txglom"));
    ck_assert_ptr_nonnull(strstr(all, "iovar ampdu_mpdu"));
    ck_assert_str_eq(bcm43362_ioctl_name(26), "WLC_SET_SSID");
    free(all);
    host_free(h);
}
END_TEST

START_TEST(malformed_requests_are_answered_safely)
{
    struct wwd_host *h = wifi_host(NULL);
    struct ioctl_result r;
    /* iovar name without NUL */
    ck_assert_int_eq(host_ioctl(h, 262, false, 0, "abcd", 4, &r), -2);
    /* declared length longer than the frame: payload limited to what exists */
    uint8_t body[16] = { 0x06, 0x01, 0, 0, 0xff, 0xff, 0, 0 };   /* GET_VAR, len 65535 */
    host_send_frame(h, 0, body, sizeof body);
    host_service(h);
    ck_assert_uint_ge(h->rx_count, 1);
    const uint8_t *f = h->rx[h->rx_count - 1].data;
    ck_assert_uint_le(test_le16(f), 1544);
    /* bsscfg index out of range */
    uint8_t v[8] = { 9, 0, 0, 0, 1, 0, 0, 0 };
    ck_assert_int_eq(host_iovar_set(h, "bsscfg:event_msgs", v, sizeof v), -2);
    host_free(h);
}
END_TEST

static Suite *bcdc_suite(void)
{
    Suite *s = suite_create("bcm43362_bcdc");
    TCase *tc = tcase_create("bcdc");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, unknown_get_answers_zeros_not_an_echo);
    tcase_add_test(tc, mcast_list_get_count_then_set);
    tcase_add_test(tc, errors_set_the_flag_and_keep_the_id);
    tcase_add_test(tc, cur_etheraddr_from_nvram_or_config);
    tcase_add_test(tc, get_bss_info_when_not_associated);
    tcase_add_test(tc, settings_read_back);
    tcase_add_test(tc, rand_is_seeded);
    tcase_add_test(tc, ver_is_a_firmware_string);
    tcase_add_test(tc, softap_bss_up_sends_link_on_interface_1);
    tcase_add_test(tc, dump_names_ioctls_and_iovars);
    tcase_add_test(tc, malformed_requests_are_answered_safely);
    suite_add_tcase(s, tc);
    return s;
}

BCM43362_TEST_MAIN(bcdc_suite)
