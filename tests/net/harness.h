/*
 * A virtual clock with timers, a device-side frame queue and a recording stream server:
 * what the QEMU glue provides to the netsim, minus QEMU.
 */
#ifndef TESTS_NET_HARNESS_H
#define TESTS_NET_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frames.h"
#include "netsim.h"

#define MS(x) ((uint64_t)(x) * 1000000ull)

typedef struct rx_frame {
    uint8_t data[TF_MAX];
    size_t len;
    uint64_t time_ns;
} rx_frame;

#define HARNESS_MAX_RX 4096
#define HARNESS_MAX_EVENTS 256

typedef enum server_event_kind { EV_CONNECT, EV_DATA, EV_CLOSE } server_event_kind;

typedef struct server_event {
    server_event_kind kind;
    netsim_conn *conn;
    size_t len;
    netsim_close_reason reason;
} server_event;

typedef struct harness harness;

struct harness {
    uint64_t now;
    struct htimer *timers;
    uint64_t timer_seq;
    size_t live_timers;

    rx_frame *rx; /* frames the netsim sent to the device, oldest first */
    size_t rx_head, rx_count;

    netsim *net;
    netsim_host_ops ops;
    unsigned log_lines;

    /* the recording stream server */
    netsim_listener *listener;
    server_event events[HARNESS_MAX_EVENTS];
    size_t event_count;
    uint8_t received[65536];
    size_t received_len;
    const uint8_t *greeting; /* sent from on_connect when set */
    size_t greeting_len;
    netsim_conn *conn; /* the latest connected */
    bool close_on_data;

    uint32_t device_ip;
    /* called for every frame the netsim delivers, from inside netsim (re-entrancy tests) */
    void (*on_rx)(harness *h, const rx_frame *frame);
};

/* NULL config: netsim_config_default().  Fails the test on error. */
harness *harness_new(const netsim_config *config);
void harness_free(harness *h);

/* Fire due timers in deadline order while moving the clock forward by ns. */
void harness_advance(harness *h, uint64_t ns);
void harness_send(harness *h, const uint8_t *frame, size_t len);
/* The next frame for the device, or NULL. */
rx_frame *harness_rx(harness *h);
size_t harness_rx_pending(const harness *h);
void harness_rx_clear(harness *h);

/* Listen on the cloud address:5683 with the recording server. */
void harness_listen(harness *h);
void harness_listen_at(harness *h, uint32_t addr, uint16_t port);
size_t harness_count_events(const harness *h, server_event_kind kind);

/* Bring the device up the way Device OS does: gratuitous ARP, DISCOVER/OFFER,
 * REQUEST/ACK, ARP for the gateway.  Returns the leased address (fails the test if not). */
uint32_t harness_dhcp(harness *h);

/* A test-side TCP client endpoint. */
typedef struct tcp_client {
    harness *h;
    uint32_t dst_ip;
    uint16_t sport, dport;
    uint32_t snd_next; /* our next sequence number */
    uint32_t rcv_next; /* what we acknowledge */
    uint16_t window;
    uint8_t dst_mac[6]; /* the router's by default */
} tcp_client;

void tcp_client_init(tcp_client *c, harness *h, uint32_t dst_ip, uint16_t dport, uint16_t sport,
                     uint32_t isn);
/* Send a segment with the client's current seq/ack. */
void tcp_client_send(tcp_client *c, uint8_t flags, const uint8_t *data, size_t len, uint16_t mss);
/* SYN, expect SYN-ACK, ACK.  Returns false if no SYN-ACK came. */
bool tcp_client_connect(tcp_client *c, uint16_t mss);
/* Next TCP segment for this client from the rx queue (others are skipped); NULL if none.
 * Advances rcv_next over its data/SYN/FIN. */
bool tcp_client_next(tcp_client *c, tf_parsed *segment, rx_frame **frame);

#endif
