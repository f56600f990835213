#!/usr/bin/env python3
"""Soak: a bounded mixed load through the router while a node is killed and restarted.

Starts a router and two agents (release binaries) with the bundled models, runs WORKERS
threads of mixed requests (chat, streamed chat, embeddings) for DURATION seconds, SIGKILLs one
agent a third of the way in and restarts it on the same port at two thirds, then reports:
requests by outcome, requests lost (no clear answer), router memory over time, and processes
left behind. Usage: soak.py BIN_DIR MODELS_DIR LLAMA_SERVER [DURATION] [WORKERS]
"""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter

import httpx2 as httpx  # the HTTP client the openai SDK installs

BIN, MODELS, LLAMA = sys.argv[1], sys.argv[2], sys.argv[3]
DURATION = float(sys.argv[4]) if len(sys.argv) > 4 else 180
WORKERS = int(sys.argv[5]) if len(sys.argv) > 5 else 4
CHAT, EMBED = "HuggingFaceTB/SmolLM2-135M-Instruct", "sentence-transformers/all-MiniLM-L6-v2"
ADMIN, TOKEN = "soak-admin", "soak-node"
work = tempfile.mkdtemp(prefix="switchyard-soak-")
env = dict(os.environ, SWITCHYARD_ADMIN_KEY=ADMIN, SWITCHYARD_NODE_TOKEN=TOKEN)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, args):
    log = open(os.path.join(work, name + ".log"), "w")
    return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)


router_port, ports = free_port(), [free_port(), free_port()]
router = start("router", [f"{BIN}/switchyard-router", "serve", "--port", str(router_port), "--data-dir", f"{work}/router",
                          "--heartbeat-interval", "1", "--log-level", "warning"])
time.sleep(1)


def start_agent(index):
    return start(f"agent-{index}-{int(time.time())}", [
        f"{BIN}/switchyard-agent", "serve", "--router", f"http://127.0.0.1:{router_port}", "--host", "127.0.0.1",
        "--port", str(ports[index]), "--models-dir", MODELS, "--llama-server", LLAMA, "--log-dir", f"{work}/engines-{index}",
        "--log-level", "warning"])


agents = [start_agent(0), start_agent(1)]
base = f"http://127.0.0.1:{router_port}"
headers = {"Authorization": f"Bearer {ADMIN}"}
deadline = time.time() + 30
while time.time() < deadline:
    try:
        nodes = httpx.get(f"{base}/v0/nodes", headers=headers).json()["nodes"]
        if sum(node["online"] for node in nodes) == 2:
            break
    except (httpx.HTTPError, KeyError, ValueError):
        pass
    time.sleep(0.5)

outcomes, lock, stop = Counter(), threading.Lock(), threading.Event()


def record(outcome):
    with lock:
        outcomes[outcome] += 1


def one(client):
    kind = random.choice(["chat", "stream", "embed"])
    try:
        if kind == "embed":
            response = client.post(f"{base}/v1/embeddings", json={"model": EMBED, "input": ["soak", "test"]})
            return record(f"{kind} {response.status_code}" + ("" if response.status_code == 200 else f" {response.json()['error']['code']}"))
        body = {"model": CHAT, "max_tokens": 24, "messages": [{"role": "user", "content": "Tell me about trains."}], "stream": kind == "stream"}
        if kind == "chat":
            response = client.post(f"{base}/v1/chat/completions", json=body)
            return record(f"{kind} {response.status_code}" + ("" if response.status_code == 200 else f" {response.json()['error']['code']}"))
        with client.stream("POST", f"{base}/v1/chat/completions", json=body) as response:
            events = [line for line in response.iter_lines() if line.startswith("data: ")]
        if response.status_code != 200:
            return record(f"stream {response.status_code}")
        if events and events[-1] == "data: [DONE]":
            return record("stream 200 complete")
        if events and "error" in json.loads(events[-1][6:]):
            return record("stream 200 ended with an error event")
        return record("stream LOST (cut without [DONE] or error)")
    except (httpx.HTTPError, ValueError, KeyError) as error:
        record(f"{kind} LOST ({type(error).__name__})")


def worker():
    with httpx.Client(headers=headers, timeout=120) as client:
        while not stop.is_set():
            one(client)


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
for thread in threads:
    thread.start()
started, memory, killed, restarted = time.time(), [], False, False
while time.time() - started < DURATION:
    elapsed = time.time() - started
    if not killed and elapsed > DURATION / 3:
        agents[0].send_signal(signal.SIGKILL)
        agents[0].wait()
        killed = True
    if killed and not restarted and elapsed > 2 * DURATION / 3:
        agents[0] = start_agent(0)
        restarted = True
    memory.append((round(elapsed), rss_mib(router.pid)))
    time.sleep(5)
stop.set()
for thread in threads:
    thread.join()

for process in agents + [router]:
    process.send_signal(signal.SIGTERM)
for process in agents + [router]:
    process.wait(timeout=30)
time.sleep(1)
leftovers = subprocess.run(["pgrep", "-f", work], capture_output=True, text=True).stdout.split()

total = sum(outcomes.values())
lost = sum(count for outcome, count in outcomes.items() if "LOST" in outcome)
print(f"duration {DURATION:.0f} s, {WORKERS} workers, agent 1 killed at {DURATION / 3:.0f} s and restarted at {2 * DURATION / 3:.0f} s")
print(f"requests: {total}, lost: {lost}")
for outcome, count in sorted(outcomes.items()):
    print(f"  {outcome}: {count}")
print("router RSS (MiB) at 5 s intervals: " + ", ".join(f"{mib:.0f}" for _, mib in memory))
print(f"router RSS first/peak/last: {memory[0][1]:.0f} / {max(m for _, m in memory):.0f} / {memory[-1][1]:.0f} MiB")
print(f"processes left behind: {len(leftovers)}")
sys.exit(1 if lost or leftovers else 0)
