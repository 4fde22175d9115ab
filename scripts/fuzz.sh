#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, as the meson files set them up) in
# build-fuzz and runs one target, or all of them one after another, for N inputs each
# (default 10000000), with the target's seeds and dictionary from the tree, in a single
# process. Prints inputs run, wall time, execs/s and the result per target; a finding
# stops the run with the path of the input that reproduces it and a non-zero exit.
#   scripts/fuzz.sh [TARGET|all] [N]      scripts/fuzz.sh --list
# Environment:
#   FUZZ_BUILD=DIR      build directory (default: build-fuzz in the tree)
#   FUZZ_SEED=S         libFuzzer -seed (default 1; the same seed, corpus and N give the same run)
#   FUZZ_TIMEOUT=S      seconds one input may take before it counts as a hang (default 30)
#   FUZZ_KEEP_CORPUS=1  go on from the corpus a previous run left instead of the seeds alone
#   FUZZ_ARGS="..."     more libFuzzer flags, appended
# Nothing is installed: scripts/setup.sh installs clang and its sanitizer runtimes.
set -uo pipefail
source "$(dirname "$0")/common.sh"
say() { printf '[fuzz] %s\n' "$*" >&2; }
die() { printf '[fuzz] error: %s\n' "$*" >&2; exit 2; }

build=${FUZZ_BUILD:-$REPO_ROOT/build-fuzz}
work=$build/fuzz-runs

# name | ninja target | seeds (a directory in the tree, or gen:SCRIPT) | dictionary | -max_len
targets=(
    "cloud_channel|net/cloud/fuzz/fuzz_cloud_channel|||4096"
    "cloud_coap|net/cloud/fuzz/fuzz_cloud_coap|||4096"
    "cloud_describe|net/cloud/fuzz/fuzz_cloud_describe|||4096"
    "cloud_handshake|net/cloud/fuzz/fuzz_cloud_handshake|||4096"
    "cloud_session|net/cloud/fuzz/fuzz_cloud_session|||4096"
    "net|tests/net/fuzz_net|gen:tests/net/make_fuzz_seeds.py:net||4096"
    "net_parsers|tests/net/fuzz_net_parsers|gen:tests/net/make_fuzz_seeds.py:parsers||2048"
    "scenario_parser|tests/scenario/fuzz_scenario_parser|tests/scenario/data scenarios|tests/scenario/fuzz_scenario.dict|4096"
    "bcm43362|tests/bcm43362/fuzz_bcm43362|||4096"
    "usb_descriptors|tests/usb/fuzz_usb_descriptors|gen:tests/usb/make_fuzz_seeds.py:||1024"
)
names() { local t; for t in "${targets[@]}"; do printf '%s ' "${t%%|*}"; done; }

usage() {
    echo "usage: scripts/fuzz.sh [TARGET|all] [N]   (N inputs per target, default 10000000)"
    echo "targets: $(names)"
}

case ${1:-all} in
    -h|--help) usage; exit 0 ;;
    --list) names | tr ' ' '\n' | sed '/^$/d'; exit 0 ;;
esac
want=${1:-all}
runs=${2:-10000000}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { usage >&2; die "N must be a positive number of inputs, not '$runs'"; }
selected=()
for t in "${targets[@]}"; do
    [ "$want" = all ] || [ "$want" = "${t%%|*}" ] || [ "$want" = "fuzz_${t%%|*}" ] && selected+=("$t")
done
[ ${#selected[@]} -gt 0 ] || die "unknown target '$want'; valid: all $(names)"

# --- clang with libFuzzer and the sanitizer runtimes ---------------------------------------
command -v clang >/dev/null ||
    die "clang is not installed: scripts/setup.sh installs it (or, as root: apt-get install clang libclang-rt-14-dev)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' >"$probe/p.c"
clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>"$probe/err" ||
    die "clang cannot link a libFuzzer + ASan + UBSan program (the runtimes are in Debian's libclang-rt-14-dev; scripts/setup.sh installs it): $(head -3 "$probe/err")"

# --- build dir: clang, -Dfuzz=true -Dqemu=false, optimised with debug info -----------------
if [ ! -f "$build/build.ninja" ]; then
    say "configuring $build (CC=clang, -Dfuzz=true -Dqemu=false -Dbuildtype=debugoptimized)"
    CC=clang meson setup "$build" "$REPO_ROOT" -Dfuzz=true -Dqemu=false -Dbuildtype=debugoptimized \
        >"$probe/setup.log" 2>&1 ||
        { tail -20 "$probe/setup.log" >&2; die "meson setup failed (missing libraries? scripts/setup.sh installs them)"; }
fi
grep -qE 'command = (\S*ccache )?clang(-[0-9]+)? ' "$build/build.ninja" ||
    die "$build was configured with another compiler; remove it (rm -rf $build) and run again"
opts=$(python3 - "$build/meson-info/intro-buildoptions.json" <<'PY'
import json, sys
o = {x['name']: x['value'] for x in json.load(open(sys.argv[1]))}
print(' '.join(f'-D{k}={v}' for k, v in (('fuzz', 'true'), ('qemu', 'false'), ('buildtype', 'debugoptimized'))
               if str(o.get(k)).lower() != v))
PY
)
if [ -n "$opts" ]; then
    say "reconfiguring $build: $opts"
    # shellcheck disable=SC2086
    meson configure "$build" $opts >/dev/null || die "meson configure $build $opts failed"
fi
ninja_targets=()
for t in "${selected[@]}"; do IFS='|' read -r _ nt _ <<<"$t"; ninja_targets+=("$nt"); done
say "building ${#ninja_targets[@]} fuzz target(s) in $build"
ninja -C "$build" "${ninja_targets[@]}" >"$probe/build.log" 2>&1 ||
    { tail -30 "$probe/build.log" >&2; die "build failed"; }

# --- runs ------------------------------------------------------------------------------------
mkdir -p "$work"
results=$work/results.tsv
[ -f "$results" ] || printf 'date\ttarget\tinputs\twall_s\texecs_per_s\tresult\n' >"$results"
summary=()
for t in "${selected[@]}"; do
    IFS='|' read -r name nt seeds dict max_len <<<"$t"
    exe=$build/$nt
    dir=$work/$name
    corpus=$dir/corpus
    mkdir -p "$dir"
    [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ] || rm -rf "$corpus"
    rm -rf "$dir/seeds"
    mkdir -p "$corpus" "$dir/seeds"
    inputs=("$corpus")
    for s in $seeds; do
        if [[ $s == gen:* ]]; then
            IFS=: read -r _ script sub <<<"$s"
            python3 "$REPO_ROOT/$script" "$dir/seeds" >/dev/null || die "$script failed"
            inputs+=("$dir/seeds${sub:+/$sub}")
        else
            inputs+=("$REPO_ROOT/$s")
        fi
    done
    flags=(-runs="$runs" -max_len="$max_len" -seed="${FUZZ_SEED:-1}" -timeout="${FUZZ_TIMEOUT:-30}"
           -artifact_prefix="$dir/" -print_final_stats=1)
    [ -n "$dict" ] && flags+=(-dict="$REPO_ROOT/$dict")
    # shellcheck disable=SC2206
    [ -n "${FUZZ_ARGS:-}" ] && flags+=(${FUZZ_ARGS})
    log=$dir/fuzz.log
    say "$name: $runs inputs (log: $log)"
    start=$(date +%s.%N)
    # a target's own prints go to the log with libFuzzer's
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$exe" "${flags[@]}" "${inputs[@]}" >"$log" 2>&1
    status=$?
    end=$(date +%s.%N)
    done_runs=$(sed -n 's/^Done \([0-9]*\) runs in .*/\1/p' "$log" | tail -1)
    done_runs=${done_runs:-$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)}
    read -r wall hms rate < <(python3 -c "
import sys
w = float(sys.argv[2]) - float(sys.argv[1]); n = int(sys.argv[3] or 0); s = round(w)
print(f'{w:.0f} {s // 3600}h{s // 60 % 60:02d}m{s % 60:02d}s {n / w if w else 0:.0f}')" "$start" "$end" "${done_runs:-0}")
    artifact=
    if [ $status -eq 0 ] && [ "${done_runs:-0}" -ge "$runs" ]; then
        result="nothing found"
    elif grep -q 'libFuzzer: run interrupted' "$log"; then
        result="interrupted"   # SIGINT/SIGTERM from outside: not a finding
    else
        artifact=$(sed -n 's/.*Test unit written to \(\S*\).*/\1/p' "$log" | tail -1)
        result="FOUND (exit $status)${artifact:+: $artifact}"
    fi
    line=$(printf '%-16s %9s inputs  %10s wall  %6s execs/s  %s' "$name" "${done_runs:-?}" "$hms" "$rate" "$result")
    echo "$line"
    summary+=("$line")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(date +%F)" "$name" "${done_runs:-0}" "$wall" "$rate" "$result" >>"$results"
    if [ "$result" = interrupted ]; then
        say "$name was interrupted by a signal after ${done_runs:-0} inputs (not a finding); run it again"
        exit 130
    fi
    if [ "$result" != "nothing found" ]; then
        grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error:|^fuzz_[a-z0-9_]*: |^==[0-9]+== ERROR: libFuzzer' "$log" | head -5 >&2
        if [ -n "$artifact" ]; then
            say "reproduce: $exe $artifact   (log: $log)"
        else
            say "no input was written; see $log"
        fi
        exit 1
    fi
done
if [ ${#summary[@]} -gt 1 ]; then
    echo "--- all ${#summary[@]} targets: nothing found"
fi
exit 0
