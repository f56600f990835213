#!/usr/bin/env bash
# Fuzzes one of the parsers we wrote with libFuzzer and AddressSanitizer (both ship with the
# Swift toolchain): the harness in Tests/Fuzz/ is compiled with the parser's own sources into
# .build-fuzz/TARGET. It starts from the seed corpus in Tests/Fuzz/Corpus/TARGET and keeps what
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
if [ "$seconds" = 0 ]; then
    "$out/$target" -runs=0 -timeout=10 "$seeds"
else
    "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/" "$out/corpus-$target" "$seeds"
fi
