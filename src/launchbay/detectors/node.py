"""Node.js packages: what each package.json component is, how it starts, where it listens.

Why one detector per ecosystem: package.json, its scripts, lockfiles and JS/TS sources only
make sense together (a script names a file, a dependency names a framework that implies a
port). This module only orchestrates; the reading lives in the `node_*` helpers. It never
reports env vars, backing services, chains or Dockerfiles: other detectors own those.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from launchbay.detectors.base import DetectorContext, fact
from launchbay.detectors.node_basics import (
    Seen,
    language_facts,
    name_fact,
    package_manager_facts,
    runtime_facts,
)
from launchbay.detectors.node_frameworks import (
    BUILTIN_HEALTH,
    BULLMQ,
    DEFAULT_PORTS,
    DEFAULT_STARTS,
    Hit,
    find_hit,
    framework_hits,
)
from launchbay.detectors.node_pkg import DETECTOR, PackageJson, ancestors, first_line, load_package
from launchbay.detectors.node_pm2 import PM2_FILES, pm2_apps
from launchbay.detectors.node_scripts import Hop, Resolved, ScriptResolver, port_flags
from launchbay.detectors.node_serve import entry_files, fetch_health, is_tool_file, server_roles
from launchbay.detectors.node_sources import (
    JS_SUFFIXES,
    Found,
    bullmq_workers,
    is_runtime_source,
    next_routes,
    scan_health,
    scan_ports,
)
from launchbay.models.profile import Fact, FactValue
from launchbay.tree import ProjectTree

START_SCRIPTS = ("start", "serve", "start:prod")
# Without a start script, `start:<x>` and then `dev:<x>` scripts are the best clue to what runs:
# fallback priorities (< 30), below a framework's own start (20) and `main` (25) for dev scripts,
# which usually watch and reload. A server-sounding name wins among siblings.
START_FALLBACK = (("start:", 28), ("dev:", 16))
SERVER_WORDS = ("api", "server", "web", "http", "app", "service")
SERVICE_ROLES = frozenset({"frontend", "http-server", "indexer", "bot", "worker", "cron"})
EXPOSES = ("exports", "main", "module", "types", "typings")


@dataclass
class _Sink:
    """Collects facts once per (subject, kind, value, file, line), keeping the strongest."""

    facts: dict[tuple[str, str, FactValue, str, int], Fact] = field(default_factory=dict)

    def add(self, subject: str, kind: str, value: FactValue, rel: str, line: int, text: str,
            priority: int = 50, note: str | None = None) -> None:
        key = (subject, kind, value, rel, line)
        old = self.facts.get(key)
        if old is None or priority > old.priority:
            self.facts[key] = fact(DETECTOR, subject, kind, value, rel, line, text, priority=priority, note=note)

    def seen(self, subject: str, items: Iterable[Seen | Found]) -> None:
        for s in items:
            self.add(subject, s.kind, s.value, s.rel, s.line, s.text, s.priority, s.note)

    def hops(self, subject: str, kind: str, resolved: Resolved, priority: int, note: str | None = None) -> None:
        """The resolved command once per hop, each hop quoting its own line."""
        for hop in resolved.hops:
            hop_note = f"{note}; {hop.note}" if note else hop.note
            self.add(subject, kind, resolved.command, hop.rel, hop.line, hop.text, priority, hop_note)


class NodeDetector:
    name = "node"

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        comps = set(ctx.components)
        packages: dict[str, PackageJson] = {}
        for rel in ctx.tree.named("package.json"):
            folder = posixpath.dirname(rel) or "."
            if folder in comps:
                pkg = load_package(ctx.tree, rel, folder)
                if pkg is not None:
                    packages[folder] = pkg
        sink = _Sink()
        sources = _sources_by_component(ctx.tree, comps, packages)
        for folder in sorted(packages):
            _scan_package(ctx.tree, packages[folder], sources.get(folder, []), sink)
        _scan_pm2(ctx, packages, sink)
        yield from sink.facts.values()


def _sources_by_component(tree: ProjectTree, comps: set[str], packages: dict[str, PackageJson]) -> dict[str, list[str]]:
    """JS/TS files of each Node component (a file belongs to the deepest component holding it)."""
    out: dict[str, list[str]] = {}
    if not packages:
        return out
    owners: dict[str, str] = {}  # folder → owning component, computed once per folder
    for rel in tree.files:
        if not rel.endswith(JS_SUFFIXES) or rel.endswith((".d.ts", ".min.js")):
            continue
        folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
        owner = owners.get(folder)
        if owner is None:
            owner = owners[folder] = next((a for a in ancestors(folder) if a in comps), "")
        if owner in packages:
            out.setdefault(owner, []).append(rel)
    return out


def _scan_package(tree: ProjectTree, pkg: PackageJson, files: list[str], sink: _Sink) -> None:
    subject = pkg.folder
    scripts = pkg.scripts
    start_ish = any(s in scripts for s in ("start", "serve")) or any(s.startswith("start:") for s in scripts)
    library_like = not start_ish and any(k in pkg.data for k in EXPOSES)

    runtime_files = [f for f in files if is_runtime_source(f)]
    sink.seen(subject, name_fact(pkg))
    sink.seen(subject, language_facts(tree, pkg, files, runtime_files))
    sink.seen(subject, package_manager_facts(tree, pkg))
    sink.seen(subject, runtime_facts(tree, pkg))

    resolver = ScriptResolver(tree, pkg)
    starts = _starts(resolver)
    hits = framework_hits(tree, pkg, app_scripts=start_ish, library_like=library_like)
    roles = _framework_facts(tree, pkg, hits, runtime_files, sink)
    entries = entry_files(pkg, resolver, (r.command for r, _, _ in starts), main=not library_like)
    for found in server_roles(tree, runtime_files, entries):
        sink.seen(subject, [found])
        roles.add(str(found.value))
    _shape_roles(tree, pkg, roles, library_like, sink)
    _commands(pkg, hits, roles, resolver, starts, sink)

    sink.seen(subject, scan_ports(tree, [f for f in runtime_files if f in entries or not is_tool_file(f)]))
    http = "http-server" in roles
    sink.seen(subject, scan_health(tree, runtime_files, http_framework=http))
    sink.seen(subject, fetch_health(tree, runtime_files, http_server=http))
    if any(h.rule.framework == "next" for h in hits):
        sink.seen(subject, next_routes(tree, pkg.folder, files))


def _starts(resolver: ScriptResolver) -> list[tuple[Resolved, int, str | None]]:
    """(resolved start command, priority, note): the start script, else the fallback scripts."""
    scripts = resolver.scripts
    for name in START_SCRIPTS:
        if name in scripts:
            start = resolver.script(name)
            return [(start, 65, None)] if start else []
    out: list[tuple[Resolved, int, str | None]] = []
    for prefix, priority in START_FALLBACK:
        for name in sorted(n for n in scripts if n.startswith(prefix) and len(n) > len(prefix)):
            resolved = resolver.script(name)
            if resolved is not None:
                bonus = 1 if name[len(prefix):].lower() in SERVER_WORDS else 0
                out.append((resolved, priority + bonus, f"no start script; {name} script"))
    return out


def _framework_facts(tree: ProjectTree, pkg: PackageJson, hits: list[Hit], files: list[str], sink: _Sink) -> set[str]:
    """framework and role facts at the dependency line, plus the defaults each framework implies."""
    subject, roles = pkg.folder, set()
    for hit in hits:
        rule = hit.rule
        if rule.framework:
            sink.add(subject, "framework", rule.framework, pkg.rel, hit.line, hit.text, rule.priority)
        sink.add(subject, "role", rule.role, pkg.rel, hit.line, hit.text)
        roles.add(rule.role)
        default = DEFAULT_PORTS.get(rule.framework or "")
        if default:
            where = pkg.dep_at(default[1]) if default[1] else (hit.line, hit.text)
            if where:
                sink.add(subject, "port", default[0], pkg.rel, where[0], where[1], 20, "framework default")
        for path in BUILTIN_HEALTH.get(rule.framework or "", ()):
            sink.add(subject, "health_endpoint", path, pkg.rel, hit.line, hit.text, note="framework built-in")
    if find_hit(pkg, BULLMQ, app_scripts=True):
        for found in bullmq_workers(tree, files):
            sink.add(subject, "role", "worker", found.rel, found.line, found.text, note=found.note)
            sink.add(subject, "framework", "bullmq", found.rel, found.line, found.text, BULLMQ.priority)
            roles.add("worker")
    return roles


def _shape_roles(tree: ProjectTree, pkg: PackageJson, roles: set[str], library_like: bool, sink: _Sink) -> None:
    """library / workspace / cli: what a package is when it runs no service of its own."""
    subject = pkg.folder
    if library_like:
        where = next((w for k in EXPOSES if (w := pkg.at(k))), None)
        if where:
            sink.add(subject, "role", "library", pkg.rel, where[0], where[1],
                     note="no start script; exposes main/exports/types")
    has_service = bool(roles & SERVICE_ROLES)
    if not has_service:
        ws_file = pkg.file("pnpm-workspace.yaml")
        if "workspaces" in pkg.data and (where := pkg.at("workspaces")):
            sink.add(subject, "role", "workspace", pkg.rel, where[0], where[1])
        elif tree.exists(ws_file) and (where := first_line(tree.read(ws_file), "packages")):
            sink.add(subject, "role", "workspace", ws_file, where[0], where[1])
        if pkg.data.get("bin") and (where := pkg.at("bin")):
            sink.add(subject, "role", "cli", pkg.rel, where[0], where[1])


def _commands(pkg: PackageJson, hits: list[Hit], roles: set[str], resolver: ScriptResolver,
              starts: list[tuple[Resolved, int, str | None]], sink: _Sink) -> None:
    """build/test/start commands, resolved through script chains and launcher files."""
    subject, scripts = pkg.folder, pkg.scripts
    build = resolver.script("build")
    if build:
        sink.hops(subject, "build_command", build, 65)
    if "no test specified" not in scripts.get("test", ""):
        test = resolver.script("test")
        if test:
            sink.hops(subject, "test_command", test, 65)
    for start, priority, note in starts:
        sink.hops(subject, "start_command", start, priority, note)
        _flag_ports(subject, start.hops, 75 if priority >= 30 else priority, sink)
        if priority >= 30:
            return
    for hit in hits:
        default = DEFAULT_STARTS.get(hit.rule.framework or "")
        if default:
            where = pkg.dep_at(default[1]) if default[1] else (hit.line, hit.text)
            if where:
                sink.add(subject, "start_command", default[0], pkg.rel, where[0], where[1], 20, "framework default")
    main = pkg.get_str("main")
    where = pkg.at("main")
    if main and where and roles & {"http-server", "bot", "worker", "cron"}:
        sink.add(subject, "start_command", f"node {main}", pkg.rel, where[0], where[1], 25, "package.json main")


def _flag_ports(subject: str, hops: list[Hop], priority: int, sink: _Sink) -> None:
    for hop in hops:
        for port in port_flags(hop.command):
            sink.add(subject, "port", port, hop.rel, hop.line, hop.text, priority, "set in the start command")


def _scan_pm2(ctx: DetectorContext, packages: dict[str, PackageJson], sink: _Sink) -> None:
    """PM2 ecosystem apps: start command and env PORT for the component each app runs in."""
    for rel in ctx.tree.named(*PM2_FILES):
        text = ctx.read(rel)
        if not text:
            continue
        for app in pm2_apps(rel, text):
            subject = ctx.component_of(app.cwd)
            if not subject:
                continue
            hop = Hop(rel, app.line, app.text, "via PM2 ecosystem app", app.command)
            pkg = packages.get(subject)
            resolved = Resolved(app.command, [hop])
            if pkg is not None and app.cwd == subject:
                resolved = ScriptResolver(ctx.tree, pkg).follow(app.command, [hop])
            sink.hops(subject, "start_command", resolved, 70)
            _flag_ports(subject, resolved.hops, 70, sink)
            for port, line, line_text in app.ports:
                sink.add(subject, "port", port, rel, line, line_text, 70, "PM2 env PORT")
