/*
 * A run's LED timeline as the report records it: the colour changes of the
 * RGB LED (with the D7 LED's state), the patterns the classifier named and
 * the scenario's steps, all on virtual time in seconds.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_REPORT_TIMELINE_H
#define PHOTON_GUI_REPORT_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

/* From t on (until the next sample) the LED shows these PWM duties, 0..1. */
struct led_sample {
    double t;
    double r, g, b;
    bool d7;
};

/* Something that happened at t: a pattern that began, or a scenario step. */
struct timeline_mark {
    double t;
    char *text;
};

struct report_timeline {
    struct led_sample *samples; /* in time order */
    size_t n_samples, samples_capacity;
    struct timeline_mark *patterns; /* in time order after report_timeline_finish() */
    size_t n_patterns, patterns_capacity;
    struct timeline_mark *steps; /* likewise */
    size_t n_steps, steps_capacity;
    /*
     * End of the run: the latest of what report_timeline_set_end() was given
     * and every time seen. The last colour is shown until then.
     */
    double end_t;
    bool end_given; /* report_timeline_set_end() was called */
};

void report_timeline_init(struct report_timeline *tl);
void report_timeline_free(struct report_timeline *tl);

/*
 * Append. Return false when out of memory. Samples must come in time order
 * (the caller checks); patterns and steps may not, because the classifier
 * dates a pattern at its beginning only once it is sure of it.
 */
bool report_timeline_add_sample(struct report_timeline *tl, struct led_sample sample);
bool report_timeline_add_pattern(struct report_timeline *tl, double t, const char *name);
bool report_timeline_add_step(struct report_timeline *tl, double t, const char *label);

/* The run lasted until t (from summary.json); never shortens what was seen. */
void report_timeline_set_end(struct report_timeline *tl, double t);

/* Sorts patterns and steps by time (stable) once everything is added. */
void report_timeline_finish(struct report_timeline *tl);

/* Index of the sample showing at time t, or -1 before the first sample. */
long report_timeline_sample_at(const struct report_timeline *tl, double t);

/* Time the run's first sample starts (0 when there are none). */
double report_timeline_start(const struct report_timeline *tl);

#endif
