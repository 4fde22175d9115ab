/*
 * libFuzzer target for the netsim's parsers on their own: the frame parser and the rule
 * matcher (a fixed rule set covering every match field and action), the DNS query parser
 * and responder, the DHCP server, the SNTP responder and the rule text parser.
 * The first input byte picks the parser; the rest is its input.
 *
 * Run: build/tests/net/fuzz_net_parsers -max_len=2048 /tmp/corpus /tmp/seeds/parsers
 * (seeds from tests/net/make_fuzz_seeds.py).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp_server.h"
#include "dns_message.h"
#include "dns_responder.h"
#include "fault_rules.h"
#include "ipv4_addr.h"
#include "ntp_responder.h"
#include "packet.h"

static fault_rules *rules;
static dns_responder *dns;
static dhcp_server *dhcp;

static void setup(void)
{
    static const char *const lines[] = {
        "delay 10ms in",
        "corrupt 0.5 udp sport 53 fix-checksum",
        "rate 1000 icmp",
        "loss 0.3 out tcp dport 5683 syn",
        "pass arp to 192.168.1.1",
        "reject out tcp from 192.168.1.0/24 to 52.0.0.0/8 dport 1-1024",
        "reject out udp dport 123",
        "drop ip limit 1000",
    };
    dhcp_server_config dc = {
        .server_ip = IPV4(192, 168, 1, 1), .netmask = IPV4(255, 255, 255, 0),
        .router = IPV4(192, 168, 1, 1), .dns = IPV4(192, 168, 1, 1),
        .pool_start = IPV4(192, 168, 1, 100), .pool_size = 4, .lease_seconds = 60,
        .domain_name = "lan",
    };
    size_t i;
    rules = fault_rules_new(99);
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (fault_rules_add_text(rules, lines[i], NULL, 0) < 0)
            abort();
    }
    dns = dns_responder_new();
    dns_zone_set(dns, "device.spark.io", IPV4(52, 0, 0, 10));
    dns_zone_set(dns, "*.pool.ntp.org", IPV4(52, 0, 0, 123));
    dns_fault_set(dns, "bad.example", DNS_FAULT_SERVFAIL, 0);
    dhcp = dhcp_server_new(&dc);
    if (!rules || !dns || !dhcp)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint64_t clock_ns;
    uint8_t out[2048];
    size_t out_len;

    if (!rules)
        setup();
    if (size < 1)
        return 0;
    clock_ns += 1000000;
    switch (data[0] % 6) {
    case 0: {
        /* frames: parse, judge both ways, and apply what the verdict says to a copy */
        packet_view v;
        fault_verdict verdict;
        uint8_t copy[ETH_MAX_FRAME];
        size_t len = size - 1;
        if (len > sizeof(copy))
            len = sizeof(copy);
        memcpy(copy, data + 1, len);
        if (!packet_parse(&v, copy, len))
            return 0;
        fault_rules_evaluate(rules, FAULT_TO_NETWORK, &v, clock_ns, &verdict);
        fault_rules_evaluate(rules, FAULT_TO_DEVICE, &v, clock_ns, &verdict);
        if (verdict.corrupt) {
            if (verdict.corrupt_offset >= len)
                abort();
            copy[verdict.corrupt_offset] ^= verdict.corrupt_xor;
        }
        packet_fix_checksums(copy, len);
        packet_build_tcp_reset_for(out, sizeof(out), &v, v.dst_mac, 1);
        break;
    }
    case 1: {
        dns_query q;
        dns_parse_query(data + 1, size - 1, &q);
        if (dns_responder_handle(dns, data + 1, size - 1, out, sizeof(out), &out_len) ==
                DNS_OUTCOME_REPLY &&
            (out_len < DNS_HEADER_LEN || out_len > sizeof(out)))
            abort();
        break;
    }
    case 2: {
        dhcp_reply reply;
        if (dhcp_server_handle(dhcp, clock_ns, data + 1, size - 1, &reply) &&
            (reply.len > sizeof(reply.message) || reply.len < DHCP_MIN_MESSAGE))
            abort();
        break;
    }
    case 3: {
        ntp_responder_config cfg = {.epoch_unix_s = 1767225600};
        ntp_respond(&cfg, clock_ns, data + 1, size - 1, out, sizeof(out));
        break;
    }
    case 4: {
        char text[600];
        fault_rule r;
        size_t len = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
        memcpy(text, data + 1, len);
        text[len] = '\0';
        if (fault_rule_parse(text, &r, NULL, 0) == 0) {
            char again[600];
            fault_rule r2;
            fault_rule_format(&r, again, sizeof(again));
            if (fault_rule_parse(again, &r2, NULL, 0) != 0 || memcmp(&r, &r2, sizeof(r)) != 0)
                abort(); /* the text form must round-trip */
        }
        break;
    }
    case 5: {
        char text[64];
        uint32_t a;
        uint8_t prefix;
        size_t len = size - 1 < sizeof(text) - 1 ? size - 1 : sizeof(text) - 1;
        memcpy(text, data + 1, len);
        text[len] = '\0';
        ipv4_parse(text, &a);
        ipv4_parse_cidr(text, &a, &prefix);
        break;
    }
    }
    return 0;
}
