/* What photon-sim run needs around the machine, for one run or a scenario
 * library: finding the programs built beside it, starting them, and drawing
 * a report's LED timeline. */
#ifndef PHOTON_SIM_RUN_SUPPORT_H
#define PHOTON_SIM_RUN_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

/* A program built beside photon-sim: $ENV_NAME if set, else RELATIVE to the
 * folder photon-sim lives in (build/sim). 0 if it is there and executable. */
int find_tool(const char *env_name, const char *relative, char *out, size_t size);

/* Append ",name=value" to a QEMU option string, doubling commas in value. */
void append_option(char *buf, size_t size, const char *name, const char *value);

/* How the machine trades nothing for speed (QEMU's exec/fast-time.h), and
 * whether it reports where the wall time went. */
typedef struct speed_options {
    bool no_idle_skip;          /* --no-idle-skip */
    bool slow_io;               /* --no-fast-io */
    bool profile;               /* --profile: profile.jsonl, printed after the run */
} speed_options;

/* Consumes ARG if it is one of the options above. */
bool parse_speed_option(const char *arg, speed_options *o);
/* Their machine properties, appended to a -M option string. */
void append_speed_options(char *machine, size_t size, const speed_options *o);

/* Creates the folder PATH and any missing parents (mkdir -p); 0, or -1 with errno. */
int make_directories(const char *path);

/* Runs argv to completion; its wait status, or -1. */
int run_program(char *const argv[]);

/* led-timeline.png and .html in the report folder; a warning if that fails. */
void draw_timeline(const char *report);

/* The -chardev for `--usb-serial SPEC` (pty, stdio, socket:PATH, tcp:PORT), with
 * id "usb-serial"; -1 when SPEC is none of those. */
#define USB_SERIAL_CHARDEV_ID "usb-serial"
#define USB_SERIAL_SPECS "pty, stdio, socket:PATH or tcp:PORT"
int usb_serial_chardev(const char *spec, char *out, size_t size);

#endif
