"""launchbay chain exporter (stdlib only): chain heads, lag, finality, reorgs, hot-wallet balances and nonce gaps on
/metrics; /healthz is 200 while polls succeed. Its config names the env vars holding RPC URLs and addresses."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

REORG_WINDOW = 64  # recorded heads per source; a deeper reorg is reported as this depth


class RpcError(Exception):
    """A JSON-RPC call that failed: transport, HTTP status or an error object."""


class Metrics:
    """Gauges and counters by (name, labels), rendered in the Prometheus text format."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.values: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def set(self, name: str, value: float, labels: dict[str, str], add: bool = False) -> None:
        key = (name, tuple(sorted(labels.items())))
        with self.lock:
            self.values[key] = (self.values.get(key, 0.0) if add else 0.0) + float(value)

    def text(self) -> str:
        with self.lock:
            items = sorted(self.values.items())
        lines, typed = list[str](), set[str]()
        for (name, labels), value in items:
            family = name.rsplit("_", 1)[0] if name.endswith(("_sum", "_count")) else name
            if family not in typed:
                typed.add(family)
                lines.append(f"# TYPE {family} " + ("summary" if family != name else "counter"
                                                     if name.endswith("_total") else "gauge"))
            body = "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}" if labels else ""
            lines.append(f"{name}{body} {value:.17g}")
        return "\n".join(lines) + "\n"


def hexint(value: Any) -> int:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise RpcError(f"not a hex quantity: {value!r}")
    return int(value, 16)


class Source:
    """One RPC endpoint of a chain; every call is counted, timed and failed under its labels."""

    def __init__(self, metrics: Metrics, chain: str, spec: dict[str, Any], url: str, timeout: float) -> None:
        self.metrics, self.url, self.timeout, self.node = metrics, url, timeout, bool(spec.get("node"))
        self.labels = {"chain": chain, "source": str(spec["name"])}
        self.hashes: dict[int, str] = {}
        metrics.set("launchbay_rpc_errors_total", 0, self.labels, add=True)  # present from the start, for rate()

    def call(self, method: str, *params: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
        request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = json.loads(response.read())
            if not isinstance(reply, dict) or "error" in reply or "result" not in reply:
                raise RpcError(str(reply)[:200])
            return reply["result"]
        except (OSError, ValueError, RpcError) as exc:
            self.metrics.set("launchbay_rpc_errors_total", 1, self.labels, add=True)
            raise RpcError(f"{self.labels['chain']}/{self.labels['source']} {method}: {exc}") from None
        finally:
            self.metrics.set("launchbay_rpc_request_duration_seconds_sum", time.monotonic() - started, self.labels,
                             add=True)
            self.metrics.set("launchbay_rpc_request_duration_seconds_count", 1, self.labels, add=True)

    def block(self, tag: str | int) -> dict[str, Any]:
        block = self.call("eth_getBlockByNumber", tag if isinstance(tag, str) else hex(tag), False)
        if not isinstance(block, dict) or "number" not in block:
            raise RpcError(f"{self.labels['chain']}/{self.labels['source']}: no block {tag}")
        return block

    def reorg_depth(self, head: dict[str, Any]) -> int:
        """Blocks seen before that the new head no longer contains (0 when it extends them; an upper bound,
        as only polled heads are recorded)."""
        number = hexint(head["number"])
        heights = sorted((n for n in self.hashes if n <= number), reverse=True)
        depth = heights[0] - heights[-1] + 1 if heights else 0  # when none of them is still there
        for height in heights:
            known = {number: head.get("hash"), number - 1: head.get("parentHash")}.get(height)
            if (known or self.block(height).get("hash")) == self.hashes[height]:
                depth = heights[0] - height
                break
        self.hashes = {n: h for n, h in self.hashes.items() if number - REORG_WINDOW < n < number - depth}
        self.hashes[number] = str(head.get("hash"))
        return min(depth, REORG_WINDOW)


class Exporter:
    def __init__(self, config: dict[str, Any], env: dict[str, str]) -> None:
        self.metrics, self.config, self.env = Metrics(), config, env
        self.last_ok, self.interval = 0.0, float(config.get("interval_seconds", 15))
        timeout = float(config.get("timeout_seconds", 5))
        self.sources = {c["name"]: [Source(self.metrics, c["name"], s, env[s["url_env"]], timeout)
                                    for s in c["sources"] if env.get(s["url_env"])] for c in config["chains"]}
        if missing := [chain for chain, found in self.sources.items() if not found]:
            print(f"no RPC URL variable is set for {', '.join(missing)}", file=sys.stderr)

    def poll_chain(self, chain: dict[str, Any]) -> bool:
        name, heads, ok = chain["name"], {}, True
        for src in self.sources[name]:
            try:
                head = src.block("latest")
                heads[src.labels["source"]] = (hexint(head["number"]), hexint(head["timestamp"]))
                self.metrics.set("launchbay_chain_head_block", hexint(head["number"]), src.labels)
                self.metrics.set("launchbay_chain_head_timestamp_seconds", hexint(head["timestamp"]), src.labels)
                self.metrics.set("launchbay_chain_reorg_depth", depth := src.reorg_depth(head), src.labels)
                self.metrics.set("launchbay_chain_reorgs_total", 1 if depth else 0, src.labels, add=True)
                if src.node:
                    self.metrics.set("launchbay_chain_peers", hexint(src.call("net_peerCount")), src.labels)
                    self.metrics.set("launchbay_chain_syncing", src.call("eth_syncing") is not False, src.labels)
                final = src.block("finalized")  # last: a chain without the tag still reports the rest
                self.metrics.set("launchbay_chain_finalized_timestamp_seconds", hexint(final["timestamp"]), src.labels)
            except (RpcError, KeyError) as exc:
                ok = False
                print(exc, file=sys.stderr)
        for source, (number, stamp) in heads.items():
            labels = {"chain": name, "source": source}
            self.metrics.set("launchbay_chain_head_lag_blocks", max(h[0] for h in heads.values()) - number, labels)
            self.metrics.set("launchbay_chain_head_lag_seconds", max(h[1] for h in heads.values()) - stamp, labels)
        for wallet in chain.get("wallets", []) if self.sources[name] else []:
            self.poll_wallet(name, wallet, self.sources[name][0])
        return ok and bool(heads)

    def poll_wallet(self, chain: str, wallet: dict[str, str], src: Source) -> None:
        labels = {"chain": chain, "wallet": wallet["name"]}
        if (minimum := self.env.get(wallet["min_balance_env"], "")).isdigit():
            self.metrics.set("launchbay_wallet_balance_min_wei", int(minimum), labels)
        if not (address := self.env.get(wallet["address_env"], "")):
            return
        try:
            balance = hexint(src.call("eth_getBalance", address, "latest"))
            latest = hexint(src.call("eth_getTransactionCount", address, "latest"))
            pending = hexint(src.call("eth_getTransactionCount", address, "pending"))
        except RpcError as exc:
            print(exc, file=sys.stderr)
            return
        self.metrics.set("launchbay_wallet_balance_wei", balance, labels)
        self.metrics.set("launchbay_wallet_nonce", latest, labels)
        self.metrics.set("launchbay_nonce_gap", pending - latest, labels)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if all(results := [self.poll_chain(chain) for chain in self.config["chains"]]) and results:
                self.last_ok = time.time()
            self.metrics.set("launchbay_chain_exporter_last_success_timestamp_seconds", self.last_ok, {})
            stop.wait(self.interval)


def serve(exporter: Exporter, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the http.server API
            fresh = time.time() - exporter.last_ok < 3 * exporter.interval
            status, body = {"/metrics": (200, exporter.metrics.text()),
                            "/healthz": (200, "ok\n") if fresh else (503, "no successful poll recently\n")
                            }.get(self.path, (404, "not found\n"))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: Any) -> None:
            return

    return ThreadingHTTPServer((host, port), Handler)


def main() -> int:
    if not os.path.isfile(path := os.environ.get("CHAIN_EXPORTER_CONFIG", "")):
        sys.exit("set CHAIN_EXPORTER_CONFIG to this environment's config/<environment>.json")
    with open(path, encoding="utf-8") as handle:
        config = json.load(handle)
    exporter, stop = Exporter(config, dict(os.environ)), threading.Event()
    port = int(os.environ.get("CHAIN_EXPORTER_PORT", config.get("listen_port", 9731)))
    server = serve(exporter, os.environ.get("CHAIN_EXPORTER_HOST", "0.0.0.0"), port)
    threading.Thread(target=exporter.run, args=(stop,), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
