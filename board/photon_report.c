/*
 * A run's report (see photon_report.h). summary.json is written when QEMU
 * exits, through a temporary file renamed into place, so a report's summary
 * is either complete or absent.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/timer.h"
#include "qapi/error.h"
#include "sysemu/sysemu.h"
#include "sysemu/cpu-timers.h"
#include "hw/photon/board/photon_report.h"
#include "hw/photon/peripherals/photon_unimp.h"

/* How often the classifier is told time has passed: the LED service's tick. */
#define CLASSIFY_TICK_NS (25 * SCALE_MS)

static double seconds(int64_t ns)
{
    return ns / 1e9;
}

/* Print a timeline line and mark it in steps.jsonl for the timeline picture. */
static void timeline_print(PhotonReport *r, int64_t t_ns, const char *what, bool mark)
{
    fprintf(stderr, "%10.3f s  %s\n", seconds(t_ns), what);
    if (mark && r->steps_log) {
        g_autofree char *json = g_strescape(what, NULL);

        fprintf(r->steps_log, "{\"t\": %.6f, \"step\": \"%s\"}\n", seconds(t_ns), json);
    }
}

static void append_unimp(const char *device, hwaddr address, bool is_write,
                         uint64_t count, void *opaque)
{
    GString *json = opaque;

    g_string_append_printf(json, "%s\n    {\"device\": \"%s\", \"address\": \"0x%08"
                           HWADDR_PRIx "\", \"access\": \"%s\", \"count\": %" PRIu64 "}",
                           json->len ? "," : "", device, address,
                           is_write ? "write" : "read", count);
}

static void photon_report_write_summary(Notifier *n, void *data)
{
    PhotonReport *r = container_of(n, PhotonReport, exit_notifier);
    g_autoptr(GString) unimp = g_string_new("");
    g_autofree char *path = NULL, *tmp = NULL;
    const char *strict_failure = photon_unimp_strict_failure();
    const char *reason = strict_failure ? strict_failure :
                         r->exit_reason ? r->exit_reason : "shutdown";
    int64_t virtual_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    double wall_s = (g_get_monotonic_time() - r->wall_start_us) / 1e6;
    int64_t instructions = icount_enabled() ? icount_get_raw() : -1;
    FILE *f;

    if (r->classifier) {
        led_pattern_flush(r->classifier, virtual_ns);
    }
    if (r->led_log) {
        fclose(r->led_log);
        r->led_log = NULL;
    }
    if (r->steps_log) {
        fclose(r->steps_log);
        r->steps_log = NULL;
    }
    if (!r->dir) {
        return;
    }
    photon_unimp_foreach(append_unimp, unimp);
    path = g_build_filename(r->dir, "summary.json", NULL);
    tmp = g_strconcat(path, ".tmp", NULL);
    f = fopen(tmp, "w");
    if (!f) {
        error_report("photon: cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    fprintf(f, "{\n  \"virtual_seconds\": %.9f,\n  \"wall_seconds\": %.3f,\n"
            "  \"guest_instructions\": %" PRId64 ",\n"
            "  \"exit_reason\": \"%s\",\n  \"strict_failure\": %s,\n"
            "  \"resets\": [%s],\n  \"patterns\": [%s],\n"
            "  \"unmodelled_accesses\": %" PRIu64 ",\n"
            "  \"unmodelled\": [%s\n  ]\n}\n",
            seconds(virtual_ns), wall_s, instructions, reason,
            strict_failure ? "true" : "false", r->reset_causes->str,
            r->patterns->str, photon_unimp_total(), unimp->str);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        error_report("photon: cannot write %s: %s", path, strerror(errno));
    }
}

static void report_pattern_event(void *opaque, const struct led_pattern_event *event)
{
    photon_report_pattern(opaque, event->start_ns, event->name);
}

static void report_classify_tick(void *opaque)
{
    PhotonReport *r = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    led_pattern_advance(r->classifier, now);
    timer_mod(r->classify_tick, now + CLASSIFY_TICK_NS);
}

void photon_report_open(PhotonReport *r, const char *dir, Error **errp)
{
    r->wall_start_us = g_get_monotonic_time();
    r->reset_causes = g_string_new("");
    r->patterns = g_string_new("");
    r->patterns_seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    r->classifier = led_pattern_new(0, report_pattern_event, r);
    r->classify_tick = timer_new_ns(QEMU_CLOCK_VIRTUAL, report_classify_tick, r);
    timer_mod(r->classify_tick, CLASSIFY_TICK_NS);
    r->exit_notifier.notify = photon_report_write_summary;
    qemu_add_exit_notifier(&r->exit_notifier);
    if (!dir) {
        return;
    }
    r->dir = g_strdup(dir);
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        error_setg_errno(errp, errno, "cannot create report folder %s", dir);
        return;
    }
    g_autofree char *path = g_build_filename(dir, "led.jsonl", NULL);
    g_autofree char *steps_path = g_build_filename(dir, "steps.jsonl", NULL);
    r->led_log = fopen(path, "w");
    r->steps_log = fopen(steps_path, "w");
    if (!r->led_log || !r->steps_log) {
        error_setg_errno(errp, errno, "cannot create %s", r->led_log ? steps_path : path);
    }
}

void photon_report_led(PhotonReport *r, int64_t t_ns, double red, double green,
                       double blue, bool d7)
{
    led_pattern_colour(r->classifier, t_ns, red, green, blue);
    if (r->led_log) {
        fprintf(r->led_log, "{\"t\": %.6f, \"rgb\": [%.4f, %.4f, %.4f], \"d7\": %s}\n",
                seconds(t_ns), red, green, blue, d7 ? "true" : "false");
    }
}

void photon_report_pattern(PhotonReport *r, int64_t t_ns, const char *name)
{
    if (r->led_log) {
        fprintf(r->led_log, "{\"t\": %.6f, \"pattern\": \"%s\"}\n", seconds(t_ns), name);
    }
    if (!g_hash_table_contains(r->patterns_seen, name)) {
        g_hash_table_add(r->patterns_seen, g_strdup(name));
        g_string_append_printf(r->patterns, "%s\"%s\"", r->patterns->len ? ", " : "", name);
    }
    timeline_print(r, t_ns, name, false);
}

void photon_report_reset(PhotonReport *r, int64_t t_ns, const char *cause)
{
    g_autofree char *line = g_strdup_printf("reset (%s)", cause);

    r->resets++;
    g_string_append_printf(r->reset_causes, "%s{\"t\": %.6f, \"cause\": \"%s\"}",
                           r->reset_causes->len ? ", " : "", seconds(t_ns), cause);
    timeline_print(r, t_ns, line, true);
}

void photon_report_event(PhotonReport *r, int64_t t_ns, const char *what)
{
    timeline_print(r, t_ns, what, true);
}

void photon_report_set_exit_reason(PhotonReport *r, const char *reason)
{
    g_free(r->exit_reason);
    r->exit_reason = g_strdup(reason);
}

const char *photon_report_current_pattern(PhotonReport *r)
{
    return led_pattern_current(r->classifier, &r->current) ? r->current.name : NULL;
}
