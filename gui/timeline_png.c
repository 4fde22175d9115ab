/*
 * Drawing a run's LED timeline (see timeline_png.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "led_display.h"
#include "pattern_style.h"
#include "timeline_png.h"

#define FONT "DejaVu Sans"

#define PAGE 0xffffff
#define INK 0x202124
#define MUTED 0x5f6368
#define FRAME 0xb8bec6
#define NO_DATA 0xeceff1
#define GRID 0xe6e9ed
#define STEP_INK 0x7b1fa2
#define STEP_FLAG 0xf6ebf9
#define D7_BLUE 0x3d86ff

/* A stretch of time drawn across the strips' width. */
struct band {
    double t0, t1; /* time at the left and right edges */
    double x, w;   /* the strips' left edge and whole-pixel width */
    double top;    /* the row's top */
    int columns;
};

static void set_hex(cairo_t *cr, uint32_t hex)
{
    cairo_set_source_rgb(cr, (hex >> 16 & 0xff) / 255.0, (hex >> 8 & 0xff) / 255.0,
                         (hex & 0xff) / 255.0);
}

static void set_font(cairo_t *cr, double size, bool bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static double text_width(cairo_t *cr, const char *text)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, text, &te);
    return te.x_advance;
}

static void show_text_at(cairo_t *cr, double x, double baseline, const char *text)
{
    cairo_move_to(cr, x, baseline);
    cairo_show_text(cr, text);
}

static double band_x(const struct band *b, double t)
{
    return b->x + (t - b->t0) / (b->t1 - b->t0) * b->columns;
}

static struct band make_band(const struct timeline_geometry *g, double t0, double t1, double top)
{
    struct band b = { t0, t1, g->strip_x, floor(g->strip_w), top, (int)floor(g->strip_w) };
    return b;
}

/* What the LED showed in each pixel column, summed over time. */
struct column_sums {
    double *r, *g, *b, *covered, *d7_on;
};

static bool accumulate_columns(const struct report_timeline *tl, double end_t,
                               const struct band *b, struct column_sums *s)
{
    double dt = (b->t1 - b->t0) / b->columns;
    long first = report_timeline_sample_at(tl, b->t0);
    double *block = calloc((size_t)b->columns * 5, sizeof(double));

    if (!block) {
        return false;
    }
    s->r = block;
    s->g = s->r + b->columns;
    s->b = s->g + b->columns;
    s->covered = s->b + b->columns;
    s->d7_on = s->covered + b->columns;
    for (size_t k = first < 0 ? 0 : (size_t)first; k < tl->n_samples; k++) {
        const struct led_sample *sample = &tl->samples[k];
        double from = fmax(sample->t, b->t0);
        double to = fmin(k + 1 < tl->n_samples ? tl->samples[k + 1].t : end_t, b->t1);
        struct led_display_colour shown;
        int c0, c1;

        if (sample->t >= b->t1) {
            break;
        }
        if (to <= from) {
            continue;
        }
        shown = led_display_from_duty(sample->r, sample->g, sample->b);
        c0 = (int)floor((from - b->t0) / dt);
        c1 = (int)floor((to - b->t0) / dt);
        if (c1 >= b->columns) {
            c1 = b->columns - 1;
        }
        for (int c = c0 < 0 ? 0 : c0; c <= c1; c++) {
            double overlap = fmin(to, b->t0 + (c + 1) * dt) - fmax(from, b->t0 + c * dt);
            if (overlap <= 0) {
                continue;
            }
            s->r[c] += shown.r * overlap;
            s->g[c] += shown.g * overlap;
            s->b[c] += shown.b * overlap;
            s->covered[c] += overlap;
            s->d7_on[c] += sample->d7 ? overlap : 0;
        }
    }
    return true;
}

/* The strip (and D7 lane) of a band, from per-column averages. */
static void draw_strip(cairo_t *cr, const struct report_timeline *tl,
                       const struct timeline_geometry *g, const struct band *b)
{
    const struct timeline_row_parts *p = &g->parts;
    double y = b->top + p->strip_y, dt = (b->t1 - b->t0) / b->columns;
    struct column_sums s;

    cairo_rectangle(cr, b->x, y, b->columns, p->strip_h);
    set_hex(cr, NO_DATA);
    cairo_fill(cr);
    if (p->d7_h > 0) {
        cairo_rectangle(cr, b->x, b->top + p->d7_y, b->columns, p->d7_h);
        set_hex(cr, NO_DATA);
        cairo_fill(cr);
    }
    if (!accumulate_columns(tl, g->end_t, b, &s)) {
        return;
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
    for (int c = 0; c < b->columns; c++) {
        if (s.covered[c] <= 0) {
            continue;
        }
        /* Partly covered columns (the run's edges) blend into "no data". */
        cairo_set_source_rgba(cr, s.r[c] / s.covered[c], s.g[c] / s.covered[c],
                              s.b[c] / s.covered[c], fmin(1.0, s.covered[c] / dt));
        cairo_rectangle(cr, b->x + c, y, 1, p->strip_h);
        cairo_fill(cr);
        if (p->d7_h > 0 && s.d7_on[c] > 0) {
            cairo_set_source_rgba(cr, (D7_BLUE >> 16) / 255.0, (D7_BLUE >> 8 & 0xff) / 255.0,
                                  (D7_BLUE & 0xff) / 255.0, fmin(1.0, s.d7_on[c] / dt));
            cairo_rectangle(cr, b->x + c, b->top + p->d7_y, 1, p->d7_h);
            cairo_fill(cr);
        }
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
    free(s.r);

    cairo_rectangle(cr, b->x - 0.5, y - 0.5, b->columns + 1, p->strip_h + 1);
    set_hex(cr, FRAME);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);

    if (g->end_t < b->t1 && tl->n_samples) {
        double x = band_x(b, g->end_t) + 10;
        set_font(cr, 12, false);
        if (x + text_width(cr, "end of run") < b->x + b->columns - 6) {
            set_hex(cr, MUTED);
            show_text_at(cr, x, y + p->strip_h / 2 + 4, "end of run");
        }
    }
}

/* "12 s", "12.5 s", "0.25 s": as many decimals as the tick step needs. */
static void format_seconds(char *buf, size_t size, double t, double step)
{
    int decimals = 0;
    for (double unit = 1; decimals < 3 && step < unit * 0.999; unit /= 10) {
        decimals++;
    }
    if (fabs(t) < step * 1e-6) {
        t = 0; /* not "-0 s" */
    }
    snprintf(buf, size, "%.*f s", decimals, t);
}

/* Minor ticks per major one: at whole quarters, thirds or fifths of the step. */
static int minor_divisions(double step)
{
    double mantissa = step / pow(10.0, floor(log10(step) + 1e-9));

    if (fabs(step - 15) < 1e-9 || fabs(step - 30) < 1e-9) {
        return 3;
    }
    if (fabs(mantissa - 2) < 1e-9 || fabs(step - 60) < 1e-9 || fabs(step - 120) < 1e-9) {
        return 4;
    }
    return 5;
}

static void draw_axis(cairo_t *cr, const struct timeline_geometry *g, const struct band *b)
{
    const struct timeline_row_parts *p = &g->parts;
    double step = timeline_tick_step(b->t1 - b->t0, b->columns, 80);
    double minor = step / minor_divisions(step);
    double y = b->top + p->axis_y + 0.5;
    char label[32];

    set_hex(cr, FRAME);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, b->x, y);
    cairo_line_to(cr, b->x + b->columns, y);
    cairo_stroke(cr);
    for (double t = ceil(b->t0 / minor - 1e-6) * minor; t <= b->t1 + 1e-9; t += minor) {
        double x = floor(band_x(b, t)) + 0.5;
        bool major = fabs(t / step - round(t / step)) < 1e-6;
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x, y + (major ? 5 : 2.5));
    }
    cairo_stroke(cr);
    set_font(cr, 11, false);
    set_hex(cr, MUTED);
    for (double t = ceil(b->t0 / step - 1e-6) * step; t <= b->t1 + 1e-9; t += step) {
        double x = band_x(b, t), w;
        format_seconds(label, sizeof(label), t, step);
        w = text_width(cr, label);
        x = fmin(fmax(x - w / 2, b->x - 4), b->x + b->columns - w + 8);
        show_text_at(cr, x, y + 15, label);
    }
}

/* Faint lines at the major ticks behind the pattern lane, to read times off. */
static void draw_grid(cairo_t *cr, const struct timeline_geometry *g, const struct band *b)
{
    const struct timeline_row_parts *p = &g->parts;
    double step = timeline_tick_step(b->t1 - b->t0, b->columns, 80);

    set_hex(cr, GRID);
    cairo_set_line_width(cr, 1);
    for (double t = ceil(b->t0 / step - 1e-6) * step; t <= b->t1 + 1e-9; t += step) {
        double x = floor(band_x(b, t)) + 0.5;
        cairo_move_to(cr, x, b->top + p->pattern_y);
        cairo_line_to(cr, x, b->top + p->axis_y);
    }
    cairo_stroke(cr);
}

/*
 * text, shortened at a character boundary with an ellipsis until it fits
 * max_w pixels (and out's size); false when not even two bytes of it fit.
 */
static bool fit_text(cairo_t *cr, const char *text, double max_w, char *out, size_t size)
{
    size_t len = strlen(text), n = len;
    bool cut = false;

    if (size < 8) {
        return false;
    }
    if (n > size - 4) { /* room for the 3-byte ellipsis and the NUL */
        n = size - 4;
        cut = true;
    }
    for (;;) {
        while (n > 0 && n < len && ((unsigned char)text[n] & 0xC0) == 0x80) {
            n--; /* never split a UTF-8 character */
        }
        memcpy(out, text, n);
        if (cut) {
            memcpy(out + n, "\xe2\x80\xa6", 4); /* "…" */
        } else {
            out[n] = '\0';
        }
        if (text_width(cr, out) <= max_w) {
            return !cut || n >= 2;
        }
        if (n < 2) {
            return false;
        }
        n--;
        cut = true;
    }
}

static void rounded_box(cairo_t *cr, double x, double y, double w, double h, double r)
{
    r = fmin(r, fmin(w, h) / 2);
    cairo_new_sub_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 1.5 * M_PI);
    cairo_close_path(cr);
}

/*
 * The pattern lane: a box per pattern from when it began to when the next
 * began (or the run ended), named inside when the name fits. In a detail
 * row (not the overview, where boxes are many and small) a name that does
 * not fit goes on the callout line under its box, with a tick, when that
 * line has room there, else it is shortened with an ellipsis.
 */
static void draw_patterns(cairo_t *cr, const struct report_timeline *tl,
                          const struct timeline_geometry *g, const struct band *b,
                          bool detail)
{
    const struct timeline_row_parts *p = &g->parts;
    double lane_y = b->top + p->pattern_y, right = b->x + b->columns;
    double callout_end = -1e9;
    char label[128];

    set_font(cr, 11.5, false);
    for (size_t i = 0; i < tl->n_patterns; i++) {
        const struct timeline_mark *m = &tl->patterns[i];
        double until = i + 1 < tl->n_patterns ? tl->patterns[i + 1].t : g->end_t;
        double from = fmax(m->t, b->t0), to = fmin(until, b->t1);
        struct pattern_style style = pattern_style_of(m->text);
        double x0, x1, w;

        if (m->t >= b->t1 || until < b->t0 || to < from) {
            continue;
        }
        x0 = round(band_x(b, from));
        x1 = round(band_x(b, to));
        w = fmax(x1 - x0 - 1, 2);
        rounded_box(cr, x0 + 0.5, lane_y + 0.5, w, p->pattern_h - 1, 3);
        set_hex(cr, style.fill);
        cairo_fill_preserve(cr);
        set_hex(cr, style.border);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);

        set_hex(cr, style.text);
        if (w > 12 && text_width(cr, m->text) + 8 <= w) {
            show_text_at(cr, x0 + 5, lane_y + p->pattern_h - 6, m->text);
        } else if (detail && m->t >= b->t0 && x0 >= callout_end + 6 &&
                   fit_text(cr, m->text, right - x0, label, sizeof(label))) {
            /* Only at the pattern's true start: a continuation needs no callout. */
            double tx = x0;
            cairo_move_to(cr, x0 + 1.5, lane_y + p->pattern_h);
            cairo_line_to(cr, x0 + 1.5, lane_y + p->pattern_h + 4);
            cairo_stroke(cr);
            show_text_at(cr, tx, b->top + p->callout_y + p->callout_h - 2, label);
            callout_end = tx + text_width(cr, label);
        } else if (detail && w > 24 && fit_text(cr, m->text, w - 8, label, sizeof(label))) {
            show_text_at(cr, x0 + 5, lane_y + p->pattern_h - 6, label);
        }
    }
}

/*
 * A dashed line through the row at each step, tagged on top with the
 * step's number and as much of its label as fits before the next step's
 * tag, so crowded steps never push a label away from its line; the key in
 * the header has every label in full.
 */
static void draw_steps(cairo_t *cr, const struct report_timeline *tl,
                       const struct timeline_geometry *g, const struct band *b)
{
    const struct timeline_row_parts *p = &g->parts;
    static const double dash[] = { 4, 3 };
    double right = b->x + b->columns;
    char tag[160], label[160];

    set_font(cr, 11, true);
    for (size_t i = 0; i < tl->n_steps; i++) {
        const struct timeline_mark *m = &tl->steps[i];
        double x, room, tw;

        if (m->t < b->t0 || m->t >= b->t1) {
            continue;
        }
        x = floor(band_x(b, m->t)) + 0.5;
        cairo_set_dash(cr, dash, 2, 0);
        set_hex(cr, STEP_INK);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, x, b->top + p->steps_y + 2);
        cairo_line_to(cr, x, b->top + p->pattern_y + p->pattern_h);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);

        room = right - x - 6;
        for (size_t j = i + 1; j < tl->n_steps; j++) {
            if (tl->steps[j].t >= b->t1) {
                break;
            }
            if (tl->steps[j].t > m->t) {
                room = fmin(room, floor(band_x(b, tl->steps[j].t)) - x - 8);
                break;
            }
        }
        int number_len = snprintf(tag, sizeof(tag), "%zu %s", i + 1, m->text) -
                         (int)strlen(m->text) - 1;
        /* The number always; the label when at least a few letters of it fit. */
        if (!fit_text(cr, tag, room, label, sizeof(label)) ||
            strlen(label) < (size_t)number_len + 1 + 2 + 3) {
            snprintf(label, sizeof(label), "%zu", i + 1);
        }
        tw = text_width(cr, label);
        cairo_rectangle(cr, x + 1, b->top + p->steps_y + 1, tw + 4, p->steps_h - 3);
        set_hex(cr, STEP_FLAG);
        cairo_fill(cr);
        set_hex(cr, STEP_INK);
        show_text_at(cr, x + 3, b->top + p->steps_y + p->steps_h - 5, label);
    }
}

/* Every step in full: "1  20.000 s  firewall: drop TCP 5683", in columns. */
static void draw_step_key(cairo_t *cr, const struct report_timeline *tl,
                          const struct timeline_geometry *g)
{
    int columns = g->step_key_columns;
    size_t per_column = (tl->n_steps + columns - 1) / columns;
    double column_w = (g->width - 48.0) / columns;
    char text[200], fitted[200];

    if (!tl->n_steps) {
        return;
    }
    set_font(cr, 12, true);
    set_hex(cr, INK);
    show_text_at(cr, 24, g->step_key_y + 14, "Scenario steps:");
    for (size_t i = 0; i < tl->n_steps; i++) {
        double x = 24 + (double)(i / per_column) * column_w;
        double y = g->step_key_y + 32 + (double)(i % per_column) * 16;
        set_font(cr, 12, true);
        set_hex(cr, STEP_INK);
        snprintf(text, sizeof(text), "%zu", i + 1);
        show_text_at(cr, x, y, text);
        set_font(cr, 12, false);
        set_hex(cr, MUTED);
        snprintf(text, sizeof(text), "%.3f s", tl->steps[i].t);
        show_text_at(cr, x + 22, y, text);
        set_hex(cr, INK);
        if (fit_text(cr, tl->steps[i].text, column_w - 110, fitted, sizeof(fitted))) {
            show_text_at(cr, x + 96, y, fitted);
        }
    }
}

static void draw_band(cairo_t *cr, const struct report_timeline *tl,
                      const struct timeline_geometry *g, const struct band *b, bool detail)
{
    draw_grid(cr, g, b);
    draw_strip(cr, tl, g, b);
    draw_patterns(cr, tl, g, b, detail);
    draw_steps(cr, tl, g, b);
    draw_axis(cr, g, b);
}

static void format_row_caption(char *buf, size_t size, double t, double row_seconds)
{
    format_seconds(buf, size, t, row_seconds >= 1 ? 1 : row_seconds);
}

/* Where the next legend entry goes; entries wrap to a second line. */
struct legend_pen {
    double x, y, right;
};

/* One legend entry: a small sample of the mark, then its meaning. */
static void legend_entry(cairo_t *cr, struct legend_pen *pen, int kind, const char *text)
{
    static const double dash[] = { 4, 3 };
    double x, y;

    if (pen->x > 24 && pen->x + 42 + text_width(cr, text) > pen->right) {
        pen->x = 24;
        pen->y += 20;
    }
    x = pen->x;
    y = pen->y;

    switch (kind) {
    case 0: { /* the strip: cyan fading to off */
        cairo_pattern_t *fade = cairo_pattern_create_linear(x, 0, x + 36, 0);
        cairo_pattern_add_color_stop_rgb(fade, 0, 0, 1, 1);
        cairo_pattern_add_color_stop_rgb(fade, 1, 0, 0, 0);
        cairo_rectangle(cr, x, y - 10, 36, 12);
        cairo_set_source(cr, fade);
        cairo_fill(cr);
        cairo_pattern_destroy(fade);
        x += 42;
        break;
    }
    case 1: { /* a pattern box */
        struct pattern_style st = pattern_style_of("cyan");
        rounded_box(cr, x + 0.5, y - 10.5, 36, 13, 3);
        set_hex(cr, st.fill);
        cairo_fill_preserve(cr);
        set_hex(cr, st.border);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
        x += 42;
        break;
    }
    case 2: /* a step line */
        cairo_set_dash(cr, dash, 2, 0);
        set_hex(cr, STEP_INK);
        cairo_move_to(cr, x + 4.5, y - 12);
        cairo_line_to(cr, x + 4.5, y + 4);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        x += 12;
        break;
    default: /* the D7 lane */
        cairo_rectangle(cr, x, y - 6, 36, 6);
        set_hex(cr, D7_BLUE);
        cairo_fill(cr);
        x += 42;
        break;
    }
    set_hex(cr, INK);
    show_text_at(cr, x, y, text);
    pen->x = x + text_width(cr, text) + 26;
}

static void show_fitted(cairo_t *cr, double x, double baseline, const char *text, double max_w)
{
    char fitted[512];
    if (fit_text(cr, text, max_w, fitted, sizeof(fitted))) {
        show_text_at(cr, x, baseline, fitted);
    }
}

static void draw_header(cairo_t *cr, const struct report_timeline *tl,
                        const struct timeline_geometry *g, const struct timeline_options *opt)
{
    char line[512], span[64];
    double x = 24;

    set_hex(cr, INK);
    set_font(cr, 22, true);
    show_text_at(cr, x, 36, opt && opt->title ? opt->title : "Photon status LED timeline");

    set_font(cr, 13, false);
    set_hex(cr, MUTED);
    snprintf(span, sizeof(span), "%.3f \xe2\x80\x93 %.3f s", g->start_t, g->end_t);
    snprintf(line, sizeof(line), "%s%s%zu colour changes, %zu patterns named, %zu scenario steps;"
             " virtual time %s", opt && opt->source ? opt->source : "",
             opt && opt->source ? "  \xc2\xb7  " : "", tl->n_samples, tl->n_patterns,
             tl->n_steps, span);
    show_fitted(cr, x, 58, line, g->width - 48);

    set_hex(cr, INK);
    if (g->rows > 1) {
        snprintf(line, sizeof(line), "Time runs left to right in virtual seconds from power-on. "
                 "The whole run comes first, then %g s per row, top to bottom.", g->row_seconds);
    } else {
        snprintf(line, sizeof(line), "Time runs left to right in virtual seconds from power-on.");
    }
    show_fitted(cr, x, 78, line, g->width - 48);

    set_font(cr, 12, false);
    struct legend_pen pen = { x, 100, g->width - 24 };
    legend_entry(cr, &pen, 0, "what the RGB LED showed, as bright as it was (black = off)");
    legend_entry(cr, &pen, 1, tl->n_patterns ? "pattern named by photon-sim, from when it began"
                                             : "pattern named by photon-sim (none in this report)");
    if (tl->n_steps) {
        legend_entry(cr, &pen, 2, "scenario step (numbered as in the key)");
    }
    if (g->parts.d7_h > 0) {
        legend_entry(cr, &pen, 3, "blue D7 LED on");
    }
    draw_step_key(cr, tl, g);
}

static void draw_timeline(cairo_t *cr, const struct report_timeline *tl,
                          const struct timeline_geometry *g, const struct timeline_options *opt)
{
    char caption[64];

    set_hex(cr, PAGE);
    cairo_paint(cr);
    draw_header(cr, tl, g, opt);

    if (g->overview) {
        struct band whole = make_band(g, g->start_t, g->end_t, g->overview_y);
        set_font(cr, 12, true);
        set_hex(cr, INK);
        show_text_at(cr, 24, whole.top + g->parts.strip_y + g->parts.strip_h / 2 + 4, "whole");
        show_text_at(cr, 24, whole.top + g->parts.strip_y + g->parts.strip_h / 2 + 18, "run");
        draw_band(cr, tl, g, &whole, false);
        snprintf(caption, sizeof(caption), "In detail, %g s per row:", g->row_seconds);
        show_text_at(cr, 24, g->first_row_y - 10, caption);
    }
    for (int row = 0; row < g->rows; row++) {
        double t0 = timeline_row_start(g, row);
        struct band b = make_band(g, t0, t0 + g->row_seconds, timeline_row_top(g, row));
        set_font(cr, 12, true);
        set_hex(cr, INK);
        format_row_caption(caption, sizeof(caption), t0, g->row_seconds);
        show_text_at(cr, b.x - 12 - text_width(cr, caption),
                     b.top + g->parts.strip_y + g->parts.strip_h / 2 + 4, caption);
        draw_band(cr, tl, g, &b, true);
    }
    if (tl->n_samples == 0) {
        set_font(cr, 14, true);
        set_hex(cr, MUTED);
        show_text_at(cr, g->strip_x + 12,
                     timeline_row_top(g, 0) + g->parts.strip_y + g->parts.strip_h / 2 + 5,
                     "No LED data in this report");
    }
    set_font(cr, 11, false);
    set_hex(cr, MUTED);
    show_fitted(cr, 24, g->height - 10,
                "Brightness: each PWM duty is scaled so Device OS's full colour (37.35 % duty) "
                "shows at full, then gamma-encoded, so a dim or breathing LED looks as it does "
                "to the eye. Drawn by photon-timeline from led.jsonl.", g->width - 48);
}

cairo_surface_t *timeline_render(const struct report_timeline *tl,
                                 const struct timeline_options *opt,
                                 struct timeline_geometry *g_out)
{
    struct timeline_geometry g;
    cairo_surface_t *surface;
    cairo_t *cr;

    timeline_layout(tl, opt, &g);
    if (g_out) {
        *g_out = g;
    }
    surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, g.width, g.height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return NULL;
    }
    cr = cairo_create(surface);
    draw_timeline(cr, tl, &g, opt);
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cairo_surface_destroy(surface);
        return NULL;
    }
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    return surface;
}

int timeline_write_png(const struct report_timeline *tl, const struct timeline_options *opt,
                       const char *path, char *why, size_t why_size)
{
    cairo_surface_t *surface = timeline_render(tl, opt, NULL);
    cairo_status_t status;

    if (!surface) {
        snprintf(why, why_size, "cannot draw the timeline (out of memory?)");
        return -1;
    }
    status = cairo_surface_write_to_png(surface, path);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        snprintf(why, why_size, "cannot write %s: %s", path, cairo_status_to_string(status));
        return -1;
    }
    return 0;
}
