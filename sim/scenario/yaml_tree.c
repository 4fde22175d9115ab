/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "yaml_tree.h"

#include <string.h>
#include <yaml.h>

struct loader {
    struct scn_arena *arena;
    const char *file;
    struct scn_diag *err;
    struct ynode *stack[YTREE_MAX_DEPTH];
    unsigned depth;
    size_t nodes;
    struct ynode *root;
};

static bool fail_at(struct loader *l, yaml_mark_t mark, const char *reason)
{
    return scn_diag_set(l->err, l->file, (unsigned)mark.line + 1, (unsigned)mark.column + 1,
                        "%s", reason);
}

/* Reader errors (bad UTF-8, a NUL byte) carry only a byte offset. */
static void offset_to_place(const unsigned char *data, size_t size, size_t offset,
                            unsigned *line, unsigned *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < size; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *column = 1;
        } else if ((data[i] & 0xC0) != 0x80) { /* count characters, not bytes */
            (*column)++;
        }
    }
}

static bool syntax_error(struct loader *l, const yaml_parser_t *p, const void *data, size_t size)
{
    const char *problem = p->problem ? p->problem : "unreadable input";
    if (p->error == YAML_MEMORY_ERROR) {
        return scn_diag_set(l->err, l->file, 0, 0, "out of memory while reading YAML");
    }
    if (p->error == YAML_READER_ERROR) {
        unsigned line, column;
        offset_to_place(data, size, p->problem_offset, &line, &column);
        return scn_diag_set(l->err, l->file, line, column, "invalid YAML: %s", problem);
    }
    if (p->context) {
        return scn_diag_set(l->err, l->file, (unsigned)p->problem_mark.line + 1,
                            (unsigned)p->problem_mark.column + 1, "invalid YAML: %s %s",
                            p->context, problem);
    }
    return scn_diag_set(l->err, l->file, (unsigned)p->problem_mark.line + 1,
                        (unsigned)p->problem_mark.column + 1, "invalid YAML: %s", problem);
}

static struct ynode *add_node(struct loader *l, enum ynode_kind kind, yaml_mark_t mark)
{
    if (++l->nodes > YTREE_MAX_NODES) {
        fail_at(l, mark, "too many YAML nodes for a scenario (more than 100000)");
        return NULL;
    }
    struct ynode *n = scn_arena_alloc(l->arena, sizeof *n);
    if (!n) {
        scn_diag_set(l->err, l->file, 0, 0, "out of memory");
        return NULL;
    }
    n->kind = kind;
    n->line = (unsigned)mark.line + 1;
    n->column = (unsigned)mark.column + 1;
    if (l->depth == 0) {
        l->root = n;
    } else {
        struct ynode *parent = l->stack[l->depth - 1];
        if (parent->last) {
            parent->last->next = n;
        } else {
            parent->first = n;
        }
        parent->last = n;
        parent->count++;
    }
    return n;
}

static bool push(struct loader *l, struct ynode *n, yaml_mark_t mark)
{
    if (l->depth >= YTREE_MAX_DEPTH) {
        return fail_at(l, mark, "YAML nested deeper than 64 levels");
    }
    l->stack[l->depth++] = n;
    return true;
}

static bool handle_event(struct loader *l, const yaml_event_t *ev, unsigned *documents)
{
    struct ynode *n;
    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (++*documents > 1) {
            return fail_at(l, ev->start_mark, "a scenario file holds one YAML document (remove this '---')");
        }
        return true;
    case YAML_ALIAS_EVENT:
        return fail_at(l, ev->start_mark, "YAML aliases (*name) are not supported in scenarios; write the value out");
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.tag) {
            return fail_at(l, ev->start_mark, "YAML tags (!...) are not supported in scenarios");
        }
        n = add_node(l, YNODE_SCALAR, ev->start_mark);
        if (!n) {
            return false;
        }
        n->text = scn_arena_strndup(l->arena, (const char *)ev->data.scalar.value,
                                    ev->data.scalar.length);
        if (!n->text) {
            return scn_diag_set(l->err, l->file, 0, 0, "out of memory");
        }
        n->length = ev->data.scalar.length;
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        return true;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool mapping = ev->type == YAML_MAPPING_START_EVENT;
        const yaml_char_t *tag = mapping ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
        if (tag) {
            return fail_at(l, ev->start_mark, "YAML tags (!...) are not supported in scenarios");
        }
        n = add_node(l, mapping ? YNODE_MAPPING : YNODE_SEQUENCE, ev->start_mark);
        return n && push(l, n, ev->start_mark);
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (l->depth > 0) {
            l->depth--;
        }
        return true;
    default:
        return true;
    }
}

bool ytree_load(struct scn_arena *arena, const char *file, const void *data, size_t size,
                struct ynode **root, struct scn_diag *err)
{
    struct loader l = { .arena = arena, .file = file, .err = err };
    yaml_parser_t parser;
    unsigned documents = 0;
    bool ok = true, done = false;

    *root = NULL;
    if (!yaml_parser_initialize(&parser)) {
        return scn_diag_set(err, file, 0, 0, "out of memory");
    }
    yaml_parser_set_input_string(&parser, data, size);
    while (ok && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            ok = syntax_error(&l, &parser, data, size);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        ok = handle_event(&l, &ev, &documents);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    if (ok) {
        *root = l.root;
    }
    return ok;
}
