#include "fault_rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipv4_addr.h"
#include "prng.h"

typedef struct rule_entry {
    int id;
    fault_rule rule;
    fault_rule_stats stats;
    prng rng;
    uint64_t applied;       /* frames the rule acted on (for limit) */
    uint64_t link_free_ns;  /* rate limit: when the shaped link is next idle */
} rule_entry;

struct fault_rules {
    rule_entry *entries;
    size_t count, capacity;
    int next_id;
    uint64_t seed;
};

static const char *const action_names[] = {
    [FAULT_PASS] = "pass",       [FAULT_DROP] = "drop",   [FAULT_REJECT] = "reject",
    [FAULT_DELAY] = "delay",     [FAULT_LOSS] = "loss",   [FAULT_CORRUPT] = "corrupt",
    [FAULT_RATE_LIMIT] = "rate",
};

static const char *const protocol_names[] = {
    [FAULT_PROTO_ANY] = "any", [FAULT_PROTO_ARP] = "arp", [FAULT_PROTO_IP] = "ip",
    [FAULT_PROTO_TCP] = "tcp", [FAULT_PROTO_UDP] = "udp", [FAULT_PROTO_ICMP] = "icmp",
};

const char *fault_action_name(fault_action action)
{
    if ((unsigned)action < sizeof(action_names) / sizeof(action_names[0]))
        return action_names[action];
    return "?";
}

void fault_rule_init(fault_rule *r, fault_action action)
{
    memset(r, 0, sizeof(*r));
    r->direction = FAULT_BOTH;
    r->protocol = FAULT_PROTO_ANY;
    r->src_port.max = 0xFFFF;
    r->dst_port.max = 0xFFFF;
    r->action = action;
    r->rate = 1.0; /* loss and corrupt act on every matching frame unless told otherwise */
}

static bool port_range_is_any(fault_port_range p)
{
    return p.min == 0 && p.max == 0xFFFF;
}

static bool rule_is_valid(const fault_rule *r)
{
    if (r->direction < FAULT_TO_NETWORK || r->direction > FAULT_BOTH)
        return false;
    if ((unsigned)r->protocol > FAULT_PROTO_ICMP || (unsigned)r->action > FAULT_RATE_LIMIT)
        return false;
    if (r->src_prefix > 32 || r->dst_prefix > 32)
        return false;
    if (r->src_port.min > r->src_port.max || r->dst_port.min > r->dst_port.max)
        return false;
    if ((r->tcp_flags_value & ~r->tcp_flags_mask) != 0)
        return false;
    if (!(r->rate >= 0.0 && r->rate <= 1.0)) /* also rejects NaN */
        return false;
    if (r->action == FAULT_RATE_LIMIT && r->bytes_per_second == 0)
        return false;
    return true;
}

/* ---------------------------------------------------------------- text form */

static int fail(char *error, size_t size, const char *fmt, ...)
{
    va_list ap;
    if (error && size) {
        va_start(ap, fmt);
        vsnprintf(error, size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out, const char **end)
{
    uint64_t v = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9') {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
        digits++;
        s++;
    }
    if (!digits)
        return false;
    *out = v;
    *end = s;
    return true;
}

static bool parse_probability(const char *s, double *out)
{
    char *end;
    double v;
    if (!s || !*s || !((*s >= '0' && *s <= '9') || *s == '.'))
        return false;
    v = strtod(s, &end);
    if (*end == '%') {
        v /= 100.0;
        end++;
    }
    if (*end != '\0' || !(v >= 0.0 && v <= 1.0))
        return false;
    *out = v;
    return true;
}

static bool parse_port_range(const char *s, fault_port_range *out)
{
    uint64_t lo, hi;
    const char *end;
    if (!s || !parse_u64(s, 0xFFFF, &lo, &end))
        return false;
    hi = lo;
    if (*end == '-') {
        if (!parse_u64(end + 1, 0xFFFF, &hi, &end))
            return false;
    }
    if (*end != '\0' || lo > hi)
        return false;
    out->min = (uint16_t)lo;
    out->max = (uint16_t)hi;
    return true;
}

static bool parse_duration_ms(const char *s, uint32_t *out)
{
    uint64_t v;
    const char *end;
    if (!s || !parse_u64(s, 0xFFFFFFFFu, &v, &end))
        return false;
    if (strcmp(end, "s") == 0) {
        if (v > 0xFFFFFFFFu / 1000)
            return false;
        v *= 1000;
    } else if (*end != '\0' && strcmp(end, "ms") != 0) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool parse_rate(const char *s, uint64_t *out)
{
    uint64_t v, scale = 1;
    const char *end;
    if (!s || !parse_u64(s, UINT64_MAX, &v, &end))
        return false;
    if (*end == 'k' || *end == 'K') {
        scale = 1000;
        end++;
    } else if (*end == 'M') {
        scale = 1000000;
        end++;
    }
    if (strcmp(end, "B/s") == 0 || strcmp(end, "Bps") == 0)
        end += strlen(end);
    if (*end != '\0' || v == 0 || v > UINT64_MAX / scale)
        return false;
    *out = v * scale;
    return true;
}

#define MAX_RULE_WORDS 32
#define MAX_RULE_TEXT 512

int fault_rule_parse(const char *text, fault_rule *out, char *error, size_t error_size)
{
    char buf[MAX_RULE_TEXT];
    char *words[MAX_RULE_WORDS];
    size_t n = 0, i;
    char *save = NULL, *w;
    fault_rule r;
    size_t text_len;

    if (!text)
        return fail(error, error_size, "no rule");
    text_len = strlen(text);
    if (text_len >= sizeof(buf))
        return fail(error, error_size, "rule longer than %d characters", MAX_RULE_TEXT - 1);
    memcpy(buf, text, text_len + 1);
    for (w = strtok_r(buf, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == MAX_RULE_WORDS)
            return fail(error, error_size, "too many words in rule");
        words[n++] = w;
    }
    if (n == 0)
        return fail(error, error_size, "empty rule");

    fault_rule_init(&r, FAULT_PASS);
    i = 1;
    if (strcmp(words[0], "pass") == 0 || strcmp(words[0], "accept") == 0) {
        r.action = FAULT_PASS;
    } else if (strcmp(words[0], "drop") == 0) {
        r.action = FAULT_DROP;
    } else if (strcmp(words[0], "reject") == 0) {
        r.action = FAULT_REJECT;
    } else if (strcmp(words[0], "delay") == 0) {
        r.action = FAULT_DELAY;
        if (i >= n || !parse_duration_ms(words[i], &r.delay_ms))
            return fail(error, error_size, "delay needs a duration such as 250ms or 2s");
        i++;
    } else if (strcmp(words[0], "loss") == 0) {
        r.action = FAULT_LOSS;
        if (i >= n || !parse_probability(words[i], &r.rate))
            return fail(error, error_size, "loss needs a probability such as 0.3 or 30%%");
        i++;
    } else if (strcmp(words[0], "corrupt") == 0) {
        r.action = FAULT_CORRUPT;
        if (i < n && parse_probability(words[i], &r.rate))
            i++;
    } else if (strcmp(words[0], "rate") == 0) {
        r.action = FAULT_RATE_LIMIT;
        if (i >= n || !parse_rate(words[i], &r.bytes_per_second))
            return fail(error, error_size, "rate needs bytes per second such as 2000 or 8k");
        i++;
    } else {
        return fail(error, error_size, "unknown action '%s'", words[0]);
    }

    for (; i < n; i++) {
        const char *word = words[i];
        const char *arg = i + 1 < n ? words[i + 1] : NULL;
        size_t p;
        bool protocol_word = false;

        for (p = 0; p < sizeof(protocol_names) / sizeof(protocol_names[0]); p++) {
            if (strcmp(word, protocol_names[p]) == 0) {
                r.protocol = (fault_protocol)p;
                protocol_word = true;
            }
        }
        if (protocol_word)
            continue;
        if (strcmp(word, "out") == 0 || strcmp(word, "to-network") == 0) {
            r.direction = FAULT_TO_NETWORK;
        } else if (strcmp(word, "in") == 0 || strcmp(word, "to-device") == 0) {
            r.direction = FAULT_TO_DEVICE;
        } else if (strcmp(word, "both") == 0) {
            r.direction = FAULT_BOTH;
        } else if (strcmp(word, "from") == 0) {
            if (!ipv4_parse_cidr(arg, &r.src_addr, &r.src_prefix))
                return fail(error, error_size, "from needs an address or CIDR");
            i++;
        } else if (strcmp(word, "to") == 0) {
            if (!ipv4_parse_cidr(arg, &r.dst_addr, &r.dst_prefix))
                return fail(error, error_size, "to needs an address or CIDR");
            i++;
        } else if (strcmp(word, "sport") == 0) {
            if (!parse_port_range(arg, &r.src_port))
                return fail(error, error_size, "sport needs a port or range lo-hi");
            i++;
        } else if (strcmp(word, "dport") == 0) {
            if (!parse_port_range(arg, &r.dst_port))
                return fail(error, error_size, "dport needs a port or range lo-hi");
            i++;
        } else if (strcmp(word, "syn") == 0) {
            r.tcp_flags_mask = TCP_SYN | TCP_ACK;
            r.tcp_flags_value = TCP_SYN;
        } else if (strcmp(word, "limit") == 0) {
            uint64_t v;
            const char *end;
            if (!arg || !parse_u64(arg, 0xFFFFFFFFu, &v, &end) || *end || v == 0)
                return fail(error, error_size, "limit needs a positive count");
            r.limit = (uint32_t)v;
            i++;
        } else if (strcmp(word, "label") == 0) {
            if (!arg || strlen(arg) >= sizeof(r.label))
                return fail(error, error_size, "label needs a word of at most %zu characters",
                            sizeof(r.label) - 1);
            memset(r.label, 0, sizeof(r.label));
            memcpy(r.label, arg, strlen(arg));
            i++;
        } else if (strcmp(word, "fix-checksum") == 0 && r.action == FAULT_CORRUPT) {
            r.fix_checksum = true;
        } else {
            return fail(error, error_size, "unexpected '%s'", word);
        }
    }
    if (!port_range_is_any(r.src_port) || !port_range_is_any(r.dst_port)) {
        if (r.protocol != FAULT_PROTO_TCP && r.protocol != FAULT_PROTO_UDP)
            return fail(error, error_size, "ports need tcp or udp");
    }
    if (r.tcp_flags_mask && r.protocol != FAULT_PROTO_TCP)
        return fail(error, error_size, "syn needs tcp");
    if (!rule_is_valid(&r))
        return fail(error, error_size, "invalid rule");
    *out = r;
    return 0;
}

static size_t append(char *out, size_t size, size_t used, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (used >= size)
        return used;
    va_start(ap, fmt);
    n = vsnprintf(out + used, size - used, fmt, ap);
    va_end(ap);
    return n < 0 ? used : used + (size_t)n;
}

static size_t append_ports(char *out, size_t size, size_t used, const char *name,
                           fault_port_range p)
{
    if (port_range_is_any(p))
        return used;
    if (p.min == p.max)
        return append(out, size, used, " %s %u", name, p.min);
    return append(out, size, used, " %s %u-%u", name, p.min, p.max);
}

void fault_rule_format(const fault_rule *r, char *out, size_t size)
{
    size_t used = 0;
    char addr[16];

    if (!size)
        return;
    out[0] = '\0';
    used = append(out, size, used, "%s", fault_action_name(r->action));
    switch (r->action) {
    case FAULT_DELAY:
        used = append(out, size, used, " %ums", r->delay_ms);
        break;
    case FAULT_LOSS:
        used = append(out, size, used, " %.17g", r->rate);
        break;
    case FAULT_CORRUPT:
        used = append(out, size, used, " %.17g", r->rate);
        if (r->fix_checksum)
            used = append(out, size, used, " fix-checksum");
        break;
    case FAULT_RATE_LIMIT:
        used = append(out, size, used, " %llu", (unsigned long long)r->bytes_per_second);
        break;
    default:
        break;
    }
    if (r->direction == FAULT_TO_NETWORK)
        used = append(out, size, used, " out");
    else if (r->direction == FAULT_TO_DEVICE)
        used = append(out, size, used, " in");
    if (r->protocol != FAULT_PROTO_ANY)
        used = append(out, size, used, " %s", protocol_names[r->protocol]);
    if (r->src_prefix) {
        ipv4_format(r->src_addr, addr);
        used = append(out, size, used, " from %s/%u", addr, r->src_prefix);
    }
    if (r->dst_prefix) {
        ipv4_format(r->dst_addr, addr);
        used = append(out, size, used, " to %s/%u", addr, r->dst_prefix);
    }
    used = append_ports(out, size, used, "sport", r->src_port);
    used = append_ports(out, size, used, "dport", r->dst_port);
    if (r->tcp_flags_mask == (TCP_SYN | TCP_ACK) && r->tcp_flags_value == TCP_SYN)
        used = append(out, size, used, " syn");
    if (r->limit)
        used = append(out, size, used, " limit %u", r->limit);
    if (r->label[0])
        used = append(out, size, used, " label %s", r->label);
    (void)used;
}

/* ---------------------------------------------------------------- the list */

fault_rules *fault_rules_new(uint64_t seed)
{
    fault_rules *rules = calloc(1, sizeof(*rules));
    if (!rules)
        return NULL;
    rules->seed = seed;
    rules->next_id = 1;
    return rules;
}

void fault_rules_free(fault_rules *rules)
{
    if (!rules)
        return;
    free(rules->entries);
    free(rules);
}

int fault_rules_add(fault_rules *rules, const fault_rule *rule, int position)
{
    rule_entry *e;
    size_t at;

    if (!rules || !rule || !rule_is_valid(rule) || rules->next_id == INT32_MAX)
        return -1;
    if (rules->count == rules->capacity) {
        size_t cap = rules->capacity ? rules->capacity * 2 : 8;
        rule_entry *grown = realloc(rules->entries, cap * sizeof(*grown));
        if (!grown)
            return -1;
        rules->entries = grown;
        rules->capacity = cap;
    }
    at = (position < 0 || (size_t)position > rules->count) ? rules->count : (size_t)position;
    memmove(rules->entries + at + 1, rules->entries + at,
            (rules->count - at) * sizeof(*rules->entries));
    e = &rules->entries[at];
    memset(e, 0, sizeof(*e));
    e->id = rules->next_id++;
    e->rule = *rule;
    e->rule.label[sizeof(e->rule.label) - 1] = '\0';
    /* per-rule stream: independent of the other rules' draws */
    prng_seed(&e->rng, rules->seed ^ ((uint64_t)e->id * 0xD1B54A32D192ED03ull));
    rules->count++;
    return e->id;
}

int fault_rules_add_text(fault_rules *rules, const char *text, char *error, size_t error_size)
{
    fault_rule r;
    int id;
    if (fault_rule_parse(text, &r, error, error_size) < 0)
        return -1;
    id = fault_rules_add(rules, &r, -1);
    if (id < 0)
        fail(error, error_size, "cannot add rule");
    return id;
}

bool fault_rules_remove(fault_rules *rules, int id)
{
    size_t i;
    if (!rules)
        return false;
    for (i = 0; i < rules->count; i++) {
        if (rules->entries[i].id == id) {
            memmove(rules->entries + i, rules->entries + i + 1,
                    (rules->count - i - 1) * sizeof(*rules->entries));
            rules->count--;
            return true;
        }
    }
    return false;
}

void fault_rules_clear(fault_rules *rules)
{
    if (rules)
        rules->count = 0;
}

size_t fault_rules_count(const fault_rules *rules)
{
    return rules ? rules->count : 0;
}

bool fault_rules_at(const fault_rules *rules, size_t index, int *id, fault_rule *rule,
                    fault_rule_stats *stats)
{
    const rule_entry *e;
    if (!rules || index >= rules->count)
        return false;
    e = &rules->entries[index];
    if (id)
        *id = e->id;
    if (rule)
        *rule = e->rule;
    if (stats)
        *stats = e->stats;
    return true;
}

bool fault_rules_stats(const fault_rules *rules, int id, fault_rule_stats *stats)
{
    size_t i;
    if (!rules)
        return false;
    for (i = 0; i < rules->count; i++) {
        if (rules->entries[i].id == id) {
            *stats = rules->entries[i].stats;
            return true;
        }
    }
    return false;
}

int fault_rules_preset_walled_garden(fault_rules *rules)
{
    static const char *const lines[] = {
        "pass arp label garden-arp",
        "pass udp dport 67-68 label garden-dhcp",
        "pass udp sport 67-68 label garden-dhcp",
        "pass udp dport 53 label garden-dns",
        "pass udp sport 53 label garden-dns",
        "pass icmp label garden-icmp",
        "drop label garden-default",
    };
    size_t i;
    int added = 0;
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (fault_rules_add_text(rules, lines[i], NULL, 0) > 0)
            added++;
    }
    return added;
}

int fault_rules_preset_block_outbound_tcp(fault_rules *rules, uint16_t port)
{
    fault_rule r;
    fault_rule_init(&r, FAULT_DROP);
    r.direction = FAULT_TO_NETWORK;
    r.protocol = FAULT_PROTO_TCP;
    r.dst_port.min = r.dst_port.max = port;
    snprintf(r.label, sizeof(r.label), "firewall-tcp-%u", port);
    return fault_rules_add(rules, &r, -1) > 0 ? 1 : 0;
}

/* ---------------------------------------------------------------- evaluation */

static bool addr_matches(uint32_t addr, uint32_t want, uint8_t prefix)
{
    uint32_t mask = ipv4_prefix_mask(prefix);
    return (addr & mask) == (want & mask);
}

static bool rule_matches(const fault_rule *r, fault_direction dir, const packet_view *v)
{
    bool has_addrs = v->is_ipv4 || v->is_arp;
    uint32_t src = v->is_arp ? v->arp_sender_ip : v->src_ip;
    uint32_t dst = v->is_arp ? v->arp_target_ip : v->dst_ip;
    bool has_ports = v->l4 == PACKET_L4_TCP || v->l4 == PACKET_L4_UDP;

    if (!(r->direction & dir))
        return false;
    switch (r->protocol) {
    case FAULT_PROTO_ANY:
        break;
    case FAULT_PROTO_ARP:
        if (!v->is_arp)
            return false;
        break;
    case FAULT_PROTO_IP:
        if (!v->is_ipv4)
            return false;
        break;
    case FAULT_PROTO_TCP:
        if (v->l4 != PACKET_L4_TCP)
            return false;
        break;
    case FAULT_PROTO_UDP:
        if (v->l4 != PACKET_L4_UDP)
            return false;
        break;
    case FAULT_PROTO_ICMP:
        if (v->l4 != PACKET_L4_ICMP)
            return false;
        break;
    }
    if (r->src_prefix && (!has_addrs || !addr_matches(src, r->src_addr, r->src_prefix)))
        return false;
    if (r->dst_prefix && (!has_addrs || !addr_matches(dst, r->dst_addr, r->dst_prefix)))
        return false;
    if (!port_range_is_any(r->src_port) &&
        (!has_ports || v->src_port < r->src_port.min || v->src_port > r->src_port.max))
        return false;
    if (!port_range_is_any(r->dst_port) &&
        (!has_ports || v->dst_port < r->dst_port.min || v->dst_port > r->dst_port.max))
        return false;
    if (r->tcp_flags_mask &&
        (v->l4 != PACKET_L4_TCP || (v->tcp_flags & r->tcp_flags_mask) != r->tcp_flags_value))
        return false;
    return true;
}

/* Which bytes corruption may hit: the IP payload (headers stay routable, so the damage
 * reaches the receiving stack's checksum, or the application with fix_checksum). */
static bool corruptible_range(const packet_view *v, size_t *start, size_t *len)
{
    if (v->is_ipv4) {
        *start = v->l4_offset;
        *len = v->l4_len;
    } else {
        *start = ETH_HEADER_LEN;
        *len = v->frame_len - ETH_HEADER_LEN;
    }
    return *len > 0;
}

void fault_rules_evaluate(fault_rules *rules, fault_direction dir, const packet_view *v,
                          uint64_t now_ns, fault_verdict *verdict)
{
    size_t i;

    memset(verdict, 0, sizeof(*verdict));
    verdict->outcome = FAULT_PASS;
    if (!rules)
        return;
    for (i = 0; i < rules->count; i++) {
        rule_entry *e = &rules->entries[i];
        const fault_rule *r = &e->rule;

        if (r->limit && e->applied >= r->limit)
            continue;
        if (!rule_matches(r, dir, v))
            continue;
        e->stats.matched++;
        e->stats.bytes += v->frame_len;

        switch (r->action) {
        case FAULT_PASS:
            e->applied++;
            return;
        case FAULT_DROP:
        case FAULT_REJECT:
            e->applied++;
            e->stats.dropped++;
            if (r->action == FAULT_REJECT)
                e->stats.rejected++;
            verdict->outcome = r->action;
            verdict->rule_id = e->id;
            return;
        case FAULT_LOSS:
            if (prng_unit(&e->rng) < r->rate) {
                e->applied++;
                e->stats.dropped++;
                verdict->outcome = FAULT_DROP;
                verdict->rule_id = e->id;
                return;
            }
            break;
        case FAULT_DELAY:
            e->applied++;
            e->stats.delayed++;
            verdict->delay_ns += (uint64_t)r->delay_ms * 1000000u;
            break;
        case FAULT_RATE_LIMIT: {
            /* serialise on a virtual link: the frame starts when the link is idle */
            uint64_t ready = now_ns + verdict->delay_ns;
            uint64_t start = e->link_free_ns > ready ? e->link_free_ns : ready;
            uint64_t wait = start - ready;
            uint64_t tx_ns = (uint64_t)((double)v->frame_len * 1e9 /
                                        (double)r->bytes_per_second);
            e->applied++;
            if (wait > FAULT_RATE_QUEUE_NS) {
                e->stats.dropped++;
                verdict->outcome = FAULT_DROP;
                verdict->rule_id = e->id;
                return;
            }
            e->link_free_ns = start + tx_ns;
            if (wait + tx_ns > 0)
                e->stats.delayed++;
            verdict->delay_ns += wait + tx_ns;
            break;
        }
        case FAULT_CORRUPT: {
            size_t start, len;
            bool hit = prng_unit(&e->rng) < r->rate;
            if (hit && !verdict->corrupt && corruptible_range(v, &start, &len)) {
                e->applied++;
                e->stats.corrupted++;
                verdict->corrupt = true;
                verdict->corrupt_offset = start + (size_t)prng_below(&e->rng, len);
                verdict->corrupt_xor = (uint8_t)(1 + prng_below(&e->rng, 255));
                verdict->fix_checksum = r->fix_checksum;
            }
            break;
        }
        }
    }
}
