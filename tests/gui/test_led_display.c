/*
 * PWM duties to screen colour: the firmware's full colours show at full,
 * brightness follows the duty, hue does not.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "led_display.h"

#define FULL LED_DISPLAY_FULL_DUTY

START_TEST(firmware_full_cyan_shows_as_pure_cyan)
{
    struct led_display_colour c = led_display_from_duty(0, FULL, FULL);

    ck_assert_uint_eq(led_display_hex(c), 0x00FFFF);
    ck_assert_double_eq_tol(c.glow, 1.0, 1e-9);
}
END_TEST

START_TEST(orange_keeps_its_documented_hex)
{
    /* Device OS's orange 0xFF6000 at the default brightness. */
    struct led_display_colour c = led_display_from_duty(FULL, FULL * 0x60 / 0xFF, 0);
    ck_assert_uint_eq(led_display_hex(c), 0xFF6000);
}
END_TEST

START_TEST(zero_duty_is_black_without_glow)
{
    struct led_display_colour c = led_display_from_duty(0, 0, 0);

    ck_assert_uint_eq(led_display_hex(c), 0);
    ck_assert_double_eq(c.glow, 0);
}
END_TEST

START_TEST(half_the_light_is_gamma_encoded)
{
    /* Half the duty emits half the light: sRGB-ish code 0.5^(1/2.2) = 0.73. */
    struct led_display_colour c = led_display_from_duty(0, FULL / 2, FULL / 2);

    ck_assert_double_eq_tol(c.g, pow(0.5, 1 / 2.2), 1e-9);
    ck_assert_double_eq_tol(c.b, c.g, 1e-12);
    ck_assert_double_eq(c.r, 0);
    ck_assert_double_eq_tol(c.glow, c.g, 1e-12);
}
END_TEST

START_TEST(dimmest_breathing_step_is_dim_but_visible)
{
    /* The LED service's dimmest 25 ms fade step has a duty of about 0.0046. */
    struct led_display_colour c = led_display_from_duty(0, 0.0046, 0.0046);

    ck_assert_double_gt(c.g, 0.05);
    ck_assert_double_lt(c.g, 0.2);
}
END_TEST

START_TEST(brightness_rises_with_duty_and_hue_stays)
{
    double previous = -1;

    for (int step = 1; step <= 40; step++) {
        double duty = FULL * step / 40.0;
        struct led_display_colour c = led_display_from_duty(duty, duty * 0x60 / 0xFF, 0);
        ck_assert_double_gt(c.r, previous);
        ck_assert_double_eq_tol(c.g / c.r, (double)0x60 / 0xFF, 1e-9);
        ck_assert_double_eq(c.b, 0);
        previous = c.r;
    }
}
END_TEST

START_TEST(duties_above_full_scale_are_clamped)
{
    /* An app that raised the brightness to 255 drives a duty of 1.0. */
    struct led_display_colour c = led_display_from_duty(0, 1.0, 0);

    ck_assert_uint_eq(led_display_hex(c), 0x00FF00);
    ck_assert_double_eq(c.glow, 1.0);
}
END_TEST

START_TEST(nonsense_duties_are_treated_as_off)
{
    ck_assert_uint_eq(led_display_hex(led_display_from_duty(-0.5, NAN, -1)), 0);
    ck_assert_uint_eq(led_display_hex(led_display_from_duty(LED_DISPLAY_OFF_DUTY / 2, 0, 0)), 0);
}
END_TEST

static Suite *led_display_suite(void)
{
    Suite *s = suite_create("led_display");
    TCase *tc = tcase_create("mapping");

    tcase_add_test(tc, firmware_full_cyan_shows_as_pure_cyan);
    tcase_add_test(tc, orange_keeps_its_documented_hex);
    tcase_add_test(tc, zero_duty_is_black_without_glow);
    tcase_add_test(tc, half_the_light_is_gamma_encoded);
    tcase_add_test(tc, dimmest_breathing_step_is_dim_but_visible);
    tcase_add_test(tc, brightness_rises_with_duty_and_hue_stays);
    tcase_add_test(tc, duties_above_full_scale_are_clamped);
    tcase_add_test(tc, nonsense_duties_are_treated_as_off);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(led_display_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
