/*
 * JUnit XML for CI: a <testsuite> per scenario file, a <testcase> per
 * expectation, a <failure> with the reason for each missed one. `time`
 * attributes are wall-clock seconds (what CI dashboards chart); virtual
 * times (when the verdict's evidence happened, when it was decided, the
 * window) are <property> elements in virtual seconds.
 *
 * Text is escaped for XML 1.0: markup characters become entities, control
 * characters XML cannot carry and invalid UTF-8 become U+FFFD, so a
 * firmware's garbage on the serial line cannot break the report.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_JUNIT_H
#define PHOTON_SCENARIO_JUNIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "judge.h"
#include "scenario.h"

struct scn_junit_case {
    const char *name;      /* the expectation's label */
    const char *classname; /* e.g. "scenarios.firewall-drops-cloud" */
    const char *file;      /* the scenario file; NULL to leave out */
    unsigned line;         /* the expectation's line; 0 to leave out */
    enum scn_verdict_state state; /* PENDING is written as an <error> */
    const char *reason;
    scn_time at, decided, window_start, window_end; /* SCN_TIME_NEVER: left out */
    double wall_seconds;  /* wall time from the start of the run to the verdict */
};

struct scn_junit_suite {
    const char *name; /* the scenario's name */
    const char *file;
    uint64_t seed;
    scn_time until, ended;   /* virtual: the planned and the actual end of the run */
    double wall_seconds;
    const char *timestamp;   /* ISO 8601 start of the run; NULL to leave out */
    const struct scn_junit_case *cases;
    size_t case_count;
    const char *run_error;   /* the run itself failed (emulator error): an extra <testcase> with <error> */
    const char *system_out;  /* e.g. the serial log; NULL to leave out */
};

/* A case for expectation index of scn from its verdict. */
void scn_junit_case_from_verdict(const struct scn_scenario *scn, size_t index, const struct scn_verdict *verdict,
                                 const char *classname, double wall_seconds, struct scn_junit_case *out);

/* Writes a whole <testsuites> document. 0 on success, -1 on a write error. */
int scn_junit_write(FILE *out, const struct scn_junit_suite *suites, size_t count);

/* Writes text escaped for an attribute value (quotes and newlines too) or element content. */
void scn_junit_escape(FILE *out, const char *text, int attribute);

#endif
