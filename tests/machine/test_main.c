/*
 * Device-model tests of the photon machine through qtest. Every suite runs
 * unless CK_RUN_SUITE names one (meson registers one test per suite).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdlib.h>

#include "machine_test.h"

int main(void)
{
    Suite *(*const suites[])(void) = {
        memory_map_suite, rcc_suite, flash_suite, crc_suite, rng_suite, rtc_suite,
        iwdg_suite, gpio_suite, exti_suite, tim_suite, dwt_suite, sdio_otg_suite, usb_device_suite,
        unmodelled_suite,
    };
    SRunner *runner = srunner_create(suites[0]());
    int failed;

    for (size_t i = 1; i < sizeof(suites) / sizeof(suites[0]); i++) {
        srunner_add_suite(runner, suites[i]());
    }
    srunner_run_all(runner, CK_ENV);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
