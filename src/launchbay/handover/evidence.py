"""What the handover may rely on: only recorded evidence — the kit on disk (from its manifest), the
last validation run (if it validated THIS kit), and the ledger. Nothing is inferred from intentions."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from launchbay.ledger import Entry, Ledger
from launchbay.models.design import Design
from launchbay.validate import EVIDENCE, kit_digest

MANIFEST = ".launchbay/manifest.json"


@dataclass(frozen=True)
class Validation:
    at: str
    strict: bool
    current: bool  # validated the kit exactly as it is on disk now
    statuses: dict[str, str]  # validator → PASS | FAIL | SKIPPED

    def passed(self, *validators: str) -> bool:
        return self.current and all(self.statuses.get(v) == "PASS" for v in validators)


@dataclass(frozen=True)
class Evidence:
    root: Path
    design: Design
    kit: frozenset[str]
    validation: Validation | None
    entries: tuple[Entry, ...]

    def has(self, *paths: str) -> bool:
        return all(p in self.kit for p in paths)

    def under(self, prefix: str) -> tuple[str, ...]:
        return tuple(sorted(p for p in self.kit if p.startswith(prefix)))

    def ledger(self, action: str, *, environment: str | None = None, outcome: str | None = None,
               kind: str | None = None) -> tuple[Entry, ...]:
        """Matching ledger entries, newest first."""
        found = [e for e in self.entries if e.action == action
                 and (environment is None or e.environment == environment)
                 and (outcome is None or e.outcome == outcome)
                 and (kind is None or e.detail.get("kind") == kind)]
        return tuple(reversed(found))


def load_evidence(root: Path, design: Design) -> Evidence:
    return Evidence(root=root, design=design, kit=frozenset(_kit_on_disk(root)),
                    validation=_validation(root), entries=tuple(Ledger(root).entries()))


def _kit_on_disk(root: Path) -> Iterable[str]:
    manifest = root / MANIFEST
    if not manifest.exists():
        return ()
    try:
        files: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
    except (ValueError, AttributeError):
        return ()
    return (p for p in files if (root / p).is_file())


def _validation(root: Path) -> Validation | None:
    path = root / EVIDENCE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        statuses = {str(r["validator"]): str(r["status"]) for r in data["results"]}
    except (ValueError, KeyError, TypeError):
        return None
    current = data.get("kit_digest") is not None and data.get("kit_digest") == kit_digest(root)
    return Validation(at=str(data.get("at", "?")), strict=bool(data.get("strict")), current=current,
                      statuses=statuses)
