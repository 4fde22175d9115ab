/*
 * A small client for QEMU's qtest protocol (softmmu/qtest.c): it starts
 * qemu-system-* with "-accel qtest -qtest stdio" on a socket pair and sends
 * one line per request ("readl 0x40023800", "clock_step 1000", ...), waiting
 * for the "OK ..." reply. No guest code runs: the test is the bus master.
 *
 * Every wait is bounded. A hung or crashed QEMU, or a reply that is not OK,
 * kills QEMU and calls the failure handler with the request, the reason and
 * the tail of QEMU's stderr; the handler is expected not to return (the
 * default prints and aborts; a Check test installs one that fails the test).
 *
 * Plain C and POSIX, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SIM_QTEST_CLIENT_H
#define PHOTON_SIM_QTEST_CLIENT_H

#include <stddef.h>
#include <stdint.h>

typedef struct QtestClient QtestClient;

typedef void (*QtestFailHandler)(const char *message);

/* Installs the handler called on any protocol failure (NULL: print, abort). */
void qtest_client_set_fail_handler(QtestFailHandler handler);

/*
 * Starts @qemu with the arguments @args (NULL-terminated; the machine and
 * its options) plus the qtest plumbing, and waits until QEMU answers.
 * @timeout_ms bounds every later request too.
 */
QtestClient *qtest_client_start(const char *qemu, const char *const *args,
                                int timeout_ms);

/*
 * Asks QEMU to exit (SIGTERM, which runs its exit notifiers) and reaps it.
 * Returns its exit status, or -1 if it had to be killed. Frees @c.
 */
int qtest_client_quit(QtestClient *c);

/*
 * Waits for QEMU to exit on its own (a guest-requested shutdown) within
 * @timeout_ms. Returns its exit status; fails if it does not exit. Frees @c.
 */
int qtest_client_wait_exit(QtestClient *c, int timeout_ms);

/* Whether QEMU is still running (has not exited or closed the stream). */
int qtest_client_alive(QtestClient *c);

/* Bus accesses through the first CPU's address space, little-endian. */
uint8_t qtest_readb(QtestClient *c, uint64_t addr);
uint16_t qtest_readw(QtestClient *c, uint64_t addr);
uint32_t qtest_readl(QtestClient *c, uint64_t addr);
void qtest_writeb(QtestClient *c, uint64_t addr, uint8_t value);
void qtest_writew(QtestClient *c, uint64_t addr, uint16_t value);
void qtest_writel(QtestClient *c, uint64_t addr, uint32_t value);
void qtest_memread(QtestClient *c, uint64_t addr, void *buf, size_t len);

/*
 * Virtual clock (nanoseconds): step it by @ns, or set it to @ns (no effect if
 * already past). Timers due in between fire. Both return the new clock.
 */
int64_t qtest_clock_step(QtestClient *c, int64_t ns);
int64_t qtest_clock_set(QtestClient *c, int64_t ns);

/* Sets input @n of the named GPIO list @name of the device at @qom_path. */
void qtest_set_irq_in(QtestClient *c, const char *qom_path, const char *name,
                      int n, int level);

/*
 * Sends one raw request line (without newline) and returns the reply text
 * after "OK" (possibly empty), valid until the next request.
 */
const char *qtest_request(QtestClient *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
