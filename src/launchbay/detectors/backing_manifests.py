"""Dependencies declared in manifests, each with the line that declares it.

Why parse and then search: json/tomllib tell us reliably *what* is declared (and in which
section: dev dependencies never make a production backing service), but evidence has to
point at a line, which the parsers do not give. So each dependency found by the parser is
then located in the raw text. A manifest that does not parse is skipped quietly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from launchbay.detectors.base import load_toml
from launchbay.tree import ProjectTree


@dataclass(frozen=True)
class Dep:
    """One declared dependency. `name` is the lookup key (npm: as written; PyPI/crates: normalised)."""

    eco: str  # js | py | go | rust
    name: str
    rel: str
    line: int
    text: str
    dev: bool
    extras: tuple[str, ...] = ()  # PyPI extras or cargo features


@dataclass(frozen=True)
class Script:
    """A package.json script with the line it is defined on."""

    name: str
    body: str
    line: int
    text: str


@dataclass
class Manifests:
    deps: list[Dep] = field(default_factory=list)
    scripts: dict[str, list[Script]] = field(default_factory=dict)  # package.json rel -> scripts


_DEV_GROUPS = re.compile(
    r"(?:^|[^a-z])(?:dev|develop|tests?|testing|lint|docs?|typing|types|ci|bench|format|style)(?:[^a-z]|$)", re.I
)
_PEP508_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def collect(tree: ProjectTree) -> Manifests:
    """Every dependency of every manifest in the tree (plus package.json scripts)."""
    out = Manifests()
    for rel in tree.named("package.json"):
        _package_json(rel, tree.read(rel), out)
    for rel in tree.named("pyproject.toml"):
        _pyproject(rel, tree.read(rel), out.deps)
    for rel in tree.named("Pipfile"):
        _pipfile(rel, tree.read(rel), out.deps)
    for rel in tree.with_suffix(".txt"):
        base = rel.rsplit("/", 1)[-1]
        if base.startswith("requirements") or "requirements/" in rel:
            _requirements(rel, tree.read(rel), out.deps)
    for rel in tree.named("go.mod"):
        _go_mod(rel, tree.read(rel), out.deps)
    cargo = [rel for rel in tree.named("Cargo.toml")]
    workspaces = _cargo_workspaces(tree, cargo)
    for rel in cargo:
        _cargo(rel, tree.read(rel), workspaces, out.deps)
    return out


def norm_py(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _find(lines: list[str], pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> int | None:
    """Index of the first line in [start, end] matching `pattern`."""
    stop = len(lines) - 1 if end is None else min(end, len(lines) - 1)
    for i in range(max(start, 0), stop + 1):
        if pattern.search(lines[i]):
            return i
    return None


def _locate(lines: list[str], pattern: re.Pattern[str], start: int = 0, end: int | None = None) -> int | None:
    """Like `_find` but falls back to the whole file when the section guess was wrong."""
    found = _find(lines, pattern, start, end)
    return found if found is not None else _find(lines, pattern)


# ---------------------------------------------------------------- package.json
def _package_json(rel: str, text: str | None, out: Manifests) -> None:
    if text is None:
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    if not isinstance(data, dict):
        return
    lines = text.split("\n")
    for section, dev in (("dependencies", False), ("optionalDependencies", False), ("devDependencies", True)):
        block = data.get(section)
        if not isinstance(block, dict):
            continue
        start, end = _json_block(lines, section)
        for name in block:
            idx = _locate(lines, re.compile('"' + re.escape(name) + r'"\s*:'), start, end)
            if idx is not None:
                out.deps.append(Dep("js", name, rel, idx + 1, lines[idx], dev))
    scripts = data.get("scripts")
    if isinstance(scripts, dict):
        start, end = _json_block(lines, "scripts")
        found = []
        for name, body in scripts.items():
            if not isinstance(body, str):
                continue
            idx = _locate(lines, re.compile('"' + re.escape(name) + r'"\s*:'), start, end)
            if idx is not None:
                found.append(Script(name, body, idx + 1, lines[idx]))
        out.scripts[rel] = found


def _json_block(lines: list[str], key: str) -> tuple[int, int | None]:
    """Line span of a flat `"key": { ... }` object (its values hold no braces)."""
    start = _find(lines, re.compile('"' + re.escape(key) + r'"\s*:'))
    if start is None:
        return 0, None
    head = lines[start]
    opening = head.find("{", head.find(key))
    if opening != -1 and "}" in head[opening:]:
        return start, start
    end = _find(lines, re.compile(r"\}"), start + 1)
    return start, end


# ---------------------------------------------------------------- Python
_toml = load_toml


def _pep508_dep(rel: str, lines: list[str], req: object, dev: bool, deps: list[Dep]) -> None:
    if not isinstance(req, str):
        return
    m = _PEP508_NAME.match(req)
    if m is None:
        return
    name = norm_py(m.group(1))
    extras = tuple(norm_py(e.strip()) for e in (m.group(2) or "").split(",") if e.strip())
    idx = _find(lines, re.compile(r"[\"']" + re.escape(req)))
    if idx is None:
        idx = _find(lines, re.compile(r"[\"']\s*" + re.escape(m.group(1)) + r"(?![\w.-])", re.I))
    if idx is not None:
        deps.append(Dep("py", name, rel, idx + 1, lines[idx], dev, extras))


def _table_dep(rel: str, lines: list[str], header: str, name: str, spec: object, dev: bool,
               deps: list[Dep], eco: str = "py") -> None:
    """A `name = spec` entry of a TOML table (Poetry, Pipfile)."""
    start = _find(lines, re.compile(r"^\s*\[\s*" + re.escape(header) + r"\s*\]"))
    key = re.compile(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*=")
    idx = _locate(lines, key, (start or 0) + 1)
    if idx is None:
        idx = _find(lines, re.compile(r"^\s*\[.*\b" + re.escape(name) + r"\s*\]"))
    if idx is None:
        return
    extras: tuple[str, ...] = ()
    if isinstance(spec, dict):
        raw = spec.get("extras") or spec.get("features") or []
        if isinstance(raw, list):
            extras = tuple(str(e) for e in raw)
    deps.append(Dep(eco, norm_py(name), rel, idx + 1, lines[idx], dev, tuple(norm_py(e) for e in extras)))


def _pyproject(rel: str, text: str | None, deps: list[Dep]) -> None:
    data = _toml(text)
    if data is None or text is None:
        return
    lines = text.split("\n")
    project = data.get("project")
    if isinstance(project, dict):
        for req in _list(project.get("dependencies")):
            _pep508_dep(rel, lines, req, False, deps)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group, reqs in optional.items():
                for req in _list(reqs):
                    _pep508_dep(rel, lines, req, bool(_DEV_GROUPS.search(group)), deps)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for reqs in groups.values():
            for req in _list(reqs):
                _pep508_dep(rel, lines, req, True, deps)
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if not isinstance(poetry, dict):
        return
    for section, dev in (("dependencies", False), ("dev-dependencies", True)):
        table = poetry.get(section)
        if isinstance(table, dict):
            for name, spec in table.items():
                if name.lower() != "python":
                    _table_dep(rel, lines, f"tool.poetry.{section}", name, spec, dev, deps)
    poetry_groups = poetry.get("group")
    if isinstance(poetry_groups, dict):
        for group, body in poetry_groups.items():
            table = body.get("dependencies") if isinstance(body, dict) else None
            if isinstance(table, dict):
                header = f"tool.poetry.group.{group}.dependencies"
                for name, spec in table.items():
                    _table_dep(rel, lines, header, name, spec, bool(_DEV_GROUPS.search(group)), deps)


def _pipfile(rel: str, text: str | None, deps: list[Dep]) -> None:
    data = _toml(text)
    if data is None or text is None:
        return
    lines = text.split("\n")
    for section, dev in (("packages", False), ("dev-packages", True)):
        table = data.get(section)
        if isinstance(table, dict):
            for name, spec in table.items():
                _table_dep(rel, lines, section, name, spec, dev, deps)


def _requirements(rel: str, text: str | None, deps: list[Dep]) -> None:
    if text is None:
        return
    dev = bool(_DEV_GROUPS.search(rel.rsplit("/", 1)[-1].removeprefix("requirements")))
    for idx, line in enumerate(text.split("\n")):
        body = line.split(" #", 1)[0].strip()
        if not body or body.startswith(("#", "-")):
            continue
        m = _PEP508_NAME.match(body)
        if m is None:
            continue
        extras = tuple(norm_py(e.strip()) for e in (m.group(2) or "").split(",") if e.strip())
        deps.append(Dep("py", norm_py(m.group(1)), rel, idx + 1, line, dev, extras))


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


# ---------------------------------------------------------------- Go
def _go_mod(rel: str, text: str | None, deps: list[Dep]) -> None:
    if text is None:
        return
    in_block = False
    for idx, line in enumerate(text.split("\n")):
        code = line.split("//", 1)[0].strip()
        if in_block:
            if code.startswith(")"):
                in_block = False
                continue
            module = code.split()[0] if code else ""
        elif re.match(r"require\s*\(", code):
            in_block = True
            continue
        elif code.startswith("require "):
            parts = code[len("require "):].split()
            module = parts[0] if parts else ""
        else:
            continue
        if module and "// indirect" not in line:
            deps.append(Dep("go", module.lower(), rel, idx + 1, line, False))


# ---------------------------------------------------------------- Rust
def _cargo_workspaces(tree: ProjectTree, cargo: list[str]) -> dict[str, dict[str, Any]]:
    """Folder -> its [workspace.dependencies] table, for members that say `workspace = true`."""
    found: dict[str, dict[str, Any]] = {}
    for rel in cargo:
        data = _toml(tree.read(rel))
        workspace = data.get("workspace") if data else None
        if isinstance(workspace, dict):
            table = workspace.get("dependencies")
            found[rel.rsplit("/", 1)[0] if "/" in rel else "."] = table if isinstance(table, dict) else {}
    return found


def _workspace_spec(rel: str, name: str, workspaces: dict[str, dict[str, Any]]) -> object:
    folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
    while True:
        if folder in workspaces:
            return workspaces[folder].get(name)
        if folder == ".":
            return None
        folder = folder.rsplit("/", 1)[0] if "/" in folder else "."


def _cargo(rel: str, text: str | None, workspaces: dict[str, dict[str, Any]], deps: list[Dep]) -> None:
    data = _toml(text)
    if data is None or text is None:
        return
    lines = text.split("\n")
    tables: list[tuple[str, object, bool]] = [
        ("dependencies", data.get("dependencies"), False),
        ("dev-dependencies", data.get("dev-dependencies"), True),
    ]
    target = data.get("target")
    if isinstance(target, dict):
        for body in target.values():
            if isinstance(body, dict):
                tables.append(("dependencies", body.get("dependencies"), False))
    for header, table, dev in tables:
        if not isinstance(table, dict):
            continue
        for name, spec in table.items():
            features: list[str] = []
            crate = name
            for s in (spec, _workspace_spec(rel, name, workspaces) if _is_workspace(spec) else None):
                if isinstance(s, dict):
                    features += [str(f) for f in _list(s.get("features"))]
                    crate = str(s.get("package", crate))
            before = len(deps)
            _table_dep(rel, lines, header, name, None, dev, deps, eco="rust")
            if len(deps) > before:
                d = deps.pop()
                deps.append(Dep("rust", norm_py(crate), d.rel, d.line, d.text, dev, tuple(features)))


def _is_workspace(spec: object) -> bool:
    return isinstance(spec, dict) and spec.get("workspace") is True
