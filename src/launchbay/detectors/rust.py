"""Rust crates: toolchain, framework and role, binaries, port, health route, tests, migrations.

Cargo.toml is parsed with tomllib for meaning and scanned line by line (section-aware) for
evidence, since tomllib keeps no positions. A malformed manifest is skipped quietly. Source
files are attributed to the nearest Cargo.toml, and only `src/` is read: tests, benches and
examples do not say how the service runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from launchbay.detectors.base import DetectorContext, Match, fact, load_toml
from launchbay.models.profile import Fact

NAME = "rust"

# Dependency (also the framework's name) -> role, priority of the framework fact.
FRAMEWORKS: dict[str, tuple[str, int]] = {
    **dict.fromkeys(("axum", "actix-web", "rocket", "warp", "poem"), ("http-server", 60)),
    **dict.fromkeys(("teloxide", "serenity", "poise"), ("bot", 55)),
    "tokio-cron-scheduler": ("cron", 50),
}
EVM_CLIENTS = ("alloy", "ethers")
HEALTH_WORDS = frozenset({
    "health", "healthz", "healthcheck", "health-check", "ready", "readyz", "readiness",
    "live", "livez", "liveness", "ping",
})

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]\n]+?)\s*\]\]?")
_FN_MAIN = re.compile(r"^\s*(?:pub\s+)?(?:async\s+)?fn\s+main\s*\(", re.M)
_ADDR_CALL = re.compile(r'\b(?:bind|bind_rustls\w*|bind_openssl|listen)\(\s*&?"([^"\n]{0,100})"')
_ADDR_PARSE = re.compile(r'"([^"\s]{0,80}:\d{2,5})"\s*\.parse')
_ADDR_ARRAY = re.compile(r"\(\s*\[\s*\d{1,3}(?:\s*,\s*\d{1,3}){3,7}\s*\]\s*,\s*(\d{2,5})\s*\)")
_ADDR_TUPLE = re.compile(r'\(\(\s*"[^"\n]{0,60}"\s*,\s*(\d{2,5})\s*\)\)')
_SOCKET_NEW = re.compile(r"SocketAddr(?:V4|V6)?::new\([^;\n]{0,120}?,\s*(\d{2,5})\s*\)")
_PORT_ENV = r'"(?:(?:HTTP|APP|SERVER|API|LISTEN|WEB|SERVICE)_)?PORT"'
_ENV_PORT = re.compile(r"\bvar(?:_os)?\(\s*" + _PORT_ENV + r"\s*\)")
_UNWRAP_OR = re.compile(r"\.unwrap_or(?:_else)?\(")
_NUMBER = re.compile(r'(?<![\w.])"?:?(\d{2,5})\b')
_CLAP_PORT = re.compile(  # #[arg(long, env = "PORT", default_value_t = 8080)]
    r"env\s*=\s*" + _PORT_ENV + r'[^\n]{0,200}?default_value(?:_t)?\s*=\s*"?(\d{2,5})'
    r'|default_value(?:_t)?\s*=\s*"?(\d{2,5})"?[^\n]{0,200}?env\s*=\s*' + _PORT_ENV
)
# Listen-address patterns and the substrings a file must hold for each to possibly match.
_PORT_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (_ADDR_CALL, ("bind", "listen(")), (_ADDR_PARSE, ('".parse',)), (_ADDR_ARRAY, ("([", "( [")),
    (_ADDR_TUPLE, ('(("', '( ("')), (_SOCKET_NEW, ("SocketAddr",)), (_CLAP_PORT, ("default_value",)),
)
_AUX_LISTENER = re.compile(r"metric|pprof|debug|prometheus|admin", re.I)
_ROUTE = re.compile(r'(?:\.route|\.at|\bresource|#\[(?:get|head))\(\s*"(/[\w\-./{}:]{0,100})"')
_WARP_PATH = re.compile(r'\bpath!?\(\s*"([\w\-]{1,40})"\s*\)')
_TONIC_SERVE = re.compile(r"\bServer::builder\(\)")
_SQLX_MIGRATE = re.compile(r'\bmigrate!\(\s*(?:"([^"\n]{1,200})")?\s*\)')
_DIESEL_EMBED = re.compile(r"\bembed_migrations!\(")


def toml_line(text: str, section: str, key: str | None = None, nth: int = 0) -> tuple[int, str] | None:
    """Line of `key` in the `nth` table named `section` (its header line when key is None)."""
    current, count = "", -1
    key_re = re.compile(r"\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=.]") if key else None
    for no, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "").replace("'", "")
            if current == section:
                count += 1
                if key_re is None and count == nth:
                    return no, line
            continue
        if key_re is not None and current == section and count == nth and key_re.match(line):
            return no, line
    return None


_load = load_toml


def _hits(ctx: DetectorContext, rel: str, needles: tuple[str, ...], rx: re.Pattern[str]) -> Iterator[Match]:
    """ctx.matches, skipped by a cheap substring test for the (many) files that cannot match."""
    text = ctx.read(rel) or ""
    if any(n in text for n in needles):
        yield from ctx.matches(rel, rx)


def _first_hit(ctx: DetectorContext, rels: list[str], needle: str, rx: re.Pattern[str]) -> tuple[str, Match] | None:
    """The first match of `rx` over `rels`, with its file."""
    for rel in rels:
        hit = next(_hits(ctx, rel, (needle,), rx), None)
        if hit is not None:
            return rel, hit
    return None


def _line_at(text: str, offset: int) -> tuple[int, str]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text.count("\n", 0, offset) + 1, text[start: end if end != -1 else len(text)]


def _port_of(addr: str) -> int | None:
    tail = addr.rsplit(":", 1)[-1]
    port = int(tail) if tail.isdigit() else 0
    return port if 0 < port < 65536 else None


def _first_line(rel: str, text: str, prefix: str = "") -> tuple[str, int, str] | None:
    """Evidence at the first non-blank line (starting with `prefix`) of a file."""
    for no, line in enumerate(text.split("\n"), start=1):
        if line.strip() and line.strip().startswith(prefix):
            return rel, no, line
    return None


def _join(folder: str, name: str) -> str:
    return name if folder == "." else f"{folder}/{name}"


def _parent(folder: str) -> str | None:
    if folder == ".":
        return None
    return folder.rsplit("/", 1)[0] if "/" in folder else "."


Evidence = tuple[str, int, str]
Bins = dict[str, tuple[str, Evidence]]  # binary name -> (source path inside the crate, evidence)


@dataclass
class Crate:
    """One Cargo.toml (package or workspace) and the Rust sources under its `src/`."""

    dir: str
    rel: str
    text: str
    data: dict[str, Any]
    subject: str
    sources: list[str] = field(default_factory=list)

    def line(self, section: str, key: str | None = None, nth: int = 0) -> Evidence | None:
        found = toml_line(self.text, section, key, nth)
        return None if found is None else (self.rel, found[0], found[1])

    def deps(self) -> dict[str, str]:
        """Crate name -> the key it is listed under in [dependencies] (renames resolved)."""
        table = self.data.get("dependencies")
        out: dict[str, str] = {}
        if isinstance(table, dict):
            for key, spec in table.items():
                real = spec.get("package", key) if isinstance(spec, dict) else key
                out[str(real)] = key
        return out

    def dep_line(self, key: str) -> Evidence | None:
        return self.line("dependencies", key) or self.line(f"dependencies.{key}")


class RustDetector:
    """Facts for every Cargo.toml component, plus Anchor workspaces."""

    name = NAME

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        crates: dict[str, Crate] = {}
        for rel in ctx.tree.named("Cargo.toml"):
            text = ctx.read(rel)
            data = _load(text)
            if text is None or data is None:
                continue
            folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
            crates[folder] = Crate(folder, rel, text, data, ctx.component_of(rel))
        for rel in ctx.tree.with_suffix(".rs"):
            parts = rel.split("/")
            for i in range(len(parts) - 1, -1, -1):
                crate = crates.get("/".join(parts[:i]) or ".")
                if crate is not None:
                    if len(parts) > i + 1 and parts[i] == "src":
                        crate.sources.append(rel)
                    break
        sql_dirs = {rel.rsplit("/", 1)[0] for rel in ctx.tree.with_suffix(".sql") if "/" in rel}
        for folder in sorted(crates):
            crate = crates[folder]
            if isinstance(crate.data.get("package"), dict):
                yield from self._package(ctx, crate, crates, sql_dirs)
            elif isinstance(crate.data.get("workspace"), dict):
                yield from self._workspace(ctx, crate)
        for rel in ctx.tree.named("Anchor.toml"):
            yield from self._anchor_root(ctx, rel)

    # ------------------------------------------------------------------ manifests
    def _workspace(self, ctx: DetectorContext, c: Crate) -> Iterator[Fact]:
        ev = c.line("workspace")
        if ev is None:
            return
        s = c.subject
        yield fact(NAME, s, "language", "rust", *ev, priority=50)
        yield fact(NAME, s, "package_manager", "cargo", *ev, priority=50)
        yield fact(NAME, s, "role", "workspace", *ev, note="Cargo workspace without a [package]")
        yield fact(NAME, s, "build_command", "cargo build --release", *ev, priority=40)
        yield fact(NAME, s, "test_command", "cargo test", *ev, priority=40)
        toolchain = self._toolchain(ctx, c.dir)
        if toolchain:
            yield fact(NAME, s, "runtime_version", toolchain[0], *toolchain[1], priority=70)

    def _anchor_root(self, ctx: DetectorContext, rel: str) -> Iterator[Fact]:
        text = ctx.read(rel) or ""
        ev = _first_line(rel, text, "[programs") or _first_line(rel, text)
        if ev is None:
            return
        s = ctx.component_of(rel)
        yield fact(NAME, s, "framework", "anchor", *ev, priority=70)
        yield fact(NAME, s, "role", "contracts", *ev, note="Anchor workspace (Solana programs)")
        yield fact(NAME, s, "build_command", "anchor build", *ev, priority=60)
        yield fact(NAME, s, "test_command", "anchor test", *ev, priority=60)

    def _package(self, ctx: DetectorContext, c: Crate, crates: dict[str, Crate], sql_dirs: set[str]) -> Iterator[Fact]:
        head = c.line("package")
        if head is None:
            return
        s, pkg = c.subject, c.data["package"]
        yield fact(NAME, s, "language", "rust", *head, priority=70)
        yield fact(NAME, s, "package_manager", "cargo", *head, priority=70)
        name = pkg.get("name") if isinstance(pkg.get("name"), str) else ""
        name_ev = c.line("package", "name") or head
        if name:
            yield fact(NAME, s, "name", name, *name_ev, priority=70)
        yield from self._runtime(ctx, c, crates)

        deps = c.deps()
        bins = self._bins(ctx, c, name, name_ev)
        roles: set[str] = set()
        if "anchor-lang" in deps:
            ev = c.dep_line(deps["anchor-lang"]) or head
            roles.add("contracts")
            yield fact(NAME, s, "framework", "anchor", *ev, priority=70)
            yield fact(NAME, s, "role", "contracts", *ev, note="Anchor program (Solana)")
        for dep, (role, prio) in FRAMEWORKS.items():
            if dep not in deps:
                continue
            ev = c.dep_line(deps[dep]) or head
            yield fact(NAME, s, "framework", dep, *ev, priority=prio)
            if bins:
                roles.add(role)
                yield fact(NAME, s, "role", role, *ev)
        if "tonic" in deps and bins and _first_hit(ctx, c.sources, "Server::builder", _TONIC_SERVE):
            ev = c.dep_line(deps["tonic"]) or head
            roles.add("http-server")
            yield fact(NAME, s, "framework", "tonic", *ev, priority=50)
            yield fact(NAME, s, "role", "http-server", *ev, note="tonic gRPC server")
        evm = next((d for d in deps if d.startswith(EVM_CLIENTS)), None)
        if evm and bins and not roles:
            yield fact(NAME, s, "role", "worker", *(c.dep_line(deps[evm]) or head),
                       note=f"{evm} client with a binary and no server")
        if not bins and not roles:
            yield fact(NAME, s, "role", "library", *head, note="no src/main.rs and no [[bin]]")

        yield fact(NAME, s, "test_command", "cargo test", *head)
        if bins:
            yield from self._commands(c, pkg, name, bins)
            if "rocket" in deps:
                ev = c.dep_line(deps["rocket"]) or head
                yield fact(NAME, s, "port", 8000, *ev, priority=20, note="framework default")
                yield from self._rocket_toml(ctx, c)
        yield from self._code(ctx, c)
        yield from self._migrations(ctx, c, deps, sql_dirs)

    def _runtime(self, ctx: DetectorContext, c: Crate, crates: dict[str, Crate]) -> Iterator[Fact]:
        """The pinned toolchain file wins; package.rust-version (a minimum) is used only without one."""
        toolchain = self._toolchain(ctx, c.dir)
        if toolchain:
            yield fact(NAME, c.subject, "runtime_version", toolchain[0], *toolchain[1], priority=70)
            return
        version = c.data["package"].get("rust-version")
        if isinstance(version, str):
            ev = c.line("package", "rust-version")
            if ev:
                yield fact(NAME, c.subject, "runtime_version", f"rust {version}", *ev, priority=60)
        elif isinstance(version, dict) and version.get("workspace") is True:
            folder: str | None = c.dir
            while folder is not None:
                root = crates.get(folder)
                ws = root.data.get("workspace") if root else None
                table = ws.get("package") if isinstance(ws, dict) else None
                inherited = table.get("rust-version") if isinstance(table, dict) else None
                if root is not None and isinstance(inherited, str):
                    ev = root.line("workspace.package", "rust-version")
                    if ev:
                        yield fact(NAME, c.subject, "runtime_version", f"rust {inherited}", *ev, priority=60,
                                   note="rust-version inherited from the workspace")
                    return
                folder = _parent(folder)

    def _toolchain(self, ctx: DetectorContext, folder: str) -> tuple[str, Evidence] | None:
        """rust-toolchain.toml / rust-toolchain in the crate folder or the nearest parent (as rustup looks)."""
        current: str | None = folder
        while current is not None:
            for base in ("rust-toolchain.toml", "rust-toolchain"):
                rel = _join(current, base)
                text = ctx.read(rel)
                if text is None:
                    continue
                data = _load(text)
                table = data.get("toolchain") if data else None
                if isinstance(table, dict) and isinstance(table.get("channel"), str):
                    found = toml_line(text, "toolchain", "channel")
                    if found:
                        return f"rust {table['channel']}", (rel, found[0], found[1])
                elif data is None and base == "rust-toolchain":  # legacy form: just the channel
                    ev = _first_line(rel, text)
                    if ev is not None and re.fullmatch(r"[\w.\-]+", ev[2].strip()):
                        return f"rust {ev[2].strip()}", ev
            current = _parent(current)
        return None

    def _bins(self, ctx: DetectorContext, c: Crate, name: str, name_ev: Evidence) -> Bins:
        """Binary name -> (source path inside the crate, evidence), from [[bin]] and Cargo's auto-discovery."""
        bins: Bins = {}
        declared = c.data.get("bin")
        for i, entry in enumerate(declared if isinstance(declared, list) else []):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                ev = c.line("bin", "name", i) or c.line("bin", None, i)
                if ev:
                    bins[entry["name"]] = (str(entry.get("path", f"src/bin/{entry['name']}.rs")), ev)
        if c.data["package"].get("autobins") is False:
            return bins
        prefix = "" if c.dir == "." else c.dir + "/"
        for rel in c.sources:
            inner = rel[len(prefix):]
            stem = ""
            if inner == "src/main.rs":
                stem = name
            elif re.fullmatch(r"src/bin/[\w\-]+\.rs", inner):
                stem = inner[8:-3]
            elif re.fullmatch(r"src/bin/[\w\-]+/main\.rs", inner):
                stem = inner.split("/")[2]
            if stem and stem not in bins and all(p != inner for p, _ in bins.values()):
                hit = next(ctx.matches(rel, _FN_MAIN), None)
                bins[stem] = (inner, (rel, hit.line, hit.text) if hit else name_ev)
        return dict(sorted(bins.items()))

    def _commands(self, c: Crate, pkg: dict[str, Any], name: str, bins: Bins) -> Iterator[Fact]:
        default = pkg.get("default-run")
        chosen = default if default in bins else name if name in bins else next(iter(bins))
        path, ev = bins[chosen]
        note = f"cargo builds binary {chosen} from {path}"
        yield fact(NAME, c.subject, "build_command", "cargo build --release", *ev, note=note)
        yield fact(NAME, c.subject, "start_command", f"./target/release/{chosen}", *ev, note=note)
        if len(bins) > 1:
            for bin_name, (path, ev) in bins.items():
                yield fact(NAME, c.subject, "entrypoint", path, *ev, detail=bin_name)

    # ------------------------------------------------------------------ code
    def _rocket_toml(self, ctx: DetectorContext, c: Crate) -> Iterator[Fact]:
        rel = _join(c.dir, "Rocket.toml")
        text = ctx.read(rel)
        data = _load(text)
        for profile in ("release", "global", "default"):
            table = data.get(profile) if data else None
            port = table.get("port") if isinstance(table, dict) else None
            found = toml_line(text or "", profile, "port")
            if type(port) is int and 0 < port < 65536 and found:
                yield fact(NAME, c.subject, "port", port, rel, found[0], found[1], priority=70,
                           note=f"Rocket.toml [{profile}]")
                return

    def _code(self, ctx: DetectorContext, c: Crate) -> Iterator[Fact]:
        """Listen ports and health routes written in the crate's sources."""
        s = c.subject
        for rel in c.sources:
            text = ctx.read(rel)
            if not text:
                continue
            for pattern, needles in _PORT_PATTERNS:
                for hit in _hits(ctx, rel, needles, pattern):
                    raw = hit.group(1) or (hit.group(2) if pattern is _CLAP_PORT else "")
                    if pattern is _ADDR_CALL and ":" not in raw:
                        continue
                    port = _port_of(raw)
                    if port and not _AUX_LISTENER.search(hit.text):
                        yield fact(NAME, s, "port", port, rel, hit.line, hit.text, priority=80)
            if 'PORT"' in text:
                yield from self._env_ports(c, rel, text)
            for hit in _hits(ctx, rel, ("health", "ready", "live", "ping"), _ROUTE):
                if _is_health(hit.group(1)):
                    yield fact(NAME, s, "health_endpoint", hit.group(1), rel, hit.line, hit.text)
            if "path" in text:
                for hit in _hits(ctx, rel, ("health", "ready", "live", "ping"), _WARP_PATH):
                    if _is_health(hit.group(1)):
                        yield fact(NAME, s, "health_endpoint", "/" + hit.group(1), rel, hit.line, hit.text)

    def _env_ports(self, c: Crate, rel: str, text: str) -> Iterator[Fact]:
        """`env::var("PORT")...unwrap_or("8080")`: the literal is the port used when PORT is unset."""
        for env in _ENV_PORT.finditer(text):
            statement = text[env.end(): env.end() + 300].split(";", 1)[0]
            unwrap = _UNWRAP_OR.search(statement)
            number = _NUMBER.search(statement, unwrap.end()) if unwrap else None
            port = _port_of(number.group(1)) if number else None
            if number and port:
                no, line = _line_at(text, env.end() + number.start(1))
                yield fact(NAME, c.subject, "port", port, rel, no, line, priority=80,
                           note="fallback when PORT is unset")

    def _migrations(self, ctx: DetectorContext, c: Crate, deps: dict[str, str], sql_dirs: set[str]) -> Iterator[Fact]:
        """sqlx (`migrate!` or a migrations/ folder) and diesel (diesel.toml or `embed_migrations!`)."""
        s = c.subject
        if "sqlx" in deps:
            hit = _first_hit(ctx, c.sources, "migrate!", _SQLX_MIGRATE)
            ev: Evidence | None = None
            folder = "migrations"
            if hit is not None:
                rel, h = hit
                ev, folder = (rel, h.line, h.text), (h.group(1) or "migrations").removeprefix("./").rstrip("/")
            elif _join(c.dir, "migrations") in sql_dirs:
                ev = c.dep_line(deps["sqlx"])
            if ev is not None:
                cmd = "sqlx migrate run" if folder == "migrations" else f"sqlx migrate run --source {folder}"
                yield fact(NAME, s, "migration_tool", "sqlx", *ev)
                yield fact(NAME, s, "migration_command", cmd, *ev)
        diesel_rel = _join(c.dir, "diesel.toml")
        diesel_text = ctx.read(diesel_rel)
        diesel_ev: Evidence | None = None
        if diesel_text is not None:
            diesel_ev = _first_line(diesel_rel, diesel_text) or c.dep_line(deps.get("diesel", "diesel"))
        elif "diesel" in deps:
            embed = _first_hit(ctx, c.sources, "embed_migrations!", _DIESEL_EMBED)
            diesel_ev = (embed[0], embed[1].line, embed[1].text) if embed else None
        if diesel_ev is not None:
            yield fact(NAME, s, "migration_tool", "diesel", *diesel_ev)
            yield fact(NAME, s, "migration_command", "diesel migration run", *diesel_ev)


def _is_health(path: str) -> bool:
    segs = [p for p in path.lower().split("/") if p]
    return bool(segs) and segs[-1] in HEALTH_WORDS
