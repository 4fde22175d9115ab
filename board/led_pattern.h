/*
 * Names what the Photon's RGB status LED shows: "breathing-cyan",
 * "fast-blinking-green", "orange-blinks-2", "red-burst", "sos-1", ...
 *
 * It is fed the LED's colour changes on the virtual clock and reports each
 * pattern once it is sure of it, with the time the pattern began. It knows
 * the timings Device OS's LED service and panic handler produce (25 ms
 * animation steps, blink on for the first half of the period, a triangle
 * fade that starts at full) but not what the firmware meant by them: it
 * names what the PWM shows.
 *
 * Plain C, no QEMU headers, no global state, no output: one classifier per
 * LED, one allocation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_LED_PATTERN_H
#define PHOTON_LED_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#include "led_colour.h"

/*
 * Names, exactly as they appear in led_pattern_event.name:
 *
 *   off                      dark for at least 200 ms
 *   white                    steady white (any brightness) for at least 200 ms
 *   solid-RRGGBB             any other steady colour for at least 200 ms;
 *                            RRGGBB is led_rgb_normalised_hex(): brightness is
 *                            taken out so the brightest component reads ff
 *                            (Device OS's cyan is solid-00ffff at any brightness)
 *   blinking-<colour>        on/off with equal halves, period > 150 ms, seen for
 *                            two full periods (cloud connecting 100/100,
 *                            listening mode 250/250, DFU 100/100)
 *   fast-blinking-<colour>   the same with a period <= 150 ms (50/50)
 *   breathing-<colour>       a triangle fade with a period of 4000 ms +-15 %
 *   fast-breathing-<colour>  the LED service's fast fade, 1000 ms +-15 %
 *   slow-breathing-<colour>  its slow fade, 8000 ms +-15 %
 *   fading-<colour>          a triangle fade with any other period
 *   orange-blinks-N          a group of N (1..9) orange blinks of 250 on /
 *                            250 off, then something else (the cloud
 *                            connection errors; more than 9 is blinking-orange)
 *   red-burst, orange-burst, magenta-burst
 *                            one solid flash of 200..350 ms in that colour
 *                            (the handshake failure flash of 250 ms);
 *                            other colours, or longer, are solid
 *   sos-N                    the panic pattern: 3 short, 3 long, 3 short red
 *                            blinks, then N long ones; reported once for the
 *                            two plays the firmware makes
 *   irregular                at least 1000 ms of changes none of the above
 *                            explains (reported once per such stretch)
 *
 * <colour> is led_colour_name() of the nearest named colour. A fade counts
 * as breathing after 10 steps; its period is estimated from the slope of
 * the fade (it runs from full to dark in half a period), so it is known
 * long before a whole period has been seen. The estimate assumes the fade
 * was seen from its first, full step, as Device OS starts every fade; one
 * picked up half-way (after an unexplained glitch) gets too short a period.
 *
 * Each pattern is reported once, when it begins; it is reported again only
 * if something else was reported or was left unexplained in between (so
 * "fast-blinking-cyan, red-burst, fast-blinking-cyan" is one burst that
 * interrupted fast cyan). Transients shorter than these minimums (the
 * 50 ms of breathing blue before listening mode, a single blink) are not
 * reported.
 *
 * Timings are matched within 10 ms + 10 % of the expected phase, which
 * covers the LED service's 25 ms steps and a few ms of jitter on every edge.
 */

#define LED_PATTERN_NAME_MAX 32

enum led_pattern_kind {
    LED_PATTERN_OFF,
    LED_PATTERN_SOLID,
    LED_PATTERN_BLINK,       /* blinking-*, fast-blinking-* */
    LED_PATTERN_BREATHING,   /* breathing-*, fast-/slow-breathing-*, fading-* */
    LED_PATTERN_BLINK_GROUP, /* orange-blinks-N */
    LED_PATTERN_BURST,       /* red-burst, orange-burst, magenta-burst */
    LED_PATTERN_SOS,         /* sos-N */
    LED_PATTERN_IRREGULAR,
};

struct led_pattern_event {
    int64_t start_ns;     /* virtual time the pattern began */
    int64_t confirmed_ns; /* time of the call that made the classifier sure */
    enum led_pattern_kind kind;
    char name[LED_PATTERN_NAME_MAX];
    enum led_colour colour;
    uint32_t rgb;     /* led_rgb_normalised_hex() of the lit phase; 0 when off */
    double peak_duty; /* duty of the brightest channel at full (lit phase, fade peak) */
    /*
     * Measured timings, 0 where they do not apply:
     *   blink        period_ms = on + off, on_ms = the lit half
     *   breathing    period_ms = full fade-out + fade-in
     *   blink group  period_ms = one blink (on + off), on_ms = its lit part
     *   burst        on_ms = length of the flash
     *   sos          on_ms = length of one of the N long code blinks
     */
    double period_ms;
    double on_ms;
    unsigned count;  /* N of orange-blinks-N and sos-N; 0 otherwise */
    /*
     * Full periods seen so far (blinks: on/off pairs, breathing: peaks after
     * the first, blink group: N, sos: plays). In an event: at confirmation;
     * from led_pattern_current(): up to now.
     */
    unsigned cycles;
};

/*
 * Called for each pattern, in start_ns order, from inside
 * led_pattern_colour(), led_pattern_advance() or led_pattern_flush(). It
 * must not call back into the same classifier. The event is only valid
 * during the call.
 */
typedef void (*led_pattern_event_fn)(void *opaque,
                                     const struct led_pattern_event *event);

struct led_pattern_classifier;

/*
 * A classifier whose LED is dark from start_ns. Returns NULL when out of
 * memory. on_event may be NULL (then only led_pattern_current() tells).
 */
struct led_pattern_classifier *led_pattern_new(int64_t start_ns,
                                               led_pattern_event_fn on_event,
                                               void *opaque);
void led_pattern_free(struct led_pattern_classifier *cls);

/*
 * The LED shows (r, g, b) duties (0..1; others are clamped) from time_ns
 * on. Times must not go backwards; one that does is taken as the latest
 * time seen. Changes less than 2 ms apart count as one (the three CCR
 * writes of one colour change), dated at the first of them.
 */
void led_pattern_colour(struct led_pattern_classifier *cls, int64_t time_ns,
                        double r, double g, double b);

/*
 * Time has reached time_ns with no change: lets a steady colour be named,
 * or a pattern be found to have ended, without waiting for the next change.
 * The classifier only learns the time from these calls, so a caller that
 * wants events promptly (confirmed_ns close to when the LED made them
 * certain) calls this periodically, e.g. every 25 ms of virtual time.
 */
void led_pattern_advance(struct led_pattern_classifier *cls, int64_t time_ns);

/*
 * End of run at time_ns: whatever has been seen long enough is reported,
 * the rest is dropped. Later calls other than led_pattern_current() and
 * led_pattern_free() are ignored.
 */
void led_pattern_flush(struct led_pattern_classifier *cls, int64_t time_ns);

/*
 * No pattern reported from now on begins before this time: the start of the
 * oldest colour change nothing has explained yet (INT64_MAX once flushed).
 * Whoever waits for "no such pattern began before T" can stop waiting when
 * the horizon passes T, instead of allowing for the classifier's worst delay.
 */
int64_t led_pattern_horizon(const struct led_pattern_classifier *cls);

/*
 * The pattern showing now, with the timings and cycles measured over all
 * of it so far (a breathing's period_ms becomes the mean peak-to-peak time
 * once a full period has been seen). False when none is (between patterns,
 * after a one-shot such as a burst, or while it is still unconfirmed).
 */
bool led_pattern_current(const struct led_pattern_classifier *cls,
                         struct led_pattern_event *out);

/* "off", "solid", "blink", "breathing", "blink-group", "burst", "sos", "irregular". */
const char *led_pattern_kind_name(enum led_pattern_kind kind);

#endif
