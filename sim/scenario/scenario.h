/*
 * The scenario model: what a scenario file (FORMAT.md) says, as plain
 * structs, after the parser has checked every value. The photon-sim front
 * end reads the device section to prepare the flash; the QEMU machine reads
 * the rest to drive the radio, the network, the cloud and the timeline, and
 * to judge the expectations (timeline.h, judge.h, session.h).
 *
 * Everything is owned by the scn_scenario and freed by scn_scenario_free().
 * Strings are NUL-terminated and never NULL unless said so. Times are
 * virtual nanoseconds from power-on (QEMU_CLOCK_VIRTUAL).
 *
 * Plain C, no QEMU headers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PHOTON_SCENARIO_H
#define PHOTON_SCENARIO_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

typedef int64_t scn_time;

#define SCN_NS_PER_SECOND INT64_C(1000000000)
#define SCN_NS_PER_MS INT64_C(1000000)
/* "Not yet" or "never": later than any time a scenario can name. */
#define SCN_TIME_NEVER INT64_MAX
/* The longest run and the latest time a scenario may write: 7 days. */
#define SCN_TIME_LIMIT (INT64_C(604800) * SCN_NS_PER_SECOND)

/* Limits the parser enforces (the fuzzer feeds it anything). */
#define SCN_FILE_SIZE_MAX (1u << 20)
#define SCN_NAME_MAX 80          /* scenario, step, rule and expectation names */
#define SCN_TEXT_MAX 4096        /* descriptions, arguments, serial input */
#define SCN_PATH_MAX 1024
#define SCN_REGEX_MAX 1024
#define SCN_SSID_MAX 32
#define SCN_PASSPHRASE_MAX 64
#define SCN_WIFI_CREDENTIALS_MAX 5 /* what the Photon's DCT stores */
#define SCN_ACCESS_POINTS_MAX 64
#define SCN_RULES_MAX 256
#define SCN_DNS_ENTRIES_MAX 256
#define SCN_CLOUD_FAULTS_MAX 32
#define SCN_OTA_CHUNKS_MAX 16
#define SCN_STEPS_MAX 1024
#define SCN_EXPECTATIONS_MAX 1024
#define SCN_SEQUENCE_MAX 64
#define SCN_DOMAIN_MAX 63        /* the firmware copies the server domain into char[64] */
#define SCN_DEVICE_ID_SIZE 12

/* A place in the scenario file, 1-based; line 0 when it has none. */
struct scn_loc {
    unsigned line, column;
};

/* A POSIX extended regular expression as written, and compiled (REG_NOSUB). */
struct scn_regex {
    const char *source;
    regex_t compiled;
    struct scn_regex *next_compiled; /* the scenario's list, for regfree() */
};

/* An IPv4 network or address, host byte order; prefix 32 for one address. */
struct scn_ipv4_net {
    uint32_t address;
    unsigned prefix;
};

/* ---------------------------------------------------------------- device */

enum scn_security {
    SCN_SECURITY_OPEN,
    SCN_SECURITY_WEP,
    SCN_SECURITY_WPA,
    SCN_SECURITY_WPA2,
};

enum scn_app {
    SCN_APP_TINKER,
    SCN_APP_DOCTOR,
    SCN_APP_FILE,
};

enum scn_device_keys {
    SCN_KEYS_GOOD,      /* generated from the seed, registered with the cloud */
    SCN_KEYS_CORRUPTED, /* a good key with bytes of one part flipped (corrupt_part) */
    SCN_KEYS_MISSING,   /* the DCT's key area left erased */
    SCN_KEYS_FILE,      /* keys_file, PKCS#1 or PKCS#8, DER or PEM */
};

enum scn_key_part {
    SCN_KEY_PART_MODULUS,  /* breaks decryption: the handshake fails (red) */
    SCN_KEY_PART_PRIME,    /* breaks decryption too (CRT) */
    SCN_KEY_PART_EXPONENT, /* changes nothing: the firmware decrypts with the CRT values */
};

enum scn_server_key {
    SCN_SERVER_KEY_CLOUD,     /* the simulated cloud's public key */
    SCN_SERVER_KEY_PARTICLE,  /* Particle's production key (the fixture) */
    SCN_SERVER_KEY_CORRUPTED, /* the cloud's key with its modulus damaged */
    SCN_SERVER_KEY_MISSING,   /* erased */
    SCN_SERVER_KEY_FILE,      /* server_key_file (DER or PEM public key, or a 512-byte DCT block) */
};

enum scn_server_address {
    SCN_SERVER_ADDRESS_CLOUD,  /* the simulated cloud's IP and port */
    SCN_SERVER_ADDRESS_BLANK,  /* left erased: the firmware uses device.spark.io:5683 */
    SCN_SERVER_ADDRESS_IP,     /* server_ip:server_port */
    SCN_SERVER_ADDRESS_DOMAIN, /* server_domain:server_port */
};

struct scn_wifi_credentials {
    const char *ssid;
    enum scn_security security;
    const char *passphrase; /* NULL for open networks */
    struct scn_loc loc;
};

struct scn_device {
    const char *firmware_version; /* "2.2.0", "1.5.0" or "0.5.2" */
    /* Files that replace the version's fixtures; NULL keeps the fixture. */
    const char *bootloader, *system_part1, *system_part2;
    enum scn_app app;
    const char *app_file; /* SCN_APP_FILE */
    enum scn_device_keys keys;
    enum scn_key_part corrupt_part; /* SCN_KEYS_CORRUPTED */
    const char *keys_file;          /* SCN_KEYS_FILE */
    enum scn_server_key server_key;
    const char *server_key_file; /* SCN_SERVER_KEY_FILE */
    enum scn_server_address server_address;
    uint32_t server_ip;        /* SCN_SERVER_ADDRESS_IP */
    const char *server_domain; /* SCN_SERVER_ADDRESS_DOMAIN */
    uint16_t server_port;      /* IP and DOMAIN; 5683 unless given */
    struct scn_wifi_credentials *wifi; /* none when wifi_count is 0 */
    size_t wifi_count;
    bool static_ip;            /* false: DHCP */
    struct scn_ipv4_net ip;    /* static_ip: address and prefix */
    uint32_t gateway, dns;     /* static_ip */
    bool has_id;
    uint8_t id[SCN_DEVICE_ID_SIZE]; /* the STM32 UID, i.e. the device ID */
    struct scn_loc loc, wifi_loc, ip_loc, server_address_loc, server_key_loc, keys_loc;
};

/* ----------------------------------------------------------------- radio */

struct scn_access_point {
    const char *ssid;
    enum scn_security security;
    const char *passphrase; /* NULL for open networks */
    unsigned channel;       /* 1..14 */
    int rssi;               /* dBm, -120..0 */
    bool has_bssid;
    uint8_t bssid[6];
    scn_time appears;  /* on the air from this time (0: from power-on) */
    scn_time vanishes; /* gone from this time; SCN_TIME_NEVER: stays */
    struct scn_loc loc;
};

/* Which fields an ap-update changes. */
enum {
    SCN_AP_SECURITY = 1u << 0,
    SCN_AP_PASSPHRASE = 1u << 1,
    SCN_AP_CHANNEL = 1u << 2,
    SCN_AP_RSSI = 1u << 3,
    SCN_AP_BSSID = 1u << 4,
};

struct scn_radio {
    struct scn_access_point *access_points;
    size_t access_point_count;
};

/* --------------------------------------------------------------- network */

enum scn_direction {
    SCN_DIRECTION_BOTH,
    SCN_DIRECTION_OUT, /* from the device */
    SCN_DIRECTION_IN,  /* to the device */
};

enum scn_protocol {
    SCN_PROTOCOL_ANY,
    SCN_PROTOCOL_TCP,
    SCN_PROTOCOL_UDP,
    SCN_PROTOCOL_ICMP,
};

/* As net/fault_rules.h evaluates them: allow, drop and reject decide; loss
 * drops with its probability or lets later rules decide; delay, corrupt
 * and rate-limit add their effect and let later rules decide. */
enum scn_rule_action {
    SCN_RULE_ALLOW,      /* let it through and stop looking */
    SCN_RULE_DROP,       /* silently */
    SCN_RULE_REJECT,     /* TCP RST, or ICMP port unreachable for UDP */
    SCN_RULE_DELAY,      /* add delay (whole milliseconds) */
    SCN_RULE_LOSS,       /* drop with probability rate */
    SCN_RULE_CORRUPT,    /* damage one byte with probability rate */
    SCN_RULE_RATE_LIMIT, /* serialise at bytes_per_second */
};

enum scn_remote {
    SCN_REMOTE_ANY,
    SCN_REMOTE_NET,   /* remote_net */
    SCN_REMOTE_CLOUD, /* the simulated cloud's address */
};

/* A firewall/fault rule, tried in order (see scn_rule_action). Address and
 * port are the remote end's: the destination of what the device sends, the
 * source of what it gets (rule_text.h turns a rule into the fault engine's
 * from/to form). */
struct scn_rule {
    const char *name; /* NULL if unnamed */
    enum scn_direction direction;
    enum scn_protocol protocol;
    enum scn_remote remote;
    struct scn_ipv4_net remote_net;
    uint16_t port_low, port_high; /* 0, 0: any port */
    enum scn_rule_action action;
    scn_time delay;             /* SCN_RULE_DELAY: a whole number of milliseconds */
    double rate;                /* SCN_RULE_LOSS, SCN_RULE_CORRUPT: 0..1 */
    uint32_t bytes_per_second;  /* SCN_RULE_RATE_LIMIT */
    struct scn_loc loc;
};

enum scn_dhcp_fault {
    SCN_DHCP_FAULT_NONE,
    SCN_DHCP_FAULT_NO_OFFER, /* DISCOVERs go unanswered */
    SCN_DHCP_FAULT_NAK,      /* REQUESTs are refused */
};

struct scn_dhcp {
    bool enabled;
    uint32_t first;   /* first address handed out */
    scn_time lease;
    scn_time delay;   /* before each answer */
    enum scn_dhcp_fault fault;
};

enum scn_dns_target {
    SCN_DNS_TARGET_ADDRESS,
    SCN_DNS_TARGET_CLOUD, /* the simulated cloud's address */
    SCN_DNS_TARGET_NTP,   /* the NTP responder's address */
};

/* name: a host name, "*.domain" (any name under domain) or "*" (any name);
 * matched without regard to case (scn_dns_name_matches). */
struct scn_dns_record {
    const char *name;
    enum scn_dns_target target;
    uint32_t address; /* SCN_DNS_TARGET_ADDRESS */
    struct scn_loc loc;
};

enum scn_dns_fault_kind {
    SCN_DNS_FAULT_NONE, /* clears a fault (as a step) */
    SCN_DNS_FAULT_TIMEOUT,
    SCN_DNS_FAULT_NXDOMAIN,
    SCN_DNS_FAULT_SERVFAIL,
    SCN_DNS_FAULT_REFUSED,
    SCN_DNS_FAULT_DELAY,
};

struct scn_dns_fault {
    const char *name; /* as in scn_dns_record */
    enum scn_dns_fault_kind kind;
    scn_time delay; /* SCN_DNS_FAULT_DELAY */
    struct scn_loc loc;
};

struct scn_network {
    struct scn_ipv4_net subnet; /* default 192.168.1.0/24, a home router's */
    uint32_t gateway;           /* default 192.168.1.1 */
    uint32_t dns_server;        /* default 192.168.1.1 */
    struct scn_dhcp dhcp;       /* default on, first 192.168.1.100, lease 24 h */
    /* Added to (and overriding) the default zone: device.spark.io -> cloud,
     * pool.ntp.org and *.pool.ntp.org -> ntp. */
    struct scn_dns_record *dns_records;
    size_t dns_record_count;
    struct scn_dns_fault *dns_faults;
    size_t dns_fault_count;
    bool ntp; /* the NTP responder answers */
    struct scn_rule *rules;
    size_t rule_count;
};

/* ----------------------------------------------------------------- cloud */

enum scn_registry {
    SCN_REGISTRY_KNOWN,     /* the device's public key is registered */
    SCN_REGISTRY_UNKNOWN,   /* the device is not registered */
    SCN_REGISTRY_OTHER_KEY, /* registered with another key (after `keys new`) */
};

enum scn_handshake_stage {
    SCN_STAGE_ACCEPT,       /* before the nonce */
    SCN_STAGE_NONCE,        /* nonce sent, the device's 256 bytes never read */
    SCN_STAGE_KEY_EXCHANGE, /* 256 bytes read, no 384-byte reply */
    SCN_STAGE_REPLY,        /* 384 bytes sent, then nothing */
};

enum scn_cloud_fault_kind {
    SCN_CLOUD_FAULT_NONE, /* as a step: clears every fault */
    SCN_CLOUD_FAULT_CLOSE_AFTER,
    SCN_CLOUD_FAULT_STALL_AFTER,
    SCN_CLOUD_FAULT_SIGN_WITH_WRONG_KEY,
    SCN_CLOUD_FAULT_CORRUPT_SESSION_KEY,
    SCN_CLOUD_FAULT_TRUNCATE_REPLY, /* value: bytes of the 384 sent, 1..383 */
    SCN_CLOUD_FAULT_WITHHOLD_HELLO,
    SCN_CLOUD_FAULT_HELLO_DELAY,    /* delay */
    SCN_CLOUD_FAULT_IGNORE_PINGS,
    SCN_CLOUD_FAULT_CORRUPT_FRAME,  /* value: 1-based server frame (1 = Hello) */
    SCN_CLOUD_FAULT_OTA_DROP_CHUNKS,
    SCN_CLOUD_FAULT_OTA_BAD_CRC_CHUNKS,
};

struct scn_cloud_fault {
    enum scn_cloud_fault_kind kind;
    enum scn_handshake_stage stage; /* CLOSE_AFTER, STALL_AFTER */
    uint32_t value;
    scn_time delay;
    uint32_t chunks[SCN_OTA_CHUNKS_MAX];
    size_t chunk_count;
    struct scn_loc loc;
};

struct scn_cloud {
    const char *key_file; /* the server's private key; NULL: generated from the seed */
    enum scn_registry registry;
    bool reject_unknown; /* false: an unknown device is trusted on first use */
    struct scn_cloud_fault *faults;
    size_t fault_count;
};

/* ------------------------------------------------ what can be observed */

/* The kinds of observations, each a stream in time order (event_log.h). */
enum scn_stream {
    SCN_STREAM_PATTERN, /* LED patterns, named by the classifier */
    SCN_STREAM_SERIAL,  /* lines the firmware wrote on its serial port */
    SCN_STREAM_CLOUD,   /* events the device published, call and get results */
    SCN_STREAM_PACKET,  /* one-line descriptions of captured packets */
    SCN_STREAM_STEP,    /* steps the timeline executed */
    SCN_STREAM_COUNT,
};

enum scn_cloud_kind {
    SCN_CLOUD_EVENT,    /* the device published name = value */
    SCN_CLOUD_FUNCTION, /* a cloud-call of function name returned value */
    SCN_CLOUD_VARIABLE, /* a cloud-get of variable name returned value */
};

/* What to look for in one stream. */
struct scn_matcher {
    enum scn_stream stream;
    /* PATTERN: the pattern name; CLOUD: the event/function/variable name;
     * STEP: the step name; SERIAL, PACKET: the regex source. */
    const char *text;
    /* SERIAL, PACKET: the line; CLOUD event: its data (NULL: any);
     * CLOUD result: `matches` (NULL: use equals or any). */
    const struct scn_regex *regex;
    enum scn_cloud_kind cloud_kind;
    const char *equals; /* CLOUD results: the value (NULL: any) */
    int step;           /* STEP: index into scn_scenario.steps */
    struct scn_loc loc;
};

/* "after" something: the count-th occurrence of `what` (at or after the
 * moment step `since` ran, if since >= 0), plus delay. */
struct scn_condition {
    struct scn_matcher what;
    scn_time delay;
    unsigned count; /* >= 1 */
    int since;      /* a step index, or -1: from power-on */
    struct scn_loc loc;
};

/* ----------------------------------------------------------------- steps */

enum scn_action_kind {
    SCN_ACTION_POWER_CYCLE,   /* duration: time without power */
    SCN_ACTION_BROWNOUT,      /* power lost at this instant, back after duration */
    SCN_ACTION_RESET,         /* the RESET button */
    SCN_ACTION_SETUP,         /* hold SETUP for duration */
    SCN_ACTION_AP_ADD,        /* access_point */
    SCN_ACTION_AP_REMOVE,     /* name: the SSID */
    SCN_ACTION_AP_UPDATE,     /* access_point.ssid and the fields in ap_fields */
    SCN_ACTION_RULE_ADD,      /* rule; goes first, or replaces the rule of that name */
    SCN_ACTION_RULE_REMOVE,   /* name */
    SCN_ACTION_DNS_FAULT,     /* dns_fault */
    SCN_ACTION_CLOUD_FAULT,   /* cloud_fault; kind NONE clears all */
    SCN_ACTION_CLOUD_CALL,    /* name: function, argument */
    SCN_ACTION_CLOUD_GET,     /* name: variable */
    SCN_ACTION_CLOUD_PUBLISH, /* name: event, argument: data, private_event */
    SCN_ACTION_KEYS,          /* keys */
    SCN_ACTION_SCREENSHOT,    /* name: PNG file */
    SCN_ACTION_USB_UNPLUG,
    SCN_ACTION_USB_PLUG,
    SCN_ACTION_SERIAL_WRITE,  /* argument: the text sent to the device */
    SCN_ACTION_CLOUD_FLASH,   /* name: tinker, doctor or a user-part file (as written) */
};

enum scn_keys_recipe {
    SCN_KEYS_DOCTOR, /* new device key in the DCT, registered with the cloud */
    SCN_KEYS_NEW,    /* new device key in the DCT only: the cloud has the old one */
    SCN_KEYS_SEND,   /* register the DCT's key with the cloud */
    SCN_KEYS_SERVER, /* the cloud's public key and address into the DCT */
};

struct scn_action {
    enum scn_action_kind kind;
    scn_time duration;
    struct scn_access_point access_point;
    unsigned ap_fields; /* SCN_AP_* for AP_UPDATE */
    struct scn_rule rule;
    struct scn_dns_fault dns_fault;
    struct scn_cloud_fault cloud_fault;
    enum scn_keys_recipe keys;
    const char *name;     /* may be NULL when the kind takes none */
    const char *argument; /* may be NULL */
    bool private_event;
};

enum scn_trigger {
    SCN_TRIGGER_AT,    /* at an absolute time */
    SCN_TRIGGER_AFTER, /* after a condition */
};

struct scn_step {
    const char *name;  /* NULL if unnamed (then nothing can refer to it) */
    const char *label; /* name, or "step N (action)" for reports */
    enum scn_trigger trigger;
    scn_time at;                 /* SCN_TRIGGER_AT */
    struct scn_condition after;  /* SCN_TRIGGER_AFTER */
    struct scn_action action;
    /* The earliest time the step can run, from the timeline's structure;
     * the parser refuses steps whose earliest time is after `until`. */
    scn_time earliest;
    struct scn_loc loc, at_loc;
};

/* ---------------------------------------------------------- expectations */

enum scn_expect_kind {
    SCN_EXPECT_OCCURS,   /* `what` occurs at least `times` times in the window */
    SCN_EXPECT_SEQUENCE, /* the patterns occur in this order in the window */
    SCN_EXPECT_NEVER,    /* `what` does not occur in the window */
};

enum scn_window_open {
    SCN_OPEN_AT,    /* at `from` (0: power-on) */
    SCN_OPEN_AFTER, /* when `after` happens */
};

struct scn_expectation {
    const char *name;  /* NULL if unnamed */
    const char *label; /* name, or a description of what is expected */
    enum scn_expect_kind kind;
    struct scn_matcher what; /* OCCURS, NEVER */
    unsigned times;          /* OCCURS, >= 1 */
    struct scn_matcher *sequence; /* SEQUENCE: patterns */
    size_t sequence_count;
    bool strict;                  /* SEQUENCE: no other pattern in between */
    enum scn_window_open opens;
    scn_time from;               /* SCN_OPEN_AT */
    struct scn_condition after;  /* SCN_OPEN_AFTER */
    bool has_within;
    scn_time within; /* window length; without it the window lasts to the end of the run */
    struct scn_loc loc, from_loc, within_loc;
};

/* -------------------------------------------------------------- scenario */

struct scn_scenario {
    const char *file;      /* as given to the parser */
    const char *directory; /* of file: relative paths are relative to it */
    const char *name;
    const char *description; /* "" if none */
    uint64_t seed;
    scn_time until; /* the run's length */
    struct scn_device device;
    struct scn_radio radio;
    struct scn_network network;
    struct scn_cloud cloud;
    struct scn_step *steps;
    size_t step_count;
    struct scn_expectation *expectations;
    size_t expectation_count;
    /* private */
    struct scn_arena *arena;
    struct scn_regex *regexes;
};

/*
 * Reads and checks a scenario file. NULL on any problem, with
 * "FILE:LINE:COLUMN: reason" in err; nothing of the scenario is usable then.
 */
struct scn_scenario *scn_scenario_parse_file(const char *path, struct scn_diag *err);

/* The same for text in memory; `file` names it in messages and relative
 * paths are resolved against its directory. */
struct scn_scenario *scn_scenario_parse(const char *file, const void *text, size_t size,
                                        struct scn_diag *err);

void scn_scenario_free(struct scn_scenario *scn);

/*
 * Warnings about a valid scenario that probably does not do what its author
 * meant (credentials that match no access point, a rule no packet can
 * reach, ...). Fills up to max diagnostics, returns how many there are.
 */
size_t scn_scenario_lint(const struct scn_scenario *scn, struct scn_diag *out, size_t max);

/* A path from the scenario made absolute against its directory, in out.
 * False if it does not fit. */
bool scn_scenario_path(const struct scn_scenario *scn, const char *path, char *out, size_t size);

/* Index of the step or expectation with that name, or -1. */
int scn_scenario_find_step(const struct scn_scenario *scn, const char *name);

/* DNS name patterns: "host.name", "*.domain" (a name below domain), "*". */
bool scn_dns_name_matches(const char *pattern, const char *name);

/* Names as written in the file, for messages. */
const char *scn_action_name(enum scn_action_kind kind);
const char *scn_stream_name(enum scn_stream stream);
const char *scn_security_name(enum scn_security security);
const char *scn_rule_action_name(enum scn_rule_action action);
const char *scn_protocol_name(enum scn_protocol protocol);

/* "12.345 s" style rendering of a time, into buf (at least 32 bytes). */
const char *scn_format_time(scn_time t, char *buf, size_t size);

#endif
