/*
 * The judge on synthetic event streams: each kind of expectation met as
 * early as the evidence allows, missed when its window has closed and been
 * fully observed (for LED patterns, after the settle time or the glue's
 * horizon), and what happens to open windows when the run ends.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"
#include "judge.h"
#include "scenario.h"
#include "scenario_test_support.h"

struct rig {
    struct scn_scenario *scn;
    struct scn_log *log;
    struct scn_judge *judge;
    struct recorder rec;
};

static struct rig *rig_new(const char *expect_yaml)
{
    char text[4096];
    snprintf(text, sizeof text, "name: judge\nuntil: 100\nsteps:\n  - {name: block, at: 10, do: reset}\n"
                                "  - {name: never runs, after: {serial: never}, do: reset}\nexpect:\n%s",
             expect_yaml);
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    r->scn = parse_ok(text);
    r->log = scn_log_new(r->scn);
    r->judge = scn_judge_new(r->scn, r->log, record_verdict, &r->rec);
    ck_assert_ptr_nonnull(r->judge);
    return r;
}

static void rig_free(struct rig *r)
{
    scn_judge_free(r->judge);
    scn_log_free(r->log);
    scn_scenario_free(r->scn);
    free(r);
}

/* Feed helpers: each update the judge as the session would. */
static void pattern(struct rig *r, scn_time start, scn_time observed, const char *name)
{
    ck_assert(scn_log_pattern(r->log, start, observed, name));
    scn_judge_update(r->judge);
}

static void serial(struct rig *r, scn_time t, const char *line)
{
    ck_assert(scn_log_serial(r->log, t, line));
    scn_judge_update(r->judge);
}

static void advance(struct rig *r, scn_time t)
{
    scn_log_advance(r->log, t);
    scn_judge_update(r->judge);
}

static void end(struct rig *r, scn_time t)
{
    scn_log_end(r->log, t);
    scn_judge_update(r->judge);
}

static const struct recorded_verdict *only_verdict(const struct rig *r)
{
    ck_assert_uint_eq(r->rec.verdict_count, 1);
    return &r->rec.verdicts[0];
}

START_TEST(a_pattern_is_met_when_reported_and_dated_when_it_began)
{
    struct rig *r = rig_new("  - {pattern: blinking-green, within: 10}\n");
    pattern(r, MS(500), MS(700), "breathing-white");
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    pattern(r, MS(2000), MS(2300), "blinking-green");
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, MS(2000));
    ck_assert_int_eq(v->decided, MS(2300));
    ck_assert_int_eq(v->window_start, 0);
    ck_assert_int_eq(v->window_end, SEC(10));
    ck_assert_str_eq(v->reason, "blinking-green at 2.000 s");
    ck_assert_uint_eq(scn_judge_pending(r->judge), 0);
    rig_free(r);
}
END_TEST

START_TEST(a_missing_pattern_is_missed_after_the_settle_time)
{
    struct rig *r = rig_new("  - {pattern: blinking-green, within: 10}\n");
    pattern(r, MS(500), MS(700), "breathing-white");
    advance(r, SEC(10));
    ck_assert_int_eq(scn_judge_next_deadline(r->judge), SEC(10) + SCN_PATTERN_SETTLE_DEFAULT);
    advance(r, SEC(25) - 1);
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    advance(r, SEC(25));
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(v->at, SEC(10));
    ck_assert_int_eq(v->decided, SEC(25));
    ck_assert_str_eq(v->reason, "not seen between 0.000 s and 10.000 s; the LED showed: breathing-white at 0.500 s");
    rig_free(r);
}
END_TEST

START_TEST(a_pattern_reported_late_but_begun_in_the_window_counts)
{
    struct rig *r = rig_new("  - {pattern: sos-1, within: 10}\n");
    advance(r, SEC(15));
    pattern(r, MS(9500), MS(15200), "sos-1");
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, MS(9500));
    rig_free(r);
}
END_TEST

START_TEST(the_glue_s_pattern_horizon_decides_sooner)
{
    struct rig *r = rig_new("  - {pattern: blinking-green, within: 10}\n");
    advance(r, SEC(11));
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    scn_log_pattern_horizon(r->log, SEC(11));
    scn_judge_update(r->judge);
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(v->decided, SEC(11));
    ck_assert_str_eq(v->reason, "not seen between 0.000 s and 10.000 s; the LED showed: no pattern");
    rig_free(r);
}
END_TEST

START_TEST(a_serial_regex_matches_a_line_and_misses_exactly_at_the_window_end)
{
    struct rig *r = rig_new("  - {serial: \"Cloud socket.*failed\", within: 30}\n"
                            "  - {serial: \"^ready$\", within: 5}\n");
    serial(r, SEC(1), "ready now");
    serial(r, SEC(3), "Cloud socket connected");
    advance(r, SEC(5) - 1);
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    advance(r, SEC(5));
    ck_assert_uint_eq(r->rec.verdict_count, 1);
    const struct recorded_verdict *v = verdict_for(&r->rec, 1);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(v->at, SEC(5));
    ck_assert_int_eq(v->decided, SEC(5));
    ck_assert_str_eq(v->reason, "not seen between 0.000 s and 5.000 s (2 serial observations in the window)");
    serial(r, SEC(12), "[comm] Cloud socket connection failed: -1");
    v = verdict_for(&r->rec, 0);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(12));
    ck_assert_str_eq(v->reason, "\"[comm] Cloud socket connection failed: -1\" at 12.000 s");
    rig_free(r);
}
END_TEST

START_TEST(something_at_exactly_the_window_end_is_too_late)
{
    struct rig *r = rig_new("  - {serial: done, within: 5}\n");
    serial(r, SEC(5), "done");
    ck_assert_int_eq(only_verdict(r)->state, SCN_VERDICT_MISSED);
    rig_free(r);
}
END_TEST

START_TEST(never_is_missed_at_the_first_occurrence)
{
    struct rig *r = rig_new("  - {never: red-burst}\n");
    pattern(r, SEC(19), MS(19100), "fast-blinking-cyan");
    pattern(r, SEC(20), MS(20300), "red-burst");
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(v->at, SEC(20));
    ck_assert_int_eq(v->decided, MS(20300));
    ck_assert_str_eq(v->reason, "red-burst at 20.000 s");
    rig_free(r);
}
END_TEST

START_TEST(never_is_met_when_its_window_closes)
{
    struct rig *r = rig_new("  - {never: {serial: panic}, from: 5, within: 10}\n");
    serial(r, SEC(2), "panic before the window");
    serial(r, SEC(7), "all fine");
    advance(r, SEC(15) - 1);
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    advance(r, SEC(15));
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(15));
    ck_assert_str_eq(v->reason, "not seen between 5.000 s and 15.000 s");
    rig_free(r);
}
END_TEST

START_TEST(never_without_within_is_met_when_the_run_ends)
{
    struct rig *r = rig_new("  - {never: red-burst}\n");
    pattern(r, SEC(1), MS(1250), "breathing-cyan");
    advance(r, SEC(99));
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    end(r, SEC(100));
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(100));
    ck_assert_str_eq(v->reason, "not seen from 0.000 s to the end of the run (the run ended at 100.000 s)");
    rig_free(r);
}
END_TEST

START_TEST(a_sequence_is_met_in_order_with_other_patterns_between)
{
    struct rig *r = rig_new("  - {sequence: [blinking-green, blinking-cyan, orange-blinks-2], within: 60}\n");
    pattern(r, SEC(1), SEC(2), "blinking-green");
    pattern(r, SEC(3), SEC(4), "fast-blinking-cyan");
    pattern(r, SEC(5), SEC(6), "orange-blinks-2"); /* too early: cyan has not come yet */
    pattern(r, SEC(7), SEC(8), "blinking-cyan");
    pattern(r, SEC(9), SEC(10), "breathing-blue");
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    pattern(r, SEC(20), SEC(21), "orange-blinks-2");
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(20));
    ck_assert_str_eq(v->reason, "in order from 1.000 s to 20.000 s");
    rig_free(r);
}
END_TEST

START_TEST(a_sequence_out_of_order_is_missed_with_what_was_seen)
{
    struct rig *r = rig_new("  - {sequence: [blinking-green, blinking-cyan, orange-blinks-2], within: 10}\n");
    pattern(r, SEC(1), SEC(2), "blinking-cyan");
    pattern(r, SEC(3), SEC(4), "blinking-green");
    pattern(r, SEC(5), SEC(6), "orange-blinks-2");
    end(r, SEC(100));
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(v->at, SEC(10));
    ck_assert_str_eq(v->reason, "seen blinking-green at 3.000 s; then blinking-cyan not seen between 0.000 s and "
                                "10.000 s; the LED showed: blinking-cyan at 1.000 s, blinking-green at 3.000 s, "
                                "orange-blinks-2 at 5.000 s");
    rig_free(r);
}
END_TEST

START_TEST(a_strict_sequence_needs_adjacent_reports)
{
    struct rig *r = rig_new("  - {sequence: [blinking-cyan, red-burst], strict: true}\n"
                            "  - {sequence: [blinking-cyan, red-burst]}\n");
    pattern(r, SEC(1), SEC(2), "blinking-cyan");
    pattern(r, SEC(3), SEC(4), "fast-blinking-cyan");
    pattern(r, SEC(5), SEC(6), "red-burst");
    ck_assert_uint_eq(r->rec.verdict_count, 1);
    ck_assert_int_eq(verdict_for(&r->rec, 1)->state, SCN_VERDICT_MET);
    pattern(r, SEC(7), SEC(8), "blinking-cyan");
    pattern(r, SEC(9), SEC(10), "red-burst");
    const struct recorded_verdict *v = verdict_for(&r->rec, 0);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(9));
    ck_assert_str_eq(v->reason, "in order from 7.000 s to 9.000 s, adjacent");
    rig_free(r);
}
END_TEST

START_TEST(a_strict_sequence_missed_names_the_longest_adjacent_run)
{
    struct rig *r = rig_new("  - {sequence: [white, blinking-green, blinking-cyan], strict: true, within: 20}\n");
    pattern(r, SEC(1), SEC(2), "white");
    pattern(r, SEC(3), SEC(4), "blinking-green");
    pattern(r, SEC(5), SEC(6), "breathing-green");
    pattern(r, SEC(7), SEC(8), "blinking-cyan");
    end(r, SEC(50));
    ck_assert_str_eq(only_verdict(r)->reason,
                     "adjacent: white at 1.000 s, blinking-green at 3.000 s; then blinking-cyan did not follow "
                     "between 0.000 s and 20.000 s; the LED showed: white at 1.000 s, blinking-green at 3.000 s, "
                     "breathing-green at 5.000 s, blinking-cyan at 7.000 s");
    rig_free(r);
}
END_TEST

START_TEST(a_run_that_ends_before_the_window_closes_misses_it)
{
    struct rig *r = rig_new("  - {pattern: breathing-cyan, from: 70, within: 30}\n"
                            "  - {never: red-burst, from: 70, within: 30}\n");
    pattern(r, SEC(60), SEC(61), "blinking-cyan");
    end(r, SEC(80));
    ck_assert_uint_eq(r->rec.verdict_count, 2);
    const struct recorded_verdict *v = verdict_for(&r->rec, 0);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(v->at, SEC(80));
    ck_assert_str_eq(v->reason, "not seen between 70.000 s and 100.000 s (the run ended at 80.000 s, before the "
                                "window closed at 100.000 s); the LED showed: blinking-cyan at 70.000 s");
    v = verdict_for(&r->rec, 1);
    ck_assert_int_eq(v->state, SCN_VERDICT_MISSED);
    ck_assert_str_eq(v->reason, "not seen between 70.000 s and 100.000 s, but the run ended at 80.000 s, before "
                                "the window closed at 100.000 s");
    rig_free(r);
}
END_TEST

START_TEST(a_lasting_pattern_already_showing_when_the_window_opens_counts)
{
    struct rig *r = rig_new("  - {pattern: breathing-cyan, after: {step: block}, within: 5}\n"
                            "  - {pattern: red-burst, after: {step: block}, within: 5}\n");
    pattern(r, SEC(3), MS(3250), "red-burst");
    pattern(r, MS(3300), MS(3600), "breathing-cyan");
    advance(r, SEC(10));
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    ck_assert(scn_log_step(r->log, SEC(10), 0));
    scn_judge_update(r->judge);
    const struct recorded_verdict *v = verdict_for(&r->rec, 0);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(10));
    ck_assert_int_eq(v->window_start, SEC(10));
    ck_assert_int_eq(v->window_end, SEC(15));
    /* A burst is over once reported: it does not carry into the window. */
    ck_assert_ptr_null(verdict_for(&r->rec, 1));
    end(r, SEC(100));
    ck_assert_int_eq(verdict_for(&r->rec, 1)->state, SCN_VERDICT_MISSED);
    rig_free(r);
}
END_TEST

START_TEST(a_window_whose_anchor_never_happens_is_missed_at_the_end)
{
    struct rig *r = rig_new("  - {pattern: white, after: {step: never runs, delay: 1}}\n"
                            "  - {never: white, after: {serial: \"^boot$\", count: 2}}\n");
    serial(r, SEC(1), "boot");
    end(r, SEC(100));
    ck_assert_uint_eq(r->rec.verdict_count, 2);
    ck_assert_str_eq(verdict_for(&r->rec, 0)->reason, "the window never opened: step \"never runs\" + 1.000 s did "
                                                      "not happen before the run ended at 100.000 s");
    ck_assert_str_eq(verdict_for(&r->rec, 1)->reason, "the window never opened: the 2nd serial /^boot$/ did not "
                                                      "happen before the run ended at 100.000 s");
    ck_assert_uint_eq(scn_judge_missed(r->judge), 2);
    rig_free(r);
}
END_TEST

START_TEST(a_window_anchored_on_a_condition_opens_at_its_time_plus_delay)
{
    struct rig *r = rig_new("  - {serial: connected, after: {serial: \"^joining\", delay: 2}, within: 3}\n");
    serial(r, SEC(1), "connected too early");
    serial(r, SEC(4), "joining office");
    serial(r, SEC(5), "connected too early again");
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    serial(r, SEC(7), "connected");
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->window_start, SEC(6));
    ck_assert_int_eq(v->window_end, SEC(9));
    rig_free(r);
}
END_TEST

START_TEST(times_counts_occurrences_in_the_window)
{
    struct rig *r = rig_new("  - {pattern: orange-blinks-2, times: 3, within: 60}\n");
    for (int i = 0; i < 2; i++) {
        pattern(r, SEC(10 + 15 * i), SEC(11 + 15 * i), "orange-blinks-2");
        pattern(r, SEC(12 + 15 * i), SEC(13 + 15 * i), "blinking-cyan");
    }
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    pattern(r, SEC(40), SEC(41), "orange-blinks-2");
    const struct recorded_verdict *v = only_verdict(r);
    ck_assert_int_eq(v->state, SCN_VERDICT_MET);
    ck_assert_int_eq(v->at, SEC(40));
    ck_assert_str_eq(v->reason, "seen 3 times, the last (orange-blinks-2) at 40.000 s");
    rig_free(r);
}
END_TEST

START_TEST(cloud_results_events_and_packets)
{
    struct rig *r = rig_new("  - cloud-result: {function: digitalwrite, equals: 1}\n"
                            "  - cloud-result: {variable: temp, matches: \"^2[0-9]\\\\.\"}\n"
                            "  - cloud-event: {name: spark/status, data: online}\n"
                            "  - packet: \"^tcp .* > [0-9.]+:5683 SYN$\"\n"
                            "  - never: {cloud-event: spark/device/key/error}\n");
    ck_assert(scn_log_cloud(r->log, SEC(1), SCN_CLOUD_FUNCTION, "digitalread", "1"));
    ck_assert(scn_log_cloud(r->log, SEC(2), SCN_CLOUD_FUNCTION, "digitalwrite", "-1"));
    ck_assert(scn_log_cloud(r->log, SEC(3), SCN_CLOUD_EVENT, "spark/status", "offline"));
    ck_assert(scn_log_packet(r->log, SEC(4), "tcp 10.0.2.15:49152 > 52.0.0.10:5683 SYN ACK"));
    scn_judge_update(r->judge);
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    ck_assert(scn_log_cloud(r->log, SEC(5), SCN_CLOUD_FUNCTION, "digitalwrite", "1.0"));
    ck_assert(scn_log_cloud(r->log, SEC(6), SCN_CLOUD_VARIABLE, "temp", "21.5"));
    ck_assert(scn_log_cloud(r->log, SEC(7), SCN_CLOUD_EVENT, "spark/status", "online"));
    ck_assert(scn_log_packet(r->log, SEC(8), "tcp 10.0.2.15:49153 > 52.0.0.10:5683 SYN"));
    ck_assert(scn_log_cloud(r->log, SEC(9), SCN_CLOUD_EVENT, "spark/device/key/error", "4"));
    scn_judge_update(r->judge);
    ck_assert_uint_eq(r->rec.verdict_count, 5);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(verdict_for(&r->rec, i)->state, SCN_VERDICT_MET);
        ck_assert_int_eq(verdict_for(&r->rec, i)->at, SEC(5 + i));
    }
    ck_assert_str_eq(verdict_for(&r->rec, 0)->reason, "digitalwrite = \"1.0\" at 5.000 s");
    ck_assert_int_eq(verdict_for(&r->rec, 4)->state, SCN_VERDICT_MISSED);
    ck_assert_str_eq(verdict_for(&r->rec, 4)->reason, "spark/device/key/error = \"4\" at 9.000 s");
    rig_free(r);
}
END_TEST

START_TEST(verdicts_come_once_each_in_expectation_order)
{
    struct rig *r = rig_new("  - {never: red-burst}\n  - {pattern: white}\n  - {serial: x}\n");
    pattern(r, SEC(1), SEC(2), "white");
    end(r, SEC(100));
    end(r, SEC(100));
    scn_judge_update(r->judge);
    ck_assert_uint_eq(r->rec.verdict_count, 3);
    ck_assert_uint_eq(r->rec.verdicts[0].index, 1); /* decided first, at 2 s */
    ck_assert_uint_eq(r->rec.verdicts[1].index, 0);
    ck_assert_uint_eq(r->rec.verdicts[2].index, 2);
    ck_assert_int_eq(scn_judge_verdict(r->judge, 2)->state, SCN_VERDICT_MISSED);
    ck_assert_ptr_null(scn_judge_verdict(r->judge, 3));
    ck_assert_uint_eq(scn_judge_pending(r->judge), 0);
    rig_free(r);
}
END_TEST

START_TEST(the_next_deadline_is_the_earliest_time_that_can_decide)
{
    struct rig *r = rig_new("  - {serial: a, from: 20, within: 10}\n"
                            "  - {serial: b, within: 40}\n"
                            "  - {pattern: white, within: 15}\n");
    ck_assert_int_eq(scn_judge_next_deadline(r->judge), SEC(20)); /* a opens */
    advance(r, SEC(21));
    ck_assert_int_eq(scn_judge_next_deadline(r->judge), SEC(30)); /* a closes; white's 15 + 15 s settle */
    advance(r, SEC(25));
    scn_log_set_pattern_settle(r->log, SEC(1));
    ck_assert_int_eq(scn_judge_next_deadline(r->judge), SEC(30)); /* white is due now, a still at 30 */
    scn_judge_update(r->judge);
    ck_assert_int_eq(verdict_for(&r->rec, 2)->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(verdict_for(&r->rec, 2)->decided, SEC(25));
    advance(r, SEC(30));
    ck_assert_int_eq(verdict_for(&r->rec, 0)->state, SCN_VERDICT_MISSED);
    ck_assert_int_eq(scn_judge_next_deadline(r->judge), SEC(40));
    end(r, SEC(100));
    ck_assert_int_eq(scn_judge_next_deadline(r->judge), SCN_TIME_NEVER);
    rig_free(r);
}
END_TEST

START_TEST(a_pattern_reported_late_and_dated_before_the_window_does_not_count)
{
    struct rig *r = rig_new("  - {pattern: blinking-green, from: 10, within: 10}\n");
    pattern(r, SEC(1), MS(1200), "white");
    advance(r, MS(10500));
    pattern(r, SEC(9), SEC(11), "blinking-green");
    end(r, SEC(100));
    ck_assert_int_eq(only_verdict(r)->state, SCN_VERDICT_MISSED);
    rig_free(r);
}
END_TEST

START_TEST(the_log_keeps_time_moving_forward)
{
    struct rig *r = rig_new("  - {serial: late, within: 5}\n");
    advance(r, SEC(6));
    serial(r, SEC(2), "late"); /* dated 6 s: the window was already closed */
    ck_assert_int_eq(only_verdict(r)->state, SCN_VERDICT_MISSED);
    const struct scn_observation *o = scn_log_at(r->log, SCN_STREAM_SERIAL, 0);
    ck_assert_int_eq(o->time, SEC(6));
    /* Patterns cannot go back before an earlier pattern or the horizon either. */
    pattern(r, SEC(3), SEC(7), "white");
    pattern(r, SEC(2), SEC(8), "off");
    ck_assert_int_eq(scn_log_at(r->log, SCN_STREAM_PATTERN, 1)->time, SEC(3));
    scn_log_pattern_horizon(r->log, SEC(5));
    pattern(r, SEC(4), SEC(9), "white");
    ck_assert_int_eq(scn_log_at(r->log, SCN_STREAM_PATTERN, 2)->time, SEC(5));
    ck_assert_uint_eq(scn_log_total(r->log, SCN_STREAM_PACKET), 0);
    rig_free(r);
}
END_TEST

START_TEST(streams_nobody_looks_at_are_counted_not_stored)
{
    struct rig *r = rig_new("  - {pattern: white}\n");
    for (int i = 0; i < 1000; i++) {
        ck_assert(scn_log_packet(r->log, MS(i), "udp 10.0.2.15:68 > 255.255.255.255:67"));
    }
    ck_assert_uint_eq(scn_log_total(r->log, SCN_STREAM_PACKET), 1000);
    ck_assert_uint_eq(scn_log_count(r->log, SCN_STREAM_PACKET), 0);
    rig_free(r);
}
END_TEST

static Suite *judge_suite(void)
{
    Suite *s = suite_create("scenario_judge");
    TCase *tc = tcase_create("judge");
    tcase_add_test(tc, a_pattern_is_met_when_reported_and_dated_when_it_began);
    tcase_add_test(tc, a_missing_pattern_is_missed_after_the_settle_time);
    tcase_add_test(tc, a_pattern_reported_late_but_begun_in_the_window_counts);
    tcase_add_test(tc, the_glue_s_pattern_horizon_decides_sooner);
    tcase_add_test(tc, a_serial_regex_matches_a_line_and_misses_exactly_at_the_window_end);
    tcase_add_test(tc, something_at_exactly_the_window_end_is_too_late);
    tcase_add_test(tc, never_is_missed_at_the_first_occurrence);
    tcase_add_test(tc, never_is_met_when_its_window_closes);
    tcase_add_test(tc, never_without_within_is_met_when_the_run_ends);
    tcase_add_test(tc, a_sequence_is_met_in_order_with_other_patterns_between);
    tcase_add_test(tc, a_sequence_out_of_order_is_missed_with_what_was_seen);
    tcase_add_test(tc, a_strict_sequence_needs_adjacent_reports);
    tcase_add_test(tc, a_strict_sequence_missed_names_the_longest_adjacent_run);
    tcase_add_test(tc, a_run_that_ends_before_the_window_closes_misses_it);
    tcase_add_test(tc, a_lasting_pattern_already_showing_when_the_window_opens_counts);
    tcase_add_test(tc, a_window_whose_anchor_never_happens_is_missed_at_the_end);
    tcase_add_test(tc, a_window_anchored_on_a_condition_opens_at_its_time_plus_delay);
    tcase_add_test(tc, times_counts_occurrences_in_the_window);
    tcase_add_test(tc, cloud_results_events_and_packets);
    tcase_add_test(tc, verdicts_come_once_each_in_expectation_order);
    tcase_add_test(tc, the_next_deadline_is_the_earliest_time_that_can_decide);
    tcase_add_test(tc, a_pattern_reported_late_and_dated_before_the_window_does_not_count);
    tcase_add_test(tc, the_log_keeps_time_moving_forward);
    tcase_add_test(tc, streams_nobody_looks_at_are_counted_not_stored);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(judge_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
