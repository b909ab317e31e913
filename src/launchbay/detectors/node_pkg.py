"""package.json as data *and* as lines: what the node detector reads every other fact from.

Why a key-line index: every fact needs the line of, say, `"next": "14.2.3",`, but
`json.loads` forgets where things were. One linear scan of the text records the line where
each key path starts, so evidence lookups are dictionary hits, never searches that could land
on the same word somewhere else in the file (a `"name"` inside `"repository"`, say).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from launchbay.tree import ProjectTree

DETECTOR = "node"

KeyPath = tuple[str, ...]

DEP_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


@dataclass
class _Frame:
    is_object: bool
    path: KeyPath
    key: str = ""
    index: int = 0


_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:\n]')


def key_lines(text: str) -> dict[KeyPath, int]:
    """Line (1-based) of the first occurrence of every key path; array items use their index.

    Tokens come from one regex pass (strings, brackets, commas, colons, newlines); numbers and
    literals are skipped by the regex engine, so even a large manifest costs little.
    """
    found: dict[KeyPath, int] = {}
    stack: list[_Frame] = []
    line = 1
    last_string: tuple[str, int] | None = None  # a string that becomes a key if ':' follows
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok == "\n":
            line += 1
            continue
        if tok == ":":
            if last_string is not None and stack and stack[-1].is_object:
                key = _decode(last_string[0])
                stack[-1].key = key
                found.setdefault((*stack[-1].path, key), last_string[1])
        elif tok in "{[":
            path: KeyPath = ()
            if stack:
                parent = stack[-1]
                path = (*parent.path, parent.key if parent.is_object else str(parent.index))
                found.setdefault(path, line)
            stack.append(_Frame(tok == "{", path))
        elif tok in "}]":
            if stack:
                stack.pop()
        elif tok == "," and stack and not stack[-1].is_object:
            stack[-1].index += 1
        last_string = (tok[1:-1], line) if tok.startswith('"') else None
    return found


def _decode(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


def join(folder: str, name: str) -> str:
    """`name` inside component `folder` ("." is the repository root)."""
    return name if folder == "." else f"{folder}/{name}"


def ancestors(folder: str) -> list[str]:
    """`folder` and every folder above it up to the repository root ("."), nearest first."""
    out = [folder]
    while folder != ".":
        folder = posixpath.dirname(folder) or "."
        out.append(folder)
    return out


def first_line(text: str | None, *prefer: str, code: bool = False) -> tuple[int, str] | None:
    """The first line containing one of `prefer`, else the first non-blank line.

    With `code`, comment lines (`//`, `/*`, `*`) are passed over when a code line exists.
    """
    if not text:
        return None
    lines = text.split("\n")
    for needle in prefer:
        for no, line in enumerate(lines, start=1):
            if needle in line:
                return no, line
    blank = [(no, line) for no, line in enumerate(lines, start=1) if line.strip()]
    if code:
        real = [(no, line) for no, line in blank if not line.lstrip().startswith(("//", "/*", "*", "#!"))]
        blank = real or blank
    return blank[0] if blank else None


@dataclass
class PackageJson:
    """One parsed package.json, with the line of each key for evidence."""

    rel: str
    folder: str
    data: dict[str, Any]
    lines: dict[KeyPath, int]
    text_lines: list[str] = field(repr=False)

    def at(self, *path: str) -> tuple[int, str] | None:
        """(line, line text) where key `path` is written, or None."""
        line = self.lines.get(path)
        if line is None or line > len(self.text_lines):
            return None
        return line, self.text_lines[line - 1]

    def get_str(self, key: str) -> str | None:
        value = self.data.get(key)
        return value.strip() if isinstance(value, str) and value.strip() else None

    @property
    def scripts(self) -> dict[str, str]:
        raw = self.data.get("scripts")
        if not isinstance(raw, dict):
            return {}
        return {k: v.strip() for k, v in raw.items() if isinstance(k, str) and isinstance(v, str) and v.strip()}

    def section(self, name: str) -> dict[str, str]:
        raw = self.data.get(name)
        if not isinstance(raw, dict):
            return {}
        return {k: v if isinstance(v, str) else "" for k, v in raw.items() if isinstance(k, str)}

    def dep_section(self, package: str, sections: tuple[str, ...] = DEP_SECTIONS) -> str | None:
        """The first dependency section listing `package`, or None."""
        for sec in sections:
            if package in self.section(sec):
                return sec
        return None

    def dep_at(self, package: str, sections: tuple[str, ...] = DEP_SECTIONS) -> tuple[int, str] | None:
        """The line declaring `package` as a dependency."""
        sec = self.dep_section(package, sections)
        return None if sec is None else self.at(sec, package)

    def file(self, name: str) -> str:
        return join(self.folder, name)


def load_package(tree: ProjectTree, rel: str, folder: str) -> PackageJson | None:
    """Parse `rel`; None when it is unreadable, not JSON, or not a JSON object."""
    text = tree.read(rel)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return PackageJson(rel=rel, folder=folder, data=data, lines=key_lines(text), text_lines=text.split("\n"))


def line_at(text: str, pos: int) -> tuple[int, str]:
    """1-based line number and text of the line holding offset `pos` (C-speed, no index build)."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text.count("\n", 0, pos) + 1, text[start: end if end != -1 else len(text)]


_LINE_COMMENT = re.compile(r"(?<![:\\/])//")


def in_comment(text: str, pos: int) -> bool:
    """Whether offset `pos` of a JS/TS file sits in a comment (`//`, a `/* */` block or a JSDoc `*` line).

    Why: examples in doc comments (`Bun.serve({ port: 5174 })`) are not what the code does.
    A `//` right after `:` is a URL (`http://`), not a comment; a `/*` only opens a block when
    it starts a line or follows a space, so glob strings like "src/**/*.ts" do not count.
    """
    start = text.rfind("\n", 0, pos) + 1
    prefix = text[start:pos]
    head = prefix.lstrip()
    jsdoc = head.startswith("*") and not head.startswith("*/")
    if jsdoc or head.startswith(("//", "/*", "#!")) or _LINE_COMMENT.search(prefix):
        return True
    opened = text.rfind("/*", 0, pos)
    while opened > 0 and not text[opened - 1].isspace():
        opened = text.rfind("/*", 0, opened)
    return opened != -1 and text.rfind("*/", 0, pos) < opened
