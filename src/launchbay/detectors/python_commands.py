"""Understand the commands a Python component is launched with: Procfile processes, Makefile
targets and shell launch scripts (start.sh, entrypoint.sh...).

A command line is reduced to what matters for deployment: the process it finally runs, the role
that process plays (an HTTP server, a queue worker, a scheduler), the port its flags give, and any
migration step chained before it. Launchers that only delegate (`./start.sh`, `make run`) are
followed so the resolved process is reported at every hop, each with its own evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from launchbay.detectors.python_common import Loc

# Wrappers that run the real command in an environment; skipped to find the process itself.
_WRAPPERS = (("poetry", "run"), ("uv", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run"),
             ("rye", "run"))
_PREFIX_WORDS = {"exec", "nohup", "env", "time", "command"}
_HTTP_HEADS = {"uvicorn", "gunicorn", "hypercorn", "daphne", "granian", "waitress-serve", "sanic"}
_HTTP_SUBCOMMANDS = {"flask": {"run"}, "fastapi": {"run", "dev"}, "litestar": {"run"}, "quart": {"run"}}
_WORKER_HEADS = {"arq", "dramatiq", "huey_consumer", "huey_consumer.py", "rqworker"}
_LAUNCHERS = (_HTTP_HEADS | _WORKER_HEADS | set(_HTTP_SUBCOMMANDS)
              | {"celery", "rq", "rqscheduler", "streamlit", "python", "python3", "alembic"})
_SEGMENT_SPLIT = re.compile(r"\s*(?:&&|;|\|\|)\s*")
_PORT_FLAG = re.compile(r"--(?:server\.)?port(?:=|\s+)[\"']?(?:\$\{\w+:-)?(\d{2,5})\b")
_BIND_FLAG = re.compile(r"(?:^|\s)(?:-b|--bind|--listen)(?:=|\s+)[\"']?(\S+)")
_SHORT_PORT = re.compile(r"(?:^|\s)-p\s+[\"']?(?:\$\{\w+:-)?(\d{2,5})\b")
_RUNSERVER = re.compile(r"\brunserver\s+(?:[\w.\[\]]*:)?(\d{2,5})\b")
_MAKE_VAR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|::=|\?=|=)\s*(.*)$")
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_.\-/ ]+?)\s*:(?![=:])")
_MAKE_REF = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")
_SHELL_SKIP = {"if", "then", "fi", "else", "elif", "for", "do", "done", "while", "case", "esac", "set",
               "export", "echo", "printf", "cd", "source", ".", "trap", "wait", "sleep", "shift",
               "local", "return", "exit", "function", "until", "{", "}", "mkdir", "chmod", "cp",
               "mv", "rm", "test", "[", "[[", "true", "false", "pip", "pip3", "read", "unset"}
LAUNCH_SCRIPT = re.compile(r"^(?:docker[-_])?(?:pre)?(?:entrypoint|start|run|boot|serve|server|launch)"
                           r"(?:[-_][\w-]+)?\.sh$")
RUN_TARGETS = {"run": 62, "start": 62, "serve": 62, "server": 62, "prod": 62, "run-prod": 62,
               "start-prod": 62, "api": 60, "web": 60, "worker": 58, "bot": 60, "dev": 45, "run-dev": 45}
TEST_TARGETS = ("test", "tests", "pytest")


@dataclass(frozen=True)
class Command:
    """What one command line does, as far as deployment cares."""

    value: str                       # the command without migration steps ("" when nothing is left)
    roles: tuple[str, ...] = ()
    port: int | None = None
    migrations: tuple[str, ...] = ()
    launches: bool = False           # runs a known Python process (not just `echo`, `cp`...)
    hop: tuple[str, str] | None = None   # ("script", path) or ("make", target) it delegates to
    background: bool = False


def analyze(cmd: str) -> Command:
    """Reduce a shell command line to its process, roles, port and migration steps."""
    cmd = cmd.strip()
    background = cmd.endswith("&") and not cmd.endswith("&&")
    if background:
        cmd = cmd[:-1].rstrip()
    kept: list[str] = []
    roles: list[str] = []
    migrations: list[str] = []
    port: int | None = None
    launches = False
    hop: tuple[str, str] | None = None
    for segment in _SEGMENT_SPLIT.split(cmd):
        words, via_python = _core(segment.split())
        if not words:
            continue
        head = words[0].rsplit("/", 1)[-1]
        migration = _migration(head, words)
        if migration:
            migrations.append(migration)
            continue
        starts = via_python or head in _LAUNCHERS or head.startswith("python3.")
        seg_hop = _hop(head, words)
        if starts or seg_hop or head == "cd":
            kept.append(_strip_exec(segment))
        launches = launches or starts
        roles.extend(_roles(head, words))
        port = port or _port(head, segment)
        hop = hop or seg_hop
    value = " && ".join(kept) if launches or hop else ""
    return Command(value, tuple(dict.fromkeys(roles)), port, tuple(migrations), launches, hop, background)


def _strip_exec(segment: str) -> str:
    segment = segment.strip()
    return segment[5:].lstrip() if segment.startswith("exec ") else segment


def _core(words: list[str]) -> tuple[list[str], bool]:
    """Drop `exec`, `VAR=x`, `poetry run` and `python -m` wrappers down to the process word
    (and say whether a Python interpreter runs it)."""
    i = 0
    while i < len(words):
        w = words[i]
        if w in _PREFIX_WORDS or (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", w) and i + 1 < len(words)):
            i += 1
        elif i + 1 < len(words) and (w.rsplit("/", 1)[-1], words[i + 1]) in _WRAPPERS:
            i += 2
        else:
            break
    rest = words[i:]
    base = rest[0].rsplit("/", 1)[-1] if rest else ""
    is_python = base in {"python", "python3"} or base.startswith("python3.")
    if is_python and len(rest) > 2 and rest[1] == "-m":
        return rest[2:], True
    return rest, is_python


def _migration(head: str, words: list[str]) -> str | None:
    if head == "alembic" and "upgrade" in words:
        return "alembic upgrade head" if "head" in words else " ".join(words)
    manage = [i for i, w in enumerate(words[:2]) if w.endswith("manage.py")]
    if manage and words[manage[0] + 1:manage[0] + 2] == ["migrate"]:
        return "python manage.py migrate"
    return None


def _roles(head: str, words: list[str]) -> list[str]:
    args = words[1:]
    if head in _HTTP_HEADS or (head in _HTTP_SUBCOMMANDS and _HTTP_SUBCOMMANDS[head] & set(args)):
        return ["http-server"]
    if any(w.endswith("manage.py") for w in words[:2]) and "runserver" in args:
        return ["http-server"]
    if head == "streamlit":
        return ["frontend"]
    if head == "celery":
        out = ["worker"] if "worker" in args else []
        if "beat" in args or "-B" in args or "--beat" in args:
            out.append("cron")
        return out
    if head in _WORKER_HEADS or (head == "rq" and "worker" in args):
        return ["worker"]
    if head == "rqscheduler" or (head == "rq" and "scheduler" in args):
        return ["cron"]
    return []


def _port(head: str, segment: str) -> int | None:
    found = _PORT_FLAG.search(segment) or _RUNSERVER.search(segment)
    if found is None and head in {"flask", "daphne", "sanic"}:
        found = _SHORT_PORT.search(segment)
    if found is not None:
        return _valid_port(found.group(1))
    bind = _BIND_FLAG.search(segment)
    if bind is not None and not bind.group(1).startswith("unix:"):
        tail = bind.group(1).strip("\"'").rsplit(":", 1)[-1].rstrip("}")
        tail = tail.rsplit("-", 1)[-1] if "${" in bind.group(1) else tail
        return _valid_port(tail)
    return None


def _valid_port(text: str) -> int | None:
    return int(text) if text.isdigit() and 0 < int(text) < 65536 else None


def _hop(head: str, words: list[str]) -> tuple[str, str] | None:
    if head.endswith(".sh"):
        return ("script", words[0])
    if head in {"sh", "bash"} and len(words) > 1 and words[1].endswith(".sh"):
        return ("script", words[1])
    if head == "make" and len(words) > 1 and not words[1].startswith("-"):
        return ("make", words[1])
    return None


# --------------------------------------------------------------------------- file readers
def procfile(text: str, rel: str) -> list[tuple[str, Loc, str]]:
    """(process type, line, command) for each Procfile entry."""
    out = []
    for no, line in enumerate(text.split("\n"), start=1):
        m = re.match(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(\S.*?)\s*$", line)
        if m and not line.lstrip().startswith("#"):
            out.append((m.group(1), Loc(rel, no, line), m.group(2)))
    return out


def makefile(text: str, rel: str) -> dict[str, list[tuple[Loc, str]]]:
    """Each target's recipe lines (with simple `VAR = value` variables expanded)."""
    variables: dict[str, str] = {}
    targets: dict[str, list[tuple[Loc, str]]] = {}
    current: list[str] = []
    for no, line in enumerate(text.split("\n"), start=1):
        if line.startswith("\t"):
            cmd = line.strip().lstrip("@-+").strip()
            if cmd and not cmd.startswith("#"):
                for name in current:
                    targets[name].append((Loc(rel, no, line), _expand(cmd, variables)))
            continue
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        var = _MAKE_VAR.match(line)
        if var and not _MAKE_TARGET.match(line):
            variables[var.group(1)] = var.group(2).strip()
            continue
        target = _MAKE_TARGET.match(line)
        if target:
            current = [t for t in target.group(1).split() if not t.startswith(".")]
            for name in current:
                targets.setdefault(name, [])
            inline = line[target.end():]
            if ";" in inline:
                cmd = inline.split(";", 1)[1].strip()
                for name in current:
                    targets[name].append((Loc(rel, no, line), _expand(cmd, variables)))
        else:
            current = []
    return targets


def _expand(cmd: str, variables: dict[str, str]) -> str:
    for _ in range(3):
        new = _MAKE_REF.sub(lambda m: variables.get(m.group(1), m.group(0)), cmd)
        if new == cmd:
            break
        cmd = new
    return cmd


def shell_commands(text: str, rel: str) -> list[tuple[Loc, str]]:
    """Command lines of a shell script that might launch something (continuations joined)."""
    out: list[tuple[Loc, str]] = []
    pending: tuple[Loc, str] | None = None
    for no, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if pending is not None:
            loc, acc = pending
            acc = acc + " " + stripped.rstrip("\\").strip()
            if stripped.endswith("\\"):
                pending = (loc, acc)
            else:
                out.append((loc, acc))
                pending = None
            continue
        if not stripped or stripped.startswith("#"):
            continue
        first = stripped.split()[0].rstrip(";")
        if first in _SHELL_SKIP or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=\S*$", stripped):
            continue
        if stripped in {'exec "$@"', "exec $@", '"$@"'}:
            continue
        if stripped.endswith("\\"):
            pending = (Loc(rel, no, line), stripped.rstrip("\\").strip())
        else:
            out.append((Loc(rel, no, line), stripped))
    if pending is not None:
        out.append(pending)
    return out
