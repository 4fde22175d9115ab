#include "module.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim_bytes.h"

uint32_t module_crc32(const uint8_t *data, size_t length)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    /* zlib takes uInt lengths; modules are < 1 MiB, but stay correct anyway. */
    while (length > 0) {
        uInt chunk = length > 0x40000000u ? 0x40000000u : (uInt)length;
        crc = crc32(crc, data, chunk);
        data += chunk;
        length -= chunk;
    }
    return (uint32_t)crc;
}

uint32_t module_header_offset(const uint8_t *image, size_t length)
{
    if (length < 4)
        return 0;
    /* Same test as FLASH_ModuleInfo(): an initial stack pointer in SRAM. */
    return (get_le32(image) & 0x2FF10000u) == 0x20000000u ? MODULE_INFO_AFTER_VECTORS : 0;
}

static void decode_dependency(const uint8_t *p, module_dependency *dep)
{
    dep->function = p[0];
    dep->index = p[1];
    dep->version = get_le16(p + 2);
}

static void encode_dependency(const module_dependency *dep, uint8_t *p)
{
    p[0] = dep->function;
    p[1] = dep->index;
    put_le16(p + 2, dep->version);
}

void module_info_decode(const uint8_t *b, module_info *out)
{
    out->start_address = get_le32(b + 0);
    out->end_address = get_le32(b + 4);
    out->reserved = b[8];
    out->flags = b[9];
    out->version = get_le16(b + 10);
    out->platform_id = get_le16(b + 12);
    out->function = b[14];
    out->index = b[15];
    decode_dependency(b + 16, &out->dependency);
    decode_dependency(b + 20, &out->dependency2);
}

void module_info_encode(const module_info *info, uint8_t *b)
{
    put_le32(b + 0, info->start_address);
    put_le32(b + 4, info->end_address);
    b[8] = info->reserved;
    b[9] = info->flags;
    put_le16(b + 10, info->version);
    put_le16(b + 12, info->platform_id);
    b[14] = info->function;
    b[15] = info->index;
    encode_dependency(&info->dependency, b + 16);
    encode_dependency(&info->dependency2, b + 20);
}

const char *module_name(uint8_t function, uint8_t index, char *buf, size_t size)
{
    switch (function) {
    case MODULE_FUNCTION_BOOTLOADER:
        snprintf(buf, size, "bootloader");
        break;
    case MODULE_FUNCTION_SYSTEM_PART:
        snprintf(buf, size, "system part %u", index);
        break;
    case MODULE_FUNCTION_USER_PART:
        snprintf(buf, size, "user part %u", index);
        break;
    case MODULE_FUNCTION_MONO_FIRMWARE:
        snprintf(buf, size, "monolithic firmware");
        break;
    case MODULE_FUNCTION_RESOURCE:
        snprintf(buf, size, "resource %u", index);
        break;
    default:
        snprintf(buf, size, "module (function %u, index %u)", function, index);
        break;
    }
    return buf;
}

const char *module_dependency_describe(const module_dependency *dep, char *buf, size_t size)
{
    if (dep->function == MODULE_FUNCTION_NONE) {
        snprintf(buf, size, "none");
    } else {
        char name[48];
        snprintf(buf, size, "%s >= v%u", module_name(dep->function, dep->index, name, sizeof name),
                 dep->version);
    }
    return buf;
}

int module_parse(const uint8_t *data, size_t length, const char *source, module *out,
                 sim_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t hdr = module_header_offset(data, length);
    if (length < (size_t)hdr + MODULE_INFO_SIZE)
        return sim_fail(err, "%s: truncated: %zu bytes is too short for a module header at offset 0x%X",
                        source, length, hdr);

    module_info *info = &out->info;
    module_info_decode(data + hdr, info);
    out->header_offset = hdr;
    out->image = data;

    char name[48];
    module_name(info->function, info->index, name, sizeof name);

    if (info->platform_id != PHOTON_PLATFORM_ID)
        return sim_fail(err, "%s: %s: platform_id is %u, expected %u (Photon)", source, name,
                        info->platform_id, PHOTON_PLATFORM_ID);

    switch (info->function) {
    case MODULE_FUNCTION_BOOTLOADER:
    case MODULE_FUNCTION_SYSTEM_PART:
    case MODULE_FUNCTION_USER_PART:
    case MODULE_FUNCTION_MONO_FIRMWARE:
        break;
    default:
        return sim_fail(err, "%s: %s: module_function is %u, expected 2 (bootloader), "
                        "4 (system part) or 5 (user part)", source, name, info->function);
    }

    if (info->start_address < FLASH_BASE_ADDRESS || info->start_address >= FLASH_END_ADDRESS)
        return sim_fail(err, "%s: %s: module_start_address 0x%08X is outside flash "
                        "(0x%08X..0x%08X)", source, name, info->start_address,
                        FLASH_BASE_ADDRESS, FLASH_END_ADDRESS);
    /* The CRC trailer is stored after end_address, so it must fit too. */
    if (info->end_address <= info->start_address ||
        info->end_address > FLASH_END_ADDRESS - MODULE_CRC_SIZE)
        return sim_fail(err, "%s: %s: module_end_address 0x%08X is not between "
                        "module_start_address 0x%08X and 0x%08X", source, name,
                        info->end_address, info->start_address, FLASH_END_ADDRESS - MODULE_CRC_SIZE);

    uint32_t image_length = info->end_address - info->start_address;
    if (image_length < hdr + MODULE_INFO_SIZE)
        return sim_fail(err, "%s: %s: module_end_address 0x%08X leaves no room for the header "
                        "at offset 0x%X", source, name, info->end_address, hdr);
    size_t expected = (size_t)image_length + MODULE_CRC_SIZE;
    if (length < expected)
        return sim_fail(err, "%s: %s: truncated: header says %zu bytes "
                        "(module_end_address 0x%08X - module_start_address 0x%08X + 4-byte CRC), "
                        "file has %zu", source, name, expected, info->end_address,
                        info->start_address, length);
    if (length > expected)
        return sim_fail(err, "%s: %s: %zu bytes of trailing data: header says %zu bytes "
                        "(image + 4-byte CRC), file has %zu", source, name, length - expected,
                        expected, length);

    out->image_length = image_length;
    out->stored_crc = get_be32(data + image_length);
    out->computed_crc = module_crc32(data, image_length);
    if (out->stored_crc != out->computed_crc)
        return sim_fail(err, "%s: %s: CRC-32 mismatch at offset 0x%X: stored 0x%08X, computed 0x%08X",
                        source, name, image_length, out->stored_crc, out->computed_crc);

    if (info->flags & (MODULE_FLAG_COMPRESSED | MODULE_FLAG_COMBINED))
        return sim_fail(err, "%s: %s: flags 0x%02X: compressed or combined modules are OTA "
                        "containers and cannot be placed in flash as is", source, name,
                        info->flags);
    return 0;
}

int module_file_load(const char *path, module_file *out, sim_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sim_fail(err, "%s: cannot open: %s", path, strerror(errno));

    size_t cap = 64 * 1024, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (len == cap) {
            /* Nothing valid is larger than the flash; stop reading early. */
            if (cap > 2u * (FLASH_END_ADDRESS - FLASH_BASE_ADDRESS))
                break;
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    int read_error = ferror(f);
    fclose(f);
    if (!buf)
        return sim_fail(err, "%s: out of memory", path);
    if (read_error) {
        free(buf);
        return sim_fail(err, "%s: read error", path);
    }

    if (module_parse(buf, len, path, &out->mod, err) != 0) {
        free(buf);
        return -1;
    }
    out->path = strdup(path);
    out->data = buf;
    out->length = len;
    return 0;
}

void module_file_free(module_file *file)
{
    free(file->path);
    free(file->data);
    memset(file, 0, sizeof *file);
}
