"""Read a Python component's manifests into one view: dependencies with the line each sits on,
the project name, console scripts, Python version bounds and package-manager markers.

pyproject.toml and Pipfile are parsed with tomllib for their values; the line a value sits on is
then found by a light section-aware scan of the raw text (tomllib keeps no positions).
requirements files and setup.py/setup.cfg are read line by line, tolerating anything odd.
A file that does not parse is skipped quietly: review must never crash on a broken manifest.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.python_common import Loc, first_line, join, norm_dep

_HEADER = re.compile(r"^\s*\[\[?([^\]\n]+)\]\]?\s*(?:#.*)?$")
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
_BOUND = re.compile(r"^(>=|~=|==|===|\^|~|>)?\s*v?(\d+(?:\.\d+)*)(?:\.\*)?$")
_DEV_WORDS = ("dev", "test", "lint", "doc", "ci", "check", "typing", "type", "qa")
_QUOTED = re.compile(r"""["']([^"'\n]+)["']""")


@dataclass(frozen=True)
class Dep:
    """A declared dependency: normalised name, where it is declared, and whether it is dev-only."""

    name: str
    loc: Loc
    dev: bool


@dataclass
class Manifest:
    """Everything the manifests of one component say."""

    comp: str
    anchor: Loc | None = None                # a line that shows this is a Python project
    deps: dict[str, Dep] = field(default_factory=dict)
    name: tuple[str, Loc] | None = None
    scripts: list[tuple[str, Loc]] = field(default_factory=list)
    bounds: list[tuple[str, Loc]] = field(default_factory=list)     # python constraints (python_constraint)
    managers: list[tuple[str, Loc, int, str]] = field(default_factory=list)  # value, loc, priority, note
    build_system: Loc | None = None
    uv_workspace: Loc | None = None
    pytest_config: Loc | None = None
    tox_config: Loc | None = None
    is_setup_package: Loc | None = None

    def dep(self, *names: str, dev_ok: bool = False) -> Dep | None:
        """The first of `names` that is declared (dev-only ones only when `dev_ok`)."""
        for n in names:
            d = self.deps.get(n)
            if d is not None and (dev_ok or not d.dev):
                return d
        return None

    def add_dep(self, raw: str, loc: Loc, dev: bool) -> None:
        name = norm_dep(raw)
        old = self.deps.get(name)
        if old is None or (old.dev and not dev):
            self.deps[name] = Dep(name, loc, dev)


class TomlLines:
    """The raw lines of a TOML file with the table each line sits in."""

    def __init__(self, text: str, rel: str) -> None:
        self.rel = rel
        self.lines = text.split("\n")
        self.tables: list[str] = []
        current = ""
        for line in self.lines:
            m = _HEADER.match(line)
            if m:
                current = re.sub(r"\s*\.\s*", ".", m.group(1).replace('"', "").replace("'", "")).strip()
            self.tables.append(current)

    def header(self, table: str) -> Loc | None:
        """The `[table]` header line itself, or the first header of a sub-table."""
        for i, line in enumerate(self.lines):
            if _HEADER.match(line) and (self.tables[i] == table or self.tables[i].startswith(table + ".")):
                return Loc(self.rel, i + 1, line)
        return None

    def key(self, table: str, key: str) -> Loc | None:
        """The line assigning `key` inside `table`."""
        pat = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        for i, line in enumerate(self.lines):
            if self.tables[i] == table and pat.match(line):
                return Loc(self.rel, i + 1, line)
        return None

    def find(self, table: str, needle: str) -> Loc | None:
        """The first line inside `table` (or its sub-tables) containing `needle`; any line as fallback."""
        fallback = None
        for i, line in enumerate(self.lines):
            if needle in line:
                if self.tables[i] == table or self.tables[i].startswith(table + "."):
                    return Loc(self.rel, i + 1, line)
                fallback = fallback or Loc(self.rel, i + 1, line)
        return fallback


def lower_bound(spec: str) -> str | None:
    """The lower bound of a version spec as written: `>=3.12,<4` -> `3.12`, `^3.11` -> `3.11`."""
    for clause in spec.split(","):
        m = _BOUND.match(clause.strip())
        if m:
            return m.group(2)
    return None


def python_constraint(spec: str) -> str | None:
    """The runtime version a spec declares, operator kept: `==3.11.*` / `3.10` -> `3.11` / `3.10`
    (a line), any other lower bound -> the whole spec without spaces (`>3.7`, `>=3.8,<3.11`, `^3.9`).

    Dropping the operator would turn `>3.7` into a pin of 3.7 (an EOL line); kept, image and CI
    choose a maintained release the range admits (dockerfile_images.pick)."""
    for clause in spec.split(","):
        m = _BOUND.match(clause.strip())
        if m:
            if m.group(1) in (None, "==", "==="):
                return m.group(2)
            return re.sub(r"\s+", "", spec)
    return None


def is_dev_name(name: str) -> bool:
    low = name.lower()
    return any(w in re.split(r"[^a-z]+", low) for w in _DEV_WORDS)


def read_manifest(ctx: DetectorContext, comp: str, req_candidates: list[str]) -> Manifest:
    """Parse every Python manifest at the root of `comp` (`req_candidates`: requirements-like files)."""
    m = Manifest(comp)
    tree = ctx.tree
    pyproject = join(comp, "pyproject.toml")
    if tree.exists(pyproject):
        _pyproject(ctx, pyproject, m)
    for rel in requirement_files(req_candidates, comp):
        _requirements(ctx, rel, m)
    pipfile = join(comp, "Pipfile")
    if tree.exists(pipfile):
        _pipfile(ctx, pipfile, m)
    for name in ("setup.py", "setup.cfg"):
        rel = join(comp, name)
        if tree.exists(rel):
            _setup(ctx, rel, m)
    for lock, value in (("uv.lock", "uv"), ("poetry.lock", "poetry"), ("Pipfile.lock", "pipenv")):
        rel = join(comp, lock)
        text = ctx.read(rel) if tree.exists(rel) else None
        loc = first_line(text, rel) if text else None
        if loc is not None:
            m.managers.append((value, loc, 60, f"{lock} present"))
    return m


def requirement_files(candidates: list[str], comp: str) -> list[str]:
    """requirements*.txt / *.in at the component root, and those in a `requirements/` folder."""
    prefix = "" if comp == "." else comp + "/"
    out = []
    for rel in candidates:
        if not rel.startswith(prefix):
            continue
        sub = rel[len(prefix):]
        if not sub.endswith((".txt", ".in")):
            continue
        at_root = "/" not in sub and "requirements" in sub.lower()
        if at_root or (sub.startswith("requirements/") and sub.count("/") == 1):
            out.append(rel)
    return out


def _toml(ctx: DetectorContext, rel: str) -> tuple[dict[str, Any], TomlLines] | None:
    text = ctx.read(rel)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    return data, TomlLines(text, rel)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pyproject(ctx: DetectorContext, rel: str, m: Manifest) -> None:
    text = ctx.read(rel) or ""
    parsed = _toml(ctx, rel)
    if parsed is None:
        m.anchor = m.anchor or first_line(text, rel)
        return
    data, lines = parsed
    project = _dict(data.get("project"))
    tool = _dict(data.get("tool"))
    poetry = _dict(tool.get("poetry"))
    m.anchor = m.anchor or lines.header("project") or lines.header("tool.poetry") or first_line(text, rel)

    for table, info in (("project", project), ("tool.poetry", poetry)):
        name = info.get("name")
        loc = lines.key(table, "name")
        if isinstance(name, str) and name and loc is not None and m.name is None:
            m.name = (name, loc)

    _spec_list(project.get("dependencies"), lines, "project", m, dev=False)
    for group, items in _dict(project.get("optional-dependencies")).items():
        _spec_list(items, lines, "project", m, dev=is_dev_name(group))
    for items in _dict(data.get("dependency-groups")).values():
        _spec_list(items, lines, "dependency-groups", m, dev=True)
    uv = _dict(tool.get("uv"))
    _spec_list(uv.get("dev-dependencies"), lines, "tool.uv", m, dev=True)

    requires = project.get("requires-python")
    if isinstance(requires, str):
        bound, loc = python_constraint(requires), lines.key("project", "requires-python")
        if bound and loc:
            m.bounds.append((bound, loc))

    _poetry_tables(poetry, lines, m)
    for table, scripts in (("project.scripts", project.get("scripts")),
                           ("tool.poetry.scripts", poetry.get("scripts"))):
        for key in _dict(scripts):
            loc = lines.key(table, key) or lines.find(table.rsplit(".", 1)[0], key)
            if loc is not None:
                m.scripts.append((key, loc))

    if "uv" in tool and (loc := lines.header("tool.uv")):
        m.managers.append(("uv", loc, 55, "[tool.uv] in pyproject.toml"))
    if "workspace" in uv:
        m.uv_workspace = lines.header("tool.uv.workspace") or lines.find("tool.uv", "workspace")
    if poetry and (loc := lines.header("tool.poetry")):
        m.managers.append(("poetry", loc, 55, "[tool.poetry] in pyproject.toml"))
    if "build-system" in data:
        m.build_system = lines.header("build-system")
    if "pytest" in tool:
        m.pytest_config = lines.header("tool.pytest")
    if "tox" in tool:
        m.tox_config = lines.header("tool.tox")


def _poetry_tables(poetry: dict[str, Any], lines: TomlLines, m: Manifest) -> None:
    tables: list[tuple[str, dict[str, Any], bool]] = [
        ("tool.poetry.dependencies", _dict(poetry.get("dependencies")), False),
        ("tool.poetry.dev-dependencies", _dict(poetry.get("dev-dependencies")), True),
    ]
    for gname, group in _dict(poetry.get("group")).items():
        tables.append((f"tool.poetry.group.{gname}.dependencies", _dict(_dict(group).get("dependencies")), True))
    for table, deps, dev in tables:
        for key, spec in deps.items():
            loc = lines.key(table, key)
            if loc is None:
                continue
            if key.lower() == "python":
                raw = spec if isinstance(spec, str) else _dict(spec).get("version")
                bound = python_constraint(raw) if isinstance(raw, str) else None
                if bound:
                    m.bounds.append((bound, loc))
                continue
            m.add_dep(key, loc, dev)


def _spec_list(items: object, lines: TomlLines, table: str, m: Manifest, *, dev: bool) -> None:
    """PEP 508 strings from a TOML array; each located by its quoted text."""
    if not isinstance(items, list):
        return
    for spec in items:
        if not isinstance(spec, str):
            continue
        name = _REQ_NAME.match(spec)
        if name is None:
            continue
        loc = lines.find(table, f'"{spec}"') or lines.find(table, f"'{spec}'")
        if loc is not None:
            m.add_dep(name.group(1), loc, dev)


def _requirements(ctx: DetectorContext, rel: str, m: Manifest) -> None:
    """A tolerant requirements parser: options, includes, editables and comments are skipped."""
    text = ctx.read(rel)
    if text is None:
        return
    dev = is_dev_name(rel.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    m.anchor = m.anchor or first_line(text, rel) or first_line(text, rel, skip_comments=False)
    for no, line in enumerate(text.split("\n"), start=1):
        body = line.split(" #", 1)[0].split(";", 1)[0].strip()
        if not body or body.startswith("#"):
            continue
        if body.startswith("-"):
            continue
        if "://" in body:
            egg = _EGG.search(body)
            name = egg.group(1) if egg else None
            if name is None and " @ " in body:
                name = body.split(" @ ", 1)[0].strip()
            if not name:
                continue
        else:
            found = _REQ_NAME.match(body)
            if found is None:
                continue
            name = found.group(1)
        m.add_dep(name, Loc(rel, no, line), dev)


def _pipfile(ctx: DetectorContext, rel: str, m: Manifest) -> None:
    text = ctx.read(rel) or ""
    anchor = first_line(text, rel)
    if anchor is None:
        return
    m.anchor = m.anchor or anchor
    m.managers.append(("pipenv", anchor, 55, "Pipfile present"))
    parsed = _toml(ctx, rel)
    if parsed is None:
        return
    data, lines = parsed
    for table, dev in (("packages", False), ("dev-packages", True)):
        for key in _dict(data.get(table)):
            loc = lines.key(table, key)
            if loc is not None:
                m.add_dep(key, loc, dev)
    version = _dict(data.get("requires")).get("python_version")
    loc = lines.key("requires", "python_version")
    if isinstance(version, str) and loc is not None and (bound := python_constraint(version)):
        m.bounds.append((bound, loc))


def _setup(ctx: DetectorContext, rel: str, m: Manifest) -> None:
    """setup.py / setup.cfg: the install_requires list and python_requires, read as text."""
    text = ctx.read(rel)
    if text is None:
        return
    m.anchor = m.anchor or first_line(text, rel)
    lines = text.split("\n")
    for no, line in enumerate(lines, start=1):
        if re.search(r"\bsetup\s*\(|^\s*\[metadata\]", line):
            m.is_setup_package = m.is_setup_package or Loc(rel, no, line)
        req = re.search(r"python_requires\s*[=:]\s*[\"']?([^\"'\n,]+)", line)
        if req and (bound := python_constraint(req.group(1).strip())):
            m.bounds.append((bound, Loc(rel, no, line)))
        name = re.match(r"^\s*name\s*[=:]\s*[\"']([A-Za-z0-9._-]+)[\"']", line)
        if name is None and rel.endswith(".cfg"):
            name = re.match(r"^\s*name\s*=\s*([A-Za-z0-9._-]+)\s*$", line)
        if name and m.name is None:
            m.name = (name.group(1), Loc(rel, no, line))
    _setup_requires(lines, rel, m)


def _setup_requires(lines: list[str], rel: str, m: Manifest) -> None:
    """Strings (setup.py) or indented lines (setup.cfg) following `install_requires`."""
    inside, dev, cfg = False, False, rel.endswith(".cfg")
    for no, line in enumerate(lines, start=1):
        start = re.search(r"\b(install_requires|tests_require|extras_require)\b", line)
        if start:
            inside, dev = True, start.group(1) != "install_requires"
            line_rest = line[start.end():]
        elif not inside:
            continue
        else:
            line_rest = line
        if cfg:
            if not start and (not line[:1].isspace() or not line.strip()):
                inside = False
                continue
            name = _REQ_NAME.match(line_rest.lstrip(" =:"))
            if name and line_rest.strip(" =:"):
                m.add_dep(name.group(1), Loc(rel, no, line), dev)
            continue
        for spec in _QUOTED.findall(line_rest):
            name = _REQ_NAME.match(spec)
            if name:
                m.add_dep(name.group(1), Loc(rel, no, line), dev)
        if "]" in line_rest and not line_rest.rstrip().endswith("["):
            inside = False
