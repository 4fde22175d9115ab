/*
 * Diagnostics about a scenario file: one line, "FILE:LINE:COLUMN: reason",
 * printable as is by the front end, a CI log or an editor's error parser.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_DIAG_H
#define PHOTON_SCENARIO_DIAG_H

#include <stdbool.h>

#define SCN_DIAG_TEXT_MAX 768

struct scn_diag {
    unsigned line, column; /* 1-based; 0 when the problem has no place in the file */
    char text[SCN_DIAG_TEXT_MAX]; /* "FILE:LINE:COLUMN: reason", or "FILE: reason" */
};

/* Fills diag (if not NULL) and returns false, so a parser can `return scn_diag_set(...)`. */
bool scn_diag_set(struct scn_diag *diag, const char *file, unsigned line, unsigned column,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
