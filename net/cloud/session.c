/*
 * One device connection after (and around) the handshake: frames in, CoAP dispatch,
 * requests out, timers.  Every message the device sends is bounds-checked here before
 * any field is used; the device is allowed to be wrong, never to crash the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_internal.h"
#include "util.h"

/* Room for the largest CoAP message the device can take (767 bytes). */
#define MESSAGE_BUFFER CLOUD_CHANNEL_MAX_SEND_PLAINTEXT

static const char *const failure_names[] = {
    [CLOUD_FAILURE_NONE] = "none",
    [CLOUD_FAILURE_KEY_EXCHANGE_TIMEOUT] = "key-exchange-timeout",
    [CLOUD_FAILURE_KEY_EXCHANGE_DECRYPT] = "key-exchange-decrypt",
    [CLOUD_FAILURE_KEY_EXCHANGE_SHORT] = "key-exchange-short",
    [CLOUD_FAILURE_NONCE_MISMATCH] = "nonce-mismatch",
    [CLOUD_FAILURE_DEVICE_KEY_INVALID] = "device-key-invalid",
    [CLOUD_FAILURE_DEVICE_KEY_MISMATCH] = "device-key-mismatch",
    [CLOUD_FAILURE_DEVICE_UNKNOWN] = "device-unknown",
    [CLOUD_FAILURE_REGISTRY] = "registry",
    [CLOUD_FAILURE_SERVER_CRYPTO] = "server-crypto",
    [CLOUD_FAILURE_HELLO_TIMEOUT] = "hello-timeout",
    [CLOUD_FAILURE_BAD_FRAME] = "bad-frame",
    [CLOUD_FAILURE_KEEPALIVE_TIMEOUT] = "keepalive-timeout",
    [CLOUD_FAILURE_SEND_FAILED] = "send-failed",
    [CLOUD_FAILURE_FAULT_INJECTED] = "fault-injected",
    [CLOUD_FAILURE_REPLACED] = "replaced",
    [CLOUD_FAILURE_PEER_CLOSED] = "peer-closed",
    [CLOUD_FAILURE_SERVER_SHUTDOWN] = "server-shutdown",
};

const char *cloud_failure_name(cloud_failure failure)
{
    if ((size_t)failure < sizeof(failure_names) / sizeof(failure_names[0]) &&
        failure_names[failure]) {
        return failure_names[failure];
    }
    return "unknown";
}

const char *cloud_session_state_name(cloud_session_state state)
{
    switch (state) {
    case CLOUD_SESSION_NEW:
        return "new";
    case CLOUD_SESSION_AWAITING_KEY_EXCHANGE:
        return "awaiting-key-exchange";
    case CLOUD_SESSION_AWAITING_HELLO:
        return "awaiting-hello";
    case CLOUD_SESSION_CONNECTED:
        return "connected";
    case CLOUD_SESSION_CLOSED:
        return "closed";
    }
    return "unknown";
}

/* ---------------------------------------------------------------- failure and closing */

static void record_failure_v(cloud_session *s, cloud_failure failure, cloud_log_level level,
                             const char *fmt, va_list ap)
{
    char text[sizeof(s->failure_text)];

    vsnprintf(text, sizeof(text), fmt, ap);
    cloud_logf(s, level, "%s", text);
    if (s->failure == CLOUD_FAILURE_NONE) {
        s->failure = failure;
        memcpy(s->failure_text, text, sizeof(text));
    }
}

void cloud_session_request_close(cloud_session *s)
{
    if (s->close_requested) {
        return;
    }
    s->close_requested = true;
    s->state = CLOUD_SESSION_CLOSED;
    if (s->server->ops.close) {
        s->server->ops.close(s->server->ops.ctx, s);
    }
}

void cloud_session_fail(cloud_session *s, cloud_failure failure, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record_failure_v(s, failure, CLOUD_LOG_ERROR, fmt, ap);
    va_end(ap);
    cloud_session_request_close(s);
}

void cloud_session_stall(cloud_session *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record_failure_v(s, CLOUD_FAILURE_FAULT_INJECTED, CLOUD_LOG_WARN, fmt, ap);
    va_end(ap);
    s->stalled = true;
}

/* ---------------------------------------------------------------- sending */

bool cloud_session_send_raw(cloud_session *s, const uint8_t *bytes, size_t length)
{
    if (s->state == CLOUD_SESSION_CLOSED) {
        return false;
    }
    if (s->server->ops.send(s->server->ops.ctx, s, bytes, length) < 0) {
        cloud_session_fail(s, CLOUD_FAILURE_SEND_FAILED,
                           "transport failed to send %zu bytes; the connection is gone", length);
        return false;
    }
    return true;
}

bool cloud_session_send_message(cloud_session *s, const uint8_t *coap, size_t length)
{
    uint8_t frame[CLOUD_CHANNEL_MAX_FRAME];
    unsigned flags = 0;
    int frame_length;

    if (!s->channel_ready || s->state == CLOUD_SESSION_CLOSED || s->stalled) {
        return false;
    }
    if (s->faults.corrupt_frame && s->channel.frames_sent + 1 == s->faults.corrupt_frame) {
        flags |= CLOUD_CHANNEL_CORRUPT_FIRST_BLOCK;
        cloud_logf(s, CLOUD_LOG_WARN,
                   "fault: corrupting server frame %u (first cipher block); the device "
                   "decrypts garbage for this one message",
                   (unsigned)s->faults.corrupt_frame);
    }
    frame_length = cloud_channel_seal(&s->channel, coap, length, frame, sizeof(frame), flags);
    if (frame_length < 0) {
        cloud_logf(s, CLOUD_LOG_ERROR, "cannot send a %zu-byte message: %s", length,
                   cloud_channel_result_text((cloud_channel_result)frame_length));
        return false;
    }
    return cloud_session_send_raw(s, frame, (size_t)frame_length);
}

uint16_t cloud_session_next_message_id(cloud_session *s)
{
    return s->next_message_id++;
}

static bool send_empty_ack(cloud_session *s, uint16_t message_id)
{
    uint8_t ack[4] = { 0x60, 0x00, (uint8_t)(message_id >> 8), (uint8_t)message_id };
    return cloud_session_send_message(s, ack, sizeof(ack));
}

/* ---------------------------------------------------------------- requests */

cloud_request *cloud_session_new_request(cloud_session *s, cloud_request_kind kind,
                                         int64_t request_id, bool with_token,
                                         uint64_t timeout_ns)
{
    cloud_request *slot = NULL;
    size_t free_slots = 0;

    for (size_t i = 0; i < CLOUD_MAX_PENDING; i++) {
        if (!s->requests[i].in_use) {
            free_slots++;
            if (!slot) {
                slot = &s->requests[i];
            }
        }
    }
    /* The last slot belongs to the keepalive ping: without it a flood of requests would
     * leave the keepalive deadline due forever and spin the host's timer. */
    if (!slot || (free_slots == 1 && kind != CLOUD_REQUEST_KEEPALIVE)) {
        cloud_logf(s, CLOUD_LOG_WARN, "%d requests already outstanding; try again later",
                   CLOUD_MAX_PENDING - 1);
        return NULL;
    }
    memset(slot, 0, sizeof(*slot));
    slot->in_use = true;
    slot->kind = kind;
    slot->request_id = request_id;
    slot->message_id = cloud_session_next_message_id(s);
    slot->deadline_ns = timeout_ns ? cloud_now(s->server) + timeout_ns : CLOUD_NO_DEADLINE;
    if (with_token) {
        /* A 1-byte token unique among outstanding requests: the device's parser reads
         * fixed offsets that assume exactly one token byte. */
        for (int tries = 0; tries < 256; tries++) {
            uint8_t candidate = s->next_token++;
            bool busy = candidate == 0;
            for (size_t i = 0; i < CLOUD_MAX_PENDING && !busy; i++) {
                busy = &s->requests[i] != slot && s->requests[i].in_use &&
                       s->requests[i].has_token && s->requests[i].token == candidate;
            }
            if (!busy) {
                slot->token = candidate;
                slot->has_token = true;
                break;
            }
        }
    }
    return slot;
}

void cloud_session_release_request(cloud_request *r)
{
    memset(r, 0, sizeof(*r));
}

static cloud_request *find_by_message_id(cloud_session *s, uint16_t message_id)
{
    for (size_t i = 0; i < CLOUD_MAX_PENDING; i++) {
        if (s->requests[i].in_use && s->requests[i].message_id == message_id) {
            return &s->requests[i];
        }
    }
    return NULL;
}

static cloud_request *find_by_token(cloud_session *s, const coap_message *m)
{
    if (m->token_length != 1) {
        return NULL;
    }
    for (size_t i = 0; i < CLOUD_MAX_PENDING; i++) {
        if (s->requests[i].in_use && s->requests[i].has_token &&
            s->requests[i].token == m->token[0]) {
            return &s->requests[i];
        }
    }
    return NULL;
}

static void notify_request_failed(cloud_session *s, cloud_request *r, uint8_t code,
                                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void notify_request_failed(cloud_session *s, cloud_request *r, uint8_t code,
                                  const char *fmt, ...)
{
    char text[768];
    va_list ap;
    cloud_notice notice = { .kind = CLOUD_NOTICE_REQUEST_FAILED };

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    cloud_logf(s, CLOUD_LOG_WARN, "%s", text);
    notice.request_id = (uint32_t)r->request_id;
    notice.name = r->name;
    notice.coap_code = code;
    notice.text = text;
    cloud_notify(s, &notice);
}

static bool session_connected(cloud_session *s, const char *what)
{
    if (s->state != CLOUD_SESSION_CONNECTED || s->stalled) {
        cloud_logf(s, CLOUD_LOG_WARN, "cannot %s: session is %s%s", what,
                   cloud_session_state_name(s->state), s->stalled ? " (stalled by a fault)" : "");
        return false;
    }
    return true;
}

/* ---------------------------------------------------------------- Hello */

static void send_server_hello(cloud_session *s)
{
    uint8_t hello[6];
    uint16_t id = cloud_session_next_message_id(s);

    /* NON POST /h with no token and no payload, as BSP and PSP send it */
    hello[0] = 0x50;
    hello[1] = COAP_CODE_POST;
    cloud_put_be16(hello + 2, id);
    hello[4] = 0xb1;
    hello[5] = 'h';
    s->hello_send_pending = false;
    if (cloud_session_send_message(s, hello, sizeof(hello))) {
        s->server_hello_sent = true;
        cloud_logf(s, CLOUD_LOG_INFO, "hello: sent the server Hello (message id 0x%04x)", id);
        if (s->server->describe_after_hello) {
            cloud_session_request_describe(s, 3);
        }
    }
}

static void handle_device_hello(cloud_session *s, const coap_message *m)
{
    cloud_hello *hello = &s->hello;
    bool first = !s->hello_received;

    memset(hello, 0, sizeof(*hello));
    hello->message_id = m->message_id;
    hello->message_id_matches_salt = m->message_id == s->expected_hello_id;
    if (m->payload_length >= 8) {
        const uint8_t *p = m->payload;
        hello->product_id = cloud_get_be16(p);
        hello->product_version = cloud_get_be16(p + 2);
        hello->flags = p[5];
        hello->platform_id = cloud_get_be16(p + 6);
    } else {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "hello: the device's Hello carries %zu payload bytes; expected 8 "
                   "(product id, version, reserved, flags, platform id)",
                   m->payload_length);
    }
    s->hello_received = true;
    cloud_logf(s, CLOUD_LOG_INFO,
               "hello: device Hello: product %u version %u flags 0x%02x%s platform %u%s",
               hello->product_id, hello->product_version, hello->flags,
               (hello->flags & 1) ? " (first boot after an OTA update)" : "", hello->platform_id,
               hello->platform_id != 6 && m->payload_length >= 8 ? " (not a Photon)" : "");
    if (!hello->message_id_matches_salt) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "hello: message id 0x%04x, expected 0x%04x (little-endian salt + 1): the "
                   "device's counter is not derived from our session salt",
                   m->message_id, s->expected_hello_id);
    }
    if (!first) {
        cloud_logf(s, CLOUD_LOG_WARN, "hello: the device sent another Hello in the same session");
    }
    if (m->type == COAP_TYPE_CON) {
        send_empty_ack(s, m->message_id);
    }
    if (s->state == CLOUD_SESSION_AWAITING_HELLO) {
        s->state = CLOUD_SESSION_CONNECTED;
        cloud_notice notice = { .kind = CLOUD_NOTICE_CONNECTED, .hello = hello };
        cloud_notify(s, &notice);
    }
    if (s->faults.withhold_hello) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "fault: withholding the server Hello; the device gives up after 4 s "
                   "(MESSAGE_TIMEOUT 10, red flash)");
        return;
    }
    if (s->faults.hello_delay_ms) {
        s->hello_send_pending = true;
        s->hello_send_due_ns = cloud_now(s->server) + s->faults.hello_delay_ms * CLOUD_NS_PER_MS;
        cloud_logf(s, CLOUD_LOG_WARN, "fault: delaying the server Hello by %u ms%s",
                   (unsigned)s->faults.hello_delay_ms,
                   s->faults.hello_delay_ms >= 4000 ? " (the device waits only 4000 ms)" : "");
        return;
    }
    send_server_hello(s);
}

/* ---------------------------------------------------------------- device requests */

static void handle_time_request(cloud_session *s, const coap_message *m)
{
    uint8_t reply[16];
    coap_writer w;
    int64_t unix_time = (int64_t)(cloud_now(s->server) / CLOUD_NS_PER_S) +
                        s->server->unix_time_offset_s;
    uint8_t seconds[4];

    if (m->token_length != 1) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "time: GET /t with a %u-byte token; the device reads the time at a fixed "
                   "offset that assumes 1", m->token_length);
    }
    cloud_put_be32(seconds, (uint32_t)unix_time);
    /* ACK 2.05 with the same id and token: the only 2.05 we ever send */
    coap_writer_begin(&w, reply, sizeof(reply), COAP_TYPE_ACK, COAP_CODE_CONTENT, m->message_id,
                      m->token, m->token_length);
    coap_writer_payload(&w, seconds, sizeof(seconds));
    if (cloud_session_send_message(s, reply, (size_t)coap_writer_end(&w))) {
        cloud_notice notice = { .kind = CLOUD_NOTICE_TIME_SENT, .value = unix_time };
        cloud_logf(s, CLOUD_LOG_DEBUG, "time: answered GET /t with %lld", (long long)unix_time);
        cloud_notify(s, &notice);
    }
}

static void handle_describe_json(cloud_session *s, const uint8_t *json, size_t length,
                                 const char *origin)
{
    cloud_describe parsed;
    char why[128];

    if (cloud_describe_parse((const char *)json, length, &parsed, why, sizeof(why)) != 0) {
        cloud_logf(s, CLOUD_LOG_WARN, "describe: %s JSON (%zu bytes) is malformed: %s", origin,
                   length, why);
        return;
    }
    cloud_describe_merge(&s->describe, &parsed);
    if (parsed.has_application) {
        char list[512] = "";
        for (size_t i = 0; i < parsed.function_count; i++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof(list) - used, "%s%s", i ? "," : "", parsed.functions[i]);
        }
        cloud_logf(s, CLOUD_LOG_INFO, "describe: %zu functions [%s], %zu variables%s",
                   parsed.function_count, list, parsed.variable_count,
                   parsed.truncated ? " (more than this server keeps)" : "");
    }
    if (parsed.has_system) {
        cloud_logf(s, CLOUD_LOG_INFO, "describe: system part, platform %d, %zu modules",
                   parsed.platform_id, parsed.module_count);
    }
    cloud_notice notice = {
        .kind = CLOUD_NOTICE_DESCRIBE,
        .data = json,
        .data_length = length,
        .describe = &s->describe,
    };
    cloud_notify(s, &notice);
}

/* A device presents its claim code once after setup: record it as claimed. */
static void note_claim(cloud_session *s, const coap_message *m)
{
    cloud_device_record record;
    char error[300];

    if (cloud_registry_lookup(s->server->registry, s->device_id, &record, error,
                              sizeof(error)) != CLOUD_REGISTRY_FOUND) {
        return;
    }
    if (record.claimed) {
        return;
    }
    record.claimed = true;
    if (cloud_registry_store(s->server->registry, &record, error, sizeof(error)) != 0) {
        cloud_logf(s, CLOUD_LOG_WARN, "claim: cannot mark the device claimed: %s", error);
        return;
    }
    cloud_logf(s, CLOUD_LOG_INFO, "claim: device presented claim code '%.*s'; marked claimed",
               (int)(m->payload_length < 63 ? m->payload_length : 63),
               m->payload ? (const char *)m->payload : "");
}

static void handle_event(cloud_session *s, const coap_message *m, char kind)
{
    char name[CLOUD_NAME_MAX + 2];
    int name_length = coap_path_tail(m, name, sizeof(name));
    bool is_public = kind == 'e';

    if (m->type == COAP_TYPE_CON) {
        send_empty_ack(s, m->message_id);
    }
    if (name_length <= 0 || name_length > CLOUD_NAME_MAX) {
        cloud_logf(s, CLOUD_LOG_WARN, "event: dropped: name is %s (1..64 characters allowed)",
                   name_length <= 0 ? "missing or too long" : "longer than 64 characters");
        return;
    }
    if (m->payload_length > CLOUD_MAX_EVENT_DATA) {
        cloud_logf(s, CLOUD_LOG_WARN, "event: %s carries %zu bytes of data (Device OS limit 622)",
                   name, m->payload_length);
    }
    cloud_logf(s, CLOUD_LOG_INFO, "event: %s %s (%zu bytes)%s", is_public ? "public" : "private",
               name, m->payload_length, m->type == COAP_TYPE_CON ? " with ACK" : "");
    cloud_notice notice = {
        .kind = CLOUD_NOTICE_EVENT,
        .name = name,
        .data = m->payload,
        .data_length = m->payload_length,
        .is_public = is_public,
    };
    cloud_notify(s, &notice);
    if (strcmp(name, "spark/device/claim/code") == 0) {
        note_claim(s, m);
    }
    cloud_deliver_event(s->server, s, name, m->payload, m->payload_length, is_public);
}

static void handle_subscribe(cloud_session *s, const coap_message *m)
{
    cloud_subscription sub;
    const coap_option *query = coap_find_option(m, COAP_OPTION_URI_QUERY, 0);
    int filter_length;

    memset(&sub, 0, sizeof(sub));
    filter_length = coap_path_tail(m, sub.filter, sizeof(sub.filter));
    if (m->type == COAP_TYPE_CON) {
        send_empty_ack(s, m->message_id);
    }
    if (filter_length < 0) {
        cloud_logf(s, CLOUD_LOG_WARN, "subscribe: filter longer than 64 characters ignored");
        return;
    }
    sub.my_devices = query && query->length == 1 && query->value[0] == 'u';
    if (m->payload_length > 0) {
        size_t n = m->payload_length < 24 ? m->payload_length : 24;
        memcpy(sub.device_id, m->payload, n);
        sub.device_id[n] = '\0';
        if (!cloud_device_id_valid(sub.device_id)) {
            cloud_logf(s, CLOUD_LOG_WARN, "subscribe: payload is not a device ID; ignored");
            sub.device_id[0] = '\0';
        }
    }
    for (size_t i = 0; i < s->subscription_count; i++) {
        if (strcmp(s->subscriptions[i].filter, sub.filter) == 0 &&
            strcmp(s->subscriptions[i].device_id, sub.device_id) == 0) {
            return; /* the device repeats its subscriptions on every connect */
        }
    }
    if (s->subscription_count == CLOUD_MAX_SUBSCRIPTIONS) {
        cloud_logf(s, CLOUD_LOG_WARN, "subscribe: more than %d subscriptions; '%s' ignored",
                   CLOUD_MAX_SUBSCRIPTIONS, sub.filter);
        return;
    }
    s->subscriptions[s->subscription_count++] = sub;
    cloud_logf(s, CLOUD_LOG_INFO, "subscribe: '%s'%s%s%s", sub.filter,
               sub.my_devices ? " (my devices)" : "", sub.device_id[0] ? " from device " : "",
               sub.device_id);
    cloud_notice notice = { .kind = CLOUD_NOTICE_SUBSCRIBE, .name = sub.filter };
    cloud_notify(s, &notice);
}

static void handle_goodbye(cloud_session *s, const coap_message *m)
{
    char bytes[64];
    cloud_hex_spaced(m->payload, m->payload_length, bytes, sizeof(bytes));
    s->goodbye_received = true;
    cloud_logf(s, CLOUD_LOG_INFO, "goodbye: the device is disconnecting on purpose (%s)",
               m->payload_length ? bytes : "no reasons");
}

static void handle_device_request(cloud_session *s, const coap_message *m)
{
    char kind = coap_first_path_char(m);

    if (!s->hello_received && !(m->code == COAP_CODE_POST && kind == 'h')) {
        cloud_logf(s, CLOUD_LOG_WARN,
                   "the device's first message is not its Hello (code %u.%02u, path '%c')",
                   coap_code_class(m->code), coap_code_detail(m->code), kind ? kind : ' ');
    }
    switch (m->code) {
    case COAP_CODE_POST:
        switch (kind) {
        case 'h':
            handle_device_hello(s, m);
            return;
        case 'e':
        case 'E':
            handle_event(s, m, kind);
            return;
        case 'd': {
            const coap_option *query = coap_find_option(m, COAP_OPTION_URI_QUERY, 0);
            if (m->type == COAP_TYPE_CON) {
                send_empty_ack(s, m->message_id);
            }
            handle_describe_json(s, m->payload, m->payload_length,
                                 query && query->length == 1 && query->value[0] == 1
                                     ? "system describe" : "describe");
            return;
        }
        case 'x':
            if (m->type == COAP_TYPE_CON) {
                send_empty_ack(s, m->message_id);
            }
            handle_goodbye(s, m);
            return;
        }
        break;
    case COAP_CODE_GET:
        switch (kind) {
        case 't':
            handle_time_request(s, m);
            return;
        case 'e':
            handle_subscribe(s, m);
            return;
        case 'c':
            if (m->type == COAP_TYPE_CON) {
                send_empty_ack(s, m->message_id);
            }
            cloud_ota_on_chunk_missed(s, m);
            return;
        }
        break;
    }
    /* Anything else: acknowledge so a WITH_ACK publish or future request completes.
     * Never with 2.05, which the device would take as a time reply. */
    cloud_logf(s, CLOUD_LOG_DEBUG, "unhandled device request code %u.%02u path '%c'",
               coap_code_class(m->code), coap_code_detail(m->code), kind ? kind : ' ');
    if (m->type == COAP_TYPE_CON) {
        send_empty_ack(s, m->message_id);
    }
}

/* ---------------------------------------------------------------- replies to our requests */

static void describe_known_functions(cloud_session *s, char *out, size_t out_size)
{
    if (!s->describe.has_application) {
        snprintf(out, out_size, "no describe received yet");
        return;
    }
    snprintf(out, out_size, "described functions:");
    for (size_t i = 0; i < s->describe.function_count; i++) {
        size_t used = strlen(out);
        snprintf(out + used, out_size - used, " %s", s->describe.functions[i]);
    }
}

static void complete_function(cloud_session *s, cloud_request *r, const coap_message *m)
{
    if (m->code == COAP_CODE_CHANGED && m->payload_length == 4) {
        int32_t value = (int32_t)cloud_get_be32(m->payload);
        cloud_notice notice = {
            .kind = CLOUD_NOTICE_FUNCTION_RESULT,
            .request_id = (uint32_t)r->request_id,
            .name = r->name,
            .value = value,
        };
        cloud_logf(s, CLOUD_LOG_INFO, "function: %s returned %ld", r->name, (long)value);
        cloud_notify(s, &notice);
    } else {
        notify_request_failed(s, r, m->code,
                              "function: %s: the device answered code %u.%02u with %zu bytes "
                              "(expected 2.04 with a 4-byte result)",
                              r->name, coap_code_class(m->code), coap_code_detail(m->code),
                              m->payload_length);
    }
    cloud_session_release_request(r);
}

static void complete_variable(cloud_session *s, cloud_request *r, const coap_message *m)
{
    if (m->code == COAP_CODE_CONTENT) {
        char text[700];
        int type = cloud_describe_variable_type(&s->describe, r->name);
        cloud_variable_format(type, m->payload, m->payload_length, text, sizeof(text));
        cloud_notice notice = {
            .kind = CLOUD_NOTICE_VARIABLE_VALUE,
            .request_id = (uint32_t)r->request_id,
            .name = r->name,
            .data = m->payload,
            .data_length = m->payload_length,
            .text = text,
            .variable_type = type,
        };
        cloud_logf(s, CLOUD_LOG_INFO, "variable: %s = %s", r->name, text);
        cloud_notify(s, &notice);
    } else if (m->code == COAP_CODE_NOT_FOUND) {
        notify_request_failed(s, r, m->code, "variable: the device has no variable '%s' (4.04)",
                              r->name);
    } else {
        notify_request_failed(s, r, m->code, "variable: %s: the device answered %u.%02u", r->name,
                              coap_code_class(m->code), coap_code_detail(m->code));
    }
    cloud_session_release_request(r);
}

/* An ACK (empty, or piggybacked with a code) to one of our requests. */
static void handle_ack(cloud_session *s, const coap_message *m)
{
    cloud_request *r = find_by_message_id(s, m->message_id);

    if (!r) {
        cloud_logf(s, CLOUD_LOG_DEBUG, "ACK for message id 0x%04x matches no request",
                   m->message_id);
        return;
    }
    switch (r->kind) {
    case CLOUD_REQUEST_PING:
    case CLOUD_REQUEST_KEEPALIVE:
        if (r->kind == CLOUD_REQUEST_PING) {
            cloud_notice notice = { .kind = CLOUD_NOTICE_PING_DONE,
                                    .request_id = (uint32_t)r->request_id };
            cloud_notify(s, &notice);
        }
        cloud_session_release_request(r);
        return;
    case CLOUD_REQUEST_SIGNAL:
        if (m->code == COAP_CODE_CHANGED) {
            cloud_notice notice = { .kind = CLOUD_NOTICE_SIGNAL_DONE,
                                    .request_id = (uint32_t)r->request_id };
            cloud_logf(s, CLOUD_LOG_INFO, "signal: acknowledged");
            cloud_notify(s, &notice);
        } else {
            notify_request_failed(s, r, m->code, "signal: the device answered %u.%02u",
                                  coap_code_class(m->code), coap_code_detail(m->code));
        }
        cloud_session_release_request(r);
        return;
    case CLOUD_REQUEST_OTA_BEGIN:
    case CLOUD_REQUEST_OTA_CHUNK:
    case CLOUD_REQUEST_OTA_DONE:
        cloud_ota_on_reply(s, r, m, true);
        return;
    case CLOUD_REQUEST_FUNCTION:
        if (m->code == COAP_CODE_EMPTY) {
            r->acknowledged = true;
        } else if (m->code == COAP_CODE_BAD_REQUEST) {
            /* Device OS still calls the function, with the argument truncated */
            r->acknowledged = true;
            cloud_logf(s, CLOUD_LOG_WARN, "function: %s: argument too long for the device (4.00)",
                       r->name);
        } else {
            complete_function(s, r, m);
        }
        return;
    case CLOUD_REQUEST_VARIABLE:
        if (m->code == COAP_CODE_EMPTY) {
            r->acknowledged = true;
        } else {
            complete_variable(s, r, m);
        }
        return;
    case CLOUD_REQUEST_DESCRIBE:
        if (m->code == COAP_CODE_EMPTY) {
            r->acknowledged = true;
            return;
        }
        /* Device OS sends the JSON separately, but a piggybacked 2.05 means the same */
        if (m->code == COAP_CODE_CONTENT) {
            handle_describe_json(s, m->payload, m->payload_length, "requested describe");
        } else {
            notify_request_failed(s, r, m->code, "describe: the device answered %u.%02u",
                                  coap_code_class(m->code), coap_code_detail(m->code));
        }
        cloud_session_release_request(r);
        return;
    }
}

static void handle_reset(cloud_session *s, const coap_message *m)
{
    cloud_request *r = find_by_message_id(s, m->message_id);

    if (!r) {
        cloud_logf(s, CLOUD_LOG_DEBUG, "RST for message id 0x%04x matches no request",
                   m->message_id);
        return;
    }
    if (r->kind == CLOUD_REQUEST_OTA_BEGIN || r->kind == CLOUD_REQUEST_OTA_CHUNK ||
        r->kind == CLOUD_REQUEST_OTA_DONE) {
        cloud_ota_on_reply(s, r, m, true);
        return;
    }
    notify_request_failed(s, r, 0, "%s: the device reset (RST) the request",
                          r->name[0] ? r->name : "request");
    cloud_session_release_request(r);
}

/* A separate response (CON/NON with a response code), matched by its token. */
static void handle_separate_response(cloud_session *s, const coap_message *m)
{
    cloud_request *r = find_by_token(s, m);

    if (m->type == COAP_TYPE_CON) {
        send_empty_ack(s, m->message_id); /* the describe reply is CON */
    }
    if (!r) {
        cloud_logf(s, CLOUD_LOG_DEBUG, "response %u.%02u with token %s matches no request",
                   coap_code_class(m->code), coap_code_detail(m->code),
                   m->token_length == 1 ? "of 1 byte" : "not of 1 byte");
        return;
    }
    switch (r->kind) {
    case CLOUD_REQUEST_FUNCTION:
        complete_function(s, r, m);
        return;
    case CLOUD_REQUEST_VARIABLE:
        complete_variable(s, r, m);
        return;
    case CLOUD_REQUEST_DESCRIBE:
        if (m->code == COAP_CODE_CONTENT) {
            handle_describe_json(s, m->payload, m->payload_length, "requested describe");
        } else {
            notify_request_failed(s, r, m->code, "describe: the device answered %u.%02u",
                                  coap_code_class(m->code), coap_code_detail(m->code));
        }
        cloud_session_release_request(r);
        return;
    case CLOUD_REQUEST_OTA_BEGIN:
    case CLOUD_REQUEST_OTA_CHUNK:
    case CLOUD_REQUEST_OTA_DONE:
        cloud_ota_on_reply(s, r, m, false);
        return;
    default:
        cloud_logf(s, CLOUD_LOG_DEBUG, "unexpected separate response for a ping or signal");
        return;
    }
}

static void handle_message(cloud_session *s, const uint8_t *bytes, size_t length)
{
    coap_message m;
    coap_parse_result parsed = coap_parse(bytes, length, &m);

    s->frames_received++;
    s->last_receive_ns = cloud_now(s->server);
    if (parsed != COAP_PARSE_OK) {
        char hex[100];
        cloud_hex_spaced(bytes, length, hex, sizeof(hex));
        cloud_logf(s, CLOUD_LOG_WARN, "dropped an undecodable message (%s): %s",
                   coap_parse_result_text(parsed), hex);
        return;
    }
    if (m.type == COAP_TYPE_ACK) {
        handle_ack(s, &m);
    } else if (m.type == COAP_TYPE_RST) {
        handle_reset(s, &m);
    } else if (m.code == COAP_CODE_EMPTY) {
        if (m.type != COAP_TYPE_CON) {
            return; /* an empty NON means nothing */
        }
        if (s->faults.ignore_pings) {
            s->pings_ignored++;
            cloud_logf(s, CLOUD_LOG_WARN,
                       "fault: ignoring the device's ping; it disconnects 10 s after an "
                       "unanswered ping (PING_TIMEOUT 1, no error colour)");
            return;
        }
        cloud_logf(s, CLOUD_LOG_DEBUG, "ping from the device; ACK");
        send_empty_ack(s, m.message_id);
    } else if (coap_is_response(m.code)) {
        handle_separate_response(s, &m);
    } else {
        handle_device_request(s, &m);
    }
}

/* ---------------------------------------------------------------- entry points */

cloud_session *cloud_session_new(cloud_server *server, const char *peer, void *transport)
{
    cloud_session *s = calloc(1, sizeof(*s));
    uint8_t random[3];

    if (!s) {
        return NULL;
    }
    s->server = server;
    s->transport = transport;
    snprintf(s->peer, sizeof(s->peer), "%s", peer ? peer : "?");
    s->faults = server->faults;
    s->state = CLOUD_SESSION_NEW;
    s->armed_deadline_ns = CLOUD_NO_DEADLINE;
    cloud_describe_init(&s->describe);
    /* our message ids and tokens start at random points, like any CoAP endpoint */
    if (cloud_rng_bytes(&server->rng, random, sizeof(random)) == 0) {
        s->next_message_id = (uint16_t)(random[0] << 8 | random[1]);
        s->next_token = random[2];
    }
    s->next = server->sessions;
    server->sessions = s;
    return s;
}

void cloud_session_start(cloud_session *s)
{
    cloud_enter(s->server);
    if (s->state == CLOUD_SESSION_NEW) {
        s->started_ns = cloud_now(s->server);
        cloud_logf(s, CLOUD_LOG_INFO, "connection accepted");
        cloud_handshake_start(s);
    }
    cloud_leave(s->server);
}

void cloud_session_channel_ready(cloud_session *s, const uint8_t session_key[40])
{
    cloud_channel_init(&s->channel, session_key, session_key + 16);
    s->channel_ready = true;
    /* Device OS seeds its message-id counter with *(uint16_t *)salt on a little-endian
     * MCU and pre-increments, so its Hello carries salt[0] | salt[1] << 8, plus 1. */
    s->expected_hello_id = (uint16_t)((session_key[32] | session_key[33] << 8) + 1);
    s->state = CLOUD_SESSION_AWAITING_HELLO;
    s->hello_deadline_ns = cloud_now(s->server) + CLOUD_HELLO_TIMEOUT_NS;
    s->last_receive_ns = cloud_now(s->server);
}

static void receive_frames(cloud_session *s, const uint8_t *data, size_t length)
{
    while (length > 0 && s->state != CLOUD_SESSION_CLOSED && !s->stalled) {
        size_t consumed = 0;

        if (s->state == CLOUD_SESSION_AWAITING_KEY_EXCHANGE) {
            consumed = cloud_handshake_receive(s, data, length);
        } else if (s->channel_ready) {
            size_t plain_length;
            cloud_channel_result result =
                cloud_channel_receive(&s->channel, data, length, &consumed, s->plain,
                                      sizeof(s->plain), &plain_length);
            if (result == CLOUD_CHANNEL_FRAME) {
                handle_message(s, s->plain, plain_length);
            } else if (result == CLOUD_CHANNEL_BAD_LENGTH) {
                cloud_session_fail(s, CLOUD_FAILURE_BAD_FRAME,
                                   "channel: frame %u from the device declares %u ciphertext "
                                   "bytes (must be 16..1024, a multiple of 16): the stream is "
                                   "out of step",
                                   (unsigned)s->channel.frames_received + 1,
                                   s->channel.last_bad_length);
                return;
            } else if (result == CLOUD_CHANNEL_BAD_PADDING) {
                cloud_session_fail(s, CLOUD_FAILURE_BAD_FRAME,
                                   "channel: frame %u from the device (%u bytes) decrypts with "
                                   "invalid PKCS#7 padding (last byte 0x%02x): the device uses "
                                   "another AES key or IV",
                                   (unsigned)s->channel.frames_received,
                                   s->channel.last_bad_length, s->channel.last_bad_pad);
                return;
            } else if (result != CLOUD_CHANNEL_NEED_MORE) {
                cloud_session_fail(s, CLOUD_FAILURE_BAD_FRAME, "channel: %s",
                                   cloud_channel_result_text(result));
                return;
            }
        } else {
            cloud_logf(s, CLOUD_LOG_DEBUG, "ignoring %zu bytes received in state %s", length,
                       cloud_session_state_name(s->state));
            return;
        }
        if (consumed == 0) {
            return;
        }
        data += consumed;
        length -= consumed;
    }
}

void cloud_session_received(cloud_session *s, const uint8_t *data, size_t length)
{
    cloud_enter(s->server);
    receive_frames(s, data, length);
    cloud_leave(s->server);
}

static void expire_request(cloud_session *s, cloud_request *r)
{
    char known[400];

    switch (r->kind) {
    case CLOUD_REQUEST_KEEPALIVE:
        cloud_session_release_request(r);
        cloud_session_fail(s, CLOUD_FAILURE_KEEPALIVE_TIMEOUT,
                           "keepalive: the device was silent for 31 s and did not answer our "
                           "ping within 15 s; closing");
        return;
    case CLOUD_REQUEST_OTA_BEGIN:
    case CLOUD_REQUEST_OTA_CHUNK:
    case CLOUD_REQUEST_OTA_DONE:
        cloud_ota_on_timeout(s, r);
        return;
    case CLOUD_REQUEST_FUNCTION:
        describe_known_functions(s, known, sizeof(known));
        if (r->acknowledged) {
            notify_request_failed(s, r, 0,
                                  "function: the device acknowledged f/%s but sent no result in "
                                  "time; Device OS sends none for a function the app did not "
                                  "register (%s)",
                                  r->name, known);
        } else {
            notify_request_failed(s, r, 0, "function: no answer at all to f/%s", r->name);
        }
        break;
    default:
        notify_request_failed(s, r, 0, "%s: %s", r->name[0] ? r->name : "request",
                              r->acknowledged ? "acknowledged but no result in time"
                                              : "no answer in time");
        break;
    }
    cloud_session_release_request(r);
}

void cloud_session_timer(cloud_session *s, uint64_t now)
{
    char hint[700];

    cloud_enter(s->server);
    if (s->state == CLOUD_SESSION_CLOSED || s->stalled) {
        goto out;
    }
    if (s->state == CLOUD_SESSION_AWAITING_KEY_EXCHANGE && now >= s->key_exchange_deadline_ns) {
        cloud_session_fail(s, CLOUD_FAILURE_KEY_EXCHANGE_TIMEOUT,
                           "handshake: only %zu of the 256 key-exchange bytes arrived within "
                           "30 s of our nonce",
                           s->key_exchange_have);
        goto out;
    }
    if (s->state == CLOUD_SESSION_AWAITING_HELLO && now >= s->hello_deadline_ns) {
        cloud_handshake_rejection_hint(s, hint, sizeof(hint));
        cloud_session_fail(s, CLOUD_FAILURE_HELLO_TIMEOUT,
                           "hello: no Hello from device %s within 10 s of our reply: %s",
                           s->device_id, hint);
        goto out;
    }
    if (s->hello_send_pending && now >= s->hello_send_due_ns) {
        send_server_hello(s);
    }
    for (size_t i = 0; i < CLOUD_MAX_PENDING && s->state != CLOUD_SESSION_CLOSED; i++) {
        if (s->requests[i].in_use && now >= s->requests[i].deadline_ns) {
            expire_request(s, &s->requests[i]);
        }
    }
    if (s->state == CLOUD_SESSION_CONNECTED && now >= s->last_receive_ns + CLOUD_IDLE_PING_NS) {
        bool outstanding = false;
        for (size_t i = 0; i < CLOUD_MAX_PENDING; i++) {
            outstanding |= s->requests[i].in_use && s->requests[i].kind == CLOUD_REQUEST_KEEPALIVE;
        }
        if (!outstanding) {
            cloud_request *r = cloud_session_new_request(s, CLOUD_REQUEST_KEEPALIVE, 0, false,
                                                         CLOUD_KEEPALIVE_REPLY_NS);
            if (r) {
                uint8_t ping[4] = { 0x40, 0x00, (uint8_t)(r->message_id >> 8),
                                    (uint8_t)r->message_id };
                cloud_logf(s, CLOUD_LOG_INFO, "keepalive: device silent for 31 s; pinging it");
                if (!cloud_session_send_message(s, ping, sizeof(ping))) {
                    cloud_session_release_request(r);
                }
            }
        }
    }
    if (s->state != CLOUD_SESSION_CLOSED) {
        cloud_ota_timer(s, now);
    }
out:
    cloud_leave(s->server);
}

uint64_t cloud_session_deadline(cloud_session *s)
{
    uint64_t deadline = CLOUD_NO_DEADLINE;
    bool keepalive_outstanding = false;

#define EARLIER(t) do { if ((t) < deadline) deadline = (t); } while (0)
    if (s->state == CLOUD_SESSION_CLOSED || s->stalled || s->state == CLOUD_SESSION_NEW) {
        return CLOUD_NO_DEADLINE;
    }
    if (s->state == CLOUD_SESSION_AWAITING_KEY_EXCHANGE) {
        EARLIER(s->key_exchange_deadline_ns);
    }
    if (s->state == CLOUD_SESSION_AWAITING_HELLO) {
        EARLIER(s->hello_deadline_ns);
    }
    if (s->hello_send_pending) {
        EARLIER(s->hello_send_due_ns);
    }
    for (size_t i = 0; i < CLOUD_MAX_PENDING; i++) {
        if (s->requests[i].in_use) {
            EARLIER(s->requests[i].deadline_ns);
            keepalive_outstanding |= s->requests[i].kind == CLOUD_REQUEST_KEEPALIVE;
        }
    }
    if (s->state == CLOUD_SESSION_CONNECTED && !keepalive_outstanding) {
        EARLIER(s->last_receive_ns + CLOUD_IDLE_PING_NS);
    }
    EARLIER(cloud_ota_deadline(s));
#undef EARLIER
    return deadline;
}

/* What the device most likely did, for a connection the device closed. */
static void explain_peer_close(cloud_session *s, char *out, size_t out_size)
{
    char hint[700];

    switch (s->state) {
    case CLOUD_SESSION_NEW:
    case CLOUD_SESSION_AWAITING_KEY_EXCHANGE:
        snprintf(out, out_size,
                 "the device closed the connection during the key exchange after sending %zu "
                 "of 256 bytes (no nonce in time, or it could not RSA-encrypt with the server "
                 "key in its DCT: ENCRYPTION_ERROR 7)",
                 s->key_exchange_have);
        return;
    case CLOUD_SESSION_AWAITING_HELLO:
        cloud_handshake_rejection_hint(s, hint, sizeof(hint));
        snprintf(out, out_size, "the device closed the connection without sending its Hello: %s",
                 hint);
        return;
    case CLOUD_SESSION_CONNECTED:
    case CLOUD_SESSION_CLOSED:
        if (s->goodbye_received) {
            snprintf(out, out_size, "the device closed the connection after its Goodbye");
        } else if (s->ota_completed) {
            snprintf(out, out_size, "the device closed the connection to apply the OTA update");
        } else if (s->pings_ignored) {
            snprintf(out, out_size,
                     "the device closed the connection after %u unanswered ping(s) (expected: "
                     "the ignore_pings fault is on)", (unsigned)s->pings_ignored);
        } else if (!s->server_hello_sent) {
            snprintf(out, out_size,
                     "the device closed the connection before our Hello reached it%s",
                     s->faults.withhold_hello || s->faults.hello_delay_ms
                         ? " (expected: a Hello fault is on)" : "");
        } else {
            snprintf(out, out_size, "the device closed the connection");
        }
        return;
    }
}

static void session_free(cloud_session *s)
{
    cloud_server *server = s->server;
    cloud_session **link;

    if (s->ota) {
        cloud_ota_free(s, "the connection closed during the update");
    }
    {
        cloud_notice notice = {
            .kind = CLOUD_NOTICE_CLOSED,
            .failure = s->failure,
            .text = s->failure_text,
        };
        cloud_notify(s, &notice);
    }
    for (link = &server->sessions; *link; link = &(*link)->next) {
        if (*link == s) {
            *link = s->next;
            break;
        }
    }
    if (s->channel_ready) {
        cloud_channel_free(&s->channel);
    }
    free(s);
}

void cloud_session_closed(cloud_session *s)
{
    cloud_server *server = s->server;

    if (s->free_pending) {
        return;
    }
    cloud_enter(server);
    if (!s->close_requested) {
        char why[900];
        explain_peer_close(s, why, sizeof(why));
        if (s->failure == CLOUD_FAILURE_NONE) {
            s->failure = CLOUD_FAILURE_PEER_CLOSED;
            snprintf(s->failure_text, sizeof(s->failure_text), "%s", why);
        }
        cloud_logf(s, s->state == CLOUD_SESSION_CONNECTED ? CLOUD_LOG_INFO : CLOUD_LOG_ERROR, "%s",
                   why);
        s->close_requested = true;
        s->state = CLOUD_SESSION_CLOSED;
    }
    s->free_pending = true;
    cloud_leave(server);
}

void cloud_session_reap(cloud_server *server)
{
    bool again = true;

    while (again) {
        again = false;
        for (cloud_session *s = server->sessions; s; s = s->next) {
            if (s->free_pending) {
                session_free(s);
                again = true; /* the list changed under us */
                break;
            }
        }
    }
}

/* ---------------------------------------------------------------- queries */

void *cloud_session_transport(const cloud_session *s) { return s->transport; }
const char *cloud_session_peer(const cloud_session *s) { return s->peer; }
const char *cloud_session_device_id(const cloud_session *s) { return s->device_id; }
cloud_session_state cloud_session_get_state(const cloud_session *s) { return s->state; }
cloud_faults *cloud_session_faults(cloud_session *s) { return &s->faults; }

cloud_failure cloud_session_failure(const cloud_session *s, const char **text)
{
    if (text) {
        *text = s->failure_text;
    }
    return s->failure;
}

const cloud_hello *cloud_session_hello(const cloud_session *s)
{
    return s->hello_received ? &s->hello : NULL;
}

const cloud_describe *cloud_session_describe(const cloud_session *s)
{
    return &s->describe;
}

/* ---------------------------------------------------------------- requests to the device */

static int64_t send_request(cloud_session *s, cloud_request *r, const coap_writer *w)
{
    int length = coap_writer_end(w);

    if (length < 0) {
        cloud_logf(s, CLOUD_LOG_WARN, "%s: request does not fit the device's 767-byte limit",
                   r->name[0] ? r->name : "request");
        cloud_session_release_request(r);
        return -1;
    }
    if (!cloud_session_send_message(s, w->buf, (size_t)length)) {
        cloud_session_release_request(r);
        return -1;
    }
    return r->request_id;
}

int64_t cloud_session_call_function(cloud_session *s, const char *name, const char *argument)
{
    uint8_t buf[MESSAGE_BUFFER];
    size_t name_length = name ? strlen(name) : 0;
    size_t argument_length = argument ? strlen(argument) : 0;
    coap_writer w;
    int64_t result = -1;

    cloud_enter(s->server);
    if (!session_connected(s, "call a function")) {
        goto out;
    }
    if (name_length == 0 || name_length > CLOUD_NAME_MAX) {
        cloud_logf(s, CLOUD_LOG_WARN, "function name must be 1..64 characters");
        goto out;
    }
    if (argument_length > CLOUD_MAX_FUNCTION_ARGUMENT) {
        cloud_logf(s, CLOUD_LOG_WARN, "function argument is %zu bytes; Device OS takes 622",
                   argument_length);
        goto out;
    }
    cloud_request *r = cloud_session_new_request(s, CLOUD_REQUEST_FUNCTION,
                                                 cloud_next_request_id(s->server), true,
                                                 s->server->request_timeout_ns);
    if (!r) {
        goto out;
    }
    memcpy(r->name, name, name_length + 1);
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_POST, r->message_id,
                      &r->token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "f", 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, name, name_length);
    /* always present, even empty: the device reads the argument length blindly */
    coap_writer_option(&w, COAP_OPTION_URI_QUERY, argument, argument_length);
    cloud_logf(s, CLOUD_LOG_INFO, "function: calling %s(\"%s\") (request %lld)", name,
               argument ? argument : "", (long long)r->request_id);
    result = send_request(s, r, &w);
out:
    cloud_leave(s->server);
    return result;
}

int64_t cloud_session_get_variable(cloud_session *s, const char *name)
{
    uint8_t buf[MESSAGE_BUFFER];
    size_t name_length = name ? strlen(name) : 0;
    coap_writer w;
    int64_t result = -1;

    cloud_enter(s->server);
    if (!session_connected(s, "read a variable")) {
        goto out;
    }
    if (name_length == 0 || name_length > CLOUD_NAME_MAX) {
        cloud_logf(s, CLOUD_LOG_WARN, "variable name must be 1..64 characters");
        goto out;
    }
    cloud_request *r = cloud_session_new_request(s, CLOUD_REQUEST_VARIABLE,
                                                 cloud_next_request_id(s->server), true,
                                                 s->server->request_timeout_ns);
    if (!r) {
        goto out;
    }
    memcpy(r->name, name, name_length + 1);
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_GET, r->message_id,
                      &r->token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "v", 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, name, name_length);
    cloud_logf(s, CLOUD_LOG_INFO, "variable: reading %s (request %lld)", name,
               (long long)r->request_id);
    result = send_request(s, r, &w);
out:
    cloud_leave(s->server);
    return result;
}

int64_t cloud_session_request_describe(cloud_session *s, unsigned flags)
{
    uint8_t buf[32];
    uint8_t flag_byte = (uint8_t)flags;
    coap_writer w;
    int64_t result = -1;

    cloud_enter(s->server);
    if (!session_connected(s, "request a describe")) {
        goto out;
    }
    cloud_request *r = cloud_session_new_request(s, CLOUD_REQUEST_DESCRIBE,
                                                 cloud_next_request_id(s->server), true,
                                                 s->server->request_timeout_ns);
    if (!r) {
        goto out;
    }
    snprintf(r->name, sizeof(r->name), "describe");
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_GET, r->message_id,
                      &r->token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "d", 1);
    if (flags) {
        coap_writer_option(&w, COAP_OPTION_URI_QUERY, &flag_byte, 1);
    }
    cloud_logf(s, CLOUD_LOG_INFO, "describe: requesting flags 0x%02x", flags);
    result = send_request(s, r, &w);
out:
    cloud_leave(s->server);
    return result;
}

int64_t cloud_session_signal(cloud_session *s, bool on)
{
    uint8_t buf[32];
    uint8_t state = on ? 1 : 0;
    coap_writer w;
    int64_t result = -1;

    cloud_enter(s->server);
    if (!session_connected(s, "signal")) {
        goto out;
    }
    cloud_request *r = cloud_session_new_request(s, CLOUD_REQUEST_SIGNAL,
                                                 cloud_next_request_id(s->server), true,
                                                 s->server->request_timeout_ns);
    if (!r) {
        goto out;
    }
    snprintf(r->name, sizeof(r->name), "signal");
    /* the device decides start/stop from byte 8: the payload byte after "b1 73 ff" */
    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_PUT, r->message_id,
                      &r->token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "s", 1);
    coap_writer_payload(&w, &state, 1);
    cloud_logf(s, CLOUD_LOG_INFO, "signal: %s", on ? "start (rainbow LED)" : "stop");
    result = send_request(s, r, &w);
out:
    cloud_leave(s->server);
    return result;
}

int64_t cloud_session_ping(cloud_session *s)
{
    int64_t result = -1;

    cloud_enter(s->server);
    if (!session_connected(s, "ping")) {
        goto out;
    }
    cloud_request *r = cloud_session_new_request(s, CLOUD_REQUEST_PING,
                                                 cloud_next_request_id(s->server), false,
                                                 s->server->request_timeout_ns);
    if (!r) {
        goto out;
    }
    snprintf(r->name, sizeof(r->name), "ping");
    uint8_t ping[4] = { 0x40, 0x00, (uint8_t)(r->message_id >> 8), (uint8_t)r->message_id };
    if (cloud_session_send_message(s, ping, sizeof(ping))) {
        result = r->request_id;
    } else {
        cloud_session_release_request(r);
    }
out:
    cloud_leave(s->server);
    return result;
}

bool cloud_session_send_event_internal(cloud_session *s, const char *name, const uint8_t *data,
                                       size_t data_length, bool is_public)
{
    uint8_t buf[MESSAGE_BUFFER];
    coap_writer w;
    int length;

    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_NON, COAP_CODE_POST,
                      cloud_session_next_message_id(s), NULL, 0);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, is_public ? "e" : "E", 1);
    /* one Uri-Path option holding the whole name, slashes included */
    coap_writer_option(&w, COAP_OPTION_URI_PATH, name, strlen(name));
    coap_writer_payload(&w, data, data_length);
    length = coap_writer_end(&w);
    if (length < 0) {
        cloud_logf(s, CLOUD_LOG_WARN, "event %s with %zu bytes does not fit the device's buffer",
                   name, data_length);
        return false;
    }
    return cloud_session_send_message(s, buf, (size_t)length);
}

int cloud_session_send_event(cloud_session *s, const char *name, const uint8_t *data,
                             size_t data_length, bool is_public)
{
    size_t name_length = name ? strlen(name) : 0;
    int result = -1;

    cloud_enter(s->server);
    if (!session_connected(s, "send an event")) {
        goto out;
    }
    if (name_length == 0 || name_length > CLOUD_NAME_MAX || data_length > CLOUD_MAX_EVENT_DATA) {
        cloud_logf(s, CLOUD_LOG_WARN, "event name must be 1..64 characters and data <= 622 bytes");
        goto out;
    }
    result = cloud_session_send_event_internal(s, name, data, data_length, is_public) ? 0 : -1;
out:
    cloud_leave(s->server);
    return result;
}

int64_t cloud_session_start_ota(cloud_session *s, const uint8_t *image, size_t length,
                                const cloud_ota_options *options)
{
    int64_t result = -1;

    cloud_enter(s->server);
    if (session_connected(s, "start an update")) {
        result = cloud_ota_start(s, image, length, options);
    }
    cloud_leave(s->server);
    return result;
}
