/*
 * Pattern name to colours (see pattern_style.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pattern_style.h"

#define NEUTRAL_GREY 0x9aa0a6

/* The LED colour a name means; false for "off", "irregular" and unknown names. */
static bool hue_of_name(const char *name, uint32_t *hue)
{
    static const struct {
        const char *word;
        uint32_t hue;
    } words[] = {
        { "white", 0xc8ccd2 }, /* white would vanish on the page: a light grey */
        { "red", 0xff0000 },   { "green", 0x00ff00 }, { "blue", 0x0000ff },
        { "cyan", 0x00ffff },  { "magenta", 0xff00ff }, { "yellow", 0xffff00 },
        { "orange", 0xff6000 }, { "sos", 0xff0000 },
    };
    char token[32];
    const char *p = name;

    if (strncmp(name, "solid-", 6) == 0 && strlen(name) == 12) {
        char *end;
        unsigned long v = strtoul(name + 6, &end, 16);
        if (*end == '\0') {
            *hue = (uint32_t)v;
            return true;
        }
    }
    /* Whole dash-separated words only: "irregular" holds no colour. */
    while (*p) {
        size_t n = strcspn(p, "-");
        if (n < sizeof(token)) {
            memcpy(token, p, n);
            token[n] = '\0';
            for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
                if (strcmp(token, words[i].word) == 0) {
                    *hue = words[i].hue;
                    return true;
                }
            }
        }
        p += n;
        p += *p == '-';
    }
    return false;
}

static uint32_t mix(uint32_t a, uint32_t b, double b_share)
{
    uint32_t out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
        double ca = (a >> shift & 0xff), cb = (b >> shift & 0xff);
        out |= (uint32_t)(ca + (cb - ca) * b_share + 0.5) << shift;
    }
    return out;
}

/* Perceived lightness, 0..255 (Rec. 601 weights). */
static double lightness(uint32_t c)
{
    return 0.299 * (c >> 16 & 0xff) + 0.587 * (c >> 8 & 0xff) + 0.114 * (c & 0xff);
}

/* Darkens c until it reads on white (lightness <= limit). */
static uint32_t darken_to(uint32_t c, double limit)
{
    for (int i = 0; i < 20 && lightness(c) > limit; i++) {
        c = mix(c, 0x000000, 0.12);
    }
    return c;
}

struct pattern_style pattern_style_of(const char *name)
{
    uint32_t hue;

    if (!hue_of_name(name, &hue)) {
        bool off = strcmp(name, "off") == 0;
        return (struct pattern_style){
            .fill = off ? 0xd5d8dc : 0xeceff1,
            .border = off ? 0x3c4043 : NEUTRAL_GREY,
            .text = 0x202124,
        };
    }
    return (struct pattern_style){
        .fill = mix(hue, 0xffffff, 0.72),
        .border = darken_to(hue, 150),
        .text = darken_to(mix(hue, 0x000000, 0.35), 70),
    };
}
