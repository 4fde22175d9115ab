/*
 * Firewall rules as the network's fault engine reads them: each action,
 * direction, protocol, address and port of a scenario rule in the engine's
 * text form (net/fault_rules.h), with the remote end turned into to/dport
 * for what the device sends and from/sport for what it receives.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule_text.h"
#include "scenario.h"
#include "scenario_test_support.h"

#define CLOUD 0x3400000Au /* 52.0.0.10 */

/* The line(s) for one rule written in YAML, joined with " | ". */
static const char *text_of(const char *rule_yaml)
{
    static char joined[2 * SCN_RULE_TEXT_MAX + 4];
    char yaml[512];
    snprintf(yaml, sizeof yaml, "name: r\nuntil: 9\nnetwork:\n  rules:\n    - %s\n", rule_yaml);
    struct scn_scenario *scn = parse_ok(yaml);
    char lines[2][SCN_RULE_TEXT_MAX];
    size_t n = scn_rule_text(&scn->network.rules[0], CLOUD, lines);
    ck_assert(n == 1 || n == 2);
    snprintf(joined, sizeof joined, "%s%s%s", lines[0], n == 2 ? " | " : "", n == 2 ? lines[1] : "");
    scn_scenario_free(scn);
    return joined;
}

START_TEST(the_firewall_from_the_forum_thread)
{
    /* A Wi-Fi controller that lets DNS and ICMP through and drops the rest. */
    ck_assert_str_eq(text_of("{direction: out, protocol: udp, port: 53, action: allow}"), "pass out udp dport 53");
    ck_assert_str_eq(text_of("{protocol: icmp, action: allow}"), "pass both icmp");
    ck_assert_str_eq(text_of("{action: drop}"), "drop both any");
}
END_TEST

START_TEST(each_action_in_the_engine_s_words)
{
    ck_assert_str_eq(text_of("{direction: out, action: reject}"), "reject out any");
    ck_assert_str_eq(text_of("{direction: in, action: {delay: 1.5}}"), "delay 1500ms in any");
    ck_assert_str_eq(text_of("{direction: in, action: {loss: 25%}}"), "loss 0.25 in any");
    ck_assert_str_eq(text_of("{direction: out, action: {corrupt: 0.001}}"), "corrupt 0.001 out any");
    ck_assert_str_eq(text_of("{direction: out, action: {rate-limit: 2000}}"), "rate 2000 out any");
}
END_TEST

START_TEST(the_remote_end_is_the_destination_out_and_the_source_in)
{
    ck_assert_str_eq(text_of("{direction: out, protocol: tcp, address: cloud, port: 5683, action: drop}"),
                     "drop out tcp to 52.0.0.10/32 dport 5683");
    ck_assert_str_eq(text_of("{direction: in, protocol: tcp, address: 52.0.0.0/8, port: 5683-5690, action: drop}"),
                     "drop in tcp from 52.0.0.0/8 sport 5683-5690");
    ck_assert_str_eq(text_of("{protocol: udp, address: 8.8.8.8, port: 53, action: {delay: 250ms}}"),
                     "delay 250ms out udp to 8.8.8.8/32 dport 53 | delay 250ms in udp from 8.8.8.8/32 sport 53");
    ck_assert_str_eq(text_of("{address: cloud, action: drop}"), "drop out any to 52.0.0.10/32 | drop in any from 52.0.0.10/32");
}
END_TEST

START_TEST(rule_delays_are_whole_milliseconds)
{
    ck_assert_str_eq(parse_error("name: r\nuntil: 9\nnetwork:\n  rules:\n    - {action: {delay: 0.0005}}\n"),
                     "test.yaml:5:24: network.rules[1].action.delay: rule delays are whole milliseconds");
}
END_TEST

static Suite *rule_text_suite(void)
{
    Suite *s = suite_create("scenario_rule_text");
    TCase *tc = tcase_create("rule_text");
    tcase_add_test(tc, the_firewall_from_the_forum_thread);
    tcase_add_test(tc, each_action_in_the_engine_s_words);
    tcase_add_test(tc, the_remote_end_is_the_destination_out_and_the_source_in);
    tcase_add_test(tc, rule_delays_are_whole_milliseconds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(rule_text_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
