/* Helpers for the module/DCT/key Check suites: synthetic module images built
 * independently of sim/module.c, and the location of the real fixtures. */
#ifndef PHOTON_SIM_TEST_SUPPORT_H
#define PHOTON_SIM_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct synthetic_module {
    uint32_t start;
    uint32_t image_length;     /* end - start */
    bool vector_table;         /* header at 0x184 after a vector table */
    uint16_t platform_id;
    uint16_t version;
    uint8_t function, index;
    uint8_t dep_function, dep_index;
    uint16_t dep_version;
    uint8_t dep2_function, dep2_index;
    uint16_t dep2_version;
} synthetic_module;

/* A Photon module description with sensible defaults for `function`. */
synthetic_module synthetic_defaults(uint8_t function, uint8_t index);

/* Builds image + big-endian zlib CRC trailer; returns a malloc'd buffer of
 * *length = image_length + 4 bytes. */
uint8_t *synthetic_build(const synthetic_module *m, size_t *length);

/* Writes `length` bytes to dir/name; returns the malloc'd path. */
char *test_write_file(const char *dir, const char *name, const void *data, size_t length);

/* A fresh temporary folder; test_remove_dir deletes it (and the files in
 * it) and frees the name. */
char *test_temp_dir(void);
void test_remove_dir(char *dir);

/* Path of a fixture file (relative to the fixture folder). Aborts the test
 * with a clear message when the fixture is missing. */
char *fixture_path(const char *relative);

/* Reads a whole file; aborts the test on failure. */
uint8_t *test_read_file(const char *path, size_t *length);

uint32_t be32(const uint8_t *p);
uint32_t le32(const uint8_t *p);

#endif
