/*
 * Reading the descriptors a device returns (USB 2.0 §9.6, CDC 1.2 §5.2.3),
 * the way a host's core does: every length checked, the first bad field named
 * with its byte offset.
 *
 * Plain C, no QEMU headers.
 */
#ifndef USB_DESCRIPTORS_H
#define USB_DESCRIPTORS_H

#include <stddef.h>
#include <stdint.h>

#define USB_DEVICE_DESCRIPTOR_SIZE 18
#define USB_CONFIG_DESCRIPTOR_SIZE 9
#define USB_MAX_INTERFACES 8
#define USB_MAX_ENDPOINTS 4

struct usb_device_info {
    uint16_t bcd_usb;
    uint8_t device_class, device_subclass, device_protocol;
    uint8_t max_packet0;
    uint16_t vendor, product, bcd_device;
    uint8_t i_manufacturer, i_product, i_serial;
    uint8_t num_configurations;
};

struct usb_endpoint_info {
    uint8_t address;        /* bit 7 set: IN */
    uint8_t attributes;     /* bits 1:0 transfer type */
    uint16_t max_packet;
    uint8_t interval;
};

enum { USB_XFER_CONTROL, USB_XFER_ISOCHRONOUS, USB_XFER_BULK, USB_XFER_INTERRUPT };

struct usb_interface_info {
    uint8_t number, alternate;
    uint8_t iface_class, iface_subclass, iface_protocol;
    int union_subordinate;  /* CDC union functional descriptor's first subordinate, or -1 */
    int num_endpoints;
    struct usb_endpoint_info endpoints[USB_MAX_ENDPOINTS];
};

struct usb_config_info {
    uint16_t total_length;
    uint8_t num_interfaces, value, attributes, max_power;
    int interface_count;    /* interface descriptors seen (alternates count) */
    struct usb_interface_info interfaces[USB_MAX_INTERFACES];
};

/* The CDC-ACM function a serial driver binds to (CDC PSTN 1.2 §3.4.2). */
struct usb_cdc_acm_link {
    uint8_t comm_interface, data_interface;
    uint8_t notify_endpoint;            /* 0: none */
    uint8_t bulk_in, bulk_out;          /* endpoint addresses */
    uint16_t bulk_in_max, bulk_out_max;
};

/* Each returns 0, or -1 with a sentence naming the offset in err. */
int usb_parse_device_descriptor(const uint8_t *buf, size_t len,
                                struct usb_device_info *out, char *err, size_t errlen);
int usb_parse_config_descriptor(const uint8_t *buf, size_t len,
                                struct usb_config_info *out, char *err, size_t errlen);
/* A string descriptor's UTF-16LE text as UTF-8 (code points beyond the BMP's
 * surrogates become '?'). */
int usb_parse_string_descriptor(const uint8_t *buf, size_t len,
                                char *out, size_t outlen, char *err, size_t errlen);
/* The first CDC-ACM function in the configuration; -1 if there is none. */
int usb_find_cdc_acm(const struct usb_config_info *config, struct usb_cdc_acm_link *out);

#endif
