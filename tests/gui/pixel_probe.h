/*
 * Reading pixels back from the GUI's drawings in tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TESTS_GUI_PIXEL_PROBE_H
#define TESTS_GUI_PIXEL_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

struct pixel {
    int r, g, b, a;
};

/* A pixel of a 32-bit 0xAARRGGBB buffer with rows stride_bytes apart. */
struct pixel pixel_in_buffer(const uint32_t *pixels, int stride_bytes, double x, double y);

/* A pixel of an ARGB32 or RGB24 image surface (alpha 255 for RGB24). */
struct pixel pixel_in_surface(cairo_surface_t *surface, double x, double y);

/* "r=.. g=.. b=.. a=.." for failure messages (a static buffer). */
const char *pixel_text(struct pixel p);

/* Sum of absolute channel differences. */
int pixel_distance(struct pixel a, struct pixel b);

#endif
