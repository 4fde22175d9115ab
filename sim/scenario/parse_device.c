/*
 * The device section: which firmware and app go into the flash, and the
 * DCT presets (device and server keys, server address, Wi-Fi credentials,
 * static IP or DHCP, device ID).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "parse_internal.h"

static const char *const known_firmware_versions[] = { "2.2.0", "1.5.0", "0.5.2", NULL };

#define CLOUD_PORT 5683

static bool parse_firmware(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    static const char *const keys[] = { "version", "bootloader", "system-part1", "system-part2", NULL };
    int index;
    if (node->kind == YNODE_SCALAR) {
        if (!read_choice(p, node, known_firmware_versions, &index)) {
            return false;
        }
        d->firmware_version = known_firmware_versions[index];
        return true;
    }
    if (!check_mapping(p, node, keys, "a Device OS version (2.2.0, 1.5.0, 0.5.2) or module files")) {
        return false;
    }
    const struct ynode *v;
    size_t saved;
    if ((v = map_get(node, "version"))) {
        saved = path_push_key(p, "version");
        if (!read_choice(p, v, known_firmware_versions, &index)) {
            return false;
        }
        path_pop(p, saved);
        d->firmware_version = known_firmware_versions[index];
    }
    const char **slots[] = { &d->bootloader, &d->system_part1, &d->system_part2 };
    bool any = false;
    for (int i = 0; i < 3; i++) {
        if ((v = map_get(node, keys[i + 1]))) {
            saved = path_push_key(p, keys[i + 1]);
            if (!read_path(p, v, slots[i])) {
                return false;
            }
            path_pop(p, saved);
            any = true;
        }
    }
    if (!any) {
        return fail(p, node, "give at least one of bootloader, system-part1, system-part2 "
                             "(or write the version alone: firmware: 2.2.0)");
    }
    return true;
}

static bool parse_app(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    static const char *const apps[] = { "tinker", "doctor", NULL };
    int index;
    if (looks_like_path(node)) {
        d->app = SCN_APP_FILE;
        return read_path(p, node, &d->app_file);
    }
    if (!read_choice(p, node, apps, &index)) {
        return false;
    }
    d->app = index == 0 ? SCN_APP_TINKER : SCN_APP_DOCTOR;
    return true;
}

static bool parse_keys(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    static const char *const words[] = { "good", "corrupted", "missing", NULL };
    static const char *const keys[] = { "corrupt", "file", NULL };
    static const char *const parts[] = { "modulus", "prime", "exponent", NULL };
    int index;
    d->keys_loc = node_loc(node);
    if (node->kind == YNODE_SCALAR) {
        if (looks_like_path(node)) {
            d->keys = SCN_KEYS_FILE;
            return read_path(p, node, &d->keys_file);
        }
        if (!read_choice(p, node, words, &index)) {
            return false;
        }
        d->keys = (enum scn_device_keys[]){ SCN_KEYS_GOOD, SCN_KEYS_CORRUPTED, SCN_KEYS_MISSING }[index];
        d->corrupt_part = SCN_KEY_PART_MODULUS;
        return true;
    }
    if (!check_mapping(p, node, keys, "good, corrupted, missing, {corrupt: modulus|prime|exponent} or {file: path}")) {
        return false;
    }
    const struct ynode *corrupt = map_get(node, "corrupt"), *file = map_get(node, "file");
    if ((corrupt != NULL) == (file != NULL)) {
        return fail(p, node, "give either corrupt: or file:");
    }
    size_t saved;
    if (corrupt) {
        saved = path_push_key(p, "corrupt");
        if (!read_choice(p, corrupt, parts, &index)) {
            return false;
        }
        path_pop(p, saved);
        d->keys = SCN_KEYS_CORRUPTED;
        d->corrupt_part = (enum scn_key_part)index;
        return true;
    }
    saved = path_push_key(p, "file");
    if (!read_path(p, file, &d->keys_file)) {
        return false;
    }
    path_pop(p, saved);
    d->keys = SCN_KEYS_FILE;
    return true;
}

static bool parse_server_key(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    static const char *const words[] = { "cloud", "particle", "corrupted", "missing", NULL };
    static const char *const keys[] = { "file", NULL };
    int index;
    d->server_key_loc = node_loc(node);
    if (node->kind == YNODE_MAPPING) {
        if (!check_mapping(p, node, keys, "a server key") || !require_key(p, node, "file", "the key file")) {
            return false;
        }
        size_t saved = path_push_key(p, "file");
        if (!read_path(p, map_get(node, "file"), &d->server_key_file)) {
            return false;
        }
        path_pop(p, saved);
        d->server_key = SCN_SERVER_KEY_FILE;
        return true;
    }
    if (looks_like_path(node)) {
        d->server_key = SCN_SERVER_KEY_FILE;
        return read_path(p, node, &d->server_key_file);
    }
    if (!read_choice(p, node, words, &index)) {
        return false;
    }
    d->server_key = (enum scn_server_key[]){ SCN_SERVER_KEY_CLOUD, SCN_SERVER_KEY_PARTICLE,
                                             SCN_SERVER_KEY_CORRUPTED, SCN_SERVER_KEY_MISSING }[index];
    return true;
}

static bool parse_server_address(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    static const char *const words[] = { "cloud", "blank", NULL };
    static const char *const keys[] = { "ip", "domain", "port", NULL };
    int index;
    d->server_address_loc = node_loc(node);
    d->server_port = CLOUD_PORT;
    if (node->kind == YNODE_SCALAR) {
        if (!read_choice(p, node, words, &index)) {
            return false;
        }
        d->server_address = index == 0 ? SCN_SERVER_ADDRESS_CLOUD : SCN_SERVER_ADDRESS_BLANK;
        return true;
    }
    if (!check_mapping(p, node, keys, "cloud, blank, {ip: a.b.c.d, port: N} or {domain: name, port: N}")) {
        return false;
    }
    const struct ynode *ip = map_get(node, "ip"), *domain = map_get(node, "domain"), *port;
    if ((ip != NULL) == (domain != NULL)) {
        return fail(p, node, "give either ip: or domain:");
    }
    size_t saved;
    if (ip) {
        saved = path_push_key(p, "ip");
        if (!read_ipv4(p, ip, &d->server_ip)) {
            return false;
        }
        d->server_address = SCN_SERVER_ADDRESS_IP;
    } else {
        saved = path_push_key(p, "domain");
        if (!read_host_name(p, domain, SCN_DOMAIN_MAX, false, &d->server_domain)) {
            return false;
        }
        d->server_address = SCN_SERVER_ADDRESS_DOMAIN;
    }
    path_pop(p, saved);
    if ((port = map_get(node, "port"))) {
        saved = path_push_key(p, "port");
        if (!read_port(p, port, &d->server_port)) {
            return false;
        }
        path_pop(p, saved);
    }
    return true;
}

static bool parse_wifi_entry(struct parser *p, const struct ynode *node, struct scn_wifi_credentials *c)
{
    static const char *const keys[] = { "ssid", "passphrase", "security", NULL };
    if (!check_mapping(p, node, keys, "Wi-Fi credentials {ssid:, passphrase:}") ||
        !require_key(p, node, "ssid", "the network's name")) {
        return false;
    }
    size_t saved = path_push_key(p, "ssid");
    if (!read_ssid(p, map_get(node, "ssid"), &c->ssid)) {
        return false;
    }
    path_pop(p, saved);
    c->loc = node_loc(node);
    return read_security_and_passphrase(p, node, false, &c->security, &c->passphrase, NULL, NULL);
}

static bool parse_wifi(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    d->wifi_loc = node_loc(node);
    if (is_scalar(node, "none")) {
        return true;
    }
    if (node->kind == YNODE_MAPPING) {
        d->wifi = scn_arena_alloc(p->arena, sizeof *d->wifi);
        if (!d->wifi) {
            return out_of_memory(p);
        }
        d->wifi_count = 1;
        return parse_wifi_entry(p, node, d->wifi);
    }
    if (node->kind != YNODE_SEQUENCE) {
        char got[80];
        return fail(p, node, "expected none, {ssid:, passphrase:} or a list of up to 5 of them, got %s",
                    describe_node(node, got, sizeof got));
    }
    if (!check_sequence(p, node, SCN_WIFI_CREDENTIALS_MAX, "Wi-Fi credentials")) {
        return false;
    }
    d->wifi = scn_arena_array(p->arena, node->count, sizeof *d->wifi);
    if (!d->wifi && node->count) {
        return out_of_memory(p);
    }
    size_t i = 0;
    for (const struct ynode *item = node->first; item; item = item->next, i++) {
        size_t saved = path_push_index(p, i);
        if (!parse_wifi_entry(p, item, &d->wifi[i])) {
            return false;
        }
        path_pop(p, saved);
    }
    d->wifi_count = node->count;
    return true;
}

static bool parse_ip(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    static const char *const keys[] = { "static", "gateway", "dns", NULL };
    d->ip_loc = node_loc(node);
    if (is_scalar(node, "dhcp")) {
        d->static_ip = false;
        return true;
    }
    if (node->kind == YNODE_SCALAR) {
        char got[80];
        return fail(p, node, "expected dhcp or {static: a.b.c.d/len, gateway: a.b.c.d, dns: a.b.c.d}, got %s",
                    describe_node(node, got, sizeof got));
    }
    if (!check_mapping(p, node, keys, "dhcp or {static: a.b.c.d/len, gateway: a.b.c.d, dns: a.b.c.d}") ||
        !require_key(p, node, "static", "the address and prefix, e.g. 192.168.1.50/24") ||
        !require_key(p, node, "gateway", "the router's address")) {
        return false;
    }
    size_t saved = path_push_key(p, "static");
    if (!read_ipv4_net(p, map_get(node, "static"), true, false, &d->ip)) {
        return false;
    }
    if (d->ip.prefix < 1 || d->ip.prefix > 30) {
        return fail(p, map_get(node, "static"), "a device address needs a prefix of /1../30");
    }
    path_pop(p, saved);
    saved = path_push_key(p, "gateway");
    if (!read_ipv4(p, map_get(node, "gateway"), &d->gateway)) {
        return false;
    }
    path_pop(p, saved);
    d->dns = d->gateway;
    if (map_get(node, "dns")) {
        saved = path_push_key(p, "dns");
        if (!read_ipv4(p, map_get(node, "dns"), &d->dns)) {
            return false;
        }
        path_pop(p, saved);
    }
    d->static_ip = true;
    return true;
}

static bool parse_device_id(struct parser *p, const struct ynode *node, struct scn_device *d)
{
    const char *text;
    if (!read_text(p, node, 2 * SCN_DEVICE_ID_SIZE, false, false, &text)) {
        return false;
    }
    if (node->length != 2 * SCN_DEVICE_ID_SIZE || !is_hex_text(text, node->length)) {
        return fail(p, node, "expected a device ID of 24 hex digits");
    }
    for (size_t i = 0; i < SCN_DEVICE_ID_SIZE; i++) {
        unsigned byte;
        sscanf(text + 2 * i, "%2x", &byte);
        d->id[i] = (uint8_t)byte;
    }
    d->has_id = true;
    return true;
}

bool parse_device(struct parser *p, const struct ynode *node)
{
    static const char *const keys[] = { "firmware", "app", "keys", "server-key", "server-address",
                                        "wifi", "ip", "id", NULL };
    static bool (*const readers[])(struct parser *, const struct ynode *, struct scn_device *) = {
        parse_firmware, parse_app, parse_keys, parse_server_key, parse_server_address,
        parse_wifi, parse_ip, parse_device_id,
    };
    struct scn_device *d = &p->scn->device;
    d->firmware_version = known_firmware_versions[0];
    d->server_port = CLOUD_PORT;
    if (!node) {
        return true;
    }
    d->loc = node_loc(node);
    if (!check_mapping(p, node, keys, "the device")) {
        return false;
    }
    for (size_t i = 0; keys[i]; i++) {
        const struct ynode *v = map_get(node, keys[i]);
        if (v) {
            size_t saved = path_push_key(p, keys[i]);
            if (!readers[i](p, v, d)) {
                return false;
            }
            path_pop(p, saved);
        }
    }
    return true;
}

