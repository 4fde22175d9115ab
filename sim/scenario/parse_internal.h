/*
 * Shared by the parser's files (parse*.c, timeline_check.c): the parser's
 * state, the "where am I" key path used in messages, and the checked
 * readers of YAML values. Every reader either stores a valid value or fails
 * with "FILE:LINE:COLUMN: key.path: expected ..., got ..." and returns false;
 * callers return false at once, so the first error ends the parse.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_PARSE_INTERNAL_H
#define PHOTON_SCENARIO_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "scenario.h"
#include "yaml_tree.h"

#define KEY_PATH_MAX 192

struct parser {
    struct scn_scenario *scn;
    struct scn_arena *arena;
    const char *file;
    struct scn_diag *err;
    char path[KEY_PATH_MAX]; /* "steps[3].do.rule-add" (indices from 1) */
    size_t path_length;
    /* Step names by index, known before the steps are read so that `after`
     * and `since` can refer to a later step. */
    const char **step_names;
    size_t step_name_count;
    /* Estimated size of the regexes compiled so far (parse_values.c). */
    uint64_t regex_nodes;
};

/* ----------------------------------------------------------- key paths */

/* Appends ".key" (or "key" at the top) / "[index+1]"; returns the length to restore. */
size_t path_push_key(struct parser *p, const char *key);
size_t path_push_index(struct parser *p, size_t index);
void path_pop(struct parser *p, size_t saved);

/* ----------------------------------------------------------- failures */

/* "FILE:L:C: PATH: message" at node's place; returns false. */
bool fail(struct parser *p, const struct ynode *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool fail_at(struct parser *p, struct scn_loc at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool out_of_memory(struct parser *p);

/* A short printable rendering of what a node holds, for "got ..." parts. */
const char *describe_node(const struct ynode *node, char *buf, size_t size);

struct scn_loc node_loc(const struct ynode *node);

/* ----------------------------------------------------------- mappings */

/*
 * Checks that node is a mapping whose keys are plain names from allowed
 * (NULL-terminated), each at most once. `what` describes the mapping in
 * the "expected a mapping" message ("the device", "a rule").
 */
bool check_mapping(struct parser *p, const struct ynode *node, const char *const *allowed,
                   const char *what);

/* The value of key in a checked mapping, or NULL. */
const struct ynode *map_get(const struct ynode *map, const char *key);

/* The first key of a mapping (for one-key mappings such as `{power-cycle: 2}`). */
const struct ynode *map_first_key(const struct ynode *map);

/* Fails unless node is a sequence of at most max items. */
bool check_sequence(struct parser *p, const struct ynode *node, size_t max, const char *what);

/* Fails with "missing key" at the mapping unless key is present. */
bool require_key(struct parser *p, const struct ynode *map, const char *key, const char *what);

/* ----------------------------------------------------------- scalars */

bool is_scalar(const struct ynode *node, const char *text);
/* A scalar with a '/' or a '.': a file name where a keyword could also go. */
bool looks_like_path(const struct ynode *node);
bool is_hex_text(const char *text, size_t length);

/* Text of 1..max bytes (or 0..max if allow_empty), no NUL; control
 * characters refused unless allow_control. */
bool read_text(struct parser *p, const struct ynode *node, size_t max, bool allow_empty,
               bool allow_control, const char **out);
/* A name for a step, rule or expectation: 1..SCN_NAME_MAX printable bytes. */
bool read_name(struct parser *p, const struct ynode *node, const char **out);
/* A file name: 1..SCN_PATH_MAX bytes, no control characters. */
bool read_path(struct parser *p, const struct ynode *node, const char **out);

/* Seconds as a number ("2.5") or with a unit ("250ms", "2.5s", "1.5min", "1h"),
 * 0..SCN_TIME_LIMIT, at most nanosecond precision. */
bool read_time(struct parser *p, const struct ynode *node, scn_time *out);
bool read_uint(struct parser *p, const struct ynode *node, uint64_t min, uint64_t max,
               const char *what, uint64_t *out);
bool read_int(struct parser *p, const struct ynode *node, int64_t min, int64_t max,
              const char *what, int64_t *out);
/* A probability: 0..1, or a percentage "25%". */
bool read_rate(struct parser *p, const struct ynode *node, double *out);
/* true/false, yes/no, on/off. */
bool read_bool(struct parser *p, const struct ynode *node, bool *out);
/* One of choices (NULL-terminated); *out is its index. */
bool read_choice(struct parser *p, const struct ynode *node, const char *const *choices,
                 int *out);

bool read_ipv4(struct parser *p, const struct ynode *node, uint32_t *out);
/* "a.b.c.d/len" (or just "a.b.c.d" for /32 if !require_prefix); host bits must be 0
 * when network_only. */
bool read_ipv4_net(struct parser *p, const struct ynode *node, bool require_prefix,
                   bool network_only, struct scn_ipv4_net *out);
/* 1..65535, "low-high", or a one-port sequence is not accepted: one range per rule. */
bool read_port_range(struct parser *p, const struct ynode *node, uint16_t *low, uint16_t *high);
bool read_port(struct parser *p, const struct ynode *node, uint16_t *out);
/* A host name: dot-separated labels of letters, digits and '-', at most max bytes;
 * with allow_wildcard also "*" and "*.domain". */
bool read_host_name(struct parser *p, const struct ynode *node, size_t max, bool allow_wildcard,
                    const char **out);
/* A POSIX extended regular expression, compiled (no back-references, bounded repeats). */
bool read_regex(struct parser *p, const struct ynode *node, const struct scn_regex **out);
/* An LED pattern name from the classifier's vocabulary, canonical spelling. */
bool read_pattern(struct parser *p, const struct ynode *node, const char **out);

/* --------------------------------------------------- the file's sections */

bool parse_device(struct parser *p, const struct ynode *node);
bool parse_radio(struct parser *p, const struct ynode *node);
bool parse_network(struct parser *p, const struct ynode *node);
bool parse_cloud(struct parser *p, const struct ynode *node);
/* An SSID (1..32 bytes), and security + passphrase with their defaults and
 * length rules (passphrase optional for updates). */
bool read_ssid(struct parser *p, const struct ynode *node, const char **out);
bool read_security_and_passphrase(struct parser *p, const struct ynode *map, bool optional,
                                  enum scn_security *security, const char **passphrase,
                                  bool *security_given, bool *passphrase_given);
bool parse_access_point(struct parser *p, const struct ynode *node, bool update_only,
                        struct scn_access_point *ap, unsigned *fields);
bool parse_rule(struct parser *p, const struct ynode *node, bool require_name,
                struct scn_rule *rule);
bool parse_dns_fault_value(struct parser *p, const struct ynode *value, bool allow_none,
                           struct scn_dns_fault *fault);
bool parse_cloud_fault(struct parser *p, const struct ynode *node, bool allow_none,
                       struct scn_cloud_fault *fault);

/* Matchers are written `kind: value` (kinds in matcher_kinds; "step" only
 * when allow_step). */
extern const char *const matcher_kinds[];
bool is_matcher_kind(const struct ynode *key, bool allow_step);
bool read_matcher(struct parser *p, const struct ynode *key, const struct ynode *value,
                  bool allow_step, struct scn_matcher *m);
/* A step name that must exist: its index. */
bool read_step_reference(struct parser *p, const struct ynode *node, int *index);

bool collect_step_names(struct parser *p, const struct ynode *steps);
bool parse_steps(struct parser *p, const struct ynode *node);
bool parse_condition(struct parser *p, const struct ynode *node, struct scn_condition *cond);
bool parse_expectations(struct parser *p, const struct ynode *node);

/* Cross-references and the impossible-timeline checks, once everything is read. */
bool check_references(struct parser *p);
bool check_timeline(struct parser *p);

#endif
