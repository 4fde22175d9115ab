/*
 * The CDC-ACM driver: the class requests a serial driver sends when a
 * terminal opens the port (CDC PSTN 1.2 §6.3.10, §6.3.12), and the bulk
 * pipes bridged to a byte stream. Bulk IN is polled every frame (a host
 * controller keeps an IN pipe busy); the notification endpoint is polled at
 * its bInterval and its messages dropped, as a terminal never sees them.
 */
#include "usb_host_priv.h"

#include <string.h>

enum { CDC_SET_LINE_CODING = 0x20, CDC_SET_CONTROL_LINE_STATE = 0x22 };
enum { CDC_DTR = 0x01, CDC_RTS = 0x02 };
#define CDC_BAUD 115200u

void cdc_acm_line_coding_request(const struct usb_cdc_acm_link *acm, uint8_t setup[8],
                                 uint8_t data[7])
{
    const uint8_t s[8] = { USB_TYPE_CLASS | USB_RECIP_INTERFACE, CDC_SET_LINE_CODING, 0, 0,
                           acm->comm_interface, 0, 7, 0 };
    memcpy(setup, s, 8);
    /* dwDTERate, bCharFormat (1 stop bit), bParityType (none), bDataBits. */
    data[0] = (uint8_t)CDC_BAUD;
    data[1] = (uint8_t)(CDC_BAUD >> 8);
    data[2] = (uint8_t)(CDC_BAUD >> 16);
    data[3] = (uint8_t)(CDC_BAUD >> 24);
    data[4] = 0;
    data[5] = 0;
    data[6] = 8;
}

void cdc_acm_line_state_request(const struct usb_cdc_acm_link *acm, bool dtr, uint8_t setup[8])
{
    const uint8_t s[8] = { USB_TYPE_CLASS | USB_RECIP_INTERFACE, CDC_SET_CONTROL_LINE_STATE,
                           dtr ? CDC_DTR | CDC_RTS : 0, 0, acm->comm_interface, 0, 0, 0 };
    memcpy(setup, s, 8);
}

void cdc_acm_unbind(struct usb_host *host)
{
    host->acm_bound = false;
    host->tx_head = host->tx_length = 0;
}

static void poll_bulk_in(struct usb_host *host)
{
    uint8_t packet[1024];
    uint16_t max = host->acm.bulk_in_max;

    for (int i = 0; i < USB_HOST_PACKETS_PER_FRAME; i++) {
        size_t got = 0;
        if (host->wire->in(host->device, host->address, host->acm.bulk_in & 0x0F, packet, max,
                           &got) != USB_ACK) {
            return;
        }
        if (got && host->cb.serial_out) {
            host->cb.serial_out(host->cb.opaque, packet, got);
        }
        if (got < max) {
            return;     /* short packet: the transfer ended */
        }
    }
}

static void send_bulk_out(struct usb_host *host)
{
    for (int i = 0; i < USB_HOST_PACKETS_PER_FRAME && host->tx_length; i++) {
        uint8_t packet[1024];
        size_t n = host->tx_length < host->acm.bulk_out_max ? host->tx_length
                                                             : host->acm.bulk_out_max;
        for (size_t k = 0; k < n; k++) {
            packet[k] = host->tx_queue[(host->tx_head + k) % USB_HOST_SERIAL_QUEUE];
        }
        if (host->wire->out(host->device, host->address, host->acm.bulk_out, packet, n)
            != USB_ACK) {
            return;     /* NAK: the device's buffer is full; retry next frame */
        }
        host->tx_head = (host->tx_head + n) % USB_HOST_SERIAL_QUEUE;
        host->tx_length -= n;
    }
}

static void poll_notifications(struct usb_host *host)
{
    if (!host->acm.notify_endpoint
        || (int32_t)(host->now_ms - host->next_notify_ms) < 0) {
        return;
    }
    uint8_t message[64];
    size_t got;
    host->wire->in(host->device, host->address, host->acm.notify_endpoint & 0x0F, message,
                   sizeof message, &got);
    uint8_t interval = 0;
    for (int i = 0; i < host->config.interface_count; i++) {
        const struct usb_interface_info *iface = &host->config.interfaces[i];
        for (int e = 0; e < iface->num_endpoints; e++) {
            if (iface->endpoints[e].address == host->acm.notify_endpoint) {
                interval = iface->endpoints[e].interval;
            }
        }
    }
    host->next_notify_ms = host->now_ms + (interval ? interval : 1);
}

void cdc_acm_service(struct usb_host *host)
{
    poll_bulk_in(host);
    send_bulk_out(host);
    poll_notifications(host);
}

size_t usb_host_serial_room(const struct usb_host *host)
{
    return USB_HOST_SERIAL_QUEUE - host->tx_length;
}

size_t usb_host_serial_write(struct usb_host *host, const uint8_t *data, size_t length)
{
    size_t n = usb_host_serial_room(host);
    n = length < n ? length : n;
    for (size_t k = 0; k < n; k++) {
        host->tx_queue[(host->tx_head + host->tx_length + k) % USB_HOST_SERIAL_QUEUE] = data[k];
    }
    host->tx_length += n;
    return n;
}
