/*
 * Synthetic status-LED timelines for the classifier's tests: what Device
 * OS's LED service (services/src/led_service.cpp), its cloud-error status,
 * its panic handler and the bootloader write to TIM2 CCR2..4, turned into
 * duties and fed to a classifier on a virtual clock.
 *
 * Every pattern starts at its tick 0, as the LED service restarts a
 * pattern whenever it changes; so sequencing patterns reproduces the
 * firmware's interruptions (a burst over fast cyan, then fast cyan again).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LED_TIMELINE_H
#define LED_TIMELINE_H

#include <stdint.h>

#include "led_pattern.h"

#define LED_TIMELINE_DEFAULT_BRIGHTNESS 96 /* services/inc/rgbled.h */
#define LED_TIMELINE_PWM_STEPS 10000       /* TIM2 ARR + 1 */
#define LED_TIMELINE_TICK_MS 25            /* led_update() period */

/* Device OS's colours (services/inc/rgbled.h). */
#define RGB_WHITE 0xFFFFFFu
#define RGB_RED 0xFF0000u
#define RGB_GREEN 0x00FF00u
#define RGB_BLUE 0x0000FFu
#define RGB_CYAN 0x00FFFFu
#define RGB_MAGENTA 0xFF00FFu
#define RGB_YELLOW 0xFFFF00u
#define RGB_ORANGE 0xFF6000u

struct led_timeline {
    struct led_pattern_classifier *cls;
    int64_t now_ns;         /* nominal time; writes may land off it by the jitter */
    unsigned brightness;    /* 0..255, as LED_SetBrightness() */
    double jitter_ms;       /* each write lands up to this much early or late */
    uint32_t random_state;
    uint16_t shown[3];      /* CCR2..4 as last written */
};

void led_timeline_init(struct led_timeline *tl, struct led_pattern_classifier *cls);

/* Writes land up to +-ms off their tick, pseudo-randomly from seed. */
void led_timeline_set_jitter(struct led_timeline *tl, double ms, uint32_t seed);

/* The firmware's scaling of an 8-bit component to a CCR value. */
uint16_t led_timeline_ccr(uint8_t component, unsigned brightness);

/* The duty the LED shows for that component. */
double led_timeline_duty(uint8_t component, unsigned brightness);

/* Writes rgb at the current brightness now (LED_SetRGBColor + LED_On). */
void led_timeline_write(struct led_timeline *tl, uint32_t rgb);

/* Time passes with no write. */
void led_timeline_hold(struct led_timeline *tl, unsigned ms);

/* LED service patterns, run for ms (rounded up to whole 25 ms ticks). */
void led_timeline_solid(struct led_timeline *tl, uint32_t rgb, unsigned ms);
void led_timeline_off(struct led_timeline *tl, unsigned ms);
void led_timeline_blink(struct led_timeline *tl, uint32_t rgb, unsigned period_ms,
                        unsigned ms);
void led_timeline_fade(struct led_timeline *tl, uint32_t rgb, unsigned period_ms,
                       unsigned ms);

/* LEDCloudErrorStatus: count blinks of 250 ms on, 250 ms off. */
void led_timeline_error_blinks(struct led_timeline *tl, uint32_t rgb, unsigned count);

/* The bootloader: on and off every half_ms, for ms. */
void led_timeline_toggle(struct led_timeline *tl, uint32_t rgb, unsigned half_ms,
                         unsigned ms);

/*
 * panic_internal(): LED off, then red at the default brightness a moment
 * later, then the SOS and `code` long blinks, played twice.
 */
void led_timeline_sos(struct led_timeline *tl, unsigned code);

/* Lets the classifier see the time, then ends the run. */
void led_timeline_advance(struct led_timeline *tl);
void led_timeline_flush(struct led_timeline *tl);

#endif
