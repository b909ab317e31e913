"""PM2 ecosystem files: the command and port each app runs with under PM2.

Why text scanning for the .js form: an ecosystem.config.js is code we must never execute,
but its `apps` array is almost always a literal. A small brace matcher (strings and comments
skipped, so linear) cuts it into one span per app; each span is then read key by key.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from launchbay.detectors.node_pkg import join, line_at

PM2_FILES = (
    "ecosystem.config.js", "ecosystem.config.cjs", "ecosystem.config.mjs", "ecosystem.config.json",
    "ecosystem.json",
)

_APPS = re.compile(r"[\"']?apps[\"']?\s*:\s*\[")
_STR_KEY = r"[\"']?{key}[\"']?\s*:\s*([\"'`])([^\"'`\n]*)\1"
_SCRIPT = re.compile(_STR_KEY.format(key="script"))
_ARGS_STR = re.compile(_STR_KEY.format(key="args"))
_ARGS_LIST = re.compile(r"[\"']?args[\"']?\s*:\s*\[([^\]]{0,500})\]")
_CWD = re.compile(_STR_KEY.format(key="cwd"))
_INTERPRETER = re.compile(_STR_KEY.format(key="interpreter"))
_PORT = re.compile(r"[\"']?PORT[\"']?\s*:\s*[\"']?(\d{1,5})\b")
_STRING = re.compile(r"([\"'`])([^\"'`\n]*)\1")
_SCRIPT_EXTS = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".py")


@dataclass(frozen=True)
class Pm2App:
    """One PM2 app: its command, where that is written, its folder and any env PORT."""

    command: str
    line: int
    text: str
    cwd: str
    is_package_script: bool
    ports: tuple[tuple[int, int, str], ...]  # (port, line, line text)


def pm2_apps(rel: str, text: str) -> Iterator[Pm2App]:
    """Every app with a `script` in the ecosystem file `rel`."""
    folder = posixpath.dirname(rel) or "."
    m = _APPS.search(text)
    if m is None:
        return
    for start, end in _object_spans(text, m.end()):
        body = text[start:end]
        script = _SCRIPT.search(body)
        if script is None:
            continue
        cwd_m = _CWD.search(body)
        cwd = folder
        if cwd_m and not cwd_m.group(2).strip().startswith(("/", "~")):  # absolute: a server path
            cwd = posixpath.normpath(join(folder, cwd_m.group(2).strip() or "."))
            if cwd.startswith(".."):
                cwd = folder
        command, is_pkg = _command(script.group(2).strip(), _args(body), _INTERPRETER.search(body))
        line, line_text = line_at(text, start + script.start())
        ports = []
        for p in _PORT.finditer(body):
            port = int(p.group(1))
            if 0 < port < 65536:
                pline, ptext = line_at(text, start + p.start())
                ports.append((port, pline, ptext))
        yield Pm2App(command, line, line_text, cwd, is_pkg, tuple(ports))


def _args(body: str) -> list[str]:
    listed = _ARGS_LIST.search(body)
    if listed:
        return [s.group(2) for s in _STRING.finditer(listed.group(1))]
    single = _ARGS_STR.search(body)
    return single.group(2).split() if single else []


def _command(script: str, args: list[str], interpreter: re.Match[str] | None) -> tuple[str, bool]:
    """The command line PM2 runs; True when it is a package-manager call (`npm start`)."""
    interp = interpreter.group(2).strip() if interpreter else ""
    if interp and interp != "none":
        program = [posixpath.basename(interp), script]
    elif script.endswith(_SCRIPT_EXTS) or "/" in script:
        program = ["python" if script.endswith(".py") else "node", script]
    else:
        program = [script]
    is_pkg = not interp and script in {"npm", "pnpm", "yarn", "bun"}
    return " ".join([*program, *args]), is_pkg


def _object_spans(text: str, pos: int) -> Iterator[tuple[int, int]]:
    """Spans of the top-level `{...}` items of the array that starts just before `pos`."""
    depth, start, i, n = 0, -1, pos, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            i = _skip_string(text, i)
            continue
        if ch == "/" and text.startswith("//", i):
            nl = text.find("\n", i)
            i = n if nl == -1 else nl
            continue
        if ch == "/" and text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close == -1 else close + 2
            continue
        if ch in "{[":
            if depth == 0 and ch == "{":
                start = i
            depth += 1
        elif ch in "}]":
            if depth == 0:
                return  # end of the apps array
            depth -= 1
            if depth == 0 and ch == "}" and start != -1:
                yield start, i + 1
                start = -1
        i += 1


def _skip_string(text: str, i: int) -> int:
    quote, j, n = text[i], i + 1, len(text)
    while j < n and text[j] != quote:
        if text[j] == "\\":
            j += 1
        elif text[j] == "\n" and quote != "`":
            break
        j += 1
    return j + 1
