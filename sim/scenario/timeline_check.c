/*
 * What can only be checked once the whole file is read: names that steps
 * refer to, and whether the timeline can happen at all before `until`
 * (steps after the end, windows that close after it, `after` chains that
 * wait for themselves).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "parse_internal.h"
#include "spelling.h"

/* ------------------------------------------------------------ references */

static bool ssid_declared(const struct scn_scenario *scn, const char *ssid)
{
    for (size_t i = 0; i < scn->radio.access_point_count; i++) {
        if (strcmp(scn->radio.access_points[i].ssid, ssid) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_action *a = &scn->steps[i].action;
        if (a->kind == SCN_ACTION_AP_ADD && strcmp(a->access_point.ssid, ssid) == 0) {
            return true;
        }
    }
    return false;
}

static bool rule_declared(const struct scn_scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->network.rule_count; i++) {
        if (scn->network.rules[i].name && strcmp(scn->network.rules[i].name, name) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_action *a = &scn->steps[i].action;
        if (a->kind == SCN_ACTION_RULE_ADD && strcmp(a->rule.name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* Rule names, for a "did you mean". */
static const char *closest_rule(const struct scn_scenario *scn, const char *name)
{
    const char *candidates[SCN_RULES_MAX + SCN_STEPS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < scn->network.rule_count; i++) {
        candidates[n++] = scn->network.rules[i].name;
    }
    for (size_t i = 0; i < scn->step_count; i++) {
        if (scn->steps[i].action.kind == SCN_ACTION_RULE_ADD) {
            candidates[n++] = scn->steps[i].action.rule.name;
        }
    }
    return scn_closest_word(name, candidates, n);
}

bool check_references(struct parser *p)
{
    const struct scn_scenario *scn = p->scn;
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_step *s = &scn->steps[i];
        const struct scn_action *a = &s->action;
        size_t saved = path_push_key(p, "steps");
        path_push_index(p, i);
        if (a->kind == SCN_ACTION_AP_REMOVE && !ssid_declared(scn, a->name)) {
            return fail_at(p, s->loc, "ap-remove: no access point \"%s\" in radio.access-points or an ap-add step",
                           a->name);
        }
        if (a->kind == SCN_ACTION_AP_UPDATE && !ssid_declared(scn, a->access_point.ssid)) {
            return fail_at(p, s->loc, "ap-update: no access point \"%s\" in radio.access-points or an ap-add step",
                           a->access_point.ssid);
        }
        if (a->kind == SCN_ACTION_RULE_REMOVE && !rule_declared(scn, a->name)) {
            const char *near = closest_rule(scn, a->name);
            if (near) {
                return fail_at(p, s->loc, "rule-remove: no rule named \"%s\" (did you mean \"%s\"?)", a->name, near);
            }
            return fail_at(p, s->loc, "rule-remove: no rule named \"%s\" in network.rules or a rule-add step", a->name);
        }
        path_pop(p, saved);
    }
    return true;
}

/* ------------------------------------------------------------- timeline */

static scn_time add_time(scn_time a, scn_time b)
{
    return a > SCN_TIME_NEVER - b ? SCN_TIME_NEVER : a + b;
}

static void format_seconds(scn_time t, char *buf, size_t size)
{
    scn_format_time(t, buf, size);
}

/* The steps a step waits for: its `after: {step:}` and its `since:`. */
static int dependencies(const struct scn_step *s, int out[2])
{
    int n = 0;
    if (s->trigger != SCN_TRIGGER_AFTER) {
        return 0;
    }
    if (s->after.what.stream == SCN_STREAM_STEP) {
        out[n++] = s->after.what.step;
    }
    if (s->after.since >= 0) {
        out[n++] = s->after.since;
    }
    return n;
}

enum { WHITE, GREY, BLACK };

/*
 * Depth-first search for a cycle through `after`/`since`; iterative so that
 * a chain of a thousand steps cannot exhaust the stack.
 */
static bool find_cycle(struct parser *p, unsigned char *colour, int *parent, int *stack_step,
                       int *stack_next)
{
    const struct scn_scenario *scn = p->scn;
    for (size_t root = 0; root < scn->step_count; root++) {
        if (colour[root] != WHITE) {
            continue;
        }
        size_t depth = 0;
        stack_step[0] = (int)root;
        stack_next[0] = 0;
        colour[root] = GREY;
        parent[root] = -1;
        while (depth != (size_t)-1) {
            int step = stack_step[depth];
            int deps[2];
            int n = dependencies(&scn->steps[step], deps);
            if (stack_next[depth] >= n) {
                colour[step] = BLACK;
                depth--;
                continue;
            }
            int next = deps[stack_next[depth]++];
            if (colour[next] == GREY) {
                /* The cycle is next -> ... -> step -> next; name it from next. */
                char chain[SCN_DIAG_TEXT_MAX / 2];
                size_t used = 0;
                int members[SCN_STEPS_MAX];
                size_t count = 0;
                for (int at = step; at >= 0 && count < SCN_STEPS_MAX; at = parent[at]) {
                    members[count++] = at;
                    if (at == next) {
                        break;
                    }
                }
                for (size_t i = count; i-- > 0 && used < sizeof chain;) {
                    used += (size_t)snprintf(chain + used, sizeof chain - used, "\"%s\" -> ",
                                             scn->steps[members[i]].label);
                }
                if (used < sizeof chain) {
                    snprintf(chain + used, sizeof chain - used, "\"%s\"", scn->steps[next].label);
                }
                const struct scn_step *s = &scn->steps[next];
                p->path_length = 0;
                p->path[0] = 0;
                size_t saved = path_push_key(p, "steps");
                path_push_index(p, (size_t)next);
                (void)saved;
                return fail_at(p, s->after.loc, "the steps wait for each other in a cycle: %s", chain);
            }
            if (colour[next] == WHITE) {
                colour[next] = GREY;
                parent[next] = step;
                depth++;
                stack_step[depth] = next;
                stack_next[depth] = 0;
            }
        }
    }
    return true;
}

/* Earliest times, in an order where dependencies come first (no cycles by now). */
static scn_time earliest_of(struct scn_scenario *scn, int step, unsigned char *done, int *stack)
{
    size_t depth = 0;
    stack[0] = step;
    while (depth != (size_t)-1) {
        struct scn_step *s = &scn->steps[stack[depth]];
        int deps[2];
        int n = dependencies(s, deps);
        bool ready = true;
        for (int i = 0; i < n; i++) {
            if (!done[deps[i]]) {
                stack[++depth] = deps[i];
                ready = false;
                break;
            }
        }
        if (!ready) {
            continue;
        }
        if (s->trigger == SCN_TRIGGER_AT) {
            s->earliest = s->at;
        } else {
            scn_time base = 0;
            if (s->after.what.stream == SCN_STREAM_STEP) {
                base = scn->steps[s->after.what.step].earliest;
            }
            if (s->after.since >= 0 && scn->steps[s->after.since].earliest > base) {
                base = scn->steps[s->after.since].earliest;
            }
            s->earliest = add_time(base, s->after.delay);
        }
        done[stack[depth]] = 1;
        depth--;
    }
    return scn->steps[step].earliest;
}

/* The earliest a window can open; SCN_TIME_NEVER if it waits for a step that is too late. */
static scn_time earliest_opening(const struct scn_scenario *scn, const struct scn_expectation *e)
{
    if (e->opens == SCN_OPEN_AT) {
        return e->from;
    }
    scn_time base = 0;
    if (e->after.what.stream == SCN_STREAM_STEP) {
        base = scn->steps[e->after.what.step].earliest;
    }
    if (e->after.since >= 0 && scn->steps[e->after.since].earliest > base) {
        base = scn->steps[e->after.since].earliest;
    }
    return add_time(base, e->after.delay);
}

static bool check_steps_fit(struct parser *p)
{
    struct scn_scenario *scn = p->scn;
    char when[32], until[32];
    format_seconds(scn->until, until, sizeof until);
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_step *s = &scn->steps[i];
        format_seconds(s->earliest, when, sizeof when);
        p->path_length = 0;
        p->path[0] = 0;
        path_push_key(p, "steps");
        path_push_index(p, i);
        if (s->trigger == SCN_TRIGGER_AT && s->at > scn->until) {
            path_push_key(p, "at");
            return fail_at(p, s->at_loc, "at %s is after the end of the run (until: %s)", when, until);
        }
        if (s->trigger == SCN_TRIGGER_AFTER && s->earliest > scn->until) {
            path_push_key(p, "after");
            return fail_at(p, s->after.loc, "cannot run before the end of the run: at %s at the earliest (until: %s)",
                           when, until);
        }
    }
    return true;
}

static bool check_windows_fit(struct parser *p)
{
    struct scn_scenario *scn = p->scn;
    char when[32], until[32];
    format_seconds(scn->until, until, sizeof until);
    for (size_t i = 0; i < scn->expectation_count; i++) {
        const struct scn_expectation *e = &scn->expectations[i];
        scn_time opens = earliest_opening(scn, e);
        p->path_length = 0;
        p->path[0] = 0;
        path_push_key(p, "expect");
        path_push_index(p, i);
        if (opens >= scn->until) {
            format_seconds(opens, when, sizeof when);
            path_push_key(p, e->opens == SCN_OPEN_AT ? "from" : "after");
            return fail_at(p, e->opens == SCN_OPEN_AT ? e->from_loc : e->after.loc,
                           "the window opens at %s%s, not before the end of the run (until: %s)",
                           e->opens == SCN_OPEN_AT ? "" : "the earliest at ", when, until);
        }
        if (e->has_within && add_time(opens, e->within) > scn->until) {
            format_seconds(add_time(opens, e->within), when, sizeof when);
            path_push_key(p, "within");
            return fail_at(p, e->within_loc, "the window closes at %s%s, after the end of the run (until: %s)",
                           e->opens == SCN_OPEN_AT ? "" : "the earliest at ", when, until);
        }
    }
    return true;
}

static bool check_access_points_fit(struct parser *p)
{
    const struct scn_scenario *scn = p->scn;
    char when[32], until[32];
    format_seconds(scn->until, until, sizeof until);
    for (size_t i = 0; i < scn->radio.access_point_count; i++) {
        const struct scn_access_point *ap = &scn->radio.access_points[i];
        if (ap->appears > scn->until) {
            format_seconds(ap->appears, when, sizeof when);
            p->path_length = 0;
            p->path[0] = 0;
            path_push_key(p, "radio.access-points");
            path_push_index(p, i);
            return fail_at(p, ap->loc, "appears at %s, after the end of the run (until: %s)", when, until);
        }
    }
    return true;
}

bool check_timeline(struct parser *p)
{
    struct scn_scenario *scn = p->scn;
    size_t n = scn->step_count;
    unsigned char *colour = scn_arena_array(p->arena, n + 1, 1);
    unsigned char *done = scn_arena_array(p->arena, n + 1, 1);
    int *parent = scn_arena_array(p->arena, n + 1, sizeof(int));
    int *stack_step = scn_arena_array(p->arena, n + 1, sizeof(int));
    int *stack_next = scn_arena_array(p->arena, n + 1, sizeof(int));
    if (!colour || !done || !parent || !stack_step || !stack_next) {
        return out_of_memory(p);
    }
    if (!find_cycle(p, colour, parent, stack_step, stack_next)) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!done[i]) {
            earliest_of(scn, (int)i, done, stack_step);
        }
    }
    return check_steps_fit(p) && check_windows_fit(p) && check_access_points_fit(p);
}
