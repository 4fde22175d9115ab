/*
 * The control channel into a running simulation (see photon_control.h).
 *
 * Commands, one per line; each is answered with lines starting "ok", "error"
 * or, for streamed events, "event":
 *   call DEVICE FUNCTION [ARGUMENT]   ->  ok FUNCTION RETURN_VALUE
 *   get DEVICE VARIABLE               ->  ok VARIABLE VALUE
 *   describe DEVICE                   ->  ok DESCRIBE_JSON
 *   publish NAME [DATA]               ->  ok
 *   flash DEVICE FILE.bin             ->  ok flashed FILE.bin (N chunks)
 *   events                            ->  event NAME DATA ... until the client leaves
 *   devices                           ->  ok ID STATE ... (one line per session)
 * DEVICE is the 24-hex device ID, a registry name, or "-" for the first
 * connected device.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "hw/photon/board/photon_control.h"

#define CONTROL_LINE_MAX 4096

static void control_reply(PhotonControlState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void control_reply(PhotonControlState *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    line = g_strconcat(text, "\n", NULL);
    qemu_chr_fe_write_all(&s->chr, (const uint8_t *)line, strlen(line));
}

static cloud_session *control_find_device(PhotonControlState *s, const char *device)
{
    if (!s->cloud) {
        return NULL;
    }
    if (strcmp(device, "-") == 0) {
        for (cloud_session *c = cloud_server_next_session(s->cloud, NULL); c;
             c = cloud_server_next_session(s->cloud, c)) {
            if (cloud_session_get_state(c) == CLOUD_SESSION_CONNECTED) {
                return c;
            }
        }
        return NULL;
    }
    return cloud_server_find_session(s->cloud, device);
}

static void control_remember(PhotonControlState *s, int64_t request, const char *what)
{
    if (request < 0) {
        control_reply(s, "error the request could not be sent to the device (see cloud.log)");
        return;
    }
    g_hash_table_insert(s->pending, GINT_TO_POINTER((int)request), g_strdup(what));
}

static void control_flash(PhotonControlState *s, cloud_session *session, const char *path)
{
    g_autofree char *image = NULL;
    gsize length;
    g_autoptr(GError) err = NULL;
    cloud_ota_options options = { 0 };

    if (!g_file_get_contents(path, &image, &length, &err)) {
        control_reply(s, "error %s", err->message);
        return;
    }
    control_remember(s, cloud_session_start_ota(session, (const uint8_t *)image, length,
                                                &options), path);
}

static void control_command(PhotonControlState *s, const char *line)
{
    g_auto(GStrv) words = g_strsplit(line, " ", 4);
    int n = g_strv_length(words);
    cloud_session *session;

    if (n == 0 || !*words[0]) {
        return;
    }
    if (strcmp(words[0], "events") == 0) {
        s->streaming_events = true;
        control_reply(s, "ok streaming events");
        return;
    }
    if (strcmp(words[0], "publish") == 0 && n >= 2) {
        const char *data = n >= 3 ? line + (words[2] - words[0]) : "";
        int rc = cloud_server_publish(s->cloud, words[1], (const uint8_t *)data,
                                      strlen(data), false);

        control_reply(s, rc < 0 ? "error publish failed" : "ok %d device(s)", rc);
        return;
    }
    if (strcmp(words[0], "devices") == 0) {
        for (cloud_session *c = cloud_server_next_session(s->cloud, NULL); c;
             c = cloud_server_next_session(s->cloud, c)) {
            control_reply(s, "ok %s %s", cloud_session_device_id(c),
                          cloud_session_state_name(cloud_session_get_state(c)));
        }
        control_reply(s, "ok end");
        return;
    }
    if (n < 2) {
        control_reply(s, "error usage: call|get|describe|flash DEVICE ..., publish NAME DATA, "
                      "events, devices");
        return;
    }
    session = control_find_device(s, words[1]);
    if (!session) {
        control_reply(s, "error no connected device '%s'", words[1]);
        return;
    }
    if (strcmp(words[0], "call") == 0 && n >= 3) {
        control_remember(s, cloud_session_call_function(session, words[2],
                                                        n >= 4 ? words[3] : ""), words[2]);
    } else if (strcmp(words[0], "get") == 0 && n >= 3) {
        control_remember(s, cloud_session_get_variable(session, words[2]), words[2]);
    } else if (strcmp(words[0], "describe") == 0) {
        if (cloud_session_request_describe(session, 3) < 0) {
            control_reply(s, "error the request could not be sent to the device (see cloud.log)");
        } else {
            s->describe_pending = true;
        }
    } else if (strcmp(words[0], "flash") == 0 && n >= 3) {
        control_flash(s, session, words[2]);
    } else {
        control_reply(s, "error unknown command '%s'", words[0]);
    }
}

void photon_control_cloud_notice(PhotonControlState *s, const cloud_notice *notice)
{
    gpointer key = GINT_TO_POINTER((int)notice->request_id);
    const char *what = g_hash_table_lookup(s->pending, key);

    if (notice->kind == CLOUD_NOTICE_DESCRIBE && s->describe_pending) {
        s->describe_pending = false;
        control_reply(s, "ok %.*s", (int)notice->data_length, (const char *)notice->data);
        return;
    }
    if (notice->kind == CLOUD_NOTICE_EVENT && s->streaming_events) {
        control_reply(s, "event %s %.*s", notice->name, (int)notice->data_length,
                      notice->data ? (const char *)notice->data : "");
        return;
    }
    if (!what) {
        return;
    }
    switch (notice->kind) {
    case CLOUD_NOTICE_FUNCTION_RESULT:
        control_reply(s, "ok %s %" PRId64, what, notice->value);
        break;
    case CLOUD_NOTICE_VARIABLE_VALUE:
        control_reply(s, "ok %s %s", what, notice->text ? notice->text : "");
        break;
    case CLOUD_NOTICE_OTA_PROGRESS:
        return;     /* keep waiting for the end */
    case CLOUD_NOTICE_OTA_DONE:
        control_reply(s, "ok flashed %s", what);
        break;
    case CLOUD_NOTICE_OTA_FAILED:
    case CLOUD_NOTICE_REQUEST_FAILED:
        control_reply(s, "error %s: %s", what, notice->text ? notice->text : "failed");
        break;
    default:
        return;
    }
    g_hash_table_remove(s->pending, key);
}

void photon_control_set_cloud(PhotonControlState *s, cloud_server *cloud)
{
    s->cloud = cloud;
}

static int control_can_receive(void *opaque)
{
    return CONTROL_LINE_MAX;
}

static void control_receive(void *opaque, const uint8_t *buf, int size)
{
    PhotonControlState *s = opaque;

    for (int i = 0; i < size; i++) {
        if (buf[i] == '\n') {
            g_autofree char *line = g_strstrip(g_strdup(s->line->str));

            g_string_truncate(s->line, 0);
            control_command(s, line);
        } else if (s->line->len < CONTROL_LINE_MAX) {
            g_string_append_c(s->line, buf[i]);
        }
    }
}

static void control_event(void *opaque, QEMUChrEvent event)
{
    PhotonControlState *s = opaque;

    if (event == CHR_EVENT_CLOSED) {
        /* A new client starts afresh: no streaming, no stale replies. */
        s->streaming_events = false;
        s->describe_pending = false;
        g_hash_table_remove_all(s->pending);
        g_string_truncate(s->line, 0);
    }
}

static void photon_control_realize(DeviceState *dev, Error **errp)
{
    PhotonControlState *s = PHOTON_CONTROL(dev);

    s->line = g_string_new("");
    s->pending = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    qemu_chr_fe_set_handlers(&s->chr, control_can_receive, control_receive, control_event,
                             NULL, s, NULL, true);
}

static Property photon_control_properties[] = {
    DEFINE_PROP_CHR("chardev", PhotonControlState, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription vmstate_photon_control = {
    .name = TYPE_PHOTON_CONTROL,
    .unmigratable = 1,
};

static void photon_control_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = photon_control_realize;
    dc->vmsd = &vmstate_photon_control;
    device_class_set_props(dc, photon_control_properties);
}

static const TypeInfo photon_control_info = {
    .name = TYPE_PHOTON_CONTROL,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PhotonControlState),
    .class_init = photon_control_class_init,
};

static void photon_control_register_types(void)
{
    type_register_static(&photon_control_info);
}

type_init(photon_control_register_types)
