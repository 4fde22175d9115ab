/*
 * The network section: subnet, gateway and DNS server, DHCP, the DNS zone
 * and its faults, NTP, and the firewall rules (also read by the rule-add
 * and dns-fault steps).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse_internal.h"

/* The simulated home router's defaults (net/netsim.h): 192.168.1.0/24, the router at .1
 * is gateway and DNS server, DHCP from .100. */
#define HOME_SUBNET 0xC0A80100u  /* 192.168.1.0/24 */
#define HOME_GATEWAY 0xC0A80101u /* 192.168.1.1 */
#define HOME_DNS 0xC0A80101u     /* 192.168.1.1 */
#define HOME_FIRST 0xC0A80164u   /* 192.168.1.100 */
#define DEFAULT_LEASE (INT64_C(86400) * SCN_NS_PER_SECOND)
#define DEFAULT_DHCP_DELAY (INT64_C(800) * SCN_NS_PER_MS)

static bool parse_rule_action(struct parser *p, const struct ynode *node, struct scn_rule *rule)
{
    static const char *const words[] = { "allow", "drop", "reject", NULL };
    static const char *const keys[] = { "delay", "loss", "corrupt", "rate-limit", NULL };
    int index;
    if (node->kind == YNODE_SCALAR) {
        if (!read_choice(p, node, words, &index)) {
            return false;
        }
        rule->action = (enum scn_rule_action[]){ SCN_RULE_ALLOW, SCN_RULE_DROP, SCN_RULE_REJECT }[index];
        return true;
    }
    if (!check_mapping(p, node, keys, "allow, drop, reject, {delay: t}, {loss: rate}, {corrupt: rate} or {rate-limit: bytes/s}")) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    if (node->count != 2) {
        return fail(p, node, "give exactly one of delay, loss, corrupt, rate-limit");
    }
    if ((v = map_get(node, "delay"))) {
        rule->action = SCN_RULE_DELAY;
        saved = path_push_key(p, "delay");
        if (!read_time(p, v, &rule->delay)) {
            return false;
        }
        /* The fault engine delays in whole milliseconds. */
        if (rule->delay % SCN_NS_PER_MS != 0) {
            return fail(p, v, "rule delays are whole milliseconds");
        }
        path_pop(p, saved);
    } else if ((v = map_get(node, "loss")) || (v = map_get(node, "corrupt"))) {
        bool loss = map_get(node, "loss") != NULL;
        rule->action = loss ? SCN_RULE_LOSS : SCN_RULE_CORRUPT;
        saved = path_push_key(p, loss ? "loss" : "corrupt");
        if (!read_rate(p, v, &rule->rate)) {
            return false;
        }
        path_pop(p, saved);
    } else {
        uint64_t rate;
        v = map_get(node, "rate-limit");
        rule->action = SCN_RULE_RATE_LIMIT;
        saved = path_push_key(p, "rate-limit");
        if (!read_uint(p, v, 1, UINT32_MAX, "bytes per second", &rate)) {
            return false;
        }
        path_pop(p, saved);
        rule->bytes_per_second = (uint32_t)rate;
    }
    return true;
}

bool parse_rule(struct parser *p, const struct ynode *node, bool require_name, struct scn_rule *rule)
{
    static const char *const keys[] = { "name", "direction", "protocol", "address", "port", "action", NULL };
    static const char *const directions[] = { "both", "out", "in", NULL };
    static const char *const protocols[] = { "any", "tcp", "udp", "icmp", NULL };
    if (!check_mapping(p, node, keys, "a rule {protocol:, port:, action:, ...}") ||
        !require_key(p, node, "action", "allow, drop, reject, {delay: t}, {loss: rate}, {corrupt: rate} or {rate-limit: bytes/s}")) {
        return false;
    }
    if (require_name && !require_key(p, node, "name", "a step's rule needs a name so it can be removed")) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    int index;
    rule->loc = node_loc(node);
    if ((v = map_get(node, "name"))) {
        saved = path_push_key(p, "name");
        if (!read_name(p, v, &rule->name)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "direction"))) {
        saved = path_push_key(p, "direction");
        if (!read_choice(p, v, directions, &index)) {
            return false;
        }
        path_pop(p, saved);
        rule->direction = (enum scn_direction)index;
    }
    if ((v = map_get(node, "protocol"))) {
        saved = path_push_key(p, "protocol");
        if (!read_choice(p, v, protocols, &index)) {
            return false;
        }
        path_pop(p, saved);
        rule->protocol = (enum scn_protocol)index;
    }
    if ((v = map_get(node, "address"))) {
        saved = path_push_key(p, "address");
        if (is_scalar(v, "cloud")) {
            rule->remote = SCN_REMOTE_CLOUD;
        } else if (is_scalar(v, "any")) {
            rule->remote = SCN_REMOTE_ANY;
        } else {
            if (!read_ipv4_net(p, v, false, true, &rule->remote_net)) {
                return false;
            }
            rule->remote = SCN_REMOTE_NET;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "port"))) {
        if (rule->protocol != SCN_PROTOCOL_TCP && rule->protocol != SCN_PROTOCOL_UDP) {
            return fail(p, v, "a port needs protocol: tcp or protocol: udp");
        }
        saved = path_push_key(p, "port");
        if (!read_port_range(p, v, &rule->port_low, &rule->port_high)) {
            return false;
        }
        path_pop(p, saved);
    }
    saved = path_push_key(p, "action");
    if (!parse_rule_action(p, map_get(node, "action"), rule)) {
        return false;
    }
    path_pop(p, saved);
    if (rule->action == SCN_RULE_REJECT && rule->protocol == SCN_PROTOCOL_ICMP) {
        return fail(p, map_get(node, "action"), "reject answers TCP with a RST and UDP with ICMP "
                    "unreachable; use drop for ICMP");
    }
    return true;
}

static bool parse_dhcp(struct parser *p, const struct ynode *node, struct scn_dhcp *dhcp)
{
    static const char *const keys[] = { "first", "lease", "delay", "fault", NULL };
    static const char *const faults[] = { "none", "no-offer", "nak", NULL };
    if (is_scalar(node, "on") || is_scalar(node, "off")) {
        dhcp->enabled = is_scalar(node, "on");
        return true;
    }
    if (node->kind == YNODE_SCALAR) {
        char got[80];
        return fail(p, node, "expected on, off or {first:, lease:, delay:, fault:}, got %s",
                    describe_node(node, got, sizeof got));
    }
    if (!check_mapping(p, node, keys, "on, off or {first:, lease:, delay:, fault:}")) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    if ((v = map_get(node, "first"))) {
        saved = path_push_key(p, "first");
        if (!read_ipv4(p, v, &dhcp->first)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "lease"))) {
        saved = path_push_key(p, "lease");
        if (!read_time(p, v, &dhcp->lease)) {
            return false;
        }
        if (dhcp->lease < SCN_NS_PER_SECOND) {
            return fail(p, v, "a lease lasts at least 1 s");
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "delay"))) {
        saved = path_push_key(p, "delay");
        if (!read_time(p, v, &dhcp->delay)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "fault"))) {
        int index;
        saved = path_push_key(p, "fault");
        if (!read_choice(p, v, faults, &index)) {
            return false;
        }
        path_pop(p, saved);
        dhcp->fault = (enum scn_dhcp_fault)index;
    }
    dhcp->enabled = true;
    return true;
}

bool parse_dns_fault_value(struct parser *p, const struct ynode *value, bool allow_none,
                           struct scn_dns_fault *fault)
{
    static const char *const words[] = { "none", "timeout", "nxdomain", "servfail", "refused", NULL };
    static const char *const keys[] = { "delay", NULL };
    int index;
    fault->loc = node_loc(value);
    if (value->kind == YNODE_MAPPING) {
        if (!check_mapping(p, value, keys, "a DNS fault") || !require_key(p, value, "delay", "how long answers wait")) {
            return false;
        }
        size_t saved = path_push_key(p, "delay");
        if (!read_time(p, map_get(value, "delay"), &fault->delay)) {
            return false;
        }
        path_pop(p, saved);
        fault->kind = SCN_DNS_FAULT_DELAY;
        return true;
    }
    if (!read_choice(p, value, allow_none ? words : words + 1, &index)) {
        return false;
    }
    fault->kind = (enum scn_dns_fault_kind)(allow_none ? index : index + 1);
    return true;
}

static bool parse_dns(struct parser *p, const struct ynode *node, struct scn_network *net)
{
    static const char *const keys[] = { "zone", "faults", NULL };
    if (!check_mapping(p, node, keys, "the DNS {zone:, faults:}")) {
        return false;
    }
    const struct ynode *zone = map_get(node, "zone"), *faults = map_get(node, "faults");
    size_t saved;
    if (zone) {
        saved = path_push_key(p, "zone");
        if (zone->kind != YNODE_MAPPING) {
            char got[80];
            return fail(p, zone, "expected a mapping of names to cloud, ntp or an address, got %s",
                        describe_node(zone, got, sizeof got));
        }
        if (zone->count / 2 > SCN_DNS_ENTRIES_MAX) {
            return fail(p, zone, "too many names (at most %d)", SCN_DNS_ENTRIES_MAX);
        }
        net->dns_records = scn_arena_array(p->arena, zone->count / 2, sizeof *net->dns_records);
        if (!net->dns_records && zone->count) {
            return out_of_memory(p);
        }
        for (const struct ynode *k = zone->first; k && k->next; k = k->next->next) {
            struct scn_dns_record *r = &net->dns_records[net->dns_record_count];
            if (!read_host_name(p, k, 253, true, &r->name)) {
                return false;
            }
            for (size_t j = 0; j < net->dns_record_count; j++) {
                if (strcasecmp(net->dns_records[j].name, r->name) == 0) {
                    return fail(p, k, "name \"%s\" given twice", r->name);
                }
            }
            size_t saved_name = path_push_key(p, r->name);
            if (is_scalar(k->next, "cloud")) {
                r->target = SCN_DNS_TARGET_CLOUD;
            } else if (is_scalar(k->next, "ntp")) {
                r->target = SCN_DNS_TARGET_NTP;
            } else {
                char got[80];
                if (k->next->kind != YNODE_SCALAR || !memchr(k->next->text, '.', k->next->length)) {
                    return fail(p, k->next, "expected cloud, ntp or an IPv4 address, got %s",
                                describe_node(k->next, got, sizeof got));
                }
                if (!read_ipv4(p, k->next, &r->address)) {
                    return false;
                }
                r->target = SCN_DNS_TARGET_ADDRESS;
            }
            path_pop(p, saved_name);
            r->loc = node_loc(k);
            net->dns_record_count++;
        }
        path_pop(p, saved);
    }
    if (faults) {
        saved = path_push_key(p, "faults");
        if (faults->kind != YNODE_MAPPING) {
            char got[80];
            return fail(p, faults, "expected a mapping of names to timeout, nxdomain, servfail, refused or "
                                   "{delay: t}, got %s", describe_node(faults, got, sizeof got));
        }
        if (faults->count / 2 > SCN_DNS_ENTRIES_MAX) {
            return fail(p, faults, "too many names (at most %d)", SCN_DNS_ENTRIES_MAX);
        }
        net->dns_faults = scn_arena_array(p->arena, faults->count / 2, sizeof *net->dns_faults);
        if (!net->dns_faults && faults->count) {
            return out_of_memory(p);
        }
        for (const struct ynode *k = faults->first; k && k->next; k = k->next->next) {
            struct scn_dns_fault *f = &net->dns_faults[net->dns_fault_count];
            if (!read_host_name(p, k, 253, true, &f->name)) {
                return false;
            }
            for (size_t j = 0; j < net->dns_fault_count; j++) {
                if (strcasecmp(net->dns_faults[j].name, f->name) == 0) {
                    return fail(p, k, "name \"%s\" given twice", f->name);
                }
            }
            size_t saved_name = path_push_key(p, f->name);
            if (!parse_dns_fault_value(p, k->next, false, f)) {
                return false;
            }
            path_pop(p, saved_name);
            f->loc = node_loc(k);
            net->dns_fault_count++;
        }
        path_pop(p, saved);
    }
    return true;
}

static bool in_subnet(const struct scn_ipv4_net *net, uint32_t address)
{
    uint32_t mask = net->prefix ? ~0u << (32 - net->prefix) : 0;
    return (address & mask) == net->address && (address & ~mask) != 0 && (address & ~mask) != ~mask;
}

static bool check_in_subnet(struct parser *p, const struct ynode *network, const char *key, uint32_t address)
{
    const struct ynode *v = map_get(network, key);
    if (!in_subnet(&p->scn->network.subnet, address)) {
        const struct ynode *at = v ? v : map_get(network, "subnet");
        if (v) {
            path_push_key(p, key);
        }
        const struct scn_ipv4_net *subnet = &p->scn->network.subnet;
        return fail(p, at, "%s %u.%u.%u.%u is not a host address of the subnet %u.%u.%u.%u/%u", key,
                    address >> 24, address >> 16 & 255, address >> 8 & 255, address & 255,
                    subnet->address >> 24, subnet->address >> 16 & 255, subnet->address >> 8 & 255,
                    subnet->address & 255, subnet->prefix);
    }
    return true;
}

bool parse_network(struct parser *p, const struct ynode *node)
{
    static const char *const keys[] = { "subnet", "gateway", "dns-server", "dhcp", "dns", "ntp", "rules", NULL };
    struct scn_network *net = &p->scn->network;
    net->subnet = (struct scn_ipv4_net){ HOME_SUBNET, 24 };
    net->gateway = HOME_GATEWAY;
    net->dns_server = HOME_DNS;
    /* A home router probes an address (ARP or ping) before offering it: its answers
     * come most of a second late (photon_network.c). */
    net->dhcp = (struct scn_dhcp){ .enabled = true, .first = HOME_FIRST, .lease = DEFAULT_LEASE,
                                   .delay = DEFAULT_DHCP_DELAY };
    net->ntp = true;
    if (!node) {
        return true;
    }
    if (!check_mapping(p, node, keys, "the network")) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    if ((v = map_get(node, "subnet"))) {
        saved = path_push_key(p, "subnet");
        if (!read_ipv4_net(p, v, true, true, &net->subnet)) {
            return false;
        }
        /* the simulated router keeps an address block next to the LAN (net/netsim.h) */
        if (net->subnet.prefix < 8 || net->subnet.prefix > 27) {
            return fail(p, v, "the subnet's prefix must be /8../27");
        }
        path_pop(p, saved);
        /* Move the defaults into the new subnet, as a home router would. */
        uint32_t base = net->subnet.address;
        net->gateway = base + 1;
        net->dns_server = base + 1;
        net->dhcp.first = base + (net->subnet.prefix <= 24 ? 100 : 2);
    }
    if ((v = map_get(node, "gateway"))) {
        saved = path_push_key(p, "gateway");
        if (!read_ipv4(p, v, &net->gateway)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "dns-server"))) {
        saved = path_push_key(p, "dns-server");
        if (!read_ipv4(p, v, &net->dns_server)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "dhcp"))) {
        saved = path_push_key(p, "dhcp");
        if (!parse_dhcp(p, v, &net->dhcp)) {
            return false;
        }
        path_pop(p, saved);
    }
    if (!check_in_subnet(p, node, "gateway", net->gateway) ||
        !check_in_subnet(p, node, "dns-server", net->dns_server)) {
        return false;
    }
    if (net->dhcp.enabled) {
        const struct ynode *dhcp = map_get(node, "dhcp");
        saved = path_push_key(p, "dhcp");
        if (!check_in_subnet(p, dhcp && dhcp->kind == YNODE_MAPPING ? dhcp : node, "first", net->dhcp.first)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "dns"))) {
        saved = path_push_key(p, "dns");
        if (!parse_dns(p, v, net)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "ntp"))) {
        saved = path_push_key(p, "ntp");
        if (!read_bool(p, v, &net->ntp)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "rules"))) {
        saved = path_push_key(p, "rules");
        if (!check_sequence(p, v, SCN_RULES_MAX, "rules")) {
            return false;
        }
        net->rules = scn_arena_array(p->arena, v->count, sizeof *net->rules);
        if (!net->rules && v->count) {
            return out_of_memory(p);
        }
        size_t i = 0;
        for (const struct ynode *item = v->first; item; item = item->next, i++) {
            size_t saved_item = path_push_index(p, i);
            if (!parse_rule(p, item, false, &net->rules[i])) {
                return false;
            }
            for (size_t j = 0; j < i && net->rules[i].name; j++) {
                if (net->rules[j].name && strcmp(net->rules[j].name, net->rules[i].name) == 0) {
                    return fail(p, map_get(item, "name"), "rule name \"%s\" already used on line %u",
                                net->rules[i].name, net->rules[j].loc.line);
                }
            }
            path_pop(p, saved_item);
        }
        net->rule_count = v->count;
        path_pop(p, saved);
    }
    return true;
}

