/*
 * The PC at the other end of the Photon's USB cable: photon-sim's USB host
 * (peripherals/usb_host) run on the virtual clock, one frame a millisecond,
 * against the OTG core. The CDC-ACM serial it binds is the firmware's
 * `Serial`: written to serial.log in the report, to an optional chardev
 * (-M photon,usb-serial=ID), and to an observer (the scenario's judge);
 * input from the chardev or a scenario step goes back to the firmware. The
 * host's own messages (enumeration, disconnects) go to usb.log.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_USB_H
#define HW_PHOTON_USB_H

#include "hw/qdev-core.h"
#include "chardev/char-fe.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "hw/photon/peripherals/stm32f2_otg.h"
#include "hw/photon/peripherals/usb_host/usb_host.h"

#define TYPE_PHOTON_USB_HOST "photon-usb-host"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonUsbHostState, PHOTON_USB_HOST)

/* Bytes of the firmware's Serial output at virtual time @t_ns. */
typedef void (*PhotonUsbSerialObserver)(void *opaque, int64_t t_ns,
                                        const uint8_t *data, size_t length);

struct PhotonUsbHostState {
    DeviceState parent_obj;

    CharBackend chr;
    QEMUTimer *frame_timer;
    struct usb_host *host;
    STM32F2OtgState *otg;
    FILE *serial_log;
    FILE *usb_log;
    PhotonUsbSerialObserver observer;
    void *observer_opaque;

    char *report_dir;
    bool plugged;
};

/* Before realize: the core the cable is plugged into. */
void photon_usb_host_attach(PhotonUsbHostState *s, STM32F2OtgState *otg);
void photon_usb_host_set_observer(PhotonUsbHostState *s, PhotonUsbSerialObserver observer,
                                  void *opaque);
/* Plug or unplug the cable now. */
void photon_usb_host_set_cable(PhotonUsbHostState *s, bool plugged);
/* Type into the terminal: queued and sent as the firmware accepts it;
 * returns how many bytes were queued (none while the port is not open). */
size_t photon_usb_host_type(PhotonUsbHostState *s, const uint8_t *data, size_t length);
/* The run is over: flush the logs. */
void photon_usb_host_finish(PhotonUsbHostState *s);

#endif
