/*
 * The radio section: access points on the air and when they come and go;
 * also the Wi-Fi security rules that device.wifi and the ap-add/ap-update
 * steps share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "parse_internal.h"

#define DEFAULT_CHANNEL 6
#define DEFAULT_RSSI (-50)

/*
 * The passphrase rules the firmware and the chip apply: WPA/WPA2 take 8..63
 * characters or 64 hex digits; WEP 5 or 13 characters or 10 or 26 hex digits.
 */
static bool read_passphrase(struct parser *p, const struct ynode *node, enum scn_security security,
                            const char **out)
{
    if (!read_text(p, node, SCN_PASSPHRASE_MAX, false, false, out)) {
        return false;
    }
    size_t n = node->length;
    if (security == SCN_SECURITY_WEP) {
        if (n == 5 || n == 13 || ((n == 10 || n == 26) && is_hex_text(*out, n))) {
            return true;
        }
        return fail(p, node, "a WEP key is 5 or 13 characters, or 10 or 26 hex digits (got %zu characters)", n);
    }
    if ((n >= 8 && n <= 63) || (n == 64 && is_hex_text(*out, n))) {
        return true;
    }
    return fail(p, node, "a WPA passphrase is 8..63 characters or 64 hex digits (got %zu)", n);
}

bool read_ssid(struct parser *p, const struct ynode *node, const char **out)
{
    return read_text(p, node, SCN_SSID_MAX, false, false, out);
}

static const char *const security_names[] = { "open", "wep", "wpa", "wpa2", NULL };

/* security defaults to wpa2 with a passphrase and to open without one. */
bool read_security_and_passphrase(struct parser *p, const struct ynode *map, bool optional,
                                         enum scn_security *security, const char **passphrase,
                                         bool *security_given, bool *passphrase_given)
{
    const struct ynode *sec = map_get(map, "security"), *pass = map_get(map, "passphrase");
    int index;
    size_t saved;
    *security = pass ? SCN_SECURITY_WPA2 : SCN_SECURITY_OPEN;
    if (sec) {
        saved = path_push_key(p, "security");
        if (!read_choice(p, sec, security_names, &index)) {
            return false;
        }
        path_pop(p, saved);
        *security = (enum scn_security)index;
    }
    if (pass) {
        if (sec && *security == SCN_SECURITY_OPEN) {
            return fail(p, pass, "an open network takes no passphrase");
        }
        saved = path_push_key(p, "passphrase");
        if (!read_passphrase(p, pass, *security, passphrase)) {
            return false;
        }
        path_pop(p, saved);
    } else if (*security != SCN_SECURITY_OPEN && !optional) {
        return fail(p, map, "missing key \"passphrase\" (security %s needs one)", security_names[*security]);
    }
    if (security_given) {
        *security_given = sec != NULL;
    }
    if (passphrase_given) {
        *passphrase_given = pass != NULL;
    }
    return true;
}

static bool read_bssid(struct parser *p, const struct ynode *node, uint8_t out[6])
{
    const char *text;
    if (!read_text(p, node, 17, false, false, &text)) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        const char *octet = text + 3 * i;
        if (node->length != 17 || !isxdigit((unsigned char)octet[0]) ||
            !isxdigit((unsigned char)octet[1]) || (i < 5 && octet[2] != ':')) {
            return fail(p, node, "expected a BSSID like 02:00:00:00:00:01");
        }
        unsigned byte;
        sscanf(octet, "%2x", &byte);
        out[i] = (uint8_t)byte;
    }
    return true;
}

bool parse_access_point(struct parser *p, const struct ynode *node, bool update_only,
                        struct scn_access_point *ap, unsigned *fields)
{
    static const char *const keys[] = { "ssid", "security", "passphrase", "channel", "rssi", "bssid",
                                        "appears", "vanishes", NULL };
    static const char *const update_keys[] = { "ssid", "security", "passphrase", "channel", "rssi",
                                               "bssid", NULL };
    if (!check_mapping(p, node, update_only ? update_keys : keys, "an access point {ssid:, passphrase:, ...}") ||
        !require_key(p, node, "ssid", "the network's name")) {
        return false;
    }
    const struct ynode *v;
    size_t saved = path_push_key(p, "ssid");
    if (!read_ssid(p, map_get(node, "ssid"), &ap->ssid)) {
        return false;
    }
    path_pop(p, saved);
    ap->loc = node_loc(node);
    ap->channel = DEFAULT_CHANNEL;
    ap->rssi = DEFAULT_RSSI;
    ap->vanishes = SCN_TIME_NEVER;
    bool security_given, passphrase_given;
    if (!read_security_and_passphrase(p, node, update_only, &ap->security, &ap->passphrase,
                                      &security_given, &passphrase_given)) {
        return false;
    }
    unsigned changed = (security_given ? SCN_AP_SECURITY : 0) | (passphrase_given ? SCN_AP_PASSPHRASE : 0);
    if ((v = map_get(node, "channel"))) {
        uint64_t channel;
        saved = path_push_key(p, "channel");
        if (!read_uint(p, v, 1, 14, "a 2.4 GHz channel", &channel)) {
            return false;
        }
        path_pop(p, saved);
        ap->channel = (unsigned)channel;
        changed |= SCN_AP_CHANNEL;
    }
    if ((v = map_get(node, "rssi"))) {
        int64_t rssi;
        saved = path_push_key(p, "rssi");
        if (!read_int(p, v, -120, 0, "a signal strength in dBm", &rssi)) {
            return false;
        }
        path_pop(p, saved);
        ap->rssi = (int)rssi;
        changed |= SCN_AP_RSSI;
    }
    if ((v = map_get(node, "bssid"))) {
        saved = path_push_key(p, "bssid");
        if (!read_bssid(p, v, ap->bssid)) {
            return false;
        }
        path_pop(p, saved);
        ap->has_bssid = true;
        changed |= SCN_AP_BSSID;
    }
    if ((v = map_get(node, "appears"))) {
        saved = path_push_key(p, "appears");
        if (!read_time(p, v, &ap->appears)) {
            return false;
        }
        path_pop(p, saved);
    }
    if ((v = map_get(node, "vanishes"))) {
        saved = path_push_key(p, "vanishes");
        if (!read_time(p, v, &ap->vanishes)) {
            return false;
        }
        if (ap->vanishes <= ap->appears) {
            return fail(p, v, "an access point must appear before it vanishes");
        }
        path_pop(p, saved);
    }
    if (update_only && changed == 0) {
        return fail(p, node, "an ap-update changes at least one of security, passphrase, channel, rssi, bssid");
    }
    if (fields) {
        *fields = changed;
    }
    return true;
}

bool parse_radio(struct parser *p, const struct ynode *node)
{
    static const char *const keys[] = { "access-points", NULL };
    if (!node) {
        return true;
    }
    if (!check_mapping(p, node, keys, "the radio {access-points: [...]}")) {
        return false;
    }
    const struct ynode *list = map_get(node, "access-points");
    if (!list) {
        return true;
    }
    size_t saved = path_push_key(p, "access-points");
    if (!check_sequence(p, list, SCN_ACCESS_POINTS_MAX, "access points")) {
        return false;
    }
    struct scn_radio *r = &p->scn->radio;
    r->access_points = scn_arena_array(p->arena, list->count, sizeof *r->access_points);
    if (!r->access_points && list->count) {
        return out_of_memory(p);
    }
    size_t i = 0;
    for (const struct ynode *item = list->first; item; item = item->next, i++) {
        size_t saved_item = path_push_index(p, i);
        struct scn_access_point *ap = &r->access_points[i];
        if (!parse_access_point(p, item, false, ap, NULL)) {
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(r->access_points[j].ssid, ap->ssid) == 0) {
                return fail(p, map_get(item, "ssid"), "SSID \"%s\" already used on line %u "
                            "(one access point per SSID)", ap->ssid, r->access_points[j].loc.line);
            }
        }
        path_pop(p, saved_item);
    }
    r->access_point_count = list->count;
    path_pop(p, saved);
    return true;
}

