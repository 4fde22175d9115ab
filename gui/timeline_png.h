/*
 * A run's LED timeline as a picture for reports (led-timeline.png): the
 * colour the RGB LED showed over virtual time as strips, the classifier's
 * pattern names as labelled spans under them, the scenario's steps as
 * dashed lines with labels, time axes, a title and a legend a newcomer can
 * read. The layout is timeline_layout.h's; the LED's colours are mapped as
 * led_display.h describes.
 *
 * Each pixel column of a strip shows the average of what the LED showed
 * during the time that column covers, so blinks too fast for the scale
 * still show (as a dimmer colour) instead of vanishing or flickering
 * between columns; at the default scale a 50 ms blink spans ~6 columns.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_TIMELINE_PNG_H
#define PHOTON_GUI_TIMELINE_PNG_H

#include <stddef.h>

#include <cairo.h>

#include "report_timeline.h"
#include "timeline_layout.h"

/*
 * Draws tl into a new RGB24 image surface (free it with
 * cairo_surface_destroy). opt may be NULL; g, when not NULL, receives the
 * layout used. NULL when cairo fails (out of memory).
 */
cairo_surface_t *timeline_render(const struct report_timeline *tl,
                                 const struct timeline_options *opt,
                                 struct timeline_geometry *g);

/* Renders and writes a PNG. 0, or -1 with the reason in why. */
int timeline_write_png(const struct report_timeline *tl, const struct timeline_options *opt,
                       const char *path, char *why, size_t why_size);

#endif
