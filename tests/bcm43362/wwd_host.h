/*
 * A test double of the host side: the STM32 SDIO host plus the WICED WWD driver, doing
 * exactly what shared/reference/bcm43362.md says WWD does on the wire (command
 * arguments, CMD53 byte/block sizing with padding, the backplane window cache, the
 * bring-up sequence, SDPCM sequence numbers and WWD's credit-acceptance rule, the
 * interrupt-driven F2 read loop) on a virtual clock.
 */
#ifndef WWD_HOST_H
#define WWD_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bcm43362.h"

#define HOST_MAX_FRAME 2048
#define HOST_RX_FRAMES 512
#define HOST_NET_FRAMES 64
#define HOST_LOG_LINES 256

struct rx_frame {
    uint8_t data[HOST_MAX_FRAME];
    size_t len;
    uint64_t t_ns;
};

struct wwd_host {
    bcm43362 *chip;
    uint64_t now_ns;
    uint64_t timer_ns;                  /* UINT64_MAX: none armed */
    bool irq_level;
    bool irq_latched;                   /* SDIOIT: set on a rising edge */
    unsigned irq_rising_edges;
    unsigned set_irq_calls;
    bool auto_service;                  /* read F2 whenever an interrupt is latched */

    /* WWD driver state */
    uint32_t window;                    /* backplane window cache, starts at 0 */
    uint8_t tx_seq;
    uint8_t last_credit;                /* starts at 1 */
    unsigned credit_updates_ignored;    /* jumps > 7: WWD would ignore them */
    uint16_t ioctl_id;
    bool wlan_up;                       /* WWD reads 12-byte frames specially once up */

    /* everything received on F2 except pure credit frames, in order */
    struct rx_frame *rx;
    unsigned rx_count;
    unsigned credit_frames;

    /* the network side */
    struct rx_frame *net;
    unsigned net_count;
    bool echo_network_to_host;          /* re-entrancy: answer every frame at once */

    char (*log)[320];
    unsigned log_count;
};

struct wwd_host *host_new(const struct bcm43362_config *cfg);
void host_free(struct wwd_host *h);

/* Virtual time: fires the chip's timer on the way and services interrupts. */
void host_advance_ms(struct wwd_host *h, uint64_t ms);
void host_advance_ns(struct wwd_host *h, uint64_t ns);

/* SDIO primitives as WWD issues them. */
uint8_t host_cmd52(struct wwd_host *h, bool write, unsigned fn, uint32_t addr, uint8_t value);
uint32_t host_cmd53_arg(bool write, unsigned fn, uint32_t addr, size_t size, size_t *wire_len);
/* WWD's wwd_bus_sdio_transfer: size 1 = CMD52, else CMD53 with WWD's sizing.  Reads fill
 * buf[0..size); the raw wire bytes (with padding) go to wire if not NULL. */
void host_transfer(struct wwd_host *h, bool write, unsigned fn, uint32_t addr, uint8_t *buf, size_t size,
                   uint8_t *wire);
void host_set_window(struct wwd_host *h, uint32_t addr);
uint32_t host_bp_read(struct wwd_host *h, uint32_t addr, unsigned width);
void host_bp_write(struct wwd_host *h, uint32_t addr, unsigned width, uint32_t value);

/* The whole §1.8 bring-up; nvram NULL = a Photon-like image with macaddr=02:0A:F7:e0:ae:ce. */
void host_power_on_and_download(struct wwd_host *h, const uint8_t *nvram, size_t nvram_len);
void host_bringup(struct wwd_host *h, const uint8_t *nvram, size_t nvram_len);
/* Bring-up plus WWD's first ioctls (bus:txglom, WLC_UP, ...), as wwd_management_wifi_on. */
void host_wifi_on(struct wwd_host *h);
extern const uint8_t test_nvram[961];

/* SDPCM */
void host_send_frame(struct wwd_host *h, unsigned channel, const uint8_t *body, size_t body_len);
/* One WWD receive: tag read, then the rest; returns the frame length (0 = nothing). */
size_t host_read_frame(struct wwd_host *h, uint8_t *frame);
/* The WWD thread's reaction to an interrupt: intstatus read + W1C, then frames until empty. */
void host_service(struct wwd_host *h);
void host_poke(struct wwd_host *h);

/* CDC ioctls (the response is taken out of the rx list; events stay). */
struct ioctl_result {
    int32_t status;
    uint32_t flags;
    uint32_t cmd;
    uint32_t len;
    uint8_t payload[HOST_MAX_FRAME];
    size_t payload_len;
};
int32_t host_ioctl(struct wwd_host *h, uint32_t cmd, bool set, unsigned ifidx, const void *payload, size_t len,
                   struct ioctl_result *r);
int32_t host_set_u32(struct wwd_host *h, uint32_t cmd, uint32_t value);
int32_t host_get_u32(struct wwd_host *h, uint32_t cmd, uint32_t *value);
int32_t host_iovar_set(struct wwd_host *h, const char *name, const void *value, size_t len);
int32_t host_iovar_get(struct wwd_host *h, const char *name, const void *args, size_t args_len, size_t out_len,
                       struct ioctl_result *r);
int32_t host_bsscfg_set_u32(struct wwd_host *h, const char *name, uint32_t bsscfg, uint32_t value);

/* Device OS's WPA2-AES join (reference §3.3 B); returns the SET_SSID status. */
int32_t host_join_wpa2(struct wwd_host *h, const char *ssid, const char *passphrase);
int32_t host_join_open(struct wwd_host *h, const char *ssid);

/* Parsed view of an event frame (big-endian header decoded). */
struct event_view {
    uint32_t type, status, reason, auth_type, datalen;
    uint16_t flags;
    uint8_t addr[6];
    uint8_t ifidx, bsscfg;
    const uint8_t *data;
    uint64_t t_ns;
};
/* The n-th event frame in rx (channel 1), or false. */
bool host_event(const struct wwd_host *h, unsigned n, struct event_view *ev);
unsigned host_event_count(const struct wwd_host *h);
bool host_find_event(const struct wwd_host *h, uint32_t type, struct event_view *ev);
void host_clear_rx(struct wwd_host *h);
bool host_log_contains(const struct wwd_host *h, const char *needle);
unsigned host_log_count_containing(const struct wwd_host *h, const char *needle);

void host_add_ap(struct wwd_host *h, const char *ssid, const uint8_t bssid[6], uint8_t channel, int8_t rssi,
                 enum bcm43362_security sec, const char *passphrase);

uint16_t test_le16(const uint8_t *p);
uint32_t test_le32(const uint8_t *p);
uint32_t test_be32(const uint8_t *p);

#define BCM43362_TEST_MAIN(suite_fn)                                 \
    int main(void)                                                   \
    {                                                                \
        SRunner *runner = srunner_create(suite_fn());                \
        srunner_run_all(runner, CK_NORMAL);                          \
        const int failed = srunner_ntests_failed(runner);            \
        srunner_free(runner);                                        \
        return failed ? 1 : 0;                                       \
    }

#endif
