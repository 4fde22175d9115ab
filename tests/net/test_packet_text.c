/* packet_describe: the one-line frame descriptions scenario expectations match. Frames
 * come from the independent test builders (frames.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "packet.h"
#include "packet_text.h"

#define DEVICE A4(192, 168, 1, 100)
#define ROUTER A4(192, 168, 1, 1)
#define CLOUD A4(52, 0, 0, 10)

static const char *describe(const uint8_t *frame, size_t len)
{
    static char text[256];
    packet_view v;

    ck_assert(packet_parse(&v, frame, len));
    ck_assert_uint_lt(packet_describe(&v, text, sizeof(text)), sizeof(text));
    return text;
}

START_TEST(tcp_flags_and_length)
{
    uint8_t f[TF_MAX];
    size_t n = tf_tcp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, CLOUD, 49152, 5683, 1, 0,
                      TF_SYN, 5840, 1460, NULL, 0);
    ck_assert_str_eq(describe(f, n), "tcp 192.168.1.100:49152 > 52.0.0.10:5683 SYN");
    n = tf_tcp(f, TF_GATEWAY_MAC, TF_DEVICE_MAC, CLOUD, DEVICE, 5683, 49152, 7, 2,
               TF_SYN | TF_ACK, 5840, 1460, NULL, 0);
    ck_assert_str_eq(describe(f, n), "tcp 52.0.0.10:5683 > 192.168.1.100:49152 SYN ACK");
    n = tf_tcp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, CLOUD, 49152, 5683, 2, 8,
               TF_PSH | TF_ACK, 5840, 0, (const uint8_t *)"0123456789", 10);
    ck_assert_str_eq(describe(f, n), "tcp 192.168.1.100:49152 > 52.0.0.10:5683 PSH ACK len 10");
    n = tf_tcp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, CLOUD, 49152, 5683, 2, 8,
               TF_FIN | TF_RST | TF_ACK, 5840, 0, NULL, 0);
    ck_assert_str_eq(describe(f, n), "tcp 192.168.1.100:49152 > 52.0.0.10:5683 FIN RST ACK");
}
END_TEST

START_TEST(dhcp_message_types)
{
    uint8_t f[TF_MAX], msg[600];
    size_t m = tf_dhcp(msg, 1, 0x1234, TF_DEVICE_MAC, 0, 0, 0, true);
    size_t n = tf_udp(f, TF_DEVICE_MAC, TF_BROADCAST, 0, 0xffffffff, 68, 67, msg, m);
    ck_assert_str_eq(describe(f, n), "udp 0.0.0.0:68 > 255.255.255.255:67 dhcp DISCOVER");
    m = tf_dhcp(msg, 3, 0x1234, TF_DEVICE_MAC, 0, DEVICE, ROUTER, true);
    n = tf_udp(f, TF_DEVICE_MAC, TF_BROADCAST, 0, 0xffffffff, 68, 67, msg, m);
    ck_assert_str_eq(describe(f, n), "udp 0.0.0.0:68 > 255.255.255.255:67 dhcp REQUEST");
    memset(msg + 236, 0, 4); /* no magic cookie: plain BOOTP */
    n = tf_udp(f, TF_DEVICE_MAC, TF_BROADCAST, 0, 0xffffffff, 68, 67, msg, m);
    ck_assert_str_eq(describe(f, n), "udp 0.0.0.0:68 > 255.255.255.255:67 bootp");
}
END_TEST

START_TEST(dns_queries_and_responses)
{
    uint8_t f[TF_MAX], msg[512];
    size_t m = tf_dns_query(msg, 7, "device.spark.io", 1);
    size_t n = tf_udp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, ROUTER, 1024, 53, msg, m);
    ck_assert_str_eq(describe(f, n), "udp 192.168.1.100:1024 > 192.168.1.1:53 dns query A device.spark.io");
    msg[2] |= 0x80; /* QR: a response ... */
    msg[3] = (msg[3] & 0xf0) | 3; /* ... saying NXDOMAIN */
    n = tf_udp(f, TF_GATEWAY_MAC, TF_DEVICE_MAC, ROUTER, DEVICE, 53, 1024, msg, m);
    ck_assert_str_eq(describe(f, n),
                     "udp 192.168.1.1:53 > 192.168.1.100:1024 dns response A device.spark.io NXDOMAIN");
    n = tf_udp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, ROUTER, 1024, 53, msg, 5);
    ck_assert_str_eq(describe(f, n), "udp 192.168.1.100:1024 > 192.168.1.1:53 dns len 5");
}
END_TEST

START_TEST(ntp_icmp_arp_and_other)
{
    uint8_t f[TF_MAX], msg[48];
    size_t m = tf_ntp_request(msg, 0);
    size_t n = tf_udp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, A4(52, 0, 0, 123), 2390, 123, msg, m);
    ck_assert_str_eq(describe(f, n), "udp 192.168.1.100:2390 > 52.0.0.123:123 ntp len 48");
    n = tf_udp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, CLOUD, 5000, 5001, msg, 3);
    ck_assert_str_eq(describe(f, n), "udp 192.168.1.100:5000 > 52.0.0.10:5001 len 3");
    n = tf_icmp_echo(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, A4(8, 8, 8, 8), 1, 1, NULL, 0);
    ck_assert_str_eq(describe(f, n), "icmp 192.168.1.100 > 8.8.8.8 echo-request");
    n = tf_arp(f, 1, TF_BROADCAST, TF_DEVICE_MAC, DEVICE, TF_BROADCAST, ROUTER);
    ck_assert_str_eq(describe(f, n), "arp who-has 192.168.1.1 tell 192.168.1.100");
    n = tf_arp(f, 2, TF_DEVICE_MAC, TF_GATEWAY_MAC, ROUTER, TF_DEVICE_MAC, DEVICE);
    ck_assert_str_eq(describe(f, n), "arp 192.168.1.1 is-at 52:55:c0:a8:01:01");
}
END_TEST

START_TEST(truncates_like_snprintf)
{
    uint8_t f[TF_MAX];
    char small[12];
    packet_view v;
    size_t n = tf_tcp(f, TF_DEVICE_MAC, TF_GATEWAY_MAC, DEVICE, CLOUD, 49152, 5683, 1, 0,
                      TF_SYN, 5840, 1460, NULL, 0);
    ck_assert(packet_parse(&v, f, n));
    ck_assert_uint_eq(packet_describe(&v, small, sizeof(small)),
                      strlen("tcp 192.168.1.100:49152 > 52.0.0.10:5683 SYN"));
    ck_assert_str_eq(small, "tcp 192.168");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("packet_text");
    TCase *tc = tcase_create("describe");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, tcp_flags_and_length);
    tcase_add_test(tc, dhcp_message_types);
    tcase_add_test(tc, dns_queries_and_responses);
    tcase_add_test(tc, ntp_icmp_arp_and_other);
    tcase_add_test(tc, truncates_like_snprintf);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
