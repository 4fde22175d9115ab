/* The USB host's state, shared by its port/enumeration and CDC-ACM halves. */
#ifndef USB_HOST_PRIV_H
#define USB_HOST_PRIV_H

#include "usb_descriptors.h"
#include "usb_host.h"

#define USB_HOST_CONTROL_MAX 1024       /* longest descriptor read */
#define USB_HOST_SERIAL_QUEUE 4096
#define USB_HOST_PACKETS_PER_FRAME 16   /* transactions one pipe may do in a frame */

/* Linux error numbers, as its USB core prints them. */
enum { USB_ERR_STALL = -32, USB_ERR_PROTOCOL = -71, USB_ERR_TIMEOUT = -110 };

typedef enum {
    PORT_UNPLUGGED,
    PORT_WAITING,       /* VBUS on, no pull-up */
    PORT_DEBOUNCE,
    PORT_RESET,
    PORT_RECOVERY,
    PORT_SET_ADDRESS_RECOVERY,
    PORT_REQUESTS,      /* control transfers in flight or done */
    PORT_DISABLED,      /* enumeration failed */
} port_phase;

typedef enum { CTL_SETUP, CTL_DATA, CTL_STATUS } control_stage;

struct control_transfer {
    bool active;
    uint8_t setup[8];
    uint8_t data[USB_HOST_CONTROL_MAX];
    uint16_t length;        /* wLength */
    uint16_t done;          /* bytes moved in the data stage */
    control_stage stage;
    uint32_t started_ms;
    int no_response;        /* consecutive unanswered tokens (USB gives up at 3) */
};

struct usb_host {
    const struct usb_wire_ops *wire;
    void *device;
    struct usb_host_callbacks cb;

    bool cable;
    usb_host_state state;
    uint32_t now_ms;
    uint16_t frame_number;

    port_phase phase;
    uint32_t phase_until;
    int attempt;            /* enumeration attempts since the device appeared */
    int device_number;      /* as the kernel numbers devices; the root hub is 1 */
    int step;               /* position in the enumeration script */
    uint8_t address;        /* the address tokens go to */
    uint8_t max_packet0;
    struct control_transfer ctl;

    struct usb_device_info info;
    struct usb_config_info config;
    uint16_t language;
    char product[128], manufacturer[128], serial_number[128];

    bool acm_bound;
    struct usb_cdc_acm_link acm;
    uint8_t tx_queue[USB_HOST_SERIAL_QUEUE];
    size_t tx_head, tx_length;
    uint32_t next_notify_ms;
};

void usb_host_logf(struct usb_host *host, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* CDC-ACM (usb_cdc_acm.c). */
void cdc_acm_line_coding_request(const struct usb_cdc_acm_link *acm, uint8_t setup[8],
                                 uint8_t data[7]);
void cdc_acm_line_state_request(const struct usb_cdc_acm_link *acm, bool dtr, uint8_t setup[8]);
void cdc_acm_service(struct usb_host *host);
void cdc_acm_unbind(struct usb_host *host);

#endif
