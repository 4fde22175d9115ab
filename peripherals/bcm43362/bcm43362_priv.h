/*
 * Internal state of the BCM43362 model and the functions its files share.
 *
 * All chip state lives in struct bcm43362_state, which holds no pointers: a snapshot is
 * a copy of it, and everything in it is re-validated on load (see *_sanitize()).
 */
#ifndef BCM43362_PRIV_H
#define BCM43362_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bcm43362.h"
#include "wl_defs.h"

#define MS_TO_NS(ms) ((uint64_t)(ms) * 1000000ull)

/* Snapshot loading: a bool is re-read as a byte so that a corrupt blob cannot leave an
 * invalid bool value behind. */
#define FIX_BOOL(field) do { unsigned char b_; memcpy(&b_, &(field), 1); (field) = b_ != 0; } while (0)

/* ---- Timing on the virtual clock (ns).  See the reference §1.10, §4.3, §4.4, §4.6. ---- */
/* HT clock available after the ARM is released: WWD polls it for 500 ms without asking. */
#define FW_HT_AVAIL_DELAY_NS MS_TO_NS(5)
/* F2 ready (CCCR IORDY bit 2) after the ARM release: ~20 ms after HT; WWD polls ≤ 1 s. */
#define FW_F2_READY_DELAY_NS MS_TO_NS(25)
/* Join event times after the WLC_SET_SSID request (firmware-like order). */
#define JOIN_AUTH_DELAY_NS MS_TO_NS(20)
#define JOIN_ASSOC_DELAY_NS MS_TO_NS(30)
#define JOIN_LINK_DELAY_NS MS_TO_NS(40)
#define JOIN_SET_SSID_DELAY_NS MS_TO_NS(45)
#define JOIN_KEYED_DELAY_NS MS_TO_NS(80)
/* A join that finds no usable BSS reports after one sweep of the band. */
#define JOIN_NOT_FOUND_DELAY_NS MS_TO_NS(400)
/* Default 4-way-handshake timeout (WWD sets bsscfg:sup_wpa_tmo = 2500 ms itself). */
#define SUP_WPA_TMO_DEFAULT_MS 2500u
/* Escan: first result, spacing between results, and the final status-0 event. */
#define SCAN_FIRST_RESULT_DELAY_NS MS_TO_NS(20)
#define SCAN_RESULT_INTERVAL_NS MS_TO_NS(20)
#define SCAN_DONE_DELAY_NS MS_TO_NS(20)
/* SoftAP (listening mode): LINK on ifidx 1 after SET "bss" up/down. */
#define SOFTAP_LINK_DELAY_NS MS_TO_NS(5)

/* ---- Memory map ---- */
#define BCM43362_RAM_SIZE 0x3C000u
#define NVRAM_TOKEN_ADDR (BCM43362_RAM_SIZE - 4)

/* ---- SDIO card (F0 CCCR/FBR, F1 window and misc registers) ---- */
struct sdio_card {
    uint16_t rca;
    bool selected;
    uint8_t ioen, inten, bictrl, speed;
    uint16_t block_size[3];             /* F0 (CCCR 0x10), F1 (FBR 0x110), F2 (FBR 0x210) */
    uint8_t sbaddr_low, sbaddr_mid, sbaddr_high;
    uint8_t clkcsr;                     /* control bits 0..5 as written */
    uint8_t pullup, watermark, devctl, gpio_sel, gpio_out, gpio_en, wakeupctrl, sleepcsr;
};

/* SDIO device core registers (backplane 0x18002000) and the two core wrappers WWD uses. */
struct sdio_core_regs {
    uint32_t intstatus, hostintmask, intmask, funcintmask;
    uint32_t tosbmailbox, tohostmailbox, tosbmailboxdata, tohostmailboxdata;
};

struct core_wrappers {
    uint32_t arm_ioctrl, arm_resetctrl, sram_ioctrl, sram_resetctrl;
    bool arm_runnable;                  /* out of reset, clock on, not halted */
};

struct firmware {
    bool running;
    uint64_t boot_ns;
    uint64_t ram_bytes_downloaded;      /* since power-on: the image the host wrote */
};

/* ---- SDPCM (F2) ---- */
#define SDPCM_HEADER_LEN 12
#define SDPCM_MAX_FRAME 1544            /* WICED_LINK_MTU: the host drops anything longer */
#define SDPCM_QUEUE_LEN 64
#define SDPCM_QUEUE_DATA_LIMIT 48       /* keep room for ioctl responses and events */
#define SDPCM_CREDIT_WINDOW 7           /* WWD ignores credit jumps above 7 */
#define SDPCM_DATA_DOFF 14              /* 2 pad bytes: 4-byte aligned IP headers */

enum sdpcm_channel { SDPCM_CONTROL = 0, SDPCM_EVENT = 1, SDPCM_DATA = 2 };

struct sdpcm_frame {
    uint16_t len;
    uint8_t bytes[SDPCM_MAX_FRAME];
};

struct sdpcm {
    uint8_t host_next_seq;              /* last host sequence + 1 (0 after reset) */
    uint8_t chip_tx_seq;
    uint8_t last_credit_sent;           /* first sequence the host may not use yet */
    uint8_t head, count;
    uint16_t read_offset;               /* bytes of the head frame already served */
    struct sdpcm_frame queue[SDPCM_QUEUE_LEN];
};

/* ---- Wi-Fi (wl) ---- */
struct wl_ap_slot {
    bool used;
    uint32_t generation;                /* changes on every add/update/remove */
    struct bcm43362_ap ap;
    bool pmk_cached;
    uint8_t pmk[32];
    /* The last host key checked against this AP and the answer: PBKDF2 costs 8192 SHA-1
     * blocks, and WWD retries a join with the same key several times. */
    bool verdict_cached;
    bool verdict;
    uint16_t verdict_key_len;
    uint8_t verdict_key[64];
};

/* One event as the firmware would report it (host-order fields, encoded by wl_events.c). */
#define WL_EVENT_SMALL_DATA 36
struct wl_event {
    uint32_t type, status, reason, auth_type;
    uint16_t flags;
    uint8_t ifidx, bsscfg;
    uint8_t addr[6];
    uint16_t datalen;
    uint8_t data[WL_EVENT_SMALL_DATA];
};

enum wl_action_kind { ACT_EVENT = 1, ACT_SCAN_RESULT, ACT_SCAN_DONE };
enum wl_action_owner { OWNER_JOIN = 1, OWNER_SCAN, OWNER_SOFTAP };
/* What a join event changes in the station when it is delivered. */
enum wl_effect { EFFECT_NONE = 0, EFFECT_LINK_UP, EFFECT_KEYED, EFFECT_JOIN_SUCCEEDED, EFFECT_JOIN_FAILED };

struct wl_action {
    bool used;
    uint8_t kind, owner, effect, ap_slot;
    uint32_t ap_generation;
    uint16_t sync_id;
    uint32_t order;                     /* FIFO among equal deadlines */
    uint64_t deadline;
    struct wl_event ev;
};
#define WL_MAX_ACTIONS 48

enum sta_state { STA_IDLE = 0, STA_JOINING, STA_ASSOCIATED };

struct wl_station {
    uint8_t state;                      /* enum sta_state */
    bool link_up;                       /* LINK up delivered */
    bool keyed;                         /* data path open */
    bool open_network;
    uint8_t ap_slot;
    uint32_t ap_generation;
    struct bcm43362_ap bss;             /* the AP as it was when joined */
};

struct wl_pmk {
    bool set;
    uint16_t len, flags;
    uint8_t key[64];
};

/* SET values of iovars the model has no behaviour for, so a later GET returns them. */
#define WL_IOVAR_NAME_MAX 32
#define WL_IOVAR_VALUE_MAX 64
#define WL_IOVAR_STORE_LEN 48
struct wl_iovar_value {
    char name[WL_IOVAR_NAME_MAX];       /* "" = free */
    uint8_t bsscfg;
    uint8_t len;
    uint8_t value[WL_IOVAR_VALUE_MAX];
};

#define WL_MAX_BSSCFG 4
#define WL_MCAST_MAX 32

struct wl_state {
    bool up;
    uint32_t infra, auth, wsec, wpa_auth, gmode, pm, txant, antdiv;
    uint32_t roam_trigger, roam_delta, roam_scan_period, dtim_period, channel;
    struct wl_pmk pmk;
    uint32_t sup_wpa_tmo_ms;
    uint8_t event_mask[WL_MAX_BSSCFG][WL_EVENTING_MASK_LEN];
    uint32_t mcast_count;
    uint8_t mcast[WL_MCAST_MAX][6];
    uint32_t allmulti;
    uint8_t mac[6];                     /* cur_etheraddr */
    struct wl_station sta;
    bool softap_up;
    bool scan_active;
    uint16_t scan_sync_id;
    uint32_t next_order;
    struct wl_action actions[WL_MAX_ACTIONS];
    struct wl_iovar_value store[WL_IOVAR_STORE_LEN];
};

/* ---- Diagnostics ---- */
#define DIAG_IOVAR_NAMES 64
#define DIAG_LOGGED_ADDRS 32
struct diag_iovar {
    char name[WL_IOVAR_NAME_MAX + 8];   /* room for "bsscfg:" */
    uint32_t gets, sets;
    bool unknown_logged;
};

struct diagnostics {
    struct bcm43362_stats stats;
    uint32_t ioctl_counts[WLC_LAST + 1];          /* [WLC_LAST] = any larger number */
    uint32_t unknown_ioctl_logged[(WLC_LAST + 1 + 31) / 32];
    struct diag_iovar iovars[DIAG_IOVAR_NAMES];
    uint32_t iovar_overflow;
    uint32_t logged_addrs[DIAG_LOGGED_ADDRS];
    uint32_t logged_addr_count;
    uint32_t logged_once_flags;                   /* enum log_once */
};

enum log_once {
    LOG_ONCE_CMD53_LENGTH = 1u << 0,
    LOG_ONCE_CCCR_RESET = 1u << 1,
    LOG_ONCE_F2_NOT_READY = 1u << 2,
    LOG_ONCE_BAD_CHANNEL = 1u << 3,
    LOG_ONCE_AP_DATA = 1u << 4,
    LOG_ONCE_QUEUE_FULL = 1u << 5,
    LOG_ONCE_CREDIT = 1u << 6,
    LOG_ONCE_TXGLOM = 1u << 7,
    LOG_ONCE_BAD_FRAME = 1u << 8,
};

/* ---- The chip ---- */
struct bcm43362_state {
    bool powered;
    struct sdio_card sdio;
    struct sdio_core_regs core;
    struct core_wrappers wrap;
    struct firmware fw;
    struct sdpcm sdpcm;
    struct wl_state wl;
    bool nvram_mac_valid;
    uint8_t nvram_mac[6];
    /* Kept across power cycles: the environment, the configuration, the RNG. */
    struct wl_ap_slot aps[BCM43362_MAX_APS];
    bool mac_override;
    uint8_t mac_config[6];
    uint64_t rng;
    struct diagnostics diag;
    uint8_t ram[BCM43362_RAM_SIZE];
};

struct bcm43362 {
    struct bcm43362_host_ops ops;
    void *opaque;
    bool reset_on_cmd0;
    uint64_t armed_deadline;            /* what set_timer() was last told */
    bool irq_reported;                  /* what set_irq() was last told */
    bool deadline_stale;                /* the actions changed since next_deadline */
    uint64_t next_deadline;             /* earliest pending action (chip_sync runs per command) */
    struct bcm43362_state s;
};

/* bcm43362.c: chip-wide services */
uint64_t chip_now(const bcm43362 *chip);
void chip_log(bcm43362 *chip, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool chip_log_once(bcm43362 *chip, enum log_once which);
void chip_unmodelled(bcm43362 *chip, const char *space, uint32_t addr, bool write, uint32_t value);
void chip_wrappers_changed(bcm43362 *chip);
bool chip_ht_available(const bcm43362 *chip);
bool chip_f2_ready(const bcm43362 *chip);
bool chip_irq_pending(const bcm43362 *chip);
void chip_reset_everything(bcm43362 *chip);
uint64_t chip_random(bcm43362 *chip);
void chip_current_mac(const bcm43362 *chip, uint8_t mac[6]);
void chip_configured_mac(const bcm43362 *chip, uint8_t mac[6]);

/* sdio_card.c: SDIO commands and the F0/F1 register spaces */
void sdio_card_reset(struct sdio_card *card);
void sdio_core_reset(bcm43362 *chip);
enum bcm43362_sdio_result sdio_card_command(bcm43362 *chip, unsigned cmd, uint32_t arg, uint32_t *resp);
size_t sdio_card_cmd53_length(const bcm43362 *chip, uint32_t arg);
void sdio_card_cmd53_write(bcm43362 *chip, uint32_t arg, const uint8_t *data, size_t len);
void sdio_card_cmd53_read(bcm43362 *chip, uint32_t arg, uint8_t *buf, size_t len);
void sdio_card_sanitize(struct sdio_card *card);

/* sdpcm.c: framing, credits and the chip → host queue */
void sdpcm_reset(struct sdpcm *sdpcm);
void sdpcm_host_write(bcm43362 *chip, const uint8_t *data, size_t len);
void sdpcm_host_read(bcm43362 *chip, uint8_t *buf, size_t len);
void sdpcm_abort_read(bcm43362 *chip);
void sdpcm_poke(bcm43362 *chip);
bool sdpcm_send(bcm43362 *chip, enum sdpcm_channel channel, const uint8_t *body, size_t len);
void sdpcm_sanitize(struct sdpcm *sdpcm);

/* bcdc_ioctl.c: the control channel */
void bcdc_handle_request(bcm43362 *chip, const uint8_t *cdc, size_t len);

/* wl_events.c: event frames */
size_t wl_event_encode(uint8_t *out, size_t cap, const uint8_t sta_mac[6], const struct wl_event *ev,
                       const uint8_t *data, size_t datalen);
bool wl_event_send(bcm43362 *chip, const struct wl_event *ev, const uint8_t *data, size_t datalen);

/* bss_info.c: wl_bss_info_t records */
size_t bss_info_encode(uint8_t *out, size_t cap, const struct bcm43362_ap *ap);

/* wifi_radio.c: the Wi-Fi state machine, virtual APs, scan and data path */
void wl_reset(bcm43362 *chip);
int wl_join(bcm43362 *chip, const uint8_t *ssid, size_t ssid_len, const uint8_t *bssid_or_null);
void wl_disassoc(bcm43362 *chip);
void wl_down(bcm43362 *chip);
int wl_escan(bcm43362 *chip, const uint8_t *params, size_t len);
void wl_softap_set(bcm43362 *chip, bool up);
void wl_timer_fire(bcm43362 *chip, uint64_t now);
uint64_t wl_next_deadline(bcm43362 *chip);
void wl_data_from_host(bcm43362 *chip, unsigned ifidx, const uint8_t *frame, size_t len);
bool wl_data_from_network(bcm43362 *chip, const uint8_t *frame, size_t len);
bool wl_ap_add(bcm43362 *chip, const struct bcm43362_ap *ap);
bool wl_ap_update(bcm43362 *chip, const struct bcm43362_ap *ap);
bool wl_ap_remove(bcm43362 *chip, const uint8_t bssid[6]);
void wl_sanitize(bcm43362 *chip);
bool wl_ap_valid(const struct bcm43362_ap *ap);

/* wpa_psk.c: does the host's key open this AP? */
bool wpa_psk_matches(struct wl_ap_slot *slot, const struct wl_pmk *pmk);

/* nvram.c: the NVRAM image at the top of RAM */
bool nvram_locate(const uint8_t *ram, uint32_t *start, uint32_t *len, uint32_t *token);
bool nvram_find_macaddr(const uint8_t *ram, uint32_t start, uint32_t len, uint8_t mac[6]);

/* bcdc_ioctl.c: diagnostics of the control channel */
void diag_count_iovar(bcm43362 *chip, const char *name, bool set, bool known);

#endif
