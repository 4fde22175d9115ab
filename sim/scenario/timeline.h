/*
 * The step scheduler: which steps fire when. A step with `at` fires at that
 * virtual time; a step with `after` fires once its condition has happened
 * (condition.h) plus its delay, but never before the run learnt of the
 * condition (a pattern is reported after it began). Steps due at the same
 * time fire in the order they are written. Each step fires at most once.
 *
 * The QEMU glue arms a virtual timer for scn_timeline_next_deadline() and
 * calls scn_timeline_advance() when it expires and before feeding each
 * observation, so steps fire exactly on time. Deterministic: the order of
 * firing depends only on the scenario and the log.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_TIMELINE_H
#define PHOTON_SCENARIO_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "event_log.h"
#include "scenario.h"

/* Called for each step as it fires, after it is in the log; the callee
 * executes the step. It must not call back into the timeline. */
typedef void (*scn_step_fn)(void *opaque, size_t index, const struct scn_step *step, scn_time when);

struct scn_timeline;

/* NULL when out of memory. scn and log must outlive the timeline; the
 * timeline writes the steps it fires into the log. */
struct scn_timeline *scn_timeline_new(const struct scn_scenario *scn, struct scn_log *log,
                                      scn_step_fn on_step, void *opaque);
void scn_timeline_free(struct scn_timeline *tl);

/*
 * Fires, in time order, every step due at or before time (including steps
 * that become due because an earlier one fired), then moves the log's
 * clock to time. False when out of memory.
 */
bool scn_timeline_advance(struct scn_timeline *tl, scn_time time);

/* The earliest time a step not yet fired is known to be due, or SCN_TIME_NEVER. */
scn_time scn_timeline_next_deadline(const struct scn_timeline *tl);

/* When the step fired, or SCN_TIME_NEVER. */
scn_time scn_timeline_fired_at(const struct scn_timeline *tl, size_t index);
size_t scn_timeline_unfired(const struct scn_timeline *tl);

#endif
