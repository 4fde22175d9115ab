/* The fault engine: rule text, matching, and each action on real traffic. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fault_rules.h"
#include "harness.h"
#include "packet.h"

/* ---- rule text ---- */

START_TEST(parse_and_format_round_trip)
{
    static const char *const texts[] = {
        "drop out tcp dport 5683",
        "reject out tcp to 52.0.0.10/32 dport 5683",
        "pass udp sport 67-68",
        "loss 0.25 in",
        "delay 250ms out udp dport 53",
        "corrupt 0.01 in tcp sport 5683 fix-checksum",
        "rate 8000 in icmp",
        "drop tcp from 192.168.1.0/24 syn limit 3 label first-syns",
        "drop arp to 192.168.1.1/32",
    };
    size_t i;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        fault_rule a, b;
        char text[256], err[128];
        ck_assert_msg(fault_rule_parse(texts[i], &a, err, sizeof(err)) == 0, "%s: %s", texts[i], err);
        fault_rule_format(&a, text, sizeof(text));
        ck_assert_msg(fault_rule_parse(text, &b, err, sizeof(err)) == 0, "%s: %s", text, err);
        ck_assert_msg(memcmp(&a, &b, sizeof(a)) == 0, "'%s' -> '%s' differs", texts[i], text);
    }
}
END_TEST

START_TEST(parse_values)
{
    fault_rule r;
    ck_assert_int_eq(fault_rule_parse("loss 30% out", &r, NULL, 0), 0);
    ck_assert(r.action == FAULT_LOSS && r.rate > 0.2999 && r.rate < 0.3001);
    ck_assert_int_eq(r.direction, FAULT_TO_NETWORK);
    ck_assert_int_eq(fault_rule_parse("delay 2s", &r, NULL, 0), 0);
    ck_assert_uint_eq(r.delay_ms, 2000);
    ck_assert_int_eq(r.direction, FAULT_BOTH);
    ck_assert_int_eq(fault_rule_parse("rate 8k", &r, NULL, 0), 0);
    ck_assert_uint_eq(r.bytes_per_second, 8000);
    ck_assert_int_eq(fault_rule_parse("corrupt", &r, NULL, 0), 0);
    ck_assert(r.rate == 1.0);
    ck_assert_int_eq(fault_rule_parse("drop udp dport 1000-2000 to 10.1.2.3/8", &r, NULL, 0), 0);
    ck_assert_uint_eq(r.dst_port.min, 1000);
    ck_assert_uint_eq(r.dst_port.max, 2000);
    ck_assert_uint_eq(r.dst_addr, A4(10, 0, 0, 0));
    ck_assert_uint_eq(r.dst_prefix, 8);
}
END_TEST

START_TEST(parse_errors)
{
    static const char *const bad[] = {
        "", "explode", "drop dport 5683", "drop tcp dport 70000", "drop tcp dport 9-3",
        "loss", "loss 1.5", "loss -0.1", "delay", "delay 5min", "rate 0", "drop to 300.1.1.1",
        "drop to 1.2.3.4/33", "drop udp syn", "drop tcp limit 0", "drop sideways",
        "pass fix-checksum",
    };
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fault_rule r;
        char err[128] = "";
        ck_assert_msg(fault_rule_parse(bad[i], &r, err, sizeof(err)) == -1, "accepted '%s'", bad[i]);
        ck_assert_msg(err[0] != '\0', "no message for '%s'", bad[i]);
    }
}
END_TEST

/* ---- matching, on frames built by the test ---- */

static fault_verdict judge(fault_rules *rules, fault_direction dir, const uint8_t *frame, size_t len)
{
    packet_view v;
    fault_verdict verdict;
    ck_assert(packet_parse(&v, frame, len));
    fault_rules_evaluate(rules, dir, &v, 0, &verdict);
    return verdict;
}

START_TEST(matching_fields)
{
    fault_rules *rules = fault_rules_new(1);
    uint8_t syn[TF_MAX], ack[TF_MAX], dns[TF_MAX], arp[TF_MAX];
    size_t syn_len = tf_tcp(syn, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(192, 168, 1, 100),
                            A4(52, 0, 0, 10), 49152, 5683, 1, 0, TF_SYN, 5840, 1460, NULL, 0);
    size_t ack_len = tf_tcp(ack, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(192, 168, 1, 100),
                            A4(52, 0, 0, 10), 49152, 5683, 2, 1, TF_ACK, 5840, 0, NULL, 0);
    size_t dns_len = tf_udp(dns, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(192, 168, 1, 100),
                            A4(192, 168, 1, 1), 1024, 53, (const uint8_t *)"x", 1);
    size_t arp_len = tf_arp(arp, 1, TF_BROADCAST, TF_DEVICE_MAC, A4(192, 168, 1, 100), NULL,
                            A4(192, 168, 1, 1));

    ck_assert_int_gt(fault_rules_add_text(rules, "drop out tcp dport 5683 syn", NULL, 0), 0);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, syn, syn_len).outcome, FAULT_DROP);
    ck_assert_int_eq(judge(rules, FAULT_TO_DEVICE, syn, syn_len).outcome, FAULT_PASS);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, ack, ack_len).outcome, FAULT_PASS);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, dns_len).outcome, FAULT_PASS);
    fault_rules_clear(rules);

    ck_assert_int_gt(fault_rules_add_text(rules, "drop from 192.168.1.0/24 to 52.0.0.0/8", NULL, 0), 0);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, ack, ack_len).outcome, FAULT_DROP);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, dns_len).outcome, FAULT_PASS);
    fault_rules_clear(rules);

    ck_assert_int_gt(fault_rules_add_text(rules, "drop arp to 192.168.1.1", NULL, 0), 0);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, arp, arp_len).outcome, FAULT_DROP);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, dns_len).outcome, FAULT_PASS);
    fault_rules_clear(rules);

    ck_assert_int_gt(fault_rules_add_text(rules, "drop udp sport 1000-1024", NULL, 0), 0);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, dns_len).outcome, FAULT_DROP);
    fault_rules_free(rules);
}
END_TEST

START_TEST(order_terminal_and_cumulative_actions)
{
    fault_rules *rules = fault_rules_new(1);
    uint8_t dns[TF_MAX];
    size_t len = tf_udp(dns, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(192, 168, 1, 100),
                        A4(192, 168, 1, 1), 1024, 53, (const uint8_t *)"x", 1);
    fault_verdict v;
    int delay_id, pass_id;
    fault_rule_stats st;

    delay_id = fault_rules_add_text(rules, "delay 100ms", NULL, 0);
    ck_assert_int_gt(fault_rules_add_text(rules, "delay 50ms udp", NULL, 0), 0);
    ck_assert_int_gt(fault_rules_add_text(rules, "drop udp", NULL, 0), 0);
    v = judge(rules, FAULT_TO_NETWORK, dns, len);
    ck_assert_int_eq(v.outcome, FAULT_DROP);
    /* a pass inserted before the drop wins; delays before it still apply */
    fault_rule r;
    fault_rule_init(&r, FAULT_PASS);
    r.protocol = FAULT_PROTO_UDP;
    r.dst_port.min = r.dst_port.max = 53;
    pass_id = fault_rules_add(rules, &r, 2);
    v = judge(rules, FAULT_TO_NETWORK, dns, len);
    ck_assert_int_eq(v.outcome, FAULT_PASS);
    ck_assert_uint_eq(v.delay_ns, MS(150));
    ck_assert(fault_rules_stats(rules, delay_id, &st));
    ck_assert_uint_eq(st.matched, 2);
    ck_assert_uint_eq(st.delayed, 2);
    ck_assert(fault_rules_remove(rules, pass_id));
    ck_assert(!fault_rules_remove(rules, pass_id));
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, len).outcome, FAULT_DROP);
    fault_rules_free(rules);
}
END_TEST

START_TEST(limit_makes_a_rule_go_inert)
{
    fault_rules *rules = fault_rules_new(1);
    uint8_t dns[TF_MAX];
    size_t len = tf_udp(dns, TF_DEVICE_MAC, TF_GATEWAY_MAC, A4(192, 168, 1, 100),
                        A4(192, 168, 1, 1), 1024, 53, (const uint8_t *)"x", 1);
    ck_assert_int_gt(fault_rules_add_text(rules, "drop udp limit 2", NULL, 0), 0);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, len).outcome, FAULT_DROP);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, len).outcome, FAULT_DROP);
    ck_assert_int_eq(judge(rules, FAULT_TO_NETWORK, dns, len).outcome, FAULT_PASS);
    fault_rules_free(rules);
}
END_TEST

/* ---- actions on traffic ---- */

static bool ping(harness *h, uint16_t seq, rx_frame **reply)
{
    uint8_t frame[TF_MAX];
    rx_frame *f;
    tf_parsed p;
    harness_send(h, frame, tf_icmp_echo(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                        A4(8, 8, 8, 8), 1, seq, (const uint8_t *)"0123456789", 10));
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, &p) && p.proto == 1 && p.icmp_type == 0 && p.icmp_seq == seq) {
            if (reply)
                *reply = f;
            return true;
        }
    }
    return false;
}

/* 200 pings through "loss 0.5": the pattern of losses, as a bitmap */
static void loss_pattern(uint64_t seed, uint8_t pattern[25], unsigned *answered)
{
    netsim_config cfg;
    harness *h;
    unsigned i;
    netsim_config_default(&cfg);
    cfg.seed = seed;
    h = harness_new(&cfg);
    harness_dhcp(h);
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net), "loss 0.5 icmp out", NULL, 0), 0);
    memset(pattern, 0, 25);
    *answered = 0;
    for (i = 0; i < 200; i++) {
        if (ping(h, (uint16_t)i, NULL)) {
            pattern[i / 8] |= (uint8_t)(1u << (i % 8));
            (*answered)++;
        }
        harness_advance(h, MS(10));
    }
    harness_free(h);
}

START_TEST(seeded_loss_is_deterministic)
{
    uint8_t a[25], b[25], c[25];
    unsigned na, nb, nc;
    loss_pattern(42, a, &na);
    loss_pattern(42, b, &nb);
    loss_pattern(43, c, &nc);
    ck_assert_mem_eq(a, b, 25);
    ck_assert_uint_eq(na, nb);
    ck_assert(memcmp(a, c, 25) != 0);
    ck_assert_uint_ge(na, 70); /* about half of 200 */
    ck_assert_uint_le(na, 130);
}
END_TEST

START_TEST(delay_holds_frames_for_exactly_that_long)
{
    harness *h = harness_new(NULL);
    rx_frame *f;
    uint64_t sent;
    harness_dhcp(h);
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net), "delay 300ms in icmp", NULL, 0), 0);
    sent = h->now;
    ck_assert(!ping(h, 1, NULL));
    harness_advance(h, MS(299));
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    harness_advance(h, MS(1));
    ck_assert_uint_eq(harness_rx_pending(h), 1);
    f = harness_rx(h);
    ck_assert_uint_eq(f->time_ns, sent + MS(300));
    ck_assert_uint_eq(netsim_get_stats(h->net)->delayed_frames, 1);
    harness_free(h);
}
END_TEST

START_TEST(delayed_dns_still_resolves)
{
    harness *h = harness_new(NULL);
    uint8_t msg[256], frame[TF_MAX];
    size_t len;
    harness_dhcp(h);
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net), "delay 2s out udp dport 53", NULL, 0), 0);
    len = tf_dns_query(msg, 5, "device.spark.io", 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 1000, 53, msg, len));
    harness_advance(h, MS(1999));
    ck_assert_uint_eq(netsim_get_stats(h->net)->dns_queries, 0);
    harness_advance(h, MS(1));
    ck_assert_uint_eq(netsim_get_stats(h->net)->dns_answered, 1);
    ck_assert_uint_eq(harness_rx_pending(h), 1);
    harness_free(h);
}
END_TEST

START_TEST(corruption_breaks_the_checksum_unless_fixed)
{
    harness *h = harness_new(NULL);
    uint8_t msg[256], frame[TF_MAX];
    size_t len;
    rx_frame *f;
    tf_parsed p;
    int id;
    harness_dhcp(h);
    id = fault_rules_add_text(netsim_rules(h->net), "corrupt in udp sport 53", NULL, 0);
    len = tf_dns_query(msg, 5, "device.spark.io", 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 1000, 53, msg, len));
    f = harness_rx(h);
    ck_assert_ptr_nonnull(f);
    ck_assert(tf_parse(f->data, f->len, &p));
    ck_assert(p.ip_checksum_ok); /* headers stay routable */
    ck_assert(!p.l4_checksum_ok);
    fault_rules_remove(netsim_rules(h->net), id);

    fault_rules_add_text(netsim_rules(h->net), "corrupt in udp sport 53 fix-checksum", NULL, 0);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 1000, 53, msg, len));
    f = harness_rx(h);
    ck_assert_ptr_nonnull(f);
    ck_assert(tf_parse(f->data, f->len, &p));
    ck_assert(p.l4_checksum_ok);
    ck_assert_uint_eq(netsim_get_stats(h->net)->corrupted_frames, 2);
    harness_free(h);
}
END_TEST

START_TEST(corrupted_frames_from_the_device_are_dropped_by_the_router)
{
    harness *h = harness_new(NULL);
    harness_dhcp(h);
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net), "corrupt out icmp", NULL, 0), 0);
    ck_assert(!ping(h, 1, NULL));
    ck_assert_uint_eq(netsim_get_stats(h->net)->malformed, 1);
    harness_free(h);
}
END_TEST

START_TEST(rate_limit_serialises_frames)
{
    harness *h = harness_new(NULL);
    rx_frame *f;
    uint64_t t0, times[5];
    size_t frame_len = 0;
    unsigned i;
    harness_dhcp(h);
    /* 1000 bytes/s: a 52-byte echo reply takes 52 ms on the wire */
    ck_assert_int_gt(fault_rules_add_text(netsim_rules(h->net), "rate 1000 in icmp", NULL, 0), 0);
    t0 = h->now;
    for (i = 0; i < 5; i++)
        ping(h, (uint16_t)i, NULL);
    harness_advance(h, MS(1000));
    for (i = 0; i < 5; i++) {
        f = harness_rx(h);
        ck_assert_ptr_nonnull(f);
        times[i] = f->time_ns;
        frame_len = f->len;
    }
    for (i = 0; i < 5; i++)
        ck_assert_uint_eq(times[i], t0 + (i + 1) * (uint64_t)frame_len * 1000000ull);
    harness_free(h);
}
END_TEST

START_TEST(walled_garden_preset)
{
    harness *h = harness_new(NULL);
    tcp_client c;
    tf_parsed p;
    uint8_t msg[256], frame[TF_MAX];
    size_t len;
    ck_assert_int_eq(fault_rules_preset_walled_garden(netsim_rules(h->net)), 7);
    harness_dhcp(h); /* DHCP and ARP pass */
    harness_listen(h);
    ck_assert(ping(h, 1, NULL)); /* ICMP passes */
    len = tf_dns_query(msg, 5, "device.spark.io", 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 1000, 53, msg, len));
    ck_assert_uint_eq(harness_rx_pending(h), 1); /* DNS passes */
    harness_rx_clear(h);
    len = tf_ntp_request(msg, 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(52, 0, 0, 123), 1000, 123, msg, len));
    ck_assert_uint_eq(harness_rx_pending(h), 0); /* NTP does not: 2 orange blinks */
    tcp_client_init(&c, h, A4(52, 0, 0, 10), 5683, 49152, 1);
    tcp_client_send(&c, TF_SYN, NULL, 0, 1460);
    harness_advance(h, MS(100));
    ck_assert(!tcp_client_next(&c, &p, NULL)); /* nor the cloud */
    harness_free(h);
}
END_TEST

START_TEST(block_outbound_tcp_preset)
{
    fault_rules *rules = fault_rules_new(1);
    fault_rule r;
    int id;
    ck_assert_int_eq(fault_rules_preset_block_outbound_tcp(rules, 5683), 1);
    ck_assert(fault_rules_at(rules, 0, &id, &r, NULL));
    ck_assert_int_eq(r.action, FAULT_DROP);
    ck_assert_int_eq(r.direction, FAULT_TO_NETWORK);
    ck_assert_int_eq(r.protocol, FAULT_PROTO_TCP);
    ck_assert_uint_eq(r.dst_port.min, 5683);
    ck_assert_uint_eq(r.dst_port.max, 5683);
    fault_rules_free(rules);
}
END_TEST

START_TEST(reject_udp_gives_port_unreachable)
{
    harness *h = harness_new(NULL);
    uint8_t msg[256], frame[TF_MAX];
    size_t len;
    rx_frame *f;
    tf_parsed p;
    harness_dhcp(h);
    fault_rules_add_text(netsim_rules(h->net), "reject out udp dport 123", NULL, 0);
    len = tf_ntp_request(msg, 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(52, 0, 0, 123), 1000, 123, msg, len));
    f = harness_rx(h);
    ck_assert_ptr_nonnull(f);
    ck_assert(tf_parse(f->data, f->len, &p));
    ck_assert_uint_eq(p.proto, 1);
    ck_assert_uint_eq(p.icmp_type, 3);
    ck_assert_uint_eq(p.icmp_code, 3);
    ck_assert_uint_eq(p.src_ip, A4(52, 0, 0, 123));
    ck_assert(p.l4_checksum_ok);
    ck_assert_uint_eq(p.payload_len, 28); /* the quoted IP header + 8 bytes */
    harness_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net-fault-rules");
    TCase *tc = tcase_create("fault_rules");
    SRunner *sr;
    int failed;
    tcase_add_test(tc, parse_and_format_round_trip);
    tcase_add_test(tc, parse_values);
    tcase_add_test(tc, parse_errors);
    tcase_add_test(tc, matching_fields);
    tcase_add_test(tc, order_terminal_and_cumulative_actions);
    tcase_add_test(tc, limit_makes_a_rule_go_inert);
    tcase_add_test(tc, seeded_loss_is_deterministic);
    tcase_add_test(tc, delay_holds_frames_for_exactly_that_long);
    tcase_add_test(tc, delayed_dns_still_resolves);
    tcase_add_test(tc, corruption_breaks_the_checksum_unless_fixed);
    tcase_add_test(tc, corrupted_frames_from_the_device_are_dropped_by_the_router);
    tcase_add_test(tc, rate_limit_serialises_frames);
    tcase_add_test(tc, walled_garden_preset);
    tcase_add_test(tc, block_outbound_tcp_preset);
    tcase_add_test(tc, reject_udp_gives_port_unreachable);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
