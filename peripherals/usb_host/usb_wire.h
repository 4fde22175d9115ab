/*
 * The USB cable between photon-sim's host and the device under test, as the
 * host sees it: bus states it drives and the three token types of a
 * full-speed transaction, each answered at once with a handshake. The STM32F2
 * OTG model implements this; so do the Check tests' scripted devices.
 *
 * Plain C, no QEMU headers.
 */
#ifndef USB_WIRE_H
#define USB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the device answered a token (USB 2.0 §8.4.5). NO_RESPONSE is what the
 * host sees when nobody answers: wrong address, no device, endpoint absent. */
typedef enum {
    USB_ACK,
    USB_NAK,
    USB_STALL,
    USB_NO_RESPONSE,
} usb_handshake;

/* What the host drives on D+/D- (USB 2.0 §7.1.7). */
typedef enum {
    USB_BUS_DETACHED,   /* no host: cable out (VBUS off) */
    USB_BUS_RESET,      /* SE0 held by the host: bus reset */
    USB_BUS_ACTIVE,     /* frames running (start-of-frame every 1 ms) */
    USB_BUS_SUSPENDED,  /* host powered, bus idle in J: no frames */
} usb_bus_state;

struct usb_wire_ops {
    /* Whether the device pulls D+ up, i.e. asks to be seen at full speed. */
    bool (*pulled_up)(void *dev);
    void (*bus_state)(void *dev, usb_bus_state state);
    void (*start_of_frame)(void *dev, uint16_t frame_number);
    usb_handshake (*setup)(void *dev, uint8_t address, const uint8_t request[8]);
    usb_handshake (*out)(void *dev, uint8_t address, uint8_t endpoint,
                         const uint8_t *data, size_t length);
    /* On USB_ACK, *length is the packet's size (at most max). */
    usb_handshake (*in)(void *dev, uint8_t address, uint8_t endpoint,
                        uint8_t *data, size_t max, size_t *length);
};

/* Standard requests and descriptor types (USB 2.0 §9.4, Tables 9-4, 9-5). */
enum {
    USB_REQ_GET_STATUS = 0,
    USB_REQ_SET_ADDRESS = 5,
    USB_REQ_GET_DESCRIPTOR = 6,
    USB_REQ_GET_CONFIGURATION = 8,
    USB_REQ_SET_CONFIGURATION = 9,
};
enum {
    USB_DT_DEVICE = 1,
    USB_DT_CONFIGURATION = 2,
    USB_DT_STRING = 3,
    USB_DT_INTERFACE = 4,
    USB_DT_ENDPOINT = 5,
    USB_DT_INTERFACE_ASSOCIATION = 11,
    USB_DT_CS_INTERFACE = 0x24,     /* class-specific (CDC 1.2 Table 12) */
};
/* bmRequestType bits (USB 2.0 Table 9-2). */
enum {
    USB_DIR_IN = 0x80,
    USB_TYPE_CLASS = 0x20,
    USB_TYPE_VENDOR = 0x40,
    USB_RECIP_INTERFACE = 0x01,
};

#endif
