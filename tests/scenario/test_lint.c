/*
 * Lint: valid scenarios that probably do not do what their author meant
 * get a warning at the right place; sound ones get none.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_test_support.h"

/* The single warning for text (the test fails if there are none or several). */
static const char *only_warning(const char *text)
{
    static struct scn_diag warnings[8];
    struct scn_scenario *scn = parse_ok(text);
    size_t n = scn_scenario_lint(scn, warnings, 8);
    scn_scenario_free(scn);
    ck_assert_msg(n == 1, "expected one warning, got %zu (first: %s)", n, n ? warnings[0].text : "-");
    return warnings[0].text;
}

#define HEAD "name: t\nuntil: 90\n"
#define WIFI "wifi: {ssid: home, passphrase: secret123}"
#define AIR "radio: {access-points: [{ssid: home, passphrase: secret123}]}\n"
#define JOINS HEAD "device: {" WIFI "}\n" AIR

START_TEST(a_sound_scenario_has_no_warnings)
{
    struct scn_scenario *scn = parse_ok(JOINS "expect: [{pattern: breathing-cyan, within: 30}]\n");
    ck_assert_uint_eq(scn_scenario_lint(scn, NULL, 0), 0);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(no_expectations)
{
    ck_assert_str_eq(only_warning(JOINS), "test.yaml:1:1: warning: no expectations (expect:): the run cannot fail");
}
END_TEST

START_TEST(credentials_for_a_network_that_is_never_on_the_air)
{
    ck_assert_str_eq(only_warning("name: t\nuntil: 90\ndevice:\n  wifi: {ssid: hom, passphrase: secret123}\n"
                                  "expect: [{never: red-burst}]\n"),
                     "test.yaml:4:9: warning: no access point \"hom\" is ever on the air: the device cannot join it");
}
END_TEST

START_TEST(an_access_point_added_by_a_step_counts)
{
    struct scn_scenario *scn = parse_ok("name: t\nuntil: 90\ndevice:\n  wifi: {ssid: late, passphrase: secret123}\n"
                                        "steps: [{at: 10, do: {ap-add: {ssid: late, passphrase: secret123}}}]\n"
                                        "expect: [{never: red-burst}]\n");
    ck_assert_uint_eq(scn_scenario_lint(scn, NULL, 0), 0);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(credentials_that_differ_from_the_access_point)
{
    ck_assert_str_eq(only_warning("name: t\nuntil: 90\ndevice:\n  wifi: {ssid: home, passphrase: wrong-key}\n"
                                  "radio:\n  access-points:\n    - {ssid: home, passphrase: secret123}\n"
                                  "expect: [{never: red-burst}]\n"),
                     "test.yaml:4:9: warning: the credentials for \"home\" differ from its access point's (line 7): "
                     "the join will fail");
}
END_TEST

START_TEST(no_credentials_while_access_points_are_on_the_air)
{
    ck_assert_str_eq(only_warning("name: t\nuntil: 90\nradio: {access-points: [{ssid: home}]}\n"
                                  "expect: [{pattern: blinking-blue}]\n"),
                     "test.yaml:1:1: warning: the device has no Wi-Fi credentials (device.wifi): it will go to "
                     "listening mode (blinking-blue) whatever access points are on the air");
}
END_TEST

START_TEST(a_static_address_outside_the_subnet)
{
    struct scn_diag warnings[4];
    struct scn_diag diag;
    struct scn_scenario *scn = scn_scenario_parse_file(SCENARIO_TEST_DATA "/static_ip.yaml", &diag);
    ck_assert_msg(scn != NULL, "%s", diag.text);
    ck_assert_uint_eq(scn_scenario_lint(scn, warnings, 4), 1);
    ck_assert_str_eq(warnings[0].text, SCENARIO_TEST_DATA "/static_ip.yaml:7:7: warning: the static address is "
                                       "outside the network's subnet 192.168.1.0/24: the device will not reach the gateway");
    scn_scenario_free(scn);

    ck_assert_str_eq(only_warning(HEAD "device: {" WIFI ", ip: {static: 192.168.1.50/24, gateway: 192.168.1.2}}\n" AIR
                                  "expect: [{never: red-burst}]\n"),
                     "test.yaml:3:57: warning: the static gateway is not the network's (192.168.1.1)");
}
END_TEST

START_TEST(a_rule_that_no_packet_reaches)
{
    ck_assert_str_eq(only_warning(JOINS "network:\n  rules:\n"
                                        "    - {protocol: tcp, action: drop}\n"
                                        "    - {protocol: tcp, port: 5683, action: reject}\n"
                                        "expect: [{never: red-burst}]\n"),
                     "test.yaml:8:7: warning: no packet reaches this rule: the rule on line 7 matches all it "
                     "would and decides their fate first");
    /* A narrower rule first is fine, so is a different direction, and so is
     * a rule that only adds an effect (delay) and lets later rules decide. */
    struct scn_scenario *scn = parse_ok(JOINS "network:\n  rules:\n"
                                              "    - {protocol: tcp, port: 5683, action: reject}\n"
                                              "    - {direction: in, address: 10.0.0.0/8, action: drop}\n"
                                              "    - {direction: out, address: 10.1.0.0/16, action: drop}\n"
                                              "    - {action: {delay: 100ms}}\n"
                                              "    - {protocol: udp, action: {loss: 0.5}}\n"
                                              "expect: [{never: red-burst}]\n");
    ck_assert_uint_eq(scn_scenario_lint(scn, NULL, 0), 0);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(a_result_no_step_asks_for)
{
    ck_assert_str_eq(only_warning(JOINS "expect:\n  - cloud-result: {function: digitalwrite, equals: 1}\n"),
                     "test.yaml:6:5: warning: no cloud-call step asks for function \"digitalwrite\": its result "
                     "can never arrive");
}
END_TEST

START_TEST(a_pattern_both_expected_and_forbidden)
{
    ck_assert_str_eq(only_warning(JOINS "expect:\n  - pattern: red-burst\n  - never: red-burst\n"),
                     "test.yaml:6:5: warning: expects red-burst, which the expectation on line 7 forbids for the "
                     "whole run");
}
END_TEST

START_TEST(a_sequence_of_one)
{
    ck_assert_str_eq(only_warning(JOINS "expect:\n  - sequence: [white]\n"),
                     "test.yaml:6:5: warning: a sequence of one pattern: write pattern: white");
}
END_TEST

START_TEST(a_step_at_the_very_end)
{
    ck_assert_str_eq(only_warning(JOINS "steps: [{at: 90, do: reset}]\nexpect: [{never: red-burst}]\n"),
                     "test.yaml:5:9: warning: runs at the very end of the run: nothing it causes can be observed");
}
END_TEST

START_TEST(a_server_domain_the_dns_cannot_resolve)
{
    ck_assert_str_eq(only_warning(HEAD "device: {" WIFI ", server-address: {domain: my.cloud.lan}}\n" AIR
                                  "expect: [{never: red-burst}]\n"),
                     "test.yaml:3:69: warning: \"my.cloud.lan\" is not in network.dns.zone: the device cannot "
                     "resolve its server");
}
END_TEST

START_TEST(warnings_beyond_the_buffer_are_counted)
{
    struct scn_diag one;
    struct scn_scenario *scn = parse_ok("name: t\nuntil: 9\nradio: {access-points: [{ssid: a}]}\n");
    ck_assert_uint_eq(scn_scenario_lint(scn, &one, 1), 2); /* no credentials, no expectations */
    ck_assert_ptr_nonnull(strstr(one.text, "no Wi-Fi credentials"));
    scn_scenario_free(scn);
}
END_TEST

static Suite *lint_suite(void)
{
    Suite *s = suite_create("scenario_lint");
    TCase *tc = tcase_create("lint");
    tcase_add_test(tc, a_sound_scenario_has_no_warnings);
    tcase_add_test(tc, no_expectations);
    tcase_add_test(tc, credentials_for_a_network_that_is_never_on_the_air);
    tcase_add_test(tc, an_access_point_added_by_a_step_counts);
    tcase_add_test(tc, credentials_that_differ_from_the_access_point);
    tcase_add_test(tc, no_credentials_while_access_points_are_on_the_air);
    tcase_add_test(tc, a_static_address_outside_the_subnet);
    tcase_add_test(tc, a_rule_that_no_packet_reaches);
    tcase_add_test(tc, a_result_no_step_asks_for);
    tcase_add_test(tc, a_pattern_both_expected_and_forbidden);
    tcase_add_test(tc, a_sequence_of_one);
    tcase_add_test(tc, a_step_at_the_very_end);
    tcase_add_test(tc, a_server_domain_the_dns_cannot_resolve);
    tcase_add_test(tc, warnings_beyond_the_buffer_are_counted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(lint_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
