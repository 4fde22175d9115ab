/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "session.h"

#include <stdlib.h>

struct scn_session {
    const struct scn_scenario *scn;
    struct scn_session_hooks hooks;
    struct scn_log *log;
    struct scn_timeline *timeline;
    struct scn_judge *judge;
};

/* A fired step can settle expectations at once (a window anchored on it
 * that finds a pattern already showing), so the judge looks after each. */
static void step_fired(void *opaque, size_t index, const struct scn_step *step, scn_time when)
{
    struct scn_session *s = opaque;
    if (s->hooks.on_step) {
        s->hooks.on_step(s->hooks.opaque, index, step, when);
    }
    scn_judge_update(s->judge);
}

static void verdict_given(void *opaque, size_t index, const struct scn_expectation *e, const struct scn_verdict *v)
{
    struct scn_session *s = opaque;
    if (s->hooks.on_verdict) {
        s->hooks.on_verdict(s->hooks.opaque, index, e, v);
    }
}

struct scn_session *scn_session_new(const struct scn_scenario *scn, const struct scn_session_hooks *hooks)
{
    struct scn_session *s = calloc(1, sizeof *s);
    if (!s) {
        return NULL;
    }
    s->scn = scn;
    if (hooks) {
        s->hooks = *hooks;
    }
    s->log = scn_log_new(scn);
    s->timeline = s->log ? scn_timeline_new(scn, s->log, step_fired, s) : NULL;
    s->judge = s->log ? scn_judge_new(scn, s->log, verdict_given, s) : NULL;
    if (!s->log || !s->timeline || !s->judge) {
        scn_session_free(s);
        return NULL;
    }
    return s;
}

void scn_session_free(struct scn_session *s)
{
    if (s) {
        scn_judge_free(s->judge);
        scn_timeline_free(s->timeline);
        scn_log_free(s->log);
        free(s);
    }
}

/* Steps due by time, the feed, the steps it triggers, the judge. */
static bool settle(struct scn_session *s, scn_time time, bool fed)
{
    bool ok = fed && scn_timeline_advance(s->timeline, time);
    scn_judge_update(s->judge);
    return ok;
}

bool scn_session_advance(struct scn_session *s, scn_time time)
{
    return settle(s, time, true);
}

bool scn_session_pattern(struct scn_session *s, scn_time start, scn_time observed, const char *name)
{
    bool ok = scn_timeline_advance(s->timeline, observed);
    return settle(s, observed, scn_log_pattern(s->log, start, observed, name)) && ok;
}

bool scn_session_serial(struct scn_session *s, scn_time time, const char *line)
{
    bool ok = scn_timeline_advance(s->timeline, time);
    return settle(s, time, scn_log_serial(s->log, time, line)) && ok;
}

bool scn_session_cloud(struct scn_session *s, scn_time time, enum scn_cloud_kind kind, const char *name,
                       const char *value)
{
    bool ok = scn_timeline_advance(s->timeline, time);
    return settle(s, time, scn_log_cloud(s->log, time, kind, name, value)) && ok;
}

bool scn_session_packet(struct scn_session *s, scn_time time, const char *description)
{
    bool ok = scn_timeline_advance(s->timeline, time);
    return settle(s, time, scn_log_packet(s->log, time, description)) && ok;
}

bool scn_session_pattern_horizon(struct scn_session *s, scn_time time)
{
    scn_log_pattern_horizon(s->log, time);
    scn_judge_update(s->judge);
    return true;
}

bool scn_session_end(struct scn_session *s, scn_time time)
{
    bool ok = scn_timeline_advance(s->timeline, time);
    scn_log_end(s->log, time);
    scn_judge_update(s->judge);
    return ok;
}

scn_time scn_session_next_deadline(const struct scn_session *s)
{
    scn_time a = scn_timeline_next_deadline(s->timeline), b = scn_judge_next_deadline(s->judge);
    return a < b ? a : b;
}

bool scn_session_decided(const struct scn_session *s)
{
    return scn_judge_pending(s->judge) == 0;
}

const struct scn_log *scn_session_log(const struct scn_session *s)
{
    return s->log;
}

const struct scn_judge *scn_session_judge(const struct scn_session *s)
{
    return s->judge;
}

const struct scn_timeline *scn_session_timeline(const struct scn_session *s)
{
    return s->timeline;
}
