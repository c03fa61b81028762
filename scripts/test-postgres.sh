#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback for the tests and benchmarks of the PostgreSQL store.
#
#   scripts/test-postgres.sh start   creates and starts it (when not running) and prints its URL
#   scripts/test-postgres.sh url     prints the URL of the running cluster
#   scripts/test-postgres.sh stop    stops it and deletes its files
#   scripts/test-postgres.sh run CMD…  starts a cluster of its own, runs CMD with CARGOSIM_TEST_POSTGRES_URL and
#                                      CARGOSIM_REQUIRE_POSTGRES=1 exported, and stops it afterwards whatever
#                                      happens (what `make test` does); exits with CMD's status
#
# The cluster lives in $CARGOSIM_PG_DIR (default /tmp/cargosim-test-pg-<uid>): data, socket, log and port.
# It listens on 127.0.0.1 only, on a free port, with trust authentication (loopback, a test cluster: never
# use this for real data). Its user and database are both `cargosim`. Run as root, the server runs as the
# `postgres` user (PostgreSQL refuses to run as root). Binaries: /usr/lib/postgresql/15/bin (postgresql-15,
# which scripts/install-deps.sh installs).
set -euo pipefail
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=${CARGOSIM_PG_DIR:-/tmp/cargosim-test-pg-$(id -u)}
DATA=$DIR/data

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

url() {
    [ -f "$DIR/port" ] || { echo "No test cluster in $DIR; start it with: $0 start" >&2; exit 1; }
    echo "postgres://cargosim@127.0.0.1:$(cat "$DIR/port")/cargosim?sslmode=disable"
}

running() { [ -f "$DATA/PG_VERSION" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

case "${1:-}" in
start)
    [ -x "$BIN/initdb" ] || {
        echo "PostgreSQL 15 is not installed ($BIN/initdb); run scripts/install-deps.sh (as root) or apt-get install postgresql-15." >&2
        exit 1
    }
    if running; then url; exit 0; fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chmod 700 "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    as_owner "$BIN/initdb" -D "$DATA" -U cargosim --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log" 2>&1 || {
        cat "$DIR/initdb.log" >&2
        exit 1
    }
    # A port taken between choosing and binding: try again with another.
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 \
            -o "-p $port -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=500 -c shared_buffers=128MB" \
            start >/dev/null; then
            echo "$port" >"$DIR/port"
            break
        fi
        [ "$attempt" = 5 ] && { tail -20 "$DIR/server.log" >&2; exit 1; }
    done
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$port" -U cargosim cargosim
    url
    ;;
url) url ;;
run)
    shift
    [ $# -gt 0 ] || { echo "Usage: $0 run COMMAND [ARGS…]" >&2; exit 2; }
    # A cluster of its own, so that a cluster started by hand is left alone.
    CARGOSIM_PG_DIR=$(mktemp -d /tmp/cargosim-test-pg-XXXXXX)
    export CARGOSIM_PG_DIR
    trap '"$0" stop' EXIT
    trap 'exit 130' INT TERM
    CARGOSIM_TEST_POSTGRES_URL=$("$0" start)
    export CARGOSIM_TEST_POSTGRES_URL CARGOSIM_REQUIRE_POSTGRES=1
    echo "Test PostgreSQL: $CARGOSIM_TEST_POSTGRES_URL" >&2
    status=0
    "$@" || status=$?
    exit $status
    ;;
stop)
    if running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
    rm -rf "$DIR"
    ;;
*)
    echo "Usage: $0 start|url|stop|run COMMAND…" >&2
    exit 2
    ;;
esac
