/*
 * A YAML document as a small tree with the 1-based line and column of every
 * node, built from libyaml's events. The parser validates against this tree
 * instead of libyaml's document API because the events let it refuse what a
 * scenario has no use for where it is written: aliases (which can make a
 * document cyclic or exponentially large), tags and several documents.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_YAML_TREE_H
#define PHOTON_SCENARIO_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"

#define YTREE_MAX_DEPTH 64
#define YTREE_MAX_NODES 100000u

enum ynode_kind {
    YNODE_SCALAR,
    YNODE_SEQUENCE,
    YNODE_MAPPING,
};

struct ynode {
    enum ynode_kind kind;
    unsigned line, column;
    /* Scalars: the text (NUL-terminated, but may also hold NULs: use length). */
    const char *text;
    size_t length;
    bool plain; /* written without quotes or block indicators: may be a number */
    /* Collections: children in order; a mapping alternates key, value. */
    struct ynode *first, *last, *next;
    size_t count; /* number of children (twice the pairs for a mapping) */
};

/*
 * Loads the single document in data. *root is NULL for an empty stream or
 * an empty document. On error returns false with "file:line:col: reason".
 */
bool ytree_load(struct scn_arena *arena, const char *file, const void *data, size_t size,
                struct ynode **root, struct scn_diag *err);

#endif
