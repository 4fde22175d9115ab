/*
 * What a person (or a scenario) does to a Photon: hold SETUP, tap RESET,
 * pull and restore power.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_CONTROLS_H
#define HW_PHOTON_CONTROLS_H

#include "hw/qdev-core.h"
#include "qom/object.h"

#define TYPE_PHOTON_CONTROLS "photon-controls"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonControlsState, PHOTON_CONTROLS)

/*
 * Named GPIO inputs (drive them with qemu_set_irq, or from qtest with
 * `set_irq_in /machine/controls NAME 0 LEVEL`):
 *   "setup"  1 = SETUP held down, 0 = released
 *   "reset"  1 = RESET held down (the chip is held in reset), 0 = released
 *   "power"  0 = power removed (a brownout at this instant), 1 = restored
 * and the matching outputs the board wires to the chip.
 */
typedef void (*PhotonControlsAction)(void *opaque);

struct PhotonControlsState {
    DeviceState parent_obj;
    qemu_irq setup_pin;         /* to PC7's external drive */
    bool setup_held;
    bool reset_held;
    bool powered;

    /* Board actions, set by the machine. */
    PhotonControlsAction pin_reset;
    PhotonControlsAction power_loss;
    PhotonControlsAction power_restored;
    void *board;
};

#endif
