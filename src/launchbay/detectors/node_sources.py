"""What a package's own JS/TS sources say: the port it listens on, its health routes, its workers.

Why regexes and not a parser: review must stay fast on big monorepos and never run project
code. Each pattern is anchored on a rare literal (`.listen(`, `process.env.PORT`, `@Controller(`)
and bounded, so a scan is linear; a cheap substring check skips files before any regex runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from launchbay.detectors.node_pkg import in_comment, line_at
from launchbay.tree import ProjectTree

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
TS_SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
_TEST_DIR = re.compile(r"(?:^|/)(?:__tests__|__mocks__|tests?|e2e|fixtures|mocks|cypress|playwright|examples?)/")
_TEST_NAME = re.compile(r"\.(?:test|spec|e2e|stories|bench)\.[cm]?[jt]sx?$")
_CONFIG_NAME = re.compile(r"(?:^|/)(?:\.[^/]*|[^/]*\.config\.[cm]?[jt]s)$")

PORT_NAMES = r"(?:PORT|HTTP_PORT|SERVER_PORT|APP_PORT|API_PORT|LISTEN_PORT|WEB_PORT)"
_ENV_FALLBACK = re.compile(
    r"(?<![\w$])(?:process\.|import\.meta\.)?env(?:\." + PORT_NAMES + r"|\[\s*['\"]" + PORT_NAMES + r"['\"]\s*\])"
    r"\s*\)?\s*(?:\?\?|\|\|)\s*['\"]?(\d{1,5})\b"
)
_ENV_DESTRUCTURE = re.compile(r"\bPORT\s*=\s*['\"]?(\d{1,5})\b[^{};\n]{0,200}\}\s*=\s*process\.env")
_ZOD_DEFAULT = re.compile(r"\bPORT\s*:\s*z\.[^\n]{0,160}?\.default\(\s*['\"]?(\d{1,5})\b")
_PORT_CONST = re.compile(
    r"(?<![\w$.])(?:const|let|var)\s+(?:port|" + PORT_NAMES + r")\s*(?::\s*number\s*)?=\s*['\"]?(\d{1,5})['\"]?\s*[;\n]"
)
_LISTEN_NUM = re.compile(r"\.listen\(\s*['\"]?(\d{1,5})\b")
_LISTEN_IDENT = re.compile(r"\.listen\(\s*([A-Za-z_$][\w$]*)\s*[,)]")
# The object's text up to its first nested brace: `Bun.serve({ port, async fetch(req) { ... } })`.
_LISTEN_OBJ = re.compile(r"(?:\.listen|(?<![\w$])serve)\(\s*\{([^{}]{0,400})[{}]")
_OBJ_PORT_NUM = re.compile(r"\bport\s*:\s*['\"]?(\d{1,5})\b")
_OBJ_PORT_IDENT = re.compile(r"\bport\s*:\s*([A-Za-z_$][\w$]*)\s*(?:[,}]|$)")
_OBJ_PORT_SHORT = re.compile(r"(?:^|[{,])\s*port\s*(?:,|$)")
_FALLBACK_IN_EXPR = re.compile(r"(?:\?\?|\|\|)\s*['\"]?(\d{1,5})\b")
# `?? DEFAULT_PORT)` closing the expression: the default is another constant of the file.
_FALLBACK_IDENT = re.compile(r"(?:\?\?|\|\|)\s*([A-Za-z_$][\w$]*)\s*\)*\s*;?\s*$")
# A declaration continues on the next line when its line ends with an operator or an open paren.
_CONTINUES = ("=", "??", "||", "(", ",", "?", ":")
_LITERAL_EXPR = re.compile(r"^\s*['\"]?(\d{1,5})['\"]?\s*$")

FALLBACK_NOTE = "fallback when PORT is unset"
# A health route's path literal holds one of these; files without any are not scanned for routes.
# (one regex with a literal "/" prefix: several times faster than a substring test per word).
_HEALTH_HINT = re.compile(r"/_?(?:[hH]ealth|[rR]eady|live|ping|[sS]tatus)")
HTTP_IMPORTS = ("express", "fastify", "hono", "koa", "@nestjs", "polka", "restify", "http-server")
# Anchored on the literal `.get(` & co so the regex engine can skip ahead; the receiver is read after.
_ROUTE = re.compile(
    r"\.(get|head|all|use|route)\s*(?:<[^()\n]{0,200}?>\s*)?\(\s*(['\"`])(/[^'\"`\s]{0,200})\2(\s*,)?"
)
# Builder-style routers: `route.get("/health").meta({...}).handle(...)` / `.static(Response.json(...))`.
_CHAINED_HANDLER = re.compile(
    r"\s*\)\s*(?:\.\w+\((?:[^()]|\([^()]{0,100}\)){0,200}\)\s*){0,3}\.(?:handle|handler|static|respond)\s*\("
)
_RECEIVER = re.compile(r"([\w$]+)\s*$")
_CLIENTS = frozenset({"axios", "supertest", "request", "got", "ky", "http", "https", "fetch", "superagent", "$http"})
_URL_KEY = re.compile(r"\burl\s*:\s*(['\"`])(/[^'\"`\s]{0,200})\1")
_HEALTH_PATH = re.compile(
    r"(?:^|/)_?(?:health(?:z|check|-check|_check)?|ready|readyz|readiness|live|livez|liveness|ping|status)(?:/|$)",
    re.I,
)
_CONTROLLER = re.compile(r"@Controller\(\s*(?:(['\"`])([^'\"`\n]*)\1)?")
_NEST_GET = re.compile(r"@(?:Get|Head|All)\(\s*(?:(['\"`])([^'\"`\n]*)\1)?\s*\)")
_BULL_WORKER = re.compile(r"new\s+Worker\s*(?:<[^>\n]{0,200}>)?\(")

_NEXT_APP_ROUTE = re.compile(r"^(?:src/)?app/(.*?)/?route\.[cm]?[jt]sx?$")
_NEXT_PAGES_API = re.compile(r"^(?:src/)?pages/(api/.+)\.[cm]?[jt]sx?$")
_NEXT_HANDLER = ("export async function GET", "export function GET", "export const GET", "export default", "GET")


@dataclass(frozen=True)
class Found:
    """A value seen in a source file: what it is, where, and how sure."""

    kind: str
    value: str | int
    rel: str
    line: int
    text: str
    priority: int = 80
    note: str | None = None


def is_runtime_source(rel: str) -> bool:
    """Code that runs in the service: not tests, fixtures, stories or tool config files."""
    return not (_TEST_DIR.search(rel) or _TEST_NAME.search(rel) or _CONFIG_NAME.search(rel))


def is_health_path(path: str) -> bool:
    if any(ch in path for ch in ":{}*[]$?"):
        return False
    return _HEALTH_PATH.search(path) is not None


def clean_path(path: str) -> str:
    path = "/" + path.strip("/")
    return re.sub(r"/{2,}", "/", path)


def scan_ports(tree: ProjectTree, files: Iterable[str]) -> Iterator[Found]:
    """Explicit ports in code: `.listen(3001)`, `process.env.PORT || 3001`, `const PORT = 8080`.

    Each pattern runs only on files holding its literal (a C-speed substring test), so the
    regex engine sees a handful of files, not the whole monorepo.
    """
    for rel in files:
        text = tree.read(rel)
        if not text:
            continue
        has_upper, has_listen, has_serve = "PORT" in text, "listen(" in text, "serve(" in text
        has_lower = "port =" in text or "port=" in text or "port:" in text
        if not (has_upper or has_lower or has_listen or has_serve):
            continue
        if has_upper:
            for pattern in (_ENV_FALLBACK, _ENV_DESTRUCTURE, _ZOD_DEFAULT):
                for m in pattern.finditer(text):
                    yield from _port(rel, text, m.group(1), m.start(1), FALLBACK_NOTE)
        if has_upper or has_lower:
            for m in _PORT_CONST.finditer(text):
                yield from _port(rel, text, m.group(1), m.start(1), None)
        if has_listen:
            for m in _LISTEN_NUM.finditer(text):
                yield from _port(rel, text, m.group(1), m.start(1), None)
            for m in _LISTEN_IDENT.finditer(text):
                yield from _resolve_ident(rel, text, m.group(1))
        if has_listen or has_serve:
            yield from _listen_objects(rel, text)


def _listen_objects(rel: str, text: str) -> Iterator[Found]:
    """`listen({ port: 3002 })`, `serve({ fetch, port })`: the literal or the variable's value."""
    for m in _LISTEN_OBJ.finditer(text):
        body = m.group(1)
        num = _OBJ_PORT_NUM.search(body)
        if num:
            yield from _port(rel, text, num.group(1), m.start(1) + num.start(1), None)
            continue
        ident = _OBJ_PORT_IDENT.search(body)
        name = ident.group(1) if ident else ("port" if _OBJ_PORT_SHORT.search(body) else None)
        if name:
            yield from _resolve_ident(rel, text, name)


def _port(rel: str, text: str, digits: str, pos: int, note: str | None) -> Iterator[Found]:
    value = int(digits)
    if 0 < value < 65536 and not in_comment(text, pos):
        line, line_text = line_at(text, pos)
        yield Found("port", value, rel, line, line_text, 80, note)


def _resolve_ident(rel: str, text: str, name: str, depth: int = 0) -> Iterator[Found]:
    """`listen(port)` → the number in `const port = Number(process.env.PORT ?? 8080)` (same file).

    A fallback that is itself a constant (`?? DEFAULT_PORT`) is followed one more step.
    """
    decl = re.compile(
        r"(?<![\w$.])(?:const|let|var)\s+" + re.escape(name) + r"\s*(?::[^=\n]{0,40})?=[ \t]*"
    )
    m = next((d for d in decl.finditer(text) if not in_comment(text, d.start())), None)
    if m is None:
        return
    expr, start = _expression(text, m.end())
    literal = _LITERAL_EXPR.match(expr)
    num = literal or _FALLBACK_IN_EXPR.search(expr)
    if num:
        note = None if literal else FALLBACK_NOTE
        yield from _port(rel, text, num.group(1), start + num.start(1), note)
        return
    ident = _FALLBACK_IDENT.search(expr)
    if ident and depth < 1 and ident.group(1) != name:
        for found in _resolve_ident(rel, text, ident.group(1), depth + 1):
            yield Found(found.kind, found.value, found.rel, found.line, found.text, found.priority, FALLBACK_NOTE)


def _expression(text: str, pos: int) -> tuple[str, int]:
    """The initialiser starting at `pos`: to the end of its line, or over up to 3 more lines while
    a line ends mid-expression (`const port =\n  args.port ??\n  Number(...)`). Stops at `;`."""
    out: list[str] = []
    start, end = pos, pos
    for _ in range(4):
        end = text.find("\n", start)
        line = text[start: end if end != -1 else len(text)]
        cut = line.find(";")
        out.append(line[:cut] if cut != -1 else line)
        tail = out[-1].rstrip()
        if cut != -1 or end == -1 or (tail and not tail.endswith(_CONTINUES)):
            break
        start = end + 1
    return "\n".join(out)[:400], pos


def scan_health(tree: ProjectTree, files: Iterable[str], *, http_framework: bool) -> Iterator[Found]:
    """Health-like routes registered on express/fastify/hono/koa apps and NestJS controllers."""
    for rel in files:
        text = tree.read(rel)
        if not text:
            continue
        if _HEALTH_HINT.search(text) and (
            http_framework or any(f"'{p}" in text or f'"{p}' in text for p in HTTP_IMPORTS)
        ):
            yield from _route_calls(rel, text)
        if "@Controller(" in text:
            yield from _nest_routes(rel, text)


def _route_calls(rel: str, text: str) -> Iterator[Found]:
    for m in _ROUTE.finditer(text):
        method, path = m.group(1), m.group(3)
        handler = method == "route" or m.group(4) or _CHAINED_HANDLER.match(text, m.end())
        if not handler or not is_health_path(path) or in_comment(text, m.start()):
            continue  # a route registration passes a handler after the path (or chains one)
        receiver = _RECEIVER.search(text, max(0, m.start() - 64), m.start())
        if receiver is not None and receiver.group(1) in _CLIENTS:
            continue
        line, line_text = line_at(text, m.start())
        yield Found("health_endpoint", clean_path(path), rel, line, line_text)
    if "method" in text:
        for m in _URL_KEY.finditer(text):
            if is_health_path(m.group(2)) and not in_comment(text, m.start()):
                line, line_text = line_at(text, m.start())
                yield Found("health_endpoint", clean_path(m.group(2)), rel, line, line_text)


def _nest_routes(rel: str, text: str) -> Iterator[Found]:
    controllers = [(m.start(), m.group(2) or "") for m in _CONTROLLER.finditer(text)]
    for m in _NEST_GET.finditer(text):
        prefix = ""
        for start, path in controllers:
            if start < m.start():
                prefix = path
        full = clean_path(f"{prefix}/{m.group(2) or ''}")
        if is_health_path(full):
            line, line_text = line_at(text, m.start())
            note = f"with @Controller('{prefix}')" if prefix else None
            yield Found("health_endpoint", full, rel, line, line_text, note=note)


def next_routes(tree: ProjectTree, folder: str, files: Iterable[str]) -> Iterator[Found]:
    """Next.js route handlers: app/api/health/route.ts and pages/api/health.ts → "/api/health"."""
    prefix = "" if folder == "." else folder + "/"
    for rel in files:
        inner = rel[len(prefix):]
        m = _NEXT_APP_ROUTE.match(inner)
        if m:
            segs = [s for s in m.group(1).split("/") if s and not s.startswith(("(", "@"))]
        else:
            m = _NEXT_PAGES_API.match(inner)
            if m is None:
                continue
            segs = m.group(1).split("/")
            if segs[-1] == "index":
                segs = segs[:-1]
        path = clean_path("/".join(segs))
        if not is_health_path(path):
            continue
        text = tree.read(rel)
        where = None
        if text:
            lines = text.split("\n")
            where = next(
                ((no, ln) for needle in _NEXT_HANDLER for no, ln in enumerate(lines, 1) if needle in ln),
                next(((no, ln) for no, ln in enumerate(lines, 1) if ln.strip()), None),
            )
        if where is not None:
            yield Found("health_endpoint", path, rel, where[0], where[1], note="Next.js route handler")


def bullmq_workers(tree: ProjectTree, files: Iterable[str]) -> Iterator[Found]:
    """`new Worker(...)` in a file that uses bullmq: the package consumes a queue."""
    for rel in files:
        text = tree.read(rel)
        if not text or "bullmq" not in text or "Worker" not in text:
            continue
        m = _BULL_WORKER.search(text)
        if m:
            line, line_text = line_at(text, m.start())
            yield Found("role", "worker", rel, line, line_text, note="bullmq Worker")
