#include "test_support.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

synthetic_module synthetic_defaults(uint8_t function, uint8_t index)
{
    synthetic_module m = {0};
    m.platform_id = 6;
    m.function = function;
    m.index = index;
    m.version = 100;
    m.image_length = 2048;
    switch (function) {
    case 2:
        m.start = 0x08000000;
        m.vector_table = true;
        break;
    case 4:
        m.start = index == 1 ? 0x08020000 : 0x08060000;
        m.vector_table = true;
        break;
    default:
        m.start = 0x080A0000;
        break;
    }
    return m;
}

uint8_t *synthetic_build(const synthetic_module *m, size_t *length)
{
    *length = m->image_length + 4;
    uint8_t *b = malloc(*length);
    ck_assert_ptr_nonnull(b);
    for (size_t i = 0; i < m->image_length; i++)
        b[i] = (uint8_t)(i * 7 + 3);
    uint32_t hdr = 0;
    if (m->vector_table) {
        put32(b, 0x20020000);
        put32(b + 4, m->start + 0x1F1);
        hdr = 0x184;
    }
    uint8_t *h = b + hdr;
    put32(h + 0, m->start);
    put32(h + 4, m->start + m->image_length);
    h[8] = 0;
    h[9] = 0;
    put16(h + 10, m->version);
    put16(h + 12, m->platform_id);
    h[14] = m->function;
    h[15] = m->index;
    h[16] = m->dep_function;
    h[17] = m->dep_index;
    put16(h + 18, m->dep_version);
    h[20] = m->dep2_function;
    h[21] = m->dep2_index;
    put16(h + 22, m->dep2_version);
    uint32_t crc = (uint32_t)crc32(0, b, m->image_length);
    uint8_t *t = b + m->image_length;
    t[0] = (uint8_t)(crc >> 24);
    t[1] = (uint8_t)(crc >> 16);
    t[2] = (uint8_t)(crc >> 8);
    t[3] = (uint8_t)crc;
    return b;
}

char *test_write_file(const char *dir, const char *name, const void *data, size_t length)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    ck_assert_uint_eq(fwrite(data, 1, length, f), length);
    fclose(f);
    return path;
}

char *test_temp_dir(void)
{
    char *tmpl = strdup("/tmp/photon-sim-test.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    return tmpl;
}

void test_remove_dir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *fixture_path(const char *relative)
{
    const char *env = getenv("PHOTON_SIM_FIXTURES");
    const char *home = getenv("HOME");
    char root[4096];
    if (env && *env)
        snprintf(root, sizeof root, "%s", env);
    else
        snprintf(root, sizeof root, "%s/.cache/photon-sim/firmware", home ? home : "");
    size_t n = strlen(root) + strlen(relative) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", root, relative);
    ck_assert_msg(access(path, R_OK) == 0,
                  "firmware fixture %s is missing: run scripts/fetch-fixtures.sh "
                  "(or set PHOTON_SIM_FIXTURES)", path);
    return path;
}

uint8_t *test_read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *length = (size_t)n;
    return b;
}
