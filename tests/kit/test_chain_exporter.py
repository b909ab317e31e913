"""The chain exporter is part of the kit: rendered for chain designs only, stdlib-only and under 200
lines, its Dockerfile pinned, non-root, health-checked and hadolint-clean — and it works: run as a
process against two fake JSON-RPC endpoints on loopback, its /metrics reports heads, lag, finality,
a reorg, balances, nonce gaps and RPC errors with the values the fakes serve."""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from launchbay.renderers.chain_exporter import EXPORTER_DIR, EXPORTER_PORT, ChainExporterRenderer
from tests.kit.support import design, require_tool

ADDRESS = "0x" + "ab" * 20  # a wallet address: public, 40 hex digits


def files(name: str, **changes: Any) -> dict[str, str]:
    return {f.path: f.content for f in ChainExporterRenderer().render(design(name, **changes))}


def test_rendered_for_chain_designs_only() -> None:
    evm = files("evm-dapp")
    assert set(evm) == {f"{EXPORTER_DIR}/chain_exporter.py", f"{EXPORTER_DIR}/Dockerfile",
                        f"{EXPORTER_DIR}/config/staging.json", f"{EXPORTER_DIR}/config/production.json"}
    assert files("discord-bot") == {}
    production = json.loads(evm[f"{EXPORTER_DIR}/config/production.json"])
    assert [c["name"] for c in production["chains"]] == ["base"]
    base = production["chains"][0]
    assert base["chain_id"] == 8453
    assert base["sources"] == [{"name": "app", "url_env": "BASE_RPC_URL"},
                               {"name": "reference", "url_env": "BASE_REFERENCE_RPC_URL"}]
    assert base["wallets"] == [{"name": "relayer", "address_env": "RELAYER_ADDRESS",
                                "min_balance_env": "RELAYER_MIN_BALANCE_WEI"}]
    staging = json.loads(evm[f"{EXPORTER_DIR}/config/staging.json"])
    assert [c["name"] for c in staging["chains"]] == ["base-sepolia"]
    py = json.loads(files("py-web3")[f"{EXPORTER_DIR}/config/production.json"])
    assert py["chains"][0]["sources"][0] == {"name": "app", "url_env": "RPC_URL"}  # the one RPC variable it reads
    assert py["chains"][0]["wallets"][0]["address_env"] == "SIGNER_ADDRESS"


def test_own_node_is_a_source_with_peers_and_sync() -> None:
    own = files("evm-dapp", blockchain=frozenset({("node_strategy", "own-nodes"), ("chains", ("ethereum", "base"))}),
                scale=frozenset({("peak_rps", 2000)}), team=frozenset({("size", 5)}))
    chains = {c["name"]: c for c in json.loads(own[f"{EXPORTER_DIR}/config/production.json"])["chains"]}
    assert {"name": "node", "url_env": "ETHEREUM_NODE_RPC_URL", "node": True} in chains["ethereum"]["sources"]
    assert all(not s.get("node") for s in chains["base"]["sources"])


def test_program_is_small_stdlib_only_and_clean() -> None:
    code = files("evm-dapp")[f"{EXPORTER_DIR}/chain_exporter.py"]
    assert len(code.splitlines()) <= 200
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    imported = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= stdlib, imported - stdlib


def test_dockerfile_pinned_non_root_with_healthcheck(tmp_path: Path) -> None:
    text = files("evm-dapp")[f"{EXPORTER_DIR}/Dockerfile"]
    assert "FROM python:3.12.14-slim-bookworm\n" in text
    assert "USER 10001:10001" in text and "/healthz" in text and "HEALTHCHECK" in text
    assert f"EXPOSE {EXPORTER_PORT}" in text
    (tmp_path / "Dockerfile").write_text(text)
    proc = subprocess.run([require_tool("hadolint"), "--no-color", "Dockerfile"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ───────────────────────────── running it ─────────────────────────────

def block_hash(number: int, fork: int) -> str:
    return f"0x{number:032x}{fork:032x}"


@dataclass
class Chain:
    """What a fake endpoint serves: a head, an optional fork from some height, and failing methods."""

    head: int
    stamp: int = 1_700_000_000
    fork_from: int | None = None
    failing: set[str] = field(default_factory=set)

    def block(self, number: int) -> dict[str, str]:
        def h(n: int) -> str:
            return block_hash(n, 1 if self.fork_from is not None and n >= self.fork_from else 0)
        return {"number": hex(number), "hash": h(number), "parentHash": h(number - 1),
                "timestamp": hex(self.stamp + 2 * number)}

    def answer(self, method: str, params: list[Any]) -> Any:
        if method in self.failing:
            raise LookupError(method)
        if method == "eth_getBlockByNumber":
            tag = params[0]
            number = {"latest": self.head, "finalized": self.head - 10}.get(tag)
            return self.block(int(tag, 16) if number is None else number)
        if method == "eth_getBalance":
            return hex(3 * 10**17)
        if method == "eth_getTransactionCount":
            return "0x5" if params[1] == "latest" else "0x7"
        raise LookupError(method)


def serve(chain: Chain) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            try:
                reply = {"jsonrpc": "2.0", "id": body["id"], "result": chain.answer(body["method"], body["params"])}
            except LookupError as exc:
                reply = {"jsonrpc": "2.0", "id": body["id"], "error": {"code": -32601, "message": str(exc)}}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def scrape(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url, timeout=2) as response:
        text = response.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


def wait_for(url: str, check: Any, timeout: float = 15.0) -> dict[str, float]:
    deadline, last = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        try:
            last = scrape(url)
            if check(last):
                return last
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"metrics never matched; last scrape: {last}")


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[str, Chain, Chain]]:
    kit = files("evm-dapp")
    program = tmp_path / "chain_exporter.py"
    program.write_text(kit[f"{EXPORTER_DIR}/chain_exporter.py"])
    config = json.loads(kit[f"{EXPORTER_DIR}/config/production.json"])
    config["interval_seconds"] = 0.2  # the generated 15 s, shortened so the test sees several polls
    (tmp_path / "production.json").write_text(json.dumps(config))
    app, reference = Chain(head=100), Chain(head=103)
    servers = [serve(app), serve(reference)]
    port = free_port()
    env = {"PATH": os.environ.get("PATH", ""), "CHAIN_EXPORTER_CONFIG": str(tmp_path / "production.json"),
           "CHAIN_EXPORTER_HOST": "127.0.0.1", "CHAIN_EXPORTER_PORT": str(port),
           "BASE_RPC_URL": servers[0][1], "BASE_REFERENCE_RPC_URL": servers[1][1],
           "RELAYER_ADDRESS": ADDRESS, "RELAYER_MIN_BALANCE_WEI": str(10**17)}
    proc = subprocess.Popen([sys.executable, str(program)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        yield f"http://127.0.0.1:{port}", app, reference
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        for server, _url in servers:
            server.shutdown()
            server.server_close()


def test_exporter_reports_what_the_endpoints_serve(running: tuple[str, Chain, Chain]) -> None:
    base, app, _reference = running
    metrics_url = f"{base}/metrics"
    app_src, ref_src = 'chain="base",source="app"', 'chain="base",source="reference"'
    wallet = 'chain="base",wallet="relayer"'
    m = wait_for(metrics_url, lambda m: f"launchbay_wallet_balance_wei{{{wallet}}}" in m
                 and f"launchbay_chain_head_lag_blocks{{{app_src}}}" in m)
    assert m[f"launchbay_chain_head_block{{{app_src}}}"] == 100
    assert m[f"launchbay_chain_head_block{{{ref_src}}}"] == 103
    assert m[f"launchbay_chain_head_lag_blocks{{{app_src}}}"] == 3
    assert m[f"launchbay_chain_head_lag_seconds{{{app_src}}}"] == 6  # 2 s blocks in the fake
    assert m[f"launchbay_chain_head_lag_blocks{{{ref_src}}}"] == 0
    assert m[f"launchbay_chain_finalized_timestamp_seconds{{{app_src}}}"] == 1_700_000_000 + 2 * 90
    assert m[f"launchbay_wallet_balance_wei{{{wallet}}}"] == 3 * 10**17
    assert m[f"launchbay_wallet_balance_min_wei{{{wallet}}}"] == 10**17
    assert m[f"launchbay_wallet_nonce{{{wallet}}}"] == 5
    assert m[f"launchbay_nonce_gap{{{wallet}}}"] == 2
    assert m[f"launchbay_rpc_errors_total{{{app_src}}}"] == 0  # the wallet is read from the app source only
    assert m[f"launchbay_rpc_request_duration_seconds_count{{{app_src}}}"] > 0
    assert m["launchbay_chain_exporter_last_success_timestamp_seconds"] > 0
    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
        assert response.status == 200
    assert f"launchbay_chain_reorgs_total{{{app_src}}}" in m and m[f"launchbay_chain_reorgs_total{{{app_src}}}"] == 0

    app.head = 101  # extends the chain: no reorg
    wait_for(metrics_url, lambda m: m.get(f"launchbay_chain_head_block{{{app_src}}}") == 101)
    app.fork_from, app.head = 100, 102  # blocks 100 and 101 replaced
    m = wait_for(metrics_url, lambda m: m.get(f"launchbay_chain_reorgs_total{{{app_src}}}", 0) >= 1)
    assert m[f"launchbay_chain_head_block{{{app_src}}}"] == 102

    app.failing = {"eth_getBlockByNumber"}
    m = wait_for(metrics_url, lambda m: m.get(f"launchbay_rpc_errors_total{{{app_src}}}", 0) >= 2)
    text = urllib.request.urlopen(metrics_url, timeout=2).read().decode()
    assert "# TYPE launchbay_rpc_request_duration_seconds summary" in text
    assert "# TYPE launchbay_rpc_errors_total counter" in text


def _module(tmp_path: Path) -> ModuleType:
    path = tmp_path / "chain_exporter_module.py"
    path.write_text(files("evm-dapp")[f"{EXPORTER_DIR}/chain_exporter.py"])
    spec = importlib.util.spec_from_file_location("chain_exporter_module", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_reorg_depth(tmp_path: Path) -> None:
    mod = _module(tmp_path)
    chain = Chain(head=100)

    class Fake(mod.Source):  # type: ignore[misc]
        def block(self, tag: str | int) -> dict[str, Any]:
            return chain.block(int(tag))

    src = Fake(mod.Metrics(), "base", {"name": "app"}, "http://unused", 1.0)
    for n in (100, 101, 102):
        assert src.reorg_depth(chain.block(n)) == 0
    assert src.reorg_depth(chain.block(102)) == 0  # same head again
    chain.fork_from = 101  # 101 and 102 replaced; the new head is 103
    assert src.reorg_depth(chain.block(103)) == 2
    assert src.reorg_depth(chain.block(104)) == 0  # the new branch goes on
    chain.fork_from = None  # back to the first branch, seen only after a jump of several blocks:
    assert src.reorg_depth(chain.block(110)) == 4  # 101-104 replaced (100, the last common block, is recorded)
