/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "condition.h"

#include <stdio.h>

void scn_watch_init(struct scn_watch *w, const struct scn_condition *condition)
{
    *w = (struct scn_watch){ .condition = condition };
}

static scn_time add_time(scn_time a, scn_time b)
{
    return a > SCN_TIME_NEVER - b ? SCN_TIME_NEVER : a + b;
}

bool scn_watch_update(struct scn_watch *w, const struct scn_log *log)
{
    const struct scn_condition *c = w->condition;
    if (w->happened) {
        return true;
    }
    if (!w->counting) {
        scn_time from = 0;
        if (c->since >= 0) {
            from = scn_log_step_time(log, c->since);
            if (from == SCN_TIME_NEVER) {
                return false;
            }
        }
        if (scn_log_now(log) < from) {
            return false;
        }
        scn_cursor_start(&w->cursor, from);
        w->counting = true;
    }
    struct scn_occurrence occurrence;
    while (scn_cursor_next(&w->cursor, log, &c->what, &occurrence)) {
        if (++w->seen >= c->count) {
            w->happened = true;
            w->time = add_time(occurrence.time, c->delay);
            w->observed = occurrence.observed;
            return true;
        }
    }
    return false;
}

static const char *ordinal_suffix(unsigned n)
{
    if (n % 100 >= 11 && n % 100 <= 13) {
        return "th";
    }
    switch (n % 10) {
    case 1:
        return "st";
    case 2:
        return "nd";
    case 3:
        return "rd";
    default:
        return "th";
    }
}

const char *scn_condition_describe(const struct scn_scenario *scn, const struct scn_condition *c,
                                   char *buf, size_t size)
{
    char what[160], count[32] = "", since[120] = "", delay[48] = "";
    const struct scn_matcher *m = &c->what;
    switch (m->stream) {
    case SCN_STREAM_PATTERN:
        snprintf(what, sizeof what, "%s", m->text);
        break;
    case SCN_STREAM_SERIAL:
        snprintf(what, sizeof what, "serial /%s/", m->text);
        break;
    case SCN_STREAM_PACKET:
        snprintf(what, sizeof what, "packet /%s/", m->text);
        break;
    case SCN_STREAM_CLOUD:
        snprintf(what, sizeof what, "%s %s",
                 m->cloud_kind == SCN_CLOUD_EVENT ? "cloud event"
                 : m->cloud_kind == SCN_CLOUD_FUNCTION ? "result of function" : "value of variable",
                 m->text);
        break;
    default:
        snprintf(what, sizeof what, "step \"%s\"", m->text);
        break;
    }
    if (c->count > 1) {
        snprintf(count, sizeof count, "the %u%s ", c->count, ordinal_suffix(c->count));
    }
    if (c->since >= 0 && (size_t)c->since < scn->step_count) {
        snprintf(since, sizeof since, " since step \"%s\"", scn->steps[c->since].label);
    }
    if (c->delay) {
        char t[32];
        snprintf(delay, sizeof delay, " + %s", scn_format_time(c->delay, t, sizeof t));
    }
    snprintf(buf, size, "%s%s%s%s", count, what, since, delay);
    return buf;
}
