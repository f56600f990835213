#!/usr/bin/env python3
"""Compute reference sentence embeddings with an independent numpy forward pass of BERT.

The tests compare the engine's /v1/embeddings (served from the converted GGUF) with these
vectors by cosine similarity, so a broken conversion or a wrong tokenizer is caught.
Usage: bert_reference.py MODEL_DIR OUTPUT.json TEXT [TEXT ...]
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from tokenizers import Tokenizer

erf = np.vectorize(math.erf)


def layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def linear(x, w, prefix):
    return x @ w[prefix + ".weight"].T + w[prefix + ".bias"]


def embed(text, tokenizer, w, config):
    encoding = tokenizer.encode(text)
    ids = np.array(encoding.ids)
    types = np.array(encoding.type_ids)
    eps = config["layer_norm_eps"]
    heads = config["num_attention_heads"]
    x = w["embeddings.word_embeddings.weight"][ids]
    x = x + w["embeddings.position_embeddings.weight"][: len(ids)]
    x = x + w["embeddings.token_type_embeddings.weight"][types]
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    size = x.shape[1] // heads
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        q, k, v = (linear(x, w, p + f"attention.self.{n}").reshape(len(ids), heads, size) for n in ("query", "key", "value"))
        scores = np.einsum("qhd,khd->hqk", q, k) / math.sqrt(size)
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = np.einsum("hqk,khd->qhd", scores, v).reshape(len(ids), -1)
        attention = linear(context, w, p + "attention.output.dense")
        x = layer_norm(x + attention, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        hidden = linear(x, w, p + "intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + erf(hidden / math.sqrt(2.0)))
        x = layer_norm(x + linear(hidden, w, p + "output.dense"), w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    pooled = x.mean(axis=0)
    return pooled / np.linalg.norm(pooled)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    model_dir, output, texts = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
    config = json.loads((model_dir / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    weights = {k.removeprefix("bert."): v.astype(np.float64) for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    vectors = [embed(text, tokenizer, weights, config).tolist() for text in texts]
    output.write_text(json.dumps({"inputs": texts, "embeddings": vectors}))
    print(f"wrote {output} ({len(vectors)} reference embeddings)", file=sys.stderr)


if __name__ == "__main__":
    main()
