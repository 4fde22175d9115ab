/*
 * PWM duties to screen colour (see led_display.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>

#include "led_display.h"

#define DISPLAY_GAMMA 2.2

static double clamp_unit(double v)
{
    if (!(v > 0.0)) { /* also catches NaN */
        return 0.0;
    }
    return v > 1.0 ? 1.0 : v;
}

struct led_display_colour led_display_from_duty(double r, double g, double b)
{
    struct led_display_colour shown = { 0, 0, 0, 0 };
    double brightest;

    r = clamp_unit(r);
    g = clamp_unit(g);
    b = clamp_unit(b);
    brightest = fmax(r, fmax(g, b));
    if (brightest < LED_DISPLAY_OFF_DUTY) {
        return shown;
    }
    shown.glow = pow(clamp_unit(brightest / LED_DISPLAY_FULL_DUTY), 1.0 / DISPLAY_GAMMA);
    shown.r = r / brightest * shown.glow;
    shown.g = g / brightest * shown.glow;
    shown.b = b / brightest * shown.glow;
    return shown;
}

static uint32_t to_byte(double v)
{
    return (uint32_t)lround(clamp_unit(v) * 255.0);
}

uint32_t led_display_hex(struct led_display_colour c)
{
    return to_byte(c.r) << 16 | to_byte(c.g) << 8 | to_byte(c.b);
}
