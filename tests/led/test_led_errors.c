/*
 * The LED's error signals: orange blink groups over the connecting
 * pattern, single-colour bursts for handshake failures, and the panic SOS.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "led_rig.h"

#define START_TOL_MS 0.5

static void assert_group(const struct led_pattern_event *e, unsigned blinks)
{
    ck_assert_int_eq(e->kind, LED_PATTERN_BLINK_GROUP);
    ck_assert_uint_eq(e->count, blinks);
    ck_assert_uint_eq(e->rgb, 0xFF6000);
    ck_assert_double_eq_tol(e->on_ms, 250, 1);
    ck_assert_double_eq_tol(e->period_ms, 500, 1);
}

START_TEST(two_orange_blinks_over_blinking_cyan_every_11_s)
{
    /* Cloud unreachable without internet: cyan blinks, then 2 orange blinks,
     * then cyan again, over and over. */
    struct led_rig *rig = led_rig_new();
    for (int i = 0; i < 3; i++) {
        led_timeline_blink(&rig->tl, RGB_CYAN, 200, 10000);
        led_timeline_error_blinks(&rig->tl, RGB_ORANGE, 2);
    }
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig),
                     "blinking-cyan, orange-blinks-2, blinking-cyan, orange-blinks-2, "
                     "blinking-cyan, orange-blinks-2, blinking-cyan");
    for (unsigned i = 0; i < 3; i++) {
        const struct led_pattern_event *group = led_event_log_find(&rig->log, "orange-blinks-2", i);
        assert_group(group, 2);
        ck_assert_double_eq_tol(led_rig_ms(group->start_ns), 10000 + 11000.0 * i, START_TOL_MS);
        const struct led_pattern_event *resumed = led_event_log_find(&rig->log, "blinking-cyan", i + 1);
        ck_assert_double_eq_tol(led_rig_ms(resumed->start_ns - group->start_ns), 1000, START_TOL_MS);
    }
    led_rig_free(rig);
}
END_TEST

START_TEST(three_orange_blinks_every_6_s)
{
    /* Internet reachable, cloud not: 3 orange blinks, 5 s of cyan between. */
    struct led_rig *rig = led_rig_new();
    for (int i = 0; i < 3; i++) {
        led_timeline_blink(&rig->tl, RGB_CYAN, 200, 4500);
        led_timeline_error_blinks(&rig->tl, RGB_ORANGE, 3);
    }
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_flush(&rig->tl);

    ck_assert_uint_eq(led_event_log_count(&rig->log, "orange-blinks-3"), 3);
    ck_assert_uint_eq(led_event_log_count(&rig->log, "blinking-cyan"), 4);
    ck_assert_uint_eq(rig->log.count, 7);
    const struct led_pattern_event *first = led_event_log_find(&rig->log, "orange-blinks-3", 0);
    const struct led_pattern_event *second = led_event_log_find(&rig->log, "orange-blinks-3", 1);
    assert_group(first, 3);
    ck_assert_double_eq_tol(led_rig_ms(second->start_ns - first->start_ns), 6000, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(orange_blinks_over_breathing_green)
{
    /* DNS failure: the LED falls back to breathing green under the blinks. */
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_GREEN, 4000, 5000);
    led_timeline_error_blinks(&rig->tl, RGB_ORANGE, 2);
    led_timeline_fade(&rig->tl, RGB_GREEN, 4000, 5000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-green, orange-blinks-2, breathing-green");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 2)->start_ns), 6000, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(endless_orange_blinking_is_not_a_group)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_error_blinks(&rig->tl, RGB_ORANGE, 12);
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan, blinking-orange, blinking-cyan");
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->period_ms, 500, 1);
    led_rig_free(rig);
}
END_TEST

START_TEST(red_burst_inside_fast_cyan)
{
    /* A handshake failure: 250 ms of solid red, cutting a lit half of fast cyan short. */
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1025);
    led_timeline_solid(&rig->tl, RGB_RED, 250);
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "fast-blinking-cyan, red-burst, fast-blinking-cyan");
    const struct led_pattern_event *burst = led_rig_event(rig, 1);
    ck_assert_int_eq(burst->kind, LED_PATTERN_BURST);
    ck_assert_double_eq_tol(led_rig_ms(burst->start_ns), 1025, START_TOL_MS);
    ck_assert_double_eq_tol(burst->on_ms, 250, 0.5);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 2)->start_ns), 1275, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(bad_keys_repeat_fast_cyan_with_red_bursts)
{
    /* "Flashing cyan with red bursts": fast cyan, red, back-off in blinking
     * cyan, fast cyan, red, ... */
    struct led_rig *rig = led_rig_new();
    for (int i = 0; i < 4; i++) {
        led_timeline_blink(&rig->tl, RGB_CYAN, 100, 500);
        led_timeline_solid(&rig->tl, RGB_RED, 250);
        led_timeline_blink(&rig->tl, RGB_CYAN, 200, 1000);
    }
    led_timeline_flush(&rig->tl);

    ck_assert_uint_eq(led_event_log_count(&rig->log, "red-burst"), 4);
    ck_assert_uint_eq(led_event_log_count(&rig->log, "fast-blinking-cyan"), 4);
    ck_assert_uint_eq(led_event_log_count(&rig->log, "blinking-cyan"), 4);
    ck_assert_str_eq(led_rig_event(rig, 0)->name, "fast-blinking-cyan");
    ck_assert_str_eq(led_rig_event(rig, 1)->name, "red-burst");
    ck_assert_str_eq(led_rig_event(rig, 2)->name, "blinking-cyan");
    const struct led_pattern_event *a = led_event_log_find(&rig->log, "red-burst", 0);
    const struct led_pattern_event *b = led_event_log_find(&rig->log, "red-burst", 1);
    ck_assert_double_eq_tol(led_rig_ms(b->start_ns - a->start_ns), 1750, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(magenta_and_orange_bursts)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 3000);
    led_timeline_solid(&rig->tl, RGB_MAGENTA, 250);
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 3000);
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_solid(&rig->tl, RGB_ORANGE, 250);
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig),
                     "breathing-cyan, magenta-burst, breathing-cyan, fast-blinking-cyan, "
                     "orange-burst, fast-blinking-cyan");
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->on_ms, 250, 0.5);
    ck_assert_double_eq_tol(led_rig_event(rig, 4)->on_ms, 250, 0.5);
    led_rig_free(rig);
}
END_TEST

START_TEST(an_orange_flash_before_listening_mode_is_a_burst)
{
    /* Orange followed by blue halves as long as its own: blue is not a dark half. */
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_solid(&rig->tl, RGB_ORANGE, 250);
    led_timeline_blink(&rig->tl, RGB_BLUE, 500, 3000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "fast-blinking-cyan, orange-burst, blinking-blue");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 2)->start_ns), 1250, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_long_red_flash_is_solid_red_not_a_burst)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_solid(&rig->tl, RGB_RED, 600);
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig),
                     "fast-blinking-cyan, solid-ff0000, fast-blinking-cyan");
    led_rig_free(rig);
}
END_TEST

START_TEST(one_orange_blink_and_an_orange_flash_differ)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_error_blinks(&rig->tl, RGB_ORANGE, 1);   /* 250 on, 250 off */
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_solid(&rig->tl, RGB_ORANGE, 250);        /* straight back to cyan */
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_solid(&rig->tl, RGB_ORANGE, 250);        /* then darkness */
    led_timeline_off(&rig->tl, 1000);
    led_timeline_solid(&rig->tl, RGB_ORANGE, 250);        /* dark too short for a blink */
    led_timeline_off(&rig->tl, 100);
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig),
                     "blinking-cyan, orange-blinks-1, blinking-cyan, orange-burst, blinking-cyan, "
                     "orange-burst, off, orange-burst, blinking-cyan");
    led_rig_free(rig);
}
END_TEST

static void check_sos(unsigned code)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    int64_t panic_ns = rig->tl.now_ns;
    led_timeline_sos(&rig->tl, code);
    led_timeline_advance(&rig->tl);

    /* Both plays are one pattern. */
    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_int_eq(now.kind, LED_PATTERN_SOS);
    ck_assert_uint_eq(now.cycles, 2);

    led_timeline_hold(&rig->tl, 10);                  /* reset, bootloader */
    led_timeline_solid(&rig->tl, RGB_WHITE, 300);
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 2000);
    led_timeline_flush(&rig->tl);

    char sos_name[16];
    snprintf(sos_name, sizeof(sos_name), "sos-%u", code);
    char expected[96];
    snprintf(expected, sizeof(expected), "breathing-white, %s, white, breathing-white", sos_name);
    ck_assert_str_eq(led_rig_names(rig), expected);

    const struct led_pattern_event *sos = led_rig_event(rig, 1);
    ck_assert_int_eq(sos->kind, LED_PATTERN_SOS);
    ck_assert_uint_eq(sos->count, code);
    ck_assert_uint_eq(sos->cycles, 1);
    ck_assert_uint_eq(sos->rgb, 0xFF0000);
    ck_assert_double_eq_tol(sos->on_ms, 300, 0.5);
    ck_assert_double_eq_tol(led_rig_ms(sos->start_ns), led_rig_ms(panic_ns), START_TOL_MS);
    /* Sure once the pause after the code blinks outlasts a code blink's dark
     * half; told of that only by the next write, the second play's first red. */
    double play_ms = 850 + 1300 + 1650 + 600.0 * (code - 1) + 1400;
    ck_assert_double_eq_tol(led_rig_ms(sos->confirmed_ns - sos->start_ns), play_ms, 0.5);
    led_rig_free(rig);
}

START_TEST(sos_with_one_blink_hard_fault)
{
    check_sos(1);
}
END_TEST

START_TEST(sos_with_five_blinks_usage_fault)
{
    check_sos(5);
}
END_TEST

/* One play of the panic pattern for code 1, its middle dash lasting dash_ms,
 * ending pause_ms after the code blink's light goes out. */
static void play_sos_once(struct led_rig *rig, unsigned dash_ms, unsigned pause_ms)
{
    static const unsigned on_ms[] = { 150, 150, 150, 300, 300, 300, 150, 150, 150, 300 };
    for (size_t i = 0; i < sizeof(on_ms) / sizeof(on_ms[0]); i++) {
        unsigned after = i == 2 || i == 5 ? 200 : i == 8 ? 1000 : i == 9 ? pause_ms : 100;
        led_timeline_write(&rig->tl, RGB_RED);
        led_timeline_hold(&rig->tl, i == 4 ? dash_ms : on_ms[i]);
        led_timeline_write(&rig->tl, 0);
        led_timeline_hold(&rig->tl, after);
    }
}

START_TEST(sos_with_the_wrong_rhythm_is_not_sos)
{
    /* The hand-made SOS is recognised as it stands... */
    struct led_rig *rig = led_rig_new();
    play_sos_once(rig, 300, 1100);
    play_sos_once(rig, 300, 1100);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "sos-1");
    led_rig_free(rig);

    /* ... but not with one dash of 500 ms in the first play. */
    rig = led_rig_new();
    play_sos_once(rig, 500, 1100);
    play_sos_once(rig, 300, 1100);
    led_timeline_flush(&rig->tl);
    const char *names = led_rig_names(rig);
    ck_assert_msg(strncmp(names, "sos", 3) != 0, "named \"%s\"", names);
    ck_assert_uint_eq(led_event_log_count(&rig->log, "sos-1"), 1); /* the second play */
    ck_assert_double_eq_tol(led_rig_ms(led_event_log_find(&rig->log, "sos-1", 0)->start_ns),
                            850 + 1300 + 200 + 1650 + 1400, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

/* Red for each of on_ms, then dark (or the colour in gap_rgb) for off_ms. */
static void play_red_rhythm(struct led_rig *rig, const unsigned *on_ms, const unsigned *off_ms,
                            size_t n, uint32_t gap_rgb)
{
    for (size_t i = 0; i < n; i++) {
        led_timeline_write(&rig->tl, RGB_RED);
        led_timeline_hold(&rig->tl, on_ms[i]);
        led_timeline_write(&rig->tl, gap_rgb);
        led_timeline_hold(&rig->tl, off_ms[i]);
    }
}

static const unsigned sos_on_ms[] = { 150, 150, 150, 300, 300, 300, 150, 150, 150, 300, 300 };
static const unsigned sos_off_ms[] = { 100, 100, 200, 100, 100, 200, 100, 100, 1000, 300, 1100 };
#define SOS_PHASES (sizeof(sos_on_ms) / sizeof(sos_on_ms[0]))

START_TEST(sos_needs_all_of_its_rhythm)
{
    /* The control: one play with two code blinks. */
    struct led_rig *rig = led_rig_new();
    play_red_rhythm(rig, sos_on_ms, sos_off_ms, SOS_PHASES, 0);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "sos-2");
    led_rig_free(rig);

    /* Code blinks 100 ms apart instead of 300. */
    unsigned off_ms[SOS_PHASES];
    memcpy(off_ms, sos_off_ms, sizeof(off_ms));
    off_ms[SOS_PHASES - 2] = 100;
    rig = led_rig_new();
    play_red_rhythm(rig, sos_on_ms, off_ms, SOS_PHASES, 0);
    led_timeline_flush(&rig->tl);
    ck_assert_msg(strstr(led_rig_names(rig), "sos") == NULL, "named \"%s\"", rig->names);
    led_rig_free(rig);

    /* White straight after the last code blink: no pause, so N is not known. */
    rig = led_rig_new();
    play_red_rhythm(rig, sos_on_ms, sos_off_ms, SOS_PHASES - 1, 0);
    led_timeline_write(&rig->tl, RGB_RED);
    led_timeline_hold(&rig->tl, 300);
    led_timeline_solid(&rig->tl, RGB_WHITE, 2000);
    led_timeline_flush(&rig->tl);
    ck_assert_msg(strstr(led_rig_names(rig), "sos") == NULL, "named \"%s\"", rig->names);
    led_rig_free(rig);

    /* Blue instead of dark between the flashes. */
    rig = led_rig_new();
    play_red_rhythm(rig, sos_on_ms, sos_off_ms, SOS_PHASES, RGB_BLUE);
    led_timeline_flush(&rig->tl);
    ck_assert_msg(strstr(led_rig_names(rig), "sos") == NULL, "named \"%s\"", rig->names);
    led_rig_free(rig);
}
END_TEST

START_TEST(an_led_left_dark_after_sos_is_off)
{
    /* A device that does not reset after its panic. */
    struct led_rig *rig = led_rig_new();
    play_sos_once(rig, 300, 1100);
    play_sos_once(rig, 300, 5000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "sos-1, off");
    double last_red_off_ms = 2 * (850 + 1300 + 1650 + 300) + 1100;
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), last_red_off_ms,
                            START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(sos_is_named_during_its_pause_when_time_is_advanced)
{
    struct led_rig *rig = led_rig_new();
    play_sos_once(rig, 300, 500);
    led_timeline_advance(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "sos-1");
    const struct led_pattern_event *sos = led_rig_event(rig, 0);
    ck_assert_double_eq_tol(led_rig_ms(sos->confirmed_ns), 850 + 1300 + 1650 + 300 + 500, 0.5);
    led_rig_free(rig);
}
END_TEST

static Suite *errors_suite(void)
{
    Suite *s = suite_create("led_errors");
    TCase *groups = tcase_create("orange blinks");
    tcase_add_test(groups, two_orange_blinks_over_blinking_cyan_every_11_s);
    tcase_add_test(groups, three_orange_blinks_every_6_s);
    tcase_add_test(groups, orange_blinks_over_breathing_green);
    tcase_add_test(groups, endless_orange_blinking_is_not_a_group);
    suite_add_tcase(s, groups);

    TCase *bursts = tcase_create("bursts");
    tcase_add_test(bursts, red_burst_inside_fast_cyan);
    tcase_add_test(bursts, bad_keys_repeat_fast_cyan_with_red_bursts);
    tcase_add_test(bursts, magenta_and_orange_bursts);
    tcase_add_test(bursts, a_long_red_flash_is_solid_red_not_a_burst);
    tcase_add_test(bursts, an_orange_flash_before_listening_mode_is_a_burst);
    tcase_add_test(bursts, one_orange_blink_and_an_orange_flash_differ);
    suite_add_tcase(s, bursts);

    TCase *sos = tcase_create("sos");
    tcase_add_test(sos, sos_with_one_blink_hard_fault);
    tcase_add_test(sos, sos_with_five_blinks_usage_fault);
    tcase_add_test(sos, sos_with_the_wrong_rhythm_is_not_sos);
    tcase_add_test(sos, sos_is_named_during_its_pause_when_time_is_advanced);
    tcase_add_test(sos, an_led_left_dark_after_sos_is_off);
    tcase_add_test(sos, sos_needs_all_of_its_rhythm);
    suite_add_tcase(s, sos);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(errors_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
