"""The fact sink shared by the chains detector's passes, and the per-component survey they share.

One place builds facts so every pass gets the same de-duplication, the same local-chain filter
and the same name <-> id derivation from the chain table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchbay.detectors.base import DetectorContext, fact
from launchbay.detectors.chain_data import CHAIN_IDS, CHAIN_NAMES, LOCAL_IDS, LOCAL_NAMES
from launchbay.detectors.chain_text import HEX64
from launchbay.models.profile import Fact, FactValue

DETECTOR = "chains"


@dataclass
class Survey:
    """What the manifest pass learned about each component, used by later passes."""

    web3: set[str] = field(default_factory=set)  # components using a chain SDK or toolchain
    apps: set[str] = field(default_factory=set)  # components whose package.json is an application
    npm_deps: dict[str, set[str]] = field(default_factory=dict)  # component -> package.json deps
    settings_env: dict[str, str] = field(default_factory=dict)  # pydantic field -> env var name


@dataclass
class Emitter:
    """Collects facts for one run, dropping exact duplicates."""

    ctx: DetectorContext
    facts: list[Fact] = field(default_factory=list)
    _seen: set[tuple[object, ...]] = field(default_factory=set)
    _by_dir: dict[str, str] = field(default_factory=dict)

    def subject(self, rel: str) -> str:
        """The component of `rel`, cached per folder (the lookup is linear in components)."""
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if folder not in self._by_dir:
            self._by_dir[folder] = self.ctx.component_of(rel)
        return self._by_dir[folder]

    def add(self, kind: str, value: FactValue, rel: str, line: int, quote: str, *,
            subject: str | None = None, detail: str | None = None, priority: int = 50,
            note: str | None = None) -> None:
        subj = self.subject(rel) if subject is None else subject
        key = (subj, kind, value, detail, rel, line)
        if key in self._seen:
            return
        self._seen.add(key)
        self.facts.append(fact(DETECTOR, subj, kind, value, rel, line, quote,
                               detail=detail, priority=priority, note=note))

    def chain(self, rel: str, line: int, quote: str, *, name: str | None = None,
              chain_id: int | None = None, note: str | None = None, derive: bool = True) -> None:
        """A chain and/or chain id; the missing half comes from the chain table when known
        (unless `derive` is False: the caller reports the other half with its own evidence)."""
        if chain_id is not None and (chain_id in LOCAL_IDS or chain_id <= 0):
            return
        if name is not None and name in LOCAL_NAMES:
            return
        if name is None and chain_id is not None and derive:
            name = CHAIN_NAMES.get(chain_id)
            name_note = "chain name from the chain id" if name else None
        else:
            name_note = note
        id_note = note
        if chain_id is None and name is not None and name in CHAIN_IDS and derive:
            chain_id = CHAIN_IDS[name]
            id_note = "chain id from the chain name"
        if name is not None:
            self.add("chain", name, rel, line, quote, note=name_note)
        if chain_id is not None:
            self.add("chain_id", str(chain_id), rel, line, quote, note=id_note)


_LONG_TOKEN = re.compile(r"[A-Za-z0-9_-]{24,}")


def first_line(text: str) -> tuple[int, str] | None:
    """The first non-blank line (number, text) that cannot carry a credential (no URL, no long
    token, no hex key): evidence that a config file exists."""
    for no, line in enumerate(text.split("\n"), start=1):
        if line.strip() and "://" not in line and not HEX64.search(line) and not _LONG_TOKEN.search(line):
            return no, line
    return None
