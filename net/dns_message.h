/*
 * DNS wire format, the little a resolver's router needs: parse a standard query with one
 * question (RFC 1035 §4.1) and build the response to it.  The query comes from the guest,
 * so every length is checked; compression pointers are refused in questions (no stub
 * resolver sends them there).
 */
#ifndef NETSIM_DNS_MESSAGE_H
#define NETSIM_DNS_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_MAX_NAME_TEXT 253 /* longest dotted name without the trailing dot */
#define DNS_MAX_UDP_MESSAGE 512

#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5

typedef enum dns_parse_result {
    DNS_PARSE_OK = 0,
    DNS_PARSE_TOO_SHORT,     /* not even a header: ignore */
    DNS_PARSE_NOT_A_QUERY,   /* QR set (a response): ignore */
    DNS_PARSE_NOT_STANDARD,  /* opcode other than QUERY: answer NOTIMP */
    DNS_PARSE_MALFORMED,     /* header ok, question not: answer FORMERR */
} dns_parse_result;

typedef struct dns_query {
    uint16_t id;
    uint16_t flags;
    char name[DNS_MAX_NAME_TEXT + 1]; /* lower case, no trailing dot; "" for the root */
    uint16_t qtype;
    uint16_t qclass;
    size_t question_end; /* offset just past QTYPE/QCLASS in the query */
} dns_query;

dns_parse_result dns_parse_query(const uint8_t *message, size_t len, dns_query *query);

/* The response to a parsed query: header, the question copied from the query, then one A
 * record per address (name as a pointer to the question).  For FORMERR/NOTIMP built from
 * a query that did not parse, pass question_end = 0 to send the header only.
 * Returns the length, or 0 if it does not fit. */
size_t dns_build_response(const uint8_t *query_message, const dns_query *query, uint8_t rcode,
                          const uint32_t *addresses, size_t address_count, uint32_t ttl,
                          uint8_t *out, size_t cap);

#endif
