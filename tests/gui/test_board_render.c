/*
 * The drawn Photon: its LEDs carry the colours the model reports, the
 * buttons show when they are pressed, and the framebuffer contract holds.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_render.h"
#include "led_display.h"
#include "pixel_probe.h"

#define W BOARD_RENDER_DEFAULT_WIDTH
#define H BOARD_RENDER_DEFAULT_HEIGHT
#define FULL LED_DISPLAY_FULL_DUTY

static const struct board_state dark_board = { 0 };

static uint32_t *render(const struct board_state *state, int width, int height)
{
    uint32_t *pixels = calloc((size_t)width * height, sizeof(uint32_t));

    ck_assert_ptr_nonnull(pixels);
    ck_assert_int_eq(board_render(pixels, width, height, width * 4, state), 0);
    return pixels;
}

static struct board_layout layout_of(int width, int height)
{
    struct board_layout l;
    board_layout_compute(&l, width, height);
    return l;
}

/* The centre of the RGB LED's lens in a drawing of state. */
static struct pixel rgb_led_centre(const struct board_state *state, int width, int height)
{
    struct board_layout l = layout_of(width, height);
    uint32_t *pixels = render(state, width, height);
    struct pixel p = pixel_in_buffer(pixels, width * 4, l.rgb_led_x, l.rgb_led_y);
    free(pixels);
    return p;
}

static struct board_state led(double r, double g, double b)
{
    return (struct board_state){ .led_r = r, .led_g = g, .led_b = b };
}

START_TEST(full_cyan_led_centre_is_cyan)
{
    struct board_state cyan = led(0, FULL, FULL);
    struct pixel p = rgb_led_centre(&cyan, W, H);

    ck_assert_msg(p.r < 60 && p.g > 200 && p.b > 200, "LED centre %s", pixel_text(p));
}
END_TEST

START_TEST(unlit_led_is_dark)
{
    struct board_state cyan = led(0, FULL, FULL);
    struct pixel off = rgb_led_centre(&dark_board, W, H);
    struct pixel lit = rgb_led_centre(&cyan, W, H);

    ck_assert_msg(off.r < 90 && off.g < 90 && off.b < 90, "unlit LED %s", pixel_text(off));
    ck_assert_int_gt(pixel_distance(off, lit), 250);
}
END_TEST

START_TEST(dim_led_looks_dim)
{
    struct board_state full = led(0, FULL, FULL), dim = led(0, 0.02, 0.02);
    struct pixel pf = rgb_led_centre(&full, W, H), pd = rgb_led_centre(&dim, W, H);
    struct pixel po = rgb_led_centre(&dark_board, W, H);

    ck_assert_msg(pd.g < pf.g - 60 && pd.g > po.g + 20, "dim %s", pixel_text(pd));
    ck_assert_msg(pd.g > pd.r + 40, "dim cyan lost its hue: %s", pixel_text(pd));
}
END_TEST

START_TEST(orange_led_is_orange)
{
    struct board_state orange = led(FULL, FULL * 0x60 / 0xFF, 0);
    struct pixel p = rgb_led_centre(&orange, W, H);

    ck_assert_msg(p.r > 220 && p.g > 60 && p.g < 140 && p.b < 50, "orange %s", pixel_text(p));
}
END_TEST

START_TEST(breathing_brightness_follows_the_duty)
{
    int previous = -1, first = 0;

    for (int step = 0; step <= 10; step++) {
        double duty = FULL * step / 10.0;
        struct board_state s = led(0, duty, duty);
        struct pixel p = rgb_led_centre(&s, W, H);
        ck_assert_msg(p.g >= previous, "step %d: %s after g=%d", step, pixel_text(p), previous);
        if (step == 0) {
            first = p.g;
        }
        previous = p.g;
    }
    ck_assert_int_gt(previous - first, 150);
}
END_TEST

/* A board pixel just below the LED package, where its halo falls. */
static struct pixel below_led(const struct board_state *state)
{
    struct board_layout l = layout_of(W, H);
    uint32_t *pixels = render(state, W, H);
    struct pixel p = pixel_in_buffer(pixels, W * 4, l.rgb_led_x, l.rgb_led_y + 1.6 * l.scale);
    free(pixels);
    return p;
}

START_TEST(glow_lights_the_board_and_follows_brightness)
{
    struct board_state full = led(0, FULL, FULL), dim = led(0, 0.03, 0.03);
    struct pixel off = below_led(&dark_board), bright = below_led(&full), faint = below_led(&dim);

    ck_assert_msg(bright.b > off.b + 60, "no halo: %s vs unlit b=%d", pixel_text(bright), off.b);
    ck_assert_msg(faint.b > off.b && faint.b < bright.b - 30, "dim halo %s", pixel_text(faint));
}
END_TEST

static struct pixel d7_centre(bool on)
{
    struct board_layout l = layout_of(W, H);
    struct board_state s = { .d7 = on };
    uint32_t *pixels = render(&s, W, H);
    struct pixel p = pixel_in_buffer(pixels, W * 4, l.d7_led.x + l.d7_led.w / 2,
                                     l.d7_led.y + l.d7_led.h / 2);
    free(pixels);
    return p;
}

START_TEST(d7_on_is_a_blue_pixel_at_the_d7_led)
{
    struct pixel on = d7_centre(true), off = d7_centre(false);

    ck_assert_msg(on.b > 200 && on.r < 120 && on.b > on.r + 100, "D7 on: %s", pixel_text(on));
    ck_assert_msg(off.b < 130, "D7 off: %s", pixel_text(off));
}
END_TEST

START_TEST(d7_and_rgb_led_are_separate)
{
    struct board_state d7 = { .d7 = true };
    struct pixel with_d7 = rgb_led_centre(&d7, W, H), without = rgb_led_centre(&dark_board, W, H);

    ck_assert_int_eq(pixel_distance(with_d7, without), 0);
}
END_TEST

/* Pixels in r (grown by grow pixels) that differ between two drawings. */
static int changed_pixels(const uint32_t *a, const uint32_t *b, struct board_rect r, double grow)
{
    int count = 0;
    for (int y = (int)(r.y - grow); y < r.y + r.h + grow; y++) {
        for (int x = (int)(r.x - grow); x < r.x + r.w + grow; x++) {
            if (pixel_distance(pixel_in_buffer(a, W * 4, x, y), pixel_in_buffer(b, W * 4, x, y)) > 30) {
                count++;
            }
        }
    }
    return count;
}

START_TEST(pressed_setup_looks_different)
{
    struct board_layout l = layout_of(W, H);
    struct board_state pressed = { .setup_pressed = true };
    uint32_t *up = render(&dark_board, W, H), *down = render(&pressed, W, H);
    struct board_rect b = l.setup_button;
    struct pixel ring = pixel_in_buffer(down, W * 4, b.x - 0.55 * l.scale, b.y + b.h / 2);

    ck_assert_int_gt(changed_pixels(up, down, b, l.scale), (int)(b.w * b.h / 4));
    ck_assert_msg(ring.r > 180 && ring.g > 140 && ring.b < 120, "pressed ring %s", pixel_text(ring));
    ck_assert_int_eq(changed_pixels(up, down, l.reset_button, 0), 0);
    free(up);
    free(down);
}
END_TEST

START_TEST(pressed_reset_looks_different)
{
    struct board_layout l = layout_of(W, H);
    struct board_state pressed = { .reset_pressed = true };
    uint32_t *up = render(&dark_board, W, H), *down = render(&pressed, W, H);

    ck_assert_int_gt(changed_pixels(up, down, l.reset_button, l.scale),
                     (int)(l.reset_button.w * l.reset_button.h / 4));
    ck_assert_int_eq(changed_pixels(up, down, l.setup_button, 0), 0);
    free(up);
    free(down);
}
END_TEST

static int bright_pixels_in(const uint32_t *pixels, struct board_rect r)
{
    int count = 0;
    for (int y = (int)r.y + 1; y < r.y + r.h; y++) {
        for (int x = (int)r.x; x < r.x + r.w; x++) {
            struct pixel p = pixel_in_buffer(pixels, W * 4, x, y);
            count += p.r > 150 && p.g > 150 && p.b > 150;
        }
    }
    return count;
}

START_TEST(status_line_is_written_in_the_bar)
{
    struct board_layout l = layout_of(W, H);
    struct board_state with_text = { .status_line = "breathing-cyan  t=12.345 s  1.9x" };
    uint32_t *plain = render(&dark_board, W, H), *text = render(&with_text, W, H);

    ck_assert_int_eq(bright_pixels_in(plain, l.status_bar), 0);
    ck_assert_int_gt(bright_pixels_in(text, l.status_bar), 50);
    free(plain);
    free(text);
}
END_TEST

START_TEST(renders_at_any_size)
{
    static const int sizes[][2] = { { 200, 100 }, { 320, 150 }, { 1280, 600 }, { 300, 600 } };
    struct board_state cyan = led(0, FULL, FULL);

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct pixel p = rgb_led_centre(&cyan, sizes[i][0], sizes[i][1]);
        ck_assert_msg(p.r < 60 && p.g > 200 && p.b > 200, "%dx%d: %s", sizes[i][0], sizes[i][1],
                      pixel_text(p));
    }
}
END_TEST

START_TEST(every_pixel_is_opaque)
{
    struct board_state s = led(0, 0.1, 0.1);
    uint32_t *pixels = render(&s, W, H); /* calloc'ed: alpha 0 before */

    for (size_t i = 0; i < (size_t)W * H; i++) {
        ck_assert_uint_eq(pixels[i] >> 24, 0xFF);
    }
    free(pixels);
}
END_TEST

START_TEST(stride_padding_is_left_alone)
{
    const int pad = 7, stride = (W + pad) * 4;
    struct board_state s = led(FULL, 0, 0);
    uint32_t *padded = malloc((size_t)stride * H), *tight = render(&s, W, H);

    for (size_t i = 0; i < (size_t)(W + pad) * H; i++) {
        padded[i] = 0xDEADBEEF;
    }
    ck_assert_int_eq(board_render(padded, W, H, stride, &s), 0);
    for (int y = 0; y < H; y++) {
        ck_assert_mem_eq(padded + (size_t)y * (W + pad), tight + (size_t)y * W, W * 4);
        for (int x = W; x < W + pad; x++) {
            ck_assert_uint_eq(padded[(size_t)y * (W + pad) + x], 0xDEADBEEF);
        }
    }
    free(padded);
    free(tight);
}
END_TEST

START_TEST(unusable_buffers_are_refused)
{
    uint32_t pixels[64 * 4];

    ck_assert_int_eq(board_render(pixels, 64, 4, 64 * 4 - 4, &dark_board), -1); /* too short */
    ck_assert_int_eq(board_render(pixels, 64, 4, 64 * 4 - 2, &dark_board), -1); /* not x4 */
    ck_assert_int_eq(board_render(pixels, 0, 4, 64 * 4, &dark_board), -1);
    ck_assert_int_eq(board_render(NULL, 64, 4, 64 * 4, &dark_board), -1);
    ck_assert_int_eq(board_render(pixels, 64, 4, 64 * 4, NULL), -1);
}
END_TEST

START_TEST(cached_renderer_draws_the_same_frames)
{
    struct board_renderer *r = board_renderer_new();
    struct board_state frames[] = {
        led(0, FULL, FULL),
        { .led_r = FULL, .d7 = true, .setup_pressed = true, .status_line = "red" },
        dark_board,
    };
    static const int sizes[][2] = { { W, H }, { W, H }, { 400, 200 } };

    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        uint32_t *cached = calloc((size_t)w * h, 4), *fresh = render(&frames[i], w, h);
        ck_assert_int_eq(board_renderer_draw(r, cached, w, h, w * 4, &frames[i]), 0);
        ck_assert_mem_eq(cached, fresh, (size_t)w * h * 4);
        free(cached);
        free(fresh);
    }
    board_renderer_free(r);
}
END_TEST

START_TEST(png_holds_the_same_picture)
{
    char path[] = "/tmp/board-render-XXXXXX";
    int fd = mkstemp(path);
    struct board_state cyan = led(0, FULL, FULL);
    struct board_layout l = layout_of(W, H);

    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(board_render_png(path, W, H, &cyan), 0);
    cairo_surface_t *png = cairo_image_surface_create_from_png(path);
    ck_assert_int_eq(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    ck_assert_int_eq(cairo_image_surface_get_width(png), W);
    ck_assert_int_eq(cairo_image_surface_get_height(png), H);
    struct pixel p = pixel_in_surface(png, l.rgb_led_x, l.rgb_led_y);
    ck_assert_msg(p.r < 60 && p.g > 200 && p.b > 200, "PNG LED centre %s", pixel_text(p));
    cairo_surface_destroy(png);
    unlink(path);
}
END_TEST

static Suite *board_render_suite(void)
{
    Suite *s = suite_create("board_render");
    TCase *leds = tcase_create("leds");
    TCase *buttons = tcase_create("buttons");
    TCase *frame = tcase_create("framebuffer");

    tcase_add_test(leds, full_cyan_led_centre_is_cyan);
    tcase_add_test(leds, unlit_led_is_dark);
    tcase_add_test(leds, dim_led_looks_dim);
    tcase_add_test(leds, orange_led_is_orange);
    tcase_add_test(leds, breathing_brightness_follows_the_duty);
    tcase_add_test(leds, glow_lights_the_board_and_follows_brightness);
    tcase_add_test(leds, d7_on_is_a_blue_pixel_at_the_d7_led);
    tcase_add_test(leds, d7_and_rgb_led_are_separate);
    suite_add_tcase(s, leds);

    tcase_add_test(buttons, pressed_setup_looks_different);
    tcase_add_test(buttons, pressed_reset_looks_different);
    suite_add_tcase(s, buttons);

    tcase_add_test(frame, status_line_is_written_in_the_bar);
    tcase_add_test(frame, renders_at_any_size);
    tcase_add_test(frame, every_pixel_is_opaque);
    tcase_add_test(frame, stride_padding_is_left_alone);
    tcase_add_test(frame, unusable_buffers_are_refused);
    tcase_add_test(frame, cached_renderer_draws_the_same_frames);
    tcase_add_test(frame, png_holds_the_same_picture);
    suite_add_tcase(s, frame);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(board_render_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
