"""What the Python benchmarks share: free ports, waiting for nodes, percentiles, and the
environment that gives a fleet its admin key and node token."""

import os
import socket
import time

import httpx2 as httpx  # the HTTP client the openai SDK installs

ADMIN, TOKEN = "bench-admin", "bench-node"
ENV = dict(os.environ, SWITCHYARD_ADMIN_KEY=ADMIN, SWITCHYARD_NODE_TOKEN=TOKEN)
CHAT = "HuggingFaceTB/SmolLM2-135M-Instruct"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_nodes(base, count, timeout=60):
    """Waits until `count` nodes are online at the router at `base`; returns them."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            nodes = httpx.get(f"{base}/v0/nodes", headers={"Authorization": f"Bearer {ADMIN}"}).json()["nodes"]
            if sum(node["online"] for node in nodes) == count:
                return nodes
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{count} nodes did not come online within {timeout} s")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")
