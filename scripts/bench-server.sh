#!/usr/bin/env bash
# The training server's load bench (`make bench-server`): the release cargosim on loopback with a
# temporary database holding a generated course with scans and 200 trainee accounts, each
# assigned the course (twice, so that there are enough stages to decide); wrk from Debian drives
# it with one connection per trainee, each signed in with its own session (scripts/bench/).
#
# Runs, each with 200 trainees at once (BENCH_TRAINEES):
#   scan    every trainee fetches the high-energy scan of a case it has opened to screening;
#   nginx   nginx serves the same PNG files from the course folder: the throughput to compare;
#   case    every trainee opens its case views, round and round;
#   work    every trainee works its cases as the browser does: case view, decision of the current
#           stage (each one real: the first decision of that stage of that case), the scan once
#           screening is open, the examination before its decision;
#   paced   the same work, each trainee pausing about BENCH_THINK_MS (1 s) before each request, as a
#           person reading the case does: latency at a class's pace rather than at saturation
#           (the runs above keep 200 requests in flight at all times and so measure the queue); the
#           cases are worked from the last one back, so that they are still undecided however far the
#           work run got from the front.
# Prints a table and writes it with the raw figures to bench-results/server-<UTC time>.{txt,tsv}.
# Traffic goes to 127.0.0.1 only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/cluster-common.sh
swift=${SWIFT:-swift}
trainees=${BENCH_TRAINEES:-200}
cases=${BENCH_CASES:-24}
assignments=${BENCH_ASSIGNMENTS:-2}
duration=${BENCH_SECONDS:-15}
think=${BENCH_THINK_MS:-1000}
password=bench-only-password

cluster_tools wrk nginx
nginx_binary=$(command -v nginx || echo /usr/sbin/nginx)
cargosim=$(bench_cargosim "$swift")

work=$(mktemp -d /tmp/cargosim-bench-server.XXXXXX)
chmod 755 "$work" # nginx's workers (www-data) read the course's files
server_pid=""
nginx_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

echo "bench-server: course of $cases cases with scans, $trainees trainees, $assignments assignments each"
"$cargosim" generate --seed 5150 --count "$cases" --mix Cases/curricula/foundation-40.yaml --out "$work/course" --quiet \
    >/dev/null
db="$work/bench.db"
course_id=$("$cargosim" course import "$work/course" --keys "$work/course/keys" --db "$db" \
    | sed -n 's/^Imported course \([^ ]*\) .*/\1/p')
[ -n "$course_id" ] || { echo "bench-server: course import printed no course id" >&2; exit 1; }
usernames=()
{
    echo "username,displayName,role,language,password"
    for i in $(seq -w 1 "$trainees"); do
        echo "bench$i,Bench Trainee $i,trainee,en,$password"
    done
} >"$work/trainees.csv"
for i in $(seq -w 1 "$trainees"); do usernames+=("bench$i"); done
"$cargosim" users import "$work/trainees.csv" --db "$db" --bcrypt-cost 4 >/dev/null
user_list=$(IFS=,; echo "${usernames[*]}")
for _ in $(seq 1 "$assignments"); do
    "$cargosim" assign --course "$course_id" --users "$user_list" --mode training --db "$db" >/dev/null
done

port=$(cluster_free_port)
# Every simulated trainee connects from 127.0.0.1: lift the per-address connection cap (64) above their number.
"$cargosim" serve --db "$db" --host 127.0.0.1 --port "$port" --max-connections 1024 \
    --max-connections-per-address 1024 >"$work/serve.log" 2>&1 &
server_pid=$!
cluster_wait_health "$port" "$server_pid" "$work/serve.log"
python3 scripts/bench/prepare.py "http://127.0.0.1:$port" "$password" "$work/sessions.tsv" "${usernames[@]}"

# nginx on the same PNG files (the course folder as the trainee pack has them).
nginx_port=$(cluster_free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    types { image/png png; }
    server { listen 127.0.0.1:$nginx_port; root $work/course/cases; }
}
NGINX
"$nginx_binary" -c "$work/nginx/nginx.conf" -p "$work/nginx" &
nginx_pid=$!
cut -f4 "$work/sessions.tsv" | sed 's/^[0-9]*:\(.*\)$/\/\1\/scan-high.png/' >"$work/nginx-paths.txt"

mkdir -p bench-results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tsv="bench-results/server-$stamp.tsv"
txt="bench-results/server-$stamp.txt"
: >"$tsv"
threads=$trainees
wrk_run() { # name seconds wrk arguments...
    local name=$1 seconds=$2
    shift 2
    echo "--- $name: wrk -t$threads -c$trainees -d${seconds}s $*" | tee -a "$txt"
    CARGOSIM_BENCH_OUT="$tsv" CARGOSIM_BENCH_RUN="$name" wrk -t"$threads" -c"$trainees" -d"${seconds}s" --latency \
        --timeout 10s "$@" | tee "$work/$name.wrk" | tee -a "$txt"
}
url="http://127.0.0.1:$port"
wrk -t2 -c20 -d3s -s scripts/bench/files.lua "$url" -- scan "$work/sessions.tsv" >/dev/null # warm-up
wrk_run scan "$duration" -s scripts/bench/files.lua "$url" -- scan "$work/sessions.tsv"
wrk_run nginx "$duration" -s scripts/bench/files.lua "http://127.0.0.1:$nginx_port" -- file "$work/nginx-paths.txt"
wrk_run case "$duration" -s scripts/bench/trainee.lua "$url" -- case "$work/sessions.tsv"
wrk_run work "$duration" -s scripts/bench/trainee.lua "$url" -- work "$work/sessions.tsv"
export CARGOSIM_BENCH_THINK_MS=$think
wrk_run paced "$duration" -s scripts/bench/trainee.lua "$url" -- work "$work/sessions.tsv" reverse
unset CARGOSIM_BENCH_THINK_MS

python3 scripts/bench/summary.py "$tsv" "$work/scan.wrk" "$work/nginx.wrk" | tee -a "$txt"
echo "bench-server: figures in $txt and $tsv"
