/*
 * Watching for an `after` condition in the log: the count-th occurrence of
 * what it names, counted from power-on or from the moment its `since` step
 * ran, plus its delay. Shared by the timeline (when does a step fire) and
 * the judge (when does a window open), so both read a condition the same
 * way.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_CONDITION_H
#define PHOTON_SCENARIO_CONDITION_H

#include <stdbool.h>

#include "event_log.h"
#include "scenario.h"

struct scn_watch {
    const struct scn_condition *condition;
    struct scn_cursor cursor;
    bool counting;   /* the cursor is started */
    unsigned seen;   /* occurrences so far */
    bool happened;
    scn_time time;     /* the occurrence's time + delay */
    scn_time observed; /* when the log learnt of the occurrence */
};

void scn_watch_init(struct scn_watch *w, const struct scn_condition *condition);

/* Reads what the log gained since the last call; true once the condition has happened. */
bool scn_watch_update(struct scn_watch *w, const struct scn_log *log);

/* "breathing-cyan + 5.000 s", "the 2nd red-burst since step \"block\"", ... into buf. */
const char *scn_condition_describe(const struct scn_scenario *scn, const struct scn_condition *c,
                                   char *buf, size_t size);

#endif
