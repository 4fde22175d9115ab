#!/usr/bin/env python3
"""Brownouts at seeded random instants during a boot that writes the DCT
(issue 5, acceptance 4).

Device OS rewrites the DCT early in every boot (two copy-on-write updates in
the first 0.7 s of a prepared Photon: the spare copy erased, the data copied
with the change, the new copy committed). Each run cuts the power at one
instant drawn from a seeded generator in that window and stops while the
power is still off, so the flash holds exactly what the cut left.

A run is good when the simulator exited cleanly with a complete report and
the DCT copy the firmware would select (photon-sim dct show: the same rules
as Device OS) holds one of the states an uninterrupted boot passes through:
before the first update, between the two, or after the second. Anything
else -- no valid copy, or a valid copy with other contents -- is a mixture
the firmware would accept, and is counted as a failure.

usage: bench/brownout_bench.py [--runs 1000] [--jobs 2] [--seed 1]
"""
import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DCT_OFFSET = 0x4000           # DCT1 in the flash image; DCT2 follows
COPY_SIZE = 0x4000
BODY = (388, 0x3FF0)          # between the header and the version struct
WINDOW = (0.0, 0.85)          # virtual seconds: the boot's two DCT updates (0.03-0.39, 0.41-0.78)
OFF_FOR = 0.05                # the run ends while the power is still off

SCENARIO = """name: brownout {index}
seed: 12
until: {until}
device:
  wifi: {{ssid: home, passphrase: secret123}}
radio:
  access-points:
    - {{ssid: home, passphrase: secret123}}
steps:
{steps}
"""


def scenario(path, index, brownout_at, until=None):
    """A run that cuts the power at brownout_at and ends while it is off, or (None) a
    run without a cut that ends at until."""
    if brownout_at is None:
        steps = "  []"
    else:
        steps = "  - {at: %.9f, do: {brownout: %.3f}}" % (brownout_at, OFF_FOR * 2)
        until = brownout_at + OFF_FOR
    with open(path, "w") as f:
        f.write(SCENARIO.format(index=index, until="%.9f" % until, steps=steps))


def current_body(photon_sim, flash):
    """The body of the copy the firmware would use, or None when no copy is valid."""
    shown = subprocess.run([photon_sim, "dct", flash, "show"], capture_output=True, text=True)
    match = re.search(r"^current copy:\s+DCT([12])", shown.stdout, re.M)
    if not match:
        return None
    copy = int(match.group(1)) - 1
    with open(flash, "rb") as f:
        f.seek(DCT_OFFSET + copy * COPY_SIZE + BODY[0])
        return hashlib.sha256(f.read(BODY[1] - BODY[0])).hexdigest()


def run_all(photon_sim, folder, runs, jobs):
    files = [os.path.join(folder, "%s.yaml" % name) for name in runs]
    report = os.path.join(folder, "report")
    # scenarios without expectations warn about it: expected here
    subprocess.run([photon_sim, "run", *files, "-j", str(jobs), "--report", report],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return report


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photon-sim", default=os.path.join(ROOT, "build/sim/photon-sim"))
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    draw = random.Random(args.seed)
    instants = sorted(draw.uniform(*WINDOW) for _ in range(args.runs))

    with tempfile.TemporaryDirectory() as work:
        # The states an uninterrupted boot passes through.
        references = {}
        for name, until in (("before", 0.02), ("between", 0.40), ("after", 1.0)):
            scenario(os.path.join(work, "ref-%s.yaml" % name), name, None, until)
            report = run_all(args.photon_sim, work, ["ref-%s" % name], 1)
            references[current_body(args.photon_sim,
                                    os.path.join(report, "ref-%s" % name, "flash.bin"))] = name
        if None in references or len(references) != 3:
            print("FAIL: the reference boot does not write the DCT as expected: %s" % references)
            return 1

        names = []
        for i, at in enumerate(instants):
            names.append("bo%04d" % i)
            scenario(os.path.join(work, names[-1] + ".yaml"), i, at)
        started = time.monotonic()
        report = run_all(args.photon_sim, work, names, args.jobs)
        wall = time.monotonic() - started

        counts = {"before": 0, "between": 0, "after": 0}
        crashes, mixtures = [], []
        for name, at in zip(names, instants):
            folder = os.path.join(report, name)
            if not os.path.exists(os.path.join(folder, "summary.json")) or \
               not os.path.exists(os.path.join(folder, "expectations.json")):
                crashes.append((name, at))
                continue
            state = references.get(current_body(args.photon_sim, os.path.join(folder, "flash.bin")))
            if state is None:
                mixtures.append((name, at))
            else:
                counts[state] += 1

    print("brownouts: %d at seeded instants in %.2f..%.2f s of a boot that writes the DCT "
          "(seed %d), %.0f s wall with -j %d" % (args.runs, WINDOW[0], WINDOW[1], args.seed, wall,
                                                 args.jobs))
    print("  simulator crashes or incomplete reports: %d" % len(crashes))
    print("  DCT as before the updates: %d, between them: %d, after both: %d"
          % (counts["before"], counts["between"], counts["after"]))
    print("  mixtures the firmware would accept: %d" % len(mixtures))
    for name, at in (crashes + mixtures)[:10]:
        print("    %s: brownout at %.9f s" % (name, at))
    return 1 if crashes or mixtures else 0


if __name__ == "__main__":
    sys.exit(main())
