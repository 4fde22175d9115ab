/*
 * The ICMP the simulated internet sends: echo replies (so `ping 8.8.8.8` works without a
 * real socket: libslirp in restricted mode drops echo requests for anything but its own
 * addresses) and destination-unreachable errors for rejected datagrams.
 */
#ifndef NETSIM_ICMP_MESSAGES_H
#define NETSIM_ICMP_MESSAGES_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* The echo reply to a parsed, checksum-valid echo request: from its destination back to its
 * source, same identifier, sequence and data.  0 if request is not an echo request. */
size_t icmp_build_echo_reply(uint8_t *out, size_t cap, const packet_view *request,
                             const uint8_t src_mac[ETH_ADDR_LEN], uint16_t ip_id, uint8_t ttl);

/* Destination unreachable (type 3, code) about an IPv4 datagram, reported by reporter_ip,
 * quoting its IP header and first 8 payload bytes (RFC 792).  0 if not IPv4, or if the
 * datagram is itself an ICMP error (never answered, RFC 1122 §3.2.2). */
size_t icmp_build_unreachable(uint8_t *out, size_t cap, const packet_view *datagram,
                              const uint8_t src_mac[ETH_ADDR_LEN], uint32_t reporter_ip,
                              uint8_t code, uint16_t ip_id);

#endif
