#include "dhcp_server.h"

#include <stdlib.h>
#include <string.h>

#include "packet.h"

#define BOOTP_FIXED_LEN 236
#define DHCP_OPTIONS_OFFSET 240
#define DHCP_MAGIC 0x63825363u
#define BOOTREQUEST 1
#define BOOTREPLY 2
#define MAX_POOL 4096
#define OFFER_HOLD_NS (60ull * 1000000000ull) /* an unanswered offer keeps its address a minute */

#define OPT_PAD 0
#define OPT_NETMASK 1
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_DOMAIN 15
#define OPT_BROADCAST 28
#define OPT_REQUESTED_IP 50
#define OPT_LEASE_TIME 51
#define OPT_MESSAGE_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_RENEWAL_T1 58
#define OPT_REBINDING_T2 59
#define OPT_END 255

typedef enum slot_state { SLOT_FREE = 0, SLOT_OFFERED, SLOT_BOUND, SLOT_DECLINED } slot_state;

typedef struct pool_slot {
    slot_state state;
    uint8_t mac[6];
    uint64_t expires_ns;
} pool_slot;

struct dhcp_server {
    dhcp_server_config config;
    char *domain_name;
    pool_slot *slots;
    dhcp_server_stats stats;
};

typedef struct client_message {
    uint8_t type;
    uint32_t xid;
    uint16_t flags;
    uint32_t ciaddr;
    uint32_t giaddr;
    uint8_t chaddr[6];
    bool has_requested_ip;
    uint32_t requested_ip;
    bool has_server_id;
    uint32_t server_id;
} client_message;

dhcp_server *dhcp_server_new(const dhcp_server_config *config)
{
    dhcp_server *s;
    uint32_t mask = config->netmask;

    if (config->pool_size == 0 || config->pool_size > MAX_POOL || config->lease_seconds == 0)
        return NULL;
    if ((config->pool_start & mask) != (config->server_ip & mask) ||
        ((config->pool_start + config->pool_size - 1) & mask) != (config->server_ip & mask) ||
        config->pool_start + config->pool_size - 1 < config->pool_start)
        return NULL;
    if (config->server_ip >= config->pool_start &&
        config->server_ip < config->pool_start + config->pool_size)
        return NULL;
    s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->config = *config;
    s->slots = calloc(config->pool_size, sizeof(*s->slots));
    if (config->domain_name)
        s->domain_name = strdup(config->domain_name);
    if (!s->slots || (config->domain_name && !s->domain_name)) {
        dhcp_server_free(s);
        return NULL;
    }
    s->config.domain_name = s->domain_name;
    return s;
}

void dhcp_server_free(dhcp_server *s)
{
    if (!s)
        return;
    free(s->slots);
    free(s->domain_name);
    free(s);
}

static bool parse_client_message(const uint8_t *m, size_t len, client_message *c)
{
    size_t p = DHCP_OPTIONS_OFFSET;

    memset(c, 0, sizeof(*c));
    if (len < DHCP_OPTIONS_OFFSET || m[0] != BOOTREQUEST || m[1] != 1 || m[2] != 6)
        return false;
    if (get_be32(m + BOOTP_FIXED_LEN) != DHCP_MAGIC)
        return false;
    c->xid = get_be32(m + 4);
    c->flags = get_be16(m + 10);
    c->ciaddr = get_be32(m + 12);
    c->giaddr = get_be32(m + 24);
    memcpy(c->chaddr, m + 28, 6);
    while (p < len) {
        uint8_t code = m[p], olen;
        if (code == OPT_END)
            break;
        if (code == OPT_PAD) {
            p++;
            continue;
        }
        if (p + 1 >= len)
            return false;
        olen = m[p + 1];
        if (p + 2 + olen > len)
            return false;
        switch (code) {
        case OPT_MESSAGE_TYPE:
            if (olen == 1)
                c->type = m[p + 2];
            break;
        case OPT_REQUESTED_IP:
            if (olen == 4) {
                c->has_requested_ip = true;
                c->requested_ip = get_be32(m + p + 2);
            }
            break;
        case OPT_SERVER_ID:
            if (olen == 4) {
                c->has_server_id = true;
                c->server_id = get_be32(m + p + 2);
            }
            break;
        default:
            break;
        }
        p += 2 + (size_t)olen;
    }
    return c->type >= DHCP_DISCOVER && c->type <= DHCP_INFORM;
}

static bool in_pool(const dhcp_server *s, uint32_t ip)
{
    return ip >= s->config.pool_start && ip - s->config.pool_start < s->config.pool_size;
}

static pool_slot *slot_of(dhcp_server *s, uint32_t ip)
{
    return in_pool(s, ip) ? &s->slots[ip - s->config.pool_start] : NULL;
}

static uint32_t ip_of(const dhcp_server *s, const pool_slot *slot)
{
    return s->config.pool_start + (uint32_t)(slot - s->slots);
}

/* Lapsed offers and leases go back to the pool. */
static bool slot_is_live(const pool_slot *slot, uint64_t now_ns)
{
    return slot->state != SLOT_FREE && slot->expires_ns > now_ns;
}

static bool slot_usable_by(const pool_slot *slot, const uint8_t mac[6], uint64_t now_ns)
{
    if (!slot_is_live(slot, now_ns))
        return true;
    return slot->state != SLOT_DECLINED && memcmp(slot->mac, mac, 6) == 0;
}

static pool_slot *slot_for_mac(dhcp_server *s, const uint8_t mac[6], uint64_t now_ns)
{
    uint32_t i;
    for (i = 0; i < s->config.pool_size; i++) {
        pool_slot *slot = &s->slots[i];
        if (slot_is_live(slot, now_ns) && slot->state != SLOT_DECLINED &&
            memcmp(slot->mac, mac, 6) == 0)
            return slot;
    }
    return NULL;
}

static pool_slot *choose_slot(dhcp_server *s, const client_message *c, uint64_t now_ns)
{
    pool_slot *slot = slot_for_mac(s, c->chaddr, now_ns);
    uint32_t i;
    if (slot)
        return slot;
    if (c->has_requested_ip) {
        slot = slot_of(s, c->requested_ip);
        if (slot && slot_usable_by(slot, c->chaddr, now_ns))
            return slot;
    }
    for (i = 0; i < s->config.pool_size; i++) {
        if (!slot_is_live(&s->slots[i], now_ns))
            return &s->slots[i];
    }
    return NULL;
}

static size_t put_option(uint8_t *m, size_t p, uint8_t code, const void *data, uint8_t len)
{
    m[p] = code;
    m[p + 1] = len;
    memcpy(m + p + 2, data, len);
    return p + 2 + len;
}

static size_t put_option_ip(uint8_t *m, size_t p, uint8_t code, uint32_t value)
{
    uint8_t b[4];
    put_be32(b, value);
    return put_option(m, p, code, b, 4);
}

static void build_reply(const dhcp_server *s, const client_message *c, uint8_t type,
                        uint32_t yiaddr, bool with_lease, dhcp_reply *r)
{
    const dhcp_server_config *cfg = &s->config;
    uint8_t *m = r->message;
    size_t p;

    memset(r, 0, sizeof(*r));
    m[0] = BOOTREPLY;
    m[1] = 1;
    m[2] = 6;
    put_be32(m + 4, c->xid);
    put_be16(m + 10, c->flags);
    if (type != DHCP_NAK)
        put_be32(m + 12, c->ciaddr);
    put_be32(m + 16, yiaddr);
    put_be32(m + 24, c->giaddr);
    memcpy(m + 28, c->chaddr, 6);
    put_be32(m + BOOTP_FIXED_LEN, DHCP_MAGIC);
    p = DHCP_OPTIONS_OFFSET;
    p = put_option(m, p, OPT_MESSAGE_TYPE, &type, 1);
    p = put_option_ip(m, p, OPT_SERVER_ID, cfg->server_ip);
    if (type != DHCP_NAK) {
        if (with_lease) {
            p = put_option_ip(m, p, OPT_LEASE_TIME, cfg->lease_seconds);
            p = put_option_ip(m, p, OPT_RENEWAL_T1, cfg->lease_seconds / 2);
            p = put_option_ip(m, p, OPT_REBINDING_T2,
                              (uint32_t)((uint64_t)cfg->lease_seconds * 7 / 8));
        }
        p = put_option_ip(m, p, OPT_NETMASK, cfg->netmask);
        if (cfg->router)
            p = put_option_ip(m, p, OPT_ROUTER, cfg->router);
        if (cfg->dns)
            p = put_option_ip(m, p, OPT_DNS, cfg->dns);
        p = put_option_ip(m, p, OPT_BROADCAST, (cfg->server_ip & cfg->netmask) | ~cfg->netmask);
        if (cfg->domain_name && cfg->domain_name[0]) {
            size_t n = strlen(cfg->domain_name);
            if (n > 64)
                n = 64; /* the buffer holds it; a longer name is a config mistake */
            p = put_option(m, p, OPT_DOMAIN, cfg->domain_name, (uint8_t)n);
        }
    }
    m[p++] = OPT_END;
    r->len = p < DHCP_MIN_MESSAGE ? DHCP_MIN_MESSAGE : p;
    r->type = type;
    r->your_ip = yiaddr;
    memcpy(r->dst_mac, c->chaddr, 6);
    /* RFC 2131 §4.1: NAKs broadcast; renewals unicast to ciaddr; otherwise the client's
     * broadcast bit decides, unless the server always broadcasts */
    if (type == DHCP_NAK ||
        (c->ciaddr == 0 && ((c->flags & 0x8000) || s->config.broadcast_replies))) {
        r->broadcast = true;
        r->dst_ip = 0xFFFFFFFFu;
        memset(r->dst_mac, 0xFF, 6);
    } else {
        r->dst_ip = c->ciaddr ? c->ciaddr : yiaddr;
    }
}

static void bind_slot(dhcp_server *s, pool_slot *slot, const uint8_t mac[6], uint64_t now_ns)
{
    slot->state = SLOT_BOUND;
    memcpy(slot->mac, mac, 6);
    slot->expires_ns = now_ns + (uint64_t)s->config.lease_seconds * 1000000000ull;
}

static bool handle_request(dhcp_server *s, uint64_t now_ns, const client_message *c,
                           dhcp_reply *r)
{
    uint32_t mask = s->config.netmask;
    uint32_t wanted;
    pool_slot *slot;

    s->stats.requests++;
    if (s->config.nak_requests && (!c->has_server_id || c->server_id == s->config.server_ip)) {
        s->stats.naks++;
        build_reply(s, c, DHCP_NAK, 0, false, r);
        return true;
    }
    if (c->has_server_id) {
        /* SELECTING: the client picked an offer */
        if (c->server_id != s->config.server_ip) {
            slot = slot_for_mac(s, c->chaddr, now_ns);
            if (slot && slot->state == SLOT_OFFERED)
                slot->state = SLOT_FREE; /* it chose another server */
            s->stats.ignored++;
            return false;
        }
        wanted = c->has_requested_ip ? c->requested_ip : c->ciaddr;
    } else if (c->ciaddr) {
        wanted = c->ciaddr; /* RENEWING or REBINDING */
    } else if (c->has_requested_ip) {
        wanted = c->requested_ip; /* INIT-REBOOT */
    } else {
        s->stats.ignored++;
        return false;
    }
    slot = slot_of(s, wanted);
    if ((wanted & mask) != (s->config.server_ip & mask) || !slot ||
        !slot_usable_by(slot, c->chaddr, now_ns)) {
        s->stats.naks++;
        build_reply(s, c, DHCP_NAK, 0, false, r);
        return true;
    }
    /* one lease per client: a move to another address frees the old one */
    {
        pool_slot *old = slot_for_mac(s, c->chaddr, now_ns);
        if (old && old != slot)
            old->state = SLOT_FREE;
    }
    bind_slot(s, slot, c->chaddr, now_ns);
    s->stats.acks++;
    build_reply(s, c, DHCP_ACK, wanted, true, r);
    return true;
}

bool dhcp_server_handle(dhcp_server *s, uint64_t now_ns, const uint8_t *message, size_t len,
                        dhcp_reply *r)
{
    client_message c;
    pool_slot *slot;

    if (!s || !parse_client_message(message, len, &c) || c.giaddr != 0) {
        if (s)
            s->stats.ignored++;
        return false;
    }
    switch (c.type) {
    case DHCP_DISCOVER:
        s->stats.discovers++;
        slot = choose_slot(s, &c, now_ns);
        if (!slot) {
            s->stats.ignored++; /* pool exhausted: stay silent, as real servers do */
            return false;
        }
        if (slot->state != SLOT_BOUND || !slot_is_live(slot, now_ns)) {
            slot->state = SLOT_OFFERED;
            memcpy(slot->mac, c.chaddr, 6);
            slot->expires_ns = now_ns + OFFER_HOLD_NS;
        }
        s->stats.offers++;
        build_reply(s, &c, DHCP_OFFER, ip_of(s, slot), true, r);
        return true;
    case DHCP_REQUEST:
        return handle_request(s, now_ns, &c, r);
    case DHCP_RELEASE:
        s->stats.releases++;
        slot = slot_of(s, c.ciaddr);
        if (slot && slot_is_live(slot, now_ns) && memcmp(slot->mac, c.chaddr, 6) == 0)
            slot->state = SLOT_FREE;
        return false;
    case DHCP_DECLINE:
        s->stats.declines++;
        slot = c.has_requested_ip ? slot_of(s, c.requested_ip) : NULL;
        if (slot) {
            /* someone else answers ARP for it: keep it out of the pool for a lease time */
            slot->state = SLOT_DECLINED;
            memset(slot->mac, 0, 6);
            slot->expires_ns = now_ns + (uint64_t)s->config.lease_seconds * 1000000000ull;
        }
        return false;
    case DHCP_INFORM:
        s->stats.informs++;
        if (!c.ciaddr) {
            s->stats.ignored++;
            return false;
        }
        s->stats.acks++;
        build_reply(s, &c, DHCP_ACK, 0, false, r);
        return true;
    default:
        s->stats.ignored++;
        return false;
    }
}

size_t dhcp_server_lease_count(const dhcp_server *s, uint64_t now_ns)
{
    size_t n = 0;
    uint32_t i;
    for (i = 0; i < s->config.pool_size; i++) {
        if (s->slots[i].state == SLOT_BOUND && slot_is_live(&s->slots[i], now_ns))
            n++;
    }
    return n;
}

bool dhcp_server_lease_at(const dhcp_server *s, uint64_t now_ns, size_t index, dhcp_lease *lease)
{
    uint32_t i;
    for (i = 0; i < s->config.pool_size; i++) {
        const pool_slot *slot = &s->slots[i];
        if (slot->state != SLOT_BOUND || !slot_is_live(slot, now_ns))
            continue;
        if (index-- == 0) {
            memcpy(lease->mac, slot->mac, 6);
            lease->ip = ip_of(s, slot);
            lease->expires_ns = slot->expires_ns;
            lease->bound = true;
            return true;
        }
    }
    return false;
}

const dhcp_server_stats *dhcp_server_get_stats(const dhcp_server *s)
{
    return &s->stats;
}
