/* Capture files: readable, complete, stamped with virtual time, identical across runs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pcap_writer.h"

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void temp_path(char *out, size_t size, const char *tag)
{
    snprintf(out, size, "/tmp/netsim-test-%ld-%s.pcap", (long)getpid(), tag);
}

/* A session that touches every service, with a seeded loss rule so randomness is in it. */
static harness *scripted_session(const char *pcap_path, uint64_t seed)
{
    netsim_config cfg;
    harness *h;
    tcp_client c;
    tf_parsed p;
    uint8_t msg[256], frame[TF_MAX];
    size_t len;
    unsigned i;
    char err[128];
    static const uint8_t nonce[40] = {1, 2, 3};

    netsim_config_default(&cfg);
    cfg.seed = seed;
    h = harness_new(&cfg);
    ck_assert_msg(netsim_pcap_start(h->net, pcap_path, err, sizeof(err)) == 0, "%s", err);
    fault_rules_add_text(netsim_rules(h->net), "loss 0.3 icmp", NULL, 0);
    harness_dhcp(h);
    harness_listen(h);
    h->greeting = nonce;
    h->greeting_len = sizeof(nonce);
    len = tf_dns_query(msg, 5, "device.spark.io", 1);
    harness_send(h, frame, tf_udp(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                  A4(192, 168, 1, 1), 1000, 53, msg, len));
    harness_advance(h, MS(3));
    for (i = 0; i < 20; i++) {
        harness_send(h, frame, tf_icmp_echo(frame, TF_DEVICE_MAC, TF_GATEWAY_MAC, h->device_ip,
                                            A4(8, 8, 8, 8), 9, (uint16_t)i, msg, 32));
        harness_advance(h, MS(7));
    }
    tcp_client_init(&c, h, A4(52, 0, 0, 10), 5683, 49152, 1000);
    ck_assert(tcp_client_connect(&c, 1460));
    harness_advance(h, MS(2));
    tcp_client_send(&c, TF_ACK | TF_PSH, msg, 100, 0);
    harness_advance(h, MS(300));
    tcp_client_send(&c, TF_ACK | TF_FIN, NULL, 0, 0);
    harness_advance(h, MS(5));
    while (tcp_client_next(&c, &p, NULL))
        ;
    tcp_client_send(&c, TF_ACK, NULL, 0, 0);
    harness_advance(h, MS(1000));
    ck_assert_int_eq(netsim_pcap_stop(h->net), 0);
    return h;
}

START_TEST(capture_parses_and_is_complete)
{
    char path[128];
    harness *h;
    uint8_t *buf;
    size_t len, off, records = 0;
    uint64_t last_ns = 0;
    const netsim_stats *st;

    temp_path(path, sizeof(path), "parse");
    h = scripted_session(path, 7);
    st = netsim_get_stats(h->net);
    buf = slurp(path, &len);
    ck_assert_uint_ge(len, 24);
    ck_assert_uint_eq(le32(buf), 0xA1B23C4D); /* nanosecond pcap */
    ck_assert_uint_eq(buf[4] | buf[5] << 8, 2);
    ck_assert_uint_eq(buf[6] | buf[7] << 8, 4);
    ck_assert_uint_eq(le32(buf + 16), 65535);
    ck_assert_uint_eq(le32(buf + 20), 1); /* Ethernet */
    for (off = 24; off < len;) {
        uint64_t ns;
        uint32_t incl, orig;
        tf_parsed p;
        ck_assert_uint_le(off + 16, len);
        ns = (uint64_t)le32(buf + off) * 1000000000ull + le32(buf + off + 4);
        incl = le32(buf + off + 8);
        orig = le32(buf + off + 12);
        ck_assert_uint_lt(le32(buf + off + 4), 1000000000u);
        ck_assert_uint_eq(incl, orig);
        ck_assert_uint_le(off + 16 + incl, len);
        ck_assert_uint_ge(ns, (uint64_t)NETSIM_EPOCH_2026 * 1000000000ull);
        ck_assert_uint_ge(ns, last_ns); /* in time order */
        ck_assert(tf_parse(buf + off + 16, incl, &p));
        last_ns = ns;
        off += 16 + incl;
        records++;
    }
    ck_assert_uint_eq(off, len);
    /* every frame each way, nothing else */
    ck_assert_uint_eq(records, st->frames_from_device + st->frames_to_device);
    ck_assert_uint_gt(st->frames_to_device, 20);
    ck_assert_uint_le(last_ns, (uint64_t)NETSIM_EPOCH_2026 * 1000000000ull + h->now);
    free(buf);
    harness_free(h);
    unlink(path);
}
END_TEST

START_TEST(capture_is_byte_identical_across_runs)
{
    char a_path[128], b_path[128], c_path[128];
    uint8_t *a, *b, *c;
    size_t a_len, b_len, c_len;
    temp_path(a_path, sizeof(a_path), "a");
    temp_path(b_path, sizeof(b_path), "b");
    temp_path(c_path, sizeof(c_path), "c");
    harness_free(scripted_session(a_path, 11));
    harness_free(scripted_session(b_path, 11));
    harness_free(scripted_session(c_path, 12)); /* another seed: another loss pattern */
    a = slurp(a_path, &a_len);
    b = slurp(b_path, &b_len);
    c = slurp(c_path, &c_len);
    ck_assert_uint_eq(a_len, b_len);
    ck_assert_mem_eq(a, b, a_len);
    ck_assert(a_len != c_len || memcmp(a, c, a_len) != 0);
    free(a);
    free(b);
    free(c);
    unlink(a_path);
    unlink(b_path);
    unlink(c_path);
}
END_TEST

START_TEST(writer_layout)
{
    char path[128];
    char err[128];
    pcap_writer *w;
    uint8_t *buf;
    size_t len;
    static const uint8_t frame[60] = {0xFF, 0xFF};

    temp_path(path, sizeof(path), "writer");
    w = pcap_writer_open(path, err, sizeof(err));
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(pcap_writer_write(w, 1767225600123456789ull, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(pcap_writer_records(w), 1);
    ck_assert_int_eq(pcap_writer_close(w), 0);
    buf = slurp(path, &len);
    ck_assert_uint_eq(len, 24 + 16 + 60);
    ck_assert_uint_eq(le32(buf + 24), 1767225600u);
    ck_assert_uint_eq(le32(buf + 28), 123456789u);
    ck_assert_uint_eq(le32(buf + 32), 60);
    ck_assert_mem_eq(buf + 40, frame, 60);
    free(buf);
    unlink(path);
    ck_assert_ptr_null(pcap_writer_open("/nonexistent-dir/x.pcap", err, sizeof(err)));
    ck_assert(err[0] != '\0');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net-pcap");
    TCase *tc = tcase_create("pcap");
    SRunner *sr;
    int failed;
    tcase_add_test(tc, capture_parses_and_is_complete);
    tcase_add_test(tc, capture_is_byte_identical_across_runs);
    tcase_add_test(tc, writer_layout);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
