/*
 * Laying out a run's LED timeline picture (see timeline_layout.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stddef.h>

#include "timeline_layout.h"

#define SINGLE_ROW_MAX_SECONDS 15.0
#define DETAIL_ROW_SECONDS 10.0
#define LEFT_MARGIN 84.0
#define RIGHT_MARGIN 24.0
#define ROW_GAP 14.0
#define HEADER_HEIGHT 112.0
#define LEGEND_WRAP_WIDTH 1300 /* narrower pictures get the legend on two lines */
#define STEP_KEY_LINE 16.0
#define STEP_KEY_COLUMN_WIDTH 420.0
#define FOOTER_HEIGHT 28.0

/* Row lengths a person reads easily, shortest first. */
static const double nice_row_seconds[] = {
    0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1800, 3600,
};

static double nice_at_least(double seconds)
{
    for (size_t i = 0; i < sizeof(nice_row_seconds) / sizeof(nice_row_seconds[0]); i++) {
        if (nice_row_seconds[i] >= seconds - 1e-9) {
            return nice_row_seconds[i];
        }
    }
    return ceil(seconds / 3600.0) * 3600.0;
}

static double choose_row_seconds(double start, double end)
{
    double run = end - start;

    /* A run stopped at 12 s ends a few microseconds later: still a 12 s row. */
    run -= fmin(run * 0.001, 0.001);
    if (run <= SINGLE_ROW_MAX_SECONDS) {
        return nice_at_least(fmax(run, 0.5));
    }
    return fmax(DETAIL_ROW_SECONDS, nice_at_least(run / TIMELINE_MAX_ROWS));
}

static bool any_d7(const struct report_timeline *tl)
{
    for (size_t i = 0; i < tl->n_samples; i++) {
        if (tl->samples[i].d7) {
            return true;
        }
    }
    return false;
}

static void lay_out_row_parts(struct timeline_row_parts *p, bool steps, bool d7)
{
    double y = 0;

    p->steps_y = y;
    p->steps_h = steps ? 16 : 0;
    y += p->steps_h;
    p->strip_y = y;
    p->strip_h = 30;
    y += p->strip_h;
    p->d7_y = y + (d7 ? 2 : 0);
    p->d7_h = d7 ? 6 : 0;
    y = p->d7_y + p->d7_h;
    p->pattern_y = y + 3;
    p->pattern_h = 20;
    y = p->pattern_y + p->pattern_h;
    p->callout_y = y;
    p->callout_h = 15;
    y += p->callout_h;
    p->axis_y = y;
    p->axis_h = 18;
    p->height = y + p->axis_h;
}

void timeline_layout(const struct report_timeline *tl, const struct timeline_options *opt,
                     struct timeline_geometry *g)
{
    int width = opt && opt->width > 0 ? opt->width : TIMELINE_DEFAULT_WIDTH;
    double row_seconds;

    g->width = width;
    /* Rows start at whole multiples of the row length, from 0 when the run does. */
    g->start_t = report_timeline_start(tl);
    g->end_t = fmax(tl->end_t, g->start_t);
    row_seconds = opt && opt->row_seconds > 0 ? opt->row_seconds
                                              : choose_row_seconds(g->start_t, g->end_t);
    g->row_seconds = row_seconds;
    {
        double first = floor(g->start_t / row_seconds);
        /* The same slack: a sliver past a row's end does not open a new row. */
        double last = ceil(g->end_t / row_seconds - 0.001);
        g->rows = (int)fmax(1.0, last - first);
    }
    g->overview = g->rows > 1;
    g->strip_x = LEFT_MARGIN;
    g->strip_w = fmax(50.0, width - LEFT_MARGIN - RIGHT_MARGIN);
    lay_out_row_parts(&g->parts, tl->n_steps > 0, any_d7(tl));
    g->row_pitch = g->parts.height + ROW_GAP;
    g->header_h = HEADER_HEIGHT + (width < LEGEND_WRAP_WIDTH ? 20 : 0);
    g->step_key_columns = (int)fmax(1, floor((width - 48) / STEP_KEY_COLUMN_WIDTH));
    g->step_key_y = g->header_h + 4;
    if (tl->n_steps) {
        int lines = (int)((tl->n_steps + g->step_key_columns - 1) / g->step_key_columns);
        g->header_h += 24 + lines * STEP_KEY_LINE;
    }
    g->overview_y = g->header_h + 10; /* under the "whole run" caption */
    g->first_row_y = g->overview ? g->overview_y + g->row_pitch + 26 : g->header_h;
    g->height = (int)ceil(g->first_row_y + g->rows * g->row_pitch + FOOTER_HEIGHT);
}

double timeline_row_start(const struct timeline_geometry *g, int row)
{
    return (floor(g->start_t / g->row_seconds) + row) * g->row_seconds;
}

double timeline_row_top(const struct timeline_geometry *g, int row)
{
    return g->first_row_y + row * g->row_pitch;
}

/* Detail row and pixel column holding time t. */
static bool locate(const struct timeline_geometry *g, double t, int *row, double *x)
{
    double first = timeline_row_start(g, 0);
    int r;
    double column;

    if (t < g->start_t || t > g->end_t) {
        return false;
    }
    r = (int)floor((t - first) / g->row_seconds);
    if (r >= g->rows) {
        r = g->rows - 1; /* the run's very end closes the last row */
    }
    column = floor((t - timeline_row_start(g, r)) / g->row_seconds * floor(g->strip_w));
    if (column >= floor(g->strip_w)) {
        column = floor(g->strip_w) - 1;
    }
    *row = r;
    *x = g->strip_x + column + 0.5;
    return true;
}

bool timeline_strip_point(const struct timeline_geometry *g, double t, double *x, double *y)
{
    int row;
    if (!locate(g, t, &row, x)) {
        return false;
    }
    *y = timeline_row_top(g, row) + g->parts.strip_y + g->parts.strip_h / 2;
    return true;
}

bool timeline_pattern_point(const struct timeline_geometry *g, double t, double *x, double *y)
{
    int row;
    if (!locate(g, t, &row, x)) {
        return false;
    }
    *y = timeline_row_top(g, row) + g->parts.pattern_y + g->parts.pattern_h / 2;
    return true;
}

double timeline_tick_step(double span, double width, double min_px)
{
    static const double larger[] = { 15, 30, 60, 120, 300, 600, 900, 1800, 3600 };
    double per_px = span / fmax(width, 1.0);

    for (int exponent = -3; exponent <= 1; exponent++) {
        static const double mantissas[] = { 1, 2, 5 };
        for (size_t i = 0; i < 3; i++) {
            double step = mantissas[i] * pow(10.0, exponent);
            if (step / per_px >= min_px) {
                return step;
            }
        }
    }
    for (size_t i = 0; i < sizeof(larger) / sizeof(larger[0]); i++) {
        if (larger[i] / per_px >= min_px) {
            return larger[i];
        }
    }
    return ceil(span / 3600.0) * 3600.0;
}
