/*
 * A run's report: the LED timeline (led.jsonl), events, and summary.json,
 * written by the machine on the virtual clock, plus the timeline printed as
 * the run goes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_REPORT_H
#define HW_PHOTON_REPORT_H

#include "qemu/notify.h"
#include "qemu/timer.h"
#include "qapi/qmp/qlist.h"
#include "hw/photon/board/led_pattern.h"
#include "hw/photon/board/photon_speed.h"

/* A pattern the classifier named: it began at start_ns; now is observed_ns. */
typedef void (*PhotonReportPatternFn)(void *opaque, int64_t start_ns, int64_t observed_ns,
                                      const char *name);
/* Every classifier tick: no pattern reported later begins before horizon_ns. */
typedef void (*PhotonReportHorizonFn)(void *opaque, int64_t horizon_ns);

typedef struct PhotonReport {
    char *dir;
    FILE *led_log;              /* led.jsonl */
    FILE *steps_log;            /* steps.jsonl: resets and board events */
    FILE *cloud_log;            /* cloud.log: network and cloud diagnostics */
    char *exit_reason;
    int64_t wall_start_us;
    QList *resets;              /* of {"t", "cause"} */
    QList *patterns;            /* distinct pattern names, first-seen order */
    GHashTable *patterns_seen;
    struct led_pattern_classifier *classifier;
    QEMUTimer *classify_tick;   /* lets the classifier conclude between changes */
    struct led_pattern_event current;
    Notifier exit_notifier;
    bool ended;                 /* the run is over: what the CPU still does is not reported */
    int64_t end_ns;             /* when it ended (the CPU may run on until QEMU stops it) */
    int64_t end_instructions;
    PhotonReportPatternFn pattern_observer;
    PhotonReportHorizonFn horizon_observer;
    void *pattern_observer_opaque;
    PhotonSpeed speed;          /* set speed.fast_io before opening */
    bool profile;               /* write profile.jsonl (set before opening) */
} PhotonReport;

void photon_report_open(PhotonReport *r, const char *dir, Error **errp);
void photon_report_led(PhotonReport *r, int64_t t_ns, double red, double green,
                       double blue, bool d7);
/* The classifier named a pattern: led.jsonl gets it with its measured timings. */
void photon_report_pattern(PhotonReport *r, const struct led_pattern_event *event);
void photon_report_reset(PhotonReport *r, int64_t t_ns, const char *cause);
void photon_report_event(PhotonReport *r, int64_t t_ns, const char *what);
void photon_report_set_exit_reason(PhotonReport *r, const char *reason);
/*
 * The run ends at t_ns (until, or a scenario decided): the classifier reports what it
 * has seen, and nothing after t_ns reaches the LED log, so the report does not depend
 * on how long QEMU takes to stop.
 */
void photon_report_end(PhotonReport *r, int64_t t_ns);
/* A line of network or cloud diagnostics, for cloud.log. */
void photon_report_cloud_line(PhotonReport *r, int64_t t_ns, const char *line);
void photon_report_set_pattern_observer(PhotonReport *r, PhotonReportPatternFn fn,
                                        PhotonReportHorizonFn horizon, void *opaque);
/* The run ends at t_ns: the classifier reports what it has seen long enough. */
void photon_report_flush_patterns(PhotonReport *r, int64_t t_ns);
/* The pattern the LED shows now, or NULL; valid until the next call. */
const char *photon_report_current_pattern(PhotonReport *r);

#endif
