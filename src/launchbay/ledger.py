"""The deploy ledger: who did what, to which environment, with which version, and how it ended.

One SQLite file per project at `.launchbay/ledger.sqlite`, created on the first write (reading a project
that never deployed returns nothing and creates nothing). It is state, not a generated file, so it is
never in the kit manifest. Rollback (`last_good`) and the staging-first rule (`passed_staging`) are
answered from it, so it has to be trustworthy: append-only, UTC times, and no secret values — any value
in `detail` that looks like a secret, or sits under a secret-sounding key, is replaced by a marker that
names only its kind.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sqlite3
import subprocess
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from launchbay.errors import LaunchbayError
from launchbay.secretscan import secret_kind

LEDGER_PATH = ".launchbay/ledger.sqlite"
SCHEMA_VERSION = 1
ACTIONS = ("plan", "apply", "smoke", "rollback", "override", "rehearsal", "attest")
OUTCOMES = ("planned", "succeeded", "failed", "rolled-back", "forced")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    environment TEXT NOT NULL,
    version TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_env ON entries (environment, action);
"""

# Keys whose string values are secrets whatever they look like (a password need not look like anything).
_SECRET_KEY = re.compile(r"pass(word|wd)?|secret_value|token|private_key|mnemonic|seed_phrase|webhook_url|"
                         r"api_key|credential", re.IGNORECASE)
# `NAME=value` inside a string (a command line) where NAME is secret-sounding.
_SECRET_ASSIGN = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)=(?P<value>\S+)")


@dataclass(frozen=True)
class Entry:
    """One ledger row, as read back."""

    id: int
    at: str
    actor: str
    action: str
    environment: str
    version: str
    outcome: str
    detail: Mapping[str, Any] = field(default_factory=dict)


class LedgerError(LaunchbayError):
    """The ledger cannot be read or written (wrong schema, bad action name)."""


def _redact_text(value: str) -> str:
    kind = secret_kind(value)
    if kind is not None:
        return f"<redacted: {kind}>"

    def assign(match: re.Match[str]) -> str:
        if _SECRET_KEY.search(match["name"]):
            return f"{match['name']}=<redacted>"
        return match.group(0)

    return _SECRET_ASSIGN.sub(assign, value)


def redact(value: object, key: str = "") -> object:
    """A JSON-ready copy of `value` with every secret value replaced by a marker."""
    if isinstance(value, Mapping):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v, key) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if key and _SECRET_KEY.search(key) and text:
        return "<redacted>"
    return _redact_text(text)


def default_actor(project_root: Path) -> str:
    """git's user.email for the project, else the login name; who to ask about an entry."""
    try:
        proc = subprocess.run(["git", "config", "user.email"], cwd=project_root, capture_output=True, text=True,
                              timeout=5, check=False)
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class Ledger:
    """The project's ledger; every method opens and closes its own connection (safe across processes)."""

    def __init__(self, project_root: Path) -> None:
        self.root = Path(project_root)
        self.path = self.root / LEDGER_PATH

    def _connect(self, *, create: bool) -> sqlite3.Connection:
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=10)
        conn.execute("PRAGMA journal_mode=DELETE")  # one file, nothing left beside it: no WAL
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version == 0:
            with conn:
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        elif version != SCHEMA_VERSION:
            conn.close()
            raise LedgerError(f"{self.path}: ledger schema version {version}, this launchbay reads {SCHEMA_VERSION}",
                              hint="upgrade launchbay (the ledger is never migrated downwards)")
        return conn

    def record(self, *, action: str, environment: str, version: str, outcome: str,
               detail: Mapping[str, object] | None = None, actor: str | None = None) -> int:
        """Append one entry and return its id; `detail` is redacted before it is stored."""
        if action not in ACTIONS:
            raise LedgerError(f"ledger action {action!r} is not one of {', '.join(ACTIONS)}")
        if outcome not in OUTCOMES:
            raise LedgerError(f"ledger outcome {outcome!r} is not one of {', '.join(OUTCOMES)}")
        body = json.dumps(redact(dict(detail or {})), sort_keys=True, default=str)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        who = actor or default_actor(self.root)
        with closing(self._connect(create=True)) as conn, conn:
            cur = conn.execute(
                "INSERT INTO entries (at, actor, action, environment, version, outcome, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (at, who, action, environment, version, outcome, body))
            return int(cur.lastrowid or 0)

    def entries(self, environment: str | None = None, action: str | None = None) -> list[Entry]:
        """Entries oldest first, optionally for one environment and/or one action."""
        if not self.path.exists():
            return []
        query = "SELECT id, at, actor, action, environment, version, outcome, detail FROM entries"
        where: list[str] = []
        args: list[str] = []
        if environment is not None:
            where.append("environment = ?")
            args.append(environment)
        if action is not None:
            where.append("action = ?")
            args.append(action)
        if where:
            query += " WHERE " + " AND ".join(where)
        with closing(self._connect(create=False)) as conn:
            rows = conn.execute(query + " ORDER BY id", args).fetchall()
        return [Entry(id=r[0], at=r[1], actor=r[2], action=r[3], environment=r[4], version=r[5], outcome=r[6],
                      detail=json.loads(r[7])) for r in rows]

    def good_versions(self, environment: str) -> list[Entry]:
        """Versions that passed a smoke test in `environment`, each as its latest succeeded apply (newest first).

        Step entries of a deploy (detail has `step`) count as applies too: a version whose rollout finished
        and whose smoke test passed is good, whichever was recorded first.
        """
        rows = self.entries(environment)
        passed = {e.version for e in rows if e.action == "smoke" and e.outcome == "succeeded"}
        good: list[Entry] = []
        seen: set[str] = set()
        for entry in reversed(rows):
            if (entry.action == "apply" and entry.outcome == "succeeded" and entry.version in passed
                    and entry.version not in seen):
                good.append(entry)
                seen.add(entry.version)
        return good

    def last_good(self, environment: str) -> Entry | None:
        """The latest succeeded apply whose smoke test passed (what a rollback returns to)."""
        good = self.good_versions(environment)
        return good[0] if good else None

    def current(self, environment: str) -> Entry | None:
        """What should be running now: the latest succeeded apply or completed rollback (`rolled-back`)
        that is not a single step of a deploy."""
        for entry in reversed(self.entries(environment)):
            if "step" in entry.detail:
                continue
            if (entry.action, entry.outcome) in {("apply", "succeeded"), ("rollback", "rolled-back")}:
                return entry
        return None

    def passed_staging(self, version: str) -> bool:
        """Whether this exact version passed its smoke tests in staging (the production gate)."""
        return any(e.version == version and e.outcome == "succeeded" for e in self.entries("staging", "smoke"))
