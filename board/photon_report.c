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
#include "qapi/qmp/qdict.h"
#include "qapi/qmp/qlist.h"
#include "qapi/qmp/qnum.h"
#include "qapi/qmp/qjson.h"
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
    QList *list = opaque;
    QDict *site = qdict_new();
    g_autofree char *addr = g_strdup_printf("0x%08" HWADDR_PRIx, address);

    qdict_put_str(site, "device", device);
    qdict_put_str(site, "address", addr);
    qdict_put_str(site, "access", is_write ? "write" : "read");
    qdict_put_int(site, "count", count);
    qlist_append(list, site);
}

/* Guest instructions executed, or -1 without icount. */
static int64_t instructions_so_far(void)
{
    return icount_enabled() ? icount_get_raw() : -1;
}

static void photon_report_write_summary(Notifier *n, void *data)
{
    PhotonReport *r = container_of(n, PhotonReport, exit_notifier);
    const char *strict_failure = photon_unimp_strict_failure();
    int64_t virtual_ns = r->ended ? r->end_ns : qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t instructions = r->ended ? r->end_instructions : instructions_so_far();
    g_autoptr(QDict) summary = qdict_new();
    g_autoptr(GString) json = NULL;
    g_autofree char *path = NULL, *tmp = NULL;
    QList *unimp = qlist_new();

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
    if (r->cloud_log) {
        fclose(r->cloud_log);
        r->cloud_log = NULL;
    }
    if (!r->dir) {
        qobject_unref(unimp);
        return;
    }
    photon_unimp_foreach(append_unimp, unimp);
    qdict_put(summary, "virtual_seconds", qnum_from_double(seconds(virtual_ns)));
    qdict_put(summary, "wall_seconds",
              qnum_from_double((g_get_monotonic_time() - r->wall_start_us) / 1e6));
    qdict_put_int(summary, "guest_instructions", instructions);
    qdict_put_int(summary, "ns_per_instruction", icount_enabled() ? icount_to_ns(1) : 0);
    qdict_put_str(summary, "exit_reason", strict_failure ? strict_failure :
                  r->exit_reason ? r->exit_reason : "shutdown");
    qdict_put_bool(summary, "strict_failure", strict_failure != NULL);
    qdict_put(summary, "resets", qobject_ref(r->resets));
    qdict_put(summary, "patterns", qobject_ref(r->patterns));
    qdict_put_int(summary, "unmodelled_accesses", photon_unimp_total());
    qdict_put(summary, "unmodelled", unimp);
    photon_speed_finish(&r->speed, summary);
    json = qobject_to_json_pretty(QOBJECT(summary), true);

    path = g_build_filename(r->dir, "summary.json", NULL);
    tmp = g_strconcat(path, ".tmp", NULL);
    if (!g_file_set_contents(tmp, json->str, json->len, NULL) || rename(tmp, path) != 0) {
        error_report("photon: cannot write %s: %s", path, strerror(errno));
    }
}

static void report_pattern_event(void *opaque, const struct led_pattern_event *event)
{
    PhotonReport *r = opaque;

    photon_report_pattern(r, event);
    photon_speed_phase(&r->speed, event->name);
    if (r->pattern_observer) {
        r->pattern_observer(r->pattern_observer_opaque, event->start_ns,
                            qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), event->name);
    }
}

void photon_report_set_pattern_observer(PhotonReport *r, PhotonReportPatternFn fn,
                                        PhotonReportHorizonFn horizon, void *opaque)
{
    r->pattern_observer = fn;
    r->horizon_observer = horizon;
    r->pattern_observer_opaque = opaque;
}

void photon_report_flush_patterns(PhotonReport *r, int64_t t_ns)
{
    led_pattern_flush(r->classifier, t_ns);
}

static void report_classify_tick(void *opaque)
{
    PhotonReport *r = opaque;
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);

    led_pattern_advance(r->classifier, now);
    if (r->horizon_observer) {
        r->horizon_observer(r->pattern_observer_opaque, led_pattern_horizon(r->classifier));
    }
    timer_mod(r->classify_tick, now + CLASSIFY_TICK_NS);
}

void photon_report_open(PhotonReport *r, const char *dir, Error **errp)
{
    r->wall_start_us = g_get_monotonic_time();
    r->resets = qlist_new();
    r->patterns = qlist_new();
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
    g_autofree char *cloud_path = g_build_filename(dir, "cloud.log", NULL);
    r->cloud_log = fopen(cloud_path, "w");
    g_autofree char *profile_path = g_build_filename(dir, "profile.jsonl", NULL);
    photon_speed_start(&r->speed, r->profile ? profile_path : NULL, errp);
    if (!r->led_log || !r->steps_log) {
        error_setg_errno(errp, errno, "cannot create %s", r->led_log ? steps_path : path);
    }
}

void photon_report_led(PhotonReport *r, int64_t t_ns, double red, double green,
                       double blue, bool d7)
{
    if (r->ended) {
        return;
    }
    led_pattern_colour(r->classifier, t_ns, red, green, blue);
    if (r->led_log) {
        fprintf(r->led_log, "{\"t\": %.6f, \"rgb\": [%.4f, %.4f, %.4f], \"d7\": %s}\n",
                seconds(t_ns), red, green, blue, d7 ? "true" : "false");
    }
}

void photon_report_pattern(PhotonReport *r, const struct led_pattern_event *event)
{
    const char *name = event->name;
    int64_t t_ns = event->start_ns;

    if (r->led_log) {
        fprintf(r->led_log, "{\"t\": %.6f, \"pattern\": \"%s\"", seconds(t_ns), name);
        if (event->period_ms > 0) {
            fprintf(r->led_log, ", \"period_ms\": %.3f", event->period_ms);
        }
        if (event->on_ms > 0) {
            fprintf(r->led_log, ", \"on_ms\": %.3f", event->on_ms);
        }
        fprintf(r->led_log, "}\n");
        fflush(r->led_log);     /* patterns are rare; live readers want them at once */
    }
    if (!g_hash_table_contains(r->patterns_seen, name)) {
        g_hash_table_add(r->patterns_seen, g_strdup(name));
        qlist_append_str(r->patterns, name);
    }
    timeline_print(r, t_ns, name, false);
}

void photon_report_reset(PhotonReport *r, int64_t t_ns, const char *cause)
{
    g_autofree char *line = g_strdup_printf("reset (%s)", cause);

    QDict *reset = qdict_new();

    qdict_put(reset, "t", qnum_from_double(seconds(t_ns)));
    qdict_put_str(reset, "cause", cause);
    qlist_append(r->resets, reset);
    timeline_print(r, t_ns, line, true);
}

void photon_report_event(PhotonReport *r, int64_t t_ns, const char *what)
{
    timeline_print(r, t_ns, what, true);
}

void photon_report_end(PhotonReport *r, int64_t t_ns)
{
    if (!r->ended) {
        led_pattern_flush(r->classifier, t_ns);
        r->ended = true;
        r->end_ns = t_ns;
        r->end_instructions = instructions_so_far();
        photon_speed_stop(&r->speed);
        if (r->led_log) {
            fflush(r->led_log);
        }
    }
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

void photon_report_cloud_line(PhotonReport *r, int64_t t_ns, const char *line)
{
    if (r->cloud_log) {
        /* Device-supplied text (event data) may hold any byte: keep the log text. */
        g_autofree char *text = g_strdup(line);

        for (char *c = text; *c; c++) {
            if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7F) {
                *c = '?';
            }
        }
        fprintf(r->cloud_log, "%10.6f %s\n", seconds(t_ns), text);
    }
}
