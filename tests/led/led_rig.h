/*
 * One classifier with its timeline and event log: what each LED test sets up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LED_RIG_H
#define LED_RIG_H

#include <stdint.h>

#include "led_event_log.h"
#include "led_pattern.h"
#include "led_timeline.h"

#define NS_PER_MS 1000000LL

struct led_rig {
    struct led_pattern_classifier *cls;
    struct led_timeline tl;
    struct led_event_log log;
    char names[4096];
};

/* A rig whose LED is dark from time 0. Aborts the test if out of memory. */
struct led_rig *led_rig_new(void);
void led_rig_free(struct led_rig *rig);

/* The names reported so far, ", "-joined. */
const char *led_rig_names(struct led_rig *rig);

/* Event `nth` of the log (asserts it exists). */
const struct led_pattern_event *led_rig_event(struct led_rig *rig, unsigned nth);

/* Milliseconds from a timestamp in ns. */
double led_rig_ms(int64_t ns);

#endif
