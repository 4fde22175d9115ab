/*
 * One run of a scenario, as the QEMU machine drives it: the log, the
 * timeline and the judge, fed in the right order from one place. The glue
 * reports what it observes (LED patterns, serial lines, cloud traffic,
 * packets) with virtual times, arms a virtual timer for
 * scn_session_next_deadline() and calls scn_session_advance() when it
 * expires; steps come back through on_step (execute them there) and
 * verdicts through on_verdict (print a line per expectation).
 *
 * Order of a feed at time t: steps due at or before t fire first, then the
 * observation is logged, then steps it triggers (delay 0) fire, then the
 * judge looks. The callbacks must not feed the session.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_SESSION_H
#define PHOTON_SCENARIO_SESSION_H

#include <stdbool.h>

#include "event_log.h"
#include "judge.h"
#include "scenario.h"
#include "timeline.h"

struct scn_session_hooks {
    scn_step_fn on_step;
    scn_verdict_fn on_verdict;
    void *opaque;
};

struct scn_session;

/* NULL when out of memory; scn must outlive the session. hooks may be NULL. */
struct scn_session *scn_session_new(const struct scn_scenario *scn, const struct scn_session_hooks *hooks);
void scn_session_free(struct scn_session *s);

/* Each returns false only when out of memory (the run's verdicts are then unreliable). */
bool scn_session_pattern(struct scn_session *s, scn_time start, scn_time observed, const char *name);
bool scn_session_serial(struct scn_session *s, scn_time time, const char *line);
bool scn_session_cloud(struct scn_session *s, scn_time time, enum scn_cloud_kind kind, const char *name,
                       const char *value);
bool scn_session_packet(struct scn_session *s, scn_time time, const char *description);
bool scn_session_advance(struct scn_session *s, scn_time time);
/* The LED classifier has reported every pattern beginning before time. */
bool scn_session_pattern_horizon(struct scn_session *s, scn_time time);
/* The run ended at time (normally scn->until): fires steps due by then, decides everything. */
bool scn_session_end(struct scn_session *s, scn_time time);

/* When to call scn_session_advance next, or SCN_TIME_NEVER. */
scn_time scn_session_next_deadline(const struct scn_session *s);
/* Every expectation decided: a runner may stop early if the scenario allows. */
bool scn_session_decided(const struct scn_session *s);

const struct scn_log *scn_session_log(const struct scn_session *s);
const struct scn_judge *scn_session_judge(const struct scn_session *s);
const struct scn_timeline *scn_session_timeline(const struct scn_session *s);

#endif
