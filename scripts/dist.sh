#!/usr/bin/env bash
# Builds the self-contained tarball dist/cargosim-<version>-linux-<arch>.tar.gz: the release
# cargosim with the Swift standard library and Foundation linked in (--static-swift-stdlib), the
# shared libraries a bare Debian lacks (libpng) under lib/, Assets/, Cases/, the start script
# bin/cargosim and a README. It runs where no Swift toolchain is installed; `make dist-check`
# proves that in a bare Debian root.
#
# Usage: scripts/dist.sh [OUT_DIR]   (default: dist)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
swift=${SWIFT:-swift}
started=$(date +%s)

# The libraries every Debian or Ubuntu machine has (glibc, the GCC runtime, zlib): not bundled.
# Anything else the binary needs goes into lib/.
system_library() {
    case "$1" in
        linux-vdso.so.* | ld-linux-*.so.* | libc.so.* | libm.so.* | libdl.so.* | libpthread.so.* | librt.so.* \
            | libutil.so.* | libresolv.so.* | libgcc_s.so.* | libstdc++.so.* | libz.so.*) return 0 ;;
        *) return 1 ;;
    esac
}

echo "dist: building the release cargosim with the static Swift standard library"
# $ORIGIN/../lib: the packaged program finds the bundled libraries without the start script too.
"$swift" build -c release --product cargosim --static-swift-stdlib -Xlinker -rpath -Xlinker '$ORIGIN/../lib'
bin_dir=$("$swift" build -c release --show-bin-path)
binary="$bin_dir/cargosim"

version=$("$binary" --version | awk '{print $NF}')
arch=$(uname -m)
name="cargosim-$version-linux-$arch"
stage="$out/$name"
rm -rf "$stage" "$out/$name.tar.gz"
mkdir -p "$stage/bin" "$stage/libexec" "$stage/lib"

cp "$binary" "$stage/libexec/cargosim"
strip --strip-unneeded "$stage/libexec/cargosim"
install -m 755 scripts/dist/cargosim "$stage/bin/cargosim"

bundled=()
while read -r library _ path _; do
    system_library "$library" && continue
    if [ "$path" = "not" ] || [ ! -f "$path" ]; then
        echo "dist: the release binary needs $library, which this machine cannot find (ldd says 'not found'); install it and run make dist again" >&2
        exit 1
    fi
    cp -L "$path" "$stage/lib/$library"
    chmod 644 "$stage/lib/$library"
    bundled+=("$library")
done < <(ldd "$binary" | awk '/=>/ {print $1, $2, $3, $4}')
if ldd "$binary" | grep -q 'libswiftCore\|libFoundation'; then
    echo "dist: the binary still loads the Swift runtime dynamically; --static-swift-stdlib did not take" >&2
    exit 1
fi

mkdir -p "$stage/Assets" "$stage/Cases"
cp -R Assets/. "$stage/Assets/"
rm -f "$stage/Assets/check_assets.py"
cp -R Cases/. "$stage/Cases/"
# The guides (trainee, instructor, certification, operations, in their languages) travel with the program.
mkdir -p "$stage/docs"
cp -R docs/. "$stage/docs/"
sed -e "s/@VERSION@/$version/g" -e "s/@NAME@/$name/g" scripts/dist/README.md >"$stage/README.md"
find "$stage" -name '.DS_Store' -delete

# Same inputs, same tarball: sorted names, no owners, the commit's time for every file.
stamp=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" -C "$out" -cf - "$name" \
    | gzip -9 -n >"$out/$name.tar.gz"
rm -rf "$stage"

echo "dist: bundled libraries: ${bundled[*]:-none}"
echo "dist: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1), $(stat -c %s "$out/$name.tar.gz") bytes) in $(($(date +%s) - started)) s"
