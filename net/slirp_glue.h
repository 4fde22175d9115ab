/*
 * One libslirp instance on the host's virtual clock, with no real sockets.
 *
 * libslirp 4.7 drives its TCP timers (200 ms delayed ACK, 500 ms slow timer:
 * retransmission, persist, keepalive) from slirp_pollfds_poll() rather than from timers,
 * and sends queued output from there too.  slirp_glue_service() therefore runs poll + fill
 * and arms one host timer for the timeout slirp asks for; call it after every input.
 * slirp's own timers (SlirpCb.timer_new_opaque: IPv6 router advertisements) go through the
 * same host timer API.  The instance is restricted, so no datagram or connection ever
 * reaches the host's network.
 */
#ifndef NETSIM_SLIRP_GLUE_H
#define NETSIM_SLIRP_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netsim_host.h"

typedef struct slirp_glue slirp_glue;

typedef struct slirp_glue_config {
    uint32_t network; /* slirp's virtual network (host byte order) */
    uint32_t netmask;
    uint32_t host_addr; /* vhost: the router; slirp answers ARP and ping for it */
    uint32_t dhcp_start; /* slirp's DHCP stays off; slirp still wants an address */
    size_t mtu;          /* 0 = 1500 */
} slirp_glue_config;

/* Frames slirp sends towards the device. */
typedef void (*slirp_glue_output)(void *ctx, const uint8_t *frame, size_t len);
/* Bytes the device sent on a guest-forwarded connection (see slirp_glue_add_forward). */
typedef ssize_t (*slirp_glue_forward_write)(const void *data, size_t len, void *opaque);

/* host: the clock and timers (its timer callbacks run outside slirp calls).  NULL on error. */
slirp_glue *slirp_glue_new(const slirp_glue_config *config, const netsim_host_ops *host,
                           slirp_glue_output output, void *output_ctx, char *error,
                           size_t error_size);
void slirp_glue_free(slirp_glue *glue);

void slirp_glue_input(slirp_glue *glue, const uint8_t *frame, size_t len);
/* Run slirp's due TCP timers and queued output, then re-arm the service timer. */
void slirp_glue_service(slirp_glue *glue);
/* True after an input since the last service: the caller should service soon (outside
 * any slirp callback). */
bool slirp_glue_needs_service(const slirp_glue *glue);

/* Guest forward: TCP connections the device opens to addr:port end in write() instead of a
 * host socket.  addr must lie in slirp's network.  -1 on failure. */
int slirp_glue_add_forward(slirp_glue *glue, uint32_t addr, uint16_t port,
                           slirp_glue_forward_write write, void *opaque);
/* Bytes slirp accepts now for the connection on that forward (0: none, or not connected). */
size_t slirp_glue_forward_room(slirp_glue *glue, uint32_t addr, uint16_t port);
/* Hand bytes to slirp for the device; slirp sends them at once if its windows allow. */
void slirp_glue_forward_send(slirp_glue *glue, uint32_t addr, uint16_t port,
                             const uint8_t *data, size_t len);

/* slirp's own diagnostics (socket table); free() the result.  NULL if unavailable. */
char *slirp_glue_connection_info(slirp_glue *glue);

#endif
