#!/usr/bin/env bash
# `make run-cluster`: the demonstration of several instances on one database, all on this machine's loopback.
#
#   PostgreSQL 15   a cluster of its own (scripts/test-postgres.sh: trust authentication on 127.0.0.1, a demo only)
#   two instances   `cargosim serve --db postgres://… --state-dir $STATE --trusted-proxy 127.0.0.1`, sharing the
#                   state folder (the signing key, work files)
#   nginx           on http://127.0.0.1:$PORT/ in front of both (scripts/cluster-common.sh)
#
# The demo courses and accounts are those of `make run` (demo-setup prints the accounts). Ctrl-C stops everything and
# deletes the demonstration database. Kill one instance (its pid is printed) and the class carries on through the
# other; docs/operations.md describes a real deployment.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-common.sh
BIN=${BIN:-.build/debug/cargosim}
PORT=${PORT:-8080}
DEMO=${DEMO:-demo-course}
DEMO_TEST=${DEMO_TEST:-demo-test}
base=${CARGOSIM_CLUSTER_DIR:-/tmp/cargosim-cluster-$(id -u)}
export CARGOSIM_PG_DIR=$base/pg
cluster_tools nginx
nginx_binary=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$BIN" ] || { echo "run-cluster: $BIN is missing; run it through make run-cluster (it builds first)." >&2; exit 1; }

mkdir -p "$base"
chmod 755 "$base"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    scripts/test-postgres.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

url=$(scripts/test-postgres.sh start)
state=$base/state
rm -rf "$state"
"$BIN" validate "$DEMO" >/dev/null 2>&1 || "$BIN" generate --force --seed 7 --count 12 \
    --mix Cases/curricula/foundation-40.yaml --out "$DEMO" --title "Demonstration course (practice)"
"$BIN" validate "$DEMO_TEST" >/dev/null 2>&1 || "$BIN" generate --force --seed 7-test --count 8 \
    --mix Cases/curricula/foundation-40.yaml --out "$DEMO_TEST" --title "Demonstration test"
"$BIN" demo-setup --course "$DEMO" --test-course "$DEMO_TEST" --db "$url" --state-dir "$state"

ports=()
for n in 1 2; do
    p=$(cluster_free_port)
    "$BIN" serve --db "$url" --state-dir "$state" --port "$p" --trusted-proxy 127.0.0.1 --log-level warning \
        >"$base/instance-$n.log" 2>&1 &
    pids+=($!)
    # One after the other: the first start makes the signing key the second then reads.
    cluster_wait_health "$p" "$!" "$base/instance-$n.log"
    ports+=("$p")
done
cluster_nginx_conf "$base/nginx" "$PORT" "${ports[@]}"
"$nginx_binary" -c "$base/nginx/nginx.conf" -p "$base/nginx" &
pids+=($!)
sleep 0.5
kill -0 "${pids[2]}" 2>/dev/null || { echo "run-cluster: nginx did not start:" >&2; cat "$base/nginx/logs/error.log" >&2; exit 1; }
echo
echo "CargoSim cluster: open http://127.0.0.1:$PORT/ (nginx)"
echo "  instance 1: pid ${pids[0]}, port ${ports[0]}, log $base/instance-1.log"
echo "  instance 2: pid ${pids[1]}, port ${ports[1]}, log $base/instance-2.log"
echo "  database:   $url"
echo "Stop with Ctrl-C (stops all three and deletes the demonstration database)."
wait "${pids[2]}"
