#!/usr/bin/env python3
"""Benchmark: a cloud function call's round trip through the whole simulation
(issue 4, acceptance 6).

Boots Device OS 2.2.0 + Tinker, waits for breathing cyan, then makes N
`photon-sim cloud call - digitalwrite D7,HIGH` calls one after another. For
each it reports the wall time the command took (control socket, the cloud,
the simulated network, the Wi-Fi chip, the firmware and back) and the
virtual time between the cloud sending the request and the answer arriving
(from cloud.log).

usage: bench/call_bench.py [--calls 20] [--photon-sim PATH]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CALLING = re.compile(r"^\s*([0-9.]+) cloud: .* function: calling digitalwrite.*\(request (\d+)\)")
RETURNED = re.compile(r"^\s*([0-9.]+) cloud: .* function: digitalwrite returned")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photon-sim", default=os.path.join(ROOT, "build/sim/photon-sim"))
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        report = os.path.join(work, "report")
        run = subprocess.Popen([args.photon_sim, "run", "--firmware", "2.2.0", "--app", "tinker",
                                "--wifi", "home:secret123", "--until", "600", "--report", report,
                                "--flash", os.path.join(work, "flash.bin"),
                                "--cloud", os.path.join(work, "cloud")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
        try:
            led = os.path.join(report, "led.jsonl")
            deadline = time.monotonic() + 600
            while not (os.path.exists(led) and '"breathing-cyan"' in open(led).read()):
                if time.monotonic() > deadline or run.poll() is not None:
                    raise SystemExit("FAIL: the device never reached breathing cyan")
                time.sleep(0.5)
            walls = []
            for _ in range(args.calls):
                started = time.monotonic()
                out = subprocess.run([args.photon_sim, "cloud", "--report", report, "call", "-",
                                      "digitalwrite", "D7,HIGH"], capture_output=True, text=True)
                walls.append(time.monotonic() - started)
                if out.returncode != 0 or out.stdout.strip() != "digitalwrite 1":
                    raise SystemExit("FAIL: call returned %r %r" % (out.stdout, out.stderr))
        finally:
            run.terminate()
            run.wait()
        sent, virtual = None, []
        for line in open(os.path.join(report, "cloud.log")):
            m = CALLING.match(line)
            if m:
                sent = float(m.group(1))
            m = RETURNED.match(line)
            if m and sent is not None:
                virtual.append(float(m.group(1)) - sent)
                sent = None
    print("calls: %d (digitalwrite D7,HIGH on Tinker, Device OS 2.2.0)" % len(walls))
    print("wall round trip (photon-sim cloud call): median %.0f ms, min %.0f, max %.0f" %
          (1e3 * statistics.median(walls), 1e3 * min(walls), 1e3 * max(walls)))
    print("virtual round trip (request sent -> answer in the cloud): median %.2f ms, "
          "min %.2f, max %.2f" % (1e3 * statistics.median(virtual), 1e3 * min(virtual),
                                  1e3 * max(virtual)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
