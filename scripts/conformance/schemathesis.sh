#!/usr/bin/env bash
# Runs schemathesis against a live router over the document it serves at /openapi.json: the
# admin key for every surface but the node protocol, the node token for that. Fails on any
# finding. Usage: schemathesis.sh BIN_DIR [MAX_EXAMPLES]
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bin_dir="$1"
examples="${2:-30}"
work="$(mktemp -d)"
admin="schemathesis-admin-$RANDOM$RANDOM"
node="schemathesis-node-$RANDOM$RANDOM"
SWITCHYARD_ADMIN_KEY="$admin" SWITCHYARD_NODE_TOKEN="$node" HF_ENDPOINT="http://127.0.0.1:9" \
    "$bin_dir/switchyard-router" serve --port 0 --data-dir "$work/router" >"$work/router.log" 2>&1 &
router=$!
trap 'kill $router 2>/dev/null; wait $router 2>/dev/null; rm -rf "$work"' EXIT
port=""
for _ in $(seq 100); do
    port="$(grep -o 'listening on [^ ]*' "$work/router.log" 2>/dev/null | sed 's/.*://' || true)"
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/router.log"; echo "the router did not start" >&2; exit 1; }
schema="http://127.0.0.1:$port/openapi.json"
schemathesis=("$(dirname "$SWITCHYARD_PYTHON")/schemathesis" --config-file "$here/schemathesis.toml" --no-color)
common=(--url "http://127.0.0.1:$port" --max-examples "$examples")
# The dashboard's event stream stays open for minutes: its answer is checked by the dashboard tests.
"${schemathesis[@]}" run "$schema" "${common[@]}" -H "Authorization: Bearer $admin" \
    --exclude-path /dashboard/api/events --exclude-tag "Node protocol"
"${schemathesis[@]}" run "$schema" "${common[@]}" -H "Authorization: Bearer $node" \
    --include-tag "Node protocol"
if grep -E '^[^ ]+ (error|critical) ' "$work/router.log"; then
    echo "the router logged errors under schemathesis" >&2
    exit 1
fi
