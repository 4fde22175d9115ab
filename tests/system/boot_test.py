#!/usr/bin/env python3
"""System test: the real firmware boots from a blank DCT in the photon machine.

Runs `photon-sim run` for one Device OS version on a new device (blank DCT, no
Wi-Fi credentials) and checks what a Photon does: the system generates its
device key (blinking white) and resets itself by software within a few
seconds; the next boot powers the Wi-Fi chip (WL_REG_ON), brings it up over
SDIO and, having no credentials, enters listening mode (blinking blue) -- no
panic. No unmodelled register access on the way. A second run on the same
flash image must not generate a key again: the key the firmware wrote is
still in the DCT.

usage: boot_test.py PHOTON_SIM VERSION
"""
import json
import os
import subprocess
import sys
import tempfile

FULL_WHITE = 0.3735   # the firmware's white at brightness 96: CCR 3735 / 10000


def run(photon_sim, workdir, until, extra=()):
    report = os.path.join(workdir, "report-%d" % len(os.listdir(workdir)))
    cmd = [photon_sim, "run", "--flash", os.path.join(workdir, "flash.bin"),
           "--cloud", os.path.join(workdir, "cloud"), "--report", report, "--until", str(until), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    sys.stdout.write(proc.stderr)
    if proc.returncode != 0:
        raise AssertionError("%s exited %d" % (" ".join(cmd), proc.returncode))
    with open(os.path.join(report, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(report, "led.jsonl")) as f:
        led = [json.loads(line) for line in f]
    return summary, led, proc.stderr


def check(condition, message):
    if not condition:
        raise AssertionError(message)
    print("ok:", message)


def main():
    photon_sim, version = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as workdir:
        summary, led, timeline = run(photon_sim, workdir, 30,
                                     ["--firmware", version, "--app", "tinker"])
        resets = summary["resets"]
        check(summary["unmodelled_accesses"] == 0,
              "no unmodelled register access (%s)" % summary["unmodelled"])
        check(len(resets) >= 1 and resets[0]["cause"] == "software" and 1.0 < resets[0]["t"] < 15.0,
              "the key-generation reset is a software reset within 15 s (%s)" % resets[:1])
        white = [e for e in led if "rgb" in e and e["t"] < resets[0]["t"]
                 and all(abs(c - FULL_WHITE) < 0.001 for c in e["rgb"])]
        check(len(white) >= 4, "the LED blinks white while the key is generated")
        check("WL_REG_ON high" in timeline, "the second boot powers the Wi-Fi chip (WL_REG_ON)")
        patterns = summary["patterns"]
        check("blinking-blue" in patterns and not any(p.startswith("sos") for p in patterns),
              "the firmware brings the Wi-Fi chip up and enters listening mode, no panic (%s)"
              % patterns)
        check(len(resets) == 1, "no reset after the key-generation reset (%s)" % resets)

        summary2, _, timeline2 = run(photon_sim, workdir, 8)
        check("WL_REG_ON high" in timeline2 and not summary2["resets"],
              "the next run keeps the generated key: no key-generation reset (%s)"
              % summary2["resets"])
    print("1 passed, 0 failed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAIL:", e)
        print("0 passed, 1 failed")
        sys.exit(1)
