/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool scn_diag_set(struct scn_diag *diag, const char *file, unsigned line, unsigned column,
                  const char *fmt, ...)
{
    if (!diag) {
        return false;
    }
    diag->line = line;
    diag->column = column;
    int used;
    if (line) {
        used = snprintf(diag->text, sizeof diag->text, "%s:%u:%u: ", file, line, column);
    } else {
        used = snprintf(diag->text, sizeof diag->text, "%s: ", file);
    }
    if (used < 0) {
        used = 0;
    }
    if ((size_t)used < sizeof diag->text) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->text + used, sizeof diag->text - (size_t)used, fmt, ap);
        va_end(ap);
    }
    /* One printable line whatever the message quoted (a scalar may hold
     * newlines or terminal escapes). */
    for (char *p = diag->text; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
    return false;
}
