/*
 * Draws the Particle Photon as a person sees it on the desk: the board with
 * its 24 header pins and their labels, the USB connector, the P0 module,
 * the SETUP and RESET buttons, the RGB status LED glowing with the colour
 * and brightness its PWM gives it (mapped as led_display.h describes: a dim
 * LED looks dim, a breathing one breathes), the blue D7 LED, and a status
 * line under the board.
 *
 * Draws with cairo into a caller's framebuffer; any size works (the board
 * keeps its shape, centred). Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_BOARD_RENDER_H
#define PHOTON_GUI_BOARD_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "board_layout.h"

#define BOARD_RENDER_DEFAULT_WIDTH 640
#define BOARD_RENDER_DEFAULT_HEIGHT 300

struct board_state {
    double led_r, led_g, led_b; /* the RGB LED's PWM duties, 0..1 */
    bool d7;                    /* the D7 pin drives the blue LED */
    bool setup_pressed, reset_pressed;
    const char *status_line;    /* one line under the board; NULL for none */
};

/*
 * Draws state into pixels: width x height pixels of 32 bits, 0xAARRGGBB in
 * native byte order (cairo's ARGB32, pixman's a8r8g8b8 or x8r8g8b8), rows
 * stride_bytes apart. Every pixel is written, opaque (alpha 0xFF), so
 * XRGB and ARGB consumers see the same picture. Returns 0, or -1 when the
 * size or stride is unusable (stride not a multiple of 4 or below width * 4)
 * or cairo fails.
 */
int board_render(uint32_t *pixels, int width, int height, int stride_bytes,
                 const struct board_state *state);

/*
 * For a window drawing frame after frame: keeps the parts that never change
 * (the board, pins, labels) drawn once per size, so a frame only redraws
 * the LEDs, the buttons and the status line (about 1.5 ms at 640 x 300 on one core, against 5.5 ms for all of it).
 * Same output as board_render(). One renderer per window; not thread-safe.
 */
struct board_renderer;
struct board_renderer *board_renderer_new(void); /* NULL when out of memory */
void board_renderer_free(struct board_renderer *renderer);
int board_renderer_draw(struct board_renderer *renderer, uint32_t *pixels, int width,
                        int height, int stride_bytes, const struct board_state *state);

/* The same onto any cairo context, in its user space (0,0)-(width,height). */
void board_render_cairo(cairo_t *cr, int width, int height, const struct board_state *state);

/* Renders to a PNG file; 0, or -1 with errno-style failure from cairo. */
int board_render_png(const char *path, int width, int height, const struct board_state *state);

/* The button a press at pixel (x, y) of a width x height drawing lands on. */
enum board_button board_hit_test(int width, int height, int x, int y);

#endif
