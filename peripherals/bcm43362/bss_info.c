/*
 * wl_bss_info_t (version 109, 128 fixed bytes, little-endian, natural alignment) plus the
 * information elements a beacon of the AP would carry.  Layout: reference §3.4; the
 * fields WWD's scan handler consumes: §4.6.
 */
#include <string.h>

#include "bcm43362_priv.h"
#include "bytes.h"

#define PHY_NOISE_DBM (-90)
#define BEACON_PERIOD_TU 100
#define CAP_ESS 0x0001
#define CAP_PRIVACY 0x0010
#define CAP_SHORT_PREAMBLE 0x0020
#define CAP_SHORT_SLOT 0x0400

enum { IE_SSID = 0, IE_RATES = 1, IE_DS_PARAMS = 3, IE_HT_CAPS = 45, IE_RSN = 48, IE_EXT_RATES = 50 };

/* 802.11b/g rates in 500 kb/s units; 0x80 marks the basic (mandatory) ones. */
static const uint8_t rates[12] = { 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24, 0x30, 0x48, 0x60, 0x6c };

/* RSN: version 1, group CCMP, 1 pairwise CCMP, 1 AKM PSK, capabilities 0. */
static const uint8_t rsn_wpa2_psk_ccmp[20] = {
    0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04,
    0x01, 0x00, 0x00, 0x0f, 0xac, 0x02, 0x00, 0x00,
};

static size_t put_ie(uint8_t *p, uint8_t id, const void *body, uint8_t len)
{
    p[0] = id;
    p[1] = len;
    memcpy(p + 2, body, len);
    return 2u + len;
}

static size_t encode_ies(uint8_t *p, const struct bcm43362_ap *ap)
{
    size_t n = 0;
    const uint8_t ssid_len = (uint8_t)strnlen(ap->ssid, 32);
    /* HT capabilities: SM power save off, short GI 20 MHz; 64 KB A-MPDU; MCS 0-7. */
    uint8_t ht[26] = { 0x2c, 0x00, 0x03, 0xff };
    ht[3 + 12] = 0x01;                              /* Tx MCS set defined */

    n += put_ie(p + n, IE_SSID, ap->ssid, ssid_len);
    n += put_ie(p + n, IE_RATES, rates, 8);
    n += put_ie(p + n, IE_DS_PARAMS, &ap->channel, 1);
    n += put_ie(p + n, IE_EXT_RATES, rates + 8, 4);
    if (ap->security == BCM43362_SECURITY_WPA2_PSK) {
        n += put_ie(p + n, IE_RSN, rsn_wpa2_psk_ccmp, sizeof rsn_wpa2_psk_ccmp);
    }
    n += put_ie(p + n, IE_HT_CAPS, ht, sizeof ht);
    return n;
}

size_t bss_info_encode(uint8_t *out, size_t cap, const struct bcm43362_ap *ap)
{
    uint8_t rec[WL_BSS_INFO_FIXED_LEN + 160];
    memset(rec, 0, sizeof rec);
    const size_t ie_len = encode_ies(rec + WL_BSS_INFO_FIXED_LEN, ap);
    const size_t total = WL_BSS_INFO_FIXED_LEN + ie_len;
    const uint8_t ssid_len = (uint8_t)strnlen(ap->ssid, 32);
    uint16_t capability = CAP_ESS | CAP_SHORT_PREAMBLE | CAP_SHORT_SLOT;
    if (ap->security != BCM43362_SECURITY_OPEN) {
        capability |= CAP_PRIVACY;
    }

    put_le32(rec + 0, WL_BSS_INFO_VERSION);
    put_le32(rec + 4, (uint32_t)total);
    memcpy(rec + 8, ap->bssid, 6);
    put_le16(rec + 14, BEACON_PERIOD_TU);
    put_le16(rec + 16, capability);
    rec[18] = ssid_len;
    memcpy(rec + 19, ap->ssid, ssid_len);
    put_le32(rec + 52, sizeof rates);
    memcpy(rec + 56, rates, sizeof rates);
    put_le16(rec + 72, WL_CHANSPEC_2G_20(ap->channel));
    put_le16(rec + 74, 0);                          /* ATIM window */
    rec[76] = 1;                                    /* DTIM period */
    put_le16(rec + 78, (uint16_t)(int16_t)ap->rssi_dbm);
    rec[80] = (uint8_t)(int8_t)PHY_NOISE_DBM;
    rec[81] = 1;                                    /* 802.11n capable */
    put_le32(rec + 84, 0);                          /* nbss_cap */
    rec[88] = ap->channel;                          /* control channel */
    put_le16(rec + 116, WL_BSS_INFO_FIXED_LEN);     /* ie_offset */
    put_le32(rec + 120, (uint32_t)ie_len);
    put_le16(rec + 124, (uint16_t)(int16_t)(ap->rssi_dbm - PHY_NOISE_DBM));

    memcpy(out, rec, total < cap ? total : cap);
    return total;
}
