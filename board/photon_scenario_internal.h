/*
 * What photon_scenario.c (the session: observations, verdicts, results) and
 * photon_scenario_world.c (the world: access points, network, cloud, and the
 * steps that change them) share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_SCENARIO_INTERNAL_H
#define HW_PHOTON_SCENARIO_INTERNAL_H

#include "hw/photon/board/photon_scenario.h"
#include "hw/photon/sim/scenario/scenario.h"
#include "hw/photon/sim/scenario/session.h"
#include "hw/photon/board/serial_lines.h"

/* An access point the scenario put on the air (or will). */
typedef struct ScenarioAccessPoint {
    struct bcm43362_ap ap;
    bool on_air;
} ScenarioAccessPoint;

/* A named firewall rule: the fault engine ids of its one or two lines. */
typedef struct ScenarioRule {
    char *name;
    int ids[2];
    size_t id_count;
} ScenarioRule;

struct PhotonScenario {
    PhotonMachineState *m;
    struct scn_scenario *scn;
    struct scn_session *session;
    QEMUTimer *deadline_timer;  /* the session's next deadline */
    int64_t wall_start_us;
    bool finished;

    /* Steps fire inside session calls, which must not be fed again: they wait here
     * (as indexes) and run once the call has returned. */
    bool in_session;
    GArray *due_steps;

    /* The world */
    GPtrArray *access_points;   /* of ScenarioAccessPoint */
    unsigned bssids_made;
    GPtrArray *rules;           /* of ScenarioRule, named ones */
    size_t board_rules;         /* rules the board keeps ahead of the scenario's */
    GHashTable *requests;       /* cloud request id -> ScenarioRequest */

    /* The firmware's USB Serial, cut into lines; a prompt (text without a line
     * ending) counts as a line once the output has been quiet a while. */
    struct serial_lines serial;
    QEMUTimer *prompt_timer;
};

/* A cloud-call or cloud-get in flight, to name its result. */
typedef struct ScenarioRequest {
    enum scn_cloud_kind kind;
    char *name;
} ScenarioRequest;

/* photon_scenario_world.c */
bool photon_scenario_world_check(PhotonScenario *sc, Error **errp);
void photon_scenario_world_network(PhotonScenario *sc);
bool photon_scenario_world_start(PhotonScenario *sc, Error **errp);
void photon_scenario_execute(PhotonScenario *sc, const struct scn_step *step);

/* photon_scenario.c: a cloud result that never reached the device. */
void photon_scenario_cloud_result(PhotonScenario *sc, enum scn_cloud_kind kind,
                                  const char *name, const char *value);
/* Runs fn(sc, arg) at virtual time at_ns (now or later). */
void photon_scenario_later(PhotonScenario *sc, int64_t at_ns,
                           void (*fn)(PhotonScenario *sc, intptr_t arg), intptr_t arg);

#endif
