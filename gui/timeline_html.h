/*
 * A run's LED timeline as one self-contained HTML page (led-timeline.html):
 * the same strip, pattern spans and step lines as the PNG on a canvas that
 * zooms (mouse wheel, buttons) and pans (drag), so a 50 ms burst in a
 * ten-minute run can be looked at closely; hovering reads out the time, the
 * LED's colour and PWM level, the pattern and D7. Tables list the patterns
 * and steps with their times.
 *
 * No external scripts, styles or fonts: the data and a small inline script
 * are in the file. Colours are computed here with led_display.h's mapping,
 * so the page and the PNG agree. Times are written as whole microseconds
 * (integers), so the output does not depend on the C locale.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_TIMELINE_HTML_H
#define PHOTON_GUI_TIMELINE_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "report_timeline.h"
#include "timeline_layout.h"

/* Writes the page to out; opt supplies title and source (may be NULL). 0 or -1. */
int timeline_html_write(FILE *out, const struct report_timeline *tl,
                        const struct timeline_options *opt);

/* The same into a file; 0, or -1 with the reason in why. */
int timeline_write_html(const struct report_timeline *tl, const struct timeline_options *opt,
                        const char *path, char *why, size_t why_size);

#endif
