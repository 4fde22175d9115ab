#include "ntp_responder.h"

#include <string.h>

#include "packet.h"

#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4

uint64_t ntp_timestamp(int64_t unix_seconds, uint32_t nanoseconds)
{
    uint64_t seconds = (uint64_t)(unix_seconds + (int64_t)NTP_UNIX_EPOCH_OFFSET);
    uint64_t fraction = ((uint64_t)nanoseconds << 32) / 1000000000u;
    return (seconds << 32) | (fraction & 0xFFFFFFFFu);
}

static void put_timestamp(uint8_t *p, uint64_t ts)
{
    put_be32(p, (uint32_t)(ts >> 32));
    put_be32(p + 4, (uint32_t)ts);
}

size_t ntp_respond(const ntp_responder_config *config, uint64_t now_ns, const uint8_t *req,
                   size_t len, uint8_t *reply, size_t cap)
{
    uint8_t version;
    uint64_t now_ts;
    int64_t unix_s;

    if (config->silent || !req || len < NTP_PACKET_LEN || cap < NTP_PACKET_LEN)
        return 0;
    version = (req[0] >> 3) & 7;
    if ((req[0] & 7) != NTP_MODE_CLIENT || version < 1 || version > 4)
        return 0;

    unix_s = config->epoch_unix_s + config->offset_s + (int64_t)(now_ns / 1000000000u);
    now_ts = ntp_timestamp(unix_s, (uint32_t)(now_ns % 1000000000u));

    memset(reply, 0, NTP_PACKET_LEN);
    reply[0] = (uint8_t)((version << 3) | NTP_MODE_SERVER); /* LI 0: no leap warning */
    reply[1] = config->stratum ? config->stratum : 2;
    reply[2] = req[2];              /* poll: echo the client's */
    reply[3] = (uint8_t)(int8_t)-20; /* precision ~1 us */
    put_be32(reply + 4, 0x00000010); /* root delay ~0.25 ms */
    put_be32(reply + 8, 0x00000010); /* root dispersion */
    memcpy(reply + 12, "SIM", 4);     /* reference id */
    put_timestamp(reply + 16, now_ts); /* reference: "synchronised just now" */
    memcpy(reply + 24, req + 40, 8);   /* originate = the client's transmit timestamp */
    put_timestamp(reply + 32, now_ts); /* receive */
    put_timestamp(reply + 40, now_ts); /* transmit: no processing time on a virtual clock */
    return NTP_PACKET_LEN;
}
