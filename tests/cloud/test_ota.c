/*
 * OTA of the user part: message layouts, CRC-32 against gzip's, normal mode with a
 * bad-CRC retry, fast mode with missed chunks, the chunk faults, refusals and timeouts.
 *
 * The simulated device below parses chunks the way Device OS 2.2.0 does
 * (chunked_transfer.cpp): options from byte 7 by their low nibble, the first one the CRC,
 * a second one the chunk index (fast mode), and in normal mode it writes chunk k at
 * k * chunk_size counting the chunks it accepted.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "harness.h"
#include "vectors.h"

#define SECOND 1000000000ull
#define MS 1000000ull

typedef struct ota_device {
    bool refuse;         /* answer UpdateBegin with 5.03 */
    bool always_bad;     /* report every chunk as BAD */
    bool silent_chunks;  /* never answer a chunk */
    bool updating;
    bool fast;
    uint16_t chunk_size;
    uint32_t file_length;
    uint32_t chunk_index;
    uint8_t image[8192];
    uint8_t received[8192 / 16];
    unsigned chunk_messages;
    unsigned bad_crcs;
    unsigned update_done_count;
    bool finished;
} ota_device;

static harness h;
static connection *c;
static ota_device dev;

static void start(const cloud_faults *faults)
{
    cloud_server_config config;
    harness_default_config(&config);
    if (faults) {
        config.faults = *faults;
    }
    harness_start(&h, &config);
    c = harness_connect_hello(&h, 0, harness_device_id);
    memset(&dev, 0, sizeof(dev));
}

static void teardown(void)
{
    harness_stop(&h);
}

static void device_send(uint8_t *message, size_t length, bool new_id)
{
    if (new_id) {
        uint16_t id = sim_device_next_id(&c->device);
        message[2] = (uint8_t)(id >> 8);
        message[3] = (uint8_t)id;
    }
    harness_device_send(c, message, length, 0);
}

static void empty_ack(const uint8_t *request)
{
    uint8_t ack[4] = { 0x60, 0x00, request[2], request[3] };
    device_send(ack, 4, false);
}

static void handle_update_begin(const uint8_t *m, int length)
{
    ck_assert_int_ge(length, 20);
    ck_assert_int_eq(m[7], 0xff);
    if (dev.refuse) {
        uint8_t refuse[5] = { 0x61, 0xa3, m[2], m[3], m[4] };
        device_send(refuse, 5, false);
        return;
    }
    dev.fast = m[8] & 1;
    dev.chunk_size = (uint16_t)(m[9] << 8 | m[10]);
    dev.file_length = (uint32_t)m[11] << 24 | (uint32_t)m[12] << 16 | (uint32_t)m[13] << 8 | m[14];
    dev.updating = true;
    dev.chunk_index = 0;
    empty_ack(m);
    uint8_t ready[7] = { 0x51, 0x44, 0, 0, m[4], 0xff, (uint8_t)(dev.fast ? 1 : 0) };
    device_send(ready, 7, true);
}

static void handle_chunk(const uint8_t *m, int length)
{
    size_t payload = 7;
    unsigned option = 0;
    uint32_t given_crc = 0;
    bool fast = false;

    dev.chunk_messages++;
    while ((int)payload < length && m[payload] != 0xff) {
        if (option == 0) {
            given_crc = (uint32_t)m[payload + 1] << 24 | (uint32_t)m[payload + 2] << 16 |
                        (uint32_t)m[payload + 3] << 8 | m[payload + 4];
        } else if (option == 1) {
            dev.chunk_index = (uint32_t)(m[payload + 1] << 8 | m[payload + 2]);
            fast = true;
        }
        option++;
        payload += (m[payload] & 0xf) + 1u;
    }
    ck_assert_int_eq(m[payload], 0xff);
    payload++;
    if (dev.silent_chunks) {
        return;
    }
    if (!fast) {
        empty_ack(m);
    }
    size_t size = (size_t)length - payload;
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), m + payload, (uInt)size);
    bool ok = crc == given_crc && !dev.always_bad;
    if (ok) {
        memcpy(dev.image + (size_t)dev.chunk_index * dev.chunk_size, m + payload, size);
        dev.received[dev.chunk_index / 8] |= (uint8_t)(1u << (dev.chunk_index % 8));
        dev.chunk_index++;
    } else {
        dev.bad_crcs++;
    }
    if (!fast) {
        uint8_t result[5] = { 0x51, (uint8_t)(ok ? 0x44 : 0x80), 0, 0, m[4] };
        device_send(result, 5, true);
    }
}

static void handle_update_done(const uint8_t *m)
{
    uint32_t chunks = (dev.file_length + dev.chunk_size - 1) / dev.chunk_size;
    uint8_t missed[64] = { 0x50, 0x01, 0, 0, 0xb1, 'c', 0xff };
    size_t missing = 0;

    dev.update_done_count++;
    for (uint32_t i = 0; dev.fast && i < chunks; i++) {
        if (!(dev.received[i / 8] & (1u << (i % 8))) && missing < 20) {
            missed[7 + 2 * missing] = (uint8_t)(i >> 8);
            missed[8 + 2 * missing] = (uint8_t)i;
            missing++;
        }
    }
    if (missing) {
        uint8_t bad[5] = { 0x61, 0x80, m[2], m[3], m[4] };
        device_send(bad, 5, false);
        device_send(missed, 7 + 2 * missing, true);
        return;
    }
    uint8_t done[13] = { 0x61, 0x44, m[2], m[3], m[4], 0xff, '{', '"', 'r', '"', ':', '0', '}' };
    device_send(done, sizeof(done), false);
    dev.finished = true;
}

/* Let the device answer everything the server sends, advancing time for paced chunks. */
static void pump(void)
{
    for (int idle = 0; idle < 2000;) {
        uint8_t m[800];
        int length = harness_next_message(c, m);
        if (length < 0) {
            if (c->close_called || c->session_gone) {
                return;
            }
            harness_advance(&h, 20 * MS);
            idle++;
            if (dev.finished || harness_count_notices(&h, CLOUD_NOTICE_OTA_FAILED)) {
                return;
            }
            continue;
        }
        ck_assert_int_ge(length, 7);
        ck_assert_int_eq(m[0] & 0x0f, 1); /* every OTA request carries a 1-byte token */
        if (m[1] == 0x02 && m[5] == 0xb1 && m[6] == 'u') {
            handle_update_begin(m, length);
        } else if (m[1] == 0x02 && m[5] == 0xb1 && m[6] == 'c') {
            handle_chunk(m, length);
        } else if (m[1] == 0x03 && m[5] == 0xb1 && m[6] == 'u') {
            handle_update_done(m);
        } else {
            ck_abort_msg("unexpected server message during OTA: %02x %02x", m[0], m[1]);
        }
    }
}

static void make_image(uint8_t *image, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        image[i] = (uint8_t)(i * 7 + i / 256);
    }
}

START_TEST(update_begin_layout_and_chunk_crc_match_gzip)
{
    uint8_t m[800];
    int64_t rid;
    uint32_t crc = (uint32_t)test_crc_chunk_crc_le[0] | (uint32_t)test_crc_chunk_crc_le[1] << 8 |
                   (uint32_t)test_crc_chunk_crc_le[2] << 16 |
                   (uint32_t)test_crc_chunk_crc_le[3] << 24;

    start(NULL);
    rid = cloud_session_start_ota(c->session, test_crc_chunk, test_crc_chunk_length, NULL);
    ck_assert_int_gt(rid, 0);
    ck_assert_int_eq(harness_next_message(c, m), 20);
    uint8_t begin[20] = { 0x41, 0x02, m[2], m[3], m[4], 0xb1, 'u', 0xff,
                          0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
                          0x00, 0x00, 0x00, 0x00 };
    ck_assert_mem_eq(m, begin, 20);
    handle_update_begin(m, 20);
    ck_assert_int_eq(harness_next_message(c, m), 5 + 2 + 5 + 1 + 512);
    uint8_t chunk_head[13] = { 0x41, 0x02, m[2], m[3], m[4], 0xb1, 'c', 0x44,
                               (uint8_t)(crc >> 24), (uint8_t)(crc >> 16), (uint8_t)(crc >> 8),
                               (uint8_t)crc, 0xff };
    ck_assert_mem_eq(m, chunk_head, 13);
    ck_assert_mem_eq(m + 13, test_crc_chunk, 512);
    handle_chunk(m, 13 + 512);
    ck_assert_int_eq(harness_next_message(c, m), 7);
    uint8_t done[7] = { 0x41, 0x03, m[2], m[3], m[4], 0xb1, 'u' };
    ck_assert_mem_eq(m, done, 7);
    handle_update_done(m);
    recorded_notice *n = harness_notice(&h, CLOUD_NOTICE_OTA_DONE, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_int_eq(n->request_id, rid);
    ck_assert_str_eq(n->text, "{\"r\":0}");
}
END_TEST

START_TEST(normal_update_with_a_short_last_chunk)
{
    uint8_t image[1300];

    start(NULL);
    make_image(image, sizeof(image));
    ck_assert_int_gt(cloud_session_start_ota(c->session, image, sizeof(image), NULL), 0);
    pump();
    ck_assert(dev.finished);
    ck_assert_uint_eq(dev.file_length, 1300);
    ck_assert_uint_eq(dev.chunk_messages, 3);
    ck_assert_mem_eq(dev.image, image, sizeof(image));
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_OTA_PROGRESS), 3);
    ck_assert_int_eq(harness_notice(&h, CLOUD_NOTICE_OTA_PROGRESS, 2)->value, 3);
    ck_assert_uint_eq(harness_count_notices(&h, CLOUD_NOTICE_OTA_DONE), 1);
    /* the device resets to apply it; the close is explained */
    harness_close(c);
    ck_assert_ptr_nonnull(strstr(harness_notice(&h, CLOUD_NOTICE_CLOSED, 0)->text,
                                 "to apply the OTA update"));
}
END_TEST

START_TEST(bad_crc_chunk_is_resent)
{
    cloud_faults faults = { .ota_bad_crc_chunks = { 1 }, .ota_bad_crc_count = 1 };
    uint8_t image[1536];

    start(&faults);
    make_image(image, sizeof(image));
    ck_assert_int_gt(cloud_session_start_ota(c->session, image, sizeof(image), NULL), 0);
    pump();
    ck_assert(dev.finished);
    ck_assert_uint_eq(dev.bad_crcs, 1);
    ck_assert_uint_eq(dev.chunk_messages, 4); /* chunk 1 twice */
    ck_assert_mem_eq(dev.image, image, sizeof(image));
    ck_assert(harness_log_contains(&h, "bad CRC for chunk 1"));
}
END_TEST

START_TEST(retries_are_bounded)
{
    cloud_ota_options options = { .max_retries = 2 };
    uint8_t image[600];
    recorded_notice *n;

    start(NULL);
    dev.always_bad = true;
    make_image(image, sizeof(image));
    ck_assert_int_gt(cloud_session_start_ota(c->session, image, sizeof(image), &options), 0);
    pump();
    ck_assert(!dev.finished);
    ck_assert_uint_eq(dev.chunk_messages, 3);
    n = harness_notice(&h, CLOUD_NOTICE_OTA_FAILED, 0);
    ck_assert_ptr_nonnull(n);
    ck_assert_ptr_nonnull(strstr(n->text, "rejected chunk 0 3 times"));
}
END_TEST

START_TEST(refused_update_is_reported)
{
    uint8_t image[100] = { 0 };

    start(NULL);
    dev.refuse = true;
    ck_assert_int_gt(cloud_session_start_ota(c->session, image, sizeof(image), NULL), 0);
    pump();
    ck_assert_ptr_nonnull(strstr(harness_notice(&h, CLOUD_NOTICE_OTA_FAILED, 0)->text,
                                 "refused the update (5.03)"));
    ck_assert_uint_eq(dev.chunk_messages, 0);
}
END_TEST

START_TEST(fast_update_resends_missed_chunks)
{
    cloud_faults faults = { .ota_drop_chunks = { 0, 2 }, .ota_drop_count = 2,
                            .ota_bad_crc_chunks = { 3 }, .ota_bad_crc_count = 1 };
    cloud_ota_options options = { .fast = true };
    uint8_t image[2500];

    start(&faults);
    make_image(image, sizeof(image));
    ck_assert_int_gt(cloud_session_start_ota(c->session, image, sizeof(image), &options), 0);
    pump();
    ck_assert(dev.fast);
    ck_assert(dev.finished);
    ck_assert_uint_eq(dev.update_done_count, 2);
    /* first pass: 1, 3 (bad CRC), 4; then 0, 2, 3 again */
    ck_assert_uint_eq(dev.chunk_messages, 6);
    ck_assert_uint_eq(dev.bad_crcs, 1);
    ck_assert_mem_eq(dev.image, image, sizeof(image));
    ck_assert(harness_log_contains(&h, "device misses 3 chunk(s), first 0"));
}
END_TEST

START_TEST(fast_chunks_are_paced)
{
    cloud_ota_options options = { .fast = true };
    uint8_t image[2048], m[800];

    start(NULL);
    make_image(image, sizeof(image));
    cloud_session_start_ota(c->session, image, sizeof(image), &options);
    handle_update_begin(m, harness_next_message(c, m));
    ck_assert_uint_eq(harness_pending(c), 1); /* the first chunk goes at once */
    harness_next_message(c, m);
    harness_advance(&h, 19 * MS);
    ck_assert_uint_eq(harness_pending(c), 0);
    harness_advance(&h, 1 * MS);
    ck_assert_uint_eq(harness_pending(c), 1);
}
END_TEST

START_TEST(dropped_chunk_in_normal_mode_corrupts_the_image)
{
    cloud_faults faults = { .ota_drop_chunks = { 1 }, .ota_drop_count = 1 };
    uint8_t image[1536];

    start(&faults);
    make_image(image, sizeof(image));
    cloud_session_start_ota(c->session, image, sizeof(image), NULL);
    pump();
    ck_assert_uint_eq(dev.chunk_messages, 2);
    /* chunk 2 landed in slot 1: what a server that loses a chunk does to a Photon */
    ck_assert_mem_eq(dev.image + 512, image + 1024, 512);
    ck_assert(harness_log_contains(&h, "the image is corrupt"));
}
END_TEST

START_TEST(silent_device_times_the_chunk_out)
{
    uint8_t image[700];

    start(NULL);
    dev.silent_chunks = true;
    make_image(image, sizeof(image));
    cloud_session_start_ota(c->session, image, sizeof(image), NULL);
    pump();
    ck_assert_ptr_nonnull(strstr(harness_notice(&h, CLOUD_NOTICE_OTA_FAILED, 0)->text,
                                 "no answer for chunk 0 in time"));
}
END_TEST

START_TEST(closing_during_an_update_reports_it)
{
    uint8_t image[700];

    start(NULL);
    cloud_session_start_ota(c->session, image, sizeof(image), NULL);
    harness_close(c);
    ck_assert_ptr_nonnull(strstr(harness_notice(&h, CLOUD_NOTICE_OTA_FAILED, 0)->text,
                                 "closed during the update"));
}
END_TEST

START_TEST(only_one_update_at_a_time_and_sane_sizes)
{
    uint8_t image[700] = { 0 };
    cloud_ota_options huge_chunks = { .chunk_size = 800 };

    start(NULL);
    ck_assert_int_lt(cloud_session_start_ota(c->session, image, 0, NULL), 0);
    ck_assert_int_lt(cloud_session_start_ota(c->session, image, sizeof(image), &huge_chunks), 0);
    ck_assert_int_gt(cloud_session_start_ota(c->session, image, sizeof(image), NULL), 0);
    ck_assert_int_lt(cloud_session_start_ota(c->session, image, sizeof(image), NULL), 0);
}
END_TEST

static Suite *ota_suite(void)
{
    Suite *s = suite_create("cloud-ota");
    TCase *tc = tcase_create("ota");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, update_begin_layout_and_chunk_crc_match_gzip);
    tcase_add_test(tc, normal_update_with_a_short_last_chunk);
    tcase_add_test(tc, bad_crc_chunk_is_resent);
    tcase_add_test(tc, retries_are_bounded);
    tcase_add_test(tc, refused_update_is_reported);
    tcase_add_test(tc, fast_update_resends_missed_chunks);
    tcase_add_test(tc, fast_chunks_are_paced);
    tcase_add_test(tc, dropped_chunk_in_normal_mode_corrupts_the_image);
    tcase_add_test(tc, silent_device_times_the_chunk_out);
    tcase_add_test(tc, closing_during_an_update_reports_it);
    tcase_add_test(tc, only_one_update_at_a_time_and_sane_sizes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(ota_suite());
    int failed;
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
