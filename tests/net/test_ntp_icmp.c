/* The internet test (SNTP to pool.ntp.org) and ping. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define NTP_1900_TO_1970 2208988800ull

static bool ntp_exchange(harness *h, uint32_t server, uint64_t transmit_ts, tf_parsed *reply)
{
    uint8_t msg[64], frame[TF_MAX];
    rx_frame *f;
    size_t len = tf_ntp_request(msg, transmit_ts);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip, server,
                                  4123, 123, msg, len));
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, reply) && reply->proto == 17 && reply->sport == 123)
            return true;
    }
    return false;
}

START_TEST(sntp_reply_carries_the_virtual_time)
{
    harness *h = harness_new(NULL);
    tf_parsed p;
    uint64_t sent = 0x1122334455667788ull;
    uint32_t seconds, fraction;

    harness_dhcp(h);
    harness_advance(h, MS(5500) + 123457); /* some virtual time later, not on a second */
    {
        uint64_t now = h->now;
        ck_assert(ntp_exchange(h, A4(52, 0, 0, 123), sent, &p));
        ck_assert(p.l4_checksum_ok);
        ck_assert_uint_eq(p.src_ip, A4(52, 0, 0, 123));
        ck_assert_uint_eq(p.dport, 4123);
        ck_assert_uint_eq(p.payload_len, 48);
        ck_assert_uint_eq(p.payload[0] & 7, 4);        /* server */
        ck_assert_uint_eq((p.payload[0] >> 3) & 7, 4); /* version echoed */
        ck_assert_uint_eq(p.payload[0] >> 6, 0);       /* no leap warning */
        ck_assert_uint_eq(p.payload[1], 2);            /* stratum */
        /* originate = our transmit */
        ck_assert_uint_eq(tf_be32(p.payload + 24), (uint32_t)(sent >> 32));
        ck_assert_uint_eq(tf_be32(p.payload + 28), (uint32_t)sent);
        seconds = tf_be32(p.payload + 40);
        fraction = tf_be32(p.payload + 44);
        ck_assert_uint_eq(seconds, NETSIM_EPOCH_2026 + NTP_1900_TO_1970 + now / 1000000000ull);
        /* the fraction is the sub-second part of virtual time, to within 1 ns */
        {
            uint64_t ns = ((uint64_t)fraction * 1000000000ull) >> 32;
            uint64_t expect = now % 1000000000ull;
            ck_assert_uint_le(expect - ns, 1);
        }
    }
    ck_assert_uint_eq(netsim_get_stats(h->net)->ntp_answered, 1);
    harness_free(h);
}
END_TEST

START_TEST(sntp_faults_silence_and_skew)
{
    harness *h = harness_new(NULL);
    tf_parsed p;
    harness_dhcp(h);
    netsim_ntp(h->net)->silent = true;
    ck_assert(!ntp_exchange(h, A4(52, 0, 0, 123), 1, &p));
    ck_assert_uint_eq(netsim_get_stats(h->net)->ntp_unanswered, 1);
    netsim_ntp(h->net)->silent = false;
    netsim_ntp(h->net)->offset_s = -3600;
    ck_assert(ntp_exchange(h, A4(52, 0, 0, 123), 1, &p));
    ck_assert_uint_eq(tf_be32(p.payload + 40),
                      NETSIM_EPOCH_2026 + NTP_1900_TO_1970 - 3600 + h->now / 1000000000ull);
    harness_free(h);
}
END_TEST

START_TEST(sntp_to_other_addresses_is_unanswered_by_default)
{
    netsim_config cfg;
    harness *h = harness_new(NULL);
    tf_parsed p;
    harness_dhcp(h);
    ck_assert(!ntp_exchange(h, A4(9, 9, 9, 9), 1, &p));
    harness_free(h);

    netsim_config_default(&cfg);
    cfg.answer_any_ntp = true;
    h = harness_new(&cfg);
    harness_dhcp(h);
    ck_assert(ntp_exchange(h, A4(9, 9, 9, 9), 1, &p));
    ck_assert_uint_eq(p.src_ip, A4(9, 9, 9, 9));
    harness_free(h);
}
END_TEST

START_TEST(a_mode_other_than_client_is_ignored)
{
    harness *h = harness_new(NULL);
    uint8_t msg[64], frame[TF_MAX];
    size_t len;
    harness_dhcp(h);
    len = tf_ntp_request(msg, 1);
    msg[0] = (4 << 3) | 4; /* a server packet sent to a server */
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(52, 0, 0, 123), 4123, 123, msg, len));
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(52, 0, 0, 123), 4123, 123, msg, 20)); /* too short */
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    harness_free(h);
}
END_TEST

static bool ping(harness *h, uint32_t dst, uint16_t seq, tf_parsed *reply)
{
    uint8_t frame[TF_MAX], data[56];
    rx_frame *f;
    size_t i;
    for (i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i + seq);
    harness_send(h, frame, tf_icmp_echo(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip, dst,
                                        0x77, seq, data, sizeof(data)));
    harness_advance(h, MS(1));
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, reply) && reply->proto == 1) {
            ck_assert_uint_eq(reply->payload_len, sizeof(data));
            ck_assert_mem_eq(reply->payload, data, sizeof(data));
            return true;
        }
    }
    return false;
}

START_TEST(ping_the_internet_without_a_socket)
{
    harness *h = harness_new(NULL);
    tf_parsed p;
    harness_dhcp(h);
    ck_assert(ping(h, A4(8, 8, 8, 8), 1, &p));
    ck_assert_uint_eq(p.icmp_type, 0);
    ck_assert_uint_eq(p.icmp_code, 0);
    ck_assert_uint_eq(p.icmp_id, 0x77);
    ck_assert_uint_eq(p.icmp_seq, 1);
    ck_assert_uint_eq(p.src_ip, A4(8, 8, 8, 8));
    ck_assert_uint_eq(p.dst_ip, h->device_ip);
    ck_assert(p.l4_checksum_ok && p.ip_checksum_ok);
    ck_assert_mem_eq(p.src_mac, TF_GATEWAY_MAC, 6);
    ck_assert(ping(h, A4(192, 168, 1, 1), 2, &p)); /* the router itself */
    ck_assert_uint_eq(p.src_ip, A4(192, 168, 1, 1));
    ck_assert(ping(h, A4(52, 0, 0, 10), 3, &p)); /* the cloud */
    ck_assert_uint_eq(netsim_get_stats(h->net)->icmp_echo_replies, 3);
    harness_free(h);
}
END_TEST

START_TEST(ping_to_nobody_on_the_lan_and_to_a_dark_internet)
{
    netsim_config cfg;
    harness *h = harness_new(NULL);
    tf_parsed p;
    harness_dhcp(h);
    ck_assert(!ping(h, A4(192, 168, 1, 77), 1, &p));
    harness_free(h);

    netsim_config_default(&cfg);
    cfg.answer_ping = false;
    h = harness_new(&cfg);
    harness_dhcp(h);
    ck_assert(!ping(h, A4(8, 8, 8, 8), 1, &p));
    ck_assert(ping(h, A4(192, 168, 1, 1), 2, &p)); /* the router still answers */
    harness_free(h);
}
END_TEST

START_TEST(ping_with_a_bad_checksum_is_dropped)
{
    harness *h = harness_new(NULL);
    uint8_t frame[TF_MAX];
    size_t len;
    harness_dhcp(h);
    len = tf_icmp_echo(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip, A4(8, 8, 8, 8), 1, 1,
                       (const uint8_t *)"abcd", 4);
    frame[len - 1] ^= 0x40;
    harness_send(h, frame, len);
    harness_advance(h, MS(1));
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    ck_assert_uint_eq(netsim_get_stats(h->net)->malformed, 1);
    harness_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net-ntp-icmp");
    TCase *tc = tcase_create("ntp_icmp");
    SRunner *sr;
    int failed;
    tcase_add_test(tc, sntp_reply_carries_the_virtual_time);
    tcase_add_test(tc, sntp_faults_silence_and_skew);
    tcase_add_test(tc, sntp_to_other_addresses_is_unanswered_by_default);
    tcase_add_test(tc, a_mode_other_than_client_is_ignored);
    tcase_add_test(tc, ping_the_internet_without_a_socket);
    tcase_add_test(tc, ping_to_nobody_on_the_lan_and_to_a_dark_internet);
    tcase_add_test(tc, ping_with_a_bad_checksum_is_dropped);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
