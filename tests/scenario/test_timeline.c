/*
 * The step scheduler: absolute steps, steps after an LED pattern with a
 * delay, chains of steps after steps, `since` and `count`, and the order
 * and determinism of firing; and the session that feeds it with the judge.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"
#include "scenario.h"
#include "scenario_test_support.h"
#include "session.h"
#include "timeline.h"

struct rig {
    struct scn_scenario *scn;
    struct scn_session *session;
    struct recorder rec;
};

static struct rig *rig_new(const char *body)
{
    char text[4096];
    snprintf(text, sizeof text, "name: timeline\nuntil: 100\n%s", body);
    struct rig *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    r->scn = parse_ok(text);
    struct scn_session_hooks hooks = recording_hooks(&r->rec);
    r->session = scn_session_new(r->scn, &hooks);
    ck_assert_ptr_nonnull(r->session);
    return r;
}

static void rig_free(struct rig *r)
{
    scn_session_free(r->session);
    scn_scenario_free(r->scn);
    free(r);
}

/* "label@ms, label@ms" of the steps fired so far. */
static const char *fired(const struct rig *r)
{
    static char text[2048];
    size_t used = 0;
    text[0] = 0;
    for (size_t i = 0; i < r->rec.step_count && used < sizeof text; i++) {
        used += (size_t)snprintf(text + used, sizeof text - used, "%s%s@%lld", i ? ", " : "",
                                 r->rec.steps[i].label, (long long)(r->rec.steps[i].when / SCN_NS_PER_MS));
    }
    return text;
}

START_TEST(absolute_steps_fire_at_their_times_in_order)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: late, at: 30, do: reset}\n"
                            "  - {name: early, at: 5, do: reset}\n"
                            "  - {name: same time as early, at: 5, do: usb-unplug}\n");
    const struct scn_timeline *tl = scn_session_timeline(r->session);
    ck_assert_int_eq(scn_session_next_deadline(r->session), SEC(5));
    ck_assert(scn_session_advance(r->session, SEC(5) - 1));
    ck_assert_str_eq(fired(r), "");
    ck_assert(scn_session_advance(r->session, SEC(5)));
    ck_assert_str_eq(fired(r), "early@5000, same time as early@5000");
    ck_assert_int_eq(scn_session_next_deadline(r->session), SEC(30));
    /* A jump past a due time still fires the step at its own time. */
    ck_assert(scn_session_advance(r->session, SEC(50)));
    ck_assert_str_eq(fired(r), "early@5000, same time as early@5000, late@30000");
    ck_assert_int_eq(scn_timeline_fired_at(tl, 0), SEC(30));
    ck_assert_uint_eq(scn_timeline_unfired(tl), 0);
    ck_assert_int_eq(scn_session_next_deadline(r->session), SCN_TIME_NEVER);
    rig_free(r);
}
END_TEST

START_TEST(a_step_after_a_pattern_fires_after_the_delay_from_when_it_began)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: at once, after: {pattern: breathing-cyan}, do: reset}\n"
                            "  - {name: five later, after: {pattern: breathing-cyan, delay: 5}, do: reset}\n");
    ck_assert_int_eq(scn_session_next_deadline(r->session), SCN_TIME_NEVER);
    ck_assert(scn_session_pattern(r->session, SEC(10), MS(10300), "breathing-cyan"));
    /* Delay 0: as soon as the pattern is recognised, not when it began. */
    ck_assert_str_eq(fired(r), "at once@10300");
    ck_assert_int_eq(scn_session_next_deadline(r->session), SEC(15));
    ck_assert(scn_session_advance(r->session, SEC(15)));
    ck_assert_str_eq(fired(r), "at once@10300, five later@15000");
    rig_free(r);
}
END_TEST

START_TEST(chains_of_steps_after_steps_fire_in_time_then_written_order)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: A, at: 5, do: reset}\n"
                            "  - {name: D, after: {step: B}, do: reset}\n"
                            "  - {name: B, after: {step: A, delay: 2}, do: reset}\n"
                            "  - {name: C, after: {step: B}, do: reset}\n"
                            "  - {name: E, after: {step: C, delay: 500ms}, do: reset}\n");
    ck_assert_int_eq(r->scn->steps[4].earliest, MS(7500));
    ck_assert(scn_session_advance(r->session, SEC(5)));
    ck_assert_str_eq(fired(r), "A@5000");
    ck_assert_int_eq(scn_session_next_deadline(r->session), SEC(7));
    ck_assert(scn_session_advance(r->session, SEC(60)));
    ck_assert_str_eq(fired(r), "A@5000, B@7000, D@7000, C@7000, E@7500");
    rig_free(r);
}
END_TEST

START_TEST(since_counts_only_from_when_its_step_ran)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: S, at: 20, do: {setup: 3}}\n"
                            "  - {name: after new error, after: {pattern: orange-blinks-2, since: S}, do: reset}\n"
                            "  - {name: still breathing, after: {pattern: breathing-cyan, since: S, delay: 1}, do: reset}\n"
                            "  - {name: burst since, after: {pattern: red-burst, since: S}, do: reset}\n");
    ck_assert(scn_session_pattern(r->session, SEC(10), SEC(11), "orange-blinks-2"));
    ck_assert(scn_session_pattern(r->session, SEC(11), MS(11500), "red-burst"));
    ck_assert(scn_session_pattern(r->session, SEC(12), MS(12300), "breathing-cyan"));
    ck_assert(scn_session_advance(r->session, SEC(25)));
    /* Breathing cyan was showing when S ran: it counts from then; the earlier
     * orange blinks and burst do not. */
    ck_assert_str_eq(fired(r), "S@20000, still breathing@21000");
    ck_assert(scn_session_pattern(r->session, SEC(30), SEC(31), "orange-blinks-2"));
    ck_assert_str_eq(fired(r), "S@20000, still breathing@21000, after new error@31000");
    ck_assert_uint_eq(scn_timeline_unfired(scn_session_timeline(r->session)), 1);
    rig_free(r);
}
END_TEST

START_TEST(count_waits_for_the_nth_occurrence)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: third boot, after: {serial: \"^boot\", count: 3}, do: reset}\n");
    ck_assert(scn_session_serial(r->session, SEC(1), "boot 1"));
    ck_assert(scn_session_serial(r->session, SEC(2), "reboot"));
    ck_assert(scn_session_serial(r->session, SEC(3), "boot 2"));
    ck_assert_str_eq(fired(r), "");
    ck_assert(scn_session_serial(r->session, SEC(4), "boot 3"));
    ck_assert_str_eq(fired(r), "third boot@4000");
    rig_free(r);
}
END_TEST

START_TEST(a_step_whose_condition_never_happens_never_fires)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: on cloud event, after: {cloud-event: spark/status}, do: reset}\n"
                            "  - {at: 50, do: reset}\n");
    ck_assert(scn_session_cloud(r->session, SEC(5), SCN_CLOUD_EVENT, "other", ""));
    ck_assert(scn_session_end(r->session, SEC(100)));
    ck_assert_str_eq(fired(r), "step 2 (reset)@50000");
    const struct scn_timeline *tl = scn_session_timeline(r->session);
    ck_assert_int_eq(scn_timeline_fired_at(tl, 0), SCN_TIME_NEVER);
    ck_assert_uint_eq(scn_timeline_unfired(tl), 1);
    /* Nothing fires once the run has ended. */
    ck_assert(scn_session_advance(r->session, SEC(200)));
    ck_assert_uint_eq(r->rec.step_count, 1);
    rig_free(r);
}
END_TEST

START_TEST(a_step_due_at_an_observation_s_time_fires_before_it_is_logged)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: block, at: 10, do: reset}\n"
                            "  - {name: on line, after: {serial: go}, do: reset}\n");
    ck_assert(scn_session_serial(r->session, SEC(10), "go"));
    ck_assert_str_eq(fired(r), "block@10000, on line@10000");
    const struct scn_log *log = scn_session_log(r->session);
    ck_assert_uint_eq(scn_log_count(log, SCN_STREAM_STEP), 2);
    ck_assert_int_eq(scn_log_at(log, SCN_STREAM_STEP, 0)->step, 0);
    ck_assert_str_eq(scn_log_at(log, SCN_STREAM_STEP, 1)->text, "on line");
    rig_free(r);
}
END_TEST

START_TEST(the_judge_sees_a_step_the_moment_it_fires)
{
    struct rig *r = rig_new("steps:\n"
                            "  - {name: block, after: {pattern: breathing-cyan, delay: 5}, do: {rule-add: "
                            "{name: b, protocol: tcp, port: 5683, action: drop}}}\n"
                            "expect:\n"
                            "  - {pattern: breathing-cyan, after: {step: block}, within: 1}\n");
    ck_assert(scn_session_pattern(r->session, SEC(10), MS(10300), "breathing-cyan"));
    ck_assert_uint_eq(r->rec.verdict_count, 0);
    ck_assert(scn_session_advance(r->session, SEC(15)));
    ck_assert_str_eq(fired(r), "block@15000");
    ck_assert_uint_eq(r->rec.verdict_count, 1);
    ck_assert_int_eq(r->rec.verdicts[0].state, SCN_VERDICT_MET);
    ck_assert_int_eq(r->rec.verdicts[0].at, SEC(15));
    ck_assert_int_eq(r->rec.verdicts[0].decided, SEC(15));
    ck_assert(scn_session_decided(r->session));
    rig_free(r);
}
END_TEST

static void run_script(struct rig *r)
{
    static const char *const names[] = { "white", "breathing-white", "blinking-green", "blinking-cyan",
                                         "orange-blinks-2", "breathing-cyan" };
    for (int i = 0; i < 60; i++) {
        scn_time t = SEC(1) + MS(1700) * i;
        ck_assert(scn_session_pattern(r->session, t, t + MS(250), names[i % 6]));
        if (i % 7 == 0) {
            ck_assert(scn_session_serial(r->session, t + MS(300), "tick"));
        }
        ck_assert(scn_session_advance(r->session, scn_session_next_deadline(r->session) < t + MS(1000)
                                                      ? scn_session_next_deadline(r->session)
                                                      : t + MS(1000)));
    }
    ck_assert(scn_session_end(r->session, SEC(100)));
}

START_TEST(the_same_observations_give_the_same_firings)
{
    const char *body = "steps:\n"
                       "  - {name: a, after: {pattern: orange-blinks-2, count: 2, delay: 1}, do: reset}\n"
                       "  - {name: b, after: {step: a, delay: 3}, do: reset}\n"
                       "  - {name: c, after: {serial: tick, since: b, count: 2}, do: reset}\n"
                       "  - {name: d, at: 42, do: reset}\n"
                       "expect:\n"
                       "  - {sequence: [blinking-cyan, orange-blinks-2], after: {step: c}}\n"
                       "  - {never: red-burst}\n";
    struct rig *first = rig_new(body), *second = rig_new(body);
    run_script(first);
    run_script(second);
    ck_assert_uint_eq(first->rec.step_count, 4);
    /* The 2nd orange-blinks-2 begins at 18 s: a at 19 s, b at 22 s; the ticks
     * after b are at 25.1 s and 37.0 s. */
    ck_assert_str_eq(fired(first), "a@19000, b@22000, c@37000, d@42000");
    ck_assert_uint_eq(first->rec.step_count, second->rec.step_count);
    ck_assert_mem_eq(first->rec.steps, second->rec.steps, first->rec.step_count * sizeof first->rec.steps[0]);
    ck_assert_uint_eq(first->rec.verdict_count, 2);
    ck_assert_uint_eq(first->rec.verdict_count, second->rec.verdict_count);
    for (size_t i = 0; i < first->rec.verdict_count; i++) {
        ck_assert_int_eq(first->rec.verdicts[i].state, second->rec.verdicts[i].state);
        ck_assert_int_eq(first->rec.verdicts[i].at, second->rec.verdicts[i].at);
        ck_assert_str_eq(first->rec.verdicts[i].reason, second->rec.verdicts[i].reason);
    }
    rig_free(first);
    rig_free(second);
}
END_TEST

static Suite *timeline_suite(void)
{
    Suite *s = suite_create("scenario_timeline");
    TCase *tc = tcase_create("timeline");
    tcase_add_test(tc, absolute_steps_fire_at_their_times_in_order);
    tcase_add_test(tc, a_step_after_a_pattern_fires_after_the_delay_from_when_it_began);
    tcase_add_test(tc, chains_of_steps_after_steps_fire_in_time_then_written_order);
    tcase_add_test(tc, since_counts_only_from_when_its_step_ran);
    tcase_add_test(tc, count_waits_for_the_nth_occurrence);
    tcase_add_test(tc, a_step_whose_condition_never_happens_never_fires);
    tcase_add_test(tc, a_step_due_at_an_observation_s_time_fires_before_it_is_logged);
    tcase_add_test(tc, the_judge_sees_a_step_the_moment_it_fires);
    tcase_add_test(tc, the_same_observations_give_the_same_firings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(timeline_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
