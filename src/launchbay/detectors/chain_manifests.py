"""Chain SDKs declared in manifests: package.json, Python requirements/pyproject/Pipfile/setup.py,
go.mod and Cargo.toml. Each hit becomes a web3_library and an ecosystem fact whose evidence is
the dependency line itself.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from typing import Any

from launchbay.detectors.chain_data import (
    APP_DEPS,
    GO_LIBS,
    NPM_FAMILIES,
    NPM_LIBS,
    PY_LIBS,
    RUST_FAMILIES,
    RUST_LIBS,
    library_of,
)
from launchbay.detectors.chain_emit import Emitter, Survey

NPM_SECTIONS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")


def scan_manifests(em: Emitter, survey: Survey) -> None:
    tree = em.ctx.tree
    for rel in tree.named("package.json"):
        _package_json(em, survey, rel)
    for rel in tree.files:
        base = rel.rsplit("/", 1)[-1]
        if base.endswith(".txt") and "requirements" in rel.lower():
            _requirements(em, survey, rel)
    for rel in tree.named("pyproject.toml", "Pipfile"):
        _python_toml(em, survey, rel)
    for rel in tree.named("setup.py"):
        text = em.ctx.read(rel)
        if text is not None:
            _python_lines(em, survey, rel, text, PY_LIBS)
    for rel in tree.named("go.mod"):
        _go_mod(em, survey, rel)
    for rel in tree.named("Cargo.toml"):
        _cargo(em, survey, rel)


def _library(em: Emitter, survey: Survey, rel: str, line: int, quote: str, value: str, eco: str) -> None:
    # A git/URL dependency may embed an access token: quote only what comes before the URL.
    quote = quote.split("://", 1)[0]
    em.add("web3_library", value, rel, line, quote)
    if eco:
        em.add("ecosystem", eco, rel, line, quote)
    survey.web3.add(em.subject(rel))


def _load_json(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _package_json(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    data = _load_json(text) if text else None
    if text is None or data is None:
        return
    comp = em.subject(rel)
    lines = text.split("\n")
    deps: set[str] = set()
    for section in NPM_SECTIONS:
        block = data.get(section)
        if not isinstance(block, dict):
            continue
        deps.update(str(k) for k in block)
        start = _line_index(lines, re.compile(rf'"{section}"\s*:'), 0)
        for dep in block:
            lib = library_of(NPM_LIBS, NPM_FAMILIES, str(dep))
            if lib is None:
                continue
            idx = _line_index(lines, re.compile(rf'"{re.escape(str(dep))}"\s*:'), start)
            if idx >= 0:
                _library(em, survey, rel, idx + 1, lines[idx], *lib)
    survey.npm_deps.setdefault(comp, set()).update(deps)
    scripts = data.get("scripts")
    if deps & APP_DEPS or any(d.startswith("@remix-run/") for d in deps) or (
            isinstance(scripts, dict) and "start" in scripts):
        survey.apps.add(comp)


def _line_index(lines: list[str], pattern: re.Pattern[str], start: int) -> int:
    for idx in range(max(start, 0), len(lines)):
        if pattern.search(lines[idx]):
            return idx
    return -1


def _py_norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    if text is None:
        return
    for no, line in enumerate(text.split("\n"), start=1):
        m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if not m or line.lstrip().startswith(("-", "#")):
            continue
        lib = PY_LIBS.get(_py_norm(m.group(1)))
        if lib:
            _library(em, survey, rel, no, line, *lib)


def _py_dep_pattern(name: str) -> re.Pattern[str]:
    """A line naming Python distribution `name` as a requirement (PEP 508 string or poetry key)."""
    flexible = "[-_.]".join(re.escape(p) for p in name.split("-"))
    return re.compile(
        rf"(?im)(?:^[ \t]*|[\"'][ \t]*)({flexible})(?:\[[^\]\n]*\])?[ \t]*(?=[<>=!~;,\"'\]@]|$)"
    )


def _python_lines(em: Emitter, survey: Survey, rel: str, text: str, libs: dict[str, tuple[str, str]]) -> None:
    for dep, lib in libs.items():
        m = _py_dep_pattern(dep).search(text)
        if m:
            no = text.count("\n", 0, m.start(1)) + 1
            line = text.split("\n")[no - 1]
            _library(em, survey, rel, no, line, *lib)


def _python_toml(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    if text is None:
        return
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    names = {_py_norm(n) for n in _toml_python_deps(data)}
    wanted = {dep: lib for dep, lib in PY_LIBS.items() if dep in names}
    if wanted:
        _python_lines(em, survey, rel, text, wanted)


def _toml_python_deps(data: dict[str, Any]) -> Iterable[str]:
    """Distribution names from PEP 621, dependency-groups, poetry, uv and Pipfile tables."""
    project = data.get("project", {})
    specs: list[Any] = list(project.get("dependencies", []) or [])
    for group in (project.get("optional-dependencies") or {}).values():
        specs.extend(group or [])
    for group in (data.get("dependency-groups") or {}).values():
        specs.extend(group or [])
    tool = data.get("tool", {})
    specs.extend((tool.get("uv") or {}).get("dev-dependencies", []) or [])
    tables: list[Any] = [data.get("packages"), data.get("dev-packages")]
    poetry = tool.get("poetry") or {}
    tables += [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [(g or {}).get("dependencies") for g in (poetry.get("group") or {}).values()]
    for spec in specs:
        if isinstance(spec, str):
            m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
            if m:
                yield m.group(1)
    for table in tables:
        if isinstance(table, dict):
            yield from (str(k) for k in table)


def _go_mod(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    if text is None:
        return
    for no, line in enumerate(text.split("\n"), start=1):
        if "// indirect" in line:
            continue
        m = re.match(r"\s*(?:require\s+)?([\w.-]+/[\w.-]+/[\w.-]+)\S*\s+v\S+", line)
        if m and m.group(1) in GO_LIBS:
            _library(em, survey, rel, no, line, *GO_LIBS[m.group(1)])


def _cargo(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    if text is None:
        return
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    names: set[str] = set()
    tables: list[Any] = [data, data.get("workspace", {})]
    tables += list((data.get("target") or {}).values())
    for table in tables:
        if not isinstance(table, dict):
            continue
        for section in ("dependencies", "dev-dependencies", "build-dependencies"):
            deps = table.get(section)
            if isinstance(deps, dict):
                names.update(str(k) for k in deps)
    seen: set[str] = set()
    lines = text.split("\n")
    for dep in sorted(names):
        lib = library_of(RUST_LIBS, RUST_FAMILIES, dep)
        if lib is None or lib[0] in seen:
            continue
        pat = re.compile(rf"^\s*(?:{re.escape(dep)}\s*=|\[(?:[\w.-]+\.)?dependencies\.{re.escape(dep)}\])")
        idx = _line_index(lines, pat, 0)
        if idx >= 0:
            seen.add(lib[0])
            _library(em, survey, rel, idx + 1, lines[idx], *lib)
