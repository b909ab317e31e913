"""The Python detector: for each component whose root holds a Python manifest (pyproject.toml,
requirements*.txt, setup.py, Pipfile), report its language, name, package manager, runtime
version, framework and roles, start/test/build commands, port, health endpoints and its
alembic/django migrations, every fact with the line it was read from.

The work is split by source: manifests (python_manifest), launch files (python_launch),
application code (python_code) and inference/classification (python_roles). This module
indexes the tree once and runs them per component.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.python_code import is_source, scan_sources
from launchbay.detectors.python_commands import TEST_TARGETS, makefile
from launchbay.detectors.python_common import Loc, first_line, in_comp, join, line_of, make
from launchbay.detectors.python_launch import Launch, is_launch_script
from launchbay.detectors.python_manifest import Manifest, read_manifest, requirement_files
from launchbay.detectors.python_roles import classify, frameworks, inferred, script_start
from launchbay.models.profile import Fact
from launchbay.versions import is_range, version_tuple

_ROOT_MANIFESTS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
_PIN = re.compile(r"^\s*(?:python-?)?(\d+\.\d+(?:\.\d+)?)\s*$")
_RUNTIME_TXT = re.compile(r"^\s*python-?(\d+\.\d+(?:\.\d+)?)\s*$")
_TEST_CMD = re.compile(r"\b(?:pytest|py\.test|tox|nox|unittest)\b")


@dataclass
class Index:
    """The files this detector cares about, grouped by owning component (one pass over the tree)."""

    py: dict[str, list[str]] = field(default_factory=dict)
    notebooks: dict[str, list[str]] = field(default_factory=dict)
    scripts: dict[str, list[str]] = field(default_factory=dict)
    named: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    py_set: frozenset[str] = frozenset()


_NAMED = {"alembic.ini", "manage.py", "pytest.ini", "tox.ini", "noxfile.py"}


class PythonDetector:
    name = "python"

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        req = [f for f in ctx.tree.files if f.endswith((".txt", ".in")) and "requirements" in f.lower()]
        comps = [c for c in ctx.components if _is_python(ctx, c, req)]
        if not comps:
            return
        manifests = {c: read_manifest(ctx, c, req) for c in comps}
        index = _index(ctx)
        for comp in comps:
            yield from _component(ctx, comp, manifests[comp], manifests, index)


def _is_python(ctx: DetectorContext, comp: str, req: list[str]) -> bool:
    if not comp:
        return False
    return any(ctx.tree.exists(join(comp, n)) for n in _ROOT_MANIFESTS) or bool(requirement_files(req, comp))


def _index(ctx: DetectorContext) -> Index:
    comps = frozenset(ctx.components)
    index = Index()
    py_set: set[str] = set()
    for rel in ctx.tree.files:
        name = rel.rsplit("/", 1)[-1]
        if rel.endswith(".py"):
            py_set.add(rel)
            index.py.setdefault(_owner(rel, comps), []).append(rel)
        elif rel.endswith(".ipynb"):
            index.notebooks.setdefault(_owner(rel, comps), []).append(rel)
        elif rel.endswith(".sh") and is_launch_script(name):
            index.scripts.setdefault(_owner(rel, comps), []).append(rel)
        if name in _NAMED:
            index.named.setdefault(_owner(rel, comps), {}).setdefault(name, []).append(rel)
    index.py_set = frozenset(py_set)
    return index


def _owner(rel: str, comps: frozenset[str]) -> str:
    """The deepest component holding `rel` (same answer as DetectorContext.component_of, faster)."""
    folder = rel
    while "/" in folder:
        folder = folder.rsplit("/", 1)[0]
        if folder in comps:
            return folder
    return "." if "." in comps else ""


def _component(ctx: DetectorContext, comp: str, m: Manifest, manifests: dict[str, Manifest],
               index: Index) -> list[Fact]:
    if m.anchor is None:
        return []
    facts = [make(comp, "language", "python", m.anchor, note="Python manifest")]
    if m.name is not None:
        facts.append(make(comp, "name", m.name[0], m.name[1], priority=60))
    facts += _package_managers(comp, m, manifests)
    facts += _runtime(ctx, comp, m)
    if m.uv_workspace is not None:
        facts.append(make(comp, "role", "workspace", m.uv_workspace, note="uv workspace root"))

    py_files = index.py.get(comp, [])
    deps = frozenset(d.name for d in m.deps.values() if not d.dev)
    scan = scan_sources(ctx, comp, py_files, index.py_set, deps)
    facts += frameworks(comp, m, scan)
    facts += scan.facts
    facts += Launch(ctx, comp, index.scripts.get(comp, [])).run()
    facts += script_start(comp, m)
    named = index.named.get(comp, {})
    manage = _shallowest(named.get("manage.py", []))
    manage_loc = _manage_loc(ctx, manage) if manage else None
    facts += _migrations(ctx, comp, m, named, manage, manage_loc)
    facts += _tests(ctx, comp, m, named, py_files)
    facts += inferred(comp, m, scan, facts, manage_loc)
    notebook = next((loc for rel in index.notebooks.get(comp, []) if is_source(in_comp(comp, rel))
                     if (loc := _notebook_loc(ctx, rel)) is not None), None)
    facts += classify(comp, m, facts, notebook)
    return facts


def _package_managers(comp: str, m: Manifest, manifests: dict[str, Manifest]) -> list[Fact]:
    found = list(m.managers)
    if not any(v == "uv" and "lock" in note for v, _, _, note in found):
        for root, other in manifests.items():
            member = root == "." or comp.startswith(root + "/")
            if root != comp and member and other.uv_workspace is not None:
                found += [e for e in other.managers if e[0] == "uv" and "lock" in e[3]]
    if not found and m.anchor is not None:
        found.append(("pip", m.anchor, 40, "no lock file or tool config: plain pip"))
    return [make(comp, "package_manager", v, loc, priority=p, note=note) for v, loc, p, note in found]


def _runtime(ctx: DetectorContext, comp: str, m: Manifest) -> list[Fact]:
    """Pinned versions (.python-version, runtime.txt) and manifest lower bounds.

    A lower bound the pin satisfies is only a fallback, so `>=3.12` beside a `3.12.4` pin is not
    reported as a conflict; a bound the pin violates is explicit and conflicts with it."""
    pins: list[tuple[str, Loc, str]] = []
    rel = join(comp, "runtime.txt")
    if ctx.tree.exists(rel) and (pin := _first_match(ctx, rel, _RUNTIME_TXT)) is not None:
        pins.append((pin[0], pin[1], "runtime.txt"))
    folder = comp
    while True:  # pyenv looks up the tree for .python-version; a component's own runtime.txt wins
        rel = join(folder, ".python-version")
        if ctx.tree.exists(rel):
            pin = _first_match(ctx, rel, _PIN)
            if pin is not None and (folder == comp or not pins):
                pins.append((pin[0], pin[1], rel))
            break
        if folder == ".":
            break
        folder = folder.rsplit("/", 1)[0] if "/" in folder else "."
    facts = [make(comp, "runtime_version", f"python {v}", loc, priority=70, note=f"pinned in {src}")
             for v, loc, src in pins]
    for bound, loc in m.bounds:
        if is_range(bound):
            # A range is a fallback, like engines.node: a pin outside it is reported as a conflict.
            facts.append(make(comp, "runtime_version", f"python {bound}", loc, priority=25, note="version range"))
            continue
        ok = bool(pins) and all(_satisfies(v, bound) for v, _, _ in pins)
        facts.append(make(comp, "runtime_version", f"python {bound}", loc, priority=25 if ok else 60,
                          note="declared version" + ("; the pinned version satisfies it" if ok else "")))
    return facts


def _satisfies(pin: str, bound: str) -> bool:
    p, b = version_tuple(pin), version_tuple(bound)
    n = min(len(p), len(b))
    return p[:n] >= b[:n]


def _first_match(ctx: DetectorContext, rel: str, pattern: re.Pattern[str]) -> tuple[str, Loc] | None:
    text = ctx.read(rel) or ""
    for no, line in enumerate(text.split("\n"), start=1):
        found = pattern.match(line)
        if found:
            return found.group(1), Loc(rel, no, line)
    return None


def _shallowest(paths: list[str]) -> str | None:
    return min(paths, key=lambda p: (p.count("/"), p)) if paths else None


def _manage_loc(ctx: DetectorContext, rel: str) -> Loc | None:
    text = ctx.read(rel) or ""
    return line_of(text, rel, "DJANGO_SETTINGS_MODULE") or line_of(text, rel, "execute_from_command_line") \
        or first_line(text, rel)


def _migrations(ctx: DetectorContext, comp: str, m: Manifest, named: dict[str, list[str]],
                manage: str | None, manage_loc: Loc | None) -> list[Fact]:
    facts: list[Fact] = []
    ini = _shallowest(named.get("alembic.ini", []))
    if ini is not None:
        text = ctx.read(ini) or ""
        loc = line_of(text, ini, "script_location") or line_of(text, ini, "[alembic]") or first_line(text, ini)
        if loc is not None:
            sub = in_comp(comp, ini)
            command = "alembic upgrade head" if sub == "alembic.ini" else f"alembic -c {sub} upgrade head"
            facts.append(make(comp, "migration_tool", "alembic", loc, note="alembic.ini"))
            facts.append(make(comp, "migration_command", command, loc, note="alembic.ini: apply to head"))
    elif (dep := m.dep("alembic")) is not None:
        facts.append(make(comp, "migration_tool", "alembic", dep.loc, note="alembic dependency"))
    if manage is not None and manage_loc is not None:
        sub = in_comp(comp, manage)
        command = "python manage.py migrate" if sub == "manage.py" else f"python {sub} migrate"
        facts.append(make(comp, "migration_tool", "django", manage_loc, note="Django manage.py"))
        facts.append(make(comp, "migration_command", command, manage_loc, note="Django migrations"))
    return facts


def _tests(ctx: DetectorContext, comp: str, m: Manifest, named: dict[str, list[str]],
           py_files: list[str]) -> list[Fact]:
    facts: list[Fact] = []
    dep = m.dep("pytest", dev_ok=True)
    if dep is not None:
        facts.append(make(comp, "test_command", "pytest", dep.loc, note="pytest dependency"))
    if m.pytest_config is not None:
        facts.append(make(comp, "test_command", "pytest", m.pytest_config, note="pytest configuration"))
    ini = join(comp, "pytest.ini")
    if ini in named.get("pytest.ini", []) and (loc := first_line(ctx.read(ini) or "", ini)):
        facts.append(make(comp, "test_command", "pytest", loc, note="pytest.ini"))
    if not facts:
        for rel in py_files:
            name = rel.rsplit("/", 1)[-1]
            if name.startswith("test_") or name.endswith("_test.py"):
                text = ctx.read(rel) or ""
                loc = line_of(text, rel, "def test_") or first_line(text, rel)
                if loc is not None:
                    facts.append(make(comp, "test_command", "pytest", loc, priority=40, note="test files"))
                    break
    for name, tool in (("tox.ini", "tox"), ("noxfile.py", "nox")):
        rel = join(comp, name)
        if rel in named.get(name, []) and (loc := first_line(ctx.read(rel) or "", rel)):
            facts.append(make(comp, "test_command", tool, loc, priority=45, note=f"{name} configured"))
    if m.tox_config is not None:
        facts.append(make(comp, "test_command", "tox", m.tox_config, priority=45, note="[tool.tox] configured"))
    facts += _make_test(ctx, comp)
    return facts


def _make_test(ctx: DetectorContext, comp: str) -> list[Fact]:
    rel = join(comp, "Makefile")
    text = ctx.read(rel) if ctx.tree.exists(rel) else None
    if not text:
        return []
    targets = makefile(text, rel)
    for target in TEST_TARGETS:
        for loc, cmd in targets.get(target, []):
            if _TEST_CMD.search(cmd):
                return [make(comp, "test_command", cmd, loc, priority=60, note=f"Makefile target {target}")]
    return []


def _notebook_loc(ctx: DetectorContext, rel: str) -> Loc | None:
    text = ctx.read(rel)
    if text is None:
        return None
    return line_of(text, rel, '"cell_type"') or line_of(text, rel, '"nbformat"') or first_line(text, rel)
