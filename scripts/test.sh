#!/usr/bin/env bash
# Sets everything up, then runs every test suite (meson test) and prints
# "N passed, N failed" as its last line. Exit status is meson's.
set -uo pipefail
source "$(dirname "$0")/common.sh"

build=$REPO_ROOT/build
"$REPO_ROOT/scripts/setup.sh" "$build" || exit 1
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
status=$?
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    result = json.loads(line).get("result")
    if result in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
