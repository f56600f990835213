#!/usr/bin/env bash
# Measures `switchyard-agent detect` end to end (process start, every probe child, selection)
# on this host, in two settings: as installed, and with the Vulkan/OpenCL loaders pointed at no
# driver (a host with no GPU runtime at all). Prints the median and the maximum of N runs.
# Usage: scripts/bench/detection.sh [AGENT_BINARY] [RUNS]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"
agent="${1:-$REPO_ROOT/.build/release/switchyard-agent}"
runs="${2:-20}"
[ -x "$agent" ] || die "no agent binary at $agent (swift build -c release first)"

measure() {
    local label="$1"
    shift
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        env "$@" "$agent" detect --json >/dev/null
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '%-40s median %4d ms   max %4d ms   (%d runs)\n' "$label" \
        "$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")" "$(echo "$sorted" | tail -n1)" "$runs"
}

measure "as installed" PATH="$PATH"
measure "no GPU runtime (loaders find nothing)" VK_DRIVER_FILES=/nonexistent.json OCL_ICD_VENDORS=/nonexistent \
    SWITCHYARD_CUDA_LIBRARY=/nonexistent/libcuda.so.1
