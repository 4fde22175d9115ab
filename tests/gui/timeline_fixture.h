/*
 * Timelines built the way Device OS drives the LED, for the timeline tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TESTS_GUI_TIMELINE_FIXTURE_H
#define TESTS_GUI_TIMELINE_FIXTURE_H

#include <stdint.h>

#include "report_timeline.h"

/* Duties of an 0xRRGGBB colour at Device OS's default brightness, scaled by level. */
void fixture_colour(struct report_timeline *tl, double t, uint32_t rgb, double level);

/* On/off blinking of rgb with equal halves from t0 to t1; the LED is dark at t1. */
void fixture_blink(struct report_timeline *tl, uint32_t rgb, double period, double t0, double t1);

/* The LED service's triangle fade (full, down to dark, up again) in 25 ms steps. */
void fixture_breathe(struct report_timeline *tl, uint32_t rgb, double period, double t0, double t1);

/*
 * The forum's "fast cyan with a quick red burst", here orange: 50/50 cyan
 * from 0 to 5 s, a 250 ms orange flash at 5 s, cyan again to 8 s, dark to
 * 10 s; patterns named at each start, one step at 2 s ("drop TCP 5683").
 */
void fixture_cyan_with_orange_burst(struct report_timeline *tl);

#endif
