/*
 * The scenario's lifetime and small helpers shared by the parser, the
 * runner and the network glue.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "scenario.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"

void scn_scenario_free(struct scn_scenario *scn)
{
    if (!scn) {
        return;
    }
    for (struct scn_regex *re = scn->regexes; re; re = re->next_compiled) {
        regfree(&re->compiled);
    }
    scn_arena_free(scn->arena); /* scn itself lives in the arena */
}

bool scn_scenario_path(const struct scn_scenario *scn, const char *path, char *out, size_t size)
{
    int n = path[0] == '/' ? snprintf(out, size, "%s", path)
                           : snprintf(out, size, "%s/%s", scn->directory, path);
    return n >= 0 && (size_t)n < size;
}

int scn_scenario_find_step(const struct scn_scenario *scn, const char *name)
{
    for (size_t i = 0; i < scn->step_count; i++) {
        if (scn->steps[i].name && strcmp(scn->steps[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool scn_dns_name_matches(const char *pattern, const char *name)
{
    if (strcmp(pattern, "*") == 0) {
        return true;
    }
    if (strncmp(pattern, "*.", 2) == 0) {
        size_t suffix = strlen(pattern) - 1; /* ".domain" */
        size_t n = strlen(name);
        return n > suffix && strcasecmp(name + n - suffix, pattern + 1) == 0;
    }
    return strcasecmp(pattern, name) == 0;
}

const char *scn_stream_name(enum scn_stream stream)
{
    static const char *const names[] = { "pattern", "serial", "cloud", "packet", "step" };
    return (unsigned)stream < SCN_STREAM_COUNT ? names[stream] : "?";
}

const char *scn_security_name(enum scn_security security)
{
    static const char *const names[] = { "open", "wep", "wpa", "wpa2" };
    return (unsigned)security < 4 ? names[security] : "?";
}

const char *scn_rule_action_name(enum scn_rule_action action)
{
    static const char *const names[] = { "allow", "drop", "reject", "delay", "loss", "corrupt", "rate-limit" };
    return (unsigned)action < 7 ? names[action] : "?";
}

const char *scn_protocol_name(enum scn_protocol protocol)
{
    static const char *const names[] = { "any", "tcp", "udp", "icmp" };
    return (unsigned)protocol < 4 ? names[protocol] : "?";
}

const char *scn_format_time(scn_time t, char *buf, size_t size)
{
    if (t == SCN_TIME_NEVER) {
        snprintf(buf, size, "never");
        return buf;
    }
    bool negative = t < 0;
    uint64_t magnitude = negative ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
    uint64_t seconds = magnitude / (uint64_t)SCN_NS_PER_SECOND;
    uint64_t ms = magnitude % (uint64_t)SCN_NS_PER_SECOND / (uint64_t)SCN_NS_PER_MS;
    snprintf(buf, size, "%s%" PRIu64 ".%03" PRIu64 " s", negative ? "-" : "", seconds, ms);
    return buf;
}
