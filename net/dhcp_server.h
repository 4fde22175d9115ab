/*
 * The home router's DHCP server (RFC 2131/2132).  libslirp has its own, but in restricted
 * mode it leaves out the router and DNS options and its lease time is fixed at build time,
 * so the simulated network answers DHCP itself (slirp's is switched off).
 *
 * Leases are handed out from a pool in address order, so the same device gets the same
 * address on every run; a device that asks again (same MAC) gets its lease back.
 */
#ifndef NETSIM_DHCP_SERVER_H
#define NETSIM_DHCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define DHCP_MAX_MESSAGE 576 /* the size every client must accept (RFC 2131 §2) */
#define DHCP_MIN_MESSAGE 300 /* BOOTP minimum: replies are padded to it */

#define DHCP_DISCOVER 1
#define DHCP_OFFER 2
#define DHCP_REQUEST 3
#define DHCP_DECLINE 4
#define DHCP_ACK 5
#define DHCP_NAK 6
#define DHCP_RELEASE 7
#define DHCP_INFORM 8

typedef struct dhcp_server_config {
    uint32_t server_ip; /* the router: server identifier, and the address replies come from */
    uint32_t netmask;
    uint32_t router;    /* option 3; 0 leaves it out */
    uint32_t dns;       /* option 6; 0 leaves it out */
    uint32_t pool_start;
    uint32_t pool_size;
    uint32_t lease_seconds;
    const char *domain_name; /* option 15; NULL leaves it out */
    /* Broadcast OFFER/ACK to a client without an address even when its broadcast flag is
     * clear, as libslirp does (the real firmware was seen to take those); false follows
     * RFC 2131 §4.1 and unicasts to yiaddr. */
    bool broadcast_replies;
    /* Fault: refuse every REQUEST addressed to us with a NAK (a router whose pool or
     * configuration is broken); DISCOVERs are still offered an address. */
    bool nak_requests;
} dhcp_server_config;

typedef struct dhcp_reply {
    uint8_t message[DHCP_MAX_MESSAGE]; /* the BOOTP payload */
    size_t len;
    uint8_t type;           /* DHCP_OFFER, DHCP_ACK or DHCP_NAK */
    uint32_t your_ip;       /* yiaddr */
    bool broadcast;         /* send to 255.255.255.255 / ff:ff:ff:ff:ff:ff */
    uint32_t dst_ip;        /* else unicast to this address ... */
    uint8_t dst_mac[6];     /* ... at this MAC (the client's hardware address) */
} dhcp_reply;

typedef struct dhcp_lease {
    uint8_t mac[6];
    uint32_t ip;
    uint64_t expires_ns; /* on the virtual clock */
    bool bound;          /* ACKed (false: only offered) */
} dhcp_lease;

typedef struct dhcp_server_stats {
    uint64_t discovers, offers, requests, acks, naks, releases, declines, informs, ignored;
} dhcp_server_stats;

typedef struct dhcp_server dhcp_server;

/* NULL if the pool does not fit in the subnet or does not hold the server. */
dhcp_server *dhcp_server_new(const dhcp_server_config *config);
void dhcp_server_free(dhcp_server *server);

/* Handle a client message (UDP payload to port 67).  Returns true with *reply filled when
 * the server answers. */
bool dhcp_server_handle(dhcp_server *server, uint64_t now_ns, const uint8_t *message,
                        size_t len, dhcp_reply *reply);

/* Bound leases (expired ones excluded), in pool order. */
size_t dhcp_server_lease_count(const dhcp_server *server, uint64_t now_ns);
bool dhcp_server_lease_at(const dhcp_server *server, uint64_t now_ns, size_t index,
                          dhcp_lease *lease);
const dhcp_server_stats *dhcp_server_get_stats(const dhcp_server *server);

#endif
