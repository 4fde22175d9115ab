/*
 * The Photon's world beyond the radio: the simulated LAN and internet
 * (net/netsim.h, on libslirp) and the device cloud (net/cloud/cloud.h),
 * in-process and on the virtual clock.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef HW_PHOTON_NETWORK_H
#define HW_PHOTON_NETWORK_H

#include "hw/qdev-core.h"
#include "qom/object.h"
#include "hw/photon/net/netsim.h"
#include "hw/photon/net/cloud/cloud.h"

#define TYPE_PHOTON_NETWORK "photon-network"
OBJECT_DECLARE_SIMPLE_TYPE(PhotonNetworkState, PHOTON_NETWORK)

/* Frames for the device (to the Wi-Fi chip). */
typedef void (*PhotonNetworkToDevice)(void *opaque, const uint8_t *frame, size_t len);
/* Every notice from the cloud core (results, events, state changes). */
typedef void (*PhotonNetworkNotice)(void *opaque, const cloud_notice *notice);
/* A line for the run's cloud log, with its virtual time. */
typedef void (*PhotonNetworkLog)(void *opaque, int64_t t_ns, const char *line);
/* Every frame at the device's edge, as the capture sees it. */
typedef void (*PhotonNetworkFrameSeen)(void *opaque, const uint8_t *frame, size_t len);

struct PhotonNetworkState {
    DeviceState parent_obj;
    netsim *net;
    cloud_server *cloud;
    netsim_listener *cloud_listener;
    cloud_ops cloud_callbacks;

    uint64_t seed;
    char *pcap;                 /* capture file, or NULL */
    char *cloud_dir;            /* registry and server key, or NULL (in memory) */
    /* Before realize, a scenario may change these (defaults: netsim_config_default,
     * an 800 ms DHCP answer latency, trust on first use, no cloud faults). */
    netsim_config config;
    uint32_t dhcp_latency_ms;
    bool reject_unknown_devices;
    cloud_faults cloud_faults;

    PhotonNetworkToDevice to_device;
    void *to_device_opaque;
    PhotonNetworkLog log;
    void *log_opaque;
    PhotonNetworkNotice notice;
    void *notice_opaque;
    PhotonNetworkFrameSeen frame_seen;
    void *frame_seen_opaque;
};

void photon_network_set_device(PhotonNetworkState *s, PhotonNetworkToDevice to_device,
                               void *opaque);
void photon_network_set_log(PhotonNetworkState *s, PhotonNetworkLog log, void *opaque);
void photon_network_set_notice(PhotonNetworkState *s, PhotonNetworkNotice notice,
                               void *opaque);
void photon_network_set_frame_seen(PhotonNetworkState *s, PhotonNetworkFrameSeen seen,
                                   void *opaque);
void photon_network_from_device(PhotonNetworkState *s, const uint8_t *frame, size_t len);
/* Stop and flush the capture: at the run's end, or at exit. */
void photon_network_finish(PhotonNetworkState *s);

#endif
