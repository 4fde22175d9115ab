/*
 * The Photon's RGB status LED and D7 LED.
 *
 * The RGB LED is common-anode: a colour channel lights while its pin is low,
 * so its brightness is the low fraction of the TIM2 PWM output. The firmware
 * updates the three compare registers one after another, a few instructions
 * apart; changes are settled for 1 us of virtual time before being reported
 * so one colour change is one event, stamped with the time of its first
 * register write. Everything runs on the virtual clock, so the timeline is
 * reproducible.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/qdev-core.h"
#include "hw/irq.h"
#include "migration/vmstate.h"
#include "hw/photon/board/photon_led.h"
#include "hw/photon/peripherals/stm32f2_tim.h"
#include "hw/photon/trace.h"

#define LED_SETTLE_NS 1000

enum { LED_RED, LED_GREEN, LED_BLUE };

static double channel_brightness(int32_t pwm_level)
{
    if (pwm_level == STM32F2_TIM_PWM_UNDRIVEN || pwm_level == INT32_MIN) {
        return 0.0;     /* pin not driven: the anode pull keeps it dark */
    }
    return (double)(STM32F2_TIM_PWM_FULL - pwm_level) / STM32F2_TIM_PWM_FULL;
}

static void led_settled(void *opaque)
{
    PhotonLedState *s = opaque;
    PhotonLedColour colour = {
        .r = channel_brightness(s->pwm_level[LED_RED]),
        .g = channel_brightness(s->pwm_level[LED_GREEN]),
        .b = channel_brightness(s->pwm_level[LED_BLUE]),
    };

    if (s->has_shown && colour.r == s->shown.r && colour.g == s->shown.g &&
        colour.b == s->shown.b && s->d7 == s->shown_d7) {
        return;
    }
    s->shown = colour;
    s->shown_d7 = s->d7;
    s->has_shown = true;
    trace_photon_led_change(s->first_change_ns, colour.r * 10000, colour.g * 10000,
                            colour.b * 10000, s->d7);
    if (s->observer) {
        s->observer(s->observer_opaque, s->first_change_ns, colour, s->d7);
    }
}

static void led_changed(PhotonLedState *s)
{
    if (!timer_pending(s->settle)) {
        s->first_change_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
        timer_mod(s->settle, s->first_change_ns + LED_SETTLE_NS);
    }
}

static void photon_led_rgb_in(void *opaque, int channel, int level)
{
    PhotonLedState *s = opaque;

    s->pwm_level[channel] = level;
    led_changed(s);
}

static void photon_led_d7_in(void *opaque, int n, int level)
{
    PhotonLedState *s = opaque;

    s->d7 = level;
    led_changed(s);
}

void photon_led_set_observer(PhotonLedState *s, PhotonLedObserver observer,
                             void *opaque)
{
    s->observer = observer;
    s->observer_opaque = opaque;
}

static void photon_led_init(Object *obj)
{
    PhotonLedState *s = PHOTON_LED(obj);

    for (int i = 0; i < 3; i++) {
        s->pwm_level[i] = INT32_MIN;
    }
    qdev_init_gpio_in_named(DEVICE(obj), photon_led_rgb_in, "rgb", 3);
    qdev_init_gpio_in_named(DEVICE(obj), photon_led_d7_in, "d7", 1);
    s->settle = timer_new_ns(QEMU_CLOCK_VIRTUAL, led_settled, s);
}

static const VMStateDescription vmstate_photon_led = {
    .name = TYPE_PHOTON_LED,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_TIMER_PTR(settle, PhotonLedState),
        VMSTATE_INT32_ARRAY(pwm_level, PhotonLedState, 3),
        VMSTATE_BOOL(d7, PhotonLedState),
        VMSTATE_INT64(first_change_ns, PhotonLedState),
        VMSTATE_END_OF_LIST()
    }
};

static void photon_led_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->vmsd = &vmstate_photon_led;
}

static const TypeInfo photon_led_info = {
    .name = TYPE_PHOTON_LED,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PhotonLedState),
    .instance_init = photon_led_init,
    .class_init = photon_led_class_init,
};

static void photon_led_register_types(void)
{
    type_register_static(&photon_led_info);
}

type_init(photon_led_register_types)
