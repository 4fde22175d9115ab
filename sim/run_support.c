/* Running the machine and its helper programs (run_support.h). */
#include "run_support.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * A program built beside photon-sim: $ENV_NAME if set, else RELATIVE to the
 * folder photon-sim lives in (build/sim).
 */
int find_tool(const char *env_name, const char *relative, char *out, size_t size)
{
    const char *env = getenv(env_name);
    char self[PATH_MAX];
    ssize_t n;

    if (env && *env) {
        snprintf(out, size, "%s", env);
        return access(out, X_OK);
    }
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n < 0)
        return -1;
    self[n] = 0;
    *strrchr(self, '/') = 0;
    if ((size_t)snprintf(out, size, "%.*s/%s", PATH_MAX - 64, self, relative) >= size)
        return -1;
    return access(out, X_OK);
}

/* Append ",name=value" to a QEMU option string, doubling commas in value. */
void append_option(char *buf, size_t size, const char *name, const char *value)
{
    size_t len = strlen(buf);

    len += snprintf(buf + len, size > len ? size - len : 0, ",%s=", name);
    for (const char *c = value; *c && len + 2 < size; c++) {
        buf[len++] = *c;
        if (*c == ',')
            buf[len++] = ',';
    }
    buf[len < size ? len : size - 1] = 0;
}

int make_directories(const char *path)
{
    char partial[PATH_MAX];

    if (snprintf(partial, sizeof partial, "%s", path) >= (int)sizeof partial) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *slash = strchr(partial + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        if (mkdir(partial, 0755) != 0 && errno != EEXIST)
            return -1;
        *slash = '/';
    }
    if (mkdir(partial, 0755) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* The child run_program waits for, and the first stop signal photon-sim got meanwhile. */
static volatile pid_t running_child;
static volatile sig_atomic_t stop_signal;

/* A stop signal sent to photon-sim alone (kill, a CI timeout) must stop the
 * machine too, or it is left running; the child ends and we end after it. */
static void forward_stop(int signo)
{
    if (!stop_signal)
        stop_signal = signo;
    if (running_child > 0)
        kill(running_child, signo);
}

int run_program(char *const argv[])
{
    static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
    enum { N_STOP_SIGNALS = sizeof stop_signals / sizeof stop_signals[0] };
    struct sigaction forward = {.sa_handler = forward_stop}, previous[N_STOP_SIGNALS];
    int status;

    fflush(stdout);     /* what we printed comes before what the child prints */
    sigemptyset(&forward.sa_mask);
    for (int i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i], &forward, &previous[i]);
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < N_STOP_SIGNALS; i++)
            sigaction(stop_signals[i], &previous[i], NULL);
        execv(argv[0], argv);
        fprintf(stderr, "photon-sim: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    running_child = pid;
    while (pid > 0 && waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            pid = -1;
            break;
        }
    }
    running_child = 0;
    for (int i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i], &previous[i], NULL);
    if (stop_signal)
        raise(stop_signal);
    return pid < 0 ? -1 : status;
}

/* led-timeline.png and .html for people; a run is still good without them. */
void draw_timeline(const char *report)
{
    char tool[PATH_MAX];

    if (find_tool("PHOTON_SIM_TIMELINE", "../gui/photon-timeline", tool, sizeof tool) != 0) {
        fprintf(stderr, "photon-sim: warning: photon-timeline not found (%s); no timeline "
                "picture\n", tool);
        return;
    }
    char *argv[] = {tool, (char *)report, NULL};
    int status = run_program(argv);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "photon-sim: warning: drawing the LED timeline failed\n");
    else
        fprintf(stderr, "photon-sim: LED timeline: %s/led-timeline.png\n", report);
}


int usb_serial_chardev(const char *spec, char *out, size_t size)
{
    int n;
    if (!strcmp(spec, "pty") || !strcmp(spec, "stdio")) {
        n = snprintf(out, size, "%s,id=" USB_SERIAL_CHARDEV_ID "%s", spec,
                     spec[0] == 's' ? ",signal=off" : "");
    } else if (!strncmp(spec, "socket:", 7) && spec[7] && !strchr(spec + 7, ',')) {
        n = snprintf(out, size, "socket,id=" USB_SERIAL_CHARDEV_ID ",path=%s,server=on,wait=off",
                     spec + 7);
    } else if (!strncmp(spec, "tcp:", 4) && spec[4] && strspn(spec + 4, "0123456789") == strlen(spec + 4)) {
        n = snprintf(out, size, "socket,id=" USB_SERIAL_CHARDEV_ID ",host=127.0.0.1,port=%s,"
                     "server=on,wait=off", spec + 4);
    } else {
        return -1;
    }
    return n > 0 && (size_t)n < size ? 0 : -1;
}

bool parse_speed_option(const char *arg, speed_options *o)
{
    if (!strcmp(arg, "--no-idle-skip"))
        o->no_idle_skip = true;
    else if (!strcmp(arg, "--no-fast-io"))
        o->slow_io = true;
    else if (!strcmp(arg, "--profile"))
        o->profile = true;
    else
        return false;
    return true;
}

void append_speed_options(char *machine, size_t size, const speed_options *o)
{
    if (o->no_idle_skip)
        append_option(machine, size, "idle-skip", "off");
    if (o->slow_io)
        append_option(machine, size, "fast-io", "off");
    if (o->profile)
        append_option(machine, size, "profile", "on");
}
