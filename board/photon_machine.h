/*
 * The Particle Photon machine's state, shared by the files that make up the
 * board: photon_machine.c (wiring, properties) and photon_scenario.c (running
 * a scenario file against it).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_MACHINE_H
#define HW_PHOTON_MACHINE_H

#include "hw/boards.h"
#include "hw/photon/board/stm32f205rg_soc.h"
#include "hw/photon/board/photon_led.h"
#include "hw/photon/board/photon_controls.h"
#include "hw/photon/board/photon_display.h"
#include "hw/photon/board/photon_network.h"
#include "hw/photon/board/photon_control.h"
#include "hw/photon/board/photon_report.h"
#include "hw/photon/board/photon_usb.h"
#include "hw/photon/peripherals/bcm43362_card.h"

typedef struct PhotonScenario PhotonScenario;

#define TYPE_PHOTON_MACHINE MACHINE_TYPE_NAME("photon")
OBJECT_DECLARE_SIMPLE_TYPE(PhotonMachineState, PHOTON_MACHINE)

/* Board wiring (Photon datasheet; Device OS platform_config.h). */
#define PORT_A 0
#define PORT_C 2
#define PIN_D7_LED 13           /* PA13 */
#define PIN_SETUP_BUTTON 7      /* PC7, active low, internal pull-up */
#define PIN_WL_REG_ON 1         /* PC1 */
#define TIM2_CH_RED 1           /* TIM2 CH2..CH4 = PA1..PA3 */

struct PhotonMachineState {
    MachineState parent_obj;

    STM32F205RGState soc;
    PhotonLedState led;
    PhotonControlsState controls;
    Bcm43362CardState wifi;
    PhotonNetworkState network;
    PhotonDisplayState display;
    PhotonControlState control;
    PhotonUsbHostState usb;
    Notifier exit_notifier;
    Clock *sysclk;
    QEMUTimer *until_timer;
    PhotonReport report;

    char *flash_file;
    char *uid_hex;
    char *report_dir;
    char *until;
    char *access_point;         /* SSID:PASSPHRASE of the AP on the air */
    char *screenshots;          /* T:FILE[;T:FILE...] */
    char *pcap;
    char *cloud_dir;
    char *control_chardev;      /* chardev id of the control channel */
    char *usb_serial_chardev;   /* chardev id for the USB serial terminal */
    bool usb_unplugged;         /* no USB cable at power-on */
    bool slow_io;               /* fast-io=off (exec/fast-time.h) */
    bool no_idle_skip;          /* idle-skip=off */
    bool profile;               /* profile.jsonl: where the wall time went */
    char *scenario_file;        /* a scenario to run (photon_scenario.h) */
    PhotonScenario *scenario;
    uint8_t uid[STM32F205RG_UID_BYTES];
    uint64_t seed;
    bool strict;
};

/* The run is over at this virtual instant (until reached, or a scenario decided):
 * the report and the capture end here, and QEMU stops. */
void photon_machine_end_run(PhotonMachineState *m, const char *reason);

#endif
