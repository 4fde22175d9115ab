#include "dct.h"

#include <string.h>

#include "sim_bytes.h"
#include "module.h" /* module_crc32: the same zlib CRC the firmware computes */

void dct_header_decode(const uint8_t *copy, dct_header *out)
{
    out->full_size = get_le32(copy + DCT_HDR_FULL_SIZE);
    out->used_size = get_le32(copy + DCT_HDR_USED_SIZE);
    out->write_incomplete = copy[DCT_HDR_WRITE_INCOMPLETE];
    out->is_current = copy[DCT_HDR_IS_CURRENT];
    out->app_valid = copy[DCT_HDR_APP_VALID];
    out->mfg_info_programmed = copy[DCT_HDR_MFG_INFO_PROGRAMMED];
    out->magic = get_le32(copy + DCT_HDR_MAGIC);
}

void dct_version_decode(const uint8_t *copy, dct_version *out)
{
    const uint8_t *v = copy + DCT_VERSION_OFFSET;
    out->magic = get_le32(v + DCT_VER_MAGIC);
    out->usage_flags = get_le16(v + DCT_VER_USAGE_FLAGS);
    out->version = get_le16(v + DCT_VER_VERSION);
    out->crc32 = get_le32(v + DCT_VER_CRC32);
    out->initial_write = v[DCT_VER_INITIAL_WRITE];
    out->sequence = v[DCT_VER_SEQUENCE];
}

uint32_t dct_crc_fold(const uint8_t *data, size_t length, uint32_t crc)
{
    return module_crc32(data, length) ^ 0xFFFFFFFFu ^ crc;
}

/* CRC of a copy whose header and version are given separately (the writer
 * computes it before the header and version are programmed). */
static uint32_t crc_of_parts(const uint8_t header[DCT_HEADER_SIZE], const uint8_t *copy,
                             const uint8_t version[DCT_VERSION_SIZE])
{
    uint32_t crc = dct_crc_fold(header, DCT_HEADER_SIZE, 0xFFFFFFFFu);
    for (uint32_t off = DCT_BODY_START; off < DCT_BODY_END; off += DCT_CRC_CHUNK) {
        uint32_t n = DCT_BODY_END - off < DCT_CRC_CHUNK ? DCT_BODY_END - off : DCT_CRC_CHUNK;
        crc = dct_crc_fold(copy + off, n, crc);
    }
    return dct_crc_fold(version, DCT_VERSION_SIZE, crc);
}

uint32_t dct_compute_crc(const uint8_t *copy)
{
    uint8_t header[DCT_HEADER_SIZE], version[DCT_VERSION_SIZE];
    memcpy(header, copy, sizeof header);
    memcpy(version, copy + DCT_VERSION_OFFSET, sizeof version);
    header[DCT_HDR_WRITE_INCOMPLETE] = 0;
    put_le32(version + DCT_VER_CRC32, 0);
    version[DCT_VER_INITIAL_WRITE] = 0;
    return crc_of_parts(header, copy, version);
}

void dct_validate(const uint8_t *copy, dct_copy_status *st)
{
    memset(st, 0, sizeof *st);
    dct_header h;
    dct_version v;
    dct_header_decode(copy, &h);
    dct_version_decode(copy, &v);

    if (h.magic != DCT_HEADER_MAGIC || h.used_size > h.full_size || h.write_incomplete != 0) {
        st->sdk_version = DCT_SDK_VERSION_UNKNOWN;
        st->reason = h.magic != DCT_HEADER_MAGIC ? "no BRCM header"
                     : h.write_incomplete != 0   ? "write_incomplete is set (torn write)"
                                                 : "used_size > full_size";
        return;
    }
    if (v.magic != DCT_VERSION_MAGIC || v.version < 1 || v.version > DCT_SDK_VERSION_CURRENT) {
        /* Accepted as an SDK 3.3 DCT, which has no CRC to check. */
        st->sdk_version = DCT_SDK_VERSION_LEGACY;
        st->reason = "legacy (no valid version struct, no CRC)";
        return;
    }
    st->sdk_version = v.version;
    st->stored_crc = v.crc32;
    if (v.initial_write == 1 && v.crc32 == 0) {
        st->initial_write = 1;
        st->sequence = v.sequence;
        st->reason = "factory image (initial_write, no CRC)";
        return;
    }
    st->crc_checked = true;
    st->computed_crc = dct_compute_crc(copy);
    st->crc_ok = st->computed_crc == v.crc32;
    if (st->crc_ok) {
        /* initial_write was zeroed for the CRC and that zero is reported. */
        st->initial_write = 0;
        st->sequence = v.sequence;
        st->reason = "CRC ok";
    } else {
        st->initial_write = 0xFF;
        st->sequence = -1;
        st->reason = "CRC mismatch (stale copy)";
    }
}

int dct_select_current(const uint8_t *area)
{
    dct_copy_status s1, s2;
    const uint8_t *c1 = dct_copy_const(area, 0), *c2 = dct_copy_const(area, 1);
    dct_validate(c1, &s1);
    dct_validate(c2, &s2);

    bool bad1 = s1.sdk_version == DCT_SDK_VERSION_UNKNOWN;
    bool bad2 = s2.sdk_version == DCT_SDK_VERSION_UNKNOWN;
    if (bad1 && bad2)
        return -1;
    if (bad1)
        return 1;
    if (bad2)
        return 0;
    if (s1.sdk_version != s2.sdk_version)
        return s1.sdk_version > s2.sdk_version ? 0 : 1;
    /* A factory copy (initial_write set, not stale) wins, DCT2 first. */
    if (s2.initial_write != 0 && s2.initial_write != 0xFF)
        return 1;
    if (s1.initial_write != 0 && s1.initial_write != 0xFF)
        return 0;
    if (s1.sequence != s2.sequence)
        return s2.sequence > s1.sequence ? 1 : 0;
    if (s1.sequence != -1)
        return 0;
    return c1[DCT_HDR_IS_CURRENT] != 0 ? 0 : 1;
}

bool dct_is_blank(const uint8_t *area)
{
    for (size_t i = 0; i < DCT_AREA_SIZE; i++)
        if (area[i] != 0xFF)
            return false;
    return true;
}

/* Flash programming only clears bits. */
static void program(uint8_t *dst, const void *src, size_t n)
{
    const uint8_t *s = src;
    for (size_t i = 0; i < n; i++)
        dst[i] &= s[i];
}

static void erase_copy(uint8_t *copy)
{
    memset(copy, 0xFF, DCT_COPY_SIZE);
}

void dct_initialise(uint8_t *area)
{
    uint8_t *c1 = dct_copy(area, 0);
    erase_copy(c1);
    uint8_t header[DCT_HEADER_SIZE] = {0};
    header[DCT_HDR_WRITE_INCOMPLETE] = 1;
    header[DCT_HDR_IS_CURRENT] = 1;
    put_le32(header + DCT_HDR_MAGIC, DCT_HEADER_MAGIC);
    program(c1, header, sizeof header);

    uint8_t version[DCT_VERSION_SIZE] = {0};
    put_le32(version + DCT_VER_MAGIC, DCT_VERSION_MAGIC);
    version[DCT_VER_INITIAL_WRITE] = 1;
    version[DCT_VER_SEQUENCE] = 1;
    program(c1 + DCT_VERSION_OFFSET, version, sizeof version);

    uint8_t zero = 0;
    program(c1 + DCT_HDR_WRITE_INCOMPLETE, &zero, 1);
    erase_copy(dct_copy(area, 1));
}

int dct_read(const uint8_t *area, uint32_t dct_offset, void *out, size_t length)
{
    int current = dct_select_current(area);
    if (current < 0) {
        memset(out, 0xFF, length);
        return -1;
    }
    memcpy(out, dct_copy_const(area, current) + dct_offset, length);
    return current;
}

int dct_write_changes(uint8_t *area, const dct_change *changes, size_t count,
                      dct_write_step last_step, dct_write_result *result, sim_error *err)
{
    for (size_t i = 0; i < count; i++) {
        const dct_change *c = &changes[i];
        if (c->dct_offset < DCT_BODY_START || c->dct_offset > DCT_BODY_END ||
            c->length > DCT_BODY_END - c->dct_offset)
            return sim_fail(err, "DCT offset 0x%04X + %zu bytes is outside the writable body "
                            "0x%04X..0x%04X", c->dct_offset, c->length, DCT_BODY_START,
                            DCT_BODY_END);
    }

    dct_write_result local;
    if (!result)
        result = &local;
    memset(result, 0, sizeof *result);

    int current = dct_select_current(area);
    if (current < 0) {
        dct_initialise(area);
        result->initialised = true;
        current = 0;
    }
    int target = 1 - current;
    uint8_t *old = dct_copy(area, current);
    uint8_t *new = dct_copy(area, target);
    result->from_copy = current;
    result->to_copy = target;

    erase_copy(new);
    if (last_step == DCT_STEP_ERASE)
        return 0;

    /* The body is copied with the changed ranges substituted (the header
     * area stays erased until step 4). */
    uint8_t body[DCT_COPY_SIZE];
    memcpy(body + DCT_BODY_START, old + DCT_BODY_START, DCT_BODY_END - DCT_BODY_START);
    for (size_t i = 0; i < count; i++)
        memcpy(body + changes[i].dct_offset, changes[i].data, changes[i].length);
    program(new + DCT_BODY_START, body + DCT_BODY_START, DCT_BODY_END - DCT_BODY_START);
    if (last_step == DCT_STEP_COPY)
        return 0;

    uint8_t header[DCT_HEADER_SIZE], version[DCT_VERSION_SIZE];
    memcpy(header, old, sizeof header);
    header[DCT_HDR_WRITE_INCOMPLETE] = 0;
    header[DCT_HDR_IS_CURRENT] = 1;
    /* Keep the old version struct only when it has the magic (an upgrade
     * from a legacy DCT starts from zeros). */
    if (get_le32(old + DCT_VERSION_OFFSET + DCT_VER_MAGIC) == DCT_VERSION_MAGIC)
        memcpy(version, old + DCT_VERSION_OFFSET, sizeof version);
    else
        memset(version, 0, sizeof version);
    put_le32(version + DCT_VER_MAGIC, DCT_VERSION_MAGIC);
    put_le16(version + DCT_VER_USAGE_FLAGS, 0); /* no BT/P2P/OTA2 sections on the Photon */
    put_le16(version + DCT_VER_VERSION, DCT_SDK_VERSION_CURRENT);
    put_le32(version + DCT_VER_CRC32, 0);
    version[DCT_VER_INITIAL_WRITE] = 0;
    version[DCT_VER_SEQUENCE] = (uint8_t)(version[DCT_VER_SEQUENCE] + 1);
    result->sequence = version[DCT_VER_SEQUENCE];

    put_le32(version + DCT_VER_CRC32, crc_of_parts(header, new, version));
    header[DCT_HDR_WRITE_INCOMPLETE] = 1;

    program(new, header, sizeof header);
    if (last_step == DCT_STEP_HEADER)
        return 0;
    program(new + DCT_VERSION_OFFSET, version, sizeof version);
    if (last_step == DCT_STEP_VERSION)
        return 0;

    uint8_t zero = 0;
    program(new + DCT_HDR_WRITE_INCOMPLETE, &zero, 1);
    if (last_step == DCT_STEP_COMMIT)
        return 0;
    program(old + DCT_HDR_IS_CURRENT, &zero, 1);
    if (last_step == DCT_STEP_CLEAR_OLD_CURRENT)
        return 0;
    program(old + DCT_VERSION_OFFSET + DCT_VER_INITIAL_WRITE, &zero, 1);
    return 0;
}

int dct_write(uint8_t *area, uint32_t dct_offset, const void *data, size_t length,
              sim_error *err)
{
    dct_change change = {dct_offset, data, length};
    return dct_write_changes(area, &change, 1, DCT_STEP_ALL, NULL, err);
}

int dct_read_app(const uint8_t *area, uint32_t app_offset, void *out, size_t length)
{
    return dct_read(area, DCT_APP_OFFSET + app_offset, out, length);
}

int dct_write_app(uint8_t *area, uint32_t app_offset, const void *data, size_t length,
                  sim_error *err)
{
    if (app_offset > DCT_APP_WRITABLE_END || length > DCT_APP_WRITABLE_END - app_offset)
        return sim_fail(err, "app DCT offset %u + %zu bytes runs past the end of the DCT body "
                        "(app offsets must stay below %u)", app_offset, length,
                        DCT_APP_WRITABLE_END);
    return dct_write(area, DCT_APP_OFFSET + app_offset, data, length, err);
}
