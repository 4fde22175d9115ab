/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "regex_guard.h"

#include <ctype.h>
#include <stdio.h>

static uint64_t saturating_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t saturating_mul(uint64_t a, uint64_t b)
{
    return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* What is known about the group being read (the whole expression is group 0). */
struct group {
    uint64_t size;       /* nodes so far */
    uint64_t last;       /* nodes of the last atom: what a quantifier would copy */
    bool has_last;       /* there is an atom a quantifier can apply to */
    bool last_nullable;  /* the last atom can match the empty string */
    bool before_nullable; /* the current alternative before the last atom can */
    bool any_nullable;   /* a finished alternative can */
};

static void start_alternative(struct group *g)
{
    g->has_last = false;
    g->last = 0;
    g->last_nullable = true;
    g->before_nullable = true;
}

static void add_atom(struct group *g, uint64_t nodes, bool nullable)
{
    g->before_nullable = g->before_nullable && g->last_nullable;
    g->last_nullable = nullable;
    g->last = nodes;
    g->has_last = true;
    g->size = saturating_add(g->size, nodes);
}

static bool group_nullable(const struct group *g)
{
    return g->any_nullable || (g->before_nullable && g->last_nullable);
}

/* After '[' at s[i]: the index just past the closing ']'. */
static size_t skip_bracket(const char *s, size_t length, size_t i)
{
    i++;
    if (i < length && s[i] == '^') {
        i++;
    }
    if (i < length && s[i] == ']') {
        i++; /* a leading ']' is a member */
    }
    while (i < length && s[i] != ']') {
        if (s[i] == '[' && i + 1 < length && (s[i + 1] == ':' || s[i + 1] == '.' || s[i + 1] == '=')) {
            char kind = s[i + 1];
            i += 2;
            while (i + 1 < length && !(s[i] == kind && s[i + 1] == ']')) {
                i++;
            }
            i += 2;
        } else {
            i++;
        }
    }
    return i + 1;
}

struct repeat {
    uint64_t min, max; /* max UINT64_MAX: unbounded */
    uint64_t largest;  /* the largest number written, for {m,n} */
};

/* The quantifier at s[*i] ('*', '+', '?' or an interval), moving *i to its
 * last character; false if s[*i] does not start one. */
static bool read_repeat(const char *s, size_t length, size_t *i, struct repeat *r)
{
    r->largest = 0;
    switch (s[*i]) {
    case '*':
        r->min = 0;
        r->max = UINT64_MAX;
        return true;
    case '+':
        r->min = 1;
        r->max = UINT64_MAX;
        return true;
    case '?':
        r->min = 0;
        r->max = 1;
        return true;
    case '{':
        break;
    default:
        return false;
    }
    uint64_t low = 0, high = 0;
    bool comma = false, digits = false;
    size_t j = *i + 1;
    for (; j < length && (isdigit((unsigned char)s[j]) || (s[j] == ',' && !comma)); j++) {
        if (s[j] == ',') {
            comma = true;
            continue;
        }
        digits = true;
        uint64_t *v = comma ? &high : &low;
        *v = *v > 100000 ? *v : *v * 10 + (uint64_t)(s[j] - '0');
    }
    if (j >= length || s[j] != '}' || !digits) {
        return false; /* a literal '{' */
    }
    *i = j;
    r->min = low;
    r->max = comma ? (high ? high : UINT64_MAX) : low;
    r->largest = low > high ? low : high;
    return true;
}

/* glibc copies the operand once per repetition it has to spell out. */
static uint64_t copies_of(const struct repeat *r)
{
    if (r->max == UINT64_MAX) {
        return r->min > 0 ? r->min + 1 : 1;
    }
    return r->max > 0 ? r->max : 1;
}

static bool refuse(char *reason, size_t size, const char *text)
{
    snprintf(reason, size, "%s", text);
    return false;
}

bool scn_regex_guard(const char *s, size_t n, uint64_t *nodes, char *reason, size_t reason_size)
{
    struct group stack[SCN_REGEX_NESTING_MAX + 1];
    size_t depth = 0;
    struct group *g = &stack[0];
    bool after_repeat = false;
    *g = (struct group){ 0 };
    start_alternative(g);
    for (size_t i = 0; i < n; i++) {
        struct repeat r;
        size_t at = i;
        if (read_repeat(s, n, &i, &r) && g->has_last) {
            if (after_repeat) {
                /* POSIX leaves "a**" undefined; glibc takes seconds on runs of them. */
                return refuse(reason, reason_size, "a repetition right after another (like \"a**\") is not supported");
            }
            if (r.largest > SCN_REGEX_REPEAT_MAX) {
                snprintf(reason, reason_size, "repetition counts above %u are not supported", SCN_REGEX_REPEAT_MAX);
                return false;
            }
            if (r.max > 1 && g->last_nullable) {
                return refuse(reason, reason_size,
                              "repeating something that can match nothing (like \"(a?)*\") is not supported");
            }
            uint64_t copies = copies_of(&r);
            g->size = saturating_add(g->size, saturating_mul(g->last, copies - 1));
            g->last = saturating_mul(g->last, copies);
            g->last_nullable = g->last_nullable || r.min == 0;
            after_repeat = true;
            continue;
        }
        i = at;
        after_repeat = false;
        switch (s[i]) {
        case '\\':
            if (i + 1 < n && isdigit((unsigned char)s[i + 1])) {
                snprintf(reason, reason_size, "back-references (\\%c) are not supported", s[i + 1]);
                return false;
            }
            i++;
            add_atom(g, 1, false);
            break;
        case '[':
            i = skip_bracket(s, n, i) - 1;
            add_atom(g, 1, false);
            break;
        case '^':
        case '$':
            add_atom(g, 1, true); /* anchors match no character */
            break;
        case '(':
            if (depth == SCN_REGEX_NESTING_MAX) {
                snprintf(reason, reason_size, "regular expression nested deeper than %u groups",
                         SCN_REGEX_NESTING_MAX);
                return false;
            }
            g = &stack[++depth];
            *g = (struct group){ 0 };
            start_alternative(g);
            break;
        case ')':
            if (depth == 0) {
                add_atom(g, 1, false); /* regcomp decides what a stray ')' means */
            } else {
                bool nullable = group_nullable(g);
                uint64_t size = g->size;
                g = &stack[--depth];
                add_atom(g, size, nullable);
            }
            break;
        case '|':
            g->any_nullable = group_nullable(g);
            start_alternative(g);
            break;
        default:
            add_atom(g, 1, false);
            break;
        }
        if (g->size > SCN_REGEX_NODES_MAX) {
            break;
        }
    }
    uint64_t total = 0;
    for (size_t d = 0; d <= depth; d++) { /* unclosed groups: regcomp refuses them, count them anyway */
        total = saturating_add(total, stack[d].size);
    }
    if (total > SCN_REGEX_NODES_MAX) {
        snprintf(reason, reason_size, "regular expression too complex (its repetitions expand it to more than %u nodes)",
                 SCN_REGEX_NODES_MAX);
        return false;
    }
    *nodes = total;
    return true;
}
