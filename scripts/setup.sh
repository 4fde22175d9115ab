#!/usr/bin/env bash
# Sets up photon-sim on a fresh Debian 12 machine and builds it, idempotently:
# system packages, the QEMU 7.2 source package, the firmware fixtures, then
# meson + ninja (which also builds qemu-system-arm with the photon machine).
#   scripts/setup.sh [BUILD_DIR]      (default: build)
set -euo pipefail
source "$(dirname "$0")/common.sh"

build=${1:-$REPO_ROOT/build}
packages=(
    build-essential meson ninja-build pkg-config python3 dpkg-dev patch ccache git
    libglib2.0-dev libpixman-1-dev libfdt-dev zlib1g-dev libsdl2-dev libslirp-dev
    libmbedtls-dev check libyaml-dev libpng-dev libjansson-dev libcairo2-dev fonts-dejavu-core
    gcc-arm-none-eabi libnewlib-arm-none-eabi clang xvfb xdotool
    # scripts/fuzz.sh: libFuzzer and the ASan/UBSan runtimes (only recommended by clang),
    # and llvm-symbolizer for readable stack traces
    libclang-rt-14-dev llvm
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches the firmware fixtures; a machine may already have Node.js from elsewhere,
# and Debian's npm would conflict with it.
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "installing packages needs root (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

"$REPO_ROOT/scripts/fetch-qemu-source.sh"
"$REPO_ROOT/scripts/fetch-fixtures.sh"

if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" "$REPO_ROOT" >/dev/null
fi
say "building (the first QEMU build takes a few minutes)"
ninja -C "$build" >/dev/null
say "ready: $build/sim/photon-sim"
