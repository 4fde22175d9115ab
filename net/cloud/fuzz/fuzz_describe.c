/*
 * Fuzz target: the describe JSON reader and variable decoding (how to build and run:
 * fuzz_common.h).  The first byte picks a variable type for the decoder.
 */
#include <stdlib.h>
#include <string.h>

#include "describe.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int types[] = { 0, CLOUD_VARIABLE_BOOL, CLOUD_VARIABLE_INT,
                                 CLOUD_VARIABLE_STRING, CLOUD_VARIABLE_DOUBLE };
    cloud_describe d, merged;
    char why[128], out[1400];

    if (size == 0) {
        return 0;
    }
    if (cloud_describe_parse((const char *)data + 1, size - 1, &d, why, sizeof(why)) == 0) {
        if (d.function_count > CLOUD_DESCRIBE_MAX_FUNCTIONS ||
            d.variable_count > CLOUD_DESCRIBE_MAX_VARIABLES ||
            d.module_count > CLOUD_DESCRIBE_MAX_MODULES) {
            abort();
        }
        for (size_t i = 0; i < d.function_count; i++) {
            if (strlen(d.functions[i]) > CLOUD_NAME_MAX) {
                abort();
            }
        }
        cloud_describe_init(&merged);
        cloud_describe_merge(&merged, &d);
        for (size_t i = 0; i < d.variable_count; i++) {
            (void)cloud_describe_variable_type(&merged, d.variables[i].name);
        }
    } else if (strlen(why) == 0) {
        abort(); /* a failure must say why */
    }
    (void)cloud_variable_format(types[data[0] % 5], data + 1, size - 1, out, sizeof(out));
    if (strlen(out) >= sizeof(out)) {
        abort();
    }
    return 0;
}
