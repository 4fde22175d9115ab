/* Reading a run's summary.json (written by the photon machine). */
#ifndef PHOTON_SIM_RUN_SUMMARY_H
#define PHOTON_SIM_RUN_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct run_summary {
    double virtual_seconds;
    double wall_seconds;
    int64_t guest_instructions;
    int64_t ns_per_instruction;
    char exit_reason[256];
    bool strict_failure;
    unsigned resets;
    char patterns[1024];        /* comma-separated, in first-seen order */
    uint64_t unmodelled_accesses;
    char unmodelled[2048];      /* one "device 0xADDRESS read xN" per line */
    int64_t instructions_run;   /* guest_instructions less the idle time skipped */
    double skipped_virtual_seconds;
} run_summary;

/* 0 on success; -1 if the file is missing or malformed (message on stderr). */
int run_summary_load(const char *path, run_summary *out);
void run_summary_print(const run_summary *s, FILE *out);

/* profile.jsonl (written with --profile) as a table, a row per LED phase. */
int run_profile_print(const char *path, FILE *out);

#endif
