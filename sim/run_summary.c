/* Reading a run's summary.json with jansson. */
#include <jansson.h>
#include <errno.h>
#include <string.h>

#include "run_summary.h"

static void append(char *buf, size_t size, const char *sep, const char *text)
{
    size_t len = strlen(buf);

    snprintf(buf + len, size - len, "%s%s", len ? sep : "", text);
}

int run_summary_load(const char *path, run_summary *out)
{
    json_error_t error;
    json_t *root = json_load_file(path, 0, &error), *item;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!root) {
        if (error.line >= 0)
            fprintf(stderr, "photon-sim: %s:%d:%d: %s\n", path, error.line, error.column,
                    error.text);
        return -1;
    }
    out->virtual_seconds = json_number_value(json_object_get(root, "virtual_seconds"));
    out->wall_seconds = json_number_value(json_object_get(root, "wall_seconds"));
    out->guest_instructions = json_integer_value(json_object_get(root, "guest_instructions"));
    out->ns_per_instruction = json_integer_value(json_object_get(root, "ns_per_instruction"));
    snprintf(out->exit_reason, sizeof out->exit_reason, "%s",
             json_string_value(json_object_get(root, "exit_reason")) ?: "?");
    out->strict_failure = json_is_true(json_object_get(root, "strict_failure"));
    out->resets = json_array_size(json_object_get(root, "resets"));
    json_array_foreach(json_object_get(root, "patterns"), i, item)
        append(out->patterns, sizeof out->patterns, ", ", json_string_value(item) ?: "?");
    out->unmodelled_accesses = json_integer_value(json_object_get(root, "unmodelled_accesses"));
    item = json_object_get(root, "time");
    out->instructions_run = json_integer_value(json_object_get(item, "instructions_run"));
    out->skipped_virtual_seconds =
        json_number_value(json_object_get(item, "skipped_virtual_seconds"));
    json_array_foreach(json_object_get(root, "unmodelled"), i, item) {
        char line[160];

        snprintf(line, sizeof line, "%s %s %s x%lld",
                 json_string_value(json_object_get(item, "device")) ?: "?",
                 json_string_value(json_object_get(item, "address")) ?: "?",
                 json_string_value(json_object_get(item, "access")) ?: "?",
                 (long long)json_integer_value(json_object_get(item, "count")));
        append(out->unmodelled, sizeof out->unmodelled, "\n", line);
    }
    json_decref(root);
    return 0;
}

void run_summary_print(const run_summary *s, FILE *out)
{
    double speed = s->wall_seconds > 0 ? s->virtual_seconds / s->wall_seconds : 0;

    fprintf(out, "photon-sim: %.3f s virtual in %.1f s wall (%.2fx real time", s->virtual_seconds,
            s->wall_seconds, speed);
    if (s->instructions_run > 0 && s->wall_seconds > 0)
        fprintf(out, ", %.0f guest MIPS", s->instructions_run / s->wall_seconds / 1e6);
    fprintf(out, "); stopped: %s; resets: %u\n", s->exit_reason, s->resets);
    if (s->skipped_virtual_seconds > 0)
        fprintf(out, "photon-sim: %.3f s of it the firmware only waited for a timer, in loops "
                "that came round unchanged: skipped\n", s->skipped_virtual_seconds);
    if (s->ns_per_instruction > 8)
        fprintf(out, "photon-sim: the CPU ran at %.1f MHz apparent (--cpu-mhz): timers keep their "
                "timing, the firmware's own computation took %lldx longer than on a Photon\n",
                1000.0 / s->ns_per_instruction, (long long)(s->ns_per_instruction / 8));
    fprintf(out, "photon-sim: patterns: %s\n", s->patterns[0] ? s->patterns : "(none)");
    fprintf(out, "photon-sim: unmodelled register accesses: %llu\n",
            (unsigned long long)s->unmodelled_accesses);
    if (s->unmodelled[0])
        fprintf(out, "%s\n", s->unmodelled);
}

int run_profile_print(const char *path, FILE *out)
{
    FILE *in = fopen(path, "r");
    char line[4096];
    unsigned n = 0;

    if (!in) {
        fprintf(stderr, "photon-sim: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(out, "photon-sim: where the wall time went (%s):\n"
            "  %-22s %9s %8s %8s %10s %10s %10s %10s\n", path, "phase (from t)", "virtual",
            "wall", "speed", "M insns", "I/O exits", "in-block", "skipped");
    while (fgets(line, sizeof line, in)) {
        json_error_t error;
        json_t *row = json_loads(line, 0, &error);
        char phase[64];

        n++;
        if (!row) {
            fprintf(stderr, "photon-sim: %s:%u:%d: %s\n", path, n, error.column, error.text);
            fclose(in);
            return -1;
        }
        snprintf(phase, sizeof phase, "%s (%.2f)",
                 json_string_value(json_object_get(row, "phase")) ?: "?",
                 json_number_value(json_object_get(row, "t")));
        fprintf(out, "  %-22s %8.2fs %7.2fs %7.1fx %10.1f %10lld %10lld %9.2fs\n", phase,
                json_number_value(json_object_get(row, "virtual_seconds")),
                json_number_value(json_object_get(row, "wall_seconds")),
                json_number_value(json_object_get(row, "speed")),
                json_integer_value(json_object_get(row, "instructions_run")) / 1e6,
                (long long)json_integer_value(json_object_get(row, "io_block_exits")),
                (long long)json_integer_value(json_object_get(row, "in_block_io")),
                json_number_value(json_object_get(row, "skipped_virtual_seconds")));
        json_decref(row);
    }
    fclose(in);
    return 0;
}
