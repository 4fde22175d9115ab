/*
 * BCM43362 Wi-Fi card (Particle Photon) — behavioural model, plain C, no QEMU headers.
 *
 * The model answers the WICED WWD driver of Device OS exactly as the real chip plus its
 * firmware would (see shared/reference/bcm43362.md): SDIO enumeration, CCCR/FBR, the F1
 * backplane window and SDIO-core registers, firmware/NVRAM download into RAM, SDPCM
 * framing with credits on F2, the CDC/BCDC ioctl/iovar protocol, asynchronous events,
 * join/scan/link-loss state machines against a configurable set of virtual access
 * points, and an Ethernet bridge to the simulated network.  No Broadcom firmware runs.
 *
 * Threading and re-entrancy: a chip is used from one thread.  Callbacks must not call
 * back into the chip, with one exception: eth_to_network() may call
 * bcm43362_eth_from_network() (slirp answers some frames synchronously).
 *
 * Time: everything runs on the caller's virtual clock (now_ns).  The chip asks for one
 * wake-up at a time through set_timer(); the caller then calls bcm43362_timer_expired().
 *
 * Wrapping it in QEMU (the STM32 SDIO host model owns the bus):
 *   - WL_REG_ON (PC1) → bcm43362_set_power().
 *   - Each command → bcm43362_sdio_command(); CTIMEOUT when it returns TIMEOUT, else RESP1.
 *   - CMD53: after the command, move bcm43362_cmd53_length(arg) bytes with
 *     bcm43362_cmd53_write()/bcm43362_cmd53_read() (WWD arms DPSM+DMA for exactly that).
 *   - set_irq: latch SDIO_STA.SDIOIT on the rising edge only.
 *   - set_timer/timer_expired: one QEMU_CLOCK_VIRTUAL timer.
 *   - eth_to_network/bcm43362_eth_from_network: the slirp bridge.
 *   - VMState: a VBUFFER of bcm43362_snapshot_size() filled by bcm43362_snapshot_save() in
 *     pre_save and applied with bcm43362_snapshot_load() in post_load.
 */
#ifndef BCM43362_H
#define BCM43362_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bcm43362 bcm43362;

struct bcm43362_host_ops {
    /* Current virtual time in nanoseconds (required). */
    uint64_t (*now_ns)(void *opaque);
    /* Arm the single wake-up; UINT64_MAX cancels it.  Called only when the deadline changes. */
    void (*set_timer)(void *opaque, uint64_t deadline_ns);
    /* Level of the card interrupt (SDIO DAT1): (intstatus & hostintmask) != 0 gated by CCCR
     * INTEN master + F2.  Called only on level changes; the SDIO host model should latch
     * SDIOIT on the rising edge (a level re-trigger would storm WWD's ISR). */
    void (*set_irq)(void *opaque, bool level);
    /* An Ethernet II frame (no FCS) the associated station sends to the network. */
    void (*eth_to_network)(void *opaque, const uint8_t *frame, size_t len);
    /* One human-readable line (no trailing newline); optional. */
    void (*log)(void *opaque, const char *msg);
};

struct bcm43362_config {
    uint64_t seed;            /* seeds GET_VAR "rand"; same seed, same bytes */
    bool mac_override;        /* true: use mac[] instead of the NVRAM "macaddr=" */
    uint8_t mac[6];
    bool reset_on_cmd0;       /* fallback for boards that cannot drive WL_REG_ON: treat CMD0
                                 as a full chip reset (every WWD init starts with CMD0) */
};

/* Default MAC when neither the config nor the downloaded NVRAM gives one. */
#define BCM43362_DEFAULT_MAC { 0x02, 0x0a, 0xf7, 0xe0, 0xae, 0xce }

enum bcm43362_sdio_result {
    BCM43362_SDIO_OK,         /* *resp holds the 32-bit short response (RESP1) */
    BCM43362_SDIO_TIMEOUT,    /* no response (CMD0, powered off, unknown command, wrong RCA) */
};

/* cfg may be NULL (defaults: seed 0, MAC from NVRAM, no CMD0 reset).  The chip starts
 * powered off (WL_REG_ON low). */
bcm43362 *bcm43362_create(const struct bcm43362_host_ops *ops, void *opaque,
                          const struct bcm43362_config *cfg);
void bcm43362_destroy(bcm43362 *chip);

/* WL_REG_ON (Photon PC1).  Off holds the chip in reset and clears all chip state (the
 * access points and the configured MAC are the environment and are kept). */
void bcm43362_set_power(bcm43362 *chip, bool on);
bool bcm43362_is_powered(const bcm43362 *chip);

/* One SD command.  CMD0 → timeout (no response); CMD5 → R4; CMD3 → R6 with the RCA;
 * CMD7 → R1b; CMD52 → R5 = 0x1000 | data (performs the access); CMD53 → R5 = 0x1000
 * (validates only: the data phase is bcm43362_cmd53_write/read with the same argument).
 * R5 carries FUNCTION_NUMBER (0x200) / OUT_OF_RANGE (0x100) for bad arguments. */
enum bcm43362_sdio_result bcm43362_sdio_command(bcm43362 *chip, unsigned cmd, uint32_t arg,
                                                uint32_t *resp);

/* Number of data bytes a CMD53 argument encodes: byte mode count (0 means 512), block
 * mode count × the function's block size (FBR).  0 = invalid (block count 0, block size
 * 0 or > 2048, function > 2). */
size_t bcm43362_cmd53_length(const bcm43362 *chip, uint32_t arg);

/* CMD53 data phase; len should be bcm43362_cmd53_length(arg) (the chip never reads or
 * writes outside data[0..len)).  F2 writes are one SDPCM frame each (trailing padding is
 * ignored); F2 reads serve queued frames and pad with zeros, never into the next frame. */
void bcm43362_cmd53_write(bcm43362 *chip, uint32_t arg, const uint8_t *data, size_t len);
void bcm43362_cmd53_read(bcm43362 *chip, uint32_t arg, uint8_t *buf, size_t len);

/* The deadline from set_timer() has passed. */
void bcm43362_timer_expired(bcm43362 *chip, uint64_t now_ns);

/* An Ethernet II frame from the network for this station.  Delivered to the host only
 * when associated (and keyed, for WPA2) and addressed to us (unicast to our MAC,
 * broadcast, or a multicast group in mcast_list / allmulti).  Returns true if queued. */
bool bcm43362_eth_from_network(bcm43362 *chip, const uint8_t *frame, size_t len);

/* ---- The radio environment: virtual access points, keyed by BSSID ---- */

enum bcm43362_security {
    BCM43362_SECURITY_OPEN,
    BCM43362_SECURITY_WPA2_PSK,   /* WPA2-PSK, CCMP */
};

struct bcm43362_ap {
    char ssid[33];                /* NUL-terminated, 1..32 bytes */
    uint8_t bssid[6];
    uint8_t channel;              /* 1..14 */
    int8_t rssi_dbm;              /* e.g. -45 */
    enum bcm43362_security security;
    char passphrase[65];          /* WPA2: 8..63 characters, or 64 hex digits (the PMK) */
};

#define BCM43362_MAX_APS 16

/* Add (false if the BSSID exists, the table is full or the entry is invalid). */
bool bcm43362_ap_add(bcm43362 *chip, const struct bcm43362_ap *ap);
/* Replace the AP with ap->bssid.  An RSSI-only change keeps a station associated; any
 * other change drops it (DEAUTH_IND + LINK down), as an AP reconfiguration does. */
bool bcm43362_ap_update(bcm43362 *chip, const struct bcm43362_ap *ap);
/* The AP vanishes: a station joined to it gets DEAUTH_IND + LINK down; a join in
 * progress fails (SET_SSID status FAIL).  Add it again to make it return. */
bool bcm43362_ap_remove(bcm43362 *chip, const uint8_t bssid[6]);
size_t bcm43362_ap_count(const bcm43362 *chip);

/* MAC address: set_mac overrides the NVRAM one from now on (also across power cycles). */
void bcm43362_set_mac(bcm43362 *chip, const uint8_t mac[6]);
void bcm43362_get_mac(const bcm43362 *chip, uint8_t mac[6]);

/* ---- Observation ---- */

struct bcm43362_status {
    bool powered;
    bool firmware_running;        /* ARM released after the download */
    bool f2_ready;                /* CCCR IORDY bit 2 */
    bool irq_level;
    bool wl_up;                   /* WLC_UP */
    bool sta_associated;          /* LINK up sent to the host */
    bool sta_keyed;               /* data path open (keyed, or open network) */
    bool softap_up;
    uint8_t bssid[6];             /* of the associated AP */
    char ssid[33];
    uint8_t mac[6];               /* cur_etheraddr */
    unsigned frames_queued;       /* chip → host frames not yet read */
};

struct bcm43362_stats {
    uint64_t cmd52, cmd53_reads, cmd53_writes, sdio_errors;
    uint64_t ram_bytes_written;
    uint64_t unmodelled_accesses;  /* byte accesses to registers the model does not implement */
    uint32_t boots, nvram_token_errors;
    uint64_t host_frames, host_frames_bad, credit_violations, pokes, f2_aborts;
    uint64_t chip_frames, credit_frames, frames_dropped_queue_full;
    uint64_t ioctls, ioctl_errors, unknown_ioctls;
    uint64_t events;
    uint64_t joins, joins_ok, joins_failed, link_losses;
    uint64_t scans, scan_results;
    uint64_t eth_to_network, eth_to_host, eth_dropped_to_network, eth_dropped_to_host;
};

void bcm43362_get_status(const bcm43362 *chip, struct bcm43362_status *out);
void bcm43362_get_stats(const bcm43362 *chip, struct bcm43362_stats *out);
/* Counters plus every ioctl seen (by name) and every iovar seen (GET/SET counts),
 * one line per call of line(). */
void bcm43362_dump(const bcm43362 *chip, void (*line)(void *ctx, const char *text), void *ctx);
/* "WLC_SET_SSID" etc.; NULL if the number is not one the model knows by name. */
const char *bcm43362_ioctl_name(uint32_t cmd);

/* ---- Snapshots (VMState): an opaque blob for the same build of this file ---- */
size_t bcm43362_snapshot_size(void);
bool bcm43362_snapshot_save(const bcm43362 *chip, void *buf, size_t len);
/* Validates and sanitises the blob (it may come from a file); re-arms the timer and
 * re-reports the interrupt level.  False (chip unchanged) if the blob does not fit. */
bool bcm43362_snapshot_load(bcm43362 *chip, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* BCM43362_H */
