#!/usr/bin/env python3
"""Every file in scenarios/ is in the CI library (tests/scenarios/meson.build)
and every name there has its file, and each one passes `photon-sim run --check`
without errors.

usage: complete_test.py PHOTON_SIM SCENARIOS_DIR NAME...
"""
import os
import subprocess
import sys


def main():
    photon_sim, folder, names = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    files = {f[:-5] for f in os.listdir(folder) if f.endswith(".yaml")}
    missing, extra = sorted(files - names), sorted(names - files)
    if missing or extra:
        print("FAIL: scenarios not run in CI: %s; listed without a file: %s" % (missing, extra))
        return 1
    result = subprocess.run([photon_sim, "run", "--check"] +
                            [os.path.join(folder, n + ".yaml") for n in sorted(names)])
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
