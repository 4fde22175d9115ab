/*
 * netsim: the simulated network behind the Photon's Wi-Fi chip.  Plain C, no QEMU headers,
 * everything on the host's virtual clock (DESIGN.md principles 3 and 4).
 *
 * What the device sees is a home LAN: a router at 192.168.1.1 (libslirp's virtual host,
 * restricted so nothing reaches the real network) with DHCP from .100 and a DNS service,
 * and beyond it an "internet": every address answers ping, pool.ntp.org answers SNTP, and
 * device.spark.io resolves to the simulated cloud, whose TCP port (5683) ends in an
 * in-process stream server (netsim_listen).  Every frame crosses the fault engine
 * (fault_rules.h) in both directions and can be captured to a pcap file.
 *
 *   frame_from_device --> [pcap] --> rules(out) --> LAN: ARP filter, DHCP, DNS, NTP, ICMP
 *                                                        TCP to a listener  --> slirp (guest forward)
 *                                                        other TCP          --> slirp (refused)
 *   host.frame_to_device <-- [pcap] <-- rules(in) <-- replies, slirp output
 *
 * A LAN is only what it is: a device with a static IP outside the subnet, or a gateway
 * that does not exist, gets no ARP reply and no traffic through (netsim_stats.no_route).
 * Beyond the router, UDP to a port nobody serves vanishes and TCP to one is refused (RST).
 * The router keeps the top 32 addresses of the block next to the LAN (192.168.0.223-254 by
 * default) for its internal forwarding (tcp_forward.h); they are not reachable.
 *
 * Threading: one thread.  Callbacks (host ops, stream ops) may call back into netsim;
 * work they cause is queued and done before the outermost netsim call returns.
 */
#ifndef NETSIM_H
#define NETSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp_server.h"
#include "dns_responder.h"
#include "fault_rules.h"
#include "netsim_host.h"
#include "ntp_responder.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct netsim netsim;
typedef struct netsim_listener netsim_listener;
typedef struct netsim_conn netsim_conn;

#define NETSIM_CLOUD_PORT 5683
#define NETSIM_EPOCH_2026 1767225600 /* 2026-01-01T00:00:00Z */

typedef struct netsim_config {
    /* the LAN (addresses in host byte order) */
    uint32_t lan_network;  /* 192.168.1.0 */
    uint8_t lan_prefix;    /* 24; 8..27 (the router keeps a block next to the LAN) */
    uint32_t gateway;      /* 192.168.1.1: the router, slirp's virtual host */
    uint32_t dns_server;   /* 192.168.1.1: the router; may be any address */

    bool dhcp_enabled;          /* true */
    uint32_t dhcp_pool_start;   /* 192.168.1.100 */
    uint32_t dhcp_pool_size;    /* 100 */
    uint32_t dhcp_lease_seconds; /* 86400 */
    bool dhcp_nak_requests;      /* fault: every REQUEST is refused (false) */

    /* the internet */
    uint32_t cloud_address;  /* 52.0.0.10: what device.spark.io resolves to */
    uint32_t ntp_address;    /* 52.0.0.123: what pool.ntp.org resolves to */
    bool answer_ping;        /* echo replies from every address beyond the router: true */
    bool answer_any_dns;     /* UDP 53 to any address beyond the router is answered too
                                (a device with a static DNS such as 8.8.8.8): true */
    bool answer_any_ntp;     /* UDP 123 to any address beyond the router: false */
    int64_t epoch_unix_s;    /* Unix time at virtual time 0 (NTP answers, pcap stamps) */

    uint64_t seed;           /* fault-engine randomness */
    size_t mtu;              /* 1500 */
    size_t max_delayed_frames; /* 4096: frames held by delay/rate rules at once */

    /* Lift libslirp's restriction so the device can reach the host's real network.
     * Not implemented yet: netsim_new fails if set. */
    bool allow_host_network;
} netsim_config;

/* The defaults above. */
void netsim_config_default(netsim_config *config);

/* Create the network.  NULL on error, with the reason in error. */
netsim *netsim_new(const netsim_config *config, const netsim_host_ops *host, char *error,
                   size_t error_size);
/* Tear down (listeners and connections go without callbacks). */
void netsim_free(netsim *net);

/* An Ethernet II frame (no FCS) the device transmits. */
void netsim_frame_from_device(netsim *net, const uint8_t *frame, size_t len);

/* --- services and faults (owned by the netsim; change them at any time) --- */
fault_rules *netsim_rules(netsim *net);
dns_responder *netsim_dns(netsim *net); /* preloaded: device.spark.io, pool.ntp.org, *.pool.ntp.org */
ntp_responder_config *netsim_ntp(netsim *net);
/* Switch the DHCP server on or off at run time (existing leases are kept). */
void netsim_set_dhcp_enabled(netsim *net, bool enabled);
const dhcp_server *netsim_dhcp(const netsim *net);

/* --- capture --- */
/* Start writing every frame the device sends and receives to a pcap file (stamped
 * epoch_unix_s + virtual time): the device's view, so frames it sends are captured before
 * the to-network rules and frames it receives after the to-device rules.  Replaces an
 * earlier capture.  -1 on error. */
int netsim_pcap_start(netsim *net, const char *path, char *error, size_t error_size);
int netsim_pcap_stop(netsim *net); /* -1 if a write failed */

/* --- stream servers: TCP from the device, delivered as a byte stream --- */

typedef enum netsim_port_state {
    NETSIM_PORT_OPEN = 0, /* connections reach the listener */
    NETSIM_PORT_CLOSED,   /* SYN answered with RST: "connection refused" */
    NETSIM_PORT_FILTERED, /* SYN dropped: the device's connect times out */
} netsim_port_state;

typedef enum netsim_close_reason {
    NETSIM_CLOSE_PEER_FIN = 1, /* the device closed (FIN); the netsim finishes the close */
    NETSIM_CLOSE_PEER_RESET,   /* the device sent RST */
    NETSIM_CLOSE_LOCAL,        /* after netsim_conn_close */
    NETSIM_CLOSE_ABORTED,      /* after netsim_conn_abort */
    NETSIM_CLOSE_TIMEOUT,      /* the device stopped acknowledging; slirp gave up */
    NETSIM_CLOSE_REPLACED,     /* the device opened a new connection on the same ports */
    NETSIM_CLOSE_SHUTDOWN,     /* the listener was removed */
} netsim_close_reason;

typedef struct netsim_stream_ops {
    void *ctx;
    /* Connection established (the device's ACK of our SYN-ACK arrived).  Send at once
     * if the protocol has the server speak first (the cloud's 40-byte nonce). */
    void (*on_connect)(void *ctx, netsim_conn *conn);
    /* Bytes from the device, in order, in the chunks TCP delivered them. */
    void (*on_data)(void *ctx, netsim_conn *conn, const uint8_t *data, size_t len);
    /* Exactly once per connection that had on_connect; conn is invalid afterwards. */
    void (*on_close)(void *ctx, netsim_conn *conn, netsim_close_reason reason);
} netsim_stream_ops;

/* Serve TCP addr:port (addr 0: any address beyond the router).  The ops are copied. */
netsim_listener *netsim_listen(netsim *net, uint32_t addr, uint16_t port,
                               const netsim_stream_ops *ops);
/* Abort its connections (on_close NETSIM_CLOSE_SHUTDOWN) and stop listening. */
void netsim_unlisten(netsim_listener *listener);
void netsim_listener_set_state(netsim_listener *listener, netsim_port_state state);
netsim_port_state netsim_listener_state(const netsim_listener *listener);

/* Queue one message for the device.  Each message goes out as ONE TCP segment when it fits
 * the device's MSS (the Photon's parser fails when a frame's length is split across
 * segments); messages are never merged with later ones.  The data is copied.
 * Returns 0, or -1 if the connection is closing. */
int netsim_conn_send(netsim_conn *conn, const uint8_t *data, size_t len);
/* Graceful close: queued messages are delivered first, then FIN.  on_close follows
 * (NETSIM_CLOSE_LOCAL), before this returns unless called from inside a netsim callback. */
void netsim_conn_close(netsim_conn *conn);
/* Reset the connection now (RST to the device). */
void netsim_conn_abort(netsim_conn *conn);
void netsim_conn_set_user(netsim_conn *conn, void *user);
void *netsim_conn_user(const netsim_conn *conn);
/* "192.168.1.100:49152" */
const char *netsim_conn_peer(const netsim_conn *conn);
uint64_t netsim_conn_id(const netsim_conn *conn); /* 1, 2, ... in order of SYN */
/* Bytes queued but not yet handed to TCP. */
size_t netsim_conn_pending(const netsim_conn *conn);

/* --- counters --- */
typedef struct netsim_stats {
    uint64_t frames_from_device, bytes_from_device;
    uint64_t frames_to_device, bytes_to_device;
    uint64_t dropped_by_rules_out, dropped_by_rules_in; /* per rule: fault_rules_stats */
    uint64_t rejected_by_rules;
    uint64_t delayed_frames, corrupted_frames;
    uint64_t queue_overflow; /* frames lost to a full delay line or re-entrancy queue */
    uint64_t malformed;     /* not Ethernet/ARP/IPv4 we can parse, bad checksums */
    uint64_t no_route;      /* ARP or IP the LAN cannot deliver (static IP/gateway mistakes) */
    uint64_t not_for_router; /* unicast to a MAC nobody on the LAN has */
    uint64_t ignored;       /* IPv6, IGMP, multicast, UDP nobody serves */
    uint64_t arp_replies;
    uint64_t dhcp_offers, dhcp_acks, dhcp_naks;
    uint64_t dns_queries, dns_answered, dns_failed, dns_unanswered;
    uint64_t ntp_answered, ntp_unanswered;
    uint64_t icmp_echo_replies;
    uint64_t tcp_refused;   /* RST for closed ports (listener closed, or slirp's refusal) */
    uint64_t tcp_filtered;  /* SYNs dropped by a filtered listener */
    uint64_t conns_opened, conns_closed;
} netsim_stats;

const netsim_stats *netsim_get_stats(const netsim *net);
/* DHCP leases currently bound. */
size_t netsim_dhcp_lease_count(const netsim *net);

/* The device's MAC (from its first frame) and IPv4 address (from its DHCP lease or the
 * source address it uses).  False until known. */
bool netsim_device_address(const netsim *net, uint8_t mac[6], uint32_t *ip);
/* The router's MAC address (52:55 followed by its IPv4 address, as libslirp makes it). */
void netsim_gateway_mac(const netsim *net, uint8_t mac[6]);

#ifdef __cplusplus
}
#endif

#endif
