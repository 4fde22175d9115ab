/*
 * CoAP codec: the byte layouts the reference brief gives for Device OS messages, the
 * extended option forms, and malformed input.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "coap.h"

START_TEST(parses_the_device_hello)
{
    static const uint8_t hello[] = { 0x50, 0x02, 0x12, 0x34, 0xb1, 0x68, 0xff, 0x00,
                                     0x06, 0x00, 0x03, 0x00, 0x36, 0x00, 0x06 };
    coap_message m;

    ck_assert_int_eq(coap_parse(hello, sizeof(hello), &m), COAP_PARSE_OK);
    ck_assert_int_eq(m.type, COAP_TYPE_NON);
    ck_assert_int_eq(m.code, COAP_CODE_POST);
    ck_assert_int_eq(m.message_id, 0x1234);
    ck_assert_int_eq(m.token_length, 0);
    ck_assert_uint_eq(m.option_count, 1);
    ck_assert_int_eq(coap_first_path_char(&m), 'h');
    ck_assert_uint_eq(m.payload_length, 8);
    ck_assert_int_eq(m.payload[7], 0x06);
}
END_TEST

START_TEST(writes_the_function_call_of_the_reference_example)
{
    /* cloud-protocol.md §6 C.11: digitalwrite("D7,HIGH"), token 0x2a, id 0x1234 */
    static const uint8_t expected[] = { 0x41, 0x02, 0x12, 0x34, 0x2a, 0xb1, 0x66, 0x0c, 'd', 'i',
                                        'g',  'i',  't',  'a',  'l',  'w',  'r',  'i',  't', 'e',
                                        0x47, 'D',  '7',  ',',  'H',  'I',  'G',  'H' };
    uint8_t buf[64], token = 0x2a;
    coap_writer w;

    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_POST, 0x1234, &token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "f", 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "digitalwrite", 12);
    coap_writer_option(&w, COAP_OPTION_URI_QUERY, "D7,HIGH", 7);
    ck_assert_int_eq(coap_writer_end(&w), (int)sizeof(expected));
    ck_assert_mem_eq(buf, expected, sizeof(expected));
}
END_TEST

START_TEST(empty_query_option_is_the_single_byte_40)
{
    uint8_t buf[32], token = 1;
    coap_writer w;

    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_POST, 1, &token, 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "f", 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "x", 1);
    coap_writer_option(&w, COAP_OPTION_URI_QUERY, "", 0);
    ck_assert_int_eq(coap_writer_end(&w), 10);
    ck_assert_int_eq(buf[9], 0x40);
}
END_TEST

START_TEST(extended_lengths_round_trip)
{
    static const size_t lengths[] = { 0, 12, 13, 268, 269, 700 };
    uint8_t value[700], buf[800];

    for (size_t i = 0; i < sizeof(value); i++) {
        value[i] = (uint8_t)i;
    }
    for (size_t k = 0; k < sizeof(lengths) / sizeof(lengths[0]); k++) {
        coap_writer w;
        coap_message m;
        size_t len = lengths[k];
        int n;

        coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_NON, COAP_CODE_POST, 7, NULL, 0);
        coap_writer_option(&w, COAP_OPTION_URI_PATH, "e", 1);
        coap_writer_option(&w, COAP_OPTION_URI_PATH, value, len);
        coap_writer_option(&w, 300, "z", 1); /* delta 285: the 2-byte delta form */
        coap_writer_payload(&w, "data", 4);
        n = coap_writer_end(&w);
        ck_assert_int_gt(n, 0);
        if (len >= 13 && len < 269) {
            ck_assert_int_eq(buf[6], 0x0d); /* the form the device's 0d check expects */
            ck_assert_int_eq(buf[7], len - 13);
        }
        ck_assert_int_eq(coap_parse(buf, (size_t)n, &m), COAP_PARSE_OK);
        ck_assert_uint_eq(m.option_count, 3);
        ck_assert_uint_eq(m.options[1].length, len);
        ck_assert_mem_eq(m.options[1].value, value, len);
        ck_assert_uint_eq(m.options[2].number, 300);
        ck_assert_uint_eq(m.payload_length, 4);
    }
}
END_TEST

START_TEST(path_tail_joins_segments)
{
    static const uint8_t event[] = { 0x50, 0x02, 0, 1, 0xb1, 'e', 0x03, 'a', 'b', 'c',
                                     0x02, 'd', 'e', 0xff, 'x' };
    coap_message m;
    char out[16];

    ck_assert_int_eq(coap_parse(event, sizeof(event), &m), COAP_PARSE_OK);
    ck_assert_int_eq(coap_path_tail(&m, out, sizeof(out)), 6);
    ck_assert_str_eq(out, "abc/de");
    ck_assert_int_eq(coap_path_tail(&m, out, 6), -1); /* needs 7 with the NUL */
}
END_TEST

START_TEST(payload_marker_without_payload_is_accepted)
{
    static const uint8_t event[] = { 0x50, 0x02, 0, 1, 0xb1, 'e', 0x01, 'a', 0xff };
    coap_message m;

    ck_assert_int_eq(coap_parse(event, sizeof(event), &m), COAP_PARSE_OK);
    ck_assert_ptr_nonnull(m.payload);
    ck_assert_uint_eq(m.payload_length, 0);
}
END_TEST

START_TEST(malformed_messages_are_rejected)
{
    static const struct {
        uint8_t bytes[8];
        size_t length;
        coap_parse_result expected;
    } cases[] = {
        { { 0x50, 0x02, 0 }, 3, COAP_PARSE_TOO_SHORT },
        { { 0x90, 0x02, 0, 0 }, 4, COAP_PARSE_BAD_VERSION },
        { { 0x49, 0x02, 0, 0 }, 4, COAP_PARSE_BAD_TOKEN_LENGTH },
        { { 0x42, 0x02, 0, 0, 1 }, 5, COAP_PARSE_TOO_SHORT },
        { { 0x50, 0x02, 0, 0, 0xb5, 'a' }, 6, COAP_PARSE_TRUNCATED_OPTION },
        { { 0x50, 0x02, 0, 0, 0xd1 }, 5, COAP_PARSE_TRUNCATED_OPTION },
        { { 0x50, 0x02, 0, 0, 0xf1, 'a' }, 6, COAP_PARSE_RESERVED_NIBBLE },
        { { 0x50, 0x02, 0, 0, 0x1f, 'a' }, 6, COAP_PARSE_RESERVED_NIBBLE },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        coap_message m;
        ck_assert_msg(coap_parse(cases[i].bytes, cases[i].length, &m) == cases[i].expected,
                      "case %zu", i);
    }
}
END_TEST

START_TEST(option_numbers_cannot_overflow)
{
    /* five options of delta 269 + 65535 each: the number would pass 65535 */
    uint8_t buf[4 + 5 * 3] = { 0x50, 0x02, 0, 0 };
    coap_message m;
    for (int i = 0; i < 5; i++) {
        buf[4 + i * 3] = 0xe0;
        buf[5 + i * 3] = 0xff;
        buf[6 + i * 3] = 0xff;
    }
    ck_assert_int_eq(coap_parse(buf, sizeof(buf), &m), COAP_PARSE_OPTION_NUMBER_OVERFLOW);
}
END_TEST

START_TEST(too_many_options_are_rejected)
{
    uint8_t buf[4 + COAP_MAX_OPTIONS + 1] = { 0x50, 0x02, 0, 0 };
    coap_message m;
    memset(buf + 4, 0x00, COAP_MAX_OPTIONS + 1); /* empty options, delta 0 */
    ck_assert_int_eq(coap_parse(buf, sizeof(buf), &m), COAP_PARSE_TOO_MANY_OPTIONS);
}
END_TEST

START_TEST(writer_refuses_misuse_and_overflow)
{
    uint8_t buf[8];
    coap_writer w;

    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_GET, 1, NULL, 0);
    coap_writer_option(&w, COAP_OPTION_URI_QUERY, "a", 1);
    coap_writer_option(&w, COAP_OPTION_URI_PATH, "b", 1); /* out of order */
    ck_assert_int_eq(coap_writer_end(&w), -1);

    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_GET, 1, NULL, 0);
    coap_writer_payload(&w, "12345", 5); /* 4 + 1 + 5 > 8 */
    ck_assert_int_eq(coap_writer_end(&w), -1);

    coap_writer_begin(&w, buf, sizeof(buf), COAP_TYPE_CON, COAP_CODE_GET, 1, NULL, 9);
    ck_assert_int_eq(coap_writer_end(&w), -1);
}
END_TEST

static Suite *coap_suite(void)
{
    Suite *s = suite_create("cloud-coap");
    TCase *tc = tcase_create("coap");
    tcase_add_test(tc, parses_the_device_hello);
    tcase_add_test(tc, writes_the_function_call_of_the_reference_example);
    tcase_add_test(tc, empty_query_option_is_the_single_byte_40);
    tcase_add_test(tc, extended_lengths_round_trip);
    tcase_add_test(tc, path_tail_joins_segments);
    tcase_add_test(tc, payload_marker_without_payload_is_accepted);
    tcase_add_test(tc, malformed_messages_are_rejected);
    tcase_add_test(tc, option_numbers_cannot_overflow);
    tcase_add_test(tc, too_many_options_are_rejected);
    tcase_add_test(tc, writer_refuses_misuse_and_overflow);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(coap_suite());
    int failed;
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
