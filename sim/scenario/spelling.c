/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "spelling.h"

#include <string.h>

#define LONGEST_WORD 64
#define FAR_AWAY 1000u

unsigned scn_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > LONGEST_WORD || lb > LONGEST_WORD) {
        return FAR_AWAY;
    }
    unsigned row[LONGEST_WORD + 1];
    for (size_t j = 0; j <= lb; j++) {
        row[j] = (unsigned)j;
    }
    for (size_t i = 1; i <= la; i++) {
        unsigned diagonal = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned above = row[j];
            unsigned best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best) {
                best = above + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

const char *scn_closest_word(const char *word, const char *const *candidates, size_t count)
{
    size_t length = strlen(word);
    unsigned limit = (unsigned)(length / 3);
    if (limit > 3) {
        limit = 3;
    }
    if (limit == 0) {
        limit = 1;
    }
    const char *best = NULL;
    unsigned best_distance = limit + 1;
    for (size_t i = 0; i < count; i++) {
        if (!candidates[i]) {
            continue;
        }
        unsigned d = scn_edit_distance(word, candidates[i]);
        if (d < best_distance) {
            best = candidates[i];
            best_distance = d;
        }
    }
    return best;
}
