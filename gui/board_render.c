/*
 * Drawing the Photon (see board_render.h). The board is drawn in
 * millimetres (board_layout.h) through a cairo transform, so every part
 * and label scales with the picture; only the status bar is laid out in
 * pixels, so its text stays readable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "board_render.h"
#include "led_display.h"

#define SANS_FONT "DejaVu Sans"
#define MONO_FONT "DejaVu Sans Mono"

/* Colours, 0xRRGGBB. */
#define DESK_CENTRE 0x2b3038
#define DESK_EDGE 0x16181c
#define PCB_TOP 0x23603f
#define PCB_BOTTOM 0x17442b
#define PCB_EDGE 0x0d2a1a
#define TRACE 0x2e7550
#define SILK 0xf2f2ee
#define PAD_GOLD 0xd9ac45
#define SOLDER_LIGHT 0xeceef0
#define SOLDER_DARK 0x9a9fa5
#define METAL_LIGHT 0xdfe2e6
#define METAL_DARK 0x9097a0
#define LED_BODY 0xebe8e1
#define LED_LENS_OFF 0x3a3d42
#define D7_BLUE 0x3d86ff
#define PRESSED_RING 0xffcf40
#define STATUS_BACK 0x101317
#define STATUS_TEXT 0xdfe3e8

#define PIN_LABEL_POWER 0xff9e8f
#define PIN_LABEL_GROUND 0xa8b0b9
#define PIN_LABEL_RESET 0xffd866
#define PIN_LABEL_SIGNAL 0xf0f2f4

static void set_hex(cairo_t *cr, uint32_t hex)
{
    cairo_set_source_rgb(cr, (hex >> 16 & 0xff) / 255.0, (hex >> 8 & 0xff) / 255.0,
                         (hex & 0xff) / 255.0);
}

static void add_hex_stop(cairo_pattern_t *p, double offset, uint32_t hex, double alpha)
{
    cairo_pattern_add_color_stop_rgba(p, offset, (hex >> 16 & 0xff) / 255.0,
                                      (hex >> 8 & 0xff) / 255.0, (hex & 0xff) / 255.0, alpha);
}

static void rounded_rect(cairo_t *cr, struct board_rect r, double radius)
{
    radius = fmin(radius, fmin(r.w, r.h) / 2);
    cairo_new_sub_path(cr);
    cairo_arc(cr, r.x + r.w - radius, r.y + radius, radius, -M_PI / 2, 0);
    cairo_arc(cr, r.x + r.w - radius, r.y + r.h - radius, radius, 0, M_PI / 2);
    cairo_arc(cr, r.x + radius, r.y + r.h - radius, radius, M_PI / 2, M_PI);
    cairo_arc(cr, r.x + radius, r.y + radius, radius, M_PI, 1.5 * M_PI);
    cairo_close_path(cr);
}

/* Fills the current path with a top-to-bottom gradient over r. */
static void fill_vertical_gradient(cairo_t *cr, struct board_rect r, uint32_t top, uint32_t bottom)
{
    cairo_pattern_t *p = cairo_pattern_create_linear(0, r.y, 0, r.y + r.h);
    add_hex_stop(p, 0, top, 1);
    add_hex_stop(p, 1, bottom, 1);
    cairo_set_source(cr, p);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(p);
}

static void show_text_centred(cairo_t *cr, const char *text, double cx, double baseline)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, text, &te);
    cairo_move_to(cr, cx - te.x_bearing - te.width / 2, baseline);
    cairo_show_text(cr, text);
}

static void draw_desk(cairo_t *cr, const struct board_layout *l)
{
    double cx = l->origin_x + board_parts.pcb.w * l->scale / 2;
    double cy = l->origin_y + board_parts.pcb.h * l->scale / 2;
    double reach = fmax(l->width, l->height) * 0.75;
    cairo_pattern_t *p = cairo_pattern_create_radial(cx, cy, 0, cx, cy, reach);

    add_hex_stop(p, 0, DESK_CENTRE, 1);
    add_hex_stop(p, 1, DESK_EDGE, 1);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source(cr, p);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_pattern_destroy(p);
}

/* The USB cable and plug coming in from the picture's left edge. */
static void draw_usb_cable(cairo_t *cr, const struct board_layout *l)
{
    const struct board_rect usb = board_parts.usb;
    double mid = usb.y + usb.h / 2;
    double edge_x = -l->origin_x / l->scale - 1; /* the picture's left edge, in mm */
    struct board_rect plug = { usb.x - 5.2, mid - 3.3, 5.6, 6.6 };
    cairo_pattern_t *cable;

    cable = cairo_pattern_create_linear(0, mid - 1.4, 0, mid + 1.4);
    add_hex_stop(cable, 0, 0x1c1e21, 1);
    add_hex_stop(cable, 0.35, 0x3e4349, 1);
    add_hex_stop(cable, 1, 0x141517, 1);
    cairo_rectangle(cr, edge_x, mid - 1.4, plug.x + 0.5 - edge_x, 2.8);
    cairo_set_source(cr, cable);
    cairo_fill(cr);
    cairo_pattern_destroy(cable);

    rounded_rect(cr, plug, 0.9);
    fill_vertical_gradient(cr, plug, 0x3b3f45, 0x1f2226);
    set_hex(cr, 0x121416);
    cairo_set_line_width(cr, 0.15);
    cairo_stroke(cr);
}

static void draw_usb_receptacle(cairo_t *cr)
{
    struct board_rect usb = board_parts.usb;

    rounded_rect(cr, usb, 0.35);
    fill_vertical_gradient(cr, usb, 0xc4c8cd, 0x7f868e);
    set_hex(cr, 0x6d737a);
    cairo_set_line_width(cr, 0.12);
    cairo_stroke(cr);
    /* Solder tabs either side. */
    for (int side = 0; side < 2; side++) {
        struct board_rect tab = { usb.x + usb.w - 2.2, side ? usb.y + usb.h - 0.1 : usb.y - 0.7,
                                  1.6, 0.8 };
        cairo_rectangle(cr, tab.x, tab.y, tab.w, tab.h);
        set_hex(cr, 0xb9bec4);
        cairo_fill(cr);
    }
}

static void draw_pcb(cairo_t *cr)
{
    struct board_rect pcb = board_parts.pcb;

    /* A soft shadow: a few widening, faint outlines offset down-right. */
    for (int i = 4; i >= 1; i--) {
        struct board_rect shadow = { pcb.x + 0.5 - i * 0.25, pcb.y + 0.7 - i * 0.25,
                                     pcb.w + i * 0.5, pcb.h + i * 0.5 };
        rounded_rect(cr, shadow, 0.7 + i * 0.25);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.12);
        cairo_fill(cr);
    }
    rounded_rect(cr, pcb, 0.7);
    fill_vertical_gradient(cr, pcb, PCB_TOP, PCB_BOTTOM);
    set_hex(cr, PCB_EDGE);
    cairo_set_line_width(cr, 0.2);
    cairo_stroke(cr);
}

/* Short traces from the pads towards the module: they make it read as a PCB. */
static void draw_traces(cairo_t *cr)
{
    const struct board_parts *p = &board_parts;

    set_hex(cr, TRACE);
    cairo_set_line_width(cr, 0.3);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (int i = 0; i < BOARD_PINS_PER_ROW; i++) {
        double x = p->first_pin_x + i * p->pin_pitch;
        bool under_module = x > p->module.x && x < p->module.x + p->module.w;
        double reach = under_module ? 0 : 1.4;
        cairo_move_to(cr, x, p->top_row_y);
        cairo_line_to(cr, x, under_module ? p->module.y : p->top_row_y + reach);
        cairo_move_to(cr, x, p->bottom_row_y);
        cairo_line_to(cr, x, under_module ? p->module.y + p->module.h : p->bottom_row_y - reach);
    }
    cairo_stroke(cr);
}

/* A gold pad with a soldered header pin seen from above. */
static void draw_pin(cairo_t *cr, double x, double y)
{
    double r = board_parts.pad_radius;
    cairo_pattern_t *solder = cairo_pattern_create_radial(x - 0.2, y - 0.2, 0.05, x, y, 0.65);

    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    set_hex(cr, PAD_GOLD);
    cairo_fill(cr);
    add_hex_stop(solder, 0, SOLDER_LIGHT, 1);
    add_hex_stop(solder, 1, SOLDER_DARK, 1);
    cairo_arc(cr, x, y, 0.64, 0, 2 * M_PI);
    cairo_set_source(cr, solder);
    cairo_fill(cr);
    cairo_pattern_destroy(solder);
    cairo_rectangle(cr, x - 0.32, y - 0.32, 0.64, 0.64);
    set_hex(cr, 0xd4d7db);
    cairo_fill_preserve(cr);
    set_hex(cr, 0x7c8188);
    cairo_set_line_width(cr, 0.08);
    cairo_stroke(cr);
}

static uint32_t pin_label_colour(enum board_pin_kind kind)
{
    switch (kind) {
    case BOARD_PIN_POWER:
        return PIN_LABEL_POWER;
    case BOARD_PIN_GROUND:
        return PIN_LABEL_GROUND;
    case BOARD_PIN_RESET:
        return PIN_LABEL_RESET;
    case BOARD_PIN_SIGNAL:
        break;
    }
    return PIN_LABEL_SIGNAL;
}

/*
 * A pin's label outside the board, turned to read upwards (12 labels must
 * fit a 2.54 mm pitch). edge_y is where the text's end nearest the board
 * goes; above says which side of the board it is on.
 */
static void draw_pin_label(cairo_t *cr, const struct board_pin *pin, double x, double edge_y,
                           bool above)
{
    cairo_text_extents_t te;
    double along_start; /* where the text's first glyph starts, in mm along y */

    cairo_text_extents(cr, pin->label, &te);
    along_start = above ? edge_y + te.x_bearing : edge_y + te.x_bearing + te.width;
    cairo_save(cr);
    /* Rotated a quarter turn anticlockwise, the text's height runs along x. */
    cairo_translate(cr, x - (te.y_bearing + te.height / 2), along_start);
    cairo_rotate(cr, -M_PI / 2);
    cairo_move_to(cr, 0, 0);
    set_hex(cr, pin_label_colour(pin->kind));
    cairo_show_text(cr, pin->label);
    cairo_restore(cr);
}

static void draw_pins(cairo_t *cr)
{
    const struct board_parts *p = &board_parts;
    double gap = p->pad_radius + 0.9;

    for (int i = 0; i < BOARD_PINS_PER_ROW; i++) {
        double x = p->first_pin_x + i * p->pin_pitch;
        draw_pin(cr, x, p->top_row_y);
        draw_pin(cr, x, p->bottom_row_y);
    }
    cairo_select_font_face(cr, SANS_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 1.45);
    for (int i = 0; i < BOARD_PINS_PER_ROW; i++) {
        double x = p->first_pin_x + i * p->pin_pitch;
        draw_pin_label(cr, &p->top_row[i], x, p->top_row_y - gap, true);
        draw_pin_label(cr, &p->bottom_row[i], x, p->bottom_row_y + gap, false);
    }
}

static void draw_module(cairo_t *cr)
{
    struct board_rect m = board_parts.module;
    struct board_rect inner = { m.x + 0.5, m.y + 0.5, m.w - 1.0, m.h - 1.0 };
    cairo_pattern_t *sheen = cairo_pattern_create_linear(m.x, m.y, m.x + m.w, m.y + m.h);

    rounded_rect(cr, m, 0.4);
    add_hex_stop(sheen, 0, 0xe4e6e9, 1);
    add_hex_stop(sheen, 0.55, 0xc3c7cc, 1);
    add_hex_stop(sheen, 1, 0xa3a8ae, 1);
    cairo_set_source(cr, sheen);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(sheen);
    set_hex(cr, 0x7d838a);
    cairo_set_line_width(cr, 0.15);
    cairo_stroke(cr);
    rounded_rect(cr, inner, 0.3);
    set_hex(cr, 0xb4b9bf);
    cairo_set_line_width(cr, 0.1);
    cairo_stroke(cr);

    set_hex(cr, 0x5d6269);
    cairo_select_font_face(cr, SANS_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 3.4);
    show_text_centred(cr, "P\xc3\x98", m.x + m.w / 2, m.y + m.h / 2 + 0.6); /* "PØ" */
    cairo_select_font_face(cr, SANS_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 1.05);
    show_text_centred(cr, "STM32F205 + BCM43362", m.x + m.w / 2, m.y + m.h / 2 + 2.7);
}

static void draw_antenna_end(cairo_t *cr)
{
    const struct board_parts *p = &board_parts;
    struct board_rect a = p->chip_antenna;

    cairo_rectangle(cr, a.x, a.y, a.w, a.h);
    set_hex(cr, 0xeeede8);
    cairo_fill(cr);
    set_hex(cr, 0xa9a9a4); /* metallised ends */
    cairo_rectangle(cr, a.x, a.y, 0.5, a.h);
    cairo_rectangle(cr, a.x + a.w - 0.5, a.y, 0.5, a.h);
    cairo_fill(cr);

    cairo_arc(cr, p->ufl_x, p->ufl_y, p->ufl_radius, 0, 2 * M_PI);
    set_hex(cr, 0xd2ad52);
    cairo_fill(cr);
    cairo_arc(cr, p->ufl_x, p->ufl_y, p->ufl_radius * 0.55, 0, 2 * M_PI);
    set_hex(cr, 0xf1efe8);
    cairo_fill(cr);
    cairo_arc(cr, p->ufl_x, p->ufl_y, p->ufl_radius * 0.2, 0, 2 * M_PI);
    set_hex(cr, 0xb08a35);
    cairo_fill(cr);

    set_hex(cr, SILK);
    cairo_select_font_face(cr, SANS_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 1.0);
    show_text_centred(cr, "PHOTON", a.x + a.w / 2, p->pcb.h / 2 + 0.9);
}

/*
 * A tactile switch: a metal body with a black round actuator. Pressed, the
 * actuator sinks (smaller, darker, the body's light inverts) and a yellow
 * ring marks it, so a click in the window is plain to see.
 */
static void draw_button(cairo_t *cr, struct board_rect b, bool pressed, const char *label,
                        double label_baseline)
{
    double cx = b.x + b.w / 2, cy = b.y + b.h / 2;

    set_hex(cr, 0x8d939a); /* the four legs */
    cairo_rectangle(cr, b.x - 0.35, b.y + 0.3, b.w + 0.7, 0.5);
    cairo_rectangle(cr, b.x - 0.35, b.y + b.h - 0.8, b.w + 0.7, 0.5);
    cairo_fill(cr);
    rounded_rect(cr, b, 0.3);
    fill_vertical_gradient(cr, b, pressed ? 0x7d838a : METAL_LIGHT,
                           pressed ? 0xb9bec4 : METAL_DARK);
    set_hex(cr, 0x5d636a);
    cairo_set_line_width(cr, 0.12);
    cairo_stroke(cr);

    cairo_arc(cr, cx, cy + (pressed ? 0.08 : 0), pressed ? 0.82 : 1.0, 0, 2 * M_PI);
    set_hex(cr, pressed ? 0x08090a : 0x26282b);
    cairo_fill(cr);
    if (!pressed) {
        cairo_arc(cr, cx - 0.25, cy - 0.3, 0.35, 0, 2 * M_PI);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.18);
        cairo_fill(cr);
    } else {
        struct board_rect ring = { b.x - 0.55, b.y - 0.55, b.w + 1.1, b.h + 1.1 };
        rounded_rect(cr, ring, 0.6);
        set_hex(cr, PRESSED_RING);
        cairo_set_line_width(cr, 0.3);
        cairo_stroke(cr);
    }

    set_hex(cr, SILK);
    cairo_select_font_face(cr, SANS_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 1.0);
    show_text_centred(cr, label, cx, label_baseline);
}

/* A radial halo of colour added to what is below, as light adds. */
static void draw_glow(cairo_t *cr, double x, double y, double radius,
                      struct led_display_colour c, double strength)
{
    static const struct { double offset, alpha; } falloff[] = {
        { 0.0, 1.0 }, { 0.12, 0.75 }, { 0.3, 0.36 }, { 0.6, 0.1 }, { 1.0, 0.0 },
    };
    cairo_pattern_t *p = cairo_pattern_create_radial(x, y, 0, x, y, radius);
    /* Full colour for the hue: the strength sets how much light is added. */
    double peak = fmax(c.r, fmax(c.g, c.b));

    for (size_t i = 0; i < sizeof(falloff) / sizeof(falloff[0]); i++) {
        cairo_pattern_add_color_stop_rgba(p, falloff[i].offset, c.r / peak, c.g / peak,
                                          c.b / peak, falloff[i].alpha * strength);
    }
    cairo_set_operator(cr, CAIRO_OPERATOR_ADD);
    cairo_set_source(cr, p);
    cairo_arc(cr, x, y, radius, 0, 2 * M_PI);
    cairo_fill(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    cairo_pattern_destroy(p);
}

/*
 * The RGB LED: a white package with a round lens. The lens shows the
 * displayed colour (led_display.h) over the dark of an unlit die, and a
 * halo whose strength follows the brightness spills onto the board.
 */
static void draw_rgb_led(cairo_t *cr, const struct board_state *s)
{
    const struct board_parts *p = &board_parts;
    double size = p->rgb_led_size;
    struct board_rect body = { p->rgb_led_x - size / 2, p->rgb_led_y - size / 2, size, size };
    struct led_display_colour c = led_display_from_duty(s->led_r, s->led_g, s->led_b);
    double off_r = (LED_LENS_OFF >> 16 & 0xff) / 255.0, off_g = (LED_LENS_OFF >> 8 & 0xff) / 255.0,
           off_b = (LED_LENS_OFF & 0xff) / 255.0;
    double unlit = 1.0 - c.glow;

    rounded_rect(cr, body, 0.25);
    set_hex(cr, LED_BODY);
    cairo_fill_preserve(cr);
    set_hex(cr, 0xb3ada1);
    cairo_set_line_width(cr, 0.1);
    cairo_stroke(cr);

    if (c.glow > 0) {
        draw_glow(cr, p->rgb_led_x, p->rgb_led_y, 8.0, c, c.glow);
    }
    cairo_arc(cr, p->rgb_led_x, p->rgb_led_y, size * 0.36, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, fmin(1, c.r + off_r * unlit), fmin(1, c.g + off_g * unlit),
                         fmin(1, c.b + off_b * unlit));
    cairo_fill(cr);
}

static void draw_d7_led(cairo_t *cr, bool on)
{
    struct board_rect body = board_parts.d7_led;
    struct board_rect lens = { body.x + 0.3, body.y + 0.22, body.w - 0.6, body.h - 0.44 };
    double cx = body.x + body.w / 2, cy = body.y + body.h / 2;

    cairo_rectangle(cr, body.x, body.y, body.w, body.h);
    set_hex(cr, LED_BODY);
    cairo_fill(cr);
    if (on) {
        struct led_display_colour blue = { (D7_BLUE >> 16 & 0xff) / 255.0,
                                           (D7_BLUE >> 8 & 0xff) / 255.0,
                                           (D7_BLUE & 0xff) / 255.0, 1.0 };
        draw_glow(cr, cx, cy, 3.0, blue, 0.9);
    }
    rounded_rect(cr, lens, 0.15);
    set_hex(cr, on ? D7_BLUE : LED_LENS_OFF);
    cairo_fill(cr);
}

static void draw_status_bar(cairo_t *cr, const struct board_layout *l, const char *text)
{
    struct board_rect bar = l->status_bar;

    cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
    set_hex(cr, STATUS_BACK);
    cairo_fill(cr);
    cairo_rectangle(cr, bar.x, bar.y, bar.w, 1);
    set_hex(cr, 0x30363e);
    cairo_fill(cr);
    if (!text || !*text) {
        return;
    }
    cairo_save(cr);
    cairo_rectangle(cr, bar.x, bar.y, bar.w, bar.h);
    cairo_clip(cr);
    cairo_select_font_face(cr, MONO_FONT, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, round(bar.h * 0.52));
    cairo_font_extents_t fe;
    cairo_font_extents(cr, &fe);
    set_hex(cr, STATUS_TEXT);
    cairo_move_to(cr, bar.x + round(bar.h * 0.4),
                  round(bar.y + (bar.h + fe.ascent - fe.descent) / 2));
    cairo_show_text(cr, text);
    cairo_restore(cr);
}

/* What never changes at a given size: everything but buttons, LEDs and status. */
static void draw_static_layer(cairo_t *cr, const struct board_layout *l)
{
    cairo_save(cr);
    draw_desk(cr, l);
    cairo_translate(cr, l->origin_x, l->origin_y);
    cairo_scale(cr, l->scale, l->scale);
    draw_usb_cable(cr, l);
    draw_pcb(cr);
    draw_traces(cr);
    draw_usb_receptacle(cr);
    draw_pins(cr);
    draw_module(cr);
    draw_antenna_end(cr);
    cairo_restore(cr);
}

static void draw_live_parts(cairo_t *cr, const struct board_layout *l,
                            const struct board_state *s)
{
    const struct board_parts *p = &board_parts;

    cairo_save(cr);
    cairo_translate(cr, l->origin_x, l->origin_y);
    cairo_scale(cr, l->scale, l->scale);
    /* Labels between each button and the LED, clear of the pressed ring. */
    draw_button(cr, p->reset_button, s->reset_pressed, "RESET",
                p->reset_button.y + p->reset_button.h + 1.8);
    draw_button(cr, p->setup_button, s->setup_pressed, "SETUP", p->setup_button.y - 1.05);
    /* The LEDs last: their light falls on the buttons and labels. */
    draw_d7_led(cr, s->d7);
    draw_rgb_led(cr, s);
    cairo_restore(cr);
    draw_status_bar(cr, l, s->status_line);
}

void board_render_cairo(cairo_t *cr, int width, int height, const struct board_state *s)
{
    struct board_layout l;

    board_layout_compute(&l, width, height);
    draw_static_layer(cr, &l);
    draw_live_parts(cr, &l, s);
}

struct board_renderer {
    cairo_surface_t *static_layer; /* NULL until the first frame */
    int width, height;
};

struct board_renderer *board_renderer_new(void)
{
    return calloc(1, sizeof(struct board_renderer));
}

void board_renderer_free(struct board_renderer *r)
{
    if (r) {
        if (r->static_layer) {
            cairo_surface_destroy(r->static_layer);
        }
        free(r);
    }
}

/* The static layer for this size, drawn again only when the size changes. */
static cairo_surface_t *static_layer_for(struct board_renderer *r, const struct board_layout *l)
{
    cairo_t *cr;

    if (r->static_layer && r->width == l->width && r->height == l->height) {
        return r->static_layer;
    }
    if (r->static_layer) {
        cairo_surface_destroy(r->static_layer);
        r->static_layer = NULL;
    }
    cairo_surface_t *layer = cairo_image_surface_create(CAIRO_FORMAT_RGB24, l->width, l->height);
    cr = cairo_create(layer);
    draw_static_layer(cr, l);
    cairo_destroy(cr);
    if (cairo_surface_status(layer) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(layer);
        return NULL;
    }
    r->static_layer = layer;
    r->width = l->width;
    r->height = l->height;
    return layer;
}

int board_renderer_draw(struct board_renderer *r, uint32_t *pixels, int width, int height,
                        int stride_bytes, const struct board_state *state)
{
    cairo_surface_t *surface, *layer;
    struct board_layout l;
    cairo_t *cr;
    int status;

    if (!r || !pixels || !state || width <= 0 || height <= 0 || stride_bytes % 4 != 0 ||
        stride_bytes / 4 < width) {
        return -1;
    }
    board_layout_compute(&l, width, height);
    layer = static_layer_for(r, &l);
    if (!layer) {
        return -1;
    }
    surface = cairo_image_surface_create_for_data((unsigned char *)pixels, CAIRO_FORMAT_ARGB32,
                                                  width, height, stride_bytes);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return -1;
    }
    cr = cairo_create(surface);
    /* SOURCE from an RGB24 layer writes every pixel opaque. */
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source_surface(cr, layer, 0, 0);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);
    draw_live_parts(cr, &l, state);
    status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    cairo_surface_destroy(surface);
    return status == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

int board_render(uint32_t *pixels, int width, int height, int stride_bytes,
                 const struct board_state *state)
{
    struct board_renderer *r = board_renderer_new();
    int result = r ? board_renderer_draw(r, pixels, width, height, stride_bytes, state) : -1;

    board_renderer_free(r);
    return result;
}

int board_render_png(const char *path, int width, int height, const struct board_state *state)
{
    cairo_surface_t *surface;
    cairo_t *cr;
    int status;

    if (width <= 0 || height <= 0) {
        return -1;
    }
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    cr = cairo_create(surface);
    board_render_cairo(cr, width, height, state);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS) {
        status = cairo_surface_write_to_png(surface, path);
    }
    cairo_surface_destroy(surface);
    return status == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

enum board_button board_hit_test(int width, int height, int x, int y)
{
    struct board_layout l;

    board_layout_compute(&l, width, height);
    /* The pixel's centre decides, as for what was drawn there. */
    return board_layout_button_at(&l, x + 0.5, y + 0.5);
}
