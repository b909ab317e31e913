"""Folders that hold someone else's code copied into the tree (a vendored framework or library).

Why: a service seen only in code (SQLite opened through `bun:sqlite`, no dependency declared)
says something about the project only when the project's own code does it. A framework copied
into `src/<name>/` ships adapters for every store it supports; they are not the app's needs.

A folder counts as vendored when
- it carries its own licence file (LICENSE, LICENCE, COPYING) below the component root, or
- the component's tsconfig.json both maps a package alias onto it (`"@hyper/*": ["./src/hyper/*"]`)
  and excludes it from type checking: the project imports it like a package it does not own.
A vendored file still counts when the project's own code imports it. (`vendor/` and
`third_party/` folders never reach detectors: the tree skips them.)
"""

from __future__ import annotations

import re
from functools import cached_property

from launchbay.detectors.backing_code import CodeIndex

_LICENSE = re.compile(r"^(?:LICEN[CS]E|COPYING)(?:[.-][\w.-]*)?$", re.IGNORECASE)
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
_EXCLUDE = re.compile(r'"exclude"\s*:\s*\[([^\]]*)\]')
_PATHS = re.compile(r'"paths"\s*:\s*\{([^{}]*)\}')
_ARRAY = re.compile(r"\[([^\]]*)\]")


class Vendored:
    """Answers "is this file vendored code the project does not use?" for one tree."""

    def __init__(self, index: CodeIndex) -> None:
        self.index = index
        self._tsconfig: dict[str, tuple[str, ...]] = {}

    @cached_property
    def _licensed(self) -> frozenset[str]:
        comps = frozenset(self.index.ctx.components)
        out = set()
        for base, paths in self.index.ctx.tree.by_name.items():
            if not _LICENSE.match(base):
                continue
            for rel in paths:
                folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
                if folder and folder not in comps:
                    out.add(folder)
        return frozenset(out)

    def folder_of(self, rel: str, comp: str) -> str | None:
        """The vendored folder holding `rel` inside component `comp`, or None."""
        parts = rel.split("/")[:-1]
        folders = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        for folder in folders:
            if folder in self._licensed:
                return folder
        for folder in self._aliased(comp):
            if rel.startswith(folder + "/"):
                return folder
        return None

    def unused(self, rel: str, comp: str) -> bool:
        """True when `rel` sits in a vendored folder and no file of the project outside that
        folder imports it (by its path without the extension, e.g. `session/sqlite`)."""
        folder = self.folder_of(rel, comp)
        if folder is None:
            return False
        stem = rel[len(folder) + 1:].rsplit(".", 1)[0]
        tail = "/".join(stem.split("/")[-2:])
        needle = re.compile(r"[\"'][^\"'\n]*\b" + re.escape(tail) + r"(?:\.[cm]?[jt]sx?|\.py)?[\"']")
        for other in self.index.code(comp):
            if other.startswith(folder + "/"):
                continue
            text = self.index.ctx.read(other)
            if text and tail in text and needle.search(text):
                return False
        return True

    def _aliased(self, comp: str) -> tuple[str, ...]:
        """Folders the component's tsconfig.json aliases as a package and excludes from checking."""
        if comp not in self._tsconfig:
            self._tsconfig[comp] = _tsconfig_vendored(self.index, comp)
        return self._tsconfig[comp]


def _tsconfig_vendored(index: CodeIndex, comp: str) -> tuple[str, ...]:
    prefix = "" if comp in {".", ""} else comp + "/"
    text = index.ctx.read(prefix + "tsconfig.json")
    if not text:
        return ()
    excluded = {_folder(s) for m in _EXCLUDE.finditer(text) for s in _STRING.findall(m.group(1))}
    paths = _PATHS.search(text)
    if paths is None or not excluded:
        return ()
    targets = {_folder(s) for arr in _ARRAY.finditer(paths.group(1)) for s in _STRING.findall(arr.group(1))}
    found = sorted(t for t in targets if t and t in excluded)
    return tuple(prefix + t for t in found)


def _folder(pattern: str) -> str:
    """`./src/hyper/**`, `src/hyper/*/index.ts`, `src/hyper` -> `src/hyper` (glob parts dropped)."""
    parts = [p for p in pattern.removeprefix("./").split("/") if p not in {"", "."}]
    keep = []
    for p in parts:
        if "*" in p or "." in p:
            break
        keep.append(p)
    return "/".join(keep)
