#include "dns_message.h"

#include <string.h>

#include "packet.h"

#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_OPCODE(flags) (((flags) >> 11) & 0x0F)
#define DNS_MAX_WIRE_NAME 255

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Decode the question name starting at *pos into text; advances *pos past it. */
static bool read_name(const uint8_t *msg, size_t len, size_t *pos, char *text)
{
    size_t p = *pos, out = 0, wire = 0;

    for (;;) {
        uint8_t label_len;
        size_t i;
        if (p >= len)
            return false;
        label_len = msg[p++];
        wire++;
        if (label_len == 0)
            break;
        if (label_len & 0xC0)
            return false; /* compression pointer or reserved label type */
        if (p + label_len > len)
            return false;
        wire += label_len;
        if (wire > DNS_MAX_WIRE_NAME)
            return false;
        if (out) {
            if (out + 1 > DNS_MAX_NAME_TEXT)
                return false;
            text[out++] = '.';
        }
        if (out + label_len > DNS_MAX_NAME_TEXT)
            return false;
        for (i = 0; i < label_len; i++) {
            char c = (char)msg[p + i];
            /* printable ASCII without the separator: anything else cannot be in our zone
             * and would make the text form ambiguous */
            if (c <= 0x20 || c >= 0x7F || c == '.')
                return false;
            text[out++] = lower(c);
        }
        p += label_len;
    }
    text[out] = '\0';
    *pos = p;
    return true;
}

dns_parse_result dns_parse_query(const uint8_t *msg, size_t len, dns_query *q)
{
    size_t pos = DNS_HEADER_LEN;

    memset(q, 0, sizeof(*q));
    if (!msg || len < DNS_HEADER_LEN)
        return DNS_PARSE_TOO_SHORT;
    q->id = get_be16(msg);
    q->flags = get_be16(msg + 2);
    if (q->flags & DNS_FLAG_QR)
        return DNS_PARSE_NOT_A_QUERY;
    if (DNS_OPCODE(q->flags) != 0)
        return DNS_PARSE_NOT_STANDARD;
    if (get_be16(msg + 4) != 1)
        return DNS_PARSE_MALFORMED; /* QDCOUNT must be 1 */
    if (!read_name(msg, len, &pos, q->name))
        return DNS_PARSE_MALFORMED;
    if (pos + 4 > len)
        return DNS_PARSE_MALFORMED;
    q->qtype = get_be16(msg + pos);
    q->qclass = get_be16(msg + pos + 2);
    q->question_end = pos + 4;
    return DNS_PARSE_OK;
}

size_t dns_build_response(const uint8_t *query_message, const dns_query *q, uint8_t rcode,
                          const uint32_t *addresses, size_t count, uint32_t ttl, uint8_t *out,
                          size_t cap)
{
    size_t question_len = q->question_end > DNS_HEADER_LEN ? q->question_end - DNS_HEADER_LEN : 0;
    size_t len = DNS_HEADER_LEN + question_len + count * 16;
    uint16_t flags;
    size_t i, p;

    if (len > cap || count > 0xFFFF || (count && !question_len))
        return 0;
    /* a resolving router's answer: QR, the query's opcode and RD, recursion available */
    flags = (uint16_t)(DNS_FLAG_QR | (q->flags & (0x7800 | DNS_FLAG_RD)) | DNS_FLAG_RA |
                       (rcode & 0x0F));
    put_be16(out, q->id);
    put_be16(out + 2, flags);
    put_be16(out + 4, question_len ? 1 : 0);
    put_be16(out + 6, (uint16_t)count);
    put_be16(out + 8, 0);
    put_be16(out + 10, 0);
    if (question_len)
        memcpy(out + DNS_HEADER_LEN, query_message + DNS_HEADER_LEN, question_len);
    p = DNS_HEADER_LEN + question_len;
    for (i = 0; i < count; i++) {
        put_be16(out + p, 0xC000 | DNS_HEADER_LEN); /* the question's name */
        put_be16(out + p + 2, DNS_TYPE_A);
        put_be16(out + p + 4, DNS_CLASS_IN);
        put_be32(out + p + 6, ttl);
        put_be16(out + p + 10, 4);
        put_be32(out + p + 12, addresses[i]);
        p += 16;
    }
    return p;
}
