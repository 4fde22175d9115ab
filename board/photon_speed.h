/*
 * Where a run's wall time goes: instructions run, I/O that ended translation
 * blocks, clock reads answered inside them, idle time skipped, settled loops
 * skipped and jumps taken back (exec/fast-time.h).  Totals go into
 * summary.json; with profile=on, one line per LED phase goes into
 * profile.jsonl.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_SPEED_H
#define HW_PHOTON_SPEED_H

#include "qapi/qmp/qdict.h"

typedef struct PhotonSpeedSample {
    int64_t virtual_ns;
    int64_t wall_us;
    int64_t instructions;       /* counted by icount, skipped ones included */
    uint64_t io_accesses;
    uint64_t io_exits;
    uint64_t in_block_io;
    uint64_t idle_skips;        /* settled-loop skips included */
    uint64_t settled_skips;
    uint64_t settled_rollbacks;
    uint64_t skipped_instructions;
} PhotonSpeedSample;

typedef struct PhotonSpeed {
    FILE *profile;              /* profile.jsonl, or NULL */
    bool fast_io;               /* the machine's setting, for the summary */
    char *phase;                /* the LED pattern since the last sample */
    PhotonSpeedSample start, phase_start;
    bool stopped;
    PhotonSpeedSample stop;
} PhotonSpeed;

/* Starts counting; @profile_path (may be NULL) receives a line per phase. */
void photon_speed_start(PhotonSpeed *s, const char *profile_path, Error **errp);
/* The LED now shows @pattern: the phase before it ends here. */
void photon_speed_phase(PhotonSpeed *s, const char *pattern);
/* The run is over (the CPU may run on until QEMU stops it): stop counting. */
void photon_speed_stop(PhotonSpeed *s);
/* Once QEMU stops: the last phase ends, the totals go into @summary. */
void photon_speed_finish(PhotonSpeed *s, QDict *summary);

#endif
