/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "rule_text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>

static int action_text(const struct scn_rule *rule, char *out, size_t size)
{
    switch (rule->action) {
    case SCN_RULE_ALLOW:
        return snprintf(out, size, "pass");
    case SCN_RULE_DROP:
        return snprintf(out, size, "drop");
    case SCN_RULE_REJECT:
        return snprintf(out, size, "reject");
    case SCN_RULE_DELAY:
        return snprintf(out, size, "delay %" PRId64 "ms", rule->delay / SCN_NS_PER_MS);
    case SCN_RULE_LOSS:
        return snprintf(out, size, "loss %.15g", rule->rate);
    case SCN_RULE_CORRUPT:
        return snprintf(out, size, "corrupt %.15g", rule->rate);
    case SCN_RULE_RATE_LIMIT:
        return snprintf(out, size, "rate %" PRIu32, rule->bytes_per_second);
    }
    return snprintf(out, size, "pass");
}

/* One line for one direction (out: the remote end is the destination). */
static void line(const struct scn_rule *rule, uint32_t cloud_address, const char *direction, bool out,
                 char text[SCN_RULE_TEXT_MAX])
{
    int used = action_text(rule, text, SCN_RULE_TEXT_MAX);
    used += snprintf(text + used, SCN_RULE_TEXT_MAX - (size_t)used, " %s %s", direction,
                     scn_protocol_name(rule->protocol));
    if (rule->remote != SCN_REMOTE_ANY) {
        uint32_t a = rule->remote == SCN_REMOTE_CLOUD ? cloud_address : rule->remote_net.address;
        unsigned prefix = rule->remote == SCN_REMOTE_CLOUD ? 32 : rule->remote_net.prefix;
        used += snprintf(text + used, SCN_RULE_TEXT_MAX - (size_t)used, " %s %u.%u.%u.%u/%u", out ? "to" : "from",
                         a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, prefix);
    }
    if (rule->port_low) {
        used += snprintf(text + used, SCN_RULE_TEXT_MAX - (size_t)used, " %s %u", out ? "dport" : "sport",
                         rule->port_low);
        if (rule->port_high != rule->port_low) {
            snprintf(text + used, SCN_RULE_TEXT_MAX - (size_t)used, "-%u", rule->port_high);
        }
    }
}

size_t scn_rule_text(const struct scn_rule *rule, uint32_t cloud_address, char lines[2][SCN_RULE_TEXT_MAX])
{
    bool names_remote = rule->remote != SCN_REMOTE_ANY || rule->port_low;
    switch (rule->direction) {
    case SCN_DIRECTION_OUT:
        line(rule, cloud_address, "out", true, lines[0]);
        return 1;
    case SCN_DIRECTION_IN:
        line(rule, cloud_address, "in", false, lines[0]);
        return 1;
    default:
        if (!names_remote) {
            line(rule, cloud_address, "both", true, lines[0]);
            return 1;
        }
        line(rule, cloud_address, "out", true, lines[0]);
        line(rule, cloud_address, "in", false, lines[1]);
        return 2;
    }
}
