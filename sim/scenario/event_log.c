/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "event_log.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pattern_names.h"

struct stream_store {
    struct scn_observation *items;
    size_t count, capacity;
    size_t total;
    bool kept;
};

struct scn_log {
    const struct scn_scenario *scn;
    struct scn_arena *texts;
    struct stream_store streams[SCN_STREAM_COUNT];
    scn_time now;
    scn_time pattern_settle;
    scn_time pattern_horizon; /* declared by the glue */
    bool ended;
    scn_time *step_times;
    uint64_t revision;
};

static void keep_matcher(struct scn_log *log, const struct scn_matcher *m)
{
    log->streams[m->stream].kept = true;
}

struct scn_log *scn_log_new(const struct scn_scenario *scn)
{
    struct scn_log *log = calloc(1, sizeof *log);
    if (!log) {
        return NULL;
    }
    log->scn = scn;
    log->texts = scn_arena_new();
    log->step_times = calloc(scn->step_count + 1, sizeof *log->step_times);
    if (!log->texts || !log->step_times) {
        scn_log_free(log);
        return NULL;
    }
    for (size_t i = 0; i < scn->step_count; i++) {
        log->step_times[i] = SCN_TIME_NEVER;
    }
    log->pattern_settle = SCN_PATTERN_SETTLE_DEFAULT;
    log->pattern_horizon = 0;
    log->streams[SCN_STREAM_PATTERN].kept = true; /* few, and they explain failures */
    log->streams[SCN_STREAM_STEP].kept = true;
    for (size_t i = 0; i < scn->step_count; i++) {
        if (scn->steps[i].trigger == SCN_TRIGGER_AFTER) {
            keep_matcher(log, &scn->steps[i].after.what);
        }
    }
    for (size_t i = 0; i < scn->expectation_count; i++) {
        const struct scn_expectation *e = &scn->expectations[i];
        if (e->kind != SCN_EXPECT_SEQUENCE) {
            keep_matcher(log, &e->what);
        }
        if (e->opens == SCN_OPEN_AFTER) {
            keep_matcher(log, &e->after.what);
        }
    }
    return log;
}

void scn_log_free(struct scn_log *log)
{
    if (!log) {
        return;
    }
    for (int s = 0; s < SCN_STREAM_COUNT; s++) {
        free(log->streams[s].items);
    }
    scn_arena_free(log->texts);
    free(log->step_times);
    free(log);
}

static const char *copy_text(struct scn_log *log, const char *text)
{
    if (!text) {
        return "";
    }
    return scn_arena_strndup(log->texts, text, strnlen(text, SCN_OBSERVATION_TEXT_MAX));
}

static scn_time effective_pattern_horizon(const struct scn_log *log)
{
    if (log->ended) {
        return SCN_TIME_NEVER;
    }
    scn_time settled = log->now > log->pattern_settle ? log->now - log->pattern_settle : 0;
    scn_time h = log->pattern_horizon > settled ? log->pattern_horizon : settled;
    return h < log->now ? h : log->now;
}

/* Counts the observation and stores it if its stream is kept; false when out of memory. */
static bool append(struct scn_log *log, struct scn_observation o)
{
    struct stream_store *st = &log->streams[o.stream];
    st->total++;
    if (!st->kept) {
        return true;
    }
    if (st->count == st->capacity) {
        size_t capacity = st->capacity ? st->capacity * 2 : 64;
        struct scn_observation *items = realloc(st->items, capacity * sizeof *items);
        if (!items) {
            return false;
        }
        st->items = items;
        st->capacity = capacity;
    }
    o.text = copy_text(log, o.text);
    o.value = copy_text(log, o.value);
    if (!o.text || !o.value) {
        return false;
    }
    st->items[st->count++] = o;
    log->revision++;
    return true;
}

void scn_log_advance(struct scn_log *log, scn_time time)
{
    if (!log->ended && time > log->now) {
        log->now = time;
    }
}

static scn_time date(struct scn_log *log, scn_time time)
{
    scn_log_advance(log, time);
    return log->now;
}

bool scn_log_pattern(struct scn_log *log, scn_time start, scn_time observed, const char *name)
{
    if (log->ended) {
        return true;
    }
    scn_log_advance(log, observed);
    /* Keep the stream ordered and consistent with what was already decided. */
    const struct stream_store *st = &log->streams[SCN_STREAM_PATTERN];
    if (st->count && start < st->items[st->count - 1].time) {
        start = st->items[st->count - 1].time;
    }
    scn_time horizon = effective_pattern_horizon(log);
    if (start < horizon) {
        start = horizon;
    }
    if (start > log->now) {
        start = log->now;
    }
    struct scn_observation o = { .stream = SCN_STREAM_PATTERN, .time = start, .observed = log->now,
                                 .step = -1, .text = name };
    return append(log, o);
}

bool scn_log_serial(struct scn_log *log, scn_time time, const char *line)
{
    if (log->ended) {
        return true;
    }
    scn_time t = date(log, time);
    return append(log, (struct scn_observation){ .stream = SCN_STREAM_SERIAL, .time = t, .observed = t,
                                                 .step = -1, .text = line });
}

bool scn_log_cloud(struct scn_log *log, scn_time time, enum scn_cloud_kind kind, const char *name,
                   const char *value)
{
    if (log->ended) {
        return true;
    }
    scn_time t = date(log, time);
    return append(log, (struct scn_observation){ .stream = SCN_STREAM_CLOUD, .time = t, .observed = t,
                                                 .cloud_kind = kind, .step = -1, .text = name,
                                                 .value = value });
}

bool scn_log_packet(struct scn_log *log, scn_time time, const char *description)
{
    if (log->ended) {
        return true;
    }
    scn_time t = date(log, time);
    return append(log, (struct scn_observation){ .stream = SCN_STREAM_PACKET, .time = t, .observed = t,
                                                 .step = -1, .text = description });
}

bool scn_log_step(struct scn_log *log, scn_time time, int step)
{
    if (log->ended || step < 0 || (size_t)step >= log->scn->step_count ||
        log->step_times[step] != SCN_TIME_NEVER) {
        return true;
    }
    scn_time t = date(log, time);
    log->step_times[step] = t;
    return append(log, (struct scn_observation){ .stream = SCN_STREAM_STEP, .time = t, .observed = t,
                                                 .step = step, .text = log->scn->steps[step].label });
}

void scn_log_pattern_horizon(struct scn_log *log, scn_time time)
{
    if (time > log->pattern_horizon) {
        log->pattern_horizon = time;
    }
}

void scn_log_set_pattern_settle(struct scn_log *log, scn_time settle)
{
    log->pattern_settle = settle < 0 ? 0 : settle;
}

scn_time scn_log_pattern_settle(const struct scn_log *log)
{
    return log->pattern_settle;
}

void scn_log_end(struct scn_log *log, scn_time time)
{
    scn_log_advance(log, time);
    log->ended = true;
}

scn_time scn_log_now(const struct scn_log *log)
{
    return log->now;
}

bool scn_log_ended(const struct scn_log *log)
{
    return log->ended;
}

scn_time scn_log_horizon(const struct scn_log *log, enum scn_stream stream)
{
    if (log->ended) {
        return SCN_TIME_NEVER;
    }
    return stream == SCN_STREAM_PATTERN ? effective_pattern_horizon(log) : log->now;
}

size_t scn_log_total(const struct scn_log *log, enum scn_stream stream)
{
    return (unsigned)stream < SCN_STREAM_COUNT ? log->streams[stream].total : 0;
}

size_t scn_log_count(const struct scn_log *log, enum scn_stream stream)
{
    return (unsigned)stream < SCN_STREAM_COUNT ? log->streams[stream].count : 0;
}

const struct scn_observation *scn_log_at(const struct scn_log *log, enum scn_stream stream, size_t index)
{
    if ((unsigned)stream >= SCN_STREAM_COUNT || index >= log->streams[stream].count) {
        return NULL;
    }
    return &log->streams[stream].items[index];
}

uint64_t scn_log_revision(const struct scn_log *log)
{
    return log->revision;
}

scn_time scn_log_step_time(const struct scn_log *log, int step)
{
    if (step < 0 || (size_t)step >= log->scn->step_count) {
        return SCN_TIME_NEVER;
    }
    return log->step_times[step];
}

/* ------------------------------------------------------------- matching */

/* A whole string that strtod reads as a finite number. */
static bool as_number(const char *text, double *out)
{
    char *end;
    if (!*text) {
        return false;
    }
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ') {
        end++;
    }
    if (*end || errno || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

bool scn_values_equal(const char *expected, const char *actual)
{
    double a, b;
    if (as_number(expected, &a) && as_number(actual, &b)) {
        return a == b;
    }
    return strcmp(expected, actual) == 0;
}

static bool regex_matches(const struct scn_regex *re, const char *text)
{
    return re && regexec(&re->compiled, text, 0, NULL, 0) == 0;
}

bool scn_matcher_matches(const struct scn_matcher *m, const struct scn_observation *o)
{
    if (m->stream != o->stream) {
        return false;
    }
    switch (m->stream) {
    case SCN_STREAM_PATTERN:
        return !m->text || strcmp(m->text, o->text) == 0;
    case SCN_STREAM_SERIAL:
    case SCN_STREAM_PACKET:
        return regex_matches(m->regex, o->text);
    case SCN_STREAM_CLOUD:
        if (m->cloud_kind != o->cloud_kind || strcmp(m->text, o->text) != 0) {
            return false;
        }
        if (m->regex) {
            return regex_matches(m->regex, o->value);
        }
        return !m->equals || scn_values_equal(m->equals, o->value);
    case SCN_STREAM_STEP:
        return m->step == o->step;
    default:
        return false;
    }
}

/* -------------------------------------------------------------- cursors */

void scn_cursor_start(struct scn_cursor *cursor, scn_time from)
{
    cursor->from = from;
    cursor->next = 0;
    cursor->started = false;
}

/* Index of the first observation dated at or after t. */
static size_t first_at_or_after(const struct stream_store *st, scn_time t)
{
    size_t low = 0, high = st->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (st->items[mid].time < t) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return low;
}

bool scn_cursor_next(struct scn_cursor *cursor, const struct scn_log *log, const struct scn_matcher *m,
                     struct scn_occurrence *out)
{
    if ((unsigned)m->stream >= SCN_STREAM_COUNT) {
        return false;
    }
    const struct stream_store *st = &log->streams[m->stream];
    if (!cursor->started) {
        cursor->started = true;
        cursor->next = first_at_or_after(st, cursor->from);
        if (m->stream == SCN_STREAM_PATTERN && cursor->next > 0) {
            const struct scn_observation *showing = &st->items[cursor->next - 1];
            if (scn_pattern_is_lasting(showing->text) && scn_matcher_matches(m, showing)) {
                out->time = cursor->from;
                out->observed = showing->observed > cursor->from ? showing->observed : cursor->from;
                out->observation = showing;
                return true;
            }
        }
    }
    while (cursor->next < st->count) {
        const struct scn_observation *o = &st->items[cursor->next++];
        /* A pattern reported late may be dated before the cursor's start. */
        if (o->time >= cursor->from && scn_matcher_matches(m, o)) {
            out->time = o->time;
            out->observed = o->observed;
            out->observation = o;
            return true;
        }
    }
    return false;
}
