/*
 * SDIO layer and bring-up: enumeration, CCCR/FBR read-backs, the F1 backplane window,
 * the clock CSR, core wrappers, firmware + NVRAM download with its token, HT_AVAIL and
 * F2 ready timing, interrupt gating, and WL_REG_ON.  Expected values: reference §1.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "wwd_host.h"

START_TEST(powered_off_chip_never_answers)
{
    struct wwd_host *h = host_new(NULL);
    uint32_t resp;
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 5, 0, &resp), BCM43362_SDIO_TIMEOUT);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 3, 0, &resp), BCM43362_SDIO_TIMEOUT);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 52, 0x00000400, &resp), BCM43362_SDIO_TIMEOUT);
    host_free(h);
}
END_TEST

START_TEST(enumeration_responses)
{
    struct wwd_host *h = host_new(NULL);
    uint32_t resp = 0;
    bcm43362_set_power(h->chip, true);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 0, 0, &resp), BCM43362_SDIO_TIMEOUT);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 5, 0, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp, 0xA0FF8000);                 /* C=1, 2 functions, no memory */
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 3, 0, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_ne(resp >> 16, 0);                    /* RCA */
    ck_assert_uint_eq(resp & 0xFFFF, 0);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 7, resp, &resp), BCM43362_SDIO_OK);
    /* memory-card commands get no answer from an I/O-only card */
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 8, 0x1AA, &resp), BCM43362_SDIO_TIMEOUT);
    host_free(h);
}
END_TEST

START_TEST(cccr_reads_back_what_wwd_writes)
{
    struct wwd_host *h = host_new(NULL);
    bcm43362_set_power(h->chip, true);
    host_cmd52(h, true, 0, 0x02, 0x02);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x02, 0), 0x02);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x03, 0) & 0x02, 0x02);      /* F1 ready */
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x07, 0), 0x00);
    host_cmd52(h, true, 0, 0x07, 0x02);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x07, 0), 0x02);
    host_cmd52(h, true, 0, 0x10, 0x40);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x10, 0), 0x40);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x111, 0), 0x00);            /* WWD never writes it */
    host_cmd52(h, true, 0, 0x110, 0x40);
    host_cmd52(h, true, 0, 0x210, 0x40);
    host_cmd52(h, true, 0, 0x211, 0x00);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x110, 0), 0x40);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x210, 0), 0x40);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x211, 0), 0x00);
    host_cmd52(h, true, 0, 0x04, 0x07);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x04, 0), 0x07);
    host_cmd52(h, true, 0, 0x02, 0x06);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x02, 0), 0x06);
    /* no firmware yet: F2 is not ready even with IOEN bit 2 */
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x03, 0), 0x02);
    host_free(h);
}
END_TEST

START_TEST(cmd52_response_is_0x1000_or_data)
{
    struct wwd_host *h = host_new(NULL);
    uint32_t resp;
    bcm43362_set_power(h->chip, true);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 52, 0x80000000u | 0x02u << 9 | 0x02, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp, 0x1002);
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 52, 0x02u << 9, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp, 0x1002);
    /* function 5 does not exist: FUNCTION_NUMBER error */
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 52, 5u << 28, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp & 0xFF00, 0x1200);
    host_free(h);
}
END_TEST

START_TEST(cmd53_lengths_follow_the_argument)
{
    struct wwd_host *h = host_new(NULL);
    bcm43362_set_power(h->chip, true);
    host_cmd52(h, true, 0, 0x110, 0x40);
    host_cmd52(h, true, 0, 0x210, 0x40);
    host_cmd52(h, true, 0, 0x211, 0x00);
    const uint32_t f1 = 1u << 28 | 1u << 26, f2 = 2u << 28 | 1u << 26, block = 1u << 27;
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, f1 | 4), 4);
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, f1 | 0), 512);         /* byte count 0 = 512 */
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, f1 | block | 16), 1024);
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, f2 | block | 3), 192);
    host_cmd52(h, true, 0, 0x211, 0x02);                                     /* F2 block size 0x240 */
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, f2 | block | 2), 2 * 0x240);
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, f2 | block | 0), 0);   /* infinite: unsupported */
    ck_assert_uint_eq(bcm43362_cmd53_length(h->chip, 3u << 28 | 4), 0);
    uint32_t resp;
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 53, f2 | block | 0, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp & 0xFF00, 0x1100);                                /* OUT_OF_RANGE */
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 53, f1 | 8, &resp), BCM43362_SDIO_OK);
    ck_assert_uint_eq(resp, 0x1000);
    host_free(h);
}
END_TEST

START_TEST(backplane_window_reset_values_and_wrappers)
{
    struct wwd_host *h = host_new(NULL);
    bcm43362_set_power(h->chip, true);
    /* SBADDR LOW resets to 0 (the host never writes it on first use), HIGH to 0x18. */
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000A, 0), 0x00);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000C, 0), 0x18);
    /* WWD's first backplane access writes HIGH and MID only, never LOW. */
    ck_assert_uint_eq(host_bp_read(h, 0x18103408, 1), 0x01);                /* ARM ioctrl */
    ck_assert_uint_eq(host_bp_read(h, 0x18103800, 1), 0x00);                /* ARM resetctrl */
    ck_assert_uint_eq(host_bp_read(h, 0x18104408, 1), 0x01);
    ck_assert_uint_eq(host_bp_read(h, 0x18104800, 1), 0x00);
    host_bp_write(h, 0x18104408, 1, 0x03);
    ck_assert_uint_eq(host_bp_read(h, 0x18104408, 1), 0x03);
    /* chipid: 43362 = 0xA962 in bits 15:0 */
    ck_assert_uint_eq(host_bp_read(h, 0x18000000, 4) & 0xFFFF, 0xA962);
    /* RAM through the window, 4-byte CMD53 */
    host_bp_write(h, 0x00012344, 4, 0xCAFEF00D);
    ck_assert_uint_eq(host_bp_read(h, 0x00012344, 4), 0xCAFEF00D);
    host_free(h);
}
END_TEST

START_TEST(clock_csr_alp_then_ht_only_after_firmware)
{
    struct wwd_host *h = host_new(NULL);
    bcm43362_set_power(h->chip, true);
    host_cmd52(h, true, 1, 0x1000E, 0x29);
    const uint8_t v = host_cmd52(h, false, 1, 0x1000E, 0);
    ck_assert_uint_eq(v & 0x40, 0x40);                                       /* ALP_AVAIL */
    ck_assert_uint_eq(v & 0x80, 0x00);
    ck_assert_uint_eq(v & 0x3F, 0x29);
    host_cmd52(h, true, 1, 0x1000E, 0x10);                                   /* HT request: no firmware */
    host_advance_ms(h, 50);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000E, 0), 0x50);
    host_free(h);
}
END_TEST

START_TEST(download_stores_firmware_and_nvram_with_token)
{
    struct wwd_host *h = host_new(NULL);
    host_power_on_and_download(h, NULL, 0);
    /* NVRAM of 961 bytes → 1024 at 0x3BBFC, token 0xFEFF0100 at 0x3BFFC (reference §1.9) */
    ck_assert_uint_eq(host_bp_read(h, 0x3BFFC, 4), 0xFEFF0100);
    uint8_t got[64];
    host_set_window(h, 0x3BBFC);
    host_transfer(h, false, 1, 0x3BBFC & 0x7FFF, got, 16, NULL);
    host_set_window(h, 0x18000000);
    ck_assert_mem_eq(got, "manfid=0x2d0\0pro", 16);
    /* firmware bytes are where they were written (first chunk, first bytes) */
    uint32_t x = 0x43362;
    uint8_t want[8];
    for (int i = 0; i < 8; i++) {
        x = x * 1103515245u + 12345u;
        want[i] = (uint8_t)(x >> 16);
    }
    host_set_window(h, 0);
    host_transfer(h, false, 1, 0, got, 8, NULL);
    host_set_window(h, 0x18000000);
    ck_assert_mem_eq(got, want, 8);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_ge(st.ram_bytes_written, 215172 + 1024 + 4);
    ck_assert_uint_eq(st.boots, 1);
    ck_assert_uint_eq(st.nvram_token_errors, 0);
    host_free(h);
}
END_TEST

START_TEST(ht_avail_appears_without_request_then_f2_ready)
{
    struct wwd_host *h = host_new(NULL);
    host_power_on_and_download(h, NULL, 0);
    const uint64_t released = h->now_ns - 2000000;   /* reset_core waits 2 x 1 ms after the release */
    int polls = 0;
    while (!(host_cmd52(h, false, 1, 0x1000E, 0) & 0x80)) {
        ck_assert_int_lt(++polls, 500);
        host_advance_ms(h, 1);
    }
    ck_assert_uint_ge(h->now_ns - released, 2000000);   /* "a few ms" */
    ck_assert_uint_le(h->now_ns - released, 20000000);
    host_bp_write(h, 0x18002024, 4, 0x000000F0);
    ck_assert_uint_eq(host_bp_read(h, 0x18002024, 4), 0xF0);
    host_bp_write(h, 0x18002034, 1, 0x02);
    host_cmd52(h, true, 1, 0x10008, 0x08);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x10008, 0), 0x08);
    const uint64_t ht_at = h->now_ns;
    polls = 0;
    while (!(host_cmd52(h, false, 0, 0x03, 0) & 0x04)) {
        ck_assert_int_lt(++polls, 1000);
        host_advance_ms(h, 1);
    }
    ck_assert_uint_ge(h->now_ns - ht_at, 10000000);     /* ~20 ms after HT */
    ck_assert_uint_le(h->now_ns - ht_at, 50000000);
    /* IORDY bit 2 needs IOEN bit 2 */
    host_cmd52(h, true, 0, 0x02, 0x02);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x03, 0), 0x02);
    host_free(h);
}
END_TEST

START_TEST(full_bringup_then_txglom_answered)
{
    struct wwd_host *h = host_new(NULL);
    host_bringup(h, NULL, 0);
    uint8_t zero[4] = { 0 };
    ck_assert_int_eq(host_iovar_set(h, "bus:txglom", zero, 4), 0);
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(st.firmware_running && st.f2_ready);
    ck_assert_uint_eq(h->credit_updates_ignored, 0);
    host_free(h);
}
END_TEST

START_TEST(bad_nvram_token_is_logged_and_boot_proceeds)
{
    struct wwd_host *h = host_new(NULL);
    host_power_on_and_download(h, NULL, 0);
    /* re-download with a broken token: put the ARM back in reset, corrupt, release */
    host_bp_write(h, 0x18103408, 1, 0x00);
    host_bp_write(h, 0x18103800, 1, 0x01);
    host_bp_write(h, 0x3BFFC, 4, 0x12345678);
    host_bp_write(h, 0x18103408, 1, 0x03);
    host_bp_write(h, 0x18103800, 1, 0x00);
    ck_assert(host_log_contains(h, "NVRAM length token"));
    host_advance_ms(h, 30);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000E, 0) & 0x80, 0x80);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.boots, 2);
    ck_assert_uint_eq(st.nvram_token_errors, 1);
    uint8_t mac[6], def[6] = BCM43362_DEFAULT_MAC;
    bcm43362_get_mac(h->chip, mac);
    ck_assert_mem_eq(mac, def, 6);
    host_free(h);
}
END_TEST

START_TEST(interrupt_needs_hostintmask_and_cccr_enables)
{
    struct wwd_host *h = host_new(NULL);
    host_bringup(h, NULL, 0);
    h->auto_service = false;
    /* A poke queues a credit frame: the line rises (INTEN = master | F2, hostintmask 0xF0). */
    const unsigned edges = h->irq_rising_edges;
    host_poke(h);
    ck_assert(h->irq_level);
    ck_assert_uint_eq(h->irq_rising_edges, edges + 1);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x05, 0), 0x04);               /* INTPEND F2 */
    /* master enable off: line drops, bit stays pending */
    host_cmd52(h, true, 0, 0x04, 0x04);
    ck_assert(!h->irq_level);
    host_cmd52(h, true, 0, 0x04, 0x05);
    ck_assert(h->irq_level);
    /* W1C of intstatus bit 6 drops the line */
    ck_assert_uint_eq(host_bp_read(h, 0x18002020, 4) & 0x40, 0x40);
    host_bp_write(h, 0x18002020, 4, 0x40);
    ck_assert(!h->irq_level);
    ck_assert_uint_eq(host_bp_read(h, 0x18002020, 4), 0);
    /* level changes only: no repeated set_irq(false) */
    const unsigned calls = h->set_irq_calls;
    host_bp_write(h, 0x18002020, 4, 0x40);
    ck_assert_uint_eq(h->set_irq_calls, calls);
    host_free(h);
}
END_TEST

START_TEST(power_off_clears_all_state)
{
    struct wwd_host *h = host_new(NULL);
    host_wifi_on(h);
    uint8_t bssid[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };
    host_add_ap(h, "Home", bssid, 6, -45, BCM43362_SECURITY_WPA2_PSK, "correct horse");
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 100);
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(st.sta_keyed);
    host_poke(h);                                   /* leave a frame queued */
    bcm43362_set_power(h->chip, false);
    ck_assert(!h->irq_level);
    ck_assert_uint_eq(h->timer_ns, UINT64_MAX);
    uint32_t resp;
    ck_assert_int_eq(bcm43362_sdio_command(h->chip, 3, 0, &resp), BCM43362_SDIO_TIMEOUT);
    bcm43362_set_power(h->chip, true);
    bcm43362_get_status(h->chip, &st);
    ck_assert(!st.firmware_running && !st.wl_up && !st.sta_associated);
    ck_assert_uint_eq(st.frames_queued, 0);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x02, 0), 0x00);
    ck_assert_uint_eq(host_cmd52(h, false, 0, 0x04, 0), 0x00);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000A, 0), 0x00);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000C, 0), 0x18);
    ck_assert_uint_eq(host_cmd52(h, false, 1, 0x1000E, 0) & 0x80, 0);
    h->window = 0x18000000;                         /* the chip's reset window */
    ck_assert_uint_eq(host_bp_read(h, 0x3BFFC, 4), 0);                      /* RAM cleared */
    /* the environment survives: the AP is still there for the next join */
    ck_assert_uint_eq(bcm43362_ap_count(h->chip), 1);
    /* and a second bring-up works from scratch (sequence numbers restart) */
    host_wifi_on(h);
    ck_assert_int_eq(host_join_wpa2(h, "Home", "correct horse"), 0);
    host_advance_ms(h, 100);
    bcm43362_get_status(h->chip, &st);
    ck_assert(st.sta_keyed);
    ck_assert_uint_eq(h->credit_updates_ignored, 0);
    host_free(h);
}
END_TEST

START_TEST(cmd0_reset_fallback)
{
    struct bcm43362_config cfg = { .reset_on_cmd0 = true };
    struct wwd_host *h = host_new(&cfg);
    host_bringup(h, NULL, 0);
    uint32_t resp;
    bcm43362_sdio_command(h->chip, 0, 0, &resp);
    struct bcm43362_status st;
    bcm43362_get_status(h->chip, &st);
    ck_assert(st.powered && !st.firmware_running);
    host_bringup(h, NULL, 0);                       /* the whole sequence again */
    host_free(h);
}
END_TEST

START_TEST(unmodelled_accesses_are_counted_and_logged_once)
{
    struct wwd_host *h = host_new(NULL);
    bcm43362_set_power(h->chip, true);
    host_cmd52(h, false, 1, 0x10030, 0);
    host_cmd52(h, false, 1, 0x10030, 0);
    host_bp_read(h, 0x18001000, 4);
    struct bcm43362_stats st;
    bcm43362_get_stats(h->chip, &st);
    ck_assert_uint_eq(st.unmodelled_accesses, 2 + 4);
    ck_assert_uint_eq(host_log_count_containing(h, "unmodelled F1 read 0x10030"), 1);
    ck_assert(host_log_contains(h, "unmodelled backplane read 0x18001000"));
    host_free(h);
}
END_TEST

static Suite *sdio_suite(void)
{
    Suite *s = suite_create("bcm43362_sdio");
    TCase *tc = tcase_create("sdio");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, powered_off_chip_never_answers);
    tcase_add_test(tc, enumeration_responses);
    tcase_add_test(tc, cccr_reads_back_what_wwd_writes);
    tcase_add_test(tc, cmd52_response_is_0x1000_or_data);
    tcase_add_test(tc, cmd53_lengths_follow_the_argument);
    tcase_add_test(tc, backplane_window_reset_values_and_wrappers);
    tcase_add_test(tc, clock_csr_alp_then_ht_only_after_firmware);
    tcase_add_test(tc, download_stores_firmware_and_nvram_with_token);
    tcase_add_test(tc, ht_avail_appears_without_request_then_f2_ready);
    tcase_add_test(tc, full_bringup_then_txglom_answered);
    tcase_add_test(tc, bad_nvram_token_is_logged_and_boot_proceeds);
    tcase_add_test(tc, interrupt_needs_hostintmask_and_cccr_enables);
    tcase_add_test(tc, power_off_clears_all_state);
    tcase_add_test(tc, cmd0_reset_fallback);
    tcase_add_test(tc, unmodelled_accesses_are_counted_and_logged_once);
    suite_add_tcase(s, tc);
    return s;
}

BCM43362_TEST_MAIN(sdio_suite)
