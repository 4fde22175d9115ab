/*
 * Synthetic status-LED timelines (see led_timeline.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "led_timeline.h"

#include <math.h>
#include <string.h>

#define NS_PER_MS 1000000LL

void led_timeline_init(struct led_timeline *tl, struct led_pattern_classifier *cls)
{
    memset(tl, 0, sizeof(*tl));
    tl->cls = cls;
    tl->brightness = LED_TIMELINE_DEFAULT_BRIGHTNESS;
    tl->random_state = 1;
}

void led_timeline_set_jitter(struct led_timeline *tl, double ms, uint32_t seed)
{
    tl->jitter_ms = ms;
    tl->random_state = seed ? seed : 1;
}

uint16_t led_timeline_ccr(uint8_t component, unsigned brightness)
{
    /* LEDService::scaleColor(): value * Get_RGB_LED_Max_Value(), then >> 16. */
    return (uint16_t)(((uint32_t)component * brightness * LED_TIMELINE_PWM_STEPS) >> 16);
}

double led_timeline_duty(uint8_t component, unsigned brightness)
{
    return (double)led_timeline_ccr(component, brightness) / LED_TIMELINE_PWM_STEPS;
}

/* xorshift32: reproducible jitter without touching libc's rand() state. */
static double next_jitter_ms(struct led_timeline *tl)
{
    if (tl->jitter_ms <= 0) {
        return 0;
    }
    uint32_t x = tl->random_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    tl->random_state = x;
    return ((double)x / UINT32_MAX * 2.0 - 1.0) * tl->jitter_ms;
}

static void write_ccr_at(struct led_timeline *tl, int64_t at_ns, const uint16_t ccr[3])
{
    if (memcmp(ccr, tl->shown, sizeof(tl->shown)) == 0) {
        return;
    }
    memcpy(tl->shown, ccr, sizeof(tl->shown));
    at_ns += (int64_t)llround(next_jitter_ms(tl) * NS_PER_MS);
    led_pattern_colour(tl->cls, at_ns, (double)ccr[0] / LED_TIMELINE_PWM_STEPS,
                       (double)ccr[1] / LED_TIMELINE_PWM_STEPS,
                       (double)ccr[2] / LED_TIMELINE_PWM_STEPS);
}

static void scaled(uint32_t rgb, unsigned brightness, uint16_t ccr[3])
{
    ccr[0] = led_timeline_ccr((uint8_t)(rgb >> 16), brightness);
    ccr[1] = led_timeline_ccr((uint8_t)(rgb >> 8), brightness);
    ccr[2] = led_timeline_ccr((uint8_t)rgb, brightness);
}

void led_timeline_write(struct led_timeline *tl, uint32_t rgb)
{
    uint16_t ccr[3];
    scaled(rgb, tl->brightness, ccr);
    write_ccr_at(tl, tl->now_ns, ccr);
}

void led_timeline_hold(struct led_timeline *tl, unsigned ms)
{
    tl->now_ns += (int64_t)ms * NS_PER_MS;
}

enum service_pattern {
    SERVICE_SOLID,
    SERVICE_BLINK,
    SERVICE_FADE,
};

/* LEDService::update() every tick for ms, the pattern starting at tick 0. */
static void run_service(struct led_timeline *tl, enum service_pattern pattern,
                        uint32_t rgb, unsigned period_ms, unsigned ms)
{
    for (unsigned ticks = 0; ticks < ms; ticks += LED_TIMELINE_TICK_MS) {
        unsigned phase = period_ms ? ticks % period_ms : 0;
        uint16_t ccr[3];
        scaled(rgb, tl->brightness, ccr);
        if (pattern == SERVICE_BLINK && phase >= period_ms / 2) {
            memset(ccr, 0, sizeof(ccr));
        } else if (pattern == SERVICE_FADE) {
            /* Fade out over the first half, back in over the second. */
            unsigned half = period_ms / 2;
            unsigned k = phase < half ? half - phase : phase - half;
            for (int i = 0; i < 3; i++) {
                ccr[i] = (uint16_t)((uint32_t)ccr[i] * k / half);
            }
        }
        write_ccr_at(tl, tl->now_ns + (int64_t)ticks * NS_PER_MS, ccr);
    }
    unsigned ticks = (ms + LED_TIMELINE_TICK_MS - 1) / LED_TIMELINE_TICK_MS;
    tl->now_ns += (int64_t)ticks * LED_TIMELINE_TICK_MS * NS_PER_MS;
}

void led_timeline_solid(struct led_timeline *tl, uint32_t rgb, unsigned ms)
{
    run_service(tl, SERVICE_SOLID, rgb, 0, ms);
}

void led_timeline_off(struct led_timeline *tl, unsigned ms)
{
    run_service(tl, SERVICE_SOLID, 0, 0, ms);
}

void led_timeline_blink(struct led_timeline *tl, uint32_t rgb, unsigned period_ms,
                        unsigned ms)
{
    run_service(tl, SERVICE_BLINK, rgb, period_ms, ms);
}

void led_timeline_fade(struct led_timeline *tl, uint32_t rgb, unsigned period_ms,
                       unsigned ms)
{
    run_service(tl, SERVICE_FADE, rgb, period_ms, ms);
}

void led_timeline_error_blinks(struct led_timeline *tl, uint32_t rgb, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        led_timeline_solid(tl, rgb, 250);
        led_timeline_off(tl, 250);
    }
}

void led_timeline_toggle(struct led_timeline *tl, uint32_t rgb, unsigned half_ms,
                         unsigned ms)
{
    for (unsigned t = 0; t < ms; t += half_ms) {
        led_timeline_write(tl, (t / half_ms) % 2 ? 0 : rgb);
        led_timeline_hold(tl, half_ms);
    }
}

/* panic_led_flash(): count x (on, off), then a pause. */
static void panic_flash(struct led_timeline *tl, unsigned count, unsigned on_ms,
                        unsigned off_ms, unsigned pause_ms)
{
    for (unsigned i = 0; i < count; i++) {
        led_timeline_write(tl, RGB_RED);
        led_timeline_hold(tl, on_ms);
        led_timeline_write(tl, 0);
        led_timeline_hold(tl, off_ms);
    }
    led_timeline_hold(tl, pause_ms);
}

void led_timeline_sos(struct led_timeline *tl, unsigned code)
{
    tl->brightness = LED_TIMELINE_DEFAULT_BRIGHTNESS;
    /* LED_Off(), then the first LED_On() a few microseconds later. */
    static const uint16_t dark[3] = { 0, 0, 0 };
    write_ccr_at(tl, tl->now_ns, dark);
    tl->now_ns += 5000;
    for (int play = 0; play < 2; play++) {
        panic_flash(tl, 3, 150, 100, 100);
        panic_flash(tl, 3, 300, 100, 100);
        panic_flash(tl, 3, 150, 100, 900);
        panic_flash(tl, code, 300, 300, 800);
    }
}

void led_timeline_advance(struct led_timeline *tl)
{
    led_pattern_advance(tl->cls, tl->now_ns);
}

void led_timeline_flush(struct led_timeline *tl)
{
    led_pattern_flush(tl->cls, tl->now_ns);
}
