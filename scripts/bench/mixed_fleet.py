#!/usr/bin/env python3
"""Mixed fleet: a fast node and a slow one serving the same model, under a steady open-loop load.

The fast node is an agent with the CPU-only engine; the slow one an agent whose engine runs on
Mesa's lavapipe (a software Vulkan device, many times slower), both on this machine. Requests
(chat, MAX_TOKENS tokens) arrive at RATE per second for DURATION seconds, as a Poisson process
with a fixed seed, whatever the answers do (open loop). Before each run both engines are
started and measured with requests of their own, so the router knows their speeds. It runs once
per policy on fresh processes ("fast-only" runs the fast agent alone) and prints latency
p50/p99, the answers per second, and how many requests each node served.

Usage: mixed_fleet.py BIN_DIR MODELS_DIR LLAMA_SERVER_CPU LLAMA_SERVER_VULKAN [RATE] [DURATION]
       [MAX_TOKENS] [POLICY ...]
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

BIN, MODELS, CPU_ENGINE, VULKAN_ENGINE = sys.argv[1:5]
RATE = float(sys.argv[5]) if len(sys.argv) > 5 else 2.0
DURATION = float(sys.argv[6]) if len(sys.argv) > 6 else 60
MAX_TOKENS = int(sys.argv[7]) if len(sys.argv) > 7 else 16
POLICIES = sys.argv[8:] or ["fast-only", "least-loaded", "warm-first"]






def chat(client, url, key):
    body = {"model": CHAT, "max_tokens": MAX_TOKENS, "ignore_eos": True, "temperature": 0,
            "messages": [{"role": "user", "content": "Tell me about trains."}]}
    return client.post(url + "/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"})


def run(policy):
    work = tempfile.mkdtemp(prefix="switchyard-mixed-")
    models = os.path.join(work, "models")
    os.makedirs(os.path.dirname(os.path.join(models, CHAT)))
    os.symlink(os.path.join(MODELS, CHAT), os.path.join(models, CHAT))
    processes = []

    def start(name, args):
        log = open(os.path.join(work, name + ".log"), "w")
        processes.append(subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT))

    router_port = free_port()
    start("router", [f"{BIN}/switchyard-router", "serve", "--port", str(router_port), "--data-dir", f"{work}/router",
                     "--heartbeat-interval", "1", "--routing", "warm-first" if policy == "fast-only" else policy,
                     "--log-level", "warning"])
    time.sleep(1)
    nodes = {"fast": (CPU_ENGINE, [])}
    if policy != "fast-only":
        nodes["slow"] = (VULKAN_ENGINE, ["--allow-software-devices"])
    agent_urls = {}
    for name, (engine, extra) in nodes.items():
        port = free_port()
        agent_urls[name] = f"http://127.0.0.1:{port}"
        start(name, [f"{BIN}/switchyard-agent", "serve", "--router", f"http://127.0.0.1:{router_port}", "--host", "127.0.0.1",
                     "--port", str(port), "--name", name, "--models-dir", models, "--llama-server", engine,
                     "--log-dir", f"{work}/engines-{name}", "--log-level", "warning"] + extra)
    base = f"http://127.0.0.1:{router_port}"
    with httpx.Client(timeout=600) as client:
        wait_for_nodes(base, len(nodes))
        # Start and measure each engine with requests of its own; agents read an engine's counters
        # once it has been idle for 3 s, and the next heartbeats carry the speeds.
        for url in agent_urls.values():
            for _ in range(3):
                chat(client, url, TOKEN)
        time.sleep(6)
        before = {node["name"]: node for node in client.get(f"{base}/v0/nodes", headers={"Authorization": f"Bearer {ADMIN}"}).json()["nodes"]}

    arrivals, clock = [], 0.0
    generator = random.Random(11)
    while clock < DURATION:
        clock += generator.expovariate(RATE)
        arrivals.append(clock)
    latencies, failures, lock = [], [], threading.Lock()

    def send(at, began):
        time.sleep(max(0.0, began + at - time.monotonic()))
        sent = time.monotonic()
        try:
            with httpx.Client(timeout=600) as client:
                status = chat(client, base, ADMIN).status_code
        except httpx.HTTPError as error:
            status = type(error).__name__
        with lock:
            (latencies if status == 200 else failures).append(time.monotonic() - sent if status == 200 else status)

    began = time.monotonic()
    threads = [threading.Thread(target=send, args=(at, began)) for at in arrivals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    with httpx.Client(timeout=30) as client:
        metrics = client.get(f"{base}/metrics").text
    # The node that answered each request (a request the slow node did not answer in time was
    # retried on the fast one and counts there), and the retries and exclusions behind them.
    served, retried, excluded = {}, 0, 0
    for line in metrics.splitlines():
        if line.startswith("switchyard_requests_total{") and 'status="200"' in line:
            node_id = line.split('node="')[1].split('"')[0]
            name = next((n for n, node in before.items() if node["id"] == node_id), node_id)
            served[name] = served.get(name, 0) + int(float(line.split()[-1]))
        elif line.startswith("switchyard_retries_total{"):
            retried += int(float(line.split()[-1]))
        elif line.startswith("switchyard_exclusions_total{"):
            excluded += int(float(line.split()[-1]))
    speeds = {name: (node.get("engines") or [{}])[0].get("tokens_per_second") for name, node in before.items()}
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(timeout=30)
    if os.environ.get("BENCH_KEEP"):
        print(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return {"policy": policy, "sent": len(arrivals), "failed": len(failures), "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99), "throughput": len(latencies) / elapsed, "served": served, "speeds": speeds,
            "retried": retried, "excluded": excluded}


print(f"open loop: {RATE} requests/s for {DURATION:.0f} s, {MAX_TOKENS} tokens each; fast = CPU engine, slow = lavapipe")
print("| policy | sent | failed | p50 | p99 | answers/s | answered by (fast / slow) | retried | exclusions | measured tokens/s (fast / slow) |")
print("|---|---|---|---|---|---|---|---|---|---|")
for policy in POLICIES:
    r = run(policy)
    speeds = " / ".join(f"{r['speeds'].get(n) or 0:.1f}" for n in ("fast", "slow") if n in r["speeds"])
    served = " / ".join(str(r["served"].get(n, 0)) for n in ("fast", "slow") if n in r["speeds"])
    print(f"| {r['policy']} | {r['sent']} | {r['failed']} | {r['p50'] * 1000:.0f} ms | {r['p99'] * 1000:.0f} ms | "
          f"{r['throughput']:.2f} | {served} | {r['retried']} | {r['excluded']} | {speeds} |", flush=True)
