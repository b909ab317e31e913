"""Identity facts of a Node package: name, language, package manager, Node version.

Why separate from the service facts: these come from manifests and marker files only
(lockfiles, tsconfig.json, .nvmrc), never from reading code, and each has its own rule for
which folder counts (a lockfile or .nvmrc in a workspace root applies to every package below).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from launchbay.detectors.node_pkg import PackageJson, ancestors, first_line, join
from launchbay.detectors.node_sources import TS_SUFFIXES
from launchbay.tree import ProjectTree

PACKAGE_MANAGERS = frozenset({"npm", "pnpm", "yarn", "bun"})
# Marker file → package manager, with the line worth quoting from it.
LOCKFILES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("pnpm-lock.yaml", "pnpm", ("lockfileVersion",)),
    ("yarn.lock", "yarn", ("__metadata", "yarn lockfile")),
    ("package-lock.json", "npm", ('"lockfileVersion"',)),
    ("bun.lock", "bun", ('"lockfileVersion"',)),
    ("bun.lockb", "bun", ()),
    ("pnpm-workspace.yaml", "pnpm", ("packages",)),
)
VERSION_FILES = (".nvmrc", ".node-version", ".tool-versions")
_EXACT_VERSION = re.compile(r"v?\d+(?:\.(?:\d+|x))*")


@dataclass(frozen=True)
class Seen:
    """A fact to emit: kind, value, file, line, line text, priority, note."""

    kind: str
    value: str
    rel: str
    line: int
    text: str
    priority: int
    note: str | None = None


def anchor(tree: ProjectTree, pkg: PackageJson) -> tuple[int, str] | None:
    """A line of package.json to hang a package-wide fact on: `"name"`, else the first line."""
    return pkg.at("name") or first_line(tree.read(pkg.rel))


def name_fact(pkg: PackageJson) -> Iterator[Seen]:
    name = pkg.get_str("name")
    where = pkg.at("name")
    if name and where:
        yield Seen("name", name, pkg.rel, where[0], where[1], 60)


def language_facts(tree: ProjectTree, pkg: PackageJson, files: list[str], runtime: list[str]) -> Iterator[Seen]:
    """typescript from its dependency, tsconfig.json or .ts sources; otherwise javascript.

    `runtime` (a subset of `files`: no tests or config) is preferred for the quoted source line.
    """
    found = False
    dep = pkg.dep_at("typescript")
    if dep:
        found = True
        yield Seen("language", "typescript", pkg.rel, dep[0], dep[1], 60)
    tsconfig = pkg.file("tsconfig.json")
    where = first_line(tree.read(tsconfig), '"compilerOptions"', '"extends"') if tree.exists(tsconfig) else None
    if where:
        found = True
        yield Seen("language", "typescript", tsconfig, where[0], where[1], 60)
    ts_files = [f for f in runtime if f.endswith(TS_SUFFIXES)] or [f for f in files if f.endswith(TS_SUFFIXES)]
    for rel in ts_files[:3]:
        where = first_line(tree.read(rel), code=True)
        if where:
            yield Seen("language", "typescript", rel, where[0], where[1], 55, "TypeScript source")
            return
    if found:
        return
    for rel in (runtime or files)[:3]:
        where = first_line(tree.read(rel), code=True)
        if where:
            yield Seen("language", "javascript", rel, where[0], where[1], 40, "JavaScript source, no TypeScript")
            return
    where = anchor(tree, pkg)
    if where:
        yield Seen("language", "javascript", pkg.rel, where[0], where[1], 20, "package.json without TypeScript")


def package_manager_facts(tree: ProjectTree, pkg: PackageJson) -> Iterator[Seen]:
    """The `packageManager` field, else the nearest folder (up to the root) holding a lockfile."""
    declared = pkg.get_str("packageManager")
    where = pkg.at("packageManager")
    if declared and where:
        pm = declared.split("@", 1)[0].strip()
        if pm in PACKAGE_MANAGERS:
            yield Seen("package_manager", pm, pkg.rel, where[0], where[1], 70)
    for folder in ancestors(pkg.folder):
        seen = list(_lockfiles_in(tree, folder, own=folder == pkg.folder))
        if seen:
            yield from seen
            return
    if not (declared and where):
        where = anchor(tree, pkg)
        if where:
            yield Seen("package_manager", "npm", pkg.rel, where[0], where[1], 10,
                       "npm is the default: no lockfile or packageManager field")


def _lockfiles_in(tree: ProjectTree, folder: str, *, own: bool) -> Iterator[Seen]:
    priority = 60 if own else 55
    for name, pm, prefer in LOCKFILES:
        rel = join(folder, name)
        if not tree.exists(rel):
            continue
        note = None if own else f"{name} in {folder}"
        where = first_line(tree.read(rel), *prefer)
        if where is None and name == "bun.lockb":
            # Binary lockfile: quote the package.json beside it instead.
            manifest = join(folder, "package.json")
            where, rel = first_line(tree.read(manifest), '"name"'), manifest
            note = f"bun.lockb in {folder}"
        if where:
            yield Seen("package_manager", pm, rel, where[0], where[1], priority, note)


def runtime_facts(tree: ProjectTree, pkg: PackageJson) -> Iterator[Seen]:
    """Node version from engines.node, volta.node and the nearest .nvmrc/.node-version/.tool-versions."""
    engines = pkg.data.get("engines")
    where = pkg.at("engines", "node")
    if isinstance(engines, dict) and isinstance(engines.get("node"), str) and where:
        raw = engines["node"].strip()
        if raw:
            exact = _EXACT_VERSION.fullmatch(raw) is not None
            value = raw.lstrip("v") if exact else raw
            yield Seen("runtime_version", f"node {value}", pkg.rel, where[0], where[1],
                       60 if exact else 25, None if exact else "engines range")
    volta = pkg.data.get("volta")
    where = pkg.at("volta", "node")
    if isinstance(volta, dict) and isinstance(volta.get("node"), str) and volta["node"].strip() and where:
        yield Seen("runtime_version", f"node {volta['node'].strip().lstrip('v')}", pkg.rel, where[0], where[1], 70)
    for folder in ancestors(pkg.folder):
        seen = list(_version_files_in(tree, folder))
        if seen:
            yield from seen
            return


def _version_files_in(tree: ProjectTree, folder: str) -> Iterator[Seen]:
    for name in VERSION_FILES:
        rel = join(folder, name)
        text = tree.read(rel) if tree.exists(rel) else None
        if not text:
            continue
        for no, line in enumerate(text.split("\n"), start=1):
            value = line.split("#", 1)[0].strip()
            if name == ".tool-versions":
                parts = value.split()
                if len(parts) < 2 or parts[0] not in {"nodejs", "node"}:
                    continue
                value = parts[1]
            if value:
                yield Seen("runtime_version", f"node {value.lstrip('v')}", rel, no, line, 65)
                break
