/*
 * The parser on valid scenarios: each form a value can take ends up in the
 * model as documented in sim/scenario/FORMAT.md, defaults included.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_test_support.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

START_TEST(format_md_example_parses_into_the_documented_model)
{
    char *text = format_md_example();
    struct scn_scenario *scn = parse_ok(text);
    free(text);

    ck_assert_str_eq(scn->name, "firewall drops the cloud port");
    ck_assert_ptr_nonnull(strstr(scn->description, "Wi-Fi controller"));
    ck_assert_uint_eq(scn->seed, 7);
    ck_assert_int_eq(scn->until, SEC(120));

    const struct scn_device *d = &scn->device;
    ck_assert_str_eq(d->firmware_version, "2.2.0");
    ck_assert_int_eq(d->app, SCN_APP_TINKER);
    ck_assert_int_eq(d->keys, SCN_KEYS_GOOD);
    ck_assert_int_eq(d->server_key, SCN_SERVER_KEY_CLOUD);
    ck_assert_int_eq(d->server_address, SCN_SERVER_ADDRESS_CLOUD);
    ck_assert_uint_eq(d->wifi_count, 1);
    ck_assert_str_eq(d->wifi[0].ssid, "office");
    ck_assert_str_eq(d->wifi[0].passphrase, "correct horse");
    ck_assert_int_eq(d->wifi[0].security, SCN_SECURITY_WPA2);
    ck_assert(!d->static_ip);

    ck_assert_uint_eq(scn->radio.access_point_count, 2);
    const struct scn_access_point *guest = &scn->radio.access_points[1];
    ck_assert_str_eq(guest->ssid, "guest");
    ck_assert_int_eq(guest->security, SCN_SECURITY_OPEN);
    ck_assert_ptr_null(guest->passphrase);
    ck_assert_uint_eq(guest->channel, 11);
    ck_assert_int_eq(guest->rssi, -80);
    ck_assert_int_eq(guest->appears, SEC(60));
    ck_assert_int_eq(guest->vanishes, SCN_TIME_NEVER);

    const struct scn_network *net = &scn->network;
    ck_assert_uint_eq(net->subnet.address, IP(192, 168, 1, 0));
    ck_assert_uint_eq(net->subnet.prefix, 24);
    ck_assert_uint_eq(net->gateway, IP(192, 168, 1, 1));
    ck_assert_uint_eq(net->dns_server, IP(192, 168, 1, 1));
    ck_assert(net->dhcp.enabled);
    ck_assert_uint_eq(net->dhcp.first, IP(192, 168, 1, 100));
    ck_assert(!net->ntp);
    ck_assert_uint_eq(net->dns_record_count, 2);
    ck_assert_str_eq(net->dns_records[1].name, "*.pool.ntp.org");
    ck_assert_int_eq(net->dns_records[1].target, SCN_DNS_TARGET_NTP);
    ck_assert_uint_eq(net->rule_count, 3);
    ck_assert_str_eq(net->rules[0].name, "dns");
    ck_assert_int_eq(net->rules[0].protocol, SCN_PROTOCOL_UDP);
    ck_assert_uint_eq(net->rules[0].port_low, 53);
    ck_assert_uint_eq(net->rules[0].port_high, 53);
    ck_assert_int_eq(net->rules[0].action, SCN_RULE_ALLOW);
    ck_assert_int_eq(net->rules[2].protocol, SCN_PROTOCOL_ANY);
    ck_assert_int_eq(net->rules[2].action, SCN_RULE_DROP);

    ck_assert_int_eq(scn->cloud.registry, SCN_REGISTRY_KNOWN);
    ck_assert_uint_eq(scn->cloud.fault_count, 0);

    ck_assert_uint_eq(scn->step_count, 3);
    const struct scn_step *open = &scn->steps[0], *toggle = &scn->steps[1], *shot = &scn->steps[2];
    ck_assert_str_eq(open->name, "open port");
    ck_assert_int_eq(open->trigger, SCN_TRIGGER_AFTER);
    ck_assert_int_eq(open->after.what.stream, SCN_STREAM_PATTERN);
    ck_assert_str_eq(open->after.what.text, "orange-blinks-2");
    ck_assert_uint_eq(open->after.count, 2);
    ck_assert_int_eq(open->after.delay, SEC(1));
    ck_assert_int_eq(open->action.kind, SCN_ACTION_RULE_ADD);
    ck_assert_str_eq(open->action.rule.name, "cloud port");
    ck_assert_int_eq(toggle->after.since, 0);
    ck_assert_int_eq(toggle->earliest, SEC(3));
    ck_assert_int_eq(toggle->action.kind, SCN_ACTION_CLOUD_CALL);
    ck_assert_str_eq(toggle->action.name, "digitalwrite");
    ck_assert_str_eq(toggle->action.argument, "D7,HIGH");
    ck_assert_ptr_null(shot->name);
    ck_assert_str_eq(shot->label, "step 3 (screenshot)");
    ck_assert_int_eq(shot->at, SEC(115));
    ck_assert_str_eq(shot->action.name, "connected.png");

    ck_assert_uint_eq(scn->expectation_count, 8);
    const struct scn_expectation *e = scn->expectations;
    ck_assert_int_eq(e[0].kind, SCN_EXPECT_OCCURS);
    ck_assert_str_eq(e[0].label, "blinking-green");
    ck_assert(e[0].has_within);
    ck_assert_int_eq(e[0].within, SEC(10));
    ck_assert_int_eq(e[1].kind, SCN_EXPECT_SEQUENCE);
    ck_assert_str_eq(e[1].label, "stuck behind the controller");
    ck_assert_uint_eq(e[1].sequence_count, 2);
    ck_assert_str_eq(e[1].sequence[1].text, "orange-blinks-2");
    ck_assert_uint_eq(e[2].times, 2);
    ck_assert_str_eq(e[2].label, "orange-blinks-2 2 times");
    ck_assert_int_eq(e[3].opens, SCN_OPEN_AFTER);
    ck_assert_int_eq(e[3].after.what.stream, SCN_STREAM_STEP);
    ck_assert_int_eq(e[3].after.what.step, 0);
    ck_assert_int_eq(e[4].kind, SCN_EXPECT_NEVER);
    ck_assert(!e[4].has_within);
    ck_assert_int_eq(e[5].what.stream, SCN_STREAM_SERIAL);
    ck_assert_str_eq(e[5].label, "never serial /panic|hard fault/");
    ck_assert_int_eq(e[6].what.cloud_kind, SCN_CLOUD_FUNCTION);
    ck_assert_str_eq(e[6].what.equals, "1");
    ck_assert_str_eq(e[6].label, "function digitalwrite = 1");
    ck_assert_int_eq(e[7].what.stream, SCN_STREAM_PACKET);
    ck_assert_uint_eq(e[7].loc.line, 67);
    ck_assert_uint_eq(e[7].loc.column, 5);

    ck_assert_uint_eq(scn_scenario_lint(scn, NULL, 0), 0);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(a_minimal_scenario_gets_the_documented_defaults)
{
    struct scn_scenario *scn = parse_ok("name: boot\nuntil: 30\n");
    ck_assert_uint_eq(scn->seed, 1);
    ck_assert_str_eq(scn->description, "");
    ck_assert_str_eq(scn->device.firmware_version, "2.2.0");
    ck_assert_ptr_null(scn->device.system_part1);
    ck_assert_int_eq(scn->device.app, SCN_APP_TINKER);
    ck_assert_int_eq(scn->device.keys, SCN_KEYS_GOOD);
    ck_assert_int_eq(scn->device.server_key, SCN_SERVER_KEY_CLOUD);
    ck_assert_int_eq(scn->device.server_address, SCN_SERVER_ADDRESS_CLOUD);
    ck_assert_uint_eq(scn->device.server_port, 5683);
    ck_assert_uint_eq(scn->device.wifi_count, 0);
    ck_assert(!scn->device.static_ip);
    ck_assert(!scn->device.has_id);
    ck_assert_uint_eq(scn->network.subnet.address, IP(192, 168, 1, 0));
    ck_assert_uint_eq(scn->network.subnet.prefix, 24);
    ck_assert_uint_eq(scn->network.gateway, IP(192, 168, 1, 1));
    ck_assert_uint_eq(scn->network.dns_server, IP(192, 168, 1, 1));
    ck_assert(scn->network.dhcp.enabled);
    ck_assert_uint_eq(scn->network.dhcp.first, IP(192, 168, 1, 100));
    ck_assert_int_eq(scn->network.dhcp.lease, SEC(86400));
    ck_assert_int_eq(scn->network.dhcp.delay, MS(800));
    ck_assert(scn->network.ntp);
    ck_assert_uint_eq(scn->network.rule_count, 0);
    ck_assert_int_eq(scn->cloud.registry, SCN_REGISTRY_KNOWN);
    ck_assert(!scn->cloud.reject_unknown);
    ck_assert_ptr_null(scn->cloud.key_file);
    ck_assert_uint_eq(scn->step_count, 0);
    ck_assert_uint_eq(scn->expectation_count, 0);
    ck_assert_str_eq(scn->directory, ".");
    scn_scenario_free(scn);
}
END_TEST

START_TEST(times_take_units_and_keep_nanoseconds)
{
    static const struct {
        const char *text;
        scn_time ns;
    } cases[] = {
        { "90", SEC(90) },
        { "2.5", MS(2500) },
        { "250ms", MS(250) },
        { "250 ms", MS(250) },
        { "2.5s", MS(2500) },
        { "1.5min", SEC(90) },
        { "1h", SEC(3600) },
        { "0.000000001", 1 },
        { "0.5ms", 500000 },
        { "604800", SEC(604800) },
        { "\"12\"", SEC(12) },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "name: t\nuntil: %s\n", cases[i].text);
        struct scn_scenario *scn = parse_ok(text);
        ck_assert_msg(scn->until == cases[i].ns, "%s: got %lld", cases[i].text, (long long)scn->until);
        scn_scenario_free(scn);
    }
}
END_TEST

START_TEST(device_values_in_every_form)
{
    struct scn_scenario *scn = parse_ok(
        "name: device forms\n"
        "until: 60\n"
        "device:\n"
        "  firmware: {version: 1.5.0, system-part1: parts/p1.bin}\n"
        "  app: apps/blink.bin\n"
        "  keys: {corrupt: prime}\n"
        "  server-key: keys/server.der\n"
        "  server-address: {domain: cloud.example.com, port: 5684}\n"
        "  wifi:\n"
        "    - {ssid: home, passphrase: secret123}\n"
        "    - {ssid: cafe}\n"
        "    - {ssid: old, security: wep, passphrase: 0123456789}\n"
        "  ip: {static: 192.168.1.50/24, gateway: 192.168.1.1}\n"
        "  id: 0123456789ABCDEF01234567\n");
    const struct scn_device *d = &scn->device;
    ck_assert_str_eq(d->firmware_version, "1.5.0");
    ck_assert_str_eq(d->system_part1, "parts/p1.bin");
    ck_assert_ptr_null(d->system_part2);
    ck_assert_int_eq(d->app, SCN_APP_FILE);
    ck_assert_str_eq(d->app_file, "apps/blink.bin");
    ck_assert_int_eq(d->keys, SCN_KEYS_CORRUPTED);
    ck_assert_int_eq(d->corrupt_part, SCN_KEY_PART_PRIME);
    ck_assert_int_eq(d->server_key, SCN_SERVER_KEY_FILE);
    ck_assert_str_eq(d->server_key_file, "keys/server.der");
    ck_assert_int_eq(d->server_address, SCN_SERVER_ADDRESS_DOMAIN);
    ck_assert_str_eq(d->server_domain, "cloud.example.com");
    ck_assert_uint_eq(d->server_port, 5684);
    ck_assert_uint_eq(d->wifi_count, 3);
    ck_assert_int_eq(d->wifi[1].security, SCN_SECURITY_OPEN);
    ck_assert_ptr_null(d->wifi[1].passphrase);
    ck_assert_int_eq(d->wifi[2].security, SCN_SECURITY_WEP);
    ck_assert(d->static_ip);
    ck_assert_uint_eq(d->ip.address, IP(192, 168, 1, 50));
    ck_assert_uint_eq(d->ip.prefix, 24);
    ck_assert_uint_eq(d->gateway, IP(192, 168, 1, 1));
    ck_assert_uint_eq(d->dns, IP(192, 168, 1, 1)); /* defaults to the gateway */
    ck_assert(d->has_id);
    ck_assert_uint_eq(d->id[0], 0x01);
    ck_assert_uint_eq(d->id[7], 0xEF);
    ck_assert_uint_eq(d->id[11], 0x67);
    scn_scenario_free(scn);

    scn = parse_ok("name: k\nuntil: 1\ndevice: {keys: corrupted, server-key: particle, "
                   "server-address: {ip: 10.0.2.2, port: 5684}, app: doctor, wifi: none}\n");
    ck_assert_int_eq(scn->device.keys, SCN_KEYS_CORRUPTED);
    ck_assert_int_eq(scn->device.corrupt_part, SCN_KEY_PART_MODULUS);
    ck_assert_int_eq(scn->device.server_key, SCN_SERVER_KEY_PARTICLE);
    ck_assert_int_eq(scn->device.server_address, SCN_SERVER_ADDRESS_IP);
    ck_assert_uint_eq(scn->device.server_ip, IP(10, 0, 2, 2));
    ck_assert_int_eq(scn->device.app, SCN_APP_DOCTOR);
    ck_assert_uint_eq(scn->device.wifi_count, 0);
    scn_scenario_free(scn);

    scn = parse_ok("name: k\nuntil: 1\ndevice: {keys: {file: my.pem}, server-key: {file: s.der}, server-address: blank}\n");
    ck_assert_int_eq(scn->device.keys, SCN_KEYS_FILE);
    ck_assert_str_eq(scn->device.keys_file, "my.pem");
    ck_assert_str_eq(scn->device.server_key_file, "s.der");
    ck_assert_int_eq(scn->device.server_address, SCN_SERVER_ADDRESS_BLANK);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(network_and_cloud_values_in_every_form)
{
    struct scn_scenario *scn = parse_ok(
        "name: net\n"
        "until: 60\n"
        "network:\n"
        "  gateway: 192.168.1.254\n"
        "  dhcp: {first: 192.168.1.50, lease: 10min, delay: 500ms, fault: nak}\n"
        "  dns:\n"
        "    zone: {Device.Spark.IO: 52.1.2.3, \"*\": cloud}\n"
        "    faults: {pool.ntp.org: timeout, \"*.example.com\": {delay: 2}}\n"
        "  rules:\n"
        "    - {direction: out, protocol: tcp, address: 52.0.0.0/8, port: 5683-5690, action: {delay: 1}}\n"
        "    - {direction: in, protocol: udp, address: cloud, action: {loss: 25%}}\n"
        "    - {address: 8.8.8.8, action: {corrupt: 0.5}}\n"
        "    - {protocol: tcp, action: {rate-limit: 2000}}\n"
        "    - {protocol: tcp, port: 80, action: reject}\n"
        "cloud:\n"
        "  key: generated\n"
        "  registry: other-key\n"
        "  unknown-devices: reject\n"
        "  faults:\n"
        "    - {stall-after: key-exchange}\n"
        "    - sign-with-wrong-key\n"
        "    - {truncate-reply: 100}\n"
        "    - {hello-delay: 5}\n"
        "    - {corrupt-frame: 3}\n"
        "    - {ota-drop-chunks: [1, 5, 9]}\n"
        "    - ignore-pings\n");
    const struct scn_network *net = &scn->network;
    ck_assert_uint_eq(net->gateway, IP(192, 168, 1, 254));
    ck_assert_uint_eq(net->dhcp.first, IP(192, 168, 1, 50));
    ck_assert_int_eq(net->dhcp.lease, SEC(600));
    ck_assert_int_eq(net->dhcp.delay, MS(500));
    ck_assert_int_eq(net->dhcp.fault, SCN_DHCP_FAULT_NAK);
    ck_assert_int_eq(net->dns_records[0].target, SCN_DNS_TARGET_ADDRESS);
    ck_assert_uint_eq(net->dns_records[0].address, IP(52, 1, 2, 3));
    ck_assert_str_eq(net->dns_records[1].name, "*");
    ck_assert_int_eq(net->dns_records[1].target, SCN_DNS_TARGET_CLOUD);
    ck_assert_int_eq(net->dns_faults[0].kind, SCN_DNS_FAULT_TIMEOUT);
    ck_assert_int_eq(net->dns_faults[1].kind, SCN_DNS_FAULT_DELAY);
    ck_assert_int_eq(net->dns_faults[1].delay, SEC(2));

    const struct scn_rule *r = net->rules;
    ck_assert_int_eq(r[0].direction, SCN_DIRECTION_OUT);
    ck_assert_int_eq(r[0].remote, SCN_REMOTE_NET);
    ck_assert_uint_eq(r[0].remote_net.address, IP(52, 0, 0, 0));
    ck_assert_uint_eq(r[0].remote_net.prefix, 8);
    ck_assert_uint_eq(r[0].port_low, 5683);
    ck_assert_uint_eq(r[0].port_high, 5690);
    ck_assert_int_eq(r[0].action, SCN_RULE_DELAY);
    ck_assert_int_eq(r[0].delay, SEC(1));
    ck_assert_int_eq(r[1].remote, SCN_REMOTE_CLOUD);
    ck_assert_int_eq(r[1].action, SCN_RULE_LOSS);
    ck_assert_double_eq(r[1].rate, 0.25);
    ck_assert_uint_eq(r[2].remote_net.prefix, 32);
    ck_assert_int_eq(r[2].action, SCN_RULE_CORRUPT);
    ck_assert_double_eq(r[2].rate, 0.5);
    ck_assert_int_eq(r[3].action, SCN_RULE_RATE_LIMIT);
    ck_assert_uint_eq(r[3].bytes_per_second, 2000);
    ck_assert_int_eq(r[4].action, SCN_RULE_REJECT);

    const struct scn_cloud *c = &scn->cloud;
    ck_assert_int_eq(c->registry, SCN_REGISTRY_OTHER_KEY);
    ck_assert(c->reject_unknown);
    ck_assert_uint_eq(c->fault_count, 7);
    ck_assert_int_eq(c->faults[0].kind, SCN_CLOUD_FAULT_STALL_AFTER);
    ck_assert_int_eq(c->faults[0].stage, SCN_STAGE_KEY_EXCHANGE);
    ck_assert_int_eq(c->faults[1].kind, SCN_CLOUD_FAULT_SIGN_WITH_WRONG_KEY);
    ck_assert_uint_eq(c->faults[2].value, 100);
    ck_assert_int_eq(c->faults[3].delay, SEC(5));
    ck_assert_uint_eq(c->faults[4].value, 3);
    ck_assert_uint_eq(c->faults[5].chunk_count, 3);
    ck_assert_uint_eq(c->faults[5].chunks[2], 9);
    ck_assert_int_eq(c->faults[6].kind, SCN_CLOUD_FAULT_IGNORE_PINGS);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(every_step_action_and_condition)
{
    struct scn_scenario *scn = parse_ok(
        "name: steps\n"
        "until: 100\n"
        "radio:\n"
        "  access-points: [{ssid: home, passphrase: secret123}]\n"
        "network:\n"
        "  rules: [{name: block, protocol: tcp, port: 5683, action: drop}]\n"
        "steps:\n"
        "  - {at: 1, do: power-cycle}\n"
        "  - {at: 2, do: {power-cycle: 3}}\n"
        "  - {at: 3, do: {brownout: 50ms}}\n"
        "  - {at: 4, do: reset}\n"
        "  - {at: 5, do: {setup: 3}}\n"
        "  - {at: 6, do: {ap-add: {ssid: new, channel: 1}}}\n"
        "  - {at: 7, do: {ap-remove: home}}\n"
        "  - {at: 8, do: {ap-update: {ssid: new, rssi: -90}}}\n"
        "  - {at: 9, do: {rule-add: {name: slow, action: {delay: 1}}}}\n"
        "  - {at: 10, do: {rule-remove: block}}\n"
        "  - {at: 11, do: {dns-fault: {device.spark.io: nxdomain}}}\n"
        "  - {at: 12, do: {cloud-fault: none}}\n"
        "  - {at: 13, do: {cloud-call: {function: digitalread, arg: D7}}}\n"
        "  - {at: 14, do: {cloud-get: {variable: temp}}}\n"
        "  - {at: 15, do: {cloud-publish: {event: go, data: now, private: false}}}\n"
        "  - {at: 16, do: {keys: doctor}}\n"
        "  - {at: 17, do: {screenshot: a.png}}\n"
        "  - {at: 18, do: usb-unplug}\n"
        "  - {at: 19, do: usb-plug}\n"
        "  - {name: hello, at: 20, do: {serial-write: \"hello\\n\"}}\n"
        "  - {after: {serial: \"^ready\", count: 3}, do: reset}\n"
        "  - {after: {cloud-event: {name: spark/status, data: online}}, do: reset}\n"
        "  - {after: {cloud-result: {variable: temp, matches: \"^2[0-9]$\"}}, do: reset}\n"
        "  - {after: {packet: SYN, since: hello}, do: reset}\n"
        "  - {after: {step: hello, delay: 1.5}, do: {dns-fault: {device.spark.io: none}}}\n"
        "  - {at: 21, do: {cloud-flash: apps/new.bin}}\n");
    ck_assert_uint_eq(scn->step_count, 26);
    const struct scn_step *s = scn->steps;
    static const enum scn_action_kind kinds[] = {
        SCN_ACTION_POWER_CYCLE, SCN_ACTION_POWER_CYCLE, SCN_ACTION_BROWNOUT, SCN_ACTION_RESET,
        SCN_ACTION_SETUP, SCN_ACTION_AP_ADD, SCN_ACTION_AP_REMOVE, SCN_ACTION_AP_UPDATE,
        SCN_ACTION_RULE_ADD, SCN_ACTION_RULE_REMOVE, SCN_ACTION_DNS_FAULT, SCN_ACTION_CLOUD_FAULT,
        SCN_ACTION_CLOUD_CALL, SCN_ACTION_CLOUD_GET, SCN_ACTION_CLOUD_PUBLISH, SCN_ACTION_KEYS,
        SCN_ACTION_SCREENSHOT, SCN_ACTION_USB_UNPLUG, SCN_ACTION_USB_PLUG, SCN_ACTION_SERIAL_WRITE,
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        ck_assert_int_eq(s[i].action.kind, kinds[i]);
        ck_assert_int_eq(s[i].at, SEC(i + 1));
    }
    ck_assert_int_eq(s[0].action.duration, SEC(1)); /* the default power-off time */
    ck_assert_int_eq(s[1].action.duration, SEC(3));
    ck_assert_int_eq(s[2].action.duration, MS(50));
    ck_assert_int_eq(s[4].action.duration, SEC(3));
    ck_assert_str_eq(s[5].action.access_point.ssid, "new");
    ck_assert_uint_eq(s[5].action.access_point.channel, 1);
    ck_assert_str_eq(s[6].action.name, "home");
    ck_assert_uint_eq(s[7].action.ap_fields, SCN_AP_RSSI);
    ck_assert_int_eq(s[7].action.access_point.rssi, -90);
    ck_assert_str_eq(s[8].action.rule.name, "slow");
    ck_assert_str_eq(s[9].action.name, "block");
    ck_assert_str_eq(s[10].action.dns_fault.name, "device.spark.io");
    ck_assert_int_eq(s[10].action.dns_fault.kind, SCN_DNS_FAULT_NXDOMAIN);
    ck_assert_int_eq(s[11].action.cloud_fault.kind, SCN_CLOUD_FAULT_NONE);
    ck_assert_str_eq(s[12].action.argument, "D7");
    ck_assert_str_eq(s[13].action.name, "temp");
    ck_assert_str_eq(s[14].action.argument, "now");
    ck_assert(!s[14].action.private_event);
    ck_assert_int_eq(s[15].action.keys, SCN_KEYS_DOCTOR);
    ck_assert_str_eq(s[19].action.argument, "hello\n");

    ck_assert_int_eq(s[20].after.what.stream, SCN_STREAM_SERIAL);
    ck_assert_uint_eq(s[20].after.count, 3);
    ck_assert_int_eq(s[21].after.what.cloud_kind, SCN_CLOUD_EVENT);
    ck_assert_str_eq(s[21].after.what.regex->source, "online");
    ck_assert_int_eq(s[22].after.what.cloud_kind, SCN_CLOUD_VARIABLE);
    ck_assert_ptr_null(s[22].after.what.equals);
    ck_assert_int_eq(s[23].after.what.stream, SCN_STREAM_PACKET);
    ck_assert_int_eq(s[23].after.since, 19);
    ck_assert_int_eq(s[23].earliest, SEC(20));
    ck_assert_int_eq(s[24].after.what.step, 19);
    ck_assert_int_eq(s[24].earliest, MS(21500));
    ck_assert_int_eq(s[24].action.dns_fault.kind, SCN_DNS_FAULT_NONE);
    ck_assert_int_eq(s[25].action.kind, SCN_ACTION_CLOUD_FLASH);
    ck_assert_str_eq(s[25].action.name, "apps/new.bin");
    ck_assert_int_eq(scn_scenario_find_step(scn, "hello"), 19);
    ck_assert_int_eq(scn_scenario_find_step(scn, "nope"), -1);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(expectation_forms_and_labels)
{
    struct scn_scenario *scn = parse_ok(
        "name: exp\n"
        "until: 100\n"
        "steps: [{name: s, at: 5, do: reset}]\n"
        "expect:\n"
        "  - {pattern: solid-FF6000, from: 10, within: 5}\n"
        "  - {sequence: [blinking-green, fast-blinking-cyan], strict: true}\n"
        "  - {never: {cloud-event: spark/device/key/error}}\n"
        "  - {serial: \"Cloud socket\", times: 2, after: {step: s, delay: 1}}\n"
        "  - {cloud-event: {name: t, data: \"^[0-9]+$\"}}\n"
        "  - {cloud-result: {variable: v, matches: ok}}\n"
        "  - {never: {packet: RST}, after: {pattern: breathing-cyan}}\n");
    const struct scn_expectation *e = scn->expectations;
    ck_assert_str_eq(e[0].what.text, "solid-ff6000"); /* canonical spelling */
    ck_assert_int_eq(e[0].from, SEC(10));
    ck_assert(e[1].strict);
    ck_assert_str_eq(e[1].label, "sequence blinking-green, fast-blinking-cyan");
    ck_assert_int_eq(e[2].kind, SCN_EXPECT_NEVER);
    ck_assert_int_eq(e[2].what.stream, SCN_STREAM_CLOUD);
    ck_assert_str_eq(e[2].label, "never cloud-event spark/device/key/error");
    ck_assert_uint_eq(e[3].times, 2);
    ck_assert_str_eq(e[3].label, "serial /Cloud socket/ 2 times");
    ck_assert_int_eq(e[3].after.delay, SEC(1));
    ck_assert_str_eq(e[4].what.regex->source, "^[0-9]+$");
    ck_assert_str_eq(e[5].label, "variable v ~ /ok");
    ck_assert_str_eq(e[6].label, "never packet /RST/");
    ck_assert_int_eq(e[6].opens, SCN_OPEN_AFTER);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(every_pattern_name_in_the_vocabulary_is_accepted)
{
    static const char *const names[] = {
        "white", "off", "blinking-white", "breathing-white", "blinking-blue", "blinking-green",
        "fast-blinking-green", "blinking-cyan", "fast-blinking-cyan", "breathing-cyan", "breathing-green",
        "breathing-blue", "breathing-magenta", "blinking-yellow", "blinking-magenta", "fast-blinking-magenta",
        "fast-blinking-orange", "blinking-red", "breathing-orange", "fast-breathing-red", "slow-breathing-cyan",
        "fading-yellow", "orange-blinks-1", "orange-blinks-9", "red-burst", "orange-burst", "magenta-burst",
        "sos-1", "sos-16", "solid-00ffff", "irregular",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "name: p\nuntil: 9\nexpect: [{pattern: %s}]\n", names[i]);
        struct scn_scenario *scn = parse_ok(text);
        ck_assert_str_eq(scn->expectations[0].what.text, names[i]);
        scn_scenario_free(scn);
    }
}
END_TEST

START_TEST(yaml_block_style_comments_and_quoting_are_plain_yaml)
{
    struct scn_scenario *scn = parse_ok(
        "# a comment\n"
        "name: \"quoted: name\"\n"
        "until: '45'\n"
        "description: >\n"
        "  folded\n"
        "  text\n"
        "device:\n"
        "  wifi:\n"
        "    ssid: 12345          # a number is fine as an SSID\n"
        "    passphrase: '12345678'\n");
    ck_assert_str_eq(scn->name, "quoted: name");
    ck_assert_int_eq(scn->until, SEC(45));
    ck_assert_str_eq(scn->description, "folded text\n");
    ck_assert_str_eq(scn->device.wifi[0].ssid, "12345");
    scn_scenario_free(scn);
}
END_TEST

START_TEST(files_are_read_and_paths_resolved_against_their_folder)
{
    struct scn_diag diag;
    struct scn_scenario *scn = scn_scenario_parse_file(SCENARIO_TEST_DATA "/static_ip.yaml", &diag);
    ck_assert_msg(scn != NULL, "%s", diag.text);
    ck_assert_str_eq(scn->directory, SCENARIO_TEST_DATA);
    char path[512];
    ck_assert(scn_scenario_path(scn, "key.der", path, sizeof path));
    ck_assert_str_eq(path, SCENARIO_TEST_DATA "/key.der");
    ck_assert(scn_scenario_path(scn, "/abs/key.der", path, sizeof path));
    ck_assert_str_eq(path, "/abs/key.der");
    ck_assert(!scn_scenario_path(scn, "key.der", path, 8));
    ck_assert(scn->device.static_ip);
    scn_scenario_free(scn);

    scn = scn_scenario_parse_file(SCENARIO_TEST_DATA "/no-such-file.yaml", &diag);
    ck_assert_ptr_null(scn);
    ck_assert_str_eq(diag.text, SCENARIO_TEST_DATA "/no-such-file.yaml: cannot open: No such file or directory");
}
END_TEST

START_TEST(a_file_with_every_key_parses_without_warnings)
{
    struct scn_diag diag;
    struct scn_scenario *scn = scn_scenario_parse_file(SCENARIO_TEST_DATA "/every_key.yaml", &diag);
    ck_assert_msg(scn != NULL, "%s", diag.text);
    ck_assert_uint_eq(scn->seed, UINT64_MAX);
    ck_assert_int_eq(scn->until, SEC(600));
    ck_assert_str_eq(scn->device.bootloader, "fw/bootloader.bin");
    ck_assert_int_eq(scn->device.corrupt_part, SCN_KEY_PART_EXPONENT);
    ck_assert(scn->radio.access_points[0].has_bssid);
    ck_assert_uint_eq(scn->radio.access_points[0].bssid[5], 1);
    ck_assert_int_eq(scn->radio.access_points[1].vanishes, SEC(120));
    ck_assert_int_eq(scn->network.dhcp.fault, SCN_DHCP_FAULT_NO_OFFER);
    ck_assert_uint_eq(scn->network.dns_fault_count, 4);
    ck_assert_uint_eq(scn->network.rule_count, 7);
    ck_assert_str_eq(scn->cloud.key_file, "keys/cloud.pem");
    ck_assert_uint_eq(scn->cloud.fault_count, 10);
    ck_assert_int_eq(scn->cloud.faults[9].kind, SCN_CLOUD_FAULT_OTA_BAD_CRC_CHUNKS);
    ck_assert_uint_eq(scn->step_count, 24);
    ck_assert_uint_eq(scn->steps[5].action.ap_fields,
                      SCN_AP_RSSI | SCN_AP_CHANNEL | SCN_AP_SECURITY | SCN_AP_PASSPHRASE | SCN_AP_BSSID);
    ck_assert_int_eq(scn->steps[9].earliest, SEC(36)); /* after unblock (since block at 35) + 1 s */
    ck_assert_uint_eq(scn->expectation_count, 14);
    struct scn_diag warnings[4];
    size_t n = scn_scenario_lint(scn, warnings, 4);
    ck_assert_msg(n == 0, "%s", warnings[0].text);
    scn_scenario_free(scn);
}
END_TEST

START_TEST(dns_names_match_exactly_by_suffix_or_all)
{
    ck_assert(scn_dns_name_matches("device.spark.io", "DEVICE.spark.IO"));
    ck_assert(!scn_dns_name_matches("device.spark.io", "api.spark.io"));
    ck_assert(scn_dns_name_matches("*.pool.ntp.org", "0.particle.pool.ntp.org"));
    ck_assert(!scn_dns_name_matches("*.pool.ntp.org", "pool.ntp.org"));
    ck_assert(!scn_dns_name_matches("*.pool.ntp.org", "xpool.ntp.org"));
    ck_assert(scn_dns_name_matches("*", "anything.example"));
}
END_TEST

START_TEST(the_same_text_always_gives_the_same_model)
{
    char *text = format_md_example();
    struct scn_scenario *a = parse_ok(text), *b = parse_ok(text);
    ck_assert_uint_eq(a->step_count, b->step_count);
    for (size_t i = 0; i < a->step_count; i++) {
        ck_assert_int_eq(a->steps[i].earliest, b->steps[i].earliest);
        ck_assert_str_eq(a->steps[i].label, b->steps[i].label);
    }
    for (size_t i = 0; i < a->expectation_count; i++) {
        ck_assert_str_eq(a->expectations[i].label, b->expectations[i].label);
    }
    scn_scenario_free(a);
    scn_scenario_free(b);
    free(text);
}
END_TEST

static Suite *parse_suite(void)
{
    Suite *s = suite_create("scenario_parse");
    TCase *tc = tcase_create("valid");
    tcase_add_test(tc, format_md_example_parses_into_the_documented_model);
    tcase_add_test(tc, a_minimal_scenario_gets_the_documented_defaults);
    tcase_add_test(tc, times_take_units_and_keep_nanoseconds);
    tcase_add_test(tc, device_values_in_every_form);
    tcase_add_test(tc, network_and_cloud_values_in_every_form);
    tcase_add_test(tc, every_step_action_and_condition);
    tcase_add_test(tc, expectation_forms_and_labels);
    tcase_add_test(tc, every_pattern_name_in_the_vocabulary_is_accepted);
    tcase_add_test(tc, yaml_block_style_comments_and_quoting_are_plain_yaml);
    tcase_add_test(tc, files_are_read_and_paths_resolved_against_their_folder);
    tcase_add_test(tc, a_file_with_every_key_parses_without_warnings);
    tcase_add_test(tc, dns_names_match_exactly_by_suffix_or_all);
    tcase_add_test(tc, the_same_text_always_gives_the_same_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(parse_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
