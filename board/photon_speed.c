/*
 * Where a run's wall time goes (see photon_speed.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/timer.h"
#include "sysemu/cpu-timers.h"
#include "exec/fast-time.h"
#include "qapi/qmp/qnum.h"
#include "qapi/qmp/qjson.h"
#include "hw/photon/board/photon_speed.h"

static PhotonSpeedSample speed_sample(void)
{
    return (PhotonSpeedSample) {
        .virtual_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL),
        .wall_us = g_get_monotonic_time(),
        .instructions = icount_enabled() ? icount_get_raw() : 0,
        .io_accesses = fast_time_stats.io_accesses,
        .io_exits = fast_time_stats.io_recompiles,
        .in_block_io = fast_time_stats.in_block_io,
        .idle_skips = fast_time_stats.idle_skips,
        .settled_skips = fast_time_stats.settled_skips,
        .settled_rollbacks = fast_time_stats.settled_rollbacks,
        .skipped_instructions = fast_time_stats.idle_skipped_insns,
    };
}

/* What happened between @a and @b, as JSON members. */
static void speed_put(QDict *d, const PhotonSpeedSample *a, const PhotonSpeedSample *b)
{
    int64_t ns_per_insn = icount_enabled() ? icount_to_ns(1) : 0;
    uint64_t skipped = b->skipped_instructions - a->skipped_instructions;
    double virtual_s = (b->virtual_ns - a->virtual_ns) / 1e9;
    double wall_s = (b->wall_us - a->wall_us) / 1e6;

    qdict_put(d, "virtual_seconds", qnum_from_double(virtual_s));
    qdict_put(d, "wall_seconds", qnum_from_double(wall_s));
    qdict_put(d, "speed", qnum_from_double(wall_s > 0 ? virtual_s / wall_s : 0));
    qdict_put_int(d, "instructions_run", b->instructions - a->instructions - skipped);
    qdict_put_int(d, "io_accesses", b->io_accesses - a->io_accesses);
    qdict_put_int(d, "io_block_exits", b->io_exits - a->io_exits);
    qdict_put_int(d, "in_block_io", b->in_block_io - a->in_block_io);
    qdict_put_int(d, "idle_skips", b->idle_skips - a->idle_skips);
    qdict_put_int(d, "settled_skips", b->settled_skips - a->settled_skips);
    qdict_put_int(d, "settled_rollbacks", b->settled_rollbacks - a->settled_rollbacks);
    qdict_put(d, "skipped_virtual_seconds", qnum_from_double(skipped * ns_per_insn / 1e9));
}

static void speed_end_phase(PhotonSpeed *s, const PhotonSpeedSample *now)
{
    g_autoptr(QDict) line = qdict_new();
    g_autoptr(GString) json = NULL;

    if (!s->profile) {
        return;
    }
    qdict_put_str(line, "phase", s->phase ? s->phase : "power-on");
    qdict_put(line, "t", qnum_from_double(s->phase_start.virtual_ns / 1e9));
    speed_put(line, &s->phase_start, now);
    json = qobject_to_json(QOBJECT(line));
    fprintf(s->profile, "%s\n", json->str);
}

void photon_speed_start(PhotonSpeed *s, const char *profile_path, Error **errp)
{
    s->start = s->phase_start = speed_sample();
    if (profile_path) {
        s->profile = fopen(profile_path, "w");
        if (!s->profile) {
            error_setg_errno(errp, errno, "cannot create %s", profile_path);
        }
    }
}

void photon_speed_phase(PhotonSpeed *s, const char *pattern)
{
    PhotonSpeedSample now = speed_sample();

    speed_end_phase(s, &now);
    g_free(s->phase);
    s->phase = g_strdup(pattern);
    s->phase_start = now;
}

void photon_speed_stop(PhotonSpeed *s)
{
    if (!s->stopped) {
        s->stop = speed_sample();
        s->stopped = true;
    }
}

void photon_speed_finish(PhotonSpeed *s, QDict *summary)
{
    PhotonSpeedSample now = s->stopped ? s->stop : speed_sample();
    QDict *totals = qdict_new();

    speed_end_phase(s, &now);
    if (s->profile) {
        fclose(s->profile);
        s->profile = NULL;
    }
    speed_put(totals, &s->start, &now);
    qdict_put_bool(totals, "fast_io", s->fast_io);
    qdict_put_bool(totals, "idle_skip", fast_time_idle_skip);
    qdict_put(summary, "time", totals);
}
