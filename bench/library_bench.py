#!/usr/bin/env python3
"""Benchmark: the whole scenario library (scenarios/*.yaml) in one
`photon-sim run -j N` (issue 5, acceptance 5).

Reports the wall time of the library, the sum of the virtual time its
scenarios ran (each stops at its `until` or once every expectation is
decided), their ratio (the target: at least 5x faster than real time on a
2-core machine), and per scenario its virtual and wall time and the peak RSS
of its machine.

usage: bench/library_bench.py [--jobs 2] [--cpu-mhz MHZ] [--photon-sim PATH] [SCENARIO.yaml...]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROW = re.compile(r"^(passed|FAILED|ERROR)\s+(\S+)\s+([0-9.]+) s wall\s+([0-9]+) MB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photon-sim", default=os.path.join(ROOT, "build/sim/photon-sim"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cpu-mhz", help="photon-sim run --cpu-mhz (default: the Photon's 120 MHz)")
    parser.add_argument("scenarios", nargs="*")
    args = parser.parse_args()
    files = args.scenarios or sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))

    with tempfile.TemporaryDirectory() as report:
        started = time.monotonic()
        speed = ["--cpu-mhz", args.cpu_mhz] if args.cpu_mhz else []
        out = subprocess.run([args.photon_sim, "run", *files, "-j", str(args.jobs),
                              "--report", report, *speed], capture_output=True, text=True)
        wall = time.monotonic() - started
        rows = [ROW.match(line) for line in out.stdout.splitlines()]
        rows = [m for m in rows if m]
        if len(rows) != len(files):
            print(out.stdout[-3000:], out.stderr[-3000:])
            print("FAIL: %d scenarios, %d results" % (len(files), len(rows)))
            return 1
        total_virtual = 0.0
        print("%-46s %8s %9s %7s %7s" % ("scenario", "verdict", "virtual", "wall", "RSS"))
        for m in rows:
            stem = os.path.splitext(os.path.basename(m.group(2)))[0]
            with open(os.path.join(report, stem, "expectations.json")) as f:
                ended = json.load(f)["ended"]
            total_virtual += ended
            print("%-46s %8s %7.1f s %5.1f s %4s MB" % (stem, m.group(1), ended,
                                                       float(m.group(3)), m.group(4)))
    print("library: %d scenarios, %.1f virtual s in %.1f wall s with -j %d: %.2fx real time"
          % (len(files), total_virtual, wall, args.jobs, total_virtual / wall))
    return 0 if out.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
