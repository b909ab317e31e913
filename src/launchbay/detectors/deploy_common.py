"""Helpers shared by the deploy-file parsers: located facts, YAML nodes, commands and URLs.

Why YAML *nodes* and not `safe_load`: evidence needs the line each value sits on, and the node
tree keeps it. Walking nodes by key (never the whole tree) also keeps alias bombs harmless:
an alias is a shared node, never an expanded copy.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from launchbay.detectors.base import fact
from launchbay.models.profile import Fact, FactValue

NAME = "deployfiles"

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_DEPTH = 8


@dataclass
class Source:
    """One deploy file's text split into lines, so facts can quote the line a value sits on."""

    rel: str
    text: str
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.split("\n")

    def fact(self, subject: str, kind: str, value: FactValue, line: int, **kw: object) -> Fact | None:
        """A fact quoting line `line` (1-based); None when that line does not exist or is blank."""
        if not 1 <= line <= len(self.lines) or not self.lines[line - 1].strip():
            return None
        return fact(NAME, subject, kind, value, self.rel, line, self.lines[line - 1], **kw)  # type: ignore[arg-type]

    def find(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, re.Match[str]]]:
        """Line-by-line matches of `pattern` (1-based line numbers)."""
        for no, text in enumerate(self.lines, start=1):
            m = pattern.search(text)
            if m:
                yield no, m

    def first(self, pattern: re.Pattern[str]) -> int | None:
        return next((no for no, _ in self.find(pattern)), None)

    def first_with(self, *needles: str) -> int | None:
        """First line containing every one of `needles`."""
        for no, text in enumerate(self.lines, start=1):
            if all(n in text for n in needles) and text.strip():
                return no
        return None


# ---------------------------------------------------------------------------- YAML nodes
def yaml_docs(text: str, limit: int) -> list[Node]:
    """Every document of a YAML stream as nodes; [] for oversized or malformed input."""
    if len(text) > limit:
        return []
    try:
        return [doc for doc in yaml.compose_all(text, Loader=_LOADER) if doc is not None]
    except Exception:  # any parser failure on hostile or broken YAML: skip the file quietly
        return []


def line_of(node: Node) -> int:
    return int(node.start_mark.line) + 1


def scalar(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode):
        return str(node.value)
    return None


def items(node: Node | None) -> list[Node]:
    """The entries of a sequence node ([] for anything else)."""
    return list(node.value) if isinstance(node, SequenceNode) else []


def pairs(node: Node | None, depth: int = 0) -> Iterator[tuple[str, Node, Node]]:
    """(key, key node, value node) of a mapping, following `<<: *anchor` merge keys."""
    if not isinstance(node, MappingNode) or depth > _MERGE_DEPTH:
        return
    for knode, vnode in node.value:
        key = scalar(knode)
        if key == "<<":
            merged = [vnode] if isinstance(vnode, MappingNode) else items(vnode)
            for m in merged:
                yield from pairs(m, depth + 1)
        elif key is not None:
            yield key, knode, vnode


def get(node: Node | None, *path: str) -> Node | None:
    """The value node at `path` (own keys win over merged ones), or None."""
    for key in path:
        found: Node | None = None
        for k, _, v in pairs(node):
            if k == key:
                found = v
                break
        if found is None:
            return None
        node = found
    return node


def command_of(node: Node | None) -> str | None:
    """A command given as a string or as an exec-form list."""
    text = scalar(node)
    if text is not None:
        return " ".join(text.split()) or None
    parts = [scalar(n) for n in items(node)]
    if parts and all(p is not None for p in parts):
        return join_argv([p for p in parts if p is not None])
    return None


# ---------------------------------------------------------------------------- small parsers
def join_argv(argv: list[str]) -> str:
    """An exec-form argv as one command line; only arguments holding spaces get quoted."""
    return " ".join(a if a and not any(c.isspace() for c in a) else shlex.quote(a) for a in argv)


_URL_PATH = re.compile(r"https?://[^/\s'\"]+(/[^\s'\"|;&)?#]*)")
# `wget -qO- localhost:3000/health` names no scheme.
_LOCAL_PATH = re.compile(r"(?<![\w.])(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::[\w${}:-]+)?(/[^\s'\"|;&)?#]*)")


def url_path(text: str) -> str | None:
    """The path of the first http(s) URL (or bare localhost address) in a health-check command."""
    m = _URL_PATH.search(text) or _LOCAL_PATH.search(text)
    if m is None:
        return None
    path = m.group(1).rstrip(",")
    return path or None


_VAR = re.compile(r"\$\{(\w+)(?::?[-=]([^}]*))?\}|\$(\w+)")


def expand(text: str, env: dict[str, str]) -> str:
    """Substitute `$X`, `${X}` and `${X:-default}` from `env`; unknown names without a default stay."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(3)
        if name in env:
            return env[name]
        if m.group(2) is not None:
            return m.group(2)
        return m.group(0)

    return _VAR.sub(sub, text)


def port_number(text: str) -> int | None:
    """"3000", "3000/tcp" -> 3000; ranges, variables and nonsense -> None."""
    text = text.strip().split("/", 1)[0]
    if not text.isdigit():
        return None
    port = int(text)
    return port if 0 < port < 65536 else None


def image_repo(image: str) -> str:
    """"docker.io/library/node:20-alpine" -> "node"; "bitnami/redis:7" -> "bitnami/redis"."""
    image = image.split("@", 1)[0]
    parts = image.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts and parts[0] == "library":
        parts = parts[1:]
    repo = "/".join(parts)
    return repo.rsplit(":", 1)[0] if ":" in (parts[-1] if parts else "") else repo


def image_tag(image: str) -> str:
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""
