"""What happened during a deploy, from the clients' and the servers' side.

The load generator says what the clients saw; hostcompose's event log says when Caddy was reloaded and
when each colour was started and removed; the containers' own access logs (archived before removal,
with Docker's timestamps) say which colour and version answered each load request. A load request is
recognised by its query string, so health probes are never counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from launchbay.rehearsal.load import LoadReport

_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z\s")


def events(path: Path, since: float = 0.0) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    out = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [e for e in out if float(e["t"]) >= since]


def _epoch(line: str) -> float | None:
    m = _STAMP.match(line)
    if not m:
        return None
    base = datetime.fromisoformat(m.group(1) + "+00:00").timestamp()
    return base + (float("0." + m.group(2)) if m.group(2) else 0.0)


def served_by(logs: dict[str, str], images: dict[str, str], marker: str, start: float,
              end: float) -> dict[str, int]:
    """Load requests answered per `service@image` between start and end (from access-log lines)."""
    counts: dict[str, int] = {}
    for container_id, text in logs.items():
        who = images.get(container_id[:12], container_id[:12])
        for line in text.splitlines():
            if marker not in line:
                continue
            at = _epoch(line)
            if at is not None and start <= at <= end + 1:
                counts[who] = counts.get(who, 0) + 1
    return counts


@dataclass
class DeployFigures:
    """One deploy (or rollback) under load."""

    version: str
    exit_code: int
    deploy_s: float
    load: LoadReport
    switch_s: float | None  # Caddy reload: the moment new requests go to the new colour
    failed_during_switch: int
    served: dict[str, int] = field(default_factory=dict)
    active_version: str = ""

    def as_detail(self) -> dict[str, object]:
        return {"version": self.version, "exit_code": self.exit_code, "deploy_s": round(self.deploy_s, 2),
                "switch_s": self.switch_s, "requests": self.load.as_detail(),
                "failed_during_switch": self.failed_during_switch, "served_by": self.served,
                "active_version": self.active_version}


def switch_window(evts: list[dict[str, Any]]) -> tuple[float | None, float | None, float | None]:
    """(reload start, reload seconds, window end): from Caddy's reload to the old colour's removal."""
    reloads = [e for e in evts if e["event"] == "exec" and e.get("command", [""])[:2] == ["caddy", "reload"]]
    if not reloads:
        return None, None, None
    last = reloads[-1]
    removed = [e["t"] for e in evts if e["event"] == "removed" and e["t"] >= last["start"]]
    end = max(removed) if removed else last["end"]
    return last["start"], round(last["end"] - last["start"], 3), end
