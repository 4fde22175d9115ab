/*
 * The expectation engine: reads the run's log (event_log.h) and decides
 * each expectation as early as the evidence allows, reporting each verdict
 * once, when it becomes final, through a callback (so the runner can print
 * a line per expectation as it is met or missed).
 *
 * Semantics (FORMAT.md, "Expectations"):
 *   - A window is [start, end): it opens at `from` (default power-on) or
 *     when its `after` condition happens, and lasts `within`, or to the end
 *     of the run. Something dated exactly at the end is too late.
 *   - A pattern occurs in the window if the LED classifier reports it as
 *     beginning in the window, or if it is a lasting pattern (not a burst,
 *     a blink group, an SOS) that was already showing when the window
 *     opened.
 *   - pattern/serial/cloud-event/cloud-result/packet: met at the `times`-th
 *     occurrence in the window; missed once the window is closed and fully
 *     observed without it.
 *   - sequence: the patterns occur in order (others may come between; with
 *     strict, none may); met at the last one.
 *   - never: missed at the first occurrence in the window; met once the
 *     window is closed and fully observed without one.
 *   - Anything still undecided when the run ends is missed, with the reason
 *     (the window never opened, or closed after the run ended), except that
 *     a window without `within` ends with the run.
 *
 * Deterministic: decisions depend only on the log's contents and order.
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_JUDGE_H
#define PHOTON_SCENARIO_JUDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "event_log.h"
#include "scenario.h"

#define SCN_REASON_MAX 512

enum scn_verdict_state {
    SCN_VERDICT_PENDING,
    SCN_VERDICT_MET,
    SCN_VERDICT_MISSED,
};

struct scn_verdict {
    enum scn_verdict_state state;
    /* MET: when the evidence happened (the last occurrence needed, or the
     * window's end for never). MISSED: when the forbidden thing happened,
     * or the window's end, or the run's end. */
    scn_time at;
    scn_time decided;      /* the virtual time the verdict became final */
    scn_time window_start; /* SCN_TIME_NEVER while the window is not open */
    scn_time window_end;   /* SCN_TIME_NEVER: to the end of the run */
    char reason[SCN_REASON_MAX]; /* one line: what was seen, or why it failed */
};

/* Called once per expectation, when its verdict becomes final. */
typedef void (*scn_verdict_fn)(void *opaque, size_t index, const struct scn_expectation *expectation,
                               const struct scn_verdict *verdict);

struct scn_judge;

/* NULL when out of memory. scn and log must outlive the judge. */
struct scn_judge *scn_judge_new(const struct scn_scenario *scn, const struct scn_log *log,
                                scn_verdict_fn on_verdict, void *opaque);
void scn_judge_free(struct scn_judge *judge);

/* Looks at what the log gained (and the time it reached); reports verdicts
 * that became final, in expectation order. Call after every change. */
void scn_judge_update(struct scn_judge *judge);

const struct scn_verdict *scn_judge_verdict(const struct scn_judge *judge, size_t index);
size_t scn_judge_pending(const struct scn_judge *judge);
size_t scn_judge_missed(const struct scn_judge *judge);

/*
 * The earliest virtual time at which the passing of time alone could
 * decide a pending expectation (a window opening or closing; for pattern
 * windows, closing plus the pattern settle time), or SCN_TIME_NEVER. The
 * glue arms a timer for it so that "missed" lines come on time.
 */
scn_time scn_judge_next_deadline(const struct scn_judge *judge);

const char *scn_verdict_state_name(enum scn_verdict_state state);

#endif
