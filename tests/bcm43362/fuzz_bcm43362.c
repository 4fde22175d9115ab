/*
 * libFuzzer target for the BCM43362 model: the guest controls every byte the chip parses,
 * so the input is a script of host operations — raw CMD52/CMD53 with arbitrary arguments
 * and data, plus structured shortcuts (valid SDPCM frames, ioctls, iovars by name,
 * network frames, AP changes, time, power, snapshots) so that the fuzzer reaches the
 * deep protocol states quickly.  Every frame the chip hands to a WWD-like read loop is
 * checked against what would break WWD (reference §6.4); ASan/UBSan catch the rest.
 *
 * Build and run (clang):
 *   CC=clang meson setup build-fuzz -Dqemu=false -Dfuzz=true
 *   ninja -C build-fuzz tests/bcm43362/fuzz_bcm43362
 *   mkdir -p /tmp/bcm43362-corpus
 *   build-fuzz/tests/bcm43362/fuzz_bcm43362 -runs=10000000 -max_len=4096 /tmp/bcm43362-corpus
 * Parallel: add -jobs=N -workers=N.  A crash leaves crash-<sha1>; replay it with
 *   build-fuzz/tests/bcm43362/fuzz_bcm43362 crash-<sha1>
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcm43362.h"

#define MAX_TRANSFER 8192

/* FUZZ_TRACE=1 prints the operations of an input (for reading a crash). */
static bool tracing(void)
{
    static int on = -1;
    if (on < 0) {
        on = getenv("FUZZ_TRACE") != NULL;
    }
    return on;
}
#define MAX_FRAME 1544

struct input {
    const uint8_t *p;
    size_t left;
};

static uint8_t take8(struct input *in)
{
    if (!in->left) {
        return 0;
    }
    in->left--;
    return *in->p++;
}

static uint16_t take16(struct input *in) { return (uint16_t)(take8(in) | take8(in) << 8); }
static uint32_t take32(struct input *in) { return (uint32_t)take16(in) | (uint32_t)take16(in) << 16; }

static size_t take_bytes(struct input *in, uint8_t *dst, size_t n)
{
    const size_t got = n < in->left ? n : in->left;
    memcpy(dst, in->p, got);
    memset(dst + got, 0, n - got);
    in->p += got;
    in->left -= got;
    return got;
}

struct fuzz_host {
    bcm43362 *chip;
    uint64_t now;
    uint64_t timer;
    bool irq;
    bool irq_known;
    bool echo;
    unsigned depth;
    bool tainted;                       /* a corrupted snapshot was loaded: frame contents are garbage */
    uint8_t tx_seq;
    uint16_t ioctl_id;
};

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "fuzz_bcm43362: invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

static uint64_t cb_now(void *opaque) { return ((struct fuzz_host *)opaque)->now; }

static void cb_set_timer(void *opaque, uint64_t deadline)
{
    struct fuzz_host *h = opaque;
    h->timer = deadline;
}

static void cb_set_irq(void *opaque, bool level)
{
    struct fuzz_host *h = opaque;
    /* the chip reports level changes only (a snapshot load re-reports once) */
    CHECK(!h->irq_known || level != h->irq);
    h->irq = level;
    h->irq_known = true;
}

static void cb_eth(void *opaque, const uint8_t *frame, size_t len)
{
    struct fuzz_host *h = opaque;
    CHECK(len >= 14 && len <= 1514);
    volatile uint8_t sink = frame[0] ^ frame[len - 1];
    (void)sink;
    if (h->echo && h->depth < 2) {
        h->depth++;
        bcm43362_eth_from_network(h->chip, frame, len);
        h->depth--;
    }
}

static void cb_log(void *opaque, const char *msg)
{
    (void)opaque;
    CHECK(strlen(msg) < 320);
}

/* What WWD checks on every frame it reads (reference §2.1, §4.1, §6.4). */
static void check_chip_frame(const uint8_t *f, size_t len)
{
    CHECK(len >= 12 && len <= MAX_FRAME);
    CHECK(f[8] == 0);                                   /* wireless flow control */
    const unsigned channel = f[5] & 0x0F;
    CHECK(channel <= 2);
    const unsigned doff = f[7];
    CHECK(doff == 12 || doff == 14);
    CHECK(doff <= len);
    if (len == 12) {
        return;
    }
    if (channel == 0) {
        CHECK(len >= 28);
    } else if (channel == 2) {
        CHECK(len > 16 && f[doff] == 0x20);
    } else {
        CHECK(len >= doff + 4 + 14 + 10 + 48);
        const uint8_t *m = f + doff + 4 + 14 + 10;
        CHECK(f[doff + 4 + 12] == 0x88 && f[doff + 4 + 13] == 0x6c);
        const uint32_t datalen = (uint32_t)m[20] << 24 | (uint32_t)m[21] << 16 | (uint32_t)m[22] << 8 | m[23];
        CHECK(datalen <= len - (size_t)(m + 48 - f));
        CHECK(m[46] < 3);                               /* ifidx indexes a 3-entry table */
        const uint32_t type = (uint32_t)m[4] << 24 | (uint32_t)m[5] << 16 | (uint32_t)m[6] << 8 | m[7];
        const uint32_t status = (uint32_t)m[8] << 24 | (uint32_t)m[9] << 16 | (uint32_t)m[10] << 8 | m[11];
        if (type == 69 && status == 8) {                /* escan: one valid bss_info */
            const uint8_t *e = m + 48, *bss = e + 12;
            CHECK(datalen >= 12 + 128);
            CHECK(e[10] == 1 && e[11] == 0);
            CHECK(bss[0] == 109 && bss[1] == 0);
            const uint32_t length = bss[4] | bss[5] << 8 | bss[6] << 16 | (uint32_t)bss[7] << 24;
            const uint32_t ie_offset = bss[116] | bss[117] << 8;
            const uint32_t ie_length = bss[120] | bss[121] << 8 | bss[122] << 16 | (uint32_t)bss[123] << 24;
            CHECK(datalen == 12 + length);
            CHECK(ie_offset <= length && ie_length <= length - ie_offset);
        }
    }
}

static uint32_t cmd53_arg(bool write, unsigned fn, uint32_t addr, size_t size, size_t *wire)
{
    uint32_t arg = (write ? 1u << 31 : 0) | (fn & 7) << 28 | 1u << 26 | (addr & 0x1FFFF) << 9;
    if (size >= 64) {
        *wire = (size + 63) / 64 * 64;
        return arg | 1u << 27 | (uint32_t)((size + 63) / 64);
    }
    *wire = size > 32 ? 64 : size > 16 ? 32 : size > 8 ? 16 : size > 4 ? 8 : 4;
    return arg | (uint32_t)*wire;
}

static void cmd52(struct fuzz_host *h, bool write, unsigned fn, uint32_t addr, uint8_t v)
{
    uint32_t resp;
    bcm43362_sdio_command(h->chip, 52, (write ? 1u << 31 : 0) | fn << 28 | (addr & 0x1FFFF) << 9 | v, &resp);
}

static void transfer(struct fuzz_host *h, bool write, unsigned fn, uint32_t addr, uint8_t *buf, size_t size)
{
    static uint8_t wire[MAX_TRANSFER];
    size_t len;
    uint32_t resp;
    const uint32_t arg = cmd53_arg(write, fn, addr, size, &len);
    bcm43362_sdio_command(h->chip, 53, arg, &resp);
    len = bcm43362_cmd53_length(h->chip, arg);
    if (len == 0 || len > sizeof wire) {
        return;
    }
    if (write) {
        memset(wire, 0xA5, len);
        memcpy(wire, buf, size < len ? size : len);
        bcm43362_cmd53_write(h->chip, arg, wire, len);
    } else {
        bcm43362_cmd53_read(h->chip, arg, wire, len);
        memcpy(buf, wire, size < len ? size : len);
    }
}

static void bp_write(struct fuzz_host *h, uint32_t addr, unsigned width, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    cmd52(h, true, 1, 0x1000C, (uint8_t)(addr >> 24));
    cmd52(h, true, 1, 0x1000B, (uint8_t)(addr >> 16));
    cmd52(h, true, 1, 0x1000A, (uint8_t)(addr >> 8));
    if (width == 1) {
        cmd52(h, true, 1, addr & 0x7FFF, b[0]);
    } else {
        transfer(h, true, 1, addr & 0x7FFF, b, 4);
    }
}

static uint32_t bp_read(struct fuzz_host *h, uint32_t addr)
{
    uint8_t b[4] = { 0 };
    cmd52(h, true, 1, 0x1000C, (uint8_t)(addr >> 24));
    cmd52(h, true, 1, 0x1000B, (uint8_t)(addr >> 16));
    cmd52(h, true, 1, 0x1000A, (uint8_t)(addr >> 8));
    transfer(h, false, 1, addr & 0x7FFF, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void advance(struct fuzz_host *h, uint64_t ns)
{
    const uint64_t target = h->now + ns;
    for (int rounds = 0; h->timer <= target && rounds < 1000; rounds++) {
        if (h->timer > h->now) {
            h->now = h->timer;
        }
        h->timer = UINT64_MAX;
        bcm43362_timer_expired(h->chip, h->now);
    }
    h->now = target;
}

/* WWD's receive loop: intstatus read + W1C, then whole frames until the tag reads 0.
 * Raw reads may have left a frame half-read: an abort first puts the stream back on a
 * frame boundary, so every tag read here must be a valid tag or zero.  Raw writes may
 * have changed the F2 block size: restore the one WWD uses. */
static void read_frames(struct fuzz_host *h)
{
    cmd52(h, true, 0, 0x06, 0x02);
    cmd52(h, true, 0, 0x210, 0x40);                   /* raw ops may have changed WWD's */
    cmd52(h, true, 0, 0x211, 0x00);                   /* 64-byte F2 block size */
    const uint32_t intstatus = bp_read(h, 0x18002020);
    bp_write(h, 0x18002020, 4, intstatus);
    for (int n = 0; n < 80; n++) {
        uint8_t f[MAX_FRAME + 64];
        transfer(h, false, 2, 0, f, 4);
        const uint16_t len = (uint16_t)(f[0] | f[1] << 8), inv = (uint16_t)(f[2] | f[3] << 8);
        if (tracing()) {
            fprintf(stderr, "  frame tag %04x %04x\n", len, inv);
        }
        if ((len | inv) == 0) {
            return;
        }
        if (h->tainted && ((len ^ inv) != 0xFFFF || len < 12 || len > MAX_FRAME)) {
            return;                                     /* WWD: HWTAG_MISMATCH, stop */
        }
        CHECK((len ^ inv) == 0xFFFF);
        CHECK(len >= 12 && len <= MAX_FRAME);
        transfer(h, false, 2, 0, f + 4, len - 4u);
        if (!h->tainted) {
            check_chip_frame(f, len);
        }
    }
}

static void send_frame(struct fuzz_host *h, unsigned channel, const uint8_t *body, size_t body_len)
{
    uint8_t f[2048] = { 0 };
    const size_t doff = channel == 2 ? 14 : 12;
    if (doff + body_len > MAX_FRAME) {
        body_len = MAX_FRAME - doff;
    }
    const size_t len = doff + body_len;
    f[0] = (uint8_t)len;
    f[1] = (uint8_t)(len >> 8);
    f[2] = (uint8_t)~len;
    f[3] = (uint8_t)(~len >> 8);
    f[4] = h->tx_seq++;
    f[5] = (uint8_t)channel;
    f[7] = (uint8_t)doff;
    memcpy(f + doff, body, body_len);
    transfer(h, true, 2, 0, f, len);
}

static void send_ioctl(struct fuzz_host *h, uint32_t cmd, bool set, unsigned ifidx, const uint8_t *payload,
                       size_t len, uint32_t declared)
{
    uint8_t body[1600] = { 0 };
    if (len > sizeof body - 16) {
        len = sizeof body - 16;
    }
    const uint32_t flags = (uint32_t)++h->ioctl_id << 16 | (ifidx & 0xF) << 12 | (set ? 2 : 0);
    const uint32_t fields[4] = { cmd, declared, flags, 0 };
    for (int i = 0; i < 4; i++) {
        for (int b = 0; b < 4; b++) {
            body[4 * i + b] = (uint8_t)(fields[i] >> (8 * b));
        }
    }
    if (len) {
        memcpy(body + 16, payload, len);
    }
    send_frame(h, 0, body, 16 + len);
}

static void bring_up(struct fuzz_host *h)
{
    uint32_t resp;
    bcm43362_set_power(h->chip, true);
    bcm43362_sdio_command(h->chip, 3, 0, &resp);
    bcm43362_sdio_command(h->chip, 7, resp, &resp);
    cmd52(h, true, 0, 0x02, 0x06);
    cmd52(h, true, 0, 0x04, 0x05);
    cmd52(h, true, 0, 0x110, 0x40);
    cmd52(h, true, 0, 0x210, 0x40);
    cmd52(h, true, 0, 0x211, 0x00);
    static const char nvram[] = "boardtype=0x0598\0macaddr=02:0A:F7:e0:ae:ce\0";
    uint8_t image[64] = { 0 };
    memcpy(image, nvram, sizeof nvram);
    cmd52(h, true, 1, 0x1000C, 0);
    cmd52(h, true, 1, 0x1000B, 3);
    cmd52(h, true, 1, 0x1000A, 0x80);
    transfer(h, true, 1, (0x3C000 - 4 - 64) & 0x7FFF, image, 64);
    bp_write(h, 0x3BFFC, 4, (~16u << 16) | 16u);
    bp_write(h, 0x18103800, 1, 0x01);
    bp_write(h, 0x18103408, 1, 0x03);
    bp_write(h, 0x18103800, 1, 0x00);               /* ARM released */
    advance(h, 30000000);
    bp_write(h, 0x18002024, 4, 0xF0);
    bp_write(h, 0x18002034, 1, 0x02);
}

static const char *const iovar_names[] = {
    "bus:txglom", "apsta", "ampdu_ba_wsize", "ampdu_mpdu", "ampdu_rx_factor", "country", "event_msgs",
    "bsscfg:event_msgs", "rand", "ver", "cur_etheraddr", "mcast_list", "allmulti", "bss",
    "bsscfg:sup_wpa", "bsscfg:sup_wpa2_eapver", "bsscfg:sup_wpa_tmo", "escan", "join", "bsscfg:ssid",
    "bsscfg:wsec", "bsscfg:wpa_auth", "2g_mrate", "closednet", "cap", "bsscfg:", "unknown_thing",
};

static const uint16_t ioctl_cmds[] = {
    0, 1, 2, 3, 12, 19, 20, 21, 22, 23, 25, 26, 29, 30, 45, 50, 52, 55, 57, 59, 61, 62, 64, 78, 85, 86,
    109, 110, 117, 118, 127, 133, 134, 135, 136, 140, 162, 164, 165, 262, 263, 268, 318, 320, 0xFFFF,
};

static void ap_op(struct fuzz_host *h, struct input *in)
{
    struct bcm43362_ap ap;
    memset(&ap, 0, sizeof ap);
    static const char *const ssids[] = { "Home", "Cafe", "IEEE", "x", "Office" };
    const uint8_t sel = take8(in);
    if (sel & 0x80) {
        take_bytes(in, (uint8_t *)ap.ssid, sizeof ap.ssid);       /* maybe unterminated */
    } else {
        snprintf(ap.ssid, sizeof ap.ssid, "%s", ssids[sel % 5]);
    }
    ap.bssid[0] = 0x02;
    ap.bssid[5] = take8(in) & 7;
    ap.channel = take8(in) % 16;
    ap.rssi_dbm = (int8_t)take8(in);
    ap.security = (enum bcm43362_security)(take8(in) % 3);
    const uint8_t pass = take8(in);
    if (pass & 0x80) {
        take_bytes(in, (uint8_t *)ap.passphrase, sizeof ap.passphrase);
    } else {
        snprintf(ap.passphrase, sizeof ap.passphrase, "%s", (pass & 1) ? "correct horse" : "password");
    }
    switch (sel % 3) {
    case 0: bcm43362_ap_add(h->chip, &ap); break;
    case 1: bcm43362_ap_update(h->chip, &ap); break;
    default: bcm43362_ap_remove(h->chip, ap.bssid); break;
    }
}

/* Snapshot blobs are ~430 KB: keep one buffer (fresh allocations per input would make
 * the page faults dominate the run time). */
static uint8_t *snapshot_buffer(void)
{
    static uint8_t *blob;
    if (!blob) {
        blob = malloc(bcm43362_snapshot_size());
    }
    return blob;
}

static void snapshot_op(struct fuzz_host *h, struct input *in)
{
    const size_t size = bcm43362_snapshot_size();
    uint8_t *blob = snapshot_buffer();
    if (!blob || !bcm43362_snapshot_save(h->chip, blob, size)) {
        return;
    }
    /* corrupt a few bytes: a snapshot file is not trusted either */
    const uint8_t flips = take8(in) % 8;
    for (uint8_t i = 0; i < flips; i++) {
        const size_t at = 8 + take32(in) % (size - 8);
        blob[at] ^= take8(in);
    }
    /* Only memory safety is promised for a damaged blob: queued frames may be garbage. */
    h->tainted |= flips != 0;
    h->irq_known = false;                             /* a load re-reports the level */
    bcm43362_snapshot_load(h->chip, blob, size);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* Device OS's join in one step (reference §3.3 B) with a chosen network and key. */
static void join_op(struct fuzz_host *h, struct input *in)
{
    static const char *const ssids[] = { "Home", "Cafe", "IEEE", "Nowhere" };
    static const char *const keys[] = {
        "correct horse", "wrong horse", "password",
        "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e",
        "0000000000000000000000000000000000000000000000000000000000000000", "short",
    };
    const uint8_t sel = take8(in);
    const char *ssid = ssids[sel % 4];
    const char *key = keys[(sel >> 2) % 6];
    const bool open = sel & 0x80;
    uint8_t b[68];
    put32(b, open ? 0 : 4);
    send_ioctl(h, 134, true, 0, b, 4, 4);                                   /* WSEC */
    put32(b, open ? 0 : 0x80);
    send_ioctl(h, 165, true, 0, b, 4, 4);                                   /* WPA_AUTH */
    memset(b, 0, sizeof b);
    b[0] = (uint8_t)strlen(key);
    b[2] = 1;
    memcpy(b + 4, key, strlen(key));
    send_ioctl(h, 268, true, 0, b, 68, 68);                                 /* WSEC_PMK */
    memset(b, 0, sizeof b);
    put32(b, (uint32_t)strlen(ssid));
    memcpy(b + 4, ssid, strlen(ssid));
    send_ioctl(h, 26, true, 0, b, 36, 36);                                  /* SET_SSID */
    read_frames(h);
}

static void escan_op(struct fuzz_host *h, struct input *in)
{
    uint8_t b[6 + 72 + 28] = "escan";
    uint8_t *p = b + 6;
    const uint8_t sel = take8(in);
    put32(p, 1);
    p[4] = (sel & 0x10) ? 3 : 1;                                           /* ABORT / START */
    p[6] = sel;
    if (sel & 0x20) {
        put32(p + 8, 4);
        memcpy(p + 12, "Home", 4);
    }
    const unsigned nchannels = sel & 0x40 ? 1u + (sel & 3) : 0;
    put32(p + 68, nchannels);
    for (unsigned i = 0; i < nchannels; i++) {
        p[72 + 2 * i] = take8(in) % 15;
    }
    send_ioctl(h, 263, true, 0, b, 6 + 72 + 2 * nchannels, (uint32_t)(6 + 72 + 2 * nchannels));
}

/* SoftAP up/down ("bss" {1, up}) or an Ethernet frame with a well-formed BDC header. */
static void softap_or_data_op(struct fuzz_host *h, struct input *in)
{
    uint8_t b[4 + 1514] = { 0x20 };
    const uint8_t sel = take8(in);
    if (sel & 1) {
        uint8_t v[12] = "bss";
        put32(v + 4, 1);
        put32(v + 8, (sel >> 1) & 1);
        send_ioctl(h, 263, true, 0, v, sizeof v, sizeof v);
        return;
    }
    b[2] = (sel >> 1) & 1;                                                  /* interface */
    const size_t len = take16(in) % (sizeof b - 4 + 1);
    take_bytes(in, b + 4, len);
    send_frame(h, 2, b, 4 + len);
}

static void run_op(struct fuzz_host *h, struct input *in)
{
    static uint8_t buf[MAX_TRANSFER];
    uint32_t resp;
    const uint8_t op = take8(in);
    if (tracing()) {
        fprintf(stderr, "op %u (%zu input bytes left)\n", op % 21, in->left);
    }
    switch (op % 21) {
    case 0: {                                         /* raw CMD52 */
        bcm43362_sdio_command(h->chip, 52, take32(in), &resp);
        break;
    }
    case 1: {                                         /* raw CMD53 write */
        const uint32_t arg = take32(in) | 1u << 31;
        bcm43362_sdio_command(h->chip, 53, arg, &resp);
        size_t len = bcm43362_cmd53_length(h->chip, arg);
        if (len > MAX_TRANSFER) {
            break;
        }
        take_bytes(in, buf, len);
        bcm43362_cmd53_write(h->chip, arg, buf, len);
        break;
    }
    case 2: {                                         /* raw CMD53 read */
        const uint32_t arg = take32(in) & ~(1u << 31);
        bcm43362_sdio_command(h->chip, 53, arg, &resp);
        const size_t len = bcm43362_cmd53_length(h->chip, arg);
        if (len <= MAX_TRANSFER) {
            bcm43362_cmd53_read(h->chip, arg, buf, len);
        }
        break;
    }
    case 3: {                                         /* any other command */
        const uint8_t cmd = take8(in) & 63;
        bcm43362_sdio_command(h->chip, cmd, take32(in), &resp);
        break;
    }
    case 4:
        advance(h, (uint64_t)take16(in) * 1000000u);
        break;
    case 5: {                                         /* a well-formed SDPCM frame */
        const unsigned channel = take8(in) & 0x0F;
        const size_t len = take16(in) % 1600;
        take_bytes(in, buf, len);
        send_frame(h, channel, buf, len);
        break;
    }
    case 6: {                                         /* an ioctl */
        const uint16_t sel = take16(in);
        const uint32_t cmd = sel & 0x8000 ? sel : ioctl_cmds[sel % (sizeof ioctl_cmds / sizeof ioctl_cmds[0])];
        const uint8_t flags = take8(in);
        const size_t len = take16(in) % 1600;
        const uint32_t declared = (flags & 0x10) ? take32(in) : (uint32_t)len;
        take_bytes(in, buf, len);
        send_ioctl(h, cmd, flags & 1, (flags >> 1) & 3, buf, len, declared);
        break;
    }
    case 7: {                                         /* an iovar by name */
        const char *name = iovar_names[take8(in) % (sizeof iovar_names / sizeof iovar_names[0])];
        const bool set = take8(in) & 1;
        const size_t n = strlen(name) + 1;
        const size_t vlen = take16(in) % 600;
        memcpy(buf, name, n);
        take_bytes(in, buf + n, vlen);
        send_ioctl(h, set ? 263 : 262, set, 0, buf, n + vlen, (uint32_t)(n + vlen));
        break;
    }
    case 8: {                                         /* from the network */
        const size_t len = take16(in) % 1600;
        take_bytes(in, buf, len);
        if (len && (take8(in) & 1)) {
            buf[0] = 0xFF;
            memset(buf, 0xFF, len < 6 ? len : 6);
        }
        bcm43362_eth_from_network(h->chip, buf, len);
        break;
    }
    case 9:
        ap_op(h, in);
        break;
    case 10:
        bcm43362_set_power(h->chip, take8(in) & 1);
        h->tx_seq = 0;
        break;
    case 11:
        read_frames(h);
        break;
    case 12:
        snapshot_op(h, in);
        break;
    case 13:
        bp_write(h, 0x18002040, 4, 0x08);               /* poke */
        break;
    case 14:
        cmd52(h, true, 0, 0x06, 0x02);                  /* IOABORT + RF_TERM */
        cmd52(h, true, 1, 0x1000D, 0x01);
        break;
    case 15:
        bring_up(h);
        break;
    case 16:
        h->echo = !h->echo;
        break;
    case 17:
        join_op(h, in);
        break;
    case 18:
        escan_op(h, in);
        break;
    case 19:
        softap_or_data_op(h, in);
        break;
    default: {                                        /* backplane access through the window */
        const uint32_t addr = take32(in);
        if (take8(in) & 1) {
            bp_write(h, addr, 4, take32(in));
        } else {
            bp_read(h, addr);
        }
        break;
    }
    }
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    CHECK(st.frames_queued <= 64);
}

/* Prepare the chip the way the setup byte asks (bring-up, two APs, WLC_UP). */
static void prepare(struct fuzz_host *h, uint8_t setup)
{
    if (setup & 0x01) {
        bring_up(h);
    }
    if (setup & 0x02) {
        struct bcm43362_ap ap = { .ssid = "Home", .bssid = { 2, 0, 0, 0, 0, 1 }, .channel = 6, .rssi_dbm = -40,
                                  .security = BCM43362_SECURITY_WPA2_PSK, .passphrase = "correct horse" };
        bcm43362_ap_add(h->chip, &ap);
        struct bcm43362_ap cafe = { .ssid = "Cafe", .bssid = { 2, 0, 0, 0, 0, 2 }, .channel = 1, .rssi_dbm = -70,
                                    .security = BCM43362_SECURITY_OPEN };
        bcm43362_ap_add(h->chip, &cafe);
    }
    if (setup & 0x04) {
        send_ioctl(h, 2, true, 0, NULL, 0, 0);             /* WLC_UP */
        read_frames(h);
    }
}

/* Two chips (with and without the CMD0 reset fallback) live for the whole run.  Each input
 * starts from one of 8 prepared states per chip, restored from snapshots taken once:
 * re-running the bring-up or allocating a new chip per input would cost more than the
 * input itself. */
#define START_STATES 8
static struct fuzz_host host;
static bcm43362 *chips[2];
static struct start_state {
    uint8_t *blob;
    struct fuzz_host host;
} starts[2][START_STATES];

static bool setup_chips(void)
{
    static const struct bcm43362_host_ops ops = { cb_now, cb_set_timer, cb_set_irq, cb_eth, cb_log };
    const size_t size = bcm43362_snapshot_size();
    uint8_t *power_on = malloc(size);
    if (!power_on) {
        return false;
    }
    for (int c = 0; c < 2; c++) {
        struct bcm43362_config cfg = { .seed = 0x43362, .reset_on_cmd0 = c == 1 };
        chips[c] = bcm43362_create(&ops, &host, &cfg);
        if (!chips[c] || !bcm43362_snapshot_save(chips[c], power_on, size)) {
            return false;
        }
        for (int i = 0; i < START_STATES; i++) {
            memset(&host, 0, sizeof host);
            host.now = 1000000000ull;
            host.timer = UINT64_MAX;
            host.chip = chips[c];
            if (!bcm43362_snapshot_load(chips[c], power_on, size)) {
                return false;
            }
            prepare(&host, (uint8_t)i);
            starts[c][i].blob = malloc(size);
            if (!starts[c][i].blob || !bcm43362_snapshot_save(chips[c], starts[c][i].blob, size)) {
                return false;
            }
            starts[c][i].host = host;
        }
    }
    free(power_on);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready && !(ready = setup_chips())) {
        abort();
    }
    struct input in = { data, size };
    const uint8_t setup = take8(&in);
    const struct start_state *start = &starts[(setup >> 6) & 1][setup % START_STATES];
    host = start->host;
    host.irq_known = false;                            /* the load re-reports the level */
    CHECK(bcm43362_snapshot_load(host.chip, start->blob, bcm43362_snapshot_size()));
    struct fuzz_host *h = &host;

    for (int ops_run = 0; in.left && ops_run < 256; ops_run++) {
        run_op(h, &in);
    }
    advance(h, 10000000000ull);                        /* let every pending action fire */
    read_frames(h);
    return 0;
}
