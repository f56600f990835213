# Sourced by the router benchmarks; do not run it. Builds the release binaries and sets up, in a
# temporary directory removed on exit: an nginx that answers POST /v1/chat/completions with a
# fixed completion (the "engine"), a second nginx as a plain reverse proxy to the agent (the
# router's stand-in), the bundled model's directory, and a wrk script posting a small chat body
# ($work/post.lua, with the Authorization header from $BENCH_AUTH). start_fleet then starts the
# router and the agent.
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/common.sh"
cd "$REPO_ROOT"

ensure_apt_packages nginx-light wrk curl
bash scripts/models/fetch-models.sh >/dev/null
swift build -c release --static-swift-stdlib --product switchyard-router >/dev/null
swift build -c release --static-swift-stdlib --product switchyard-agent >/dev/null
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -d "$work/postgres" ] && bash scripts/postgres/cluster.sh stop "$work/postgres" || true
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
# use_postgres: the router keeps its state in a private PostgreSQL cluster (as replicas do)
# instead of SQLite: sets $router_database.
use_postgres() {
    ensure_apt_packages postgresql
    local base
    chmod 755 "$work"  # the server runs as another user, which must reach its directory
    base="$(bash scripts/postgres/cluster.sh start "$work/postgres")"
    psql "$base/postgres" -qc "CREATE DATABASE bench"
    router_database="$base/bench?sslmode=disable"
}

# start_fleet [WRAPPER...]: the router ($router_binary, else the built one; under WRAPPER, such as
# valgrind, when given) with one event loop, as the proxy nginx it is compared with has one
# worker (ROUTER_EVENT_LOOPS=N to change that); then an agent in front of the fake engine,
# registered with it. Waits until the model is routable. PIDs: $router_pid, $agent_pid.
start_fleet() {
    SWITCHYARD_ADMIN_KEY="$admin" SWITCHYARD_NODE_TOKEN="$token" "$@" "${router_binary:-$bin/switchyard-router}" serve --port "$router_port" \
        ${router_database:+--database "$router_database"} --data-dir "$work/router" --log-level warning --event-loops "${ROUTER_EVENT_LOOPS:-1}" >"$work/router.log" 2>&1 &
    router_pid=$!
    pids+=($router_pid)
    sleep 1
    SWITCHYARD_NODE_TOKEN="$token" "$bin/switchyard-agent" serve --router "http://127.0.0.1:$router_port" --host 127.0.0.1 \
        --port "$agent_port" --models-dir "$work/models" --engine "gguf=http://127.0.0.1:$engine_port" --slots 256 \
        --log-level warning >"$work/agent.log" 2>&1 &
    agent_pid=$!
    pids+=($agent_pid)
    for _ in $(seq 600); do
        curl -fs -H "Authorization: Bearer $admin" "http://127.0.0.1:$router_port/v1/models" | grep -q SmolLM2 && return 0
        sleep 0.1
    done
    die "the model did not become routable (router log: $work/router.log)"
}

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"model":"$model","messages":[{"role":"user","content":"hi"}],"max_tokens":1}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
LUA

