#!/usr/bin/env bash
# Installs what Switchyard needs on this host, idempotently, and writes the paths it found to
# $SWITCHYARD_CACHE/env.sh (sourced by run.sh and test.sh).
#
#   scripts/setup.sh            system packages, llama-server, the bundled models
#   scripts/setup.sh --tests    also the software GPU drivers the detection tests use
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/lib/common.sh"

for_tests=false
[ "${1:-}" = "--tests" ] && for_tests=true

command -v swift >/dev/null 2>&1 || die "no Swift toolchain on PATH: install Swift 6.2 or newer (swift.org) first"

packages=(build-essential cmake ninja-build unzip curl python3 libsqlite3-dev libcurl4-openssl-dev libvulkan-dev ocl-icd-opencl-dev)
# The engine gets a Vulkan backend where it can use one: on hosts with a Vulkan driver, and for
# the tests, which run it on Mesa's software device. These are what llama.cpp's Vulkan build needs.
if $for_tests || has_vulkan_driver; then
    packages+=(glslc spirv-headers)
fi
if $for_tests; then
    # Debian's software Vulkan (lavapipe) and OpenCL (PoCL) devices, for the detection tests;
    # headless Chromium and its WebDriver, for the dashboard's browser test; PostgreSQL and
    # nginx, for the router replica and failover tests.
    packages+=(libvulkan1 mesa-vulkan-drivers ocl-icd-libopencl1 pocl-opencl-icd chromium chromium-driver postgresql nginx-light)
fi
ensure_apt_packages "${packages[@]}"
python3 -m venv --help >/dev/null 2>&1 || ensure_apt_packages python3-venv python3-pip

if $for_tests; then
    # The official OpenAI and Anthropic SDKs (client-conformance tests), Selenium (dashboard
    # test) and schemathesis (the router against its OpenAPI document).
    ensure_venv openai==3.54.0 anthropic==2.17.0 selenium==4.40.0 schemathesis==4.32.5 >/dev/null
fi
llama_server="$(bash "$here/engine/build-llama-server.sh")"
models_dir="$(bash "$here/models/fetch-models.sh")"

# The same engine without its GPU modules, which the tests use as a CPU-only engine.
llama_server_cpu_only="$(dirname "$llama_server")-cpu-only/llama-server"
if [ ! -x "$llama_server_cpu_only" ]; then
    warn "no CPU-only installation beside $llama_server: the tests that need an engine without a GPU backend will fail"
    llama_server_cpu_only="$llama_server"
fi

env_file="$SWITCHYARD_CACHE/env.sh"
cat >"$env_file.tmp" <<ENV
export LLAMA_SERVER="$llama_server"
export LLAMA_SERVER_CPU_ONLY="$llama_server_cpu_only"
export SWITCHYARD_MODELS_DIR="$models_dir"
export SWITCHYARD_REFERENCE_EMBEDDINGS="$SWITCHYARD_CACHE/reference/all-MiniLM-L6-v2.json"
export SWITCHYARD_PYTHON="$SWITCHYARD_CACHE/venv/bin/python"
ENV
mv "$env_file.tmp" "$env_file"
log "set-up complete: engine $llama_server, models in $models_dir"
