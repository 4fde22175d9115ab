/*
 * The photon machine under qtest, for Check tests: each run gets its own
 * temporary folder holding the flash image and the run's report, and any
 * qtest failure (hung or crashed QEMU, a refused request) fails the test.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SIM_MACHINE_TEST_H
#define PHOTON_SIM_MACHINE_TEST_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qtest_client.h"
#include "stm32f205_map.h"

/* Seconds a single test may take (Check's default of 4 s is too tight). */
#define MACHINE_TEST_TIMEOUT_S 60

typedef struct PhotonRun {
    QtestClient *qt;        /* NULL while QEMU is not running */
    char *dir;              /* temporary folder of the run */
    char *flash;            /* dir/flash.bin, 1 MiB */
    char *report_dir;       /* dir/report: summary.json, led.jsonl */
} PhotonRun;

/* A temporary folder with an erased (all 0xFF) flash image. */
PhotonRun *photon_prepare(void);

/*
 * Starts the machine on the run's flash image with its report folder and
 * the extra machine options @options ("seed=3,strict=on"; NULL for none).
 */
void photon_start(PhotonRun *run, const char *options);

/* photon_prepare + photon_start. */
PhotonRun *photon_boot(const char *options);

/* Lets QEMU exit normally (its report is written then). */
void photon_stop(PhotonRun *run);

/* Stops QEMU if needed, deletes the folder and frees @run. */
void photon_finish(PhotonRun *run);

/* Resets the machine the way NVIC_SystemReset() does (AIRCR.SYSRESETREQ). */
void photon_system_reset(PhotonRun *run);

/* Whole contents of a file of the run's report folder (malloc'd, NUL-ended). */
char *photon_report_file(PhotonRun *run, const char *name);

/* Writes/reads @len bytes of the run's flash image file at @offset. */
void photon_flash_file_write(PhotonRun *run, uint32_t offset, const void *data, size_t len);
void photon_flash_file_read(PhotonRun *run, uint32_t offset, void *data, size_t len);

/* Whether NVIC interrupt @irq is pending / clears its pending state. */
bool nvic_pending(PhotonRun *run, int irq);
void nvic_clear_pending(PhotonRun *run, int irq);

/*
 * summary.json lookups. The report is small, flat JSON written by the board;
 * these scan for one key rather than parse it all.
 *
 * json_unmodelled_count: the "count" of the "unmodelled" entry with this
 * address ("0x40005400") and access ("read"/"write"), or -1 if none.
 */
long long json_unmodelled_count(const char *json, const char *address, const char *access);
/* The literal after "key": (true, false, a number, "a string"), or NULL. */
char *json_value(const char *json, const char *key);
/* Whether any "key" in @json (or JSON lines) has the literal value @value. */
bool json_any_value_is(const char *json, const char *key, const char *value);

/* Shorthands for the run's client. */
#define RD32(run, a) qtest_readl((run)->qt, (a))
#define RD16(run, a) qtest_readw((run)->qt, (a))
#define RD8(run, a) qtest_readb((run)->qt, (a))
#define WR32(run, a, v) qtest_writel((run)->qt, (a), (v))
#define WR16(run, a, v) qtest_writew((run)->qt, (a), (v))
#define WR8(run, a, v) qtest_writeb((run)->qt, (a), (v))
#define STEP_NS(run, ns) qtest_clock_step((run)->qt, (ns))

#define NS_PER_US 1000ll
#define NS_PER_MS 1000000ll
#define NS_PER_S 1000000000ll

/* The suites, one per model (test_*.c). */
Suite *memory_map_suite(void);
Suite *rcc_suite(void);
Suite *flash_suite(void);
Suite *crc_suite(void);
Suite *rng_suite(void);
Suite *rtc_suite(void);
Suite *iwdg_suite(void);
Suite *gpio_suite(void);
Suite *exti_suite(void);
Suite *tim_suite(void);
Suite *dwt_suite(void);
Suite *sdio_otg_suite(void);
Suite *usb_device_suite(void);
Suite *unmodelled_suite(void);

/* A test case of @suite with the machine tests' timeout. */
TCase *machine_tcase(Suite *suite, const char *name);

#endif
