/* The WWD-like host used by the BCM43362 tests; see wwd_host.h. */
#include "wwd_host.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_MS 1000000ull

uint16_t test_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t test_le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
uint32_t test_be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static void le32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }

/* A Photon-like NVRAM (reference §1.9: 961 bytes with the NUL, macaddr 02:0A:F7:e0:ae:ce). */
const uint8_t test_nvram[961] =
    "manfid=0x2d0\0prodid=0x492\0vendid=0x14e4\0devid=0x4343\0boardtype=0x0598\0boardrev=0x1307\0"
    "boardnum=777\0macaddr=02:0A:F7:e0:ae:ce\0sromrev=3\0boardflags=0xa00\0xtalfreq=26000\0"
    "nocrc=1\0ag0=255\0aa2g=1\0ccode=ALL\0pa0itssit=0x20\0pa0b0=0x19a0\0pa0b1=0xfdad\0pa0b2=0xff3a\0"
    "tssifreq=26000\0rssismf2g=0xa\0rssismc2g=0x3\0rssisav2g=0x7\0maxp2ga0=76\0cck2gpo=0\0ofdm2gpo=0x44444444\0"
    "mcs2gpo0=0x6666\0mcs2gpo1=0x6666\0wl0id=0x431b\0cckdigfilttype=0\0";

/* ---- callbacks ---- */

static uint64_t cb_now(void *opaque) { return ((struct wwd_host *)opaque)->now_ns; }

static void cb_set_timer(void *opaque, uint64_t deadline) { ((struct wwd_host *)opaque)->timer_ns = deadline; }

static void cb_set_irq(void *opaque, bool level)
{
    struct wwd_host *h = opaque;
    h->set_irq_calls++;
    if (level && !h->irq_level) {
        h->irq_rising_edges++;
        h->irq_latched = true;
    }
    h->irq_level = level;
}

static void cb_eth(void *opaque, const uint8_t *frame, size_t len)
{
    struct wwd_host *h = opaque;
    if (h->net_count < HOST_NET_FRAMES && len <= HOST_MAX_FRAME) {
        memcpy(h->net[h->net_count].data, frame, len);
        h->net[h->net_count].len = len;
        h->net[h->net_count].t_ns = h->now_ns;
        h->net_count++;
    }
    if (h->echo_network_to_host) {
        bcm43362_eth_from_network(h->chip, frame, len);
    }
}

static void cb_log(void *opaque, const char *msg)
{
    struct wwd_host *h = opaque;
    if (h->log_count < HOST_LOG_LINES) {
        snprintf(h->log[h->log_count++], sizeof h->log[0], "%s", msg);
    }
}

struct wwd_host *host_new(const struct bcm43362_config *cfg)
{
    static const struct bcm43362_host_ops ops = { cb_now, cb_set_timer, cb_set_irq, cb_eth, cb_log };
    struct wwd_host *h = calloc(1, sizeof *h);
    ck_assert_ptr_nonnull(h);
    h->rx = calloc(HOST_RX_FRAMES, sizeof *h->rx);
    h->net = calloc(HOST_NET_FRAMES, sizeof *h->net);
    h->log = calloc(HOST_LOG_LINES, sizeof *h->log);
    ck_assert(h->rx && h->net && h->log);
    h->timer_ns = UINT64_MAX;
    h->now_ns = 1000 * NS_PER_MS;       /* not zero: catch "time 0" assumptions */
    h->last_credit = 1;
    h->auto_service = true;
    h->chip = bcm43362_create(&ops, h, cfg);
    ck_assert_ptr_nonnull(h->chip);
    return h;
}

void host_free(struct wwd_host *h)
{
    bcm43362_destroy(h->chip);
    free(h->rx);
    free(h->net);
    free(h->log);
    free(h);
}

void host_advance_ns(struct wwd_host *h, uint64_t ns)
{
    const uint64_t target = h->now_ns + ns;
    if (h->auto_service && h->irq_latched) {
        host_service(h);
    }
    while (h->timer_ns <= target) {
        if (h->timer_ns > h->now_ns) {
            h->now_ns = h->timer_ns;
        }
        h->timer_ns = UINT64_MAX;
        bcm43362_timer_expired(h->chip, h->now_ns);
        if (h->auto_service && h->irq_latched) {
            host_service(h);
        }
    }
    h->now_ns = target;
}

void host_advance_ms(struct wwd_host *h, uint64_t ms) { host_advance_ns(h, ms * NS_PER_MS); }

/* ---- SDIO ---- */

uint8_t host_cmd52(struct wwd_host *h, bool write, unsigned fn, uint32_t addr, uint8_t value)
{
    uint32_t arg = (write ? 1u << 31 : 0) | (fn & 7) << 28 | (addr & 0x1FFFF) << 9 | value;
    uint32_t resp = 0xDEADBEEF;
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 52, arg, &resp), BCM43362_SDIO_OK);
    /* R5 flags: only IO_CURRENT_STATE = CMD; anything else aborts WWD. */
    ck_assert_uint_eq(resp & 0xFFFFFF00u, 0x1000);
    return (uint8_t)resp;
}

/* wwd_bus_sdio_transfer: < 64 bytes → byte mode with the count rounded up to a power of two
 * (find_optimal_block_size), else 64-byte blocks. */
uint32_t host_cmd53_arg(bool write, unsigned fn, uint32_t addr, size_t size, size_t *wire_len)
{
    uint32_t arg = (write ? 1u << 31 : 0) | (fn & 7) << 28 | 1u << 26 | (addr & 0x1FFFF) << 9;
    if (size >= 64) {
        const size_t blocks = (size + 63) / 64;
        *wire_len = blocks * 64;
        return arg | 1u << 27 | (uint32_t)blocks;
    }
    size_t count = size > 32 ? 64 : size > 16 ? 32 : size > 8 ? 16 : size > 4 ? 8 : 4;
    *wire_len = count;
    return arg | (uint32_t)count;
}

void host_transfer(struct wwd_host *h, bool write, unsigned fn, uint32_t addr, uint8_t *buf, size_t size,
                   uint8_t *wire)
{
    if (size == 1) {
        const uint8_t v = host_cmd52(h, write, fn, addr, write ? buf[0] : 0);
        if (!write) {
            buf[0] = v;
        }
        if (wire) {
            wire[0] = v;
        }
        return;
    }
    size_t wire_len;
    const uint32_t arg = host_cmd53_arg(write, fn, addr, size, &wire_len);
    uint32_t resp = 0;
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 53, arg, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp, 0x1000);
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, arg), wire_len);
    uint8_t *raw = malloc(wire_len);
    ck_assert_ptr_nonnull(raw);
    if (write) {
        memset(raw, 0xA5, wire_len);    /* the host clocks out garbage past the payload */
        memcpy(raw, buf, size);
        bcm43362_cmd53_write(h->chip, arg, raw, wire_len);
    } else {
        memset(raw, 0x5A, wire_len);
        bcm43362_cmd53_read(h->chip, arg, raw, wire_len);
        memcpy(buf, raw, size);
    }
    if (wire) {
        memcpy(wire, raw, wire_len);
    }
    free(raw);
}

/* wwd_bus_set_backplane_window: write only the bytes that changed, HIGH, MID, LOW. */
void host_set_window(struct wwd_host *h, uint32_t addr)
{
    const uint32_t base = addr & ~0x7FFFu;
    if ((base & 0xFF000000u) != (h->window & 0xFF000000u)) {
        host_cmd52(h, true, 1, 0x1000C, (uint8_t)(base >> 24));
    }
    if ((base & 0x00FF0000u) != (h->window & 0x00FF0000u)) {
        host_cmd52(h, true, 1, 0x1000B, (uint8_t)(base >> 16));
    }
    if ((base & 0x0000FF00u) != (h->window & 0x0000FF00u)) {
        host_cmd52(h, true, 1, 0x1000A, (uint8_t)(base >> 8));
    }
    h->window = base;
}

uint32_t host_bp_read(struct wwd_host *h, uint32_t addr, unsigned width)
{
    uint8_t b[4] = { 0 };
    host_set_window(h, addr);
    host_transfer(h, false, 1, addr & 0x7FFF, b, width, NULL);
    host_set_window(h, 0x18000000);
    return test_le32(b);
}

void host_bp_write(struct wwd_host *h, uint32_t addr, unsigned width, uint32_t value)
{
    uint8_t b[4];
    le32(b, value);
    host_set_window(h, addr);
    host_transfer(h, true, 1, addr & 0x7FFF, b, width, NULL);
    host_set_window(h, 0x18000000);
}

/* ---- Bring-up (reference §1.8) ---- */

static void disable_core(struct wwd_host *h, uint32_t ioctrl, uint32_t resetctrl)
{
    host_bp_read(h, resetctrl, 1);
    if (host_bp_read(h, resetctrl, 1) & 0x01) {
        return;                         /* already in reset */
    }
    host_bp_write(h, ioctrl, 1, 0x00);
    host_bp_read(h, ioctrl, 1);
    host_advance_ms(h, 1);
    host_bp_write(h, resetctrl, 1, 0x01);
    host_advance_ms(h, 1);
}

static void reset_core(struct wwd_host *h, uint32_t ioctrl, uint32_t resetctrl)
{
    disable_core(h, ioctrl, resetctrl);
    host_bp_write(h, ioctrl, 1, 0x03);
    host_bp_read(h, ioctrl, 1);
    host_bp_write(h, resetctrl, 1, 0x00);
    host_advance_ms(h, 1);
    host_bp_write(h, ioctrl, 1, 0x01);
    host_bp_read(h, ioctrl, 1);
    host_advance_ms(h, 1);
}

static void enumerate(struct wwd_host *h)
{
    uint32_t resp, rca = 0;
    for (int i = 0; i < 500; i++) {
        bcm43362_sdio_command(h->chip, 0, 0, &resp);
        bcm43362_sdio_command(h->chip, 5, 0, &resp);
        if (bcm43362_sdio_command(h->chip, 3, 0, &resp) == BCM43362_SDIO_OK) {
            rca = resp;
            break;
        }
        host_advance_ms(h, 1);
    }
    ck_assert_uint_ne(rca >> 16, 0);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 7, rca, &resp), BCM43362_SDIO_OK);
}

void host_power_on_and_download(struct wwd_host *h, const uint8_t *nvram, size_t nvram_len)
{
    if (!nvram) {
        nvram = test_nvram;
        nvram_len = sizeof test_nvram;
    }
    h->window = 0;
    h->tx_seq = 0;
    h->last_credit = 1;
    h->wlan_up = false;
    bcm43362_set_power(h->chip, false);
    h->irq_latched = false;                 /* wwd_bus_deinit: the host forgets it */
    host_advance_ms(h, 1);
    bcm43362_set_power(h->chip, true);
    host_advance_ms(h, 1);
    enumerate(h);

    int tries = 0;
    do {
        host_cmd52(h, true, 0, 0x02, 0x02);
        ck_assert_int_lt(++tries, 500);
    } while (host_cmd52(h, false, 0, 0x02, 0) != 0x02);
    const uint8_t bictrl = host_cmd52(h, false, 0, 0x07, 0);
    host_cmd52(h, true, 0, 0x07, (uint8_t)((bictrl & ~3) | 2));
    tries = 0;
    do {
        host_cmd52(h, true, 0, 0x10, 0x40);
        ck_assert_int_lt(++tries, 500);
    } while (host_cmd52(h, false, 0, 0x10, 0) != 0x40);
    host_cmd52(h, true, 0, 0x10, 0x40);
    host_cmd52(h, true, 0, 0x110, 0x40);
    host_cmd52(h, true, 0, 0x210, 0x40);
    host_cmd52(h, true, 0, 0x211, 0x00);
    host_cmd52(h, true, 0, 0x04, 0x07);
    for (tries = 0; !(host_cmd52(h, false, 0, 0x03, 0) & 0x02); tries++) {
        ck_assert_int_lt(tries, 500);
        host_advance_ms(h, 1);
    }
    host_cmd52(h, true, 1, 0x1000E, 0x29);
    for (tries = 0; !(host_cmd52(h, false, 1, 0x1000E, 0) & 0x40); tries++) {
        ck_assert_int_lt(tries, 100);
        host_advance_ms(h, 1);
    }
    host_cmd52(h, true, 1, 0x1000E, 0x00);
    host_cmd52(h, true, 1, 0x1000F, 0x00);
    host_cmd52(h, true, 0, 0x02, 0x06);
    host_cmd52(h, true, 0, 0x04, 0x05);
    host_cmd52(h, false, 0, 0x03, 0);

    disable_core(h, 0x18103408, 0x18103800);
    disable_core(h, 0x18104408, 0x18104800);
    reset_core(h, 0x18104408, 0x18104800);

    /* Firmware: 215,172 bytes in 1024-byte block-mode chunks, window not restored between. */
    const size_t fw_len = 215172;
    uint8_t chunk[1024];
    uint32_t x = 0x43362;
    for (size_t off = 0; off < fw_len; off += sizeof chunk) {
        const size_t n = fw_len - off < sizeof chunk ? fw_len - off : sizeof chunk;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            chunk[i] = (uint8_t)(x >> 16);
        }
        host_set_window(h, (uint32_t)off);
        host_transfer(h, true, 1, (uint32_t)off & 0x7FFF, chunk, n, NULL);
    }
    /* NVRAM at the top of RAM, then the length token. */
    const size_t size = (nvram_len + 63) & ~(size_t)63;
    const uint32_t nvram_addr = 0x3C000u - 4 - (uint32_t)size;
    uint8_t *image = calloc(1, size);
    memcpy(image, nvram, nvram_len);
    for (size_t off = 0; off < size; off += 1024) {
        const size_t n = size - off < 1024 ? size - off : 1024;
        host_set_window(h, nvram_addr + (uint32_t)off);
        host_transfer(h, true, 1, (nvram_addr + (uint32_t)off) & 0x7FFF, image + off, n, NULL);
    }
    free(image);
    const uint32_t words = (uint32_t)size / 4;
    host_bp_write(h, 0x3BFFC, 4, (~words << 16) | words);
    host_set_window(h, 0x18000000);

    reset_core(h, 0x18103408, 0x18103800);           /* ARM released here */
    ck_assert_uint_eq(host_bp_read(h, 0x18103408, 1) & 0x03, 0x01);
    ck_assert_uint_eq(host_bp_read(h, 0x18103800, 1) & 0x01, 0x00);
}

void host_bringup(struct wwd_host *h, const uint8_t *nvram, size_t nvram_len)
{
    int tries;
    host_power_on_and_download(h, nvram, nvram_len);
    for (tries = 0; !(host_cmd52(h, false, 1, 0x1000E, 0) & 0x80); tries++) {
        ck_assert_int_lt(tries, 500);
        host_advance_ms(h, 1);
    }
    host_bp_write(h, 0x18002024, 4, 0x000000F0);
    host_bp_write(h, 0x18002034, 1, 0x02);
    host_cmd52(h, true, 1, 0x10008, 0x08);
    for (tries = 0; !(host_cmd52(h, false, 0, 0x03, 0) & 0x04); tries++) {
        ck_assert_int_lt(tries, 1000);
        host_advance_ms(h, 1);
    }
    host_cmd52(h, true, 1, 0x1000E, 0x10);
    for (tries = 0; !(host_cmd52(h, false, 1, 0x1000E, 0) & 0x80); tries++) {
        ck_assert_int_lt(tries, 1000);
    }
}

void host_wifi_on(struct wwd_host *h)
{
    host_bringup(h, NULL, 0);
    uint8_t zero[4] = { 0 }, one[4] = { 1 }, eight[4] = { 8 }, four[4] = { 4 };
    ck_assert_int_eq(host_iovar_set(h, "bus:txglom", zero, 4), 0);
    h->wlan_up = true;
    host_iovar_set(h, "apsta", one, 4);
    ck_assert_int_eq(host_iovar_set(h, "ampdu_ba_wsize", eight, 4), 0);
    ck_assert_int_eq(host_iovar_set(h, "ampdu_mpdu", four, 4), 0);
    ck_assert_int_eq(host_iovar_set(h, "ampdu_rx_factor", zero, 4), 0);
    uint8_t country[12] = { 'J', 'P', 0, 0, 0xff, 0xff, 0xff, 0xff, 'J', 'P', 0, 0 };
    ck_assert_int_eq(host_iovar_set(h, "country", country, sizeof country), 0);
    uint8_t mask[18] = { 0 };
    ck_assert_int_eq(host_iovar_set(h, "event_msgs", mask, sizeof mask), 0);
    ck_assert_int_eq(host_ioctl(h, 2 /* WLC_UP */, true, 0, NULL, 0, NULL), 0);
    ck_assert_int_eq(host_set_u32(h, 110 /* WLC_SET_GMODE */, 1), 0);
}

/* ---- SDPCM ---- */

static void update_credit(struct wwd_host *h, const uint8_t *hdr)
{
    if ((hdr[5] & 0x0F) < 3) {
        const uint8_t diff = (uint8_t)(hdr[9] - h->last_credit);
        if (diff <= 7) {
            h->last_credit = hdr[9];
        } else {
            h->credit_updates_ignored++;
        }
    }
}

void host_poke(struct wwd_host *h)
{
    host_bp_write(h, 0x18002040, 4, 0x08);
}

void host_send_frame(struct wwd_host *h, unsigned channel, const uint8_t *body, size_t body_len)
{
    uint8_t frame[HOST_MAX_FRAME] = { 0 };
    const size_t doff = channel == 2 ? 14 : 12;
    const size_t len = doff + body_len;
    ck_assert_uint_le(len, sizeof frame);
    /* WWD sends only while tx_seq != last_credit; otherwise it pokes and waits. */
    for (int tries = 0; h->tx_seq == h->last_credit; tries++) {
        ck_assert_int_lt(tries, 3);
        host_poke(h);
        host_service(h);
    }
    frame[0] = (uint8_t)len;
    frame[1] = (uint8_t)(len >> 8);
    frame[2] = (uint8_t)~len;
    frame[3] = (uint8_t)(~len >> 8);
    frame[4] = h->tx_seq++;
    frame[5] = (uint8_t)channel;
    frame[7] = (uint8_t)doff;
    memcpy(frame + doff, body, body_len);
    host_transfer(h, true, 2, 0, frame, len, NULL);
}

size_t host_read_frame(struct wwd_host *h, uint8_t *frame)
{
    uint8_t tag[4];
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    const uint16_t len = test_le16(tag), inv = test_le16(tag + 2);
    if ((len | inv) == 0 || (len ^ inv) != 0xFFFF) {
        return 0;
    }
    ck_assert_uint_ge(len, 12);
    ck_assert_uint_le(len, 1544);
    memcpy(frame, tag, 4);
    host_transfer(h, false, 2, 0, frame + 4, len - 4u, NULL);
    ck_assert_uint_eq(frame[8], 0);     /* wireless flow control must stay off */
    update_credit(h, frame);
    return len;
}

void host_service(struct wwd_host *h)
{
    h->irq_latched = false;
    const uint32_t intstatus = host_bp_read(h, 0x18002020, 4);
    host_bp_write(h, 0x18002020, 4, intstatus);
    if (!(intstatus & 0xF0)) {
        return;
    }
    uint8_t frame[HOST_MAX_FRAME];
    size_t len;
    while ((len = host_read_frame(h, frame)) != 0) {
        if (len == 12) {
            h->credit_frames++;
            continue;
        }
        ck_assert_uint_lt(h->rx_count, HOST_RX_FRAMES);
        memcpy(h->rx[h->rx_count].data, frame, len);
        h->rx[h->rx_count].len = len;
        h->rx[h->rx_count].t_ns = h->now_ns;
        h->rx_count++;
    }
}

void host_clear_rx(struct wwd_host *h) { h->rx_count = 0; }

static void rx_remove(struct wwd_host *h, unsigned i)
{
    memmove(&h->rx[i], &h->rx[i + 1], (h->rx_count - i - 1) * sizeof h->rx[0]);
    h->rx_count--;
}

int32_t host_ioctl(struct wwd_host *h, uint32_t cmd, bool set, unsigned ifidx, const void *payload, size_t len,
                   struct ioctl_result *r)
{
    uint8_t body[HOST_MAX_FRAME] = { 0 };
    const uint16_t id = ++h->ioctl_id;
    ck_assert_uint_le(len + 16, sizeof body);
    le32(body, cmd);
    le32(body + 4, (uint32_t)len);
    le32(body + 8, (uint32_t)id << 16 | (ifidx & 0xF) << 12 | (set ? 0x02 : 0));
    if (len) {
        memcpy(body + 16, payload, len);
    }
    host_send_frame(h, 0, body, 16 + len);
    ck_assert_msg(h->irq_latched, "no interrupt after an ioctl");
    host_service(h);
    for (unsigned i = 0; i < h->rx_count; i++) {
        const uint8_t *f = h->rx[i].data;
        if ((f[5] & 0x0F) != 0) {
            continue;
        }
        const uint8_t *cdc = f + f[7];
        if ((test_le32(cdc + 8) >> 16) != id) {
            continue;
        }
        ck_assert_uint_eq(test_le32(cdc), cmd);
        const int32_t status = (int32_t)test_le32(cdc + 12);
        if (r) {
            r->cmd = test_le32(cdc);
            r->len = test_le32(cdc + 4);
            r->flags = test_le32(cdc + 8);
            r->status = status;
            r->payload_len = h->rx[i].len - f[7] - 16u;
            memcpy(r->payload, cdc + 16, r->payload_len);
        }
        rx_remove(h, i);
        return status;
    }
    ck_abort_msg("no response to ioctl %u", cmd);
    return -9999;
}

int32_t host_set_u32(struct wwd_host *h, uint32_t cmd, uint32_t value)
{
    uint8_t b[4];
    le32(b, value);
    return host_ioctl(h, cmd, true, 0, b, 4, NULL);
}

int32_t host_get_u32(struct wwd_host *h, uint32_t cmd, uint32_t *value)
{
    struct ioctl_result r;
    uint8_t b[4] = { 0 };
    const int32_t status = host_ioctl(h, cmd, false, 0, b, 4, &r);
    *value = test_le32(r.payload);
    return status;
}

int32_t host_iovar_set(struct wwd_host *h, const char *name, const void *value, size_t len)
{
    uint8_t buf[HOST_MAX_FRAME];
    const size_t n = strlen(name) + 1;
    memcpy(buf, name, n);
    if (len) {
        memcpy(buf + n, value, len);
    }
    return host_ioctl(h, 263, true, 0, buf, n + len, NULL);
}

int32_t host_iovar_get(struct wwd_host *h, const char *name, const void *args, size_t args_len, size_t out_len,
                       struct ioctl_result *r)
{
    uint8_t buf[HOST_MAX_FRAME] = { 0 };
    const size_t n = strlen(name) + 1;
    size_t len = n + args_len;
    memcpy(buf, name, n);
    if (args_len) {
        memcpy(buf + n, args, args_len);
    }
    if (len < out_len) {
        len = out_len;
    }
    return host_ioctl(h, 262, false, 0, buf, len, r);
}

int32_t host_bsscfg_set_u32(struct wwd_host *h, const char *name, uint32_t bsscfg, uint32_t value)
{
    uint8_t v[8];
    le32(v, bsscfg);
    le32(v + 4, value);
    char full[64];
    snprintf(full, sizeof full, "bsscfg:%s", name);
    return host_iovar_set(h, full, v, sizeof v);
}

static int32_t join_common(struct wwd_host *h, const char *ssid, uint32_t wsec, uint32_t wpa_auth,
                           const char *passphrase)
{
    uint8_t eight[4] = { 8 };
    ck_assert_int_eq(host_iovar_set(h, "ampdu_ba_wsize", eight, 4), 0);
    ck_assert_int_eq(host_set_u32(h, 134 /* WLC_SET_WSEC */, wsec), 0);
    host_bsscfg_set_u32(h, "sup_wpa", 0, wpa_auth ? 1 : 0);
    host_bsscfg_set_u32(h, "sup_wpa2_eapver", 0, 0xFFFFFFFFu);
    host_bsscfg_set_u32(h, "sup_wpa_tmo", 0, 2500);
    if (passphrase) {
        uint8_t pmk[68] = { 0 };
        const size_t n = strlen(passphrase);
        pmk[0] = (uint8_t)n;
        pmk[2] = 1;                     /* WSEC_PASSPHRASE */
        memcpy(pmk + 4, passphrase, n);
        ck_assert_int_eq(host_ioctl(h, 268 /* WLC_SET_WSEC_PMK */, true, 0, pmk, sizeof pmk, NULL), 0);
    }
    ck_assert_int_eq(host_set_u32(h, 20 /* WLC_SET_INFRA */, 1), 0);
    ck_assert_int_eq(host_set_u32(h, 22 /* WLC_SET_AUTH */, 0), 0);
    ck_assert_int_eq(host_set_u32(h, 165 /* WLC_SET_WPA_AUTH */, wpa_auth), 0);
    uint8_t mask[4 + 18] = { 0 };
    mask[4 + 0] = 0x09;                 /* events 0 and 3 */
    mask[4 + 0] |= 0x40;                /* 6 */
    mask[4 + 1] = 0x10 | 0x01;          /* 12, 16 */
    mask[4 + 5] = 0x40;                 /* 46 */
    mask[4 + 10] = 0x01;                /* 80 */
    host_iovar_set(h, "bsscfg:event_msgs", mask, sizeof mask);
    uint8_t ssid_buf[36] = { 0 };
    le32(ssid_buf, (uint32_t)strlen(ssid));
    memcpy(ssid_buf + 4, ssid, strlen(ssid));
    return host_ioctl(h, 26 /* WLC_SET_SSID */, true, 0, ssid_buf, sizeof ssid_buf, NULL);
}

int32_t host_join_wpa2(struct wwd_host *h, const char *ssid, const char *passphrase)
{
    return join_common(h, ssid, 4 /* AES */, 0x80 /* WPA2_AUTH_PSK */, passphrase);
}

int32_t host_join_open(struct wwd_host *h, const char *ssid)
{
    return join_common(h, ssid, 0, 0, NULL);
}

/* ---- Events ---- */

bool host_event(const struct wwd_host *h, unsigned n, struct event_view *ev)
{
    unsigned seen = 0;
    for (unsigned i = 0; i < h->rx_count; i++) {
        const uint8_t *f = h->rx[i].data;
        if ((f[5] & 0x0F) != 1) {
            continue;
        }
        if (seen++ != n) {
            continue;
        }
        const uint8_t *m = f + f[7] + 4 + 14 + 10;
        ev->flags = (uint16_t)(m[2] << 8 | m[3]);
        ev->type = test_be32(m + 4);
        ev->status = test_be32(m + 8);
        ev->reason = test_be32(m + 12);
        ev->auth_type = test_be32(m + 16);
        ev->datalen = test_be32(m + 20);
        memcpy(ev->addr, m + 24, 6);
        ev->ifidx = m[46];
        ev->bsscfg = m[47];
        ev->data = m + 48;
        ev->t_ns = h->rx[i].t_ns;
        /* WWD drops events whose datalen runs past the frame. */
        ck_assert_uint_le(ev->datalen, h->rx[i].len - (size_t)(m + 48 - f));
        ck_assert_uint_lt(ev->ifidx, 3);
        return true;
    }
    return false;
}

unsigned host_event_count(const struct wwd_host *h)
{
    struct event_view ev;
    unsigned n = 0;
    while (host_event(h, n, &ev)) {
        n++;
    }
    return n;
}

bool host_find_event(const struct wwd_host *h, uint32_t type, struct event_view *ev)
{
    for (unsigned n = 0; host_event(h, n, ev); n++) {
        if (ev->type == type) {
            return true;
        }
    }
    return false;
}

bool host_log_contains(const struct wwd_host *h, const char *needle)
{
    return host_log_count_containing(h, needle) > 0;
}

unsigned host_log_count_containing(const struct wwd_host *h, const char *needle)
{
    unsigned n = 0;
    for (unsigned i = 0; i < h->log_count; i++) {
        n += strstr(h->log[i], needle) != NULL;
    }
    return n;
}

void host_add_ap(struct wwd_host *h, const char *ssid, const uint8_t bssid[6], uint8_t channel, int8_t rssi,
                 enum bcm43362_security sec, const char *passphrase)
{
    struct bcm43362_ap ap;
    memset(&ap, 0, sizeof ap);
    snprintf(ap.ssid, sizeof ap.ssid, "%s", ssid);
    memcpy(ap.bssid, bssid, 6);
    ap.channel = channel;
    ap.rssi_dbm = rssi;
    ap.security = sec;
    if (passphrase) {
        snprintf(ap.passphrase, sizeof ap.passphrase, "%s", passphrase);
    }
    ck_assert(bcm43362_ap_add(h->chip, &ap));
}
