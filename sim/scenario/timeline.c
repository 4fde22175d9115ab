/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "timeline.h"

#include <stdlib.h>

#include "condition.h"

struct scheduled {
    struct scn_watch watch;
    bool due_known;
    scn_time due;
    bool fired;
    scn_time fired_at;
};

struct scn_timeline {
    const struct scn_scenario *scn;
    struct scn_log *log;
    scn_step_fn on_step;
    void *opaque;
    struct scheduled *steps;
    size_t unfired;
    int next; /* the unfired step due first, or -1 (refresh_next) */
    bool resolved_once;
    uint64_t resolved_revision; /* the log's revision resolve() last read */
    size_t resolved_counts[SCN_STREAM_COUNT]; /* and its streams' sizes then */
};

/* The unfired step due first (ties: the one written first), or -1. */
static void refresh_next(struct scn_timeline *tl)
{
    int best = -1;
    for (size_t i = 0; i < tl->scn->step_count; i++) {
        const struct scheduled *x = &tl->steps[i];
        if (!x->fired && x->due_known && (best < 0 || x->due < tl->steps[best].due)) {
            best = (int)i;
        }
    }
    tl->next = best;
}

/* Learns the due time of `after` steps whose condition has happened; only
 * a new observation can make one happen, so nothing new means no work. */
static void resolve(struct scn_timeline *tl)
{
    uint64_t revision = scn_log_revision(tl->log);
    if (tl->resolved_once && revision == tl->resolved_revision) {
        return;
    }
    bool grew[SCN_STREAM_COUNT];
    for (int st = 0; st < SCN_STREAM_COUNT; st++) {
        size_t count = scn_log_count(tl->log, (enum scn_stream)st);
        grew[st] = !tl->resolved_once || count != tl->resolved_counts[st];
        tl->resolved_counts[st] = count;
    }
    tl->resolved_once = true;
    tl->resolved_revision = revision;
    for (size_t i = 0; i < tl->scn->step_count; i++) {
        struct scheduled *x = &tl->steps[i];
        const struct scn_condition *c = &tl->scn->steps[i].after;
        if (x->fired || x->due_known || !(grew[c->what.stream] || (c->since >= 0 && grew[SCN_STREAM_STEP]))) {
            continue;
        }
        if (scn_watch_update(&x->watch, tl->log)) {
            x->due_known = true;
            x->due = x->watch.time > x->watch.observed ? x->watch.time : x->watch.observed;
        }
    }
    refresh_next(tl);
}

struct scn_timeline *scn_timeline_new(const struct scn_scenario *scn, struct scn_log *log,
                                      scn_step_fn on_step, void *opaque)
{
    struct scn_timeline *tl = calloc(1, sizeof *tl);
    if (!tl) {
        return NULL;
    }
    tl->steps = calloc(scn->step_count + 1, sizeof *tl->steps);
    if (!tl->steps) {
        free(tl);
        return NULL;
    }
    tl->scn = scn;
    tl->log = log;
    tl->on_step = on_step;
    tl->opaque = opaque;
    tl->unfired = scn->step_count;
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_step *s = &scn->steps[i];
        struct scheduled *x = &tl->steps[i];
        x->fired_at = SCN_TIME_NEVER;
        if (s->trigger == SCN_TRIGGER_AT) {
            x->due_known = true;
            x->due = s->at;
        } else {
            scn_watch_init(&x->watch, &s->after);
        }
    }
    refresh_next(tl);
    return tl;
}

void scn_timeline_free(struct scn_timeline *tl)
{
    if (tl) {
        free(tl->steps);
        free(tl);
    }
}

bool scn_timeline_advance(struct scn_timeline *tl, scn_time time)
{
    if (scn_log_ended(tl->log)) {
        return true;
    }
    for (;;) {
        resolve(tl);
        int next = tl->next;
        if (next < 0 || tl->steps[next].due > time) {
            break;
        }
        struct scheduled *x = &tl->steps[next];
        scn_time when = x->due > scn_log_now(tl->log) ? x->due : scn_log_now(tl->log);
        scn_log_advance(tl->log, when);
        if (!scn_log_step(tl->log, when, next)) {
            return false;
        }
        x->fired = true;
        x->fired_at = when;
        tl->unfired--;
        refresh_next(tl);
        if (tl->on_step) {
            tl->on_step(tl->opaque, (size_t)next, &tl->scn->steps[next], when);
        }
    }
    scn_log_advance(tl->log, time);
    return true;
}

scn_time scn_timeline_next_deadline(const struct scn_timeline *tl)
{
    return tl->next < 0 || scn_log_ended(tl->log) ? SCN_TIME_NEVER : tl->steps[tl->next].due;
}

scn_time scn_timeline_fired_at(const struct scn_timeline *tl, size_t index)
{
    return index < tl->scn->step_count ? tl->steps[index].fired_at : SCN_TIME_NEVER;
}

size_t scn_timeline_unfired(const struct scn_timeline *tl)
{
    return tl->unfired;
}
