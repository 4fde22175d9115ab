/*
 * An SNTP server (RFC 4330) on the virtual clock.  Device OS's internet test sends one
 * client request to pool.ntp.org:123 and only needs an answer (cloud-protocol.md §4.1:
 * answered = 3 orange blinks, silent = 2); the time it carries is base epoch + virtual time.
 */
#ifndef NETSIM_NTP_RESPONDER_H
#define NETSIM_NTP_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NTP_PORT 123
#define NTP_PACKET_LEN 48
#define NTP_UNIX_EPOCH_OFFSET 2208988800ull /* seconds from 1900-01-01 to 1970-01-01 */

typedef struct ntp_responder_config {
    int64_t epoch_unix_s; /* Unix time at virtual time 0 */
    int64_t offset_s;     /* fault: a server whose clock is this far off */
    bool silent;          /* fault: never answer */
    uint8_t stratum;      /* 0 means 2 */
} ntp_responder_config;

/* The 64-bit NTP timestamp (seconds since 1900 . 2^-32 fractions) for a Unix time given
 * as seconds + nanoseconds. */
uint64_t ntp_timestamp(int64_t unix_seconds, uint32_t nanoseconds);

/* Answer one request payload.  Returns the reply length (NTP_PACKET_LEN), or 0 when the
 * server stays silent (fault, or not a client request). */
size_t ntp_respond(const ntp_responder_config *config, uint64_t now_ns, const uint8_t *request,
                   size_t len, uint8_t *reply, size_t reply_cap);

#endif
