"""Scan a component's Python sources for what manifests cannot say: the port a run call binds,
health routes, the module that starts the process, module-level app objects, and Celery/arq
worker and schedule definitions.

Every file is read once (tree.read caches). Patterns are only tried on lines that hold a literal
anchor found with str.find (see `hits`): whole-file regex passes were the cost that mattered on a
large monorepo.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.python_common import Hit, Loc, first_line, hits, in_comp, make, module_of
from launchbay.models.profile import Fact

_PORT_KW = re.compile(r"\bport\s*=\s*")
_PORT_VALUE = re.compile(
    r"""(?:int\(\s*)?(?:os\.(?:getenv|environ\.get)\(\s*["']\w+["']\s*,\s*)?["']?(\d{2,5})\b"""
    r"""|([A-Za-z_][\w.]*)""")
_RUN_CALLS = {"run", "run_app", "serve", "run_server", "run_simple", "TCPSite", "Config", "start_server"}
_GUNICORN_BIND = re.compile(r"""^bind\s*=\s*\[?\s*f?["'][^"'\n]*?:(?:\{[^}\n]*?["'])?(\d{2,5})\b""")
_SETTINGS_PORT = re.compile(
    r"^[ \t]+((?i:port|app_port|server_port|api_port|http_port))\s*:\s*int\s*=\s*"
    r"(?:Field\(\s*(?:default\s*=\s*)?)?(\d{2,5})\b", re.M)
_ROUTE = re.compile(
    r"""(?:@[ \t]*(\w+(?:\.\w+)?)\.(?:get|head|route|api_route)|@[ \t]*(?:get|head|route)"""
    r"""|\b(?:add_get|add_route|add_url_rule|add_api_route|web\.get|web\.route|Route|path|re_path|url))"""
    r"""\(\s*(?:["'](?:GET|HEAD|\*)["']\s*,\s*)?[rbu]?["']([^"'\n]{0,200})["']""")
_ROUTER = re.compile(r"^(\w+)\s*=\s*(?:\w+\.)?(?:APIRouter|Blueprint|Router)\(")
_PREFIX = re.compile(r"""\b(?:url_)?prefix\s*=\s*["']([^"']*)["']""")
_MAIN = re.compile(r"""^if\s+__name__\s*==\s*["']__main__["']\s*:""", re.M)
_SERVE = re.compile(
    r"\buvicorn\.run\(|\bweb\.run_app\(|\brun_app\(|\.run_polling\(|\.start_polling\(|\.infinity_polling\("
    r"|\.run_webhook\(|\bwaitress\.serve\(|\bhypercorn\.asyncio\.serve\("
    r"|\b(?:app|application|bot|client|socketio|sio|server)\.run\(")
_SERVE_HINTS = (".run(", "run_app", "_polling(", "run_webhook", "serve(")
_APP = re.compile(
    r"^(\w+)\s*(?::\s*[\w.]+\s*)?=\s*(?:\w+\.)?(FastAPI|Starlette|Flask|Litestar|Sanic|Quart|Celery)\(", re.M)
_ARQ = re.compile(r"^class\s+WorkerSettings\b", re.M)
_CRON = re.compile(r"\bcron_jobs\b|\bbeat_schedule\b|\bCELERY_BEAT_SCHEDULE\b|\badd_periodic_task\(|@periodic_task\b")
_AIOHTTP_SERVER = re.compile(r"\bweb\.Application\(|\bweb\.run_app\(|\bweb\.AppRunner\(")
_WSGI = re.compile(r"\bget_wsgi_application\(")
HEALTH_STRONG = re.compile(r"^_?(?:health|healthz|healthcheck|health[-_]check|ready|readyz|readiness|live|livez"
                           r"|liveness|alive|heartbeat)$")
HEALTH_WEAK = {"ping", "status"}
_HEALTH_HINTS = ("health", "ready", "readi", "live", "ping", "status", "heartbeat")
_HEALTH_TAG = re.compile(r"""\btags\s*=\s*\[[^\]\n]{0,200}["'](?i:health(?:check)?|probes?)["']""")
_PROBE_DEF = re.compile(
    r"^[ \t]*(?:async[ \t]+)?def[ \t]+(_?(?:health|healthz|health_?check|healthcheck|readiness|readyz|ready"
    r"|liveness|livez|alive|heartbeat))[ \t]*\(")
_APP_HINTS = {"fastapi": "FastAPI(", "starlette": "Starlette(", "flask": "Flask(", "litestar": "Litestar(",
              "sanic": "Sanic(", "quart": "Quart(", "celery": "Celery("}
_CRON_HINTS = ("cron_jobs", "beat_schedule", "BEAT_SCHEDULE", "periodic_task")
ENTRY_NAMES = {"main.py", "app.py", "bot.py", "server.py", "run.py", "worker.py", "api.py", "serve.py", "start.py"}
_SKIP_PARTS = {"tests", "test", "testing", "migrations", "docs", "examples", "example", "benchmarks",
               "fixtures", "versions"}


@dataclass(frozen=True)
class AppObject:
    """A module-level `app = FastAPI(...)` (or Flask, Celery...): what a server command would import."""

    kind: str
    var: str
    module: str
    loc: Loc


@dataclass
class CodeScan:
    """Facts found in sources, plus the pieces later inference needs."""

    facts: list[Fact] = field(default_factory=list)
    apps: list[AppObject] = field(default_factory=list)
    arq_settings: list[tuple[str, Loc]] = field(default_factory=list)
    aiohttp_server: Loc | None = None
    wsgi_module: tuple[str, Loc] | None = None


@dataclass(frozen=True)
class _Wanted:
    """Anchors worth searching for, given the dependencies: no Celery dependency, no Celery scan."""

    apps: tuple[str, ...]
    arq: tuple[str, ...]
    cron: tuple[str, ...]
    aiohttp: bool

    @classmethod
    def of(cls, deps: frozenset[str]) -> _Wanted:
        return cls(
            apps=tuple(hint for dep, hint in _APP_HINTS.items() if dep in deps),
            arq=("WorkerSettings",) if "arq" in deps else (),
            cron=_CRON_HINTS if deps & {"celery", "arq", "django-celery-beat"} else (),
            aiohttp="aiohttp" in deps,
        )


def is_source(comp_rel: str) -> bool:
    """Application source, not tests, migrations or docs."""
    path = PurePosixPath(comp_rel)
    name = path.name
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return False
    return not any(part in _SKIP_PARTS for part in path.parts[:-1])


def scan_sources(ctx: DetectorContext, comp: str, py_files: list[str], py_set: frozenset[str],
                 deps: frozenset[str]) -> CodeScan:
    """Scan every application .py file of `comp` (`deps`: its declared dependencies)."""
    want = _Wanted.of(deps)
    scan = CodeScan()
    settings_ports: dict[str, tuple[int, Loc]] = {}
    wanted_attrs: set[str] = set()
    for rel in py_files:
        sub = in_comp(comp, rel)
        if not is_source(sub):
            continue
        text = ctx.read(rel)
        if text is None:
            continue
        _ports(comp, rel, text, scan, wanted_attrs)
        if sub.rsplit("/", 1)[-1].startswith("gunicorn"):
            for m in hits(text, ("bind",), _GUNICORN_BIND):
                port = int(m.group(1))
                scan.facts.append(make(comp, "port", port, Loc(rel, m.line, m.text), priority=75,
                                       note="gunicorn config bind"))
        for m in hits(text, ("port:", "PORT:", "port :"), _SETTINGS_PORT):
            settings_ports.setdefault(m.group(1).lower(), (int(m.group(2)), Loc(rel, m.line, m.text)))
        _health(comp, rel, text, scan)
        _entry(comp, rel, sub, text, scan, py_set)
        _objects(comp, rel, sub, text, scan, want)
    for attr in sorted(wanted_attrs):
        if attr in settings_ports:
            port, loc = settings_ports[attr]
            scan.facts.append(make(comp, "port", port, loc, priority=70, note="settings default"))
    return scan


def _ports(comp: str, rel: str, text: str, scan: CodeScan, wanted: set[str]) -> None:
    """`port=` keyword arguments of server run calls (uvicorn.run, app.run, web.run_app...)."""
    for m in hits(text, ("port=", "port ="), _PORT_KW):
        if "#" in m.text[: m.m.start()]:
            continue  # commented out (`# uvicorn.run(app, port=9000)`) or an example in a comment
        call = _enclosing_call(text, m.start)
        if call is None:
            continue
        last = call.rsplit(".", 1)[-1]
        if last not in _RUN_CALLS or (last == "Config" and "uvicorn" not in text):
            continue
        value = _PORT_VALUE.match(text, m.end)
        if value is None:
            continue
        if value.group(1):
            scan.facts.append(make(comp, "port", int(value.group(1)), Loc(rel, m.line, m.text), priority=80,
                                   note=f"port argument of {call}()"))
        elif value.group(2):
            _resolve_name(comp, rel, text, value.group(2), call, scan, wanted)


def _resolve_name(comp: str, rel: str, text: str, name: str, call: str, scan: CodeScan,
                  wanted: set[str]) -> None:
    """`port=PORT` -> `PORT = int(os.getenv("PORT", "8001"))` in the same file; `settings.port` ->
    a settings field default anywhere in the component."""
    if "." in name:
        wanted.add(name.rsplit(".", 1)[-1].lower())
        return
    pattern = re.compile(r"^" + re.escape(name) + r"\s*(?::\s*int\s*)?=\s*", re.M)
    for m in hits(text, (name,), pattern):
        value = _PORT_VALUE.match(text, m.end)
        if value is not None and value.group(1):
            scan.facts.append(make(comp, "port", int(value.group(1)), Loc(rel, m.line, m.text), priority=80,
                                   note=f"{name}, passed as port to {call}()"))
            return


def _enclosing_call(text: str, pos: int, limit: int = 600) -> str | None:
    """The dotted name of the call whose parentheses contain `pos` (looking back at most `limit`)."""
    depth = 0
    i = pos - 1
    stop = max(0, pos - limit)
    while i >= stop:
        c = text[i]
        if c in ")]}":
            depth += 1
        elif c in "([{":
            if depth == 0:
                if c != "(":
                    return None
                k = i
                while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "._"):
                    k -= 1
                return text[k:i] or None
            depth -= 1
        i -= 1
    return None


def _health(comp: str, rel: str, text: str, scan: CodeScan) -> None:
    """Health routes: a health-like path (with its router's prefix), or any route tagged "Health"
    or served by a function named like a probe (`@app.get("/") async def health_check()`)."""
    prefixes: dict[str, str] = {}
    if "prefix" in text:
        for router in hits(text, ("Router(", "Blueprint("), _ROUTER):
            close = text.find(")", router.end)
            args = text[router.end: close if 0 <= close - router.end <= 400 else router.end + 400]
            p = _PREFIX.search(args)
            if p:
                prefixes[router.group(1)] = p.group(1).rstrip("/")
    health_routers = [f"@{name}." for name, prefix in prefixes.items() if health_path(prefix)]
    anchors = (*_HEALTH_HINTS, "Health", *health_routers)
    seen: set[int] = set()
    for m in hits(text, anchors, _ROUTE):
        _health_route(comp, rel, text, m, prefixes, scan, seen)
    for d in hits(text, ("def ",), _PROBE_DEF):
        for m in _decorators_above(text, d.offset):
            _health_route(comp, rel, text, m, prefixes, scan, seen, probe=d.group(1))


def _health_route(comp: str, rel: str, text: str, m: Hit, prefixes: dict[str, str], scan: CodeScan,
                  seen: set[int], probe: str | None = None) -> None:
    if m.line in seen or m.text.lstrip().startswith("#"):
        return
    owner = m.group(1).split(".")[0] if m.group(1) else ""
    prefix = prefixes.get(owner, "")
    raw = m.group(2).strip()
    full = (prefix + "/" + raw.lstrip("/")).rstrip("/") or "/"
    found = health_path(raw)
    path = prefix + found if found is not None else (health_path(full) if prefix else None)
    note = None
    if path is None and raw.startswith("/") and not any(c in raw for c in "{}<>()*:[]\\ "):
        if _HEALTH_TAG.search(m.text):
            path, note = full or "/", "route tagged Health"
        elif probe is not None:
            path, note = full or "/", f"served by {probe}()"
    if path is None:
        return
    seen.add(m.line)
    if prefix:
        note = "; ".join(n for n in (note, f"{owner} prefix {prefix}") if n)
    scan.facts.append(make(comp, "health_endpoint", path, Loc(rel, m.line, m.text), note=note))


def _decorators_above(text: str, offset: int) -> list[Hit]:
    """Route decorators stacked right above the `def` that starts at `offset`."""
    out: list[Hit] = []
    end = offset - 1
    line = text.count("\n", 0, offset) + 1
    for _ in range(6):
        if end <= 0:
            break
        start = text.rfind("\n", 0, end) + 1
        body = text[start:end]
        line -= 1
        if not body.lstrip().startswith("@"):
            break
        m = _ROUTE.search(body)
        if m is not None:
            out.append(Hit(m, line, body, start))
        end = start - 1
    return out


def health_path(raw: str) -> str | None:
    """The route as a path when it looks like a health/readiness probe, else None."""
    path = raw.strip()
    path = path.removeprefix("^").removesuffix("$")
    path = path.removesuffix("/?")
    if any(c in path for c in "{}<>()*:[]\\") or " " in path:
        return None
    if not path.startswith("/"):
        path = "/" + path
    segments = [s for s in path.split("/") if s]
    if not segments or len(segments) > 4:
        return None
    if any(HEALTH_STRONG.match(s.lower()) for s in segments):
        return path
    if segments[-1].lower() in HEALTH_WEAK and len(segments) <= 2:
        return path
    return None


def _entry(comp: str, rel: str, sub: str, text: str, scan: CodeScan,
           py_set: frozenset[str]) -> None:
    """A module that starts the process: `__main__.py`, or a main guard that runs a server/bot."""
    name = sub.rsplit("/", 1)[-1]
    serve = next(hits(text, _SERVE_HINTS, _SERVE), None)
    if name == "__main__.py":
        module = module_of(sub.rsplit("/", 1)[0] + "/__init__.py") if 0 < sub.count("/") <= 2 else ""
        loc = Loc(rel, serve.line, serve.text) if serve else first_line(text, rel)
        if module and loc is not None:
            scan.facts.append(make(comp, "start_command", f"python -m {module}", loc,
                                   priority=52 if serve else 50, note="package has __main__.py"))
        return
    guard = next(hits(text, ("__main__",), _MAIN), None)
    top_level_serve = serve is not None and not serve.text[:1].isspace()
    if guard is None and not top_level_serve:
        return
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    in_package = f"{folder}/__init__.py" in py_set if folder else False
    command = f"python -m {module_of(sub)}" if in_package else f"python {sub}"
    if serve is not None:
        scan.facts.append(make(comp, "start_command", command, Loc(rel, serve.line, serve.text), priority=52,
                               note="module runs the server when executed"))
    elif guard is not None and name in ENTRY_NAMES and sub.count("/") <= 1:
        scan.facts.append(make(comp, "start_command", command, Loc(rel, guard.line, guard.text), priority=45,
                               note="entry module with a __main__ guard"))


def _objects(comp: str, rel: str, sub: str, text: str, scan: CodeScan, want: _Wanted) -> None:
    """App objects, arq WorkerSettings, schedules, aiohttp servers and Django's WSGI module."""
    module = module_of(sub)
    for m in hits(text, want.apps, _APP):
        scan.apps.append(AppObject(m.group(2).lower(), m.group(1), module, Loc(rel, m.line, m.text)))
    for m in hits(text, want.arq, _ARQ):
        scan.arq_settings.append((module, Loc(rel, m.line, m.text)))
    cron = next(hits(text, want.cron, _CRON), None)
    if cron is not None:
        scan.facts.append(make(comp, "role", "cron", Loc(rel, cron.line, cron.text), note="scheduled tasks"))
    if scan.aiohttp_server is None and want.aiohttp:
        hit = next(hits(text, ("web.",), _AIOHTTP_SERVER), None)
        if hit is not None:
            scan.aiohttp_server = Loc(rel, hit.line, hit.text)
    if scan.wsgi_module is None and sub.endswith("wsgi.py"):
        hit = next(hits(text, ("get_wsgi_application",), _WSGI), None)
        if hit is not None:
            scan.wsgi_module = (module, Loc(rel, hit.line, hit.text))
