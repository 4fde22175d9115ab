#include "sim_error.h"

#include <stdio.h>
#include <stdint.h>
#include <string.h>

int sim_fail(sim_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int sim_fail_prefix(sim_error *err, const char *prefix)
{
    if (!err)
        return -1;
    size_t cap = sizeof err->msg - 1;
    size_t prefix_length = strlen(prefix) + 2; /* "prefix: " */
    if (prefix_length > cap)
        prefix_length = cap;
    size_t keep = strnlen(err->msg, cap);
    if (keep > cap - prefix_length)
        keep = cap - prefix_length;
    memmove(err->msg + prefix_length, err->msg, keep);
    err->msg[prefix_length + keep] = 0;
    memcpy(err->msg, prefix, prefix_length >= 2 ? prefix_length - 2 : 0);
    if (prefix_length >= 2) {
        err->msg[prefix_length - 2] = ':';
        err->msg[prefix_length - 1] = ' ';
    }
    return -1;
}
