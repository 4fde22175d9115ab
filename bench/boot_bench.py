#!/usr/bin/env python3
"""Benchmark: the 30-virtual-second boot of Device OS 2.2.0 + Tinker from a
blank DCT (key generation, self-reset, radio bring-up, dead-radio panic).

Reports the wall time, guest MIPS and the peak RSS of the simulator process.
Guest MIPS is guest instructions the CPU ran / wall second, twice: over the
whole run (from its summary; time the idle skip jumped over is not counted as
instructions, but its wall time is), and while the firmware computes: over
the LED phases (--profile) in which nothing was skipped, where the CPU ran
every instruction of the virtual time (the bootloader, key generation). The
second is the emulator's speed on guest code, what the 120 MIPS target (a
120 MHz part in real time) is about. Extra arguments after -- go to
photon-sim run (--no-idle-skip, --cpu-mhz ...).

usage: bench/boot_bench.py [PHOTON_SIM] [--until S] [--firmware V] [-- RUN OPTIONS]
"""
import argparse
import json
import os
import resource
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("photon_sim", nargs="?", default=os.path.join(ROOT, "build/sim/photon-sim"))
    parser.add_argument("--until", type=float, default=30)
    parser.add_argument("--firmware", default="2.2.0")
    parser.add_argument("run_options", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        report = os.path.join(work, "report")
        cmd = [args.photon_sim, "run", "--firmware", args.firmware, "--app", "tinker",
               "--flash", os.path.join(work, "flash.bin"), "--report", report,
               "--cloud", os.path.join(work, "cloud"),
               "--until", str(args.until), "--profile", *args.run_options]
        start = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(os.path.join(report, "summary.json")) as f:
            summary = json.load(f)
        with open(os.path.join(report, "profile.jsonl")) as f:
            phases = [json.loads(line) for line in f]
    computing = [p for p in phases
                 if p["skipped_virtual_seconds"] <= 0.01 * p["virtual_seconds"]]
    computing_insns = sum(p["instructions_run"] for p in computing)
    computing_wall = sum(p["wall_seconds"] for p in computing)
    sim_wall = summary["wall_seconds"]
    print("| metric | value |")
    print("| --- | --- |")
    print("| boot run (Device OS %s + Tinker, blank DCT) | %.0f virtual s |" % (args.firmware, args.until))
    print("| wall time of the run | %.1f s |" % wall)
    print("| speed | %.2fx real time |" % (summary["virtual_seconds"] / sim_wall))
    print("| guest MIPS, whole run | %.0f |" % (summary["time"]["instructions_run"] / sim_wall / 1e6))
    if computing_wall > 0:
        print("| guest MIPS while the firmware computes (%s: %.1f virtual s, %.0f M instructions) | %.0f |"
              % (", ".join(p["phase"] for p in computing),
                 sum(p["virtual_seconds"] for p in computing), computing_insns / 1e6,
                 computing_insns / computing_wall / 1e6))
    print("| idle time skipped | %.1f virtual s |" % summary["time"]["skipped_virtual_seconds"])
    print("| peak RSS of the simulator | %.0f MB |" % peak_rss_mb)


if __name__ == "__main__":
    main()
