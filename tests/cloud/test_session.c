/*
 * The protocol after the handshake, against the simulated device: Hello, ping, time,
 * describe, functions, variables, events and subscriptions, signal, keepalive, the
 * session faults, and bad input from the device.  Device messages are written out as the
 * bytes Device OS sends (cloud-protocol.md §2).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "registry.h"
#include "vectors.h"

#define SECOND 1000000000ull

static harness h;
static connection *c;

static void start_connected(const cloud_faults *faults)
{
    cloud_server_config config;
    harness_default_config(&config);
    if (faults) {
        config.faults = *faults;
    }
    harness_start(&h, &config);
    c = harness_connect_hello(&h, 0, harness_device_id);
}

static void teardown(void)
{
    harness_stop(&h);
}

/* Send a device message with the device's next message id; returns the id. */
static uint16_t device_says(connection *conn, uint8_t *message, size_t length)
{
    uint16_t id = sim_device_next_id(&conn->device);
    message[2] = (uint8_t)(id >> 8);
    message[3] = (uint8_t)id;
    harness_device_send(conn, message, length, 0);
    return id;
}

static void expect_empty_ack(connection *conn, uint16_t id)
{
    uint8_t reply[800];
    ck_assert_int_eq(harness_next_message(conn, reply), 4);
    ck_assert_int_eq(reply[0], 0x60);
    ck_assert_int_eq(reply[1], 0x00);
    ck_assert_int_eq(reply[2] << 8 | reply[3], id);
}

/* ---------------------------------------------------------------- Hello */

START_TEST(hello_id_is_little_endian_salt_plus_one)
{
    cloud_server_config config;
    recorded_notice *n;
    uint16_t little, big;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect_hello(&h, 0, harness_device_id);
    little = (uint16_t)((c->device.session[32] | c->device.session[33] << 8) + 1);
    big = (uint16_t)((c->device.session[32] << 8 | c->device.session[33]) + 1);
    ck_assert_int_ne(little, big); /* so this seed can tell the two orders apart */
    n = harness_notice(&h, CLOUD_NOTICE_CONNECTED, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->hello.message_id, little);
    ck_assert(n->hello.message_id_matches_salt);
    ck_assert_int_eq(n->hello.product_id, 6);
    ck_assert_int_eq(n->hello.product_version, 3);
    ck_assert_int_eq(n->hello.flags, 0x36);
    ck_assert_int_eq(n->hello.platform_id, 6);
    ck_assert(!harness_log_contains(&h, "expected 0x"));
}
END_TEST

START_TEST(hello_with_another_id_is_flagged)
{
    cloud_server_config config;
    uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0x00, 0x03,
                          0x00, 0x36, 0x00, 0x06 };
    uint8_t reply[800];
    uint16_t id;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0), SIM_OK);
    id = (uint16_t)(sim_device_next_id(&c->device) + 5);
    hello[2] = (uint8_t)(id >> 8);
    hello[3] = (uint8_t)id;
    harness_device_send(c, hello, sizeof(hello), 0);
    ck_assert_int_eq(harness_next_message(c, reply), 6); /* still answered */
    ck_assert(!harness_notice(&h, CLOUD_NOTICE_CONNECTED, 0)->hello.message_id_matches_salt);
    ck_assert(harness_log_contains(&h, "(little-endian salt + 1)"));
}
END_TEST

/* ---------------------------------------------------------------- ping and time */

START_TEST(ping_gets_an_empty_ack)
{
    uint8_t ping[4] = { 0x40, 0x00 };
    uint16_t id;

    start_connected(NULL);
    id = device_says(c, ping, sizeof(ping));
    expect_empty_ack(c, id);
    ck_assert_uint_eq(harness_pending(c), 0);
}
END_TEST

START_TEST(time_request_gets_205_with_the_time)
{
    uint8_t request[7] = { 0x41, 0x01, 0, 0, 0x7f, 0xb1, 't' };
    uint8_t reply[800];
    uint32_t expected;
    uint16_t id;

    start_connected(NULL);
    harness_advance(&h, 5 * SECOND);
    expected = (uint32_t)(h.now / SECOND + 1600000000);
    id = device_says(c, request, sizeof(request));
    ck_assert_int_eq(harness_next_message(c, reply), 10);
    uint8_t want[10] = { 0x61, 0x45, (uint8_t)(id >> 8), (uint8_t)id, 0x7f, 0xff,
                         (uint8_t)(expected >> 24), (uint8_t)(expected >> 16),
                         (uint8_t)(expected >> 8), (uint8_t)expected };
    ck_assert_mem_eq(reply, want, 10);
    ck_assert_int_eq(harness_notice(&h, CLOUD_NOTICE_TIME_SENT, 0)->value, expected);
}
END_TEST

/* ---------------------------------------------------------------- describe */

static const char tinker_json[] =
    "{\"f\":[\"digitalread\",\"digitalwrite\",\"analogread\",\"analogwrite\"],\"v\":{}}";

static void device_posts_describe(const char *json)
{
    uint8_t message[800] = { 0x40, 0x02, 0, 0, 0xb1, 'd', 0x41, 0x02, 0xff };
    size_t n = strlen(json);
    uint16_t id;

    memcpy(message + 9, json, n);
    id = device_says(c, message, 9 + n);
    expect_empty_ack(c, id);
}

START_TEST(device_describe_post_is_acked_and_parsed)
{
    start_connected(NULL);
    device_posts_describe(tinker_json);
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_DESCRIBE), 1);
    ck_assert_uint_eq(cloud_session_describe(c->session)->function_count, 4);
    ck_assert(cloud_describe_has_function(cloud_session_describe(c->session), "digitalwrite"));
}
END_TEST

START_TEST(describe_request_and_its_confirmable_reply)
{
    uint8_t request[800], reply[800] = { 0x41, 0x45, 0, 0, 0, 0xff };
    int64_t rid;
    int n;

    start_connected(NULL);
    rid = cloud_session_request_describe(c->session, 2);
    ck_assert_int_gt(rid, 0);
    n = harness_next_message(c, request);
    ck_assert_int_eq(n, 9);
    ck_assert_int_eq(request[0], 0x41);
    ck_assert_int_eq(request[1], 0x01);
    ck_assert_int_eq(request[5], 0xb1);
    ck_assert_int_eq(request[6], 'd');
    ck_assert_int_eq(request[7], 0x41);
    ck_assert_int_eq(request[8], 0x02);
    /* device: empty ACK, then CON 2.05 with the same token */
    uint8_t ack[4] = { 0x60, 0x00, request[2], request[3] };
    harness_device_send(c, ack, 4, 0);
    ck_assert_uint_eq(harness_pending(c), 0);
    reply[4] = request[4];
    memcpy(reply + 6, tinker_json, strlen(tinker_json));
    uint16_t id = device_says(c, reply, 6 + strlen(tinker_json));
    expect_empty_ack(c, id);
    ck_assert_uint_eq(harness_notice(&h, CLOUD_NOTICE_DESCRIBE, 0)->data_length,
                      strlen(tinker_json));
    ck_assert_uint_eq(cloud_session_describe(c->session)->function_count, 4);
}
END_TEST

/* ---------------------------------------------------------------- functions */

/* Call a function and check its bytes; returns the request message. */
static int call_function(const char *name, const char *arg, int64_t *rid, uint8_t *request)
{
    int n;
    *rid = cloud_session_call_function(c->session, name, arg);
    ck_assert_int_gt(*rid, 0);
    n = harness_next_message(c, request);
    ck_assert_int_gt(n, 0);
    return n;
}

static void device_returns(const uint8_t *request, int32_t value)
{
    uint8_t ack[4] = { 0x60, 0x00, request[2], request[3] };
    uint8_t result[10] = { 0x51, 0x44, 0, 0, request[4], 0xff, (uint8_t)(value >> 24),
                           (uint8_t)(value >> 16), (uint8_t)(value >> 8), (uint8_t)value };
    harness_device_send(c, ack, 4, 0);
    device_says(c, result, sizeof(result));
}

START_TEST(function_call_bytes_and_result)
{
    static const uint8_t tail[] = { 0xb1, 0x66, 0x0c, 'd', 'i', 'g', 'i', 't', 'a', 'l', 'w', 'r',
                                    'i',  't',  'e',  0x47, 'D', '7', ',', 'H', 'I', 'G', 'H' };
    uint8_t request[800];
    int64_t rid;
    recorded_notice *n;

    start_connected(NULL);
    ck_assert_int_eq(call_function("digitalwrite", "D7,HIGH", &rid, request), 5 + sizeof(tail));
    ck_assert_int_eq(request[0], 0x41); /* CON, exactly one token byte */
    ck_assert_int_eq(request[1], 0x02);
    ck_assert_mem_eq(request + 5, tail, sizeof(tail));
    device_returns(request, 1);
    n = harness_notice(&h, CLOUD_NOTICE_FUNCTION_RESULT, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->request_id, rid);
    ck_assert_int_eq(n->value, 1);
    ck_assert_str_eq(n->name, "digitalwrite");
    /* a second call gets its own token; negative results survive */
    uint8_t second[800];
    call_function("digitalread", "D7", &rid, second);
    ck_assert_int_ne(second[4], request[4]);
    device_returns(second, -1);
    ck_assert_int_eq(harness_notice(&h, CLOUD_NOTICE_FUNCTION_RESULT, 1)->value, -1);
}
END_TEST

START_TEST(function_without_argument_still_has_the_query_option)
{
    uint8_t request[800];
    int64_t rid;
    int n;

    start_connected(NULL);
    n = call_function("go", "", &rid, request);
    ck_assert_int_eq(n, 11);
    ck_assert_int_eq(request[10], 0x40);
}
END_TEST

START_TEST(unregistered_function_times_out_with_a_hint)
{
    uint8_t request[800];
    int64_t rid;
    recorded_notice *n;

    start_connected(NULL);
    device_posts_describe(tinker_json);
    call_function("nosuch", "x", &rid, request);
    uint8_t ack[4] = { 0x60, 0x00, request[2], request[3] };
    harness_device_send(c, ack, 4, 0); /* Device OS acknowledges, then says nothing */
    harness_advance(&h, 19 * SECOND);
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_REQUEST_FAILED), 0);
    harness_advance(&h, 1 * SECOND);
    n = harness_notice(&h, CLOUD_NOTICE_REQUEST_FAILED, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->request_id, rid);
    ck_assert_ptr_nonnull(strstr(n->text, "did not register"));
    ck_assert_ptr_nonnull(strstr(n->text, "digitalwrite"));
}
END_TEST

START_TEST(function_limits_are_enforced_before_sending)
{
    char long_name[70], long_arg[700];

    start_connected(NULL);
    memset(long_name, 'n', 65);
    long_name[65] = '\0';
    memset(long_arg, 'a', 623);
    long_arg[623] = '\0';
    ck_assert_int_lt(cloud_session_call_function(c->session, long_name, ""), 0);
    ck_assert_int_lt(cloud_session_call_function(c->session, "f", long_arg), 0);
    ck_assert_int_lt(cloud_session_call_function(c->session, "", "x"), 0);
    long_arg[622] = '\0';
    ck_assert_int_gt(cloud_session_call_function(c->session, "f", long_arg), 0);
    ck_assert_uint_eq(harness_pending(c), 1);
}
END_TEST

/* ---------------------------------------------------------------- variables */

START_TEST(variable_read_decodes_by_described_type)
{
    static const uint8_t tail[] = { 0xb1, 0x76, 0x04, 't', 'e', 'm', 'p' };
    uint8_t request[800];
    int64_t rid;
    recorded_notice *n;

    start_connected(NULL);
    device_posts_describe("{\"f\":[],\"v\":{\"temp\":9}}");
    rid = cloud_session_get_variable(c->session, "temp");
    ck_assert_int_gt(rid, 0);
    ck_assert_int_eq(harness_next_message(c, request), 5 + (int)sizeof(tail));
    ck_assert_int_eq(request[0], 0x41);
    ck_assert_int_eq(request[1], 0x01);
    ck_assert_mem_eq(request + 5, tail, sizeof(tail));
    uint8_t ack[4] = { 0x60, 0x00, request[2], request[3] };
    uint8_t value[14] = { 0x51, 0x45, 0, 0, request[4], 0xff, 0, 0, 0, 0, 0, 0x80, 0x35, 0x40 };
    harness_device_send(c, ack, 4, 0);
    device_says(c, value, sizeof(value));
    n = harness_notice(&h, CLOUD_NOTICE_VARIABLE_VALUE, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->request_id, rid);
    ck_assert_str_eq(n->text, "21.5");
    ck_assert_int_eq(n->variable_type, 9);
    ck_assert_uint_eq(n->data_length, 8);
}
END_TEST

START_TEST(unknown_variable_is_reported)
{
    uint8_t request[800];
    recorded_notice *n;

    start_connected(NULL);
    ck_assert_int_gt(cloud_session_get_variable(c->session, "nope"), 0);
    harness_next_message(c, request);
    /* Device OS answers a missing variable with a piggybacked 4.04 */
    uint8_t not_found[5] = { 0x61, 0x84, request[2], request[3], request[4] };
    harness_device_send(c, not_found, sizeof(not_found), 0);
    n = harness_notice(&h, CLOUD_NOTICE_REQUEST_FAILED, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->coap_code, 0x84);
    ck_assert_ptr_nonnull(strstr(n->text, "has no variable 'nope'"));
}
END_TEST

/* ---------------------------------------------------------------- events */

static connection *second_device(void)
{
    connection *b = harness_connect(&h, 1);
    uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0xff, 0xff,
                          0x00, 0x36, 0x00, 0x06 };
    uint8_t reply[800];

    ck_assert_int_eq(harness_handshake(b, test_device2_key_der, test_device2_key_der_length,
                                       harness_device2_id, 0), SIM_OK);
    device_says(b, hello, sizeof(hello));
    ck_assert_int_eq(harness_next_message(b, reply), 6);
    return b;
}

static void subscribe(connection *conn, const char *filter, bool my_devices)
{
    uint8_t message[100] = { 0x40, 0x01, 0, 0, 0xb1, 'e' };
    size_t n = 6, len = strlen(filter);
    uint16_t id;

    message[n++] = (uint8_t)len; /* filters here are shorter than 13 */
    memcpy(message + n, filter, len);
    n += len;
    if (my_devices) {
        message[n++] = 0x41;
        message[n++] = 'u';
    }
    id = device_says(conn, message, n);
    expect_empty_ack(conn, id);
}

START_TEST(device_event_is_reported_and_confirmable_one_acked)
{
    uint8_t event[32] = { 0x40, 0x02, 0, 0, 0xb1, 'e', 0x08, 'm', 'y', '/', 'e', 'v', 'e',
                          'n', 't', 0xff, '4', '2' };
    recorded_notice *n;
    uint16_t id;

    start_connected(NULL);
    id = device_says(c, event, 18);
    expect_empty_ack(c, id);
    n = harness_notice(&h, CLOUD_NOTICE_EVENT, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_str_eq(n->name, "my/event");
    ck_assert_uint_eq(n->data_length, 2);
    ck_assert_mem_eq(n->data, "42", 2);
    ck_assert(n->is_public);
}
END_TEST

START_TEST(claim_code_event_marks_the_device_claimed)
{
    uint8_t event[64] = { 0x50, 0x02, 0, 0, 0xb1, 'E', 0x0d, 0x0a };
    static const char name[] = "spark/device/claim/code";
    static const char code[] = "abcDEF123";
    cloud_device_record record;
    char error[256];
    size_t n = 8;

    start_connected(NULL);
    ck_assert_int_eq(cloud_registry_lookup(cloud_server_registry(h.server),
                                           "1f002a000347333531393738", &record, error,
                                           sizeof(error)), CLOUD_REGISTRY_FOUND);
    ck_assert(!record.claimed);
    memcpy(event + n, name, 23);
    n += 23;
    event[n++] = 0xff;
    memcpy(event + n, code, 9);
    n += 9;
    device_says(c, event, n);
    ck_assert_int_eq(cloud_registry_lookup(cloud_server_registry(h.server),
                                           "1f002a000347333531393738", &record, error,
                                           sizeof(error)), CLOUD_REGISTRY_FOUND);
    ck_assert(record.claimed);
    ck_assert(harness_log_contains(&h, "claim code 'abcDEF123'; marked claimed"));
}
END_TEST

START_TEST(events_reach_subscribed_devices_only)
{
    uint8_t event[32] = { 0x50, 0x02, 0, 0, 0xb1, 'E', 0x09, 't', 'e', 'm', 'p', '/', 'r',
                          'o', 'o', 'm', 0xff, '2', '1' };
    static const uint8_t expected_tail[] = { 0xb1, 'E', 0x09, 't', 'e', 'm', 'p', '/', 'r',
                                             'o',  'o', 'm',  0xff, '2', '1' };
    uint8_t got[800];
    connection *b;

    start_connected(NULL);
    b = second_device();
    subscribe(b, "temp/", true);
    subscribe(b, "spark", true);
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_SUBSCRIBE), 2);
    device_says(c, event, 19);
    ck_assert_int_eq(harness_next_message(b, got), 4 + (int)sizeof(expected_tail));
    ck_assert_int_eq(got[0], 0x50); /* NON: the device ACKs no event on TCP */
    ck_assert_int_eq(got[1], 0x02);
    ck_assert_mem_eq(got + 4, expected_tail, sizeof(expected_tail));
    ck_assert_uint_eq(harness_pending(c), 0); /* the publisher did not subscribe */

    /* system events never go from one device to another */
    uint8_t system_event[40] = { 0x50, 0x02, 0, 0, 0xb1, 'E', 0x0d, 0x01, 's', 'p', 'a', 'r',
                                 'k', '/', 'd', 'e', 'v', 'i', 'c', 'e', '/', 'x', 0xff, '1' };
    device_says(c, system_event, 24);
    ck_assert_uint_eq(harness_pending(b), 0);

    /* the server's own publish */
    ck_assert_int_eq(cloud_server_publish(h.server, "temp/set", (const uint8_t *)"5", 1, false), 1);
    ck_assert_int_gt(harness_next_message(b, got), 0);
    ck_assert_int_eq(got[5], 'E');
    ck_assert_int_eq(cloud_server_publish(h.server, "other", NULL, 0, true), 0);
}
END_TEST

START_TEST(subscription_to_one_device_filters_the_source)
{
    uint8_t subscribe_one[64] = { 0x40, 0x01, 0, 0, 0xb1, 'e', 0x01, 'x', 0xff };
    uint8_t event[16] = { 0x50, 0x02, 0, 0, 0xb1, 'e', 0x02, 'x', '1' };
    uint8_t got[800];
    connection *b;

    start_connected(NULL);
    b = second_device();
    /* b listens to "x" events from device 2 (itself) only */
    memcpy(subscribe_one + 9, "2e0011000a47333531393739", 24);
    expect_empty_ack(b, device_says(b, subscribe_one, 33));
    device_says(c, event, 9); /* from device 1: filtered out */
    ck_assert_uint_eq(harness_pending(b), 0);
    device_says(b, event, 9); /* from device 2 itself */
    ck_assert_int_gt(harness_next_message(b, got), 0);
}
END_TEST

/* ---------------------------------------------------------------- signal */

START_TEST(signal_bytes_and_acknowledgement)
{
    uint8_t request[800];
    int64_t rid;

    start_connected(NULL);
    rid = cloud_session_signal(c->session, true);
    ck_assert_int_eq(harness_next_message(c, request), 9);
    /* CON PUT /s with a token; the device reads start/stop at byte 8 */
    uint8_t want[9] = { 0x41, 0x03, request[2], request[3], request[4], 0xb1, 's', 0xff, 0x01 };
    ck_assert_mem_eq(request, want, 9);
    uint8_t ack[5] = { 0x61, 0x44, want[2], want[3], want[4] };
    harness_device_send(c, ack, 5, 0);
    ck_assert_int_eq(harness_notice(&h, CLOUD_NOTICE_SIGNAL_DONE, 0)->request_id, rid);
}
END_TEST

START_TEST(signal_payload_is_the_on_off_byte)
{
    uint8_t request[800];

    start_connected(NULL);
    cloud_session_signal(c->session, false);
    ck_assert_int_eq(harness_next_message(c, request), 9);
    ck_assert_int_eq(request[8], 0);
    cloud_session_signal(c->session, true);
    ck_assert_int_eq(harness_next_message(c, request), 9);
    ck_assert_int_eq(request[8], 1);
}
END_TEST

/* ---------------------------------------------------------------- transport behaviour */

START_TEST(device_frames_in_one_byte_deliveries_and_batches)
{
    uint8_t ping[4] = { 0x40, 0x00 };
    uint8_t frames[64];
    size_t n;
    uint16_t id1, id2;

    start_connected(NULL);
    id1 = sim_device_next_id(&c->device);
    ping[2] = (uint8_t)(id1 >> 8);
    ping[3] = (uint8_t)id1;
    harness_device_send(c, ping, 4, 1);
    expect_empty_ack(c, id1);
    /* two frames in one TCP read */
    id1 = sim_device_next_id(&c->device);
    ping[2] = (uint8_t)(id1 >> 8);
    ping[3] = (uint8_t)id1;
    n = sim_device_wrap(&c->device, ping, 4, frames);
    id2 = sim_device_next_id(&c->device);
    ping[2] = (uint8_t)(id2 >> 8);
    ping[3] = (uint8_t)id2;
    n += sim_device_wrap(&c->device, ping, 4, frames + n);
    harness_deliver(c, frames, n);
    expect_empty_ack(c, id1);
    expect_empty_ack(c, id2);
}
END_TEST

START_TEST(bad_frame_length_closes_with_the_reason)
{
    static const uint8_t header[2] = { 0x00, 0x11 };
    const char *text;

    start_connected(NULL);
    harness_deliver(c, header, 2);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_BAD_FRAME);
    ck_assert_ptr_nonnull(strstr(text, "declares 17 ciphertext bytes"));
}
END_TEST

START_TEST(frame_under_another_key_closes_with_the_reason)
{
    /* fixed bytes that do not decrypt to valid padding under this session key */
    uint8_t frame[18] = { 0x00, 0x10 };
    const char *text;

    start_connected(NULL);
    for (int i = 0; i < 16; i++) {
        frame[2 + i] = (uint8_t)(i * 37 + 11);
    }
    harness_deliver(c, frame, sizeof(frame));
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_BAD_FRAME);
    ck_assert_ptr_nonnull(strstr(text, "invalid PKCS#7 padding"));
}
END_TEST

START_TEST(undecodable_message_is_dropped_not_fatal)
{
    uint8_t bad[4] = { 0x90, 0x02, 0x00, 0x01 }; /* CoAP version 2 */
    uint8_t ping[4] = { 0x40, 0x00 };

    start_connected(NULL);
    harness_device_send(c, bad, 4, 0);
    ck_assert(!c->close_called);
    ck_assert(harness_log_contains(&h, "dropped an undecodable message (CoAP version is not 1)"));
    expect_empty_ack(c, device_says(c, ping, 4));
}
END_TEST

START_TEST(unknown_confirmable_request_gets_an_empty_ack_never_205)
{
    uint8_t put_k[6] = { 0x40, 0x03, 0, 0, 0xb1, 'k' };

    start_connected(NULL);
    expect_empty_ack(c, device_says(c, put_k, 6));
}
END_TEST

START_TEST(requests_need_a_connected_session)
{
    cloud_server_config config;

    harness_default_config(&config);
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0), SIM_OK);
    /* channel up, but no Hello yet */
    ck_assert_int_lt(cloud_session_call_function(c->session, "f", "x"), 0);
    ck_assert_int_lt(cloud_session_get_variable(c->session, "v"), 0);
    ck_assert_int_lt(cloud_session_signal(c->session, true), 0);
    ck_assert_uint_eq(harness_pending(c), 0);
    ck_assert(harness_log_contains(&h, "session is awaiting-hello"));
}
END_TEST

START_TEST(keepalive_pings_a_silent_device_then_gives_up)
{
    uint8_t ping[800];
    const char *text;

    start_connected(NULL);
    harness_advance(&h, 30 * SECOND);
    ck_assert_uint_eq(harness_pending(c), 0);
    harness_advance(&h, 1 * SECOND);
    ck_assert_int_eq(harness_next_message(c, ping), 4);
    ck_assert_int_eq(ping[0], 0x40);
    ck_assert_int_eq(ping[1], 0x00);
    uint8_t ack[4] = { 0x60, 0x00, ping[2], ping[3] };
    harness_device_send(c, ack, 4, 0);
    harness_advance(&h, 30 * SECOND);
    ck_assert(!c->close_called);
    harness_advance(&h, 1 * SECOND);
    ck_assert_int_eq(harness_next_message(c, ping), 4); /* pinged again, no answer now */
    harness_advance(&h, 15 * SECOND);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_KEEPALIVE_TIMEOUT);
}
END_TEST

START_TEST(request_flood_leaves_room_for_the_keepalive)
{
    uint8_t message[800];
    int accepted = 0;

    start_connected(NULL);
    harness_advance(&h, 30 * SECOND);
    for (int i = 0; i < 40; i++) {
        accepted += cloud_session_call_function(c->session, "f", "x") > 0;
    }
    ck_assert_int_eq(accepted, 31);
    ck_assert(harness_log_contains(&h, "31 requests already outstanding"));
    harness_advance(&h, 1 * SECOND); /* the keepalive is due and must still go out */
    for (int i = 0; i < 31; i++) {
        harness_next_message(c, message);
    }
    ck_assert_int_eq(harness_next_message(c, message), 4);
    ck_assert_int_eq(message[0], 0x40);
    ck_assert_int_eq(message[1], 0x00);
}
END_TEST

START_TEST(server_ping_request_completes_on_ack)
{
    uint8_t ping[800];
    int64_t rid;

    start_connected(NULL);
    rid = cloud_session_ping(c->session);
    ck_assert_int_eq(harness_next_message(c, ping), 4);
    uint8_t ack[4] = { 0x60, 0x00, ping[2], ping[3] };
    harness_device_send(c, ack, 4, 0);
    ck_assert_int_eq(harness_notice(&h, CLOUD_NOTICE_PING_DONE, 0)->request_id, rid);
}
END_TEST

START_TEST(reconnect_replaces_the_older_session)
{
    connection *second;
    const char *text;

    start_connected(NULL);
    second = harness_connect_hello(&h, 1, harness_device_id);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_REPLACED);
    ck_assert_ptr_nonnull(strstr(text, "connected again from 10.0.2.16"));
    ck_assert(!second->close_called);
    harness_close(c);
    ck_assert_ptr_eq(cloud_server_find_session(h.server, "1F002A000347333531393738"),
                     second->session);
}
END_TEST

START_TEST(transport_failure_ends_the_session)
{
    uint8_t ping[4] = { 0x40, 0x00 };
    const char *text;

    start_connected(NULL);
    h.send_result = -1;
    device_says(c, ping, 4);
    ck_assert(c->close_called);
    ck_assert_int_eq(cloud_session_failure(c->session, &text), CLOUD_FAILURE_SEND_FAILED);
}
END_TEST

START_TEST(goodbye_then_close_is_explained)
{
    uint8_t goodbye[12] = { 0x50, 0x02, 0, 0, 0xb1, 'x', 0xd0, 0xea, 0xff, 0x01, 0x02 };
    recorded_notice *closed;

    start_connected(NULL);
    device_says(c, goodbye, 11);
    harness_close(c);
    closed = harness_notice(&h, CLOUD_NOTICE_CLOSED, 0);
    ck_assert_int_eq(closed->failure, CLOUD_FAILURE_PEER_CLOSED);
    ck_assert_ptr_nonnull(strstr(closed->text, "after its Goodbye"));
}
END_TEST

/* ---------------------------------------------------------------- session faults */

static void handshake_and_hello(bool expect_reply)
{
    uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0x00, 0x03,
                          0x00, 0x36, 0x00, 0x06 };
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0), SIM_OK);
    device_says(c, hello, sizeof(hello));
    ck_assert_uint_eq(harness_pending(c), expect_reply ? 1 : 0);
}

START_TEST(withheld_hello_is_never_sent)
{
    cloud_server_config config;

    harness_default_config(&config);
    config.faults.withhold_hello = true;
    harness_start(&h, &config);
    handshake_and_hello(false);
    harness_advance(&h, 10 * SECOND);
    ck_assert_uint_eq(harness_pending(c), 0);
    ck_assert(harness_log_contains(&h, "MESSAGE_TIMEOUT 10"));
    harness_close(c);
    ck_assert_ptr_nonnull(strstr(harness_notice(&h, CLOUD_NOTICE_CLOSED, 0)->text,
                                 "before our Hello reached it (expected: a Hello fault is on)"));
}
END_TEST

START_TEST(delayed_hello_arrives_after_the_delay)
{
    cloud_server_config config;
    uint8_t reply[800];

    harness_default_config(&config);
    config.faults.hello_delay_ms = 4500;
    harness_start(&h, &config);
    handshake_and_hello(false);
    ck_assert(harness_log_contains(&h, "the device waits only 4000 ms"));
    harness_advance(&h, 4499ull * 1000000ull);
    ck_assert_uint_eq(harness_pending(c), 0);
    harness_advance(&h, 1000000ull);
    ck_assert_int_eq(harness_next_message(c, reply), 6);
    ck_assert_int_eq(reply[5], 'h');
}
END_TEST

START_TEST(ignored_pings_are_not_answered)
{
    cloud_faults faults = { .ignore_pings = true };
    uint8_t ping[4] = { 0x40, 0x00 };
    recorded_notice *closed;

    start_connected(&faults);
    device_says(c, ping, 4);
    ck_assert_uint_eq(harness_pending(c), 0);
    ck_assert(harness_log_contains(&h, "PING_TIMEOUT 1"));
    harness_close(c); /* the device hangs up 10 s later */
    closed = harness_notice(&h, CLOUD_NOTICE_CLOSED, 0);
    ck_assert_ptr_nonnull(strstr(closed->text, "ignore_pings fault is on"));
}
END_TEST

START_TEST(corrupted_frame_is_garbage_and_the_next_one_is_fine)
{
    cloud_server_config config;
    uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0x00, 0x03,
                          0x00, 0x36, 0x00, 0x06 };
    uint8_t reply[800];
    uint8_t ping[4] = { 0x40, 0x00 };
    int n;

    harness_default_config(&config);
    config.faults.corrupt_frame = 1; /* the server Hello */
    harness_start(&h, &config);
    c = harness_connect(&h, 0);
    ck_assert_int_eq(harness_handshake(c, test_device_key_der, test_device_key_der_length,
                                       harness_device_id, 0), SIM_OK);
    device_says(c, hello, sizeof(hello));
    n = harness_next_message(c, reply);
    ck_assert(n != 6 || reply[0] != 0x50 || reply[4] != 0xb1 || reply[5] != 'h');
    expect_empty_ack(c, device_says(c, ping, 4));
}
END_TEST

static Suite *session_suite(void)
{
    Suite *s = suite_create("cloud-session");
    TCase *tc = tcase_create("session");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, hello_id_is_little_endian_salt_plus_one);
    tcase_add_test(tc, hello_with_another_id_is_flagged);
    tcase_add_test(tc, ping_gets_an_empty_ack);
    tcase_add_test(tc, time_request_gets_205_with_the_time);
    tcase_add_test(tc, device_describe_post_is_acked_and_parsed);
    tcase_add_test(tc, describe_request_and_its_confirmable_reply);
    tcase_add_test(tc, function_call_bytes_and_result);
    tcase_add_test(tc, function_without_argument_still_has_the_query_option);
    tcase_add_test(tc, unregistered_function_times_out_with_a_hint);
    tcase_add_test(tc, function_limits_are_enforced_before_sending);
    tcase_add_test(tc, variable_read_decodes_by_described_type);
    tcase_add_test(tc, unknown_variable_is_reported);
    tcase_add_test(tc, device_event_is_reported_and_confirmable_one_acked);
    tcase_add_test(tc, claim_code_event_marks_the_device_claimed);
    tcase_add_test(tc, events_reach_subscribed_devices_only);
    tcase_add_test(tc, subscription_to_one_device_filters_the_source);
    tcase_add_test(tc, signal_bytes_and_acknowledgement);
    tcase_add_test(tc, signal_payload_is_the_on_off_byte);
    tcase_add_test(tc, device_frames_in_one_byte_deliveries_and_batches);
    tcase_add_test(tc, bad_frame_length_closes_with_the_reason);
    tcase_add_test(tc, frame_under_another_key_closes_with_the_reason);
    tcase_add_test(tc, undecodable_message_is_dropped_not_fatal);
    tcase_add_test(tc, unknown_confirmable_request_gets_an_empty_ack_never_205);
    tcase_add_test(tc, requests_need_a_connected_session);
    tcase_add_test(tc, keepalive_pings_a_silent_device_then_gives_up);
    tcase_add_test(tc, request_flood_leaves_room_for_the_keepalive);
    tcase_add_test(tc, server_ping_request_completes_on_ack);
    tcase_add_test(tc, reconnect_replaces_the_older_session);
    tcase_add_test(tc, transport_failure_ends_the_session);
    tcase_add_test(tc, goodbye_then_close_is_explained);
    tcase_add_test(tc, withheld_hello_is_never_sent);
    tcase_add_test(tc, delayed_hello_arrives_after_the_delay);
    tcase_add_test(tc, ignored_pings_are_not_answered);
    tcase_add_test(tc, corrupted_frame_is_garbage_and_the_next_one_is_fine);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(session_suite());
    int failed;
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
