# Shared by scripts/run-cluster.sh, scripts/bench-cluster.sh and scripts/bench-server.sh (sourced, not run):
# the tools, free ports, health waits and nginx in front of `cargosim serve` instances, all on loopback.

# Installs nginx (and wrk when asked) from Debian when missing; as root only, else says what to run.
cluster_tools() { # tool…
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 && continue
        [ "$tool" = nginx ] && [ -x /usr/sbin/nginx ] && continue
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && apt-get install -y -qq "$([ "$tool" = nginx ] && echo nginx-light || echo "$tool")" >/dev/null
        else
            echo "cluster: $tool is missing; install it with: sudo apt-get install $([ "$tool" = nginx ] && echo nginx-light || echo "$tool")" >&2
            exit 1
        fi
    done
}

# The cargosim to benchmark: BENCH_BINARY when given (a quick trial of a script), else a release build.
bench_cargosim() { # swift
    if [ -n "${BENCH_BINARY:-}" ]; then
        echo "$BENCH_BINARY"
    else
        "$1" build -c release --product cargosim >&2
        echo "$("$1" build -c release --show-bin-path)/cargosim"
    fi
}

cluster_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until the server on PORT answers /api/health (PID must stay alive; LOG is shown if it dies).
cluster_wait_health() { # port pid log
    local port=$1 pid=$2 log=$3
    for _ in $(seq 1 150); do
        if python3 - "$port" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/health", timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
PY
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "cluster: the server on port $port exited; its log:" >&2
            tail -30 "$log" >&2
            return 1
        fi
        sleep 0.2
    done
    echo "cluster: no answer from port $port after 30 s" >&2
    return 1
}

# Writes DIR/nginx.conf: nginx on 127.0.0.1:PORT in front of the instances on the given ports. A request that cannot
# reach an instance (connection refused or reset: the instance stopped) goes to the next one when it is safe to send
# again (GET, HEAD); a POST is never sent twice (nginx's default), so a decision is made at most once and the trainee
# sees an error to retry. Clients' addresses are forwarded (X-Forwarded-For) for the instances' sign-in limits.
cluster_nginx_conf() { # dir port instance-port…
    local dir=$1 port=$2
    shift 2
    mkdir -p "$dir/logs" "$dir/temp"
    {
        echo "worker_processes 1;"
        echo "daemon off;"
        echo "pid $dir/nginx.pid;"
        echo "error_log $dir/logs/error.log warn;"
        echo "events { worker_connections 4096; }"
        echo "http {"
        echo "    access_log off;"
        echo "    client_max_body_size 2g;"
        echo "    client_body_temp_path $dir/temp/body;"
        echo "    proxy_temp_path $dir/temp/proxy;"
        echo "    fastcgi_temp_path $dir/temp/fastcgi;"
        echo "    uwsgi_temp_path $dir/temp/uwsgi;"
        echo "    scgi_temp_path $dir/temp/scgi;"
        echo "    upstream cargosim {"
        local p
        # max_fails=0: always try each instance; on loopback a stopped one refuses at once and the request moves
        # on (marking it down for a while left windows with every instance marked down while one was up again).
        for p in "$@"; do echo "        server 127.0.0.1:$p max_fails=0;"; done
        echo "        keepalive 64;"
        echo "    }"
        echo "    server {"
        echo "        listen 127.0.0.1:$port;"
        echo "        location / {"
        echo "            proxy_pass http://cargosim;"
        echo "            proxy_http_version 1.1;"
        echo "            proxy_set_header Connection \"\";"
        echo "            proxy_set_header Host \$http_host;"
        echo "            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;"
        echo "            proxy_next_upstream error timeout;"
        echo "            proxy_connect_timeout 1s;"
        echo "            proxy_read_timeout 120s;"
        echo "            proxy_request_buffering off;"
        echo "            proxy_buffering off;"
        echo "        }"
        echo "    }"
        echo "}"
    } >"$dir/nginx.conf"
}
