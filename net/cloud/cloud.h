/*
 * photon-cloud: the Particle device-cloud server core (Device OS 2.2.0, Photon, TCP).
 *
 * Plain C on mbedTLS, no I/O of its own: the caller owns the sockets and the clock and
 * hands them in through cloud_ops.  The same core runs inside QEMU behind libslirp on
 * the virtual clock and in the standalone photon-cloud TCP server.  Given the same seed
 * and the same input bytes at the same times, it sends the same bytes.
 *
 * Life of a connection, from the transport's point of view:
 *   s = cloud_session_new(server, "10.0.2.15:49152", my_conn);
 *   cloud_session_start(s);               // sends the 40-byte nonce
 *   cloud_session_received(s, bytes, n);  // for every chunk TCP delivers
 *   cloud_session_timer(s, now);          // when the deadline from ops.set_timer passes
 *   cloud_session_closed(s);              // when the socket is gone; frees s
 * When the core decides to end a connection it calls ops.close; the transport closes the
 * socket and then calls cloud_session_closed (calling it from inside the callback is fine).
 *
 * References: shared/reference/cloud-protocol.md (byte layouts, failure codes).
 */
#ifndef PHOTON_CLOUD_H
#define PHOTON_CLOUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "describe.h"

typedef struct cloud_server cloud_server;
typedef struct cloud_session cloud_session;
typedef struct cloud_registry cloud_registry;

#define CLOUD_NO_DEADLINE UINT64_MAX
#define CLOUD_DEFAULT_PORT 5683
#define CLOUD_DEVICE_ID_HEX_LEN 24
#define CLOUD_SERVER_SPKI_LEN 294 /* the RSA-2048 key the device's DCT holds at 2082 */

typedef enum cloud_log_level {
    CLOUD_LOG_ERROR,
    CLOUD_LOG_WARN,
    CLOUD_LOG_INFO,
    CLOUD_LOG_DEBUG,
} cloud_log_level;

/* Where the server-side "stop" fault acts, in handshake order. */
typedef enum cloud_handshake_step {
    CLOUD_STEP_NONE = 0,
    CLOUD_STEP_AFTER_ACCEPT, /* before the nonce: device fails with 25 after 20 s if stalled */
    CLOUD_STEP_AFTER_NONCE,  /* nonce sent, the device's 256 bytes never read */
    CLOUD_STEP_AFTER_BLOB,   /* 256 bytes read, no 384-byte reply: device error 26 */
    CLOUD_STEP_AFTER_REPLY,  /* 384 bytes sent, then nothing: no server Hello */
} cloud_handshake_step;

#define CLOUD_FAULT_MAX_CHUNKS 16

/*
 * Server-side faults for scenarios.  The server's copy is the default for new sessions;
 * each session has its own live copy (cloud_session_faults).  Zero means "no fault".
 * The comment after each says what a Device OS 2.2.0 Photon does about it.
 */
typedef struct cloud_faults {
    cloud_handshake_step stop_at;    /* close the connection at this step ... */
    bool stall_instead_of_close;     /* ... or go silent there instead */
    bool sign_with_wrong_key;        /* signature check fails: AUTHENTICATION_ERROR 8, red */
    bool corrupt_session_key_block;  /* RSA decrypt of the 128 bytes fails: DECRYPTION_ERROR 6 */
    uint16_t truncate_reply_to;      /* send only this many of the 384 bytes (1..383) */
    bool withhold_hello;             /* no server Hello: MESSAGE_TIMEOUT 10 after 4 s */
    uint32_t hello_delay_ms;         /* delay the server Hello (the device waits 4000 ms) */
    bool ignore_pings;               /* no ping ACK: device PING_TIMEOUT 1, 10 s after its ping */
    uint32_t corrupt_frame;          /* 1-based server frame number to corrupt (1 = Hello) */
    uint32_t ota_drop_chunks[CLOUD_FAULT_MAX_CHUNKS]; /* never sent on the first pass */
    size_t ota_drop_count;
    uint32_t ota_bad_crc_chunks[CLOUD_FAULT_MAX_CHUNKS]; /* first attempt has a wrong CRC */
    size_t ota_bad_crc_count;
} cloud_faults;

/* Why a session ended, or the first thing that went wrong in it. */
typedef enum cloud_failure {
    CLOUD_FAILURE_NONE = 0,
    CLOUD_FAILURE_KEY_EXCHANGE_TIMEOUT, /* fewer than 256 bytes arrived in time */
    CLOUD_FAILURE_KEY_EXCHANGE_DECRYPT, /* RSA decrypt with our key failed: device has another server key */
    CLOUD_FAILURE_KEY_EXCHANGE_SHORT,   /* plaintext shorter than nonce + id */
    CLOUD_FAILURE_NONCE_MISMATCH,
    CLOUD_FAILURE_DEVICE_KEY_INVALID,   /* bytes 52.. are not an RSA-1024 public key */
    CLOUD_FAILURE_DEVICE_KEY_MISMATCH,  /* differs from the registered key */
    CLOUD_FAILURE_DEVICE_UNKNOWN,       /* not registered and unknown devices are rejected */
    CLOUD_FAILURE_REGISTRY,             /* registry file unreadable or not writable */
    CLOUD_FAILURE_SERVER_CRYPTO,        /* our own RSA/HMAC/DRBG call failed */
    CLOUD_FAILURE_HELLO_TIMEOUT,        /* no device Hello after our 384 bytes */
    CLOUD_FAILURE_BAD_FRAME,            /* frame length or padding wrong: stream out of step */
    CLOUD_FAILURE_KEEPALIVE_TIMEOUT,    /* device silent and did not answer our ping */
    CLOUD_FAILURE_SEND_FAILED,          /* transport refused a frame */
    CLOUD_FAILURE_FAULT_INJECTED,       /* a cloud_faults option ended it on purpose */
    CLOUD_FAILURE_REPLACED,             /* the same device connected again */
    CLOUD_FAILURE_PEER_CLOSED,          /* the device (or network) closed the connection */
    CLOUD_FAILURE_SERVER_SHUTDOWN,
} cloud_failure;

const char *cloud_failure_name(cloud_failure failure);

typedef enum cloud_session_state {
    CLOUD_SESSION_NEW,                   /* created, cloud_session_start not yet called */
    CLOUD_SESSION_AWAITING_KEY_EXCHANGE, /* nonce sent, reading the 256 bytes */
    CLOUD_SESSION_AWAITING_HELLO,        /* 384 bytes sent, channel up */
    CLOUD_SESSION_CONNECTED,             /* device Hello received ("breathing cyan" soon) */
    CLOUD_SESSION_CLOSED,                /* ended; waiting for cloud_session_closed */
} cloud_session_state;

const char *cloud_session_state_name(cloud_session_state state);

/* The device's Hello payload. */
typedef struct cloud_hello {
    uint16_t product_id;
    uint16_t product_version;
    uint8_t flags;       /* 0x01 OTA done, 0x02 diagnostics, 0x04 immediate updates, ... */
    uint16_t platform_id; /* 6 = Photon */
    uint16_t message_id;
    bool message_id_matches_salt; /* id == little-endian salt + 1, as Device OS computes it */
} cloud_hello;

typedef enum cloud_notice_kind {
    CLOUD_NOTICE_HANDSHAKE_DONE, /* 384 bytes sent; device_id known */
    CLOUD_NOTICE_CONNECTED,      /* device Hello received: hello */
    CLOUD_NOTICE_CLOSED,         /* session ended: failure, text */
    CLOUD_NOTICE_DESCRIBE,       /* describe JSON parsed: data = JSON, describe */
    CLOUD_NOTICE_EVENT,          /* device published: name, data, is_public */
    CLOUD_NOTICE_SUBSCRIBE,      /* device subscribed: name = filter */
    CLOUD_NOTICE_TIME_SENT,      /* answered GET /t: value = Unix time */
    CLOUD_NOTICE_FUNCTION_RESULT, /* request_id, name, value */
    CLOUD_NOTICE_VARIABLE_VALUE, /* request_id, name, data (raw), text (decoded), variable_type */
    CLOUD_NOTICE_SIGNAL_DONE,    /* request_id */
    CLOUD_NOTICE_PING_DONE,      /* request_id */
    CLOUD_NOTICE_REQUEST_FAILED, /* request_id, name, coap_code (0 = timeout), text */
    CLOUD_NOTICE_OTA_PROGRESS,   /* request_id, value = chunks confirmed, total = chunk count */
    CLOUD_NOTICE_OTA_DONE,       /* request_id, data = the device's UpdateDone payload */
    CLOUD_NOTICE_OTA_FAILED,     /* request_id, text */
} cloud_notice_kind;

typedef struct cloud_notice {
    cloud_notice_kind kind;
    uint32_t request_id;
    const char *name;
    const uint8_t *data;
    size_t data_length;
    const char *text;
    int64_t value;
    uint32_t total;
    uint8_t coap_code;
    bool is_public;
    int variable_type; /* CLOUD_VARIABLE_* from describe.h, 0 when unknown */
    cloud_failure failure;
    const cloud_hello *hello;
    const cloud_describe *describe;
} cloud_notice;

/*
 * What the core needs from its host.  ctx is passed back to every callback.
 * send: called exactly once per whole frame (length + ciphertext, or a handshake
 *       block); write it in ONE piece.  Return < 0 if the connection is broken.
 * set_timer: the session's single deadline (absolute, in now_ns time), or
 *       CLOUD_NO_DEADLINE.  Replaces any earlier deadline of that session.
 * close: please close this connection; then call cloud_session_closed.
 * log, notify: optional (NULL to ignore).
 */
typedef struct cloud_ops {
    void *ctx;
    uint64_t (*now_ns)(void *ctx);
    void (*set_timer)(void *ctx, cloud_session *session, uint64_t deadline_ns);
    int (*send)(void *ctx, cloud_session *session, const uint8_t *bytes, size_t length);
    void (*close)(void *ctx, cloud_session *session);
    void (*log)(void *ctx, cloud_session *session, cloud_log_level level, const char *message);
    void (*notify)(void *ctx, cloud_session *session, const cloud_notice *notice);
} cloud_ops;

typedef struct cloud_server_config {
    /* CTR-DRBG seed: nonces, session keys, message IDs, generated keys all follow from it. */
    const uint8_t *seed;
    size_t seed_length;
    /* Device registry and server key directory; NULL keeps both in memory only. */
    const char *registry_dir;
    /* Server private key (PEM incl. its NUL, or DER).  NULL: load <registry_dir>/server_key.pem,
     * or generate an RSA-2048 key there (or in memory) on first use. */
    const uint8_t *server_key;
    size_t server_key_length;
    /* Key used by faults.sign_with_wrong_key.  NULL: generated when first needed (slow). */
    const uint8_t *wrong_server_key;
    size_t wrong_server_key_length;
    bool reject_unknown_devices; /* false: trust on first use and register the key */
    int64_t unix_time_offset_s;  /* Unix time sent for GET /t = now_ns / 1e9 + this */
    /* Ask for the device's description after the Hello, as Particle's cloud does:
     * Device OS 0.5.x describes itself only when asked. */
    bool describe_after_hello;
    uint32_t request_timeout_ms; /* function/variable/describe results; 0 = 20000 */
    uint32_t fast_ota_chunk_interval_ms; /* pacing of fast-OTA chunks; 0 = 20 */
    cloud_faults faults;         /* defaults for new sessions */
} cloud_server_config;

/* NULL on failure, with the reason in error. */
cloud_server *cloud_server_new(const cloud_server_config *config, const cloud_ops *ops,
                               char *error, size_t error_size);
/* Frees all sessions too (without calling ops.close). */
void cloud_server_free(cloud_server *server);

/* The 294-byte SPKI DER to write at DCT offset 2082 (what `particle keys server` writes). */
int cloud_server_public_key_spki(const cloud_server *server, uint8_t out[CLOUD_SERVER_SPKI_LEN]);
/* "c3 4f 1a ..." : the first bytes of our modulus, as the diagnostics quote them. */
const char *cloud_server_key_fingerprint(const cloud_server *server);
cloud_registry *cloud_server_registry(cloud_server *server);
cloud_faults *cloud_server_faults(cloud_server *server);
void cloud_server_set_reject_unknown(cloud_server *server, bool reject);

/* Publish to every connected device with a matching subscription; returns how many. */
int cloud_server_publish(cloud_server *server, const char *name, const uint8_t *data,
                         size_t data_length, bool is_public);
/* Iterate sessions: pass NULL for the first. */
cloud_session *cloud_server_next_session(cloud_server *server, cloud_session *after);
/* A connected session by 24-hex device ID or registry name, or NULL. */
cloud_session *cloud_server_find_session(cloud_server *server, const char *id_or_name);

/* --- sessions (one per TCP connection) --- */

cloud_session *cloud_session_new(cloud_server *server, const char *peer, void *transport);
void cloud_session_start(cloud_session *session);
void cloud_session_received(cloud_session *session, const uint8_t *data, size_t length);
void cloud_session_timer(cloud_session *session, uint64_t now_ns);
void cloud_session_closed(cloud_session *session);

void *cloud_session_transport(const cloud_session *session);
const char *cloud_session_peer(const cloud_session *session);
const char *cloud_session_device_id(const cloud_session *session); /* "" until known */
cloud_session_state cloud_session_get_state(const cloud_session *session);
/* First failure and its explanation ("" when none). */
cloud_failure cloud_session_failure(const cloud_session *session, const char **text);
cloud_faults *cloud_session_faults(cloud_session *session);
const cloud_hello *cloud_session_hello(const cloud_session *session); /* NULL before it */
/* What the device described so far (application + system parts merged). */
const cloud_describe *cloud_session_describe(const cloud_session *session);

/*
 * Requests to the device.  Each returns a request id (> 0) that its result notice will
 * carry, or a negative value when the request cannot be sent (the reason is logged).
 */
int64_t cloud_session_call_function(cloud_session *session, const char *name, const char *argument);
int64_t cloud_session_get_variable(cloud_session *session, const char *name);
int64_t cloud_session_request_describe(cloud_session *session, unsigned flags); /* 1 sys, 2 app */
int64_t cloud_session_signal(cloud_session *session, bool on);
int64_t cloud_session_ping(cloud_session *session);

typedef struct cloud_ota_options {
    bool fast;              /* fast OTA: stream chunks, device reports missed ones */
    uint16_t chunk_size;    /* 0 = 512, what the Photon advertises */
    unsigned max_retries;   /* per chunk on BAD CRC, and UpdateDone rounds; 0 = 5 */
} cloud_ota_options;

/* Flash image[0..length) as the user part.  The image is copied. */
int64_t cloud_session_start_ota(cloud_session *session, const uint8_t *image, size_t length,
                                const cloud_ota_options *options);

/* Send an event to this device regardless of its subscriptions (NON, as the device wants). */
int cloud_session_send_event(cloud_session *session, const char *name, const uint8_t *data,
                             size_t data_length, bool is_public);

#endif
