/*
 * Where the parts of the drawn Photon are: the board's geometry in
 * millimetres, and where it lands in a picture of a given size. Shared by
 * the renderer (board_render.c) and by hit-testing, so a mouse press maps
 * to the button the user sees.
 *
 * The board is drawn top side up and turned so the USB connector points
 * left (a window is wider than tall). Turning the usual portrait view (USB
 * up) a quarter turn anticlockwise puts its left header (VIN .. A0) along
 * the bottom edge and its right header (3V3 .. D0) along the top edge, each
 * reading from the USB end; the RESET button (right of the LED in portrait)
 * comes above the RGB LED and SETUP below it.
 *
 * Millimetre coordinates: x from the PCB's USB edge, y from its top edge.
 * The PCB is 36.58 x 20.32 mm (1.44 x 0.8 in); the pins are on a 2.54 mm
 * pitch, 1.27 mm in from each long edge.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_BOARD_LAYOUT_H
#define PHOTON_GUI_BOARD_LAYOUT_H

#include <stdbool.h>

#define BOARD_PINS_PER_ROW 12

struct board_rect {
    double x, y, w, h;
};

enum board_pin_kind {
    BOARD_PIN_POWER,  /* VIN, 3V3, VBAT */
    BOARD_PIN_GROUND,
    BOARD_PIN_RESET,
    BOARD_PIN_SIGNAL, /* every GPIO */
};

struct board_pin {
    const char *label;
    enum board_pin_kind kind;
};

/* The board's parts in millimetres (see the coordinates above). */
struct board_parts {
    struct board_rect pcb;
    double pin_pitch, first_pin_x, top_row_y, bottom_row_y, pad_radius;
    struct board_pin top_row[BOARD_PINS_PER_ROW];    /* from the USB end */
    struct board_pin bottom_row[BOARD_PINS_PER_ROW]; /* from the USB end */
    struct board_rect usb;          /* micro-B receptacle, overhanging the edge */
    struct board_rect reset_button;
    struct board_rect setup_button;
    double rgb_led_x, rgb_led_y, rgb_led_size; /* centre and side of the package */
    struct board_rect d7_led;       /* the blue user LED, beside pin D7 */
    struct board_rect module;       /* the P0 module's shield can */
    struct board_rect chip_antenna;
    double ufl_x, ufl_y, ufl_radius;
    struct board_rect scene;        /* everything drawn, pin labels and cable included */
};

extern const struct board_parts board_parts;

enum board_button {
    BOARD_BUTTON_NONE,
    BOARD_BUTTON_SETUP,
    BOARD_BUTTON_RESET,
};

/* The drawing placed in a width x height picture, in pixels. */
struct board_layout {
    int width, height;
    double scale;              /* pixels per millimetre */
    double origin_x, origin_y; /* pixel position of the PCB's top-left corner */
    struct board_rect status_bar;
    struct board_rect pcb;
    struct board_rect setup_button, reset_button;
    struct board_rect d7_led;
    double rgb_led_x, rgb_led_y; /* centre of the RGB LED's lens */
    double rgb_led_lens_radius;
};

/* Lays the board out centred in width x height above a status bar. */
void board_layout_compute(struct board_layout *layout, int width, int height);

/* Millimetres to pixels. */
struct board_rect board_layout_rect_px(const struct board_layout *layout, struct board_rect mm);

/*
 * The button under pixel (x, y). A button answers a little beyond its edge
 * (a finger's worth at small sizes), never beyond half the gap to the LED.
 */
enum board_button board_layout_button_at(const struct board_layout *layout, double x, double y);

/* "SETUP", "RESET" or "none". */
const char *board_button_name(enum board_button button);

#endif
