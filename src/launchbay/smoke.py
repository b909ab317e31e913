"""Smoke tests after a rollout: the health endpoint answers 200, the running version is the one deployed,
and each critical path the user listed answers without an error.

Plain `urllib` (no dependency), one GET per check with a timeout, latency measured per check. Loopback
URLs bypass any configured HTTP proxy so a rehearsal on 127.0.0.1 is never sent to a proxy.
"""

from __future__ import annotations

import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class SmokeCheck:
    """One check: what was asked, what came back, and how long it took."""

    name: str
    url: str
    passed: bool
    status: int | None
    latency_ms: float
    detail: str


@dataclass(frozen=True)
class SmokeResult:
    """Every check in order; the rollout passes only when all of them do."""

    base_url: str
    checks: tuple[SmokeCheck, ...]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failed(self) -> tuple[SmokeCheck, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def as_detail(self) -> dict[str, object]:
        """A ledger-ready summary (no response bodies)."""
        return {"base_url": self.base_url, "passed": self.passed,
                "checks": [{"name": c.name, "url": c.url, "passed": c.passed, "status": c.status,
                            "latency_ms": c.latency_ms, "detail": c.detail} for c in self.checks]}


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _join(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def _get(url: str, timeout_s: float) -> tuple[int | None, bytes, float, str]:
    """(status, body prefix, latency ms, error text); an HTTP error status is a result, not an exception."""
    handlers: list[urllib.request.BaseHandler] = []
    if _is_loopback(url):
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"User-Agent": "launchbay-smoke", "Accept": "*/*"})
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=timeout_s) as resp:
            body = resp.read(_BODY_LIMIT)
            return int(resp.status), body, _ms(start), ""
    except urllib.error.HTTPError as err:
        return int(err.code), b"", _ms(start), f"HTTP {err.code}"
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        return None, b"", _ms(start), f"no response: {reason}"


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def _reported_version(body: bytes) -> str:
    """The version a version endpoint reports: a JSON `version` field (or `commit`/`sha`), else the text."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data: Any = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict):
        for key in ("version", "commit", "sha", "git_sha", "image_tag"):
            if isinstance(data.get(key), str | int):
                return str(data[key])
    return text if not isinstance(data, str) else data


def _version_matches(reported: str, expected: str) -> bool:
    # A short commit sha matches the full one it abbreviates (either way round).
    return bool(reported) and (reported == expected or
                               (len(min(reported, expected, key=len)) >= 7 and
                                (reported.startswith(expected) or expected.startswith(reported))))


def run_smoke(base_url: str, *, health_path: str, expected_version: str | None, version_path: str | None,
              critical_paths: Sequence[str] = (), timeout_s: float = 5) -> SmokeResult:
    """Run the health, version and critical-path checks against `base_url`, in that order.

    The version check runs only when both `expected_version` and `version_path` are given; a critical path
    passes on any status below 400.
    """
    checks: list[SmokeCheck] = []
    url = _join(base_url, health_path)
    status, _, ms, err = _get(url, timeout_s)
    checks.append(SmokeCheck("health", url, status == 200, status, ms, err or f"HTTP {status}"))
    if expected_version is not None and version_path is not None:
        url = _join(base_url, version_path)
        status, body, ms, err = _get(url, timeout_s)
        reported = _reported_version(body) if status == 200 else ""
        ok = status == 200 and _version_matches(reported, expected_version)
        detail = err or (f"reports {reported[:80]!r}, expected {expected_version!r}" if status == 200
                         else f"HTTP {status}")
        checks.append(SmokeCheck("version", url, ok, status, ms, detail))
    for path in critical_paths:
        url = _join(base_url, path)
        status, _, ms, err = _get(url, timeout_s)
        ok = status is not None and status < 400
        checks.append(SmokeCheck(f"critical {path}", url, ok, status, ms, err or f"HTTP {status}"))
    return SmokeResult(base_url=base_url, checks=tuple(checks))
