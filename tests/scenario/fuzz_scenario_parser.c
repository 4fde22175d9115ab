/*
 * libFuzzer target for the scenario parser: every byte of a scenario file
 * comes from a user (or a CI job's library), so the parser must refuse
 * anything malformed with a one-line message and never crash, leak, hang or
 * read out of bounds. A scenario that parses is also linted, run through a
 * session with a few observations (so the timeline and the judge meet odd
 * but valid scenarios: huge times, deep `after` chains, strange regexes),
 * its firewall rules are written in the fault engine's text form, and it is
 * reported as JUnit.
 *
 * Build and run (clang; the scenario sources are compiled into the fuzzer
 * so that they are instrumented too):
 *   CC=clang meson setup build-fuzz -Dqemu=false -Dfuzz=true
 *   ninja -C build-fuzz tests/scenario/fuzz_scenario_parser
 *   mkdir -p /tmp/scenario-corpus && cp -r tests/scenario/data/. /tmp/scenario-corpus/
 *   build-fuzz/tests/scenario/fuzz_scenario_parser -runs=10000000 -max_len=4096 \
 *       -dict=tests/scenario/fuzz_scenario.dict /tmp/scenario-corpus
 * Parallel: add -jobs=N -workers=N (each job then runs -runs inputs). A
 * crash leaves crash-<sha1>; replay it with
 *   build-fuzz/tests/scenario/fuzz_scenario_parser crash-<sha1>
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "junit.h"
#include "rule_text.h"
#include "scenario.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink(void)
{
    static FILE *devnull;
    if (!devnull) {
        devnull = fopen("/dev/null", "w");
    }
    return devnull;
}

/* Observations that the scenario's own matchers may react to. */
static void run(const struct scn_scenario *scn)
{
    struct scn_session *s = scn_session_new(scn, NULL);
    if (!s) {
        return;
    }
    scn_time step = scn->until / 16 + 1;
    for (size_t i = 0; i < scn->expectation_count && i < 16; i++) {
        const struct scn_expectation *e = &scn->expectations[i];
        scn_time t = step * (scn_time)i;
        const char *text = e->kind == SCN_EXPECT_SEQUENCE ? e->sequence[0].text : e->what.text;
        scn_session_pattern(s, t, t + step / 2, e->kind == SCN_EXPECT_SEQUENCE || e->what.stream == SCN_STREAM_PATTERN
                                                     ? text : "breathing-cyan");
        scn_session_serial(s, t + 1, text ? text : "");
        scn_session_cloud(s, t + 2, SCN_CLOUD_FUNCTION, text ? text : "", e->what.equals ? e->what.equals : "1");
        scn_session_packet(s, t + 3, "tcp 10.0.2.15:49152 > 52.0.0.10:5683 SYN");
        scn_time next = scn_session_next_deadline(s);
        scn_session_advance(s, next < scn->until ? next : scn->until);
    }
    scn_session_end(s, scn->until);

    struct scn_junit_case cases[16];
    size_t count = scn->expectation_count < 16 ? scn->expectation_count : 16;
    for (size_t i = 0; i < count; i++) {
        scn_junit_case_from_verdict(scn, i, scn_judge_verdict(scn_session_judge(s), i), "fuzz", 0, &cases[i]);
    }
    struct scn_junit_suite suite = { .name = scn->name, .file = scn->file, .seed = scn->seed, .until = scn->until,
                                     .ended = scn->until, .cases = cases, .case_count = count,
                                     .system_out = scn->description };
    if (sink()) {
        scn_junit_write(sink(), &suite, 1);
    }
    scn_session_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scn_diag diag;
    struct scn_scenario *scn = scn_scenario_parse("fuzz.yaml", data, size, &diag);
    if (!scn) {
        /* The promise to users: one line, starting with the file name. */
        if (strncmp(diag.text, "fuzz.yaml:", 10) != 0 || strchr(diag.text, '\n')) {
            __builtin_trap();
        }
        return 0;
    }
    struct scn_diag warnings[4];
    scn_scenario_lint(scn, warnings, 4);
    for (size_t i = 0; i < scn->network.rule_count; i++) {
        char lines[2][SCN_RULE_TEXT_MAX];
        scn_rule_text(&scn->network.rules[i], 0x3400000Au, lines);
    }
    run(scn);
    scn_scenario_free(scn);
    return 0;
}
