#!/bin/bash
# Runs inside the bare Debian root (see scripts/dist-check.sh), as a trainee's machine would:
# no Swift toolchain, no libpng, no curl. Usage: check-inside.sh PACKAGE_DIR WORK_DIR
set -euo pipefail
pkg=$1
work=$2
checks=0
step() {
    checks=$((checks + 1))
    echo "dist-check [$checks] $*"
}
fail() {
    echo "dist-check: FAILED: $*" >&2
    exit 1
}
trap 'echo "dist-check: FAILED at check $checks (line $LINENO: $BASH_COMMAND)" >&2' ERR

step "the root is bare: no swift, no Swift runtime, no libpng outside the package"
if command -v swift >/dev/null 2>&1; then fail "swift is installed in the bare root"; fi
strays=$(find / -xdev \( -name 'libswiftCore.so*' -o -name 'libFoundation*.so*' -o -name 'libpng16.so*' \) \
    -not -path "$pkg/*" -print 2>/dev/null || true)
[ -z "$strays" ] || fail "the bare root already has: $strays"

step "every shared library the program needs is found (ldd)"
ldd "$pkg/libexec/cargosim" >"$work/ldd.txt"
if grep -q 'not found' "$work/ldd.txt"; then fail "missing libraries: $(grep 'not found' "$work/ldd.txt")"; fi

step "the program runs directly (rpath to lib/) and through a symbolic link to the start script"
"$pkg/libexec/cargosim" --version | grep -q '^cargosim [0-9]' || fail "libexec/cargosim --version"
ln -sf "$pkg/bin/cargosim" /usr/local/bin/cargosim
cargosim --version
cargosim --help >"$work/help.txt"
grep -q 'generate' "$work/help.txt" || fail "--help does not list generate"

step "the guides travel with the program"
for guide in trainee-guide.md trainee-guide.es.md instructor-guide.pt.md certification.md operations.md; do
    [ -s "$pkg/docs/$guide" ] || fail "docs/$guide is not in the package"
done

cd "$work"
step "generate a small course with scans"
cargosim generate --seed 20261129 --count 4 --mix "$pkg/Cases/curricula/foundation-40.yaml" --out course
cases=(course/cases/*/)
[ "${#cases[@]}" -eq 4 ] || fail "expected 4 cases, found ${#cases[@]}"
scans=$(find course/stages/screening -name 'scan-high.png' | wc -l)
[ "$scans" -ge 1 ] || fail "no scan-high.png in the course"
signature=$(head -c 8 "$(find course/stages/screening -name 'scan-high.png' | head -1)" | od -An -tx1 | tr -d ' \n')
[ "$signature" = 89504e470d0a1a0a ] || fail "scan-high.png is not a PNG (signature $signature)"
echo "  $scans scans"

step "validate the course"
cargosim validate course

step "validate with the package's Assets found next to the program (no CARGOSIM_ASSETS)"
env -u CARGOSIM_ASSETS "$pkg/libexec/cargosim" validate course >/dev/null

step "the trainee pack: the papers only, never a key"
cargosim trainee-pack course --out pack >/dev/null
[ ! -e pack/keys ] && [ ! -e pack/stages ] || fail "trainee-pack copied keys/ or a later stage"
cargosim validate pack >/dev/null

step "show a case in Spanish, without its answer key"
cargosim show "${cases[0]}" --lang es >"$work/show-es.txt"
grep -q 'Conocimiento de embarque' "$work/show-es.txt" || fail "show --lang es has no Spanish headings"
if grep -q 'Clave de respuestas' "$work/show-es.txt"; then fail "show without --keys printed the answer key"; fi

# `cargosim serve --help` succeeds even without the command (the root help), so look for its usage line.
if cargosim serve --help 2>/dev/null | grep -q 'cargosim serve'; then
    step "serve on a temporary database and answer /api/health"
    port=$((20000 + RANDOM % 20000))
    cargosim serve --db "$work/server.db" --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
    server=$!
    response=""
    for _ in $(seq 1 60); do
        if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
            printf 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
            response=$(cat <&3 || true)
            exec 3<&-
            break
        fi
        kill -0 "$server" 2>/dev/null || break
        sleep 0.5
    done
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    if ! grep -q '"status" *: *"ok"' <<<"$response"; then
        cat "$work/serve.log" >&2
        fail "GET /api/health answered: ${response:-nothing}"
    fi
    head -1 <<<"$response"
else
    echo "dist-check: this build has no serve command yet; the server check is skipped"
fi

echo "dist-check: all $checks checks passed in the bare root"
