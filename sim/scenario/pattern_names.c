/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "pattern_names.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spelling.h"

static const char *const colours[] = {
    "white", "red", "green", "blue", "cyan", "magenta", "yellow", "orange",
};
static const char *const animated_prefixes[] = {
    "blinking-", "fast-blinking-", "breathing-", "fast-breathing-", "slow-breathing-", "fading-",
};
static const char *const fixed_names[] = {
    "off", "white", "irregular", "red-burst", "orange-burst", "magenta-burst",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define ORANGE_BLINKS_MAX 9
#define SOS_CODE_MAX 16

/* "prefix<n>" with n a decimal number in 1..max and no leading zero. */
static bool numbered(const char *name, const char *prefix, unsigned max)
{
    size_t pl = strlen(prefix);
    if (strncmp(name, prefix, pl) != 0) {
        return false;
    }
    const char *digits = name + pl;
    size_t n = strlen(digits);
    if (n == 0 || n > 2 || digits[0] == '0') {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)digits[i])) {
            return false;
        }
    }
    unsigned value = (unsigned)atoi(digits);
    return value >= 1 && value <= max;
}

static bool animated(const char *name)
{
    for (size_t p = 0; p < COUNT(animated_prefixes); p++) {
        size_t pl = strlen(animated_prefixes[p]);
        if (strncmp(name, animated_prefixes[p], pl) != 0) {
            continue;
        }
        for (size_t c = 0; c < COUNT(colours); c++) {
            if (strcmp(name + pl, colours[c]) == 0) {
                return true;
            }
        }
    }
    return false;
}

bool scn_pattern_name_valid(const char *name, char canonical[SCN_PATTERN_NAME_MAX])
{
    size_t length = strlen(name);
    if (length == 0 || length >= SCN_PATTERN_NAME_MAX) {
        return false;
    }
    memcpy(canonical, name, length + 1);
    for (size_t i = 0; i < COUNT(fixed_names); i++) {
        if (strcmp(name, fixed_names[i]) == 0) {
            return true;
        }
    }
    if (animated(name) || numbered(name, "orange-blinks-", ORANGE_BLINKS_MAX) ||
        numbered(name, "sos-", SOS_CODE_MAX)) {
        return true;
    }
    if (length == 12 && strncmp(name, "solid-", 6) == 0) {
        for (size_t i = 6; i < 12; i++) {
            if (!isxdigit((unsigned char)name[i])) {
                return false;
            }
            canonical[i] = (char)tolower((unsigned char)name[i]);
        }
        return true;
    }
    return false;
}

bool scn_pattern_is_lasting(const char *name)
{
    if (strcmp(name, "irregular") == 0 || strncmp(name, "sos-", 4) == 0 ||
        strncmp(name, "orange-blinks-", 14) == 0) {
        return false;
    }
    size_t length = strlen(name);
    return !(length >= 6 && strcmp(name + length - 6, "-burst") == 0);
}

bool scn_pattern_suggest(const char *name, char out[SCN_PATTERN_NAME_MAX])
{
    /* Every spellable name but the solid-RRGGBB family (a typo there is
     * caught by the hex check, and suggesting a colour would be a guess). */
    char animated_names[COUNT(animated_prefixes) * COUNT(colours)][SCN_PATTERN_NAME_MAX];
    char numbered_names[ORANGE_BLINKS_MAX + SOS_CODE_MAX][SCN_PATTERN_NAME_MAX];
    const char *candidates[COUNT(fixed_names) + COUNT(animated_names) + COUNT(numbered_names)];
    size_t n = 0;

    for (size_t i = 0; i < COUNT(fixed_names); i++) {
        candidates[n++] = fixed_names[i];
    }
    for (size_t p = 0; p < COUNT(animated_prefixes); p++) {
        for (size_t c = 0; c < COUNT(colours); c++) {
            char *slot = animated_names[p * COUNT(colours) + c];
            snprintf(slot, SCN_PATTERN_NAME_MAX, "%s%s", animated_prefixes[p], colours[c]);
            candidates[n++] = slot;
        }
    }
    for (unsigned i = 0; i < ORANGE_BLINKS_MAX; i++) {
        snprintf(numbered_names[i], SCN_PATTERN_NAME_MAX, "orange-blinks-%u", i + 1);
        candidates[n++] = numbered_names[i];
    }
    for (unsigned i = 0; i < SOS_CODE_MAX; i++) {
        snprintf(numbered_names[ORANGE_BLINKS_MAX + i], SCN_PATTERN_NAME_MAX, "sos-%u", i + 1);
        candidates[n++] = numbered_names[ORANGE_BLINKS_MAX + i];
    }
    const char *best = scn_closest_word(name, candidates, n);
    if (!best) {
        return false;
    }
    snprintf(out, SCN_PATTERN_NAME_MAX, "%s", best);
    return true;
}
