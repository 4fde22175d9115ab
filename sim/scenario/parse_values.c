/*
 * The parser's checked readers of YAML values. Values are checked by their
 * text, not by YAML's implicit typing: `port: "5683"` and `ssid: 12345` are
 * both fine, `until: 90s` is a time and `until: soon` is an error that says
 * what a time looks like.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"
#include "pattern_names.h"
#include "regex_guard.h"
#include "spelling.h"

/* glibc's compile time grows faster than the square of an expression's
 * size (regex_guard.h limits each one); this limits them all together. */
#define REGEX_TOTAL_MAX 16384u

/* ----------------------------------------------------------- key paths */

size_t path_push_key(struct parser *p, const char *key)
{
    size_t saved = p->path_length;
    int n = snprintf(p->path + p->path_length, sizeof p->path - p->path_length, "%s%s",
                     p->path_length ? "." : "", key);
    if (n > 0) {
        p->path_length += (size_t)n;
        if (p->path_length >= sizeof p->path) {
            p->path_length = sizeof p->path - 1;
        }
    }
    return saved;
}

size_t path_push_index(struct parser *p, size_t index)
{
    size_t saved = p->path_length;
    int n = snprintf(p->path + p->path_length, sizeof p->path - p->path_length, "[%zu]",
                     index + 1);
    if (n > 0) {
        p->path_length += (size_t)n;
        if (p->path_length >= sizeof p->path) {
            p->path_length = sizeof p->path - 1;
        }
    }
    return saved;
}

void path_pop(struct parser *p, size_t saved)
{
    if (saved < sizeof p->path) {
        p->path_length = saved;
        p->path[saved] = 0;
    }
}

/* ----------------------------------------------------------- failures */

struct scn_loc node_loc(const struct ynode *node)
{
    struct scn_loc loc = { 0, 0 };
    if (node) {
        loc.line = node->line;
        loc.column = node->column;
    }
    return loc;
}

static bool vfail_at(struct parser *p, struct scn_loc at, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static bool vfail_at(struct parser *p, struct scn_loc at, const char *fmt, va_list ap)
{
    char message[SCN_DIAG_TEXT_MAX];
    vsnprintf(message, sizeof message, fmt, ap);
    if (p->path_length) {
        return scn_diag_set(p->err, p->file, at.line, at.column, "%s: %s", p->path, message);
    }
    return scn_diag_set(p->err, p->file, at.line, at.column, "%s", message);
}

bool fail(struct parser *p, const struct ynode *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(p, node_loc(at), fmt, ap);
    va_end(ap);
    return false;
}

bool fail_at(struct parser *p, struct scn_loc at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(p, at, fmt, ap);
    va_end(ap);
    return false;
}

bool out_of_memory(struct parser *p)
{
    return scn_diag_set(p->err, p->file, 0, 0, "out of memory");
}

const char *describe_node(const struct ynode *node, char *buf, size_t size)
{
    const size_t shown = 40;
    if (!node) {
        snprintf(buf, size, "nothing");
    } else if (node->kind == YNODE_MAPPING) {
        snprintf(buf, size, "a mapping");
    } else if (node->kind == YNODE_SEQUENCE) {
        snprintf(buf, size, "a list");
    } else if (node->length == 0 && node->plain) {
        snprintf(buf, size, "nothing");
    } else {
        char text[64];
        size_t n = 0;
        for (size_t i = 0; i < node->length && i < shown; i++) {
            unsigned char c = (unsigned char)node->text[i];
            text[n++] = (c < 0x20 || c == 0x7f || c == '"') ? '?' : (char)c;
        }
        text[n] = 0;
        snprintf(buf, size, "\"%s%s\"", text, node->length > shown ? "..." : "");
    }
    return buf;
}

/* ----------------------------------------------------------- mappings */

bool is_scalar(const struct ynode *node, const char *text)
{
    return node && node->kind == YNODE_SCALAR && strlen(text) == node->length &&
           memcmp(node->text, text, node->length) == 0;
}

static void list_keys(const char *const *allowed, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (size_t i = 0; allowed[i]; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", allowed[i]);
        if (n < 0 || (size_t)n >= size - used) {
            break;
        }
        used += (size_t)n;
    }
}

bool check_mapping(struct parser *p, const struct ynode *node, const char *const *allowed,
                   const char *what)
{
    char got[80], keys[400];
    if (!node || node->kind != YNODE_MAPPING) {
        return fail(p, node, "expected %s (a mapping of key: value), got %s", what,
                    describe_node(node, got, sizeof got));
    }
    for (const struct ynode *key = node->first; key; key = key->next ? key->next->next : NULL) {
        if (key->kind != YNODE_SCALAR || key->length == 0 || strlen(key->text) != key->length) {
            return fail(p, key, "keys must be plain names, got %s", describe_node(key, got, sizeof got));
        }
        size_t i;
        for (i = 0; allowed[i]; i++) {
            if (strcmp(allowed[i], key->text) == 0) {
                break;
            }
        }
        if (!allowed[i]) {
            list_keys(allowed, keys, sizeof keys);
            size_t count = i;
            const char *near = scn_closest_word(key->text, (const char *const *)allowed, count);
            if (near) {
                return fail(p, key, "unknown key %s (did you mean \"%s\"?)", describe_node(key, got, sizeof got),
                            near);
            }
            return fail(p, key, "unknown key %s (expected one of: %s)",
                        describe_node(key, got, sizeof got), keys);
        }
        for (const struct ynode *earlier = node->first; earlier != key;
             earlier = earlier->next->next) {
            if (strcmp(earlier->text, key->text) == 0) {
                return fail(p, key, "key %s given twice (first on line %u)", describe_node(key, got, sizeof got),
                            earlier->line);
            }
        }
    }
    return true;
}

const struct ynode *map_get(const struct ynode *map, const char *key)
{
    if (!map || map->kind != YNODE_MAPPING) {
        return NULL;
    }
    for (const struct ynode *k = map->first; k && k->next; k = k->next->next) {
        if (is_scalar(k, key)) {
            return k->next;
        }
    }
    return NULL;
}

const struct ynode *map_first_key(const struct ynode *map)
{
    return map && map->kind == YNODE_MAPPING ? map->first : NULL;
}

bool check_sequence(struct parser *p, const struct ynode *node, size_t max, const char *what)
{
    char got[80];
    if (!node || node->kind != YNODE_SEQUENCE) {
        return fail(p, node, "expected a list of %s, got %s", what,
                    describe_node(node, got, sizeof got));
    }
    if (node->count > max) {
        return fail(p, node, "too many %s (%zu; at most %zu)", what, node->count, max);
    }
    return true;
}

bool require_key(struct parser *p, const struct ynode *map, const char *key, const char *what)
{
    if (map_get(map, key)) {
        return true;
    }
    return fail(p, map, "missing key \"%s\" (%s)", key, what);
}

/* ----------------------------------------------------------- scalars */

/* "A value with a '/' or a '.' is a file name": keywords never have either,
 * so a misspelt keyword is reported as such instead of as a missing file. */
bool looks_like_path(const struct ynode *node)
{
    return node && node->kind == YNODE_SCALAR &&
           (memchr(node->text, '/', node->length) || memchr(node->text, '.', node->length));
}

bool is_hex_text(const char *s, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}


static bool expect_scalar(struct parser *p, const struct ynode *node, const char *what)
{
    char got[80];
    if (!node || node->kind != YNODE_SCALAR || (node->plain && node->length == 0)) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    return true;
}

bool read_text(struct parser *p, const struct ynode *node, size_t max, bool allow_empty,
               bool allow_control, const char **out)
{
    char got[80];
    if (!node || node->kind != YNODE_SCALAR) {
        return fail(p, node, "expected text, got %s", describe_node(node, got, sizeof got));
    }
    if (node->length == 0 && !allow_empty) {
        return fail(p, node, "expected text, got nothing");
    }
    if (node->length > max) {
        return fail(p, node, "too long (%zu bytes; at most %zu)", node->length, max);
    }
    for (size_t i = 0; i < node->length; i++) {
        unsigned char c = (unsigned char)node->text[i];
        if (c == 0) {
            return fail(p, node, "contains a NUL character");
        }
        if (!allow_control && (c < 0x20 || c == 0x7f)) {
            return fail(p, node, "contains a control character (0x%02x)", c);
        }
    }
    /* The tree is freed after the parse: the model keeps its own copy. */
    *out = scn_arena_strndup(p->arena, node->text, node->length);
    return *out ? true : out_of_memory(p);
}

bool read_name(struct parser *p, const struct ynode *node, const char **out)
{
    return read_text(p, node, SCN_NAME_MAX, false, false, out);
}

bool read_path(struct parser *p, const struct ynode *node, const char **out)
{
    return read_text(p, node, SCN_PATH_MAX, false, false, out);
}

/* Parses "digits[.digits]" at s; returns the end or NULL. */
static const char *decimal(const char *s, uint64_t *whole, uint64_t *fraction, unsigned *fraction_digits)
{
    const char *start = s;
    *whole = 0;
    *fraction = 0;
    *fraction_digits = 0;
    while (isdigit((unsigned char)*s)) {
        if (s - start >= 15) {
            return NULL; /* far beyond any limit; keeps the arithmetic exact */
        }
        *whole = *whole * 10 + (uint64_t)(*s++ - '0');
    }
    if (s == start) {
        return NULL;
    }
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s)) {
            return NULL;
        }
        while (isdigit((unsigned char)*s)) {
            if (*fraction_digits >= 9) {
                return NULL;
            }
            *fraction = *fraction * 10 + (uint64_t)(*s++ - '0');
            (*fraction_digits)++;
        }
    }
    return s;
}

bool read_time(struct parser *p, const struct ynode *node, scn_time *out)
{
    static const char what[] = "a time (seconds, e.g. 90 or 2.5, or with a unit: 250ms, 2.5s, 1.5min, 1h)";
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    const char *s = node->text;
    if (*s == '-') {
        return fail(p, node, "expected a time of 0 or more, got %s", describe_node(node, got, sizeof got));
    }
    uint64_t whole, fraction;
    unsigned digits;
    const char *end = decimal(s, &whole, &fraction, &digits);
    if (!end) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    while (*end == ' ') {
        end++;
    }
    uint64_t unit;
    if (*end == 0 || strcmp(end, "s") == 0) {
        unit = (uint64_t)SCN_NS_PER_SECOND;
    } else if (strcmp(end, "ms") == 0) {
        unit = (uint64_t)SCN_NS_PER_MS;
    } else if (strcmp(end, "min") == 0) {
        unit = 60u * (uint64_t)SCN_NS_PER_SECOND;
    } else if (strcmp(end, "h") == 0) {
        unit = 3600u * (uint64_t)SCN_NS_PER_SECOND;
    } else {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    if ((size_t)(end - s) > node->length || strlen(node->text) != node->length) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    const uint64_t limit = (uint64_t)SCN_TIME_LIMIT;
    if (whole > limit / unit) {
        return fail(p, node, "%s is too long (at most 7 days)", describe_node(node, got, sizeof got));
    }
    uint64_t scale = 1;
    for (unsigned i = 0; i < digits; i++) {
        scale *= 10;
    }
    /* fraction < scale <= 1e9 and unit <= 3.6e12: the product needs 128 bits.
     * Anything finer than a nanosecond is dropped. */
    uint64_t ns = whole * unit + (uint64_t)((unsigned __int128)fraction * unit / scale);
    if (ns > limit) {
        return fail(p, node, "%s is too long (at most 7 days)", describe_node(node, got, sizeof got));
    }
    *out = (scn_time)ns;
    return true;
}

bool read_int(struct parser *p, const struct ynode *node, int64_t min, int64_t max,
              const char *what, int64_t *out)
{
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    const char *s = node->text;
    bool negative = *s == '-';
    if (*s == '-' || *s == '+') {
        s++;
    }
    uint64_t value = 0;
    size_t digits = 0;
    while (isdigit((unsigned char)*s)) {
        if (++digits > 18) {
            return fail(p, node, "expected %s (%" PRId64 "..%" PRId64 "), got %s", what, min, max,
                        describe_node(node, got, sizeof got));
        }
        value = value * 10 + (uint64_t)(*s++ - '0');
    }
    if (!digits || *s || strlen(node->text) != node->length) {
        return fail(p, node, "expected %s (a whole number), got %s", what,
                    describe_node(node, got, sizeof got));
    }
    int64_t v = negative ? -(int64_t)value : (int64_t)value;
    if (v < min || v > max) {
        return fail(p, node, "expected %s (%" PRId64 "..%" PRId64 "), got %s", what, min, max,
                    describe_node(node, got, sizeof got));
    }
    *out = v;
    return true;
}

bool read_uint(struct parser *p, const struct ynode *node, uint64_t min, uint64_t max,
               const char *what, uint64_t *out)
{
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    const char *s = node->text;
    uint64_t value = 0;
    size_t digits = 0;
    bool overflow = false;
    while (isdigit((unsigned char)*s)) {
        unsigned d = (unsigned)(*s++ - '0');
        if (value > (UINT64_MAX - d) / 10) {
            overflow = true;
        } else {
            value = value * 10 + d;
        }
        digits++;
    }
    if (!digits || *s || strlen(node->text) != node->length) {
        return fail(p, node, "expected %s (a whole number), got %s", what,
                    describe_node(node, got, sizeof got));
    }
    if (overflow || value < min || value > max) {
        return fail(p, node, "expected %s (%" PRIu64 "..%" PRIu64 "), got %s", what, min, max,
                    describe_node(node, got, sizeof got));
    }
    *out = value;
    return true;
}

bool read_rate(struct parser *p, const struct ynode *node, double *out)
{
    static const char what[] = "a rate from 0 to 1 (e.g. 0.25 or 25%)";
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    const char *s = node->text;
    if (*s == '-') {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    uint64_t whole, fraction;
    unsigned digits;
    const char *end = decimal(s, &whole, &fraction, &digits);
    bool percent = end && *end == '%';
    if (!end || (percent ? end[1] != 0 : *end != 0) || strlen(node->text) != node->length) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    double scale = 1;
    for (unsigned i = 0; i < digits; i++) {
        scale *= 10;
    }
    double value = (double)whole + (double)fraction / scale;
    if (percent) {
        value /= 100;
    }
    if (value > 1) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    *out = value;
    return true;
}

bool read_bool(struct parser *p, const struct ynode *node, bool *out)
{
    static const char *const words[] = { "true", "false", "yes", "no", "on", "off", NULL };
    char got[80];
    if (!expect_scalar(p, node, "true or false")) {
        return false;
    }
    for (int i = 0; words[i]; i++) {
        if (is_scalar(node, words[i])) {
            *out = i % 2 == 0;
            return true;
        }
    }
    return fail(p, node, "expected true or false, got %s", describe_node(node, got, sizeof got));
}

bool read_choice(struct parser *p, const struct ynode *node, const char *const *choices, int *out)
{
    char got[80], list[400];
    list_keys(choices, list, sizeof list);
    if (!node || node->kind != YNODE_SCALAR) {
        return fail(p, node, "expected one of: %s; got %s", list, describe_node(node, got, sizeof got));
    }
    size_t count = 0;
    for (; choices[count]; count++) {
        if (is_scalar(node, choices[count])) {
            *out = (int)count;
            return true;
        }
    }
    const char *near = strlen(node->text) == node->length
                           ? scn_closest_word(node->text, choices, count) : NULL;
    if (near) {
        return fail(p, node, "expected one of: %s; got %s (did you mean \"%s\"?)", list,
                    describe_node(node, got, sizeof got), near);
    }
    return fail(p, node, "expected one of: %s; got %s", list, describe_node(node, got, sizeof got));
}

/* "a.b.c.d" at s; returns the end or NULL. */
static const char *dotted_quad(const char *s, uint32_t *out)
{
    uint32_t address = 0;
    for (int part = 0; part < 4; part++) {
        if (part && *s++ != '.') {
            return NULL;
        }
        if (!isdigit((unsigned char)*s)) {
            return NULL;
        }
        unsigned value = 0, digits = 0;
        const char *first = s;
        while (isdigit((unsigned char)*s)) {
            value = value * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3) {
                return NULL;
            }
        }
        if (value > 255 || (digits > 1 && *first == '0')) {
            return NULL;
        }
        address = address << 8 | value;
    }
    *out = address;
    return s;
}

bool read_ipv4(struct parser *p, const struct ynode *node, uint32_t *out)
{
    char got[80];
    if (!expect_scalar(p, node, "an IPv4 address (a.b.c.d)")) {
        return false;
    }
    const char *end = dotted_quad(node->text, out);
    if (!end || *end || strlen(node->text) != node->length) {
        return fail(p, node, "expected an IPv4 address (a.b.c.d), got %s",
                    describe_node(node, got, sizeof got));
    }
    return true;
}

bool read_ipv4_net(struct parser *p, const struct ynode *node, bool require_prefix,
                   bool network_only, struct scn_ipv4_net *out)
{
    const char *what = require_prefix ? "an IPv4 network (a.b.c.d/len)"
                                      : "an IPv4 address or network (a.b.c.d or a.b.c.d/len)";
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    uint32_t address;
    const char *end = dotted_quad(node->text, &address);
    unsigned prefix = 32;
    if (end && *end == '/') {
        end++;
        if (!isdigit((unsigned char)*end)) {
            end = NULL;
        } else {
            prefix = 0;
            unsigned digits = 0;
            while (isdigit((unsigned char)*end) && digits < 3) {
                prefix = prefix * 10 + (unsigned)(*end++ - '0');
                digits++;
            }
            if (prefix > 32) {
                return fail(p, node, "prefix length /%u is not 0..32", prefix);
            }
        }
    } else if (end && require_prefix) {
        end = NULL;
    }
    if (!end || *end || strlen(node->text) != node->length) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    uint32_t mask = prefix ? ~0u << (32 - prefix) : 0;
    if (network_only && (address & ~mask)) {
        return fail(p, node, "%s has host bits set (did you mean %u.%u.%u.%u/%u?)",
                    describe_node(node, got, sizeof got), (address & mask) >> 24,
                    (address & mask) >> 16 & 255, (address & mask) >> 8 & 255, address & mask & 255,
                    prefix);
    }
    out->address = address;
    out->prefix = prefix;
    return true;
}

bool read_port(struct parser *p, const struct ynode *node, uint16_t *out)
{
    uint64_t v;
    if (!read_uint(p, node, 1, 65535, "a port", &v)) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

bool read_port_range(struct parser *p, const struct ynode *node, uint16_t *low, uint16_t *high)
{
    static const char what[] = "a port (1..65535) or a range (low-high)";
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    const char *dash = memchr(node->text, '-', node->length);
    if (!dash) {
        if (!read_port(p, node, low)) {
            return false;
        }
        *high = *low;
        return true;
    }
    unsigned values[2] = { 0, 0 };
    const char *s = node->text;
    for (int i = 0; i < 2; i++) {
        unsigned digits = 0;
        while (isdigit((unsigned char)*s) && digits < 6) {
            values[i] = values[i] * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (!digits || (i == 0 && *s++ != '-')) {
            return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
        }
    }
    if (*s || strlen(node->text) != node->length) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    if (values[0] < 1 || values[0] > 65535 || values[1] < 1 || values[1] > 65535) {
        return fail(p, node, "ports are 1..65535, got %s", describe_node(node, got, sizeof got));
    }
    if (values[0] > values[1]) {
        return fail(p, node, "port range %s runs backwards", describe_node(node, got, sizeof got));
    }
    *low = (uint16_t)values[0];
    *high = (uint16_t)values[1];
    return true;
}

bool read_host_name(struct parser *p, const struct ynode *node, size_t max, bool allow_wildcard,
                    const char **out)
{
    const char *what = allow_wildcard ? "a host name (e.g. device.spark.io, *.pool.ntp.org or *)"
                                      : "a host name (e.g. device.spark.io)";
    char got[80];
    if (!expect_scalar(p, node, what)) {
        return false;
    }
    const char *s = node->text;
    if (strlen(s) != node->length) {
        return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
    }
    if (node->length > max) {
        return fail(p, node, "host name too long (%zu bytes; at most %zu)", node->length, max);
    }
    if (allow_wildcard && strcmp(s, "*") == 0) {
        *out = scn_arena_strdup(p->arena, s);
        return *out ? true : out_of_memory(p);
    }
    if (allow_wildcard && strncmp(s, "*.", 2) == 0) {
        s += 2;
    }
    /* Labels of 1..63 letters, digits and '-', not starting or ending with '-'. */
    const char *label = s;
    for (const char *c = s;; c++) {
        if (*c == '.' || *c == 0) {
            size_t length = (size_t)(c - label);
            if (length == 0 || length > 63 || *label == '-' || c[-1] == '-') {
                return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
            }
            if (*c == 0) {
                break;
            }
            label = c + 1;
        } else if (!isalnum((unsigned char)*c) && *c != '-') {
            return fail(p, node, "expected %s, got %s", what, describe_node(node, got, sizeof got));
        }
    }
    *out = scn_arena_strdup(p->arena, node->text);
    return *out ? true : out_of_memory(p);
}

bool read_regex(struct parser *p, const struct ynode *node, const struct scn_regex **out)
{
    const char *source;
    uint64_t nodes = 0;
    char reason[160];
    if (!read_text(p, node, SCN_REGEX_MAX, false, false, &source)) {
        return false;
    }
    if (!scn_regex_guard(source, node->length, &nodes, reason, sizeof reason)) {
        return fail(p, node, "%s", reason);
    }
    p->regex_nodes += nodes;
    if (p->regex_nodes > REGEX_TOTAL_MAX) {
        return fail(p, node, "the file's regular expressions are too complex together (more than %u nodes)",
                    REGEX_TOTAL_MAX);
    }
    struct scn_regex *re = scn_arena_alloc(p->arena, sizeof *re);
    if (!re) {
        return out_of_memory(p);
    }
    int rc = regcomp(&re->compiled, source, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        regerror(rc, &re->compiled, reason, sizeof reason);
        return fail(p, node, "bad regular expression: %s", reason);
    }
    re->source = source;
    re->next_compiled = p->scn->regexes;
    p->scn->regexes = re;
    *out = re;
    return true;
}

bool read_pattern(struct parser *p, const struct ynode *node, const char **out)
{
    char got[80], canonical[SCN_PATTERN_NAME_MAX], near[SCN_PATTERN_NAME_MAX];
    if (!expect_scalar(p, node, "an LED pattern name (e.g. breathing-cyan)")) {
        return false;
    }
    if (strlen(node->text) == node->length && scn_pattern_name_valid(node->text, canonical)) {
        *out = scn_arena_strdup(p->arena, canonical);
        return *out ? true : out_of_memory(p);
    }
    if (strlen(node->text) == node->length && scn_pattern_suggest(node->text, near)) {
        return fail(p, node, "unknown LED pattern %s (did you mean \"%s\"?)",
                    describe_node(node, got, sizeof got), near);
    }
    return fail(p, node,
                "unknown LED pattern %s (expected e.g. breathing-cyan, fast-blinking-green, "
                "orange-blinks-2, red-burst, sos-1, solid-ff6000; see FORMAT.md)",
                describe_node(node, got, sizeof got));
}
