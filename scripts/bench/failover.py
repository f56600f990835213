#!/usr/bin/env python3
"""Failover and drain: two router replicas on one PostgreSQL database behind nginx, under mixed
load, while one replica is killed and then both are restarted one after the other.

Starts a private PostgreSQL cluster (scripts/postgres/cluster.sh), two replicas and one agent
(release binaries, the bundled SmolLM2), and nginx configured as docs/operations.md says.
CLIENTS threads send plain (8 tokens) and streamed (40 tokens) chats through nginx, alternately.
Phases, PHASE seconds each: steady; replica 1 SIGKILLed; replica 1 started again; a rolling
restart (SIGTERM replica 2, wait for its exit, start it, wait until nginx sends it requests, then
the same for replica 1); steady. Reports, per phase: requests, plain requests not answered 200,
streams cut, latency percentiles, the longest time with no request finishing; and how long each
drain took. Usage: failover.py BIN_DIR MODELS_DIR LLAMA_SERVER [PHASE] [CLIENTS]
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import httpx2 as httpx  # the HTTP client the openai SDK installs

BIN, MODELS, LLAMA = sys.argv[1], sys.argv[2], sys.argv[3]
PHASE = float(sys.argv[4]) if len(sys.argv) > 4 else 20
CLIENTS = int(sys.argv[5]) if len(sys.argv) > 5 else 4
CHAT = "HuggingFaceTB/SmolLM2-135M-Instruct"
ADMIN, TOKEN = "failover-admin", "failover-node"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
work = tempfile.mkdtemp(prefix="switchyard-failover-")
os.chmod(work, 0o755)
env = dict(os.environ, SWITCHYARD_ADMIN_KEY=ADMIN, SWITCHYARD_NODE_TOKEN=TOKEN)
processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name, args):
    log = open(os.path.join(work, f"{name}-{int(time.time() * 1000)}.log"), "w")
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def wait_until(what, condition, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if condition():
                return
        except (httpx.HTTPError, OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    sys.exit(f"timed out waiting for {what} (logs in {work})")


cluster = os.path.join(work, "postgres")
base_url = subprocess.run(["bash", f"{REPO}/scripts/postgres/cluster.sh", "start", cluster], capture_output=True, text=True, check=True).stdout.strip()
subprocess.run(["psql", f"{base_url}/postgres", "-qc", "CREATE DATABASE failover"], check=True)
database = f"{base_url}/failover?sslmode=disable"
ports = [free_port(), free_port()]
headers = {"Authorization": f"Bearer {ADMIN}"}


def start_replica(index):
    process = start(f"replica-{index + 1}", [f"{BIN}/switchyard-router", "serve", "--port", str(ports[index]), "--database", database,
                                              "--heartbeat-interval", "0.5", "--log-level", "warning"])
    wait_until("the replica to listen", lambda: httpx.get(f"http://127.0.0.1:{ports[index]}/health").status_code == 200)
    return process


replicas = [start_replica(0), start_replica(1)]
start("agent", [f"{BIN}/switchyard-agent", "serve", "--router", ",".join(f"http://127.0.0.1:{port}" for port in ports), "--host", "127.0.0.1",
                "--port", str(free_port()), "--models-dir", MODELS, "--llama-server", LLAMA, "--log-dir", f"{work}/engines", "--slots", "4",
                "--log-level", "warning"])
for port in ports:
    wait_until("the model on every replica", lambda: CHAT in httpx.get(f"http://127.0.0.1:{port}/v1/models", headers=headers).text)

balancer_port = free_port()
servers = "\n".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in ports)
with open(os.path.join(work, "nginx.conf"), "w") as conf:
    conf.write(f"""worker_processes 1; pid {work}/nginx.pid; error_log {work}/nginx.log warn;
events {{ worker_connections 1024; }}
http {{ access_log off; client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
  upstream routers {{ {servers} keepalive 32; }}
  server {{ listen 127.0.0.1:{balancer_port}; client_max_body_size 16m; client_body_buffer_size 16m;
    location / {{ proxy_pass http://routers; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off;
      proxy_read_timeout 300s; proxy_next_upstream error timeout http_502 non_idempotent; proxy_next_upstream_tries 3; }} }} }}
""")
start("nginx", ["nginx", "-c", f"{work}/nginx.conf", "-p", work, "-g", "daemon off;"])
balancer = f"http://127.0.0.1:{balancer_port}"
wait_until("nginx", lambda: httpx.get(f"{balancer}/health").status_code == 200)

results, lock, stop = [], threading.Lock(), threading.Event()  # (start, end, kind, ok)
phase = ["steady"]


def one(client, stream):
    body = {"model": CHAT, "max_tokens": 40 if stream else 8, "messages": [{"role": "user", "content": "Count."}], "stream": stream,
            "ignore_eos": True}
    begun, ok = time.time(), False
    try:
        if not stream:
            ok = client.post(f"{balancer}/v1/chat/completions", json=body).status_code == 200
        else:
            with client.stream("POST", f"{balancer}/v1/chat/completions", json=body) as response:
                lines = [line for line in response.iter_lines() if line.startswith("data: ")]
            ok = response.status_code == 200 and lines[-1:] == ["data: [DONE]"]
    except httpx.HTTPError:
        pass
    with lock:
        results.append((phase[0], begun, time.time(), "stream" if stream else "plain", ok))


def client_loop():
    with httpx.Client(headers=headers, timeout=120) as client:
        stream = False
        while not stop.is_set():
            one(client, stream)
            stream = not stream


threads = [threading.Thread(target=client_loop) for _ in range(CLIENTS)]
for thread in threads:
    thread.start()
drains = []


def restart(index):
    """SIGTERM a replica, time its drain, start it again, and wait until nginx sends it requests."""
    signalled = time.time()
    replicas[index].send_signal(signal.SIGTERM)
    replicas[index].wait(timeout=60)
    drains.append((index + 1, time.time() - signalled, replicas[index].returncode))
    replicas[index] = start_replica(index)
    wait_until("nginx to send the restarted replica requests",
               lambda: "requests_total{" in httpx.get(f"http://127.0.0.1:{ports[index]}/metrics").text)


time.sleep(PHASE)
phase[0] = "replica 1 killed"
replicas[0].send_signal(signal.SIGKILL)
replicas[0].wait()
time.sleep(PHASE)
phase[0] = "replica 1 started again"
replicas[0] = start_replica(0)
time.sleep(PHASE)
phase[0] = "rolling restart"
restart(1)
restart(0)
phase[0] = "steady after"
time.sleep(PHASE)
stop.set()
for thread in threads:
    thread.join()
for process in reversed(processes):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
for process in processes:
    process.wait(timeout=40)
subprocess.run(["bash", f"{REPO}/scripts/postgres/cluster.sh", "stop", cluster], check=False)


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(fraction * len(values)))] if values else 0


print(f"{CLIENTS} clients through nginx over two replicas; phases of {PHASE:.0f} s\n")
print("| phase | plain | plain not 200 | streams | streams cut | p50 s | p99 s | longest gap s |")
print("|---|---|---|---|---|---|---|---|")
for name in ["steady", "replica 1 killed", "replica 1 started again", "rolling restart", "steady after"]:
    rows = [row for row in results if row[0] == name]
    plain = [row for row in rows if row[3] == "plain"]
    streams = [row for row in rows if row[3] == "stream"]
    latencies = [row[2] - row[1] for row in rows if row[4]]
    ends = sorted(row[2] for row in rows)
    gap = max((later - earlier for earlier, later in zip(ends, ends[1:])), default=0)
    print(f"| {name} | {len(plain)} | {sum(not row[4] for row in plain)} | {len(streams)} | {sum(not row[4] for row in streams)} | "
          f"{percentile(latencies, 0.5):.2f} | {percentile(latencies, 0.99):.2f} | {gap:.2f} |")
print()
for replica, seconds, status in drains:
    print(f"replica {replica}: SIGTERM to exit {seconds:.2f} s, exit status {status}")
