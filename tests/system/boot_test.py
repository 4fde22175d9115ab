#!/usr/bin/env python3
"""System test: the real firmware boots from a blank DCT in the photon machine.

Runs `photon-sim run` for one Device OS version and checks what a Photon with
no Wi-Fi chip does (DESIGN.md, "Facts from a feasibility probe of the real
firmware"): the system generates its device key and resets itself by software
within a few seconds, the next boot shows breathing white while it powers the
radio (WL_REG_ON), and the dead radio ends in a hard-fault panic (SOS, 1 blink)
and a software reset every ~11 s. No unmodelled register access on the way.
A second run on the same flash image must not generate a key again: the key
the firmware wrote is still in the DCT.

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
           "--report", report, "--until", str(until), *extra]
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
        summary, led, timeline = run(photon_sim, workdir, 36,
                                     ["--firmware", version, "--app", "tinker"])
        resets = summary["resets"]
        check(summary["unmodelled_accesses"] == 0,
              "no unmodelled register access (%s)" % summary["unmodelled"])
        check(len(resets) >= 2 and resets[0]["cause"] == "software" and 1.0 < resets[0]["t"] < 15.0,
              "the key-generation reset is a software reset within 15 s (%s)" % resets[:1])
        white = [e for e in led if "rgb" in e and e["t"] < resets[0]["t"]
                 and all(abs(c - FULL_WHITE) < 0.001 for c in e["rgb"])]
        check(len(white) >= 4, "the LED blinks white while the key is generated")
        check("WL_REG_ON high" in timeline, "the second boot powers the Wi-Fi chip (WL_REG_ON)")
        dim_white = [e for e in led if "rgb" in e and resets[0]["t"] < e["t"] < resets[1]["t"]
                     and 0 < e["rgb"][0] < FULL_WHITE - 0.01
                     and e["rgb"][0] == e["rgb"][1] == e["rgb"][2]]
        check(len(dim_white) > 10, "breathing white (NETWORK_OFF) while the radio comes up")
        red = [e for e in led if "rgb" in e and e["rgb"][0] > 0.3 and e["rgb"][1] == 0
               and e["rgb"][2] == 0]
        check(len(red) > 10, "the panic shows red (SOS)")
        periods = [b["t"] - a["t"] for a, b in zip(resets[1:], resets[2:])]
        check(all(r["cause"] == "software" for r in resets[1:]) and
              all(10.0 < p < 12.0 for p in periods),
              "the dead-radio panic resets by software every ~11 s (%s)" % periods)
        patterns = summary["patterns"]
        for name in ("breathing-white", "sos-1"):
            check(name in patterns, "pattern %s classified (%s)" % (name, patterns))

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
