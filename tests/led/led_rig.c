/*
 * One classifier with its timeline and event log (see led_rig.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "led_rig.h"

#include <check.h>
#include <stdlib.h>

struct led_rig *led_rig_new(void)
{
    struct led_rig *rig = calloc(1, sizeof(*rig));
    ck_assert_ptr_nonnull(rig);
    rig->cls = led_pattern_new(0, led_event_log_record, &rig->log);
    ck_assert_ptr_nonnull(rig->cls);
    led_timeline_init(&rig->tl, rig->cls);
    return rig;
}

void led_rig_free(struct led_rig *rig)
{
    led_pattern_free(rig->cls);
    free(rig);
}

const char *led_rig_names(struct led_rig *rig)
{
    return led_event_log_names(&rig->log, rig->names, sizeof(rig->names));
}

const struct led_pattern_event *led_rig_event(struct led_rig *rig, unsigned nth)
{
    ck_assert_msg(nth < rig->log.count, "no event %u in \"%s\"", nth, led_rig_names(rig));
    return &rig->log.events[nth];
}

double led_rig_ms(int64_t ns)
{
    return (double)ns / NS_PER_MS;
}
