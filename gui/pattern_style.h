/*
 * The colour a pattern's name is drawn in: the LED colour the name speaks
 * of ("fast-blinking-cyan" is cyan, "solid-ff6000" is ff6000, "sos-1" is
 * red), so a reader links the label to the strip above it. Shared by the
 * PNG and the HTML view.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_PATTERN_STYLE_H
#define PHOTON_GUI_PATTERN_STYLE_H

#include <stdint.h>

struct pattern_style {
    uint32_t fill;   /* pale tint for the span's box, 0xRRGGBB */
    uint32_t border; /* the colour itself, darkened enough to show on white */
    uint32_t text;   /* dark enough to read on fill and on white */
};

struct pattern_style pattern_style_of(const char *name);

#endif
