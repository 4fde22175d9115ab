/*
 * The CDC/BCDC control channel: one ioctl request per SDPCM channel-0 frame, one response
 * with the same cmd/id.  Reference §3.
 *
 * Request:  cmd(4) len(4) flags(4: id<<16 | if<<12 | SET 0x02) status(4) | payload[len]
 * Response: same header (ERROR 0x01 and a negative BCME status on failure) | payload[len]
 * GET answers are written at payload offset 0 over zeros; SET answers echo the request.
 * Unknown commands answer status 0 (zeros for a GET, never an echo: WWD would parse
 * the echoed name of "mcast_list" as a count).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bcm43362_priv.h"
#include "bytes.h"

#define CDC_HEADER_LEN 16
#define CDCF_IOC_ERROR 0x01u
#define CDCF_IOC_SET 0x02u
#define CDC_MAX_PAYLOAD (SDPCM_MAX_FRAME - SDPCM_HEADER_LEN - CDC_HEADER_LEN)
#define BSSCFG_PREFIX "bsscfg:"
#define BSSCFG_PREFIX_LEN 7
#define PHY_NOISE_DBM (-90)
#define RATE_54MBPS 108                 /* 500 kb/s units */
#define WLC_BAND_2G 2

/* GET_VAR "ver": the string of the firmware Device OS 2.2.0 downloads (FWID not known). */
static const char firmware_version[] = "wl0: Oct 23 2017 09:30:44 version 5.90.230.22 FWID 01-00000000\n";

struct ioctl_call {
    uint32_t cmd;
    const uint8_t *in;
    size_t in_len;
    uint8_t *out;
    size_t out_len;
};

struct iovar_call {
    const char *name;                   /* without the "bsscfg:" prefix */
    uint32_t bsscfg;
    const uint8_t *args;                /* after the name's NUL (and the bsscfg index) */
    size_t args_len;
    uint8_t *out;
    size_t out_len;
};

/* ---- Names, for diagnostics ---- */

static const struct { uint16_t cmd; const char *name; } ioctl_names[] = {
    { WLC_GET_MAGIC, "WLC_GET_MAGIC" }, { WLC_GET_VERSION, "WLC_GET_VERSION" }, { WLC_UP, "WLC_UP" },
    { WLC_DOWN, "WLC_DOWN" }, { WLC_GET_RATE, "WLC_GET_RATE" }, { WLC_GET_INFRA, "WLC_GET_INFRA" },
    { WLC_SET_INFRA, "WLC_SET_INFRA" }, { WLC_GET_AUTH, "WLC_GET_AUTH" }, { WLC_SET_AUTH, "WLC_SET_AUTH" },
    { WLC_GET_BSSID, "WLC_GET_BSSID" }, { WLC_GET_SSID, "WLC_GET_SSID" }, { WLC_SET_SSID, "WLC_SET_SSID" },
    { WLC_GET_CHANNEL, "WLC_GET_CHANNEL" }, { WLC_SET_CHANNEL, "WLC_SET_CHANNEL" },
    { WLC_SET_KEY, "WLC_SET_KEY" }, { WLC_SCAN, "WLC_SCAN" }, { WLC_DISASSOC, "WLC_DISASSOC" },
    { WLC_GET_ROAM_TRIGGER, "WLC_GET_ROAM_TRIGGER" }, { WLC_SET_ROAM_TRIGGER, "WLC_SET_ROAM_TRIGGER" },
    { WLC_GET_ROAM_DELTA, "WLC_GET_ROAM_DELTA" }, { WLC_SET_ROAM_DELTA, "WLC_SET_ROAM_DELTA" },
    { WLC_GET_ROAM_SCAN_PERIOD, "WLC_GET_ROAM_SCAN_PERIOD" }, { WLC_SET_ROAM_SCAN_PERIOD, "WLC_SET_ROAM_SCAN_PERIOD" },
    { WLC_GET_TXANT, "WLC_GET_TXANT" }, { WLC_SET_TXANT, "WLC_SET_TXANT" },
    { WLC_GET_ANTDIV, "WLC_GET_ANTDIV" }, { WLC_SET_ANTDIV, "WLC_SET_ANTDIV" },
    { WLC_GET_DTIMPRD, "WLC_GET_DTIMPRD" }, { WLC_SET_DTIMPRD, "WLC_SET_DTIMPRD" },
    { WLC_GET_PM, "WLC_GET_PM" }, { WLC_SET_PM, "WLC_SET_PM" },
    { WLC_GET_GMODE, "WLC_GET_GMODE" }, { WLC_SET_GMODE, "WLC_SET_GMODE" },
    { WLC_GET_AP, "WLC_GET_AP" }, { WLC_SET_AP, "WLC_SET_AP" }, { WLC_GET_RSSI, "WLC_GET_RSSI" },
    { WLC_GET_WSEC, "WLC_GET_WSEC" }, { WLC_SET_WSEC, "WLC_SET_WSEC" },
    { WLC_GET_PHY_NOISE, "WLC_GET_PHY_NOISE" }, { WLC_GET_BSS_INFO, "WLC_GET_BSS_INFO" },
    { WLC_GET_BANDLIST, "WLC_GET_BANDLIST" }, { WLC_GET_UP, "WLC_GET_UP" },
    { WLC_GET_WPA_AUTH, "WLC_GET_WPA_AUTH" }, { WLC_SET_WPA_AUTH, "WLC_SET_WPA_AUTH" },
    { WLC_GET_VAR, "WLC_GET_VAR" }, { WLC_SET_VAR, "WLC_SET_VAR" }, { WLC_SET_WSEC_PMK, "WLC_SET_WSEC_PMK" },
};

const char *bcm43362_ioctl_name(uint32_t cmd)
{
    for (size_t i = 0; i < sizeof ioctl_names / sizeof ioctl_names[0]; i++) {
        if (ioctl_names[i].cmd == cmd) {
            return ioctl_names[i].name;
        }
    }
    return NULL;
}

/* Guest bytes go into log lines: keep them printable. */
static void printable_copy(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; i + 1 < cap && src[i]; i++) {
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    }
    dst[i] = '\0';
}

void diag_count_iovar(bcm43362 *chip, const char *name, bool set, bool known)
{
    struct diagnostics *d = &chip->s.diag;
    char clean[sizeof d->iovars[0].name];
    printable_copy(clean, sizeof clean, name);
    struct diag_iovar *entry = NULL;
    for (size_t i = 0; i < DIAG_IOVAR_NAMES; i++) {
        if (d->iovars[i].name[0] == '\0') {
            entry = &d->iovars[i];
            memcpy(entry->name, clean, sizeof clean);
            break;
        }
        if (strcmp(d->iovars[i].name, clean) == 0) {
            entry = &d->iovars[i];
            break;
        }
    }
    if (!entry) {
        d->iovar_overflow++;
        return;
    }
    if (set) {
        entry->sets++;
    } else {
        entry->gets++;
    }
    if (!known && !entry->unknown_logged) {
        entry->unknown_logged = true;
        chip_log(chip, "bcm43362: iovar \"%s\" (%s) has no modelled behaviour: %s (logged once)", clean,
                 set ? "SET" : "GET", set ? "value stored, answered with status 0" : "answered with zeros");
    }
}

/* ---- Plain u32 settings: GET returns what SET stored ---- */

static const struct { uint16_t get, set; uint16_t offset; } u32_settings[] = {
    { WLC_GET_INFRA, WLC_SET_INFRA, offsetof(struct wl_state, infra) },
    { WLC_GET_AUTH, WLC_SET_AUTH, offsetof(struct wl_state, auth) },
    { WLC_GET_ROAM_TRIGGER, WLC_SET_ROAM_TRIGGER, offsetof(struct wl_state, roam_trigger) },
    { WLC_GET_ROAM_DELTA, WLC_SET_ROAM_DELTA, offsetof(struct wl_state, roam_delta) },
    { WLC_GET_ROAM_SCAN_PERIOD, WLC_SET_ROAM_SCAN_PERIOD, offsetof(struct wl_state, roam_scan_period) },
    { WLC_GET_TXANT, WLC_SET_TXANT, offsetof(struct wl_state, txant) },
    { WLC_GET_ANTDIV, WLC_SET_ANTDIV, offsetof(struct wl_state, antdiv) },
    { WLC_GET_DTIMPRD, WLC_SET_DTIMPRD, offsetof(struct wl_state, dtim_period) },
    { WLC_GET_PM, WLC_SET_PM, offsetof(struct wl_state, pm) },
    { WLC_GET_GMODE, WLC_SET_GMODE, offsetof(struct wl_state, gmode) },
    { WLC_GET_WSEC, WLC_SET_WSEC, offsetof(struct wl_state, wsec) },
    { WLC_GET_WPA_AUTH, WLC_SET_WPA_AUTH, offsetof(struct wl_state, wpa_auth) },
};

static int put_u32(const struct ioctl_call *c, uint32_t v)
{
    if (c->out_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    put_le32(c->out, v);
    return BCME_OK;
}

static bool u32_setting(bcm43362 *chip, const struct ioctl_call *c, int *status)
{
    for (size_t i = 0; i < sizeof u32_settings / sizeof u32_settings[0]; i++) {
        uint32_t *field = (uint32_t *)((uint8_t *)&chip->s.wl + u32_settings[i].offset);
        if (c->cmd == u32_settings[i].get) {
            *status = put_u32(c, *field);
            return true;
        }
        if (c->cmd == u32_settings[i].set) {
            if (c->in_len < 4) {
                *status = BCME_BUFTOOSHORT;
            } else {
                *field = get_le32(c->in);
                *status = BCME_OK;
            }
            return true;
        }
    }
    return false;
}

/* ---- Generic iovar value store ---- */

static struct wl_iovar_value *stored_iovar(bcm43362 *chip, const char *name, uint32_t bsscfg, bool create)
{
    struct wl_iovar_value *free_slot = NULL;
    for (size_t i = 0; i < WL_IOVAR_STORE_LEN; i++) {
        struct wl_iovar_value *v = &chip->s.wl.store[i];
        if (v->name[0] == '\0') {
            free_slot = free_slot ? free_slot : v;
        } else if (v->bsscfg == bsscfg && strcmp(v->name, name) == 0) {
            return v;
        }
    }
    if (!create || !free_slot || strlen(name) >= WL_IOVAR_NAME_MAX) {
        return NULL;
    }
    snprintf(free_slot->name, sizeof free_slot->name, "%s", name);
    free_slot->bsscfg = (uint8_t)bsscfg;
    free_slot->len = 0;
    return free_slot;
}

static int store_set(bcm43362 *chip, struct iovar_call *c)
{
    struct wl_iovar_value *v = stored_iovar(chip, c->name, c->bsscfg, true);
    if (v) {
        v->len = (uint8_t)(c->args_len < WL_IOVAR_VALUE_MAX ? c->args_len : WL_IOVAR_VALUE_MAX);
        memcpy(v->value, c->args, v->len);
    }
    return BCME_OK;
}

static int store_get(bcm43362 *chip, struct iovar_call *c)
{
    const struct wl_iovar_value *v = stored_iovar(chip, c->name, c->bsscfg, false);
    if (v) {
        memcpy(c->out, v->value, v->len < c->out_len ? v->len : c->out_len);
    }
    return BCME_OK;
}

static uint32_t stored_u32(bcm43362 *chip, const char *name, uint32_t bsscfg)
{
    const struct wl_iovar_value *v = stored_iovar(chip, name, bsscfg, false);
    return v && v->len >= 4 ? get_le32(v->value) : 0;
}

/* ---- Iovars with behaviour ---- */

static int iov_put_u32(struct iovar_call *c, uint32_t v)
{
    if (c->out_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    put_le32(c->out, v);
    return BCME_OK;
}

static int iov_txglom_set(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len >= 4 && get_le32(c->args) != 0 && chip_log_once(chip, LOG_ONCE_TXGLOM)) {
        chip_log(chip, "bcm43362: host enabled bus:txglom; the model never gloms frames (logged once)");
    }
    return store_set(chip, c);
}

static int iov_event_msgs_get(bcm43362 *chip, struct iovar_call *c)
{
    const size_t n = c->out_len < WL_EVENTING_MASK_LEN ? c->out_len : WL_EVENTING_MASK_LEN;
    memcpy(c->out, chip->s.wl.event_mask[c->bsscfg], n);
    return BCME_OK;
}

static int iov_event_msgs_set(bcm43362 *chip, struct iovar_call *c)
{
    uint8_t *mask = chip->s.wl.event_mask[c->bsscfg];
    memset(mask, 0, WL_EVENTING_MASK_LEN);
    memcpy(mask, c->args, c->args_len < WL_EVENTING_MASK_LEN ? c->args_len : WL_EVENTING_MASK_LEN);
    return BCME_OK;
}

static int iov_etheraddr_get(bcm43362 *chip, struct iovar_call *c)
{
    if (c->out_len < 6) {
        return BCME_BUFTOOSHORT;
    }
    memcpy(c->out, chip->s.wl.mac, 6);
    return BCME_OK;
}

static int iov_etheraddr_set(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len < 6) {
        return BCME_BUFTOOSHORT;
    }
    if (c->args[0] & 0x01) {
        return BCME_BADARG;             /* must be a unicast address */
    }
    memcpy(chip->s.wl.mac, c->args, 6);
    return BCME_OK;
}

static int iov_rand_get(bcm43362 *chip, struct iovar_call *c)
{
    for (size_t i = 0; i < c->out_len; i += 8) {
        uint8_t r[8];
        const uint64_t v = chip_random(chip);
        for (size_t k = 0; k < 8; k++) {
            r[k] = (uint8_t)(v >> (8 * k));
        }
        memcpy(c->out + i, r, c->out_len - i < 8 ? c->out_len - i : 8);
    }
    return BCME_OK;
}

static int iov_ver_get(bcm43362 *chip, struct iovar_call *c)
{
    if (c->out_len == 0) {
        return BCME_BUFTOOSHORT;
    }
    snprintf((char *)c->out, c->out_len, "%s", firmware_version);
    return BCME_OK;
}

/* mcast_list_t: u32 count, then count MAC addresses. */
static int iov_mcast_get(bcm43362 *chip, struct iovar_call *c)
{
    const struct wl_state *wl = &chip->s.wl;
    if (c->out_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    put_le32(c->out, wl->mcast_count);
    for (uint32_t i = 0; i < wl->mcast_count && 4 + 6 * (i + 1) <= c->out_len; i++) {
        memcpy(c->out + 4 + 6 * i, wl->mcast[i], 6);
    }
    return BCME_OK;
}

static int iov_mcast_set(bcm43362 *chip, struct iovar_call *c)
{
    struct wl_state *wl = &chip->s.wl;
    if (c->args_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    const uint32_t count = get_le32(c->args);
    if (count > WL_MCAST_MAX) {
        return BCME_BUFTOOLONG;
    }
    if (c->args_len - 4 < 6u * count) {
        return BCME_BUFTOOSHORT;
    }
    memcpy(wl->mcast, c->args + 4, 6u * count);
    wl->mcast_count = count;
    return BCME_OK;
}

static int iov_allmulti_get(bcm43362 *chip, struct iovar_call *c)
{
    return iov_put_u32(c, chip->s.wl.allmulti);
}

static int iov_allmulti_set(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    chip->s.wl.allmulti = get_le32(c->args) != 0;
    return BCME_OK;
}

/* "bss" {index} → u32 up (1) / down (0); "bss" {index, 1|0} brings a BSS up or down.
 * Index 1 is the SoftAP of listening mode; WWD waits for its LINK event. */
static int iov_bss_get(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    const uint32_t index = get_le32(c->args);
    return iov_put_u32(c, index == 1 ? chip->s.wl.softap_up : index == 0 ? chip->s.wl.up : 0);
}

static int iov_bss_set(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len < 8) {
        return BCME_BUFTOOSHORT;
    }
    const uint32_t index = get_le32(c->args), value = get_le32(c->args + 4);
    if (index >= WL_MAX_BSSCFG) {
        return BCME_BADARG;
    }
    if (index == 1 && (value == 0 || value == 1)) {
        if (!chip->s.wl.up) {
            return BCME_NOTUP;
        }
        wl_softap_set(chip, value == 1);
    }
    return BCME_OK;                     /* BSS_STA/BSS_AP (2/3) select a mode: accepted */
}

static int iov_sup_wpa_tmo_get(bcm43362 *chip, struct iovar_call *c)
{
    return iov_put_u32(c, c->bsscfg == 0 ? chip->s.wl.sup_wpa_tmo_ms : stored_u32(chip, c->name, c->bsscfg));
}

static int iov_sup_wpa_tmo_set(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    if (c->bsscfg != 0) {
        return store_set(chip, c);
    }
    chip->s.wl.sup_wpa_tmo_ms = get_le32(c->args);
    return BCME_OK;
}

static int iov_escan_set(bcm43362 *chip, struct iovar_call *c)
{
    return wl_escan(chip, c->args, c->args_len);
}

/* wl_extjoin_params_t: ssid{len@0, ssid@4} (36) | join scan params (20) | assoc params:
 * bssid@56, bssid_cnt@62, chanspec_num@64, chanspec_list@68. */
static int iov_join_set(bcm43362 *chip, struct iovar_call *c)
{
    if (c->args_len < 36) {
        return BCME_BUFTOOSHORT;
    }
    const uint32_t ssid_len = get_le32(c->args);
    if (ssid_len > 32) {
        return BCME_BADSSIDLEN;
    }
    return wl_join(chip, c->args + 4, ssid_len, c->args_len >= 62 ? c->args + 56 : NULL);
}

typedef int (*iovar_handler)(bcm43362 *chip, struct iovar_call *c);

/* get/set NULL: value kept in the generic store (known names Device OS sends; a GET
 * before any SET answers zeros without a warning). */
static const struct {
    const char *name;
    iovar_handler get, set;
} iovars[] = {
    { "bus:txglom", store_get, iov_txglom_set },
    { "event_msgs", iov_event_msgs_get, iov_event_msgs_set },
    { "cur_etheraddr", iov_etheraddr_get, iov_etheraddr_set },
    { "rand", iov_rand_get, NULL },
    { "ver", iov_ver_get, NULL },
    { "mcast_list", iov_mcast_get, iov_mcast_set },
    { "allmulti", iov_allmulti_get, iov_allmulti_set },
    { "bss", iov_bss_get, iov_bss_set },
    { "sup_wpa_tmo", iov_sup_wpa_tmo_get, iov_sup_wpa_tmo_set },
    { "escan", NULL, iov_escan_set },
    { "join", NULL, iov_join_set },
    /* Stored settings without behaviour in the model. */
    { "apsta", store_get, store_set },
    { "ampdu_ba_wsize", store_get, store_set },
    { "ampdu_mpdu", store_get, store_set },
    { "ampdu_rx_factor", store_get, store_set },
    { "country", store_get, store_set },
    { "sup_wpa", store_get, store_set },
    { "sup_wpa2_eapver", store_get, store_set },
    { "ssid", store_get, store_set },
    { "wsec", store_get, store_set },
    { "wpa_auth", store_get, store_set },
    { "2g_mrate", store_get, store_set },
    { "closednet", store_get, store_set },
    { "pm2_sleep_ret", store_get, store_set },
    { "bcn_li_bcn", store_get, store_set },
    { "bcn_li_dtim", store_get, store_set },
    { "assoc_listen", store_get, store_set },
    { "roam_off", store_get, store_set },
    { "mpc", store_get, store_set },
    { "wme", store_get, store_set },
    { "ap_isolate", store_get, store_set },
    { "maxassoc", store_get, store_set },
};

static int handle_iovar(bcm43362 *chip, const struct ioctl_call *ic, bool set)
{
    /* "name\0" [u32 bsscfg for "bsscfg:name"] value */
    const char *name = (const char *)ic->in;
    const uint8_t *nul = memchr(ic->in, '\0', ic->in_len);
    if (!nul || nul == ic->in) {
        return BCME_BADARG;
    }
    struct iovar_call c = {
        .name = name,
        .args = nul + 1,
        .args_len = ic->in_len - (size_t)(nul + 1 - ic->in),
        .out = ic->out,
        .out_len = ic->out_len,
    };
    if (strncmp(name, BSSCFG_PREFIX, BSSCFG_PREFIX_LEN) == 0) {
        c.name = name + BSSCFG_PREFIX_LEN;
        if (c.args_len < 4) {
            diag_count_iovar(chip, name, set, true);
            return BCME_BUFTOOSHORT;
        }
        c.bsscfg = get_le32(c.args);
        c.args += 4;
        c.args_len -= 4;
        if (c.bsscfg >= WL_MAX_BSSCFG) {
            diag_count_iovar(chip, name, set, true);
            return BCME_BADARG;
        }
    }
    for (size_t i = 0; i < sizeof iovars / sizeof iovars[0]; i++) {
        if (strcmp(iovars[i].name, c.name) == 0) {
            const iovar_handler h = set ? iovars[i].set : iovars[i].get;
            diag_count_iovar(chip, name, set, h != NULL);
            if (!h) {
                chip->s.diag.stats.unknown_ioctls++;
                return BCME_OK;         /* zeros for a GET, the echo for a SET */
            }
            return h(chip, &c);
        }
    }
    /* Not a name the model knows: keep a SET so a GET can return it; a GET of something
     * never set answers zeros. */
    diag_count_iovar(chip, name, set, false);
    chip->s.diag.stats.unknown_ioctls++;
    return set ? store_set(chip, &c) : store_get(chip, &c);
}

/* ---- Plain ioctls with behaviour ---- */

static int get_bss_info(bcm43362 *chip, const struct ioctl_call *c)
{
    /* Request: u32 buffer length.  Answer: that u32, then wl_bss_info_t of the current BSS
     * (the host copies from offset 4). */
    if (c->out_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    put_le32(c->out, c->in_len >= 4 ? get_le32(c->in) : (uint32_t)c->out_len);
    const struct wl_station *sta = &chip->s.wl.sta;
    if (sta->link_up) {
        bss_info_encode(c->out + 4, c->out_len - 4, &sta->bss);
    } else {
        /* Not associated: an empty but well-formed record. */
        uint8_t empty[WL_BSS_INFO_FIXED_LEN] = { 0 };
        put_le32(empty + 0, WL_BSS_INFO_VERSION);
        put_le32(empty + 4, WL_BSS_INFO_FIXED_LEN);
        put_le16(empty + 116, WL_BSS_INFO_FIXED_LEN);
        const size_t room = c->out_len - 4;
        memcpy(c->out + 4, empty, room < sizeof empty ? room : sizeof empty);
    }
    return BCME_OK;
}

/* wsec_pmk_t: u16 key_len, u16 flags, u8 key[64].  A 64-character key is a hex PMK. */
static int set_wsec_pmk(bcm43362 *chip, const struct ioctl_call *c)
{
    struct wl_pmk *pmk = &chip->s.wl.pmk;
    if (c->in_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    const uint16_t key_len = get_le16(c->in);
    if (key_len > sizeof pmk->key || c->in_len - 4 < key_len || (key_len < 8 && key_len != 0)) {
        return BCME_BADARG;
    }
    pmk->len = key_len;
    pmk->flags = get_le16(c->in + 2);
    memset(pmk->key, 0, sizeof pmk->key);
    memcpy(pmk->key, c->in + 4, key_len);
    pmk->set = key_len != 0;
    return BCME_OK;
}

/* wlc_ssid_t{u32 len, ssid[32]}, optionally followed by wl_assoc_params_t (bssid@36). */
static int set_ssid(bcm43362 *chip, const struct ioctl_call *c)
{
    if (c->in_len < 4) {
        return BCME_BUFTOOSHORT;
    }
    const uint32_t ssid_len = get_le32(c->in);
    if (ssid_len > 32) {
        return BCME_BADSSIDLEN;
    }
    if (c->in_len < 4 + ssid_len) {
        return BCME_BUFTOOSHORT;
    }
    return wl_join(chip, c->in + 4, ssid_len, c->in_len >= 42 ? c->in + 36 : NULL);
}

static int get_ssid(bcm43362 *chip, const struct ioctl_call *c)
{
    const struct wl_station *sta = &chip->s.wl.sta;
    if (c->out_len < 36) {
        return BCME_BUFTOOSHORT;
    }
    if (sta->link_up) {
        const size_t len = strnlen(sta->bss.ssid, 32);
        put_le32(c->out, (uint32_t)len);
        memcpy(c->out + 4, sta->bss.ssid, len);
    }
    return BCME_OK;
}

/* channel_info_t: hw_channel, target_channel, scan_channel. */
static int get_channel(bcm43362 *chip, const struct ioctl_call *c)
{
    const struct wl_state *wl = &chip->s.wl;
    const uint32_t channel = wl->sta.link_up ? wl->sta.bss.channel : wl->channel;
    if (c->out_len < 12) {
        return BCME_BUFTOOSHORT;
    }
    put_le32(c->out, channel);
    put_le32(c->out + 4, channel);
    put_le32(c->out + 8, 0);
    return BCME_OK;
}

static int dispatch(bcm43362 *chip, const struct ioctl_call *c, bool *known)
{
    struct wl_state *wl = &chip->s.wl;
    int status = BCME_OK;
    *known = true;
    if (u32_setting(chip, c, &status)) {
        return status;
    }
    switch (c->cmd) {
    case WLC_GET_VAR: return handle_iovar(chip, c, false);
    case WLC_SET_VAR: return handle_iovar(chip, c, true);
    case WLC_GET_MAGIC: return put_u32(c, WLC_IOCTL_MAGIC);
    case WLC_GET_VERSION: return put_u32(c, WLC_IOCTL_VERSION);
    case WLC_UP: wl->up = true; return BCME_OK;
    case WLC_DOWN: wl_down(chip); return BCME_OK;
    case WLC_GET_UP: return put_u32(c, wl->up);
    case WLC_SET_SSID: return set_ssid(chip, c);
    case WLC_GET_SSID: return get_ssid(chip, c);
    case WLC_DISASSOC: wl_disassoc(chip); return BCME_OK;
    case WLC_SET_WSEC_PMK: return set_wsec_pmk(chip, c);
    case WLC_GET_BSS_INFO: return get_bss_info(chip, c);
    case WLC_GET_CHANNEL: return get_channel(chip, c);
    case WLC_SET_KEY: return BCME_OK;   /* WEP keys: accepted, no WEP networks modelled */
    case WLC_SET_CHANNEL:
        if (c->in_len < 4) {
            return BCME_BUFTOOSHORT;
        }
        if (get_le32(c->in) < 1 || get_le32(c->in) > 14) {
            return BCME_BADARG;
        }
        wl->channel = get_le32(c->in);
        return BCME_OK;
    case WLC_GET_BSSID:
        if (!wl->sta.link_up) {
            return BCME_NOTASSOCIATED;
        }
        if (c->out_len < 6) {
            return BCME_BUFTOOSHORT;
        }
        memcpy(c->out, wl->sta.bss.bssid, 6);
        return BCME_OK;
    case WLC_GET_RSSI: return put_u32(c, wl->sta.link_up ? (uint32_t)(int32_t)wl->sta.bss.rssi_dbm : 0);
    case WLC_GET_PHY_NOISE: return put_u32(c, (uint32_t)(int32_t)PHY_NOISE_DBM);
    case WLC_GET_RATE: return put_u32(c, wl->sta.link_up ? RATE_54MBPS : 0);
    case WLC_GET_BANDLIST:
        if (c->out_len < 8) {
            return BCME_BUFTOOSHORT;
        }
        put_le32(c->out, 1);
        put_le32(c->out + 4, WLC_BAND_2G);
        return BCME_OK;
    default:
        *known = false;
        return BCME_OK;                 /* zeros for a GET, the echo for a SET */
    }
}

void bcdc_handle_request(bcm43362 *chip, const uint8_t *cdc, size_t len)
{
    struct diagnostics *d = &chip->s.diag;
    if (len < CDC_HEADER_LEN) {
        d->stats.host_frames_bad++;
        return;
    }
    const uint32_t cmd = get_le32(cdc), declared = get_le32(cdc + 4), flags = get_le32(cdc + 8);
    const size_t present = len - CDC_HEADER_LEN;
    uint8_t response[CDC_HEADER_LEN + CDC_MAX_PAYLOAD];
    struct ioctl_call c = {
        .cmd = cmd,
        .in = cdc + CDC_HEADER_LEN,
        .in_len = declared < present ? declared : present,
        .out = response + CDC_HEADER_LEN,
        .out_len = declared < CDC_MAX_PAYLOAD ? declared : CDC_MAX_PAYLOAD,
    };
    memset(response, 0, CDC_HEADER_LEN + c.out_len);
    if (flags & CDCF_IOC_SET) {
        memcpy(c.out, c.in, c.in_len < c.out_len ? c.in_len : c.out_len);
    }

    d->stats.ioctls++;
    d->ioctl_counts[cmd < WLC_LAST ? cmd : WLC_LAST]++;
    bool known;
    const int status = dispatch(chip, &c, &known);
    if (!known) {
        const uint32_t slot = cmd < WLC_LAST ? cmd : WLC_LAST;
        d->stats.unknown_ioctls++;
        if (!(d->unknown_ioctl_logged[slot / 32] & (1u << (slot % 32)))) {
            d->unknown_ioctl_logged[slot / 32] |= 1u << (slot % 32);
            const char *name = bcm43362_ioctl_name(cmd);
            chip_log(chip, "bcm43362: ioctl %u%s%s (%s) not modelled: answered with status 0 and %s (logged once)",
                     cmd, name ? " " : "", name ? name : "", (flags & CDCF_IOC_SET) ? "SET" : "GET",
                     (flags & CDCF_IOC_SET) ? "its own payload" : "zeros");
        }
    }
    if (status != BCME_OK) {
        d->stats.ioctl_errors++;
    }

    put_le32(response + 0, cmd);
    put_le32(response + 4, (uint32_t)c.out_len);
    put_le32(response + 8, (flags & ~CDCF_IOC_ERROR) | (status != BCME_OK ? CDCF_IOC_ERROR : 0));
    put_le32(response + 12, (uint32_t)status);
    sdpcm_send(chip, SDPCM_CONTROL, response, CDC_HEADER_LEN + c.out_len);
}
