#include "describe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Nesting the device never comes close to; stops a hostile text from exhausting the stack. */
#define JSON_MAX_DEPTH 16

typedef struct json_reader {
    const char *text;
    size_t length;
    size_t pos;
    int depth;
    const char *error;
} json_reader;

static int fail(json_reader *r, const char *error)
{
    if (!r->error) {
        r->error = error;
    }
    return -1;
}

static void skip_space(json_reader *r)
{
    while (r->pos < r->length) {
        char c = r->text[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            break;
        }
        r->pos++;
    }
}

static bool peek_is(json_reader *r, char c)
{
    skip_space(r);
    return r->pos < r->length && r->text[r->pos] == c;
}

static int expect(json_reader *r, char c)
{
    if (!peek_is(r, c)) {
        switch (c) {
        case ':':
            return fail(r, "expected ':'");
        case ',':
            return fail(r, "expected ',' or a closing bracket");
        case '{':
            return fail(r, "expected '{'");
        case '[':
            return fail(r, "expected '['");
        default:
            return fail(r, "unexpected character");
        }
    }
    r->pos++;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * Read a string into out (truncated to out_size - 1; out may be NULL to skip).
 * Escapes are decoded; \u escapes outside ASCII become '?' since names are ASCII.
 */
static int read_string(json_reader *r, char *out, size_t out_size, bool *was_truncated)
{
    size_t written = 0;

    if (was_truncated) {
        *was_truncated = false;
    }
    if (!peek_is(r, '"')) {
        return fail(r, "expected a string");
    }
    r->pos++;
    while (r->pos < r->length) {
        char c = r->text[r->pos++];
        if (c == '"') {
            if (out && out_size) {
                out[written] = '\0';
            }
            return 0;
        }
        if ((unsigned char)c < 0x20) {
            return fail(r, "control character inside a string");
        }
        if (c == '\\') {
            if (r->pos >= r->length) {
                break;
            }
            char e = r->text[r->pos++];
            switch (e) {
            case '"': case '\\': case '/':
                c = e;
                break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': {
                unsigned code = 0;
                if (r->length - r->pos < 4) {
                    return fail(r, "truncated \\u escape");
                }
                for (int i = 0; i < 4; i++) {
                    int d = hex_digit(r->text[r->pos++]);
                    if (d < 0) {
                        return fail(r, "bad \\u escape");
                    }
                    code = code << 4 | (unsigned)d;
                }
                c = (code >= 0x20 && code < 0x7f) ? (char)code : '?';
                break;
            }
            default:
                return fail(r, "unknown escape in a string");
            }
        }
        if (out && out_size) {
            if (written + 1 < out_size) {
                out[written++] = c;
            } else if (was_truncated) {
                *was_truncated = true;
            }
        }
    }
    return fail(r, "unterminated string");
}

static int read_number(json_reader *r, double *value)
{
    char buf[64];
    size_t n = 0;
    char *end;

    skip_space(r);
    while (r->pos < r->length && n + 1 < sizeof(buf)) {
        char c = r->text[r->pos];
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
            break;
        }
        buf[n++] = c;
        r->pos++;
    }
    buf[n] = '\0';
    if (n == 0) {
        return fail(r, "expected a number");
    }
    *value = strtod(buf, &end);
    if (*end != '\0') {
        return fail(r, "malformed number");
    }
    return 0;
}

static int skip_value(json_reader *r);

static int skip_container(json_reader *r, char close)
{
    bool first = true;

    if (++r->depth > JSON_MAX_DEPTH) {
        return fail(r, "nested deeper than 16 levels");
    }
    r->pos++; /* the opening bracket */
    while (!peek_is(r, close)) {
        if (!first && expect(r, ',') != 0) {
            return -1;
        }
        first = false;
        if (close == '}') {
            if (read_string(r, NULL, 0, NULL) != 0 || expect(r, ':') != 0) {
                return -1;
            }
        }
        if (skip_value(r) != 0) {
            return -1;
        }
    }
    r->pos++;
    r->depth--;
    return 0;
}

static int skip_literal(json_reader *r, const char *word)
{
    size_t n = strlen(word);
    if (r->length - r->pos < n || memcmp(r->text + r->pos, word, n) != 0) {
        return fail(r, "unexpected character");
    }
    r->pos += n;
    return 0;
}

static int skip_value(json_reader *r)
{
    double ignored;

    skip_space(r);
    if (r->pos >= r->length) {
        return fail(r, "unexpected end of text");
    }
    switch (r->text[r->pos]) {
    case '{':
        return skip_container(r, '}');
    case '[':
        return skip_container(r, ']');
    case '"':
        return read_string(r, NULL, 0, NULL);
    case 't':
        return skip_literal(r, "true");
    case 'f':
        return skip_literal(r, "false");
    case 'n':
        return skip_literal(r, "null");
    default:
        return read_number(r, &ignored);
    }
}

/* Iterate the members of an object or array: call with first=true, then false. */
static int next_element(json_reader *r, char close, bool *first, bool *done)
{
    if (peek_is(r, close)) {
        r->pos++;
        *done = true;
        return 0;
    }
    if (!*first && expect(r, ',') != 0) {
        return -1;
    }
    *first = false;
    *done = false;
    return 0;
}

static int enter(json_reader *r, char open)
{
    if (expect(r, open) != 0) {
        return -1;
    }
    if (++r->depth > JSON_MAX_DEPTH) {
        return fail(r, "nested deeper than 16 levels");
    }
    return 0;
}

static int read_functions(json_reader *r, cloud_describe *out)
{
    bool first = true, done = false;

    if (enter(r, '[') != 0) {
        return -1;
    }
    for (;;) {
        char name[CLOUD_NAME_MAX + 1];
        if (next_element(r, ']', &first, &done) != 0) {
            return -1;
        }
        if (done) {
            break;
        }
        if (read_string(r, name, sizeof(name), NULL) != 0) {
            return -1;
        }
        if (out->function_count < CLOUD_DESCRIBE_MAX_FUNCTIONS) {
            memcpy(out->functions[out->function_count++], name, sizeof(name));
        } else {
            out->truncated = true;
        }
    }
    r->depth--;
    return 0;
}

static int read_variables(json_reader *r, cloud_describe *out)
{
    bool first = true, done = false;

    if (enter(r, '{') != 0) {
        return -1;
    }
    for (;;) {
        char name[CLOUD_NAME_MAX + 1];
        double type;
        if (next_element(r, '}', &first, &done) != 0) {
            return -1;
        }
        if (done) {
            break;
        }
        if (read_string(r, name, sizeof(name), NULL) != 0 || expect(r, ':') != 0 ||
            read_number(r, &type) != 0) {
            return -1;
        }
        if (out->variable_count < CLOUD_DESCRIBE_MAX_VARIABLES) {
            cloud_describe_variable *v = &out->variables[out->variable_count++];
            memcpy(v->name, name, sizeof(name));
            v->type = (type >= 0 && type < 256) ? (int)type : CLOUD_VARIABLE_UNKNOWN;
        } else {
            out->truncated = true;
        }
    }
    r->depth--;
    return 0;
}

static int read_module(json_reader *r, cloud_describe *out)
{
    bool first = true, done = false;
    cloud_describe_module module;

    memset(&module, 0, sizeof(module));
    if (enter(r, '{') != 0) {
        return -1;
    }
    for (;;) {
        char key[8];
        if (next_element(r, '}', &first, &done) != 0) {
            return -1;
        }
        if (done) {
            break;
        }
        if (read_string(r, key, sizeof(key), NULL) != 0 || expect(r, ':') != 0) {
            return -1;
        }
        if (strcmp(key, "f") == 0 && peek_is(r, '"')) {
            if (read_string(r, module.function, sizeof(module.function), NULL) != 0) {
                return -1;
            }
        } else if (strcmp(key, "n") == 0 && peek_is(r, '"')) {
            if (read_string(r, module.index, sizeof(module.index), NULL) != 0) {
                return -1;
            }
        } else if (strcmp(key, "v") == 0 && !peek_is(r, '"') && !peek_is(r, '{') &&
                   !peek_is(r, '[')) {
            double version;
            if (read_number(r, &version) != 0) {
                return -1;
            }
            module.version = (version >= 0 && version < 4294967296.0) ? (uint32_t)version : 0;
        } else if (skip_value(r) != 0) {
            return -1;
        }
    }
    r->depth--;
    if (out->module_count < CLOUD_DESCRIBE_MAX_MODULES) {
        out->modules[out->module_count++] = module;
    } else {
        out->truncated = true;
    }
    return 0;
}

static int read_modules(json_reader *r, cloud_describe *out)
{
    bool first = true, done = false;

    if (enter(r, '[') != 0) {
        return -1;
    }
    for (;;) {
        if (next_element(r, ']', &first, &done) != 0) {
            return -1;
        }
        if (done) {
            break;
        }
        if (peek_is(r, '{')) {
            if (read_module(r, out) != 0) {
                return -1;
            }
        } else if (skip_value(r) != 0) {
            return -1;
        }
    }
    r->depth--;
    return 0;
}

void cloud_describe_init(cloud_describe *describe)
{
    memset(describe, 0, sizeof(*describe));
    describe->platform_id = -1;
}

int cloud_describe_parse(const char *json, size_t length, cloud_describe *out, char *why,
                         size_t why_size)
{
    json_reader reader = { .text = json, .length = length };
    json_reader *r = &reader;
    bool first = true, done = false;
    int ret = 0;

    cloud_describe_init(out);
    if (enter(r, '{') != 0) {
        ret = -1;
    }
    while (ret == 0) {
        char key[8];
        bool long_key;
        if (next_element(r, '}', &first, &done) != 0) {
            ret = -1;
            break;
        }
        if (done) {
            break;
        }
        if (read_string(r, key, sizeof(key), &long_key) != 0 || expect(r, ':') != 0) {
            ret = -1;
            break;
        }
        if (long_key) {
            ret = skip_value(r);
        } else if (strcmp(key, "f") == 0) {
            out->has_application = true;
            ret = read_functions(r, out);
        } else if (strcmp(key, "v") == 0) {
            out->has_application = true;
            ret = read_variables(r, out);
        } else if (strcmp(key, "p") == 0) {
            double platform;
            out->has_system = true;
            ret = read_number(r, &platform);
            if (ret == 0) {
                out->platform_id = (platform >= 0 && platform < 65536) ? (int)platform : -1;
            }
        } else if (strcmp(key, "m") == 0) {
            out->has_system = true;
            ret = read_modules(r, out);
        } else {
            ret = skip_value(r);
        }
    }
    if (ret == 0) {
        skip_space(r);
        if (r->pos != r->length) {
            ret = fail(r, "text after the closing '}'");
        }
    }
    if (ret != 0 && why && why_size) {
        snprintf(why, why_size, "%s at byte %zu of %zu", r->error ? r->error : "malformed JSON",
                 r->pos, r->length);
    }
    return ret;
}

void cloud_describe_merge(cloud_describe *into, const cloud_describe *from)
{
    if (from->has_application) {
        into->has_application = true;
        into->function_count = from->function_count;
        memcpy(into->functions, from->functions, sizeof(into->functions));
        into->variable_count = from->variable_count;
        memcpy(into->variables, from->variables, sizeof(into->variables));
    }
    if (from->has_system) {
        into->has_system = true;
        into->platform_id = from->platform_id;
        into->module_count = from->module_count;
        memcpy(into->modules, from->modules, sizeof(into->modules));
    }
    into->truncated = into->truncated || from->truncated;
}

bool cloud_describe_has_function(const cloud_describe *describe, const char *name)
{
    for (size_t i = 0; i < describe->function_count; i++) {
        if (strcmp(describe->functions[i], name) == 0) {
            return true;
        }
    }
    return false;
}

int cloud_describe_variable_type(const cloud_describe *describe, const char *name)
{
    for (size_t i = 0; i < describe->variable_count; i++) {
        if (strcmp(describe->variables[i].name, name) == 0) {
            return describe->variables[i].type;
        }
    }
    return CLOUD_VARIABLE_UNKNOWN;
}

static int length_mismatch(const char *type_name, size_t expected, size_t length, char *out,
                           size_t out_size)
{
    snprintf(out, out_size, "(%zu bytes; expected %zu for %s)", length, expected, type_name);
    return -1;
}

int cloud_variable_format(int type, const uint8_t *raw, size_t length, char *out,
                          size_t out_size)
{
    if (out_size == 0) {
        return -1;
    }
    switch (type) {
    case CLOUD_VARIABLE_BOOL:
        if (length != 1) {
            return length_mismatch("bool", 1, length, out, out_size);
        }
        snprintf(out, out_size, "%s", raw[0] ? "true" : "false");
        return 0;
    case CLOUD_VARIABLE_INT:
        if (length != 4) {
            return length_mismatch("int", 4, length, out, out_size);
        }
        snprintf(out, out_size, "%ld", (long)(int32_t)cloud_get_be32(raw));
        return 0;
    case CLOUD_VARIABLE_DOUBLE: {
        uint64_t bits = 0;
        double value;
        if (length != 8) {
            return length_mismatch("double", 8, length, out, out_size);
        }
        for (int i = 7; i >= 0; i--) {
            bits = bits << 8 | raw[i]; /* little-endian on the wire */
        }
        memcpy(&value, &bits, sizeof(value));
        snprintf(out, out_size, "%.17g", value);
        return 0;
    }
    case CLOUD_VARIABLE_STRING: {
        size_t n = 0;
        for (size_t i = 0; i < length && n + 1 < out_size; i++) {
            char c = (char)raw[i];
            out[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
        }
        out[n] = '\0';
        return 0;
    }
    default:
        cloud_hex(raw, length, out, out_size);
        return 0;
    }
}
