#!/usr/bin/env bash
# `make bench-cluster`: several instances on one PostgreSQL database behind nginx, under a class's load, and the
# faults of issue 22 — all on loopback, with the release cargosim and wrk (scripts/bench/trainee.lua).
#
#   sqlite    one instance on SQLite: 200 trainees (BENCH_TRAINEES) working their cases at a person's pace (each
#             waits about BENCH_THINK_MS, 1 s, before each request): p50/p99 of the case and decision calls;
#   cluster   the same on two instances on PostgreSQL behind nginx;
#   kill      the same load while one instance or the other is killed with kill -9 and started again, 20 times
#             (BENCH_KILLS); afterwards every decision acknowledged (201) must be in the database exactly once and
#             every trainee's session must still be accepted;
#   restart   the same load while PostgreSQL is restarted (pg_ctl restart -m fast) under it: requests during the
#             outage answer 503 with Retry-After, the instances recover without being restarted, and every
#             acknowledged decision is there.
# Prints a table and writes it to bench-results/cluster-<UTC time>.txt. Fails (non-zero) when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-common.sh
swift=${SWIFT:-swift}
trainees=${BENCH_TRAINEES:-200}
cases=${BENCH_CASES:-24}
duration=${BENCH_SECONDS:-20}
think=${BENCH_THINK_MS:-1000}
kills=${BENCH_KILLS:-20}
password=bench-only-password
cluster_tools wrk nginx
nginx_binary=$(command -v nginx || echo /usr/sbin/nginx)
cargosim=$(bench_cargosim "$swift")

work=$(mktemp -d /tmp/cargosim-bench-cluster.XXXXXX)
chmod 755 "$work"
export CARGOSIM_PG_DIR=$work/pg
pids=()
cleanup() {
    local all=("${pids[@]}" $(cat "$work"/pid-* 2>/dev/null))
    for pid in "${all[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    # Instances the kill loop started are not this shell's children: wait for them too (at most 30 s, then
    # SIGKILL) before PostgreSQL stops, or one still serving a request would wait for the database for ever.
    for _ in $(seq 1 60); do
        alive=0
        for pid in "${all[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.5
    done
    for pid in "${all[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    scripts/test-postgres.sh stop >/dev/null 2>&1 || true
    [ -n "${BENCH_KEEP:-}" ] && echo "bench-cluster: files kept in $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
pg_url=$(scripts/test-postgres.sh start)
pg_ctl() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl "$@"; else /usr/lib/postgresql/15/bin/pg_ctl "$@"; fi; }
psql_query() { /usr/lib/postgresql/15/bin/psql "$pg_url" -At -c "$1"; }

mkdir -p bench-results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
txt="bench-results/cluster-$stamp.txt"
tsv="$work/figures.tsv"
: >"$tsv"
say() { echo "$*" | tee -a "$txt"; }

say "bench-cluster: $cases cases with scans, $trainees trainees (2 assignments each), ${duration}s per run, think ${think} ms"
"$cargosim" generate --seed 5150 --count "$cases" --mix Cases/curricula/foundation-40.yaml --out "$work/course" --quiet \
    >/dev/null
{
    echo "username,displayName,role,language,password"
    for i in $(seq -w 1 "$trainees"); do echo "bench$i,Bench Trainee $i,trainee,en,$password"; done
} >"$work/trainees.csv"
usernames=()
for i in $(seq -w 1 "$trainees"); do usernames+=("bench$i"); done
user_list=$(IFS=,; echo "${usernames[*]}")

# A database (SQLite path or PostgreSQL URL) with the course, the trainees and two assignments each.
fill() { # db [state-dir]
    local db=$1
    shift
    local course_id
    course_id=$("$cargosim" course import "$work/course" --keys "$work/course/keys" --db "$db" "$@" \
        | sed -n 's/^Imported course \([^ ]*\) .*/\1/p')
    [ -n "$course_id" ] || { echo "bench-cluster: course import printed no course id" >&2; exit 1; }
    "$cargosim" users import "$work/trainees.csv" --db "$db" --bcrypt-cost 4 "$@" >/dev/null
    "$cargosim" assign --course "$course_id" --users "$user_list" --mode training --db "$db" "$@" >/dev/null
    "$cargosim" assign --course "$course_id" --users "$user_list" --mode training --db "$db" "$@" >/dev/null
}

# Starts `cargosim serve` in the background, its process id in $work/pid-<name> (which the clean-up reads, and the
# killer below rewrites when it starts the instance again), and waits until it answers.
start_instance() { # name db port [args…]
    local name=$1 db=$2 port=$3
    shift 3
    "$cargosim" serve --db "$db" --port "$port" --log-level error --max-connections 2048 \
        --max-connections-per-address 2048 "$@" >>"$work/$name.log" 2>&1 &
    echo $! >"$work/pid-$name"
    cluster_wait_health "$port" "$!" "$work/$name.log"
}

export CARGOSIM_BENCH_THINK_MS=$think
run_load() { # name url seconds [acks-file]
    local name=$1 url=$2 seconds=$3
    say "--- $name: wrk -t$trainees -c$trainees -d${seconds}s (work, paced)"
    CARGOSIM_BENCH_OUT="$tsv" CARGOSIM_BENCH_RUN="$name" CARGOSIM_BENCH_ACKS="${4:-}" \
        wrk -t"$trainees" -c"$trainees" -d"${seconds}s" --latency --timeout 10s -s scripts/bench/trainee.lua \
        "$url" -- work "$work/sessions-$name.tsv" | tee -a "$txt"
}

# Every acknowledged decision present exactly once (the store's unique key forbids twice; absent would be lost).
check_acks() { # name acks-file
    local name=$1 acks=$2 total missing
    total=$(wc -l <"$acks")
    psql_query "SELECT assignmentId || ' ' || caseId || ' ' || stage FROM decision" | sort >"$work/stored-$name.txt"
    missing=$(sort "$acks" | comm -23 - "$work/stored-$name.txt" | wc -l)
    duplicated=$(psql_query "SELECT count(*) FROM (SELECT 1 FROM decision GROUP BY assignmentId, userId, caseId, stage HAVING count(*) > 1) d")
    say "$name: $total decisions acknowledged; missing from the database: $missing; stored twice: $duplicated"
    [ "$missing" = 0 ] && [ "$duplicated" = 0 ] || { say "bench-cluster: FAILED ($name lost decisions)"; exit 1; }
}

# Every trainee's session still accepted through nginx.
check_sessions() { # name url
    local name=$1 url=$2 accepted
    accepted=$(python3 - "$url" "$work/sessions-$name.tsv" <<'PY'
import sys, urllib.request
ok = 0
for line in open(sys.argv[2]):
    cookie = line.split("\t")[0]
    request = urllib.request.Request(sys.argv[1] + "/api/me", headers={"Cookie": "cargosim_session=" + cookie})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            ok += r.status == 200
    except Exception:
        pass
print(ok)
PY
)
    say "$name: sessions still accepted: $accepted of $trainees"
    [ "$accepted" = "$trainees" ] || { say "bench-cluster: FAILED ($name lost sessions)"; exit 1; }
}

# 1. One instance on SQLite.
fill "$work/bench.sqlite"
sqlite_port=$(cluster_free_port)
start_instance sqlite "$work/bench.sqlite" "$sqlite_port"
python3 scripts/bench/prepare.py "http://127.0.0.1:$sqlite_port" "$password" "$work/sessions-sqlite.tsv" \
    "${usernames[@]}" >/dev/null
run_load sqlite "http://127.0.0.1:$sqlite_port" "$duration"
kill "$(cat "$work/pid-sqlite")"
wait "$(cat "$work/pid-sqlite")" 2>/dev/null || true
rm "$work/pid-sqlite"

# 2. Two instances on PostgreSQL behind nginx (one database for this and the fault runs that follow; each run works
#    cases the runs before left undecided).
state=$work/state
fill "$pg_url" --state-dir "$state"
port_a=$(cluster_free_port)
port_b=$(cluster_free_port)
cluster_args=(--state-dir "$state" --trusted-proxy 127.0.0.1)
start_instance a "$pg_url" "$port_a" "${cluster_args[@]}"
start_instance b "$pg_url" "$port_b" "${cluster_args[@]}"
nginx_port=$(cluster_free_port)
cluster_nginx_conf "$work/nginx" "$nginx_port" "$port_a" "$port_b"
"$nginx_binary" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
sleep 0.5
front="http://127.0.0.1:$nginx_port"
python3 scripts/bench/prepare.py "$front" "$password" "$work/sessions-cluster.tsv" "${usernames[@]}" >/dev/null
cp "$work/sessions-cluster.tsv" "$work/sessions-kill.tsv"
cp "$work/sessions-cluster.tsv" "$work/sessions-restart.tsv"
run_load cluster "$front" "$duration" "$work/acks-cluster.txt"
check_acks cluster "$work/acks-cluster.txt"

# 3. kill -9 of one instance, then the other, $kills times, each started again on its port.
kill_seconds=$((kills * 3 + 5))
(
    sleep 3
    for i in $(seq 1 "$kills"); do
        name=$([ $((i % 2)) = 1 ] && echo a || echo b)
        port=$([ "$name" = a ] && echo "$port_a" || echo "$port_b")
        pid=$(cat "$work/pid-$name" 2>/dev/null || echo "")
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
        sleep 1
        start_instance "$name" "$pg_url" "$port" "${cluster_args[@]}" >/dev/null 2>&1 || true
        sleep 1
    done
) &
killer=$!
run_load kill "$front" "$kill_seconds" "$work/acks-kill.txt"
wait "$killer"
say "kill: $kills instances killed with kill -9 and started again under load"
check_acks kill "$work/acks-kill.txt"
check_sessions kill "$front"

# 4. PostgreSQL restarted under load (the instances keep running).
(
    sleep 6
    pg_ctl -D "$CARGOSIM_PG_DIR/data" -w -t 60 -m fast restart >/dev/null
    date +%s.%N >"$work/restarted"
) &
restarter=$!
run_load restart "$front" "$duration" "$work/acks-restart.txt"
wait "$restarter"
check_acks restart "$work/acks-restart.txt"
check_sessions restart "$front"
code=$(python3 -c "import urllib.request; print(urllib.request.urlopen('$front/api/health', timeout=10).status)")
say "restart: /api/health after the restart: $code (instances not restarted)"

say ""
say "run       call        requests   p50 ms   p99 ms   max ms"
awk -F'\t' '$2 == "case" || $2 == "decision" { printf "%-9s %-9s %10d %8.1f %8.1f %8.1f\n", $1, $2, $3, $5, $6, $7 }' \
    "$tsv" | tee -a "$txt"
say "bench-cluster: figures in $txt"
