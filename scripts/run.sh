#!/usr/bin/env bash
# Runs Switchyard on this host: installs what it needs (idempotent), builds the release
# binaries, and starts a router on 127.0.0.1:8800 and an agent serving the bundled models.
# Both run in the background; `scripts/run.sh stop` stops them. Logs: ~/.switchyard/run/.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/lib/common.sh"
cd "$REPO_ROOT"

run_dir="$HOME/.switchyard/run"
mkdir -p "$run_dir"
chmod 700 "$run_dir"

stop() {
    for name in agent router; do
        local pid_file="$run_dir/$name.pid"
        if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
            kill "$(cat "$pid_file")" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$(cat "$pid_file")" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$pid_file"
    done
}

if [ "${1:-}" = "stop" ]; then
    stop
    log "stopped"
    exit 0
fi

bash "$here/setup.sh"
source "$SWITCHYARD_CACHE/env.sh"

# Statically linked Swift runtime: calls into it are direct (about 15 % less CPU per proxied
# request than with the shared libraries; docs/benchmarks.md).
log "building switchyard-router and switchyard-agent (release)"
swift build -c release --static-swift-stdlib --product switchyard-router
swift build -c release --static-swift-stdlib --product switchyard-agent
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"

# Secrets for this single-host installation, generated once and kept readable by you only.
secrets="$run_dir/secrets.env"
if [ ! -f "$secrets" ]; then
    (umask 077 && printf 'SWITCHYARD_ADMIN_KEY=sy-admin-%s\nSWITCHYARD_NODE_TOKEN=sy-node-%s\n' \
        "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >"$secrets")
fi
set -a
source "$secrets"
set +a

stop
log "starting the router on 127.0.0.1:8800"
nohup "$bin/switchyard-router" serve --host 127.0.0.1 --port 8800 --data-dir "$HOME/.switchyard/router" \
    >"$run_dir/router.log" 2>&1 &
echo $! >"$run_dir/router.pid"
for _ in $(seq 100); do curl -fs http://127.0.0.1:8800/health >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs http://127.0.0.1:8800/health >/dev/null || die "the router did not start; see $run_dir/router.log"

log "starting the agent on 127.0.0.1:8801 with the models in $SWITCHYARD_MODELS_DIR"
nohup "$bin/switchyard-agent" serve --router http://127.0.0.1:8800 --host 127.0.0.1 --port 8801 \
    --models-dir "$SWITCHYARD_MODELS_DIR" --llama-server "$LLAMA_SERVER" \
    >"$run_dir/agent.log" 2>&1 &
echo $! >"$run_dir/agent.pid"

auth="Authorization: Bearer $SWITCHYARD_ADMIN_KEY"
for _ in $(seq 150); do
    curl -fs -H "$auth" http://127.0.0.1:8800/v1/models 2>/dev/null | grep -q SmolLM2 && break
    sleep 0.2
done
curl -fs -H "$auth" http://127.0.0.1:8800/v1/models | grep -q SmolLM2 \
    || die "the agent did not register with the router; see $run_dir/agent.log"

cat <<DONE

Switchyard is running: router http://127.0.0.1:8800, agent http://127.0.0.1:8801.
Logs are in $run_dir; stop both with: scripts/run.sh stop

Try it:

curl http://127.0.0.1:8800/v1/chat/completions \\
  -H "Authorization: Bearer $SWITCHYARD_ADMIN_KEY" -H "Content-Type: application/json" \\
  -d '{"model": "HuggingFaceTB/SmolLM2-135M-Instruct", "messages": [{"role": "user", "content": "Tell me about rainbows."}], "max_tokens": 64}'

The dashboard: http://127.0.0.1:8800/dashboard (log in with the admin key above).

DONE
