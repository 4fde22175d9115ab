#!/usr/bin/env python3
"""Benchmark: the lowest CPU clock that keeps the library's LED timings
(issue 8).

Runs every library scenario at 125 MHz (the Photon's 120 MHz) and at each
lower clock given, optimisations on, and holds each lower clock's LED
timeline against 125 MHz's with tests/speed/fidelity_test.py's compare():
the patterns aligned by name, every timer-paced timing within 1 ms. A slower
CPU stretches what the firmware computes (key generation, the handshake's
RSA, OTA writes), so patterns shown only meanwhile may appear or change; the
table lists them.

usage: bench/lowest_clock_bench.py [--jobs 2] [MHZ...]   (default 62.5 31.25)
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "speed"))
import fidelity_test  # noqa: E402


def run_library(args, files, report, mhz):
    result = subprocess.run([args.photon_sim, "run", *files, "-j", str(args.jobs),
                             "--report", report, "--cpu-mhz", mhz],
                            capture_output=True, text=True)
    verdicts = {}
    for line in result.stdout.splitlines():
        words = line.split()
        if words and words[0] in ("passed", "FAILED", "ERROR"):
            verdicts[os.path.splitext(os.path.basename(words[1]))[0]] = words[0]
    return verdicts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photon-sim", default=os.path.join(ROOT, "build/sim/photon-sim"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("clocks", nargs="*", default=["62.5", "31.25"])
    args = parser.parse_args()
    files = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
    stems = [os.path.splitext(os.path.basename(f))[0] for f in files]

    with tempfile.TemporaryDirectory() as work:
        reports = {mhz: os.path.join(work, mhz) for mhz in ["125"] + args.clocks}
        verdicts = {mhz: run_library(args, files, report, mhz) for mhz, report in reports.items()}
        for mhz in args.clocks:
            kept = 0
            print("%s MHz against 125 MHz:" % mhz)
            for stem in stems:
                verdict = verdicts[mhz].get(stem, "no result")
                if verdict != "passed":
                    print("  %-36s %s" % (stem, verdict))
                    continue
                timelines = [fidelity_test.read_timeline(
                    os.path.join(reports[clock], stem, "led.jsonl")) for clock in ("125", mhz)]
                try:
                    fidelity_test.compare(*timelines, stem, ("at 125 MHz", "at %s MHz" % mhz),
                                          same_patterns=False)
                    kept += 1
                except SystemExit as failure:
                    print("  %s" % str(failure).replace("FAIL: ", "timing changed: "))
            print("%s MHz: %d of %d scenarios passed with every timer-paced LED timing kept"
                  % (mhz, kept, len(stems)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
