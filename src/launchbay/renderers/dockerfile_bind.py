"""Make the start command listen where the load balancer can reach it.

Inside a container, 127.0.0.1 is the container itself: a server bound there passes its own health
check (which runs inside too) yet never receives a request from outside. Python's ASGI/WSGI servers
bind loopback unless told otherwise, so a command that names no host gets `0.0.0.0` and the
Design's port in that server's own flag syntax; flags the command already has are never repeated.
A Node framework CLI is only touched when it names a loopback host explicitly (`next start -H
localhost`): their defaults already listen on every interface (or are not this module's to guess).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass

ANY = "0.0.0.0"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]", "ip6-localhost"})


@dataclass(frozen=True)
class Server:
    """How one server CLI is told its host and port (and what makes it listen elsewhere anyway)."""

    host_flags: tuple[str, ...]  # flags that take a host, or host:port when `joined`
    port_flags: tuple[str, ...]
    joined: bool = False  # one `HOST:PORT` flag (gunicorn, hypercorn) instead of two
    other_listeners: tuple[str, ...] = ()  # flags that bind a socket some other way (unix socket, fd)
    loopback_default: bool = True  # False: already listens on every interface (`fastapi run`)


PYTHON_SERVERS: dict[str, Server] = {
    "uvicorn": Server(("--host",), ("--port",), other_listeners=("--uds", "--fd")),
    "granian": Server(("--host",), ("--port",), other_listeners=("--uds",)),
    "daphne": Server(("-b", "--bind"), ("-p", "--port"), other_listeners=("-u", "--unix-socket", "-e", "--endpoint",
                                                                          "--fd")),
    "gunicorn": Server(("-b", "--bind"), (), joined=True),
    "hypercorn": Server(("-b", "--bind"), (), joined=True),
    "flask run": Server(("-h", "--host"), ("-p", "--port")),
    "fastapi run": Server(("--host",), ("--port",), loopback_default=False),
    "fastapi dev": Server(("--host",), ("--port",)),
}
# Flags that point gunicorn/hypercorn at a config file, which may set the bind itself.
CONFIG_FLAGS = ("-c", "--config")
NODE_HOST_FLAGS: dict[str, tuple[str, ...]] = {
    "next": ("-H", "--hostname"),
    "vite": ("--host",),
    "astro": ("--host",),
    "nuxt": ("--host", "--hostname"),
    "nuxi": ("--host", "--hostname"),
}
_SEGMENT = re.compile(r"&&|\|\||;")
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class Bound:
    command: str
    note: str | None  # why the command was changed (a Dockerfile comment); None when unchanged


def _words(segment: str) -> list[str] | None:
    try:
        return shlex.split(segment)
    except ValueError:
        return None


def _head(words: list[str]) -> tuple[str, int] | None:
    """(server key, index of the first argument after the server's name) for a Python server."""
    i = 0
    while i < len(words) and _ASSIGN.match(words[i]):
        i += 1  # leading VAR=value assignments
    if i < len(words) and posixpath.basename(words[i]) in {"python", "python3"} and words[i + 1:i + 2] == ["-m"]:
        i += 2
    if i >= len(words):
        return None
    name = posixpath.basename(words[i])
    pair = f"{name} {words[i + 1]}" if i + 1 < len(words) else ""
    if pair in PYTHON_SERVERS:
        return pair, i + 2
    if name in PYTHON_SERVERS:
        return name, i + 1
    return None


def _has(words: list[str], flags: tuple[str, ...]) -> bool:
    return any(w in flags or any(w.startswith(f"{f}=") for f in flags if f.startswith("--")) for w in words)


def _long(flags: tuple[str, ...]) -> str:
    return next((f for f in flags if f.startswith("--")), flags[0])


def _python_flags(server: Server, words: list[str], port: int | None) -> list[str]:
    if _has(words, server.other_listeners):
        return []
    if server.joined:
        if _has(words, server.host_flags) or _has(words, CONFIG_FLAGS) or port is None:
            return []
        return [server.host_flags[0], f"{ANY}:{port}"]
    flags: list[str] = []
    if server.loopback_default and not _has(words, server.host_flags):
        flags += [_long(server.host_flags), ANY]
    if port is not None and server.port_flags and not _has(words, server.port_flags):
        flags += [_long(server.port_flags), str(port)]
    return flags


def _replace_loopback(segment: str, flags: tuple[str, ...]) -> str:
    """`-H localhost`, `--host=127.0.0.1`, `-b 127.0.0.1:8000` → 0.0.0.0 (the rest of the command kept)."""
    hosts = "|".join(re.escape(h) for h in sorted(LOOPBACK, key=len, reverse=True))
    names = "|".join(re.escape(f) for f in flags)
    pattern = rf"(?<!\S)({names})(=|\s+)(['\"]?)(?:{hosts})(:\d+)?\3(?!\S)"
    return re.sub(pattern, rf"\g<1>\g<2>\g<3>{ANY}\g<4>\g<3>", segment)


def bind_all(command: str, port: int | None) -> Bound:
    """The start command with an all-interfaces bind where its server would otherwise listen on loopback."""
    parts = _SEGMENT.split(command)
    last = parts[-1]  # the process that keeps running is the last one of a `a && b` chain
    words = _words(last)
    if not words:
        return Bound(command, None)
    head = _head(words)
    if head is not None:
        key, start = head
        server = PYTHON_SERVERS[key]
        notes: list[str] = []
        fixed = _replace_loopback(last, server.host_flags)
        if fixed != last:
            notes.append(f"{key} was told to listen on loopback; the container serves on {ANY}")
            words = _words(fixed) or words
        extra = _python_flags(server, words[start:], port)
        if extra:
            added = " ".join(extra)
            why = ("listens on 127.0.0.1 unless told otherwise, which no load balancer reaches"
                   if server.loopback_default and ANY in added
                   else "would listen on its default port, not the Design's")
            notes.append(f"{key} {why}: added `{added}`")
            fixed = fixed.rstrip() + " " + added
        if not notes:
            return Bound(command, None)
        return Bound(command[: len(command) - len(last)] + fixed, "; ".join(notes))
    i = next((n for n, w in enumerate(words) if not _ASSIGN.match(w)), len(words))
    names = {posixpath.basename(w) for w in words[i:i + 3]}  # `next start`, `npx next start`, `pnpm exec next`
    for tool, flags in NODE_HOST_FLAGS.items():
        if tool in names:
            changed = _replace_loopback(last, flags)
            if changed != last:
                return Bound(command[: len(command) - len(last)] + changed,
                             f"{tool} was told to listen on loopback; the container serves on {ANY}")
    return Bound(command, None)
