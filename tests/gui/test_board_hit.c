/*
 * Hit-testing: a press lands on the button drawn under the pointer, at any
 * size, and nowhere else.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdlib.h>

#include "board_render.h"
#include "pixel_probe.h"

static const int sizes[][2] = { { 640, 300 }, { 1280, 600 }, { 320, 150 }, { 300, 600 } };
#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static struct board_layout layout_of(int width, int height)
{
    struct board_layout l;
    board_layout_compute(&l, width, height);
    return l;
}

START_TEST(button_centres_hit_their_buttons)
{
    for (size_t i = 0; i < N_SIZES; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        struct board_layout l = layout_of(w, h);
        struct board_rect s = l.setup_button, r = l.reset_button;
        ck_assert_int_eq(board_hit_test(w, h, s.x + s.w / 2, s.y + s.h / 2), BOARD_BUTTON_SETUP);
        ck_assert_int_eq(board_hit_test(w, h, r.x + r.w / 2, r.y + r.h / 2), BOARD_BUTTON_RESET);
    }
}
END_TEST

START_TEST(led_board_and_background_are_not_buttons)
{
    for (size_t i = 0; i < N_SIZES; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        struct board_layout l = layout_of(w, h);
        ck_assert_int_eq(board_hit_test(w, h, l.rgb_led_x, l.rgb_led_y), BOARD_BUTTON_NONE);
        ck_assert_int_eq(board_hit_test(w, h, l.pcb.x + l.pcb.w / 2, l.pcb.y + l.pcb.h / 2),
                         BOARD_BUTTON_NONE);
        ck_assert_int_eq(board_hit_test(w, h, 0, 0), BOARD_BUTTON_NONE);
        ck_assert_int_eq(board_hit_test(w, h, w - 1, h - 1), BOARD_BUTTON_NONE); /* status bar */
        ck_assert_int_eq(board_hit_test(w, h, -5, -5), BOARD_BUTTON_NONE);
    }
}
END_TEST

START_TEST(a_near_miss_still_presses)
{
    struct board_layout l = layout_of(640, 300);
    struct board_rect s = l.setup_button;

    ck_assert_int_eq(board_hit_test(640, 300, s.x - 2, s.y + s.h / 2), BOARD_BUTTON_SETUP);
    ck_assert_int_eq(board_hit_test(640, 300, s.x - 3 * l.scale, s.y + s.h / 2), BOARD_BUTTON_NONE);
}
END_TEST

START_TEST(the_led_between_the_buttons_never_presses_one)
{
    for (size_t i = 0; i < N_SIZES; i++) {
        int w = sizes[i][0], h = sizes[i][1];
        struct board_layout l = layout_of(w, h);
        for (double dy = -l.rgb_led_lens_radius; dy <= l.rgb_led_lens_radius; dy += 1) {
            ck_assert_int_eq(board_hit_test(w, h, l.rgb_led_x, l.rgb_led_y + dy),
                             BOARD_BUTTON_NONE);
        }
    }
}
END_TEST

/*
 * Every pixel that changes when a button is drawn pressed (the sunk
 * actuator and the ring) answers the hit test with that button: what the
 * user sees as the button is what presses it.
 */
static void check_drawn_button_is_hit_area(int w, int h, bool setup)
{
    struct board_state up = { 0 }, down = { .setup_pressed = setup, .reset_pressed = !setup };
    uint32_t *a = calloc((size_t)w * h, 4), *b = calloc((size_t)w * h, 4);
    enum board_button want = setup ? BOARD_BUTTON_SETUP : BOARD_BUTTON_RESET;
    int changed = 0;

    ck_assert_int_eq(board_render(a, w, h, w * 4, &up), 0);
    ck_assert_int_eq(board_render(b, w, h, w * 4, &down), 0);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            if (pixel_distance(pixel_in_buffer(a, w * 4, x, y), pixel_in_buffer(b, w * 4, x, y)) > 40) {
                changed++;
                ck_assert_msg(board_hit_test(w, h, x, y) == want,
                              "%dx%d: pixel (%d,%d) changes when %s is pressed but hits %s", w, h,
                              x, y, board_button_name(want),
                              board_button_name(board_hit_test(w, h, x, y)));
            }
        }
    }
    ck_assert_int_gt(changed, 50);
    free(a);
    free(b);
}

START_TEST(what_is_drawn_as_the_button_presses_it)
{
    for (size_t i = 0; i < N_SIZES; i++) {
        check_drawn_button_is_hit_area(sizes[i][0], sizes[i][1], true);
        check_drawn_button_is_hit_area(sizes[i][0], sizes[i][1], false);
    }
}
END_TEST

static Suite *board_hit_suite(void)
{
    Suite *s = suite_create("board_hit");
    TCase *tc = tcase_create("hit_test");

    tcase_add_test(tc, button_centres_hit_their_buttons);
    tcase_add_test(tc, led_board_and_background_are_not_buttons);
    tcase_add_test(tc, a_near_miss_still_presses);
    tcase_add_test(tc, the_led_between_the_buttons_never_presses_one);
    tcase_add_test(tc, what_is_drawn_as_the_button_presses_it);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(board_hit_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
