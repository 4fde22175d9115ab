/*
 * A small strict JSON reader (see json_scan.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "json_scan.h"

#define JSON_MAX_DEPTH 16
#define JSON_KEY_MAX 64

void json_cursor_init(struct json_cursor *c, const char *text, char *why, size_t why_size)
{
    c->p = text;
    c->why = why;
    c->why_size = why_size;
    c->failed = false;
    if (why && why_size) {
        why[0] = '\0';
    }
}

bool json_fail(struct json_cursor *c, const char *fmt, ...)
{
    if (!c->failed && c->why && c->why_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, c->why_size, fmt, ap);
        va_end(ap);
    }
    c->failed = true;
    return false;
}

void json_skip_space(struct json_cursor *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n') {
        c->p++;
    }
}

bool json_at_end(struct json_cursor *c)
{
    json_skip_space(c);
    return *c->p == '\0';
}

/* A short, printable description of what the cursor is looking at. */
static const char *describe_here(const struct json_cursor *c, char *buf, size_t size)
{
    if (*c->p == '\0') {
        return "the end of the line";
    }
    size_t n = 0;
    buf[n++] = '\'';
    for (const char *s = c->p; *s && n + 5 < size && s - c->p < 12; s++) {
        buf[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return buf;
}

static bool expect_char(struct json_cursor *c, char want, const char *context)
{
    char here[24];

    json_skip_space(c);
    if (*c->p != want) {
        return json_fail(c, "expected '%c' %s, found %s", want, context,
                         describe_here(c, here, sizeof(here)));
    }
    c->p++;
    return true;
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

static bool read_hex4(struct json_cursor *c, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_digit(c->p[i]);
        if (d < 0) {
            return json_fail(c, "\\u needs four hex digits");
        }
        v = v << 4 | (unsigned)d;
    }
    c->p += 4;
    *out = v;
    return true;
}

/* Decodes \uXXXX (and a following low surrogate) into a code point. */
static bool read_unicode_escape(struct json_cursor *c, uint32_t *code)
{
    unsigned hi, lo;

    if (!read_hex4(c, &hi)) {
        return false;
    }
    if (hi >= 0xDC00 && hi <= 0xDFFF) {
        return json_fail(c, "lone low surrogate \\u%04X", hi);
    }
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        if (c->p[0] != '\\' || c->p[1] != 'u') {
            return json_fail(c, "high surrogate \\u%04X without its low half", hi);
        }
        c->p += 2;
        if (!read_hex4(c, &lo)) {
            return false;
        }
        if (lo < 0xDC00 || lo > 0xDFFF) {
            return json_fail(c, "high surrogate \\u%04X without its low half", hi);
        }
        *code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return true;
    }
    if (hi == 0) {
        return json_fail(c, "\\u0000 is not allowed in a string");
    }
    *code = hi;
    return true;
}

/* Appends len bytes to out, or fails when they do not fit. */
static bool put_bytes(struct json_cursor *c, char *out, size_t out_size, size_t *n,
                      const char *bytes, size_t len, const char *what)
{
    if (!out) {
        return true; /* skipping */
    }
    if (*n + len + 1 > out_size) {
        return json_fail(c, "%s is longer than %zu bytes", what, out_size - 1);
    }
    memcpy(out + *n, bytes, len);
    *n += len;
    out[*n] = '\0';
    return true;
}

static size_t utf8_encode(uint32_t code, char *buf)
{
    if (code < 0x80) {
        buf[0] = (char)code;
        return 1;
    }
    if (code < 0x800) {
        buf[0] = (char)(0xC0 | code >> 6);
        buf[1] = (char)(0x80 | (code & 0x3F));
        return 2;
    }
    if (code < 0x10000) {
        buf[0] = (char)(0xE0 | code >> 12);
        buf[1] = (char)(0x80 | (code >> 6 & 0x3F));
        buf[2] = (char)(0x80 | (code & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | code >> 18);
    buf[1] = (char)(0x80 | (code >> 12 & 0x3F));
    buf[2] = (char)(0x80 | (code >> 6 & 0x3F));
    buf[3] = (char)(0x80 | (code & 0x3F));
    return 4;
}

static bool read_escape(struct json_cursor *c, char *out, size_t out_size, size_t *n,
                        const char *what)
{
    char buf[4];
    uint32_t code = 0;
    char esc = *c->p++;

    switch (esc) {
    case '"': case '\\': case '/':
        return put_bytes(c, out, out_size, n, &esc, 1, what);
    case 'b':
        return put_bytes(c, out, out_size, n, "\b", 1, what);
    case 'f':
        return put_bytes(c, out, out_size, n, "\f", 1, what);
    case 'n':
        return put_bytes(c, out, out_size, n, "\n", 1, what);
    case 'r':
        return put_bytes(c, out, out_size, n, "\r", 1, what);
    case 't':
        return put_bytes(c, out, out_size, n, "\t", 1, what);
    case 'u':
        if (!read_unicode_escape(c, &code)) {
            return false;
        }
        return put_bytes(c, out, out_size, n, buf, utf8_encode(code, buf), what);
    default:
        return json_fail(c, "unknown escape \\%c in %s", esc ? esc : '0', what);
    }
}

bool json_read_string(struct json_cursor *c, char *out, size_t out_size, const char *what)
{
    size_t n = 0;

    if (c->failed) {
        return false;
    }
    json_skip_space(c);
    if (*c->p != '"') {
        char here[24];
        return json_fail(c, "%s must be a string, found %s", what,
                         describe_here(c, here, sizeof(here)));
    }
    c->p++;
    if (out && out_size) {
        out[0] = '\0';
    }
    for (;;) {
        unsigned char ch = (unsigned char)*c->p;
        if (ch == '\0') {
            return json_fail(c, "%s: string not terminated", what);
        }
        if (ch < 0x20) {
            return json_fail(c, "%s: control character 0x%02x in a string", what, ch);
        }
        c->p++;
        if (ch == '"') {
            return true;
        }
        if (ch == '\\') {
            if (!read_escape(c, out, out_size, &n, what)) {
                return false;
            }
        } else if (!put_bytes(c, out, out_size, &n, (const char *)&ch, 1, what)) {
            return false;
        }
    }
}

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/*
 * Decimal digits into a mantissa and a power of ten. Only the first 18
 * significant digits are kept: more than a double holds anyway.
 */
bool json_read_number(struct json_cursor *c, double *out, const char *what)
{
    const char *start;
    uint64_t mantissa = 0;
    int digits_kept = 0, exponent = 0, sign = 1;

    if (c->failed) {
        return false;
    }
    json_skip_space(c);
    start = c->p;
    if (*c->p == '-') {
        sign = -1;
        c->p++;
    }
    if (!is_digit(*c->p)) {
        char here[24];
        c->p = start;
        return json_fail(c, "%s must be a number, found %s", what,
                         describe_here(c, here, sizeof(here)));
    }
    if (*c->p == '0' && is_digit(c->p[1])) {
        return json_fail(c, "%s: a number may not start with 0", what);
    }
    for (; is_digit(*c->p); c->p++) {
        if (digits_kept < 18) {
            mantissa = mantissa * 10 + (uint64_t)(*c->p - '0');
            digits_kept += mantissa != 0;
        } else {
            exponent++;
        }
    }
    if (*c->p == '.') {
        c->p++;
        if (!is_digit(*c->p)) {
            return json_fail(c, "%s: digits must follow the decimal point", what);
        }
        for (; is_digit(*c->p); c->p++) {
            if (digits_kept < 18) {
                mantissa = mantissa * 10 + (uint64_t)(*c->p - '0');
                digits_kept += mantissa != 0;
                exponent--;
            }
        }
    }
    if (*c->p == 'e' || *c->p == 'E') {
        int exp_sign = 1, exp_value = 0;
        c->p++;
        if (*c->p == '+' || *c->p == '-') {
            exp_sign = *c->p == '-' ? -1 : 1;
            c->p++;
        }
        if (!is_digit(*c->p)) {
            return json_fail(c, "%s: digits must follow the exponent", what);
        }
        for (; is_digit(*c->p); c->p++) {
            if (exp_value < 10000) {
                exp_value = exp_value * 10 + (*c->p - '0');
            }
        }
        exponent += exp_sign * exp_value;
    }
    double value = (double)mantissa;
    if (mantissa != 0) {
        value = exponent < 0 ? value / pow(10.0, -exponent) : value * pow(10.0, exponent);
    }
    if (!isfinite(value)) {
        return json_fail(c, "%s is out of range", what);
    }
    *out = sign * value;
    return true;
}

static bool match_word(struct json_cursor *c, const char *word)
{
    size_t len = strlen(word);
    if (strncmp(c->p, word, len) != 0) {
        return false;
    }
    c->p += len;
    return true;
}

bool json_read_bool(struct json_cursor *c, bool *out, const char *what)
{
    char here[24];

    if (c->failed) {
        return false;
    }
    json_skip_space(c);
    if (match_word(c, "true")) {
        *out = true;
        return true;
    }
    if (match_word(c, "false")) {
        *out = false;
        return true;
    }
    return json_fail(c, "%s must be true or false, found %s", what,
                     describe_here(c, here, sizeof(here)));
}

static bool skip_value_at(struct json_cursor *c, int depth);

static bool skip_member(struct json_cursor *c, const char *key, void *opaque)
{
    return skip_value_at(c, *(int *)opaque);
}

static bool skip_value_at(struct json_cursor *c, int depth)
{
    double number;
    char here[24];

    if (c->failed) {
        return false;
    }
    if (depth > JSON_MAX_DEPTH) {
        return json_fail(c, "values nested more than %d deep", JSON_MAX_DEPTH);
    }
    json_skip_space(c);
    switch (*c->p) {
    case '"':
        return json_read_string(c, NULL, 0, "a string");
    case '{': {
        int inner = depth + 1;
        return json_read_object(c, skip_member, &inner);
    }
    case '[':
        c->p++;
        json_skip_space(c);
        if (*c->p == ']') {
            c->p++;
            return true;
        }
        for (;;) {
            if (!skip_value_at(c, depth + 1)) {
                return false;
            }
            json_skip_space(c);
            if (*c->p == ']') {
                c->p++;
                return true;
            }
            if (!expect_char(c, ',', "between array elements")) {
                return false;
            }
        }
    default:
        if (match_word(c, "true") || match_word(c, "false") || match_word(c, "null")) {
            return true;
        }
        if (*c->p == '-' || is_digit(*c->p)) {
            return json_read_number(c, &number, "a number");
        }
        return json_fail(c, "expected a value, found %s", describe_here(c, here, sizeof(here)));
    }
}

bool json_skip_value(struct json_cursor *c)
{
    return skip_value_at(c, 0);
}

bool json_read_object(struct json_cursor *c, json_member_fn on_member, void *opaque)
{
    char key[JSON_KEY_MAX];

    if (c->failed || !expect_char(c, '{', "at the start of an object")) {
        return false;
    }
    json_skip_space(c);
    if (*c->p == '}') {
        c->p++;
        return true;
    }
    for (;;) {
        if (!json_read_string(c, key, sizeof(key), "a key") ||
            !expect_char(c, ':', "after a key") ||
            !on_member(c, key, opaque)) {
            return false;
        }
        json_skip_space(c);
        if (*c->p == '}') {
            c->p++;
            return true;
        }
        if (!expect_char(c, ',', "or '}' after a value")) {
            return false;
        }
    }
}
