/*
 * A run's LED timeline (see report_timeline.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "report_timeline.h"

void report_timeline_init(struct report_timeline *tl)
{
    memset(tl, 0, sizeof(*tl));
}

static void free_marks(struct timeline_mark *marks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(marks[i].text);
    }
    free(marks);
}

void report_timeline_free(struct report_timeline *tl)
{
    free(tl->samples);
    free_marks(tl->patterns, tl->n_patterns);
    free_marks(tl->steps, tl->n_steps);
    report_timeline_init(tl);
}

/* Makes room for one more element of size elem in *array. */
static bool reserve_one(void **array, size_t *capacity, size_t count, size_t elem)
{
    if (count < *capacity) {
        return true;
    }
    size_t grown = *capacity ? *capacity * 2 : 64;
    void *bigger = realloc(*array, grown * elem);
    if (!bigger) {
        return false;
    }
    *array = bigger;
    *capacity = grown;
    return true;
}

static void see_time(struct report_timeline *tl, double t)
{
    if (t > tl->end_t) {
        tl->end_t = t;
    }
}

bool report_timeline_add_sample(struct report_timeline *tl, struct led_sample sample)
{
    if (!reserve_one((void **)&tl->samples, &tl->samples_capacity, tl->n_samples,
                     sizeof(*tl->samples))) {
        return false;
    }
    tl->samples[tl->n_samples++] = sample;
    see_time(tl, sample.t);
    return true;
}

static bool add_mark(struct timeline_mark **marks, size_t *n, size_t *capacity,
                     double t, const char *text)
{
    char *copy = strdup(text);

    if (!copy || !reserve_one((void **)marks, capacity, *n, sizeof(**marks))) {
        free(copy);
        return false;
    }
    (*marks)[(*n)++] = (struct timeline_mark){ t, copy };
    return true;
}

bool report_timeline_add_pattern(struct report_timeline *tl, double t, const char *name)
{
    if (!add_mark(&tl->patterns, &tl->n_patterns, &tl->patterns_capacity, t, name)) {
        return false;
    }
    see_time(tl, t);
    return true;
}

bool report_timeline_add_step(struct report_timeline *tl, double t, const char *label)
{
    if (!add_mark(&tl->steps, &tl->n_steps, &tl->steps_capacity, t, label)) {
        return false;
    }
    see_time(tl, t);
    return true;
}

void report_timeline_set_end(struct report_timeline *tl, double t)
{
    if (t > tl->end_t) {
        tl->end_t = t;
    }
    tl->end_given = true;
}

/* Insertion sort: stable, and the marks arrive nearly sorted. */
static void sort_marks(struct timeline_mark *marks, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct timeline_mark m = marks[i];
        size_t j = i;
        while (j > 0 && marks[j - 1].t > m.t) {
            marks[j] = marks[j - 1];
            j--;
        }
        marks[j] = m;
    }
}

void report_timeline_finish(struct report_timeline *tl)
{
    sort_marks(tl->patterns, tl->n_patterns);
    sort_marks(tl->steps, tl->n_steps);
}

long report_timeline_sample_at(const struct report_timeline *tl, double t)
{
    size_t lo = 0, hi = tl->n_samples; /* first sample later than t is in [lo, hi] */

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (tl->samples[mid].t <= t) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return (long)lo - 1;
}

double report_timeline_start(const struct report_timeline *tl)
{
    return tl->n_samples ? tl->samples[0].t : 0.0;
}
