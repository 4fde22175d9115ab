/*
 * The USB host against a scripted device: the enumeration's request bytes
 * (USB 2.0 §9.4), its timing (§7.1.7.3), the CDC-ACM driver's class requests
 * (CDC PSTN 1.2 §6.3) and bridge, and how it copes with NAK, STALL, silence,
 * unplugging and a device that drops off the bus.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "scripted_device.h"
#include "usb_descriptors.h"
#include "usb_host.h"

struct rig {
    struct scripted_device dev;
    struct usb_host *host;
    char log[64][256];
    int log_count;
    uint8_t serial[4096];
    size_t serial_length;
    usb_host_state states[32];
    int state_count;
};

static void rig_log(void *opaque, const char *line)
{
    struct rig *r = opaque;
    if (r->log_count < 64) {
        snprintf(r->log[r->log_count++], sizeof r->log[0], "%s", line);
    }
}

static void rig_serial(void *opaque, const uint8_t *data, size_t length)
{
    struct rig *r = opaque;
    memcpy(r->serial + r->serial_length, data, length);
    r->serial_length += length;
}

static void rig_state(void *opaque, usb_host_state state)
{
    struct rig *r = opaque;
    if (r->state_count < 32) {
        r->states[r->state_count++] = state;
    }
}

static struct rig *rig_new(void)
{
    static struct rig r;
    memset(&r, 0, sizeof r);
    scripted_device_init(&r.dev);
    struct usb_host_callbacks cb = { .opaque = &r, .log = rig_log, .serial_out = rig_serial,
                                     .state_changed = rig_state };
    r.host = usb_host_new(&scripted_wire, &r.dev, &cb);
    return &r;
}

static void run_ms(struct rig *r, int ms)
{
    for (int i = 0; i < ms; i++) {
        usb_host_frame(r->host);
    }
}

static bool logged(const struct rig *r, const char *text)
{
    for (int i = 0; i < r->log_count; i++) {
        if (strstr(r->log[i], text)) {
            return true;
        }
    }
    return false;
}

static void assert_setup(const struct rig *r, int i, uint8_t address, const uint8_t bytes[8])
{
    ck_assert_int_lt(i, r->dev.setup_count);
    ck_assert_uint_eq(r->dev.setups[i].address, address);
    ck_assert_mem_eq(r->dev.setups[i].bytes, bytes, 8);
}

START_TEST(enumeration_requests_byte_exact)
{
    struct rig *r = rig_new();
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_SERIAL_READY);

    /* USB 2.0 §9.4.3 GET_DESCRIPTOR, §9.4.6 SET_ADDRESS, §9.4.7 SET_CONFIGURATION;
     * CDC PSTN 1.2 §6.3.10 SET_LINE_CODING, §6.3.12 SET_CONTROL_LINE_STATE. */
    static const uint8_t expect[][8] = {
        { 0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x40, 0x00 },
        { 0x00, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 },
        { 0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00 },
        { 0x80, 0x06, 0x00, 0x02, 0x00, 0x00, 0x09, 0x00 },
        { 0x80, 0x06, 0x00, 0x02, 0x00, 0x00, 0x4B, 0x00 },
        { 0x80, 0x06, 0x00, 0x03, 0x00, 0x00, 0xFF, 0x00 },
        { 0x80, 0x06, 0x02, 0x03, 0x09, 0x04, 0xFF, 0x00 },
        { 0x80, 0x06, 0x01, 0x03, 0x09, 0x04, 0xFF, 0x00 },
        { 0x80, 0x06, 0x03, 0x03, 0x09, 0x04, 0xFF, 0x00 },
        { 0x00, 0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 },
        { 0x21, 0x20, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00 },
        { 0x21, 0x22, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00 },
    };
    ck_assert_int_eq(r->dev.setup_count, 12);
    for (int i = 0; i < 12; i++) {
        assert_setup(r, i, i < 2 ? 0 : 2, expect[i]);
    }
    /* 115200 baud, 1 stop bit, no parity, 8 data bits (CDC PSTN Table 17). */
    static const uint8_t line_coding[7] = { 0x00, 0xC2, 0x01, 0x00, 0x00, 0x00, 0x08 };
    ck_assert_uint_eq(r->dev.setups[10].out_length, 7);
    ck_assert_mem_eq(r->dev.setups[10].out_data, line_coding, 7);
    ck_assert_uint_eq(r->dev.configuration, 1);
    ck_assert_int_eq(r->dev.resets, 2);     /* a second reset before SET_ADDRESS */

    ck_assert(logged(r, "usb 1-1: new full-speed USB device number 2 using photon-sim"));
    ck_assert(logged(r, "idVendor=2b04, idProduct=c006, bcdDevice= 2.50"));
    ck_assert(logged(r, "Product: Photo"));
    ck_assert(logged(r, "Manufacturer: Acme"));
    ck_assert(logged(r, "SerialNumber: 01\xC3\xA9\xE2\x82\xAC"));
    ck_assert(logged(r, "ttyACM0: USB ACM device"));
    ck_assert_uint_eq(usb_host_vendor(r->host), 0x2B04);
    ck_assert_uint_eq(usb_host_product(r->host), 0xC006);
}
END_TEST

/* Nothing happens before the pull-up, and the first reset waits out the
 * 100 ms attach debounce and lasts 50 ms. */
START_TEST(attach_timing)
{
    struct rig *r = rig_new();
    r->dev.pulled_up = false;
    usb_host_set_cable(r->host, true);
    ck_assert_int_eq(r->dev.bus, USB_BUS_SUSPENDED);
    run_ms(r, 500);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_WAITING);
    ck_assert_int_eq(r->dev.frames, 0);

    r->dev.pulled_up = true;
    run_ms(r, USB_HOST_DEBOUNCE_MS);
    ck_assert_int_eq(r->dev.bus, USB_BUS_SUSPENDED);
    run_ms(r, 1);
    ck_assert_int_eq(r->dev.bus, USB_BUS_RESET);
    run_ms(r, USB_HOST_RESET_MS - 1);
    ck_assert_int_eq(r->dev.bus, USB_BUS_RESET);
    run_ms(r, 1);
    ck_assert_int_eq(r->dev.bus, USB_BUS_ACTIVE);
    ck_assert_int_eq(r->dev.setup_count, 0);
    run_ms(r, USB_HOST_RECOVERY_MS);
    ck_assert_int_eq(r->dev.setup_count, 1);       /* after reset recovery */
}
END_TEST

/* bMaxPacketSize0 = 8: the configuration comes in 8-byte packets and the
 * host still reads all 75 bytes. */
START_TEST(small_control_endpoint)
{
    struct rig *r = rig_new();
    static uint8_t descriptor[18];
    memcpy(descriptor, cdc_device_descriptor, 18);
    descriptor[7] = 8;
    r->dev.device_descriptor = descriptor;
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_SERIAL_READY);
}
END_TEST

/* A device slow to answer (NAK) is waited for; frames keep running. */
START_TEST(nak_is_waited_for)
{
    struct rig *r = rig_new();
    r->dev.nak_data_frames = 40;
    usb_host_set_cable(r->host, true);
    run_ms(r, 3000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_SERIAL_READY);
    ck_assert_int_eq(r->dev.resets, 2);
}
END_TEST

/* A STALLed configuration read fails the enumeration; three attempts, then
 * the port is given up, as a kernel does. */
START_TEST(stall_gives_up_after_three_attempts)
{
    struct rig *r = rig_new();
    r->dev.stall_config = true;
    usb_host_set_cable(r->host, true);
    run_ms(r, 5000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_FAILED);
    ck_assert(logged(r, "can't read configurations, error -32"));
    ck_assert(logged(r, "new full-speed USB device number 4"));
    ck_assert(logged(r, "unable to enumerate USB device"));
    ck_assert_int_eq(r->dev.resets, 6);
    int frames = r->dev.frames;
    run_ms(r, 100);
    ck_assert_int_eq(r->dev.frames, frames);       /* disabled port: no frames */
}
END_TEST

/* A device that never takes its address goes silent at the new one. */
START_TEST(device_not_accepting_address)
{
    struct rig *r = rig_new();
    r->dev.ignore_set_address = true;
    usb_host_set_cable(r->host, true);
    run_ms(r, 5000);
    ck_assert(logged(r, "device not accepting address, error -32"));
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_FAILED);
}
END_TEST

START_TEST(serial_bridge_both_ways)
{
    struct rig *r = rig_new();
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    char text[200];
    for (int i = 0; i < 200; i++) {
        text[i] = (char)('a' + i % 26);
    }
    scripted_queue_in(&r->dev, text, sizeof text);
    run_ms(r, 1);
    ck_assert_uint_eq(r->serial_length, sizeof text);
    ck_assert_mem_eq(r->serial, text, sizeof text);

    r->dev.bulk_out_busy = true;
    ck_assert_uint_eq(usb_host_serial_write(r->host, (const uint8_t *)"w\r\n", 3), 3);
    run_ms(r, 10);
    ck_assert_uint_eq(r->dev.bulk_out_length, 0);  /* NAKed, kept */
    r->dev.bulk_out_busy = false;
    run_ms(r, 1);
    ck_assert_uint_eq(r->dev.bulk_out_length, 3);
    ck_assert_mem_eq(r->dev.bulk_out, "w\r\n", 3);
}
END_TEST

START_TEST(serial_queue_is_bounded)
{
    struct rig *r = rig_new();
    static uint8_t big[5000];
    ck_assert_uint_eq(usb_host_serial_write(r->host, big, sizeof big), 4096);
    ck_assert_uint_eq(usb_host_serial_room(r->host), 0);
}
END_TEST

START_TEST(unplug_and_replug)
{
    struct rig *r = rig_new();
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    usb_host_set_cable(r->host, false);
    ck_assert_int_eq(r->dev.bus, USB_BUS_DETACHED);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_UNPLUGGED);
    ck_assert(logged(r, "usb 1-1: USB disconnect, device number 2"));
    ck_assert(!usb_host_wants_frames(r->host));

    r->dev.setup_count = 0;
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_SERIAL_READY);
    ck_assert(logged(r, "new full-speed USB device number 3"));
    ck_assert_int_eq(r->dev.setup_count, 12);
}
END_TEST

/* The device dropping its pull-up (a soft disconnect) is a disconnect too;
 * pulling up again enumerates anew. */
START_TEST(soft_disconnect)
{
    struct rig *r = rig_new();
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    r->dev.pulled_up = false;
    run_ms(r, 1);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_WAITING);
    ck_assert(logged(r, "USB disconnect, device number 2"));
    r->dev.pulled_up = true;
    run_ms(r, 1000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_SERIAL_READY);
}
END_TEST

/* Without a CDC-ACM function the device is configured and left alone. */
START_TEST(no_serial_function)
{
    struct rig *r = rig_new();
    static uint8_t config[75];
    memcpy(config, cdc_config_descriptor, sizeof config);
    config[22] = 0xFF;      /* interface 0 becomes vendor-specific */
    r->dev.config_descriptor = config;
    usb_host_set_cable(r->host, true);
    run_ms(r, 1000);
    ck_assert_int_eq(usb_host_get_state(r->host), USB_HOST_CONFIGURED);
    ck_assert_int_eq(r->dev.setup_count, 10);
}
END_TEST

START_TEST(descriptor_errors_name_the_offset)
{
    struct usb_config_info config;
    struct usb_device_info device;
    char err[160];
    static uint8_t bad[75];
    memcpy(bad, cdc_config_descriptor, sizeof bad);
    bad[45] = 0x30;     /* the interrupt endpoint's bLength runs past the end */
    ck_assert_int_eq(usb_parse_config_descriptor(bad, sizeof bad, &config, err, sizeof err), -1);
    ck_assert_str_eq(err, "configuration offset 45: descriptor length 48 runs past "
                     "wTotalLength 75");

    memcpy(bad, cdc_config_descriptor, sizeof bad);
    bad[47] = 0x80;     /* the interrupt endpoint's address becomes IN endpoint 0 */
    ck_assert_int_eq(usb_parse_config_descriptor(bad, sizeof bad, &config, err, sizeof err), -1);
    ck_assert_str_eq(err, "configuration offset 47: endpoint address 0x80 is endpoint 0");

    uint8_t dev[18];
    memcpy(dev, cdc_device_descriptor, sizeof dev);
    dev[7] = 12;
    ck_assert_int_eq(usb_parse_device_descriptor(dev, sizeof dev, &device, err, sizeof err), -1);
    ck_assert_str_eq(err, "device descriptor offset 7: bMaxPacketSize0 12 is not 8, 16, 32 or 64");
    ck_assert_int_eq(usb_parse_device_descriptor(dev, 10, &device, err, sizeof err), -1);
    ck_assert_str_eq(err, "device descriptor: 10 bytes, need 18");
}
END_TEST

START_TEST(config_descriptor_fields)
{
    struct usb_config_info config;
    struct usb_cdc_acm_link acm;
    char err[160];
    ck_assert_int_eq(usb_parse_config_descriptor(cdc_config_descriptor, 75, &config, err,
                                                 sizeof err), 0);
    ck_assert_int_eq(config.interface_count, 2);
    ck_assert_int_eq(config.interfaces[0].union_subordinate, 1);
    ck_assert_int_eq(usb_find_cdc_acm(&config, &acm), 0);
    ck_assert_uint_eq(acm.comm_interface, 0);
    ck_assert_uint_eq(acm.data_interface, 1);
    ck_assert_uint_eq(acm.notify_endpoint, 0x82);
    ck_assert_uint_eq(acm.bulk_in, 0x81);
    ck_assert_uint_eq(acm.bulk_out, 0x01);
    ck_assert_uint_eq(acm.bulk_in_max, 64);
}
END_TEST

static Suite *usb_host_suite(void)
{
    Suite *s = suite_create("usb_host");
    TCase *tc = tcase_create("host");
    tcase_add_test(tc, enumeration_requests_byte_exact);
    tcase_add_test(tc, attach_timing);
    tcase_add_test(tc, small_control_endpoint);
    tcase_add_test(tc, nak_is_waited_for);
    tcase_add_test(tc, stall_gives_up_after_three_attempts);
    tcase_add_test(tc, device_not_accepting_address);
    tcase_add_test(tc, serial_bridge_both_ways);
    tcase_add_test(tc, serial_queue_is_bounded);
    tcase_add_test(tc, unplug_and_replug);
    tcase_add_test(tc, soft_disconnect);
    tcase_add_test(tc, no_serial_function);
    tcase_add_test(tc, descriptor_errors_name_the_offset);
    tcase_add_test(tc, config_descriptor_fields);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(usb_host_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
