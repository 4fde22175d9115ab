#!/usr/bin/env python3
"""Benchmark: what the window costs (issue 6, acceptance 5).

Runs the same scenario twice under Xvfb, headless and with `--gui`, and
reports the wall time of each and their ratio (the target: under 1.2). A
window run is paced to the Photon's real time (icount align), a headless one
runs as fast as it can, so the wall ratio also holds how far ahead of real
time the headless run is. The CPU time the runs spend (user + system) is
reported too: drawing costs CPU even where the pace hides it.

usage: bench/gui_bench.py [--photon-sim PATH] [SCENARIO.yaml]
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(photon_sim, scenario, report, gui, env):
    args = [photon_sim, "run", scenario, "--report", report] + (["--gui"] if gui else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    out = subprocess.run(args, capture_output=True, text=True, env=env)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-2000:])
        raise SystemExit("FAIL: the %s run failed" % ("window" if gui else "headless"))
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photon-sim", default=os.path.join(ROOT, "build/sim/photon-sim"))
    parser.add_argument("scenario", nargs="?", default=os.path.join(ROOT, "scenarios/healthy.yaml"))
    args = parser.parse_args()
    if not shutil.which("Xvfb"):
        raise SystemExit("FAIL: Xvfb is needed (scripts/setup.sh installs it)")
    display = ":%d" % (90 + os.getpid() % 9)
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x768x24"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        env = dict(os.environ, DISPLAY=display)
        with tempfile.TemporaryDirectory() as work:
            headless = run(args.photon_sim, args.scenario, os.path.join(work, "a"), False, env)
            window = run(args.photon_sim, args.scenario, os.path.join(work, "b"), True, env)
    finally:
        xvfb.terminate()
    print("%-10s %9s %9s" % ("run", "wall", "CPU"))
    print("%-10s %8.1fs %8.1fs" % ("headless", headless[0], headless[1]))
    print("%-10s %8.1fs %8.1fs" % ("--gui", window[0], window[1]))
    print("wall ratio --gui / headless: %.2f (target < 1.2)" % (window[0] / headless[0]))
    print("CPU ratio  --gui / headless: %.2f" % (window[1] / headless[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
