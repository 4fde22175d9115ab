/* Error reporting shared by the plain-C cores of photon-sim.
 *
 * Functions that can fail take a `sim_error *` and return -1 after filling it
 * with one line that names the file, the module or field, and the offset, so
 * the command can print it as is. */
#ifndef PHOTON_SIM_ERROR_H
#define PHOTON_SIM_ERROR_H

#include <stdarg.h>

typedef struct sim_error {
    char msg[768];
} sim_error;

/* Formats the message into err (if not NULL) and returns -1. */
int sim_fail(sim_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to an existing message (used to add a file name). */
int sim_fail_prefix(sim_error *err, const char *prefix);

#endif
