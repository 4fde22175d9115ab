/*
 * Records a classifier's events for the tests to check.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LED_EVENT_LOG_H
#define LED_EVENT_LOG_H

#include <stddef.h>

#include "led_pattern.h"

#define LED_EVENT_LOG_MAX 512

struct led_event_log {
    struct led_pattern_event events[LED_EVENT_LOG_MAX];
    unsigned count;
    unsigned overflowed; /* events that did not fit */
};

/* A led_pattern_event_fn; opaque is the log. */
void led_event_log_record(void *opaque, const struct led_pattern_event *event);

/* The names in order, joined by ", " ("" when none): easy to compare and to read
 * in a failure message. */
const char *led_event_log_names(const struct led_event_log *log, char *buf, size_t size);

/* The nth (from 0) event called name, or NULL. */
const struct led_pattern_event *led_event_log_find(const struct led_event_log *log,
                                                   const char *name, unsigned nth);

/* How many events are called name. */
unsigned led_event_log_count(const struct led_event_log *log, const char *name);

#endif
