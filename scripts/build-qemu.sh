#!/usr/bin/env bash
# Builds qemu-system-arm with the photon machine overlaid.
#   build-qemu.sh BUILD_DIR
# The distro source package is unpacked once into BUILD_DIR/qemu-src; our
# board/, peripherals/ and the plain-C cores are linked into hw/photon as
# symlinks, so editing them only recompiles what changed.
set -euo pipefail
source "$(dirname "$0")/common.sh"

build=$(realpath -m "${1:?usage: build-qemu.sh BUILD_DIR [STAMP]}")
stamp=${2:-}
tree=$build/qemu-src
objdir=$build/qemu
dsc=$(ls "$PHOTON_SIM_CACHE"/qemu-src/qemu_7.2*.dsc 2>/dev/null | head -n1)
[ -n "$dsc" ] || die "no QEMU source package; run scripts/fetch-qemu-source.sh"

# 1. Unpack (with Debian's patches) once per source package version.
if [ "$(cat "$tree/.photon-sim-source" 2>/dev/null)" != "$dsc" ]; then
    say "unpacking $(basename "$dsc")"
    rm -rf "$tree" "$objdir"
    mkdir -p "$build"
    dpkg-source --no-check -x "$dsc" "$tree" >/dev/null
    echo "$dsc" > "$tree/.photon-sim-source"
fi

# 2. Overlay (idempotent). Files under qemu/overlay are ours and are copied;
#    the model sources are symlinked.
cp -r "$REPO_ROOT"/qemu/overlay/. "$tree"/
ln -sfn "$REPO_ROOT/peripherals/trace-events" "$tree/hw/photon/trace-events"
for d in board peripherals net gui sim; do
    ln -sfn "$REPO_ROOT/$d" "$tree/hw/photon/$d"
done
# Our patches to QEMU itself (qemu/patches, in order). The series applied
# last is kept in the tree: when it changes it is reversed first, so the tree
# and its object files stay and the rebuild is incremental.
applied=$tree/.photon-sim-patches
wanted=$(mktemp)
trap 'rm -f "$wanted"' EXIT
cat "$REPO_ROOT"/qemu/patches/*.patch > "$wanted" 2>/dev/null || true
if ! cmp -s "$wanted" "$applied" 2>/dev/null; then
    if [ -s "$applied" ]; then
        say "reversing the previous QEMU patch series"
        patch -d "$tree" -p1 -R -s --no-backup-if-mismatch < "$applied" \
            || die "could not reverse $applied; remove $tree to unpack afresh"
    fi
    : > "$applied"
    for p in "$REPO_ROOT"/qemu/patches/*.patch; do
        [ -e "$p" ] || continue
        say "patching QEMU: $(basename "$p")"
        patch -d "$tree" -p1 -s --no-backup-if-mismatch < "$p" \
            || die "$p does not apply to $(basename "$dsc"); remove $tree to unpack afresh"
        cat "$p" >> "$applied"
    done
fi
grep -qx "subdir('photon')" "$tree/hw/meson.build" || echo "subdir('photon')" >> "$tree/hw/meson.build"
grep -qx "source photon/Kconfig" "$tree/hw/Kconfig" || echo "source photon/Kconfig" >> "$tree/hw/Kconfig"
grep -q "'hw/photon'" "$tree/meson.build" || \
    sed -i "s|^    'hw/arm',$|    'hw/arm',\n    'hw/photon',|" "$tree/meson.build"
grep -q "'hw/photon'" "$tree/meson.build" || die "could not register hw/photon trace events"
# Only our machine: the stock default.mak would build every ARM board.
printf '# photon-sim: only the Photon machine\nCONFIG_PHOTON=y\n' > "$tree/configs/devices/arm-softmmu/default.mak"
# The +dfsg tarball has no pc-bios blobs to unpack.
sed -i 's/^if unpack_edk2_blobs$/if false/' "$tree/pc-bios/meson.build"

# 3. Configure when the options change, then build incrementally.
cc="cc"; command -v ccache >/dev/null && cc="ccache cc"
configure_args=(--target-list=arm-softmmu "--cc=$cc"
    --enable-sdl --enable-slirp --enable-trace-backends=log
    --disable-docs --disable-tools --disable-guest-agent --disable-werror
    --without-default-devices --disable-install-blobs --disable-qom-cast-debug
    --disable-gtk --disable-vnc-jpeg --disable-opengl --disable-spice
    --disable-xen --disable-kvm --disable-curses --disable-vhost-user
    --disable-libusb --disable-usb-redir --disable-capstone
    --disable-gnutls --disable-nettle --disable-gcrypt --disable-linux-io-uring
    --disable-fuse --disable-pa --disable-alsa --disable-oss --disable-jack
    --disable-sndio --audio-drv-list=)
if [ ! -f "$objdir/build.ninja" ] ||
   [ "$(cat "$objdir/.photon-sim-configure" 2>/dev/null)" != "${configure_args[*]}" ]; then
    rm -rf "$objdir"
    mkdir -p "$objdir"
    say "configuring QEMU in $objdir"
    (cd "$objdir" && "$tree/configure" "${configure_args[@]}" >"$objdir/configure.log" 2>&1) \
        || { tail -30 "$objdir/configure.log" >&2; die "QEMU configure failed (see $objdir/configure.log)"; }
    echo "${configure_args[*]}" > "$objdir/.photon-sim-configure"
fi
export CCACHE_BASEDIR=$build CCACHE_NOHASHDIR=1
ninja -C "$objdir" qemu-system-arm >"$objdir/ninja.log" 2>&1 \
    || { grep -E 'error|FAILED' -A3 "$objdir/ninja.log" | head -60 >&2 || true; die "QEMU build failed (see $objdir/ninja.log)"; }
ln -sfn qemu/qemu-system-arm "$build/qemu-system-arm"
say "built $build/qemu-system-arm"
[ -z "$stamp" ] || date > "$stamp"
