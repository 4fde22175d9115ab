/*
 * How the RGB status LED's PWM duties are shown on a screen.
 *
 * The firmware drives each channel with a duty of 0..1; at Device OS's
 * default brightness (96 of 255) a full component is a duty of 0.3735, so
 * the raw duties would draw its "full white" as a dull grey. The mapping:
 *
 *   level  = brightest duty / LED_DISPLAY_FULL_DUTY, clamped to 0..1
 *            (duties above the default full scale, from an app that raised
 *            the brightness, are drawn at full);
 *   hue    = each duty / the brightest one, taken as an sRGB code value, so
 *            the firmware's colours keep the hex values Particle documents
 *            (cyan 00FFFF, orange FF6000) at any brightness;
 *   shown  = hue * level^(1/2.2): the level is the fraction of light the LED
 *            emits, encoded like sRGB so the screen emits the same fraction.
 *            A breathing LED therefore fades the way the real one does, and
 *            its dimmest 25 ms step (duty 0.0046) is dim but not black.
 *
 * glow (0..1) is level^(1/2.2) as well: how strongly a halo around the LED
 * is drawn, so a dim LED also glows less.
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_GUI_LED_DISPLAY_H
#define PHOTON_GUI_LED_DISPLAY_H

#include <stdint.h>

/* Duty of a full 8-bit component at Device OS's default brightness. */
#define LED_DISPLAY_FULL_DUTY 0.3735

/* Below this brightest duty the LED is drawn as off (rounding noise only). */
#define LED_DISPLAY_OFF_DUTY 0.0001

struct led_display_colour {
    double r, g, b; /* sRGB components to paint, 0..1 */
    double glow;    /* 0 (off) .. 1 (full brightness) */
};

struct led_display_colour led_display_from_duty(double r, double g, double b);

/* The shown colour as 0xRRGGBB (each component rounded to 8 bits). */
uint32_t led_display_hex(struct led_display_colour c);

#endif
