/* DCT validation, copy selection, copy-on-write updates, torn writes and the
 * named fields. DCT copies are built here byte by byte, and their CRC is
 * recomputed here independently of sim/dct.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dct.h"
#include "test_support.h"

#define COPY 0x4000u
#define HDR 388u
#define VER 0x3FF0u
#define APP 0x1D7Cu

/* Particle's crc32(p, n, c) is crc32z(p) ^ ~0 ^ c, so the whole CRC is the
 * XOR of ~crc32z(piece) over the pieces, starting from all ones. */
static uint32_t reference_crc_chunked(const uint8_t *copy, uint32_t chunk)
{
    static uint8_t work[COPY];
    memcpy(work, copy, COPY);
    work[8] = 0;                    /* write_incomplete */
    memset(work + VER + 8, 0, 4);   /* crc32 */
    work[VER + 12] = 0;             /* initial_write */
    uint32_t acc = 0xFFFFFFFFu;
    acc ^= ~(uint32_t)crc32(0, work, HDR);
    for (uint32_t off = HDR; off < VER; off += chunk)
        acc ^= ~(uint32_t)crc32(0, work + off, VER - off < chunk ? VER - off : chunk);
    acc ^= ~(uint32_t)crc32(0, work + VER, 16);
    return acc;
}

static uint32_t reference_crc(const uint8_t *copy)
{
    return reference_crc_chunked(copy, 32);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A committed copy with a good CRC, `fill` in the body. */
static void make_copy(uint8_t *copy, uint8_t sequence, uint8_t is_current, uint8_t fill)
{
    memset(copy, 0xFF, COPY);
    memset(copy, 0, HDR);
    put32(copy + 12, 0x4D435242u);
    copy[9] = is_current;
    for (uint32_t i = HDR; i < VER; i++)
        copy[i] = (uint8_t)(fill + i * 13);
    memset(copy + VER, 0, 16);
    put32(copy + VER, 0xDC0200CDu);
    copy[VER + 6] = 0x70;
    copy[VER + 7] = 0x03;
    copy[VER + 13] = sequence;
    put32(copy + VER + 8, reference_crc(copy));
}

static uint8_t *new_area(void)
{
    uint8_t *a = malloc(DCT_AREA_SIZE);
    memset(a, 0xFF, DCT_AREA_SIZE);
    return a;
}

/* ---- CRC and validation ----------------------------------------------------- */

START_TEST(crc_matches_independent_recomputation)
{
    uint8_t *a = new_area();
    make_copy(a, 3, 1, 0x11);
    ck_assert_uint_eq(dct_compute_crc(a), reference_crc(a));
    /* The XOR-fold depends on the chunking, so a wrong chunk size would show. */
    ck_assert_uint_ne(reference_crc_chunked(a, 64), reference_crc(a));
    /* write_incomplete, crc32 and initial_write are outside the CRC... */
    a[8] = 1;
    a[VER + 12] = 1;
    ck_assert_uint_eq(dct_compute_crc(a), reference_crc(a));
    uint32_t before = dct_compute_crc(a);
    /* ...is_current_dct is not. */
    a[9] = 0;
    ck_assert_uint_ne(dct_compute_crc(a), before);
    free(a);
}
END_TEST

START_TEST(validate_classifies_copies)
{
    uint8_t *a = new_area();
    dct_copy_status st;

    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, DCT_SDK_VERSION_UNKNOWN);

    make_copy(a, 9, 1, 0x22);
    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, 0x370);
    ck_assert_int_eq(st.sequence, 9);
    ck_assert_int_eq(st.initial_write, 0);
    ck_assert(st.crc_ok);

    a[1000] ^= 0x80; /* body damage: valid but stale */
    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, 0x370);
    ck_assert_int_eq(st.sequence, -1);
    ck_assert_int_eq(st.initial_write, 0xFF);

    make_copy(a, 9, 1, 0x22);
    a[8] = 1; /* torn: write_incomplete still set */
    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, DCT_SDK_VERSION_UNKNOWN);

    make_copy(a, 9, 1, 0x22);
    put32(a + 4, 10); /* used_size > full_size (0) */
    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, DCT_SDK_VERSION_UNKNOWN);

    make_copy(a, 9, 1, 0x22);
    memset(a + VER, 0xFF, 16); /* no version struct: legacy, no CRC */
    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, DCT_SDK_VERSION_LEGACY);

    make_copy(a, 1, 1, 0x22);
    put32(a + VER + 8, 0);
    a[VER + 12] = 1; /* factory: initial_write with crc 0 is not checked */
    a[2000] ^= 1;
    dct_validate(a, &st);
    ck_assert_int_eq(st.sdk_version, 0x370);
    ck_assert_int_eq(st.initial_write, 1);
    ck_assert_int_eq(st.sequence, 1);
    free(a);
}
END_TEST

/* ---- Selection ------------------------------------------------------------------ */

START_TEST(selection_follows_firmware_rules)
{
    uint8_t *a = new_area();
    uint8_t *c1 = a, *c2 = a + COPY;

    ck_assert(dct_is_blank(a));
    ck_assert_int_eq(dct_select_current(a), -1);

    make_copy(c1, 4, 1, 1);
    ck_assert_int_eq(dct_select_current(a), 0);
    memset(c1, 0xFF, COPY);
    make_copy(c2, 4, 1, 1);
    ck_assert_int_eq(dct_select_current(a), 1);

    make_copy(c1, 5, 1, 1);
    make_copy(c2, 6, 1, 2);
    ck_assert_int_eq(dct_select_current(a), 1);
    make_copy(c1, 7, 1, 1);
    ck_assert_int_eq(dct_select_current(a), 0);

    make_copy(c2, 7, 1, 2); /* equal sequence: DCT1 */
    ck_assert_int_eq(dct_select_current(a), 0);

    /* Sequence compares as a signed int: 255 beats 0 (a wrapped update loses). */
    make_copy(c1, 0, 1, 1);
    make_copy(c2, 255, 1, 2);
    ck_assert_int_eq(dct_select_current(a), 1);

    /* Both stale: is_current_dct of DCT1 decides. */
    make_copy(c1, 3, 1, 1);
    make_copy(c2, 3, 1, 2);
    c1[500] ^= 1;
    c2[500] ^= 1;
    ck_assert_int_eq(dct_select_current(a), 0);
    c1[9] = 0;
    ck_assert_int_eq(dct_select_current(a), 1);

    /* A factory copy wins over a higher sequence, DCT2's first. */
    make_copy(c1, 9, 1, 1);
    make_copy(c2, 1, 1, 2);
    put32(c2 + VER + 8, 0);
    c2[VER + 12] = 1;
    ck_assert_int_eq(dct_select_current(a), 1);
    make_copy(c2, 9, 1, 2);
    make_copy(c1, 1, 1, 1);
    put32(c1 + VER + 8, 0);
    c1[VER + 12] = 1;
    ck_assert_int_eq(dct_select_current(a), 0);

    /* A higher version wins: legacy (0x330) loses to 0x370. */
    make_copy(c1, 200, 1, 1);
    memset(c1 + VER, 0xFF, 16);
    make_copy(c2, 1, 0, 2);
    ck_assert_int_eq(dct_select_current(a), 1);
    free(a);
}
END_TEST

/* ---- Writes ------------------------------------------------------------------------- */

START_TEST(write_into_blank_initialises_dct1_first)
{
    uint8_t *a = new_area();
    uint8_t key[] = {0x30, 0x82, 0x02, 0x5d};
    dct_write_result r;
    sim_error err;
    dct_change change = {APP + 34, key, sizeof key};
    ck_assert_msg(dct_write_changes(a, &change, 1, DCT_STEP_ALL, &r, &err) == 0, "%s", err.msg);
    ck_assert(r.initialised);
    ck_assert_int_eq(r.from_copy, 0);
    ck_assert_int_eq(r.to_copy, 1);

    dct_copy_status s1, s2;
    dct_validate(a, &s1);
    dct_validate(a + COPY, &s2);
    /* DCT1 holds the initialisation stub, no longer current. */
    ck_assert_int_eq(s1.sdk_version, DCT_SDK_VERSION_LEGACY);
    ck_assert_uint_eq(a[9], 0);
    ck_assert_uint_eq(le32(a + 12), 0x4D435242u);
    /* DCT2: version 0x370, the stub's sequence 1 + 1, CRC per our recomputation. */
    ck_assert_int_eq(s2.sdk_version, 0x370);
    ck_assert_int_eq(s2.sequence, 2);
    ck_assert_uint_eq(le32(a + COPY + VER + 8), reference_crc(a + COPY));
    ck_assert_int_eq(dct_select_current(a), 1);
    uint8_t back[4];
    ck_assert_int_eq(dct_read_app(a, 34, back, sizeof back), 1);
    ck_assert_mem_eq(back, key, sizeof key);
    free(a);
}
END_TEST

START_TEST(write_round_trip_preserves_everything_else)
{
    uint8_t *a = new_area();
    make_copy(a, 7, 1, 0x33);
    static uint8_t before[COPY];
    memcpy(before, a, COPY);

    uint8_t value[612];
    for (size_t i = 0; i < sizeof value; i++)
        value[i] = (uint8_t)(i ^ 0xA5);
    sim_error err;
    ck_assert_msg(dct_write_app(a, 34, value, sizeof value, &err) == 0, "%s", err.msg);

    uint8_t *new_copy = a + COPY;
    ck_assert_int_eq(dct_select_current(a), 1);
    ck_assert_uint_eq(new_copy[VER + 13], 8);                 /* sequence + 1 */
    ck_assert_uint_eq(le32(new_copy + VER), 0xDC0200CDu);
    ck_assert_uint_eq(new_copy[VER + 6] | new_copy[VER + 7] << 8, 0x370);
    ck_assert_uint_eq(le32(new_copy + VER + 8), reference_crc(new_copy));
    ck_assert_uint_eq(new_copy[8], 0);                         /* committed */
    ck_assert_uint_eq(new_copy[9], 1);
    /* Header copied from the old one; body identical outside the change. */
    ck_assert_mem_eq(new_copy + 10, before + 10, HDR - 10);
    ck_assert_mem_eq(new_copy + HDR, before + HDR, APP + 34 - HDR);
    ck_assert_mem_eq(new_copy + APP + 34, value, sizeof value);
    ck_assert_mem_eq(new_copy + APP + 34 + sizeof value, before + APP + 34 + sizeof value,
                     VER - (APP + 34 + sizeof value));
    /* The old copy: is_current and initial_write cleared, so it turns stale. */
    ck_assert_uint_eq(a[9], 0);
    ck_assert_uint_eq(a[VER + 12], 0);
    ck_assert_mem_eq(a + HDR, before + HDR, VER - HDR);
    dct_copy_status st;
    dct_validate(a, &st);
    ck_assert_int_eq(st.sequence, -1);

    /* The next write flips back to DCT1, sequence 9, keeping the first change. */
    uint8_t claimed = '1';
    ck_assert_msg(dct_write_app(a, 1825, &claimed, 1, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(dct_select_current(a), 0);
    ck_assert_uint_eq(a[VER + 13], 9);
    ck_assert_uint_eq(le32(a + VER + 8), reference_crc(a));
    ck_assert_mem_eq(a + APP + 34, value, sizeof value);
    ck_assert_uint_eq(a[APP + 1825], '1');
    free(a);
}
END_TEST

START_TEST(torn_write_before_commit_keeps_old_copy)
{
    uint8_t *a = new_area();
    make_copy(a, 7, 1, 0x44);
    static uint8_t before[DCT_AREA_SIZE];
    uint8_t value[16];
    memset(value, 0x5C, sizeof value);
    uint8_t old_value[16];
    memcpy(old_value, a + APP + 1762, sizeof old_value);

    for (int step = DCT_STEP_ERASE; step <= DCT_STEP_VERSION; step++) {
        make_copy(a, 7, 1, 0x44);
        memset(a + COPY, 0x00, COPY); /* garbage in the other sector */
        memcpy(before, a, COPY);
        dct_change change = {APP + 1762, value, sizeof value};
        sim_error err;
        ck_assert_int_eq(dct_write_changes(a, &change, 1, (dct_write_step)step, NULL, &err), 0);
        dct_copy_status st;
        dct_validate(a + COPY, &st);
        ck_assert_msg(st.sdk_version == DCT_SDK_VERSION_UNKNOWN, "step %d", step);
        ck_assert_int_eq(dct_select_current(a), 0);
        ck_assert_mem_eq(a, before, COPY); /* the old copy is untouched */
        uint8_t back[16];
        dct_read_app(a, 1762, back, sizeof back);
        ck_assert_mem_eq(back, old_value, sizeof back);
    }
    free(a);
}
END_TEST

START_TEST(torn_write_after_commit_uses_new_copy)
{
    uint8_t *a = new_area();
    uint8_t value[16];
    memset(value, 0x5C, sizeof value);
    dct_change change = {APP + 1762, value, sizeof value};
    sim_error err;
    dct_copy_status st;

    /* Power lost right after the commit byte: both valid, the new one wins on sequence. */
    make_copy(a, 7, 1, 0x44);
    ck_assert_int_eq(dct_write_changes(a, &change, 1, DCT_STEP_COMMIT, NULL, &err), 0);
    dct_validate(a, &st);
    ck_assert_int_eq(st.sequence, 7);
    dct_validate(a + COPY, &st);
    ck_assert_int_eq(st.sequence, 8);
    ck_assert_int_eq(dct_select_current(a), 1);

    /* After old is_current is cleared, the old copy is stale. */
    memset(a, 0xFF, DCT_AREA_SIZE);
    make_copy(a, 7, 1, 0x44);
    ck_assert_int_eq(dct_write_changes(a, &change, 1, DCT_STEP_CLEAR_OLD_CURRENT, NULL, &err), 0);
    dct_validate(a, &st);
    ck_assert_int_eq(st.sequence, -1);
    ck_assert_int_eq(dct_select_current(a), 1);
    uint8_t back[16];
    dct_read_app(a, 1762, back, sizeof back);
    ck_assert_mem_eq(back, value, sizeof back);
    free(a);
}
END_TEST

START_TEST(factory_copy_wins_until_initial_write_is_cleared)
{
    uint8_t *a = new_area();
    uint8_t value = 0x77;
    dct_change change = {APP + 1753, &value, 1};
    sim_error err;

    for (int step = DCT_STEP_COMMIT; step <= DCT_STEP_ALL; step++) {
        make_copy(a, 1, 1, 0x55);
        put32(a + VER + 8, 0);
        a[VER + 12] = 1;
        ck_assert_int_eq(dct_write_changes(a, &change, 1, (dct_write_step)step, NULL, &err), 0);
        int expected = step == DCT_STEP_ALL ? 1 : 0;
        ck_assert_msg(dct_select_current(a) == expected, "step %d", step);
    }
    free(a);
}
END_TEST

START_TEST(legacy_copy_upgrades_to_sequence_1)
{
    uint8_t *a = new_area();
    /* The reference's hand-made DCT: valid header, version area erased. */
    memset(a, 0, HDR);
    put32(a + 12, 0x4D435242u);
    a[9] = 1;
    uint8_t value = 1;
    sim_error err;
    ck_assert_int_eq(dct_write_app(a, 1634, &value, 1, &err), 0);
    dct_copy_status st;
    dct_validate(a + COPY, &st);
    ck_assert_int_eq(st.sdk_version, 0x370);
    ck_assert_int_eq(st.sequence, 1);
    ck_assert_int_eq(dct_select_current(a), 1);
    free(a);
}
END_TEST

START_TEST(several_changes_make_one_update)
{
    uint8_t *a = new_area();
    make_copy(a, 10, 1, 0x66);
    uint8_t x[3] = {1, 2, 3}, y[2] = {9, 8};
    dct_change changes[2] = {{APP + 100, x, sizeof x}, {DCT_WIFI_CONFIG_OFFSET, y, sizeof y}};
    dct_write_result r;
    sim_error err;
    ck_assert_int_eq(dct_write_changes(a, changes, 2, DCT_STEP_ALL, &r, &err), 0);
    ck_assert_uint_eq(r.sequence, 11);
    ck_assert_mem_eq(a + COPY + APP + 100, x, sizeof x);
    ck_assert_mem_eq(a + COPY + DCT_WIFI_CONFIG_OFFSET, y, sizeof y);
    ck_assert_uint_eq(le32(a + COPY + VER + 8), reference_crc(a + COPY));
    free(a);
}
END_TEST

START_TEST(out_of_range_writes_change_nothing)
{
    uint8_t *a = new_area();
    make_copy(a, 3, 1, 0x12);
    static uint8_t before[DCT_AREA_SIZE];
    memcpy(before, a, DCT_AREA_SIZE);
    uint8_t v[32] = {0};
    sim_error err;
    ck_assert_int_eq(dct_write_app(a, DCT_APP_WRITABLE_END - 16, v, sizeof v, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "app DCT offset 8804 + 32 bytes"));
    ck_assert_int_eq(dct_write(a, 8, v, 1, &err), -1); /* inside the header */
    ck_assert_ptr_nonnull(strstr(err.msg, "0x0008"));
    ck_assert_mem_eq(a, before, DCT_AREA_SIZE);
    free(a);
}
END_TEST

/* ---- Fields ------------------------------------------------------------------------- */

START_TEST(field_offsets_match_dct_h)
{
    static const struct { const char *name; long app; uint32_t size; } expected[] = {
        {"device_private_key", 34, 1216}, {"device_public_key", 1250, 384},
        {"ip_config", 1634, 24},          {"claim_code", 1762, 63},
        {"claimed", 1825, 1},             {"server_public_key", 2082, 768},
        {"server_address", 2466, 128},    {"device_id", 3618, 12},
        {"feature_flags", 1754, 4},       {"led_theme", 3759, 64},
        {"flash_modules", 2852, 100},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const dct_field *f = dct_field_find(expected[i].name);
        ck_assert_msg(f != NULL, "%s missing", expected[i].name);
        ck_assert_int_eq(dct_field_app_offset(f), expected[i].app);
        ck_assert_uint_eq(f->size, expected[i].size);
    }
    const dct_field *ssid = dct_field_find("wifi.ssid");
    const dct_field *security = dct_field_find("wifi.security");
    ck_assert_uint_eq(ssid->dct_offset, 0x1A30 + 1);
    ck_assert_uint_eq(security->dct_offset, 0x1A30 + 1 + 46);
    ck_assert_int_eq(dct_field_app_offset(ssid), -1);
    ck_assert_ptr_null(dct_field_find("no_such_field"));

    /* Fields do not overlap, except the address block inside the server key field. */
    for (size_t i = 0; i < dct_field_count; i++) {
        for (size_t j = i + 1; j < dct_field_count; j++) {
            const dct_field *x = &dct_fields[i], *y = &dct_fields[j];
            bool overlap = x->dct_offset < y->dct_offset + y->size &&
                           y->dct_offset < x->dct_offset + x->size;
            bool allowed = !strcmp(x->name, "server_public_key") && !strcmp(y->name, "server_address");
            ck_assert_msg(!overlap || allowed, "%s overlaps %s", x->name, y->name);
        }
        ck_assert_uint_le(dct_fields[i].dct_offset + dct_fields[i].size, VER);
    }
}
END_TEST

START_TEST(ip_config_encodes_like_the_firmware)
{
    const dct_field *f = dct_field_find("ip_config");
    uint8_t current[24], out[24];
    size_t length;
    sim_error err;
    memset(current, 0xFF, sizeof current);
    char *args[] = {"static", "192.168.1.50", "255.255.255.0", "192.168.1.1", "8.8.4.4"};
    ck_assert_msg(dct_field_parse(f, 5, args, current, out, &length, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(length, 24);
    ck_assert_uint_eq(out[0], 1);
    /* IPAddress keeps a<<24|b<<16|c<<8|d; stored little-endian. */
    static const uint8_t host[4] = {50, 1, 168, 192}, mask[4] = {0, 255, 255, 255};
    ck_assert_mem_eq(out + 4, host, 4);
    ck_assert_mem_eq(out + 8, mask, 4);
    ck_assert_uint_eq(le32(out + 16), 0x08080404u);
    ck_assert_uint_eq(le32(out + 20), 0); /* dns2 not given: 0, not 0xFFFFFFFF */

    char text[256];
    dct_field_format(f, out, text, sizeof text);
    ck_assert_str_eq(text, "static host 192.168.1.50 netmask 255.255.255.0 gateway 192.168.1.1 "
                           "dns1 8.8.4.4 dns2 0.0.0.0");

    char *dhcp[] = {"dhcp"};
    ck_assert_int_eq(dct_field_parse(f, 1, dhcp, current, out, &length, &err), 0);
    ck_assert_uint_eq(length, 1);
    ck_assert_uint_eq(out[0], 0);

    char *bad[] = {"static", "192.168.1.300", "255.255.255.0", "192.168.1.1", "8.8.4.4"};
    ck_assert_int_eq(dct_field_parse(f, 5, bad, current, out, &length, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "ip_config: host \"192.168.1.300\""));
}
END_TEST

#define AP(i, off) (1 + (i) * 121 + (off))

START_TEST(wifi_credentials_follow_add_wiced_wifi_credentials)
{
    uint8_t wifi[DCT_WIFI_CONFIG_SIZE], country[4];
    memset(wifi, 0xFF, sizeof wifi);
    memset(country, 0xFF, sizeof country);

    dct_wifi_add_credentials(wifi, country, "HomeNet", "correcthorse", 0x00400004u);
    ck_assert_uint_eq(wifi[0], 1);                              /* device_configured */
    ck_assert_uint_eq(le32(wifi + 832), 'J' | 'P' << 8);        /* no app country: JP */
    ck_assert_uint_eq(wifi[AP(0, 0)], 7);
    ck_assert_mem_eq(wifi + AP(0, 1), "HomeNet", 7);
    ck_assert_uint_eq(le32(wifi + AP(0, 46)), 0x00400004u);     /* WPA2 | AES */
    ck_assert_uint_eq(wifi[AP(0, 56)], 12);
    ck_assert_mem_eq(wifi + AP(0, 57), "correcthorse", 12);
    ck_assert_uint_eq(wifi[AP(0, 33)], 0);                      /* BSSID zeroed */
    ck_assert_uint_eq(wifi[AP(1, 0)], 0xFF);                    /* erased slots kept */

    /* A new SSID goes first and pushes the others down. */
    dct_wifi_add_credentials(wifi, country, "Cafe", "", 0);
    ck_assert_mem_eq(wifi + AP(0, 1), "Cafe", 4);
    ck_assert_uint_eq(le32(wifi + AP(0, 46)), 0);
    ck_assert_mem_eq(wifi + AP(1, 1), "HomeNet", 7);
    /* The same SSID again replaces its slot in place. */
    dct_wifi_add_credentials(wifi, country, "HomeNet", "another-pass", 0x00400004u);
    ck_assert_mem_eq(wifi + AP(0, 1), "Cafe", 4);
    ck_assert_mem_eq(wifi + AP(1, 57), "another-pass", 12);

    dct_wifi_clear_credentials(wifi);
    for (size_t i = 1; i < 1 + 5 * 121; i++)
        ck_assert_uint_eq(wifi[i], 0);
    ck_assert_uint_eq(wifi[0], 1);

    /* An explicit "not configured" section is wiped first (MAC included). */
    memset(wifi, 0x11, sizeof wifi);
    wifi[0] = 0;
    const uint8_t us[4] = {'U', 'S', '4', 0};
    dct_wifi_add_credentials(wifi, us, "X", "12345678", 0x00400004u);
    ck_assert_uint_eq(wifi[AP(1, 0)], 0);
    ck_assert_uint_eq(wifi[836], 0);
    ck_assert_uint_eq(le32(wifi + 832), 'U' | 'S' << 8 | 4 << 16);
}
END_TEST

START_TEST(server_address_field_round_trip)
{
    const dct_field *f = dct_field_find("server_address");
    uint8_t current[128], out[128];
    size_t length;
    sim_error err;
    memset(current, 0xFF, sizeof current);
    char *args[] = {"10.0.2.2:5684"};
    ck_assert_int_eq(dct_field_parse(f, 1, args, current, out, &length, &err), 0);
    static const uint8_t tlv[6] = {0, 4, 10, 0, 2, 2};
    ck_assert_mem_eq(out, tlv, 6);
    ck_assert_uint_eq(out[66], 0x16);
    ck_assert_uint_eq(out[67], 0x34);
    char text[128];
    dct_field_format(f, out, text, sizeof text);
    ck_assert_str_eq(text, "IPv4 10.0.2.2 port 5684");
    dct_field_format(f, current, text, sizeof text);
    ck_assert_ptr_nonnull(strstr(text, "device.spark.io port 5683"));
}
END_TEST

static Suite *dct_suite(void)
{
    Suite *s = suite_create("dct");
    TCase *v = tcase_create("crc and selection");
    tcase_add_test(v, crc_matches_independent_recomputation);
    tcase_add_test(v, validate_classifies_copies);
    tcase_add_test(v, selection_follows_firmware_rules);
    suite_add_tcase(s, v);

    TCase *w = tcase_create("writes");
    tcase_add_test(w, write_into_blank_initialises_dct1_first);
    tcase_add_test(w, write_round_trip_preserves_everything_else);
    tcase_add_test(w, torn_write_before_commit_keeps_old_copy);
    tcase_add_test(w, torn_write_after_commit_uses_new_copy);
    tcase_add_test(w, factory_copy_wins_until_initial_write_is_cleared);
    tcase_add_test(w, legacy_copy_upgrades_to_sequence_1);
    tcase_add_test(w, several_changes_make_one_update);
    tcase_add_test(w, out_of_range_writes_change_nothing);
    suite_add_tcase(s, w);

    TCase *f = tcase_create("fields");
    tcase_add_test(f, field_offsets_match_dct_h);
    tcase_add_test(f, ip_config_encodes_like_the_firmware);
    tcase_add_test(f, wifi_credentials_follow_add_wiced_wifi_credentials);
    tcase_add_test(f, server_address_field_round_trip);
    suite_add_tcase(s, f);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(dct_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
