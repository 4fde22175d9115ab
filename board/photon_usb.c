/*
 * The PC on the Photon's USB cable (photon_usb.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/osdep.h"
#include "qemu/module.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-properties-system.h"
#include "migration/vmstate.h"
#include "hw/photon/board/photon_usb.h"
#include "hw/photon/trace.h"

#define FRAME_NS (1 * SCALE_MS)

static int64_t now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void schedule_frame(PhotonUsbHostState *s)
{
    if (usb_host_wants_frames(s->host) && !timer_pending(s->frame_timer)) {
        timer_mod(s->frame_timer, now_ns() + FRAME_NS);
    }
}

static void frame_tick(void *opaque)
{
    PhotonUsbHostState *s = opaque;
    size_t room_before = usb_host_serial_room(s->host);

    usb_host_frame(s->host);
    if (usb_host_serial_room(s->host) > room_before) {
        qemu_chr_fe_accept_input(&s->chr);
    }
    schedule_frame(s);
}

static void host_log(void *opaque, const char *line)
{
    PhotonUsbHostState *s = opaque;
    trace_photon_usb_host(line);
    if (s->usb_log) {
        fprintf(s->usb_log, "%10.3f  %s\n", now_ns() / 1e9, line);
    }
}

static void host_serial_out(void *opaque, const uint8_t *data, size_t length)
{
    PhotonUsbHostState *s = opaque;
    if (s->serial_log) {
        fwrite(data, 1, length, s->serial_log);
    }
    if (qemu_chr_fe_backend_connected(&s->chr)) {
        /* A terminal that is not reading loses output, as a closed pty does. */
        qemu_chr_fe_write(&s->chr, data, length);
    }
    if (s->observer) {
        s->observer(s->observer_opaque, now_ns(), data, length);
    }
}

static bool serial_open(PhotonUsbHostState *s)
{
    return usb_host_get_state(s->host) == USB_HOST_SERIAL_READY;
}

/* The terminal takes keystrokes only while the port is open (bound, DTR up). */
static int chr_can_receive(void *opaque)
{
    PhotonUsbHostState *s = opaque;
    return serial_open(s) ? usb_host_serial_room(s->host) : 0;
}

static void host_state_changed(void *opaque, usb_host_state state)
{
    PhotonUsbHostState *s = opaque;
    if (state == USB_HOST_SERIAL_READY) {
        qemu_chr_fe_accept_input(&s->chr);
    }
}

static void chr_receive(void *opaque, const uint8_t *buf, int size)
{
    PhotonUsbHostState *s = opaque;
    usb_host_serial_write(s->host, buf, size);
}

void photon_usb_host_attach(PhotonUsbHostState *s, STM32F2OtgState *otg)
{
    s->otg = otg;
}

void photon_usb_host_set_observer(PhotonUsbHostState *s, PhotonUsbSerialObserver observer,
                                  void *opaque)
{
    s->observer = observer;
    s->observer_opaque = opaque;
}

void photon_usb_host_set_cable(PhotonUsbHostState *s, bool plugged)
{
    s->plugged = plugged;
    usb_host_set_cable(s->host, plugged);
    if (!plugged) {
        timer_del(s->frame_timer);
    }
    schedule_frame(s);
}

size_t photon_usb_host_type(PhotonUsbHostState *s, const uint8_t *data, size_t length)
{
    return serial_open(s) ? usb_host_serial_write(s->host, data, length) : 0;
}

void photon_usb_host_finish(PhotonUsbHostState *s)
{
    if (s->serial_log) {
        fflush(s->serial_log);
    }
    if (s->usb_log) {
        fflush(s->usb_log);
    }
}

static FILE *open_report_file(PhotonUsbHostState *s, const char *name, Error **errp)
{
    g_autofree char *path = g_build_filename(s->report_dir, name, NULL);
    FILE *f = fopen(path, "w");
    if (!f) {
        error_setg_errno(errp, errno, "photon: cannot create %s", path);
    }
    return f;
}

static void photon_usb_host_realize(DeviceState *dev, Error **errp)
{
    PhotonUsbHostState *s = PHOTON_USB_HOST(dev);
    const struct usb_host_callbacks callbacks = {
        .opaque = s, .log = host_log, .serial_out = host_serial_out,
        .state_changed = host_state_changed,
    };

    if (!s->otg) {
        error_setg(errp, "photon-usb-host: no OTG core attached");
        return;
    }
    if (s->report_dir) {
        s->serial_log = open_report_file(s, "serial.log", errp);
        s->usb_log = s->serial_log ? open_report_file(s, "usb.log", errp) : NULL;
        if (!s->usb_log) {
            return;
        }
    }
    s->host = usb_host_new(&stm32f2_otg_wire_ops, s->otg, &callbacks);
    s->frame_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, frame_tick, s);
    qemu_chr_fe_set_handlers(&s->chr, chr_can_receive, chr_receive, NULL, NULL, s, NULL, true);
    photon_usb_host_set_cable(s, s->plugged);
}

static void photon_usb_host_unrealize(DeviceState *dev)
{
    PhotonUsbHostState *s = PHOTON_USB_HOST(dev);
    photon_usb_host_finish(s);
    usb_host_free(s->host);
}

static Property photon_usb_host_properties[] = {
    DEFINE_PROP_CHR("chardev", PhotonUsbHostState, chr),
    DEFINE_PROP_STRING("report-dir", PhotonUsbHostState, report_dir),
    DEFINE_PROP_BOOL("plugged", PhotonUsbHostState, plugged, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void photon_usb_host_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = photon_usb_host_realize;
    dc->unrealize = photon_usb_host_unrealize;
    dc->user_creatable = false;
    device_class_set_props(dc, photon_usb_host_properties);
}

static const TypeInfo photon_usb_host_info = {
    .name = TYPE_PHOTON_USB_HOST,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(PhotonUsbHostState),
    .class_init = photon_usb_host_class_init,
};

static void photon_usb_host_register_types(void)
{
    type_register_static(&photon_usb_host_info);
}

type_init(photon_usb_host_register_types)
