/*
 * The Wi-Fi side of the firmware: the station's join state machine against the virtual
 * access points, link loss, escan, the SoftAP's link, and the Ethernet bridge.
 *
 * Everything the firmware reports later is a timed action (an event, a scan result) in a
 * small table; bcm43362.c arms the host timer for the earliest one.  Join event order and
 * timing: reference §4.3/§4.4; link loss §4.5; scan §4.6; data §5.
 */
#include <stdio.h>
#include <string.h>

#include "bcm43362_priv.h"
#include "bytes.h"

#define NO_AP 0xFF
#define ETH_HEADER_LEN 14
#define ETH_MAX_FRAME 1514
#define BDC_HEADER_LEN 4
#define BDC_FLAGS_VERSION_2 0x20
#define GMODE_AUTO 1

static const uint8_t zero_mac[6];

/* ---- Timed actions ---- */

/* Every change to the action table goes through here so the cached deadline stays right. */
static void actions_changed(bcm43362 *chip)
{
    chip->deadline_stale = true;
}

static struct wl_action *schedule(bcm43362 *chip, enum wl_action_owner owner, enum wl_action_kind kind,
                                  uint64_t deadline)
{
    struct wl_state *wl = &chip->s.wl;
    for (size_t i = 0; i < WL_MAX_ACTIONS; i++) {
        struct wl_action *a = &wl->actions[i];
        if (!a->used) {
            memset(a, 0, sizeof *a);
            a->used = true;
            a->owner = (uint8_t)owner;
            a->kind = (uint8_t)kind;
            a->deadline = deadline;
            a->order = wl->next_order++;
            a->ap_slot = NO_AP;
            actions_changed(chip);
            return a;
        }
    }
    chip_log(chip, "bcm43362: internal: no room for a timed firmware action; dropped");
    return NULL;
}

static void schedule_event(bcm43362 *chip, enum wl_action_owner owner, uint64_t deadline, enum wl_effect effect,
                           const struct wl_event *ev)
{
    struct wl_action *a = schedule(chip, owner, ACT_EVENT, deadline);
    if (a) {
        a->effect = (uint8_t)effect;
        a->ev = *ev;
    }
}

static void cancel(bcm43362 *chip, enum wl_action_owner owner)
{
    actions_changed(chip);
    for (size_t i = 0; i < WL_MAX_ACTIONS; i++) {
        if (chip->s.wl.actions[i].owner == owner) {
            chip->s.wl.actions[i].used = false;
            chip->s.wl.actions[i].owner = 0;
        }
    }
}

uint64_t wl_next_deadline(bcm43362 *chip)
{
    if (chip->deadline_stale) {
        uint64_t next = UINT64_MAX;
        for (size_t i = 0; i < WL_MAX_ACTIONS; i++) {
            const struct wl_action *a = &chip->s.wl.actions[i];
            if (a->used && a->deadline < next) {
                next = a->deadline;
            }
        }
        chip->next_deadline = next;
        chip->deadline_stale = false;
    }
    return chip->next_deadline;
}

static struct wl_event station_event(const bcm43362 *chip, uint32_t type, uint32_t status, uint32_t reason)
{
    struct wl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.status = status;
    ev.reason = reason;
    memcpy(ev.addr, chip->s.wl.sta.bss.bssid, 6);
    return ev;
}

static void set_event_ssid(struct wl_event *ev, const uint8_t *ssid, size_t len)
{
    ev->datalen = (uint16_t)len;
    memcpy(ev->data, ssid, len);
}

/* ---- Station ---- */

static void station_clear(bcm43362 *chip)
{
    struct wl_station *sta = &chip->s.wl.sta;
    memset(sta, 0, sizeof *sta);
    sta->state = STA_IDLE;
    sta->ap_slot = NO_AP;
}

void wl_reset(bcm43362 *chip)
{
    struct wl_state *wl = &chip->s.wl;
    memset(wl, 0, sizeof *wl);
    actions_changed(chip);
    wl->infra = 1;
    wl->gmode = GMODE_AUTO;
    wl->sup_wpa_tmo_ms = SUP_WPA_TMO_DEFAULT_MS;
    wl->channel = 1;
    wl->dtim_period = 1;
    chip_configured_mac(chip, wl->mac);
    station_clear(chip);
}

static bool ssid_equals(const struct bcm43362_ap *ap, const uint8_t *ssid, size_t len)
{
    return strnlen(ap->ssid, 32) == len && memcmp(ap->ssid, ssid, len) == 0;
}

static bool is_specific_bssid(const uint8_t *bssid)
{
    static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    return bssid && memcmp(bssid, zero_mac, 6) != 0 && memcmp(bssid, broadcast, 6) != 0;
}

/* The strongest AP with this SSID (and BSSID, if the host named one). */
static int find_bss(const bcm43362 *chip, const uint8_t *ssid, size_t ssid_len, const uint8_t *bssid)
{
    int best = -1;
    for (int i = 0; i < BCM43362_MAX_APS; i++) {
        const struct wl_ap_slot *slot = &chip->s.aps[i];
        if (!slot->used || !ssid_equals(&slot->ap, ssid, ssid_len)) {
            continue;
        }
        if (is_specific_bssid(bssid) && memcmp(bssid, slot->ap.bssid, 6) != 0) {
            continue;
        }
        if (best < 0 || slot->ap.rssi_dbm > chip->s.aps[best].ap.rssi_dbm) {
            best = i;
        }
    }
    return best;
}

static bool security_matches(const struct wl_state *wl, const struct bcm43362_ap *ap)
{
    if (ap->security == BCM43362_SECURITY_OPEN) {
        return wl->wpa_auth == 0 && (wl->wsec & WSEC_CIPHER_MASK) == 0;
    }
    return (wl->wpa_auth & WPA2_AUTH_PSK) && (wl->wsec & WSEC_AES_ENABLED);
}

static void abort_scan(bcm43362 *chip, uint32_t status);

int wl_join(bcm43362 *chip, const uint8_t *ssid, size_t ssid_len, const uint8_t *bssid)
{
    struct wl_state *wl = &chip->s.wl;
    struct wl_station *sta = &wl->sta;
    if (!wl->up) {
        return BCME_NOTUP;
    }
    if (ssid_len > 32) {
        return BCME_BADSSIDLEN;
    }
    /* A new join replaces whatever the station had; the host asked for it, no events. */
    cancel(chip, OWNER_JOIN);
    station_clear(chip);
    if (wl->scan_active) {
        abort_scan(chip, WLC_E_STATUS_NEWASSOC);
    }
    if (ssid_len == 0) {
        return BCME_OK;                 /* an empty SSID only disassociates */
    }
    chip->s.diag.stats.joins++;
    const uint64_t t0 = chip_now(chip);
    sta->state = STA_JOINING;
    memcpy(sta->bss.ssid, ssid, ssid_len);
    if (is_specific_bssid(bssid)) {
        memcpy(sta->bss.bssid, bssid, 6);
    }

    const int slot_index = find_bss(chip, ssid, ssid_len, bssid);
    struct wl_ap_slot *slot = slot_index >= 0 ? &chip->s.aps[slot_index] : NULL;
    if (!slot || !security_matches(wl, &slot->ap)) {
        if (slot) {
            /* Found, but our security settings cannot talk to it: the join scan prunes it. */
            memcpy(sta->bss.bssid, slot->ap.bssid, 6);
            struct wl_event prune = station_event(chip, WLC_E_PRUNE, WLC_E_STATUS_SUCCESS, WLC_E_PRUNE_ENCR_MISMATCH);
            schedule_event(chip, OWNER_JOIN, t0 + JOIN_NOT_FOUND_DELAY_NS - MS_TO_NS(5), EFFECT_NONE, &prune);
        }
        struct wl_event ev = station_event(chip, WLC_E_SET_SSID, WLC_E_STATUS_NO_NETWORKS, 0);
        memset(ev.addr, 0, 6);
        set_event_ssid(&ev, ssid, ssid_len);
        schedule_event(chip, OWNER_JOIN, t0 + JOIN_NOT_FOUND_DELAY_NS, EFFECT_JOIN_FAILED, &ev);
        return BCME_OK;
    }

    sta->ap_slot = (uint8_t)slot_index;
    sta->ap_generation = slot->generation;
    sta->bss = slot->ap;
    sta->open_network = slot->ap.security == BCM43362_SECURITY_OPEN;

    struct wl_event ev = station_event(chip, WLC_E_AUTH, WLC_E_STATUS_SUCCESS, 0);
    ev.auth_type = wl->auth;
    schedule_event(chip, OWNER_JOIN, t0 + JOIN_AUTH_DELAY_NS, EFFECT_NONE, &ev);
    ev = station_event(chip, WLC_E_ASSOC, WLC_E_STATUS_SUCCESS, 0);
    schedule_event(chip, OWNER_JOIN, t0 + JOIN_ASSOC_DELAY_NS, EFFECT_NONE, &ev);
    ev = station_event(chip, WLC_E_LINK, WLC_E_STATUS_SUCCESS, 0);
    ev.flags = WLC_EVENT_MSG_LINK;
    schedule_event(chip, OWNER_JOIN, t0 + JOIN_LINK_DELAY_NS, EFFECT_LINK_UP, &ev);
    ev = station_event(chip, WLC_E_SET_SSID, WLC_E_STATUS_SUCCESS, 0);
    set_event_ssid(&ev, ssid, ssid_len);
    schedule_event(chip, OWNER_JOIN, t0 + JOIN_SET_SSID_DELAY_NS,
                   sta->open_network ? EFFECT_JOIN_SUCCEEDED : EFFECT_NONE, &ev);
    if (sta->open_network) {
        return BCME_OK;
    }
    if (wpa_psk_matches(slot, &wl->pmk)) {
        ev = station_event(chip, WLC_E_PSK_SUP, WLC_SUP_KEYED, 0);
        schedule_event(chip, OWNER_JOIN, t0 + JOIN_KEYED_DELAY_NS, EFFECT_KEYED, &ev);
    } else {
        /* No M3 ever arrives for a wrong key: the supplicant times out (no DEAUTH first,
         * or WWD reports an invalid join status instead of the M3 timeout). */
        ev = station_event(chip, WLC_E_PSK_SUP, WLC_SUP_KEYXCHANGE_WAIT_M3, WLC_E_SUP_WPA_PSK_TMO);
        schedule_event(chip, OWNER_JOIN, t0 + JOIN_LINK_DELAY_NS + MS_TO_NS(wl->sup_wpa_tmo_ms),
                       EFFECT_JOIN_FAILED, &ev);
    }
    return BCME_OK;
}

/* The host leaves (WLC_DISASSOC): the firmware reports its own disassociation. */
void wl_disassoc(bcm43362 *chip)
{
    const bool was_linked = chip->s.wl.sta.link_up;
    struct wl_event disassoc = station_event(chip, WLC_E_DISASSOC, WLC_E_STATUS_SUCCESS, 0);
    struct wl_event link = station_event(chip, WLC_E_LINK, WLC_E_STATUS_SUCCESS, WLC_E_LINK_DISASSOC);
    cancel(chip, OWNER_JOIN);
    station_clear(chip);
    if (was_linked) {
        wl_event_send(chip, &disassoc, NULL, 0);
        wl_event_send(chip, &link, NULL, 0);
    }
}

/* The AP the station uses went away or changed: tell a linked host, fail a pending join. */
static void station_lost_ap(bcm43362 *chip)
{
    struct wl_station *sta = &chip->s.wl.sta;
    if (sta->link_up) {
        struct wl_event deauth = station_event(chip, WLC_E_DEAUTH_IND, WLC_E_STATUS_SUCCESS, DOT11_RC_DEAUTH_LEAVING);
        struct wl_event link = station_event(chip, WLC_E_LINK, WLC_E_STATUS_SUCCESS, WLC_E_LINK_DISASSOC);
        chip->s.diag.stats.link_losses++;
        cancel(chip, OWNER_JOIN);
        station_clear(chip);
        wl_event_send(chip, &deauth, NULL, 0);
        wl_event_send(chip, &link, NULL, 0);
    } else if (sta->state == STA_JOINING) {
        struct wl_event fail = station_event(chip, WLC_E_SET_SSID, WLC_E_STATUS_FAIL, 0);
        set_event_ssid(&fail, (const uint8_t *)sta->bss.ssid, strnlen(sta->bss.ssid, 32));
        chip->s.diag.stats.joins_failed++;
        cancel(chip, OWNER_JOIN);
        station_clear(chip);
        wl_event_send(chip, &fail, fail.data, fail.datalen);
    }
}

static bool station_uses(const bcm43362 *chip, size_t slot_index)
{
    const struct wl_station *sta = &chip->s.wl.sta;
    return sta->state != STA_IDLE && sta->ap_slot == slot_index &&
           sta->ap_generation == chip->s.aps[slot_index].generation;
}

void wl_down(bcm43362 *chip)
{
    struct wl_state *wl = &chip->s.wl;
    for (size_t i = 0; i < WL_MAX_ACTIONS; i++) {
        wl->actions[i].used = false;
    }
    actions_changed(chip);
    station_clear(chip);
    wl->scan_active = false;
    wl->softap_up = false;
    wl->up = false;
}

/* ---- SoftAP (listening mode) ---- */

void wl_softap_set(bcm43362 *chip, bool up)
{
    struct wl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WLC_E_LINK;
    ev.flags = up ? WLC_EVENT_MSG_LINK : 0;
    ev.ifidx = 1;
    ev.bsscfg = 1;
    memcpy(ev.addr, chip->s.wl.mac, 6);
    chip->s.wl.softap_up = up;
    cancel(chip, OWNER_SOFTAP);
    schedule_event(chip, OWNER_SOFTAP, chip_now(chip) + SOFTAP_LINK_DELAY_NS, EFFECT_NONE, &ev);
}

/* ---- Escan ---- */

static void send_scan_status(bcm43362 *chip, uint16_t sync_id, uint32_t status)
{
    uint8_t result[WL_ESCAN_FIXED_LEN] = { 0 };
    struct wl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WLC_E_ESCAN_RESULT;
    ev.status = status;
    put_le32(result + 0, WL_ESCAN_FIXED_LEN);
    put_le32(result + 4, WL_BSS_INFO_VERSION);
    put_le16(result + 8, sync_id);
    put_le16(result + 10, 0);
    wl_event_send(chip, &ev, result, sizeof result);
}

static void abort_scan(bcm43362 *chip, uint32_t status)
{
    cancel(chip, OWNER_SCAN);
    chip->s.wl.scan_active = false;
    send_scan_status(chip, chip->s.wl.scan_sync_id, status);
}

static void send_scan_result(bcm43362 *chip, const struct bcm43362_ap *ap, uint16_t sync_id)
{
    uint8_t result[WL_ESCAN_FIXED_LEN + WL_BSS_INFO_FIXED_LEN + 160];
    const size_t bss_len = bss_info_encode(result + WL_ESCAN_FIXED_LEN, sizeof result - WL_ESCAN_FIXED_LEN, ap);
    const size_t len = WL_ESCAN_FIXED_LEN + bss_len;
    struct wl_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = WLC_E_ESCAN_RESULT;
    ev.status = WLC_E_STATUS_PARTIAL;
    put_le32(result + 0, (uint32_t)len);
    put_le32(result + 4, WL_BSS_INFO_VERSION);
    put_le16(result + 8, sync_id);
    put_le16(result + 10, 1);           /* WWD accepts exactly one BSS per event */
    if (wl_event_send(chip, &ev, result, len)) {
        chip->s.diag.stats.scan_results++;
    }
}

/* wl_escan_params_t: version@0 action@4 sync_id@6, wl_scan_params_t@8: ssid{len@8, ssid@12},
 * ..., channel_num@68 (low 16 bits = count), channel_list@72 (u16 chanspecs). */
/* One line per scan, naming what it will find: a person (or a test) can see what the
 * firmware was offered, e.g. in listening mode. */
static void log_scan(bcm43362 *chip, const uint8_t *ssid, uint32_t ssid_len,
                     const bool *channel_wanted)
{
    char line[512];
    size_t n = 0;
    unsigned found = 0;

    n += snprintf(line + n, sizeof line - n, "bcm43362: escan%s%.*s%s:", ssid_len ? " for \"" : "",
                  (int)ssid_len, ssid_len ? (const char *)ssid : "", ssid_len ? "\"" : "");
    for (uint8_t i = 0; i < BCM43362_MAX_APS; i++) {
        const struct wl_ap_slot *slot = &chip->s.aps[i];
        if (!slot->used || (channel_wanted && (slot->ap.channel >= 15 || !channel_wanted[slot->ap.channel])) ||
            (ssid_len && !ssid_equals(&slot->ap, ssid, ssid_len))) {
            continue;
        }
        found++;
        if (n < sizeof line) {
            n += snprintf(line + n, sizeof line - n, " \"%s\" (channel %u, %d dBm, %s)", slot->ap.ssid,
                          slot->ap.channel, slot->ap.rssi_dbm,
                          slot->ap.security == BCM43362_SECURITY_OPEN ? "open" : "WPA2-PSK");
        }
    }
    if (!found && n < sizeof line) {
        snprintf(line + n, sizeof line - n, " no access point in range");
    }
    chip_log(chip, "%s", line);
}

int wl_escan(bcm43362 *chip, const uint8_t *p, size_t len)
{
    struct wl_state *wl = &chip->s.wl;
    if (len < 8) {
        return BCME_BUFTOOSHORT;
    }
    const uint16_t action = get_le16(p + 4);
    const uint16_t sync_id = get_le16(p + 6);
    if (!wl->up) {
        return BCME_NOTUP;
    }
    if (action == WL_ESCAN_ACTION_ABORT) {
        if (wl->scan_active) {
            abort_scan(chip, WLC_E_STATUS_ABORT);
        }
        return BCME_OK;
    }
    if (action != WL_ESCAN_ACTION_START) {
        return BCME_BADARG;
    }

    uint32_t ssid_len = 0;
    const uint8_t *ssid = NULL;
    if (len >= 8 + 36) {
        ssid_len = get_le32(p + 8);
        ssid = p + 12;
        if (ssid_len > 32) {
            return BCME_BADSSIDLEN;
        }
    }
    bool channel_wanted[15] = { false };
    size_t channel_count = 0;
    if (len >= 72) {
        channel_count = get_le32(p + 68) & 0xFFFF;
        if (channel_count > (len - 72) / 2) {
            channel_count = (len - 72) / 2;
        }
        for (size_t i = 0; i < channel_count; i++) {
            const uint8_t ch = (uint8_t)get_le16(p + 72 + 2 * i);
            if (ch < 15) {
                channel_wanted[ch] = true;
            }
        }
    }

    cancel(chip, OWNER_SCAN);           /* a new START restarts a running scan */
    chip->s.diag.stats.scans++;
    wl->scan_active = true;
    wl->scan_sync_id = sync_id;

    /* Report like a sweep of the band: by channel, then in table order. */
    uint64_t t = chip_now(chip) + SCAN_FIRST_RESULT_DELAY_NS;
    uint64_t last = t;
    bool any = false;
    for (uint8_t ch = 1; ch <= 14; ch++) {
        if (channel_count && !channel_wanted[ch]) {
            continue;
        }
        for (uint8_t i = 0; i < BCM43362_MAX_APS; i++) {
            const struct wl_ap_slot *slot = &chip->s.aps[i];
            if (!slot->used || slot->ap.channel != ch || (ssid_len && !ssid_equals(&slot->ap, ssid, ssid_len))) {
                continue;
            }
            struct wl_action *a = schedule(chip, OWNER_SCAN, ACT_SCAN_RESULT, t);
            if (a) {
                a->ap_slot = i;
                a->ap_generation = slot->generation;
                a->sync_id = sync_id;
            }
            last = t;
            any = true;
            t += SCAN_RESULT_INTERVAL_NS;
        }
    }
    log_scan(chip, ssid, ssid_len, channel_count ? channel_wanted : NULL);
    struct wl_action *done = schedule(chip, OWNER_SCAN, ACT_SCAN_DONE, any ? last + SCAN_DONE_DELAY_NS : t);
    if (done) {
        done->sync_id = sync_id;
    } else {
        wl->scan_active = false;
    }
    return BCME_OK;
}

/* ---- Running the actions ---- */

static void run_action(bcm43362 *chip, const struct wl_action *a)
{
    struct wl_state *wl = &chip->s.wl;
    struct wl_station *sta = &wl->sta;
    switch (a->kind) {
    case ACT_EVENT:
        switch (a->effect) {
        case EFFECT_LINK_UP:
            sta->state = STA_ASSOCIATED;
            sta->link_up = true;
            sta->keyed = sta->open_network;
            break;
        case EFFECT_KEYED:
            sta->keyed = true;
            chip->s.diag.stats.joins_ok++;
            chip_log(chip, "bcm43362: joined \"%s\" (channel %u, WPA2-PSK keyed)", sta->bss.ssid,
                     sta->bss.channel);
            break;
        case EFFECT_JOIN_SUCCEEDED:
            chip->s.diag.stats.joins_ok++;
            chip_log(chip, "bcm43362: joined \"%s\" (channel %u, open)", sta->bss.ssid,
                     sta->bss.channel);
            break;
        case EFFECT_JOIN_FAILED:
            chip->s.diag.stats.joins_failed++;
            chip_log(chip, "bcm43362: join to \"%s\" failed (%s)", sta->bss.ssid,
                     sta->link_up ? "the WPA2 key exchange timed out" : "no such network");
            if (!sta->link_up) {
                station_clear(chip);
            }
            break;
        default:
            break;
        }
        wl_event_send(chip, &a->ev, a->ev.data, a->ev.datalen);
        break;
    case ACT_SCAN_RESULT:
        if (a->ap_slot < BCM43362_MAX_APS && chip->s.aps[a->ap_slot].used &&
            chip->s.aps[a->ap_slot].generation == a->ap_generation) {
            send_scan_result(chip, &chip->s.aps[a->ap_slot].ap, a->sync_id);
        }
        break;
    case ACT_SCAN_DONE:
        wl->scan_active = false;
        send_scan_status(chip, a->sync_id, WLC_E_STATUS_SUCCESS);
        break;
    default:
        break;
    }
}

void wl_timer_fire(bcm43362 *chip, uint64_t now)
{
    /* Bounded: an action may schedule others, but never earlier than "now". */
    for (unsigned round = 0; round < 4 * WL_MAX_ACTIONS; round++) {
        struct wl_action *due = NULL;
        for (size_t i = 0; i < WL_MAX_ACTIONS; i++) {
            struct wl_action *a = &chip->s.wl.actions[i];
            if (a->used && a->deadline <= now &&
                (!due || a->deadline < due->deadline || (a->deadline == due->deadline && a->order < due->order))) {
                due = a;
            }
        }
        if (!due) {
            return;
        }
        const struct wl_action action = *due;
        due->used = false;
        due->owner = 0;
        actions_changed(chip);
        run_action(chip, &action);
    }
}

/* ---- The radio environment ---- */

static bool passphrase_valid(const char *pass)
{
    const size_t len = strnlen(pass, 65);
    if (len >= 8 && len <= 63) {
        return true;
    }
    if (len != 64) {
        return false;
    }
    for (size_t i = 0; i < 64; i++) {
        const char c = pass[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

bool wl_ap_valid(const struct bcm43362_ap *ap)
{
    const size_t ssid_len = strnlen(ap->ssid, sizeof ap->ssid);
    if (ssid_len == 0 || ssid_len > 32 || ap->channel < 1 || ap->channel > 14) {
        return false;
    }
    if ((ap->bssid[0] & 0x01) || memcmp(ap->bssid, zero_mac, 6) == 0) {
        return false;                   /* a BSSID is a unicast address */
    }
    switch (ap->security) {
    case BCM43362_SECURITY_OPEN: return true;
    case BCM43362_SECURITY_WPA2_PSK: return passphrase_valid(ap->passphrase);
    default: return false;
    }
}

static int find_ap(const bcm43362 *chip, const uint8_t bssid[6])
{
    for (int i = 0; i < BCM43362_MAX_APS; i++) {
        if (chip->s.aps[i].used && memcmp(chip->s.aps[i].ap.bssid, bssid, 6) == 0) {
            return i;
        }
    }
    return -1;
}

static void store_ap(struct wl_ap_slot *slot, const struct bcm43362_ap *ap)
{
    slot->ap = *ap;
    slot->ap.ssid[32] = '\0';
    slot->ap.passphrase[64] = '\0';
    slot->pmk_cached = false;
    slot->verdict_cached = false;
}

bool wl_ap_add(bcm43362 *chip, const struct bcm43362_ap *ap)
{
    if (!wl_ap_valid(ap) || find_ap(chip, ap->bssid) >= 0) {
        return false;
    }
    for (size_t i = 0; i < BCM43362_MAX_APS; i++) {
        struct wl_ap_slot *slot = &chip->s.aps[i];
        if (!slot->used) {
            store_ap(slot, ap);
            slot->used = true;
            slot->generation++;
            return true;
        }
    }
    return false;
}

bool wl_ap_update(bcm43362 *chip, const struct bcm43362_ap *ap)
{
    const int i = find_ap(chip, ap->bssid);
    if (i < 0 || !wl_ap_valid(ap)) {
        return false;
    }
    struct wl_ap_slot *slot = &chip->s.aps[i];
    struct bcm43362_ap only_rssi_changed = slot->ap;
    only_rssi_changed.rssi_dbm = ap->rssi_dbm;
    struct bcm43362_ap normalized = *ap;
    normalized.ssid[32] = '\0';
    normalized.passphrase[64] = '\0';
    const bool rssi_only = strcmp(only_rssi_changed.ssid, normalized.ssid) == 0 &&
                           only_rssi_changed.channel == normalized.channel &&
                           only_rssi_changed.security == normalized.security &&
                           strcmp(only_rssi_changed.passphrase, normalized.passphrase) == 0;
    if (rssi_only) {
        slot->ap.rssi_dbm = ap->rssi_dbm;
        if (station_uses(chip, (size_t)i)) {
            chip->s.wl.sta.bss.rssi_dbm = ap->rssi_dbm;
        }
        return true;
    }
    if (chip->s.fw.running && station_uses(chip, (size_t)i)) {
        station_lost_ap(chip);
    }
    store_ap(slot, ap);
    slot->generation++;
    return true;
}

bool wl_ap_remove(bcm43362 *chip, const uint8_t bssid[6])
{
    const int i = find_ap(chip, bssid);
    if (i < 0) {
        return false;
    }
    if (chip->s.fw.running && station_uses(chip, (size_t)i)) {
        station_lost_ap(chip);
    }
    chip->s.aps[i].used = false;
    chip->s.aps[i].generation++;
    return true;
}

/* ---- Data path ---- */

static bool station_port_open(const bcm43362 *chip)
{
    return chip->s.wl.sta.link_up && chip->s.wl.sta.keyed;
}

void wl_data_from_host(bcm43362 *chip, unsigned ifidx, const uint8_t *frame, size_t len)
{
    struct bcm43362_stats *st = &chip->s.diag.stats;
    if (ifidx != 0) {
        st->eth_dropped_to_network++;
        if (chip_log_once(chip, LOG_ONCE_AP_DATA)) {
            chip_log(chip, "bcm43362: data on interface %u (SoftAP) is not bridged; dropped (logged once)", ifidx);
        }
        return;
    }
    if (!station_port_open(chip) || len < ETH_HEADER_LEN || len > ETH_MAX_FRAME) {
        st->eth_dropped_to_network++;
        return;
    }
    st->eth_to_network++;
    if (chip->ops.eth_to_network) {
        chip->ops.eth_to_network(chip->opaque, frame, len);
    }
}

static bool accepts_destination(const struct wl_state *wl, const uint8_t *dst)
{
    static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    if (memcmp(dst, broadcast, 6) == 0 || memcmp(dst, wl->mac, 6) == 0) {
        return true;
    }
    if (!(dst[0] & 0x01)) {
        return false;
    }
    if (wl->allmulti) {
        return true;
    }
    for (uint32_t i = 0; i < wl->mcast_count && i < WL_MCAST_MAX; i++) {
        if (memcmp(dst, wl->mcast[i], 6) == 0) {
            return true;
        }
    }
    return false;
}

bool wl_data_from_network(bcm43362 *chip, const uint8_t *frame, size_t len)
{
    struct bcm43362_stats *st = &chip->s.diag.stats;
    if (!station_port_open(chip) || len < ETH_HEADER_LEN || len > ETH_MAX_FRAME ||
        !accepts_destination(&chip->s.wl, frame)) {
        st->eth_dropped_to_host++;
        return false;
    }
    uint8_t body[BDC_HEADER_LEN + ETH_MAX_FRAME] = { BDC_FLAGS_VERSION_2, 0, 0, 0 };
    memcpy(body + BDC_HEADER_LEN, frame, len);
    if (!sdpcm_send(chip, SDPCM_DATA, body, BDC_HEADER_LEN + len)) {
        st->eth_dropped_to_host++;
        return false;
    }
    st->eth_to_host++;
    return true;
}

/* ---- Snapshot loading ---- */

static void sanitize_ap(struct bcm43362_ap *ap)
{
    ap->ssid[32] = '\0';
    ap->passphrase[64] = '\0';
    if (ap->security != BCM43362_SECURITY_OPEN && ap->security != BCM43362_SECURITY_WPA2_PSK) {
        ap->security = BCM43362_SECURITY_OPEN;
    }
    if (ap->channel < 1 || ap->channel > 14) {
        ap->channel = 1;
    }
}

void wl_sanitize(bcm43362 *chip)
{
    struct wl_state *wl = &chip->s.wl;
    struct wl_station *sta = &wl->sta;
    actions_changed(chip);
    FIX_BOOL(wl->up);
    FIX_BOOL(wl->softap_up);
    FIX_BOOL(wl->scan_active);
    FIX_BOOL(wl->pmk.set);
    FIX_BOOL(sta->link_up);
    FIX_BOOL(sta->keyed);
    FIX_BOOL(sta->open_network);
    if (sta->state > STA_ASSOCIATED) {
        sta->state = STA_IDLE;
    }
    if (sta->ap_slot >= BCM43362_MAX_APS) {
        sta->ap_slot = NO_AP;
    }
    sanitize_ap(&sta->bss);
    if (wl->pmk.len > sizeof wl->pmk.key) {
        wl->pmk.len = sizeof wl->pmk.key;
    }
    if (wl->mcast_count > WL_MCAST_MAX) {
        wl->mcast_count = WL_MCAST_MAX;
    }
    for (size_t i = 0; i < WL_MAX_ACTIONS; i++) {
        struct wl_action *a = &wl->actions[i];
        FIX_BOOL(a->used);
        if (a->ev.datalen > WL_EVENT_SMALL_DATA) {
            a->ev.datalen = WL_EVENT_SMALL_DATA;
        }
        a->ev.ifidx = a->ev.ifidx ? 1 : 0;        /* WWD indexes a 3-entry table with it */
    }
    for (size_t i = 0; i < WL_IOVAR_STORE_LEN; i++) {
        struct wl_iovar_value *v = &wl->store[i];
        v->name[WL_IOVAR_NAME_MAX - 1] = '\0';
        if (v->len > WL_IOVAR_VALUE_MAX) {
            v->len = WL_IOVAR_VALUE_MAX;
        }
    }
    for (size_t i = 0; i < BCM43362_MAX_APS; i++) {
        FIX_BOOL(chip->s.aps[i].used);
        FIX_BOOL(chip->s.aps[i].pmk_cached);
        FIX_BOOL(chip->s.aps[i].verdict_cached);
        FIX_BOOL(chip->s.aps[i].verdict);
        if (chip->s.aps[i].verdict_key_len > sizeof chip->s.aps[i].verdict_key) {
            chip->s.aps[i].verdict_cached = false;
            chip->s.aps[i].verdict_key_len = 0;
        }
        sanitize_ap(&chip->s.aps[i].ap);
    }
}
