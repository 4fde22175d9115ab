/*
 * Naming the LED's colour from PWM duties, at the firmware's own scaling.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdlib.h>

#include "led_colour.h"
#include "led_timeline.h"

/* The duties Device OS shows for rgb at a brightness. */
static struct led_rgb firmware_rgb(uint32_t rgb, unsigned brightness)
{
    return (struct led_rgb){
        led_timeline_duty((uint8_t)(rgb >> 16), brightness),
        led_timeline_duty((uint8_t)(rgb >> 8), brightness),
        led_timeline_duty((uint8_t)rgb, brightness),
    };
}

START_TEST(full_component_at_default_brightness_is_37_percent)
{
    ck_assert_uint_eq(led_timeline_ccr(0xFF, 96), 3735);
    ck_assert_double_eq_tol(led_rgb_level(firmware_rgb(RGB_CYAN, 96)), 0.3735, 1e-9);
}
END_TEST

START_TEST(theme_colours_get_their_names)
{
    static const struct {
        uint32_t rgb;
        enum led_colour colour;
        const char *name;
    } cases[] = {
        { RGB_WHITE, LED_COLOUR_WHITE, "white" },
        { RGB_RED, LED_COLOUR_RED, "red" },
        { RGB_GREEN, LED_COLOUR_GREEN, "green" },
        { RGB_BLUE, LED_COLOUR_BLUE, "blue" },
        { RGB_CYAN, LED_COLOUR_CYAN, "cyan" },
        { RGB_MAGENTA, LED_COLOUR_MAGENTA, "magenta" },
        { RGB_YELLOW, LED_COLOUR_YELLOW, "yellow" },
        { RGB_ORANGE, LED_COLOUR_ORANGE, "orange" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum led_colour c = led_colour_of(firmware_rgb(cases[i].rgb, 96));
        ck_assert_msg(c == cases[i].colour, "0x%06x named %s", (unsigned)cases[i].rgb,
                      led_colour_name(c));
        ck_assert_str_eq(led_colour_name(c), cases[i].name);
    }
}
END_TEST

START_TEST(brightness_does_not_change_the_name)
{
    for (unsigned brightness = 8; brightness <= 255; brightness += 31) {
        ck_assert_int_eq(led_colour_of(firmware_rgb(RGB_ORANGE, brightness)),
                         LED_COLOUR_ORANGE);
        ck_assert_int_eq(led_colour_of(firmware_rgb(RGB_CYAN, brightness)),
                         LED_COLOUR_CYAN);
        ck_assert_uint_eq(led_rgb_normalised_hex(firmware_rgb(RGB_CYAN, brightness)),
                          0x00FFFF);
    }
}
END_TEST

START_TEST(orange_is_not_red_or_yellow)
{
    /* Orange's green is 0x60 of 0xFF: between red's 0 and yellow's 0xFF. */
    ck_assert_int_eq(led_colour_of((struct led_rgb){ 1, 0.15, 0 }), LED_COLOUR_RED);
    ck_assert_int_eq(led_colour_of((struct led_rgb){ 1, 0.376, 0 }), LED_COLOUR_ORANGE);
    ck_assert_int_eq(led_colour_of((struct led_rgb){ 1, 0.8, 0 }), LED_COLOUR_YELLOW);
}
END_TEST

START_TEST(normalised_hex_takes_brightness_out)
{
    ck_assert_uint_eq(led_rgb_normalised_hex(firmware_rgb(RGB_ORANGE, 96)), 0xFF6000);
    ck_assert_uint_eq(led_rgb_normalised_hex(firmware_rgb(0x8040C0, 96)), 0xAA55FF);
    ck_assert_uint_eq(led_rgb_normalised_hex(firmware_rgb(0x8040C0, 200)), 0xAA55FF);
    ck_assert_uint_eq(led_rgb_normalised_hex((struct led_rgb){ 0, 0, 0 }), 0);
}
END_TEST

START_TEST(nearly_dark_is_off)
{
    ck_assert(led_rgb_is_dark((struct led_rgb){ 0, 0, 0 }));
    ck_assert(led_rgb_is_dark((struct led_rgb){ 0.0015, 0.001, 0 }));
    ck_assert_int_eq(led_colour_of((struct led_rgb){ 0.0015, 0, 0 }), LED_COLOUR_OFF);
    ck_assert_str_eq(led_colour_name(LED_COLOUR_OFF), "off");
    /* The dimmest step of a default-brightness fade is still a colour. */
    struct led_rgb dimmest = { 0, 0.0046, 0.0046 };
    ck_assert(!led_rgb_is_dark(dimmest));
    ck_assert_int_eq(led_colour_of(dimmest), LED_COLOUR_CYAN);
}
END_TEST

START_TEST(odd_colour_goes_to_the_nearest_name)
{
    /* 0xAA55FF: closer to magenta (1,0,1) than to blue or white. */
    ck_assert_int_eq(led_colour_of(firmware_rgb(0x8040C0, 96)), LED_COLOUR_MAGENTA);
    /* A grey is white. */
    ck_assert_int_eq(led_colour_of(firmware_rgb(0x202020, 96)), LED_COLOUR_WHITE);
}
END_TEST

static Suite *colour_suite(void)
{
    Suite *s = suite_create("led_colour");
    TCase *tc = tcase_create("naming");
    tcase_add_test(tc, full_component_at_default_brightness_is_37_percent);
    tcase_add_test(tc, theme_colours_get_their_names);
    tcase_add_test(tc, brightness_does_not_change_the_name);
    tcase_add_test(tc, orange_is_not_red_or_yellow);
    tcase_add_test(tc, normalised_hex_takes_brightness_out);
    tcase_add_test(tc, nearly_dark_is_off);
    tcase_add_test(tc, odd_colour_goes_to_the_nearest_name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(colour_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
