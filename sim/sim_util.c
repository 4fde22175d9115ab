#include "sim_util.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int util_read_file(const char *path, size_t max_length, uint8_t **data, size_t *length,
                   sim_error *err)
{
    *data = NULL;
    *length = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sim_fail(err, "%s: cannot open: %s", path, strerror(errno));
    uint8_t *buf = malloc(max_length + 1);
    if (!buf) {
        fclose(f);
        return sim_fail(err, "%s: out of memory", path);
    }
    size_t n = fread(buf, 1, max_length + 1, f);
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        free(buf);
        return sim_fail(err, "%s: read error", path);
    }
    if (n > max_length) {
        free(buf);
        return sim_fail(err, "%s: larger than %zu bytes", path, max_length);
    }
    *data = buf;
    *length = n;
    return 0;
}

int util_write_file_atomic(const char *path, const void *data, size_t length, sim_error *err)
{
    char *copy = strdup(path);
    if (!copy)
        return sim_fail(err, "%s: out of memory", path);
    size_t tmp_size = strlen(copy) + 32;
    char *tmp = malloc(tmp_size);
    if (!tmp) {
        free(copy);
        return sim_fail(err, "%s: out of memory", path);
    }
    snprintf(tmp, tmp_size, "%s/.photon-sim.XXXXXX", dirname(copy));
    free(copy);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return sim_fail(err, "%s: cannot create a temporary file next to it: %s", path,
                        strerror(e));
    }
    /* mkstemp creates 0600: keep the mode of the file being replaced, else
     * use the umask default. */
    struct stat st;
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, stat(path, &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask));
    const uint8_t *p = data;
    size_t done = 0;
    int e = 0;
    while (done < length) {
        ssize_t n = write(fd, p + done, length - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            e = errno ? errno : EIO;
            break;
        }
        done += (size_t)n;
    }
    if (e == 0 && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && rename(tmp, path) != 0)
        e = errno;
    if (e != 0) {
        unlink(tmp);
        free(tmp);
        return sim_fail(err, "%s: write failed: %s", path, strerror(e));
    }
    free(tmp);
    return 0;
}

bool util_parse_unsigned(const char *text, unsigned long long max, unsigned long long *out)
{
    if (!text || !*text || *text == '-' || *text == '+' || isspace((unsigned char)*text))
        return false;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno != 0 || *end != 0 || v > max)
        return false;
    *out = v;
    return true;
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

long util_parse_hex(int argc, char **argv, uint8_t *out, size_t max, sim_error *err)
{
    size_t n = 0;
    int pending = -1;
    for (int a = 0; a < argc; a++) {
        const char *p = argv[a];
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
            p += 2;
        for (; *p; p++) {
            if (*p == ' ' || *p == ':' || *p == '-' || *p == '\n' || *p == '\t') {
                if (pending >= 0)
                    return sim_fail(err, "hex value \"%s\": odd number of digits before "
                                    "position %ld", argv[a], (long)(p - argv[a]));
                continue;
            }
            int v = hex_value((unsigned char)*p);
            if (v < 0)
                return sim_fail(err, "hex value \"%s\": '%c' at position %ld is not a hex digit",
                                argv[a], *p, (long)(p - argv[a]));
            if (pending < 0) {
                pending = v;
            } else {
                if (n >= max)
                    return sim_fail(err, "hex value is longer than the %zu bytes allowed", max);
                out[n++] = (uint8_t)(pending << 4 | v);
                pending = -1;
            }
        }
        if (pending >= 0)
            return sim_fail(err, "hex value \"%s\": odd number of digits", argv[a]);
    }
    return (long)n;
}

void util_hexdump(const uint8_t *data, size_t length, unsigned long base, char *out, size_t size)
{
    size_t used = 0;
    out[0] = 0;
    for (size_t i = 0; i < length && used + 1 < size; i += 16) {
        int w = snprintf(out + used, size - used, "%s%6lu:", i ? "\n" : "", base + i);
        if (w < 0 || (size_t)w >= size - used)
            return;
        used += (size_t)w;
        for (size_t j = i; j < i + 16 && j < length; j++) {
            w = snprintf(out + used, size - used, " %02x", data[j]);
            if (w < 0 || (size_t)w >= size - used)
                return;
            used += (size_t)w;
        }
    }
}
