/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "scenario_test_support.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scn_scenario *parse_ok(const char *text)
{
    struct scn_diag diag = { 0 };
    struct scn_scenario *scn = scn_scenario_parse("test.yaml", text, strlen(text), &diag);
    ck_assert_msg(scn != NULL, "expected a valid scenario, got: %s", diag.text);
    return scn;
}

const char *parse_error(const char *text)
{
    static struct scn_diag diag;
    memset(&diag, 0, sizeof diag);
    struct scn_scenario *scn = scn_scenario_parse("test.yaml", text, strlen(text), &diag);
    if (scn) {
        scn_scenario_free(scn);
        ck_abort_msg("expected an error, the scenario parsed:\n%s", text);
    }
    return diag.text;
}

char *format_md_example(void)
{
    FILE *f = fopen(SCENARIO_FORMAT_MD, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", SCENARIO_FORMAT_MD);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    const char *section = strstr(text, "## A complete example");
    ck_assert_ptr_nonnull(section);
    const char *start = strstr(section, "```yaml\n");
    ck_assert_ptr_nonnull(start);
    start += strlen("```yaml\n");
    const char *end = strstr(start, "\n```");
    ck_assert_ptr_nonnull(end);
    size_t length = (size_t)(end - start) + 1;
    char *example = malloc(length + 1);
    ck_assert_ptr_nonnull(example);
    memcpy(example, start, length);
    example[length] = 0;
    return example;
}

void record_verdict(void *opaque, size_t index, const struct scn_expectation *e, const struct scn_verdict *v)
{
    struct recorder *rec = opaque;
    ck_assert_uint_lt(rec->verdict_count, RECORD_MAX);
    struct recorded_verdict *r = &rec->verdicts[rec->verdict_count++];
    r->index = index;
    r->state = v->state;
    r->at = v->at;
    r->decided = v->decided;
    r->window_start = v->window_start;
    r->window_end = v->window_end;
    snprintf(r->reason, sizeof r->reason, "%s", v->reason);
}

void record_step(void *opaque, size_t index, const struct scn_step *step, scn_time when)
{
    struct recorder *rec = opaque;
    ck_assert_uint_lt(rec->step_count, RECORD_MAX);
    struct recorded_step *r = &rec->steps[rec->step_count++];
    r->index = index;
    r->when = when;
    snprintf(r->label, sizeof r->label, "%s", step->label);
}

struct scn_session_hooks recording_hooks(struct recorder *rec)
{
    return (struct scn_session_hooks){ .on_step = record_step, .on_verdict = record_verdict, .opaque = rec };
}

const struct recorded_verdict *verdict_for(const struct recorder *rec, size_t index)
{
    const struct recorded_verdict *found = NULL;
    for (size_t i = 0; i < rec->verdict_count; i++) {
        if (rec->verdicts[i].index == index) {
            ck_assert_msg(found == NULL, "expectation %zu was reported twice", index);
            found = &rec->verdicts[i];
        }
    }
    return found;
}
