/*
 * The Photon's LEDs as seen from outside: the common-anode RGB status LED
 * on TIM2 CH2..CH4 (PA1..PA3) and the blue D7 LED on PA13.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_LED_H
#define HW_PHOTON_LED_H

#include "hw/qdev-core.h"
#include "qemu/timer.h"
#include "qom/object.h"

#define TYPE_PHOTON_LED "photon-led"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonLedState, PHOTON_LED)

typedef struct PhotonLedColour {
    double r, g, b;             /* fraction of full brightness, 0..1 */
} PhotonLedColour;

typedef void (*PhotonLedObserver)(void *opaque, int64_t t_ns,
                                  PhotonLedColour colour, bool d7);

struct PhotonLedState {
    DeviceState parent_obj;
    QEMUTimer *settle;

    int32_t pwm_level[3];       /* TIM2 output levels (see stm32f2_tim.h) */
    bool d7;
    PhotonLedColour shown;      /* last colour reported */
    bool shown_d7;
    bool has_shown;
    int64_t first_change_ns;    /* start of the change being settled */

    PhotonLedObserver observer;
    void *observer_opaque;
};

/* Called with every settled change of the LEDs, on the virtual clock. */
void photon_led_set_observer(PhotonLedState *s, PhotonLedObserver observer,
                             void *opaque);

#endif
