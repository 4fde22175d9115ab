#!/usr/bin/env bash
# Downloads Debian's QEMU 7.2 source package into the cache (apt-get source).
# The deb-src entry is derived from the machine's own apt sources, so no host
# name is written here. Idempotent.
set -euo pipefail
source "$(dirname "$0")/common.sh"

dest=$PHOTON_SIM_CACHE/qemu-src
if ls "$dest"/qemu_7.2*.dsc >/dev/null 2>&1; then
    say "QEMU source package present in $dest"; exit 0
fi

src_list=/etc/apt/sources.list.d/photon-sim-deb-src.sources
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    base=/etc/apt/sources.list.d/debian.sources
    [ -f "$base" ] || die "no $base to derive a deb-src entry from"
    say "adding a deb-src entry derived from $base"
    sed 's/^Types: deb$/Types: deb-src/' "$base" > "$src_list"
    apt-get update -qq
fi
mkdir -p "$dest"
cd "$dest"
apt-get source --download-only -qq qemu=1:7.2+dfsg-7+deb12u18 2>/dev/null \
    || apt-get source --download-only -qq qemu
ls qemu_7.2*.dsc >/dev/null 2>&1 || die "apt-get source qemu did not give QEMU 7.2"
say "QEMU source package downloaded to $dest"
