#!/usr/bin/env bash
# Fuzzes one of the parsers we wrote with libFuzzer and AddressSanitizer (both ship with the
# Swift toolchain): the harness in Tests/Fuzz/ is compiled with the parser's own sources into
# .build-fuzz/TARGET. It starts from the seed corpus in Tests/Fuzz/Corpus/TARGET (for gguf,
# headers written below: model files are not tracked) and keeps what
# it finds in .build-fuzz/corpus-TARGET; a crash, a hang (10 s) or a leak stops it with the
# input saved as .build-fuzz/crash-… (add it to the seed corpus once fixed: a regression test).
#
# Usage: scripts/fuzz.sh TARGET [SECONDS]
#   TARGET: routing-fields | multipart | gguf | all
#   SECONDS: how long to fuzz (default 60); 0 replays the seed corpus only (what CI does).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:?usage: scripts/fuzz.sh routing-fields|multipart|gguf|all [SECONDS]}"
seconds="${2:-60}"
if [ "$target" = all ]; then
    for each in routing-fields multipart gguf; do "$0" "$each" "$seconds"; done
    exit 0
fi
case "$target" in
    routing-fields) sources=(Sources/Shared/OpenAI/RoutingFieldsScanner.swift Sources/Shared/OpenAI/RoutingFieldsScanner+Strings.swift Tests/Fuzz/RoutingFieldsFuzz.swift) ;;
    multipart) sources=(Sources/Shared/OpenAI/MultipartFormReader.swift Tests/Fuzz/MultipartFuzz.swift) ;;
    gguf) sources=(Sources/NodeAgent/Catalogue/GGUFReader.swift Sources/NodeAgent/Catalogue/GGUFMetadata.swift Sources/NodeAgent/Catalogue/TransformerShape.swift Tests/Fuzz/GGUFFuzz.swift) ;;
    *) echo "unknown target: $target" >&2; exit 2 ;;
esac
out="$root/.build-fuzz"
mkdir -p "$out/corpus-$target"
cd "$root"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "Fuzz_${target//-/_}" "${sources[@]}" -o "$out/$target"
seeds="Tests/Fuzz/Corpus/$target"
if [ "$target" = gguf ]; then
    # Model files are not tracked: the GGUF seeds are written here, small synthetic headers
    # (a chat model, a reranker, the two regressions) and the start of the cached SmolLM2.
    seeds="$out/seeds-gguf"
    mkdir -p "$seeds"
    python3 - "$seeds" "${SWITCHYARD_MODELS_DIR:-$HOME/.cache/switchyard/models}" <<'PY'
import os, struct, sys
seeds, models = sys.argv[1], sys.argv[2]
def text(value): data = value.encode(); return struct.pack("<Q", len(data)) + data
def entry(key, kind, payload): return text(key) + struct.pack("<I", kind) + payload
def header(tensors, entries):
    return b"GGUF" + struct.pack("<IQQ", 3, tensors, len(entries)) + b"".join(entries)
arch = lambda name: entry("general.architecture", 8, text(name))
u32 = lambda key, value: entry(key, 4, struct.pack("<I", value))
u64 = lambda key, value: entry(key, 10, struct.pack("<Q", value))
tokens = entry("tokenizer.ggml.tokens", 9, struct.pack("<IQ", 8, 3) + b"".join(text(t) for t in ["a", "b", "<s>"]))
files = {
    "tiny-llama": header(0, [arch("llama"), u32("llama.block_count", 2), u32("llama.embedding_length", 64),
                             u32("llama.attention.head_count", 4), u32("llama.attention.head_count_kv", 2),
                             u32("llama.context_length", 2048), tokens]),
    "tiny-reranker": header(0, [arch("bert"), u32("bert.block_count", 6), u32("bert.embedding_length", 384),
                                u32("bert.attention.head_count", 12), u32("bert.pooling_type", 4)]),
    "regression-huge-tensor-count": header(2**64 - 1, [arch("llama")]),
    "regression-huge-shape": header(0, [arch("llama"), u32("llama.attention.head_count", 1)]
                                    + [u64("llama." + key, 2**62) for key in ["block_count", "embedding_length",
                                       "attention.key_length", "attention.value_length", "context_length"]]),
}
for name, data in files.items():
    open(os.path.join(seeds, name), "wb").write(data)
smol = os.path.join(models, "HuggingFaceTB/SmolLM2-135M-Instruct/SmolLM2-135M-Instruct.Q4_1.gguf")
if os.path.exists(smol):
    open(os.path.join(seeds, "smollm2-start"), "wb").write(open(smol, "rb").read(4096))
PY
fi
if [ "$seconds" = 0 ]; then
    "$out/$target" -runs=0 -timeout=10 "$seeds"
else
    "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/" "$out/corpus-$target" "$seeds"
fi
