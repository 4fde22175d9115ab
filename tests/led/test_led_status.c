/*
 * The LED patterns of normal operation, from timelines built the way
 * Device OS's LED service builds them: boot, listening mode, Wi-Fi join,
 * cloud connection, safe mode, DFU and firmware update.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "led_rig.h"

/* Start times are exact on the virtual clock; allow for rounding only. */
#define START_TOL_MS 0.5

static void assert_blink(const struct led_pattern_event *e, double period_ms, double on_ms)
{
    ck_assert_int_eq(e->kind, LED_PATTERN_BLINK);
    ck_assert_double_eq_tol(e->period_ms, period_ms, 1.0);
    ck_assert_double_eq_tol(e->on_ms, on_ms, 1.0);
}

START_TEST(boot_shows_white_then_breathing_white)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_hold(&rig->tl, 10);                  /* bootloader: dark */
    led_timeline_solid(&rig->tl, RGB_WHITE, 300);     /* HAL_Core_Config: LED_On */
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 12000); /* NETWORK_OFF */
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "white, breathing-white");
    const struct led_pattern_event *white = led_rig_event(rig, 0);
    ck_assert_int_eq(white->kind, LED_PATTERN_SOLID);
    ck_assert_uint_eq(white->rgb, 0xFFFFFF);
    ck_assert_double_eq_tol(white->peak_duty, 0.3735, 1e-9);
    ck_assert_double_eq_tol(led_rig_ms(white->start_ns), 10, START_TOL_MS);

    const struct led_pattern_event *breathing = led_rig_event(rig, 1);
    ck_assert_int_eq(breathing->kind, LED_PATTERN_BREATHING);
    ck_assert_double_eq_tol(led_rig_ms(breathing->start_ns), 310, START_TOL_MS);
    ck_assert_double_eq_tol(breathing->period_ms, 4000, 100);
    /* Named from the slope of its first steps, long before a whole period. */
    ck_assert_double_lt(led_rig_ms(breathing->confirmed_ns), 310 + 1000);

    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_str_eq(now.name, "breathing-white");
    ck_assert_uint_eq(now.cycles, 2);
    ck_assert_double_eq_tol(now.period_ms, 4000, 1);
    led_rig_free(rig);
}
END_TEST

START_TEST(listening_mode_blinks_blue_250_on_250_off)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    led_timeline_fade(&rig->tl, RGB_BLUE, 4000, 50); /* NETWORK_ON, too short to see */
    led_timeline_blink(&rig->tl, RGB_BLUE, 500, 5000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-white, blinking-blue");
    const struct led_pattern_event *listening = led_rig_event(rig, 1);
    assert_blink(listening, 500, 250);
    ck_assert_double_eq_tol(led_rig_ms(listening->start_ns), 1050, START_TOL_MS);
    ck_assert_uint_eq(listening->rgb, 0x0000FF);
    led_rig_free(rig);
}
END_TEST

START_TEST(wifi_join_blinks_green_100_on_100_off)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_WHITE, 4000, 1000);
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 3000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-white, blinking-green");
    assert_blink(led_rig_event(rig, 1), 200, 100);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 1000, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(cloud_connection_goes_blinking_fast_then_breathing_cyan)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_GREEN, 200, 2000);  /* NETWORK_CONNECTING */
    led_timeline_blink(&rig->tl, RGB_GREEN, 100, 50);    /* NETWORK_DHCP flashes by */
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2000);   /* CLOUD_CONNECTING */
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);   /* CLOUD_HANDSHAKE */
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 20000);  /* CLOUD_CONNECTED */
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig),
                     "blinking-green, blinking-cyan, fast-blinking-cyan, breathing-cyan");
    assert_blink(led_rig_event(rig, 1), 200, 100);
    assert_blink(led_rig_event(rig, 2), 100, 50);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 2050, START_TOL_MS);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 2)->start_ns), 4050, START_TOL_MS);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 3)->start_ns), 5050, START_TOL_MS);
    ck_assert_double_eq_tol(led_rig_event(rig, 3)->period_ms, 4000, 100);
    ck_assert_uint_eq(led_rig_event(rig, 3)->rgb, 0x00FFFF);
    led_rig_free(rig);
}
END_TEST

START_TEST(switch_inside_a_lit_half_dates_the_new_pattern_where_it_began)
{
    /* Cyan blinking stops 75 ms into a lit half; fast cyan starts lit, so the
     * LED stays cyan for 125 ms across the switch. */
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2075);
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1000);
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 6025);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan, fast-blinking-cyan, breathing-cyan");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 2075, START_TOL_MS);
    assert_blink(led_rig_event(rig, 1), 100, 50);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 2)->start_ns), 3075, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(each_theme_fade_is_named_breathing_in_its_colour)
{
    static const struct {
        uint32_t rgb;
        const char *name;
    } fades[] = {
        { RGB_WHITE, "breathing-white" },     /* NETWORK_OFF */
        { RGB_BLUE, "breathing-blue" },       /* NETWORK_ON */
        { RGB_GREEN, "breathing-green" },     /* NETWORK_CONNECTED */
        { RGB_CYAN, "breathing-cyan" },       /* CLOUD_CONNECTED */
        { RGB_MAGENTA, "breathing-magenta" }, /* SAFE_MODE */
    };
    for (size_t i = 0; i < sizeof(fades) / sizeof(fades[0]); i++) {
        struct led_rig *rig = led_rig_new();
        led_timeline_fade(&rig->tl, fades[i].rgb, 4000, 9000);
        led_timeline_flush(&rig->tl);
        ck_assert_str_eq(led_rig_names(rig), fades[i].name);
        ck_assert_double_eq_tol(led_rig_event(rig, 0)->period_ms, 4000, 100);
        ck_assert_double_eq_tol(led_rig_event(rig, 0)->peak_duty, 0.3735, 1e-9);
        led_rig_free(rig);
    }
}
END_TEST

START_TEST(breathing_period_is_measured_over_the_whole_run)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 40000);
    led_timeline_advance(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-cyan");
    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_uint_eq(now.cycles, 9); /* the tenth peak is at 40 s, not yet shown */
    ck_assert_double_eq_tol(now.period_ms, 4000, 0.5);
    led_rig_free(rig);
}
END_TEST

START_TEST(fade_speeds_other_than_normal_get_other_names)
{
    static const struct {
        unsigned period_ms;
        const char *name;
    } fades[] = {
        { 1000, "fast-breathing-cyan" }, /* LED_PATTERN_SPEED_FAST */
        { 8000, "slow-breathing-cyan" }, /* LED_PATTERN_SPEED_SLOW */
        { 2500, "fading-cyan" },         /* not a service speed: not breathing */
        { 6000, "fading-cyan" },
    };
    for (size_t i = 0; i < sizeof(fades) / sizeof(fades[0]); i++) {
        struct led_rig *rig = led_rig_new();
        led_timeline_fade(&rig->tl, RGB_CYAN, fades[i].period_ms, 3 * fades[i].period_ms);
        led_timeline_flush(&rig->tl);
        ck_assert_str_eq(led_rig_names(rig), fades[i].name);
        ck_assert_double_eq_tol(led_rig_event(rig, 0)->period_ms, fades[i].period_ms,
                                0.05 * fades[i].period_ms);
        led_rig_free(rig);
    }
}
END_TEST

START_TEST(dfu_mode_blinks_yellow_from_service_and_bootloader)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_YELLOW, 200, 2000);  /* DFU_MODE signal */
    led_timeline_off(&rig->tl, 1000);
    led_timeline_toggle(&rig->tl, RGB_YELLOW, 100, 2000); /* bootloader: every 100 ms */
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "blinking-yellow, off, blinking-yellow");
    assert_blink(led_rig_event(rig, 0), 200, 100);
    assert_blink(led_rig_event(rig, 2), 200, 100);
    led_rig_free(rig);
}
END_TEST

START_TEST(firmware_update_blinks_magenta_fast)
{
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 3000);
    led_timeline_blink(&rig->tl, RGB_MAGENTA, 100, 3000); /* FIRMWARE_UPDATE */
    led_timeline_off(&rig->tl, 500);                     /* reset */
    led_timeline_toggle(&rig->tl, RGB_MAGENTA, 50, 2000);  /* bootloader: copying */
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig),
                     "breathing-cyan, fast-blinking-magenta, off, fast-blinking-magenta");
    assert_blink(led_rig_event(rig, 1), 100, 50);
    assert_blink(led_rig_event(rig, 3), 100, 50);
    led_rig_free(rig);
}
END_TEST

START_TEST(steady_colour_before_a_blink_of_the_same_colour_is_its_own_pattern)
{
    /* Key generation: solid white from HAL_Core_Config, then white blinking.
     * The first lit half merges into the solid; both are still reported. */
    static const unsigned solid_ms[] = { 500, 2000 };
    for (size_t i = 0; i < 2; i++) {
        struct led_rig *rig = led_rig_new();
        led_timeline_hold(&rig->tl, 10);
        led_timeline_solid(&rig->tl, RGB_WHITE, solid_ms[i]);
        led_timeline_blink(&rig->tl, RGB_WHITE, 200, 3000);
        led_timeline_flush(&rig->tl);

        ck_assert_str_eq(led_rig_names(rig), "white, blinking-white");
        ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 0)->start_ns), 10, START_TOL_MS);
        ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 10 + solid_ms[i],
                                START_TOL_MS);
        assert_blink(led_rig_event(rig, 1), 200, 100);
        led_rig_free(rig);
    }
}
END_TEST

/* Cyan from from_k/80 of full towards to_k/80 (not included), one step of
 * 1/80 every 25 ms: the breathing slope. Returns the time after the last step. */
static int64_t play_ramp(struct led_rig *rig, int64_t t, int from_k, int to_k)
{
    const double full = led_timeline_duty(0xFF, 96);
    int dir = to_k < from_k ? -1 : 1;
    for (int k = from_k; k != to_k; k += dir, t += 25 * NS_PER_MS) {
        led_pattern_colour(rig->cls, t, 0, full * k / 80, full * k / 80);
    }
    return t;
}

START_TEST(a_fade_that_turns_back_before_dark_completes_no_breath)
{
    /* Between full and 75 %: like breathing at first, but it never reaches dark. */
    struct led_rig *rig = led_rig_new();
    int64_t t = 0;
    for (int i = 0; i < 5; i++) {
        t = play_ramp(rig, t, 80, 60);
        t = play_ramp(rig, t, 60, 80);
    }
    led_pattern_flush(rig->cls, t);

    ck_assert_str_eq(led_rig_event(rig, 0)->name, "breathing-cyan");
    for (unsigned i = 0; i < rig->log.count; i++) {
        ck_assert_uint_eq(rig->log.events[i].cycles, 0);
    }
    struct led_pattern_event now;
    ck_assert(!led_pattern_current(rig->cls, &now) || now.cycles == 0);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_fade_that_turns_down_before_full_is_a_new_fade)
{
    /* One whole breath, then up only to half and down again: that turn is
     * no peak of the breathing. What follows is a fade between dark and
     * half, which takes 2000 ms at this slope. */
    struct led_rig *rig = led_rig_new();
    int64_t t = play_ramp(rig, 0, 80, 0);
    t = play_ramp(rig, t, 0, 80);
    t = play_ramp(rig, t, 80, 0);
    for (int i = 0; i < 4; i++) {
        t = play_ramp(rig, t, 0, 40);
        t = play_ramp(rig, t, 40, 0);
    }
    led_pattern_flush(rig->cls, t);

    ck_assert_str_eq(led_rig_names(rig), "breathing-cyan, fading-cyan");
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->period_ms, 2000, 100);
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 6000 + 40 * 25, 0.5);
    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_str_eq(now.name, "fading-cyan");
    ck_assert_uint_eq(now.cycles, 3);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_fade_changing_colour_at_its_peak_is_a_new_fade)
{
    /* Cloud lost: breathing cyan ends just below its peak, breathing green
     * starts at full: the levels differ by one step, the hue does not. */
    struct led_rig *rig = led_rig_new();
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 8000);
    led_timeline_fade(&rig->tl, RGB_GREEN, 4000, 8000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "breathing-cyan, breathing-green");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 8000, START_TOL_MS);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_fade_starting_inside_a_lit_half_is_dated_where_it_began)
{
    /* The fade's full first step merges with a whole lit half of blinking
     * cyan (125 ms of cyan) ... */
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 2100);
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 5000);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan, breathing-cyan");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 2100, START_TOL_MS);
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->period_ms, 4000, 100);
    led_rig_free(rig);

    /* ... or with a lit half of fast cyan cut short after 25 ms (50 ms of cyan,
     * which fits the blink). */
    rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 100, 1025);
    led_timeline_fade(&rig->tl, RGB_CYAN, 4000, 5000);
    led_timeline_flush(&rig->tl);
    ck_assert_str_eq(led_rig_names(rig), "fast-blinking-cyan, breathing-cyan");
    ck_assert_double_eq_tol(led_rig_ms(led_rig_event(rig, 1)->start_ns), 1025, START_TOL_MS);
    ck_assert_double_eq_tol(led_rig_event(rig, 1)->period_ms, 4000, 100);
    led_rig_free(rig);
}
END_TEST

START_TEST(a_blink_restarted_after_a_cut_short_dark_half_is_one_pattern)
{
    /* Cyan blinking restarts at its lit half 50 ms into a dark half. */
    struct led_rig *rig = led_rig_new();
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 1150);
    led_timeline_blink(&rig->tl, RGB_CYAN, 200, 1000);
    led_timeline_flush(&rig->tl);

    ck_assert_str_eq(led_rig_names(rig), "blinking-cyan");
    struct led_pattern_event now;
    ck_assert(led_pattern_current(rig->cls, &now));
    ck_assert_uint_eq(now.cycles, 10); /* 5 whole periods, then 5 more */
    led_rig_free(rig);
}
END_TEST

static Suite *status_suite(void)
{
    Suite *s = suite_create("led_status");
    TCase *tc = tcase_create("theme");
    tcase_add_test(tc, boot_shows_white_then_breathing_white);
    tcase_add_test(tc, listening_mode_blinks_blue_250_on_250_off);
    tcase_add_test(tc, wifi_join_blinks_green_100_on_100_off);
    tcase_add_test(tc, cloud_connection_goes_blinking_fast_then_breathing_cyan);
    tcase_add_test(tc, switch_inside_a_lit_half_dates_the_new_pattern_where_it_began);
    tcase_add_test(tc, each_theme_fade_is_named_breathing_in_its_colour);
    tcase_add_test(tc, breathing_period_is_measured_over_the_whole_run);
    tcase_add_test(tc, fade_speeds_other_than_normal_get_other_names);
    tcase_add_test(tc, a_fade_that_turns_back_before_dark_completes_no_breath);
    tcase_add_test(tc, a_fade_that_turns_down_before_full_is_a_new_fade);
    tcase_add_test(tc, a_fade_starting_inside_a_lit_half_is_dated_where_it_began);
    tcase_add_test(tc, a_fade_changing_colour_at_its_peak_is_a_new_fade);
    tcase_add_test(tc, a_blink_restarted_after_a_cut_short_dark_half_is_one_pattern);
    tcase_add_test(tc, dfu_mode_blinks_yellow_from_service_and_bootloader);
    tcase_add_test(tc, firmware_update_blinks_magenta_fast);
    tcase_add_test(tc, steady_colour_before_a_blink_of_the_same_colour_is_its_own_pattern);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(status_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
