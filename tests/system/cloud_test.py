#!/usr/bin/env python3
"""System test: the real firmware joins the virtual access point, gets an
address, resolves the cloud, completes the real handshake with the simulated
cloud and stays connected (issues 3 and 4).

Checks the LED (blinking green while joining, cyan while connecting, then
breathing cyan to the end of the run with no reconnect across several
keepalive periods), the capture (DHCP, the DNS query for the cloud's name, the
TCP SYN to port 5683), and, while it runs, what a user does with
`photon-sim cloud`: the device's describe lists Tinker's four functions, and
`digitalwrite D7,HIGH` returns 1 and lights the D7 LED.

usage: cloud_test.py PHOTON_SIM VERSION
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok:", message)


def read_pcap(path):
    """Yields (seconds, frame) from a pcap file (micro- or nanosecond) of Ethernet frames."""
    with open(path, "rb") as f:
        header = f.read(24)
        magic, = struct.unpack("<I", header[:4])
        check(magic in (0xA1B2C3D4, 0xA1B23C4D), "the capture is a little-endian pcap file")
        fraction = 1e9 if magic == 0xA1B23C4D else 1e6
        check(struct.unpack("<I", header[20:24])[0] == 1, "the capture's link type is Ethernet")
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            sec, frac, incl, _ = struct.unpack("<IIII", record)
            yield sec + frac / fraction, f.read(incl)


def classify(frame):
    """A few facts about an Ethernet/IPv4 frame: protocol, ports, flags, payload."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    proto = frame[23]
    l4 = frame[14 + ihl:]
    if proto in (6, 17) and len(l4) >= 8:
        sport, dport = struct.unpack(">HH", l4[:4])
        if proto == 6:
            return {"proto": "tcp", "sport": sport, "dport": dport, "flags": l4[13]}
        return {"proto": "udp", "sport": sport, "dport": dport, "payload": l4[8:]}
    return {"proto": proto}


def main():
    photon_sim, version = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as work:
        report = os.path.join(work, "report")
        pcap = os.path.join(work, "net.pcap")
        cmd = [photon_sim, "run", "--firmware", version, "--app", "tinker",
               "--wifi", "home:secret123", "--flash", os.path.join(work, "flash.bin"),
               "--cloud", os.path.join(work, "cloud"), "--report", report,
               "--pcap", pcap, "--until", "75"]
        led_log = os.path.join(report, "led.jsonl")
        run = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline and run.poll() is None:
            if os.path.exists(led_log) and '"breathing-cyan"' in open(led_log).read():
                break
            time.sleep(0.5)

        def cloud(*args):
            out = subprocess.run([photon_sim, "cloud", "--report", report, *args],
                                 capture_output=True, text=True, timeout=300)
            return out.returncode, out.stdout.strip(), out.stderr.strip()

        described = cloud("describe", "-")
        called = cloud("call", "-", "digitalwrite", "D7,HIGH")
        output, _ = run.communicate(timeout=3600)
        sys.stdout.write(output)
        check(run.returncode == 0, "photon-sim run exits 0")
        check(described[0] == 0 and all(f in described[1] for f in
              ("digitalread", "digitalwrite", "analogread", "analogwrite")),
              "the device's describe lists Tinker's four functions (%s)" % (described,))
        check(called[:2] == (0, "digitalwrite 1"),
              "cloud call digitalwrite D7,HIGH returns 1 (%s)" % (called,))
        with open(os.path.join(report, "summary.json")) as f:
            summary = json.load(f)
        with open(os.path.join(report, "led.jsonl")) as f:
            patterns = [(e["t"], e["pattern"]) for e in map(json.loads, f) if "pattern" in e]
        names = [name for _, name in patterns]
        # Joining blinks green; Device OS 1.5.0 blinks it fast while DHCP runs.
        green = [i for i, n in enumerate(names) if n in ("blinking-green", "fast-blinking-green")]
        check(green, "green blinking while joining and getting an address (%s)" % names)
        first_cyan = next((i for i, n in enumerate(names) if "cyan" in n), None)
        check(first_cyan is not None and green[0] < first_cyan,
              "cyan (connecting to the cloud) after green (%s)" % names)
        breathing = [t for t, n in patterns if n == "breathing-cyan"]
        check(breathing, "breathing cyan: connected to the cloud (%s)" % names)
        after = [n for t, n in patterns if t > breathing[0]]
        check(all(n == "breathing-cyan" for n in after) and
              summary["virtual_seconds"] - breathing[0] > 45,
              "still breathing cyan at the end, no reconnect over 3+ keepalive periods (%s)"
              % after)
        check(summary["unmodelled_accesses"] == 0,
              "no unmodelled register access (%s)" % summary["unmodelled"])

        facts = [classify(frame) for _, frame in read_pcap(pcap)]
        facts = [f for f in facts if f]
        check(any(f["proto"] == "udp" and f["dport"] == 67 for f in facts) and
              any(f["proto"] == "udp" and f["sport"] == 67 for f in facts),
              "the capture shows the DHCP exchange")
        check(any(f["proto"] == "udp" and f["dport"] == 53 and b"\x06device\x05spark\x02io"
                  in f["payload"] for f in facts),
              "the capture shows the DNS query for device.spark.io")
        check(any(f["proto"] == "tcp" and f["dport"] == 5683 and f["flags"] & 0x12 == 0x02
                  for f in facts),
              "the capture shows the TCP SYN to port 5683")
        with open(led_log) as f:
            d7 = [e for e in map(json.loads, f) if e.get("d7")]
        check(d7, "the D7 LED lights after digitalwrite D7,HIGH")
    print("1 passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL:", e)
        print("0 passed, 1 failed")
        sys.exit(1)
