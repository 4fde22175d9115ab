#!/usr/bin/env python3
"""Benchmark: the 30-virtual-second boot of Device OS 2.2.0 + Tinker from a
blank DCT (key generation, self-reset, radio bring-up, dead-radio panic).

Reports the wall time, guest MIPS (guest instructions the CPU ran / wall
second, from the run's summary; time the idle skip jumped over is not
counted as instructions) and the peak RSS of the simulator process. Extra
arguments after -- go to photon-sim run (--no-idle-skip, --cpu-mhz ...).

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
               "--until", str(args.until), *args.run_options]
        start = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - start
        peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with open(os.path.join(report, "summary.json")) as f:
            summary = json.load(f)
    sim_wall = summary["wall_seconds"]
    print("| metric | value |")
    print("| --- | --- |")
    print("| boot run (Device OS %s + Tinker, blank DCT) | %.0f virtual s |" % (args.firmware, args.until))
    print("| wall time of the run | %.1f s |" % wall)
    print("| speed | %.2fx real time |" % (summary["virtual_seconds"] / sim_wall))
    print("| guest MIPS | %.0f |" % (summary["time"]["instructions_run"] / sim_wall / 1e6))
    print("| idle time skipped | %.1f virtual s |" % summary["time"]["skipped_virtual_seconds"])
    print("| peak RSS of the simulator | %.0f MB |" % peak_rss_mb)


if __name__ == "__main__":
    main()
