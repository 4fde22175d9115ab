/*
 * Reading a scenario file: the YAML tree, then each section in the order
 * later ones need (steps' names before anything refers to them), then the
 * checks across sections. The first problem ends the parse.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

static const char *const top_keys[] = { "name", "description", "seed", "until", "device", "radio",
                                        "network", "cloud", "steps", "expect", NULL };

static const char *directory_of(struct scn_arena *arena, const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash) {
        return scn_arena_strdup(arena, ".");
    }
    if (slash == file) {
        return scn_arena_strdup(arena, "/");
    }
    return scn_arena_strndup(arena, file, (size_t)(slash - file));
}

static bool parse_top(struct parser *p, const struct ynode *root)
{
    struct scn_scenario *scn = p->scn;
    char got[80];
    if (!root || (root->kind == YNODE_SCALAR && root->length == 0 && root->plain)) {
        return scn_diag_set(p->err, p->file, root ? root->line : 1, root ? root->column : 1,
                            "the scenario is empty (it needs at least name: and until:)");
    }
    if (root->kind != YNODE_MAPPING) {
        return fail(p, root, "expected the scenario's keys (name:, until:, device:, ...), got %s",
                    describe_node(root, got, sizeof got));
    }
    if (!check_mapping(p, root, top_keys, "the scenario") ||
        !require_key(p, root, "name", "what the scenario reproduces") ||
        !require_key(p, root, "until", "how long the run lasts, in virtual seconds")) {
        return false;
    }
    const struct ynode *v;
    size_t saved = path_push_key(p, "name");
    if (!read_text(p, map_get(root, "name"), SCN_TEXT_MAX / 16, false, false, &scn->name)) {
        return false;
    }
    path_pop(p, saved);
    scn->description = "";
    if ((v = map_get(root, "description"))) {
        saved = path_push_key(p, "description");
        if (!read_text(p, v, SCN_TEXT_MAX * 4, true, true, &scn->description)) {
            return false;
        }
        path_pop(p, saved);
    }
    scn->seed = 1;
    if ((v = map_get(root, "seed"))) {
        saved = path_push_key(p, "seed");
        if (!read_uint(p, v, 0, UINT64_MAX, "a seed", &scn->seed)) {
            return false;
        }
        path_pop(p, saved);
    }
    saved = path_push_key(p, "until");
    v = map_get(root, "until");
    if (!read_time(p, v, &scn->until)) {
        return false;
    }
    if (scn->until == 0) {
        return fail(p, v, "a run lasts longer than 0 s");
    }
    path_pop(p, saved);

    static const struct {
        const char *key;
        bool (*parse)(struct parser *, const struct ynode *);
    } sections[] = {
        { "device", parse_device },
        { "radio", parse_radio },
        { "network", parse_network },
        { "cloud", parse_cloud },
    };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        saved = path_push_key(p, sections[i].key);
        if (!sections[i].parse(p, map_get(root, sections[i].key))) {
            return false;
        }
        path_pop(p, saved);
    }
    const struct ynode *steps = map_get(root, "steps");
    return collect_step_names(p, steps) && parse_steps(p, steps) &&
           parse_expectations(p, map_get(root, "expect")) && check_references(p) && check_timeline(p);
}

struct scn_scenario *scn_scenario_parse(const char *file, const void *text, size_t size,
                                        struct scn_diag *err)
{
    struct scn_arena *arena = scn_arena_new();
    struct scn_arena *tree_arena = scn_arena_new();
    struct scn_scenario *scn = arena ? scn_arena_alloc(arena, sizeof *scn) : NULL;
    if (!scn || !tree_arena) {
        scn_arena_free(arena);
        scn_arena_free(tree_arena);
        scn_diag_set(err, file, 0, 0, "out of memory");
        return NULL;
    }
    scn->arena = arena;
    scn->file = scn_arena_strdup(arena, file);
    scn->directory = directory_of(arena, file);
    struct parser p = { .scn = scn, .arena = arena, .file = file, .err = err };
    struct ynode *root = NULL;
    bool ok;
    if (size > SCN_FILE_SIZE_MAX) {
        ok = scn_diag_set(err, file, 0, 0, "too large for a scenario (%zu bytes; at most %u)", size,
                          SCN_FILE_SIZE_MAX);
    } else if (!scn->file || !scn->directory) {
        ok = out_of_memory(&p);
    } else {
        ok = ytree_load(tree_arena, file, text, size, &root, err) && parse_top(&p, root);
    }
    scn_arena_free(tree_arena);
    if (!ok) {
        scn_scenario_free(scn);
        return NULL;
    }
    return scn;
}

struct scn_scenario *scn_scenario_parse_file(const char *path, struct scn_diag *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        scn_diag_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    /* One byte more than allowed, to tell "too large" from "exactly at the limit". */
    size_t capacity = SCN_FILE_SIZE_MAX + 1;
    char *text = malloc(capacity);
    if (!text) {
        fclose(f);
        scn_diag_set(err, path, 0, 0, "out of memory");
        return NULL;
    }
    size_t size = fread(text, 1, capacity, f);
    bool read_error = ferror(f);
    fclose(f);
    struct scn_scenario *scn = NULL;
    if (read_error) {
        scn_diag_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
    } else {
        scn = scn_scenario_parse(path, text, size, err);
    }
    free(text);
    return scn;
}
