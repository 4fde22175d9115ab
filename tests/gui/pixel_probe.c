/*
 * Reading pixels back (see pixel_probe.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "pixel_probe.h"

static struct pixel unpack(uint32_t v, bool opaque)
{
    return (struct pixel){ v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff, opaque ? 255 : (int)(v >> 24) };
}

struct pixel pixel_in_buffer(const uint32_t *pixels, int stride_bytes, double x, double y)
{
    const uint8_t *row = (const uint8_t *)pixels + (size_t)floor(y) * stride_bytes;
    return unpack(((const uint32_t *)row)[(size_t)floor(x)], false);
}

struct pixel pixel_in_surface(cairo_surface_t *surface, double x, double y)
{
    cairo_surface_flush(surface);
    const uint8_t *data = cairo_image_surface_get_data(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const uint32_t *row = (const uint32_t *)(data + (size_t)floor(y) * stride);
    return unpack(row[(size_t)floor(x)],
                  cairo_image_surface_get_format(surface) == CAIRO_FORMAT_RGB24);
}

const char *pixel_text(struct pixel p)
{
    static char text[48];
    snprintf(text, sizeof(text), "r=%d g=%d b=%d a=%d", p.r, p.g, p.b, p.a);
    return text;
}

int pixel_distance(struct pixel a, struct pixel b)
{
    return abs(a.r - b.r) + abs(a.g - b.g) + abs(a.b - b.b);
}
