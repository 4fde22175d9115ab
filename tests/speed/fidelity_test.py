#!/usr/bin/env python3
"""The speed optimisations change no LED timing (issue 8, acceptance 3).

Runs a library scenario with the optimisations off (--no-idle-skip
--no-fast-io) and on, at each given CPU clock. Both runs must pass
and name the same patterns, and every timing must agree within 1 ms:
  - what the classifier measured for each pattern (led.jsonl "period_ms",
    "on_ms": blink period and lit half, breathing period, one blink of a
    group, the length of a burst or an SOS blink);
  - the lit and dark stretches of each pattern, from the LED's changes: the
    median lit and dark stretch, and the longest dark one (the pause between
    orange-blink groups, between SOS plays).
compare() with same_patterns=False also serves bench/lowest_clock_bench.py,
which holds a lower clock against 120 MHz: there a pattern may be named at
one clock only, and only timer-paced patterns are held to their timings (see
timer_paced()).

usage: fidelity_test.py PHOTON_SIM SCENARIO.yaml OUT_DIR MHZ [MHZ...]
"""
import json
import os
import shutil
import statistics
import subprocess
import sys

TOLERANCE_MS = 1.0
LIT = 0.01          # a channel duty above this is light
MIN_TIMED_PERIOD_MS = 20


def read_timeline(path):
    """The patterns in order, each with its measured timings and the LED's
    lit/dark stretches that lie wholly inside it."""
    changes, patterns = [], []
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if "pattern" in rec:
                patterns.append(rec)
            elif "rgb" in rec:
                changes.append((rec["t"], max(rec["rgb"]) > LIT))
    ends = [p["t"] for p in patterns[1:]] + [float("inf")]
    for pattern, end in zip(patterns, ends):
        pattern["lasted_ms"] = (end - pattern["t"]) * 1000
        inside = [c for c in changes if pattern["t"] <= c[0] < end]
        # keep only real transitions, then the stretches between them
        edges = [c for i, c in enumerate(inside) if i == 0 or c[1] != inside[i - 1][1]]
        lit, dark = [], []
        for (t0, on), (t1, _) in zip(edges, edges[1:]):
            (lit if on else dark).append((t1 - t0) * 1000)
        # the first stretch may have begun before the pattern did
        if lit and edges and edges[0][1]:
            lit = lit[1:]
        elif dark and edges and not edges[0][1]:
            dark = dark[1:]
        pattern["stretches"] = {
            "median lit": statistics.median(lit) if lit else None,
            "median dark": statistics.median(dark) if dark else None,
            "longest dark": max(dark) if dark else None,
        }
    return patterns


def run(photon_sim, scenario, report, mhz, optimised):
    args = [photon_sim, "run", scenario, "--report", report, "--cpu-mhz", mhz]
    if not optimised:
        args += ["--no-idle-skip", "--no-fast-io"]
    print("$", " ".join(args), flush=True)
    status = subprocess.run(args, stdout=subprocess.DEVNULL).returncode
    if status != 0:
        raise SystemExit("FAIL: %s exited with %d (report in %s)" % (" ".join(args), status,
                                                                   report))
    stem = os.path.splitext(os.path.basename(scenario))[0]
    return read_timeline(os.path.join(report, stem, "led.jsonl"))


def align(first, second):
    """The longest common subsequence of pattern names, as pairs."""
    n, m = len(first), len(second)
    common = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            common[i][j] = (common[i + 1][j + 1] + 1
                            if first[i]["pattern"] == second[j]["pattern"]
                            else max(common[i + 1][j], common[i][j + 1]))
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if first[i]["pattern"] == second[j]["pattern"]:
            pairs.append((first[i], second[j]))
            i, j = i + 1, j + 1
        elif common[i + 1][j] >= common[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def timer_paced(pattern):
    """A timer paces it: it lasted at least two of its periods (else its measure
    depends on when a computation cut it short) and its period is not under
    20 ms (a flicker per event the firmware processes, an OTA chunk say)."""
    period = pattern.get("period_ms")
    return period is None or (period >= MIN_TIMED_PERIOD_MS and
                              pattern["lasted_ms"] >= 2 * period)


def compare(slow, fast, where, labels, same_patterns=True):
    names = [p["pattern"] for p in slow], [p["pattern"] for p in fast]
    if same_patterns and names[0] != names[1]:
        raise SystemExit("FAIL: %s: the patterns differ:\n  %s: %s\n  %s: %s"
                         % (where, labels[0], ", ".join(names[0]), labels[1],
                            ", ".join(names[1])))
    pairs = align(slow, fast)
    paired = {id(p) for pair in pairs for p in pair}
    extras = ["%s %s from %.3f s" % (p["pattern"], label, p["t"])
              for run, label in zip((slow, fast), labels) for p in run if id(p) not in paired]
    worst = 0.0
    if not same_patterns:
        extras += ["%s from %.3f s (paced by computation)" % (a["pattern"], a["t"])
                   for a, b in pairs if not (timer_paced(a) and timer_paced(b))]
        pairs = [(a, b) for a, b in pairs if timer_paced(a) and timer_paced(b)]
    for a, b in pairs:
        timings = [(key, a.get(key), b.get(key)) for key in ("period_ms", "on_ms")]
        timings += [(key, a["stretches"][key], b["stretches"][key]) for key in a["stretches"]]
        for key, x, y in timings:
            if (x is None) != (y is None):
                # a stretch cut by the pattern's end in one run only
                continue
            if x is None:
                continue
            worst = max(worst, abs(x - y))
            if abs(x - y) > TOLERANCE_MS:
                raise SystemExit("FAIL: %s: %s from %.3f s: %s is %.3f ms %s, %.3f ms %s"
                                 % (where, a["pattern"], a["t"], key, x, labels[0], y,
                                    labels[1]))
    print("ok: %s: %d patterns, timings within %.3f ms%s"
          % (where, len(pairs), worst, "; not compared: " + ", ".join(extras)
             if extras else ""))


def main():
    photon_sim, scenario, out = sys.argv[1:4]
    clocks = sys.argv[4:] or ["125"]
    stem = os.path.splitext(os.path.basename(scenario))[0]
    root = os.path.join(out, stem)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for mhz in clocks:
        slow = run(photon_sim, scenario, os.path.join(root, mhz + "-off"), mhz, False)
        fast = run(photon_sim, scenario, os.path.join(root, mhz + "-on"), mhz, True)
        compare(slow, fast, "%s at %s MHz" % (stem, mhz),
                ("with the optimisations off", "with them on"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
