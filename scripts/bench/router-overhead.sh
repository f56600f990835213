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
source "$(dirname "${BASH_SOURCE[0]}")/lib/fleet.sh"
start_fleet
duration="${1:-10}"
connections="${2:-16}"

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
    local label="$1" url="$2" auth="$3" proxy="${4:-}"
    curl -fs -o /dev/null -H "Authorization: $auth" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$model\",\"messages\":[]}" "$url" || die "$label: the warm-up request failed"
    local out proxy0=0 agent0 proxy1=0 agent1
    [ -n "$proxy" ] && proxy0=$(cpu_ticks "$proxy")
    agent0=$(cpu_ticks "$agent_pid")
    out=$(BENCH_AUTH="$auth" wrk -t"$((connections < 2 ? 1 : 2))" -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "$url")
    [ -n "$proxy" ] && proxy1=$(cpu_ticks "$proxy")
    agent1=$(cpu_ticks "$agent_pid")
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
run "client → switchyard-router → agent" "http://127.0.0.1:$router_port/v1/chat/completions" "Bearer $admin" "$router_pid"
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
