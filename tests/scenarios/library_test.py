#!/usr/bin/env python3
"""A library scenario in CI (issue 5, acceptance 1 and 2).

Runs the scenario three times with its own seed through `photon-sim run`:
every run must pass, the first writes JUnit XML (checked to parse and to
agree with the exit status) and a timeline picture that names every pattern
the run saw, and the three runs must leave byte-identical led.jsonl and
capture.pcap files.

usage: library_test.py PHOTON_SIM SCENARIO.yaml OUT_DIR
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

RUNS = 3


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    photon_sim, scenario, out = sys.argv[1:4]
    stem = os.path.splitext(os.path.basename(scenario))[0]
    root = os.path.join(out, stem)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    junit = os.path.join(out, stem + ".junit.xml")
    digests = []
    for run in range(RUNS):
        report = os.path.join(root, "run%d" % (run + 1))
        args = [photon_sim, "run", scenario, "--report", report]
        if run == 0:
            args += ["--junit", junit]
        print("$", " ".join(args), flush=True)
        result = subprocess.run(args)
        if result.returncode != 0:
            print("FAIL: run %d of %s exited with %d (report in %s)"
                  % (run + 1, scenario, result.returncode, report))
            return 1
        folder = os.path.join(report, stem)
        digests.append({name: digest(os.path.join(folder, name))
                        for name in ("led.jsonl", "capture.pcap")})
        if run == 0:
            # the picture for people: every pattern the run named is on it
            html = open(os.path.join(folder, "led-timeline.html")).read()
            if not os.path.getsize(os.path.join(folder, "led-timeline.png")):
                print("FAIL: %s/led-timeline.png is empty" % folder)
                return 1
            with open(os.path.join(folder, "led.jsonl")) as f:
                named = {json.loads(line)["pattern"] for line in f if '"pattern"' in line}
            missing = sorted(name for name in named if name not in html)
            if missing:
                print("FAIL: the timeline does not show %s" % ", ".join(missing))
                return 1
            suites = ET.parse(junit).getroot()
            failures = int(suites.get("failures")) + int(suites.get("errors"))
            cases = suites.findall(".//testcase")
            if failures or not cases:
                print("FAIL: %s: %d failures, %d cases, but photon-sim said passed"
                      % (junit, failures, len(cases)))
                return 1
    for run in range(1, RUNS):
        for name, value in digests[run].items():
            if value != digests[0][name]:
                print("FAIL: %s differs between run 1 and run %d: the same seed must give "
                      "the same bytes" % (name, run + 1))
                return 1
    print("ok: %s passed %d times with identical led.jsonl and capture.pcap" % (scenario, RUNS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
