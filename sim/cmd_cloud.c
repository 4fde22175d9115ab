/* photon-sim cloud: talk to the simulated cloud of a running simulation, as
 * `particle call/get/publish/subscribe/flash` talk to Particle's cloud. It
 * connects to the control socket photon-sim run leaves in the report folder. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "commands.h"

static const char synopsis[] =
    "  photon-sim cloud [--report DIR] call DEVICE FUNCTION [ARGUMENT]\n"
    "  photon-sim cloud [--report DIR] get DEVICE VARIABLE\n"
    "  photon-sim cloud [--report DIR] describe DEVICE\n"
    "  photon-sim cloud [--report DIR] publish NAME [DATA]\n"
    "  photon-sim cloud [--report DIR] flash DEVICE FILE.bin\n"
    "  photon-sim cloud [--report DIR] events\n"
    "  photon-sim cloud [--report DIR] devices\n"
    "\n"
    "  Talks to the simulated cloud of the simulation running with that report folder\n"
    "  (default photon-report). DEVICE is the 24-hex device ID or '-' for the connected\n"
    "  device. Prints the device's answer; exits 1 if the cloud reports an error.\n";

#define REPLY_TIMEOUT_MS 60000
#define OTA_TIMEOUT_MS 600000

static int connect_control(const char *report)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if ((size_t)snprintf(addr.sun_path, sizeof addr.sun_path, "%s/control.sock", report) >=
        sizeof addr.sun_path) {
        fprintf(stderr, "photon-sim: error: report path %s is too long for a socket\n", report);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        fprintf(stderr, "photon-sim: error: no simulation is running with report folder %s "
                "(%s: %s)\n", report, addr.sun_path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Reads reply lines; returns the exit status once the answer is complete. */
static int read_replies(int fd, bool stream, bool list, int timeout_ms)
{
    char buf[8192];
    size_t used = 0;

    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int ready = poll(&p, 1, stream ? -1 : timeout_ms);
        ssize_t n;

        if (ready == 0) {
            fprintf(stderr, "photon-sim: error: no answer from the device within %d s\n",
                    timeout_ms / 1000);
            return SIM_EXIT_FAILED;
        }
        n = read(fd, buf + used, sizeof buf - 1 - used);
        if (n <= 0) {
            fprintf(stderr, "photon-sim: error: the simulation closed the control channel\n");
            return SIM_EXIT_FAILED;
        }
        used += n;
        buf[used] = 0;
        char *line = buf, *nl;
        while ((nl = strchr(line, '\n'))) {
            *nl = 0;
            if (!strncmp(line, "error ", 6)) {
                fprintf(stderr, "photon-sim: error: %s\n", line + 6);
                return SIM_EXIT_FAILED;
            } else if (!strncmp(line, "event ", 6)) {
                printf("%s\n", line + 6);
                fflush(stdout);
            } else if (!strncmp(line, "ok", 2)) {
                const char *text = line[2] ? line + 3 : "";
                if (list && !strcmp(text, "end"))
                    return SIM_EXIT_OK;
                if (!stream)
                    printf("%s\n", text);
                if (!stream && !list)
                    return SIM_EXIT_OK;
            }
            line = nl + 1;
        }
        used = strlen(line);
        memmove(buf, line, used);
    }
}

int cmd_cloud(int argc, char **argv)
{
    const char *report = "photon-report";
    char command[4096];
    int first = 1, fd, status;

    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage:\n%s", synopsis);
        return SIM_EXIT_OK;
    }
    if (argc > 2 && !strcmp(argv[1], "--report")) {
        report = argv[2];
        first = 3;
    }
    if (first >= argc)
        return sim_usage("cloud", synopsis, "no command");
    const char *verb = argv[first];
    int words = argc - first;
    bool known = (!strcmp(verb, "call") && (words == 3 || words == 4)) ||
                 (!strcmp(verb, "get") && words == 3) ||
                 (!strcmp(verb, "describe") && words == 2) ||
                 (!strcmp(verb, "publish") && (words == 2 || words == 3)) ||
                 (!strcmp(verb, "flash") && words == 3) ||
                 (!strcmp(verb, "events") && words == 1) ||
                 (!strcmp(verb, "devices") && words == 1);
    if (!known)
        return sim_usage("cloud", synopsis, "bad command");

    size_t len = 0;
    for (int i = first; i < argc; i++) {
        char resolved[PATH_MAX];
        const char *word = argv[i];
        if (!strcmp(verb, "flash") && i == argc - 1) {
            if (!realpath(word, resolved)) {
                fprintf(stderr, "photon-sim: error: %s: %s\n", word, strerror(errno));
                return SIM_EXIT_FAILED;
            }
            word = resolved;    /* the simulation reads it from its own folder */
        }
        if (strchr(word, '\n'))
            return sim_usage("cloud", synopsis, "arguments cannot contain newlines");
        len += snprintf(command + len, sizeof command - len, "%s%s", i > first ? " " : "", word);
        if (len >= sizeof command - 2)
            return sim_usage("cloud", synopsis, "command too long");
    }
    command[len++] = '\n';

    fd = connect_control(report);
    if (fd < 0)
        return SIM_EXIT_FAILED;
    if (write(fd, command, len) != (ssize_t)len) {
        fprintf(stderr, "photon-sim: error: writing to the control channel: %s\n",
                strerror(errno));
        close(fd);
        return SIM_EXIT_FAILED;
    }
    status = read_replies(fd, !strcmp(verb, "events"), !strcmp(verb, "devices"),
                          !strcmp(verb, "flash") ? OTA_TIMEOUT_MS : REPLY_TIMEOUT_MS);
    close(fd);
    return status;
}
