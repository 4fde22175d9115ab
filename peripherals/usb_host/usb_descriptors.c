/*
 * Descriptor parsing: device (USB 2.0 Table 9-8), configuration (Table 9-10)
 * with its interfaces (Table 9-12), endpoints (Table 9-13) and the CDC union
 * functional descriptor (CDC 1.2 Table 16), and string descriptors (§9.6.7).
 */
#include "usb_descriptors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "usb_wire.h"

enum { CDC_CLASS_COMM = 0x02, CDC_SUBCLASS_ACM = 0x02, CDC_CLASS_DATA = 0x0A,
       CDC_FUNC_UNION = 0x06 };

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int usb_parse_device_descriptor(const uint8_t *buf, size_t len,
                                struct usb_device_info *out, char *err, size_t errlen)
{
    if (len < USB_DEVICE_DESCRIPTOR_SIZE) {
        return fail(err, errlen, "device descriptor: %zu bytes, need %d", len,
                    USB_DEVICE_DESCRIPTOR_SIZE);
    }
    if (buf[0] != USB_DEVICE_DESCRIPTOR_SIZE) {
        return fail(err, errlen, "device descriptor offset 0: bLength %u, expected 18", buf[0]);
    }
    if (buf[1] != USB_DT_DEVICE) {
        return fail(err, errlen, "device descriptor offset 1: bDescriptorType %u, expected 1",
                    buf[1]);
    }
    switch (buf[7]) {
    case 8: case 16: case 32: case 64:
        break;
    default:
        return fail(err, errlen, "device descriptor offset 7: bMaxPacketSize0 %u is not 8, 16, "
                    "32 or 64", buf[7]);
    }
    *out = (struct usb_device_info) {
        .bcd_usb = le16(buf + 2),
        .device_class = buf[4], .device_subclass = buf[5], .device_protocol = buf[6],
        .max_packet0 = buf[7],
        .vendor = le16(buf + 8), .product = le16(buf + 10), .bcd_device = le16(buf + 12),
        .i_manufacturer = buf[14], .i_product = buf[15], .i_serial = buf[16],
        .num_configurations = buf[17],
    };
    return 0;
}

static int parse_endpoint(const uint8_t *d, size_t at, struct usb_interface_info *iface,
                          char *err, size_t errlen)
{
    if (d[0] < 7) {
        return fail(err, errlen, "configuration offset %zu: endpoint descriptor bLength %u < 7",
                    at, d[0]);
    }
    if ((d[2] & 0x0F) == 0) {
        return fail(err, errlen, "configuration offset %zu: endpoint address 0x%02x is "
                    "endpoint 0", at + 2, d[2]);
    }
    if (iface->num_endpoints >= USB_MAX_ENDPOINTS) {
        return fail(err, errlen, "configuration offset %zu: more than %d endpoints in "
                    "interface %u", at, USB_MAX_ENDPOINTS, iface->number);
    }
    uint16_t max_packet = le16(d + 4) & 0x7FF;
    if (max_packet == 0 || max_packet > 1023) {
        return fail(err, errlen, "configuration offset %zu: wMaxPacketSize %u", at + 4,
                    max_packet);
    }
    iface->endpoints[iface->num_endpoints++] = (struct usb_endpoint_info) {
        .address = d[2], .attributes = d[3], .max_packet = max_packet, .interval = d[6],
    };
    return 0;
}

int usb_parse_config_descriptor(const uint8_t *buf, size_t len,
                                struct usb_config_info *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (len < USB_CONFIG_DESCRIPTOR_SIZE) {
        return fail(err, errlen, "configuration descriptor: %zu bytes, need 9", len);
    }
    if (buf[0] != USB_CONFIG_DESCRIPTOR_SIZE || buf[1] != USB_DT_CONFIGURATION) {
        return fail(err, errlen, "configuration offset 0: bLength %u, bDescriptorType %u; "
                    "expected 9, 2", buf[0], buf[1]);
    }
    out->total_length = le16(buf + 2);
    out->num_interfaces = buf[4];
    out->value = buf[5];
    out->attributes = buf[7];
    out->max_power = buf[8];
    if (out->total_length < USB_CONFIG_DESCRIPTOR_SIZE) {
        return fail(err, errlen, "configuration offset 2: wTotalLength %u < 9",
                    out->total_length);
    }
    size_t end = len < out->total_length ? len : out->total_length;
    struct usb_interface_info *iface = NULL;
    for (size_t at = buf[0]; at < end; at += buf[at]) {
        const uint8_t *d = buf + at;
        if (at + 2 > end || d[0] < 2 || at + d[0] > end) {
            return fail(err, errlen, "configuration offset %zu: descriptor length %u runs "
                        "past wTotalLength %zu", at, at + 1 <= end ? d[0] : 0, end);
        }
        switch (d[1]) {
        case USB_DT_INTERFACE:
            if (d[0] < 9) {
                return fail(err, errlen, "configuration offset %zu: interface descriptor "
                            "bLength %u < 9", at, d[0]);
            }
            if (out->interface_count >= USB_MAX_INTERFACES) {
                return fail(err, errlen, "configuration offset %zu: more than %d interface "
                            "descriptors", at, USB_MAX_INTERFACES);
            }
            iface = &out->interfaces[out->interface_count++];
            *iface = (struct usb_interface_info) {
                .number = d[2], .alternate = d[3], .iface_class = d[5],
                .iface_subclass = d[6], .iface_protocol = d[7], .union_subordinate = -1,
            };
            break;
        case USB_DT_ENDPOINT:
            if (!iface) {
                return fail(err, errlen, "configuration offset %zu: endpoint descriptor "
                            "before any interface", at);
            }
            if (parse_endpoint(d, at, iface, err, errlen) < 0) {
                return -1;
            }
            break;
        case USB_DT_CS_INTERFACE:
            if (iface && d[0] >= 5 && d[2] == CDC_FUNC_UNION) {
                iface->union_subordinate = d[4];
            }
            break;
        default:
            break;      /* IADs, other class descriptors: not needed to bind */
        }
    }
    return 0;
}

int usb_parse_string_descriptor(const uint8_t *buf, size_t len,
                                char *out, size_t outlen, char *err, size_t errlen)
{
    if (len < 2 || buf[0] < 2 || buf[0] > len || buf[1] != USB_DT_STRING || (buf[0] & 1)) {
        return fail(err, errlen, "string descriptor offset 0: bLength %u, bDescriptorType %u "
                    "in %zu bytes", len ? buf[0] : 0, len > 1 ? buf[1] : 0, len);
    }
    size_t o = 0;
    for (size_t i = 2; i + 1 < buf[0]; i += 2) {
        uint16_t c = le16(buf + i);
        char enc[3];
        size_t n;
        if (c < 0x80) {
            enc[0] = (char)c; n = 1;
        } else if (c < 0x800) {
            enc[0] = (char)(0xC0 | c >> 6); enc[1] = (char)(0x80 | (c & 0x3F)); n = 2;
        } else if (c >= 0xD800 && c < 0xE000) {
            enc[0] = '?'; n = 1;
        } else {
            enc[0] = (char)(0xE0 | c >> 12); enc[1] = (char)(0x80 | ((c >> 6) & 0x3F));
            enc[2] = (char)(0x80 | (c & 0x3F)); n = 3;
        }
        if (o + n + 1 > outlen) {
            break;
        }
        memcpy(out + o, enc, n);
        o += n;
    }
    if (outlen) {
        out[o] = '\0';
    }
    return 0;
}

static const struct usb_interface_info *find_interface(const struct usb_config_info *config,
                                                       int number)
{
    for (int i = 0; i < config->interface_count; i++) {
        if (config->interfaces[i].number == number && config->interfaces[i].alternate == 0) {
            return &config->interfaces[i];
        }
    }
    return NULL;
}

int usb_find_cdc_acm(const struct usb_config_info *config, struct usb_cdc_acm_link *out)
{
    for (int i = 0; i < config->interface_count; i++) {
        const struct usb_interface_info *comm = &config->interfaces[i];
        if (comm->iface_class != CDC_CLASS_COMM || comm->iface_subclass != CDC_SUBCLASS_ACM
            || comm->alternate != 0) {
            continue;
        }
        int data_number = comm->union_subordinate >= 0 ? comm->union_subordinate
                                                       : comm->number + 1;
        const struct usb_interface_info *data = find_interface(config, data_number);
        if (!data || data->iface_class != CDC_CLASS_DATA) {
            continue;
        }
        *out = (struct usb_cdc_acm_link) { .comm_interface = comm->number,
                                           .data_interface = data->number };
        for (int e = 0; e < comm->num_endpoints; e++) {
            if ((comm->endpoints[e].attributes & 3) == USB_XFER_INTERRUPT
                && (comm->endpoints[e].address & 0x80)) {
                out->notify_endpoint = comm->endpoints[e].address;
            }
        }
        for (int e = 0; e < data->num_endpoints; e++) {
            const struct usb_endpoint_info *ep = &data->endpoints[e];
            if ((ep->attributes & 3) != USB_XFER_BULK) {
                continue;
            }
            if (ep->address & 0x80) {
                out->bulk_in = ep->address;
                out->bulk_in_max = ep->max_packet;
            } else {
                out->bulk_out = ep->address;
                out->bulk_out_max = ep->max_packet;
            }
        }
        if (out->bulk_in && out->bulk_out) {
            return 0;
        }
    }
    return -1;
}
