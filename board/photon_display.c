/*
 * The Photon drawn in a QEMU graphic console (see photon_display.h).
 *
 * The drawing is the plain-C board renderer in gui/ (cairo), so the window,
 * the screenshots and the tests all show the same picture. The mouse holds
 * SETUP or taps RESET where they are drawn; keys do the same: 's' holds SETUP
 * while pressed, 'r' is RESET.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qemu/module.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "ui/console.h"
#include "ui/input.h"
#include "hw/photon/board/photon_display.h"
#include "hw/photon/gui/board_render.h"
#include "hw/photon/trace.h"

static void display_view(PhotonDisplayState *s, struct board_state *state, char *status,
                         size_t size)
{
    PhotonDisplayView view = { 0 };
    double virtual_s = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) / 1e9;
    double wall_s = (g_get_monotonic_time() - s->wall_start_us) / 1e6;

    if (s->view) {
        s->view(s->view_opaque, &view);
    }
    snprintf(status, size, "%-22s t = %7.1f s  %.1fx real time  [s] SETUP [r] RESET",
             view.pattern ? view.pattern : "", virtual_s, wall_s > 0 ? virtual_s / wall_s : 0);
    *state = (struct board_state) {
        .led_r = view.led_r, .led_g = view.led_g, .led_b = view.led_b,
        .d7 = view.d7,
        .setup_pressed = view.setup_held || s->mouse_on_setup,
        .reset_pressed = view.reset_held || s->mouse_on_reset,
        .status_line = status,
    };
}

/* At most this often: about 16 frames a second keep a breathing LED smooth,
 * and drawing (cairo, then the window's upload) costs the run less. */
#define DISPLAY_MIN_FRAME_US 60000

/* Whether the board looks as it did in the last frame drawn on @surface. */
static bool frame_unchanged(PhotonDisplayState *s, void *surface,
                            const struct board_state *state)
{
    const uint8_t led[3] = { lround(state->led_r * 255), lround(state->led_g * 255),
                             lround(state->led_b * 255) };
    bool same = surface == s->last_surface && !memcmp(led, s->last_led, sizeof(led)) &&
                state->d7 == s->last_d7 && state->setup_pressed == s->last_setup &&
                state->reset_pressed == s->last_reset &&
                !strcmp(state->status_line, s->last_status);

    s->last_surface = surface;
    memcpy(s->last_led, led, sizeof(led));
    s->last_d7 = state->d7;
    s->last_setup = state->setup_pressed;
    s->last_reset = state->reset_pressed;
    pstrcpy(s->last_status, sizeof(s->last_status), state->status_line);
    return same;
}

static void photon_display_update(void *opaque)
{
    PhotonDisplayState *s = opaque;
    DisplaySurface *surface = qemu_console_surface(s->console);
    struct board_state state;
    char status[160];
    int64_t now_us = g_get_monotonic_time();

    if (!surface || surface_bits_per_pixel(surface) != 32) {
        return;
    }
    if (surface == s->last_surface && now_us - s->last_frame_us < DISPLAY_MIN_FRAME_US) {
        return;
    }
    display_view(s, &state, status, sizeof(status));
    if (frame_unchanged(s, surface, &state)) {
        return;
    }
    s->last_frame_us = now_us;
    board_renderer_draw(s->renderer, (uint32_t *)surface_data(surface),
                        surface_width(surface), surface_height(surface),
                        surface_stride(surface), &state);
    dpy_gfx_update_full(s->console);
}

static const GraphicHwOps photon_display_ops = {
    .gfx_update = photon_display_update,
};

static void photon_display_input(DeviceState *dev, QemuConsole *src, InputEvent *evt)
{
    PhotonDisplayState *s = PHOTON_DISPLAY(dev);
    DisplaySurface *surface = qemu_console_surface(s->console);
    int width = surface ? surface_width(surface) : BOARD_RENDER_DEFAULT_WIDTH;
    int height = surface ? surface_height(surface) : BOARD_RENDER_DEFAULT_HEIGHT;
    InputMoveEvent *move;
    InputBtnEvent *btn;
    InputKeyEvent *key;
    int qcode;

    switch (evt->type) {
    case INPUT_EVENT_KIND_ABS:
        move = evt->u.abs.data;
        if (move->axis == INPUT_AXIS_X) {
            s->pointer_x = qemu_input_scale_axis(move->value, INPUT_EVENT_ABS_MIN,
                                                 INPUT_EVENT_ABS_MAX, 0, width);
        } else {
            s->pointer_y = qemu_input_scale_axis(move->value, INPUT_EVENT_ABS_MIN,
                                                 INPUT_EVENT_ABS_MAX, 0, height);
        }
        break;
    case INPUT_EVENT_KIND_BTN:
        btn = evt->u.btn.data;
        if (btn->button != INPUT_BUTTON_LEFT) {
            break;
        }
        if (btn->down) {
            switch (board_hit_test(width, height, s->pointer_x, s->pointer_y)) {
            case BOARD_BUTTON_SETUP:
                s->mouse_on_setup = true;
                qemu_set_irq(s->setup_button, 1);
                break;
            case BOARD_BUTTON_RESET:
                s->mouse_on_reset = true;
                qemu_set_irq(s->reset_button, 1);
                break;
            default:
                break;
            }
        } else {
            if (s->mouse_on_setup) {
                qemu_set_irq(s->setup_button, 0);
            }
            if (s->mouse_on_reset) {
                qemu_set_irq(s->reset_button, 0);
            }
            s->mouse_on_setup = s->mouse_on_reset = false;
        }
        break;
    case INPUT_EVENT_KIND_KEY:
        key = evt->u.key.data;
        qcode = qemu_input_key_value_to_qcode(key->key);
        if (qcode == Q_KEY_CODE_S) {
            qemu_set_irq(s->setup_button, key->down);
        } else if (qcode == Q_KEY_CODE_R) {
            qemu_set_irq(s->reset_button, key->down);
        }
        break;
    default:
        break;
    }
}

static QemuInputHandler photon_display_input_handler = {
    .name = "Photon buttons",
    .mask = INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_ABS | INPUT_EVENT_MASK_KEY,
    .event = photon_display_input,
};

static gint screenshot_by_time(gconstpointer a, gconstpointer b)
{
    const PhotonScreenshot *x = a, *y = b;

    return x->at_ns < y->at_ns ? -1 : x->at_ns > y->at_ns;
}

static void photon_display_arm_screenshot(PhotonDisplayState *s)
{
    if (s->next_screenshot < s->screenshots->len) {
        timer_mod(s->screenshot_timer,
                  g_array_index(s->screenshots, PhotonScreenshot, s->next_screenshot).at_ns);
    }
}

static void photon_display_take_screenshot(void *opaque)
{
    PhotonDisplayState *s = opaque;
    PhotonScreenshot *shot = &g_array_index(s->screenshots, PhotonScreenshot,
                                            s->next_screenshot++);
    struct board_state state;
    char status[160];

    display_view(s, &state, status, sizeof(status));
    if (board_render_png(shot->path, BOARD_RENDER_DEFAULT_WIDTH, BOARD_RENDER_DEFAULT_HEIGHT,
                         &state) != 0) {
        error_report("photon: cannot write screenshot %s", shot->path);
    }
    trace_photon_display_screenshot(shot->path);
    photon_display_arm_screenshot(s);
}

bool photon_display_add_screenshot(PhotonDisplayState *s, const char *spec, Error **errp)
{
    const char *colon = strchr(spec, ':');
    g_autofree char *time_text = colon ? g_strndup(spec, colon - spec) : NULL;
    double at_s;

    if (!colon || !colon[1] || qemu_strtod(time_text, NULL, &at_s) < 0 || at_s < 0) {
        error_setg(errp, "screenshot '%s': expected T:FILE.png with T in virtual seconds",
                   spec);
        return false;
    }
    photon_display_add_screenshot_at(s, at_s * NANOSECONDS_PER_SECOND, colon + 1);
    return true;
}

void photon_display_add_screenshot_at(PhotonDisplayState *s, int64_t at_ns, const char *path)
{
    PhotonScreenshot shot = { .at_ns = at_ns, .path = g_strdup(path) };

    g_array_append_val(s->screenshots, shot);
    g_array_sort(s->screenshots, screenshot_by_time);
    photon_display_arm_screenshot(s);
}

void photon_display_set_view(PhotonDisplayState *s, PhotonDisplayViewFn view, void *opaque)
{
    s->view = view;
    s->view_opaque = opaque;
}

static void photon_display_realize(DeviceState *dev, Error **errp)
{
    PhotonDisplayState *s = PHOTON_DISPLAY(dev);

    s->renderer = board_renderer_new();
    if (!s->renderer) {
        error_setg(errp, "photon-display: cannot create the board renderer");
        return;
    }
    s->wall_start_us = g_get_monotonic_time();
    s->console = graphic_console_init(dev, 0, &photon_display_ops, s);
    qemu_console_resize(s->console, BOARD_RENDER_DEFAULT_WIDTH, BOARD_RENDER_DEFAULT_HEIGHT);
    qemu_input_handler_register(dev, &photon_display_input_handler);
}

static void photon_display_init(Object *obj)
{
    PhotonDisplayState *s = PHOTON_DISPLAY(obj);

    s->screenshots = g_array_new(false, true, sizeof(PhotonScreenshot));
    s->screenshot_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, photon_display_take_screenshot, s);
    qdev_init_gpio_out_named(DEVICE(obj), &s->setup_button, "setup", 1);
    qdev_init_gpio_out_named(DEVICE(obj), &s->reset_button, "reset", 1);
}

static void photon_display_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->realize = photon_display_realize;
}

static const TypeInfo photon_display_info = {
    .name = TYPE_PHOTON_DISPLAY,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PhotonDisplayState),
    .instance_init = photon_display_init,
    .class_init = photon_display_class_init,
};

static void photon_display_register_types(void)
{
    type_register_static(&photon_display_info);
}

type_init(photon_display_register_types)
