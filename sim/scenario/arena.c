/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE 16384u
/* No single piece of a scenario comes near this; a bigger request is a bug. */
#define LARGEST_ALLOCATION (64u << 20)

struct chunk {
    struct chunk *next;
    size_t used, size;
    alignas(max_align_t) unsigned char data[];
};

struct scn_arena {
    struct chunk *head;
};

struct scn_arena *scn_arena_new(void)
{
    return calloc(1, sizeof(struct scn_arena));
}

void scn_arena_free(struct scn_arena *arena)
{
    if (!arena) {
        return;
    }
    struct chunk *c = arena->head;
    while (c) {
        struct chunk *next = c->next;
        free(c);
        c = next;
    }
    free(arena);
}

void *scn_arena_alloc(struct scn_arena *arena, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > LARGEST_ALLOCATION) {
        return NULL;
    }
    size = (size + align - 1) & ~(align - 1);
    if (size == 0) {
        size = align;
    }
    struct chunk *c = arena->head;
    if (!c || c->size - c->used < size) {
        size_t chunk_size = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof(struct chunk) + chunk_size);
        if (!c) {
            return NULL;
        }
        c->size = chunk_size;
        c->used = 0;
        c->next = arena->head;
        arena->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

void *scn_arena_array(struct scn_arena *arena, size_t count, size_t size)
{
    if (size && count > LARGEST_ALLOCATION / size) {
        return NULL;
    }
    return scn_arena_alloc(arena, count * size);
}

char *scn_arena_strndup(struct scn_arena *arena, const char *text, size_t length)
{
    if (length >= LARGEST_ALLOCATION) {
        return NULL;
    }
    char *copy = scn_arena_alloc(arena, length + 1);
    if (copy) {
        memcpy(copy, text, length);
        copy[length] = 0;
    }
    return copy;
}

char *scn_arena_strdup(struct scn_arena *arena, const char *text)
{
    return scn_arena_strndup(arena, text, strlen(text));
}

char *scn_arena_printf(struct scn_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int length = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (length < 0) {
        return NULL;
    }
    char *text = scn_arena_alloc(arena, (size_t)length + 1);
    if (text) {
        va_start(ap, fmt);
        vsnprintf(text, (size_t)length + 1, fmt, ap);
        va_end(ap);
    }
    return text;
}
