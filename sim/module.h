/* Device OS module binaries: the 24-byte module_info_t header, its place in
 * the image, and the CRC-32 trailer (reference/stm32f205-photon.md 1.4-1.6). */
#ifndef PHOTON_SIM_MODULE_H
#define PHOTON_SIM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_error.h"

#define PHOTON_PLATFORM_ID 6u

#define FLASH_BASE_ADDRESS 0x08000000u
#define FLASH_END_ADDRESS 0x08100000u /* exclusive */

#define MODULE_INFO_SIZE 24u
/* The header follows the 97-word vector table when the image starts with one. */
#define MODULE_INFO_AFTER_VECTORS 0x184u
#define MODULE_CRC_SIZE 4u

enum module_function {
    MODULE_FUNCTION_NONE = 0,
    MODULE_FUNCTION_RESOURCE = 1,
    MODULE_FUNCTION_BOOTLOADER = 2,
    MODULE_FUNCTION_MONO_FIRMWARE = 3,
    MODULE_FUNCTION_SYSTEM_PART = 4,
    MODULE_FUNCTION_USER_PART = 5,
};

enum module_flags {
    MODULE_FLAG_DROP_MODULE_INFO = 1u << 0,
    MODULE_FLAG_COMPRESSED = 1u << 1,
    MODULE_FLAG_COMBINED = 1u << 2,
};

typedef struct module_dependency {
    uint8_t function; /* MODULE_FUNCTION_NONE: no dependency */
    uint8_t index;
    uint16_t version; /* minimum version required */
} module_dependency;

typedef struct module_info {
    uint32_t start_address;
    uint32_t end_address; /* exclusive; the CRC trailer starts here */
    uint8_t reserved;
    uint8_t flags;
    uint16_t version;
    uint16_t platform_id;
    uint8_t function;
    uint8_t index;
    module_dependency dependency;
    module_dependency dependency2;
} module_info;

/* A module found in a buffer (a file, or a slot of a flash image). */
typedef struct module {
    module_info info;
    uint32_t header_offset;   /* 0 or MODULE_INFO_AFTER_VECTORS */
    const uint8_t *image;     /* first byte of the module (not owned) */
    uint32_t image_length;    /* end - start, without the CRC trailer */
    uint32_t stored_crc;      /* big-endian trailer */
    uint32_t computed_crc;    /* zlib crc32 over image[0, image_length) */
} module;

/* A module file read into memory and validated. */
typedef struct module_file {
    char *path;
    uint8_t *data;
    size_t length;
    module mod;
} module_file;

/* Where the header sits in an image starting with these bytes: after the
 * vector table when word 0 looks like an initial SP in SRAM, else at 0. */
uint32_t module_header_offset(const uint8_t *image, size_t length);

/* Decodes the 24 header bytes (little-endian, packed). */
void module_info_decode(const uint8_t *bytes, module_info *out);
void module_info_encode(const module_info *info, uint8_t *bytes);

/* "bootloader", "system part 2", "user part 1", ... */
const char *module_name(uint8_t function, uint8_t index, char *buf, size_t size);

/* Same, for a dependency: "system part 2 >= v207". */
const char *module_dependency_describe(const module_dependency *dep, char *buf, size_t size);

/* Parses and fully validates a module file held in memory: header location,
 * platform id, function, address range, exact length (image + CRC) and CRC.
 * `source` names the file in error messages. */
int module_parse(const uint8_t *data, size_t length, const char *source, module *out,
                 sim_error *err);

/* Reads `path` and runs module_parse on it. On success the caller owns `out`
 * and releases it with module_file_free. */
int module_file_load(const char *path, module_file *out, sim_error *err);
void module_file_free(module_file *file);

/* zlib crc32, the same value as the firmware's Compute_CRC32. */
uint32_t module_crc32(const uint8_t *data, size_t length);

#endif
