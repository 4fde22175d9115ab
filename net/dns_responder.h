/*
 * The router's DNS service: answers A queries from a zone {name -> IPv4} with per-name
 * faults.  Device OS resolves the cloud name (device.spark.io) before every connection
 * attempt and pool.ntp.org for its internet test (cloud-protocol.md §3, §4.1), so these
 * faults decide which orange-blink count the device shows.
 *
 * Names are case-insensitive.  "*.example.com" matches any name that ends in
 * ".example.com" (not example.com itself).  An exact entry beats a wildcard; a longer
 * wildcard beats a shorter one.
 */
#ifndef NETSIM_DNS_RESPONDER_H
#define NETSIM_DNS_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_message.h"

typedef enum dns_fault {
    DNS_FAULT_NONE = 0,
    DNS_FAULT_NXDOMAIN, /* "no such name" */
    DNS_FAULT_SERVFAIL, /* the resolver failed */
    DNS_FAULT_REFUSED,
    DNS_FAULT_TIMEOUT,  /* no answer at all: the device retries, then gives up */
    DNS_FAULT_REDIRECT, /* answer with another address */
} dns_fault;

typedef struct dns_responder dns_responder;

typedef struct dns_responder_stats {
    uint64_t queries;     /* well-formed queries */
    uint64_t answered;    /* NOERROR with at least one address */
    uint64_t no_data;     /* NOERROR without addresses (e.g. AAAA for a known name) */
    uint64_t nxdomain;
    uint64_t servfail;
    uint64_t refused;
    uint64_t unanswered;  /* timeout fault */
    uint64_t malformed;   /* FORMERR / NOTIMP answers and ignored garbage */
} dns_responder_stats;

typedef enum dns_outcome {
    DNS_OUTCOME_REPLY,  /* *reply_len bytes to send back */
    DNS_OUTCOME_SILENT, /* send nothing */
} dns_outcome;

dns_responder *dns_responder_new(void);
void dns_responder_free(dns_responder *dns);

/* Add or replace a name's address (clears nothing else about it).  -1 on a bad name. */
int dns_zone_set(dns_responder *dns, const char *name, uint32_t address);
/* Forget a name (its address and its fault). */
bool dns_zone_remove(dns_responder *dns, const char *name);
/* Names not in the zone: NXDOMAIN (enabled false), or this address. */
void dns_zone_set_catch_all(dns_responder *dns, bool enabled, uint32_t address);
void dns_set_ttl(dns_responder *dns, uint32_t ttl_seconds);

/* A fault for one name (or pattern); name NULL or "" sets the fault for every query and
 * overrides per-name faults.  redirect_address is used by DNS_FAULT_REDIRECT. */
int dns_fault_set(dns_responder *dns, const char *name, dns_fault fault, uint32_t redirect_address);
void dns_faults_clear(dns_responder *dns);

/* Resolve like a query would (ignoring faults).  False for an unknown name. */
bool dns_lookup(const dns_responder *dns, const char *name, uint32_t *address);

/* Handle one query payload (the UDP data).  On DNS_OUTCOME_REPLY the response is in
 * reply[0..*reply_len). */
dns_outcome dns_responder_handle(dns_responder *dns, const uint8_t *query, size_t len,
                                 uint8_t *reply, size_t reply_cap, size_t *reply_len);

const dns_responder_stats *dns_responder_get_stats(const dns_responder *dns);
const char *dns_fault_name(dns_fault fault);

#endif
