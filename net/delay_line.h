/*
 * Frames held back by delay and rate-limit rules, released in order of their release time
 * (frames due at the same time leave in the order they arrived).
 */
#ifndef NETSIM_DELAY_LINE_H
#define NETSIM_DELAY_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsim_host.h"

typedef struct delay_line delay_line;

/* max_frames bounds the memory a scenario can pin (a full line drops, like a full queue). */
delay_line *delay_line_new(size_t max_frames);
void delay_line_free(delay_line *line);

/* Copy the frame in.  tag is the caller's (the direction).  Returns false when full. */
bool delay_line_push(delay_line *line, uint64_t release_ns, int tag, const uint8_t *frame,
                     size_t len);
/* The earliest release time, or NETSIM_NO_DEADLINE when empty. */
uint64_t delay_line_next_release(const delay_line *line);
/* Take the next frame due at now_ns.  The returned buffer is the caller's (free()).  */
uint8_t *delay_line_pop_due(delay_line *line, uint64_t now_ns, int *tag, size_t *len);
size_t delay_line_size(const delay_line *line);

#endif
