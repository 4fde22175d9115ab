/*
 * The describe JSON reader and variable decoding.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "describe.h"

static int parse(const char *json, cloud_describe *d, char *why, size_t why_size)
{
    return cloud_describe_parse(json, strlen(json), d, why, why_size);
}

START_TEST(tinker_application_describe)
{
    static const char json[] =
        "{\"f\":[\"digitalread\",\"digitalwrite\",\"analogread\",\"analogwrite\"],\"v\":{}}";
    cloud_describe d;
    char why[128];

    ck_assert_int_eq(parse(json, &d, why, sizeof(why)), 0);
    ck_assert(d.has_application);
    ck_assert(!d.has_system);
    ck_assert_uint_eq(d.function_count, 4);
    ck_assert_str_eq(d.functions[1], "digitalwrite");
    ck_assert_uint_eq(d.variable_count, 0);
    ck_assert(cloud_describe_has_function(&d, "analogwrite"));
    ck_assert(!cloud_describe_has_function(&d, "analog"));
}
END_TEST

START_TEST(variables_system_part_and_merge)
{
    static const char app[] = " { \"f\" : [ ] , \"v\" : { \"temp\" : 9, \"on\":1, \"n\":2,"
                              "\"s\":4 } } ";
    static const char sys[] =
        "{\"p\":6,\"m\":[{\"s\":16384,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"b\",\"n\":\"0\","
        "\"v\":1100,\"d\":[]},{\"s\":262144,\"l\":\"m\",\"vc\":30,\"vv\":30,\"f\":\"s\","
        "\"n\":\"1\",\"v\":2200,\"d\":[{\"f\":\"b\",\"n\":\"0\",\"v\":1000}]},"
        "{\"s\":131072,\"l\":\"m\",\"u\":\"2B\\u00e9\",\"f\":\"u\",\"n\":\"1\",\"v\":6}]}";
    cloud_describe a, s, merged;
    char why[128];

    ck_assert_int_eq(parse(app, &a, why, sizeof(why)), 0);
    ck_assert_uint_eq(a.variable_count, 4);
    ck_assert_int_eq(cloud_describe_variable_type(&a, "temp"), CLOUD_VARIABLE_DOUBLE);
    ck_assert_int_eq(cloud_describe_variable_type(&a, "s"), CLOUD_VARIABLE_STRING);
    ck_assert_int_eq(cloud_describe_variable_type(&a, "missing"), CLOUD_VARIABLE_UNKNOWN);

    ck_assert_msg(parse(sys, &s, why, sizeof(why)) == 0, "%s", why);
    ck_assert(s.has_system);
    ck_assert(!s.has_application);
    ck_assert_int_eq(s.platform_id, 6);
    ck_assert_uint_eq(s.module_count, 3);
    ck_assert_str_eq(s.modules[1].function, "s");
    ck_assert_uint_eq(s.modules[1].version, 2200);
    ck_assert_str_eq(s.modules[2].function, "u");

    cloud_describe_init(&merged);
    cloud_describe_merge(&merged, &s);
    cloud_describe_merge(&merged, &a);
    ck_assert(merged.has_system && merged.has_application);
    ck_assert_int_eq(merged.platform_id, 6);
    ck_assert_uint_eq(merged.variable_count, 4);
}
END_TEST

START_TEST(escapes_and_long_names)
{
    char json[400];
    char long_name[100];
    cloud_describe d;
    char why[128];

    memset(long_name, 'x', 80);
    long_name[80] = '\0';
    snprintf(json, sizeof(json), "{\"f\":[\"a\\\"b\\\\c\\u0041\",\"%s\"]}", long_name);
    ck_assert_int_eq(parse(json, &d, why, sizeof(why)), 0);
    ck_assert_str_eq(d.functions[0], "a\"b\\cA");
    ck_assert_uint_eq(strlen(d.functions[1]), CLOUD_NAME_MAX); /* truncated like the device */
}
END_TEST

START_TEST(more_functions_than_kept_sets_truncated)
{
    char json[2048] = "{\"f\":[";
    cloud_describe d;
    char why[128];

    for (int i = 0; i < CLOUD_DESCRIBE_MAX_FUNCTIONS + 3; i++) {
        size_t used = strlen(json);
        snprintf(json + used, sizeof(json) - used, "%s\"f%d\"", i ? "," : "", i);
    }
    strcat(json, "]}");
    ck_assert_int_eq(parse(json, &d, why, sizeof(why)), 0);
    ck_assert_uint_eq(d.function_count, CLOUD_DESCRIBE_MAX_FUNCTIONS);
    ck_assert(d.truncated);
}
END_TEST

START_TEST(malformed_json_is_rejected_with_a_position)
{
    static const char *const bad[] = {
        "",
        "[]",
        "{\"f\":[\"a\"",
        "{\"f\":[\"a\"]",
        "{\"f\":[1]}",
        "{\"v\":{\"a\":\"x\"}}",
        "{\"x\":tru}",
        "{\"f\":[]} trailing",
        "{\"a\":\"\\q\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\" 1}",
        "{\"a\":1,}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cloud_describe d;
        char why[128] = "";
        ck_assert_msg(parse(bad[i], &d, why, sizeof(why)) == -1, "accepted: %s", bad[i]);
        ck_assert_msg(strstr(why, "at byte") != NULL, "no position for %s: %s", bad[i], why);
    }
}
END_TEST

START_TEST(deep_nesting_is_refused_not_recursed)
{
    char json[4096];
    size_t n = 0;
    cloud_describe d;
    char why[128];

    n += (size_t)snprintf(json, sizeof(json), "{\"x\":");
    for (int i = 0; i < 1000; i++) {
        json[n++] = '[';
    }
    json[n] = '\0';
    ck_assert_int_eq(cloud_describe_parse(json, n, &d, why, sizeof(why)), -1);
    ck_assert_ptr_nonnull(strstr(why, "nested deeper"));
}
END_TEST

START_TEST(variable_values_decode_by_type)
{
    static const uint8_t int_value[] = { 0xff, 0xff, 0xff, 0xfe };
    /* 21.5 as an IEEE double, little-endian as the Cortex-M3 stores it */
    static const uint8_t double_value[] = { 0, 0, 0, 0, 0, 0x80, 0x35, 0x40 };
    char out[64];

    ck_assert_int_eq(cloud_variable_format(CLOUD_VARIABLE_INT, int_value, 4, out, sizeof(out)), 0);
    ck_assert_str_eq(out, "-2");
    ck_assert_int_eq(cloud_variable_format(CLOUD_VARIABLE_DOUBLE, double_value, 8, out,
                                           sizeof(out)), 0);
    ck_assert_str_eq(out, "21.5");
    ck_assert_int_eq(cloud_variable_format(CLOUD_VARIABLE_BOOL, (const uint8_t *)"\x01", 1, out,
                                           sizeof(out)), 0);
    ck_assert_str_eq(out, "true");
    ck_assert_int_eq(cloud_variable_format(CLOUD_VARIABLE_STRING, (const uint8_t *)"hi\n", 3, out,
                                           sizeof(out)), 0);
    ck_assert_str_eq(out, "hi?");
    ck_assert_int_eq(cloud_variable_format(CLOUD_VARIABLE_INT, int_value, 3, out, sizeof(out)), -1);
    ck_assert_ptr_nonnull(strstr(out, "expected 4 for int"));
    ck_assert_int_eq(cloud_variable_format(CLOUD_VARIABLE_UNKNOWN, int_value, 4, out, sizeof(out)),
                     0);
    ck_assert_str_eq(out, "fffffffe");
}
END_TEST

static Suite *describe_suite(void)
{
    Suite *s = suite_create("cloud-describe");
    TCase *tc = tcase_create("describe");
    tcase_add_test(tc, tinker_application_describe);
    tcase_add_test(tc, variables_system_part_and_merge);
    tcase_add_test(tc, escapes_and_long_names);
    tcase_add_test(tc, more_functions_than_kept_sets_truncated);
    tcase_add_test(tc, malformed_json_is_rejected_with_a_position);
    tcase_add_test(tc, deep_nesting_is_refused_not_recursed);
    tcase_add_test(tc, variable_values_decode_by_type);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(describe_suite());
    int failed;
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
