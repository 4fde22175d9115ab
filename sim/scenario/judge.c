/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "judge.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"

#define PATTERNS_IN_REASON 8

struct judged {
    struct scn_verdict verdict;
    scn_time deadline; /* when time alone may decide it (item_deadline) */
    struct scn_watch anchor;
    bool opened;
    bool scanning;
    bool closed; /* an occurrence dated at or after the window's end was seen */
    struct scn_cursor cursor;
    unsigned seen;
    /* sequence: progress (non-strict: elements found; strict: the current
     * run of adjacent matches) and the best run, for the reason */
    size_t progress, best;
    scn_time times[SCN_SEQUENCE_MAX], best_times[SCN_SEQUENCE_MAX];
    const char *recent[SCN_SEQUENCE_MAX];
    scn_time recent_times[SCN_SEQUENCE_MAX];
    size_t recent_count;
};

struct scn_judge {
    const struct scn_scenario *scn;
    const struct scn_log *log;
    scn_verdict_fn on_verdict;
    void *opaque;
    struct judged *items;
    size_t pending, missed;
    /* What the last update saw: with nothing new in the log, no new
     * horizon and no deadline reached, the next update has nothing to do. */
    bool updated_once, ended;
    uint64_t revision;
    size_t counts[SCN_STREAM_COUNT];
    scn_time pattern_horizon, deadline;
};

static const struct scn_matcher any_pattern = { .stream = SCN_STREAM_PATTERN, .text = NULL, .step = -1 };

struct scn_judge *scn_judge_new(const struct scn_scenario *scn, const struct scn_log *log,
                                scn_verdict_fn on_verdict, void *opaque)
{
    struct scn_judge *j = calloc(1, sizeof *j);
    if (!j) {
        return NULL;
    }
    j->items = calloc(scn->expectation_count + 1, sizeof *j->items);
    if (!j->items) {
        free(j);
        return NULL;
    }
    j->scn = scn;
    j->log = log;
    j->on_verdict = on_verdict;
    j->opaque = opaque;
    j->pending = scn->expectation_count;
    for (size_t i = 0; i < scn->expectation_count; i++) {
        struct judged *x = &j->items[i];
        x->verdict.state = SCN_VERDICT_PENDING;
        x->verdict.at = SCN_TIME_NEVER;
        x->verdict.decided = SCN_TIME_NEVER;
        x->verdict.window_start = SCN_TIME_NEVER;
        x->verdict.window_end = SCN_TIME_NEVER;
        if (scn->expectations[i].opens == SCN_OPEN_AFTER) {
            scn_watch_init(&x->anchor, &scn->expectations[i].after);
        }
    }
    return j;
}

void scn_judge_free(struct scn_judge *judge)
{
    if (judge) {
        free(judge->items);
        free(judge);
    }
}

static scn_time add_time(scn_time a, scn_time b)
{
    return a > SCN_TIME_NEVER - b ? SCN_TIME_NEVER : a + b;
}

static void decide(struct scn_judge *j, size_t index, enum scn_verdict_state state, scn_time at,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void decide(struct scn_judge *j, size_t index, enum scn_verdict_state state, scn_time at,
                   const char *fmt, ...)
{
    struct scn_verdict *v = &j->items[index].verdict;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
    for (char *c = v->reason; *c; c++) {
        if ((unsigned char)*c < 0x20) {
            *c = ' '; /* one line, even when it quotes a serial line */
        }
    }
    v->state = state;
    v->at = at;
    v->decided = scn_log_now(j->log);
    j->pending--;
    if (state == SCN_VERDICT_MISSED) {
        j->missed++;
    }
    if (j->on_verdict) {
        j->on_verdict(j->opaque, index, &j->scn->expectations[index], v);
    }
}

/* ------------------------------------------------------------- reasons */

static const char *t(scn_time time, char buf[32])
{
    return scn_format_time(time, buf, 32);
}

/* "[0.000 s, 10.000 s)" or "from 5.000 s to the end of the run". */
static const char *window_text(const struct scn_verdict *v, char *buf, size_t size)
{
    char a[32], b[32];
    if (v->window_end == SCN_TIME_NEVER) {
        snprintf(buf, size, "from %s to the end of the run", t(v->window_start, a));
    } else {
        snprintf(buf, size, "between %s and %s", t(v->window_start, a), t(v->window_end, b));
    }
    return buf;
}

/* What the LED showed in the window: "breathing-white at 0.100 s, blinking-green at 2.000 s". */
static const char *patterns_seen(const struct scn_log *log, const struct scn_verdict *v, char *buf, size_t size)
{
    struct scn_cursor cursor;
    struct scn_occurrence o;
    size_t used = 0, shown = 0;
    char a[32];
    buf[0] = 0;
    scn_cursor_start(&cursor, v->window_start);
    while (scn_cursor_next(&cursor, log, &any_pattern, &o) && o.time < v->window_end && used < size) {
        if (shown == PATTERNS_IN_REASON) {
            snprintf(buf + used, size - used, ", ...");
            break;
        }
        int n = snprintf(buf + used, size - used, "%s%s at %s", shown ? ", " : "", o.observation->text,
                         t(o.time, a));
        if (n < 0) {
            break;
        }
        used += (size_t)n;
        shown++;
    }
    if (!shown) {
        snprintf(buf, size, "no pattern");
    }
    return buf;
}

static size_t count_in_window(const struct scn_log *log, enum scn_stream stream, const struct scn_verdict *v)
{
    size_t n = 0;
    for (size_t i = 0; i < scn_log_count(log, stream); i++) {
        const struct scn_observation *o = scn_log_at(log, stream, i);
        n += o->time >= v->window_start && o->time < v->window_end;
    }
    return n;
}

/* A short quote of what an occurrence was, for "never" failures and "met" notes. */
static const char *occurrence_text(const struct scn_occurrence *o, char *buf, size_t size)
{
    const struct scn_observation *obs = o->observation;
    switch (obs->stream) {
    case SCN_STREAM_PATTERN:
        snprintf(buf, size, "%s", obs->text);
        break;
    case SCN_STREAM_CLOUD:
        snprintf(buf, size, "%s = \"%.80s\"", obs->text, obs->value);
        break;
    case SCN_STREAM_STEP:
        snprintf(buf, size, "step \"%s\"", obs->text);
        break;
    default:
        snprintf(buf, size, "\"%.120s\"", obs->text);
        break;
    }
    return buf;
}

/* Why nothing was found, with what was seen instead. */
static void miss_not_seen(struct scn_judge *j, size_t index, scn_time at, const char *what, const char *ending)
{
    struct judged *x = &j->items[index];
    const struct scn_expectation *e = &j->scn->expectations[index];
    char window[96], seen[320];
    window_text(&x->verdict, window, sizeof window);
    enum scn_stream stream = e->kind == SCN_EXPECT_SEQUENCE ? SCN_STREAM_PATTERN : e->what.stream;
    if (stream == SCN_STREAM_PATTERN) {
        patterns_seen(j->log, &x->verdict, seen, sizeof seen);
        decide(j, index, SCN_VERDICT_MISSED, at, "%s %s%s; the LED showed: %s", what, window, ending, seen);
    } else {
        decide(j, index, SCN_VERDICT_MISSED, at, "%s %s%s (%zu %s observations in the window)", what, window,
               ending, count_in_window(j->log, stream, &x->verdict), scn_stream_name(stream));
    }
}

/* --------------------------------------------------------- evaluation */

enum window_state {
    WINDOW_OPEN,          /* more may still come */
    WINDOW_OBSERVED,      /* closed and fully observed */
    WINDOW_CUT,           /* the run ended before it closed */
    WINDOW_ENDED_WITH_RUN /* open to the end of the run, which has come */
};

static enum window_state window_state(const struct scn_judge *j, const struct judged *x, enum scn_stream stream)
{
    const struct scn_log *log = j->log;
    scn_time end = x->verdict.window_end;
    if (x->closed) {
        return WINDOW_OBSERVED;
    }
    if (scn_log_ended(log)) {
        if (end == SCN_TIME_NEVER) {
            return WINDOW_ENDED_WITH_RUN;
        }
        return end <= scn_log_now(log) ? WINDOW_OBSERVED : WINDOW_CUT;
    }
    return end != SCN_TIME_NEVER && end <= scn_log_horizon(log, stream) ? WINDOW_OBSERVED : WINDOW_OPEN;
}

static void miss_at_close(struct scn_judge *j, size_t index, enum window_state ws, const char *what)
{
    struct judged *x = &j->items[index];
    char a[32], b[32], ending[96];
    scn_time now = scn_log_now(j->log);
    if (ws == WINDOW_CUT) {
        snprintf(ending, sizeof ending, " (the run ended at %s, before the window closed at %s)", t(now, a),
                 t(x->verdict.window_end, b));
        miss_not_seen(j, index, now, what, ending);
    } else if (ws == WINDOW_ENDED_WITH_RUN) {
        snprintf(ending, sizeof ending, " (the run ended at %s)", t(now, a));
        miss_not_seen(j, index, now, what, ending);
    } else {
        miss_not_seen(j, index, x->verdict.window_end, what, "");
    }
}

static void evaluate_occurs(struct scn_judge *j, size_t index)
{
    struct judged *x = &j->items[index];
    const struct scn_expectation *e = &j->scn->expectations[index];
    struct scn_occurrence o;
    char a[32], text[160], what[64];
    while (scn_cursor_next(&x->cursor, j->log, &e->what, &o)) {
        if (o.time >= x->verdict.window_end) {
            x->closed = true;
            break;
        }
        if (++x->seen >= e->times) {
            if (e->times > 1) {
                decide(j, index, SCN_VERDICT_MET, o.time, "seen %u times, the last (%s) at %s", x->seen,
                       occurrence_text(&o, text, sizeof text), t(o.time, a));
            } else {
                decide(j, index, SCN_VERDICT_MET, o.time, "%s at %s", occurrence_text(&o, text, sizeof text),
                       t(o.time, a));
            }
            return;
        }
    }
    enum window_state ws = window_state(j, x, e->what.stream);
    if (ws == WINDOW_OPEN) {
        return;
    }
    if (e->times > 1) {
        snprintf(what, sizeof what, "seen %u of %u times", x->seen, e->times);
    } else {
        snprintf(what, sizeof what, "not seen");
    }
    miss_at_close(j, index, ws, what);
}

static void evaluate_never(struct scn_judge *j, size_t index)
{
    struct judged *x = &j->items[index];
    const struct scn_expectation *e = &j->scn->expectations[index];
    struct scn_occurrence o;
    char a[32], text[160], window[96];
    while (scn_cursor_next(&x->cursor, j->log, &e->what, &o)) {
        if (o.time >= x->verdict.window_end) {
            x->closed = true;
            break;
        }
        decide(j, index, SCN_VERDICT_MISSED, o.time, "%s at %s", occurrence_text(&o, text, sizeof text),
               t(o.time, a));
        return;
    }
    enum window_state ws = window_state(j, x, e->what.stream);
    if (ws == WINDOW_OBSERVED) {
        decide(j, index, SCN_VERDICT_MET, x->verdict.window_end, "not seen %s",
               window_text(&x->verdict, window, sizeof window));
    } else if (ws == WINDOW_ENDED_WITH_RUN) {
        decide(j, index, SCN_VERDICT_MET, scn_log_now(j->log), "not seen %s (the run ended at %s)",
               window_text(&x->verdict, window, sizeof window), t(scn_log_now(j->log), a));
    } else if (ws == WINDOW_CUT) {
        char b[32];
        decide(j, index, SCN_VERDICT_MISSED, scn_log_now(j->log),
               "not seen %s, but the run ended at %s, before the window closed at %s",
               window_text(&x->verdict, window, sizeof window), t(scn_log_now(j->log), a),
               t(x->verdict.window_end, b));
    }
}

/* Strict sequences: the longest tail of the recent patterns that is a prefix of the sequence. */
static size_t strict_progress(const struct judged *x, const struct scn_expectation *e)
{
    size_t limit = x->recent_count < e->sequence_count ? x->recent_count : e->sequence_count;
    for (size_t m = limit; m > 0; m--) {
        size_t first = x->recent_count - m;
        size_t i = 0;
        while (i < m && strcmp(x->recent[first + i], e->sequence[i].text) == 0) {
            i++;
        }
        if (i == m) {
            return m;
        }
    }
    return 0;
}

static void advance_sequence(struct judged *x, const struct scn_expectation *e, const struct scn_occurrence *o)
{
    if (!e->strict) {
        if (strcmp(o->observation->text, e->sequence[x->progress].text) == 0) {
            x->times[x->progress++] = o->time;
        }
    } else {
        if (x->recent_count == e->sequence_count) {
            memmove(x->recent, x->recent + 1, (x->recent_count - 1) * sizeof x->recent[0]);
            memmove(x->recent_times, x->recent_times + 1, (x->recent_count - 1) * sizeof x->recent_times[0]);
            x->recent_count--;
        }
        x->recent[x->recent_count] = o->observation->text;
        x->recent_times[x->recent_count++] = o->time;
        x->progress = strict_progress(x, e);
        memcpy(x->times, x->recent_times + x->recent_count - x->progress, x->progress * sizeof x->times[0]);
    }
    if (x->progress > x->best) {
        x->best = x->progress;
        memcpy(x->best_times, x->times, x->best * sizeof x->times[0]);
    }
}

static void evaluate_sequence(struct scn_judge *j, size_t index)
{
    struct judged *x = &j->items[index];
    const struct scn_expectation *e = &j->scn->expectations[index];
    struct scn_occurrence o;
    char a[32];
    while (scn_cursor_next(&x->cursor, j->log, &any_pattern, &o)) {
        if (o.time >= x->verdict.window_end) {
            x->closed = true;
            break;
        }
        advance_sequence(x, e, &o);
        if (x->progress == e->sequence_count) {
            char first[32];
            decide(j, index, SCN_VERDICT_MET, o.time, "in order from %s to %s%s", t(x->times[0], first),
                   t(o.time, a), e->strict ? ", adjacent" : "");
            return;
        }
    }
    enum window_state ws = window_state(j, x, SCN_STREAM_PATTERN);
    if (ws == WINDOW_OPEN) {
        return;
    }
    char what[SCN_REASON_MAX / 2];
    size_t used = 0;
    what[0] = 0;
    if (x->best) {
        used = (size_t)snprintf(what, sizeof what, "%s", e->strict ? "adjacent: " : "seen ");
        for (size_t i = 0; i < x->best && used < sizeof what; i++) {
            used += (size_t)snprintf(what + used, sizeof what - used, "%s%s at %s", i ? ", " : "",
                                     e->sequence[i].text, t(x->best_times[i], a));
        }
        if (used < sizeof what) {
            snprintf(what + used, sizeof what - used, "; then %s %s", e->sequence[x->best].text,
                     e->strict ? "did not follow" : "not seen");
        }
    } else {
        snprintf(what, sizeof what, "%s not seen", e->sequence[0].text);
    }
    miss_at_close(j, index, ws, what);
}

static void open_window(struct judged *x, const struct scn_expectation *e, scn_time start)
{
    x->opened = true;
    x->verdict.window_start = start;
    x->verdict.window_end = e->has_within ? add_time(start, e->within) : SCN_TIME_NEVER;
}

static void evaluate(struct scn_judge *j, size_t index)
{
    struct judged *x = &j->items[index];
    const struct scn_expectation *e = &j->scn->expectations[index];
    const struct scn_log *log = j->log;
    char a[32], b[32], condition[256];
    if (x->verdict.state != SCN_VERDICT_PENDING) {
        return;
    }
    if (!x->opened) {
        if (e->opens == SCN_OPEN_AT) {
            open_window(x, e, e->from);
        } else if (scn_watch_update(&x->anchor, log)) {
            open_window(x, e, x->anchor.time);
        } else {
            if (scn_log_ended(log)) {
                decide(j, index, SCN_VERDICT_MISSED, scn_log_now(log),
                       "the window never opened: %s did not happen before the run ended at %s",
                       scn_condition_describe(j->scn, &e->after, condition, sizeof condition),
                       t(scn_log_now(log), a));
            }
            return;
        }
    }
    if (scn_log_now(log) < x->verdict.window_start) {
        if (scn_log_ended(log)) {
            decide(j, index, SCN_VERDICT_MISSED, scn_log_now(log),
                   "the run ended at %s, before the window opened at %s", t(scn_log_now(log), a),
                   t(x->verdict.window_start, b));
        }
        return;
    }
    if (!x->scanning) {
        scn_cursor_start(&x->cursor, x->verdict.window_start);
        x->scanning = true;
    }
    switch (e->kind) {
    case SCN_EXPECT_OCCURS:
        evaluate_occurs(j, index);
        break;
    case SCN_EXPECT_NEVER:
        evaluate_never(j, index);
        break;
    case SCN_EXPECT_SEQUENCE:
        evaluate_sequence(j, index);
        break;
    }
}

static enum scn_stream target_stream(const struct scn_expectation *e)
{
    return e->kind == SCN_EXPECT_SEQUENCE ? SCN_STREAM_PATTERN : e->what.stream;
}

/* The streams an expectation reads: its target, its anchor, and the steps (for `since`). */
static bool reads_grown_stream(const struct scn_expectation *e, const bool grew[SCN_STREAM_COUNT])
{
    return grew[target_stream(e)] ||
           (e->opens == SCN_OPEN_AFTER && (grew[e->after.what.stream] || grew[SCN_STREAM_STEP]));
}

static scn_time item_deadline(const struct scn_judge *judge, size_t index);

void scn_judge_update(struct scn_judge *judge)
{
    const struct scn_log *log = judge->log;
    uint64_t revision = scn_log_revision(log);
    scn_time horizon = scn_log_horizon(log, SCN_STREAM_PATTERN), now = scn_log_now(log);
    bool ended = scn_log_ended(log);
    bool first = !judge->updated_once;
    bool horizon_moved = horizon != judge->pattern_horizon, run_ended = ended != judge->ended;
    if (!first && revision == judge->revision && !horizon_moved && !run_ended && now < judge->deadline) {
        return;
    }
    bool grew[SCN_STREAM_COUNT];
    for (int st = 0; st < SCN_STREAM_COUNT; st++) {
        size_t count = scn_log_count(log, (enum scn_stream)st);
        grew[st] = first || count != judge->counts[st];
        judge->counts[st] = count;
    }
    judge->deadline = SCN_TIME_NEVER;
    for (size_t i = 0; i < judge->scn->expectation_count && judge->pending; i++) {
        struct judged *x = &judge->items[i];
        if (x->verdict.state != SCN_VERDICT_PENDING) {
            continue;
        }
        const struct scn_expectation *e = &judge->scn->expectations[i];
        if (first || run_ended || now >= x->deadline || reads_grown_stream(e, grew) ||
            (horizon_moved && target_stream(e) == SCN_STREAM_PATTERN)) {
            evaluate(judge, i);
            x->deadline = item_deadline(judge, i);
        }
        if (x->verdict.state == SCN_VERDICT_PENDING && x->deadline < judge->deadline) {
            judge->deadline = x->deadline;
        }
    }
    judge->updated_once = true;
    judge->revision = revision;
    judge->pattern_horizon = horizon;
    judge->ended = ended;
}

const struct scn_verdict *scn_judge_verdict(const struct scn_judge *judge, size_t index)
{
    return index < judge->scn->expectation_count ? &judge->items[index].verdict : NULL;
}

size_t scn_judge_pending(const struct scn_judge *judge)
{
    return judge->pending;
}

size_t scn_judge_missed(const struct scn_judge *judge)
{
    return judge->missed;
}

/* When the passing of time alone could decide this pending expectation. */
static scn_time item_deadline(const struct scn_judge *judge, size_t index)
{
    const struct judged *x = &judge->items[index];
    const struct scn_expectation *e = &judge->scn->expectations[index];
    scn_time now = scn_log_now(judge->log);
    if (x->verdict.state != SCN_VERDICT_PENDING || scn_log_ended(judge->log)) {
        return SCN_TIME_NEVER;
    }
    if (!x->opened) {
        return e->opens == SCN_OPEN_AT ? e->from : SCN_TIME_NEVER;
    }
    if (now < x->verdict.window_start) {
        return x->verdict.window_start;
    }
    if (x->verdict.window_end == SCN_TIME_NEVER) {
        return SCN_TIME_NEVER;
    }
    return target_stream(e) == SCN_STREAM_PATTERN ? add_time(x->verdict.window_end, scn_log_pattern_settle(judge->log))
                                                   : x->verdict.window_end;
}

scn_time scn_judge_next_deadline(const struct scn_judge *judge)
{
    scn_time now = scn_log_now(judge->log), next = SCN_TIME_NEVER;
    for (size_t i = 0; i < judge->scn->expectation_count; i++) {
        scn_time when = item_deadline(judge, i);
        if (when > now && when < next) {
            next = when;
        }
    }
    return next;
}

const char *scn_verdict_state_name(enum scn_verdict_state state)
{
    switch (state) {
    case SCN_VERDICT_MET:
        return "met";
    case SCN_VERDICT_MISSED:
        return "missed";
    default:
        return "pending";
    }
}
