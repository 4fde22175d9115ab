/*
 * Warnings about scenarios that are valid but probably wrong: a device that
 * can never join, a rule that no packet reaches, an expectation that
 * nothing in the scenario can satisfy. Each is "FILE:L:C: warning: ...".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario.h"

struct lint {
    const struct scn_scenario *scn;
    struct scn_diag *out;
    size_t max, count;
};

static void warn(struct lint *l, struct scn_loc at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(struct lint *l, struct scn_loc at, const char *fmt, ...)
{
    if (l->count < l->max) {
        char message[SCN_DIAG_TEXT_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        scn_diag_set(&l->out[l->count], l->scn->file, at.line, at.column, "warning: %s", message);
    }
    l->count++;
}

static const struct scn_access_point *find_access_point(const struct scn_scenario *scn, const char *ssid)
{
    for (size_t i = 0; i < scn->radio.access_point_count; i++) {
        if (strcmp(scn->radio.access_points[i].ssid, ssid) == 0) {
            return &scn->radio.access_points[i];
        }
    }
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_action *a = &scn->steps[i].action;
        if (a->kind == SCN_ACTION_AP_ADD && strcmp(a->access_point.ssid, ssid) == 0) {
            return &a->access_point;
        }
    }
    return NULL;
}

static void lint_wifi(struct lint *l)
{
    const struct scn_scenario *scn = l->scn;
    const struct scn_device *d = &scn->device;
    if (d->wifi_count == 0 && scn->radio.access_point_count > 0) {
        warn(l, d->loc.line ? d->loc : (struct scn_loc){ 1, 1 },
             "the device has no Wi-Fi credentials (device.wifi): it will go to listening mode "
             "(blinking-blue) whatever access points are on the air");
    }
    for (size_t i = 0; i < d->wifi_count; i++) {
        const struct scn_wifi_credentials *c = &d->wifi[i];
        const struct scn_access_point *ap = find_access_point(scn, c->ssid);
        if (!ap) {
            warn(l, c->loc, "no access point \"%s\" is ever on the air: the device cannot join it", c->ssid);
        } else if (ap->security != c->security ||
                   (ap->passphrase && c->passphrase && strcmp(ap->passphrase, c->passphrase) != 0)) {
            warn(l, c->loc, "the credentials for \"%s\" differ from its access point's (line %u): "
                 "the join will fail", c->ssid, ap->loc.line);
        }
    }
}

static bool contains_address(const struct scn_ipv4_net *net, uint32_t address)
{
    uint32_t mask = net->prefix ? ~0u << (32 - net->prefix) : 0;
    return (address & mask) == (net->address & mask);
}

static void lint_static_ip(struct lint *l)
{
    const struct scn_device *d = &l->scn->device;
    const struct scn_network *net = &l->scn->network;
    if (!d->static_ip) {
        return;
    }
    if (!contains_address(&net->subnet, d->ip.address)) {
        warn(l, d->ip_loc, "the static address is outside the network's subnet %u.%u.%u.%u/%u: "
             "the device will not reach the gateway", net->subnet.address >> 24,
             net->subnet.address >> 16 & 255, net->subnet.address >> 8 & 255, net->subnet.address & 255,
             net->subnet.prefix);
    } else if (d->gateway != net->gateway) {
        warn(l, d->ip_loc, "the static gateway is not the network's (%u.%u.%u.%u)", net->gateway >> 24,
             net->gateway >> 16 & 255, net->gateway >> 8 & 255, net->gateway & 255);
    }
}

/* Does rule a match every packet rule b matches? */
static bool rule_covers(const struct scn_rule *a, const struct scn_rule *b)
{
    if (a->direction != SCN_DIRECTION_BOTH && a->direction != b->direction) {
        return false;
    }
    if (a->protocol != SCN_PROTOCOL_ANY && a->protocol != b->protocol) {
        return false;
    }
    if (a->remote == SCN_REMOTE_CLOUD && b->remote != SCN_REMOTE_CLOUD) {
        return false;
    }
    if (a->remote == SCN_REMOTE_NET &&
        (b->remote != SCN_REMOTE_NET || b->remote_net.prefix < a->remote_net.prefix ||
         !contains_address(&a->remote_net, b->remote_net.address))) {
        return false;
    }
    if (a->port_low && (!b->port_low || b->port_low < a->port_low || b->port_high > a->port_high)) {
        return false;
    }
    return true;
}

/* allow, drop and reject end the walk; the other actions let later rules decide. */
static bool rule_decides(const struct scn_rule *rule)
{
    return rule->action == SCN_RULE_ALLOW || rule->action == SCN_RULE_DROP || rule->action == SCN_RULE_REJECT;
}

static void lint_rules(struct lint *l)
{
    const struct scn_network *net = &l->scn->network;
    for (size_t j = 1; j < net->rule_count; j++) {
        for (size_t i = 0; i < j; i++) {
            if (rule_decides(&net->rules[i]) && rule_covers(&net->rules[i], &net->rules[j])) {
                warn(l, net->rules[j].loc, "no packet reaches this rule: the rule on line %u matches "
                     "all it would and decides their fate first", net->rules[i].loc.line);
                break;
            }
        }
    }
}

static bool called(const struct scn_scenario *scn, const struct scn_matcher *m)
{
    enum scn_action_kind kind = m->cloud_kind == SCN_CLOUD_FUNCTION ? SCN_ACTION_CLOUD_CALL : SCN_ACTION_CLOUD_GET;
    for (size_t i = 0; i < scn->step_count; i++) {
        if (scn->steps[i].action.kind == kind && strcmp(scn->steps[i].action.name, m->text) == 0) {
            return true;
        }
    }
    return false;
}

static bool whole_run(const struct scn_expectation *e)
{
    return e->opens == SCN_OPEN_AT && e->from == 0 && !e->has_within;
}

static void lint_expectations(struct lint *l)
{
    const struct scn_scenario *scn = l->scn;
    if (scn->expectation_count == 0) {
        warn(l, (struct scn_loc){ 1, 1 }, "no expectations (expect:): the run cannot fail");
    }
    for (size_t i = 0; i < scn->expectation_count; i++) {
        const struct scn_expectation *e = &scn->expectations[i];
        if (e->kind == SCN_EXPECT_SEQUENCE && e->sequence_count == 1) {
            warn(l, e->loc, "a sequence of one pattern: write pattern: %s", e->sequence[0].text);
        }
        if (e->what.stream == SCN_STREAM_CLOUD && e->what.cloud_kind != SCN_CLOUD_EVENT && e->kind != SCN_EXPECT_SEQUENCE &&
            !called(scn, &e->what)) {
            warn(l, e->loc, "no %s step asks for %s \"%s\": its result can never arrive",
                 e->what.cloud_kind == SCN_CLOUD_FUNCTION ? "cloud-call" : "cloud-get",
                 e->what.cloud_kind == SCN_CLOUD_FUNCTION ? "function" : "variable", e->what.text);
        }
        if (e->kind != SCN_EXPECT_OCCURS || e->what.stream != SCN_STREAM_PATTERN || !whole_run(e)) {
            continue;
        }
        for (size_t j = 0; j < scn->expectation_count; j++) {
            const struct scn_expectation *n = &scn->expectations[j];
            if (n->kind == SCN_EXPECT_NEVER && n->what.stream == SCN_STREAM_PATTERN && whole_run(n) &&
                strcmp(n->what.text, e->what.text) == 0) {
                warn(l, e->loc, "expects %s, which the expectation on line %u forbids for the whole run",
                     e->what.text, n->loc.line);
            }
        }
    }
}

static void lint_steps(struct lint *l)
{
    const struct scn_scenario *scn = l->scn;
    for (size_t i = 0; i < scn->step_count; i++) {
        const struct scn_step *s = &scn->steps[i];
        if (s->earliest == scn->until) {
            warn(l, s->loc, "runs at the very end of the run: nothing it causes can be observed");
        }
    }
}

static void lint_server_domain(struct lint *l)
{
    const struct scn_scenario *scn = l->scn;
    const struct scn_device *d = &scn->device;
    if (d->server_address != SCN_SERVER_ADDRESS_DOMAIN || scn_dns_name_matches("device.spark.io", d->server_domain)) {
        return;
    }
    for (size_t i = 0; i < scn->network.dns_record_count; i++) {
        if (scn_dns_name_matches(scn->network.dns_records[i].name, d->server_domain)) {
            return;
        }
    }
    warn(l, d->server_address_loc, "\"%s\" is not in network.dns.zone: the device cannot resolve its server",
         d->server_domain);
}

size_t scn_scenario_lint(const struct scn_scenario *scn, struct scn_diag *out, size_t max)
{
    struct lint l = { .scn = scn, .out = out, .max = out ? max : 0 };
    lint_wifi(&l);
    lint_static_ip(&l);
    lint_rules(&l);
    lint_steps(&l);
    lint_expectations(&l);
    lint_server_domain(&l);
    return l.count;
}
