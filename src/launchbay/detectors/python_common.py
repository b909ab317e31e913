"""Small shared pieces of the Python detector: where a fact was seen, and how to name modules.

Kept apart so the manifest, command and source scanners agree on one evidence shape (`Loc`)
and one way of turning a file path into the dotted module a command would import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from launchbay.detectors.base import fact
from launchbay.models.profile import Fact, FactValue

DETECTOR = "python"

_NORM = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class Loc:
    """A line of a file (1-based) and its text: the evidence behind a fact."""

    rel: str
    line: int
    text: str


def make(subject: str, kind: str, value: FactValue, loc: Loc, *, priority: int = 50,
         note: str | None = None, detail: str | None = None) -> Fact:
    """A Fact from this detector with `loc` as its evidence."""
    return fact(DETECTOR, subject, kind, value, loc.rel, loc.line, loc.text,
                priority=priority, note=note, detail=detail)


def norm_dep(name: str) -> str:
    """PEP 503 normalised distribution name: `Discord.py` and `discord_py` are the same package."""
    return _NORM.sub("-", name).lower()


def first_line(text: str, rel: str, *, skip_comments: bool = True) -> Loc | None:
    """The first non-blank (and, by default, non-comment) line of a file."""
    for no, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not (skip_comments and stripped.startswith("#")):
            return Loc(rel, no, line)
    return None


def line_of(text: str, rel: str, needle: str, start: int = 1) -> Loc | None:
    """The first line at or after `start` (1-based) containing `needle`."""
    for no, line in enumerate(text.split("\n")[start - 1:], start=start):
        if needle in line:
            return Loc(rel, no, line)
    return None


def in_comp(comp: str, rel: str) -> str:
    """`rel` relative to the component root."""
    return rel if comp == "." else rel[len(comp) + 1:]


def join(comp: str, sub: str) -> str:
    """A component-relative path made repo-relative."""
    sub = sub[2:] if sub.startswith("./") else sub
    return sub if comp == "." else f"{comp}/{sub}"


def module_of(comp_rel: str) -> str:
    """Dotted module for a component-relative .py path (`src/` layout stripped)."""
    parts = list(PurePosixPath(comp_rel).with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)




@dataclass(frozen=True)
class Hit:
    """A regex match on one line: `m` indexes into `text` (the line), `offset` is where the line
    starts in the file, `line` its 1-based number."""

    m: re.Match[str]
    line: int
    text: str
    offset: int

    def group(self, idx: int | str = 0) -> str:
        return self.m.group(idx) or ""

    @property
    def start(self) -> int:
        return self.offset + self.m.start()

    @property
    def end(self) -> int:
        return self.offset + self.m.end()


def hits(text: str, anchors: tuple[str, ...], pattern: re.Pattern[str]) -> Iterator[Hit]:
    """Matches of a single-line `pattern`, tried only on lines holding one of the literal `anchors`.

    Python's regex engine is slow on alternations over a whole file; finding literal anchors with
    str.find is fast, so a large file with nothing relevant costs almost nothing."""
    starts: set[int] = set()
    for anchor in anchors:
        i = text.find(anchor)
        while i != -1:
            starts.add(text.rfind("\n", 0, i) + 1)
            end = text.find("\n", i)
            i = -1 if end == -1 else text.find(anchor, end)
    line, pos = 1, 0
    for start in sorted(starts):
        line += text.count("\n", pos, start)
        pos = start
        end = text.find("\n", start)
        body = text[start: end if end != -1 else len(text)]
        for m in pattern.finditer(body):
            yield Hit(m, line, body, start)
