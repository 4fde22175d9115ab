/*
 * Naming the status LED's colour from the three PWM duties.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "led_colour.h"

#include <math.h>
#include <stddef.h>

struct named_colour {
    enum led_colour id;
    const char *name;
    double r, g, b; /* normalised: the brightest component is 1 */
};

static const struct named_colour named_colours[] = {
    { LED_COLOUR_WHITE, "white", 1, 1, 1 },
    { LED_COLOUR_RED, "red", 1, 0, 0 },
    { LED_COLOUR_GREEN, "green", 0, 1, 0 },
    { LED_COLOUR_BLUE, "blue", 0, 0, 1 },
    { LED_COLOUR_CYAN, "cyan", 0, 1, 1 },
    { LED_COLOUR_MAGENTA, "magenta", 1, 0, 1 },
    { LED_COLOUR_YELLOW, "yellow", 1, 1, 0 },
    { LED_COLOUR_ORANGE, "orange", 1, 0x60 / 255.0, 0 },
};

#define NAMED_COLOUR_COUNT (sizeof(named_colours) / sizeof(named_colours[0]))

double led_rgb_level(struct led_rgb c)
{
    return fmax(c.r, fmax(c.g, c.b));
}

bool led_rgb_is_dark(struct led_rgb c)
{
    return led_rgb_level(c) < LED_COLOUR_DARK_DUTY;
}

enum led_colour led_colour_of(struct led_rgb c)
{
    if (led_rgb_is_dark(c)) {
        return LED_COLOUR_OFF;
    }
    double level = led_rgb_level(c);
    double r = c.r / level, g = c.g / level, b = c.b / level;
    enum led_colour best = LED_COLOUR_WHITE;
    double best_distance = INFINITY;
    for (size_t i = 0; i < NAMED_COLOUR_COUNT; i++) {
        const struct named_colour *n = &named_colours[i];
        double distance = (r - n->r) * (r - n->r) + (g - n->g) * (g - n->g) +
                          (b - n->b) * (b - n->b);
        if (distance < best_distance) {
            best_distance = distance;
            best = n->id;
        }
    }
    return best;
}

static uint32_t normalised_byte(double component, double level)
{
    double v = component / level * 255.0;
    if (v < 0) {
        v = 0;
    }
    return (uint32_t)lround(fmin(v, 255.0));
}

uint32_t led_rgb_normalised_hex(struct led_rgb c)
{
    if (led_rgb_is_dark(c)) {
        return 0;
    }
    double level = led_rgb_level(c);
    return normalised_byte(c.r, level) << 16 | normalised_byte(c.g, level) << 8 |
           normalised_byte(c.b, level);
}

const char *led_colour_name(enum led_colour c)
{
    for (size_t i = 0; i < NAMED_COLOUR_COUNT; i++) {
        if (named_colours[i].id == c) {
            return named_colours[i].name;
        }
    }
    return "off";
}
