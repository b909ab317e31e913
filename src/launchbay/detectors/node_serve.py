"""Servers no dependency announces: `Bun.serve`, `Deno.serve`, `http.createServer`, or an app's
`.listen()` in the file the start script runs, and the health routes their fetch handlers test
by hand (`url.pathname === "/health"`, `case "/health":`).

Why apart from the framework table: Bun and Deno serve HTTP with no package at all, and small
in-house routers (or none) leave nothing in package.json; only the code shows a listening
server. `.listen(` alone is too common to trust everywhere, so it counts only in an entry file
(what `start` runs, or `main`); `Bun.serve(` / `Deno.serve(` count in any runtime source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from launchbay.detectors.node_pkg import PackageJson, in_comment, line_at
from launchbay.detectors.node_scripts import ScriptResolver
from launchbay.detectors.node_sources import Found, clean_path, is_health_path
from launchbay.tree import ProjectTree

_RUNTIME_SERVE = re.compile(r"(?<![\w$.])(?:Bun|Deno)\.serve\(")
_ENTRY_SERVE = re.compile(
    r"\.listen\(\s*(?:\{|['\"]?\d|[A-Za-z_$])|(?<![\w$.])serve\(\s*\{|(?<![\w$])createServer\("
)
# Dev helpers and one-off tools that may start a throwaway server.
_TOOL_DIRS = re.compile(r"(?:^|/)(?:scripts?|tools?|bench(?:marks?)?)/")
_SERVER_HINTS = ("Bun.serve(", "Deno.serve(", "createServer(", "serve({")
_PATH_TEST = re.compile(r"(?:pathname|\.url)\s*===?\s*(['\"`])(/[^'\"`\s]{0,200})\1")
_CASE = re.compile(r"(?<![\w$])case\s+(['\"`])(/[^'\"`\s]{0,200})\1\s*:")


def entry_files(pkg: PackageJson, resolver: ScriptResolver, commands: Iterable[str], *, main: bool) -> list[str]:
    """Source files the package starts from: each start command's file, then `main` (not for a
    library, whose `main` is what others import)."""
    out: list[str] = []
    for command in commands:
        rel = resolver.entry_file(command)
        if rel and rel not in out:
            out.append(rel)
    main_file = pkg.get_str("main") if main else None
    if main_file:
        rel = resolver.entry_file(f"node {main_file}")
        if rel and rel not in out:
            out.append(rel)
    return out


def server_roles(tree: ProjectTree, runtime_files: list[str], entries: list[str]) -> Iterator[Found]:
    """role http-server where the code itself serves HTTP (at most one fact per file)."""
    for rel in entries:
        text = tree.read(rel)
        if text and ("listen(" in text or "serve(" in text or "createServer(" in text):
            m = _first(text, _ENTRY_SERVE)
            if m is not None:
                line, line_text = line_at(text, m.start())
                yield Found("role", "http-server", rel, line, line_text, note="entry file starts a server")
    for rel in runtime_files:
        if rel in entries or is_tool_file(rel):
            continue
        text = tree.read(rel)
        if text and ".serve(" in text:
            m = _first(text, _RUNTIME_SERVE)
            if m is not None:
                line, line_text = line_at(text, m.start())
                yield Found("role", "http-server", rel, line, line_text, note=f"{m.group()[:-1]} in code")


def is_tool_file(rel: str) -> bool:
    """A dev helper (`scripts/dashboard.ts`): what it listens on is not the service's port."""
    return _TOOL_DIRS.search(rel) is not None


def _first(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    return next((m for m in pattern.finditer(text) if not in_comment(text, m.start())), None)


def fetch_health(tree: ProjectTree, files: Iterable[str], *, http_server: bool) -> Iterator[Found]:
    """Health paths a hand-written fetch/request handler compares against.

    Only in files that serve (or in a package known to serve HTTP): elsewhere a
    `pathname === "/status"` is a frontend deciding which page to draw.
    """
    for rel in files:
        text = tree.read(rel)
        if not text or not ("pathname" in text or ".url ==" in text):
            continue
        if not (http_server or any(h in text for h in _SERVER_HINTS)):
            continue
        patterns = (_PATH_TEST, _CASE) if "case " in text else (_PATH_TEST,)
        for pattern in patterns:
            for m in pattern.finditer(text):
                path = m.group(2)
                if is_health_path(path) and not in_comment(text, m.start()):
                    line, line_text = line_at(text, m.start())
                    yield Found("health_endpoint", clean_path(path), rel, line, line_text,
                                note="compared in a request handler")
