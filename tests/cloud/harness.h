/*
 * Test harness: a cloud server with a fake transport and a fake clock, plus simulated
 * devices.  Every ops.send is recorded separately so tests can check that the server
 * writes each frame in one piece.
 */
#ifndef PHOTON_CLOUD_TEST_HARNESS_H
#define PHOTON_CLOUD_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cloud.h"
#include "device_sim.h"

#define HARNESS_MAX_SENDS 4096
#define HARNESS_MAX_NOTICES 512
#define HARNESS_MAX_CONNECTIONS 4

typedef struct recorded_send {
    uint8_t *bytes;
    size_t length;
} recorded_send;

typedef struct recorded_notice {
    cloud_notice_kind kind;
    int connection;
    uint32_t request_id;
    int64_t value;
    uint32_t total;
    uint8_t coap_code;
    bool is_public;
    int variable_type;
    cloud_failure failure;
    cloud_hello hello;
    char name[128];
    char text[1024];
    uint8_t data[1024];
    size_t data_length;
} recorded_notice;

/* One TCP connection between a simulated device and the server. */
typedef struct connection {
    struct harness *harness;
    int index;
    cloud_session *session;
    bool session_gone;   /* cloud_session_closed was called */
    bool close_called;   /* the server asked to close */
    uint64_t deadline;
    recorded_send sends[HARNESS_MAX_SENDS];
    size_t send_count;
    size_t sends_read;   /* how many the device consumed */
    sim_device device;
    bool device_ready;
} connection;

typedef struct harness {
    cloud_server *server;
    uint64_t now;
    connection connections[HARNESS_MAX_CONNECTIONS];
    recorded_notice notices[HARNESS_MAX_NOTICES];
    size_t notice_count;
    char *log;           /* all log lines, newline separated */
    size_t log_length;
    bool close_inside_callback; /* call cloud_session_closed from ops.close */
    int send_result;     /* what ops.send returns */
} harness;

/* Server config with the test key, the wrong-key fault key, a fixed seed, in-memory
 * registry.  Tweak it before harness_start. */
void harness_default_config(cloud_server_config *config);
void harness_start(harness *h, const cloud_server_config *config);
void harness_stop(harness *h);

/* Open a connection (cloud_session_new + start). */
connection *harness_connect(harness *h, int index);
/* Set up c's simulated device (key, id, and the server key it holds in its DCT). */
void harness_device_init(connection *c, const uint8_t *key_der, size_t key_der_length,
                         const uint8_t id[12], const uint8_t server_spki[294]);
/* The next unread server send, or NULL. */
recorded_send *harness_take_send(connection *c);
/* Run the device side of the handshake on connection c; returns the device's verdict
 * (SIM_OK, SIM_DECRYPTION_ERROR, ...), or -1 when the server sent no nonce or no reply.
 * fragment: deliver the 256 bytes in pieces of this size (0 = all at once). */
int harness_handshake(connection *c, const uint8_t *key_der, size_t key_der_length,
                      const uint8_t id[12], size_t fragment);
/* Handshake with the test device key and id, device Hello, and read the server Hello. */
connection *harness_connect_hello(harness *h, int index, const uint8_t id[12]);

/* The transport goes away (device closed, or the harness honours a close request). */
void harness_close(connection *c);

/* The device sends one CoAP message; fragment = 0 delivers the frame at once. */
void harness_device_send(connection *c, const uint8_t *message, size_t length, size_t fragment);
/* Deliver raw bytes as if from the device. */
void harness_deliver(connection *c, const uint8_t *bytes, size_t length);
/* The next frame the server sent, decrypted by the device; -1 when there is none.
 * Fails the test when a send is not exactly one frame. */
int harness_next_message(connection *c, uint8_t *out);
/* Unread server sends on c. */
size_t harness_pending(connection *c);

/* Advance the fake clock, firing due timers. */
void harness_advance(harness *h, uint64_t ns);

/* The i-th notice of a kind (0-based), or NULL. */
recorded_notice *harness_notice(harness *h, cloud_notice_kind kind, size_t nth);
size_t harness_count_notices(harness *h, cloud_notice_kind kind);
bool harness_log_contains(harness *h, const char *text);

extern const uint8_t harness_device_id[12];
extern const uint8_t harness_device2_id[12];

#endif
