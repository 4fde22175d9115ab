#include "delay_line.h"

#include <stdlib.h>
#include <string.h>

typedef struct held_frame {
    struct held_frame *next;
    uint64_t release_ns;
    int tag;
    size_t len;
    uint8_t *bytes;
} held_frame;

struct delay_line {
    held_frame *head; /* sorted by release time, FIFO among equals */
    size_t size, max_frames;
};

delay_line *delay_line_new(size_t max_frames)
{
    delay_line *line = calloc(1, sizeof(*line));
    if (line)
        line->max_frames = max_frames;
    return line;
}

void delay_line_free(delay_line *line)
{
    held_frame *f, *next;
    if (!line)
        return;
    for (f = line->head; f; f = next) {
        next = f->next;
        free(f->bytes);
        free(f);
    }
    free(line);
}

bool delay_line_push(delay_line *line, uint64_t release_ns, int tag, const uint8_t *frame,
                     size_t len)
{
    held_frame *f, **at;
    if (!line || line->size >= line->max_frames || len == 0)
        return false;
    f = calloc(1, sizeof(*f));
    if (!f)
        return false;
    f->bytes = malloc(len);
    if (!f->bytes) {
        free(f);
        return false;
    }
    memcpy(f->bytes, frame, len);
    f->len = len;
    f->tag = tag;
    f->release_ns = release_ns;
    for (at = &line->head; *at && (*at)->release_ns <= release_ns; at = &(*at)->next)
        ;
    f->next = *at;
    *at = f;
    line->size++;
    return true;
}

uint64_t delay_line_next_release(const delay_line *line)
{
    return line && line->head ? line->head->release_ns : NETSIM_NO_DEADLINE;
}

uint8_t *delay_line_pop_due(delay_line *line, uint64_t now_ns, int *tag, size_t *len)
{
    held_frame *f;
    uint8_t *bytes;
    if (!line || !line->head || line->head->release_ns > now_ns)
        return NULL;
    f = line->head;
    line->head = f->next;
    line->size--;
    bytes = f->bytes;
    *tag = f->tag;
    *len = f->len;
    free(f);
    return bytes;
}

size_t delay_line_size(const delay_line *line)
{
    return line ? line->size : 0;
}
