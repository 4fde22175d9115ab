/*
 * Internals shared by server.c, session.c, handshake.c and ota.c.  Not a public API:
 * tests and fuzz targets may use it to reach states directly.
 */
#ifndef PHOTON_CLOUD_SESSION_INTERNAL_H
#define PHOTON_CLOUD_SESSION_INTERNAL_H

#include <stdarg.h>

#include <mbedtls/pk.h>

#include "channel.h"
#include "cloud.h"
#include "coap.h"
#include "describe.h"
#include "registry.h"
#include "rng.h"

#define CLOUD_NS_PER_MS 1000000ull
#define CLOUD_NS_PER_S 1000000000ull

/* The device waits 20 s for each handshake step; give it a little more. */
#define CLOUD_KEY_EXCHANGE_TIMEOUT_NS (30 * CLOUD_NS_PER_S)
/* The device sends its Hello right after verifying our reply; 10 s of silence means it
 * rejected the reply (it keeps the socket open through its internet test). */
#define CLOUD_HELLO_TIMEOUT_NS (10 * CLOUD_NS_PER_S)
/* A healthy device says something at least every 15 s (its ping); BSP uses 31 s. */
#define CLOUD_IDLE_PING_NS (31 * CLOUD_NS_PER_S)
#define CLOUD_KEEPALIVE_REPLY_NS (15 * CLOUD_NS_PER_S)
#define CLOUD_DEFAULT_REQUEST_TIMEOUT_MS 20000
#define CLOUD_DEFAULT_FAST_OTA_INTERVAL_MS 20

#define CLOUD_MAX_PENDING 32
#define CLOUD_MAX_SUBSCRIPTIONS 16
/* Device OS limits (protocol_defs.h) */
#define CLOUD_MAX_FUNCTION_ARGUMENT 622
#define CLOUD_MAX_EVENT_DATA 622

typedef enum cloud_request_kind {
    CLOUD_REQUEST_FUNCTION,
    CLOUD_REQUEST_VARIABLE,
    CLOUD_REQUEST_DESCRIBE,
    CLOUD_REQUEST_SIGNAL,
    CLOUD_REQUEST_PING,
    CLOUD_REQUEST_KEEPALIVE, /* our own ping after a long silence */
    CLOUD_REQUEST_OTA_BEGIN,
    CLOUD_REQUEST_OTA_CHUNK,
    CLOUD_REQUEST_OTA_DONE,
} cloud_request_kind;

typedef struct cloud_request {
    bool in_use;
    cloud_request_kind kind;
    int64_t request_id; /* what notices report; the OTA's id for OTA messages */
    uint16_t message_id;
    bool has_token;
    uint8_t token;
    bool acknowledged; /* empty ACK seen; the result comes separately */
    uint64_t deadline_ns;
    uint32_t chunk_index;
    char name[CLOUD_NAME_MAX + 1];
} cloud_request;

typedef struct cloud_subscription {
    char filter[CLOUD_NAME_MAX + 1]; /* event name prefix */
    char device_id[25];              /* only events from this device, when set */
    bool my_devices;
} cloud_subscription;

struct cloud_ota;

struct cloud_server {
    cloud_ops ops;
    cloud_rng rng;
    mbedtls_pk_context key;
    mbedtls_pk_context wrong_key;
    bool wrong_key_ready;
    uint8_t spki[CLOUD_SERVER_SPKI_LEN];
    char fingerprint[64];
    cloud_registry *registry;
    bool reject_unknown;
    int64_t unix_time_offset_s;
    bool describe_after_hello;
    uint64_t request_timeout_ns;
    uint64_t fast_ota_interval_ns;
    cloud_faults faults;
    cloud_session *sessions;
    int64_t next_request_id;
    unsigned busy; /* nesting depth of core entry points */
};

struct cloud_session {
    cloud_server *server;
    cloud_session *next;
    void *transport;
    char peer[64];
    char device_id[25];
    cloud_session_state state;
    cloud_faults faults;
    cloud_failure failure;
    char failure_text[1024];
    bool stalled;        /* a stall fault: ignore everything from now on */
    bool close_requested;
    bool free_pending;   /* cloud_session_closed came while the core was busy */
    bool goodbye_received;
    bool ota_completed;
    uint64_t started_ns;

    /* handshake */
    uint8_t nonce[40];
    uint8_t key_exchange[256];
    size_t key_exchange_have;
    uint64_t key_exchange_deadline_ns;
    uint16_t expected_hello_id;

    /* channel and Hello */
    bool channel_ready;
    cloud_channel channel;
    uint64_t hello_deadline_ns;
    bool hello_send_pending;
    uint64_t hello_send_due_ns;
    bool server_hello_sent;
    bool hello_received;
    cloud_hello hello;
    uint32_t frames_received;
    uint32_t pings_ignored;

    /* protocol */
    uint16_t next_message_id;
    uint8_t next_token;
    uint64_t last_receive_ns;
    cloud_request requests[CLOUD_MAX_PENDING];
    cloud_subscription subscriptions[CLOUD_MAX_SUBSCRIPTIONS];
    size_t subscription_count;
    cloud_describe describe;
    struct cloud_ota *ota;

    uint64_t armed_deadline_ns; /* last value given to ops.set_timer */
    uint8_t plain[CLOUD_CHANNEL_MAX_RECEIVE];
};

/* --- server.c --- */
uint64_t cloud_now(cloud_server *server);
void cloud_enter(cloud_server *server);
void cloud_leave(cloud_server *server);
void cloud_logf(cloud_session *s, cloud_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cloud_server_logf(cloud_server *server, cloud_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cloud_notify(cloud_session *s, const cloud_notice *notice);
int64_t cloud_next_request_id(cloud_server *server);
/* Deliver a device's (from != NULL) or the server's event to matching subscriptions. */
int cloud_deliver_event(cloud_server *server, cloud_session *from, const char *name,
                        const uint8_t *data, size_t data_length, bool is_public);
/* Close older sessions of the device s just authenticated. */
void cloud_replace_older_sessions(cloud_session *s);
/* The key for the wrong-key fault, generated on first use. */
mbedtls_pk_context *cloud_wrong_key(cloud_server *server);

/* --- session.c --- */
/* Record the first failure (later ones are only logged), log it, and close. */
void cloud_session_fail(cloud_session *s, cloud_failure failure, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A stall fault: record why and ignore the connection from now on. */
void cloud_session_stall(cloud_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cloud_session_request_close(cloud_session *s);
/* Send bytes as they are (handshake blocks); false if the transport failed. */
bool cloud_session_send_raw(cloud_session *s, const uint8_t *bytes, size_t length);
/* Seal one CoAP message into a frame and send it in one piece. */
bool cloud_session_send_message(cloud_session *s, const uint8_t *coap, size_t length);
uint16_t cloud_session_next_message_id(cloud_session *s);
/* A free request slot with a fresh message id (and token); NULL when all are busy. */
cloud_request *cloud_session_new_request(cloud_session *s, cloud_request_kind kind,
                                         int64_t request_id, bool with_token,
                                         uint64_t timeout_ns);
void cloud_session_release_request(cloud_request *r);
/* Called by handshake.c once the channel is up. */
void cloud_session_channel_ready(cloud_session *s, const uint8_t session_key[40]);
uint64_t cloud_session_deadline(cloud_session *s);
/* Free the sessions whose close completed (cloud_leave calls it). */
void cloud_session_reap(cloud_server *server);
/* Encode and send one event to this session (NON: on TCP the device ACKs no event). */
bool cloud_session_send_event_internal(cloud_session *s, const char *name, const uint8_t *data,
                                       size_t data_length, bool is_public);

/* --- handshake.c --- */
void cloud_handshake_start(cloud_session *s);
/* Consumes key-exchange bytes; returns how many it took. */
size_t cloud_handshake_receive(cloud_session *s, const uint8_t *data, size_t length);
/* Everything after the RSA decryption: check the nonce, identify and authenticate the
 * device, send the reply.  Separate so a fuzzer can reach it without an RSA private op. */
void cloud_handshake_process_block(cloud_session *s, const uint8_t *plain, size_t plain_length);
/* Why the device may have rejected our reply, for timeout and close messages. */
void cloud_handshake_rejection_hint(cloud_session *s, char *out, size_t out_size);

/* --- ota.c --- */
int64_t cloud_ota_start(cloud_session *s, const uint8_t *image, size_t length,
                        const cloud_ota_options *options);
void cloud_ota_free(cloud_session *s, const char *abort_reason);
/* An ACK (empty or piggybacked) or separate response for an OTA request. */
void cloud_ota_on_reply(cloud_session *s, cloud_request *r, const coap_message *m,
                        bool is_ack);
void cloud_ota_on_timeout(cloud_session *s, cloud_request *r);
void cloud_ota_on_chunk_missed(cloud_session *s, const coap_message *m);
uint64_t cloud_ota_deadline(cloud_session *s);
void cloud_ota_timer(cloud_session *s, uint64_t now);

#endif
