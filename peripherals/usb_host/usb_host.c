/*
 * The host's root port and its enumeration script, on the order a Linux
 * host uses ("new scheme": a 64-byte device descriptor read at address 0,
 * a second reset, then SET_ADDRESS), which also exercises a device's
 * handling of a reset in the middle of enumeration.
 */
#include "usb_host_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT "usb 1-1: "

/* The enumeration script: one control transfer per step. */
enum {
    STEP_FIRST_DESCRIPTOR,      /* GET_DESCRIPTOR(device, 64) at address 0 */
    STEP_SET_ADDRESS,           /* after the second reset */
    STEP_DEVICE_DESCRIPTOR,
    STEP_CONFIG_HEADER,
    STEP_CONFIG_ALL,
    STEP_LANGUAGES,
    STEP_PRODUCT,
    STEP_MANUFACTURER,
    STEP_SERIAL,
    STEP_SET_CONFIGURATION,
    STEP_LINE_CODING,           /* the CDC-ACM driver opens the port */
    STEP_LINE_STATE,
    STEP_DONE,
};

void usb_host_logf(struct usb_host *host, const char *fmt, ...)
{
    if (!host->cb.log) {
        return;
    }
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    host->cb.log(host->cb.opaque, line);
}

const char *usb_host_state_name(usb_host_state state)
{
    static const char *const names[] = {
        [USB_HOST_UNPLUGGED] = "unplugged", [USB_HOST_WAITING] = "waiting",
        [USB_HOST_ENUMERATING] = "enumerating", [USB_HOST_CONFIGURED] = "configured",
        [USB_HOST_SERIAL_READY] = "serial-ready", [USB_HOST_FAILED] = "failed",
    };
    return state < sizeof names / sizeof names[0] ? names[state] : "?";
}

static void set_state(struct usb_host *host, usb_host_state state)
{
    if (host->state == state) {
        return;
    }
    host->state = state;
    if (host->cb.state_changed) {
        host->cb.state_changed(host->cb.opaque, state);
    }
}

static void set_bus(struct usb_host *host, usb_bus_state bus)
{
    host->wire->bus_state(host->device, bus);
}

static void enter_phase(struct usb_host *host, port_phase phase, uint32_t duration_ms)
{
    host->phase = phase;
    host->phase_until = host->now_ms + duration_ms;
}

static void forget_device(struct usb_host *host)
{
    cdc_acm_unbind(host);
    host->ctl.active = false;
    host->address = 0;
    host->max_packet0 = 64;     /* until the device descriptor says otherwise */
    memset(&host->info, 0, sizeof host->info);
    memset(&host->config, 0, sizeof host->config);
    host->product[0] = host->manufacturer[0] = host->serial_number[0] = '\0';
}

static void begin_reset(struct usb_host *host)
{
    set_bus(host, USB_BUS_RESET);
    enter_phase(host, PORT_RESET, USB_HOST_RESET_MS);
}

/* Start (or restart) enumeration of the device now on the port. */
static void begin_enumeration(struct usb_host *host)
{
    forget_device(host);
    host->device_number++;
    host->step = STEP_FIRST_DESCRIPTOR;
    set_state(host, USB_HOST_ENUMERATING);
    usb_host_logf(host, PORT "new full-speed USB device number %d using photon-sim",
                  host->device_number);
    begin_reset(host);
}

static void give_up_or_retry(struct usb_host *host)
{
    if (++host->attempt < USB_HOST_ENUMERATION_ATTEMPTS) {
        begin_enumeration(host);
        return;
    }
    usb_host_logf(host, "usb usb1-port1: unable to enumerate USB device");
    forget_device(host);
    set_bus(host, USB_BUS_SUSPENDED);   /* port disabled: no frames */
    enter_phase(host, PORT_DISABLED, 0);
    set_state(host, USB_HOST_FAILED);
}

/* The device left the port (its pull-up dropped, or the cable came out):
 * what the port does next is @phase with the bus at @bus. */
static void port_idle(struct usb_host *host, usb_bus_state bus, port_phase phase,
                      usb_host_state state)
{
    if (host->phase >= PORT_RESET) {
        usb_host_logf(host, PORT "USB disconnect, device number %d", host->device_number);
    }
    forget_device(host);
    set_bus(host, bus);
    enter_phase(host, phase, 0);
    set_state(host, state);
}

static void device_gone(struct usb_host *host)
{
    port_idle(host, USB_BUS_SUSPENDED, PORT_WAITING, USB_HOST_WAITING);
}

/* ---- control transfers (USB 2.0 §8.5.3) ---- */

static void control_start(struct usb_host *host, const uint8_t setup[8], const uint8_t *out_data)
{
    struct control_transfer *c = &host->ctl;
    memcpy(c->setup, setup, 8);
    c->length = (uint16_t)(setup[6] | setup[7] << 8);
    if (c->length > USB_HOST_CONTROL_MAX) {
        c->length = USB_HOST_CONTROL_MAX;
        c->setup[6] = (uint8_t)c->length;
        c->setup[7] = (uint8_t)(c->length >> 8);
    }
    if (out_data && c->length) {
        memcpy(c->data, out_data, c->length);
    }
    c->done = 0;
    c->stage = CTL_SETUP;
    c->started_ms = host->now_ms;
    c->no_response = 0;
    c->active = true;
}

static void request(struct usb_host *host, uint8_t type, uint8_t req, uint16_t value,
                    uint16_t index, uint16_t length, const uint8_t *out_data)
{
    uint8_t setup[8] = { type, req, (uint8_t)value, (uint8_t)(value >> 8),
                         (uint8_t)index, (uint8_t)(index >> 8),
                         (uint8_t)length, (uint8_t)(length >> 8) };
    control_start(host, setup, out_data);
}

static void get_descriptor(struct usb_host *host, uint8_t type, uint8_t index,
                           uint16_t language, uint16_t length)
{
    request(host, USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, (uint16_t)(type << 8 | index), language,
            length, NULL);
}

static void step_finished(struct usb_host *host, int result);

static void control_finish(struct usb_host *host, int result)
{
    host->ctl.active = false;
    step_finished(host, result);
}

/* One transaction of the current transfer; returns false when the pipe must
 * wait for the next frame (NAK) or the transfer ended. */
static bool control_transaction(struct usb_host *host)
{
    struct control_transfer *c = &host->ctl;
    bool in = c->setup[0] & USB_DIR_IN;
    usb_handshake r;
    size_t got = 0;

    if (host->now_ms - c->started_ms >= USB_HOST_REQUEST_TIMEOUT_MS) {
        control_finish(host, USB_ERR_TIMEOUT);
        return false;
    }
    switch (c->stage) {
    case CTL_SETUP:
        r = host->wire->setup(host->device, host->address, c->setup);
        break;
    case CTL_DATA:
        if (in) {
            size_t want = c->length - c->done;
            r = host->wire->in(host->device, host->address, 0, c->data + c->done,
                               want < host->max_packet0 ? want : host->max_packet0, &got);
        } else {
            got = c->length - c->done;
            got = got < host->max_packet0 ? got : host->max_packet0;
            r = host->wire->out(host->device, host->address, 0, c->data + c->done, got);
        }
        break;
    default:        /* status: a zero-length packet the other way */
        if (in) {
            r = host->wire->out(host->device, host->address, 0, NULL, 0);
        } else {
            uint8_t scratch[64];
            r = host->wire->in(host->device, host->address, 0, scratch, 0, &got);
        }
        break;
    }

    switch (r) {
    case USB_NAK:
        c->no_response = 0;
        return false;
    case USB_STALL:
        control_finish(host, USB_ERR_STALL);
        return false;
    case USB_NO_RESPONSE:
        if (++c->no_response >= 3) {
            control_finish(host, USB_ERR_PROTOCOL);
        }
        return false;
    case USB_ACK:
        break;
    }
    c->no_response = 0;
    switch (c->stage) {
    case CTL_SETUP:
        c->stage = c->length ? CTL_DATA : CTL_STATUS;
        return true;
    case CTL_DATA:
        c->done += (uint16_t)got;
        if (c->done >= c->length || (in && got < host->max_packet0)) {
            c->stage = CTL_STATUS;
        }
        return true;
    default:
        control_finish(host, 0);
        return false;
    }
}

static void control_service(struct usb_host *host)
{
    for (int i = 0; i < USB_HOST_PACKETS_PER_FRAME && host->ctl.active; i++) {
        if (!control_transaction(host)) {
            break;
        }
    }
}

/* ---- the enumeration script ---- */

static void start_step(struct usb_host *host)
{
    uint8_t line_coding[7];
    uint8_t setup[8];

    switch (host->step) {
    case STEP_FIRST_DESCRIPTOR:
        get_descriptor(host, USB_DT_DEVICE, 0, 0, 64);
        break;
    case STEP_SET_ADDRESS:
        request(host, 0, USB_REQ_SET_ADDRESS, (uint16_t)host->device_number, 0, 0, NULL);
        break;
    case STEP_DEVICE_DESCRIPTOR:
        get_descriptor(host, USB_DT_DEVICE, 0, 0, USB_DEVICE_DESCRIPTOR_SIZE);
        break;
    case STEP_CONFIG_HEADER:
        get_descriptor(host, USB_DT_CONFIGURATION, 0, 0, USB_CONFIG_DESCRIPTOR_SIZE);
        break;
    case STEP_CONFIG_ALL:
        get_descriptor(host, USB_DT_CONFIGURATION, 0, 0, host->config.total_length);
        break;
    case STEP_LANGUAGES:
        get_descriptor(host, USB_DT_STRING, 0, 0, 255);
        break;
    case STEP_PRODUCT:
    case STEP_MANUFACTURER:
    case STEP_SERIAL: {
        uint8_t index = host->step == STEP_PRODUCT ? host->info.i_product
                      : host->step == STEP_MANUFACTURER ? host->info.i_manufacturer
                      : host->info.i_serial;
        if (!index || !host->language) {
            host->step++;
            start_step(host);
            return;
        }
        get_descriptor(host, USB_DT_STRING, index, host->language, 255);
        break;
    }
    case STEP_SET_CONFIGURATION:
        request(host, 0, USB_REQ_SET_CONFIGURATION, host->config.value, 0, 0, NULL);
        break;
    case STEP_LINE_CODING:
        cdc_acm_line_coding_request(&host->acm, setup, line_coding);
        control_start(host, setup, line_coding);
        break;
    case STEP_LINE_STATE:
        cdc_acm_line_state_request(&host->acm, true, setup);
        control_start(host, setup, NULL);
        break;
    default:
        break;
    }
}

static void log_identity(struct usb_host *host)
{
    const struct usb_device_info *d = &host->info;
    usb_host_logf(host, PORT "New USB device found, idVendor=%04x, idProduct=%04x, "
                  "bcdDevice=%2x.%02x", d->vendor, d->product, d->bcd_device >> 8,
                  d->bcd_device & 0xFF);
    usb_host_logf(host, PORT "New USB device strings: Mfr=%u, Product=%u, SerialNumber=%u",
                  d->i_manufacturer, d->i_product, d->i_serial);
    if (host->product[0]) {
        usb_host_logf(host, PORT "Product: %s", host->product);
    }
    if (host->manufacturer[0]) {
        usb_host_logf(host, PORT "Manufacturer: %s", host->manufacturer);
    }
    if (host->serial_number[0]) {
        usb_host_logf(host, PORT "SerialNumber: %s", host->serial_number);
    }
}

/* What a failed step means: strings are optional, the rest is fatal. */
static void step_failed(struct usb_host *host, int result)
{
    static const char *const what[] = {
        [STEP_FIRST_DESCRIPTOR] = "device descriptor read/64",
        [STEP_SET_ADDRESS] = "device not accepting address",
        [STEP_DEVICE_DESCRIPTOR] = "device descriptor read/all",
        [STEP_CONFIG_HEADER] = "can't read configurations",
        [STEP_CONFIG_ALL] = "can't read configurations",
        [STEP_SET_CONFIGURATION] = "can't set config #1",
        [STEP_LINE_CODING] = "cdc_acm: SET_LINE_CODING failed",
        [STEP_LINE_STATE] = "cdc_acm: SET_CONTROL_LINE_STATE failed",
    };
    if (host->step >= STEP_LANGUAGES && host->step <= STEP_SERIAL) {
        if (host->step == STEP_LANGUAGES) {
            host->step = STEP_SERIAL;       /* no strings at all */
        }
        host->step++;
        start_step(host);
        return;
    }
    usb_host_logf(host, PORT "%s, error %d", what[host->step], result);
    if (host->step >= STEP_LINE_CODING) {
        set_state(host, USB_HOST_CONFIGURED);   /* bound without a working serial */
        host->step = STEP_DONE;
        return;
    }
    give_up_or_retry(host);
}

static int parse_step_data(struct usb_host *host, char *err, size_t errlen)
{
    struct control_transfer *c = &host->ctl;
    struct usb_device_info info;
    char *text;

    switch (host->step) {
    case STEP_FIRST_DESCRIPTOR:
        if (c->done < 8) {
            snprintf(err, errlen, "device descriptor read/64: %u bytes", c->done);
            return -1;
        }
        /* Only bMaxPacketSize0 matters before the address is set. */
        host->max_packet0 = c->data[7];
        return 0;
    case STEP_DEVICE_DESCRIPTOR:
        if (usb_parse_device_descriptor(c->data, c->done, &info, err, errlen) < 0) {
            return -1;
        }
        host->info = info;
        host->max_packet0 = info.max_packet0;
        return 0;
    case STEP_CONFIG_HEADER:
    case STEP_CONFIG_ALL:
        return usb_parse_config_descriptor(c->data, c->done, &host->config, err, errlen);
    case STEP_LANGUAGES:
        if (c->done >= 4 && c->data[1] == USB_DT_STRING) {
            host->language = (uint16_t)(c->data[2] | c->data[3] << 8);
        }
        return 0;
    case STEP_PRODUCT:
    case STEP_MANUFACTURER:
    case STEP_SERIAL:
        text = host->step == STEP_PRODUCT ? host->product
             : host->step == STEP_MANUFACTURER ? host->manufacturer : host->serial_number;
        return usb_parse_string_descriptor(c->data, c->done, text, sizeof host->product,
                                           err, errlen);
    default:
        return 0;
    }
}

static void step_finished(struct usb_host *host, int result)
{
    char err[160];

    if (result < 0) {
        step_failed(host, result);
        return;
    }
    if (parse_step_data(host, err, sizeof err) < 0) {
        usb_host_logf(host, PORT "%s", err);
        if (host->step >= STEP_LANGUAGES && host->step <= STEP_SERIAL) {
            host->step++;
            start_step(host);
            return;
        }
        give_up_or_retry(host);
        return;
    }
    switch (host->step) {
    case STEP_FIRST_DESCRIPTOR:
        host->step = STEP_SET_ADDRESS;
        begin_reset(host);      /* the second reset; requests resume after recovery */
        return;
    case STEP_SET_ADDRESS:
        host->address = (uint8_t)host->device_number;
        host->step++;
        enter_phase(host, PORT_SET_ADDRESS_RECOVERY, USB_HOST_SET_ADDRESS_MS);
        return;
    case STEP_SET_CONFIGURATION:
        log_identity(host);
        set_state(host, USB_HOST_CONFIGURED);
        if (usb_find_cdc_acm(&host->config, &host->acm) < 0) {
            host->step = STEP_DONE;
            return;
        }
        break;
    case STEP_LINE_STATE:
        host->acm_bound = true;
        usb_host_logf(host, "cdc_acm 1-1:1.%u: ttyACM0: USB ACM device",
                      host->acm.comm_interface);
        set_state(host, USB_HOST_SERIAL_READY);
        host->step = STEP_DONE;
        return;
    default:
        break;
    }
    host->step++;
    start_step(host);
}

/* ---- the port, frame by frame ---- */

struct usb_host *usb_host_new(const struct usb_wire_ops *wire, void *device,
                              const struct usb_host_callbacks *callbacks)
{
    struct usb_host *host = calloc(1, sizeof(*host));
    if (!host) {
        return NULL;
    }
    host->wire = wire;
    host->device = device;
    if (callbacks) {
        host->cb = *callbacks;
    }
    host->device_number = 1;    /* the root hub */
    host->max_packet0 = 64;
    return host;
}

void usb_host_free(struct usb_host *host)
{
    free(host);
}

void usb_host_set_cable(struct usb_host *host, bool plugged)
{
    if (plugged == host->cable) {
        return;
    }
    host->cable = plugged;
    if (plugged) {
        port_idle(host, USB_BUS_SUSPENDED, PORT_WAITING, USB_HOST_WAITING);   /* VBUS on */
    } else {
        port_idle(host, USB_BUS_DETACHED, PORT_UNPLUGGED, USB_HOST_UNPLUGGED);
    }
}

bool usb_host_cable(const struct usb_host *host)
{
    return host->cable;
}

bool usb_host_wants_frames(const struct usb_host *host)
{
    return host->cable;
}

static bool bus_active(const struct usb_host *host)
{
    return host->phase == PORT_RECOVERY || host->phase == PORT_SET_ADDRESS_RECOVERY
        || host->phase == PORT_REQUESTS;
}

void usb_host_frame(struct usb_host *host)
{
    host->now_ms++;
    if (!host->cable) {
        return;
    }
    bool pulled_up = host->wire->pulled_up(host->device);
    if (host->phase == PORT_WAITING) {
        if (pulled_up) {
            host->attempt = 0;
            enter_phase(host, PORT_DEBOUNCE, USB_HOST_DEBOUNCE_MS);
        }
        return;
    }
    if (!pulled_up) {
        device_gone(host);
        return;
    }
    if (bus_active(host)) {
        host->frame_number = (host->frame_number + 1) & 0x7FF;
        host->wire->start_of_frame(host->device, host->frame_number);
    }
    if ((int32_t)(host->now_ms - host->phase_until) < 0) {
        return;
    }
    switch (host->phase) {
    case PORT_DEBOUNCE:
        begin_enumeration(host);
        break;
    case PORT_RESET:
        set_bus(host, USB_BUS_ACTIVE);
        enter_phase(host, PORT_RECOVERY, USB_HOST_RECOVERY_MS);
        break;
    case PORT_RECOVERY:
    case PORT_SET_ADDRESS_RECOVERY:
        enter_phase(host, PORT_REQUESTS, 0);
        start_step(host);
        control_service(host);
        break;
    case PORT_REQUESTS:
        if (host->ctl.active) {
            control_service(host);
        }
        if (host->acm_bound) {
            cdc_acm_service(host);
        }
        break;
    default:
        break;
    }
}

usb_host_state usb_host_get_state(const struct usb_host *host)
{
    return host->state;
}

uint16_t usb_host_vendor(const struct usb_host *host)
{
    return host->info.vendor;
}

uint16_t usb_host_product(const struct usb_host *host)
{
    return host->info.product;
}

const char *usb_host_serial_number(const struct usb_host *host)
{
    return host->serial_number;
}
