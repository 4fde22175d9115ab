/*
 * Asynchronous event frames (SDPCM channel 1).  Body after the SDPCM header:
 *   BDC (4) | Ethernet dst, src, type 0x886C (14) | bcmeth: subtype 0x8001, length,
 *   version 0, OUI 00:10:18, usr_subtype 1 (10) | wl_event_msg, big-endian (48) | data
 * Reference §4.1 (with the byte-exact WLC_E_LINK example in §2.6).
 */
#include <string.h>

#include "bcm43362_priv.h"
#include "bytes.h"

#define BDC_FLAGS_VERSION_2 0x20
#define ETHERTYPE_BRCM 0x886C
#define BCMETH_SUBTYPE_EVENT 0x8001
#define BCMETH_USR_SUBTYPE_EVENT 0x0001
#define WL_EVENT_MSG_VERSION 2
#define WL_EVENT_MSG_LEN 48
#define EVENT_HEADERS_LEN (4 + 14 + 10 + WL_EVENT_MSG_LEN)
/* bcmeth "length" counts from itself to the end of the data: 2 + 1 + 3 + 2 + 48 + datalen. */
#define BCMETH_LENGTH_BASE (8 + WL_EVENT_MSG_LEN)

size_t wl_event_encode(uint8_t *out, size_t cap, const uint8_t sta_mac[6], const struct wl_event *ev,
                       const uint8_t *data, size_t datalen)
{
    const size_t total = EVENT_HEADERS_LEN + datalen;
    if (cap < total || datalen > 0xFFFF - BCMETH_LENGTH_BASE) {
        return 0;
    }
    memset(out, 0, EVENT_HEADERS_LEN);
    uint8_t *p = out;
    p[0] = BDC_FLAGS_VERSION_2;
    p[2] = ev->ifidx & 0x0F;                        /* BDC interface index */
    p += 4;
    memcpy(p, sta_mac, 6);
    memcpy(p + 6, sta_mac, 6);
    put_be16(p + 12, ETHERTYPE_BRCM);
    p += 14;
    put_be16(p, BCMETH_SUBTYPE_EVENT);
    put_be16(p + 2, (uint16_t)(BCMETH_LENGTH_BASE + datalen));
    p[4] = 0;
    p[5] = 0x00; p[6] = 0x10; p[7] = 0x18;          /* Broadcom OUI */
    put_be16(p + 8, BCMETH_USR_SUBTYPE_EVENT);
    p += 10;
    put_be16(p + 0, WL_EVENT_MSG_VERSION);
    put_be16(p + 2, ev->flags);
    put_be32(p + 4, ev->type);
    put_be32(p + 8, ev->status);
    put_be32(p + 12, ev->reason);
    put_be32(p + 16, ev->auth_type);
    put_be32(p + 20, (uint32_t)datalen);
    memcpy(p + 24, ev->addr, 6);
    memcpy(p + 30, ev->ifidx == 0 ? "wl0" : "wl0.1", ev->ifidx == 0 ? 3 : 5);
    p[46] = ev->ifidx;
    p[47] = ev->bsscfg;
    if (datalen) {
        memcpy(p + WL_EVENT_MSG_LEN, data, datalen);
    }
    return total;
}

bool wl_event_send(bcm43362 *chip, const struct wl_event *ev, const uint8_t *data, size_t datalen)
{
    uint8_t body[SDPCM_MAX_FRAME];
    const size_t len = wl_event_encode(body, sizeof body - SDPCM_HEADER_LEN, chip->s.wl.mac, ev, data, datalen);
    if (len == 0 || !sdpcm_send(chip, SDPCM_EVENT, body, len)) {
        return false;
    }
    chip->s.diag.stats.events++;
    return true;
}
