/*
 * Reading a run's report files into a report_timeline:
 *
 *   led.jsonl     one JSON object a line, either a colour change
 *                   {"t": 1.25, "rgb": [0.0, 0.3735, 0.3735], "d7": false}
 *                 ("d7" optional, false when absent) or a pattern that began
 *                   {"t": 1.25, "pattern": "fast-blinking-cyan"}
 *   steps.jsonl   the scenario's steps: {"t": 3.0, "step": "drop TCP 5683"}
 *   summary.json  only "virtual_seconds", the run's end
 *
 * A purpose-built parser for this fixed format: it knows JSON's grammar for
 * objects, strings, numbers, booleans, null and arrays (other keys are
 * skipped, so the writer may add fields), and it is strict about the fields
 * it uses: t a finite number >= 0, rgb exactly three numbers in 0..1, a
 * line of one kind only. A malformed line fails the load with "path:line:
 * reason" - except an incomplete last line without its newline, which a run
 * killed mid-write leaves behind: it is skipped with a warning.
 *
 * Numbers are parsed without the C library's locale-dependent strtod.
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_REPORT_JSONL_H
#define PHOTON_GUI_REPORT_JSONL_H

#include <stdbool.h>
#include <stddef.h>

#include "report_timeline.h"

/* Longest pattern name or step label kept, including its terminating NUL. */
#define REPORT_TEXT_MAX 160

enum report_record_kind {
    REPORT_RECORD_COLOUR,
    REPORT_RECORD_PATTERN,
    REPORT_RECORD_STEP,
};

struct report_record {
    enum report_record_kind kind;
    double t;
    double rgb[3];              /* colour */
    bool d7;                    /* colour */
    char text[REPORT_TEXT_MAX]; /* pattern name or step label, UTF-8 */
};

/*
 * One line, without its newline. False when it is malformed, with the
 * reason (no file or line number) in why.
 */
bool report_parse_line(const char *line, struct report_record *out,
                       char *why, size_t why_size);

struct report_diagnostics {
    char error[512];   /* "path:line: reason" when a load fails */
    char warning[512]; /* "path:line: ..." when an incomplete last line was skipped */
};

/*
 * Append a file's records to tl. False on the first malformed line (or an
 * unreadable file, or out of memory) with diag->error set; tl then holds
 * the lines before it. led.jsonl must hold colour and pattern lines, with
 * colour times that never go backwards; steps.jsonl step lines.
 */
bool report_load_led(struct report_timeline *tl, const char *path,
                     struct report_diagnostics *diag);
bool report_load_steps(struct report_timeline *tl, const char *path,
                       struct report_diagnostics *diag);

/*
 * Sets tl's end from summary.json's "virtual_seconds". True when the file
 * parses (with or without that key); false with diag->error otherwise.
 */
bool report_load_summary_end(struct report_timeline *tl, const char *path,
                             struct report_diagnostics *diag);

#endif
