/* Locating the real firmware fixtures (scripts/fetch-fixtures.sh puts them in
 * $PHOTON_SIM_FIXTURES, default ~/.cache/photon-sim/firmware). */
#ifndef PHOTON_SIM_FIXTURES_H
#define PHOTON_SIM_FIXTURES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim_error.h"

typedef struct firmware_files {
    char bootloader[PATH_MAX];
    char system_part1[PATH_MAX];
    char system_part2[PATH_MAX];
    bool legacy_tinker; /* the matching Tinker is tinker-0.5.2.bin */
} firmware_files;

/* The fixture folder: $PHOTON_SIM_FIXTURES, else $HOME/.cache/photon-sim/firmware. */
int fixtures_dir(char *out, size_t size, sim_error *err);

/* `spec` is a Device OS version with fixtures (2.2.0, 1.5.0, 0.5.2) or a
 * folder holding bootloader.bin, system-part1.bin and system-part2.bin.
 * 0.5.2 ships no bootloader; 1.5.0's is used with it. */
int fixtures_resolve_firmware(const char *spec, firmware_files *out, sim_error *err);

/* `spec` is tinker, doctor or a file name. */
int fixtures_resolve_app(const char *spec, bool legacy_tinker, char *out, size_t size,
                         sim_error *err);
/* The same, with a relative file name taken from `directory` (a scenario's folder). */
int fixtures_resolve_app_in(const char *spec, const char *directory, bool legacy_tinker,
                            char *out, size_t size, sim_error *err);

#endif
