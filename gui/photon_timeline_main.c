/*
 * photon-timeline REPORT_DIR: draws a run's LED timeline for people.
 *
 * Reads REPORT_DIR/led.jsonl (and steps.jsonl and summary.json when they
 * are there) and writes REPORT_DIR/led-timeline.png and led-timeline.html.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_jsonl.h"
#include "report_timeline.h"
#include "timeline_html.h"
#include "timeline_png.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: photon-timeline [--width PIXELS] [--row-seconds SECONDS] [--no-html] REPORT_DIR\n"
            "\n"
            "Reads REPORT_DIR/led.jsonl (and steps.jsonl, summary.json when present) and writes\n"
            "REPORT_DIR/led-timeline.png and REPORT_DIR/led-timeline.html.\n");
}

static char *join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);

    if (path) {
        snprintf(path, n, "%s/%s", dir, name);
    }
    return path;
}

static bool parse_positive(const char *text, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(text, &end);
    return errno == 0 && end != text && *end == '\0' && *out > 0;
}

/* Loads everything the report holds; false after printing the error. */
static bool load_report(struct report_timeline *tl, const char *dir)
{
    struct report_diagnostics diag;
    char *led = join_path(dir, "led.jsonl");
    char *steps = join_path(dir, "steps.jsonl");
    char *summary = join_path(dir, "summary.json");
    bool ok = led && steps && summary;

    if (!ok) {
        fprintf(stderr, "photon-timeline: out of memory\n");
    }
    if (ok && !(ok = report_load_led(tl, led, &diag))) {
        fprintf(stderr, "photon-timeline: %s\n", diag.error);
    }
    if (ok && diag.warning[0]) {
        fprintf(stderr, "photon-timeline: warning: %s\n", diag.warning);
    }
    if (ok && access(steps, F_OK) == 0) {
        if (!(ok = report_load_steps(tl, steps, &diag))) {
            fprintf(stderr, "photon-timeline: %s\n", diag.error);
        } else if (diag.warning[0]) {
            fprintf(stderr, "photon-timeline: warning: %s\n", diag.warning);
        }
    }
    /* Without the summary the timeline ends at the last change: worth a warning only. */
    if (ok && access(summary, F_OK) == 0 && !report_load_summary_end(tl, summary, &diag)) {
        fprintf(stderr, "photon-timeline: warning: %s (the run's end is taken from led.jsonl)\n",
                diag.error);
    }
    free(led);
    free(steps);
    free(summary);
    return ok;
}

int main(int argc, char **argv)
{
    struct timeline_options opt = { 0 };
    struct report_timeline tl;
    const char *dir = NULL;
    bool html = true;
    char why[512];
    char *png_path, *html_path;
    int status = 0;

    for (int i = 1; i < argc; i++) {
        double value;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--no-html") == 0) {
            html = false;
        } else if (strcmp(argv[i], "--width") == 0 && i + 1 < argc &&
                   parse_positive(argv[i + 1], &value) && value >= 400 && value <= 8000) {
            opt.width = (int)value;
            i++;
        } else if (strcmp(argv[i], "--row-seconds") == 0 && i + 1 < argc &&
                   parse_positive(argv[i + 1], &value)) {
            opt.row_seconds = value;
            i++;
        } else if (argv[i][0] != '-' && !dir) {
            dir = argv[i];
        } else {
            fprintf(stderr, "photon-timeline: bad argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!dir) {
        usage(stderr);
        return 2;
    }
    opt.source = dir;

    report_timeline_init(&tl);
    if (!load_report(&tl, dir)) {
        report_timeline_free(&tl);
        return 1;
    }
    png_path = join_path(dir, "led-timeline.png");
    html_path = join_path(dir, "led-timeline.html");
    if (!png_path || !html_path) {
        fprintf(stderr, "photon-timeline: out of memory\n");
        status = 1;
    } else if (timeline_write_png(&tl, &opt, png_path, why, sizeof(why)) != 0) {
        fprintf(stderr, "photon-timeline: %s\n", why);
        status = 1;
    } else if (html && timeline_write_html(&tl, &opt, html_path, why, sizeof(why)) != 0) {
        fprintf(stderr, "photon-timeline: %s\n", why);
        status = 1;
    } else {
        printf("%s\n", png_path);
        if (html) {
            printf("%s\n", html_path);
        }
    }
    free(png_path);
    free(html_path);
    report_timeline_free(&tl);
    return status;
}
