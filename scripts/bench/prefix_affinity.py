#!/usr/bin/env python3
"""Prefix affinity: does sending a conversation back to the node that holds its prefix pay, at 4 nodes?

Four plain CPU llama-servers (SmolLM2, 4 slots each, one thread each) serve agent-style
conversations: a shared system prompt, then a ~1,200-token document unique to the conversation,
then per turn the assistant's reply plus a "tool output" of 400-600 tokens of unique text; each
request streams MAX_TOKENS tokens at temperature 0. CONVERSATIONS such conversations of TURNS
turns run from a pool of CONCURRENCY threads; the text comes from seeded random words, so every
run sends the same prompts (up to the model's replies). Each run puts one front on four such
engines, identical for every run and started afresh for it, so every run starts with empty caches:

- least-loaded, warm-first, prefix: switchyard-router with --routing least-loaded, warm-first
  (each request carries X-Session-ID: its conversation) or prefix-affinity, in front of four
  agents, each declaring one engine with --engine gguf=URL;
- vllm-router, sglang-router: those routers with --policy cache_aware, pointed straight at the
  engines (installed into this Python's environment when missing).

Per run it prints the prompt tokens the engines evaluated (the per-run increase of
llamacpp:prompt_tokens_total summed over the four engines; tokens served from an engine's cache
are not in it) and the share served from cache, TTFT (to the first content chunk) of first turns
and of follow-up turns, the wall time and the failed requests; then a Markdown table of all runs,
also written as JSON with --out. Run it with $SWITCHYARD_PYTHON after `source
~/.cache/switchyard/env.sh`. The four engines share the machine's cores (about 200 prompt
tokens/s in all on 2 cores), so the defaults (6 conversations, 5 at a time) take some 12 minutes
for the five runs there; the engines' prompt work, not the routers, sets the time.

Usage: prefix_affinity.py [--conversations N] [--turns N] [--concurrency N] [--max-tokens N]
       [--out FILE] [--bin DIR] [--models DIR] [--llama-server PATH] [RUN ...]
"""

import argparse
import importlib.metadata
import importlib.util
import json
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
from benchfleet import ADMIN, CHAT, ENV as env, free_port, percentile, wait_for_nodes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = ["least-loaded", "warm-first", "prefix", "vllm-router", "sglang-router"]
ROUTING = {"least-loaded": "least-loaded", "warm-first": "warm-first", "prefix": "prefix-affinity"}
# Run name -> (module, pinned distribution).
PEERS = {"vllm-router": ("vllm_router", "vllm-router==0.1.17"), "sglang-router": ("sglang_router", "sglang-router==0.3.2")}
ENGINES, SLOTS = 4, 4
SEED = 2026
DOCUMENT_WORDS, TOOL_WORDS = 1200, (400, 600)
SYSTEM = ("You are a research agent. You read a document, call tools, and after each tool output you say in one short "
          "sentence what you learned and what you will look up next.")
WORDS = """time year people way day man thing woman life child world school state family student group country problem
hand part place case week company system program question work government number night point home water room mother area
money story fact month lot right study book eye job word business issue side kind head house service friend father power
hour game line end member law car city community name president team minute idea kid body information back parent face
others level office door health person art war history party result change morning reason research girl guy moment air
teacher force education foot boy age policy music market sense nation plan college interest death experience effect use
class control care field development role effort rate heart drug show leader light voice wife police mind price report
decision son view relationship town road arm difference value building action model season society tax director position
player record paper space ground form event official matter center couple site project activity star table need court oil
situation cost industry figure street image phone data picture practice piece land product doctor wall patient worker news
test movie north love support technology step baby computer type attention film tree source organization hair window
evidence population truth song river bridge engine signal station garden winter summer letter machine island""".split()


def text(rng, words):
    """`words` seeded random words in sentences of 8 to 18 (about one token a word)."""
    sentences, left = [], words
    while left > 0:
        count = min(left, rng.randint(8, 18))
        sentences.append(" ".join(rng.choice(WORDS) for _ in range(count)) + ".")
        left -= count
    return " ".join(sentences)


def conversation(index, turns):
    """Conversation `index`'s user messages, one a turn: its document, then its tool outputs."""
    rng = random.Random(f"{SEED}-{index}")
    messages = [f"Document {index}:\n{text(rng, DOCUMENT_WORDS)}\n\nRead it and say what to look up first."]
    for turn in range(1, turns):
        messages.append(f"Tool output (search {turn}):\n{text(rng, rng.randint(*TOOL_WORDS))}\n\nWhat next?")
    return messages


def context_per_slot(conversations, max_tokens):
    """Context tokens per slot that hold the longest conversation, with room to spare."""
    words = max(sum(len(message.split()) for message in conversation) for conversation in conversations)
    turns = len(conversations[0])
    estimate = 1.25 * (words + len(SYSTEM.split())) + turns * (max_tokens + 24) + 64
    return max(2048, -(-int(estimate) // 256) * 256)


class Fleet:
    """Processes started with their logs in `work`; stop() ends each one's process group."""

    def __init__(self, work):
        self.work, self.processes = work, []

    def start(self, name, args):
        log = open(os.path.join(self.work, name + ".log"), "w")
        # A session of its own: stop() can end it with whatever it started, and Ctrl-C reaches only
        # this script, whose finally blocks stop everything.
        process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        process.name = name
        self.processes.append(process)
        return process

    def check(self):
        """Raises when a process has exited, with the end of its log."""
        for process in self.processes:
            if process.poll() is not None:
                with open(os.path.join(self.work, process.name + ".log"), errors="replace") as log:
                    tail = log.read()[-1500:]
                raise RuntimeError(f"{process.name} exited with status {process.returncode}:\n{tail}")

    def wait_until(self, ready, what, timeout=90):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.check()
            try:
                if ready():
                    return
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{what} not ready within {timeout} s")

    def stop(self, grace=15):
        """SIGTERM, then SIGKILL after `grace` seconds: processes with requests in flight drain them first."""
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + grace
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                pass
            try:  # the group too: whatever a process started, or one that ignored SIGTERM
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        self.processes = []


def ensure_peers(runs):
    """Installs the pinned peer routers the runs need into this Python's environment, when missing."""
    missing = []
    for run in runs:
        if run in PEERS:
            module, requirement = PEERS[run]
            name, version = requirement.split("==")
            try:
                present = importlib.metadata.version(name) == version and importlib.util.find_spec(module) is not None
            except importlib.metadata.PackageNotFoundError:
                present = False
            if not present:
                missing.append(requirement)
    if missing:
        print(f"installing {' '.join(missing)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *missing], check=True)


def start_engines(fleet, gguf, llama_server, per_slot):
    """The four llama-servers, as the agent would start them on the CPU; returns their URLs."""
    urls = []
    for index in range(ENGINES):
        port = free_port()
        fleet.start(f"engine-{index}", [
            llama_server, "--model", gguf, "--alias", CHAT, "--host", "127.0.0.1", "--port", str(port),
            "--threads", "1", "--parallel", str(SLOTS), "--ctx-size", str(per_slot * SLOTS), "--metrics",
            "--n-gpu-layers", "0", "--device", "none", "--no-webui"])
        urls.append(f"http://127.0.0.1:{port}")
    for url in urls:
        fleet.wait_until(lambda: httpx.get(f"{url}/health").status_code == 200, f"engine {url}")
    return urls


def counters(urls):
    """Per engine: (prompt tokens evaluated, prompt tokens served from its cache) so far."""
    values = []
    for url in urls:
        metrics = dict(line.rsplit(" ", 1) for line in httpx.get(f"{url}/metrics").text.splitlines()
                       if line and not line.startswith("#"))
        values.append((float(metrics["llamacpp:prompt_tokens_total"]),
                       float(metrics.get("llamacpp:prompt_tokens_cached_total", "nan"))))
    return values


def start_switchyard(fleet, work, bin_dir, models, engines, routing):
    """switchyard-router with --routing `routing` and one agent per engine; returns its URL."""
    router_port = free_port()
    base = f"http://127.0.0.1:{router_port}"
    fleet.start("router", [f"{bin_dir}/switchyard-router", "serve", "--port", str(router_port),
                           "--data-dir", f"{work}/router", "--heartbeat-interval", "1", "--routing", routing,
                           "--log-level", "warning"])
    fleet.wait_until(lambda: httpx.get(f"{base}/health").status_code < 500, "router", timeout=30)
    for index, engine in enumerate(engines):
        fleet.start(f"agent-{index}", [
            f"{bin_dir}/switchyard-agent", "serve", "--router", base, "--host", "127.0.0.1", "--port", str(free_port()),
            "--name", f"node-{index}", "--models-dir", models, "--engine", f"gguf={engine}", "--slots", str(SLOTS),
            "--log-dir", f"{work}/agent-logs-{index}", "--log-level", "warning"])
    fleet.check()
    wait_for_nodes(base, ENGINES)
    headers = {"Authorization": f"Bearer {ADMIN}"}

    def serving():  # every node's heartbeat reported the engine, so each is a candidate for the model
        nodes = httpx.get(f"{base}/v0/nodes", headers=headers).json()["nodes"]
        listed = any(m["id"] == CHAT for m in httpx.get(f"{base}/v1/models", headers=headers).json()["data"])
        return listed and sum(CHAT in node["warm_models"] for node in nodes) == ENGINES

    fleet.wait_until(serving, "the model on every node", timeout=60)
    return base


def start_peer(fleet, run, engines):
    """vllm-router or sglang-router (cache_aware) in front of the engines; returns its URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    module = PEERS[run][0]
    args = [sys.executable, "-m", f"{module}.launch_router", "--host", "127.0.0.1", "--port", str(port),
            "--worker-urls", *engines, "--policy", "cache_aware", "--prometheus-port", str(free_port())]
    if run == "vllm-router":
        # It listens once every worker has answered /health.
        fleet.start(run, args + ["--log-level", "warning"])
        fleet.wait_until(lambda: httpx.get(f"{base}/health").status_code == 200, run)
    else:
        # It listens at once and registers workers in the background; /readiness counts them.
        fleet.start(run, args + ["--prometheus-host", "127.0.0.1", "--log-level", "warn"])
        fleet.wait_until(lambda: httpx.get(f"{base}/readiness").json()["healthy_workers"] == ENGINES, run)
    return base


def turn(client, base, headers, messages, max_tokens):
    """One streamed request; returns (TTFT to the first content chunk, reply). Raises on failure."""
    body = {"model": CHAT, "messages": messages, "max_tokens": max_tokens, "temperature": 0, "ignore_eos": True,
            "stream": True}
    sent = time.monotonic()
    first, reply, done = None, [], False
    with client.stream("POST", f"{base}/v1/chat/completions", json=body, headers=headers) as response:
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.read()[:200]!r}")
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                done = True
                break
            chunk = json.loads(data)
            if "error" in chunk:
                raise RuntimeError(f"error in stream: {chunk['error']}")
            for choice in chunk.get("choices") or []:
                content = (choice.get("delta") or {}).get("content")
                if content:
                    first = first or time.monotonic()
                    reply.append(content)
    if not done:
        raise RuntimeError("stream ended without [DONE]")
    return (first or time.monotonic()) - sent, "".join(reply)


def drive(base, headers, conversations, concurrency, max_tokens, sessions):
    """Runs the conversations from a pool of `concurrency` threads; returns TTFTs and failures."""
    first_ttfts, followup_ttfts, failures, lock, queue = [], [], [], threading.Lock(), list(range(len(conversations)))

    def worker():
        with httpx.Client(timeout=600) as client:
            while True:
                with lock:
                    if not queue:
                        return
                    index = queue.pop(0)
                request_headers = dict(headers, **({"X-Session-ID": f"conversation-{index}"} if sessions else {}))
                messages = [{"role": "system", "content": SYSTEM}]
                for number, user in enumerate(conversations[index]):
                    messages.append({"role": "user", "content": user})
                    try:
                        ttft, reply = turn(client, base, request_headers, messages, max_tokens)
                    except (httpx.HTTPError, RuntimeError, ValueError) as error:
                        with lock:  # the rest of this conversation would build on a broken history
                            failures.append(f"conversation {index} turn {number + 1}: {type(error).__name__}: {error}")
                        break
                    with lock:
                        (followup_ttfts if number else first_ttfts).append(ttft)
                    messages.append({"role": "assistant", "content": reply})

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return first_ttfts, followup_ttfts, failures


def run(name, options, conversations, per_slot, models):
    work = tempfile.mkdtemp(prefix=f"switchyard-prefix-{name}-")
    fleet, finished = Fleet(work), False
    try:
        engines = start_engines(fleet, options.gguf, options.llama_server, per_slot)
        if name in PEERS:
            base, headers = start_peer(fleet, name, engines), {}
        else:
            base = start_switchyard(fleet, work, options.bin, models, engines, ROUTING[name])
            headers = {"Authorization": f"Bearer {ADMIN}"}
        before = counters(engines)
        began = time.monotonic()
        first, followups, failures = drive(base, headers, conversations, options.concurrency, options.max_tokens,
                                           sessions=name == "warm-first")
        wall = time.monotonic() - began
        after = counters(engines)
        fleet.check()  # a front or an engine that died during the run says so
        finished = True
    except RuntimeError as error:
        print(f"{name}: run failed: {error}", file=sys.stderr, flush=True)
        return {"run": name, "failed": str(error)}
    finally:
        # Interrupted (Ctrl-C, SIGTERM), requests are still in flight: do not wait for them to drain.
        fleet.stop(grace=15 if finished else 2)
        shutil.rmtree(work, ignore_errors=True)
    evaluated = [int(a[0] - b[0]) for a, b in zip(after, before)]
    cached = sum(a[1] - b[1] for a, b in zip(after, before))
    for failure in failures[:5]:
        print(f"{name}: {failure}", file=sys.stderr)
    return {
        "run": name, "requests": len(first) + len(followups) + len(failures), "errors": len(failures),
        "prompt_tokens_evaluated": sum(evaluated), "evaluated_per_engine": evaluated,
        "prompt_tokens_cached": None if cached != cached else int(cached),
        "first_ttft_p50": seconds(percentile(first, 0.5)), "followup_ttft_p50": seconds(percentile(followups, 0.5)),
        "followup_ttft_p90": seconds(percentile(followups, 0.9)), "wall_s": round(wall, 1), "failures": failures,
    }


def seconds(value):
    """Seconds to the millisecond; None for the percentile of nothing (NaN is not JSON)."""
    return None if value != value else round(value, 3)


def duration(value):
    return "n/a" if value is None else f"{value:.2f} s"


def row(result):
    if "failed" in result:
        lines = [line.strip() for line in result["failed"].splitlines() if line.strip()]
        reason = " ".join(dict.fromkeys([lines[0], lines[-1]]))[:160].replace("|", "/")
        return f"| {result['run']} | run failed: {reason} | | | | | | |"
    evaluated, cached = result["prompt_tokens_evaluated"], result["prompt_tokens_cached"]
    share = f"{100 * cached / (evaluated + cached):.0f} %" if cached is not None and evaluated + cached else "n/a"
    return (f"| {result['run']} | {evaluated:,} | {share} | {duration(result['first_ttft_p50'])} | "
            f"{duration(result['followup_ttft_p50'])} | {duration(result['followup_ttft_p90'])} | {result['wall_s']:.0f} s | "
            f"{result['errors']} of {result['requests']} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="*", metavar="RUN", help=f"runs, in order (default: all): {', '.join(RUNS)}")
    parser.add_argument("--conversations", type=int, default=6)
    parser.add_argument("--turns", type=int, default=5)
    # More threads than nodes, so that no policy can give each conversation a node of its own.
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=16)
    parser.add_argument("--out", help="also write the results as JSON to this file")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"), help="switchyard binaries")
    parser.add_argument("--models", default=os.environ.get("SWITCHYARD_MODELS_DIR",
                                                           os.path.expanduser("~/.cache/switchyard/models")))
    parser.add_argument("--llama-server", default=os.environ.get("LLAMA_SERVER_CPU_ONLY") or os.environ.get("LLAMA_SERVER"))
    options = parser.parse_args()
    runs = options.runs or RUNS
    if unknown := [name for name in runs if name not in RUNS]:
        parser.error(f"unknown runs {unknown}; choose from {RUNS}")
    if not options.llama_server:
        parser.error("no llama-server: pass --llama-server or source ~/.cache/switchyard/env.sh")
    source = os.path.join(options.models, CHAT)
    options.gguf = os.path.join(source, next(name for name in sorted(os.listdir(source)) if name.endswith(".gguf")))
    ensure_peers(runs)
    # A SIGTERM ends the script as Ctrl-C does, through the finally blocks that stop the processes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    conversations = [conversation(index, options.turns) for index in range(options.conversations)]
    per_slot = context_per_slot(conversations, options.max_tokens)
    if per_slot > 8192:
        parser.error(f"the longest conversation needs ~{per_slot} context tokens; SmolLM2 has 8192: fewer --turns")
    # The agents' models directory: the chat model alone, so /v1/models lists it and nothing else.
    models = tempfile.mkdtemp(prefix="switchyard-prefix-models-")
    try:
        os.makedirs(os.path.dirname(os.path.join(models, CHAT)))
        os.symlink(source, os.path.join(models, CHAT))
        print(f"{ENGINES} CPU llama-servers ({SLOTS} slots x {per_slot} tokens, 1 thread each); {options.conversations} "
              f"conversations x {options.turns} turns from {options.concurrency} threads; document {DOCUMENT_WORDS} words, "
              f"tool outputs {TOOL_WORDS[0]}-{TOOL_WORDS[1]} words, {options.max_tokens} tokens a reply", flush=True)
        results = []
        for name in runs:
            result = run(name, options, conversations, per_slot, models)
            results.append(result)
            if "failed" not in result:
                print(f"{name}: {result['prompt_tokens_evaluated']:,} prompt tokens evaluated "
                      f"(per engine {result['evaluated_per_engine']}), {result['prompt_tokens_cached']} from cache; "
                      f"TTFT first p50 {duration(result['first_ttft_p50'])}, follow-up p50 {duration(result['followup_ttft_p50'])} "
                      f"p90 {duration(result['followup_ttft_p90'])}; {result['wall_s']:.0f} s; {result['errors']} errors", flush=True)
    finally:
        shutil.rmtree(models, ignore_errors=True)

    print()
    print("| run | prompt tokens evaluated | from cache | first-turn TTFT p50 | follow-up TTFT p50 | follow-up TTFT p90 "
          "| wall | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        print(row(result))
    if options.out:
        with open(options.out, "w") as out:
            json.dump({"engines": ENGINES, "slots": SLOTS, "context_per_slot": per_slot,
                       "conversations": options.conversations, "turns": options.turns,
                       "concurrency": options.concurrency, "max_tokens": options.max_tokens, "runs": results},
                      out, indent=2)
    sys.exit(1 if any("failed" in result for result in results) else 0)


if __name__ == "__main__":
    main()
