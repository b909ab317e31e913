"""The Detector protocol and the small toolkit every detector shares.

A detector looks at the project tree and yields `Fact`s. It never decides what a component
*is* and never resolves disagreements: `assemble.py` does both from all facts together.

Fact kinds (the contract between detectors and the assembler):

single-valued per component (highest priority wins; different values = conflict for the
kinds in `assemble.CONFLICT_KINDS`):
    language, runtime_version, framework, package_manager, build_command, start_command,
    port, test_command, name
multi-valued per component:
    role            frontend | http-server | worker | indexer | cron | bot | contracts |
                    library | research | cli | workspace
    health_endpoint "/health" ...
    extra_port      further ports an image / compose service / container exposes besides the first
                    (metrics, websocket); never conflict-checked
    env_read        variable name the code reads (detail "default" when it has a fallback)
    env_documented  variable name listed in .env.example & co
    backing_service postgres | mysql | sqlite | redis | mongodb | rabbitmq | kafka | nats | s3 | ipfs
                    (detail "optional" when the code runs without it)
    migration_tool  prisma | drizzle | knex | typeorm | sequelize | alembic | django | golang-migrate |
                    flyway | sqlx | diesel
    migration_command  the command that applies migrations
    ecosystem       evm | solana | cosmos | bitcoin | move
    chain           chain name, e.g. "base-sepolia"; chain_id: numeric id as a string
    rpc_env         an env var holding an RPC URL
    web3_library, contract_toolchain, indexer
    signing_key     env var name or file (detail: private-key | mnemonic | keypair-file | keystore)
project-wide (subject ""):
    deploy_file     dockerfile | compose | kubernetes | helm | terraform | github-actions | gitlab-ci |
                    vercel | fly | railway | pm2 | procfile | caddy | nginx | systemd | netlify | render
                    (detail "inert: ..." when the file cannot take effect)
    doc.<category>  planning-doc findings; planning_doc: the doc's role (prd, sdd, sprint, review...)
    target.<metric> normalised scale targets (uptime, rps, dau, latency_p95_ms ...), conflict-checked
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from launchbay.models.profile import Evidence, Fact, FactValue
from launchbay.tree import ProjectTree


class Detector(Protocol):
    """Something that reads the tree and reports facts with evidence."""

    name: str

    def detect(self, ctx: DetectorContext) -> Iterable[Fact]: ...


@dataclass(frozen=True)
class Match:
    """A regex match with the line it sits on (1-based) and that line's text."""

    m: re.Match[str]
    line: int
    text: str

    def group(self, idx: int | str = 0) -> str:
        return self.m.group(idx) or ""


@dataclass
class DetectorContext:
    """The tree plus the component roots found before detectors run."""

    tree: ProjectTree
    components: tuple[str, ...]
    _lines: dict[str, list[int]] = field(default_factory=dict)
    _owner: dict[str, str] = field(default_factory=dict)
    _root_set: frozenset[str] | None = None

    def component_of(self, rel: str) -> str:
        """The deepest component root that contains `rel` ("." is the root; "" when none).

        `rel` may be a file or a folder (a compose build context names the folder itself)."""
        if rel in self._roots:
            return rel
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        found = self._owner.get(folder)
        if found is None:
            found = self._owner_of_folder(folder)
            self._owner[folder] = found
        return found

    def _owner_of_folder(self, folder: str) -> str:
        roots = self._roots
        path = folder
        while path:
            if path in roots:
                return path
            path = path.rsplit("/", 1)[0] if "/" in path else ""
        return "." if "." in roots else ""

    @property
    def _roots(self) -> frozenset[str]:
        if self._root_set is None:
            self._root_set = frozenset(self.components)
        return self._root_set

    def read(self, rel: str) -> str | None:
        return self.tree.read(rel)

    def matches(self, rel: str, pattern: re.Pattern[str]) -> Iterator[Match]:
        """Every match of `pattern` in file `rel`, with its line number and line text."""
        text = self.read(rel)
        if text is None:
            return
        starts = self._line_starts(rel, text)
        for m in pattern.finditer(text):
            idx = bisect.bisect_right(starts, m.start()) - 1
            end = text.find("\n", starts[idx])
            line_text = text[starts[idx]: end if end != -1 else len(text)]
            yield Match(m, idx + 1, line_text)

    def find_line(self, rel: str, needle: str) -> tuple[int, str] | None:
        """First line of `rel` containing `needle` (1-based number and its text)."""
        text = self.read(rel)
        if text is None:
            return None
        for no, line in enumerate(text.split("\n"), start=1):
            if needle in line:
                return no, line
        return None

    def _line_starts(self, rel: str, text: str) -> list[int]:
        starts = self._lines.get(rel)
        if starts is None:
            starts = [0]
            i = text.find("\n")
            while i != -1:
                starts.append(i + 1)
                i = text.find("\n", i + 1)
            self._lines[rel] = starts
        return starts


def evidence(detector: str, rel: str, line: int, quote: str, note: str | None = None) -> Evidence:
    """Evidence with the quote trimmed; the quote must be text from that line."""
    quote = quote.strip()
    if len(quote) > 200:
        quote = quote[:200]
    return Evidence(detector=detector, file=rel, line=line, quote=quote, note=note)


def fact(
    detector: str,
    subject: str,
    kind: str,
    value: FactValue,
    rel: str,
    line: int,
    quote: str,
    *,
    detail: str | None = None,
    priority: int = 50,
    note: str | None = None,
) -> Fact:
    """Shorthand used by every detector to build a Fact with its evidence."""
    return Fact(
        subject=subject,
        kind=kind,
        value=value,
        detail=detail,
        priority=priority,
        evidence=evidence(detector, rel, line, quote, note),
    )


def fact_at(
    ctx: DetectorContext,
    detector: str,
    subject: str,
    kind: str,
    value: FactValue,
    rel: str,
    needle: str,
    **kw: object,
) -> Fact | None:
    """A Fact whose evidence is the first line of `rel` containing `needle` (None if absent)."""
    found = ctx.find_line(rel, needle)
    if found is None:
        return None
    line, text = found
    return fact(detector, subject, kind, value, rel, line, text, **kw)  # type: ignore[arg-type]


def load_toml(text: str | None) -> dict[str, Any] | None:
    """Parsed TOML, or None for missing or malformed text: a hostile tree must never crash review."""
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
