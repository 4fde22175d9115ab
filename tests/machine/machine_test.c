/*
 * The photon machine under qtest (see machine_test.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include "machine_test.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bound on any single qtest request, and on QEMU's start-up. */
#define REQUEST_TIMEOUT_MS 15000

/*
 * The folder of the run in progress. A failed check ends the test process
 * before photon_finish(), so a failed run's folder (flash image, report) is
 * left in $TMPDIR for inspection; qtest failures also name it.
 */
static const char *unfinished_run_dir;

static void fail_test(const char *message)
{
    ck_abort_msg("%s\n(run files kept in %s)", message, unfinished_run_dir);
}

/*
 * The QEMU binary under test: the first entry of PHOTON_SIM_QEMU (meson test
 * appends the build's own to any value the caller set).
 */
static const char *qemu_binary(void)
{
    const char *list = getenv("PHOTON_SIM_QEMU");
    static char qemu[4096];

    ck_assert_msg(list && *list && *list != ':',
                  "PHOTON_SIM_QEMU is not set: it names the qemu-system-arm with the "
                  "photon machine (meson test sets it; build one with "
                  "`bash scripts/build-qemu.sh BUILD_DIR`)");
    snprintf(qemu, sizeof(qemu), "%.*s", (int)strcspn(list, ":"), list);
    ck_assert_msg(access(qemu, X_OK) == 0,
                  "PHOTON_SIM_QEMU: %s is not an executable file: build it with "
                  "`bash scripts/build-qemu.sh BUILD_DIR` or point PHOTON_SIM_QEMU at "
                  "an existing BUILD_DIR/qemu-system-arm", qemu);
    return qemu;
}

TCase *machine_tcase(Suite *suite, const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_set_timeout(tc, MACHINE_TEST_TIMEOUT_S);
    suite_add_tcase(suite, tc);
    return tc;
}

static char *path_in(const char *dir, const char *name)
{
    char *path;

    ck_assert_int_ge(asprintf(&path, "%s/%s", dir, name), 0);
    return path;
}

PhotonRun *photon_prepare(void)
{
    const char *tmp = getenv("TMPDIR");
    PhotonRun *run = calloc(1, sizeof(*run));
    char *erased = malloc(FLASH_SIZE);
    FILE *f;

    qemu_binary();      /* fail on a missing QEMU before leaving files behind */
    ck_assert_int_ge(asprintf(&run->dir, "%s/photon-machine-test-XXXXXX",
                              tmp && *tmp ? tmp : "/tmp"), 0);
    ck_assert_msg(mkdtemp(run->dir), "cannot create a temporary folder %s", run->dir);
    unfinished_run_dir = run->dir;
    run->flash = path_in(run->dir, "flash.bin");
    run->report_dir = path_in(run->dir, "report");
    memset(erased, 0xFF, FLASH_SIZE);
    f = fopen(run->flash, "wb");
    ck_assert_msg(f && fwrite(erased, 1, FLASH_SIZE, f) == FLASH_SIZE && fclose(f) == 0,
                  "cannot write %s", run->flash);
    free(erased);
    return run;
}

void photon_start(PhotonRun *run, const char *options)
{
    char *machine;
    const char *args[] = {
        "-M", NULL, "-serial", "null", NULL,
    };

    ck_assert_msg(!run->qt, "the machine is already running");
    ck_assert_int_ge(asprintf(&machine, "photon,flash=%s,report-dir=%s%s%s",
                              run->flash, run->report_dir, options ? "," : "",
                              options ? options : ""), 0);
    args[1] = machine;
    qtest_client_set_fail_handler(fail_test);
    run->qt = qtest_client_start(qemu_binary(), args, REQUEST_TIMEOUT_MS);
    free(machine);
}

PhotonRun *photon_boot(const char *options)
{
    PhotonRun *run = photon_prepare();

    photon_start(run, options);
    return run;
}

void photon_stop(PhotonRun *run)
{
    int status;

    if (!run->qt) {
        return;
    }
    status = qtest_client_quit(run->qt);
    run->qt = NULL;
    ck_assert_msg(status == 0, "QEMU exited with status %d when asked to quit", status);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
    return remove(path);
}

void photon_finish(PhotonRun *run)
{
    photon_stop(run);
    nftw(run->dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
    if (unfinished_run_dir == run->dir) {
        unfinished_run_dir = NULL;
    }
    free(run->dir);
    free(run->flash);
    free(run->report_dir);
    free(run);
}

void photon_system_reset(PhotonRun *run)
{
    WR32(run, SCB_AIRCR, AIRCR_SYSRESETREQ);
    /*
     * The reset runs in QEMU's main loop after the write is answered; the
     * next request is read in a later loop iteration, so it sees the reset.
     */
}

char *photon_report_file(PhotonRun *run, const char *name)
{
    char *path = path_in(run->report_dir, name);
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0;

    ck_assert_msg(f, "the run wrote no %s", path);
    for (;;) {
        text = realloc(text, len + 4097);
        size_t n = fread(text + len, 1, 4096, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    text[len] = '\0';
    fclose(f);
    free(path);
    return text;
}

void photon_flash_file_write(PhotonRun *run, uint32_t offset, const void *data, size_t len)
{
    int fd = open(run->flash, O_WRONLY);

    ck_assert_msg(fd >= 0 && pwrite(fd, data, len, offset) == (ssize_t)len && close(fd) == 0,
                  "cannot write %s", run->flash);
}

void photon_flash_file_read(PhotonRun *run, uint32_t offset, void *data, size_t len)
{
    int fd = open(run->flash, O_RDONLY);

    ck_assert_msg(fd >= 0 && pread(fd, data, len, offset) == (ssize_t)len && close(fd) == 0,
                  "cannot read %s", run->flash);
}

bool nvic_pending(PhotonRun *run, int irq)
{
    return RD32(run, NVIC_ISPR(irq / 32)) & BIT(irq % 32);
}

void nvic_clear_pending(PhotonRun *run, int irq)
{
    WR32(run, NVIC_ICPR(irq / 32), BIT(irq % 32));
}

/* The end of the JSON object enclosing position @at (its closing brace). */
static const char *object_end(const char *at)
{
    const char *end = strchr(at, '}');

    return end ? end : at + strlen(at);
}

/* The start of the JSON object enclosing position @at (its opening brace). */
static const char *object_start(const char *json, const char *at)
{
    while (at > json && *at != '{') {
        at--;
    }
    return at;
}

/* The value after "key": inside [from, to), or NULL. */
static const char *value_in(const char *from, const char *to, const char *key)
{
    char *quoted;
    const char *at;

    if (asprintf(&quoted, "\"%s\"", key) < 0) {
        return NULL;
    }
    at = strstr(from, quoted);
    at = at && at < to ? at + strlen(quoted) : NULL;
    free(quoted);
    while (at && at < to && (*at == ' ' || *at == ':' || *at == '\n')) {
        at++;
    }
    return at && at < to ? at : NULL;
}

char *json_value(const char *json, const char *key)
{
    const char *at = value_in(json, json + strlen(json), key);
    size_t len;

    if (!at) {
        return NULL;
    }
    len = *at == '"' ? strcspn(at + 1, "\"") + 2 : strcspn(at, ",}\n ");
    return strndup(at, len);
}

bool json_any_value_is(const char *json, const char *key, const char *value)
{
    const char *end = json + strlen(json), *at = json;

    while ((at = value_in(at, end, key))) {
        if (strncmp(at, value, strlen(value)) == 0) {
            return true;
        }
    }
    return false;
}

long long json_unmodelled_count(const char *json, const char *address, const char *access)
{
    char *quoted_address, *quoted_access;
    const char *at = json;
    long long count = -1;

    if (asprintf(&quoted_address, "\"%s\"", address) < 0 ||
        asprintf(&quoted_access, "\"%s\"", access) < 0) {
        return -1;
    }
    while ((at = strstr(at, quoted_address))) {
        const char *start = object_start(json, at), *end = object_end(at);
        const char *kind = value_in(start, end, "access");
        const char *n = value_in(start, end, "count");

        if (kind && n && strncmp(kind, quoted_access, strlen(quoted_access)) == 0) {
            count = strtoll(n, NULL, 10);
            break;
        }
        at = end;
    }
    free(quoted_address);
    free(quoted_access);
    return count;
}
