/*
 * The Photon's SETUP and RESET buttons and its power supply (see the header).
 *
 * SETUP is a switch to ground on PC7: held, it drives the pin low; released,
 * nothing drives it and the pin's pull-up decides. RESET pulls NRST low: the
 * chip restarts when the button is released, with PINRSTF in RCC_CSR. Power
 * removal loses everything but the flash; the board restarts the chip with
 * the power-on reset flags when power returns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/irq.h"
#include "migration/vmstate.h"
#include "hw/photon/board/photon_controls.h"
#include "hw/photon/peripherals/stm32f2_gpio.h"
#include "hw/photon/trace.h"

static void photon_controls_setup(void *opaque, int n, int level)
{
    PhotonControlsState *s = opaque;

    s->setup_held = level;
    trace_photon_controls("setup", level);
    qemu_set_irq(s->setup_pin, level ? 0 : STM32F2_GPIO_RELEASED);
}

static void photon_controls_reset(void *opaque, int n, int level)
{
    PhotonControlsState *s = opaque;
    bool released = s->reset_held && !level;

    s->reset_held = level;
    trace_photon_controls("reset", level);
    if (released && s->powered && s->pin_reset) {
        s->pin_reset(s->board);
    }
}

static void photon_controls_power(void *opaque, int n, int level)
{
    PhotonControlsState *s = opaque;

    trace_photon_controls("power", level);
    if (s->powered && !level) {
        s->powered = false;
        if (s->power_loss) {
            s->power_loss(s->board);
        }
    } else if (!s->powered && level) {
        s->powered = true;
        if (s->power_restored) {
            s->power_restored(s->board);
        }
    }
}

static void photon_controls_init(Object *obj)
{
    PhotonControlsState *s = PHOTON_CONTROLS(obj);
    DeviceState *dev = DEVICE(obj);

    s->powered = true;
    qdev_init_gpio_in_named(dev, photon_controls_setup, "setup", 1);
    qdev_init_gpio_in_named(dev, photon_controls_reset, "reset", 1);
    qdev_init_gpio_in_named(dev, photon_controls_power, "power", 1);
    qdev_init_gpio_out_named(dev, &s->setup_pin, "setup-pin", 1);
}

static const VMStateDescription vmstate_photon_controls = {
    .name = TYPE_PHOTON_CONTROLS,
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (VMStateField[]) {
        VMSTATE_BOOL(setup_held, PhotonControlsState),
        VMSTATE_BOOL(reset_held, PhotonControlsState),
        VMSTATE_BOOL(powered, PhotonControlsState),
        VMSTATE_END_OF_LIST()
    }
};

static void photon_controls_class_init(ObjectClass *klass, void *data)
{
    DEVICE_CLASS(klass)->vmsd = &vmstate_photon_controls;
}

static const TypeInfo photon_controls_info = {
    .name = TYPE_PHOTON_CONTROLS,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PhotonControlsState),
    .instance_init = photon_controls_init,
    .class_init = photon_controls_class_init,
};

static void photon_controls_register_types(void)
{
    type_register_static(&photon_controls_info);
}

type_init(photon_controls_register_types)
