/*
 * The chip object: lifetime, WL_REG_ON, the firmware "boot" that the ARM wrapper release
 * stands for, the interrupt line and the single timer, diagnostics and snapshots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcm43362_priv.h"

static const uint8_t default_mac[6] = BCM43362_DEFAULT_MAC;

/* tohostmailboxdata after boot: HMB_DATA_DEVREADY | HMB_DATA_FWREADY | SDPCM protocol 4.
 * WWD never reads it; brcmfmac does. */
#define HOST_MAILBOX_READY 0x0004000Au

uint64_t chip_now(const bcm43362 *chip)
{
    return chip->ops.now_ns(chip->opaque);
}

void chip_log(bcm43362 *chip, const char *fmt, ...)
{
    if (!chip->ops.log) {
        return;
    }
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    chip->ops.log(chip->opaque, line);
}

bool chip_log_once(bcm43362 *chip, enum log_once which)
{
    if (chip->s.diag.logged_once_flags & which) {
        return false;
    }
    chip->s.diag.logged_once_flags |= which;
    return true;
}

void chip_unmodelled(bcm43362 *chip, const char *space, uint32_t addr, bool write, uint32_t value)
{
    struct diagnostics *d = &chip->s.diag;
    d->stats.unmodelled_accesses++;
    if (d->logged_addr_count >= DIAG_LOGGED_ADDRS) {
        return;                         /* the log budget is spent: count only */
    }
    for (uint32_t i = 0; i < d->logged_addr_count; i++) {
        if (d->logged_addrs[i] == addr) {
            return;
        }
    }
    d->logged_addrs[d->logged_addr_count++] = addr;
    if (write) {
        chip_log(chip, "bcm43362: unmodelled %s write 0x%05x = 0x%02x (logged once per address)",
                 space, addr, value);
    } else {
        chip_log(chip, "bcm43362: unmodelled %s read 0x%05x (reads 0; logged once per address)", space, addr);
    }
}

uint64_t chip_random(bcm43362 *chip)
{
    /* splitmix64: deterministic for a given seed, good enough for "rand". */
    uint64_t z = (chip->s.rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The MAC the firmware takes at boot: configured, else NVRAM "macaddr=", else the default. */
void chip_configured_mac(const bcm43362 *chip, uint8_t mac[6])
{
    if (chip->s.mac_override) {
        memcpy(mac, chip->s.mac_config, 6);
    } else if (chip->s.nvram_mac_valid) {
        memcpy(mac, chip->s.nvram_mac, 6);
    } else {
        memcpy(mac, default_mac, 6);
    }
}

/* The MAC in use: the firmware's cur_etheraddr once it runs. */
void chip_current_mac(const bcm43362 *chip, uint8_t mac[6])
{
    if (chip->s.fw.running) {
        memcpy(mac, chip->s.wl.mac, 6);
    } else {
        chip_configured_mac(chip, mac);
    }
}

bool chip_ht_available(const bcm43362 *chip)
{
    return chip->s.powered && chip->s.fw.running &&
           chip_now(chip) >= chip->s.fw.boot_ns + FW_HT_AVAIL_DELAY_NS;
}

bool chip_f2_ready(const bcm43362 *chip)
{
    return chip->s.powered && (chip->s.sdio.ioen & 0x04) && chip->s.fw.running &&
           chip_now(chip) >= chip->s.fw.boot_ns + FW_F2_READY_DELAY_NS;
}

bool chip_irq_pending(const bcm43362 *chip)
{
    return (chip->s.core.intstatus & chip->s.core.hostintmask) != 0;
}

/* The line WWD sees: a pending SDIO-core interrupt, routed through CCCR INTEN master + F2. */
static bool irq_level(const bcm43362 *chip)
{
    const uint8_t inten = chip->s.sdio.inten;
    return chip->s.powered && chip_irq_pending(chip) && (inten & 0x01) && (inten & 0x04);
}

/* Report the interrupt level and the next deadline if they changed.  Every public entry
 * point ends here, so internal code only changes state. */
static void chip_sync_report(bcm43362 *chip, bool force)
{
    const bool level = irq_level(chip);
    if (force || level != chip->irq_reported) {
        chip->irq_reported = level;
        if (chip->ops.set_irq) {
            chip->ops.set_irq(chip->opaque, level);
        }
    }
    const uint64_t deadline = chip->s.powered ? wl_next_deadline(chip) : UINT64_MAX;
    if (force || deadline != chip->armed_deadline) {
        chip->armed_deadline = deadline;
        if (chip->ops.set_timer) {
            chip->ops.set_timer(chip->opaque, deadline);
        }
    }
}

static void chip_sync(bcm43362 *chip)
{
    chip_sync_report(chip, false);
}

static void firmware_boot(bcm43362 *chip)
{
    struct bcm43362_state *s = &chip->s;
    uint32_t start, len, token;

    s->fw.running = true;
    s->fw.boot_ns = chip_now(chip);
    s->diag.stats.boots++;
    s->nvram_mac_valid = false;
    if (nvram_locate(s->ram, &start, &len, &token)) {
        s->nvram_mac_valid = nvram_find_macaddr(s->ram, start, len, s->nvram_mac);
        chip_log(chip, "bcm43362: ARM released: firmware starts (%llu RAM bytes written since power-on, "
                 "NVRAM %u bytes at 0x%05x%s)", (unsigned long long)s->fw.ram_bytes_downloaded, len, start,
                 s->nvram_mac_valid ? ", macaddr found" : ", no macaddr");
    } else {
        s->diag.stats.nvram_token_errors++;
        chip_log(chip, "bcm43362: ARM released but the NVRAM length token at 0x%05x is 0x%08x "
                 "(expected ~(n)<<16 | n words); booting anyway without NVRAM", NVRAM_TOKEN_ADDR, token);
    }
    sdpcm_reset(&s->sdpcm);
    wl_reset(chip);
    s->core.tohostmailboxdata = HOST_MAILBOX_READY;
}

static void firmware_halt(bcm43362 *chip)
{
    if (!chip->s.fw.running) {
        return;
    }
    chip->s.fw.running = false;
    sdpcm_reset(&chip->s.sdpcm);
    wl_reset(chip);
    chip_log(chip, "bcm43362: ARM put back into reset: firmware stopped");
}

/* The ARM core runs when its wrapper is out of reset with the clock on and not halted;
 * the firmware (re)starts on the transition, i.e. when WWD releases it after the download. */
void chip_wrappers_changed(bcm43362 *chip)
{
    const struct core_wrappers *w = &chip->s.wrap;
    const bool runnable = !(w->arm_resetctrl & 0x01) && (w->arm_ioctrl & 0x01) && !(w->arm_ioctrl & 0x20);
    if (runnable == w->arm_runnable) {
        return;
    }
    chip->s.wrap.arm_runnable = runnable;
    if (runnable) {
        firmware_boot(chip);
    } else {
        firmware_halt(chip);
    }
}

void chip_reset_everything(bcm43362 *chip)
{
    struct bcm43362_state *s = &chip->s;
    sdio_card_reset(&s->sdio);
    sdio_core_reset(chip);
    memset(&s->fw, 0, sizeof s->fw);
    sdpcm_reset(&s->sdpcm);
    s->nvram_mac_valid = false;
    memset(s->ram, 0, sizeof s->ram);
    wl_reset(chip);
}

bcm43362 *bcm43362_create(const struct bcm43362_host_ops *ops, void *opaque, const struct bcm43362_config *cfg)
{
    if (!ops || !ops->now_ns) {
        return NULL;
    }
    bcm43362 *chip = calloc(1, sizeof *chip);
    if (!chip) {
        return NULL;
    }
    chip->ops = *ops;
    chip->opaque = opaque;
    chip->armed_deadline = UINT64_MAX;
    chip->deadline_stale = true;
    if (cfg) {
        chip->reset_on_cmd0 = cfg->reset_on_cmd0;
        chip->s.rng = cfg->seed;
        chip->s.mac_override = cfg->mac_override;
        memcpy(chip->s.mac_config, cfg->mac, 6);
    }
    chip_reset_everything(chip);
    return chip;
}

void bcm43362_destroy(bcm43362 *chip)
{
    free(chip);
}

void bcm43362_set_power(bcm43362 *chip, bool on)
{
    if (on != chip->s.powered) {
        chip_reset_everything(chip);
        chip->s.powered = on;
        chip_log(chip, "bcm43362: WL_REG_ON %s", on ? "high: chip out of reset" : "low: chip held in reset");
    }
    chip_sync(chip);
}

bool bcm43362_is_powered(const bcm43362 *chip)
{
    return chip->s.powered;
}

enum bcm43362_sdio_result bcm43362_sdio_command(bcm43362 *chip, unsigned cmd, uint32_t arg, uint32_t *resp)
{
    uint32_t dummy;
    enum bcm43362_sdio_result r = sdio_card_command(chip, cmd, arg, resp ? resp : &dummy);
    chip_sync(chip);
    return r;
}

size_t bcm43362_cmd53_length(const bcm43362 *chip, uint32_t arg)
{
    return sdio_card_cmd53_length(chip, arg);
}

void bcm43362_cmd53_write(bcm43362 *chip, uint32_t arg, const uint8_t *data, size_t len)
{
    if (data || len == 0) {
        sdio_card_cmd53_write(chip, arg, data, len);
    }
    chip_sync(chip);
}

void bcm43362_cmd53_read(bcm43362 *chip, uint32_t arg, uint8_t *buf, size_t len)
{
    if (buf || len == 0) {
        sdio_card_cmd53_read(chip, arg, buf, len);
    }
    chip_sync(chip);
}

void bcm43362_timer_expired(bcm43362 *chip, uint64_t now_ns)
{
    /* The caller's deadline is consumed; chip_sync() re-arms whatever is still pending. */
    chip->armed_deadline = UINT64_MAX;
    if (chip->s.powered && chip->s.fw.running) {
        wl_timer_fire(chip, now_ns);
    }
    chip_sync(chip);
}

bool bcm43362_eth_from_network(bcm43362 *chip, const uint8_t *frame, size_t len)
{
    bool queued = false;
    if (frame && chip->s.powered && chip->s.fw.running) {
        queued = wl_data_from_network(chip, frame, len);
    } else {
        chip->s.diag.stats.eth_dropped_to_host++;
    }
    chip_sync(chip);
    return queued;
}

bool bcm43362_ap_add(bcm43362 *chip, const struct bcm43362_ap *ap)
{
    bool ok = ap && wl_ap_add(chip, ap);
    chip_sync(chip);
    return ok;
}

bool bcm43362_ap_update(bcm43362 *chip, const struct bcm43362_ap *ap)
{
    bool ok = ap && wl_ap_update(chip, ap);
    chip_sync(chip);
    return ok;
}

bool bcm43362_ap_remove(bcm43362 *chip, const uint8_t bssid[6])
{
    bool ok = bssid && wl_ap_remove(chip, bssid);
    chip_sync(chip);
    return ok;
}

size_t bcm43362_ap_count(const bcm43362 *chip)
{
    size_t n = 0;
    for (size_t i = 0; i < BCM43362_MAX_APS; i++) {
        n += chip->s.aps[i].used;
    }
    return n;
}

void bcm43362_set_mac(bcm43362 *chip, const uint8_t mac[6])
{
    chip->s.mac_override = true;
    memcpy(chip->s.mac_config, mac, 6);
    if (chip->s.fw.running) {
        memcpy(chip->s.wl.mac, mac, 6);
    }
}

void bcm43362_get_mac(const bcm43362 *chip, uint8_t mac[6])
{
    chip_current_mac(chip, mac);
}

void bcm43362_get_status(const bcm43362 *chip, struct bcm43362_status *out)
{
    const struct bcm43362_state *s = &chip->s;
    memset(out, 0, sizeof *out);
    out->powered = s->powered;
    out->firmware_running = s->fw.running;
    out->f2_ready = chip_f2_ready(chip);
    out->irq_level = irq_level(chip);
    out->wl_up = s->wl.up;
    out->sta_associated = s->wl.sta.link_up;
    out->sta_keyed = s->wl.sta.link_up && s->wl.sta.keyed;
    out->softap_up = s->wl.softap_up;
    if (s->wl.sta.state != STA_IDLE) {
        memcpy(out->bssid, s->wl.sta.bss.bssid, 6);
        memcpy(out->ssid, s->wl.sta.bss.ssid, sizeof out->ssid);
        out->ssid[32] = '\0';
    }
    chip_current_mac(chip, out->mac);
    out->frames_queued = s->sdpcm.count;
}

void bcm43362_get_stats(const bcm43362 *chip, struct bcm43362_stats *out)
{
    *out = chip->s.diag.stats;
}

void bcm43362_dump(const bcm43362 *chip, void (*line)(void *ctx, const char *text), void *ctx)
{
    const struct diagnostics *d = &chip->s.diag;
    const struct bcm43362_stats *st = &d->stats;
    char buf[256];

#define EMIT(...) do { snprintf(buf, sizeof buf, __VA_ARGS__); line(ctx, buf); } while (0)
    EMIT("sdio: %llu CMD52, %llu CMD53 reads, %llu CMD53 writes, %llu errors; %llu unmodelled accesses",
         (unsigned long long)st->cmd52, (unsigned long long)st->cmd53_reads,
         (unsigned long long)st->cmd53_writes, (unsigned long long)st->sdio_errors,
         (unsigned long long)st->unmodelled_accesses);
    EMIT("firmware: %u boots, %llu RAM bytes written, %u bad NVRAM tokens", st->boots,
         (unsigned long long)st->ram_bytes_written, st->nvram_token_errors);
    EMIT("sdpcm: host→chip %llu frames (%llu bad, %llu beyond credit), %llu pokes, %llu aborts; "
         "chip→host %llu frames (%llu credit-only, %llu dropped: queue full)",
         (unsigned long long)st->host_frames, (unsigned long long)st->host_frames_bad,
         (unsigned long long)st->credit_violations, (unsigned long long)st->pokes,
         (unsigned long long)st->f2_aborts, (unsigned long long)st->chip_frames,
         (unsigned long long)st->credit_frames, (unsigned long long)st->frames_dropped_queue_full);
    EMIT("control: %llu ioctls (%llu failed, %llu unknown answered with zeros), %llu events",
         (unsigned long long)st->ioctls, (unsigned long long)st->ioctl_errors,
         (unsigned long long)st->unknown_ioctls, (unsigned long long)st->events);
    EMIT("wifi: %llu joins (%llu ok, %llu failed), %llu link losses, %llu scans (%llu results)",
         (unsigned long long)st->joins, (unsigned long long)st->joins_ok, (unsigned long long)st->joins_failed,
         (unsigned long long)st->link_losses, (unsigned long long)st->scans, (unsigned long long)st->scan_results);
    EMIT("ethernet: %llu to network (%llu dropped), %llu to host (%llu dropped)",
         (unsigned long long)st->eth_to_network, (unsigned long long)st->eth_dropped_to_network,
         (unsigned long long)st->eth_to_host, (unsigned long long)st->eth_dropped_to_host);
    for (uint32_t cmd = 0; cmd <= WLC_LAST; cmd++) {
        if (!d->ioctl_counts[cmd] || cmd == WLC_GET_VAR || cmd == WLC_SET_VAR) {
            continue;
        }
        const char *name = cmd < WLC_LAST ? bcm43362_ioctl_name(cmd) : "(>= 320)";
        EMIT("ioctl %3u %-24s x%u", cmd, name ? name : "(unknown)", d->ioctl_counts[cmd]);
    }
    for (size_t i = 0; i < DIAG_IOVAR_NAMES && d->iovars[i].name[0]; i++) {
        EMIT("iovar %-32s get x%u set x%u%s", d->iovars[i].name, d->iovars[i].gets, d->iovars[i].sets,
             d->iovars[i].unknown_logged ? " (no behaviour modelled)" : "");
    }
    if (d->iovar_overflow) {
        EMIT("iovar (names beyond the table) x%u", d->iovar_overflow);
    }
#undef EMIT
}

/* ---- Snapshots ---- */

struct snapshot_header {
    uint32_t magic;
    uint32_t size;
};
#define SNAPSHOT_MAGIC 0x43362A01u

size_t bcm43362_snapshot_size(void)
{
    return sizeof(struct snapshot_header) + sizeof(struct bcm43362_state);
}

bool bcm43362_snapshot_save(const bcm43362 *chip, void *buf, size_t len)
{
    if (!buf || len < bcm43362_snapshot_size()) {
        return false;
    }
    struct snapshot_header h = { SNAPSHOT_MAGIC, (uint32_t)sizeof(struct bcm43362_state) };
    memcpy(buf, &h, sizeof h);
    memcpy((uint8_t *)buf + sizeof h, &chip->s, sizeof chip->s);
    return true;
}

bool bcm43362_snapshot_load(bcm43362 *chip, const void *buf, size_t len)
{
    struct snapshot_header h;
    if (!buf || len != bcm43362_snapshot_size()) {
        return false;
    }
    memcpy(&h, buf, sizeof h);
    if (h.magic != SNAPSHOT_MAGIC || h.size != sizeof(struct bcm43362_state)) {
        return false;
    }
    memcpy(&chip->s, (const uint8_t *)buf + sizeof h, sizeof chip->s);

    struct bcm43362_state *s = &chip->s;
    FIX_BOOL(s->powered);
    FIX_BOOL(s->wrap.arm_runnable);
    FIX_BOOL(s->fw.running);
    FIX_BOOL(s->nvram_mac_valid);
    FIX_BOOL(s->mac_override);
    sdio_card_sanitize(&s->sdio);
    sdpcm_sanitize(&s->sdpcm);
    wl_sanitize(chip);
    struct diagnostics *d = &s->diag;
    if (d->logged_addr_count > DIAG_LOGGED_ADDRS) {
        d->logged_addr_count = DIAG_LOGGED_ADDRS;
    }
    for (size_t i = 0; i < DIAG_IOVAR_NAMES; i++) {
        d->iovars[i].name[sizeof d->iovars[i].name - 1] = '\0';
        FIX_BOOL(d->iovars[i].unknown_logged);
    }
    /* Report both afresh: the host side may be a new one. */
    chip_sync_report(chip, true);
    return true;
}
