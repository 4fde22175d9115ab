/*
 * The parser on invalid scenarios: every class of error stops the parse
 * with one line, "FILE:LINE:COLUMN: key.path: reason", pointing at the
 * offending key or value (lines and columns from 1). The messages are
 * compared whole, so a change in wording or place shows up here.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_test_support.h"
#include "yaml_tree.h"

/* Most cases start from a valid scenario head. */
#define H "name: t\nuntil: 90\n"

static const struct {
    const char *what;
    const char *text;
    const char *message;
} cases[] = {
    { "yaml syntax",
      "name: t\nuntil: [1, 2\n",
      "test.yaml:3:1: invalid YAML: while parsing a flow sequence did not find expected ',' or ']'" },
    { "bad indentation",
      "name: t\n until: 90\n",
      "test.yaml:2:7: invalid YAML: mapping values are not allowed in this context" },
    { "alias",
      "name: &n t\nuntil: 90\ndescription: *n\n",
      "test.yaml:3:14: YAML aliases (*name) are not supported in scenarios; write the value out" },
    { "tag",
      "name: t\nuntil: !!int 90\n",
      "test.yaml:2:8: YAML tags (!...) are not supported in scenarios" },
    { "two docs",
      "name: t\nuntil: 90\n---\nname: u\n",
      "test.yaml:3:1: a scenario file holds one YAML document (remove this '---')" },
    { "empty",
      "",
      "test.yaml:1:1: the scenario is empty (it needs at least name: and until:)" },
    { "comment only",
      "# nothing\n",
      "test.yaml:1:1: the scenario is empty (it needs at least name: and until:)" },
    { "root list",
      "- name: t\n",
      "test.yaml:1:1: expected the scenario's keys (name:, until:, device:, ...), got a list" },
    { "unknown top key suggestion",
      H "expects: []\n",
      "test.yaml:3:1: unknown key \"expects\" (did you mean \"expect\"?)" },
    { "unknown key no suggestion",
      H "device:\n  colour: red\n",
      "test.yaml:4:3: device: unknown key \"colour\" (expected one of: firmware, app, keys, server-key, server-address, wifi, ip, id)" },
    { "dup key",
      H "seed: 1\nseed: 2\n",
      "test.yaml:4:1: key \"seed\" given twice (first on line 3)" },
    { "missing until",
      "name: t\n",
      "test.yaml:1:1: missing key \"until\" (how long the run lasts, in virtual seconds)" },
    { "missing name",
      "until: 5\n",
      "test.yaml:1:1: missing key \"name\" (what the scenario reproduces)" },
    { "wrong type map for scalar",
      "name: t\nuntil: {seconds: 5}\n",
      "test.yaml:2:8: until: expected a time (seconds, e.g. 90 or 2.5, or with a unit: 250ms, 2.5s, 1.5min, 1h), got a mapping" },
    { "wrong type list for map",
      H "device: [a, b]\n",
      "test.yaml:3:9: device: expected the device (a mapping of key: value), got a list" },
    { "negative time",
      H "steps:\n  - at: -3\n    do: reset\n",
      "test.yaml:4:9: steps[1].at: expected a time of 0 or more, got \"-3\"" },
    { "bad unit",
      "name: t\nuntil: 5 days\n",
      "test.yaml:2:8: until: expected a time (seconds, e.g. 90 or 2.5, or with a unit: 250ms, 2.5s, 1.5min, 1h), got \"5 days\"" },
    { "too long",
      "name: t\nuntil: 8d\n",
      "test.yaml:2:8: until: expected a time (seconds, e.g. 90 or 2.5, or with a unit: 250ms, 2.5s, 1.5min, 1h), got \"8d\"" },
    { "too long2",
      "name: t\nuntil: 700000\n",
      "test.yaml:2:8: until: \"700000\" is too long (at most 7 days)" },
    { "rate > 1",
      H "network:\n  rules:\n    - {action: {loss: 1.5}}\n",
      "test.yaml:5:23: network.rules[1].action.loss: expected a rate from 0 to 1 (e.g. 0.25 or 25%), got \"1.5\"" },
    { "rate percent > 100",
      H "network:\n  rules:\n    - {action: {loss: 120%}}\n",
      "test.yaml:5:23: network.rules[1].action.loss: expected a rate from 0 to 1 (e.g. 0.25 or 25%), got \"120%\"" },
    { "rate negative",
      H "network:\n  rules:\n    - {action: {corrupt: -0.1}}\n",
      "test.yaml:5:26: network.rules[1].action.corrupt: expected a rate from 0 to 1 (e.g. 0.25 or 25%), got \"-0.1\"" },
    { "port 0",
      H "network:\n  rules:\n    - {protocol: tcp, port: 0, action: drop}\n",
      "test.yaml:5:29: network.rules[1].port: expected a port (1..65535), got \"0\"" },
    { "port 65536",
      H "network:\n  rules:\n    - {protocol: udp, port: 65536, action: drop}\n",
      "test.yaml:5:29: network.rules[1].port: expected a port (1..65535), got \"65536\"" },
    { "port range back",
      H "network:\n  rules:\n    - {protocol: tcp, port: 6000-5000, action: drop}\n",
      "test.yaml:5:29: network.rules[1].port: port range \"6000-5000\" runs backwards" },
    { "port without proto",
      H "network:\n  rules:\n    - {port: 53, action: drop}\n",
      "test.yaml:5:14: network.rules[1]: a port needs protocol: tcp or protocol: udp" },
    { "bad ip",
      H "device:\n  server-address: {ip: 10.0.2.256}\n",
      "test.yaml:4:24: device.server-address.ip: expected an IPv4 address (a.b.c.d), got \"10.0.2.256\"" },
    { "cidr host bits",
      H "network:\n  rules:\n    - {address: 10.0.2.1/24, action: drop}\n",
      "test.yaml:5:17: network.rules[1].address: \"10.0.2.1/24\" has host bits set (did you mean 10.0.2.0/24?)" },
    { "prefix >32",
      H "network:\n  subnet: 10.0.0.0/33\n",
      "test.yaml:4:11: network.subnet: prefix length /33 is not 0..32" },
    { "subnet too small for the router",
      H "network:\n  subnet: 192.168.1.0/28\n",
      "test.yaml:4:11: network.subnet: the subnet's prefix must be /8../27" },
    { "ip leading zero",
      H "network:\n  gateway: 10.0.2.01\n",
      "test.yaml:4:12: network.gateway: expected an IPv4 address (a.b.c.d), got \"10.0.2.01\"" },
    { "gateway outside subnet",
      H "network:\n  gateway: 10.0.2.1\n",
      "test.yaml:4:12: network.gateway: gateway 10.0.2.1 is not a host address of the subnet 192.168.1.0/24" },
    { "unknown pattern suggestion",
      H "expect:\n  - pattern: breathing-cyna\n",
      "test.yaml:4:14: expect[1].pattern: unknown LED pattern \"breathing-cyna\" (did you mean \"breathing-cyan\"?)" },
    { "unknown pattern none",
      H "expect:\n  - pattern: purple-rain\n",
      "test.yaml:4:14: expect[1].pattern: unknown LED pattern \"purple-rain\" (expected e.g. breathing-cyan, fast-blinking-green, orange-blinks-2, red-burst, sos-1, solid-ff6000; see FORMAT.md)" },
    { "sos-17",
      H "expect:\n  - never: sos-17\n",
      "test.yaml:4:12: expect[1].never: unknown LED pattern \"sos-17\" (did you mean \"sos-1\"?)" },
    { "solid bad hex",
      H "expect:\n  - pattern: solid-ff60zz\n",
      "test.yaml:4:14: expect[1].pattern: unknown LED pattern \"solid-ff60zz\" (expected e.g. breathing-cyan, fast-blinking-green, orange-blinks-2, red-burst, sos-1, solid-ff6000; see FORMAT.md)" },
    { "step after until",
      H "steps:\n  - at: 95\n    do: reset\n",
      "test.yaml:4:9: steps[1].at: at 95.000 s is after the end of the run (until: 90.000 s)" },
    { "within after until",
      H "expect:\n  - pattern: white\n    from: 85\n    within: 10\n",
      "test.yaml:6:13: expect[1].within: the window closes at 95.000 s, after the end of the run (until: 90.000 s)" },
    { "from at until",
      H "expect:\n  - never: white\n    from: 90\n",
      "test.yaml:5:11: expect[1].from: the window opens at 90.000 s, not before the end of the run (until: 90.000 s)" },
    { "after step unknown suggestion",
      H "steps:\n  - {name: block, at: 5, do: reset}\n  - {after: {step: blok}, do: reset}\n",
      "test.yaml:5:20: steps[2].after.step: no step named \"blok\" (did you mean \"block\"?)" },
    { "after step unknown",
      H "expect:\n  - {pattern: white, after: {step: nothing}}\n",
      "test.yaml:4:36: expect[1].after.step: no step named \"nothing\" (a step gets a name with name:)" },
    { "dup step names",
      H "steps:\n  - {name: a, at: 1, do: reset}\n  - {name: a, at: 2, do: reset}\n",
      "test.yaml:5:12: steps[2]: step name \"a\" already used on line 4" },
    { "dup expectation names",
      H "expect:\n  - {name: x, pattern: white}\n  - {name: x, never: off}\n",
      "test.yaml:5:12: expect[2]: expectation name \"x\" already used on line 4" },
    { "dup rule names",
      H "network:\n  rules:\n    - {name: r, action: drop}\n    - {name: r, action: allow}\n",
      "test.yaml:6:14: network.rules[2]: rule name \"r\" already used on line 5" },
    { "dup ssid",
      H "radio:\n  access-points:\n    - {ssid: home}\n    - {ssid: home}\n",
      "test.yaml:6:14: radio.access-points[2]: SSID \"home\" already used on line 5 (one access point per SSID)" },
    { "cycle",
      H "steps:\n  - {name: a, after: {step: b}, do: reset}\n  - {name: b, after: {step: a}, do: reset}\n",
      "test.yaml:4:22: steps[1]: the steps wait for each other in a cycle: \"a\" -> \"b\" -> \"a\"" },
    { "self cycle",
      H "steps:\n  - {name: a, after: {step: a}, do: reset}\n",
      "test.yaml:4:22: steps[1]: the steps wait for each other in a cycle: \"a\" -> \"a\"" },
    { "since cycle",
      H "steps:\n  - {name: a, after: {pattern: white, since: b}, do: reset}\n  - {name: b, after: {step: c}, do: reset}\n  - {name: c, after: {serial: x, since: a}, do: reset}\n",
      "test.yaml:4:22: steps[1]: the steps wait for each other in a cycle: \"a\" -> \"b\" -> \"c\" -> \"a\"" },
    { "chain after until",
      H "steps:\n  - {name: a, at: 80, do: reset}\n  - {after: {step: a, delay: 15}, do: reset}\n",
      "test.yaml:5:13: steps[2].after: cannot run before the end of the run: at 95.000 s at the earliest (until: 90.000 s)" },
    { "anchored window after until",
      H "steps:\n  - {name: a, at: 80, do: reset}\nexpect:\n  - {pattern: white, after: {step: a}, within: 20}\n",
      "test.yaml:6:48: expect[1].within: the window closes at the earliest at 100.000 s, after the end of the run (until: 90.000 s)" },
    { "bad regex",
      H "expect:\n  - serial: \"(unclosed\"\n",
      "test.yaml:4:13: expect[1].serial: bad regular expression: Unmatched ( or \\(" },
    { "backref",
      H "expect:\n  - serial: \"(a)\\\\1\"\n",
      "test.yaml:4:13: expect[1].serial: back-references (\\1) are not supported" },
    { "complex regex",
      H "expect:\n  - serial: \"((a{100}){100})\"\n",
      "test.yaml:4:13: expect[1].serial: regular expression too complex (its repetitions expand it to more than 2048 nodes)" },
    { "a run of repetitions (found by the fuzzer: glibc takes seconds on it)",
      H "expect:\n  - packet: \"^tcp .* >++++++++++++++++++++++++++++++++++ [0-9.]+:5683 SYN\"\n",
      "test.yaml:4:13: expect[1].packet: a repetition right after another (like \"a**\") is not supported" },
    { "a repeated empty match (found by the fuzzer: glibc takes minutes on a few of them)",
      H "expect:\n  - serial: \"^(a?)*(a?)*(a?)*x\"\n",
      "test.yaml:4:13: expect[1].serial: repeating something that can match nothing (like \"(a?)*\") is not supported" },
    { "nested repetitions",
      H "expect:\n  - serial: \"(((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)\"\n",
      "test.yaml:4:13: expect[1].serial: regular expression too complex (its repetitions expand it to more than 2048 nodes)" },
    { "repetition bound above 255",
      H "expect:\n  - serial: \"a{1,256}\"\n",
      "test.yaml:4:13: expect[1].serial: repetition counts above 255 are not supported" },
    { "regex nested too deep",
      H "expect:\n  - serial: \"((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))\"\n",
      "test.yaml:4:13: expect[1].serial: regular expression nested deeper than 32 groups" },
    { "regexes too complex together",
      H "expect:\n"
      "  - serial: \"(.{255}){8}\"\n  - serial: \"(.{255}){8}\"\n  - serial: \"(.{255}){8}\"\n"
      "  - serial: \"(.{255}){8}\"\n  - serial: \"(.{255}){8}\"\n  - serial: \"(.{255}){8}\"\n"
      "  - serial: \"(.{255}){8}\"\n  - serial: \"(.{255}){8}\"\n  - serial: \"(.{255}){8}\"\n",
      "test.yaml:12:13: expect[9].serial: the file's regular expressions are too complex together (more than 16384 nodes)" },
    { "passphrase short",
      H "device:\n  wifi: {ssid: home, passphrase: short}\n",
      "test.yaml:4:34: device.wifi.passphrase: a WPA passphrase is 8..63 characters or 64 hex digits (got 5)" },
    { "open with passphrase",
      H "radio:\n  access-points:\n    - {ssid: home, security: open, passphrase: secret123}\n",
      "test.yaml:5:48: radio.access-points[1]: an open network takes no passphrase" },
    { "wep length",
      H "radio:\n  access-points:\n    - {ssid: home, security: wep, passphrase: abcdef}\n",
      "test.yaml:5:47: radio.access-points[1].passphrase: a WEP key is 5 or 13 characters, or 10 or 26 hex digits (got 6 characters)" },
    { "wpa without passphrase",
      H "radio:\n  access-points:\n    - {ssid: home, security: wpa2}\n",
      "test.yaml:5:7: radio.access-points[1]: missing key \"passphrase\" (security wpa2 needs one)" },
    { "reject icmp",
      H "network:\n  rules:\n    - {protocol: icmp, action: reject}\n",
      "test.yaml:5:32: network.rules[1]: reject answers TCP with a RST and UDP with ICMP unreachable; use drop for ICMP" },
    { "ap-remove unknown",
      H "steps:\n  - {at: 5, do: {ap-remove: home}}\n",
      "test.yaml:4:5: steps[1]: ap-remove: no access point \"home\" in radio.access-points or an ap-add step" },
    { "rule-remove unknown suggest",
      H "network:\n  rules: [{name: block, action: drop}]\nsteps:\n  - {at: 5, do: {rule-remove: blok}}\n",
      "test.yaml:6:5: steps[1]: rule-remove: no rule named \"blok\" (did you mean \"block\"?)" },
    { "count for step",
      H "steps:\n  - {name: a, at: 1, do: reset}\n  - {after: {step: a, count: 2}, do: reset}\n",
      "test.yaml:5:30: steps[2].after.count: a step runs once: count must be 1" },
    { "strict without sequence",
      H "expect:\n  - {pattern: white, strict: true}\n",
      "test.yaml:4:30: expect[1]: strict goes with sequence" },
    { "times with never",
      H "expect:\n  - {never: white, times: 2}\n",
      "test.yaml:4:27: expect[1]: times goes with pattern, serial, cloud-event, cloud-result and packet" },
    { "from and after",
      H "steps: [{name: a, at: 1, do: reset}]\nexpect:\n  - {pattern: white, from: 1, after: {step: a}}\n",
      "test.yaml:5:38: expect[1]: the window opens either from: a time or after: a condition, not both" },
    { "cloud fault conflict",
      H "cloud:\n  faults: [{close-after: nonce}, {stall-after: reply}]\n",
      "test.yaml:4:34: cloud.faults[2]: conflicts with the fault on line 4 (one of each kind; close-after and stall-after exclude each other)" },
    { "dhcp first outside",
      H "network:\n  dhcp: {first: 10.0.3.5}\n",
      "test.yaml:4:17: network.dhcp.first: first 10.0.3.5 is not a host address of the subnet 192.168.1.0/24" },
    { "setup without time",
      H "steps:\n  - {at: 1, do: setup}\n",
      "test.yaml:4:17: steps[1].do: say how long SETUP is held: {setup: 3}" },
    { "reset with arg",
      H "steps:\n  - {at: 1, do: {reset: 2}}\n",
      "test.yaml:4:25: steps[1].do.reset: reset takes no argument: write do: reset" },
    { "unknown action suggestion",
      H "steps:\n  - {at: 1, do: {power-cylce: 2}}\n",
      "test.yaml:4:18: steps[1].do: expected one of: power-cycle, brownout, reset, setup, ap-add, ap-remove, ap-update, rule-add, rule-remove, dns-fault, cloud-fault, cloud-call, cloud-get, cloud-publish, keys, screenshot, usb-unplug, usb-plug, serial-write, cloud-flash; got \"power-cylce\" (did you mean \"power-cycle\"?)" },
    { "screenshot not png",
      H "steps:\n  - {at: 1, do: {screenshot: shot.jpg}}\n",
      "test.yaml:4:30: steps[1].do.screenshot: a screenshot is a .png file name" },
    { "bad device id",
      H "device:\n  id: 12345\n",
      "test.yaml:4:7: device.id: expected a device ID of 24 hex digits" },
    { "unknown version",
      H "device:\n  firmware: 3.0.0\n",
      "test.yaml:4:13: device.firmware: expected one of: 2.2.0, 1.5.0, 0.5.2; got \"3.0.0\"" },
    { "nul in string",
      "name: \"a\\0b\"\nuntil: 9\n",
      "test.yaml:1:7: name: contains a NUL character" },
    { "invalid utf8",
      "name: t\nuntil: 9\ndescription: \"caf\xe9\"\n",
      "test.yaml:3:19: invalid YAML: invalid trailing UTF-8 octet" },
    { "at and after",
      H "steps:\n  - {at: 1, after: {pattern: white}, do: reset}\n",
      "test.yaml:4:20: steps[1]: a step needs either at: (a time) or after: (a condition)" },
    { "neither at nor after",
      H "steps:\n  - {do: reset}\n",
      "test.yaml:4:5: steps[1]: a step needs either at: (a time) or after: (a condition)" },
    { "missing do",
      H "steps:\n  - {at: 1}\n",
      "test.yaml:4:5: steps[1]: missing key \"do\" (the action, e.g. do: reset)" },
    { "two matchers in after",
      H "steps:\n  - {after: {pattern: white, serial: x}, do: reset}\n",
      "test.yaml:4:30: steps[1].after: one thing to wait for per condition (already pattern)" },
    { "two expectation kinds",
      H "expect:\n  - {pattern: white, serial: x}\n",
      "test.yaml:4:22: expect[1]: one expectation per list item (this one already has pattern)" },
    { "nothing expected",
      H "expect:\n  - {within: 5}\n",
      "test.yaml:4:5: expect[1]: say what is expected: pattern, sequence, never, serial, cloud-event, cloud-result or packet" },
    { "within zero",
      H "expect:\n  - {pattern: white, within: 0}\n",
      "test.yaml:4:30: expect[1].within: a window of 0 s can hold nothing" },
    { "until zero",
      "name: t\nuntil: 0\n",
      "test.yaml:2:8: until: a run lasts longer than 0 s" },
    { "channel",
      H "radio:\n  access-points: [{ssid: a, channel: 15}]\n",
      "test.yaml:4:38: radio.access-points[1].channel: expected a 2.4 GHz channel (1..14), got \"15\"" },
    { "rssi",
      H "radio:\n  access-points: [{ssid: a, rssi: 10}]\n",
      "test.yaml:4:35: radio.access-points[1].rssi: expected a signal strength in dBm (-120..0), got \"10\"" },
    { "seed overflow",
      H "seed: 18446744073709551616\n",
      "test.yaml:3:7: seed: expected a seed (0..18446744073709551615), got \"18446744073709551616\"" },
    { "too many wifi",
      H "device:\n  wifi: [{ssid: a}, {ssid: b}, {ssid: c}, {ssid: d}, {ssid: e}, {ssid: f}]\n",
      "test.yaml:4:9: device.wifi: too many Wi-Fi credentials (6; at most 5)" },
    { "ssid too long",
      H "device:\n  wifi: {ssid: abcdefghijabcdefghijabcdefghijabc}\n",
      "test.yaml:4:16: device.wifi.ssid: too long (33 bytes; at most 32)" },
    { "sequence empty",
      H "expect:\n  - sequence: []\n",
      "test.yaml:4:15: expect[1].sequence: a sequence names at least one pattern" },
    { "ap appears after until",
      H "radio:\n  access-points: [{ssid: a, appears: 100}]\n",
      "test.yaml:4:19: radio.access-points[1]: appears at 100.000 s, after the end of the run (until: 90.000 s)" },
    { "vanishes before appears",
      H "radio:\n  access-points: [{ssid: a, appears: 10, vanishes: 5}]\n",
      "test.yaml:4:52: radio.access-points[1].vanishes: an access point must appear before it vanishes" },
    { "key not scalar",
      H "device:\n  ? [a]\n  : b\n",
      "test.yaml:4:5: device: keys must be plain names, got a list" },
    { "bool",
      H "network:\n  ntp: maybe\n",
      "test.yaml:4:8: network.ntp: expected true or false, got \"maybe\"" },
    { "choice suggestion",
      H "device:\n  keys: goood\n",
      "test.yaml:4:9: device.keys: expected one of: good, corrupted, missing; got \"goood\" (did you mean \"good\"?)" },
    { "server domain too long",
      H "device:\n  server-address: {domain: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com}\n",
      "test.yaml:4:28: device.server-address.domain: host name too long (65 bytes; at most 63)" },
    { "bad host",
      H "network:\n  dns:\n    zone: {\"bad_name\": cloud}\n",
      "test.yaml:5:12: network.dns.zone: expected a host name (e.g. device.spark.io, *.pool.ntp.org or *), got \"bad_name\"" },
    { "zone target",
      H "network:\n  dns:\n    zone: {a.com: somewhere}\n",
      "test.yaml:5:19: network.dns.zone.a.com: expected cloud, ntp or an IPv4 address, got \"somewhere\"" },
    { "ap-update no fields",
      H "radio:\n  access-points: [{ssid: a}]\nsteps:\n  - {at: 1, do: {ap-update: {ssid: a}}}\n",
      "test.yaml:6:29: steps[1].do.ap-update: an ap-update changes at least one of security, passphrase, channel, rssi, bssid" },
    { "rule-add without name",
      H "steps:\n  - {at: 1, do: {rule-add: {action: drop}}}\n",
      "test.yaml:4:28: steps[1].do.rule-add: missing key \"name\" (a step's rule needs a name so it can be removed)" },
    { "two actions in one",
      H "network:\n  rules: [{action: {loss: 0.1, delay: 1}}]\n",
      "test.yaml:4:20: network.rules[1].action: give exactly one of delay, loss, corrupt, rate-limit" },
    { "static prefix",
      H "device:\n  ip: {static: 192.168.1.5/32, gateway: 192.168.1.1}\n",
      "test.yaml:4:16: device.ip.static: a device address needs a prefix of /1../30" },
    { "dhcp scalar",
      H "network:\n  dhcp: sometimes\n",
      "test.yaml:4:9: network.dhcp: expected on, off or {first:, lease:, delay:, fault:}, got \"sometimes\"" },
    { "step after unknown in since",
      H "steps:\n  - {after: {pattern: white, since: nope}, do: reset}\n",
      "test.yaml:4:37: steps[1].after.since: no step named \"nope\" (a step gets a name with name:)" },
    { "since with step",
      H "steps:\n  - {name: a, at: 1, do: reset}\n  - {after: {step: a, since: a}, do: reset}\n",
      "test.yaml:5:30: steps[2].after.since: since goes with pattern, serial, cloud or packet conditions; a step runs once" },
    { "step name not text",
      H "steps:\n  - {name: [x], at: 1, do: reset}\n",
      "test.yaml:4:12: steps[1].name: expected text, got a list" },
    { "several actions",
      H "steps:\n  - {at: 1, do: {reset: , usb-plug: }}\n",
      "test.yaml:4:17: steps[1].do: expected one action, e.g. reset or {power-cycle: 2}, got several keys" },
    { "time bad fraction",
      "name: t\nuntil: 1.\n",
      "test.yaml:2:8: until: expected a time (seconds, e.g. 90 or 2.5, or with a unit: 250ms, 2.5s, 1.5min, 1h), got \"1.\"" },
    { "never several",
      H "expect:\n  - never: {pattern: white, serial: x}\n",
      "test.yaml:4:12: expect[1].never: one thing per never:" },
    { "cloud-result both",
      H "expect:\n  - cloud-result: {function: f, variable: v}\n",
      "test.yaml:4:19: expect[1].cloud-result: give either function: or variable:" },
};

START_TEST(each_error_names_file_line_column_and_reason)
{
    const char *got = parse_error(cases[_i].text);
    ck_assert_msg(strcmp(got, cases[_i].message) == 0, "%s:\n  expected: %s\n  got:      %s", cases[_i].what,
                  cases[_i].message, got);
    ck_assert_ptr_null(strchr(got, '\n'));
}
END_TEST

START_TEST(a_file_larger_than_the_limit_is_refused_before_parsing)
{
    size_t size = SCN_FILE_SIZE_MAX + 1;
    char *text = malloc(size + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, '#', size);
    text[size] = 0;
    struct scn_diag diag;
    ck_assert_ptr_null(scn_scenario_parse("big.yaml", text, size, &diag));
    ck_assert_str_eq(diag.text, "big.yaml: too large for a scenario (1048577 bytes; at most 1048576)");
    free(text);
}
END_TEST

START_TEST(nesting_deeper_than_the_limit_is_refused)
{
    char text[512] = "name: t\nuntil: 9\ndescription: ";
    size_t n = strlen(text);
    for (int i = 0; i < 70; i++) {
        text[n++] = '[';
    }
    text[n] = 0;
    ck_assert_str_eq(parse_error(text), "test.yaml:3:77: YAML nested deeper than 64 levels");
}
END_TEST

START_TEST(too_many_nodes_are_refused)
{
    /* 100001 one-character items in a flow list: small text, many nodes. */
    size_t items = YTREE_MAX_NODES + 1;
    char *text = malloc(items * 2 + 64);
    ck_assert_ptr_nonnull(text);
    size_t n = (size_t)sprintf(text, "name: t\nuntil: 9\nx: [");
    for (size_t i = 0; i < items; i++) {
        text[n++] = '1';
        text[n++] = ',';
    }
    text[n - 1] = ']';
    text[n] = 0;
    const char *got = parse_error(text);
    ck_assert_msg(strstr(got, "too many YAML nodes for a scenario (more than 100000)") != NULL, "%s", got);
    ck_assert(strncmp(got, "test.yaml:3:", 12) == 0);
    free(text);
}
END_TEST

START_TEST(an_error_in_a_file_names_the_file_as_given)
{
    struct scn_diag diag;
    ck_assert_ptr_null(scn_scenario_parse_file(SCENARIO_TEST_DATA "/errors/unknown_pattern.yaml", &diag));
    ck_assert_str_eq(diag.text, SCENARIO_TEST_DATA "/errors/unknown_pattern.yaml:9:9: expect[2].sequence[3]: "
                                "unknown LED pattern \"orange-blink-2\" (did you mean \"orange-blinks-2\"?)");
    ck_assert_uint_eq(diag.line, 9);
    ck_assert_uint_eq(diag.column, 9);
}
END_TEST

START_TEST(a_null_diag_is_allowed)
{
    ck_assert_ptr_null(scn_scenario_parse("x.yaml", "name: t\n", 8, NULL));
}
END_TEST

static Suite *errors_suite(void)
{
    Suite *s = suite_create("scenario_parse_errors");
    TCase *tc = tcase_create("errors");
    tcase_add_loop_test(tc, each_error_names_file_line_column_and_reason, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, a_file_larger_than_the_limit_is_refused_before_parsing);
    tcase_add_test(tc, nesting_deeper_than_the_limit_is_refused);
    tcase_add_test(tc, too_many_nodes_are_refused);
    tcase_add_test(tc, an_error_in_a_file_names_the_file_as_given);
    tcase_add_test(tc, a_null_diag_is_allowed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(errors_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
