/*
 * Running a scenario file (sim/scenario/FORMAT.md) on the Photon machine.
 *
 * The machine parses the file itself, so qemu-system-arm -M photon,scenario=FILE
 * runs it without photon-sim; photon-sim prepares the flash image and the
 * cloud's directory from the file's `device` and `cloud` sections first.
 *
 * Life cycle, in photon_machine_init():
 *   photon_scenario_load()       before any device: parse, and refuse what the
 *                                machine cannot do yet (with file:line:column)
 *   photon_scenario_configure_network()  before the network is realized
 *   photon_scenario_start()      after the whole board is wired: access points,
 *                                rules, DNS, observers, the step timer
 * and photon_scenario_finish() when the run ends (until, or once everything is
 * decided), which writes REPORT/expectations.json.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_SCENARIO_H
#define HW_PHOTON_SCENARIO_H

#include "hw/photon/board/photon_machine.h"

PhotonScenario *photon_scenario_load(PhotonMachineState *m, const char *path, Error **errp);
void photon_scenario_configure_network(PhotonScenario *sc);
bool photon_scenario_start(PhotonScenario *sc, Error **errp);
/* The run's planned length, from the file. */
int64_t photon_scenario_until_ns(const PhotonScenario *sc);
/* The run ends at now: decide everything, print the result, write the report. */
void photon_scenario_finish(PhotonScenario *sc, int64_t now_ns);
/* Every frame at the device's edge, and every cloud notice, for expectations. */
void photon_scenario_frame_seen(PhotonScenario *sc, const uint8_t *frame, size_t len);
void photon_scenario_cloud_notice(PhotonScenario *sc, const cloud_notice *notice);

#endif
