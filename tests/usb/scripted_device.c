/* The scripted device (scripted_device.h). */
#include "scripted_device.h"

#include <string.h>

/* USB 2.0 Table 9-8: a composite device using an interface association
 * (class EF/02/01, IAD ECN), bMaxPacketSize0 64, VID 2B04, PID C006,
 * bcdDevice 2.50, strings 1/2/3, one configuration. */
const uint8_t cdc_device_descriptor[18] = {
    0x12, 0x01, 0x00, 0x02, 0xEF, 0x02, 0x01, 0x40,
    0x04, 0x2B, 0x06, 0xC0, 0x50, 0x02, 0x01, 0x02, 0x03, 0x01,
};

/* USB 2.0 Table 9-10 and CDC PSTN 1.2 §5.3: configuration 1, self powered,
 * 100 mA; an IAD over interfaces 0-1; the communications interface (class 2,
 * subclass ACM, protocol AT) with header, call management, ACM and union
 * functional descriptors and interrupt IN endpoint 0x82; the data interface
 * (class 0x0A) with bulk OUT 0x01 and bulk IN 0x81 of 64 bytes. */
const uint8_t cdc_config_descriptor[75] = {
    0x09, 0x02, 0x4B, 0x00, 0x02, 0x01, 0x00, 0xC0, 0x32,
    0x08, 0x0B, 0x00, 0x02, 0x02, 0x02, 0x01, 0x00,
    0x09, 0x04, 0x00, 0x00, 0x01, 0x02, 0x02, 0x01, 0x00,
    0x05, 0x24, 0x00, 0x10, 0x01,
    0x05, 0x24, 0x01, 0x00, 0x01,
    0x04, 0x24, 0x02, 0x02,
    0x05, 0x24, 0x06, 0x00, 0x01,
    0x07, 0x05, 0x82, 0x03, 0x08, 0x00, 0x10,
    0x09, 0x04, 0x01, 0x00, 0x02, 0x0A, 0x00, 0x00, 0x00,
    0x07, 0x05, 0x01, 0x02, 0x40, 0x00, 0x00,
    0x07, 0x05, 0x81, 0x02, 0x40, 0x00, 0x00,
};

/* USB 2.0 §9.6.7: language list (English US, 0x0409) and UTF-16LE strings. */
static const uint8_t languages[] = { 0x04, 0x03, 0x09, 0x04 };
static const uint8_t manufacturer[] = { 0x0A, 0x03, 'A', 0, 'c', 0, 'm', 0, 'e', 0 };
static const uint8_t product[] = { 0x0C, 0x03, 'P', 0, 'h', 0, 'o', 0, 't', 0, 'o', 0 };
static const uint8_t serial[] = { 0x0A, 0x03, '0', 0, '1', 0, 0xE9, 0, 0xAC, 0x20 };  /* "01é€" */
const uint8_t *const cdc_strings[4] = { languages, manufacturer, product, serial };

void scripted_device_init(struct scripted_device *d)
{
    memset(d, 0, sizeof(*d));
    d->pulled_up = true;
    d->bus = USB_BUS_DETACHED;
    d->device_descriptor = cdc_device_descriptor;
    d->config_descriptor = cdc_config_descriptor;
    d->config_length = sizeof cdc_config_descriptor;
    d->strings = cdc_strings;
    d->string_count = 4;
}

void scripted_queue_in(struct scripted_device *d, const void *data, size_t length)
{
    memcpy(d->bulk_in + d->bulk_in_length, data, length);
    d->bulk_in_length += length;
}

static bool sd_pulled_up(void *dev)
{
    return ((struct scripted_device *)dev)->pulled_up;
}

static void sd_bus_state(void *dev, usb_bus_state state)
{
    struct scripted_device *d = dev;
    if (d->bus == USB_BUS_RESET && state == USB_BUS_ACTIVE) {
        d->resets++;
        d->address = 0;
        d->configuration = 0;
    }
    d->bus = state;
}

static void sd_start_of_frame(void *dev, uint16_t frame_number)
{
    ((struct scripted_device *)dev)->frames++;
}

static bool answering(struct scripted_device *d, uint8_t address)
{
    return d->bus == USB_BUS_ACTIVE && address == d->address;
}

/* A control transfer's state, kept in the last recorded setup. */
static struct scripted_setup *current(struct scripted_device *d)
{
    return d->setup_count ? &d->setups[d->setup_count - 1] : NULL;
}

static usb_handshake sd_setup(void *dev, uint8_t address, const uint8_t request[8])
{
    struct scripted_device *d = dev;
    if (!answering(d, address)) {
        return USB_NO_RESPONSE;
    }
    if (d->setup_count < SCRIPTED_MAX_SETUPS) {
        struct scripted_setup *s = &d->setups[d->setup_count++];
        memset(s, 0, sizeof(*s));
        s->address = address;
        memcpy(s->bytes, request, 8);
    }
    d->stalled = false;
    d->reply_length = d->reply_sent = 0;
    d->naks_left = d->nak_data_frames;
    d->pending_address = false;

    uint16_t value = (uint16_t)(request[2] | request[3] << 8);
    uint16_t length = (uint16_t)(request[6] | request[7] << 8);
    const uint8_t *reply = NULL;
    size_t reply_length = 0;

    if (request[0] == 0x80 && request[1] == USB_REQ_GET_DESCRIPTOR) {
        uint8_t type = value >> 8, index = value & 0xFF;
        if (type == USB_DT_DEVICE) {
            reply = d->device_descriptor;
            reply_length = 18;
        } else if (type == USB_DT_CONFIGURATION && !d->stall_config) {
            reply = d->config_descriptor;
            reply_length = d->config_length;
        } else if (type == USB_DT_STRING && index < d->string_count) {
            reply = d->strings[index];
            reply_length = reply[0];
        }
        if (!reply) {
            d->stalled = true;
        }
    } else if (request[0] == 0 && request[1] == USB_REQ_SET_ADDRESS) {
        if (d->ignore_set_address) {
            d->stalled = true;
        } else {
            d->pending_address = true;
            d->new_address = (uint8_t)value;
        }
    } else if (request[0] == 0 && request[1] == USB_REQ_SET_CONFIGURATION) {
        d->configuration = (uint8_t)value;
    }
    if (reply) {
        d->reply_length = reply_length < length ? reply_length : length;
        memcpy(d->reply, reply, d->reply_length);
    }
    return USB_ACK;
}

static usb_handshake sd_out(void *dev, uint8_t address, uint8_t endpoint,
                            const uint8_t *data, size_t length)
{
    struct scripted_device *d = dev;
    if (!answering(d, address)) {
        return USB_NO_RESPONSE;
    }
    if (endpoint == 1) {
        if (d->bulk_out_busy) {
            return USB_NAK;
        }
        memcpy(d->bulk_out + d->bulk_out_length, data, length);
        d->bulk_out_length += length;
        return USB_ACK;
    }
    if (endpoint != 0) {
        return USB_NO_RESPONSE;
    }
    if (d->stalled) {
        return USB_STALL;
    }
    struct scripted_setup *s = current(d);
    if (s && length && s->out_length + length <= sizeof s->out_data) {
        memcpy(s->out_data + s->out_length, data, length);
        s->out_length += length;
    }
    return USB_ACK;
}

static usb_handshake sd_in(void *dev, uint8_t address, uint8_t endpoint,
                           uint8_t *data, size_t max, size_t *length)
{
    struct scripted_device *d = dev;
    *length = 0;
    if (!answering(d, address)) {
        return USB_NO_RESPONSE;
    }
    if (endpoint == 1) {
        size_t n = d->bulk_in_length - d->bulk_in_sent;
        if (!n) {
            return USB_NAK;
        }
        n = n < max ? n : max;
        memcpy(data, d->bulk_in + d->bulk_in_sent, n);
        d->bulk_in_sent += n;
        *length = n;
        return USB_ACK;
    }
    if (endpoint != 0) {
        return endpoint == 2 ? USB_NAK : USB_NO_RESPONSE;
    }
    if (d->stalled) {
        return USB_STALL;
    }
    struct scripted_setup *s = current(d);
    bool data_stage = s && (s->bytes[0] & USB_DIR_IN);
    if (data_stage) {
        if (d->naks_left > 0) {
            d->naks_left--;
            return USB_NAK;
        }
        uint8_t mps = d->device_descriptor[7];
        size_t n = d->reply_length - d->reply_sent;
        n = n < mps ? n : mps;
        n = n < max ? n : max;
        memcpy(data, d->reply + d->reply_sent, n);
        d->reply_sent += n;
        *length = n;
        return USB_ACK;
    }
    /* Status stage of a no-data or OUT request: the new address applies after it. */
    if (d->pending_address) {
        d->address = d->new_address;
        d->pending_address = false;
    }
    return USB_ACK;
}

const struct usb_wire_ops scripted_wire = {
    .pulled_up = sd_pulled_up,
    .bus_state = sd_bus_state,
    .start_of_frame = sd_start_of_frame,
    .setup = sd_setup,
    .out = sd_out,
    .in = sd_in,
};
