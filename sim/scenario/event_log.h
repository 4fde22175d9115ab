/*
 * What a run has shown so far: LED patterns, serial lines, cloud events and
 * results, packets and executed steps, each stream in time order, plus the
 * virtual time reached. The timeline (which steps fire) and the judge
 * (which expectations hold) both read it, so they see the same history and
 * decide the same way on every run.
 *
 * Times must not go backwards; the log makes sure they do not (see each
 * feed function), so a late or reordered call cannot make a decision
 * already taken untrue.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_EVENT_LOG_H
#define PHOTON_SCENARIO_EVENT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* Longer serial lines, names and descriptions are cut to this many bytes. */
#define SCN_OBSERVATION_TEXT_MAX 4096
/*
 * The LED classifier reports a pattern when it is sure of it, up to about
 * 12 s after it began (an SOS with a long code). Until then, a pattern may
 * still turn up with a start time in the past; a verdict that depends on a
 * pattern not having begun before T waits until T + this settle time,
 * unless the glue says earlier (scn_log_pattern_horizon).
 */
#define SCN_PATTERN_SETTLE_DEFAULT (INT64_C(15) * SCN_NS_PER_SECOND)

struct scn_observation {
    enum scn_stream stream;
    scn_time time;     /* when it happened; for a pattern, when it began */
    scn_time observed; /* when the log learnt of it (later than time only for patterns) */
    enum scn_cloud_kind cloud_kind; /* CLOUD */
    int step;                       /* STEP: the step's index; -1 otherwise */
    const char *text;  /* pattern name, serial line, cloud name, packet description, step label */
    const char *value; /* CLOUD: event data or result value; "" otherwise */
};

struct scn_log;

/*
 * A log for a run of scn. Streams that no step condition and no
 * expectation look at are counted but not stored (a long run's packets).
 * NULL when out of memory.
 */
struct scn_log *scn_log_new(const struct scn_scenario *scn);
void scn_log_free(struct scn_log *log);

/*
 * Feeding. Each returns false only when out of memory. After scn_log_end()
 * they are ignored.
 *
 * Except for patterns, an observation is dated max(time, now) and moves
 * now to that time. A pattern is fed when it is observed (now moves to
 * `observed`) and dated at `start`, which must not precede an earlier
 * pattern's start or the pattern horizon (it is moved up to them if it
 * does).
 */
bool scn_log_pattern(struct scn_log *log, scn_time start, scn_time observed, const char *name);
bool scn_log_serial(struct scn_log *log, scn_time time, const char *line);
bool scn_log_cloud(struct scn_log *log, scn_time time, enum scn_cloud_kind kind, const char *name,
                   const char *value);
bool scn_log_packet(struct scn_log *log, scn_time time, const char *description);
bool scn_log_step(struct scn_log *log, scn_time time, int step);

/* Virtual time has reached time (ignored if earlier than now). */
void scn_log_advance(struct scn_log *log, scn_time time);
/* No pattern that begins before time remains to be reported. */
void scn_log_pattern_horizon(struct scn_log *log, scn_time time);
void scn_log_set_pattern_settle(struct scn_log *log, scn_time settle);
scn_time scn_log_pattern_settle(const struct scn_log *log);
/* The run ended at time (after advancing to it): every stream is complete. */
void scn_log_end(struct scn_log *log, scn_time time);

scn_time scn_log_now(const struct scn_log *log);
bool scn_log_ended(const struct scn_log *log);
/*
 * Every observation of the stream dated before the horizon is in the log:
 * now for most streams, less for patterns (see SCN_PATTERN_SETTLE_DEFAULT),
 * SCN_TIME_NEVER once the run has ended.
 */
scn_time scn_log_horizon(const struct scn_log *log, enum scn_stream stream);
/* Observations fed into the stream (stored or not). */
size_t scn_log_total(const struct scn_log *log, enum scn_stream stream);
size_t scn_log_count(const struct scn_log *log, enum scn_stream stream);
const struct scn_observation *scn_log_at(const struct scn_log *log, enum scn_stream stream, size_t index);
/* Grows with every stored observation: readers skip work when it has not moved. */
uint64_t scn_log_revision(const struct scn_log *log);
/* When step ran, or SCN_TIME_NEVER. */
scn_time scn_log_step_time(const struct scn_log *log, int step);

/* Does the observation satisfy the matcher? A pattern matcher without a
 * name (text NULL) matches every pattern. */
bool scn_matcher_matches(const struct scn_matcher *m, const struct scn_observation *o);

/* Cloud values compare as numbers when both are numbers ("1" = "1.0"), else as text. */
bool scn_values_equal(const char *expected, const char *actual);

/*
 * Walking the occurrences of a matcher from a moment on. A pattern that was
 * already showing at that moment (the last one reported as beginning
 * before it, if it is a lasting pattern: scn_pattern_is_lasting) counts as
 * occurring at that moment. Start the cursor once now >= from.
 */
struct scn_occurrence {
    scn_time time;     /* when it occurred (from, for a pattern already showing) */
    scn_time observed; /* when the log learnt of it */
    const struct scn_observation *observation;
};

struct scn_cursor {
    scn_time from;
    size_t next;
    bool started;
};

void scn_cursor_start(struct scn_cursor *cursor, scn_time from);
/* The next occurrence not yet returned, if the log holds one. */
bool scn_cursor_next(struct scn_cursor *cursor, const struct scn_log *log, const struct scn_matcher *m,
                     struct scn_occurrence *out);

#endif
