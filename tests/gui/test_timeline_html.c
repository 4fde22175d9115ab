/*
 * The zoomable HTML timeline: self-contained, carrying the same colours as
 * the PNG, and safe whatever a pattern or step is called.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline_fixture.h"
#include "timeline_html.h"

/* The page for tl as a string (free it). */
static char *page_of(const struct report_timeline *tl, const struct timeline_options *opt)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(timeline_html_write(out, tl, opt), 0);
    fclose(out);
    return text;
}

static int occurrences(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

START_TEST(page_is_self_contained)
{
    struct report_timeline tl;
    fixture_cyan_with_orange_burst(&tl);
    char *page = page_of(&tl, NULL);

    ck_assert_int_eq(strncmp(page, "<!DOCTYPE html>", 15), 0);
    ck_assert_ptr_nonnull(strstr(page, "<canvas id=\"view\">"));
    ck_assert_ptr_null(strstr(page, "src="));
    ck_assert_ptr_null(strstr(page, "<link"));
    ck_assert_ptr_null(strstr(page, "http"));
    ck_assert_int_eq(occurrences(page, "<script>"), 1);
    ck_assert_int_eq(occurrences(page, "</script>"), 1);
    ck_assert_ptr_nonnull(strstr(page, "</html>\n"));
    free(page);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(data_carries_times_and_display_colours)
{
    struct report_timeline tl;
    fixture_cyan_with_orange_burst(&tl);
    char *page = page_of(&tl, NULL);

    /* Whole microseconds, the colours as the PNG draws them, CCR-style levels. */
    ck_assert_ptr_nonnull(strstr(page, "const DATA={start:0,end:10000000,"));
    ck_assert_ptr_nonnull(strstr(page, "t:[0,50000,100000,"));
    ck_assert_ptr_nonnull(strstr(page, "c:[\"00ffff\",\"000000\",\"00ffff\","));
    ck_assert_ptr_nonnull(strstr(page, "\"ff6000\""));
    ck_assert_ptr_nonnull(strstr(page, "p:[3735,0,3735,"));
    ck_assert_ptr_nonnull(strstr(page, "[5000000,\"orange-burst\",\"#"));
    ck_assert_ptr_nonnull(strstr(page, "[2000000,\"drop TCP 5683\"]"));
    /* The tables list them for reading and searching. */
    ck_assert_ptr_nonnull(strstr(page, "<td class=\"t\">5.250 s</td>"));
    free(page);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(names_cannot_break_out_of_the_page)
{
    struct report_timeline tl;
    struct timeline_options opt = { .title = "a <b>bold</b> title", .source = "dir&co" };

    report_timeline_init(&tl);
    fixture_colour(&tl, 0.0, 0xFF0000, 1);
    ck_assert(report_timeline_add_pattern(&tl, 0.0, "</script><script>alert(1)//\"\\"));
    ck_assert(report_timeline_add_step(&tl, 0.5, "line\nbreak & \"quote\""));
    report_timeline_set_end(&tl, 1.0);
    report_timeline_finish(&tl);
    char *page = page_of(&tl, &opt);

    ck_assert_int_eq(occurrences(page, "</script>"), 1);
    ck_assert_int_eq(occurrences(page, "<script>"), 1);
    ck_assert_ptr_nonnull(strstr(page, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)//\\u0022\\u005c"));
    ck_assert_ptr_nonnull(strstr(page, "&lt;/script&gt;&lt;script&gt;alert(1)//&quot;\\"));
    ck_assert_ptr_nonnull(strstr(page, "\"line\\u000abreak \\u0026 \\u0022quote\\u0022\""));
    ck_assert_ptr_nonnull(strstr(page, "<title>a &lt;b&gt;bold&lt;/b&gt; title</title>"));
    ck_assert_ptr_nonnull(strstr(page, "dir&amp;co"));
    free(page);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(unwritable_path_is_reported)
{
    struct report_timeline tl;
    char why[256];

    fixture_cyan_with_orange_burst(&tl);
    ck_assert_int_eq(timeline_write_html(&tl, NULL, "/nonexistent/t.html", why, sizeof(why)), -1);
    ck_assert_ptr_nonnull(strstr(why, "/nonexistent/t.html"));
    report_timeline_free(&tl);
}
END_TEST

static Suite *timeline_html_suite(void)
{
    Suite *s = suite_create("timeline_html");
    TCase *tc = tcase_create("page");

    tcase_add_test(tc, page_is_self_contained);
    tcase_add_test(tc, data_carries_times_and_display_colours);
    tcase_add_test(tc, names_cannot_break_out_of_the_page);
    tcase_add_test(tc, unwritable_path_is_reported);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(timeline_html_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
