/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "junit.h"

#include <inttypes.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* Length of the valid UTF-8 sequence at s (1..4) for a character XML 1.0
 * allows, or 0. */
static size_t xml_char_length(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80) {
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    }
    size_t n;
    uint32_t code;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        code = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0; /* also stops at the terminating NUL */
        }
        code = code << 6 | (s[i] & 0x3F);
    }
    bool overlong = (n == 3 && code < 0x800) || (n == 4 && code < 0x10000);
    bool surrogate = code >= 0xD800 && code <= 0xDFFF;
    if (overlong || surrogate || code > 0x10FFFF || code == 0xFFFE || code == 0xFFFF) {
        return 0;
    }
    return n;
}

void scn_junit_escape(FILE *out, const char *text, int attribute)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        size_t n = xml_char_length(s);
        if (n == 0) {
            fputs(REPLACEMENT, out);
            s++;
            continue;
        }
        switch (*s) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs(attribute ? "&quot;" : "\"", out);
            break;
        case '\'':
            fputs(attribute ? "&apos;" : "'", out);
            break;
        case '\n':
            fputs(attribute ? "&#10;" : "\n", out);
            break;
        case '\r':
            fputs("&#13;", out);
            break;
        case '\t':
            fputs(attribute ? "&#9;" : "\t", out);
            break;
        default:
            fwrite(s, 1, n, out);
            break;
        }
        s += n;
    }
}

/* Exact virtual seconds from nanoseconds: "90.000000000". */
static void virtual_seconds(FILE *out, scn_time t)
{
    bool negative = t < 0;
    uint64_t magnitude = negative ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    fprintf(out, "%s%" PRIu64 ".%09" PRIu64, negative ? "-" : "", magnitude / (uint64_t)SCN_NS_PER_SECOND,
            magnitude % (uint64_t)SCN_NS_PER_SECOND);
}

static void time_property(FILE *out, const char *indent, const char *name, scn_time t)
{
    if (t == SCN_TIME_NEVER) {
        return;
    }
    fprintf(out, "%s<property name=\"%s\" value=\"", indent, name);
    virtual_seconds(out, t);
    fputs("\"/>\n", out);
}

static void attribute(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    scn_junit_escape(out, value, 1);
    fputc('"', out);
}

static void write_case(FILE *out, const struct scn_junit_case *c)
{
    fputs("    <testcase", out);
    attribute(out, "name", c->name);
    attribute(out, "classname", c->classname ? c->classname : "");
    if (c->file) {
        attribute(out, "file", c->file);
    }
    if (c->line) {
        fprintf(out, " line=\"%u\"", c->line);
    }
    fprintf(out, " time=\"%.3f\">\n", c->wall_seconds < 0 ? 0.0 : c->wall_seconds);
    fputs("      <properties>\n", out);
    fprintf(out, "        <property name=\"verdict\" value=\"%s\"/>\n", scn_verdict_state_name(c->state));
    time_property(out, "        ", "virtual-at", c->at);
    time_property(out, "        ", "virtual-decided", c->decided);
    time_property(out, "        ", "virtual-window-start", c->window_start);
    time_property(out, "        ", "virtual-window-end", c->window_end);
    fputs("      </properties>\n", out);
    if (c->state == SCN_VERDICT_MISSED) {
        fputs("      <failure type=\"missed\"", out);
        attribute(out, "message", c->reason);
        fputs(">", out);
        scn_junit_escape(out, c->reason, 0);
        fputs("</failure>\n", out);
    } else if (c->state == SCN_VERDICT_PENDING) {
        fputs("      <error type=\"undecided\" message=\"the run stopped before this expectation was decided\"/>\n",
              out);
    } else if (c->reason && *c->reason) {
        fputs("      <system-out>", out);
        scn_junit_escape(out, c->reason, 0);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

static void count_suite(const struct scn_junit_suite *s, size_t *tests, size_t *failures, size_t *errors)
{
    *tests = s->case_count + (s->run_error ? 1 : 0);
    *failures = 0;
    *errors = s->run_error ? 1 : 0;
    for (size_t i = 0; i < s->case_count; i++) {
        *failures += s->cases[i].state == SCN_VERDICT_MISSED;
        *errors += s->cases[i].state == SCN_VERDICT_PENDING;
    }
}

static void write_suite(FILE *out, const struct scn_junit_suite *s)
{
    size_t tests, failures, errors;
    count_suite(s, &tests, &failures, &errors);
    fputs("  <testsuite", out);
    attribute(out, "name", s->name);
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.3f\"", tests, failures,
            errors, s->wall_seconds < 0 ? 0.0 : s->wall_seconds);
    if (s->timestamp) {
        attribute(out, "timestamp", s->timestamp);
    }
    fputs(">\n    <properties>\n", out);
    fputs("      <property name=\"file\"", out);
    attribute(out, "value", s->file ? s->file : "");
    fputs("/>\n", out);
    fprintf(out, "      <property name=\"seed\" value=\"%" PRIu64 "\"/>\n", s->seed);
    time_property(out, "      ", "virtual-until", s->until);
    time_property(out, "      ", "virtual-ended", s->ended);
    fputs("    </properties>\n", out);
    if (s->run_error) {
        fputs("    <testcase name=\"run\"", out);
        attribute(out, "classname", s->cases && s->case_count ? s->cases[0].classname : s->name);
        fputs(" time=\"0.000\">\n      <error type=\"run\"", out);
        attribute(out, "message", s->run_error);
        fputs("/>\n    </testcase>\n", out);
    }
    for (size_t i = 0; i < s->case_count; i++) {
        write_case(out, &s->cases[i]);
    }
    if (s->system_out) {
        fputs("    <system-out>", out);
        scn_junit_escape(out, s->system_out, 0);
        fputs("</system-out>\n", out);
    }
    fputs("  </testsuite>\n", out);
}

int scn_junit_write(FILE *out, const struct scn_junit_suite *suites, size_t count)
{
    size_t tests = 0, failures = 0, errors = 0;
    double wall = 0;
    for (size_t i = 0; i < count; i++) {
        size_t t, f, e;
        count_suite(&suites[i], &t, &f, &e);
        tests += t;
        failures += f;
        errors += e;
        wall += suites[i].wall_seconds > 0 ? suites[i].wall_seconds : 0;
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<testsuites name=\"photon-sim\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
            tests, failures, errors, wall);
    for (size_t i = 0; i < count; i++) {
        write_suite(out, &suites[i]);
    }
    fputs("</testsuites>\n", out);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

void scn_junit_case_from_verdict(const struct scn_scenario *scn, size_t index, const struct scn_verdict *verdict,
                                 const char *classname, double wall_seconds, struct scn_junit_case *out)
{
    const struct scn_expectation *e = &scn->expectations[index];
    *out = (struct scn_junit_case){
        .name = e->label,
        .classname = classname,
        .file = scn->file,
        .line = e->loc.line,
        .state = verdict->state,
        .reason = verdict->reason,
        .at = verdict->at,
        .decided = verdict->decided,
        .window_start = verdict->window_start,
        .window_end = verdict->window_end,
        .wall_seconds = wall_seconds,
    };
}
