#include "harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vectors.h"

const uint8_t harness_device_id[12] = { 0x1f, 0x00, 0x2a, 0x00, 0x03, 0x47,
                                        0x33, 0x35, 0x31, 0x39, 0x37, 0x38 };
const uint8_t harness_device2_id[12] = { 0x2e, 0x00, 0x11, 0x00, 0x0a, 0x47,
                                         0x33, 0x35, 0x31, 0x39, 0x37, 0x39 };

static uint64_t op_now(void *ctx)
{
    return ((harness *)ctx)->now;
}

static void op_set_timer(void *ctx, cloud_session *session, uint64_t deadline)
{
    connection *c = cloud_session_transport(session);
    (void)ctx;
    c->deadline = deadline;
}

static int op_send(void *ctx, cloud_session *session, const uint8_t *bytes, size_t length)
{
    harness *h = ctx;
    connection *c = cloud_session_transport(session);
    recorded_send *r;

    ck_assert_msg(c->send_count < HARNESS_MAX_SENDS, "too many sends");
    r = &c->sends[c->send_count++];
    r->bytes = malloc(length);
    memcpy(r->bytes, bytes, length);
    r->length = length;
    return h->send_result;
}

static void op_close(void *ctx, cloud_session *session)
{
    harness *h = ctx;
    connection *c = cloud_session_transport(session);

    c->close_called = true;
    if (h->close_inside_callback && !c->session_gone) {
        c->session_gone = true;
        cloud_session_closed(session);
    }
}

static void op_log(void *ctx, cloud_session *session, cloud_log_level level, const char *message)
{
    harness *h = ctx;
    size_t n = strlen(message);
    (void)session;
    (void)level;

    h->log = realloc(h->log, h->log_length + n + 2);
    memcpy(h->log + h->log_length, message, n);
    h->log_length += n;
    h->log[h->log_length++] = '\n';
    h->log[h->log_length] = '\0';
    if (getenv("CLOUD_TEST_LOG")) {
        fprintf(stderr, "log: %s\n", message);
    }
}

static void op_notify(void *ctx, cloud_session *session, const cloud_notice *n)
{
    harness *h = ctx;
    connection *c = cloud_session_transport(session);
    recorded_notice *r;

    ck_assert_msg(h->notice_count < HARNESS_MAX_NOTICES, "too many notices");
    r = &h->notices[h->notice_count++];
    memset(r, 0, sizeof(*r));
    r->kind = n->kind;
    r->connection = c ? c->index : -1;
    r->request_id = n->request_id;
    r->value = n->value;
    r->total = n->total;
    r->coap_code = n->coap_code;
    r->is_public = n->is_public;
    r->variable_type = n->variable_type;
    r->failure = n->failure;
    if (n->hello) {
        r->hello = *n->hello;
    }
    if (n->name) {
        snprintf(r->name, sizeof(r->name), "%s", n->name);
    }
    if (n->text) {
        snprintf(r->text, sizeof(r->text), "%s", n->text);
    }
    if (n->data && n->data_length) {
        r->data_length = n->data_length < sizeof(r->data) ? n->data_length : sizeof(r->data);
        memcpy(r->data, n->data, r->data_length);
    }
}

void harness_default_config(cloud_server_config *config)
{
    static const uint8_t seed[] = "photon-cloud test seed";

    memset(config, 0, sizeof(*config));
    config->seed = seed;
    config->seed_length = sizeof(seed) - 1;
    config->server_key = test_server_key_der;
    config->server_key_length = test_server_key_der_length;
    config->wrong_server_key = test_wrong_server_key_der;
    config->wrong_server_key_length = test_wrong_server_key_der_length;
    config->unix_time_offset_s = 1600000000;
}

void harness_start(harness *h, const cloud_server_config *config)
{
    cloud_ops ops = {
        .ctx = h,
        .now_ns = op_now,
        .set_timer = op_set_timer,
        .send = op_send,
        .close = op_close,
        .log = op_log,
        .notify = op_notify,
    };
    char error[512];

    memset(h, 0, sizeof(*h));
    h->now = 1000000000ull;
    h->server = cloud_server_new(config, &ops, error, sizeof(error));
    ck_assert_msg(h->server != NULL, "server: %s", error);
}

void harness_stop(harness *h)
{
    for (int i = 0; i < HARNESS_MAX_CONNECTIONS; i++) {
        connection *c = &h->connections[i];
        for (size_t k = 0; k < c->send_count; k++) {
            free(c->sends[k].bytes);
        }
        if (c->device_ready) {
            sim_device_free(&c->device);
        }
    }
    cloud_server_free(h->server);
    free(h->log);
}

connection *harness_connect(harness *h, int index)
{
    connection *c = &h->connections[index];
    char peer[48];

    ck_assert_int_lt(index, HARNESS_MAX_CONNECTIONS);
    for (size_t k = 0; k < c->send_count; k++) {
        free(c->sends[k].bytes);
    }
    if (c->device_ready) {
        sim_device_free(&c->device);
    }
    memset(c, 0, sizeof(*c));
    c->harness = h;
    c->index = index;
    c->deadline = CLOUD_NO_DEADLINE;
    snprintf(peer, sizeof(peer), "10.0.2.%d:4915%d", 15 + index, index);
    c->session = cloud_session_new(h->server, peer, c);
    ck_assert_ptr_nonnull(c->session);
    cloud_session_start(c->session);
    return c;
}

recorded_send *harness_take_send(connection *c)
{
    return c->sends_read < c->send_count ? &c->sends[c->sends_read++] : NULL;
}

void harness_device_init(connection *c, const uint8_t *key_der, size_t key_der_length,
                         const uint8_t id[12], const uint8_t server_spki[294])
{
    if (c->device_ready) {
        sim_device_free(&c->device);
    }
    ck_assert_int_eq(sim_device_init(&c->device, key_der, key_der_length, server_spki, id,
                                     (uint32_t)c->index + 1),
                     0);
    c->device_ready = true;
}

int harness_handshake(connection *c, const uint8_t *key_der, size_t key_der_length,
                      const uint8_t id[12], size_t fragment)
{
    uint8_t exchange[256];
    recorded_send *nonce, *reply;

    nonce = harness_take_send(c);
    if (!nonce) {
        return -1;
    }
    ck_assert_uint_eq(nonce->length, 40);
    harness_device_init(c, key_der, key_der_length, id, test_server_spki_der);
    ck_assert_int_eq(sim_device_key_exchange(&c->device, nonce->bytes, exchange), 0);
    if (fragment == 0) {
        harness_deliver(c, exchange, sizeof(exchange));
    } else {
        for (size_t i = 0; i < sizeof(exchange); i += fragment) {
            size_t n = sizeof(exchange) - i < fragment ? sizeof(exchange) - i : fragment;
            harness_deliver(c, exchange + i, n);
        }
    }
    reply = harness_take_send(c);
    if (!reply) {
        return -1;
    }
    ck_assert_uint_eq(reply->length, 384);
    return sim_device_accept_reply(&c->device, reply->bytes);
}

connection *harness_connect_hello(harness *h, int index, const uint8_t id[12])
{
    connection *c = harness_connect(h, index);
    uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0x00, 0x03,
                          0x00, 0x36, 0x00, 0x06 };
    uint8_t reply[800];
    uint16_t id16;
    int n;

    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length, id, 0),
                     SIM_OK);
    id16 = sim_device_next_id(&c->device);
    hello[2] = (uint8_t)(id16 >> 8);
    hello[3] = (uint8_t)id16;
    harness_device_send(c, hello, sizeof(hello), 0);
    n = harness_next_message(c, reply);
    ck_assert_int_eq(n, 6);
    ck_assert_int_eq(reply[0], 0x50);
    ck_assert_int_eq(reply[1], 0x02);
    ck_assert_int_eq(reply[4], 0xb1);
    ck_assert_int_eq(reply[5], 'h');
    ck_assert_int_eq(cloud_session_get_state(c->session), CLOUD_SESSION_CONNECTED);
    return c;
}

void harness_close(connection *c)
{
    if (!c->session_gone) {
        c->session_gone = true;
        cloud_session_closed(c->session);
    }
}

void harness_deliver(connection *c, const uint8_t *bytes, size_t length)
{
    ck_assert_msg(!c->session_gone, "delivering to a closed session");
    cloud_session_received(c->session, bytes, length);
}

void harness_device_send(connection *c, const uint8_t *message, size_t length, size_t fragment)
{
    uint8_t frame[2048];
    size_t frame_length = sim_device_wrap(&c->device, message, length, frame);

    if (fragment == 0) {
        harness_deliver(c, frame, frame_length);
        return;
    }
    for (size_t i = 0; i < frame_length && !c->session_gone; i += fragment) {
        size_t n = frame_length - i < fragment ? frame_length - i : fragment;
        harness_deliver(c, frame + i, n);
    }
}

int harness_next_message(connection *c, uint8_t *out)
{
    recorded_send *r = harness_take_send(c);
    size_t declared;

    if (!r) {
        return -1;
    }
    ck_assert_uint_ge(r->length, 2);
    declared = (size_t)r->bytes[0] << 8 | r->bytes[1];
    ck_assert_msg(declared + 2 == r->length,
                  "a send of %zu bytes is not one whole frame (it declares %zu)", r->length,
                  declared);
    return sim_device_unwrap(&c->device, r->bytes, r->length, out);
}

size_t harness_pending(connection *c)
{
    return c->send_count - c->sends_read;
}

void harness_advance(harness *h, uint64_t ns)
{
    uint64_t target = h->now + ns;

    /* fire timers in deadline order, as a real event loop would */
    for (;;) {
        connection *due = NULL;
        for (int i = 0; i < HARNESS_MAX_CONNECTIONS; i++) {
            connection *c = &h->connections[i];
            if (c->session && !c->session_gone && c->deadline <= target &&
                (!due || c->deadline < due->deadline)) {
                due = c;
            }
        }
        if (!due) {
            break;
        }
        if (due->deadline > h->now) {
            h->now = due->deadline;
        }
        uint64_t before = due->deadline;
        cloud_session_timer(due->session, h->now);
        ck_assert_msg(due->session_gone || due->deadline != before || due->deadline > h->now,
                      "timer fired but the deadline did not move");
    }
    h->now = target;
}

recorded_notice *harness_notice(harness *h, cloud_notice_kind kind, size_t nth)
{
    for (size_t i = 0; i < h->notice_count; i++) {
        if (h->notices[i].kind == kind) {
            if (nth == 0) {
                return &h->notices[i];
            }
            nth--;
        }
    }
    return NULL;
}

size_t harness_count_notices(harness *h, cloud_notice_kind kind)
{
    size_t count = 0;
    for (size_t i = 0; i < h->notice_count; i++) {
        count += h->notices[i].kind == kind;
    }
    return count;
}

bool harness_log_contains(harness *h, const char *text)
{
    return h->log && strstr(h->log, text) != NULL;
}
