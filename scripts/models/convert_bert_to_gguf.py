#!/usr/bin/env python3
"""Convert a sentence-transformers BERT model (safetensors + vocab.txt) into a GGUF file.

Mirrors what llama.cpp's own converter does for plain BERT, with only `gguf`, `safetensors`
and `numpy` (no torch): hyperparameters from config.json, pooling from 1_Pooling/config.json,
the WordPiece vocabulary in llama.cpp's "phantom space" convention, tensor names mapped with
gguf's own table. Usage: convert_bert_to_gguf.py MODEL_DIR OUTPUT.gguf [--name NAME] [--f32]
"""

import argparse
import json
import sys
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import load_file

WORD_START = "\u2581"  # llama.cpp marks the start of a word with U+2581
SKIPPED_PREFIXES = ("embeddings.position_ids", "pooler.", "cls.")
# ggml's CPU add has no f32 + f16 kernel: these are added to F32 activations and must stay F32.
KEEP_F32 = (gguf.MODEL_TENSOR.POS_EMBD, gguf.MODEL_TENSOR.TOKEN_TYPES)


def fail(message: str) -> None:
    print(f"convert_bert_to_gguf: {message}", file=sys.stderr)
    sys.exit(1)


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        fail(f"cannot read {path.name}: {error}")


def pooling_type(model_dir: Path) -> gguf.PoolingType:
    pooling_config = model_dir / "1_Pooling" / "config.json"
    if pooling_config.is_file() and read_json(pooling_config).get("pooling_mode_cls_token"):
        return gguf.PoolingType.CLS
    return gguf.PoolingType.MEAN


def write_vocabulary(writer: gguf.GGUFWriter, model_dir: Path, config: dict) -> None:
    tokenizer = read_json(model_dir / "tokenizer.json")
    special = {entry["content"] for entry in tokenizer.get("added_tokens", []) if entry.get("special")}
    tokens, types = [], []
    for line in (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines():
        if line in special:
            tokens.append(line)
            types.append(gguf.TokenType.CONTROL)
        elif line.startswith("##"):
            tokens.append(line[2:])
            types.append(gguf.TokenType.NORMAL)
        else:
            tokens.append(WORD_START + line)
            types.append(gguf.TokenType.NORMAL)
    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_type_count(config.get("type_vocab_size", 2))

    vocab = gguf.SpecialVocab(model_dir, n_vocab=len(tokens))
    ids = {token: index for index, token in enumerate(tokens)}
    for kind, token in (("bos", "[CLS]"), ("eos", "[SEP]")):
        if token in ids:
            vocab.special_token_ids[kind] = ids[token]
    vocab.add_to_gguf(writer, quiet=True)


def write_tensors(writer: gguf.GGUFWriter, model_dir: Path, n_layer: int, use_f16: bool) -> int:
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, n_layer)
    weights = load_file(str(model_dir / "model.safetensors"))
    count = 0
    for name in sorted(weights):
        short = name.removeprefix("bert.")
        if short.startswith(SKIPPED_PREFIXES):
            continue
        mapped = names.get_type_and_name(short, try_suffixes=(".weight", ".bias"))
        if mapped is None:
            fail(f"tensor {name!r} has no GGUF name for BERT; refusing to drop it silently")
        tensor_type, new_name = mapped
        data = weights[name].astype(np.float32)
        if use_f16 and data.ndim == 2 and new_name.endswith(".weight") and tensor_type not in KEEP_F32:
            data = data.astype(np.float16)
        writer.add_tensor(new_name, data)
        count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--name", default=None, help="general.name (default: the directory name)")
    parser.add_argument("--f32", action="store_true", help="keep every tensor in F32")
    args = parser.parse_args()

    config = read_json(args.model_dir / "config.json")
    if config.get("model_type") != "bert":
        fail(f"config.json has model_type {config.get('model_type')!r}; only 'bert' is supported")
    n_layer = config["num_hidden_layers"]
    use_f16 = not args.f32

    partial = args.output.with_name(args.output.name + ".partial")
    writer = gguf.GGUFWriter(str(partial), gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])
    writer.add_name(args.name or args.model_dir.name)
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_block_count(n_layer)
    writer.add_head_count(config["num_attention_heads"])
    writer.add_layer_norm_eps(config["layer_norm_eps"])
    writer.add_causal_attention(False)
    writer.add_pooling_type(pooling_type(args.model_dir))
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16 if use_f16 else gguf.LlamaFileType.ALL_F32)
    write_vocabulary(writer, args.model_dir, config)
    count = write_tensors(writer, args.model_dir, n_layer, use_f16)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    partial.replace(args.output)
    print(f"wrote {args.output} ({count} tensors, {args.output.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
