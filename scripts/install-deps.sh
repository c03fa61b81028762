#!/usr/bin/env bash
# Installs the system packages CargoSim needs when they are missing (a fresh Debian machine):
# libpng (headers and pkg-config data) for PNGEncoding, SQLite's headers for GRDB (Storage), zlib's for
# course archives (CaseBundle; libpng-dev brings it), and python3
# for Assets/check_assets.py; PostgreSQL 15 (server and client) for the PostgreSQL store's tests
# (scripts/test-postgres.sh starts a throwaway cluster in `make test`).
# Safe to run again: it only calls apt-get when something is absent.
set -euo pipefail
missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -f /usr/include/png.h ] || [ -f /usr/include/libpng16/png.h ] || missing+=(libpng-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
[ -x /usr/lib/postgresql/15/bin/psql ] || missing+=(postgresql-client-15)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq --no-install-recommends --no-upgrade "${missing[@]}"
    else
        echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi
