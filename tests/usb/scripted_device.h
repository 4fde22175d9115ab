/*
 * A scripted full-speed device on the USB wire: it answers standard requests
 * from descriptor bytes the test gives it, records every token it sees, and
 * can be told to NAK, stall or stay silent, so host behaviour can be checked
 * against the USB 2.0 and CDC 1.2 specifications byte for byte.
 */
#ifndef SCRIPTED_DEVICE_H
#define SCRIPTED_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "usb_wire.h"

#define SCRIPTED_MAX_SETUPS 64

struct scripted_setup {
    uint8_t address;
    uint8_t bytes[8];
    uint8_t out_data[64];   /* data stage of host-to-device requests */
    size_t out_length;
};

struct scripted_device {
    bool pulled_up;
    usb_bus_state bus;
    int resets;             /* RESET → ACTIVE transitions */
    int frames;
    uint8_t address;
    uint8_t configuration;

    const uint8_t *device_descriptor;
    const uint8_t *config_descriptor;
    size_t config_length;
    const uint8_t *const *strings;  /* [0] = language list */
    int string_count;

    /* Faults */
    int nak_data_frames;    /* NAK this many IN data tokens per request first */
    bool stall_config;      /* STALL GET_DESCRIPTOR(configuration) */
    bool ignore_set_address;

    /* What the host did */
    struct scripted_setup setups[SCRIPTED_MAX_SETUPS];
    int setup_count;
    uint8_t bulk_out[4096];
    size_t bulk_out_length;
    bool bulk_out_busy;     /* NAK bulk OUT */
    uint8_t bulk_in[4096];  /* queued for the host */
    size_t bulk_in_length, bulk_in_sent;

    /* Control transfer in progress */
    uint8_t reply[1024];
    size_t reply_length, reply_sent;
    int naks_left;
    bool stalled;
    bool pending_address;
    uint8_t new_address;
};

extern const struct usb_wire_ops scripted_wire;

void scripted_device_init(struct scripted_device *d);
void scripted_queue_in(struct scripted_device *d, const void *data, size_t length);

/* Descriptors written down from the specifications (see scripted_device.c). */
extern const uint8_t cdc_device_descriptor[18];
extern const uint8_t cdc_config_descriptor[75];
extern const uint8_t *const cdc_strings[4];

#endif
