/*
 * "Did you mean ...?": the nearest of a list of words by edit distance, so
 * an error about a misspelt key or pattern name can name the right one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_SPELLING_H
#define PHOTON_SCENARIO_SPELLING_H

#include <stddef.h>

/* Levenshtein distance, or a large number when either word is longer than 64. */
unsigned scn_edit_distance(const char *a, const char *b);

/*
 * The candidate closest to word if it is close enough to be a plausible
 * typo (at most a third of its length, and at most 3 edits), else NULL.
 * candidates may contain NULLs (skipped).
 */
const char *scn_closest_word(const char *word, const char *const *candidates, size_t count);

#endif
