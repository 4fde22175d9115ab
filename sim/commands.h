/* photon-sim subcommands. Each lives in cmd_<name>.c as
 * `int cmd_<name>(int argc, char **argv)` (argv[0] is the subcommand name)
 * and is listed in the table in main.c. */
#ifndef PHOTON_SIM_COMMANDS_H
#define PHOTON_SIM_COMMANDS_H

#include "sim_error.h"

enum {
    SIM_EXIT_OK = 0,
    SIM_EXIT_FAILED = 1, /* bad input data, I/O errors */
    SIM_EXIT_USAGE = 2,  /* bad command line */
};

int cmd_flash(int argc, char **argv);
int cmd_dct(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_cloud(int argc, char **argv);
int cmd_keys(int argc, char **argv);

/* Prints "photon-sim: error: <msg>" and returns SIM_EXIT_FAILED. */
int sim_report(const sim_error *err);

/* Prints "photon-sim <command>: <msg>" and the synopsis, returns SIM_EXIT_USAGE. */
int sim_usage(const char *command, const char *synopsis, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
