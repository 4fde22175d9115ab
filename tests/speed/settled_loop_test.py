#!/usr/bin/env python3
"""Settled-loop skips are exact (issue 8; exec/fast-time.h).

Runs the bare-metal guest guest/settled_loop.c with the optimisations off
(--no-idle-skip --no-fast-io) and on. Its polling loops store on every
pass and read the cycle counter, and report over USART1 how many cycles
after its threshold each loop saw it pass and how many SysTick interrupts
came meanwhile. With the optimisations on:
  - the loops were skipped (settled skips) and some jumps were taken back
    (the free-running clock crosses its threshold between two deadlines);
  - every wait ends within one pass of its threshold, as without them, and
    sees as many ticks;
  - far fewer instructions ran.

usage: settled_loop_test.py PHOTON_SIM GUEST.bin OUT_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

FLASH_SIZE = 1024 * 1024
VIRTUAL_SECONDS = "0.1"
MAX_LATE_CYCLES = 64        # a pass of the guest's loops is about 20 instructions
LINE = re.compile(r"^(tick-ms|free-ms) (\d+) ms: late (\d+) cycles, ticks (\d+)$")


def run(photon_sim, image, out, optimised):
    report = os.path.join(out, "on" if optimised else "off")
    shutil.rmtree(report, ignore_errors=True)
    flash = os.path.join(out, "flash-%s.bin" % ("on" if optimised else "off"))
    with open(image, "rb") as f:
        code = f.read()
    with open(flash, "wb") as f:
        f.write(code + b"\xff" * (FLASH_SIZE - len(code)))
    cmd = [photon_sim, "run", "--flash", flash, "--until", VIRTUAL_SECONDS, "--no-usb",
           "--report", report]
    if not optimised:
        cmd += ["--no-idle-skip", "--no-fast-io"]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        sys.exit("FAIL: %s exited %d:\n%s" % (" ".join(cmd), done.returncode, done.stdout))
    with open(os.path.join(report, "serial1.log")) as f:
        lines = f.read().splitlines()
    with open(os.path.join(report, "summary.json")) as f:
        summary = json.load(f)
    if lines[-1:] != ["done"]:
        sys.exit("FAIL: the guest did not finish (optimisations %s): %r"
                 % ("on" if optimised else "off", lines))
    waits = []
    for line in lines[:-1]:
        m = LINE.match(line)
        if not m:
            sys.exit("FAIL: unexpected guest output %r" % line)
        waits.append((m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))))
    return waits, summary


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    photon_sim, image, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    off, off_summary = run(photon_sim, image, out, False)
    on, on_summary = run(photon_sim, image, out, True)
    failures = []
    if len(on) != len(off) or len(on) < 4:
        failures.append("waits: %r off, %r on" % (off, on))
    for (name, ms, late_off, ticks_off), (_, _, late_on, ticks_on) in zip(off, on):
        print("%s %2d ms: late %2d cycles off, %2d on; ticks %2d off, %2d on"
              % (name, ms, late_off, late_on, ticks_off, ticks_on))
        if max(late_off, late_on) > MAX_LATE_CYCLES:
            failures.append("%s %d ms ended %d/%d cycles late (off/on)"
                            % (name, ms, late_off, late_on))
        if ticks_on != ticks_off:
            failures.append("%s %d ms saw %d ticks with the optimisations, %d without"
                            % (name, ms, ticks_on, ticks_off))
    time_on, time_off = on_summary["time"], off_summary["time"]
    print("settled skips %d, taken back %d; instructions run %d off, %d on"
          % (time_on["settled_skips"], time_on["settled_rollbacks"],
             time_off["instructions_run"], time_on["instructions_run"]))
    if time_on["settled_skips"] == 0:
        failures.append("no settled loop was skipped")
    if time_on["settled_rollbacks"] == 0:
        failures.append("no jump was taken back, though the free-running clock crosses "
                        "its thresholds between deadlines")
    if time_on["instructions_run"] * 2 > time_off["instructions_run"]:
        failures.append("the skips saved less than half the instructions")
    for summary in (on_summary, off_summary):
        if abs(summary["virtual_seconds"] - float(VIRTUAL_SECONDS)) > 0.001:
            failures.append("the run reports %.6f virtual seconds, not %s"
                            % (summary["virtual_seconds"], VIRTUAL_SECONDS))
    if failures:
        sys.exit("FAIL:\n  " + "\n  ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
