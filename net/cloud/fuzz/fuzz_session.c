/*
 * Fuzz target: a whole session after the handshake (how to build and run: fuzz_common.h).
 *
 * The channel is set up directly from a fixed session key (the RSA steps have their own
 * target), then the input is a little program of records, each an opcode byte and its
 * operands:
 *   0 device message   len, fragment, bytes  -> sealed like the device does, delivered in pieces
 *   1 raw bytes        len, bytes            -> delivered as-is (bad frames)
 *   2 time passes      tenths of a second    -> due timers fire
 *   3 server request   kind, bytes           -> function, variable, describe, signal, ping,
 *                                               OTA, publish, event
 *   4 device reply     kind, len, bytes      -> aimed at the server's latest request (its
 *                                               message id and token), so the reply handlers
 *                                               and the OTA state machine are reachable
 *   5 device Hello
 *   6 ChunkMissed      len, indices
 *   7 faults           bits                  -> the session's live fault options
 * Invariants checked: every send is exactly one whole frame that decrypts, timers make
 * progress, the session never acts after asking to be closed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "session_internal.h"
#include "vectors.h"

static const uint8_t session_key[40] = {
    0x10, 0x21, 0x32, 0x43, 0x54, 0x65, 0x76, 0x87, 0x98, 0xa9, 0xba, 0xcb, 0xdc, 0xed,
    0xfe, 0x0f, 0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87, 0x78, 0x69, 0x5a, 0x4b,
    0x3c, 0x2d, 0x1e, 0x0f, 0x34, 0x12, 0, 0, 0, 0, 0, 0,
};

typedef struct device_view {
    cloud_channel to_server;   /* the device's sending side */
    cloud_channel from_server; /* the device's receiving side */
    uint16_t message_id;
    bool have_last;
    uint16_t last_id;          /* the server's latest message */
    uint8_t last_token;
    bool close_requested;
    uint64_t deadline;
} device_view;

static cloud_server *server;
static uint64_t now_ns;
static device_view device;

static uint64_t op_now(void *ctx) { (void)ctx; return now_ns; }

static void op_set_timer(void *ctx, cloud_session *s, uint64_t deadline)
{
    (void)ctx; (void)s;
    device.deadline = deadline;
}

static int op_send(void *ctx, cloud_session *s, const uint8_t *bytes, size_t length)
{
    uint8_t plain[CLOUD_CHANNEL_MAX_RECEIVE];
    size_t consumed, plain_length;
    coap_message m;
    (void)ctx; (void)s;

    if (device.close_requested) {
        abort(); /* nothing may be sent after the close request */
    }
    if (length < 2 || ((size_t)bytes[0] << 8 | bytes[1]) + 2 != length ||
        length > CLOUD_CHANNEL_MAX_FRAME) {
        abort(); /* one send, one whole frame, within the device's buffer */
    }
    if (cloud_channel_receive(&device.from_server, bytes, length, &consumed, plain,
                              sizeof(plain), &plain_length) != CLOUD_CHANNEL_FRAME) {
        if (s->faults.corrupt_frame == 0) {
            abort();
        }
        return 0;
    }
    if (coap_parse(plain, plain_length, &m) == COAP_PARSE_OK && m.type <= COAP_TYPE_NON) {
        device.have_last = true;
        device.last_id = m.message_id;
        device.last_token = m.token_length == 1 ? m.token[0] : 0;
    }
    return 0;
}

/* FUZZ_LOG=1 prints the core's log: the first thing to look at for a crash file */
static void op_log(void *ctx, cloud_session *s, cloud_log_level level, const char *message)
{
    (void)ctx; (void)s; (void)level;
    fprintf(stderr, "%llu.%03llu %s\n", (unsigned long long)(now_ns / 1000000000ull),
            (unsigned long long)(now_ns / 1000000ull % 1000), message);
}

static void op_close(void *ctx, cloud_session *s)
{
    (void)ctx; (void)s;
    device.close_requested = true;
}

static void setup(void)
{
    static const uint8_t seed[] = "fuzz";
    cloud_server_config config = {
        .seed = seed,
        .seed_length = 4,
        .server_key = test_server_key_der,
        .server_key_length = test_server_key_der_length,
        .wrong_server_key = test_wrong_server_key_der,
        .wrong_server_key_length = test_wrong_server_key_der_length,
    };
    cloud_ops ops = { .now_ns = op_now, .set_timer = op_set_timer, .send = op_send,
                      .close = op_close, .log = getenv("FUZZ_LOG") ? op_log : NULL };
    char error[256];
    server = cloud_server_new(&config, &ops, error, sizeof(error));
    if (!server) {
        abort();
    }
}

static void fire_timers(cloud_session *s)
{
    for (int guard = 0; !device.close_requested && device.deadline <= now_ns; guard++) {
        uint64_t before = device.deadline;
        if (guard > 10000) {
            abort(); /* a timer that never moves its deadline would spin the host */
        }
        cloud_session_timer(s, now_ns);
        if (device.deadline == before && before <= now_ns && guard > 100) {
            abort();
        }
    }
}

static void device_send(cloud_session *s, const uint8_t *message, size_t length, size_t fragment)
{
    uint8_t frame[CLOUD_CHANNEL_MAX_FRAME];
    int n = cloud_channel_seal(&device.to_server, message, length, frame, sizeof(frame), 0);
    if (n < 0) {
        return;
    }
    for (int i = 0; i < n && !device.close_requested; i += (int)fragment) {
        int piece = n - i < (int)fragment ? n - i : (int)fragment;
        cloud_session_received(s, frame + i, (size_t)piece);
    }
}

static uint16_t next_device_id(void)
{
    return ++device.message_id;
}

static void server_request(cloud_session *s, fuzz_input *in)
{
    uint8_t kind = fuzz_byte(in);
    const uint8_t *bytes;
    size_t n = fuzz_take(in, fuzz_byte(in) % 80, &bytes);
    char text[96];

    memcpy(text, bytes, n);
    text[n] = '\0';
    switch (kind % 10) {
    case 0:
        cloud_session_call_function(s, n ? text : "digitalwrite", "D7,HIGH");
        break;
    case 1:
        cloud_session_get_variable(s, n ? text : "temp");
        break;
    case 2:
        cloud_session_request_describe(s, kind >> 4);
        break;
    case 3:
        cloud_session_signal(s, kind & 0x10);
        break;
    case 4:
        cloud_session_ping(s);
        break;
    case 5:
    case 6: {
        uint8_t image[4096];
        size_t length = 1 + (size_t)(kind >> 4) * 200;
        cloud_ota_options options = { .fast = kind % 10 == 6, .chunk_size = (uint16_t)(n * 8),
                                      .max_retries = kind & 3 };
        memset(image, kind, sizeof(image));
        cloud_session_start_ota(s, image, length, &options);
        break;
    }
    case 7:
        cloud_server_publish(server, n ? text : "x", bytes, n, kind & 0x10);
        break;
    case 8:
        cloud_session_send_event(s, n ? text : "x", bytes, n, kind & 0x10);
        break;
    default:
        (void)cloud_server_find_session(server, text);
        break;
    }
}

/* A reply shaped like the ones Device OS sends, aimed at the server's latest message. */
static void device_reply(cloud_session *s, fuzz_input *in)
{
    static const uint8_t codes[] = { 0x00, 0x44, 0x45, 0x80, 0x84, 0xa3, 0xa0, 0x00 };
    uint8_t kind = fuzz_byte(in);
    const uint8_t *payload;
    size_t payload_length = fuzz_take(in, fuzz_byte(in), &payload);
    uint8_t message[400];
    size_t n = 0;
    uint8_t code = codes[kind & 7];
    uint8_t type = (kind >> 3) & 3; /* CON NON ACK RST */
    uint16_t id = type >= COAP_TYPE_ACK ? device.last_id : next_device_id();

    if (!device.have_last) {
        return;
    }
    message[n++] = (uint8_t)(0x40 | type << 4 | ((kind & 0x20) ? 0 : 1));
    message[n++] = type == COAP_TYPE_RST ? 0 : code;
    message[n++] = (uint8_t)(id >> 8);
    message[n++] = (uint8_t)id;
    if (!(kind & 0x20)) {
        message[n++] = device.last_token;
    }
    if (payload_length) {
        message[n++] = 0xff;
        memcpy(message + n, payload, payload_length);
        n += payload_length;
    }
    device_send(s, message, n, (kind >> 6) + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size, 0 };
    cloud_session *s;

    if (!server) {
        setup();
    }
    now_ns = 1000000000ull; /* each input starts at the same instant, so it replays alone */
    memset(&device, 0, sizeof(device));
    device.deadline = CLOUD_NO_DEADLINE;
    cloud_channel_init(&device.to_server, session_key, session_key + 16);
    cloud_channel_init(&device.from_server, session_key, session_key + 16);
    device.message_id = 0x1234; /* little-endian salt */

    s = cloud_session_new(server, "fuzz", &device);
    cloud_enter(server);
    s->state = CLOUD_SESSION_NEW;
    cloud_session_channel_ready(s, session_key);
    cloud_leave(server);

    while (in.pos < in.size && !device.close_requested) {
        uint8_t op = fuzz_byte(&in);
        switch (op % 8) {
        case 0: {
            const uint8_t *bytes;
            size_t length = fuzz_take(&in, fuzz_byte(&in) | (op & 0x80 ? 0x100 : 0), &bytes);
            size_t fragment = (size_t)(fuzz_byte(&in) % 32) + 1;
            device_send(s, bytes, length, fragment);
            break;
        }
        case 1: {
            const uint8_t *bytes;
            size_t length = fuzz_take(&in, fuzz_byte(&in), &bytes);
            cloud_session_received(s, bytes, length);
            break;
        }
        case 2:
            now_ns += (uint64_t)fuzz_byte(&in) * 100000000ull;
            break;
        case 3:
            server_request(s, &in);
            break;
        case 4:
            device_reply(s, &in);
            break;
        case 5: {
            uint8_t hello[15] = { 0x50, 0x02, 0, 0, 0xb1, 'h', 0xff, 0x00, 0x06, 0x00, 0x03,
                                  0x00, 0x36, 0x00, 0x06 };
            uint16_t id = next_device_id();
            hello[2] = (uint8_t)(id >> 8);
            hello[3] = (uint8_t)id;
            device_send(s, hello, sizeof(hello), 16);
            break;
        }
        case 6: {
            uint8_t missed[300] = { 0x50, 0x01, 0, 0, 0xb1, 'c', 0xff };
            const uint8_t *indices;
            size_t length = fuzz_take(&in, fuzz_byte(&in), &indices);
            uint16_t id = next_device_id();
            missed[2] = (uint8_t)(id >> 8);
            missed[3] = (uint8_t)id;
            memcpy(missed + 7, indices, length);
            device_send(s, missed, 7 + length, 300);
            break;
        }
        default: {
            uint8_t bits = fuzz_byte(&in);
            cloud_faults *f = cloud_session_faults(s);
            f->ignore_pings = bits & 1;
            f->withhold_hello = bits & 2;
            f->hello_delay_ms = (bits & 4) ? 500 : 0;
            f->ota_drop_count = (bits >> 3) & 1;
            f->ota_drop_chunks[0] = bits >> 5;
            f->ota_bad_crc_count = (bits >> 4) & 1;
            f->ota_bad_crc_chunks[0] = bits >> 6;
            f->corrupt_frame = (bits & 0x80) ? s->channel.frames_sent + 1 : 0;
            break;
        }
        }
        fire_timers(s);
    }
    cloud_session_closed(s);
    cloud_channel_free(&device.to_server);
    cloud_channel_free(&device.from_server);
    return 0;
}
