/*
 * photon-sim run FILE.yaml... (run_scenarios.h).
 *
 * Every file is parsed and checked before anything runs. Each scenario then
 * gets REPORT/<file stem>/ with its flash image and cloud directory (prepared
 * from the file, scenario_prepare.h), and a machine that runs the file itself
 * (-M photon,scenario=FILE). The machine's console goes to console.log; the
 * lines that matter (expectations met or missed, the scenario's verdict) are
 * printed as they come, prefixed with the scenario when several run at once.
 * The verdicts come back in expectations.json.
 */
#include "run_scenarios.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "junit.h"
#include "run_summary.h"
#include "run_support.h"
#include "scenario.h"
#include "scenario_prepare.h"

enum { EXIT_INVALID = 2, EXIT_STRICT = 3 };

#define LINE_MAX_BYTES 8192

typedef struct scenario_run {
    const char *file;
    struct scn_scenario *scn;
    char stem[128];
    char dir[PATH_MAX];
    scenario_device device;
    pid_t pid;
    int out_fd;             /* the machine's stdout and stderr */
    FILE *console;          /* console.log */
    char line[LINE_MAX_BYTES];
    size_t line_length;
    struct timespec started;
    double wall_seconds;
    long max_rss_kb;        /* the machine's peak resident set */
    int status;             /* the machine's wait status */
    bool prepared, finished;
    /* the result */
    bool has_result, passed, strict_failure;
    char error[PATH_MAX + 512];
    struct scn_verdict *verdicts;
    double ended;           /* virtual seconds */
    char timestamp[32];
} scenario_run;

/* Machines still running, so that an interrupted photon-sim does not leave them behind. */
static volatile pid_t running_pids[64];

static void stop_machines(int signo)
{
    for (size_t i = 0; i < sizeof running_pids / sizeof running_pids[0]; i++)
        if (running_pids[i] > 0)
            kill(running_pids[i], SIGTERM);
    signal(signo, SIG_DFL);
    raise(signo);
}

static void track_pid(pid_t pid, pid_t replace)
{
    for (size_t i = 0; i < sizeof running_pids / sizeof running_pids[0]; i++)
        if (running_pids[i] == replace) {
            running_pids[i] = pid;
            return;
        }
}

static double elapsed(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) + (now.tv_nsec - since->tv_nsec) / 1e9;
}

/* "scenarios/firewall-5683.yaml" -> "firewall-5683" */
static void file_stem(const char *file, char *out, size_t size)
{
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    const char *dot = strrchr(base, '.');
    size_t length = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    snprintf(out, size, "%.*s", (int)(length < size ? length : size - 1), base);
}

/* ---- preparing a run ---- */

static int make_dir(const char *path)
{
    if (make_directories(path) != 0) {
        fprintf(stderr, "photon-sim: error: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* A run's report is complete or absent: what an earlier run left goes first. */
static void clear_results(const char *dir)
{
    static const char *const files[] = {
        "expectations.json", "summary.json", "led.jsonl", "steps.jsonl", "cloud.log",
        "serial.log", "serial1.log", "usb.log", "console.log", "capture.pcap",
        "led-timeline.png", "led-timeline.html",
    };
    char path[PATH_MAX + 32];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
}

static int prepare(scenario_run *run, const char *report)
{
    char flash[PATH_MAX + 16], cloud[PATH_MAX + 16];
    sim_error err;

    snprintf(run->dir, sizeof run->dir, "%s/%s", report, run->stem);
    if (make_dir(run->dir) != 0)
        return -1;
    clear_results(run->dir);
    snprintf(flash, sizeof flash, "%s/flash.bin", run->dir);
    snprintf(cloud, sizeof cloud, "%s/cloud", run->dir);
    if (scenario_prepare(run->scn, flash, cloud, &run->device, &err) != 0) {
        snprintf(run->error, sizeof run->error, "%s", err.msg);
        fprintf(stderr, "photon-sim: error: %s\n", err.msg);
        return -1;
    }
    run->prepared = true;
    return 0;
}

/* ---- running ---- */

static int start(scenario_run *run, const char *qemu, const scenario_options *o)
{
    char machine[4 * PATH_MAX], path[PATH_MAX + 32], serial[PATH_MAX + 32], icount[64];
    char seed[32], until[32];
    int pipe_fds[2];

    snprintf(machine, sizeof machine, "photon");
    snprintf(path, sizeof path, "%s/flash.bin", run->dir);
    append_option(machine, sizeof machine, "flash", path);
    append_option(machine, sizeof machine, "report-dir", run->dir);
    append_option(machine, sizeof machine, "scenario", run->file);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)run->scn->seed);
    append_option(machine, sizeof machine, "seed", seed);
    snprintf(until, sizeof until, "%.9f", run->scn->until / 1e9);
    append_option(machine, sizeof machine, "until", until);
    append_option(machine, sizeof machine, "uid", run->device.id);
    snprintf(path, sizeof path, "%s/cloud", run->dir);
    append_option(machine, sizeof machine, "cloud-dir", path);
    snprintf(path, sizeof path, "%s/capture.pcap", run->dir);
    append_option(machine, sizeof machine, "pcap", path);
    if (o->strict)
        append_option(machine, sizeof machine, "strict", "on");
    if (o->usb_serial_chardev)
        append_option(machine, sizeof machine, "usb-serial", USB_SERIAL_CHARDEV_ID);
    append_speed_options(machine, sizeof machine, &o->speed);
    snprintf(serial, sizeof serial, "file:%s/serial1.log", run->dir);
    snprintf(icount, sizeof icount, "shift=%d,%s", o->icount_shift,
             o->gui ? "align=on" : "sleep=off");
    char *argv[] = {
        (char *)qemu, "-M", machine, "-icount", icount, "-display", o->gui ? "sdl" : "none",
        "-monitor", "none", "-serial", serial, "-nodefaults", NULL, NULL, NULL,
    };
    if (o->usb_serial_chardev) {
        size_t used = sizeof argv / sizeof argv[0] - 3;
        argv[used] = "-chardev";
        argv[used + 1] = (char *)o->usb_serial_chardev;
    }

    snprintf(path, sizeof path, "%s/console.log", run->dir);
    run->console = fopen(path, "w");
    if (!run->console || pipe(pipe_fds) != 0) {
        snprintf(run->error, sizeof run->error, "cannot start: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    clock_gettime(CLOCK_MONOTONIC, &run->started);
    time_t now = time(NULL);
    strftime(run->timestamp, sizeof run->timestamp, "%Y-%m-%dT%H:%M:%S", gmtime(&now));
    run->pid = fork();
    if (run->pid < 0) {
        snprintf(run->error, sizeof run->error, "cannot start: %s", strerror(errno));
        return -1;
    }
    if (run->pid == 0) {
        dup2(pipe_fds[1], STDOUT_FILENO);
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        execv(argv[0], argv);
        fprintf(stderr, "photon-sim: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(pipe_fds[1]);
    run->out_fd = pipe_fds[0];
    track_pid(run->pid, 0);
    return 0;
}

/* The lines a person watching wants: the scenario's start and verdict, each
 * expectation as it is decided, and where a --usb-serial pty is. Everything goes
 * to console.log. */
static bool worth_printing(const char *line)
{
    return strstr(line, " s  expect ") || strstr(line, " s  scenario ") ||
           strncmp(line, "qemu-system-arm:", 16) == 0 || strstr(line, "error") ||
           strncmp(line, "char device redirected to ", 26) == 0;
}

static void console_line(scenario_run *run, const char *line, bool prefix, bool verbose)
{
    fprintf(run->console, "%s\n", line);
    if (verbose || worth_printing(line)) {
        if (prefix)
            printf("[%s] %s\n", run->stem, line);
        else
            printf("%s\n", line);
        fflush(stdout);
    }
}

/* Reads what the machine wrote; false at end of file. */
static bool drain(scenario_run *run, bool prefix, bool verbose)
{
    char buf[4096];
    ssize_t n = read(run->out_fd, buf, sizeof buf);

    if (n < 0 && errno == EINTR)
        return true;
    if (n <= 0) {
        if (run->line_length) {
            run->line[run->line_length] = 0;
            console_line(run, run->line, prefix, verbose);
            run->line_length = 0;
        }
        return false;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '\n' || run->line_length == sizeof run->line - 1) {
            run->line[run->line_length] = 0;
            console_line(run, run->line, prefix, verbose);
            run->line_length = 0;
            if (buf[i] == '\n')
                continue;
        }
        run->line[run->line_length++] = buf[i];
    }
    return true;
}

static scn_time json_time(json_t *value)
{
    return json_is_number(value) ? (scn_time)(json_number_value(value) * 1e9 + 0.5)
                                 : SCN_TIME_NEVER;
}

static void load_result(scenario_run *run)
{
    char path[PATH_MAX + 32];
    json_error_t error;
    json_t *root, *list;
    run_summary summary;

    snprintf(path, sizeof path, "%s/summary.json", run->dir);
    if (run_summary_load(path, &summary) == 0)
        run->strict_failure = summary.strict_failure;
    snprintf(path, sizeof path, "%s/expectations.json", run->dir);
    root = json_load_file(path, 0, &error);
    if (!root) {
        if (!run->error[0])
            snprintf(run->error, sizeof run->error,
                     "the machine stopped without a result (%s); see %s/console.log",
                     WIFEXITED(run->status) ? "it exited early" : "it was killed", run->dir);
        return;
    }
    list = json_object_get(root, "expectations");
    if (json_array_size(list) != run->scn->expectation_count) {
        snprintf(run->error, sizeof run->error, "%s: does not match the scenario file", path);
        json_decref(root);
        return;
    }
    run->verdicts = calloc(run->scn->expectation_count + 1, sizeof *run->verdicts);
    for (size_t i = 0; i < run->scn->expectation_count; i++) {
        json_t *item = json_array_get(list, i);
        struct scn_verdict *v = &run->verdicts[i];
        const char *state = json_string_value(json_object_get(item, "state"));
        v->state = state && !strcmp(state, "met") ? SCN_VERDICT_MET
                   : state && !strcmp(state, "missed") ? SCN_VERDICT_MISSED
                                                       : SCN_VERDICT_PENDING;
        v->at = json_time(json_object_get(item, "at"));
        v->decided = json_time(json_object_get(item, "decided"));
        v->window_start = json_time(json_object_get(item, "window_start"));
        v->window_end = json_time(json_object_get(item, "window_end"));
        snprintf(v->reason, sizeof v->reason, "%s",
                 json_string_value(json_object_get(item, "reason")) ?: "");
    }
    run->ended = json_number_value(json_object_get(root, "ended"));
    run->passed = json_is_true(json_object_get(root, "passed"));
    run->has_result = true;
    json_decref(root);
}

static void finish(scenario_run *run)
{
    run->wall_seconds = elapsed(&run->started);
    close(run->out_fd);
    fclose(run->console);
    run->finished = true;
    load_result(run);
    draw_timeline(run->dir);
}

/* ---- JUnit ---- */

static int write_junit(const char *path, scenario_run *runs, size_t count)
{
    struct scn_junit_suite *suites = calloc(count, sizeof *suites);
    struct scn_junit_case **cases = calloc(count, sizeof *cases);
    char (*classnames)[160] = calloc(count, sizeof *classnames);
    char tmp[PATH_MAX + 8];
    FILE *out;
    int rc = -1;

    if (!suites || !cases || !classnames)
        goto done;
    for (size_t i = 0; i < count; i++) {
        scenario_run *run = &runs[i];
        size_t n = run->has_result ? run->scn->expectation_count : 0;
        snprintf(classnames[i], sizeof classnames[i], "scenarios.%s", run->stem);
        cases[i] = calloc(n + 1, sizeof **cases);
        if (!cases[i])
            goto done;
        for (size_t e = 0; e < n; e++)
            scn_junit_case_from_verdict(run->scn, e, &run->verdicts[e], classnames[i],
                                        run->wall_seconds, &cases[i][e]);
        suites[i] = (struct scn_junit_suite){
            .name = run->scn->name,
            .file = run->scn->file,
            .seed = run->scn->seed,
            .until = run->scn->until,
            .ended = run->has_result ? (scn_time)(run->ended * 1e9 + 0.5) : SCN_TIME_NEVER,
            .wall_seconds = run->wall_seconds,
            .timestamp = run->timestamp[0] ? run->timestamp : NULL,
            .cases = cases[i],
            .case_count = n,
            .run_error = run->has_result ? NULL : run->error,
        };
    }
    /* complete or absent: written beside, then renamed */
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    out = fopen(tmp, "w");
    if (!out)
        goto done;
    rc = scn_junit_write(out, suites, count);
    if (fclose(out) != 0 || rc != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        rc = -1;
    }
done:
    for (size_t i = 0; cases && i < count; i++)
        free(cases[i]);
    free(cases);
    free(suites);
    free(classnames);
    if (rc != 0)
        fprintf(stderr, "photon-sim: error: cannot write the JUnit report %s\n", path);
    return rc;
}

/* ---- the library ---- */

static bool parse_all(const char *const *files, size_t count, scenario_run *runs)
{
    bool ok = true;

    for (size_t i = 0; i < count; i++) {
        struct scn_diag diag, warnings[16];
        runs[i].file = files[i];
        runs[i].scn = scn_scenario_parse_file(files[i], &diag);
        if (!runs[i].scn) {
            fprintf(stderr, "%s\n", diag.text);
            ok = false;
            continue;
        }
        size_t n = scn_scenario_lint(runs[i].scn, warnings, 16);
        for (size_t w = 0; w < n && w < 16; w++)
            fprintf(stderr, "%s\n", warnings[w].text);
        file_stem(files[i], runs[i].stem, sizeof runs[i].stem);
        /* two files with one name (a/x.yaml, b/x.yaml) get separate folders */
        for (size_t j = 0; j < i; j++)
            if (runs[j].scn && !strcmp(runs[j].stem, runs[i].stem)) {
                size_t len = strlen(runs[i].stem);
                snprintf(runs[i].stem + len, sizeof runs[i].stem - len, "-%zu", i + 1);
            }
    }
    return ok;
}

int run_scenarios(const char *const *files, size_t count, const scenario_options *o)
{
    scenario_run *runs = calloc(count, sizeof *runs);
    struct pollfd *fds = calloc(count, sizeof *fds);
    size_t *active = calloc(count, sizeof *active);
    size_t next = 0, running = 0, passed = 0;
    bool prefix = count > 1 && o->jobs > 1, verbose = count == 1;
    char qemu[PATH_MAX];
    int status = SIM_EXIT_OK;
    struct timespec started;

    if (!runs || !fds || !active) {
        fprintf(stderr, "photon-sim: error: out of memory\n");
        return SIM_EXIT_FAILED;
    }
    if (!parse_all(files, count, runs)) {
        status = EXIT_INVALID;
        goto out;
    }
    if (o->check_only) {
        for (size_t i = 0; i < count; i++)
            printf("%s: ok (%zu steps, %zu expectations)\n", files[i], runs[i].scn->step_count,
                   runs[i].scn->expectation_count);
        goto out;
    }
    if (find_tool("PHOTON_SIM_QEMU", "../qemu-system-arm", qemu, sizeof qemu) != 0) {
        fprintf(stderr, "photon-sim: error: cannot find qemu-system-arm with the photon machine "
                "(%s); build it with scripts/setup.sh or set PHOTON_SIM_QEMU\n", qemu);
        status = SIM_EXIT_FAILED;
        goto out;
    }
    if (make_dir(o->report) != 0) {
        status = SIM_EXIT_FAILED;
        goto out;
    }
    clock_gettime(CLOCK_MONOTONIC, &started);
    signal(SIGINT, stop_machines);
    signal(SIGTERM, stop_machines);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout must not orphan the machines */
    while (next < count || running) {
        /* start what the job count allows */
        while (next < count && running < o->jobs) {
            scenario_run *run = &runs[next++];
            if (prepare(run, o->report) != 0 || start(run, qemu, o) != 0) {
                run->finished = true;
                continue;
            }
            active[running++] = run - runs;
        }
        if (!running)
            break;
        for (size_t i = 0; i < running; i++)
            fds[i] = (struct pollfd){ .fd = runs[active[i]].out_fd, .events = POLLIN };
        if (poll(fds, running, -1) < 0 && errno != EINTR) {
            perror("photon-sim: poll");
            status = SIM_EXIT_FAILED;
            break;
        }
        for (size_t i = 0; i < running;) {
            scenario_run *run = &runs[active[i]];
            if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) && !drain(run, prefix, verbose)) {
                struct rusage usage;
                if (wait4(run->pid, &run->status, 0, &usage) > 0)
                    run->max_rss_kb = usage.ru_maxrss;
                track_pid(0, run->pid);
                finish(run);
                active[i] = active[running - 1];
                fds[i] = fds[running - 1];
                running--;
                continue;
            }
            i++;
        }
    }

    printf("\n");
    for (size_t i = 0; i < count; i++) {
        scenario_run *run = &runs[i];
        const char *verdict = !run->has_result ? "ERROR" : run->passed ? "passed" : "FAILED";
        printf("%-8s %-40s %6.1f s wall %4ld MB  %s\n", verdict, run->file, run->wall_seconds,
               (run->max_rss_kb + 512) / 1024, run->has_result ? run->dir : run->error);
        if (run->has_result && run->passed)
            passed++;
        else if (status == SIM_EXIT_OK)
            status = run->strict_failure ? EXIT_STRICT : SIM_EXIT_FAILED;
    }
    printf("%zu of %zu scenarios passed in %.1f s\n", passed, count, elapsed(&started));
    if (o->junit && write_junit(o->junit, runs, count) != 0 && status == SIM_EXIT_OK)
        status = SIM_EXIT_FAILED;
out:
    for (size_t i = 0; i < count; i++) {
        free(runs[i].verdicts);
        if (runs[i].scn)
            scn_scenario_free(runs[i].scn);
    }
    free(runs);
    free(fds);
    free(active);
    return status;
}
