/* The router's DNS: the cloud name, the NTP pool, faults, and the query parser. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns_message.h"
#include "harness.h"

typedef struct dns_answer {
    bool got;
    uint16_t id;
    uint8_t rcode;
    uint16_t flags;
    uint16_t answers;
    uint32_t address;
    uint32_t ttl;
    uint32_t from_ip;
} dns_answer;

static dns_answer ask_server(harness *h, uint32_t server, const char *name, uint16_t qtype)
{
    uint8_t msg[512], frame[TF_MAX];
    size_t len = tf_dns_query(msg, 0x4242, name, qtype);
    dns_answer a;
    rx_frame *f;
    tf_parsed p;

    memset(&a, 0, sizeof(a));
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip, server,
                                  49153, 53, msg, len));
    harness_advance(h, MS(5));
    while ((f = harness_rx(h)) != NULL) {
        if (!tf_parse(f->data, f->len, &p) || p.proto != 17 || p.sport != 53)
            continue;
        ck_assert(p.l4_checksum_ok);
        ck_assert_uint_eq(p.dport, 49153);
        ck_assert_uint_ge(p.payload_len, 12 + len - 12);
        /* the question comes back verbatim */
        ck_assert_mem_eq(p.payload + 12, msg + 12, len - 12);
        a.got = true;
        a.from_ip = p.src_ip;
        a.id = tf_be16(p.payload);
        a.flags = tf_be16(p.payload + 2);
        a.rcode = p.payload[3] & 0x0F;
        a.answers = tf_be16(p.payload + 6);
        if (a.answers) {
            const uint8_t *rr = p.payload + len;
            ck_assert_uint_eq(tf_be16(rr), 0xC00C);
            ck_assert_uint_eq(tf_be16(rr + 2), 1);
            ck_assert_uint_eq(tf_be16(rr + 4), 1);
            a.ttl = tf_be32(rr + 6);
            ck_assert_uint_eq(tf_be16(rr + 10), 4);
            a.address = tf_be32(rr + 12);
        }
    }
    return a;
}

static dns_answer ask(harness *h, const char *name)
{
    return ask_server(h, A4(192, 168, 1, 1), name, 1);
}

START_TEST(cloud_name_resolves_to_the_cloud)
{
    harness *h = harness_new(NULL);
    dns_answer a;
    harness_dhcp(h);
    a = ask(h, "device.spark.io");
    ck_assert(a.got);
    ck_assert_uint_eq(a.id, 0x4242);
    ck_assert_uint_eq(a.flags & 0x8000, 0x8000); /* QR */
    ck_assert_uint_eq(a.flags & 0x0100, 0x0100); /* RD echoed */
    ck_assert_uint_eq(a.flags & 0x0080, 0x0080); /* RA */
    ck_assert_uint_eq(a.rcode, 0);
    ck_assert_uint_eq(a.answers, 1);
    ck_assert_uint_eq(a.address, A4(52, 0, 0, 10));
    ck_assert_uint_eq(a.ttl, 60);
    ck_assert_uint_eq(a.from_ip, A4(192, 168, 1, 1));
    ck_assert_uint_eq(netsim_get_stats(h->net)->dns_answered, 1);
    /* names are case-insensitive */
    a = ask(h, "Device.SPARK.io");
    ck_assert_uint_eq(a.address, A4(52, 0, 0, 10));
    harness_free(h);
}
END_TEST

START_TEST(ntp_pool_and_its_subdomains_resolve_to_the_ntp_server)
{
    harness *h = harness_new(NULL);
    harness_dhcp(h);
    ck_assert_uint_eq(ask(h, "pool.ntp.org").address, A4(52, 0, 0, 123));
    ck_assert_uint_eq(ask(h, "0.pool.ntp.org").address, A4(52, 0, 0, 123));
    ck_assert_uint_eq(ask(h, "3.europe.pool.ntp.org").address, A4(52, 0, 0, 123));
    harness_free(h);
}
END_TEST

START_TEST(unknown_names_are_nxdomain_unless_catch_all)
{
    harness *h = harness_new(NULL);
    dns_answer a;
    harness_dhcp(h);
    a = ask(h, "api.particle.io");
    ck_assert(a.got);
    ck_assert_uint_eq(a.rcode, 3);
    ck_assert_uint_eq(a.answers, 0);
    dns_zone_set_catch_all(netsim_dns(h->net), true, A4(52, 0, 0, 99));
    a = ask(h, "api.particle.io");
    ck_assert_uint_eq(a.rcode, 0);
    ck_assert_uint_eq(a.address, A4(52, 0, 0, 99));
    /* the zone can be edited at run time */
    ck_assert_int_eq(dns_zone_set(netsim_dns(h->net), "api.particle.io", A4(52, 0, 0, 20)), 0);
    ck_assert_uint_eq(ask(h, "api.particle.io").address, A4(52, 0, 0, 20));
    ck_assert(dns_zone_remove(netsim_dns(h->net), "api.particle.io"));
    ck_assert_uint_eq(ask(h, "api.particle.io").address, A4(52, 0, 0, 99));
    harness_free(h);
}
END_TEST

START_TEST(per_name_faults)
{
    harness *h = harness_new(NULL);
    dns_responder *dns = netsim_dns(h->net);
    dns_answer a;
    harness_dhcp(h);

    ck_assert_int_eq(dns_fault_set(dns, "device.spark.io", DNS_FAULT_NXDOMAIN, 0), 0);
    a = ask(h, "device.spark.io");
    ck_assert(a.got);
    ck_assert_uint_eq(a.rcode, 3);
    /* other names are unaffected: the "only the cloud name is missing" case (3 orange) */
    ck_assert_uint_eq(ask(h, "pool.ntp.org").address, A4(52, 0, 0, 123));

    dns_fault_set(dns, "device.spark.io", DNS_FAULT_SERVFAIL, 0);
    ck_assert_uint_eq(ask(h, "device.spark.io").rcode, 2);

    dns_fault_set(dns, "device.spark.io", DNS_FAULT_TIMEOUT, 0);
    a = ask(h, "device.spark.io");
    ck_assert(!a.got);
    ck_assert_uint_eq(netsim_get_stats(h->net)->dns_unanswered, 1);

    dns_fault_set(dns, "device.spark.io", DNS_FAULT_REDIRECT, A4(203, 0, 113, 7));
    ck_assert_uint_eq(ask(h, "device.spark.io").address, A4(203, 0, 113, 7));

    dns_fault_set(dns, "device.spark.io", DNS_FAULT_NONE, 0);
    ck_assert_uint_eq(ask(h, "device.spark.io").address, A4(52, 0, 0, 10));
    harness_free(h);
}
END_TEST

START_TEST(global_fault_breaks_every_name)
{
    harness *h = harness_new(NULL);
    dns_responder *dns = netsim_dns(h->net);
    harness_dhcp(h);
    /* "DNS broken generally": both the cloud and pool.ntp.org fail (2 orange) */
    dns_fault_set(dns, NULL, DNS_FAULT_TIMEOUT, 0);
    ck_assert(!ask(h, "device.spark.io").got);
    ck_assert(!ask(h, "pool.ntp.org").got);
    dns_faults_clear(dns);
    ck_assert(ask(h, "pool.ntp.org").got);
    harness_free(h);
}
END_TEST

START_TEST(aaaa_for_a_known_name_is_noerror_without_data)
{
    harness *h = harness_new(NULL);
    dns_answer a;
    harness_dhcp(h);
    a = ask_server(h, A4(192, 168, 1, 1), "device.spark.io", 28);
    ck_assert(a.got);
    ck_assert_uint_eq(a.rcode, 0);
    ck_assert_uint_eq(a.answers, 0);
    harness_free(h);
}
END_TEST

START_TEST(public_resolvers_answer_unless_disabled)
{
    netsim_config cfg;
    harness *h = harness_new(NULL);
    dns_answer a;
    harness_dhcp(h);
    a = ask_server(h, A4(8, 8, 8, 8), "device.spark.io", 1);
    ck_assert(a.got);
    ck_assert_uint_eq(a.from_ip, A4(8, 8, 8, 8));
    ck_assert_uint_eq(a.address, A4(52, 0, 0, 10));
    harness_free(h);

    netsim_config_default(&cfg);
    cfg.answer_any_dns = false;
    h = harness_new(&cfg);
    harness_dhcp(h);
    ck_assert(!ask_server(h, A4(8, 8, 8, 8), "device.spark.io", 1).got);
    ck_assert(ask(h, "device.spark.io").got);
    harness_free(h);
}
END_TEST

START_TEST(dns_server_can_live_elsewhere_on_the_lan)
{
    netsim_config cfg;
    harness *h;
    uint8_t frame[TF_MAX];
    rx_frame *f;
    tf_parsed p;
    bool arp_answered = false;
    netsim_config_default(&cfg);
    cfg.dns_server = A4(192, 168, 1, 53);
    h = harness_new(&cfg);
    harness_dhcp(h);
    harness_send(h, frame, tf_arp(frame, 1, TF_BROADCAST, TF_DEVICE_MAC, h->device_ip, NULL,
                                  A4(192, 168, 1, 53)));
    harness_advance(h, MS(1));
    while ((f = harness_rx(h)) != NULL) {
        if (tf_parse(f->data, f->len, &p) && p.arp_op == 2 && p.arp_sender_ip == A4(192, 168, 1, 53))
            arp_answered = true;
    }
    ck_assert(arp_answered);
    {
        uint8_t msg[512];
        static const uint8_t dns_mac[6] = {0x52, 0x55, 192, 168, 1, 53};
        size_t len = tf_dns_query(msg, 3, "device.spark.io", 1);
        harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, dns_mac, h->device_ip,
                                      A4(192, 168, 1, 53), 1000, 53, msg, len));
        f = harness_rx(h);
        ck_assert_ptr_nonnull(f);
        ck_assert(tf_parse(f->data, f->len, &p));
        ck_assert_uint_eq(p.src_ip, A4(192, 168, 1, 53));
        ck_assert_mem_eq(p.src_mac, dns_mac, 6); /* a LAN host answers from its own MAC */
    }
    harness_free(h);
}
END_TEST

/* --- the parser on its own --- */

START_TEST(parser_refuses_malformed_questions)
{
    uint8_t msg[600];
    dns_query q;
    size_t len = tf_dns_query(msg, 1, "device.spark.io", 1);

    ck_assert_int_eq(dns_parse_query(msg, len, &q), DNS_PARSE_OK);
    ck_assert_str_eq(q.name, "device.spark.io");
    ck_assert_uint_eq(q.question_end, len);
    /* every truncation of the question is refused, none reads past the end */
    {
        size_t cut;
        for (cut = 12; cut < len; cut++)
            ck_assert_int_eq(dns_parse_query(msg, cut, &q), DNS_PARSE_MALFORMED);
    }
    ck_assert_int_eq(dns_parse_query(msg, 11, &q), DNS_PARSE_TOO_SHORT);
    /* a compression pointer in the question */
    msg[12] = 0xC0;
    ck_assert_int_eq(dns_parse_query(msg, len, &q), DNS_PARSE_MALFORMED);
    /* a response is not a query */
    len = tf_dns_query(msg, 1, "a.b", 1);
    msg[2] |= 0x80;
    ck_assert_int_eq(dns_parse_query(msg, len, &q), DNS_PARSE_NOT_A_QUERY);
    /* opcode STATUS */
    len = tf_dns_query(msg, 1, "a.b", 1);
    msg[2] |= 2 << 3;
    ck_assert_int_eq(dns_parse_query(msg, len, &q), DNS_PARSE_NOT_STANDARD);
    /* two questions */
    len = tf_dns_query(msg, 1, "a.b", 1);
    msg[5] = 2;
    ck_assert_int_eq(dns_parse_query(msg, len, &q), DNS_PARSE_MALFORMED);
    /* a name longer than 255 bytes on the wire */
    {
        size_t p = 12, i;
        memset(msg, 0, sizeof(msg));
        msg[5] = 1;
        for (i = 0; i < 5; i++) {
            msg[p++] = 60;
            memset(msg + p, 'a', 60);
            p += 60;
        }
        msg[p++] = 0;
        msg[p + 1] = 1;
        msg[p + 3] = 1;
        ck_assert_int_eq(dns_parse_query(msg, p + 4, &q), DNS_PARSE_MALFORMED);
    }
}
END_TEST

START_TEST(malformed_query_gets_formerr_and_garbage_gets_silence)
{
    harness *h = harness_new(NULL);
    uint8_t msg[64], frame[TF_MAX];
    rx_frame *f;
    tf_parsed p;
    size_t len;
    harness_dhcp(h);

    len = tf_dns_query(msg, 9, "x.y", 1);
    msg[5] = 3; /* QDCOUNT 3 */
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 5000, 53, msg, len));
    harness_advance(h, MS(1));
    f = harness_rx(h);
    ck_assert_ptr_nonnull(f);
    ck_assert(tf_parse(f->data, f->len, &p));
    ck_assert_uint_eq(p.payload_len, 12);
    ck_assert_uint_eq(p.payload[3] & 0x0F, 1); /* FORMERR */

    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 5000, 53, msg, 5));
    harness_advance(h, MS(1));
    ck_assert_uint_eq(harness_rx_pending(h), 0);
    harness_free(h);
}
END_TEST

START_TEST(zone_refuses_bad_names)
{
    dns_responder *dns = dns_responder_new();
    uint32_t a = 0;
    ck_assert_int_eq(dns_zone_set(dns, "", 1), -1);
    ck_assert_int_eq(dns_zone_set(dns, "a..b", 1), -1);
    ck_assert_int_eq(dns_zone_set(dns, "*", 1), -1);
    ck_assert_int_eq(dns_zone_set(dns, "a.*.b", 1), -1);
    ck_assert_int_eq(dns_zone_set(dns, "has space.com", 1), -1);
    ck_assert_int_eq(dns_zone_set(dns, "*.example.com", 5), 0);
    ck_assert_int_eq(dns_zone_set(dns, "*.deep.example.com", 6), 0);
    ck_assert_int_eq(dns_zone_set(dns, "exact.deep.example.com.", 7), 0);
    ck_assert(dns_lookup(dns, "a.example.com", &a) && a == 5);
    ck_assert(dns_lookup(dns, "a.deep.example.com", &a) && a == 6); /* longest wildcard */
    ck_assert(dns_lookup(dns, "EXACT.deep.example.com", &a) && a == 7);
    ck_assert(!dns_lookup(dns, "example.com", &a)); /* a wildcard is not its apex */
    dns_responder_free(dns);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net-dns");
    TCase *tc = tcase_create("dns");
    SRunner *sr;
    int failed;
    tcase_add_test(tc, cloud_name_resolves_to_the_cloud);
    tcase_add_test(tc, ntp_pool_and_its_subdomains_resolve_to_the_ntp_server);
    tcase_add_test(tc, unknown_names_are_nxdomain_unless_catch_all);
    tcase_add_test(tc, per_name_faults);
    tcase_add_test(tc, global_fault_breaks_every_name);
    tcase_add_test(tc, aaaa_for_a_known_name_is_noerror_without_data);
    tcase_add_test(tc, public_resolvers_answer_unless_disabled);
    tcase_add_test(tc, dns_server_can_live_elsewhere_on_the_lan);
    tcase_add_test(tc, parser_refuses_malformed_questions);
    tcase_add_test(tc, malformed_query_gets_formerr_and_garbage_gets_silence);
    tcase_add_test(tc, zone_refuses_bad_names);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
