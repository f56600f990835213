#!/usr/bin/env bash
# Measures what the router adds to a request, in one run, three ways over the same fast
# upstream: wrk → agent directly; wrk → nginx (reverse proxy in the router's place) → agent;
# wrk → switchyard-router → agent. The agent's GGUF engine is an nginx serving a fixed chat
# completion (declared with --engine gguf=URL), so the numbers measure the proxies, not a model.
# Also reports the CPU time the proxy under test (nginx or the router) and the agent spent per
# request (from /proc), and runs the node-selection micro-benchmark. Prints Markdown tables.
#
# Usage: [ROUTER_EVENT_LOOPS=N] scripts/bench/router-overhead.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
cd "$REPO_ROOT"
duration="${1:-10}"
connections="${2:-16}"

ensure_apt_packages nginx-light wrk curl
bash scripts/models/fetch-models.sh >/dev/null
swift build -c release --static-swift-stdlib --product switchyard-router >/dev/null
swift build -c release --static-swift-stdlib --product switchyard-agent >/dev/null
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pidfile in "$work"/nginx-*.pid; do kill "$(cat "$pidfile")" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
engine_port=$(free_port) agent_port=$(free_port) router_port=$(free_port) proxy_port=$(free_port)
token="bench-node-$RANDOM$RANDOM" admin="bench-admin-$RANDOM$RANDOM"
model="HuggingFaceTB/SmolLM2-135M-Instruct"

# Two nginx instances, one worker each: the fake engine, and the reverse proxy standing in for the
# router (apart, so the proxy's CPU time can be read on its own).
# nginx_conf ROLE: a one-worker configuration whose http block holds the server block on stdin.
nginx_conf() {
    local servers
    servers="$(cat)"
    cat <<NGINX
worker_processes 1;
pid $work/nginx-$1.pid;
error_log $work/nginx-$1.log warn;
events { worker_connections 1024; }
http {
    access_log off;
$servers
}
NGINX
}
nginx_conf engine >"$work/engine.conf" <<SERVER
    server {
        listen 127.0.0.1:$engine_port;
        location /v1/ {
            default_type application/json;
            return 200 '{"id":"bench","object":"chat.completion","created":0,"model":"$model","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}';
        }
    }
SERVER
nginx_conf proxy >"$work/proxy.conf" <<SERVER
    upstream agent { server 127.0.0.1:$agent_port; keepalive 64; }
    server {
        listen 127.0.0.1:$proxy_port;
        location / {
            proxy_pass http://agent;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Authorization "Bearer $token";
            proxy_buffering off;
        }
    }
SERVER
for role in engine proxy; do nginx -c "$work/$role.conf" -e "$work/nginx-$role.log"; done
# The proxy's worker process (the master only supervises).
nginx_worker() { pgrep -P "$(cat "$work/nginx-proxy.pid")" | head -1; }

mkdir -p "$work/models/HuggingFaceTB"
ln -s "$SWITCHYARD_CACHE/models/$model" "$work/models/$model"
# The router gets one event loop, as the proxy nginx it is compared with gets one worker
# (ROUTER_EVENT_LOOPS=N to change that).
SWITCHYARD_ADMIN_KEY="$admin" SWITCHYARD_NODE_TOKEN="$token" "$bin/switchyard-router" serve --port "$router_port" \
    --data-dir "$work/router" --log-level warning --event-loops "${ROUTER_EVENT_LOOPS:-1}" >"$work/router.log" 2>&1 &
pids+=($!)
sleep 1
SWITCHYARD_NODE_TOKEN="$token" "$bin/switchyard-agent" serve --router "http://127.0.0.1:$router_port" --host 127.0.0.1 \
    --port "$agent_port" --models-dir "$work/models" --engine "gguf=http://127.0.0.1:$engine_port" --slots 256 \
    --log-level warning >"$work/agent.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    curl -fs -H "Authorization: Bearer $admin" "http://127.0.0.1:$router_port/v1/models" | grep -q SmolLM2 && break
    sleep 0.1
done

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"$model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
LUA

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
    local label="$1" url="$2" auth="$3" proxy="${4:-}"
    curl -fs -o /dev/null -H "Authorization: $auth" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$model\",\"messages\":[]}" "$url" || die "$label: the warm-up request failed"
    local out proxy0=0 agent0 proxy1=0 agent1
    [ -n "$proxy" ] && proxy0=$(cpu_ticks "$proxy")
    agent0=$(cpu_ticks "${pids[1]}")
    out=$(BENCH_AUTH="$auth" wrk -t"$((connections < 2 ? 1 : 2))" -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "$url")
    [ -n "$proxy" ] && proxy1=$(cpu_ticks "$proxy")
    agent1=$(cpu_ticks "${pids[1]}")
    local rps p50 p99 errors requests tick_us
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    tick_us=$((1000000 / $(getconf CLK_TCK)))
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$rps" "$p50" "$p99" "${errors:-0}" \
        "$(((proxy1 - proxy0) * tick_us / requests))" "$(((agent1 - agent0) * tick_us / requests))"
}

echo "wrk: $((connections < 2 ? 1 : 2)) thread(s), $connections connection(s), ${duration} s per run, $(nproc) cores shared by everything"
echo
echo "| path | requests/s | p50 | p99 | non-2xx | proxy CPU µs/request | agent CPU µs/request |"
echo "|---|---|---|---|---|---|---|"
run "client → agent (direct)" "http://127.0.0.1:$agent_port/v1/chat/completions" "Bearer $token"
run "client → nginx → agent" "http://127.0.0.1:$proxy_port/v1/chat/completions" "Bearer $token" "$(nginx_worker)"
run "client → switchyard-router → agent" "http://127.0.0.1:$router_port/v1/chat/completions" "Bearer $admin" "${pids[0]}"
echo
echo "Router's own time per request (X-Switchyard-Router-Time-Ms, 200 sequential requests):"
for _ in $(seq 200); do
    curl -s -D - -o /dev/null -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$model\",\"messages\":[]}" "http://127.0.0.1:$router_port/v1/chat/completions" \
        | awk -F': ' 'tolower($1) == "x-switchyard-router-time-ms" {print $2 + 0}'
done | sort -n | awk '{a[NR]=$1} END {printf "p50 %.3f ms, p99 %.3f ms\n", a[int(NR*0.5)], a[int(NR*0.99)]}'
echo
echo "Node selection (reserve + release a slot), 1,000 nodes × 100 models:"
"$bin/switchyard-router" benchmark-selection
"$bin/switchyard-router" benchmark-selection --busy
"$bin/switchyard-router" benchmark-selection --models-per-node 100 --busy --iterations 50000
