/*
 * What the classifier does with imperfect input: jitter, dim or odd
 * colours, darkness, irregular blinking, channel-by-channel writes, time
 * going backwards, and the end of a run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "led_rig.h"

#define START_TOL_MS 0.5

/* Cloud connection with an error in the middle: most kinds of pattern. */
static void play_connection(struct led_timeline *tl)
{
    led_timeline_hold(tl, 10);
    led_timeline_solid(tl, RGB_WHITE, 300);
    led_timeline_fade(tl, RGB_WHITE, 4000, 2000);
    led_timeline_blink(tl, RGB_GREEN, 200, 2000);
    led_timeline_blink(tl, RGB_CYAN, 200, 3000);
    led_timeline_error_blinks(tl, RGB_ORANGE, 2);
    led_timeline_blink(tl, RGB_CYAN, 200, 1000);
    led_timeline_blink(tl, RGB_CYAN, 100, 1025);
    led_timeline_solid(tl, RGB_RED, 250);
    led_timeline_blink(tl, RGB_CYAN, 100, 1000);
    led_timeline_fade(tl, RGB_CYAN, 4000, 9000);
}

static const char connection_names[] =
    "white, breathing-white, blinking-green, blinking-cyan, orange-blinks-2, "
    "blinking-cyan, fast-blinking-cyan, red-burst, fast-blinking-cyan, breathing-cyan";

START_TEST(a_few_ms_of_jitter_on_every_edge_changes_nothing)
{
    for (uint32_t seed = 1; seed <= 25; seed++) {
        struct led_rig *rig = led_rig_new();
        led_timeline_set_jitter(&rig->tl, 4.0, seed);
        play_connection(&rig->tl);
        led_timeline_flush(&rig->tl);
        ck_assert_msg(strcmp(led_rig_names(rig), connection_names) == 0,
                      "seed %u: \"%s\"", (unsigned)seed, led_rig_names(rig));
        const struct led_pattern_event *join = led_event_log_find(&rig->log, "blinking-green", 0);
        ck_assert_double_eq_tol(join->period_ms, 200, 8);
        ck_assert_double_eq_tol(led_rig_ms(join->start_ns), 2310, 5);
        const struct led_pattern_event *burst = led_event_log_find(&rig->log, "red-burst", 0);
        ck_assert_double_eq_tol(burst->on_ms, 250, 8);
        const struct led_pattern_event *cloud = led_event_log_find(&rig->log, "breathing-cyan", 0);
        ck_assert_double_eq_tol(cloud->period_ms, 4000, 400);
        led_rig_free(rig);
    }
}
END_TEST

START_TEST(events_come_in_start_order_and_after_they_start)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_set_jitter(&rig->tl, 3.0, 7);
    play_connection(&rig->tl);
    led_timeline_sos(&rig->tl, 3);
    play_connection(&rig->tl);
    led_timeline_flush(&rig->tl);

    ck_assert_uint_ge(rig->log.count, 21);
    for (unsigned i = 0; i < rig->log.count; i++) {
        const struct led_pattern_event *e = &rig->log.events[i];
        ck_assert_int_ge(e->confirmed_ns, e->start_ns);
        if (i > 0) {
            ck_assert_int_ge(e->start_ns, rig->log.events[i - 1].start_ns);
            ck_assert_int_ge(e->confirmed_ns, rig->log.events[i - 1].confirmed_ns);
        }
    }
    ck_assert_uint_eq(led_event_log_count(&rig->log, "sos-3"), 1);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_colour_outside_the_table_is_solid_with_its_hex)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_solid(&rig->tl, 0x8040C0, 1000);
    led_timeline_solid(&rig->tl, RGB_CYAN, 1000);
    led_timeline_solid(&rig->tl, RGB_ORANGE, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "solid-aa55ff, solid-00ffff, solid-ff6000");
    ck_assert_int_eq(led_rig_event(rig, 0)->kind, LED_PATTERN_SOLID);
    ck_assert_int_eq(led_rig_event(rig, 0)->colour, LED_COLOUR_MAGENTA);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 1000, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(dim_colours_keep_their_names)
{
    struct led_rig *rig = led_rig_new();
    rig->tl.brightness = 20;
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 9000);
    rig->tl.brightness = 5;
    led_timeline_solid(&rig->tl, RGB_WHITE, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan, breathing-cyan, white");
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->period_ms, 4000, 200);
    ck_assert_double_eq_tol(led_rig_event(rig, 2)->peak_duty, 0.0194, 1e-4);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_barely_lit_led_is_off)
{
    struct led_rig *rig = led_rig_new();
    led_pattern_colour(rig->cls, 0, 0.001, 0.001, 0.001); /* 10 of 10000 */
    led_pattern_advance(rig->cls, 1000 * NS_PER_MS);
    led_pattern_colour(rig->cls, 1000 * NS_PER_MS, 0.01, 0.01, 0.01);
    led_pattern_flush(rig->cls, 2000 * NS_PER_MS);

    ck_assert_str_eq(led_rig_names(rig), "off, white");
    led_rig_free(rig);
}
END_TEST

START_TEST(duties_outside_0_to_1_are_clamped)
{
    struct led_rig *rig = led_rig_new();
    led_pattern_colour(rig->cls, 0, 2.0, 1.5, 7.0);
    led_pattern_colour(rig->cls, 1000 * NS_PER_MS, NAN, -1.0, 0.0);
    led_pattern_flush(rig->cls, 2000 * NS_PER_MS);

    ck_assert_str_eq(led_rig_names(rig), "white, off");
    ck_assert_double_eq(led_rig_event(rig, 0)->peak_duty, 1.0);
    led_rig_free(rig);
}
END_TEST

START_TEST(darkness_is_off_at_the_start_and_in_between)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_off(&rig->tl, 2000);
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000);
    led_timeline_off(&rig->tl, 3000);
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "off, blinking-green, off, blinking-green");
    ck_assert_int_eq(led_rig_event(rig, 0)->kind, LED_PATTERN_OFF);
    ck_assert_int_eq(led_rig_event(rig, 0)->start_ns, 0);
    /* The last lit half ended at 3900 ms. */
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 2)->start_ns), 3900, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

/* Cyan on and off for these lengths, in turn. */
static void play_halves(struct led_timeline *tl, const unsigned *ms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        led_timeline_write(tl, i % 2 ? 0 : RGB_CYAN);
        led_timeline_hold(tl, ms[i]);
    }
}

START_TEST(irregular_blinking_is_not_named_a_blink)
{
    /* No half reaches the 200 ms that would make it a steady colour. */
    static const unsigned halves[] = { 50, 150, 120, 75, 175, 60, 100, 190,
                                       60, 140, 80, 90, 180, 50, 125, 170 };
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 3000);
    play_halves(&rig->tl, halves, sizeof(halves) / sizeof(halves[0]));
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 3000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-cyan, irregular, breathing-cyan");
    const struct led_pattern_event *irregular = led_rig_event(rig, 1);
    ck_assert_int_eq(irregular->kind, LED_PATTERN_IRREGULAR);
    ck_assert_double_eq_tol(led_rig_ms(irregular->start_ns), 3000, START_TOL_MS);
    ck_assert_int_eq(irregular->colour, LED_COLOUR_CYAN);
    led_rig_free(rig);
}
END_TEST

START_TEST(unequal_halves_are_not_a_blink)
{
    /* 150 on / 50 off, regular but not a Device OS blink. */
    static const unsigned halves[] = { 150, 50, 150, 50, 150, 50, 150, 50, 150, 50,
                                       150, 50, 150, 50 };
    struct led_rig *rig = led_rig_new();
    play_halves(&rig->tl, halves, sizeof(halves) / sizeof(halves[0]));
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "irregular");
    led_rig_free(rig);
}
END_TEST

START_TEST(a_blink_begins_at_its_first_whole_lit_half)
{
    /* 25 ms of cyan, then regular 100/100 blinking: the blink starts at the
     * first lit half that is as long as the others. */
    static const unsigned halves[] = { 25, 100, 100, 100, 100, 100, 100, 100, 100, 100 };
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    play_halves(&rig->tl, halves, sizeof(halves) / sizeof(halves[0]));
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-white, blinking-cyan");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 1125, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_blink_after_a_steady_colour_needs_two_even_periods)
{
    /* White held, then dark and white halves of 100 ms except one dark half
     * of 40 ms: the blink is only sure from the first lit half after it. */
    static const unsigned halves[] = { 100, 100, 40, 100, 100, 100, 100, 100, 100, 100, 100 };
    struct led_rig *rig = led_rig_new();
    led_timeline_solid(&rig->tl, RGB_WHITE, 1500);
    for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
        led_timeline_write(&rig->tl, i % 2 ? RGB_WHITE : 0);
        led_timeline_hold(&rig->tl, halves[i]);
    }
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "white, blinking-white");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 1500 + 240,
                            START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_fade_that_stops_at_a_level_ends_there)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 1000);
    led_timeline_hold(&rig->tl, 2000); /* the last step's level stays */
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-cyan, solid-00ffff");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 975, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(short_stretches_of_noise_far_apart_are_not_irregular)
{
    /* 600 ms of unexplained changes, 3 s of blinking, 600 ms more: neither
     * stretch lasts the 1000 ms that makes it irregular. */
    static const unsigned noise[] = { 50, 150, 120, 75, 175, 30 };
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    play_halves(&rig->tl, noise, sizeof(noise) / sizeof(noise[0]));
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 3000);
    play_halves(&rig->tl, noise, sizeof(noise) / sizeof(noise[0]));
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-white, blinking-green, breathing-white");
    led_rig_free(rig);
}
END_TEST

START_TEST(a_regular_hand_made_blink_is_a_blink)
{
    /* The control for the two tests above: the same writes, even halves. */
    static const unsigned halves[] = { 100, 100, 100, 100, 100, 100, 100, 100 };
    struct led_rig *rig = led_rig_new();
    play_halves(&rig->tl, halves, sizeof(halves) / sizeof(halves[0]));
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan");
    ck_assert_uint_eq(led_rig_event(rig, 0)->cycles, 2);
    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_uint_eq(now.cycles, 4);
    led_rig_free(rig);
}
END_TEST

START_TEST(channel_by_channel_writes_count_as_one_change)
{
    /* Each colour change is three CCR writes; here 1 us apart, through
     * intermediate colours that must not show up as segments. */
    struct led_rig *rig = led_rig_new();
    const double cyan = led_timeline_duty(0xFF, 96);
    int64_t t = 0;
    for (int i = 0; i < 20; i++, t += 50 * NS_PER_MS) { /* fast cyan, 1000 ms */
        bool lit = i % 2 == 0;
        led_pattern_colour(rig->cls, t, 0, lit ? cyan : 0, 0);
        led_pattern_colour(rig->cls, t + 1000, 0, lit ? cyan : 0, lit ? cyan : 0);
    }
    /* Dark to red is one write; red back to cyan goes through yellow and green. */
    led_pattern_colour(rig->cls, t, cyan, 0, 0);
    t += 250 * NS_PER_MS;
    led_pattern_colour(rig->cls, t, cyan, cyan, 0);
    led_pattern_colour(rig->cls, t + 1000, 0, cyan, 0);
    led_pattern_colour(rig->cls, t + 2000, 0, cyan, cyan);
    for (int i = 1; i < 20; i++) {
        t += 50 * NS_PER_MS;
        bool lit = i % 2 == 0;
        led_pattern_colour(rig->cls, t, 0, lit ? cyan : 0, 0);
        led_pattern_colour(rig->cls, t + 1000, 0, lit ? cyan : 0, lit ? cyan : 0);
    }
    led_pattern_flush(rig->cls, t + 50 * NS_PER_MS);

    ck_assert_str_eq(led_rig_names(rig), "fast-blinking-cyan, red-burst, fast-blinking-cyan");
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->on_ms, 250, 0.01);
    led_rig_free(rig);
}
END_TEST

START_TEST(time_going_backwards_is_taken_as_now)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000);
    led_timeline_advance(&rig->tl);                                /* now 2000 ms */
    led_pattern_colour(rig->cls, 1000 * NS_PER_MS, 0.3735, 0, 0); /* 1 s in the past */
    led_pattern_flush(rig->cls, 3000 * NS_PER_MS);

    ck_assert_str_eq(led_rig_names(rig), "blinking-green, solid-ff0000");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 2000, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(end_of_run_reports_what_was_seen_long_enough)
{
    /* A steady colour too short to name. */
    struct led_rig *rig = led_rig_new();
    led_timeline_off(&rig->tl, 1000);
    led_timeline_solid(&rig->tl, RGB_BLUE, 150);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "off");
    led_rig_free(rig);

    /* Long enough. */
    rig = led_rig_new();
    led_timeline_off(&rig->tl, 1000);
    led_timeline_solid(&rig->tl, RGB_BLUE, 300);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "off, solid-0000ff");
    led_rig_free(rig);

    /* One and a half periods of blinking: not sure it is a blink... */
    rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_BLUE, 4000, 1000);
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 300);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "breathing-blue");
    led_rig_free(rig);

    /* ... nor when darkness follows. */
    rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_BLUE, 4000, 1000);
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 300);
    led_timeline_off(&rig->tl, 1000);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "breathing-blue, off");
    led_rig_free(rig);

    /* An orange group whose last dark half ends with the run. */
    rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_error_blinks(&rig->tl, RGB_ORANGE, 2);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan, orange-blinks-2");
    led_rig_free(rig);
}
END_TEST

START_TEST(advancing_time_names_a_steady_colour_without_a_flush)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000);
    led_timeline_solid(&rig->tl, RGB_GREEN, 100); /* merges into a last lit half */
    ck_assert_str_eq(led_rig_names(rig), "blinking-green");

    led_pattern_advance(rig->cls, 3500 * NS_PER_MS);
    ck_assert_str_eq(led_rig_names(rig), "blinking-green, solid-00ff00");
    const struct led_pattern_event *solid = led_rig_event(rig, 1);
    ck_assert_double_eq_tol(led_rig_ms(solid->start_ns), 2000, START_TOL_MS);
    ck_assert_double_le(led_rig_ms(solid->confirmed_ns), 3500);

    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_str_eq(now.name, "solid-00ff00");
    led_rig_free(rig);
}
END_TEST

/* Time passes with no write, the classifier told of it every 25 ms. */
static void hold_advancing(struct led_timeline *tl, unsigned ms)
{
    for (unsigned t = 0; t < ms; t += 25) {
        led_timeline_hold(tl, 25);
        led_timeline_advance(tl);
    }
}

START_TEST(darkness_is_named_while_it_lasts)
{
    /* After a blink ... */
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000); /* dark from 1900 ms */
    hold_advancing(&rig->tl, 1000);
    ck_assert_str_eq(led_rig_names(rig), "blinking-green, off");
    ck_assert_double_le(led_rig_ms(led_rig_event(rig, 1)->confirmed_ns), 1900 + 300);
    led_rig_free(rig);

    /* ... and after a lit moment too short to name. */
    rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    led_timeline_solid(&rig->tl, RGB_CYAN, 150);
    led_timeline_write(&rig->tl, 0);
    hold_advancing(&rig->tl, 1000);
    ck_assert_str_eq(led_rig_names(rig), "breathing-white, off");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 1150, START_TOL_MS);
    ck_assert_double_le(led_rig_ms(led_rig_event(rig, 1)->confirmed_ns), 1150 + 300);
    led_rig_free(rig);
}
END_TEST

START_TEST(nothing_counts_after_the_flush)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "blinking-green");

    led_timeline_solid(&rig->tl, RGB_RED, 5000);
    led_timeline_advance(&rig->tl);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "blinking-green");
    led_rig_free(rig);
}
END_TEST

START_TEST(nothing_is_current_before_a_pattern_is_sure)
{
    struct led_rig *rig = led_rig_new();
    struct led_pattern_event now;
    ck_assert(!led_pattern_current(rig->cls, &now));
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 150); /* a period and a half */
    ck_assert(!led_pattern_current(rig->cls, &now));
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_str_eq(now.name, "fast-blinking-cyan");
    led_rig_free(rig);
}
END_TEST

static Suite *robustness_suite(void)
{
    Suite *s = suite_create("led_robustness");
    TCase *input = tcase_create("input");
    tcase_add_test(input, a_few_ms_of_jitter_on_every_edge_changes_nothing);
    tcase_add_test(input, events_come_in_start_order_and_after_they_start);
    tcase_add_test(input, a_colour_outside_the_table_is_solid_with_its_hex);
    tcase_add_test(input, dim_colours_keep_their_names);
    tcase_add_test(input, a_barely_lit_led_is_off);
    tcase_add_test(input, darkness_is_off_at_the_start_and_in_between);
    tcase_add_test(input, duties_outside_0_to_1_are_clamped);
    tcase_add_test(input, irregular_blinking_is_not_named_a_blink);
    tcase_add_test(input, unequal_halves_are_not_a_blink);
    tcase_add_test(input, a_regular_hand_made_blink_is_a_blink);
    tcase_add_test(input, a_blink_begins_at_its_first_whole_lit_half);
    tcase_add_test(input, short_stretches_of_noise_far_apart_are_not_irregular);
    tcase_add_test(input, a_blink_after_a_steady_colour_needs_two_even_periods);
    tcase_add_test(input, a_fade_that_stops_at_a_level_ends_there);
    tcase_add_test(input, channel_by_channel_writes_count_as_one_change);
    tcase_add_test(input, time_going_backwards_is_taken_as_now);
    suite_add_tcase(s, input);

    TCase *end = tcase_create("end of run");
    tcase_add_test(end, end_of_run_reports_what_was_seen_long_enough);
    tcase_add_test(end, advancing_time_names_a_steady_colour_without_a_flush);
    tcase_add_test(end, nothing_counts_after_the_flush);
    tcase_add_test(end, darkness_is_named_while_it_lasts);
    tcase_add_test(end, nothing_is_current_before_a_pattern_is_sure);
    suite_add_tcase(s, end);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(robustness_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
