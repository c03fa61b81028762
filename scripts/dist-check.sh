#!/usr/bin/env bash
# Proves that the dist tarball runs on a machine with no Swift toolchain: a bare Debian bookworm
# root (debootstrap, minbase variant) is built once and cached in .cache/dist-root/ (gitignored;
# delete it to start afresh), the tarball is unpacked in it and scripts/dist/check-inside.sh runs
# there, chrooted: --help, generate a small course with scans, validate it, show a case in
# Spanish and, once the build has `serve`, start the server on a temporary database and fetch
# /api/health. Needs root (debootstrap, chroot, mount).
#
# Usage: scripts/dist-check.sh [TARBALL]   (default: the newest dist/cargosim-*.tar.gz)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
tarball=${1:-$(ls -t dist/cargosim-*-linux-*.tar.gz 2>/dev/null | head -1 || true)}
root=${DIST_ROOT:-$PWD/.cache/dist-root/bookworm}
suite=${DIST_SUITE:-bookworm}

if [ -z "$tarball" ] || [ ! -f "$tarball" ]; then
    echo "dist-check: no tarball; run make dist first (or give the tarball's path)" >&2
    exit 1
fi
if [ "$(id -u)" != 0 ]; then
    echo "dist-check: run as root (debootstrap, chroot and mount need it), e.g. sudo make dist-check" >&2
    exit 1
fi

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
    done
    mounted=()
}
trap unmount_all EXIT

# A root left mounted by a killed run must not be written over or deleted through its mounts.
if grep -q " $root/" /proc/mounts; then
    grep " $root/" /proc/mounts | awk '{print $2}' | sort -r | while read -r point; do umount -l "$point" || true; done
fi

if [ ! -f "$root/.cargosim-bare-root" ]; then
    if ! command -v debootstrap >/dev/null 2>&1; then
        apt-get update -qq && apt-get install -y -qq debootstrap
    fi
    echo "dist-check: creating a bare Debian $suite root in $root (minbase; once, then cached)"
    rm -rf --one-file-system "$root.partial"
    mkdir -p "$(dirname "$root")"
    t0=$(date +%s)
    debootstrap --variant=minbase "$suite" "$root.partial" >"$root.debootstrap.log" 2>&1 || {
        tail -20 "$root.debootstrap.log" >&2
        echo "dist-check: debootstrap failed (full log: $root.debootstrap.log)" >&2
        exit 1
    }
    apt_cache="$root.partial/var/cache/apt/archives"
    rm -f "$apt_cache"/*.deb
    touch "$root.partial/.cargosim-bare-root"
    rm -rf --one-file-system "$root"
    mv "$root.partial" "$root"
    echo "dist-check: root ready in $(($(date +%s) - t0)) s"
fi

# Leftovers of an earlier run.
rm -rf --one-file-system "$root"/opt/cargosim-* "$root/tmp/dist-check" "$root/usr/local/bin/cargosim"
mkdir -p "$root/opt" "$root/tmp/dist-check"
tar -xzf "$tarball" -C "$root/opt"
package=$(basename "$tarball" .tar.gz)
[ -d "$root/opt/$package" ] || { echo "dist-check: $tarball does not unpack to $package/" >&2; exit 1; }
install -m 755 scripts/dist/check-inside.sh "$root/tmp/dist-check/check-inside.sh"

# /proc as on any machine (the program reads /proc/self/exe); the device files a minbase root in
# a container may lack, bound one by one (never the whole /dev, so no rm can reach the host's).
mount -t proc proc "$root/proc" 2>/dev/null || mount --bind /proc "$root/proc"
mounted+=("$root/proc")
for device in null zero random urandom; do
    if [ ! -c "$root/dev/$device" ]; then
        rm -f "$root/dev/$device"
        touch "$root/dev/$device"
        mount --bind "/dev/$device" "$root/dev/$device"
        mounted+=("$root/dev/$device")
    fi
done

status=0
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 /bin/bash /tmp/dist-check/check-inside.sh "/opt/$package" /tmp/dist-check || status=$?
unmount_all
echo "dist-check: $tarball ($(stat -c %s "$tarball") bytes) checked in the bare $suite root in $(($(date +%s) - started)) s"
exit "$status"
