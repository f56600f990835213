#!/usr/bin/env bash
# Counts the instructions the router executes per proxied request, under callgrind: a measure
# of its own work that does not drift with the machine (CPU time per request on this project's
# 2-core machines moves by a third from one minute to the next). Same fleet as
# router-overhead.sh; wrk posts over 4 connections for SECONDS (default 15). The router's idle
# background (heartbeats, maintenance) is measured first and subtracted; the request log's
# writes, which follow the requests, are counted.
#
# Usage: [CALLGRIND_OUT=FILE] scripts/bench/router-instructions.sh [--postgres] [SECONDS]
#   CALLGRIND_OUT keeps the profile of the measured requests (callgrind_annotate FILE).
#   --postgres keeps the router's state in a private PostgreSQL cluster, as replicas do.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/fleet.sh"
ensure_apt_packages valgrind
if [ "${1:-}" = "--postgres" ]; then
    use_postgres
    shift
fi
seconds="${1:-15}"

# Valgrind 3.19 cannot read the DWARF 5 that Swift writes: a copy without it (symbols kept).
router_binary="$work/switchyard-router"
strip --strip-debug -o "$router_binary" "$bin/switchyard-router"
start_fleet valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out"

# instructions_since_zero: dumps the counts since the last zeroing, prints their total.
instructions_since_zero() {
    callgrind_control -d "$router_pid" >/dev/null 2>&1
    sleep 1
    callgrind_annotate "$(ls -t "$work"/callgrind.out.* | head -1)" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
post() { BENCH_AUTH="Bearer $admin" wrk -t1 -c4 -d"$1s" -s "$work/post.lua" "http://127.0.0.1:$router_port/v1/chat/completions"; }

post 5 >/dev/null  # warm-up
sleep 3            # past the request log's next flush
callgrind_control -i on "$router_pid" >/dev/null 2>&1
callgrind_control -z "$router_pid" >/dev/null 2>&1
sleep 10
idle=$(instructions_since_zero)
callgrind_control -z "$router_pid" >/dev/null 2>&1
requests=$(post "$seconds" | awk '/requests in/ {print $1}')
sleep 3  # the request log's flush of these requests
busy=$(instructions_since_zero)
[ -n "${CALLGRIND_OUT:-}" ] && cp "$(ls -t "$work"/callgrind.out.* | head -1)" "$CALLGRIND_OUT"
# The busy window lasted the run, the 3 s wait and the dump's 1 s.
background=$((idle * (seconds + 4) / 10))
echo "requests: $requests; idle background: $((idle / 10)) instructions/s"
echo "router instructions per proxied request: $(((busy - background) / requests))"
