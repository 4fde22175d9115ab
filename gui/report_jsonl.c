/*
 * Reading led.jsonl, steps.jsonl and summary.json (see report_jsonl.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE /* getline */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_scan.h"
#include "report_jsonl.h"

/* summary.json is a few kilobytes; anything this big is not one. */
#define SUMMARY_MAX_BYTES (4 * 1024 * 1024)

enum {
    SEEN_T = 1 << 0,
    SEEN_RGB = 1 << 1,
    SEEN_D7 = 1 << 2,
    SEEN_PATTERN = 1 << 3,
    SEEN_STEP = 1 << 4,
};

struct record_reader {
    struct report_record *record;
    unsigned seen;
};

static bool first_time(struct json_cursor *c, struct record_reader *r, unsigned flag,
                       const char *key)
{
    if (r->seen & flag) {
        return json_fail(c, "\"%s\" appears twice", key);
    }
    r->seen |= flag;
    return true;
}

static bool read_rgb(struct json_cursor *c, double rgb[3])
{
    static const char *const names[3] = { "rgb red", "rgb green", "rgb blue" };

    json_skip_space(c);
    if (*c->p != '[') {
        return json_fail(c, "\"rgb\" must be an array of 3 numbers");
    }
    c->p++;
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            json_skip_space(c);
            if (*c->p != ',') {
                return json_fail(c, "\"rgb\" must hold 3 numbers, found %d", i);
            }
            c->p++;
        }
        if (!json_read_number(c, &rgb[i], names[i])) {
            return false;
        }
        if (rgb[i] < 0.0 || rgb[i] > 1.0) {
            return json_fail(c, "%s duty %g is outside 0..1", names[i], rgb[i]);
        }
    }
    json_skip_space(c);
    if (*c->p != ']') {
        return json_fail(c, "\"rgb\" must hold 3 numbers, found more");
    }
    c->p++;
    return true;
}

static bool read_record_member(struct json_cursor *c, const char *key, void *opaque)
{
    struct record_reader *r = opaque;
    struct report_record *rec = r->record;

    if (strcmp(key, "t") == 0) {
        if (!first_time(c, r, SEEN_T, key) || !json_read_number(c, &rec->t, "\"t\"")) {
            return false;
        }
        if (rec->t < 0.0) {
            return json_fail(c, "\"t\" %g is negative", rec->t);
        }
        return true;
    }
    if (strcmp(key, "rgb") == 0) {
        return first_time(c, r, SEEN_RGB, key) && read_rgb(c, rec->rgb);
    }
    if (strcmp(key, "d7") == 0) {
        return first_time(c, r, SEEN_D7, key) && json_read_bool(c, &rec->d7, "\"d7\"");
    }
    if (strcmp(key, "pattern") == 0) {
        return first_time(c, r, SEEN_PATTERN, key) &&
               json_read_string(c, rec->text, sizeof(rec->text), "\"pattern\"");
    }
    if (strcmp(key, "step") == 0) {
        return first_time(c, r, SEEN_STEP, key) &&
               json_read_string(c, rec->text, sizeof(rec->text), "\"step\"");
    }
    return json_skip_value(c); /* a field a newer writer added */
}

static unsigned count_bits(unsigned v)
{
    unsigned n = 0;
    for (; v; v &= v - 1) {
        n++;
    }
    return n;
}

bool report_parse_line(const char *line, struct report_record *out,
                       char *why, size_t why_size)
{
    struct json_cursor c;
    struct record_reader reader = { out, 0 };
    unsigned kinds;

    memset(out, 0, sizeof(*out));
    json_cursor_init(&c, line, why, why_size);
    if (!json_read_object(&c, read_record_member, &reader)) {
        return false;
    }
    if (!json_at_end(&c)) {
        return json_fail(&c, "unexpected text after the object");
    }
    if (!(reader.seen & SEEN_T)) {
        return json_fail(&c, "no \"t\" (time in seconds)");
    }
    kinds = reader.seen & (SEEN_RGB | SEEN_PATTERN | SEEN_STEP);
    if (kinds == 0) {
        return json_fail(&c, "neither \"rgb\", \"pattern\" nor \"step\"");
    }
    if (count_bits(kinds) > 1) {
        return json_fail(&c, "more than one of \"rgb\", \"pattern\" and \"step\"");
    }
    if ((reader.seen & SEEN_D7) && kinds != SEEN_RGB) {
        return json_fail(&c, "\"d7\" belongs to a colour line (with \"rgb\")");
    }
    if ((kinds & (SEEN_PATTERN | SEEN_STEP)) && out->text[0] == '\0') {
        return json_fail(&c, "empty %s", kinds == SEEN_PATTERN ? "\"pattern\"" : "\"step\"");
    }
    out->kind = kinds == SEEN_RGB ? REPORT_RECORD_COLOUR :
                kinds == SEEN_PATTERN ? REPORT_RECORD_PATTERN : REPORT_RECORD_STEP;
    return true;
}

static bool diag_error(struct report_diagnostics *diag, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool diag_error(struct report_diagnostics *diag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(diag->error, sizeof(diag->error), fmt, ap);
    va_end(ap);
    return false;
}

static bool is_blank(const char *s)
{
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\r') {
            return false;
        }
    }
    return true;
}

/* Accepts one parsed line into tl; false with a reason in why. */
typedef bool (*record_sink_fn)(struct report_timeline *tl, const struct report_record *rec,
                               char *why, size_t why_size);

static bool load_lines(struct report_timeline *tl, const char *path, record_sink_fn sink,
                       struct report_diagnostics *diag)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t capacity = 0;
    unsigned long line_no = 0;
    bool ok = true;
    ssize_t len;

    diag->error[0] = diag->warning[0] = '\0';
    if (!f) {
        return diag_error(diag, "%s: %s", path, strerror(errno));
    }
    while (ok && (len = getline(&line, &capacity, f)) >= 0) {
        struct report_record rec;
        char why[256];
        bool complete = len > 0 && line[len - 1] == '\n';

        line_no++;
        if (complete) {
            line[--len] = '\0';
        }
        if ((size_t)len != strlen(line)) {
            ok = diag_error(diag, "%s:%lu: NUL byte in the line", path, line_no);
            break;
        }
        if (is_blank(line)) {
            continue;
        }
        if (!report_parse_line(line, &rec, why, sizeof(why))) {
            if (!complete) {
                snprintf(diag->warning, sizeof(diag->warning),
                         "%s:%lu: incomplete last line skipped (the run was cut short?): %s",
                         path, line_no, why);
                break;
            }
            ok = diag_error(diag, "%s:%lu: %s", path, line_no, why);
        } else if (!sink(tl, &rec, why, sizeof(why))) {
            ok = diag_error(diag, "%s:%lu: %s", path, line_no, why);
        }
    }
    if (ok && ferror(f)) {
        ok = diag_error(diag, "%s: %s", path, strerror(errno));
    }
    free(line);
    fclose(f);
    report_timeline_finish(tl);
    return ok;
}

static bool sink_led_record(struct report_timeline *tl, const struct report_record *rec,
                            char *why, size_t why_size)
{
    switch (rec->kind) {
    case REPORT_RECORD_COLOUR: {
        struct led_sample sample = { rec->t, rec->rgb[0], rec->rgb[1], rec->rgb[2], rec->d7 };
        if (tl->n_samples && rec->t < tl->samples[tl->n_samples - 1].t) {
            snprintf(why, why_size, "time %.6f is before the previous colour change (%.6f)",
                     rec->t, tl->samples[tl->n_samples - 1].t);
            return false;
        }
        if (!report_timeline_add_sample(tl, sample)) {
            snprintf(why, why_size, "out of memory");
            return false;
        }
        return true;
    }
    case REPORT_RECORD_PATTERN:
        if (!report_timeline_add_pattern(tl, rec->t, rec->text)) {
            snprintf(why, why_size, "out of memory");
            return false;
        }
        return true;
    case REPORT_RECORD_STEP:
        break;
    }
    snprintf(why, why_size, "a step line belongs in steps.jsonl, not with the LED's");
    return false;
}

static bool sink_step_record(struct report_timeline *tl, const struct report_record *rec,
                             char *why, size_t why_size)
{
    if (rec->kind != REPORT_RECORD_STEP) {
        snprintf(why, why_size, "expected a step line ({\"t\": ..., \"step\": \"...\"})");
        return false;
    }
    if (!report_timeline_add_step(tl, rec->t, rec->text)) {
        snprintf(why, why_size, "out of memory");
        return false;
    }
    return true;
}

bool report_load_led(struct report_timeline *tl, const char *path,
                     struct report_diagnostics *diag)
{
    return load_lines(tl, path, sink_led_record, diag);
}

bool report_load_steps(struct report_timeline *tl, const char *path,
                       struct report_diagnostics *diag)
{
    return load_lines(tl, path, sink_step_record, diag);
}

struct summary_reader {
    double virtual_seconds;
    bool found;
};

static bool read_summary_member(struct json_cursor *c, const char *key, void *opaque)
{
    struct summary_reader *s = opaque;

    if (strcmp(key, "virtual_seconds") != 0) {
        return json_skip_value(c);
    }
    if (!json_read_number(c, &s->virtual_seconds, "\"virtual_seconds\"")) {
        return false;
    }
    if (s->virtual_seconds < 0) {
        return json_fail(c, "\"virtual_seconds\" is negative");
    }
    s->found = true;
    return true;
}

/* Reads a whole small file; NULL with diag set on failure. */
static char *read_small_file(const char *path, struct report_diagnostics *diag)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t n;

    if (!f) {
        diag_error(diag, "%s: %s", path, strerror(errno));
        return NULL;
    }
    text = malloc(SUMMARY_MAX_BYTES + 1);
    if (!text) {
        diag_error(diag, "%s: out of memory", path);
    } else {
        n = fread(text, 1, SUMMARY_MAX_BYTES + 1, f);
        if (ferror(f) || n > SUMMARY_MAX_BYTES || memchr(text, '\0', n)) {
            diag_error(diag, "%s: %s", path, ferror(f) ? strerror(errno) :
                       n > SUMMARY_MAX_BYTES ? "too big for a summary" : "NUL byte in the file");
            free(text);
            text = NULL;
        } else {
            text[n] = '\0';
        }
    }
    fclose(f);
    return text;
}

bool report_load_summary_end(struct report_timeline *tl, const char *path,
                             struct report_diagnostics *diag)
{
    struct summary_reader summary = { 0, false };
    struct json_cursor c;
    char why[256];
    char *text;

    diag->error[0] = diag->warning[0] = '\0';
    text = read_small_file(path, diag);
    if (!text) {
        return false;
    }
    json_cursor_init(&c, text, why, sizeof(why));
    if (!json_read_object(&c, read_summary_member, &summary) || !json_at_end(&c)) {
        if (!c.failed) {
            json_fail(&c, "unexpected text after the object");
        }
        free(text);
        return diag_error(diag, "%s: %s", path, why);
    }
    free(text);
    if (summary.found) {
        report_timeline_set_end(tl, summary.virtual_seconds);
    }
    return true;
}
