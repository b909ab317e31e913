"""Entrypoint scripts written inline in a Dockerfile (`COPY <<EOF /entrypoint.sh`): what they run.

Why: `ENTRYPOINT ["/entrypoint.sh"]` tells a deployer nothing; the script's body waits for the
database, applies migrations and finally `exec`s the real server. The last process such a
script hands over to is the container's start command, and its flags (`--port 8000`) the port.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field

# Wrappers that only supervise the real process (`tini -- x`, `dumb-init x`).
_INITS = frozenset({"tini", "dumb-init", "catatonit", "s6-svscan"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
# Shell words that are never the long-running process.
_NOT_PROCESS = frozenset({
    "if", "then", "else", "elif", "fi", "while", "until", "do", "done", "for", "case", "esac", "in",
    "set", "echo", "printf", "sleep", "export", "cd", "trap", "source", ".", "exit", "wait", "shift",
    "test", "[", "[[", "true", "false", "mkdir", "chmod", "chown", "cp", "mv", "rm", "ln", "touch",
    "cat", "envsubst", "unset", "local", "return", "{", "}", ":", "ls", "curl", "wget", "sed",
})
_ASSIGN = re.compile(r"^[A-Za-z_]\w*=\S*$")
_REDIRECT_TARGET = re.compile(r"(?:>>?|\btee\s+(?:-a\s+)?)\s*([^\s<>;&|'\"]+)")
_PORT_FLAG = re.compile(r"(?:^|\s)(?:--port|-p|--listen|-l)(?:=|\s+)(\d{2,5})(?=\s|$)")
_BIND_FLAG = re.compile(r"(?:^|\s)(?:--bind|-b)(?:=|\s+)['\"]?[\w.\[\]:-]*:(\d{2,5})(?=['\"\s]|$)")


@dataclass
class Heredoc:
    """A heredoc body with its 1-based line numbers (filled while the Dockerfile is read)."""

    name: str
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Process:
    """The command a script ends in, and the body line that starts it."""

    command: str
    line: int
    text: str
    hands_over: bool  # `exec "$@"`: the script runs whatever CMD says


def destination(op: str, args: str) -> str | None:
    """Where a heredoc lands: COPY's last argument, or the file a RUN's `cat`/`tee` writes."""
    if op in ("COPY", "ADD"):
        toks = [t for t in args.split() if not t.startswith(("--", "<<"))]
        return toks[-1] if toks else None
    m = _REDIRECT_TARGET.search(args)
    return m.group(1) if m else None


def in_workdir(path: str, workdir: str) -> str:
    """`entrypoint.sh` / `./entrypoint.sh` under WORKDIR, as an absolute path."""
    return posixpath.normpath(posixpath.join(workdir or "/", path))


def script_of(argv: list[str]) -> tuple[str, list[str]] | None:
    """(script path, arguments) that an ENTRYPOINT/CMD argv runs, past init wrappers and `sh x.sh`."""
    i = 0
    while i < len(argv) and posixpath.basename(argv[i]) in _INITS:
        i += 1
        while i < len(argv) and argv[i].startswith("-"):
            i += 1
    rest = argv[i:]
    if rest and posixpath.basename(rest[0]) in _SHELLS:
        rest = rest[1:]
        if not rest or rest[0].startswith("-"):
            return None
    if not rest or not (rest[0].endswith(".sh") or "/" in rest[0]):
        return None
    return rest[0], rest[1:]


def last_process(body: list[tuple[int, str]]) -> Process | None:
    """The process the script ends in: the last `exec` line, else the last command that is not
    shell plumbing (echo, sleep, waits, one-shot file tools)."""
    last: Process | None = None
    exec_seen: Process | None = None
    for no, text, command in _commands(body):
        words = _split(command)
        if not words:
            continue
        if words[0] == "exec":
            words = words[1:]
            if not words or words[0].startswith("-"):
                continue  # `exec >log 2>&1` only redirects
            exec_seen = _process(words, no, text)
        elif words[0] not in _NOT_PROCESS and not _ASSIGN.match(words[0]) and not command.endswith("&"):
            last = _process(words, no, text)
    return exec_seen or last


def port_flags(command: str) -> list[int]:
    """`--port 8000`, `-p 8000`, `--bind 0.0.0.0:8000` in a command line."""
    found = [int(m.group(1)) for m in _PORT_FLAG.finditer(command)]
    found += [int(m.group(1)) for m in _BIND_FLAG.finditer(command)]
    return [p for p in found if 0 < p < 65536]


def _process(words: list[str], no: int, text: str) -> Process:
    hands_over = words[0] in ('"$@"', "$@")
    return Process(" ".join(words), no, text, hands_over)


def _split(command: str) -> list[str]:
    try:
        return shlex.split(command, posix=False)
    except ValueError:
        return command.split()


def _commands(body: list[tuple[int, str]]) -> list[tuple[int, str, str]]:
    """(first line, its text, command) per logical line: continuations joined, comments dropped,
    and the last part of `a && b` / `a; b` kept (the part that stays running)."""
    out: list[tuple[int, str, str]] = []
    parts: list[str] = []
    start, first_text = 0, ""
    for no, raw in body:
        stripped = raw.strip()
        if not parts and (not stripped or stripped.startswith("#")):
            continue
        if not parts:
            start, first_text = no, raw
        if stripped.endswith("\\"):
            parts.append(stripped[:-1].strip())
            continue
        parts.append(stripped)
        command = " ".join(p for p in parts if p)
        parts = []
        for sep in ("&&", ";", "||"):
            if sep in command:
                command = command.rsplit(sep, 1)[-1].strip() if sep != "||" else command.split(sep, 1)[0].strip()
        if command:
            out.append((start, first_text, command))
    return out
