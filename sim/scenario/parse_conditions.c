/*
 * What to look for (matchers) and "after" conditions: shared by a step's
 * trigger and an expectation's window.
 *
 *   pattern: breathing-cyan
 *   serial: "Cloud socket connection failed"        (POSIX extended regex)
 *   packet: "tcp .* > .*:5683 SYN"                  (regex over the description)
 *   cloud-event: spark/status | {name: NAME, data: REGEX}
 *   cloud-result: {function: NAME | variable: NAME, equals: VALUE | matches: REGEX}
 *   step: NAME                                      (conditions only)
 *
 *   after: {pattern: breathing-cyan, delay: 5, count: 2, since: STEP}
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "parse_internal.h"
#include "spelling.h"

const char *const matcher_kinds[] = { "pattern", "serial", "cloud-event", "cloud-result", "packet",
                                      "step", NULL };

bool is_matcher_kind(const struct ynode *key, bool allow_step)
{
    for (size_t i = 0; matcher_kinds[i]; i++) {
        if (is_scalar(key, matcher_kinds[i])) {
            return allow_step || strcmp(matcher_kinds[i], "step") != 0;
        }
    }
    return false;
}

bool read_step_reference(struct parser *p, const struct ynode *node, int *index)
{
    const char *name;
    if (!read_name(p, node, &name)) {
        return false;
    }
    for (size_t i = 0; i < p->step_name_count; i++) {
        if (p->step_names[i] && strcmp(p->step_names[i], name) == 0) {
            *index = (int)i;
            return true;
        }
    }
    const char *near = scn_closest_word(name, p->step_names, p->step_name_count);
    if (near) {
        return fail(p, node, "no step named \"%s\" (did you mean \"%s\"?)", name, near);
    }
    return fail(p, node, "no step named \"%s\" (a step gets a name with name:)", name);
}

static bool read_cloud_event(struct parser *p, const struct ynode *value, struct scn_matcher *m)
{
    static const char *const keys[] = { "name", "data", NULL };
    m->cloud_kind = SCN_CLOUD_EVENT;
    if (value && value->kind == YNODE_SCALAR) {
        return read_name(p, value, &m->text);
    }
    if (!check_mapping(p, value, keys, "an event name or {name: NAME, data: REGEX}") ||
        !require_key(p, value, "name", "the event's name")) {
        return false;
    }
    size_t saved = path_push_key(p, "name");
    if (!read_name(p, map_get(value, "name"), &m->text)) {
        return false;
    }
    path_pop(p, saved);
    if (map_get(value, "data")) {
        saved = path_push_key(p, "data");
        if (!read_regex(p, map_get(value, "data"), &m->regex)) {
            return false;
        }
        path_pop(p, saved);
    }
    return true;
}

static bool read_cloud_result(struct parser *p, const struct ynode *value, struct scn_matcher *m)
{
    static const char *const keys[] = { "function", "variable", "equals", "matches", NULL };
    if (!check_mapping(p, value, keys, "{function: NAME, equals: VALUE} or {variable: NAME, matches: REGEX}")) {
        return false;
    }
    const struct ynode *function = map_get(value, "function"), *variable = map_get(value, "variable");
    const struct ynode *equals = map_get(value, "equals"), *matches = map_get(value, "matches");
    if ((function != NULL) == (variable != NULL)) {
        return fail(p, value, "give either function: or variable:");
    }
    if (equals && matches) {
        return fail(p, matches, "give equals: or matches:, not both");
    }
    m->cloud_kind = function ? SCN_CLOUD_FUNCTION : SCN_CLOUD_VARIABLE;
    size_t saved = path_push_key(p, function ? "function" : "variable");
    if (!read_name(p, function ? function : variable, &m->text)) {
        return false;
    }
    path_pop(p, saved);
    if (equals) {
        saved = path_push_key(p, "equals");
        if (!read_text(p, equals, SCN_TEXT_MAX, true, false, &m->equals)) {
            return false;
        }
        path_pop(p, saved);
    }
    if (matches) {
        saved = path_push_key(p, "matches");
        if (!read_regex(p, matches, &m->regex)) {
            return false;
        }
        path_pop(p, saved);
    }
    return true;
}

bool read_matcher(struct parser *p, const struct ynode *key, const struct ynode *value,
                  bool allow_step, struct scn_matcher *m)
{
    size_t saved = path_push_key(p, key->text);
    bool ok;
    m->loc = node_loc(key);
    m->step = -1;
    if (is_scalar(key, "pattern")) {
        m->stream = SCN_STREAM_PATTERN;
        ok = read_pattern(p, value, &m->text);
    } else if (is_scalar(key, "serial") || is_scalar(key, "packet")) {
        m->stream = is_scalar(key, "serial") ? SCN_STREAM_SERIAL : SCN_STREAM_PACKET;
        ok = read_regex(p, value, &m->regex);
        m->text = ok ? m->regex->source : NULL;
    } else if (is_scalar(key, "cloud-event")) {
        m->stream = SCN_STREAM_CLOUD;
        ok = read_cloud_event(p, value, m);
    } else if (is_scalar(key, "cloud-result")) {
        m->stream = SCN_STREAM_CLOUD;
        ok = read_cloud_result(p, value, m);
    } else if (allow_step && is_scalar(key, "step")) {
        m->stream = SCN_STREAM_STEP;
        ok = read_step_reference(p, value, &m->step);
        m->text = ok ? p->step_names[m->step] : NULL;
    } else {
        ok = fail(p, key, "not something to look for");
    }
    if (ok) {
        path_pop(p, saved);
    }
    return ok;
}

bool parse_condition(struct parser *p, const struct ynode *node, struct scn_condition *cond)
{
    static const char *const keys[] = { "pattern", "serial", "cloud-event", "cloud-result", "packet",
                                        "step", "delay", "count", "since", NULL };
    if (!check_mapping(p, node, keys, "a condition such as {pattern: breathing-cyan} or {step: NAME, delay: 5}")) {
        return false;
    }
    const struct ynode *what = NULL;
    for (const struct ynode *k = node->first; k; k = k->next->next) {
        if (is_matcher_kind(k, true)) {
            if (what) {
                return fail(p, k, "one thing to wait for per condition (already %s)", what->text);
            }
            what = k;
        }
    }
    if (!what) {
        return fail(p, node, "say what to wait for: pattern, serial, cloud-event, cloud-result, packet or step");
    }
    cond->loc = node_loc(node);
    cond->count = 1;
    cond->since = -1;
    if (!read_matcher(p, what, what->next, true, &cond->what)) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    if ((v = map_get(node, "delay"))) {
        saved = path_push_key(p, "delay");
        if (!read_time(p, v, &cond->delay)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "count"))) {
        uint64_t count;
        saved = path_push_key(p, "count");
        if (!read_uint(p, v, 1, 1000000, "which occurrence to wait for", &count)) {
            return false;
        }
        if (cond->what.stream == SCN_STREAM_STEP && count != 1) {
            return fail(p, v, "a step runs once: count must be 1");
        }
        path_pop(p, saved);
        cond->count = (unsigned)count;
    }
    if ((v = map_get(node, "since"))) {
        saved = path_push_key(p, "since");
        if (cond->what.stream == SCN_STREAM_STEP) {
            return fail(p, v, "since goes with pattern, serial, cloud or packet conditions; a step runs once");
        }
        if (!read_step_reference(p, v, &cond->since)) {
            return false;
        }
        path_pop(p, saved);
    }
    return true;
}
