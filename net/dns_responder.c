#include "dns_responder.h"

#include <stdlib.h>
#include <string.h>

typedef struct dns_entry {
    char *pattern; /* lower case; "*.suffix" for wildcards */
    bool has_address;
    uint32_t address;
    dns_fault fault;
    uint32_t redirect;
} dns_entry;

struct dns_responder {
    dns_entry *entries;
    size_t count, capacity;
    bool catch_all;
    uint32_t catch_all_address;
    uint32_t ttl;
    dns_fault global_fault;
    uint32_t global_redirect;
    dns_responder_stats stats;
};

const char *dns_fault_name(dns_fault fault)
{
    switch (fault) {
    case DNS_FAULT_NONE: return "none";
    case DNS_FAULT_NXDOMAIN: return "nxdomain";
    case DNS_FAULT_SERVFAIL: return "servfail";
    case DNS_FAULT_REFUSED: return "refused";
    case DNS_FAULT_TIMEOUT: return "timeout";
    case DNS_FAULT_REDIRECT: return "redirect";
    }
    return "?";
}

dns_responder *dns_responder_new(void)
{
    dns_responder *dns = calloc(1, sizeof(*dns));
    if (dns)
        dns->ttl = 60;
    return dns;
}

void dns_responder_free(dns_responder *dns)
{
    size_t i;
    if (!dns)
        return;
    for (i = 0; i < dns->count; i++)
        free(dns->entries[i].pattern);
    free(dns->entries);
    free(dns);
}

/* Normalise a user-supplied name: lower case, no trailing dot, sane characters. */
static bool normalise(const char *name, char out[DNS_MAX_NAME_TEXT + 1])
{
    size_t len, i;
    if (!name)
        return false;
    len = strlen(name);
    if (len && name[len - 1] == '.')
        len--;
    if (len == 0 || len > DNS_MAX_NAME_TEXT)
        return false;
    for (i = 0; i < len; i++) {
        char c = name[i];
        if (c <= 0x20 || c >= 0x7F)
            return false;
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    out[len] = '\0';
    if (strchr(out + 1, '*') || (out[0] == '*' && out[1] != '.') || strstr(out, ".."))
        return false;
    return true;
}

static dns_entry *find_exact(const dns_responder *dns, const char *pattern)
{
    size_t i;
    for (i = 0; i < dns->count; i++) {
        if (strcmp(dns->entries[i].pattern, pattern) == 0)
            return &dns->entries[i];
    }
    return NULL;
}

static dns_entry *get_or_add(dns_responder *dns, const char *pattern)
{
    dns_entry *e = find_exact(dns, pattern);
    if (e)
        return e;
    if (dns->count == dns->capacity) {
        size_t cap = dns->capacity ? dns->capacity * 2 : 8;
        dns_entry *grown = realloc(dns->entries, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        dns->entries = grown;
        dns->capacity = cap;
    }
    e = &dns->entries[dns->count];
    memset(e, 0, sizeof(*e));
    e->pattern = strdup(pattern);
    if (!e->pattern)
        return NULL;
    dns->count++;
    return e;
}

int dns_zone_set(dns_responder *dns, const char *name, uint32_t address)
{
    char pattern[DNS_MAX_NAME_TEXT + 1];
    dns_entry *e;
    if (!dns || !normalise(name, pattern))
        return -1;
    e = get_or_add(dns, pattern);
    if (!e)
        return -1;
    e->has_address = true;
    e->address = address;
    return 0;
}

bool dns_zone_remove(dns_responder *dns, const char *name)
{
    char pattern[DNS_MAX_NAME_TEXT + 1];
    dns_entry *e;
    if (!dns || !normalise(name, pattern))
        return false;
    e = find_exact(dns, pattern);
    if (!e)
        return false;
    free(e->pattern);
    memmove(e, e + 1, (size_t)(dns->entries + dns->count - (e + 1)) * sizeof(*e));
    dns->count--;
    return true;
}

void dns_zone_set_catch_all(dns_responder *dns, bool enabled, uint32_t address)
{
    dns->catch_all = enabled;
    dns->catch_all_address = address;
}

void dns_set_ttl(dns_responder *dns, uint32_t ttl)
{
    dns->ttl = ttl;
}

int dns_fault_set(dns_responder *dns, const char *name, dns_fault fault, uint32_t redirect)
{
    char pattern[DNS_MAX_NAME_TEXT + 1];
    dns_entry *e;
    if (!dns || (unsigned)fault > DNS_FAULT_REDIRECT)
        return -1;
    if (!name || !*name) {
        dns->global_fault = fault;
        dns->global_redirect = redirect;
        return 0;
    }
    if (!normalise(name, pattern))
        return -1;
    e = get_or_add(dns, pattern);
    if (!e)
        return -1;
    e->fault = fault;
    e->redirect = redirect;
    return 0;
}

void dns_faults_clear(dns_responder *dns)
{
    size_t i;
    dns->global_fault = DNS_FAULT_NONE;
    for (i = 0; i < dns->count; i++)
        dns->entries[i].fault = DNS_FAULT_NONE;
}

/* The entry that governs name: exact first, else the longest matching wildcard. */
static const dns_entry *match(const dns_responder *dns, const char *name)
{
    const dns_entry *best = NULL;
    size_t best_len = 0, name_len = strlen(name), i;
    for (i = 0; i < dns->count; i++) {
        const dns_entry *e = &dns->entries[i];
        if (strcmp(e->pattern, name) == 0)
            return e;
        if (e->pattern[0] == '*') {
            const char *suffix = e->pattern + 1; /* ".example.com" */
            size_t suffix_len = strlen(suffix);
            if (name_len > suffix_len && strcmp(name + name_len - suffix_len, suffix) == 0 &&
                suffix_len > best_len) {
                best = e;
                best_len = suffix_len;
            }
        }
    }
    return best;
}

bool dns_lookup(const dns_responder *dns, const char *name, uint32_t *address)
{
    char text[DNS_MAX_NAME_TEXT + 1];
    const dns_entry *e;
    if (!dns || !normalise(name, text))
        return false;
    e = match(dns, text);
    if (e && e->has_address) {
        *address = e->address;
        return true;
    }
    if (dns->catch_all) {
        *address = dns->catch_all_address;
        return true;
    }
    return false;
}

static dns_outcome reply(dns_responder *dns, const uint8_t *query, const dns_query *q,
                         uint8_t rcode, const uint32_t *address, uint8_t *out, size_t cap,
                         size_t *out_len)
{
    *out_len = dns_build_response(query, q, rcode, address, address ? 1 : 0, dns->ttl, out, cap);
    return *out_len ? DNS_OUTCOME_REPLY : DNS_OUTCOME_SILENT;
}

dns_outcome dns_responder_handle(dns_responder *dns, const uint8_t *query, size_t len,
                                 uint8_t *out, size_t cap, size_t *out_len)
{
    dns_query q;
    dns_parse_result parsed = dns_parse_query(query, len, &q);
    const dns_entry *e;
    dns_fault fault;
    uint32_t redirect, address;
    bool known;

    *out_len = 0;
    switch (parsed) {
    case DNS_PARSE_OK:
        break;
    case DNS_PARSE_NOT_STANDARD:
    case DNS_PARSE_MALFORMED:
        dns->stats.malformed++;
        q.question_end = 0; /* header-only answer */
        return reply(dns, query, &q,
                     parsed == DNS_PARSE_NOT_STANDARD ? DNS_RCODE_NOTIMP : DNS_RCODE_FORMERR,
                     NULL, out, cap, out_len);
    default:
        dns->stats.malformed++;
        return DNS_OUTCOME_SILENT;
    }
    dns->stats.queries++;

    e = match(dns, q.name);
    fault = dns->global_fault != DNS_FAULT_NONE ? dns->global_fault
                                                : (e ? e->fault : DNS_FAULT_NONE);
    redirect = dns->global_fault != DNS_FAULT_NONE ? dns->global_redirect : (e ? e->redirect : 0);
    known = (e && e->has_address) || dns->catch_all;
    address = (e && e->has_address) ? e->address : dns->catch_all_address;

    switch (fault) {
    case DNS_FAULT_TIMEOUT:
        dns->stats.unanswered++;
        return DNS_OUTCOME_SILENT;
    case DNS_FAULT_NXDOMAIN:
        dns->stats.nxdomain++;
        return reply(dns, query, &q, DNS_RCODE_NXDOMAIN, NULL, out, cap, out_len);
    case DNS_FAULT_SERVFAIL:
        dns->stats.servfail++;
        return reply(dns, query, &q, DNS_RCODE_SERVFAIL, NULL, out, cap, out_len);
    case DNS_FAULT_REFUSED:
        dns->stats.refused++;
        return reply(dns, query, &q, DNS_RCODE_REFUSED, NULL, out, cap, out_len);
    case DNS_FAULT_REDIRECT:
        known = true;
        address = redirect;
        break;
    case DNS_FAULT_NONE:
        break;
    }
    if (!known) {
        dns->stats.nxdomain++;
        return reply(dns, query, &q, DNS_RCODE_NXDOMAIN, NULL, out, cap, out_len);
    }
    if (q.qclass != DNS_CLASS_IN || q.qtype != DNS_TYPE_A) {
        /* the name exists but has no record of that type (e.g. AAAA): NOERROR, no data */
        dns->stats.no_data++;
        return reply(dns, query, &q, DNS_RCODE_NOERROR, NULL, out, cap, out_len);
    }
    dns->stats.answered++;
    return reply(dns, query, &q, DNS_RCODE_NOERROR, &address, out, cap, out_len);
}

const dns_responder_stats *dns_responder_get_stats(const dns_responder *dns)
{
    return &dns->stats;
}
