#!/usr/bin/env bash
# Fetches the real Photon firmware images from particle-cli npm packages into
# the fixture cache and checks each against fixtures/SHA256SUMS. Idempotent:
# files already present with the right checksum are left alone.
set -euo pipefail
source "$(dirname "$0")/common.sh"

sources=$REPO_ROOT/fixtures/sources.txt
sums=$REPO_ROOT/fixtures/SHA256SUMS
mkdir -p "$FIXTURE_DIR" "$PHOTON_SIM_CACHE/npm"

verify() {  # all fixtures present and matching?
    [ -s "$sums" ] && (cd "$FIXTURE_DIR" && sha256sum --quiet -c "$sums" >/dev/null 2>&1)
}
if verify; then say "firmware fixtures present in $FIXTURE_DIR"; exit 0; fi

command -v npm >/dev/null || die "npm is needed to fetch the firmware fixtures"
grep -v '^#' "$sources" | while read -r pkg inner name; do
    [ -n "$pkg" ] || continue
    tgz=$PHOTON_SIM_CACHE/npm/${pkg/@/-}.tgz
    if [ ! -s "$tgz" ]; then
        say "npm pack $pkg"
        tmp=$(mktemp -d)
        (cd "$tmp" && npm pack --silent "$pkg" >/dev/null 2>&1) || die "npm pack $pkg failed"
        mv "$tmp"/*.tgz "$tgz.part" && mv "$tgz.part" "$tgz"
        rm -rf "$tmp"
    fi
    mkdir -p "$FIXTURE_DIR/$(dirname "$name")"
    tar -xzOf "$tgz" "$inner" > "$FIXTURE_DIR/$name.part" || die "$tgz has no $inner"
    mv "$FIXTURE_DIR/$name.part" "$FIXTURE_DIR/$name"
done

# Derived fixtures: particle-cli ships no 0.5.2 bootloader, but 0.5.2's system
# part 2 carries the bootloader it installs (v7, 14052 bytes with its CRC
# trailer). It must be that one: Device OS 0.5.x keeps its system flags in the
# DCT, and only a pre-0.7 bootloader clears StartupMode there; with a newer
# bootloader 0.5.2 always starts in safe mode.
dd if="$FIXTURE_DIR/0.5.2/system-part2.bin" of="$FIXTURE_DIR/0.5.2/bootloader.bin.part" \
    bs=1 skip=$((0x28500)) count=14052 status=none
mv "$FIXTURE_DIR/0.5.2/bootloader.bin.part" "$FIXTURE_DIR/0.5.2/bootloader.bin"

if [ ! -s "$sums" ]; then
    die "fixtures/SHA256SUMS is missing; refusing to trust unverified firmware"
fi
(cd "$FIXTURE_DIR" && sha256sum -c "$sums" >/dev/null) || die "firmware fixture checksum mismatch (see fixtures/SHA256SUMS)"
say "firmware fixtures verified in $FIXTURE_DIR"
