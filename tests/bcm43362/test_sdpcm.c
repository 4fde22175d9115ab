/*
 * SDPCM on F2: the byte-exact bus:txglom exchange (reference §2.6), credits (§2.3), how
 * the host reads frames (§2.4: tag read, zeros when empty, padding, aborts) and bad
 * host frames.
 */
#include <check.h>
#include <string.h>

#include "wwd_host.h"

/* §2.6, host → chip: SET_VAR "bus:txglom" = 0, seq 0, ioctl id 1 (43 bytes). */
static const uint8_t txglom_request[43] = {
    0x2b, 0x00, 0xd4, 0xff, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x00,
    0x07, 0x01, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    'b', 'u', 's', ':', 't', 'x', 'g', 'l', 'o', 'm', 0x00, 0x00, 0x00, 0x00, 0x00,
};
/* §2.6, chip → host response, credit = 1 + 7 = 8. */
static const uint8_t txglom_response[43] = {
    0x2b, 0x00, 0xd4, 0xff, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x08, 0x00, 0x00,
    0x07, 0x01, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x62, 0x75, 0x73, 0x3a, 0x74, 0x78, 0x67, 0x6c, 0x6f, 0x6d, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static struct wwd_host *ready_host(void)
{
    struct wwd_host *h = host_new(NULL);
    host_bringup(h, NULL, 0);
    h->auto_service = false;
    return h;
}

/* After one answered ioctl the host holds credit for 7 more frames. */
static struct wwd_host *host_with_credit(void)
{
    struct wwd_host *h = ready_host();
    uint8_t zero[4] = { 0 };
    ck_assert_int_eq(host_iovar_set(h, "bus:txglom", zero, 4), 0);
    h->wlan_up = true;
    ck_assert_uint_eq(h->last_credit, 8);
    return h;
}

START_TEST(txglom_request_and_response_byte_exact)
{
    struct wwd_host *h = ready_host();
    uint8_t req[43];
    memcpy(req, txglom_request, sizeof req);
    host_transfer(h, true, 2, 0, req, sizeof req, NULL);          /* byte mode, 64 on the wire */
    ck_assert(h->irq_latched);
    ck_assert_uint_eq(host_bp_read(h, 0x18002020, 4) & 0x40, 0x40);
    host_bp_write(h, 0x18002020, 4, 0x40);

    uint8_t tag[4], wire[64];
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    ck_assert_mem_eq(tag, txglom_response, 4);
    uint8_t rest[39];
    host_transfer(h, false, 2, 0, rest, sizeof rest, wire);       /* count 64 */
    ck_assert_mem_eq(rest, txglom_response + 4, sizeof rest);
    for (size_t i = sizeof rest; i < sizeof wire; i++) {
        ck_assert_uint_eq(wire[i], 0);                            /* padding is zeros */
    }
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    ck_assert_mem_eq(tag, "\0\0\0\0", 4);                         /* queue empty */
    host_free(h);
}
END_TEST

START_TEST(credit_is_host_sequence_plus_8_never_a_bigger_jump)
{
    struct wwd_host *h = ready_host();
    h->auto_service = true;
    for (int i = 0; i < 600; i++) {                               /* wraps the 8-bit sequence */
        uint8_t v[4] = { (uint8_t)i };
        ck_assert_int_eq(host_iovar_set(h, "allmulti", v, 4), 0);
        /* the response was stamped after the host's frame (seq = tx_seq - 1) */
        ck_assert_uint_eq(h->last_credit, (uint8_t)(h->tx_seq + 7));
    }
    ck_assert_uint_eq(h->credit_updates_ignored, 0);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.credit_violations, 0);
    host_free(h);
}
END_TEST

START_TEST(poke_gets_a_12_byte_credit_frame)
{
    struct wwd_host *h = ready_host();
    uint8_t zero[4] = { 0 };
    h->auto_service = true;
    host_iovar_set(h, "bus:txglom", zero, 4);
    h->auto_service = false;
    h->wlan_up = true;
    host_poke(h);
    ck_assert(h->irq_latched);
    host_bp_write(h, 0x18002020, 4, host_bp_read(h, 0x18002020, 4));
    uint8_t frame[12];
    host_transfer(h, false, 2, 0, frame, 4, NULL);
    ck_assert_mem_eq(frame, "\x0c\x00\xf3\xff", 4);
    host_transfer(h, false, 2, 0, frame + 4, 8, NULL);            /* WWD's "8 more bytes" */
    ck_assert_uint_eq(frame[5] & 0x0F, 0);                        /* channel 0 */
    ck_assert_uint_eq(frame[7], 12);
    ck_assert_uint_eq(frame[8], 0);
    ck_assert_uint_eq(frame[9], (uint8_t)(1 + 7));                /* host sent seq 0 only */
    host_transfer(h, false, 2, 0, frame, 4, NULL);
    ck_assert_mem_eq(frame, "\0\0\0\0", 4);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.pokes, 1);
    ck_assert_uint_eq(st.credit_frames, 1);
    host_free(h);
}
END_TEST

START_TEST(exhausted_window_gets_credit_without_poke)
{
    struct wwd_host *h = ready_host();
    h->auto_service = true;
    uint8_t zero[4] = { 0 };
    host_iovar_set(h, "bus:txglom", zero, 4);
    h->wlan_up = true;
    /* 100 data frames (not associated: dropped by the chip, no answers) */
    uint8_t body[4 + 60] = { 0x20 };
    for (int i = 0; i < 100; i++) {
        host_send_frame(h, 2, body, sizeof body);
        if (h->irq_latched) {
            host_service(h);
        }
    }
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.pokes, 0);
    ck_assert_uint_ge(st.credit_frames, 100 / 7);
    ck_assert_uint_eq(h->credit_updates_ignored, 0);
    host_free(h);
}
END_TEST

static void send_ioctl_unread(struct wwd_host *h, uint32_t cmd, uint16_t id, const char *iovar, size_t len)
{
    uint8_t body[16 + 256] = { 0 };
    body[0] = (uint8_t)cmd;
    body[1] = (uint8_t)(cmd >> 8);
    body[4] = (uint8_t)len;
    body[10] = (uint8_t)id;
    memcpy(body + 16, iovar, strlen(iovar) + 1);
    host_send_frame(h, 0, body, 16 + len);
}

START_TEST(padding_never_consumes_the_next_frame)
{
    struct wwd_host *h = host_with_credit();
    send_ioctl_unread(h, 262, 1, "ver", 128);                     /* 156-byte response */
    send_ioctl_unread(h, 262, 2, "cur_etheraddr", 20);            /* 48-byte response */
    uint8_t tag[4], rest[152], wire[192];
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    ck_assert_uint_eq(test_le16(tag), 156);
    host_transfer(h, false, 2, 0, rest, sizeof rest, wire);       /* 3 blocks = 192 bytes */
    ck_assert_mem_eq(rest + 12 + 16 - 4, "wl0: ", 5);
    for (size_t i = sizeof rest; i < sizeof wire; i++) {
        ck_assert_uint_eq(wire[i], 0);
    }
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    ck_assert_uint_eq(test_le16(tag), 48);                        /* second frame intact */
    uint8_t second[44];
    host_transfer(h, false, 2, 0, second, sizeof second, NULL);
    ck_assert_uint_eq(second[22 - 4], 2);                         /* CDC flags byte 2 = id */
    host_free(h);
}
END_TEST

START_TEST(frames_can_be_read_in_pieces)
{
    struct wwd_host *h = host_with_credit();
    send_ioctl_unread(h, 262, 7, "cur_etheraddr", 20);
    uint8_t a[4], b[8], c[36];
    host_transfer(h, false, 2, 0, a, 4, NULL);
    host_transfer(h, false, 2, 0, b, 8, NULL);
    host_transfer(h, false, 2, 0, c, 36, NULL);
    ck_assert_uint_eq(test_le16(a), 48);
    ck_assert_uint_eq(b[3], 12);                                  /* doff */
    ck_assert_uint_eq(test_le32(c) & 0xFFFF, 262);                /* CDC cmd right after */
    ck_assert_mem_eq(c + 16, "\x02\x0a\xf7\xe0\xae\xce", 6);
    host_transfer(h, false, 2, 0, a, 4, NULL);
    ck_assert_mem_eq(a, "\0\0\0\0", 4);
    host_free(h);
}
END_TEST

START_TEST(empty_queue_reads_zeros_and_consumes_nothing)
{
    struct wwd_host *h = host_with_credit();
    uint8_t tag[4] = { 1, 2, 3, 4 };
    for (int i = 0; i < 3; i++) {
        host_transfer(h, false, 2, 0, tag, 4, NULL);
        ck_assert_mem_eq(tag, "\0\0\0\0", 4);
    }
    send_ioctl_unread(h, 262, 3, "cur_etheraddr", 20);
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    ck_assert_uint_eq(test_le16(tag), 48);
    host_free(h);
}
END_TEST

START_TEST(abort_drops_only_the_frame_being_read)
{
    struct wwd_host *h = host_with_credit();
    send_ioctl_unread(h, 262, 1, "ver", 128);
    send_ioctl_unread(h, 262, 2, "cur_etheraddr", 20);
    host_bp_write(h, 0x18002020, 4, 0x40);
    ck_assert(!h->irq_level);
    uint8_t tag[4], more[8];
    host_transfer(h, false, 2, 0, tag, 4, NULL);                  /* WWD: tag, 8 more, abort */
    host_transfer(h, false, 2, 0, more, 8, NULL);
    const unsigned edges = h->irq_rising_edges;
    host_cmd52(h, true, 0, 0x06, 0x02);                           /* IOABORT F2 */
    host_cmd52(h, true, 1, 0x1000D, 0x01);                        /* RF_TERM */
    /* frames remain: the chip interrupts again */
    ck_assert_uint_eq(h->irq_rising_edges, edges + 1);
    host_transfer(h, false, 2, 0, tag, 4, NULL);
    ck_assert_uint_eq(test_le16(tag), 48);                        /* the second frame, not lost */
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.f2_aborts, 2);
    host_free(h);
}
END_TEST

START_TEST(bad_host_frames_are_dropped_and_counted)
{
    struct wwd_host *h = ready_host();
    uint8_t bad[16] = { 0x10, 0x00, 0x00, 0x00 };                 /* wrong ~len */
    host_transfer(h, true, 2, 0, bad, sizeof bad, NULL);
    uint8_t longer[8] = { 0x40, 0x00, 0xbf, 0xff };               /* says 64, transfer has 8 */
    host_transfer(h, true, 2, 0, longer, sizeof longer, NULL);
    ck_assert(!h->irq_latched);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.host_frames_bad, 2);
    ck_assert_uint_eq(host_log_count_containing(h, "host F2 frame dropped"), 1);
    /* an unknown channel */
    uint8_t glom[16] = { 0 };
    h->tx_seq = 0;
    host_send_frame(h, 3, glom, 4);
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.host_frames_bad, 3);
    ck_assert(host_log_contains(h, "SDPCM channel 3"));
    host_free(h);
}
END_TEST

START_TEST(sequence_beyond_credit_is_noted)
{
    struct wwd_host *h = ready_host();
    h->tx_seq = 5;                                                /* only seq 0 is allowed at first */
    h->last_credit = 6;
    uint8_t body[16 + 20] = { 6, 1, 0, 0, 20 };
    memcpy(body + 16, "cur_etheraddr", 14);
    host_send_frame(h, 0, body, sizeof body);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.credit_violations, 1);
    ck_assert(h->irq_latched);                                    /* still answered */
    host_free(h);
}
END_TEST

START_TEST(f2_before_ready_is_ignored)
{
    struct wwd_host *h = host_new(NULL);
    host_power_on_and_download(h, NULL, 0);                       /* ARM just released */
    uint8_t req[43];
    memcpy(req, txglom_request, sizeof req);
    host_transfer(h, true, 2, 0, req, sizeof req, NULL);
    ck_assert(!h->irq_latched);
    ck_assert(host_log_contains(h, "F2 is not ready"));
    host_free(h);
}
END_TEST

static Suite *sdpcm_suite(void)
{
    Suite *s = suite_create("bcm43362_sdpcm");
    TCase *tc = tcase_create("sdpcm");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, txglom_request_and_response_byte_exact);
    tcase_add_test(tc, credit_is_host_sequence_plus_8_never_a_bigger_jump);
    tcase_add_test(tc, poke_gets_a_12_byte_credit_frame);
    tcase_add_test(tc, exhausted_window_gets_credit_without_poke);
    tcase_add_test(tc, padding_never_consumes_the_next_frame);
    tcase_add_test(tc, frames_can_be_read_in_pieces);
    tcase_add_test(tc, empty_queue_reads_zeros_and_consumes_nothing);
    tcase_add_test(tc, abort_drops_only_the_frame_being_read);
    tcase_add_test(tc, bad_host_frames_are_dropped_and_counted);
    tcase_add_test(tc, sequence_beyond_credit_is_noted);
    tcase_add_test(tc, f2_before_ready_is_ignored);
    suite_add_tcase(s, tc);
    return s;
}

BCM43362_TEST_MAIN(sdpcm_suite)
