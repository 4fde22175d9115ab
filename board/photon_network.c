/*
 * The Photon's world beyond the radio (see photon_network.h): QEMU glue for
 * the plain-C network (netsim) and cloud cores.
 *
 * Both cores run on QEMU_CLOCK_VIRTUAL, so with icount a run's packets,
 * handshakes and timeouts are reproducible, and nothing reaches the host's
 * network. The cloud listens at the address its DNS name resolves to in the
 * simulated internet; every frame the cloud core sends is handed to the TCP
 * stream in one piece, as the device's parser needs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "migration/vmstate.h"
#include "hw/photon/board/photon_network.h"
#include "hw/photon/trace.h"

/*
 * A home router checks that an address is free (an ARP or ping probe) before
 * offering it, so its DHCP answers come about a second later; the firmware
 * blinks green meanwhile.
 */
#define DHCP_ANSWER_DELAY_MS 800

/* ---- netsim host: clock, timers, frames ---- */

typedef struct NetsimTimer {
    QEMUTimer *timer;
    netsim_timer_cb cb;
    void *cb_opaque;
} NetsimTimer;

static uint64_t network_now_ns(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void netsim_timer_fired(void *opaque)
{
    NetsimTimer *t = opaque;

    t->cb(t->cb_opaque);
}

static void *netsim_timer_new(void *opaque, netsim_timer_cb cb, void *cb_opaque)
{
    NetsimTimer *t = g_new0(NetsimTimer, 1);

    t->cb = cb;
    t->cb_opaque = cb_opaque;
    t->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, netsim_timer_fired, t);
    return t;
}

static void netsim_timer_mod(void *opaque, void *timer, uint64_t deadline_ns)
{
    NetsimTimer *t = timer;

    timer_mod(t->timer, MIN(deadline_ns, (uint64_t)INT64_MAX));
}

static void netsim_timer_cancel(void *opaque, void *timer)
{
    timer_del(((NetsimTimer *)timer)->timer);
}

static void netsim_timer_free(void *opaque, void *timer)
{
    NetsimTimer *t = timer;

    timer_free(t->timer);
    g_free(t);
}

static void netsim_frame_to_device(void *opaque, const uint8_t *frame, size_t len)
{
    PhotonNetworkState *s = opaque;

    trace_photon_network_to_device(len);
    if (s->to_device) {
        s->to_device(s->to_device_opaque, frame, len);
    }
}

static void netsim_frame_seen(void *opaque, const uint8_t *frame, size_t len)
{
    PhotonNetworkState *s = opaque;

    if (s->frame_seen) {
        s->frame_seen(s->frame_seen_opaque, frame, len);
    }
}

static void network_log(PhotonNetworkState *s, const char *line)
{
    if (s->log) {
        s->log(s->log_opaque, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL), line);
    }
}

static void netsim_log(void *opaque, const char *message)
{
    g_autofree char *line = g_strdup_printf("network: %s", message);

    network_log(opaque, line);
}

/* ---- the cloud's TCP connections ---- */

typedef struct CloudConnection {
    PhotonNetworkState *network;
    netsim_conn *conn;
    cloud_session *session;
    QEMUTimer *timer;
} CloudConnection;

static void cloud_connection_timer(void *opaque)
{
    CloudConnection *c = opaque;

    cloud_session_timer(c->session, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
}

static void cloud_set_timer(void *ctx, cloud_session *session, uint64_t deadline_ns)
{
    CloudConnection *c = cloud_session_transport(session);

    if (deadline_ns == CLOUD_NO_DEADLINE) {
        timer_del(c->timer);
    } else {
        timer_mod(c->timer, MIN(deadline_ns, (uint64_t)INT64_MAX));
    }
}

static int cloud_send(void *ctx, cloud_session *session, const uint8_t *bytes, size_t length)
{
    CloudConnection *c = cloud_session_transport(session);

    return c->conn ? netsim_conn_send(c->conn, bytes, length) : -1;
}

static void cloud_close(void *ctx, cloud_session *session)
{
    CloudConnection *c = cloud_session_transport(session);

    if (c->conn) {
        netsim_conn_close(c->conn);
    }
}

static void cloud_log(void *ctx, cloud_session *session, cloud_log_level level,
                      const char *message)
{
    g_autofree char *line = g_strdup_printf("cloud: %s", message);

    network_log(ctx, line);
}

static void cloud_notify(void *ctx, cloud_session *session, const cloud_notice *notice)
{
    PhotonNetworkState *s = ctx;

    if (s->notice) {
        s->notice(s->notice_opaque, notice);
    }
}

static const cloud_ops network_cloud_ops_template = {
    .notify = cloud_notify,
    .now_ns = network_now_ns,
    .set_timer = cloud_set_timer,
    .send = cloud_send,
    .close = cloud_close,
    .log = cloud_log,
};

static void cloud_on_connect(void *ctx, netsim_conn *conn)
{
    PhotonNetworkState *s = ctx;
    CloudConnection *c = g_new0(CloudConnection, 1);

    c->network = s;
    c->conn = conn;
    c->timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, cloud_connection_timer, c);
    netsim_conn_set_user(conn, c);
    c->session = cloud_session_new(s->cloud, netsim_conn_peer(conn), c);
    if (!c->session) {
        netsim_conn_abort(conn);
        return;
    }
    cloud_session_start(c->session);
}

static void cloud_on_data(void *ctx, netsim_conn *conn, const uint8_t *data, size_t len)
{
    CloudConnection *c = netsim_conn_user(conn);

    if (c && c->session) {
        cloud_session_received(c->session, data, len);
    }
}

static void cloud_on_close(void *ctx, netsim_conn *conn, netsim_close_reason reason)
{
    CloudConnection *c = netsim_conn_user(conn);

    if (!c) {
        return;
    }
    c->conn = NULL;
    if (c->session) {
        cloud_session_closed(c->session);
    }
    timer_free(c->timer);
    g_free(c);
}

/* ---- the device ---- */

void photon_network_set_device(PhotonNetworkState *s, PhotonNetworkToDevice to_device,
                               void *opaque)
{
    s->to_device = to_device;
    s->to_device_opaque = opaque;
}

void photon_network_set_log(PhotonNetworkState *s, PhotonNetworkLog log, void *opaque)
{
    s->log = log;
    s->log_opaque = opaque;
}

void photon_network_set_notice(PhotonNetworkState *s, PhotonNetworkNotice notice,
                               void *opaque)
{
    s->notice = notice;
    s->notice_opaque = opaque;
}

void photon_network_set_frame_seen(PhotonNetworkState *s, PhotonNetworkFrameSeen seen,
                                   void *opaque)
{
    s->frame_seen = seen;
    s->frame_seen_opaque = opaque;
}

void photon_network_from_device(PhotonNetworkState *s, const uint8_t *frame, size_t len)
{
    trace_photon_network_from_device(len);
    netsim_frame_from_device(s->net, frame, len);
}

void photon_network_finish(PhotonNetworkState *s)
{
    if (s->net && s->pcap && netsim_pcap_stop(s->net) != 0) {
        error_report("photon: writing the capture %s failed", s->pcap);
    }
    g_free(s->pcap);
    s->pcap = NULL;     /* stopped once, at the run's end */
}

static void photon_network_realize(DeviceState *dev, Error **errp)
{
    PhotonNetworkState *s = PHOTON_NETWORK(dev);
    netsim_config config = s->config;
    cloud_server_config cloud_config = { 0 };
    uint8_t seed[8];
    char error[256];
    static const netsim_stream_ops cloud_stream_ops_template = {
        .on_connect = cloud_on_connect,
        .on_data = cloud_on_data,
        .on_close = cloud_on_close,
    };
    netsim_stream_ops *stream_ops = g_new(netsim_stream_ops, 1);
    netsim_host_ops *host = g_new0(netsim_host_ops, 1);

    *host = (netsim_host_ops) {
        .opaque = s,
        .now_ns = network_now_ns,
        .timer_new = netsim_timer_new,
        .timer_mod = netsim_timer_mod,
        .timer_cancel = netsim_timer_cancel,
        .timer_free = netsim_timer_free,
        .frame_to_device = netsim_frame_to_device,
        .log = netsim_log,
        .frame_seen = netsim_frame_seen,
    };
    config.seed = s->seed;
    s->net = netsim_new(&config, host, error, sizeof(error));
    if (!s->net) {
        error_setg(errp, "photon-network: %s", error);
        return;
    }
    fault_rule dhcp_latency = {
        .direction = FAULT_TO_DEVICE,
        .protocol = FAULT_PROTO_UDP,
        .src_port = { 67, 67 },
        .dst_port = { 68, 68 },
        .action = FAULT_DELAY,
        .delay_ms = s->dhcp_latency_ms,
        .label = "router-dhcp-latency",
    };
    if (s->dhcp_latency_ms) {
        fault_rules_add(netsim_rules(s->net), &dhcp_latency, -1);
    }
    if (s->pcap && netsim_pcap_start(s->net, s->pcap, error, sizeof(error)) != 0) {
        error_setg(errp, "photon-network: %s", error);
        return;
    }

    stl_le_p(seed, s->seed);
    stl_le_p(seed + 4, s->seed >> 32);
    cloud_config.seed = seed;
    cloud_config.seed_length = sizeof(seed);
    cloud_config.registry_dir = s->cloud_dir;
    cloud_config.unix_time_offset_s = config.epoch_unix_s;
    cloud_config.describe_after_hello = true;
    cloud_config.reject_unknown_devices = s->reject_unknown_devices;
    cloud_config.faults = s->cloud_faults;
    s->cloud_callbacks = network_cloud_ops_template;
    s->cloud_callbacks.ctx = s;
    s->cloud = cloud_server_new(&cloud_config, &s->cloud_callbacks, error, sizeof(error));
    if (!s->cloud) {
        error_setg(errp, "photon-network: cloud: %s", error);
        return;
    }
    *stream_ops = cloud_stream_ops_template;
    stream_ops->ctx = s;
    s->cloud_listener = netsim_listen(s->net, config.cloud_address, CLOUD_DEFAULT_PORT,
                                      stream_ops);
}

static Property photon_network_properties[] = {
    DEFINE_PROP_UINT64("seed", PhotonNetworkState, seed, 0),
    DEFINE_PROP_STRING("pcap", PhotonNetworkState, pcap),
    DEFINE_PROP_STRING("cloud-dir", PhotonNetworkState, cloud_dir),
    DEFINE_PROP_END_OF_LIST(),
};

/* The network and cloud state live in the plain-C cores, which cannot be saved. */
static const VMStateDescription vmstate_photon_network = {
    .name = TYPE_PHOTON_NETWORK,
    .unmigratable = 1,
};

static void photon_network_instance_init(Object *obj)
{
    PhotonNetworkState *s = PHOTON_NETWORK(obj);

    netsim_config_default(&s->config);
    s->dhcp_latency_ms = DHCP_ANSWER_DELAY_MS;
}

static void photon_network_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = photon_network_realize;
    dc->vmsd = &vmstate_photon_network;
    device_class_set_props(dc, photon_network_properties);
}

static const TypeInfo photon_network_info = {
    .name = TYPE_PHOTON_NETWORK,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PhotonNetworkState),
    .instance_init = photon_network_instance_init,
    .class_init = photon_network_class_init,
};

static void photon_network_register_types(void)
{
    type_register_static(&photon_network_info);
}

type_init(photon_network_register_types)
