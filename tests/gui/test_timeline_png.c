/*
 * The timeline picture: the strip shows the LED's colours at the right
 * times, the patterns and steps are labelled, long runs stay readable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pixel_probe.h"
#include "timeline_fixture.h"
#include "timeline_png.h"

static struct pixel strip_at(cairo_surface_t *s, const struct timeline_geometry *g, double t)
{
    double x, y;
    ck_assert_msg(timeline_strip_point(g, t, &x, &y), "t=%g outside the run", t);
    return pixel_in_surface(s, x, y);
}

static bool is_cyan(struct pixel p)
{
    return p.r < 40 && p.g > 220 && p.b > 220;
}

static bool is_dark(struct pixel p)
{
    return p.r < 30 && p.g < 30 && p.b < 30;
}

START_TEST(strip_shows_cyan_blinks_and_the_orange_burst)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    cairo_surface_t *s;

    fixture_cyan_with_orange_burst(&tl);
    s = timeline_render(&tl, NULL, &g);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(g.rows, 1); /* a 10 s run is one row */

    for (double t = 0.025; t < 4.9; t += 0.5) { /* the middle of on and off halves */
        ck_assert_msg(is_cyan(strip_at(s, &g, t)), "t=%g: %s", t, pixel_text(strip_at(s, &g, t)));
        ck_assert_msg(is_dark(strip_at(s, &g, t + 0.05)), "t=%g: %s", t + 0.05,
                      pixel_text(strip_at(s, &g, t + 0.05)));
    }
    struct pixel burst = strip_at(s, &g, 5.125);
    ck_assert_msg(burst.r > 220 && burst.g > 70 && burst.g < 130 && burst.b < 40,
                  "orange burst: %s", pixel_text(burst));
    ck_assert(is_cyan(strip_at(s, &g, 5.275)));
    ck_assert(is_dark(strip_at(s, &g, 9.0)));
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

/* Pixels in a box that are much darker than the pale span fill: text. */
static int ink_pixels(cairo_surface_t *s, double x0, double x1, double y0, double y1)
{
    int count = 0;
    for (double y = y0; y < y1; y++) {
        for (double x = x0; x < x1; x++) {
            struct pixel p = pixel_in_surface(s, x, y);
            count += p.r + p.g + p.b < 400;
        }
    }
    return count;
}

START_TEST(patterns_are_labelled_spans_under_the_strip)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    double x, y, x_end, y_end;
    cairo_surface_t *s;

    fixture_cyan_with_orange_burst(&tl);
    s = timeline_render(&tl, NULL, &g);

    /* The cyan span is tinted cyan where no text is. */
    ck_assert(timeline_pattern_point(&g, 3.5, &x, &y));
    struct pixel fill = pixel_in_surface(s, x, y);
    ck_assert_msg(fill.r < 215 && fill.g > 240 && fill.b > 240, "span fill %s", pixel_text(fill));

    /* Its name is written in its first second. */
    ck_assert(timeline_pattern_point(&g, 0.0, &x, &y));
    ck_assert(timeline_pattern_point(&g, 1.0, &x_end, &y_end));
    ck_assert_int_gt(ink_pixels(s, x, x_end, y - 6, y + 6), 40);
    /* and not where the span has no name, */
    ck_assert(timeline_pattern_point(&g, 3.0, &x, &y));
    ck_assert(timeline_pattern_point(&g, 4.0, &x_end, &y_end));
    ck_assert_int_eq(ink_pixels(s, x, x_end, y - 6, y + 6), 0);

    /* The burst's box is too narrow for "orange-burst": it goes on the line below. */
    ck_assert(timeline_pattern_point(&g, 5.0, &x, &y));
    double callout_top = y + g.parts.pattern_h / 2;
    ck_assert_int_gt(ink_pixels(s, x, x + 60, callout_top, callout_top + g.parts.callout_h), 40);
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(steps_are_marked_with_a_line_and_label)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    double x, y, row_top;
    int purple = 0;
    cairo_surface_t *s;

    fixture_cyan_with_orange_burst(&tl);
    s = timeline_render(&tl, NULL, &g);
    ck_assert(timeline_strip_point(&g, 2.0, &x, &y));
    row_top = timeline_row_top(&g, 0);
    for (double py = row_top + g.parts.pattern_y; py < row_top + g.parts.pattern_y + g.parts.pattern_h; py++) {
        struct pixel p = pixel_in_surface(s, x, py);
        purple += p.r > 80 && p.b > 110 && p.g < 80;
    }
    ck_assert_int_gt(purple, 5); /* dashed through the pattern lane */
    ck_assert_int_gt(ink_pixels(s, x + 2, x + 80, row_top + g.parts.steps_y,
                                row_top + g.parts.steps_y + g.parts.steps_h), 30);
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(step_key_lists_every_step_under_the_header)
{
    struct report_timeline tl;
    struct timeline_geometry g, no_steps;
    cairo_surface_t *s;

    fixture_cyan_with_orange_burst(&tl);
    for (int i = 0; i < 6; i++) {
        ck_assert(report_timeline_add_step(&tl, 3.0 + i * 0.01, "crowded step"));
    }
    report_timeline_finish(&tl);
    s = timeline_render(&tl, NULL, &g);
    /* 7 steps in 3 columns: 3 lines under a heading. */
    ck_assert_int_eq(g.step_key_columns, 3);
    ck_assert_int_gt(ink_pixels(s, 24, g.width - 24, g.step_key_y, g.header_h), 600);
    ck_assert_double_ge(timeline_row_top(&g, 0), g.header_h);
    cairo_surface_destroy(s);
    report_timeline_free(&tl);

    report_timeline_init(&tl);
    fixture_colour(&tl, 0.0, 0x00FFFF, 1);
    timeline_layout(&tl, NULL, &no_steps);
    ck_assert_double_eq(g.header_h - no_steps.header_h, 24 + 3 * 16);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(long_run_is_split_into_rows_where_a_50ms_flash_shows)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    cairo_surface_t *s;

    report_timeline_init(&tl);
    fixture_breathe(&tl, 0x00FFFF, 4.0, 0.0, 123.45);
    fixture_colour(&tl, 123.45, 0xFF0000, 1);
    fixture_breathe(&tl, 0x00FFFF, 4.0, 123.5, 300.0);
    report_timeline_finish(&tl);
    s = timeline_render(&tl, NULL, &g);
    ck_assert_ptr_nonnull(s);

    ck_assert_double_eq(g.row_seconds, 10);
    ck_assert_int_eq(g.rows, 30);
    ck_assert(g.overview);
    ck_assert_double_gt(g.first_row_y, g.overview_y + g.row_pitch);
    struct pixel flash = strip_at(s, &g, 123.475);
    ck_assert_msg(flash.r > 200 && flash.g < 60 && flash.b < 60, "50 ms flash: %s", pixel_text(flash));
    ck_assert(is_cyan(strip_at(s, &g, 124.0))); /* a breath starts at full */
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(breathing_fades_along_the_strip)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    cairo_surface_t *s;
    int previous = 256;

    report_timeline_init(&tl);
    fixture_breathe(&tl, 0x00FFFF, 4.0, 0.0, 8.0);
    report_timeline_finish(&tl);
    s = timeline_render(&tl, NULL, &g);
    for (double t = 0.01; t < 2.0; t += 0.2) { /* the fade-out half */
        struct pixel p = strip_at(s, &g, t);
        ck_assert_msg(p.g < previous && p.r < 20, "t=%g: %s", t, pixel_text(p));
        previous = p.g;
    }
    ck_assert_int_lt(previous, 100); /* 1.81 s: a tenth of the light left */
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(hour_long_run_keeps_blinks_visible_and_overview_averages_them)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    cairo_surface_t *s;
    int bright = 0, dark = 0;

    report_timeline_init(&tl);
    fixture_blink(&tl, 0x00FFFF, 0.2, 0.0, 3600.0);
    report_timeline_finish(&tl);
    s = timeline_render(&tl, NULL, &g);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_le(g.rows, TIMELINE_MAX_ROWS);
    ck_assert_double_eq(g.row_seconds, 60);
    /* ~46 ms a column: 100/100 blinks are still stripes of a few pixels. */
    for (double t = 100.0; t < 101.0; t += 60.0 / floor(g.strip_w)) {
        struct pixel p = strip_at(s, &g, t);
        bright += p.g > 200;
        dark += p.g < 60;
    }
    ck_assert_int_gt(bright, 3);
    ck_assert_int_gt(dark, 3);
    /* The whole-run row shows 2.8 s a column: the blinks average to half-bright cyan. */
    for (int column = 10; column < 1000; column += 97) {
        struct pixel p = pixel_in_surface(s, g.strip_x + column + 0.5,
                                          g.overview_y + g.parts.strip_y + g.parts.strip_h / 2);
        ck_assert_msg(p.g > 100 && p.g < 160 && p.r < 20, "overview column %d: %s", column,
                      pixel_text(p));
    }
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

START_TEST(row_length_follows_the_run)
{
    static const struct {
        double end, row_seconds;
        int rows;
    } cases[] = {
        { 3.0, 3, 1 }, { 12.000015987, 12, 1 }, { 15.0, 15, 1 }, { 15.5, 10, 2 },
        { 45.0, 10, 5 }, { 600.0, 10, 60 }, { 615.0, 12, 52 }, { 3600.0, 60, 60 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct report_timeline tl;
        struct timeline_geometry g;
        report_timeline_init(&tl);
        fixture_colour(&tl, 0.0, 0x00FFFF, 1);
        report_timeline_set_end(&tl, cases[i].end);
        timeline_layout(&tl, NULL, &g);
        ck_assert_msg(g.row_seconds == cases[i].row_seconds && g.rows == cases[i].rows,
                      "%g s run: %d rows of %g s", cases[i].end, g.rows, g.row_seconds);
        ck_assert_int_eq(g.overview, cases[i].rows > 1);
        report_timeline_free(&tl);
    }
}
END_TEST

START_TEST(tick_steps_are_round_and_far_enough_apart)
{
    ck_assert_double_eq(timeline_tick_step(10, 1300, 80), 1);
    ck_assert_double_eq(timeline_tick_step(60, 1300, 80), 5);
    ck_assert_double_eq_tol(timeline_tick_step(0.1, 1300, 80), 0.01, 1e-12);
    ck_assert_double_eq(timeline_tick_step(3600, 1300, 80), 300);
    ck_assert_double_eq(timeline_tick_step(300, 1300, 80), 20);
}
END_TEST

START_TEST(png_file_matches_the_rendered_picture)
{
    char path[] = "/tmp/timeline-XXXXXX", why[256];
    int fd = mkstemp(path);
    struct report_timeline tl;
    struct timeline_geometry g;
    struct timeline_options opt = { .width = 1000, .title = "forum report #1" };

    ck_assert_int_ge(fd, 0);
    close(fd);
    fixture_cyan_with_orange_burst(&tl);
    timeline_layout(&tl, &opt, &g);
    ck_assert_msg(timeline_write_png(&tl, &opt, path, why, sizeof(why)) == 0, "%s", why);
    cairo_surface_t *png = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    ck_assert_int_eq(cairo_image_surface_get_width(png), 1000);
    ck_assert_int_eq(cairo_image_surface_get_height(png), g.height);
    ck_assert(is_cyan(strip_at(png, &g, 0.025)));
    cairo_surface_destroy(png);
    unlink(path);
    ck_assert_int_eq(timeline_write_png(&tl, &opt, "/nonexistent/x.png", why, sizeof(why)), -1);
    ck_assert_ptr_nonnull(strstr(why, "/nonexistent/x.png"));
    report_timeline_free(&tl);
}
END_TEST

START_TEST(empty_and_odd_timelines_still_draw)
{
    struct report_timeline tl;
    struct timeline_geometry g;
    cairo_surface_t *s;

    report_timeline_init(&tl);
    s = timeline_render(&tl, NULL, &g);
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(g.rows, 1);
    cairo_surface_destroy(s);

    /* A long UTF-8 name in a sliver of a span, and a step at the very end. */
    fixture_colour(&tl, 0.0, 0x00FFFF, 1);
    fixture_colour(&tl, 0.001, 0, 0);
    ck_assert(report_timeline_add_pattern(&tl, 0.0, "\xc3\xa9\xc3\xa9\xc3\xa9-very-long-pattern-name"));
    ck_assert(report_timeline_add_pattern(&tl, 0.001, "irregular"));
    ck_assert(report_timeline_add_step(&tl, 2.0, "the last step, with a long label"));
    report_timeline_set_end(&tl, 2.0);
    report_timeline_finish(&tl);
    s = timeline_render(&tl, NULL, &g);
    ck_assert_ptr_nonnull(s);
    ck_assert(is_dark(strip_at(s, &g, 1.0)));
    cairo_surface_destroy(s);
    report_timeline_free(&tl);
}
END_TEST

static Suite *timeline_png_suite(void)
{
    Suite *s = suite_create("timeline_png");
    TCase *picture = tcase_create("picture");
    TCase *layout = tcase_create("layout");

    tcase_add_test(picture, strip_shows_cyan_blinks_and_the_orange_burst);
    tcase_add_test(picture, patterns_are_labelled_spans_under_the_strip);
    tcase_add_test(picture, steps_are_marked_with_a_line_and_label);
    tcase_add_test(picture, step_key_lists_every_step_under_the_header);
    tcase_add_test(picture, long_run_is_split_into_rows_where_a_50ms_flash_shows);
    tcase_add_test(picture, breathing_fades_along_the_strip);
    tcase_add_test(picture, hour_long_run_keeps_blinks_visible_and_overview_averages_them);
    tcase_add_test(picture, png_file_matches_the_rendered_picture);
    tcase_add_test(picture, empty_and_odd_timelines_still_draw);
    tcase_set_timeout(picture, 60);
    suite_add_tcase(s, picture);

    tcase_add_test(layout, row_length_follows_the_run);
    tcase_add_test(layout, tick_steps_are_round_and_far_enough_apart);
    suite_add_tcase(s, layout);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(timeline_png_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
