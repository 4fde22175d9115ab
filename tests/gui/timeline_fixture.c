/*
 * Timelines for the timeline tests (see timeline_fixture.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>

#include "led_display.h"
#include "timeline_fixture.h"

void fixture_colour(struct report_timeline *tl, double t, uint32_t rgb, double level)
{
    struct led_sample s = {
        t,
        (rgb >> 16 & 0xff) / 255.0 * LED_DISPLAY_FULL_DUTY * level,
        (rgb >> 8 & 0xff) / 255.0 * LED_DISPLAY_FULL_DUTY * level,
        (rgb & 0xff) / 255.0 * LED_DISPLAY_FULL_DUTY * level,
        false,
    };
    ck_assert(report_timeline_add_sample(tl, s));
}

void fixture_blink(struct report_timeline *tl, uint32_t rgb, double period, double t0, double t1)
{
    for (int k = 0; t0 + k * period < t1 - 1e-9; k++) {
        fixture_colour(tl, t0 + k * period, rgb, 1);
        fixture_colour(tl, t0 + k * period + period / 2, rgb, 0);
    }
}

void fixture_breathe(struct report_timeline *tl, uint32_t rgb, double period, double t0, double t1)
{
    for (int k = 0; t0 + k * 0.025 < t1 - 1e-9; k++) {
        double phase = k * 0.025 / period;
        phase -= (int)phase;
        fixture_colour(tl, t0 + k * 0.025, rgb, phase < 0.5 ? 1 - 2 * phase : 2 * phase - 1);
    }
}

void fixture_cyan_with_orange_burst(struct report_timeline *tl)
{
    report_timeline_init(tl);
    fixture_blink(tl, 0x00FFFF, 0.1, 0.0, 5.0);
    fixture_colour(tl, 5.0, 0xFF6000, 1);
    fixture_blink(tl, 0x00FFFF, 0.1, 5.25, 8.0);
    fixture_colour(tl, 8.0, 0, 0);
    ck_assert(report_timeline_add_pattern(tl, 0.0, "fast-blinking-cyan"));
    ck_assert(report_timeline_add_pattern(tl, 5.0, "orange-burst"));
    ck_assert(report_timeline_add_pattern(tl, 5.25, "fast-blinking-cyan"));
    ck_assert(report_timeline_add_pattern(tl, 8.0, "off"));
    ck_assert(report_timeline_add_step(tl, 2.0, "drop TCP 5683"));
    report_timeline_set_end(tl, 10.0);
    report_timeline_finish(tl);
}
