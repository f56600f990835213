#!/usr/bin/env python3
"""Open streams: N slow streams held open through one router, and whether it still answers.

A fake engine (one asyncio process of this script, listening on K ports, each port registered
with the router as an agentless endpoint of capacity 1024 for the same model) answers streamed
chat completions as SSE, one token every --token-interval seconds until told to finish, and
anything else at once. A stream holder (another process of this script, raw asyncio sockets)
opens --streams N streams through the router and waits until every one has its first chunk.
While they stay open, this process, which does nothing else meanwhile, sends --fresh M small
non-streamed requests at a fixed --fresh-rate, each on a new connection, and after each one the
same request straight to the fake engine (the floor: the same Python client, the same busy
engine, the same CPUs, no router). It reads the router's memory (/proc VmRSS and VmHWM), CPU
time and open files when idle, with the N streams open, and after they are closed, and reports
(RSS open - RSS idle) / N as memory per stream. Then the engine ends every stream ([DONE]; or,
with --close abort, the holder drops its connections and the router must cancel upstream), and
the router is probed again (--cycles C repeats open, probe and close on the same router, to tell
memory kept for reuse from memory leaked). Prints a table and a JSON summary (also to --out
FILE); exits 1 when a stream or a request failed.

The router needs two descriptors per stream (client and upstream); it raises its open-file limit
to the hard limit at start, and this process raises its own for the engine and the holder.

Target (issue): 5,000 open streams on one router, p99 of a fresh small request under 50 ms.

Usage: "$SWITCHYARD_PYTHON" scripts/bench/open_streams.py [--streams 5000] [--fresh 200]
       [--fresh-rate 20] [--endpoints K] [--router PATH] [--event-loops N] [--router-arg=ARG ...]
       [--close finish|abort] [--cycles C] [--keep-logs] [--out FILE]
The internal roles (`engine`, `holder`) are this script run again with that first argument.
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
MODEL = "bench/open-streams"
ENDPOINT_CAPACITY = 1024  # the most POST /v0/endpoints accepts
CLK_TCK = os.sysconf("SC_CLK_TCK")


def raise_fd_limit():
    """Raises this process's open-file limit to its hard limit (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


# ---------------------------------------------------------------------------------------------
# The fake engine: HTTP/1.1, keep-alive, chunked SSE streams that trickle tokens.


class Engine:
    def __init__(self, interval, max_seconds):
        self.interval = interval
        self.max_seconds = max_seconds
        self.finishing = False
        self.active = self.started = self.finished = self.cut = self.plain = 0
        self.created = int(time.time())

    def stats(self):
        return {"active_streams": self.active, "streams_started": self.started, "streams_finished": self.finished,
                "streams_cut": self.cut, "plain_requests": self.plain}


def engine_json(status, document, keep_alive=True):
    body = json.dumps(document).encode()
    reason = {200: "OK", 404: "Not Found", 400: "Bad Request"}.get(status, "Error")
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n")
    return head.encode() + body


SSE_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n")


def sse_chunk(payload):
    event = b"data: " + payload + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(event), event)


class EngineConnection(asyncio.Protocol):
    counter = 0

    def __init__(self, engine):
        self.engine = engine
        self.buffer = bytearray()
        self.busy = False
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        self.serve()

    def serve(self):
        while not self.busy and not self.transport.is_closing():
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            try:
                method, path, _ = lines[0].split(" ", 2)
            except ValueError:
                self.transport.write(engine_json(400, {"error": "bad request line"}, keep_alive=False))
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self.transport.write(engine_json(400, {"error": "chunked request bodies are not supported"}, keep_alive=False))
                self.transport.close()
                return
            length = int(headers.get("content-length") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4:end + 4 + length])
            del self.buffer[:end + 4 + length]
            keep_alive = headers.get("connection", "").lower() != "close"
            self.handle(method, path.split("?", 1)[0], body, keep_alive)
            if not keep_alive and not self.busy:
                self.transport.close()

    def handle(self, method, path, body, keep_alive):
        engine = self.engine
        if method == "GET" and path == "/v1/models":
            self.transport.write(engine_json(200, {"object": "list", "data": [
                {"id": MODEL, "object": "model", "created": engine.created, "owned_by": "open-streams-bench"}]}, keep_alive))
        elif method == "POST" and path in ("/v1/chat/completions", "/v1/completions"):
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                request = {}
            if request.get("stream"):
                self.busy = True
                asyncio.get_running_loop().create_task(self.stream(int(request.get("max_tokens") or 1 << 30), keep_alive))
            else:
                engine.plain += 1
                self.transport.write(engine_json(200, {
                    "id": "chatcmpl-open-streams", "object": "chat.completion", "created": engine.created, "model": MODEL,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}}, keep_alive))
        elif method == "POST" and path == "/_bench/reset":  # streams from now on trickle again
            self.transport.write(engine_json(200, engine.stats(), keep_alive))
            engine.finishing = False
        elif method == "POST" and path == "/_bench/finish":
            engine.finishing = True
            self.transport.write(engine_json(200, engine.stats(), keep_alive))
        elif method == "GET" and path == "/_bench/stats":
            self.transport.write(engine_json(200, engine.stats(), keep_alive))
        else:  # the router's detection probes (/props, /version, ...) land here: a generic server
            self.transport.write(engine_json(404, {"error": {"message": "not found", "code": 404}}, keep_alive))

    async def stream(self, max_tokens, keep_alive):
        engine, transport = self.engine, self.transport
        EngineConnection.counter += 1
        head = ('{"id":"chatcmpl-os-%d","object":"chat.completion.chunk","created":%d,"model":"%s","choices":[{"index":0,'
                % (EngineConnection.counter, engine.created, MODEL)).encode()
        token = sse_chunk(head + b'"delta":{"content":" tok"},"finish_reason":null}]}')
        engine.active += 1
        engine.started += 1
        try:
            transport.write(SSE_HEAD + sse_chunk(head + b'"delta":{"role":"assistant","content":""},"finish_reason":null}]}'))
            deadline = time.monotonic() + engine.max_seconds
            # A random first pause spreads the ticks of streams opened in a burst.
            await asyncio.sleep(random.random() * engine.interval)
            sent = 0
            while sent < max_tokens and not engine.finishing and time.monotonic() < deadline:
                if transport.is_closing():
                    engine.cut += 1
                    return
                transport.write(token)
                sent += 1
                await asyncio.sleep(engine.interval)
            if transport.is_closing():
                engine.cut += 1
                return
            reason = b"length" if sent >= max_tokens else b"stop"
            transport.write(sse_chunk(head + b'"delta":{},"finish_reason":"' + reason + b'"}]}') + sse_chunk(b"[DONE]") + b"0\r\n\r\n")
            engine.finished += 1
        finally:
            engine.active -= 1
            self.busy = False
        if keep_alive:
            self.serve()
        else:
            transport.close()


def engine_main(argv):
    parser = argparse.ArgumentParser(prog="open_streams.py engine")
    parser.add_argument("--ports", required=True)
    parser.add_argument("--router-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for `switchyard-router serve` (repeatable), such as --router-arg=--max-connections=20000")
    parser.add_argument("--token-interval", type=float, default=1.0)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args(argv)
    raise_fd_limit()

    async def run():
        engine = Engine(args.token_interval, args.max_seconds)
        loop = asyncio.get_running_loop()
        for port in args.ports.split(","):
            await loop.create_server(lambda: EngineConnection(engine), "127.0.0.1", int(port), backlog=4096)
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


# ---------------------------------------------------------------------------------------------
# The stream holder: N streams through the router on raw asyncio sockets; commands on stdin.


class StreamClient(asyncio.Protocol):
    def __init__(self, holder, request):
        self.holder = holder
        self.request = request
        self.transport = None
        self.head = bytearray()
        self.status = None
        self.first = asyncio.get_running_loop().create_future()
        self.chunks = 0
        self.tail_count = b""  # the last 5 bytes, so an event split across reads is counted once
        self.tail_done = b""  # the last 11 bytes, to see "data: [DONE]" split across reads
        self.done = False
        self.closed = False
        self.closing = False  # closed by us
        self.error_body = b""

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def fail(self, why):
        if not self.first.done():
            self.first.set_exception(RuntimeError(why))

    def data_received(self, data):
        if self.status is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            try:
                self.status = int(self.head.split(b" ", 2)[1])
            except (IndexError, ValueError):
                self.status = -1
            data = bytes(self.head[end + 4:])
            self.head = None
            if self.status != 200:
                self.error_body = data[:300]
                self.fail(f"HTTP {self.status}")
                self.closing = True
                self.transport.close()
                return
        counted = self.tail_count + data
        events = counted.count(b"data: ")
        self.tail_count = counted[-5:]
        if events:
            self.chunks += events
            self.holder.chunks += events
            if not self.first.done():
                self.first.set_result(time.monotonic())
        seen = self.tail_done + data
        if b"data: [DONE]" in seen:
            self.done = True
        self.tail_done = seen[-11:]

    def connection_lost(self, exc):
        self.closed = True
        self.fail("connection closed before the first chunk")


class Holder:
    def __init__(self, args):
        self.args = args
        self.chunks = 0
        self.clients = []

    def state(self):
        opened = [c for c in self.clients if c.first.done() and not c.first.exception()]
        return {
            "chunks": self.chunks,
            "open": sum(1 for c in opened if not c.closed and not c.done),
            "done": sum(1 for c in opened if c.done),
            "cut": sum(1 for c in opened if c.closed and not c.done and not c.closing),
        }

    async def open_all(self):
        args, loop = self.args, asyncio.get_running_loop()
        body = json.dumps({"model": MODEL, "stream": True, "max_tokens": 1 << 30,
                           "messages": [{"role": "user", "content": "Tell me a very long story."}]}).encode()
        request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{args.port}\r\nAuthorization: Bearer {args.key}\r\n"
                   f"Content-Type: application/json\r\nAccept: text/event-stream\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        # Opens in flight are bounded: the router listens with a backlog of 256, and a burst of
        # thousands of connects would overflow it (dropped SYNs, retried after 1 s, 3 s, ...).
        gate = asyncio.Semaphore(args.open_concurrency)
        latencies, failures, error_bodies = [], {}, {}

        async def open_one():
            client = StreamClient(self, request)
            self.clients.append(client)
            async with gate:
                began = time.monotonic()
                try:
                    await asyncio.wait_for(loop.create_connection(lambda: client, "127.0.0.1", args.port), args.open_timeout)
                    first = await asyncio.wait_for(asyncio.shield(client.first), max(0.1, began + args.open_timeout - time.monotonic()))
                    latencies.append(first - began)
                except (OSError, RuntimeError, asyncio.TimeoutError) as error:
                    why = str(error) if isinstance(error, RuntimeError) else type(error).__name__
                    failures[why] = failures.get(why, 0) + 1
                    if client.error_body and why not in error_bodies:
                        error_bodies[why] = client.error_body.decode("utf-8", "replace")
                    if client.transport and not client.transport.is_closing():
                        client.closing = True
                        client.transport.close()

        began = time.monotonic()
        await asyncio.gather(*(open_one() for _ in range(args.streams)))
        latencies.sort()

        def pick(fraction):
            return latencies[min(len(latencies) - 1, int(fraction * len(latencies)))] if latencies else None

        return {"opened": len(latencies), "failed": sum(failures.values()), "failures": failures, "error_bodies": error_bodies,
                "open_seconds": time.monotonic() - began, "first_chunk_p50": pick(0.5), "first_chunk_p99": pick(0.99),
                "first_chunk_max": latencies[-1] if latencies else None, **self.state()}

    async def run(self):
        loop = asyncio.get_running_loop()
        print(json.dumps(await self.open_all()), flush=True)
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).split()
            if not line or line[0] == "exit":
                return
            if line[0] == "wait-done":  # until every open stream has ended, or the seconds given
                deadline = time.monotonic() + float(line[1])
                while self.state()["open"] and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
            elif line[0] == "close":
                for client in self.clients:
                    if client.transport and not client.closed:
                        client.closing = True
                        client.transport.close()
                await asyncio.sleep(0.2)
            print(json.dumps(self.state()), flush=True)


def holder_main(argv):
    parser = argparse.ArgumentParser(prog="open_streams.py holder")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--open-concurrency", type=int, default=128)
    parser.add_argument("--open-timeout", type=float, default=60)
    args = parser.parse_args(argv)
    raise_fd_limit()
    asyncio.run(Holder(args).run())


# ---------------------------------------------------------------------------------------------
# The orchestrator: processes, registration, probes, measurements, report.


class Process:
    """/proc readings of one process."""

    def __init__(self, pid):
        self.pid = pid

    def status(self):
        values = {}
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads"):
                    values[name] = int(value.split()[0])
        return values

    def snapshot(self):
        status = self.status()
        return {"rss_mib": status["VmRSS"] / 1024, "hwm_mib": status["VmHWM"] / 1024, "anon_mib": status.get("RssAnon", 0) / 1024,
                "threads": status["Threads"], "fds": len(os.listdir(f"/proc/{self.pid}/fd")), "cpu_s": cpu_seconds(self.pid),
                "t": time.monotonic()}

    def fd_limit(self):
        with open(f"/proc/{self.pid}/limits") as limits:
            return next(line.split()[3] for line in limits if line.startswith("Max open files"))


class Sampler(threading.Thread):
    """The router's RSS every 0.5 s for the timeline, paused while the prober runs."""

    def __init__(self, process):
        super().__init__(daemon=True)
        self.process, self.began = process, time.monotonic()
        self.samples, self.running, self.stopped = [], threading.Event(), threading.Event()

    def run(self):
        while not self.stopped.wait(0.5):
            if self.running.is_set():
                try:
                    self.samples.append((round(time.monotonic() - self.began, 1), round(self.process.status()["VmRSS"] / 1024, 1)))
                except (OSError, KeyError):
                    return


def call(port, method, path, body=None, key=None, timeout=30):
    """One request on a new connection: (status, headers, body, seconds)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, response, payload, time.perf_counter() - began
    finally:
        connection.close()


FRESH_BODY = {"model": MODEL, "max_tokens": 1, "messages": [{"role": "user", "content": "hi"}]}


def probe(count, rate, router_port, engine_port, key, percentile, router=None):
    """`count` fresh small requests through the router at `rate` per second, each followed by the
    same request straight to the engine; latencies in ms, the router's own time (its header)."""
    routed, direct, own, failures = [], [], [], {}
    began = time.perf_counter()
    for index in range(count):
        time.sleep(max(0.0, began + index / rate - time.perf_counter()))
        try:
            status, response, payload, seconds = call(router_port, "POST", "/v1/chat/completions", FRESH_BODY, key, timeout=30)
            if status == 200:
                routed.append(seconds * 1000)
                header = response.getheader("X-Switchyard-Router-Time-Ms")
                if header:
                    own.append(float(header))
            else:
                why = f"HTTP {status}: {payload[:120].decode('utf-8', 'replace')}"
                failures[why] = failures.get(why, 0) + 1
        except OSError as error:
            failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
        try:
            status, _, _, seconds = call(engine_port, "POST", "/v1/chat/completions", FRESH_BODY, timeout=30)
            if status == 200:
                direct.append(seconds * 1000)
        except OSError:
            pass

    def summary(values):
        return {"p50": percentile(values, 0.5), "p99": percentile(values, 0.99), "max": max(values) if values else None, "n": len(values)}

    return {"routed_ms": summary(routed), "direct_ms": summary(direct), "router_own_ms": summary(own),
            "failed": sum(failures.values()), "failures": failures, "seconds": time.perf_counter() - began}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=5000, help="streams held open (default 5000)")
    parser.add_argument("--fresh", type=int, default=200, help="fresh small requests per probe (default 200)")
    parser.add_argument("--fresh-rate", type=float, default=20, help="fresh requests per second (default 20)")
    parser.add_argument("--endpoints", type=int, help=f"fake engine ports/endpoints, {ENDPOINT_CAPACITY} slots each "
                        f"(default: streams / {ENDPOINT_CAPACITY} rounded up, plus one)")
    parser.add_argument("--router", default=os.path.join(REPO, ".build/release/switchyard-router"), help="router binary")
    parser.add_argument("--event-loops", type=int, help="the router's --event-loops (default: its own, one per core)")
    parser.add_argument("--router-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for `switchyard-router serve` (repeatable), such as --router-arg=--max-connections=20000")
    parser.add_argument("--token-interval", type=float, default=1.0, help="seconds between a stream's tokens (default 1)")
    parser.add_argument("--open-concurrency", type=int, default=128, help="streams being opened at once (default 128)")
    parser.add_argument("--close", choices=("finish", "abort"), default="finish",
                        help="finish: the engine ends every stream with [DONE]; abort: the clients drop their connections")
    parser.add_argument("--cycles", type=int, default=1,
                        help="open, probe and close the streams this many times on one router (memory returned or growing?)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the work directory with the router's log")
    parser.add_argument("--out", help="also write the JSON summary to this file")
    args = parser.parse_args()

    from benchfleet import ADMIN, ENV, free_port, percentile  # the venv's Python (httpx2) is needed for this

    fd_limit = raise_fd_limit()
    endpoints = args.endpoints or args.streams // ENDPOINT_CAPACITY + 2 - (args.streams % ENDPOINT_CAPACITY == 0)
    capacity = endpoints * ENDPOINT_CAPACITY
    if capacity <= args.streams:
        print(f"warning: {endpoints} endpoints hold {capacity} requests at once; streams beyond that queue "
              "(--queue-depth, default 256 per model) or are refused, and fresh requests wait", file=sys.stderr)
    if fd_limit < 2 * args.streams + 1000:
        print(f"warning: open-file limit {fd_limit} is low for {args.streams} streams (2 sockets each in the router)", file=sys.stderr)
    work = tempfile.mkdtemp(prefix="switchyard-open-streams-")
    children = []

    def start(name, command, **extra):
        log = open(os.path.join(work, name + ".log"), "w")
        extra.setdefault("stdout", log)
        process = subprocess.Popen(command, stderr=log, **extra)
        children.append(process)
        return process

    def stop_all():
        for process in reversed(children):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(children):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    try:
        ports = [free_port() for _ in range(endpoints)]
        engine = start("engine", [sys.executable, __file__, "engine", "--ports", ",".join(map(str, ports)),
                                  "--token-interval", str(args.token_interval)], stdout=subprocess.PIPE, text=True)
        if engine.stdout.readline().strip() != "ready":
            raise SystemExit(f"the fake engine did not start (log: {work}/engine.log)")
        router_port = free_port()
        command = [args.router, "serve", "--port", str(router_port), "--data-dir", f"{work}/router",
                   "--heartbeat-interval", "1", "--log-level", "warning"]
        if args.event_loops:
            command += ["--event-loops", str(args.event_loops)]
        command += args.router_arg
        router = start("router", command, env=ENV)
        deadline = time.time() + 30
        while True:
            try:
                if call(router_port, "GET", "/health", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if router.poll() is not None or time.time() > deadline:
                raise SystemExit(f"the router did not start (log: {work}/router.log)")
            time.sleep(0.1)
        for index, port in enumerate(ports):
            status, _, payload, _ = call(router_port, "POST", "/v0/endpoints", {
                "url": f"http://127.0.0.1:{port}", "name": f"fake-{index}", "capacity": ENDPOINT_CAPACITY, "models": [MODEL]}, ADMIN)
            if status != 201:
                raise SystemExit(f"registering endpoint {index} answered {status}: {payload[:300]!r}")
        status, _, payload, _ = call(router_port, "GET", "/v1/models", key=ADMIN)
        if MODEL not in payload.decode():
            raise SystemExit(f"{MODEL} is not routable: {status} {payload[:300]!r}")
        routerp = Process(router.pid)
        router_fd_limit = routerp.fd_limit()
        sampler = Sampler(routerp)
        sampler.start()

        # Warm up (first connections, allocator arenas), then the idle baseline.
        probe(20, 50, router_port, ports[0], ADMIN, percentile)
        time.sleep(1)
        idle_probe = probe(args.fresh, args.fresh_rate, router_port, ports[0], ADMIN, percentile)
        time.sleep(4)  # pooled upstream connections idle out after 3 s
        idle = routerp.snapshot()
        sampler.running.set()

        def one_cycle(index):
            """Opens the streams, probes while they are open, closes them; what was measured."""
            holder = start(f"holder-{index}", [sys.executable, __file__, "holder", "--port", str(router_port), "--key", ADMIN,
                                               "--streams", str(args.streams), "--open-concurrency", str(args.open_concurrency)],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

            def ask(command=None):
                if command:
                    holder.stdin.write(command + "\n")
                    holder.stdin.flush()
                line = holder.stdout.readline()
                if not line:
                    raise SystemExit(f"the stream holder ended (log: {work}/holder-{index}.log)")
                return json.loads(line)

            c = {"before": routerp.snapshot()}
            engine_cpu0 = cpu_seconds(engine.pid)
            c["opened"] = ask()
            c["after_open"] = routerp.snapshot()
            c["engine_opening_cpu_s"] = cpu_seconds(engine.pid) - engine_cpu0
            time.sleep(3)  # settle: every stream past its first tokens
            c["hold_start"], chunks0 = routerp.snapshot(), ask("stats")["chunks"]
            engine_cpu1, holder_cpu1 = cpu_seconds(engine.pid), cpu_seconds(holder.pid)
            sampler.running.clear()
            c["probe"] = probe(args.fresh, args.fresh_rate, router_port, ports[0], ADMIN, percentile)
            sampler.running.set()
            c["hold_state"] = ask("stats")
            c["hold_end"] = routerp.snapshot()
            c["hold_seconds"] = c["hold_end"]["t"] - c["hold_start"]["t"]
            c["hold_chunks"] = c["hold_state"]["chunks"] - chunks0
            c["engine_hold_cpu_s"] = cpu_seconds(engine.pid) - engine_cpu1
            c["holder_hold_cpu_s"] = cpu_seconds(holder.pid) - holder_cpu1
            c["engine_open"] = json.loads(call(ports[0], "GET", "/_bench/stats")[2])

            # Close every stream.
            closing_began = time.monotonic()
            if args.close == "finish":
                call(ports[0], "POST", "/_bench/finish")
                c["closed"] = ask(f"wait-done {30 + 2 * args.token_interval}")
                c["closed_seconds"] = time.monotonic() - closing_began
                ask("close")
            else:
                c["closed"] = ask("close")
                while json.loads(call(ports[0], "GET", "/_bench/stats")[2])["active_streams"] and time.monotonic() - closing_began < 30:
                    time.sleep(0.1)
                c["closed_seconds"] = time.monotonic() - closing_began
            holder.stdin.write("exit\n")
            holder.stdin.flush()
            holder.wait(timeout=30)
            c["engine_closed"] = json.loads(call(ports[0], "POST", "/_bench/reset")[2])
            return c

        cycles = []
        for index in range(args.cycles):
            cycles.append(one_cycle(index + 1))
            time.sleep(5)  # pooled upstream connections idle out after 3 s
            cycles[-1]["after"] = routerp.snapshot()
        first = cycles[0]
        opened, hold_state, hold_probe = first["opened"], first["hold_state"], first["probe"]
        after_open, hold_start, hold_end, hold_seconds = first["after_open"], first["hold_start"], first["hold_end"], first["hold_seconds"]
        closed, closed_seconds, engine_stats_open = first["closed"], first["closed_seconds"], first["engine_open"]
        engine_stats_closed = first["engine_closed"]
        after = cycles[-1]["after"]
        sampler.running.clear()
        after_probe = probe(args.fresh, args.fresh_rate, router_port, ports[0], ADMIN, percentile)
        final = routerp.snapshot()
        sampler.stopped.set()
        with open(os.path.join(work, "router.log")) as log:
            logged_during_run = sum(1 for line in log if line.strip())
        stop_all()
    except BaseException:
        stop_all()
        print(f"logs in {work}", file=sys.stderr)
        raise

    with open(os.path.join(work, "router.log")) as log:
        router_log = [line.rstrip() for line in log if line.strip()]
    holder_log = []
    for index in range(len(cycles)):
        with open(os.path.join(work, f"holder-{index + 1}.log")) as log:
            holder_log += [line.rstrip() for line in log if line.strip()][-5:]
    n = max(1, opened["opened"])
    open_rss = max(hold_start["rss_mib"], hold_end["rss_mib"])
    result = {
        "streams": args.streams, "endpoints": endpoints, "capacity": capacity, "token_interval_s": args.token_interval,
        "close": args.close, "router": args.router, "router_event_loops": args.event_loops or "default (one per core)",
        "router_args": command[1:], "cores": os.cpu_count(), "loadavg_at_end": os.getloadavg(), "router_fd_limit": router_fd_limit,
        "open": opened,
        "router_memory": {
            "idle_rss_mib": idle["rss_mib"], "open_rss_mib": open_rss, "after_close_rss_mib": after["rss_mib"],
            "final_rss_mib": final["rss_mib"], "hwm_mib": final["hwm_mib"], "idle_anon_mib": idle["anon_mib"],
            "open_anon_mib": hold_end["anon_mib"], "after_close_anon_mib": after["anon_mib"],
            "per_stream_kib": (open_rss - idle["rss_mib"]) * 1024 / n,
            "per_stream_anon_kib": (hold_end["anon_mib"] - idle["anon_mib"]) * 1024 / n,
            "timeline_s_mib": sampler.samples,
        },
        "router_fds": {"idle": idle["fds"], "open": hold_end["fds"], "after_close": after["fds"]},
        "router_threads": {"idle": idle["threads"], "open": hold_end["threads"]},
        "router_cpu": {
            "opening_s": after_open["cpu_s"] - idle["cpu_s"],
            "hold_percent_of_a_core": 100 * (hold_end["cpu_s"] - hold_start["cpu_s"]) / hold_seconds,
            "hold_us_per_chunk": 1e6 * (hold_end["cpu_s"] - hold_start["cpu_s"]) / max(1, first["hold_chunks"]),
            "total_s": final["cpu_s"],
        },
        "hold": {"seconds": hold_seconds, "chunks": first["hold_chunks"], "chunks_per_s": first["hold_chunks"] / hold_seconds,
                 "expected_chunks_per_s": opened["opened"] / args.token_interval,
                 "streams_still_open": hold_state["open"], "streams_cut": hold_state["cut"],
                 "engine_active_streams": engine_stats_open["active_streams"]},
        "other_cpu_percent_of_a_core": {
            "engine_opening": 100 * first["engine_opening_cpu_s"] / max(1e-9, opened["open_seconds"]),
            "engine_hold": 100 * first["engine_hold_cpu_s"] / hold_seconds,
            "holder_hold": 100 * first["holder_hold_cpu_s"] / hold_seconds,
        },
        "fresh": {"idle": idle_probe, "with_streams_open": hold_probe, "after_close": after_probe,
                  "rate_per_s": args.fresh_rate, "new_connection_each": True},
        "closing": {"mode": args.close, "seconds": closed_seconds, "holder": closed, "engine": engine_stats_closed},
        "router_log": {"lines_during_run": logged_during_run, "lines_at_shutdown": len(router_log) - logged_during_run,
                       "during_run": router_log[:logged_during_run][:20], "at_shutdown": router_log[logged_during_run:][:5]},
        "holder_log_tail": holder_log,
        "cycles": [{"opened": c["opened"]["opened"], "failed": c["opened"]["failed"], "open_seconds": c["opened"]["open_seconds"],
                    "rss_before_mib": c["before"]["rss_mib"], "rss_open_mib": c["hold_end"]["rss_mib"], "rss_after_close_mib": c["after"]["rss_mib"],
                    "fds_after_close": c["after"]["fds"], "fresh_p50_ms": c["probe"]["routed_ms"]["p50"],
                    "fresh_p99_ms": c["probe"]["routed_ms"]["p99"], "fresh_failed": c["probe"]["failed"], "cut": c["hold_state"]["cut"],
                    "done": c["closed"]["done"], "engine_active_after_close": c["engine_closed"]["active_streams"]} for c in cycles],
    }
    p99 = hold_probe["routed_ms"]["p99"]
    failed = idle_probe["failed"] or after_probe["failed"] or any(
        c["opened"]["failed"] or c["hold_state"]["cut"] or c["probe"]["failed"] or c["engine_closed"]["active_streams"]
        or (args.close == "finish" and c["closed"]["done"] < c["opened"]["opened"]) for c in cycles)
    result["target"] = {"streams_open": opened["opened"], "fresh_p99_ms": p99,
                        "met": opened["opened"] >= 5000 and not opened["failed"] and p99 == p99 and p99 < 50}

    memory, fresh = result["router_memory"], result["fresh"]

    def ms(summary, key, digits=1):
        value = summary[key]
        return "—" if value is None or value != value else f"{value:.{digits}f}"

    print(f"\n{opened['opened']}/{args.streams} streams open through one router ({endpoints} endpoints x {ENDPOINT_CAPACITY}), "
          f"a token every {args.token_interval:g} s; {os.cpu_count()} cores shared by router, engine, holder and prober")
    print(f"opening: {opened['open_seconds']:.1f} s for all ({args.open_concurrency} at a time), first chunk p50 "
          f"{(opened['first_chunk_p50'] or 0) * 1000:.1f} ms, p99 {(opened['first_chunk_p99'] or 0) * 1000:.1f} ms, "
          f"max {(opened['first_chunk_max'] or 0) * 1000:.1f} ms; failed {opened['failed']} {opened['failures'] or ''}")
    print(f"router memory: idle {memory['idle_rss_mib']:.1f} MiB, open {memory['open_rss_mib']:.1f} MiB, after close "
          f"{memory['after_close_rss_mib']:.1f} MiB, peak (VmHWM) {memory['hwm_mib']:.1f} MiB -> "
          f"{memory['per_stream_kib']:.1f} KiB per open stream (anonymous: {memory['per_stream_anon_kib']:.1f} KiB)")
    print(f"router fds idle/open/after: {idle['fds']}/{hold_end['fds']}/{after['fds']}; threads {idle['threads']}/{hold_end['threads']}; "
          f"CPU while holding: {result['router_cpu']['hold_percent_of_a_core']:.0f}% of a core, "
          f"{result['router_cpu']['hold_us_per_chunk']:.0f} µs per relayed chunk")
    print(f"while holding: {result['hold']['chunks_per_s']:.0f} chunks/s arrived (expected {result['hold']['expected_chunks_per_s']:.0f}), "
          f"cut {hold_state['cut']}; engine {result['other_cpu_percent_of_a_core']['engine_hold']:.0f}% and holder "
          f"{result['other_cpu_percent_of_a_core']['holder_hold']:.0f}% of a core")
    print(f"closing ({args.close}): {closed_seconds:.1f} s; streams done {closed['done']}, cut {closed['cut']}, still open {closed['open']}; "
          f"engine streams still active {engine_stats_closed['active_streams']}")
    print()
    print(f"| fresh requests ({args.fresh} at {args.fresh_rate:g}/s, new connection each) | p50 ms | p99 ms | max ms | failed | "
          "direct to engine p50 / p99 ms | router's own time p50 / p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for label, key in (("router idle", "idle"), (f"{opened['opened']} streams open", "with_streams_open"), ("after closing", "after_close")):
        p = fresh[key]
        print(f"| {label} | {ms(p['routed_ms'], 'p50')} | {ms(p['routed_ms'], 'p99')} | {ms(p['routed_ms'], 'max')} | {p['failed']} | "
              f"{ms(p['direct_ms'], 'p50')} / {ms(p['direct_ms'], 'p99')} | {ms(p['router_own_ms'], 'p50', 3)} / {ms(p['router_own_ms'], 'p99', 3)} |")
    if len(cycles) > 1:
        print("\n| cycle | opened | failed | RSS before / open / after close (MiB) | fds after | fresh p50 / p99 ms |")
        print("|---|---|---|---|---|---|")
        for number, c in enumerate(result["cycles"], 1):
            print(f"| {number} | {c['opened']} | {c['failed']} | {c['rss_before_mib']:.1f} / {c['rss_open_mib']:.1f} / "
                  f"{c['rss_after_close_mib']:.1f} | {c['fds_after_close']} | {c['fresh_p50_ms']:.1f} / {c['fresh_p99_ms']:.1f} |")
    verdict = "met" if result["target"]["met"] else "not met" if args.streams >= 5000 else f"not measured ({args.streams} streams)"
    print(f"\ntarget (5,000 streams open, fresh p99 < 50 ms): {verdict}")
    print(f"router log (warning and above): {logged_during_run} lines during the run, {len(router_log) - logged_during_run} at shutdown")
    for line in router_log[:logged_during_run][:5]:
        print(f"  {line[:300]}")
    summary = json.dumps(result, indent=2, default=str)
    print("\n" + summary)
    if args.out:
        with open(args.out, "w") as out:
            out.write(summary + "\n")
    if args.keep_logs:
        print(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "engine":
        engine_main(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "holder":
        holder_main(sys.argv[2:])
    else:
        main()
