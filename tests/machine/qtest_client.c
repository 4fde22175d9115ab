/*
 * qtest protocol client (see qtest_client.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include "qtest_client.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How much of QEMU's stderr a failure message quotes. */
#define STDERR_TAIL_BYTES 2048

struct QtestClient {
    pid_t pid;
    int sock;               /* our end of QEMU's stdin/stdout */
    int stderr_fd;          /* unlinked temporary file holding QEMU's stderr */
    int timeout_ms;
    int exited;             /* reaped; exit_status is valid */
    int exit_status;
    char *inbuf;            /* received bytes not yet consumed */
    size_t inlen, incap;
    char *reply;            /* the last reply line */
    char request[256];      /* the last request, for messages */
    const char *context;    /* what the request is part of, for messages */
};

static QtestFailHandler fail_handler;

void qtest_client_set_fail_handler(QtestFailHandler handler)
{
    fail_handler = handler;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int status_code(int status)
{
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + WTERMSIG(status);
}

/* Reaps QEMU if it has exited; returns whether it has. */
static int reap(QtestClient *c, int block)
{
    int status;

    if (c->exited) {
        return 1;
    }
    if (waitpid(c->pid, &status, block ? 0 : WNOHANG) == c->pid) {
        c->exited = 1;
        c->exit_status = status_code(status);
    }
    return c->exited;
}

static void kill_qemu(QtestClient *c)
{
    if (!c->exited) {
        kill(c->pid, SIGKILL);
        reap(c, 1);
    }
}

static char *stderr_tail(QtestClient *c)
{
    off_t size = lseek(c->stderr_fd, 0, SEEK_END);
    off_t from = size > STDERR_TAIL_BYTES ? size - STDERR_TAIL_BYTES : 0;
    char *text = calloc(1, STDERR_TAIL_BYTES + 1);
    ssize_t n = size > 0 ? pread(c->stderr_fd, text, size - from, from) : 0;

    text[n > 0 ? n : 0] = '\0';
    return text;
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fail(QtestClient *c, const char *fmt, ...)
{
    char reason[512];
    char *message, *tail;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    kill_qemu(c);
    tail = stderr_tail(c);
    if (asprintf(&message, "qtest: %s%s'%s': %s%s%s", c->context ? c->context : "",
                 c->context ? ", " : "", c->request, reason,
                 *tail ? "\n--- QEMU stderr (end) ---\n" : "", tail) < 0) {
        message = reason;
    }
    free(tail);
    if (fail_handler) {
        fail_handler(message);
    }
    fprintf(stderr, "%s\n", message);
    abort();
}

static int wait_exit(QtestClient *c, int timeout_ms);

/* " (it exited with status N)" once QEMU has gone (waiting briefly for it). */
static const char *exit_description(QtestClient *c)
{
    static char text[64];

    if (!wait_exit(c, 1000)) {
        return "";
    }
    snprintf(text, sizeof(text), " (it exited with status %d)", c->exit_status);
    return text;
}

/* Reads one line of QEMU's output into c->reply, within the deadline. */
static void read_line(QtestClient *c, int64_t deadline)
{
    for (;;) {
        char *newline = memchr(c->inbuf, '\n', c->inlen);

        if (newline) {
            size_t len = newline - c->inbuf;

            free(c->reply);
            c->reply = strndup(c->inbuf, len);
            memmove(c->inbuf, newline + 1, c->inlen - len - 1);
            c->inlen -= len + 1;
            return;
        }
        int64_t left = deadline - now_ms();
        struct pollfd pfd = { .fd = c->sock, .events = POLLIN };

        if (left <= 0) {
            fail(c, "no reply within %d ms (QEMU hung?)", c->timeout_ms);
        }
        int ready = poll(&pfd, 1, (int)left);
        if (ready < 0 && errno != EINTR) {
            fail(c, "poll: %s", strerror(errno));
        }
        if (ready <= 0) {
            continue;
        }
        if (c->incap - c->inlen < 4096) {
            c->incap = c->incap * 2 + 4096;
            c->inbuf = realloc(c->inbuf, c->incap);
        }
        ssize_t n = read(c->sock, c->inbuf + c->inlen, c->incap - c->inlen);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) {
            fail(c, "QEMU closed the connection%s", exit_description(c));
        }
        if (n < 0 && errno != EINTR && errno != EAGAIN) {
            fail(c, "read: %s", strerror(errno));
        }
        if (n > 0) {
            c->inlen += n;
        }
    }
}

static const char *vrequest(QtestClient *c, const char *fmt, va_list ap)
{
    char line[sizeof(c->request) + 1];
    int64_t deadline = now_ms() + c->timeout_ms;
    size_t len, sent = 0;

    vsnprintf(c->request, sizeof(c->request), fmt, ap);
    len = (size_t)snprintf(line, sizeof(line), "%s\n", c->request);
    while (sent < len) {
        /* MSG_NOSIGNAL: a dead QEMU must fail the test, not SIGPIPE it. */
        ssize_t n = send(c->sock, line + sent, len - sent, MSG_NOSIGNAL);
        if (n < 0 && errno != EINTR) {
            fail(c, "cannot send (%s)%s", strerror(errno), exit_description(c));
        }
        sent += n > 0 ? (size_t)n : 0;
    }
    for (;;) {
        read_line(c, deadline);
        /* "IRQ raise N" lines are asynchronous notifications, not replies. */
        if (strncmp(c->reply, "IRQ ", 4) == 0) {
            continue;
        }
        if (strcmp(c->reply, "OK") == 0) {
            return "";
        }
        if (strncmp(c->reply, "OK ", 3) == 0) {
            return c->reply + 3;
        }
        fail(c, "QEMU replied '%s'", c->reply);
    }
}

const char *qtest_request(QtestClient *c, const char *fmt, ...)
{
    const char *reply;
    va_list ap;

    va_start(ap, fmt);
    reply = vrequest(c, fmt, ap);
    va_end(ap);
    return reply;
}

static uint64_t reply_number(QtestClient *c, const char *reply)
{
    char *end;
    uint64_t value;

    errno = 0;
    value = strtoull(reply, &end, 0);
    if (errno || end == reply || *end) {
        fail(c, "reply '%s' is not a number", reply);
    }
    return value;
}

QtestClient *qtest_client_start(const char *qemu, const char *const *args,
                                int timeout_ms)
{
    static const char *const plumbing[] = {
        "-accel", "qtest", "-qtest", "stdio", "-qtest-log", "none",
        "-display", "none", "-monitor", "none",
    };
    size_t nargs = 0, nplumbing = sizeof(plumbing) / sizeof(plumbing[0]);
    QtestClient *c = calloc(1, sizeof(*c));
    pid_t parent = getpid();
    FILE *err = tmpfile();
    int sv[2];

    while (args && args[nargs]) {
        nargs++;
    }
    const char **argv = calloc(nargs + nplumbing + 2, sizeof(*argv));
    argv[0] = qemu;
    memcpy(argv + 1, args, nargs * sizeof(*argv));
    memcpy(argv + 1 + nargs, plumbing, nplumbing * sizeof(*argv));

    c->timeout_ms = timeout_ms;
    c->pid = -1;
    c->sock = -1;
    c->stderr_fd = -1;
    snprintf(c->request, sizeof(c->request), "start %s", qemu);
    if (!err || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        c->exited = 1;
        fail(c, "cannot set up QEMU's streams: %s", strerror(errno));
    }
    c->stderr_fd = fcntl(fileno(err), F_DUPFD_CLOEXEC, 0);
    fclose(err);
    c->pid = fork();
    if (c->pid == 0) {
        dup2(sv[1], STDIN_FILENO);
        dup2(sv[1], STDOUT_FILENO);
        dup2(c->stderr_fd, STDERR_FILENO);
        /* A test that dies (a failed assertion) must not leave QEMU behind. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) {
            _exit(127);
        }
        execv(qemu, (char *const *)argv);
        fprintf(stderr, "cannot run %s: %s\n", qemu, strerror(errno));
        _exit(127);
    }
    free(argv);
    close(sv[1]);
    c->sock = sv[0];
    if (c->pid < 0) {
        c->exited = 1;
        fail(c, "fork: %s", strerror(errno));
    }
    /* A harmless request: the reply says QEMU is up and listening. */
    c->context = "starting QEMU";
    qtest_request(c, "endianness");
    c->context = NULL;
    return c;
}

static int wait_exit(QtestClient *c, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;

    while (!reap(c, 0)) {
        if (now_ms() >= deadline) {
            return 0;
        }
        usleep(5000);
    }
    return 1;
}

static void client_free(QtestClient *c)
{
    close(c->sock);
    close(c->stderr_fd);
    free(c->inbuf);
    free(c->reply);
    free(c);
}

int qtest_client_quit(QtestClient *c)
{
    int status = -1;

    if (!c->exited) {
        kill(c->pid, SIGTERM);
    }
    if (wait_exit(c, c->timeout_ms)) {
        status = c->exit_status;
    } else {
        kill_qemu(c);
    }
    client_free(c);
    return status;
}

int qtest_client_wait_exit(QtestClient *c, int timeout_ms)
{
    int status;

    snprintf(c->request, sizeof(c->request), "(waiting for QEMU to exit)");
    if (!wait_exit(c, timeout_ms)) {
        fail(c, "QEMU still running after %d ms", timeout_ms);
    }
    status = c->exit_status;
    client_free(c);
    return status;
}

int qtest_client_alive(QtestClient *c)
{
    return !reap(c, 0);
}

uint8_t qtest_readb(QtestClient *c, uint64_t addr)
{
    return reply_number(c, qtest_request(c, "readb 0x%" PRIx64, addr));
}

uint16_t qtest_readw(QtestClient *c, uint64_t addr)
{
    return reply_number(c, qtest_request(c, "readw 0x%" PRIx64, addr));
}

uint32_t qtest_readl(QtestClient *c, uint64_t addr)
{
    return reply_number(c, qtest_request(c, "readl 0x%" PRIx64, addr));
}

void qtest_writeb(QtestClient *c, uint64_t addr, uint8_t value)
{
    qtest_request(c, "writeb 0x%" PRIx64 " 0x%x", addr, value);
}

void qtest_writew(QtestClient *c, uint64_t addr, uint16_t value)
{
    qtest_request(c, "writew 0x%" PRIx64 " 0x%x", addr, value);
}

void qtest_writel(QtestClient *c, uint64_t addr, uint32_t value)
{
    qtest_request(c, "writel 0x%" PRIx64 " 0x%x", addr, value);
}

static int hex_nibble(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

void qtest_memread(QtestClient *c, uint64_t addr, void *buf, size_t len)
{
    const char *reply = qtest_request(c, "read 0x%" PRIx64 " %zu", addr, len);
    uint8_t *out = buf;

    if (strncmp(reply, "0x", 2) != 0 || strlen(reply) != 2 + 2 * len) {
        fail(c, "reply '%s' is not %zu bytes of hex", reply, len);
    }
    for (size_t i = 0; i < len; i++) {
        int hi = hex_nibble(reply[2 + 2 * i]), lo = hex_nibble(reply[3 + 2 * i]);

        if (hi < 0 || lo < 0) {
            fail(c, "reply '%s' is not hex", reply);
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
}

int64_t qtest_clock_step(QtestClient *c, int64_t ns)
{
    return (int64_t)reply_number(c, qtest_request(c, "clock_step %" PRId64, ns));
}

int64_t qtest_clock_set(QtestClient *c, int64_t ns)
{
    return (int64_t)reply_number(c, qtest_request(c, "clock_set %" PRId64, ns));
}

void qtest_set_irq_in(QtestClient *c, const char *qom_path, const char *name,
                      int n, int level)
{
    qtest_request(c, "set_irq_in %s %s %d %d", qom_path, name, n, level);
}
