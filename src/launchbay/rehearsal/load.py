"""A bounded load generator: threads sending GETs through the proxy, one connection per request.

Keep-alive is off (`Connection: close`, a new connection each time) so every request goes through
Caddy's upstream choice afresh, as traffic from many clients would; a request fails when it gets no
response, a 5xx, or takes longer than the timeout. Each result keeps its start and end times so
failures can be placed against the switch.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    start: float
    end: float
    status: int | None
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status is None or self.status >= 500


@dataclass
class LoadReport:
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.samples)

    @property
    def failures(self) -> list[Sample]:
        return [s for s in self.samples if s.failed]

    def failed_between(self, start: float, end: float) -> int:
        return sum(1 for s in self.failures if s.end >= start and s.start <= end)

    def latency_ms(self, quantile: float) -> float:
        done = sorted((s.end - s.start) * 1000 for s in self.samples if not s.failed)
        if not done:
            return 0.0
        return round(done[min(len(done) - 1, int(quantile * len(done)))], 1)

    def as_detail(self) -> dict[str, object]:
        return {"sent": self.sent, "failed": len(self.failures), "seconds": round(self.seconds, 2),
                "p50_ms": self.latency_ms(0.5), "p95_ms": self.latency_ms(0.95),
                "errors": sorted({s.error or f"HTTP {s.status}" for s in self.failures})[:5]}


class LoadGenerator:
    """Start it, do the deploy, stop it; `max_seconds` bounds it even if stop is never called."""

    def __init__(self, host: str, port: int, path: str, threads: int = 4, timeout_s: float = 5,
                 max_seconds: float = 300, pause_s: float = 0.01) -> None:
        self.host, self.port, self.path = host, port, path
        self.threads, self.timeout_s, self.max_seconds, self.pause_s = threads, timeout_s, max_seconds, pause_s
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []
        self.report = LoadReport()
        self._started = 0.0

    def _one(self) -> Sample:
        start = time.time()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)
        try:
            conn.request("GET", self.path, headers={"Connection": "close", "User-Agent": "launchbay-rehearsal"})
            resp = conn.getresponse()
            resp.read()
            return Sample(start, time.time(), resp.status)
        except (OSError, http.client.HTTPException) as err:
            return Sample(start, time.time(), None, type(err).__name__ + (f": {err}" if str(err) else ""))
        finally:
            conn.close()

    def _run(self) -> None:
        deadline = self._started + self.max_seconds
        while not self._stop.is_set() and time.time() < deadline:
            sample = self._one()
            with self._lock:
                self.report.samples.append(sample)
            self._stop.wait(self.pause_s)

    def start(self) -> LoadGenerator:
        self._started = time.time()
        for i in range(self.threads):
            worker = threading.Thread(target=self._run, name=f"load-{i}", daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> LoadReport:
        self._stop.set()
        for worker in self._workers:
            worker.join(self.timeout_s + 5)
        self.report.seconds = time.time() - self._started
        return self.report
