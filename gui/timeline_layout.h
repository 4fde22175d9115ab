/*
 * Where things go in a run's LED timeline picture (timeline_png.c), and
 * where a time lands in it, so tests and the HTML view agree with the PNG.
 *
 * The picture: a header (title, what was run, a legend, and a key of the
 * scenario's steps, numbered, with their times), then the run cut
 * into rows of equal length read left to right, top to bottom. Each row
 * holds, top to bottom: the scenario's step tags (when there are steps: the
 * step's number, and as much of its label as fits before the next step),
 * the colour strip (what the LED showed), a thin D7 lane (when D7 was ever
 * on), the pattern lane (the classifier's names as spans from when each
 * pattern began to when the next did), a line for the names of spans too
 * narrow to hold them, and a time axis.
 *
 * Row length: a run of up to 15 s is one row. A longer run gets rows of
 * 10 s, so a 50 ms blink is still about 6 pixels wide at the default
 * width; a run over 10 minutes gets longer rows (12, 15, 20, 30, 60 s,
 * ...) so the picture stays within 60 rows: a one-hour run has 60 s rows,
 * where a 50 ms blink is still about 1 pixel wide. In the whole-run row
 * blinks too fast for its scale average to a dimmer colour. With more than one row, a
 * whole-run overview row comes first.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_TIMELINE_LAYOUT_H
#define PHOTON_GUI_TIMELINE_LAYOUT_H

#include <stdbool.h>

#include "report_timeline.h"

#define TIMELINE_DEFAULT_WIDTH 1400
#define TIMELINE_MAX_ROWS 60

struct timeline_options {
    int width;          /* pixels; 0 for TIMELINE_DEFAULT_WIDTH */
    double row_seconds; /* 0 to choose from the run's length (above) */
    const char *title;  /* NULL for "Photon status LED timeline" */
    const char *source; /* where the data came from, shown under the title; may be NULL */
};

/* Vertical offsets of a row's parts from the row's top, and their heights. */
struct timeline_row_parts {
    double steps_y, steps_h;     /* 0 high when the run has no steps */
    double strip_y, strip_h;
    double d7_y, d7_h;           /* 0 high when D7 was never on */
    double pattern_y, pattern_h;
    double callout_y, callout_h;
    double axis_y, axis_h;
    double height;               /* the whole row, without the gap after it */
};

struct timeline_geometry {
    int width, height;
    double start_t, end_t;   /* the run's span: first sample (or 0) .. end */
    double row_seconds;
    int rows;
    bool overview;           /* a whole-run row comes before the rows */
    double overview_y;       /* its top, when there is one */
    double first_row_y;      /* top of the first detail row */
    double row_pitch;        /* row height plus the gap between rows */
    double strip_x, strip_w; /* the same for every row, overview included */
    struct timeline_row_parts parts;
    double header_h;         /* title, legend and the steps key */
    double step_key_y;       /* top of the steps key (numbered steps with times) */
    int step_key_columns;
};

/* Lays out tl's picture. opt may be NULL. */
void timeline_layout(const struct report_timeline *tl, const struct timeline_options *opt,
                     struct timeline_geometry *g);

/* Start time of detail row r (rows start at a multiple of row_seconds). */
double timeline_row_start(const struct timeline_geometry *g, int row);

/* Top of detail row r. */
double timeline_row_top(const struct timeline_geometry *g, int row);

/*
 * The pixel centre where time t is drawn in the detail rows' colour strip
 * (resp. pattern lane). False when t is outside the run.
 */
bool timeline_strip_point(const struct timeline_geometry *g, double t, double *x, double *y);
bool timeline_pattern_point(const struct timeline_geometry *g, double t, double *x, double *y);

/*
 * A tick spacing for an axis of span seconds over width pixels: the
 * smallest of 1, 2, 5 x 10^n seconds (and 15, 30, 60, 120, 300 s) that puts
 * major ticks at least min_px apart.
 */
double timeline_tick_step(double span, double width, double min_px);

#endif
