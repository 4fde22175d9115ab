/*
 * Expectations: what must (or must not) be observed, in which window.
 *
 *   - pattern: blinking-green          # or serial:, packet:, cloud-event:, cloud-result:
 *     within: 10                       # window length; default: to the end of the run
 *     from: 5 | after: {step: block}   # where the window opens; default: power-on
 *     times: 3                         # at least this many occurrences
 *   - sequence: [blinking-green, blinking-cyan, breathing-cyan]
 *     strict: true                     # adjacent patterns only
 *   - never: red-burst                 # or never: {serial: "panic"}
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "parse_internal.h"

static const char *const expectation_keys[] = { "name", "pattern", "sequence", "never", "serial",
                                                "cloud-event", "cloud-result", "packet", "times",
                                                "strict", "within", "from", "after", NULL };

static const char *matcher_label(struct parser *p, const struct scn_matcher *m)
{
    switch (m->stream) {
    case SCN_STREAM_PATTERN:
        return m->text;
    case SCN_STREAM_SERIAL:
        return scn_arena_printf(p->arena, "serial /%s/", m->text);
    case SCN_STREAM_PACKET:
        return scn_arena_printf(p->arena, "packet /%s/", m->text);
    case SCN_STREAM_CLOUD:
        if (m->cloud_kind == SCN_CLOUD_EVENT) {
            return scn_arena_printf(p->arena, "cloud-event %s", m->text);
        }
        if (m->equals) {
            return scn_arena_printf(p->arena, "%s %s = %s",
                                    m->cloud_kind == SCN_CLOUD_FUNCTION ? "function" : "variable",
                                    m->text, m->equals);
        }
        return scn_arena_printf(p->arena, "%s %s%s%s",
                                m->cloud_kind == SCN_CLOUD_FUNCTION ? "function" : "variable", m->text,
                                m->regex ? " ~ /" : " result", m->regex ? m->regex->source : "");
    default:
        return scn_arena_printf(p->arena, "step %s", m->text);
    }
}

/* A label that says what is expected when the expectation has no name. */
static const char *describe_expectation(struct parser *p, const struct scn_expectation *e)
{
    if (e->kind == SCN_EXPECT_SEQUENCE) {
        char text[512];
        size_t used = (size_t)snprintf(text, sizeof text, "sequence ");
        for (size_t i = 0; i < e->sequence_count && used < sizeof text; i++) {
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", i ? ", " : "",
                                     e->sequence[i].text);
        }
        return scn_arena_strdup(p->arena, text);
    }
    const char *what = matcher_label(p, &e->what);
    if (!what) {
        return NULL;
    }
    if (e->kind == SCN_EXPECT_NEVER) {
        return scn_arena_printf(p->arena, "never %s", what);
    }
    if (e->times > 1) {
        return scn_arena_printf(p->arena, "%s %u times", what, e->times);
    }
    return what;
}

static bool parse_sequence(struct parser *p, const struct ynode *v, struct scn_expectation *e)
{
    if (!check_sequence(p, v, SCN_SEQUENCE_MAX, "LED patterns")) {
        return false;
    }
    if (v->count == 0) {
        return fail(p, v, "a sequence names at least one pattern");
    }
    e->sequence = scn_arena_array(p->arena, v->count, sizeof *e->sequence);
    if (!e->sequence) {
        return out_of_memory(p);
    }
    size_t i = 0;
    for (const struct ynode *item = v->first; item; item = item->next, i++) {
        size_t saved = path_push_index(p, i);
        e->sequence[i].stream = SCN_STREAM_PATTERN;
        e->sequence[i].step = -1;
        e->sequence[i].loc = node_loc(item);
        if (!read_pattern(p, item, &e->sequence[i].text)) {
            return false;
        }
        path_pop(p, saved);
    }
    e->sequence_count = v->count;
    e->kind = SCN_EXPECT_SEQUENCE;
    return true;
}

/* never: NAME (a pattern) or never: {kind: value}. */
static bool parse_never(struct parser *p, const struct ynode *v, struct scn_expectation *e)
{
    e->kind = SCN_EXPECT_NEVER;
    if (v && v->kind == YNODE_SCALAR) {
        e->what.stream = SCN_STREAM_PATTERN;
        e->what.step = -1;
        e->what.loc = node_loc(v);
        return read_pattern(p, v, &e->what.text);
    }
    static const char *const kinds[] = { "pattern", "serial", "cloud-event", "cloud-result", "packet", NULL };
    if (!check_mapping(p, v, kinds, "a pattern name or {serial: REGEX} (or pattern, cloud-event, cloud-result, packet)")) {
        return false;
    }
    if (v->count != 2) {
        return fail(p, v, "one thing per never:");
    }
    return read_matcher(p, map_first_key(v), map_first_key(v)->next, false, &e->what);
}

static bool parse_expectation(struct parser *p, const struct ynode *item, struct scn_expectation *e)
{
    if (!check_mapping(p, item, expectation_keys, "an expectation such as {pattern: breathing-cyan, within: 30}")) {
        return false;
    }
    const struct ynode *what = NULL;
    for (const struct ynode *k = item->first; k; k = k->next->next) {
        if (is_matcher_kind(k, false) || is_scalar(k, "sequence") || is_scalar(k, "never")) {
            if (what) {
                return fail(p, k, "one expectation per list item (this one already has %s)", what->text);
            }
            what = k;
        }
    }
    if (!what) {
        return fail(p, item, "say what is expected: pattern, sequence, never, serial, cloud-event, cloud-result or packet");
    }
    e->loc = node_loc(item);
    e->times = 1;
    e->after.since = -1;
    const struct ynode *v;
    size_t saved;
    if ((v = map_get(item, "name"))) {
        saved = path_push_key(p, "name");
        if (!read_name(p, v, &e->name)) {
            return false;
        }
        path_pop(p, saved);
    }
    if (is_scalar(what, "sequence")) {
        saved = path_push_key(p, "sequence");
        if (!parse_sequence(p, what->next, e)) {
            return false;
        }
        path_pop(p, saved);
    } else if (is_scalar(what, "never")) {
        saved = path_push_key(p, "never");
        if (!parse_never(p, what->next, e)) {
            return false;
        }
        path_pop(p, saved);
    } else {
        e->kind = SCN_EXPECT_OCCURS;
        if (!read_matcher(p, what, what->next, false, &e->what)) {
            return false;
        }
    }
    if ((v = map_get(item, "times"))) {
        if (e->kind != SCN_EXPECT_OCCURS) {
            return fail(p, v, "times goes with pattern, serial, cloud-event, cloud-result and packet");
        }
        uint64_t times;
        saved = path_push_key(p, "times");
        if (!read_uint(p, v, 1, 1000000, "how many occurrences", &times)) {
            return false;
        }
        path_pop(p, saved);
        e->times = (unsigned)times;
    }
    if ((v = map_get(item, "strict"))) {
        if (e->kind != SCN_EXPECT_SEQUENCE) {
            return fail(p, v, "strict goes with sequence");
        }
        saved = path_push_key(p, "strict");
        if (!read_bool(p, v, &e->strict)) {
            return false;
        }
        path_pop(p, saved);
    }
    const struct ynode *from = map_get(item, "from"), *after = map_get(item, "after");
    if (from && after) {
        return fail(p, after, "the window opens either from: a time or after: a condition, not both");
    }
    e->opens = after ? SCN_OPEN_AFTER : SCN_OPEN_AT;
    if (from) {
        e->from_loc = node_loc(from);
        saved = path_push_key(p, "from");
        if (!read_time(p, from, &e->from)) {
            return false;
        }
        path_pop(p, saved);
    }
    if (after) {
        saved = path_push_key(p, "after");
        if (!parse_condition(p, after, &e->after)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(item, "within"))) {
        e->within_loc = node_loc(v);
        saved = path_push_key(p, "within");
        if (!read_time(p, v, &e->within)) {
            return false;
        }
        if (e->within == 0) {
            return fail(p, v, "a window of 0 s can hold nothing");
        }
        path_pop(p, saved);
        e->has_within = true;
    }
    e->label = e->name ? e->name : describe_expectation(p, e);
    return e->label ? true : out_of_memory(p);
}

bool parse_expectations(struct parser *p, const struct ynode *node)
{
    struct scn_scenario *scn = p->scn;
    if (!node) {
        return true;
    }
    size_t saved = path_push_key(p, "expect");
    if (!check_sequence(p, node, SCN_EXPECTATIONS_MAX, "expectations")) {
        return false;
    }
    scn->expectations = scn_arena_array(p->arena, node->count, sizeof *scn->expectations);
    if (!scn->expectations && node->count) {
        return out_of_memory(p);
    }
    size_t i = 0;
    for (const struct ynode *item = node->first; item; item = item->next, i++) {
        size_t saved_item = path_push_index(p, i);
        struct scn_expectation *e = &scn->expectations[i];
        if (!parse_expectation(p, item, e)) {
            return false;
        }
        for (size_t j = 0; j < i && e->name; j++) {
            if (scn->expectations[j].name && strcmp(scn->expectations[j].name, e->name) == 0) {
                return fail(p, map_get(item, "name"), "expectation name \"%s\" already used on line %u",
                            e->name, scn->expectations[j].loc.line);
            }
        }
        path_pop(p, saved_item);
    }
    scn->expectation_count = node->count;
    path_pop(p, saved);
    return true;
}
