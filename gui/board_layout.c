/*
 * The drawn Photon's geometry (see board_layout.h). The positions follow
 * the real board closely enough to be recognised; they are not a
 * mechanical drawing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>

#include "board_layout.h"

#define PCB_LENGTH 36.58
#define PCB_WIDTH 20.32
#define MIDLINE (PCB_WIDTH / 2)
#define BUTTON_X 6.9 /* left edge of both buttons; the LED sits on their axis */
#define BUTTON_W 3.2
#define BUTTON_H 3.0
#define D7_PIN_INDEX 4 /* 3V3, RST, VBAT, GND, D7 */
#define FIRST_PIN_X 2.2
#define PIN_PITCH 2.54

const struct board_parts board_parts = {
    .pcb = { 0, 0, PCB_LENGTH, PCB_WIDTH },
    .pin_pitch = PIN_PITCH,
    .first_pin_x = FIRST_PIN_X,
    .top_row_y = 1.27,
    .bottom_row_y = PCB_WIDTH - 1.27,
    .pad_radius = 0.85,
    .top_row = {
        { "3V3", BOARD_PIN_POWER }, { "RST", BOARD_PIN_RESET },
        { "VBAT", BOARD_PIN_POWER }, { "GND", BOARD_PIN_GROUND },
        { "D7", BOARD_PIN_SIGNAL }, { "D6", BOARD_PIN_SIGNAL },
        { "D5", BOARD_PIN_SIGNAL }, { "D4", BOARD_PIN_SIGNAL },
        { "D3", BOARD_PIN_SIGNAL }, { "D2", BOARD_PIN_SIGNAL },
        { "D1", BOARD_PIN_SIGNAL }, { "D0", BOARD_PIN_SIGNAL },
    },
    .bottom_row = {
        { "VIN", BOARD_PIN_POWER }, { "GND", BOARD_PIN_GROUND },
        { "TX", BOARD_PIN_SIGNAL }, { "RX", BOARD_PIN_SIGNAL },
        { "WKP", BOARD_PIN_SIGNAL }, { "DAC", BOARD_PIN_SIGNAL },
        { "A5", BOARD_PIN_SIGNAL }, { "A4", BOARD_PIN_SIGNAL },
        { "A3", BOARD_PIN_SIGNAL }, { "A2", BOARD_PIN_SIGNAL },
        { "A1", BOARD_PIN_SIGNAL }, { "A0", BOARD_PIN_SIGNAL },
    },
    .usb = { -1.3, MIDLINE - 3.9, 5.7, 7.8 },
    .reset_button = { BUTTON_X, 3.1, BUTTON_W, BUTTON_H },
    .setup_button = { BUTTON_X, PCB_WIDTH - 3.1 - BUTTON_H, BUTTON_W, BUTTON_H },
    .rgb_led_x = BUTTON_X + BUTTON_W / 2,
    .rgb_led_y = MIDLINE,
    .rgb_led_size = 2.2,
    .d7_led = { FIRST_PIN_X + D7_PIN_INDEX * PIN_PITCH - 0.9, 2.75, 1.8, 1.0 },
    .module = { 14.2, 3.4, 16.2, PCB_WIDTH - 6.8 },
    .chip_antenna = { 31.9, 4.2, 3.4, 3.2 },
    .ufl_x = 33.6,
    .ufl_y = PCB_WIDTH - 5.3,
    .ufl_radius = 1.05,
    /* Room for the USB plug on the left and the pin labels above and below. */
    .scene = { -7.5, -6.6, PCB_LENGTH + 8.5, PCB_WIDTH + 13.2 },
};

/* Status bar height: readable text at any size, never most of the picture. */
static double status_bar_height(int height)
{
    double h = round(height * 0.09);
    if (h < 18) {
        h = 18;
    }
    if (h > 40) {
        h = 40;
    }
    return h > height / 3.0 ? floor(height / 3.0) : h;
}

struct board_rect board_layout_rect_px(const struct board_layout *l, struct board_rect mm)
{
    return (struct board_rect){
        l->origin_x + mm.x * l->scale, l->origin_y + mm.y * l->scale,
        mm.w * l->scale, mm.h * l->scale,
    };
}

void board_layout_compute(struct board_layout *l, int width, int height)
{
    const struct board_parts *p = &board_parts;
    double bar = status_bar_height(height);
    double margin = 6.0;
    double avail_w = fmax(1.0, width - 2 * margin);
    double avail_h = fmax(1.0, height - bar - 2 * margin);

    l->width = width;
    l->height = height;
    l->status_bar = (struct board_rect){ 0, height - bar, width, bar };
    l->scale = fmin(avail_w / p->scene.w, avail_h / p->scene.h);
    /* Centre the scene, then find where the PCB's corner falls. */
    l->origin_x = margin + (avail_w - p->scene.w * l->scale) / 2 - p->scene.x * l->scale;
    l->origin_y = margin + (avail_h - p->scene.h * l->scale) / 2 - p->scene.y * l->scale;
    l->pcb = board_layout_rect_px(l, p->pcb);
    l->setup_button = board_layout_rect_px(l, p->setup_button);
    l->reset_button = board_layout_rect_px(l, p->reset_button);
    l->d7_led = board_layout_rect_px(l, p->d7_led);
    l->rgb_led_x = l->origin_x + p->rgb_led_x * l->scale;
    l->rgb_led_y = l->origin_y + p->rgb_led_y * l->scale;
    l->rgb_led_lens_radius = p->rgb_led_size * 0.36 * l->scale;
}

static bool inside_grown(struct board_rect r, double grow, double x, double y)
{
    return x >= r.x - grow && x < r.x + r.w + grow && y >= r.y - grow && y < r.y + r.h + grow;
}

enum board_button board_layout_button_at(const struct board_layout *l, double x, double y)
{
    /* 4 px or 0.8 mm of slack (the pressed ring included), short of the LED. */
    double gap = l->rgb_led_y - (l->reset_button.y + l->reset_button.h);
    double grow = fmin(fmax(4.0, 0.8 * l->scale), gap / 2);

    if (inside_grown(l->setup_button, grow, x, y)) {
        return BOARD_BUTTON_SETUP;
    }
    if (inside_grown(l->reset_button, grow, x, y)) {
        return BOARD_BUTTON_RESET;
    }
    return BOARD_BUTTON_NONE;
}

const char *board_button_name(enum board_button button)
{
    switch (button) {
    case BOARD_BUTTON_SETUP:
        return "SETUP";
    case BOARD_BUTTON_RESET:
        return "RESET";
    case BOARD_BUTTON_NONE:
        break;
    }
    return "none";
}
