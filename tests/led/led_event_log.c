/*
 * Records a classifier's events (see led_event_log.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "led_event_log.h"

#include <string.h>

void led_event_log_record(void *opaque, const struct led_pattern_event *event)
{
    struct led_event_log *log = opaque;
    if (log->count < LED_EVENT_LOG_MAX) {
        log->events[log->count++] = *event;
    } else {
        log->overflowed++;
    }
}

const char *led_event_log_names(const struct led_event_log *log, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < log->count && used + 1 < size; i++) {
        const char *sep = i ? ", " : "";
        size_t need = strlen(sep) + strlen(log->events[i].name);
        if (used + need + 1 > size) {
            break;
        }
        strcpy(buf + used, sep);
        strcpy(buf + used + strlen(sep), log->events[i].name);
        used += need;
    }
    return buf;
}

const struct led_pattern_event *led_event_log_find(const struct led_event_log *log,
                                                   const char *name, unsigned nth)
{
    for (unsigned i = 0; i < log->count; i++) {
        if (strcmp(log->events[i].name, name) == 0 && nth-- == 0) {
            return &log->events[i];
        }
    }
    return NULL;
}

unsigned led_event_log_count(const struct led_event_log *log, const char *name)
{
    unsigned n = 0;
    for (unsigned i = 0; i < log->count; i++) {
        n += strcmp(log->events[i].name, name) == 0;
    }
    return n;
}
