/*
 * led_pattern_horizon(): no pattern reported later begins before a horizon
 * given earlier. Checked on random LED activity (steady colours, blinks,
 * fades, flashes, glitches) and on the status patterns Device OS shows, and
 * the horizon must not lag needlessly: during a steady breathing it stays
 * within one fade step of the present.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "led_pattern.h"

#define MS(x) ((int64_t)(x) * 1000000LL)

struct horizon_check {
    int64_t horizon;  /* the latest horizon given */
    int64_t violations;
    unsigned events;
};

static void on_event(void *opaque, const struct led_pattern_event *e)
{
    struct horizon_check *c = opaque;
    c->events++;
    if (e->start_ns < c->horizon)
        c->violations++;
}

static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* Sets the colour at t, advances in 25 ms ticks as the board does, and checks the
 * horizon never goes back. */
static void step(struct led_pattern_classifier *cls, struct horizon_check *c, int64_t *t,
                 int64_t until, double r, double g, double b)
{
    led_pattern_colour(cls, *t, r, g, b);
    while (*t < until) {
        *t += MS(25) < until - *t ? MS(25) : until - *t;
        led_pattern_advance(cls, *t);
        int64_t h = led_pattern_horizon(cls);
        ck_assert_int_le(h, *t);
        ck_assert_int_ge(h, c->horizon); /* never moves back */
        c->horizon = h;
    }
}

START_TEST(nothing_reported_later_begins_before_the_horizon)
{
    for (uint32_t seed = 1; seed <= 200; seed++) {
        struct horizon_check c = { .horizon = INT64_MIN };
        struct led_pattern_classifier *cls = led_pattern_new(0, on_event, &c);
        uint32_t state = seed;
        int64_t t = 0;
        for (int i = 0; i < 300; i++) {
            double level = (next_random(&state) % 100) / 100.0;
            int colour = next_random(&state) % 4;
            int64_t length = MS(10 + next_random(&state) % 1500);
            int kind = next_random(&state) % 4;
            int repeats = kind == 0 ? 1 : 2 + next_random(&state) % 8;
            for (int k = 0; k < repeats; k++) {
                double on = kind == 3 ? level * (k + 1) / repeats : level;
                step(cls, &c, &t, t + length, colour == 0 ? on : 0, colour == 1 ? on : 0,
                     colour >= 2 ? on : 0);
                if (kind == 1)
                    step(cls, &c, &t, t + length, 0, 0, 0);
            }
        }
        led_pattern_flush(cls, t);
        ck_assert_msg(c.violations == 0, "seed %u: %lld events began before a horizon given "
                      "earlier", (unsigned)seed, (long long)c.violations);
        ck_assert_uint_gt(c.events, 0);
        ck_assert_int_eq(led_pattern_horizon(cls), INT64_MAX);
        led_pattern_free(cls);
    }
}
END_TEST

START_TEST(during_breathing_the_horizon_follows_the_present)
{
    struct horizon_check c = { .horizon = INT64_MIN };
    struct led_pattern_classifier *cls = led_pattern_new(0, on_event, &c);
    int64_t t = 0;
    /* a 4 s triangle fade of cyan in 25 ms steps, for 20 s */
    for (int i = 0; i < 800; i++) {
        int phase = i % 160;
        double level = (phase < 80 ? phase : 160 - phase) / 80.0;
        step(cls, &c, &t, t + MS(25), 0, level, level);
    }
    ck_assert_uint_ge(c.events, 1);
    ck_assert_int_eq(c.violations, 0);
    ck_assert_int_ge(led_pattern_horizon(cls), t - MS(100));
    led_pattern_free(cls);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("led_horizon");
    TCase *tc = tcase_create("horizon");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, nothing_reported_later_begins_before_the_horizon);
    tcase_add_test(tc, during_breathing_the_horizon_follows_the_present);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
