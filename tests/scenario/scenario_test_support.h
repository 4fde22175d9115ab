/*
 * Helpers shared by the scenario suites: parsing text that must be valid
 * (or must fail), recording the timeline's and the judge's callbacks, and
 * the example scenario from FORMAT.md.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_TEST_SUPPORT_H
#define PHOTON_SCENARIO_TEST_SUPPORT_H

#include <stddef.h>

#include "judge.h"
#include "scenario.h"
#include "session.h"

#define MS(x) ((scn_time)(x) * SCN_NS_PER_MS)
#define SEC(x) ((scn_time)(x) * SCN_NS_PER_SECOND)

/* Parses text named "test.yaml"; fails the test (with the message) if it is invalid. */
struct scn_scenario *parse_ok(const char *text);

/* Parses text that must be refused; returns the one-line message (static buffer). */
const char *parse_error(const char *text);

/* The ```yaml block under "A complete example" in FORMAT.md (malloc'ed). */
char *format_md_example(void);

#define RECORD_MAX 256

struct recorded_verdict {
    size_t index;
    enum scn_verdict_state state;
    scn_time at, decided, window_start, window_end;
    char reason[SCN_REASON_MAX];
};

struct recorded_step {
    size_t index;
    scn_time when;
    char label[SCN_NAME_MAX + 32];
};

struct recorder {
    struct recorded_verdict verdicts[RECORD_MAX];
    size_t verdict_count;
    struct recorded_step steps[RECORD_MAX];
    size_t step_count;
};

/* Callbacks that append to a struct recorder (opaque). */
void record_verdict(void *opaque, size_t index, const struct scn_expectation *e, const struct scn_verdict *v);
void record_step(void *opaque, size_t index, const struct scn_step *step, scn_time when);

/* Hooks for a session that record into rec. */
struct scn_session_hooks recording_hooks(struct recorder *rec);

/* The recorded verdict for expectation index, or NULL. */
const struct recorded_verdict *verdict_for(const struct recorder *rec, size_t index);

#endif
