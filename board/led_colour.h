/*
 * Naming the status LED's colour from the three PWM duties.
 *
 * Plain C, no QEMU headers: shared by the LED pattern classifier, the
 * QEMU glue and the tests.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_LED_COLOUR_H
#define PHOTON_LED_COLOUR_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A colour as the LED shows it: each component is the PWM duty of its
 * channel, 0.0 .. 1.0 (CCRx / (ARR + 1), zero while the channel is
 * disabled). Device OS at its default brightness (96 of 255) drives a full
 * 8-bit component at a duty of 0.3735.
 */
struct led_rgb {
    double r, g, b;
};

/*
 * Below this duty on its brightest channel the LED counts as dark. It is
 * far under anything Device OS shows on purpose (one 8-bit step at the
 * default brightness is 0.0014, the dimmest breathing step 0.0046) but
 * keeps rounding noise and a disabled-but-not-zero channel from reading as
 * a colour.
 */
#define LED_COLOUR_DARK_DUTY 0.002

enum led_colour {
    LED_COLOUR_OFF,
    LED_COLOUR_WHITE,
    LED_COLOUR_RED,
    LED_COLOUR_GREEN,
    LED_COLOUR_BLUE,
    LED_COLOUR_CYAN,
    LED_COLOUR_MAGENTA,
    LED_COLOUR_YELLOW,
    LED_COLOUR_ORANGE, /* Device OS's RGB_COLOR_ORANGE, 0xFF6000 */
};

/* Duty of the brightest channel: how bright the LED is, whatever its hue. */
double led_rgb_level(struct led_rgb c);

/* True when the brightest channel is below LED_COLOUR_DARK_DUTY. */
bool led_rgb_is_dark(struct led_rgb c);

/*
 * The nearest named colour: the components are divided by the brightest
 * one (so brightness does not matter) and compared with white (1,1,1),
 * red (1,0,0), green (0,1,0), blue (0,0,1), cyan (0,1,1), magenta (1,0,1),
 * yellow (1,1,0) and orange (1,0x60/0xFF,0) by Euclidean distance.
 * LED_COLOUR_OFF when dark.
 */
enum led_colour led_colour_of(struct led_rgb c);

/*
 * The colour as 0xRRGGBB with brightness taken out: each component is
 * divided by the brightest one and scaled so the brightest reads 0xFF
 * (Device OS's cyan at any brightness is 0x00FFFF, its orange 0xFF6000).
 * 0 when dark.
 */
uint32_t led_rgb_normalised_hex(struct led_rgb c);

/* "off", "white", "red", "green", "blue", "cyan", "magenta", "yellow", "orange". */
const char *led_colour_name(enum led_colour c);

#endif
