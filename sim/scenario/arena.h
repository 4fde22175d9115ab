/*
 * A bump allocator: the scenario model and the parser's YAML tree are built
 * from many small pieces that all live exactly as long as their owner, so
 * they come from one arena freed in one call (no error path can leak).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_ARENA_H
#define PHOTON_SCENARIO_ARENA_H

#include <stddef.h>

struct scn_arena;

struct scn_arena *scn_arena_new(void);
void scn_arena_free(struct scn_arena *arena);

/* Zeroed, aligned for any type; NULL when out of memory or size is absurd. */
void *scn_arena_alloc(struct scn_arena *arena, size_t size);

/* count * size with an overflow check. */
void *scn_arena_array(struct scn_arena *arena, size_t count, size_t size);

/* A NUL-terminated copy of length bytes of text. */
char *scn_arena_strndup(struct scn_arena *arena, const char *text, size_t length);
char *scn_arena_strdup(struct scn_arena *arena, const char *text);
char *scn_arena_printf(struct scn_arena *arena, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
