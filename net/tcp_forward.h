/*
 * TCP from the device to in-process stream servers (the cloud), carried by libslirp.
 *
 * libslirp 4.7's guest forward (slirp_add_guestfwd) gives a TCP stack for free, but
 *   - the forward address must lie inside slirp's virtual network (check_guestfwd),
 *   - its write callback has one opaque per forward, not per connection, and
 *     slirp_socket_recv() picks "the first socket to addr:port",
 *   - it reports no open or close, and has no call to close a connection: slirp never sends
 *     its FIN on a guest forward (sofcantsendmore() shuts down fd -1 and nothing else).
 * So this module:
 *   - registers a small pool of forward addresses ("aliases") in a block slirp owns next to
 *     the LAN, and NATs each connection to its own alias: the device talks to the public
 *     address (52.0.0.10:5683), slirp to alias:INTERNAL_PORT, one connection per alias, so
 *     bytes are never attributed to the wrong connection;
 *   - tracks both directions' sequence numbers from the frames it rewrites: the device's
 *     handshake ACK makes slirp's socket connected (seen through slirp_socket_can_recv) ->
 *     on_connect; slirp's ACK of the device's FIN -> on_close;
 *   - releases server messages into slirp one at a time, only when everything released
 *     before has been sent and the message fits the device's window and slirp's congestion
 *     window (which restarts at one MSS), so each message leaves as one segment;
 *   - closes from the server side by taking the connection over once all data is
 *     acknowledged: a RST forged from the device's side removes slirp's socket silently,
 *     and this module sends the FIN and answers the rest of the close itself.
 * Everything here runs on the caller's clock; nothing touches a real socket.
 */
#ifndef NETSIM_TCP_FORWARD_H
#define NETSIM_TCP_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netsim.h"
#include "packet.h"
#include "slirp_glue.h"

#define TCP_FORWARD_INTERNAL_PORT 5683 /* the port every alias forward listens on */
#define TCP_FORWARD_MAX_ALIASES 32

typedef struct tcp_forward tcp_forward;

typedef struct tcp_forward_env {
    const netsim_host_ops *host; /* clock, timers (callbacks wrapped by the caller), log */
    slirp_glue *slirp;
    uint32_t alias_base;   /* first alias address, inside slirp's network, off the LAN */
    unsigned alias_count;  /* 1..TCP_FORWARD_MAX_ALIASES */
    uint32_t lan_network;  /* listeners with address 0 serve everything off this LAN */
    uint32_t lan_mask;
    uint32_t gateway_ip;
    uint8_t gateway_mac[ETH_ADDR_LEN];
    size_t mtu;
    uint16_t *ip_id;       /* the network's IP identification counter */
    void *ctx;
    /* a frame this module makes for the device (RSTs, our FIN): through the to-device
     * fault path */
    void (*to_device)(void *ctx, const uint8_t *frame, size_t len);
    /* around public calls that may be made from outside netsim (send, close, abort) */
    void (*enter)(void *ctx);
    void (*leave)(void *ctx);
} tcp_forward_env;

typedef struct tcp_forward_stats {
    uint64_t opened, closed, refused, filtered;
    uint64_t alias_exhausted; /* a SYN found every alias taken (the most silent one was dropped) */
} tcp_forward_stats;

tcp_forward *tcp_forward_new(const tcp_forward_env *env, char *error, size_t error_size);
/* Frees listeners and connections without callbacks. */
void tcp_forward_free(tcp_forward *forward);

netsim_listener *tcp_forward_listen(tcp_forward *forward, uint32_t addr, uint16_t port,
                                    const netsim_stream_ops *ops);

/* A checksum-valid TCP segment from the device, after the to-network faults.  Returns true
 * when this module took it (forwarded, answered or dropped), false when no listener wants it. */
bool tcp_forward_from_device(tcp_forward *forward, const packet_view *segment);
/* A frame slirp sends towards the device, called from slirp's output callback (so this
 * must not call into slirp).  Rewrites alias frames in place.  Returns false when the
 * frame must not reach the device (a stale alias). */
bool tcp_forward_from_slirp(tcp_forward *forward, uint8_t *frame, size_t len);
/* Deliver stream events and release queued messages; outside any slirp call.
 * Returns true if it did anything (the caller loops until it returns false). */
bool tcp_forward_pump(tcp_forward *forward);

bool tcp_forward_is_alias(const tcp_forward *forward, uint32_t addr);
/* A listener exists for exactly this address (a server on the LAN needs ARP answers). */
bool tcp_forward_serves(const tcp_forward *forward, uint32_t addr);
const tcp_forward_stats *tcp_forward_get_stats(const tcp_forward *forward);

#endif
