/* Cutting the firmware's serial output into scenario lines (board/serial_lines.c). */
#include <check.h>
#include <string.h>

#include "serial_lines.h"

static char seen[8][SERIAL_LINE_MAX + 1];
static int seen_count;

static void collect(void *opaque, const char *line)
{
    if (seen_count < 8) {
        strcpy(seen[seen_count], line);
    }
    seen_count++;
}

static void feed(struct serial_lines *s, const char *text)
{
    serial_lines_feed(s, (const uint8_t *)text, strlen(text), collect, NULL);
}

START_TEST(line_endings)
{
    struct serial_lines s = { 0 };
    seen_count = 0;
    /* Device OS ends lines with "\r\n", and some with "\n\r\n". */
    feed(&s, "Your device id is 32001f\r\nsystem firmware version: 2.2.0\n\r\nlast\n");
    ck_assert_int_eq(seen_count, 3);
    ck_assert_str_eq(seen[0], "Your device id is 32001f");
    ck_assert_str_eq(seen[1], "system firmware version: 2.2.0");
    ck_assert_str_eq(seen[2], "last");
    ck_assert(!serial_lines_pending(&s));
}
END_TEST

START_TEST(lines_split_across_packets)
{
    struct serial_lines s = { 0 };
    seen_count = 0;
    feed(&s, "Your dev");
    ck_assert_int_eq(seen_count, 0);
    feed(&s, "ice id\r");
    feed(&s, "\n");
    ck_assert_int_eq(seen_count, 1);
    ck_assert_str_eq(seen[0], "Your device id");
}
END_TEST

START_TEST(prompt_is_flushed)
{
    struct serial_lines s = { 0 };
    seen_count = 0;
    feed(&s, "SSID: ");
    ck_assert(serial_lines_pending(&s));
    ck_assert_int_eq(seen_count, 0);
    serial_lines_flush(&s, collect, NULL);
    ck_assert_int_eq(seen_count, 1);
    ck_assert_str_eq(seen[0], "SSID: ");
    serial_lines_flush(&s, collect, NULL);
    ck_assert_int_eq(seen_count, 1);        /* nothing more waiting */
}
END_TEST

START_TEST(long_lines_are_cut_and_nul_shown)
{
    struct serial_lines s = { 0 };
    static uint8_t big[SERIAL_LINE_MAX + 10];
    memset(big, 'x', sizeof big);
    big[5] = 0;
    seen_count = 0;
    serial_lines_feed(&s, big, sizeof big, collect, NULL);
    ck_assert_int_eq(seen_count, 1);
    ck_assert_uint_eq(strlen(seen[0]), SERIAL_LINE_MAX);
    ck_assert_int_eq(seen[0][5], ' ');
    serial_lines_flush(&s, collect, NULL);
    ck_assert_uint_eq(strlen(seen[1]), 10);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("serial_lines");
    TCase *tc = tcase_create("lines");
    tcase_add_test(tc, line_endings);
    tcase_add_test(tc, lines_split_across_packets);
    tcase_add_test(tc, prompt_is_flushed);
    tcase_add_test(tc, long_lines_are_cut_and_nul_shown);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
