/*
 * JUnit output: the exact document for a small suite, escaping of what a
 * firmware may print (markup, quotes, control bytes, broken UTF-8), and a
 * whole run's report read back by a small XML well-formedness checker.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "junit.h"
#include "scenario.h"
#include "scenario_test_support.h"
#include "session.h"

/* Runs fn(out) into memory and returns the text (malloc'ed). */
static char *capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    ck_assert_ptr_nonnull(out);
    fn(out, arg);
    fclose(out);
    return text;
}

static void write_suites(FILE *out, const void *arg)
{
    const struct scn_junit_suite *suite = arg;
    ck_assert_int_eq(scn_junit_write(out, suite, 1), 0);
}

static void escape_text(FILE *out, const void *arg)
{
    scn_junit_escape(out, arg, 0);
}

static void escape_attribute(FILE *out, const void *arg)
{
    scn_junit_escape(out, arg, 1);
}

/* ------------------------------------------- a tiny well-formedness check */

static bool valid_utf8_xml(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
            return false;
        }
        for (size_t i = 1; i < n; i++) {
            if ((s[i] & 0xC0) != 0x80) {
                return false;
            }
        }
        s += n;
    }
    return true;
}

/* Entities are the five predefined ones or numeric. */
static bool valid_reference(const char *amp)
{
    static const char *const names[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
    for (size_t i = 0; i < 5; i++) {
        if (strncmp(amp, names[i], strlen(names[i])) == 0) {
            return true;
        }
    }
    if (amp[1] != '#') {
        return false;
    }
    const char *p = amp + 2;
    while (*p >= '0' && *p <= '9') {
        p++;
    }
    return p > amp + 2 && *p == ';';
}

/*
 * Tags nest and close in order, attributes are quoted and hold no '<',
 * '&' only starts a reference, text holds no raw '<'. Enough to catch an
 * escaping mistake; not a full XML parser.
 */
static bool well_formed(const char *xml, char *why, size_t why_size)
{
    char stack[32][64];
    size_t depth = 0;
    bool root_seen = false;
    if (!valid_utf8_xml((const unsigned char *)xml)) {
        snprintf(why, why_size, "not UTF-8 or holds a control character");
        return false;
    }
    if (strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) != 0) {
        snprintf(why, why_size, "no XML declaration");
        return false;
    }
    for (const char *p = xml + 39; *p;) {
        if (*p == '&') {
            if (!valid_reference(p)) {
                snprintf(why, why_size, "bad reference at %.10s", p);
                return false;
            }
            p++;
        } else if (*p == '>') {
            snprintf(why, why_size, "stray '>'");
            return false;
        } else if (*p != '<') {
            if (depth == 0 && *p != '\n') {
                snprintf(why, why_size, "text outside the root");
                return false;
            }
            p++;
        } else {
            bool closing = p[1] == '/';
            const char *name = p + 1 + closing;
            size_t n = strcspn(name, " />");
            if (n == 0 || n >= 64) {
                snprintf(why, why_size, "bad tag name");
                return false;
            }
            const char *q = name + n;
            while (*q && *q != '>' && !(q[0] == '/' && q[1] == '>')) {
                if (*q == '"') {
                    const char *endq = strchr(q + 1, '"');
                    if (!endq || memchr(q + 1, '<', (size_t)(endq - q - 1))) {
                        snprintf(why, why_size, "bad attribute in <%.*s>", (int)n, name);
                        return false;
                    }
                    for (const char *a = q + 1; a < endq; a++) {
                        if (*a == '&' && !valid_reference(a)) {
                            snprintf(why, why_size, "bad reference in an attribute");
                            return false;
                        }
                    }
                    q = endq + 1;
                } else if (*q == '<') {
                    snprintf(why, why_size, "'<' inside a tag");
                    return false;
                } else {
                    q++;
                }
            }
            if (!*q) {
                snprintf(why, why_size, "unterminated tag");
                return false;
            }
            bool empty = *q == '/';
            if (closing) {
                if (depth == 0 || strncmp(stack[depth - 1], name, n) != 0 || stack[depth - 1][n]) {
                    snprintf(why, why_size, "</%.*s> closes the wrong element", (int)n, name);
                    return false;
                }
                depth--;
            } else if (!empty) {
                if (depth == 0 && root_seen) {
                    snprintf(why, why_size, "two root elements");
                    return false;
                }
                root_seen = true;
                if (depth == 32) {
                    snprintf(why, why_size, "too deep");
                    return false;
                }
                memcpy(stack[depth], name, n);
                stack[depth++][n] = 0;
            }
            p = q + (empty ? 2 : 1);
        }
    }
    if (depth != 0 || !root_seen) {
        snprintf(why, why_size, "unclosed elements");
        return false;
    }
    return true;
}

START_TEST(the_checker_itself_catches_broken_xml)
{
    char why[128];
    const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    char doc[256];
    static const char *const broken[] = {
        "<a><b></a></b>\n", "<a x=\"1 < 2\"/>\n", "<a>x & y</a>\n", "<a>x < y</a>\n", "<a/><b/>\n",
        "<a>\x01</a>\n", "<a>\xff</a>\n", "<a>\n",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        snprintf(doc, sizeof doc, "%s%s", head, broken[i]);
        ck_assert_msg(!well_formed(doc, why, sizeof why), "accepted %s", broken[i]);
    }
    snprintf(doc, sizeof doc, "%s<a x=\"&quot;&#10;\"><b>&amp; &lt;</b><c/></a>\n", head);
    ck_assert_msg(well_formed(doc, why, sizeof why), "%s", why);
}
END_TEST

/* ------------------------------------------------------------------ tests */

START_TEST(a_small_suite_is_written_exactly)
{
    struct scn_junit_case cases[] = {
        { .name = "blinking-green", .classname = "scenarios.firewall", .file = "scenarios/firewall.yaml",
          .line = 40, .state = SCN_VERDICT_MET, .reason = "blinking-green at 0.255 s", .at = MS(255),
          .decided = MS(455), .window_start = 0, .window_end = SEC(10), .wall_seconds = 0.25 },
        { .name = "never red-burst", .classname = "scenarios.firewall", .state = SCN_VERDICT_MISSED,
          .reason = "red-burst at 20.000 s", .at = SEC(20), .decided = MS(20250), .window_start = 0,
          .window_end = SCN_TIME_NEVER, .wall_seconds = 3.5 },
        { .name = "serial <\"ready\">", .classname = "scenarios.firewall", .state = SCN_VERDICT_PENDING,
          .reason = "", .at = SCN_TIME_NEVER, .decided = SCN_TIME_NEVER, .window_start = SCN_TIME_NEVER,
          .window_end = SCN_TIME_NEVER, .wall_seconds = 4 },
    };
    struct scn_junit_suite suite = {
        .name = "firewall drops the cloud port", .file = "scenarios/firewall.yaml", .seed = 7, .until = SEC(90),
        .ended = MS(45500), .wall_seconds = 4.25, .timestamp = "2024-05-01T12:00:00Z", .cases = cases,
        .case_count = 3, .run_error = "qemu exited with status 1", .system_out = "boot\n<ok> & done\n",
    };
    char *xml = capture(write_suites, &suite);
    ck_assert_str_eq(xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"photon-sim\" tests=\"4\" failures=\"1\" errors=\"2\" time=\"4.250\">\n"
        "  <testsuite name=\"firewall drops the cloud port\" tests=\"4\" failures=\"1\" errors=\"2\" skipped=\"0\" "
        "time=\"4.250\" timestamp=\"2024-05-01T12:00:00Z\">\n"
        "    <properties>\n"
        "      <property name=\"file\" value=\"scenarios/firewall.yaml\"/>\n"
        "      <property name=\"seed\" value=\"7\"/>\n"
        "      <property name=\"virtual-until\" value=\"90.000000000\"/>\n"
        "      <property name=\"virtual-ended\" value=\"45.500000000\"/>\n"
        "    </properties>\n"
        "    <testcase name=\"run\" classname=\"scenarios.firewall\" time=\"0.000\">\n"
        "      <error type=\"run\" message=\"qemu exited with status 1\"/>\n"
        "    </testcase>\n"
        "    <testcase name=\"blinking-green\" classname=\"scenarios.firewall\" file=\"scenarios/firewall.yaml\" "
        "line=\"40\" time=\"0.250\">\n"
        "      <properties>\n"
        "        <property name=\"verdict\" value=\"met\"/>\n"
        "        <property name=\"virtual-at\" value=\"0.255000000\"/>\n"
        "        <property name=\"virtual-decided\" value=\"0.455000000\"/>\n"
        "        <property name=\"virtual-window-start\" value=\"0.000000000\"/>\n"
        "        <property name=\"virtual-window-end\" value=\"10.000000000\"/>\n"
        "      </properties>\n"
        "      <system-out>blinking-green at 0.255 s</system-out>\n"
        "    </testcase>\n"
        "    <testcase name=\"never red-burst\" classname=\"scenarios.firewall\" time=\"3.500\">\n"
        "      <properties>\n"
        "        <property name=\"verdict\" value=\"missed\"/>\n"
        "        <property name=\"virtual-at\" value=\"20.000000000\"/>\n"
        "        <property name=\"virtual-decided\" value=\"20.250000000\"/>\n"
        "        <property name=\"virtual-window-start\" value=\"0.000000000\"/>\n"
        "      </properties>\n"
        "      <failure type=\"missed\" message=\"red-burst at 20.000 s\">red-burst at 20.000 s</failure>\n"
        "    </testcase>\n"
        "    <testcase name=\"serial &lt;&quot;ready&quot;&gt;\" classname=\"scenarios.firewall\" time=\"4.000\">\n"
        "      <properties>\n"
        "        <property name=\"verdict\" value=\"pending\"/>\n"
        "      </properties>\n"
        "      <error type=\"undecided\" message=\"the run stopped before this expectation was decided\"/>\n"
        "    </testcase>\n"
        "    <system-out>boot\n&lt;ok&gt; &amp; done\n</system-out>\n"
        "  </testsuite>\n"
        "</testsuites>\n");
    char why[128];
    ck_assert_msg(well_formed(xml, why, sizeof why), "%s", why);
    free(xml);
}
END_TEST

START_TEST(escaping_keeps_markup_out_and_the_document_valid)
{
    char *text = capture(escape_text, "a<b>&'\"\tc\nd\r");
    ck_assert_str_eq(text, "a&lt;b&gt;&amp;'\"\tc\nd&#13;");
    free(text);
    char *attr = capture(escape_attribute, "a<b>&'\"\tc\nd");
    ck_assert_str_eq(attr, "a&lt;b&gt;&amp;&apos;&quot;&#9;c&#10;d");
    free(attr);
    /* Control bytes XML 1.0 cannot carry, invalid or overlong UTF-8, a UTF-8
     * surrogate and U+FFFE become U+FFFD; valid characters pass. */
    char *odd = capture(escape_text, "\x01\x1b[0m \xff \xc0\xaf \xed\xa0\x80 \xef\xbf\xbe caf\xc3\xa9 \xf0\x9f\x92\xa1 \xe2\x82");
    ck_assert_str_eq(odd, "\xef\xbf\xbd\xef\xbf\xbd[0m \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9 "
                          "\xf0\x9f\x92\xa1 \xef\xbf\xbd\xef\xbf\xbd");
    free(odd);
}
END_TEST

START_TEST(a_whole_run_reports_as_well_formed_junit)
{
    struct recorder rec = { 0 };
    struct scn_scenario *scn = parse_ok("name: \"boot & connect <fast>\"\n"
                                        "until: 60\n"
                                        "expect:\n"
                                        "  - {pattern: breathing-cyan, within: 10}\n"
                                        "  - {name: \"no \\\"panic\\\"\", never: {serial: panic}}\n"
                                        "  - {serial: \"^ready\", within: 5}\n");
    struct scn_session_hooks hooks = recording_hooks(&rec);
    struct scn_session *session = scn_session_new(scn, &hooks);
    ck_assert(scn_session_pattern(session, MS(636), MS(900), "breathing-cyan"));
    ck_assert(scn_session_serial(session, SEC(2), "panic: \x01\xff <HardFault> & \"SOS\""));
    ck_assert(scn_session_end(session, SEC(60)));
    ck_assert_uint_eq(rec.verdict_count, 3);

    struct scn_junit_case cases[3];
    for (size_t i = 0; i < 3; i++) {
        scn_junit_case_from_verdict(scn, i, scn_judge_verdict(scn_session_judge(session), i), "scenarios.boot",
                                    0.1 * (double)i, &cases[i]);
    }
    ck_assert_str_eq(cases[1].name, "no \"panic\"");
    ck_assert_uint_eq(cases[2].line, 6);
    struct scn_junit_suite suite = { .name = scn->name, .file = scn->file, .seed = scn->seed, .until = scn->until,
                                     .ended = SEC(60), .wall_seconds = 1.5, .cases = cases, .case_count = 3 };
    char *xml = capture(write_suites, &suite);
    char why[128];
    ck_assert_msg(well_formed(xml, why, sizeof why), "%s\n%s", why, xml);
    ck_assert_ptr_nonnull(strstr(xml, "<testsuite name=\"boot &amp; connect &lt;fast&gt;\" tests=\"3\" failures=\"2\""));
    ck_assert_ptr_nonnull(strstr(xml, "<failure type=\"missed\" message=\"&quot;panic:  \xef\xbf\xbd "
                                      "&lt;HardFault&gt; &amp; &quot;SOS&quot;&quot; at 2.000 s\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<property name=\"virtual-at\" value=\"0.636000000\"/>"));
    free(xml);
    scn_session_free(session);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(a_write_error_is_reported)
{
    struct scn_junit_suite suite = { .name = "x" };
    FILE *full = fopen("/dev/full", "w");
    if (!full) {
        return; /* no /dev/full on this system: nothing to check */
    }
    ck_assert_int_eq(scn_junit_write(full, &suite, 1), -1);
    fclose(full);
}
END_TEST

static Suite *junit_suite(void)
{
    Suite *s = suite_create("scenario_junit");
    TCase *tc = tcase_create("junit");
    tcase_add_test(tc, the_checker_itself_catches_broken_xml);
    tcase_add_test(tc, a_small_suite_is_written_exactly);
    tcase_add_test(tc, escaping_keeps_markup_out_and_the_document_valid);
    tcase_add_test(tc, a_whole_run_reports_as_well_formed_junit);
    tcase_add_test(tc, a_write_error_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(junit_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
