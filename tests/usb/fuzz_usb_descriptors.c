/*
 * libFuzzer target for the USB host's descriptor parsers
 * (peripherals/usb_host/usb_descriptors.c): the device on the cable controls
 * every byte the host parses, so each input is handed, as the host would
 * receive it, to
 *   - usb_parse_device_descriptor (all of it, and the first 18 bytes),
 *   - usb_parse_config_descriptor (the 9-byte header read, then all of it)
 *     and, when it parses, usb_find_cdc_acm,
 *   - usb_parse_string_descriptor into output buffers of several sizes
 *     (0 .. 128 bytes, each allocated to its exact size so ASan sees an
 *     overrun by one),
 * and what they return is checked against the header's promises (counts
 * within their arrays, endpoints not 0, packet sizes 1..1023, the ACM link's
 * directions, strings NUL-terminated, valid UTF-8 and within the buffer).
 *
 * Build and run (clang; the parsers are compiled into the fuzzer so that
 * they are instrumented too):
 *   CC=clang meson setup build-fuzz -Dqemu=false -Dfuzz=true
 *   scripts/fuzz.sh usb_descriptors 1000000
 * or by hand:
 *   tests/usb/make_fuzz_seeds.py /tmp/usb-seeds
 *   mkdir -p /tmp/usb-corpus
 *   build-fuzz/tests/usb/fuzz_usb_descriptors -max_len=1024 /tmp/usb-corpus /tmp/usb-seeds
 * A crash leaves crash-<sha1>; replay it with
 *   build-fuzz/tests/usb/fuzz_usb_descriptors crash-<sha1>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usb_descriptors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "fuzz_usb_descriptors: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

/* An error message is a NUL-terminated sentence within its buffer. */
static void check_err(const char *err, size_t errlen)
{
    CHECK(memchr(err, '\0', errlen) != NULL);
}

static void check_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 0;
        CHECK(len != 0 && i + len <= n);
        for (size_t k = 1; k < len; k++) {
            CHECK((s[i + k] & 0xC0) == 0x80);
        }
        if (len == 2) {
            CHECK(c >= 0xC2);                                   /* not overlong */
        } else if (len == 3) {
            uint32_t cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(s[i + 1] & 0x3F) << 6
                        | (s[i + 2] & 0x3F);
            CHECK(cp >= 0x800 && (cp < 0xD800 || cp >= 0xE000)); /* no surrogates */
        }
        i += len;
    }
}

static void device(const uint8_t *data, size_t size)
{
    struct usb_device_info info;
    char err[160];
    memset(err, 'x', sizeof err);
    if (usb_parse_device_descriptor(data, size, &info, err, sizeof err) == 0) {
        CHECK(size >= USB_DEVICE_DESCRIPTOR_SIZE);
        CHECK(info.max_packet0 == 8 || info.max_packet0 == 16 || info.max_packet0 == 32
              || info.max_packet0 == 64);
    } else {
        check_err(err, sizeof err);
    }
}

static void check_config(const struct usb_config_info *config)
{
    CHECK(config->interface_count >= 0 && config->interface_count <= USB_MAX_INTERFACES);
    for (int i = 0; i < config->interface_count; i++) {
        const struct usb_interface_info *iface = &config->interfaces[i];
        CHECK(iface->num_endpoints >= 0 && iface->num_endpoints <= USB_MAX_ENDPOINTS);
        CHECK(iface->union_subordinate >= -1 && iface->union_subordinate <= 255);
        for (int e = 0; e < iface->num_endpoints; e++) {
            CHECK((iface->endpoints[e].address & 0x0F) != 0);
            CHECK(iface->endpoints[e].max_packet >= 1 && iface->endpoints[e].max_packet <= 1023);
        }
    }
}

static void config(const uint8_t *data, size_t size)
{
    struct usb_config_info *info = malloc(sizeof(*info));
    struct usb_cdc_acm_link acm;
    char err[160];
    CHECK(info != NULL);
    for (int pass = 0; pass < 2; pass++) {
        /* the host first reads the 9-byte header, then wTotalLength bytes */
        size_t len = pass == 0 && size > USB_CONFIG_DESCRIPTOR_SIZE ? USB_CONFIG_DESCRIPTOR_SIZE
                                                                    : size;
        memset(err, 'x', sizeof err);
        if (usb_parse_config_descriptor(data, len, info, err, sizeof err) < 0) {
            check_err(err, sizeof err);
            continue;
        }
        CHECK(len >= USB_CONFIG_DESCRIPTOR_SIZE && info->total_length >= USB_CONFIG_DESCRIPTOR_SIZE);
        check_config(info);
        memset(&acm, 0xA5, sizeof acm);
        if (usb_find_cdc_acm(info, &acm) == 0) {
            CHECK(acm.bulk_in & 0x80);
            CHECK(acm.bulk_out && !(acm.bulk_out & 0x80));
            CHECK(acm.notify_endpoint == 0 || (acm.notify_endpoint & 0x80));
            CHECK(acm.bulk_in_max >= 1 && acm.bulk_in_max <= 1023);
            CHECK(acm.bulk_out_max >= 1 && acm.bulk_out_max <= 1023);
        }
    }
    free(info);
}

static void string(const uint8_t *data, size_t size)
{
    static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 16, 128 };
    char err[160];
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t outlen = sizes[k];
        /* exactly outlen bytes (malloc(0) may return NULL; one spare byte is then never used) */
        char *out = malloc(outlen ? outlen : 1);
        CHECK(out != NULL);
        memset(err, 'x', sizeof err);
        if (usb_parse_string_descriptor(data, size, out, outlen, err, sizeof err) == 0) {
            CHECK(size >= 2 && data[1] == 3 && data[0] <= size && !(data[0] & 1));
            if (outlen) {
                size_t n = strnlen(out, outlen);
                CHECK(n < outlen);
                check_utf8((const unsigned char *)out, n);
            }
        } else {
            check_err(err, sizeof err);
        }
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* each parser gets its own exact-size copy, so a read past the end is an ASan report */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy) {
        abort();
    }
    memcpy(copy, data, size);
    device(copy, size);
    if (size > USB_DEVICE_DESCRIPTOR_SIZE) {
        device(copy, USB_DEVICE_DESCRIPTOR_SIZE);
    }
    config(copy, size);
    string(copy, size);
    /* the parsers read the device's bytes and never write them */
    CHECK(memcmp(copy, data, size) == 0);
    free(copy);
    return 0;
}
