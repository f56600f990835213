#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need (idempotent), checks
# formatting, builds, and runs every test, the end-to-end ones against the real llama-server
# and the real small models. With CI=true a missing engine or model fails the run.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/lib/common.sh"
cd "$REPO_ROOT"

bash "$here/setup.sh" --tests
source "$SWITCHYARD_CACHE/env.sh"

log "checking formatting (swift format lint --strict)"
swift format lint --strict --recursive Package.swift Sources Tests

log "building (debug, with tests)"
swift build --build-tests
export SWITCHYARD_BIN_DIR="$(swift build --show-bin-path)"

# A private PostgreSQL cluster for the router replica tests, removed when the run ends.
pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/switchyard-postgres.XXXXXX")"
trap 'bash "$here/postgres/cluster.sh" stop "$pg_dir" || true; rm -rf "$pg_dir"' EXIT
log "starting a private PostgreSQL cluster for the replica tests"
SWITCHYARD_TEST_POSTGRES="$(bash "$here/postgres/cluster.sh" start "$pg_dir")"
export SWITCHYARD_TEST_POSTGRES

log "running the tests"
swift test --skip-build --no-parallel "$@"

# The parsers we wrote, under libFuzzer and AddressSanitizer: each target replays its seed
# corpus (regressions included), then fuzzes briefly. Longer runs: scripts/fuzz.sh TARGET SECONDS.
if [ "$#" -eq 0 ]; then
  log "fuzzing: routing fields, multipart forms, GGUF headers (10 s each)"
  fuzz_log="$(mktemp)"
  for target in routing-fields multipart gguf; do
    if ! scripts/fuzz.sh "$target" 10 >"$fuzz_log" 2>&1; then
      tail -n 40 "$fuzz_log"
      die "fuzz target $target failed (its input is saved in .build-fuzz/)"
    fi
    echo "$target: $(grep -E '^Done' "$fuzz_log")"
  done
  rm -f "$fuzz_log"
fi

# The router's whole HTTP surface against its OpenAPI document, served live at /openapi.json
# (bounded: 30 examples per operation), and the API reference generated from that document.
if [ "$#" -eq 0 ]; then
  log "schemathesis: the router against /openapi.json"
  bash scripts/conformance/schemathesis.sh "$SWITCHYARD_BIN_DIR" 30 >"${TMPDIR:-/tmp}/schemathesis.log" 2>&1 \
    || { tail -n 80 "${TMPDIR:-/tmp}/schemathesis.log"; die "schemathesis found a mismatch between the router and its document"; }
  grep -E '^ +[0-9]+ generated' "${TMPDIR:-/tmp}/schemathesis.log" || true
  "$SWITCHYARD_PYTHON" scripts/docs/api_reference.py --check || die "docs/api-reference.md is stale: run scripts/docs/api_reference.py"
fi

# The soak (issue 6): bounded mixed load with a node killed and restarted; fails on any request
# lost or process left behind. Skipped when the tests were filtered (arguments given).
if [ "$#" -eq 0 ]; then
  log "soak: 90 s of mixed load through the router, one agent killed and restarted"
  "$SWITCHYARD_PYTHON" scripts/bench/soak.py "$SWITCHYARD_BIN_DIR" "$SWITCHYARD_MODELS_DIR" "$LLAMA_SERVER" 90 4
fi
