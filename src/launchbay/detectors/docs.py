"""Planning docs: find the PRD, SDD, sprint plan, review notes and audits, and quote what matters.

Real projects keep these in `docs/`, `loa-grimoire/` or `grimoires/<name>/`; the file names are
conventional (prd.md, sdd.md, sprint.md, a2a/reviewer.md, a2a/sprint-N/reviewer.md ...). Every
finding is a quoted sentence from one line, filed under a category; numeric targets are also
normalised into `target.*` facts so the interview can recommend from them and the assembler can
flag docs that disagree (99.9% in the PRD, 99.95% in the SDD).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from launchbay.detectors.base import DetectorContext, fact
from launchbay.detectors.docs_patterns import (
    BULLET,
    CATEGORY_HEADINGS,
    COMPLIANCE,
    INFRA_GATE,
    INFRA_WORDS,
    INTEGRATION_GATE,
    INTEGRATIONS,
    PORT_MENTION,
    TARGETS,
    TECH_DEBT_GATE,
    TECH_DEBT_WORDS,
    TECHNOLOGY,
    TECHNOLOGY_GATE,
    approval_of,
)
from launchbay.models.profile import Fact

NAME = "docs"
DOC_ROOTS = ("docs/", "loa-grimoire/", "grimoires/")
HEADING_ROLES = frozenset({"prd", "sdd", "sprint"})  # where "## Goals" lists goals; in reviews it lists findings
NOTE_ROLES = frozenset({"sprint", "review", "implementation-report", "integration-context"})
# Planning history: earlier cycles kept for provenance. Listed, but their findings and targets would
# contradict the current docs ("p95 200 ms" in an old PRD, "< 100ms p95" in the current one).
_ARCHIVED_DIR = re.compile(r"(?:^|/)(?:archives?|archived|old|cycles/cycle-[^/]*)/")
_SUPERSEDED = re.compile(r"^\W*status\W*:\W*(?:superseded|archived|deprecated|obsolete)\b", re.I)
_LINE_WORDS = re.compile(r"[a-z]+")
_ANY_GATE = frozenset().union(
    INTEGRATION_GATE, TECHNOLOGY_GATE, TECH_DEBT_GATE, INFRA_GATE,
    *(gate for _, _, gate in COMPLIANCE), *(gate for *_, gate in TARGETS),
)


def _is_security_audit(lower: str, name: str) -> bool:
    """An audit report, not any file with "audit" in its name (trajectory-audit, audit-log runbooks)."""
    if "audit" not in name or name == "trajectory-audit":
        return False
    return "security" in lower or "audit-report" in name or "audit_report" in name or name.startswith("auditor")


def doc_role(rel: str) -> str | None:
    """The planning role of a markdown file from its path, or None when it is not a planning doc."""
    lower = rel.lower()
    if not lower.endswith(".md") or "/runbooks/" in f"/{lower}":
        return None
    in_root = "/" not in lower
    if not (in_root or lower.startswith(DOC_ROOTS)):
        return None
    name = lower.rsplit("/", 1)[-1][:-3]
    if "/a2a/" in f"/{lower}":
        if "audit" in lower and name != "trajectory-audit":
            return "security-audit"
        if name == "integration-context":
            return "integration-context"
        if name in {"reviewer", "review", "senior-review", "engineer-feedback"} or name.endswith("-review"):
            return "review"
        if "report" in name or "implementation" in name:
            return "implementation-report"
        return None
    if _is_security_audit(lower, name):
        return "security-audit"
    if in_root and name not in {"prd", "sdd", "sprint", "sprint-plan"}:
        return None
    if name in {"prd", "product-requirements", "requirements"} or name.startswith("prd-") or name.endswith("-prd"):
        return "prd"
    if name in {"sdd", "system-design", "software-design", "design", "architecture"} or name.startswith("sdd-"):
        return "sdd"
    if name in {"sprint", "sprints", "sprint-plan", "sprint-planning", "roadmap"} or re.fullmatch(r"sprint-\d+", name):
        return "sprint"
    return None


def is_archived(rel: str, text: str) -> bool:
    """Planning history: under archive/, old/, cycles/cycle-N/, or marked superseded in its header."""
    if _ARCHIVED_DIR.search(rel.lower()):
        return True
    return any(_SUPERSEDED.match(line) for line in text.split("\n", 15)[:15])


@dataclass
class _Line:
    no: int
    text: str
    heading: str
    is_heading: bool


def _lines(text: str) -> Iterator[_Line]:
    """Markdown lines outside code fences, each with the nearest heading above it (headings included)."""
    heading = ""
    fenced = False
    for no, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or not stripped:
            continue
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip().lower()
            yield _Line(no, line, heading, True)
            continue
        yield _Line(no, line, heading, False)


def _sentence(line: str, start: int, end: int) -> str:
    """The sentence of `line` around [start, end): a quote that is verbatim text of the line.

    A table row is quoted whole: its cells only make sense together."""
    if line.lstrip().startswith("|"):
        return line.strip()[:300]
    left = max(line.rfind(". ", 0, start), line.rfind("; ", 0, start))
    left = 0 if left == -1 else left + 2
    right_candidates = [i for i in (line.find(". ", end), line.find("; ", end)) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(line)
    quote = line[left:right].strip()
    bullet = BULLET.match(quote)
    if bullet:
        quote = quote[bullet.end():].strip()
    return quote[:200].strip() or line.strip()[:200]


def _heading_category(heading: str) -> str | None:
    return next((category for category, pattern in CATEGORY_HEADINGS if pattern.search(heading)), None)


@dataclass
class _Doc:
    """One planning doc being read: what was already reported from it."""

    rel: str
    role: str
    integrations: set[str] = field(default_factory=set)  # one finding per integration per doc
    categories: dict[str, str | None] = field(default_factory=dict)  # heading -> its category
    verdict: Fact | None = None  # a review's last verdict line decides


class DocsDetector:
    name = NAME

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        for rel in ctx.tree.with_suffix(".md", ".MD"):
            role = doc_role(rel)
            if role is not None:
                yield from self._planning_doc(ctx, rel, role)
            if rel.rsplit("/", 1)[-1].lower() == "readme.md":
                yield from self._readme_ports(ctx, rel)

    def _planning_doc(self, ctx: DetectorContext, rel: str, role: str) -> Iterator[Fact]:
        text = ctx.read(rel)
        if text is None:
            return
        first = next(((no, ln) for no, ln in enumerate(text.split("\n"), 1) if ln.strip()), None)
        if first is None:
            return
        if is_archived(rel, text):
            yield fact(NAME, "", "planning_doc", f"{role} (archived)", rel, first[0], first[1])
            return
        yield fact(NAME, "", "planning_doc", role, rel, first[0], first[1])
        doc = _Doc(rel, role)
        for line in _lines(text):
            if role == "review":
                self._verdict(doc, line)
            if not line.is_heading:
                yield from self._findings(doc, line)
        if doc.verdict is not None:
            yield doc.verdict

    @staticmethod
    def _verdict(doc: _Doc, line: _Line) -> None:
        text = line.text
        approval = approval_of(text)
        if approval:
            doc.verdict = fact(NAME, "", "doc.approval", approval, doc.rel, line.no, _sentence(text, 0, len(text)))

    def _findings(self, doc: _Doc, line: _Line) -> Iterator[Fact]:
        text, role = line.text, doc.role

        def found(category: str, value: str, m: re.Match[str] | None = None) -> Fact:
            start, end = (m.start(), m.end()) if m else (0, len(text))
            return fact(NAME, "", f"doc.{category}", value, doc.rel, line.no, _sentence(text, start, end))

        if role in HEADING_ROLES and line.heading and BULLET.match(text.strip()):
            if line.heading not in doc.categories:
                doc.categories[line.heading] = _heading_category(line.heading)
            category = doc.categories[line.heading]
            if category:
                yield found(category, _sentence(text, 0, len(text)))
        words = set(_LINE_WORDS.findall(text.lower()))
        if words.isdisjoint(_ANY_GATE):
            return  # most prose: no word any pattern below needs
        for name, pattern, gate in COMPLIANCE:
            if not gate.isdisjoint(words):
                m = pattern.search(text)
                if m:
                    yield found("compliance", name, m)
        for target, pattern, normalise, gate in TARGETS:
            if gate.isdisjoint(words):
                continue
            stated = False  # one line, several figures: "< 100ms p95 (resolve); < 800ms p95 (profile)"
            for m in pattern.finditer(text):  # are scopes of one target; the first is the headline
                value = normalise(m)
                if value is None:
                    continue
                yield found("performance", m.group(0).strip(), m)
                if not stated:
                    stated = True
                    yield fact(NAME, "", f"target.{target}", value, doc.rel, line.no,
                               _sentence(text, m.start(), m.end()))
        if not TECHNOLOGY_GATE.isdisjoint(words):
            for m in TECHNOLOGY.finditer(text):
                yield found("technology", m.group(0).strip(), m)
        if not INTEGRATION_GATE.isdisjoint(words):
            for name, pattern, gate in INTEGRATIONS:
                if name in doc.integrations or gate.isdisjoint(words):
                    continue
                m = pattern.search(text)
                if m:
                    doc.integrations.add(name)
                    yield found("integration", name, m)
        if role in NOTE_ROLES:
            if not TECH_DEBT_GATE.isdisjoint(words):
                m = TECH_DEBT_WORDS.search(text)
                if m:
                    yield found("tech_debt", _sentence(text, m.start(), m.end()), m)
            if not INFRA_GATE.isdisjoint(words):
                m = INFRA_WORDS.search(text)
                if m:
                    yield found("infra_note", _sentence(text, m.start(), m.end()), m)

    def _readme_ports(self, ctx: DetectorContext, rel: str) -> Iterator[Fact]:
        """A README that says where the service listens: compared with the code by the assembler."""
        subject = ctx.component_of(rel)
        if not subject or (subject == "." and len(ctx.components) > 1):
            return  # a root README of a monorepo does not say which service it means
        for m in ctx.matches(rel, PORT_MENTION):
            port = int(m.group("port"))
            if 1 <= port <= 65535:
                yield fact(NAME, subject, "port", port, rel, m.line, m.text, priority=40,
                           note="documented port")
