/*
 * One-line descriptions of frames, the text scenario expectations match with regular
 * expressions (`packet: "^tcp .* > [0-9.]+:5683 SYN"`):
 *
 *   tcp 192.168.1.100:49152 > 52.0.0.10:5683 SYN
 *   tcp 52.0.0.10:5683 > 192.168.1.100:49152 SYN ACK
 *   tcp 192.168.1.100:49152 > 52.0.0.10:5683 PSH ACK len 40
 *   udp 0.0.0.0:68 > 255.255.255.255:67 dhcp DISCOVER
 *   udp 192.168.1.100:1024 > 192.168.1.1:53 dns query A device.spark.io
 *   udp 192.168.1.1:53 > 192.168.1.100:1024 dns response A device.spark.io NOERROR
 *   udp 192.168.1.100:2390 > 52.0.0.123:123 ntp len 48
 *   icmp 192.168.1.100 > 8.8.8.8 echo-request
 *   arp who-has 192.168.1.1 tell 192.168.1.100
 *   arp 192.168.1.1 is-at 52:55:0a:00:02:02
 *
 * TCP flags come in the order SYN FIN RST PSH ACK URG; "len N" follows when there is
 * payload.  Anything else is "ethertype 0xNNNN len N" or "ipv4 proto N A > B".
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef NETSIM_PACKET_TEXT_H
#define NETSIM_PACKET_TEXT_H

#include <stddef.h>

#include "packet.h"

/* Writes the description of a parsed frame into out (always NUL-terminated); returns
 * the length it needed, as snprintf does. */
size_t packet_describe(const packet_view *view, char *out, size_t size);

#endif
