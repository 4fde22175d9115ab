/*
 * A small strict JSON reader over a NUL-terminated string, enough for the
 * report's fixed formats: walk an object's members, read strings, numbers
 * and booleans, skip any value. No allocation; errors are written into the
 * cursor's buffer and every function returns false from then on.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_JSON_SCAN_H
#define PHOTON_GUI_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

struct json_cursor {
    const char *p;
    char *why;       /* receives the first error */
    size_t why_size;
    bool failed;
};

void json_cursor_init(struct json_cursor *c, const char *text, char *why, size_t why_size);

/* Records an error (printf-style) unless one is already recorded; returns false. */
bool json_fail(struct json_cursor *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void json_skip_space(struct json_cursor *c);

/* True at the end of the text, whitespace aside. */
bool json_at_end(struct json_cursor *c);

/*
 * A string into out (UTF-8, escapes decoded; \u0000 is refused). Longer
 * than out_size - 1 bytes fails with "what is longer than N bytes".
 */
bool json_read_string(struct json_cursor *c, char *out, size_t out_size, const char *what);

/* A number, by JSON's grammar, as a finite double. */
bool json_read_number(struct json_cursor *c, double *out, const char *what);

bool json_read_bool(struct json_cursor *c, bool *out, const char *what);

/* Skips one value of any type (nesting up to 16 deep). */
bool json_skip_value(struct json_cursor *c);

/*
 * Walks an object: for each member, calls on_member with its key and the
 * cursor before the value, which on_member must consume (or skip).
 */
typedef bool (*json_member_fn)(struct json_cursor *c, const char *key, void *opaque);
bool json_read_object(struct json_cursor *c, json_member_fn on_member, void *opaque);

#endif
