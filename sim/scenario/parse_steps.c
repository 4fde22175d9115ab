/*
 * The timeline: steps that act on the device, the radio, the network and
 * the cloud, each at an absolute time or after a condition.
 *
 *   - name: drop-cloud          # optional; needed to refer to the step
 *     at: 20                    # or after: {pattern: breathing-cyan, delay: 5}
 *     do: {rule-add: {name: block, protocol: tcp, port: 5683, action: drop}}
 *
 * `do` is an action name alone (reset, power-cycle, brownout, usb-unplug,
 * usb-plug) or a one-key mapping {action: argument}.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include "parse_internal.h"

#define DEFAULT_POWER_OFF SCN_NS_PER_SECOND

static const char *const action_names[] = {
    [SCN_ACTION_POWER_CYCLE] = "power-cycle",
    [SCN_ACTION_BROWNOUT] = "brownout",
    [SCN_ACTION_RESET] = "reset",
    [SCN_ACTION_SETUP] = "setup",
    [SCN_ACTION_AP_ADD] = "ap-add",
    [SCN_ACTION_AP_REMOVE] = "ap-remove",
    [SCN_ACTION_AP_UPDATE] = "ap-update",
    [SCN_ACTION_RULE_ADD] = "rule-add",
    [SCN_ACTION_RULE_REMOVE] = "rule-remove",
    [SCN_ACTION_DNS_FAULT] = "dns-fault",
    [SCN_ACTION_CLOUD_FAULT] = "cloud-fault",
    [SCN_ACTION_CLOUD_CALL] = "cloud-call",
    [SCN_ACTION_CLOUD_GET] = "cloud-get",
    [SCN_ACTION_CLOUD_PUBLISH] = "cloud-publish",
    [SCN_ACTION_KEYS] = "keys",
    [SCN_ACTION_SCREENSHOT] = "screenshot",
    [SCN_ACTION_USB_UNPLUG] = "usb-unplug",
    [SCN_ACTION_USB_PLUG] = "usb-plug",
    [SCN_ACTION_SERIAL_WRITE] = "serial-write",
    [SCN_ACTION_CLOUD_FLASH] = "cloud-flash",
    NULL,
};

const char *scn_action_name(enum scn_action_kind kind)
{
    return (unsigned)kind < sizeof action_names / sizeof action_names[0] - 1 ? action_names[kind] : "?";
}

static bool read_positive_time(struct parser *p, const struct ynode *node, scn_time *out)
{
    if (!read_time(p, node, out)) {
        return false;
    }
    if (*out == 0) {
        return fail(p, node, "expected a time greater than 0");
    }
    return true;
}

static bool parse_cloud_call(struct parser *p, const struct ynode *v, struct scn_action *a)
{
    static const char *const keys[] = { "function", "arg", NULL };
    if (!check_mapping(p, v, keys, "{function: NAME, arg: TEXT}") ||
        !require_key(p, v, "function", "the function to call")) {
        return false;
    }
    size_t saved = path_push_key(p, "function");
    if (!read_name(p, map_get(v, "function"), &a->name)) {
        return false;
    }
    path_pop(p, saved);
    a->argument = "";
    if (map_get(v, "arg")) {
        saved = path_push_key(p, "arg");
        /* The cloud limits an argument to 622 bytes; longer ones are for the firmware to refuse. */
        if (!read_text(p, map_get(v, "arg"), SCN_TEXT_MAX, true, false, &a->argument)) {
            return false;
        }
        path_pop(p, saved);
    }
    return true;
}

static bool parse_cloud_get(struct parser *p, const struct ynode *v, struct scn_action *a)
{
    static const char *const keys[] = { "variable", NULL };
    if (!check_mapping(p, v, keys, "{variable: NAME}") ||
        !require_key(p, v, "variable", "the variable to read")) {
        return false;
    }
    size_t saved = path_push_key(p, "variable");
    if (!read_name(p, map_get(v, "variable"), &a->name)) {
        return false;
    }
    path_pop(p, saved);
    return true;
}

static bool parse_cloud_publish(struct parser *p, const struct ynode *v, struct scn_action *a)
{
    static const char *const keys[] = { "event", "data", "private", NULL };
    if (!check_mapping(p, v, keys, "{event: NAME, data: TEXT, private: true|false}") ||
        !require_key(p, v, "event", "the event's name")) {
        return false;
    }
    size_t saved = path_push_key(p, "event");
    if (!read_name(p, map_get(v, "event"), &a->name)) {
        return false;
    }
    path_pop(p, saved);
    a->argument = "";
    if (map_get(v, "data")) {
        saved = path_push_key(p, "data");
        if (!read_text(p, map_get(v, "data"), SCN_TEXT_MAX, true, false, &a->argument)) {
            return false;
        }
        path_pop(p, saved);
    }
    a->private_event = true;
    if (map_get(v, "private")) {
        saved = path_push_key(p, "private");
        if (!read_bool(p, map_get(v, "private"), &a->private_event)) {
            return false;
        }
        path_pop(p, saved);
    }
    return true;
}

static bool parse_dns_fault_step(struct parser *p, const struct ynode *v, struct scn_action *a)
{
    if (!v || v->kind != YNODE_MAPPING || v->count != 2) {
        char got[80];
        return fail(p, v, "expected one {name: fault}, e.g. {device.spark.io: nxdomain}, got %s",
                    describe_node(v, got, sizeof got));
    }
    const struct ynode *key = map_first_key(v);
    if (!read_host_name(p, key, 253, true, &a->dns_fault.name)) {
        return false;
    }
    size_t saved = path_push_key(p, a->dns_fault.name);
    if (!parse_dns_fault_value(p, key->next, true, &a->dns_fault)) {
        return false;
    }
    path_pop(p, saved);
    return true;
}

static bool read_screenshot_name(struct parser *p, const struct ynode *v, struct scn_action *a)
{
    if (!read_path(p, v, &a->name)) {
        return false;
    }
    size_t n = strlen(a->name);
    if (n < 5 || strcmp(a->name + n - 4, ".png") != 0) {
        return fail(p, v, "a screenshot is a .png file name");
    }
    return true;
}

/* Reads `do:`. */
static bool parse_action(struct parser *p, const struct ynode *node, struct scn_action *a)
{
    static const char *const bare[] = { "reset", "power-cycle", "brownout", "usb-unplug", "usb-plug", NULL };
    static const char *const recipes[] = { "doctor", "new", "send", "server", NULL };
    char got[80];
    int index;
    if (node && node->kind == YNODE_SCALAR) {
        if (is_scalar(node, "setup")) {
            return fail(p, node, "say how long SETUP is held: {setup: 3}");
        }
        if (!read_choice(p, node, bare, &index)) {
            return false;
        }
        a->kind = (enum scn_action_kind[]){ SCN_ACTION_RESET, SCN_ACTION_POWER_CYCLE, SCN_ACTION_BROWNOUT,
                                            SCN_ACTION_USB_UNPLUG, SCN_ACTION_USB_PLUG }[index];
        a->duration = DEFAULT_POWER_OFF;
        return true;
    }
    if (!node || node->kind != YNODE_MAPPING || node->count != 2) {
        return fail(p, node, "expected one action, e.g. reset or {power-cycle: 2}, got %s",
                    node && node->kind == YNODE_MAPPING ? "several keys" : describe_node(node, got, sizeof got));
    }
    const struct ynode *key = map_first_key(node), *v = key->next;
    if (!read_choice(p, key, action_names, &index)) {
        return false;
    }
    a->kind = (enum scn_action_kind)index;
    size_t saved = path_push_key(p, action_names[index]);
    bool ok = true;
    switch (a->kind) {
    case SCN_ACTION_POWER_CYCLE:
    case SCN_ACTION_BROWNOUT:
    case SCN_ACTION_SETUP:
        ok = read_positive_time(p, v, &a->duration);
        break;
    case SCN_ACTION_RESET:
    case SCN_ACTION_USB_UNPLUG:
    case SCN_ACTION_USB_PLUG:
        ok = fail(p, v, "%s takes no argument: write do: %s", action_names[index], action_names[index]);
        break;
    case SCN_ACTION_AP_ADD:
        ok = parse_access_point(p, v, false, &a->access_point, NULL);
        if (ok && (a->access_point.appears || a->access_point.vanishes != SCN_TIME_NEVER)) {
            ok = fail(p, v, "appears/vanishes belong to radio.access-points; a step adds the access point when it runs");
        }
        break;
    case SCN_ACTION_AP_UPDATE:
        ok = parse_access_point(p, v, true, &a->access_point, &a->ap_fields);
        break;
    case SCN_ACTION_AP_REMOVE:
        ok = read_text(p, v, SCN_SSID_MAX, false, false, &a->name);
        break;
    case SCN_ACTION_RULE_ADD:
        ok = parse_rule(p, v, true, &a->rule);
        break;
    case SCN_ACTION_RULE_REMOVE:
        ok = read_name(p, v, &a->name);
        break;
    case SCN_ACTION_DNS_FAULT:
        ok = parse_dns_fault_step(p, v, a);
        break;
    case SCN_ACTION_CLOUD_FAULT:
        ok = parse_cloud_fault(p, v, true, &a->cloud_fault);
        break;
    case SCN_ACTION_CLOUD_CALL:
        ok = parse_cloud_call(p, v, a);
        break;
    case SCN_ACTION_CLOUD_GET:
        ok = parse_cloud_get(p, v, a);
        break;
    case SCN_ACTION_CLOUD_PUBLISH:
        ok = parse_cloud_publish(p, v, a);
        break;
    case SCN_ACTION_KEYS:
        ok = read_choice(p, v, recipes, &index);
        a->keys = (enum scn_keys_recipe)index;
        break;
    case SCN_ACTION_SCREENSHOT:
        ok = read_screenshot_name(p, v, a);
        break;
    case SCN_ACTION_SERIAL_WRITE:
        ok = read_text(p, v, SCN_TEXT_MAX, false, true, &a->argument);
        break;
    case SCN_ACTION_CLOUD_FLASH:
        ok = read_text(p, v, SCN_TEXT_MAX, false, false, &a->name);
        break;
    }
    if (ok) {
        path_pop(p, saved);
    }
    return ok;
}

bool collect_step_names(struct parser *p, const struct ynode *steps)
{
    if (!steps) {
        return true;
    }
    size_t saved = path_push_key(p, "steps");
    if (!check_sequence(p, steps, SCN_STEPS_MAX, "steps")) {
        return false;
    }
    p->step_names = scn_arena_array(p->arena, steps->count, sizeof *p->step_names);
    unsigned *lines = scn_arena_array(p->arena, steps->count, sizeof *lines);
    if ((!p->step_names || !lines) && steps->count) {
        return out_of_memory(p);
    }
    size_t i = 0;
    for (const struct ynode *item = steps->first; item; item = item->next, i++) {
        const struct ynode *name = map_get(item, "name");
        if (!name) {
            continue;
        }
        size_t saved_item = path_push_index(p, i);
        size_t saved_name = path_push_key(p, "name");
        if (!read_name(p, name, &p->step_names[i])) {
            return false;
        }
        path_pop(p, saved_name);
        lines[i] = name->line;
        for (size_t j = 0; j < i; j++) {
            if (p->step_names[j] && strcmp(p->step_names[j], p->step_names[i]) == 0) {
                return fail(p, name, "step name \"%s\" already used on line %u", p->step_names[i],
                            lines[j]);
            }
        }
        path_pop(p, saved_item);
    }
    p->step_name_count = steps->count;
    path_pop(p, saved);
    return true;
}

bool parse_steps(struct parser *p, const struct ynode *node)
{
    static const char *const keys[] = { "name", "at", "after", "do", NULL };
    struct scn_scenario *scn = p->scn;
    if (!node) {
        return true;
    }
    size_t saved = path_push_key(p, "steps");
    scn->steps = scn_arena_array(p->arena, node->count, sizeof *scn->steps);
    if (!scn->steps && node->count) {
        return out_of_memory(p);
    }
    size_t i = 0;
    for (const struct ynode *item = node->first; item; item = item->next, i++) {
        size_t saved_item = path_push_index(p, i);
        struct scn_step *s = &scn->steps[i];
        if (!check_mapping(p, item, keys, "a step {at: or after:, do:}") ||
            !require_key(p, item, "do", "the action, e.g. do: reset")) {
            return false;
        }
        const struct ynode *at = map_get(item, "at"), *after = map_get(item, "after");
        if ((at != NULL) == (after != NULL)) {
            return fail(p, at && after ? after : item, "a step needs either at: (a time) or after: (a condition)");
        }
        s->loc = node_loc(item);
        s->name = p->step_names[i];
        size_t saved_key;
        if (at) {
            s->trigger = SCN_TRIGGER_AT;
            s->at_loc = node_loc(at);
            saved_key = path_push_key(p, "at");
            if (!read_time(p, at, &s->at)) {
                return false;
            }
        } else {
            s->trigger = SCN_TRIGGER_AFTER;
            saved_key = path_push_key(p, "after");
            if (!parse_condition(p, after, &s->after)) {
                return false;
            }
        }
        path_pop(p, saved_key);
        saved_key = path_push_key(p, "do");
        if (!parse_action(p, map_get(item, "do"), &s->action)) {
            return false;
        }
        path_pop(p, saved_key);
        s->label = s->name ? s->name
                           : scn_arena_printf(p->arena, "step %zu (%s)", i + 1, scn_action_name(s->action.kind));
        if (!s->label) {
            return out_of_memory(p);
        }
        path_pop(p, saved_item);
    }
    scn->step_count = node->count;
    path_pop(p, saved);
    return true;
}
