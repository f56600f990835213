#!/usr/bin/env python3
"""Cold starts: how often a routing policy makes an agent start an engine, and what it costs.

A fleet of 3 agents, each serving the same 4 models (SmolLM2 under four IDs, so each is an
engine of its own) with a memory budget that holds 2 loaded engines per agent, behind one
router. WORKERS threads send REQUESTS short chat requests, each for a model drawn from a
skewed popularity (55 %, 25 %, 12 %, 8 %) with a fixed seed, so every policy sees the same
sequence. It runs once per policy on fresh processes and prints, per policy: the requests and
their failures, engine starts (the agents' own "starting engine" log lines), evictions to make
room, latency p50/p99 and throughput.

Usage: cold_starts.py BIN_DIR MODELS_DIR LLAMA_SERVER [REQUESTS] [WORKERS] [POLICY ...]
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import httpx2 as httpx  # the HTTP client the openai SDK installs
from benchfleet import ADMIN, CHAT, ENV as env, TOKEN, free_port, percentile, wait_for_nodes

BIN, MODELS, LLAMA = sys.argv[1], sys.argv[2], sys.argv[3]
REQUESTS = int(sys.argv[4]) if len(sys.argv) > 4 else 300
WORKERS = int(sys.argv[5]) if len(sys.argv) > 5 else 4
POLICIES = sys.argv[6:] or ["least-loaded", "warm-first"]
MODELS_SERVED = [f"bench/model-{index}" for index in range(1, 5)]
POPULARITY = [0.55, 0.25, 0.12, 0.08]
AGENTS = 3
# SmolLM2 at the default shape (4 slots x 2048 tokens) is estimated at about 0.40 GiB: two fit.
BUDGET_GIB = "0.85"




def models_directory(work):
    """Four model IDs, each a directory holding a link to the same GGUF file."""
    source = os.path.join(MODELS, CHAT)
    gguf = next(name for name in os.listdir(source) if name.endswith(".gguf"))
    root = os.path.join(work, "models")
    for model in MODELS_SERVED:
        os.makedirs(os.path.join(root, model))
        os.symlink(os.path.join(source, gguf), os.path.join(root, model, gguf))
    return root




def run(policy):
    work = tempfile.mkdtemp(prefix="switchyard-cold-")
    models = models_directory(work)
    logs = []

    def start(name, args):
        path = os.path.join(work, name + ".log")
        logs.append(path)
        return subprocess.Popen(args, env=env, stdout=open(path, "w"), stderr=subprocess.STDOUT)

    router_port = free_port()
    processes = [start("router", [f"{BIN}/switchyard-router", "serve", "--port", str(router_port), "--data-dir", f"{work}/router",
                                  "--heartbeat-interval", "1", "--routing", policy, "--log-level", "warning"])]
    time.sleep(1)
    for index in range(AGENTS):
        processes.append(start(f"agent-{index}", [
            f"{BIN}/switchyard-agent", "serve", "--router", f"http://127.0.0.1:{router_port}", "--host", "127.0.0.1",
            "--port", str(free_port()), "--name", f"agent-{index}", "--models-dir", models, "--llama-server", LLAMA,
            "--memory-budget", BUDGET_GIB, "--log-dir", f"{work}/engines-{index}", "--log-level", "info"]))
    base = f"http://127.0.0.1:{router_port}"
    headers = {"Authorization": f"Bearer {ADMIN}"}
    wait_for_nodes(base, AGENTS)

    sequence = random.Random(7).choices(MODELS_SERVED, weights=POPULARITY, k=REQUESTS)
    latencies, failures, lock, position = [], [], threading.Lock(), [0]

    def worker():
        with httpx.Client(headers=headers, timeout=300) as client:
            while True:
                with lock:
                    if position[0] >= len(sequence):
                        return
                    model = sequence[position[0]]
                    position[0] += 1
                body = {"model": model, "max_tokens": 8, "messages": [{"role": "user", "content": "Name a train."}]}
                began = time.monotonic()
                try:
                    status = client.post(f"{base}/v1/chat/completions", json=body).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                with lock:
                    (latencies if status == 200 else failures).append(time.monotonic() - began if status == 200 else status)

    began = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)
    agent_logs = "".join(open(path).read() for path in logs if "agent-" in path)
    starts = agent_logs.count("starting engine")
    evictions = agent_logs.count("unloading engine to make room")
    shutil.rmtree(work, ignore_errors=True)
    return {
        "policy": policy, "requests": REQUESTS, "failed": len(failures), "starts": starts, "evictions": evictions,
        "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "throughput": len(latencies) / elapsed,
    }


print(f"{AGENTS} agents x {len(MODELS_SERVED)} models, memory for 2 engines per agent; {REQUESTS} requests from {WORKERS} workers, "
      f"popularity {POPULARITY}")
print("| policy | requests | failed | engine starts | evictions | p50 | p99 | requests/s |")
print("|---|---|---|---|---|---|---|---|")
for policy in POLICIES:
    result = run(policy)
    print(f"| {result['policy']} | {result['requests']} | {result['failed']} | {result['starts']} | {result['evictions']} | "
          f"{result['p50'] * 1000:.0f} ms | {result['p99'] * 1000:.0f} ms | {result['throughput']:.2f} |", flush=True)
