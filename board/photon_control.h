/*
 * A line-based control channel into a running simulation, on a QEMU
 * chardev (photon-sim puts a Unix socket in the report folder): what
 * `photon-sim cloud ...` uses to call functions, read variables, publish
 * events, stream the device's events and flash over the air.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_CONTROL_H
#define HW_PHOTON_CONTROL_H

#include "hw/qdev-core.h"
#include "chardev/char-fe.h"
#include "qom/object.h"
#include "hw/photon/net/cloud/cloud.h"

#define TYPE_PHOTON_CONTROL "photon-control"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonControlState, PHOTON_CONTROL)

struct PhotonControlState {
    DeviceState parent_obj;
    CharBackend chr;
    cloud_server *cloud;
    GString *line;              /* the command being received */
    GHashTable *pending;        /* request id -> what it was (for the reply) */
    bool streaming_events;
    bool describe_pending;      /* descriptions arrive without a request id */
};

void photon_control_set_cloud(PhotonControlState *s, cloud_server *cloud);
/* Every cloud notice passes through here; replies go to the client. */
void photon_control_cloud_notice(PhotonControlState *s, const cloud_notice *notice);

#endif
