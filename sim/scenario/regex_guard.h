/*
 * A guard in front of glibc's regcomp for regular expressions from scenario
 * files. glibc compiles some valid expressions in time or memory that
 * explodes: a quantifier copies its operand (so nested and stacked
 * repetitions multiply), runs of quantifiers ("a**...") and repetitions of
 * something that can match nothing ("(a?)*(a?)*...") take seconds to
 * minutes. Matching has no such trap once back-references are excluded.
 * The guard reads the expression's structure and refuses those shapes,
 * with a reason for the user.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_REGEX_GUARD_H
#define PHOTON_SCENARIO_REGEX_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCN_REGEX_REPEAT_MAX 255u      /* largest number in {m,n} */
#define SCN_REGEX_NODES_MAX 2048u      /* estimated nodes after glibc copies repetitions */
#define SCN_REGEX_NESTING_MAX 32u      /* groups inside groups */

/*
 * True if the POSIX extended expression is safe to give to regcomp;
 * *nodes is then its estimated size. False with a one-line reason.
 */
bool scn_regex_guard(const char *source, size_t length, uint64_t *nodes, char *reason, size_t reason_size);

#endif
