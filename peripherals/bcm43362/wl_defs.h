/*
 * Numbers of the dongle protocol as WWD (WICED 3.7.0, Device OS 2.2.0) uses them:
 * ioctl commands, BCME status codes, event numbers and statuses, security bits.
 * Values from the reference (shared/reference/bcm43362.md §3, §4).
 */
#ifndef BCM43362_WL_DEFS_H
#define BCM43362_WL_DEFS_H

/* ioctl commands (CDC "cmd"). */
enum {
    WLC_GET_MAGIC = 0,
    WLC_GET_VERSION = 1,
    WLC_UP = 2,
    WLC_DOWN = 3,
    WLC_GET_RATE = 12,
    WLC_GET_INFRA = 19,
    WLC_SET_INFRA = 20,
    WLC_GET_AUTH = 21,
    WLC_SET_AUTH = 22,
    WLC_GET_BSSID = 23,
    WLC_GET_SSID = 25,
    WLC_SET_SSID = 26,
    WLC_GET_CHANNEL = 29,
    WLC_SET_CHANNEL = 30,
    WLC_SET_KEY = 45,
    WLC_SCAN = 50,
    WLC_DISASSOC = 52,
    WLC_GET_ROAM_TRIGGER = 54,
    WLC_SET_ROAM_TRIGGER = 55,
    WLC_GET_ROAM_DELTA = 56,
    WLC_SET_ROAM_DELTA = 57,
    WLC_GET_ROAM_SCAN_PERIOD = 58,
    WLC_SET_ROAM_SCAN_PERIOD = 59,
    WLC_GET_TXANT = 61,
    WLC_SET_TXANT = 62,
    WLC_GET_ANTDIV = 63,
    WLC_SET_ANTDIV = 64,
    WLC_GET_DTIMPRD = 77,
    WLC_SET_DTIMPRD = 78,
    WLC_GET_PM = 85,
    WLC_SET_PM = 86,
    WLC_GET_GMODE = 109,
    WLC_SET_GMODE = 110,
    WLC_GET_AP = 117,
    WLC_SET_AP = 118,
    WLC_GET_RSSI = 127,
    WLC_GET_WSEC = 133,
    WLC_SET_WSEC = 134,
    WLC_GET_PHY_NOISE = 135,
    WLC_GET_BSS_INFO = 136,
    WLC_GET_BANDLIST = 140,
    WLC_GET_UP = 162,
    WLC_GET_WPA_AUTH = 164,
    WLC_SET_WPA_AUTH = 165,
    WLC_GET_VAR = 262,
    WLC_SET_VAR = 263,
    WLC_SET_WSEC_PMK = 268,
    WLC_LAST = 320,
};

/* BCME status codes carried (negative) in the CDC status field; WWD reports 2000 - status. */
enum {
    BCME_OK = 0,
    BCME_BADARG = -2,
    BCME_NOTUP = -4,
    BCME_BUFTOOSHORT = -14,
    BCME_BUFTOOLONG = -15,
    BCME_NOTASSOCIATED = -17,
    BCME_BADSSIDLEN = -18,
    BCME_BADLEN = -24,
};

/* Event numbers (wl_event_msg.event_type). */
enum {
    WLC_E_SET_SSID = 0,
    WLC_E_AUTH = 3,
    WLC_E_DEAUTH_IND = 6,
    WLC_E_ASSOC = 7,
    WLC_E_DISASSOC = 11,
    WLC_E_DISASSOC_IND = 12,
    WLC_E_LINK = 16,
    WLC_E_PRUNE = 23,
    WLC_E_PSK_SUP = 46,
    WLC_E_ESCAN_RESULT = 69,
};

/* Raw event statuses/reasons on the wire (WWD adds its own offsets on receipt). */
enum {
    WLC_E_STATUS_SUCCESS = 0,
    WLC_E_STATUS_FAIL = 1,
    WLC_E_STATUS_NO_NETWORKS = 3,
    WLC_E_STATUS_ABORT = 4,
    WLC_E_STATUS_PARTIAL = 8,
    WLC_E_STATUS_NEWASSOC = 10,
    WLC_SUP_KEYED = 6,
    WLC_SUP_KEYXCHANGE_WAIT_M3 = 8,
    WLC_E_SUP_WPA_PSK_TMO = 15,
    WLC_E_PRUNE_ENCR_MISMATCH = 1,
    WLC_E_LINK_DISASSOC = 2,
    DOT11_RC_DEAUTH_LEAVING = 3,        /* 802.11 reason: "sending STA is leaving" */
};

#define WLC_EVENT_MSG_LINK 0x0001       /* wl_event_msg.flags: link is up */
#define WL_EVENTING_MASK_LEN 18

/* Security settings (WLC_SET_WSEC / WLC_SET_WPA_AUTH values). */
#define WSEC_TKIP_ENABLED 0x2
#define WSEC_AES_ENABLED 0x4
#define WSEC_CIPHER_MASK 0x7
#define WPA_AUTH_PSK 0x0004
#define WPA2_AUTH_UNSPECIFIED 0x0040
#define WPA2_AUTH_PSK 0x0080
#define WSEC_PASSPHRASE 0x1             /* wsec_pmk_t.flags */

/* Old-format (43362) chanspec: channel | 2.4 GHz | 20 MHz | no sideband. */
#define WL_CHANSPEC_2G_20(ch) ((uint16_t)(0x2000 | 0x0800 | 0x0300 | (ch)))

#define WL_BSS_INFO_VERSION 109
#define WL_BSS_INFO_FIXED_LEN 128
#define WL_ESCAN_FIXED_LEN 12
#define WL_ESCAN_ACTION_START 1
#define WL_ESCAN_ACTION_ABORT 3

#define WLC_IOCTL_MAGIC 0x14e46c77
#define WLC_IOCTL_VERSION 1

#endif
