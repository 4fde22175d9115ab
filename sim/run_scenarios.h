/* photon-sim run FILE.yaml...: a library of scenarios, in parallel, with a
 * line per expectation as it is met or missed, a report folder per scenario
 * and JUnit XML for CI. */
#ifndef PHOTON_SIM_RUN_SCENARIOS_H
#define PHOTON_SIM_RUN_SCENARIOS_H

#include <stdbool.h>
#include <stddef.h>

#include "run_support.h"

typedef struct scenario_options {
    const char *report;  /* root folder: one sub-folder per scenario */
    const char *junit;   /* JUnit XML file, or NULL */
    unsigned jobs;       /* scenarios run at once */
    bool strict;         /* an unmodelled register access fails the run */
    bool gui;            /* show the board (one scenario at a time) */
    bool check_only;     /* parse and lint, run nothing */
    int icount_shift;    /* virtual ns per instruction = 2^shift */
    const char *usb_serial_chardev; /* -chardev for a terminal on the USB serial, or NULL */
    speed_options speed;
} scenario_options;

/* Exit status: 0 every scenario passed, 1 one failed or could not run, 2 a
 * scenario file is invalid (nothing ran), 3 stopped by --strict. */
int run_scenarios(const char *const *files, size_t count, const scenario_options *options);

#endif
