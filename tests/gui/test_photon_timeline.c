/*
 * The photon-timeline tool on report folders: it writes the pictures from
 * a good report and refuses a broken one with file:line. The tool's path
 * is the first argument.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cairo.h>

static const char *tool;
static char dir[64];

struct run {
    int status; /* exit code, or -1 when it did not exit normally */
    char out[4096], err[4096];
};

static void read_all(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f) {
        fclose(f);
    }
}

/* Runs the tool with up to three arguments, capturing stdout and stderr. */
static struct run run_tool(const char *a1, const char *a2, const char *a3)
{
    static struct run r;
    char out_path[128], err_path[128];
    pid_t pid;
    int status;

    snprintf(out_path, sizeof(out_path), "%s.stdout", dir);
    snprintf(err_path, sizeof(err_path), "%s.stderr", dir);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(err, 2);
        execl(tool, tool, a1, a2, a3, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    read_all(out_path, r.out, sizeof(r.out));
    read_all(err_path, r.err, sizeof(r.err));
    unlink(out_path);
    unlink(err_path);
    return r;
}

static void write_file(const char *name, const char *text)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static bool exists(const char *name)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return access(path, F_OK) == 0;
}

static void make_dir(void)
{
    snprintf(dir, sizeof(dir), "/tmp/photon-timeline-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    static const char *const names[] = { "led.jsonl", "steps.jsonl", "summary.json",
                                         "led-timeline.png", "led-timeline.html" };
    char path[128];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static const char good_led[] =
    "{\"t\": 0.000000, \"rgb\": [0.0000, 0.0000, 0.0000], \"d7\": false}\n"
    "{\"t\": 0.009427, \"rgb\": [0.3735, 0.3735, 0.3735], \"d7\": false}\n"
    "{\"t\": 0.500000, \"rgb\": [0.0000, 0.3735, 0.3735], \"d7\": true}\n"
    "{\"t\": 0.009427, \"pattern\": \"white\"}\n";

START_TEST(good_report_gets_png_and_html)
{
    char png_path[128];

    write_file("led.jsonl", good_led);
    write_file("steps.jsonl", "{\"t\": 0.25, \"step\": \"press SETUP\"}\n");
    write_file("summary.json", "{\"virtual_seconds\": 2.0}\n");
    struct run r = run_tool(dir, NULL, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    ck_assert_str_eq(r.err, "");
    ck_assert_ptr_nonnull(strstr(r.out, "led-timeline.png\n"));
    ck_assert(exists("led-timeline.html"));

    snprintf(png_path, sizeof(png_path), "%s/led-timeline.png", dir);
    cairo_surface_t *png = cairo_image_surface_create_from_png(png_path);
    ck_assert_int_eq(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    ck_assert_int_eq(cairo_image_surface_get_width(png), 1400);
    cairo_surface_destroy(png);
}
END_TEST

START_TEST(options_set_width_and_skip_html)
{
    char png_path[128];

    write_file("led.jsonl", good_led);
    struct run r = run_tool("--width", "900", dir);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    snprintf(png_path, sizeof(png_path), "%s/led-timeline.png", dir);
    cairo_surface_t *png = cairo_image_surface_create_from_png(png_path);
    ck_assert_int_eq(cairo_image_surface_get_width(png), 900);
    cairo_surface_destroy(png);
    unlink(png_path);

    char html_path[128];
    snprintf(html_path, sizeof(html_path), "%s/led-timeline.html", dir);
    unlink(html_path);
    r = run_tool("--no-html", dir, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(exists("led-timeline.png"));
    ck_assert(!exists("led-timeline.html"));
}
END_TEST

START_TEST(malformed_line_is_refused_with_file_and_line)
{
    char expected[128];

    write_file("led.jsonl", "{\"t\": 0.0, \"rgb\": [0, 0, 0]}\n"
                            "{\"t\": 0.1, \"rgb\": [0, 0.37, 2]}\n");
    struct run r = run_tool(dir, NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    snprintf(expected, sizeof(expected), "%s/led.jsonl:2: ", dir);
    ck_assert_msg(strstr(r.err, expected), "stderr: %s", r.err);
    ck_assert(!exists("led-timeline.png"));
}
END_TEST

START_TEST(broken_steps_file_is_refused_too)
{
    write_file("led.jsonl", good_led);
    write_file("steps.jsonl", "{\"t\": 0.25}\n");
    struct run r = run_tool(dir, NULL, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "steps.jsonl:1: "), "stderr: %s", r.err);
}
END_TEST

START_TEST(broken_summary_only_warns)
{
    write_file("led.jsonl", good_led);
    write_file("summary.json", "{\"virtual_seconds\": }\n");
    struct run r = run_tool(dir, NULL, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.err, "warning: ") && strstr(r.err, "summary.json"), "stderr: %s", r.err);
    ck_assert(exists("led-timeline.png"));
}
END_TEST

START_TEST(missing_report_and_bad_usage)
{
    struct run r = run_tool(dir, NULL, NULL); /* no led.jsonl */
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "led.jsonl: No such file"), "stderr: %s", r.err);

    r = run_tool(NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_ptr_nonnull(strstr(r.err, "usage: photon-timeline"));
    r = run_tool("--width", "12", dir);
    ck_assert_int_eq(r.status, 2);
}
END_TEST

static Suite *photon_timeline_suite(void)
{
    Suite *s = suite_create("photon_timeline");
    TCase *tc = tcase_create("tool");

    tcase_add_checked_fixture(tc, make_dir, remove_dir);
    tcase_add_test(tc, good_report_gets_png_and_html);
    tcase_add_test(tc, options_set_width_and_skip_html);
    tcase_add_test(tc, malformed_line_is_refused_with_file_and_line);
    tcase_add_test(tc, broken_steps_file_is_refused_too);
    tcase_add_test(tc, broken_summary_only_warns);
    tcase_add_test(tc, missing_report_and_bad_usage);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH-TO-photon-timeline\n", argv[0]);
        return EXIT_FAILURE;
    }
    tool = argv[1];
    SRunner *runner = srunner_create(photon_timeline_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
