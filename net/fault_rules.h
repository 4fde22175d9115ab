/*
 * The fault engine's rule list: an ordered set of rules, each matching frames by direction,
 * protocol, addresses, ports and TCP flags, with one action.  Rules can be added and removed
 * at any time (scenario steps).  Random actions (loss, corruption) draw from a per-rule
 * generator seeded from the list's seed and the rule's id, so a rule's pattern does not
 * change when other rules come and go, and a run is reproducible.
 *
 * Evaluation walks the rules in order for every frame:
 *   pass, drop, reject      end the walk (the first one that matches decides);
 *   loss                    ends it with a drop when its coin says so, else continues;
 *   delay, rate, corrupt    add their effect and continue.
 * A frame no terminal rule decided is passed.
 *
 * Text form (fault_rule_parse), one rule per line, words in any order after the action:
 *   drop | pass | reject | delay <ms>[ms|s] | loss <p>[%] | corrupt [<p>[%]] [fix-checksum]
 *   | rate <bytes/s>[k|M]
 *   [out|to-network | in|to-device | both]  [tcp|udp|icmp|arp|ip|any]
 *   [from <cidr>] [to <cidr>] [sport <n>[-<m>]] [dport <n>[-<m>]] [syn]
 *   [limit <n>] [label <word>]
 * e.g. "drop out tcp dport 5683", "reject out tcp to 52.0.0.10/32 dport 5683",
 *      "loss 30% in", "delay 250ms out udp dport 53", "corrupt 1% in tcp sport 5683 fix-checksum".
 * For ARP, from/to match the sender/target protocol addresses.
 */
#ifndef NETSIM_FAULT_RULES_H
#define NETSIM_FAULT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

typedef enum fault_direction {
    FAULT_TO_NETWORK = 1, /* device -> LAN/router/internet/cloud ("out") */
    FAULT_TO_DEVICE = 2,  /* -> device ("in") */
    FAULT_BOTH = 3,
} fault_direction;

typedef enum fault_protocol {
    FAULT_PROTO_ANY = 0,
    FAULT_PROTO_ARP,
    FAULT_PROTO_IP, /* any IPv4 */
    FAULT_PROTO_TCP,
    FAULT_PROTO_UDP,
    FAULT_PROTO_ICMP,
} fault_protocol;

typedef enum fault_action {
    FAULT_PASS = 0,
    FAULT_DROP,
    FAULT_REJECT,     /* drop and answer: TCP RST, ICMP unreachable for UDP/other IP */
    FAULT_DELAY,      /* delay_ms more latency */
    FAULT_LOSS,       /* drop with probability rate */
    FAULT_CORRUPT,    /* with probability rate, XOR one byte of the IP payload */
    FAULT_RATE_LIMIT, /* serialise matching frames at bytes_per_second */
} fault_action;

typedef struct fault_port_range {
    uint16_t min, max; /* {0, 65535} matches any port */
} fault_port_range;

typedef struct fault_rule {
    fault_direction direction;
    fault_protocol protocol;
    uint32_t src_addr;
    uint8_t src_prefix; /* 0 = any source */
    uint32_t dst_addr;
    uint8_t dst_prefix;
    fault_port_range src_port;
    fault_port_range dst_port;
    uint8_t tcp_flags_mask; /* match when (flags & mask) == value; mask 0 = any */
    uint8_t tcp_flags_value;

    fault_action action;
    uint32_t delay_ms;          /* FAULT_DELAY */
    double rate;                /* FAULT_LOSS, FAULT_CORRUPT: probability 0..1 */
    uint64_t bytes_per_second;  /* FAULT_RATE_LIMIT */
    bool fix_checksum;          /* FAULT_CORRUPT: recompute checksums so the damage reaches
                                   the application instead of being dropped by the stack */
    uint32_t limit;             /* act on at most this many frames, then go inert; 0 = no limit */
    char label[32];
} fault_rule;

/* How long a rate-limited frame may queue before the shaper drops it. */
#define FAULT_RATE_QUEUE_NS 2000000000ull

typedef struct fault_rule_stats {
    uint64_t matched;   /* frames the rule's match selected while it was active */
    uint64_t dropped;   /* drop, reject, loss, rate-limit overflow */
    uint64_t rejected;
    uint64_t delayed;
    uint64_t corrupted;
    uint64_t bytes;     /* bytes of the matched frames */
} fault_rule_stats;

typedef struct fault_verdict {
    fault_action outcome; /* FAULT_PASS, FAULT_DROP or FAULT_REJECT */
    int rule_id;          /* the rule that dropped/rejected the frame, else 0 */
    uint64_t delay_ns;    /* added latency from delay and rate rules */
    bool corrupt;
    size_t corrupt_offset; /* byte of the frame to XOR */
    uint8_t corrupt_xor;   /* never 0 */
    bool fix_checksum;
} fault_verdict;

typedef struct fault_rules fault_rules;

/* A rule that matches every frame in both directions, with the given action (rate 1). */
void fault_rule_init(fault_rule *rule, fault_action action);
/* Parse the text form above.  Returns 0, or -1 with a message in error. */
int fault_rule_parse(const char *text, fault_rule *rule, char *error, size_t error_size);
/* The text form of a rule (parses back to the same rule). */
void fault_rule_format(const fault_rule *rule, char *out, size_t out_size);
const char *fault_action_name(fault_action action);

fault_rules *fault_rules_new(uint64_t seed);
void fault_rules_free(fault_rules *rules);

/* Insert at position (0 = first; negative or past the end = last).  Returns the new rule's
 * id (> 0, never reused), or -1 if the rule is invalid or memory is short. */
int fault_rules_add(fault_rules *rules, const fault_rule *rule, int position);
int fault_rules_add_text(fault_rules *rules, const char *text, char *error, size_t error_size);
bool fault_rules_remove(fault_rules *rules, int id);
void fault_rules_clear(fault_rules *rules);
size_t fault_rules_count(const fault_rules *rules);
/* The index-th rule in evaluation order.  Any out pointer may be NULL. */
bool fault_rules_at(const fault_rules *rules, size_t index, int *id, fault_rule *rule,
                    fault_rule_stats *stats);
bool fault_rules_stats(const fault_rules *rules, int id, fault_rule_stats *stats);

/* Presets from the forums.  Each appends its rules and returns the number added. */
/* A captive Wi-Fi controller: ARP, DHCP, DNS and ICMP pass; everything else is dropped. */
int fault_rules_preset_walled_garden(fault_rules *rules);
/* A firewall that silently drops outbound TCP to the given port (5683: the cloud). */
int fault_rules_preset_block_outbound_tcp(fault_rules *rules, uint16_t port);

/* Decide the fate of one frame.  view must come from packet_parse of the frame. */
void fault_rules_evaluate(fault_rules *rules, fault_direction direction, const packet_view *view,
                          uint64_t now_ns, fault_verdict *verdict);

#endif
