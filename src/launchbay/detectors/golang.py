"""Go modules: toolchain, framework and role, binaries, port, health route, tests, migrations.

A component is a Go module when its folder holds go.mod. go.mod is read with a small line
parser (the format is line-based and we only need the module path, the go/toolchain
directives and the direct requirements, each with its line for evidence). Source files are
attributed to the nearest go.mod, so nested modules never leak facts into their parent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from launchbay.detectors.base import DetectorContext, Match, fact
from launchbay.models.profile import Fact

NAME = "go"

# Direct requirement (module path prefix) -> framework, role, priority of the framework fact.
# A scheduler is a role, not what a program is built on: cron libraries have framework None.
FRAMEWORKS: tuple[tuple[str, str | None, str, int], ...] = (
    ("github.com/gin-gonic/gin", "gin", "http-server", 60),
    ("github.com/labstack/echo", "echo", "http-server", 60),
    ("github.com/gofiber/fiber", "fiber", "http-server", 60),
    ("github.com/go-chi/chi", "chi", "http-server", 60),
    ("github.com/gorilla/mux", "gorilla/mux", "http-server", 60),
    ("github.com/bwmarrin/discordgo", "discordgo", "bot", 55),
    ("github.com/go-telegram-bot-api/telegram-bot-api", "telegram-bot-api", "bot", 55),
    ("gopkg.in/telebot", "telebot", "bot", 55),
    ("gopkg.in/tucnak/telebot", "telebot", "bot", 55),
    ("github.com/robfig/cron", None, "cron", 0),
    ("github.com/go-co-op/gocron", None, "cron", 0),
)
HTTP_ROUTERS = frozenset({"gin", "echo", "fiber", "chi", "gorilla/mux"})  # net/http under them is no 2nd framework
GETH = "github.com/ethereum/go-ethereum"
MIGRATE = "github.com/golang-migrate/migrate"
# Folders the go tool ignores, plus example programs that are not the module's own binaries.
IGNORED_DIRS = frozenset({"testdata", "examples", "example", "_examples"})
HEALTH_WORDS = frozenset({
    "health", "healthz", "healthcheck", "health-check", "ready", "readyz", "readiness",
    "live", "livez", "liveness", "ping",
})

_LINE_COMMENT = re.compile(r"(?<!:)//")  # `http://` is not a comment
_VERSION = re.compile(r"\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?")
_PKG_MAIN = re.compile(r"^package\s+main\b", re.M)
_IGNORE_TAG = re.compile(r"^//\s*(?:go:build|\+build)\s+ignore\b", re.M)
_FUNC_MAIN = re.compile(r"^func\s+main\s*\(\s*\)", re.M)
_LISTEN = re.compile(
    r'\b(?:ListenAndServe(?:TLS)?|RunTLS|Run|StartTLS|Start|Listen)\(\s*(?:"tcp[46]?"\s*,\s*)?"([^"\n]{0,100})"'
)
_HTTP_SERVER = re.compile(r"\bhttp\.Server\s*\{")
_ADDR = re.compile(r'\bAddr\s*:\s*"([^"\n]{0,100})"')
_PORT_ENV = r'"(?:(?:HTTP|APP|SERVER|API|LISTEN|WEB|SERVICE)_)?PORT"'
_ENV_PORT_READ = re.compile(r"os\.(?:Getenv|LookupEnv)\(\s*" + _PORT_ENV + r"\s*\)")
_ASSIGNED_TO = re.compile(r"\b(\w+)(?:\s*,\s*\w+)?\s*:?=\s*$")  # `port :=` / `port, ok :=` before the read
_ENV_PORT_CALL = re.compile(  # getEnv("PORT", "8080"), cmp.Or(os.Getenv("PORT"), "8080")
    r"\(\s*(?:os\.Getenv\(\s*" + _PORT_ENV + r"\s*\)|" + _PORT_ENV + r')\s*,\s*"(:?\d{2,5})"\s*\)'
)
_AUX_LISTENER = re.compile(r"metric|pprof|debug|prometheus|admin", re.I)
_ROUTE = re.compile(
    r'\.(?:GET|HEAD|Get|Head|Handle|HandleFunc|Any|Path|Route)\(\s*"(?:(?:GET|HEAD) )?(/[\w\-./{}:]{0,100})"'
)
_STD_SERVE = re.compile(r"\bhttp\.ListenAndServe(?:TLS)?\(|\bhttp\.Server\s*\{")
_GRPC_SERVE = re.compile(r"\bgrpc\.NewServer\(")
_MIGRATE_IMPORT = re.compile(r'"github\.com/golang-migrate/migrate[^"\n]*"')
_MIGRATE_SOURCE = re.compile(r'"file://([^"\n]{1,200})"')
_UP_SQL = re.compile(r"\d+_[^/]+\.up\.sql")


@dataclass(frozen=True)
class ModLine:
    """One go.mod directive: its value, line number and the line's text."""

    value: str
    line: int
    text: str


@dataclass
class GoMod:
    module: ModLine | None = None
    go: ModLine | None = None
    toolchain: ModLine | None = None
    requires: list[ModLine] = field(default_factory=list)  # direct requirements only


def parse_go_mod(text: str) -> GoMod:
    """The directives we need; anything unexpected is skipped, never an error."""
    mod = GoMod()
    block = ""
    for no, raw in enumerate(text.split("\n"), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        indirect = "// indirect" in raw
        if block:
            if line.startswith(")"):
                block = ""
            elif block == "require" and not indirect:
                mod.requires.append(ModLine(line.split()[0].strip('"`'), no, raw))
            continue
        verb, _, rest = line.partition(" ")
        rest = rest.strip()
        if verb.endswith("("):
            verb, rest = verb[:-1], "("
        if rest == "(":
            block = verb
        elif verb == "module" and rest:
            mod.module = ModLine(rest.split()[0].strip('"`'), no, raw)
        elif verb == "go" and _VERSION.fullmatch(rest):
            mod.go = ModLine(rest, no, raw)
        elif verb == "toolchain" and _VERSION.fullmatch(rest.removeprefix("go")):
            mod.toolchain = ModLine(rest.removeprefix("go"), no, raw)
        elif verb == "require" and rest and not indirect:
            mod.requires.append(ModLine(rest.split()[0].strip('"`'), no, raw))
    return mod


def module_name(path: str) -> str:
    """Last segment of a module path, skipping a major-version suffix (`.../api/v2` -> `api`)."""
    segs = [s for s in path.split("/") if s]
    if len(segs) > 1 and re.fullmatch(r"v\d+", segs[-1]):
        return segs[-2]
    return segs[-1] if segs else ""


def _requires(mod: GoMod, prefix: str) -> ModLine | None:
    for req in mod.requires:
        if req.value == prefix or req.value.startswith((prefix + "/", prefix + ".")):
            return req
    return None


def _hits(ctx: DetectorContext, rel: str, text: str, needles: tuple[str, ...], rx: re.Pattern[str]) -> Iterator[Match]:
    """ctx.matches, skipped by a cheap substring test for the (many) files that cannot match."""
    if any(n in text for n in needles):
        yield from ctx.matches(rel, rx)


def _line_at(text: str, offset: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text.count("\n", 0, offset) + 1, text[start: end if end != -1 else len(text)]


def _commented(hit: Match) -> bool:
    """A match after `//` on its line (or on a `/* */`-style `*` line): an example, not code."""
    before = hit.m.string[hit.m.string.rfind("\n", 0, hit.m.start()) + 1: hit.m.start()]
    return _LINE_COMMENT.search(before) is not None or before.lstrip().startswith(("*", "/*"))


def _port_of(addr: str) -> int | None:
    """The port of a listen address (":8080", "0.0.0.0:8080") or a bare fallback ("8080")."""
    tail = addr.rsplit(":", 1)[-1]
    if not tail.isdigit():
        return None
    port = int(tail)
    return port if 0 < port < 65536 else None


def _within(path: str, folder: str) -> str | None:
    """`path` relative to `folder` ("." is the root), or None when it lies elsewhere."""
    if folder == ".":
        return path
    return path[len(folder) + 1:] if path.startswith(folder + "/") else None


@dataclass
class Module:
    """One Go module and the source files that belong to it."""

    dir: str
    gomod_rel: str
    mod: GoMod
    subject: str
    sources: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    up_sql: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return module_name(self.mod.module.value) if self.mod.module else ""


class GoDetector:
    """Facts for every go.mod component."""

    name = NAME

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        modules: dict[str, Module] = {}
        for rel in ctx.tree.named("go.mod"):
            folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
            text = ctx.read(rel)
            if text is None or "testdata" in folder.split("/"):
                continue
            modules[folder] = Module(folder, rel, parse_go_mod(text), ctx.component_of(rel))
        if not modules:
            return
        for rel in ctx.tree.with_suffix(".go", ".up.sql"):
            mod = self._owner(rel, modules)
            if mod is None:
                continue
            if rel.endswith(".up.sql"):
                if _UP_SQL.fullmatch(rel.rsplit("/", 1)[-1]):
                    mod.up_sql.append(rel)
            elif rel.endswith("_test.go"):
                mod.tests.append(rel)
            else:
                mod.sources.append(rel)
        for folder in sorted(modules):
            yield from self._module(ctx, modules[folder])

    @staticmethod
    def _owner(rel: str, modules: dict[str, Module]) -> Module | None:
        """The nearest enclosing module, unless the file sits in a folder the go tool ignores."""
        parts = rel.split("/")[:-1]
        for i in range(len(parts), -1, -1):
            found = modules.get("/".join(parts[:i]) or ".")
            if found is not None:
                inner = parts[i:]
                if any(p in IGNORED_DIRS or p.startswith(("_", ".")) for p in inner):
                    return None
                return found
        return None

    def _module(self, ctx: DetectorContext, m: Module) -> Iterator[Fact]:
        anchor = m.mod.module or m.mod.go
        if anchor is None:
            return  # an empty or unreadable go.mod gives nothing to point evidence at
        s, gm = m.subject, m.gomod_rel
        yield fact(NAME, s, "language", "go", gm, anchor.line, anchor.text, priority=70)
        yield fact(NAME, s, "package_manager", "go", gm, anchor.line, anchor.text, priority=70)
        if m.mod.module and m.name:
            yield fact(NAME, s, "name", m.name, gm, m.mod.module.line, m.mod.module.text, priority=70)
        if m.mod.go:
            yield fact(NAME, s, "runtime_version", f"go {m.mod.go.value}", gm, m.mod.go.line, m.mod.go.text,
                       priority=70)
        elif m.mod.toolchain:
            tc = m.mod.toolchain
            yield fact(NAME, s, "runtime_version", f"go {tc.value}", gm, tc.line, tc.text, priority=65)

        mains = self._mains(ctx, m)
        yield from self._roles(ctx, m, anchor, bool(mains))
        yield from self._binaries(m, mains)
        yield from self._code(ctx, m)
        if m.tests:
            found = ctx.find_line(m.tests[0], "package ")
            if found:
                yield fact(NAME, s, "test_command", "go test ./...", m.tests[0], found[0], found[1],
                           note="*_test.go files present")
        yield from self._migrations(ctx, m)

    def _mains(self, ctx: DetectorContext, m: Module) -> dict[str, tuple[str, int, str]]:
        """Main packages: "./<dir>" -> evidence (file, line, text) at `func main()`."""
        mains: dict[str, tuple[str, int, str]] = {}
        for rel in m.sources:
            text = ctx.read(rel) or ""
            if "package main" not in text or not _PKG_MAIN.search(text) or _IGNORE_TAG.search(text):
                continue
            inner = _within(rel, m.dir) or rel
            path = "./" + inner.rsplit("/", 1)[0] if "/" in inner else "."
            hit = next(ctx.matches(rel, _FUNC_MAIN), None) or next(ctx.matches(rel, _PKG_MAIN), None)
            if hit is not None and (path not in mains or _FUNC_MAIN.match(hit.text)):
                mains[path] = (rel, hit.line, hit.text)
        return dict(sorted(mains.items()))

    def _roles(self, ctx: DetectorContext, m: Module, anchor: ModLine, has_main: bool) -> Iterator[Fact]:
        """Framework from direct requirements (or net/http, gRPC in code); role only for programs."""
        s, gm = m.subject, m.gomod_rel
        roles: set[str] = set()
        frameworks: set[str] = set()
        for prefix, framework, role, prio in FRAMEWORKS:
            req = _requires(m.mod, prefix)
            if req is None:
                continue
            if framework is not None:
                frameworks.add(framework)
                yield fact(NAME, s, "framework", framework, gm, req.line, req.text, priority=prio)
            if has_main:
                roles.add(role)
                yield fact(NAME, s, "role", role, gm, req.line, req.text)
                if framework == "gin":
                    yield fact(NAME, s, "port", 8080, gm, req.line, req.text, priority=20, note="framework default")
        if not has_main:
            yield fact(NAME, s, "role", "library", gm, anchor.line, anchor.text, note="no package main")
            return
        for pattern, needles, framework in ((_STD_SERVE, ("http.ListenAndServe", "http.Server"), "net/http"),
                                            (_GRPC_SERVE, ("grpc.NewServer",), "grpc")):
            for rel in m.sources:
                hit = next(_hits(ctx, rel, ctx.read(rel) or "", needles, pattern), None)
                if hit is not None:
                    roles.add("http-server")
                    if framework == "grpc" or not frameworks & HTTP_ROUTERS:
                        yield fact(NAME, s, "framework", framework, rel, hit.line, hit.text, priority=40)
                    yield fact(NAME, s, "role", "http-server", rel, hit.line, hit.text)
                    break
        geth = _requires(m.mod, GETH)
        if geth and not roles:
            yield fact(NAME, s, "role", "worker", gm, geth.line, geth.text,
                       note="go-ethereum client with a main package and no server")

    def _binaries(self, m: Module, mains: dict[str, tuple[str, int, str]]) -> Iterator[Fact]:
        """build/start commands for the main binary; an `entrypoint` per main when there are several."""
        if not mains:
            return

        def binary(path: str) -> str:
            return (m.name or "app") if path == "." else path.rsplit("/", 1)[-1]

        chosen = next((p for p in mains if binary(p) == m.name), next(iter(mains)))
        rel, line, text = mains[chosen]
        out = binary(chosen)
        note = f"binary built from main package {chosen}"
        yield fact(NAME, m.subject, "build_command", f"go build -o {out} {chosen}", rel, line, text, note=note)
        yield fact(NAME, m.subject, "start_command", f"./{out}", rel, line, text, note=note)
        if len(mains) > 1:
            for path, (rel, line, text) in mains.items():
                yield fact(NAME, m.subject, "entrypoint", path, rel, line, text, detail=binary(path))

    def _code(self, ctx: DetectorContext, m: Module) -> Iterator[Fact]:
        """Listen ports and health routes written in the module's (non-test) sources."""
        s = m.subject
        for rel in m.sources:
            text = ctx.read(rel)
            if not text:
                continue
            for hit in _hits(ctx, rel, text, ("Listen", 'Run("', 'RunTLS("', 'Start("', 'StartTLS("'), _LISTEN):
                port = _port_of(hit.group(1)) if ":" in hit.group(1) else None
                if port and not _AUX_LISTENER.search(hit.text) and not _commented(hit):
                    yield fact(NAME, s, "port", port, rel, hit.line, hit.text, priority=80)
            for server in _HTTP_SERVER.finditer(text) if "http.Server" in text else ():
                block_end = text.find("}", server.end())
                block = text[server.end(): block_end if block_end != -1 else server.end() + 600][:600]
                addr = _ADDR.search(block)
                port = _port_of(addr.group(1)) if addr and ":" in addr.group(1) else None
                if addr and port:
                    no, line = _line_at(text, server.end() + addr.start())
                    if not _AUX_LISTENER.search(line) and not _AUX_LISTENER.search(_line_at(text, server.start())[1]):
                        yield fact(NAME, s, "port", port, rel, no, line, priority=80)
            if 'PORT"' in text:
                yield from self._env_ports(ctx, m, rel, text)
            for hit in _hits(ctx, rel, text, ("health", "ready", "live", "ping"), _ROUTE):
                path = hit.group(1)
                segs = [p for p in path.lower().split("/") if p]
                if segs and segs[-1] in HEALTH_WORDS and not _commented(hit):
                    yield fact(NAME, s, "health_endpoint", path, rel, hit.line, hit.text)

    def _env_ports(self, ctx: DetectorContext, m: Module, rel: str, text: str) -> Iterator[Fact]:
        """`PORT` from the environment with a literal fallback: the port the service uses by default."""
        for hit in ctx.matches(rel, _ENV_PORT_CALL):
            port = _port_of(hit.group(1))
            if port:
                yield fact(NAME, m.subject, "port", port, rel, hit.line, hit.text, priority=80,
                           note="fallback when PORT is unset")
        for env in _ENV_PORT_READ.finditer(text):
            var = _ASSIGNED_TO.search(text, text.rfind("\n", 0, env.start()) + 1, env.start())
            if var is None:
                continue
            window = text[env.end(): env.end() + 800]
            cut = window.find("\nfunc ")
            window = window[:cut] if cut != -1 else window
            fallback = re.search(r"\b" + re.escape(var.group(1)) + r'\s*=\s*"(:?\d{2,5})"', window)
            port = _port_of(fallback.group(1)) if fallback else None
            if fallback and port:
                no, line = _line_at(text, env.end() + fallback.start())
                yield fact(NAME, m.subject, "port", port, rel, no, line, priority=80,
                           note="fallback when PORT is unset")

    def _migrations(self, ctx: DetectorContext, m: Module) -> Iterator[Fact]:
        """golang-migrate: imported by the code, or a folder of NNN_name.up.sql files."""
        evidence: tuple[str, int, str] | None = None
        source: str | None = None
        req = _requires(m.mod, MIGRATE)
        if req is not None:
            evidence = (m.gomod_rel, req.line, req.text)
        for rel in m.sources:
            text = ctx.read(rel) or ""
            if "golang-migrate" not in text:
                continue
            hit = next(ctx.matches(rel, _MIGRATE_IMPORT), None)
            if hit is not None:
                evidence = evidence or (rel, hit.line, hit.text)
                src = next(ctx.matches(rel, _MIGRATE_SOURCE), None)
                if src is not None and source is None:
                    source = src.group(1).removeprefix("./").rstrip("/") or "."
        folders = sorted({(_within(r, m.dir) or r).rpartition("/")[0] or "." for r in m.up_sql})
        if evidence is None and m.up_sql:
            first = sorted(m.up_sql)[0]
            for no, line in enumerate((ctx.read(first) or "").split("\n"), start=1):
                if line.strip():
                    evidence = (first, no, line)
                    break
        if evidence is None:
            return
        folder = source or (folders[0] if folders else "migrations")
        rel, no, line = evidence
        yield fact(NAME, m.subject, "migration_tool", "golang-migrate", rel, no, line)
        yield fact(NAME, m.subject, "migration_command", f'migrate -path {folder} -database "$DATABASE_URL" up',
                   rel, no, line)
