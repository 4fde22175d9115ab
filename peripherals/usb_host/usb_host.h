/*
 * photon-sim's USB host: one root port with a cable to the device under test.
 * It does what a PC's USB stack does when a Photon is plugged in: waits for
 * the device's pull-up, resets the port, enumerates (two resets, address,
 * descriptors, strings, configuration), and binds a CDC-ACM driver whose bulk
 * endpoints are bridged to a byte stream, as a terminal program sees them.
 *
 * Time is frames: the caller calls usb_host_frame() once per millisecond of
 * virtual time while usb_host_wants_frames() says so.
 *
 * Plain C, no QEMU headers.
 */
#ifndef USB_HOST_H
#define USB_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "usb_wire.h"

typedef enum {
    USB_HOST_UNPLUGGED,
    USB_HOST_WAITING,       /* cable in, no device pull-up yet */
    USB_HOST_ENUMERATING,   /* debounce, resets and standard requests */
    USB_HOST_CONFIGURED,    /* configuration set, no serial function bound */
    USB_HOST_SERIAL_READY,  /* CDC-ACM bound: line coding set, DTR raised */
    USB_HOST_FAILED,        /* enumeration gave up; waits for the device to reconnect */
} usb_host_state;

struct usb_host_callbacks {
    void *opaque;
    /* One line for the host's log, in the manner of a kernel's USB messages. */
    void (*log)(void *opaque, const char *line);
    /* Bytes the device sent on its CDC-ACM bulk IN endpoint. */
    void (*serial_out)(void *opaque, const uint8_t *data, size_t length);
    void (*state_changed)(void *opaque, usb_host_state state);
};

struct usb_host;

struct usb_host *usb_host_new(const struct usb_wire_ops *wire, void *device,
                              const struct usb_host_callbacks *callbacks);
void usb_host_free(struct usb_host *host);

/* Plug or unplug the cable (VBUS and the data lines together). */
void usb_host_set_cable(struct usb_host *host, bool plugged);
bool usb_host_cable(const struct usb_host *host);
/* Whether the caller should keep calling usb_host_frame() every millisecond. */
bool usb_host_wants_frames(const struct usb_host *host);
void usb_host_frame(struct usb_host *host);

usb_host_state usb_host_get_state(const struct usb_host *host);
const char *usb_host_state_name(usb_host_state state);
/* The bound device's identity, valid from USB_HOST_CONFIGURED on. */
uint16_t usb_host_vendor(const struct usb_host *host);
uint16_t usb_host_product(const struct usb_host *host);
const char *usb_host_serial_number(const struct usb_host *host);

/* Bytes typed into the terminal, sent on the bulk OUT endpoint as the device
 * accepts them. Returns how many were queued (the queue holds 4 KiB). */
size_t usb_host_serial_write(struct usb_host *host, const uint8_t *data, size_t length);
size_t usb_host_serial_room(const struct usb_host *host);

/* Host timing (USB 2.0 §7.1.7.3, §9.2.6): in frames (ms). */
enum {
    USB_HOST_DEBOUNCE_MS = 100,     /* TATTDB */
    USB_HOST_RESET_MS = 50,         /* TDRSTR, root port */
    USB_HOST_RECOVERY_MS = 10,      /* TRSTRCY */
    USB_HOST_SET_ADDRESS_MS = 2,    /* TDSETADDR */
    USB_HOST_REQUEST_TIMEOUT_MS = 5000,
    USB_HOST_ENUMERATION_ATTEMPTS = 3,
};

#endif
