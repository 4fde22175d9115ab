/*
 * Reading led.jsonl, steps.jsonl and summary.json: the lines the machine
 * writes parse, and malformed ones are refused with file:line reasons.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_jsonl.h"

static struct report_record rec;
static char why[256];

static bool parse(const char *line)
{
    return report_parse_line(line, &rec, why, sizeof(why));
}

START_TEST(colour_line_as_the_machine_writes_it)
{
    ck_assert_msg(parse("{\"t\": 2.651868, \"rgb\": [0.3735, 0.0000, 0.1406], \"d7\": true}"),
                  "%s", why);
    ck_assert_int_eq(rec.kind, REPORT_RECORD_COLOUR);
    ck_assert_double_eq_tol(rec.t, 2.651868, 1e-12);
    ck_assert_double_eq_tol(rec.rgb[0], 0.3735, 1e-12);
    ck_assert_double_eq(rec.rgb[1], 0);
    ck_assert_double_eq_tol(rec.rgb[2], 0.1406, 1e-12);
    ck_assert(rec.d7);
}
END_TEST

START_TEST(pattern_and_step_lines)
{
    ck_assert_msg(parse("{\"t\": 10.5, \"pattern\": \"orange-blinks-2\"}"), "%s", why);
    ck_assert_int_eq(rec.kind, REPORT_RECORD_PATTERN);
    ck_assert_str_eq(rec.text, "orange-blinks-2");
    ck_assert_msg(parse("{\"step\":\"drop TCP 5683\",\"t\":3}"), "%s", why);
    ck_assert_int_eq(rec.kind, REPORT_RECORD_STEP);
    ck_assert_str_eq(rec.text, "drop TCP 5683");
    ck_assert_double_eq(rec.t, 3);
}
END_TEST

START_TEST(d7_defaults_to_off_and_spacing_is_free)
{
    ck_assert_msg(parse(" \t{ \"rgb\" : [ 0 , 1 , 0.5e0 ] , \"t\" : 1E-3 }  \r"), "%s", why);
    ck_assert(!rec.d7);
    ck_assert_double_eq(rec.rgb[1], 1);
    ck_assert_double_eq(rec.rgb[2], 0.5);
    ck_assert_double_eq_tol(rec.t, 0.001, 1e-15);
}
END_TEST

START_TEST(unknown_fields_are_skipped)
{
    ck_assert_msg(parse("{\"t\": 1, \"source\": {\"ccr\": [1, 2, {\"x\": null}], \"ok\": false},"
                        " \"rgb\": [0, 0, 0], \"note\": \"a\\\"b\"}"), "%s", why);
    ck_assert_int_eq(rec.kind, REPORT_RECORD_COLOUR);
}
END_TEST

START_TEST(string_escapes_are_decoded)
{
    ck_assert_msg(parse("{\"t\": 0, \"step\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/\"}"),
                  "%s", why);
    ck_assert_str_eq(rec.text, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ /");
}
END_TEST

START_TEST(numbers_parse_without_strtod)
{
    ck_assert(parse("{\"t\": 123456.000001, \"rgb\": [0.0001, 1.0, 0]}"));
    ck_assert_double_eq_tol(rec.t, 123456.000001, 1e-9);
    ck_assert(parse("{\"t\": 0.12345678901234567890123, \"rgb\": [0, 0, 0]}"));
    ck_assert_double_eq_tol(rec.t, 0.123456789012345678, 1e-15);
}
END_TEST

/* Each malformed line is refused, and the reason names what is wrong. */
START_TEST(malformed_lines_are_refused_with_a_reason)
{
    static const struct {
        const char *line, *reason;
    } cases[] = {
        { "", "expected '{'" },
        { "[1, 2]", "expected '{'" },
        { "{\"rgb\": [0, 0, 0]}", "no \"t\"" },
        { "{\"t\": -1, \"rgb\": [0, 0, 0]}", "negative" },
        { "{\"t\": \"1\", \"rgb\": [0, 0, 0]}", "must be a number" },
        { "{\"t\": 1, \"rgb\": [0, 0]}", "3 numbers" },
        { "{\"t\": 1, \"rgb\": [0, 0, 0, 0]}", "3 numbers" },
        { "{\"t\": 1, \"rgb\": 0.5}", "array of 3 numbers" },
        { "{\"t\": 1, \"rgb\": [0, 1.5, 0]}", "outside 0..1" },
        { "{\"t\": 1, \"rgb\": [0, -0.1, 0]}", "outside 0..1" },
        { "{\"t\": 1, \"rgb\": [0, 0, 0]} x", "after the object" },
        { "{\"t\": 1, \"rgb\": [0, 0, 0]", "'}'" },
        { "{\"t\": 1, \"t\": 2, \"rgb\": [0, 0, 0]}", "twice" },
        { "{\"t\": 1, \"rgb\": [0, 0, 0], \"pattern\": \"x\"}", "more than one" },
        { "{\"t\": 1}", "neither" },
        { "{\"t\": 1, \"pattern\": \"x\", \"d7\": true}", "\"d7\" belongs" },
        { "{\"t\": 1, \"rgb\": [0, 0, 0], \"d7\": 1}", "true or false" },
        { "{\"t\": 1, \"pattern\": \"\"}", "empty" },
        { "{\"t\": 1, \"pattern\": 7}", "must be a string" },
        { "{\"t\": 1, \"pattern\": \"abc}", "not terminated" },
        { "{\"t\": 01, \"rgb\": [0, 0, 0]}", "start with 0" },
        { "{\"t\": 1., \"rgb\": [0, 0, 0]}", "decimal point" },
        { "{\"t\": 1e, \"rgb\": [0, 0, 0]}", "exponent" },
        { "{\"t\": 1e999, \"rgb\": [0, 0, 0]}", "out of range" },
        { "{\"t\": NaN, \"rgb\": [0, 0, 0]}", "must be a number" },
        { "{\"t\": 1, \"pattern\": \"a\tb\"}", "control character" },
        { "{\"t\": 1, \"pattern\": \"a\\u0000b\"}", "\\u0000" },
        { "{\"t\": 1, \"pattern\": \"\\ud83d\"}", "surrogate" },
        { "{\"t\": 1, \"pattern\": \"\\q\"}", "unknown escape" },
        { "{\"t\": 1 \"rgb\": [0, 0, 0]}", "',' or '}'" },
        { "{t: 1}", "a key must be a string" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ck_assert_msg(!parse(cases[i].line), "accepted: %s", cases[i].line);
        ck_assert_msg(strstr(why, cases[i].reason), "%s: reason '%s' lacks '%s'", cases[i].line,
                      why, cases[i].reason);
    }
}
END_TEST

START_TEST(overlong_names_and_deep_nesting_are_refused)
{
    char line[512];
    char name[REPORT_TEXT_MAX + 1];

    memset(name, 'x', REPORT_TEXT_MAX);
    name[REPORT_TEXT_MAX] = '\0';
    snprintf(line, sizeof(line), "{\"t\": 1, \"pattern\": \"%s\"}", name);
    ck_assert(!parse(line));
    ck_assert_ptr_nonnull(strstr(why, "longer than"));
    name[REPORT_TEXT_MAX - 1] = '\0'; /* exactly the longest kept */
    snprintf(line, sizeof(line), "{\"t\": 1, \"pattern\": \"%s\"}", name);
    ck_assert_msg(parse(line), "%s", why);

    ck_assert(!parse("{\"t\": 1, \"rgb\": [0,0,0], \"x\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}"));
    ck_assert_ptr_nonnull(strstr(why, "nested"));
}
END_TEST

/* A temporary file holding text; the path is returned in a static buffer. */
static const char *temp_file(const char *text)
{
    static char path[64];
    int fd;
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/led-jsonl-XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

START_TEST(led_file_loads_samples_and_sorted_patterns)
{
    /* Patterns are written when confirmed, dated when they began: out of order. */
    const char *path = temp_file(
        "{\"t\": 0.000000, \"rgb\": [0.0000, 0.0000, 0.0000], \"d7\": false}\n"
        "\n"
        "{\"t\": 0.100000, \"rgb\": [0.0000, 0.3735, 0.3735], \"d7\": false}\n"
        "{\"t\": 0.150000, \"rgb\": [0.0000, 0.0000, 0.0000], \"d7\": true}\n"
        "{\"t\": 0.200000, \"rgb\": [0.3735, 0.1406, 0.0000], \"d7\": true}\n"
        "{\"t\": 0.200000, \"pattern\": \"orange-burst\"}\n"
        "{\"t\": 0.100000, \"pattern\": \"fast-blinking-cyan\"}\n");
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    ck_assert_msg(report_load_led(&tl, path, &diag), "%s", diag.error);
    ck_assert_str_eq(diag.warning, "");
    ck_assert_uint_eq(tl.n_samples, 4);
    ck_assert(tl.samples[2].d7 && !tl.samples[1].d7);
    ck_assert_uint_eq(tl.n_patterns, 2);
    ck_assert_str_eq(tl.patterns[0].text, "fast-blinking-cyan");
    ck_assert_str_eq(tl.patterns[1].text, "orange-burst");
    ck_assert_double_eq_tol(tl.end_t, 0.2, 1e-12);
    ck_assert_int_eq(report_timeline_sample_at(&tl, 0.12), 1);
    ck_assert_int_eq(report_timeline_sample_at(&tl, 0.15), 2);
    report_timeline_free(&tl);
    unlink(path);
}
END_TEST

START_TEST(malformed_line_fails_the_load_with_file_and_line)
{
    const char *path = temp_file(
        "{\"t\": 0.0, \"rgb\": [0, 0, 0]}\n"
        "{\"t\": 0.1, \"rgb\": [0, 0.3735, 0.3735]}\n"
        "{\"t\": 0.2, \"rgb\": [0, 0.3735]}\n"
        "{\"t\": 0.3, \"rgb\": [0, 0, 0]}\n");
    struct report_timeline tl;
    struct report_diagnostics diag;
    char expected[128];

    report_timeline_init(&tl);
    ck_assert(!report_load_led(&tl, path, &diag));
    snprintf(expected, sizeof(expected), "%s:3: ", path);
    ck_assert_msg(strncmp(diag.error, expected, strlen(expected)) == 0, "error: %s", diag.error);
    ck_assert_ptr_nonnull(strstr(diag.error, "3 numbers"));
    ck_assert_uint_eq(tl.n_samples, 2); /* the lines before it */
    report_timeline_free(&tl);
    unlink(path);
}
END_TEST

START_TEST(colour_time_going_backwards_is_an_error)
{
    const char *path = temp_file("{\"t\": 1.0, \"rgb\": [0, 0, 0]}\n"
                                 "{\"t\": 0.5, \"rgb\": [0, 0, 0]}\n");
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    ck_assert(!report_load_led(&tl, path, &diag));
    ck_assert_ptr_nonnull(strstr(diag.error, ":2: time 0.500000 is before"));
    report_timeline_free(&tl);
    unlink(path);
}
END_TEST

START_TEST(cut_off_last_line_is_skipped_with_a_warning)
{
    const char *path = temp_file("{\"t\": 0.0, \"rgb\": [0, 0, 0]}\n"
                                 "{\"t\": 0.1, \"rgb\": [0, 0.37");
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    ck_assert_msg(report_load_led(&tl, path, &diag), "%s", diag.error);
    ck_assert_uint_eq(tl.n_samples, 1);
    ck_assert_ptr_nonnull(strstr(diag.warning, ":2: incomplete last line"));
    report_timeline_free(&tl);
    unlink(path);
}
END_TEST

START_TEST(complete_but_malformed_last_line_is_still_an_error)
{
    const char *path = temp_file("{\"t\": 0.0, \"rgb\": [0, 0, 0]}\n"
                                 "{\"t\": 0.1, \"rgb\": [0, 0.37]}\n");
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    ck_assert(!report_load_led(&tl, path, &diag));
    ck_assert_ptr_nonnull(strstr(diag.error, ":2: "));
    report_timeline_free(&tl);
    unlink(path);
}
END_TEST

START_TEST(each_file_takes_only_its_own_lines)
{
    const char *led = temp_file("{\"t\": 1, \"step\": \"boot\"}\n");
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    ck_assert(!report_load_led(&tl, led, &diag));
    ck_assert_ptr_nonnull(strstr(diag.error, ":1: a step line belongs in steps.jsonl"));
    unlink(led);

    const char *steps = temp_file("{\"t\": 2, \"step\": \"drop 5683\"}\n"
                                  "{\"t\": 1, \"step\": \"boot\"}\n"
                                  "{\"t\": 3, \"pattern\": \"red-burst\"}\n");
    ck_assert(!report_load_steps(&tl, steps, &diag));
    ck_assert_ptr_nonnull(strstr(diag.error, ":3: expected a step line"));
    ck_assert_uint_eq(tl.n_steps, 2);
    ck_assert_str_eq(tl.steps[0].text, "boot"); /* sorted by time */
    report_timeline_free(&tl);
    unlink(steps);
}
END_TEST

START_TEST(missing_file_names_the_path)
{
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    ck_assert(!report_load_led(&tl, "/nonexistent/led.jsonl", &diag));
    ck_assert_ptr_nonnull(strstr(diag.error, "/nonexistent/led.jsonl: "));
    report_timeline_free(&tl);
}
END_TEST

START_TEST(summary_gives_the_run_end)
{
    const char *path = temp_file(
        "{\n  \"virtual_seconds\": 12.000015987,\n  \"wall_seconds\": 31.211,\n"
        "  \"resets\": [{\"t\": 2.623434, \"cause\": \"software\"}],\n"
        "  \"patterns\": [],\n  \"unmodelled\": [\n  ]\n}\n");
    struct report_timeline tl;
    struct report_diagnostics diag;

    report_timeline_init(&tl);
    report_timeline_add_sample(&tl, (struct led_sample){ 3.0, 0, 0, 0, false });
    ck_assert_msg(report_load_summary_end(&tl, path, &diag), "%s", diag.error);
    ck_assert_double_eq_tol(tl.end_t, 12.000015987, 1e-12);
    ck_assert(tl.end_given);
    unlink(path);

    path = temp_file("{\"virtual_seconds\": 12.0,}\n");
    ck_assert(!report_load_summary_end(&tl, path, &diag));
    ck_assert_ptr_nonnull(strstr(diag.error, path));
    report_timeline_free(&tl);
    unlink(path);
}
END_TEST

static Suite *report_jsonl_suite(void)
{
    Suite *s = suite_create("report_jsonl");
    TCase *lines = tcase_create("lines");
    TCase *files = tcase_create("files");

    tcase_add_test(lines, colour_line_as_the_machine_writes_it);
    tcase_add_test(lines, pattern_and_step_lines);
    tcase_add_test(lines, d7_defaults_to_off_and_spacing_is_free);
    tcase_add_test(lines, unknown_fields_are_skipped);
    tcase_add_test(lines, string_escapes_are_decoded);
    tcase_add_test(lines, numbers_parse_without_strtod);
    tcase_add_test(lines, malformed_lines_are_refused_with_a_reason);
    tcase_add_test(lines, overlong_names_and_deep_nesting_are_refused);
    suite_add_tcase(s, lines);

    tcase_add_test(files, led_file_loads_samples_and_sorted_patterns);
    tcase_add_test(files, malformed_line_fails_the_load_with_file_and_line);
    tcase_add_test(files, colour_time_going_backwards_is_an_error);
    tcase_add_test(files, cut_off_last_line_is_skipped_with_a_warning);
    tcase_add_test(files, complete_but_malformed_last_line_is_still_an_error);
    tcase_add_test(files, each_file_takes_only_its_own_lines);
    tcase_add_test(files, missing_file_names_the_path);
    tcase_add_test(files, summary_gives_the_run_end);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(report_jsonl_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
