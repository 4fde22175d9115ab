/* photon-sim: the command-line front end. Subcommands are dispatched through
 * the table below; add a row (and a cmd_<name>.c) for a new one. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

typedef struct sim_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} sim_command;

static const sim_command commands[] = {
    {"flash", cmd_flash, "create or update a flash image from module binaries; list its modules"},
    {"dct", cmd_dct, "inspect and edit the DCT (keys, Wi-Fi, IP, server) of a flash image"},
    {"keys", cmd_keys, "particle keys recipes: server, new, load, save, send, doctor, show"},
    {"run", cmd_run, "run the Photon on the virtual clock and write a report"},
    {"cloud", cmd_cloud, "call functions, read variables, publish, flash over the air"},
};

int sim_report(const sim_error *err)
{
    fprintf(stderr, "photon-sim: error: %s\n", err->msg);
    return SIM_EXIT_FAILED;
}

int sim_usage(const char *command, const char *synopsis, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "photon-sim %s: ", command);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage:\n%s", synopsis);
    return SIM_EXIT_USAGE;
}

static void print_help(FILE *out)
{
    fprintf(out, "usage: photon-sim COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'photon-sim COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return SIM_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_help(stdout);
        return SIM_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "photon-sim: unknown command \"%s\"\n\n", argv[1]);
    print_help(stderr);
    return SIM_EXIT_USAGE;
}
