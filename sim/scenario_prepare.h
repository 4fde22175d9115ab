/*
 * The device and cloud a scenario describes, made real before the machine
 * starts: the flash image (firmware, app, and a DCT with the scenario's keys,
 * server key and address, Wi-Fi credentials and IP configuration) and the
 * simulated cloud's directory (its server key and device registry).
 *
 * Everything follows from the scenario's seed, so two preparations of the same
 * scenario give the same bytes. Plain C, no QEMU headers.
 */
#ifndef PHOTON_SIM_SCENARIO_PREPARE_H
#define PHOTON_SIM_SCENARIO_PREPARE_H

#include "keys.h"
#include "scenario.h"
#include "sim_error.h"

typedef struct scenario_device {
    uint8_t uid[DEVICE_UID_SIZE];
    char id[DEVICE_ID_HEX_SIZE + 1]; /* the device ID: the UID in hex */
} scenario_device;

/* Writes flash_path and fills cloud_dir (created if missing); errors name the
 * scenario file and the field. */
int scenario_prepare(const struct scn_scenario *scn, const char *flash_path, const char *cloud_dir,
                     scenario_device *device, sim_error *err);

#endif
