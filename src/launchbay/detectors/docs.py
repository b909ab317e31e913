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
from dataclasses import dataclass

from launchbay.detectors.base import DetectorContext, fact
from launchbay.detectors.docs_patterns import (
    BULLET,
    CATEGORY_HEADINGS,
    COMPLIANCE,
    INFRA_WORDS,
    INTEGRATIONS,
    PORT_MENTION,
    TARGETS,
    TECH_DEBT_WORDS,
    TECHNOLOGY,
    approval_of,
)
from launchbay.models.profile import Fact

NAME = "docs"
DOC_ROOTS = ("docs/", "loa-grimoire/", "grimoires/")


def doc_role(rel: str) -> str | None:
    """The planning role of a markdown file from its path, or None when it is not a planning doc."""
    lower = rel.lower()
    if not lower.endswith(".md"):
        return None
    in_root = "/" not in lower
    if not (in_root or lower.startswith(DOC_ROOTS)):
        return None
    name = lower.rsplit("/", 1)[-1][:-3]
    if "/a2a/" in f"/{lower}":
        if "audit" in lower:
            return "security-audit"
        if name == "integration-context":
            return "integration-context"
        if name in {"reviewer", "review", "senior-review", "engineer-feedback"} or name.endswith("-review"):
            return "review"
        if "report" in name or "implementation" in name:
            return "implementation-report"
        return None
    if "audit" in name and ("security" in lower or "audit" in name):
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


@dataclass
class _Line:
    no: int
    text: str
    heading: str


def _lines(text: str) -> Iterator[_Line]:
    """Markdown lines outside code fences, each with the nearest heading above it."""
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
            continue
        yield _Line(no, line, heading)


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
        yield fact(NAME, "", "planning_doc", role, rel, first[0], first[1])
        for line in _lines(text):
            yield from self._findings(rel, role, line)

    def _findings(self, rel: str, role: str, line: _Line) -> Iterator[Fact]:
        text = line.text

        def found(category: str, value: str, m: re.Match[str] | None = None) -> Fact:
            start, end = (m.start(), m.end()) if m else (0, len(text))
            return fact(NAME, "", f"doc.{category}", value, rel, line.no, _sentence(text, start, end))

        for name, pattern in COMPLIANCE:
            m = pattern.search(text)
            if m:
                yield found("compliance", name, m)
        for target, pattern, normalise in TARGETS:
            for m in pattern.finditer(text):
                value = normalise(m)
                if value is None:
                    continue
                yield found("performance", m.group(0).strip(), m)
                yield fact(NAME, "", f"target.{target}", value, rel, line.no, _sentence(text, m.start(), m.end()))
        for m in TECHNOLOGY.finditer(text):
            yield found("technology", m.group(0).strip(), m)
        for name, pattern in INTEGRATIONS:
            m = pattern.search(text)
            if m:
                yield found("integration", name, m)
        if role == "review":
            approval = approval_of(text)
            if approval:
                yield found("approval", approval)
        bullet = BULLET.match(text.strip())
        for category, pattern in CATEGORY_HEADINGS:
            if bullet and pattern.search(line.heading):
                yield found(category, _sentence(text, 0, len(text)))
                break
        if role in {"sprint", "review", "implementation-report", "integration-context"}:
            m = TECH_DEBT_WORDS.search(text)
            if m:
                yield found("tech_debt", _sentence(text, m.start(), m.end()), m)
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
