/*
 * The LED pattern vocabulary, as board/led_pattern.h names what the LED
 * shows: the parser refuses a name the classifier can never report, and
 * the judge needs to know which patterns last (a steady colour, a blink, a
 * fade) and which are over as soon as they are reported (a burst, a blink
 * group, an SOS).
 *
 *   off, white, solid-RRGGBB, irregular
 *   blinking-C, fast-blinking-C, breathing-C, fast-breathing-C,
 *   slow-breathing-C, fading-C   for C in white red green blue cyan magenta
 *                                yellow orange
 *   orange-blinks-N (N 1..9), sos-N (N 1..16)
 *   red-burst, orange-burst, magenta-burst
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_PATTERN_NAMES_H
#define PHOTON_SCENARIO_PATTERN_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define SCN_PATTERN_NAME_MAX 32

/*
 * True if the classifier can report this name. Writes the canonical
 * spelling to canonical (solid-RRGGBB in lower case), which must hold
 * SCN_PATTERN_NAME_MAX bytes.
 */
bool scn_pattern_name_valid(const char *name, char canonical[SCN_PATTERN_NAME_MAX]);

/* A pattern that goes on showing after it is reported (not a burst, a blink
 * group, an SOS or an irregular stretch). */
bool scn_pattern_is_lasting(const char *name);

/* The valid name nearest to a misspelt one into out; false if none is near. */
bool scn_pattern_suggest(const char *name, char out[SCN_PATTERN_NAME_MAX]);

#endif
