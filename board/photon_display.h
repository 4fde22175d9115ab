/*
 * The Photon drawn in a QEMU graphic console (SDL, VNC): the board, its
 * LEDs as the PWM lights them, clickable SETUP and RESET buttons, and a
 * status line. Also renders the same picture to PNG at chosen virtual times.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_DISPLAY_H
#define HW_PHOTON_DISPLAY_H

#include "hw/qdev-core.h"
#include "qemu/timer.h"
#include "qom/object.h"

#define TYPE_PHOTON_DISPLAY "photon-display"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonDisplayState, PHOTON_DISPLAY)

/* What the picture shows; filled in by the board on demand. */
typedef struct PhotonDisplayView {
    double led_r, led_g, led_b;
    bool d7;
    bool setup_held, reset_held;
    const char *pattern;        /* the classified pattern now, or NULL */
} PhotonDisplayView;

typedef void (*PhotonDisplayViewFn)(void *opaque, PhotonDisplayView *view);

/* A scheduled screenshot. */
typedef struct PhotonScreenshot {
    int64_t at_ns;
    char *path;
} PhotonScreenshot;

struct PhotonDisplayState {
    DeviceState parent_obj;
    QemuConsole *console;
    struct board_renderer *renderer;
    QEMUTimer *screenshot_timer;
    GArray *screenshots;        /* of PhotonScreenshot, by time */
    unsigned next_screenshot;
    int pointer_x, pointer_y;   /* in pixels, from absolute pointer events */
    bool mouse_on_setup, mouse_on_reset;
    int64_t wall_start_us;
    /* The last frame drawn, so an unchanged board is not drawn again. */
    int64_t last_frame_us;
    void *last_surface;
    uint8_t last_led[3];
    bool last_d7, last_setup, last_reset;
    char last_status[160];

    PhotonDisplayViewFn view;
    void *view_opaque;
    qemu_irq setup_button;      /* to the board controls */
    qemu_irq reset_button;
};

void photon_display_set_view(PhotonDisplayState *s, PhotonDisplayViewFn view, void *opaque);
/* "T:FILE.png" (T in virtual seconds); false with an error for a bad spec. */
bool photon_display_add_screenshot(PhotonDisplayState *s, const char *spec, Error **errp);
/* A picture of the board at virtual time at_ns (now or later) into path. */
void photon_display_add_screenshot_at(PhotonDisplayState *s, int64_t at_ns, const char *path);

#endif
