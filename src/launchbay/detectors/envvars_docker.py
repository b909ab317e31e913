"""Env vars a container reads at run time through its Dockerfile or Caddyfile.

A Dockerfile's CMD / ENTRYPOINT / HEALTHCHECK run a shell at container start when written in
shell form (or as `["sh", "-c", "..."]`), and that shell expands `$X` from the runtime
environment. RUN lines are skipped: they run at build time. A name the Dockerfile itself sets
with ENV (in the same stage or one it builds on) still reads the runtime environment, since
the platform may override it, but it has a default. ARG values do not exist at run time.
Caddy substitutes `{$X}` / `{$X:default}` when it loads the Caddyfile and `{env.X}` at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import islice

from launchbay.detectors.envvars_common import MAX_MATCHES, NAME, Hit
from launchbay.detectors.envvars_shell import scan_shell

_RUNTIME = frozenset({"CMD", "ENTRYPOINT", "HEALTHCHECK"})
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh"})
_ENV_PAIR = re.compile(r"(?:^|\s)(?P<n>" + NAME + r")=")
_FIRST_WORD = re.compile(r"\s*(?P<n>" + NAME + r")")
_FROM = re.compile(r"(?i)\s*(?:--\S+\s+)*(?P<image>\S+)(?:\s+as\s+(?P<alias>\S+))?")
_HEALTH_CMD = re.compile(r"(?i)(?:--\S+\s+)*CMD\s+")
_CADDY = re.compile(r"\{(?:\$(?P<n>" + NAME + r")(?P<d>:[^}\n]*)?|env\.(?P<e>" + NAME + r"))\}")
_CADDY_COMMENT = re.compile(r"(?:^|\s)#", re.M)
_HEREDOC = re.compile(r"<<-?[ \t]*[\"']?(?P<d>\w+)[\"']?")


@dataclass
class _Instruction:
    keyword: str
    start: int  # offset of the arguments in the file
    end: int


@dataclass
class _Stage:
    env: set[str] = field(default_factory=set)


def scan_dockerfile(text: str) -> list[Hit]:
    """Variables the runtime lines (CMD, ENTRYPOINT, HEALTHCHECK) expand in a shell."""
    hits: list[Hit] = []
    stages: dict[str, _Stage] = {}
    stage = _Stage()
    for ins in _instructions(text):
        args = text[ins.start:ins.end]
        if ins.keyword == "FROM":
            m = _FROM.match(args)
            parent = stages.get(m.group("image").lower()) if m else None
            stage = _Stage(set(parent.env) if parent else set())
            if m and m.group("alias"):
                stages[m.group("alias").lower()] = stage
        elif ins.keyword == "ENV":
            stage.env.update(_env_names(args))
        elif ins.keyword in _RUNTIME:
            start = ins.start
            if ins.keyword == "HEALTHCHECK":
                m = _HEALTH_CMD.match(args)
                if m is None:
                    continue
                start += m.end()
            for hit in _runtime_hits(text, start, ins.end):
                hits.append(Hit(hit.name, hit.start, hit.end, hit.default or hit.name in stage.env))
        if len(hits) >= MAX_MATCHES:
            break
    return hits


def _instructions(text: str) -> list[_Instruction]:
    """Logical instructions: a keyword and its arguments, continuation lines joined."""
    out: list[_Instruction] = []
    pos, n = 0, len(text)
    while pos < n:
        end = text.find("\n", pos)
        end = n if end == -1 else end
        line = text[pos:end]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            pos = end + 1
            continue
        m = re.match(r"[ \t]*(?P<kw>[A-Za-z]+)[ \t]*", line)
        args_start = pos + (m.end() if m else 0)
        while line.rstrip().endswith("\\") and end < n:
            nxt = text.find("\n", end + 1)
            nxt = n if nxt == -1 else nxt
            line = text[end + 1:nxt]
            end = nxt
        out.append(_Instruction(m.group("kw").upper() if m else "", args_start, end))
        pos = end + 1
        doc = _HEREDOC.search(text, args_start, end)
        if doc is not None:  # a heredoc body is data, not instructions: skip to its delimiter
            close = re.compile(r"^[ \t]*" + re.escape(doc.group("d")) + r"[ \t]*$", re.M).search(text, pos)
            pos = n if close is None else close.end() + 1
    return out


def _env_names(args: str) -> set[str]:
    pairs = {m.group("n") for m in _ENV_PAIR.finditer(args)}
    if pairs:
        return pairs
    first = _FIRST_WORD.match(args)  # legacy `ENV NAME value`
    return {first.group("n")} if first else set()


def _runtime_hits(text: str, start: int, end: int) -> list[Hit]:
    """Shell-form arguments are shell text; exec form only when it runs `sh -c "<script>"`."""
    args = text[start:end]
    if args.lstrip().startswith("["):
        try:
            argv = json.loads(args.replace("\\\n", " "))
        except ValueError:
            argv = None
        if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
            return _exec_hits(text, start, end, argv)
    return [Hit(h.name, start + h.start, start + h.end, h.default) for h in scan_shell(args)]


def _exec_hits(text: str, start: int, end: int, argv: list[str]) -> list[Hit]:
    if not argv or argv[0].rsplit("/", 1)[-1] not in _SHELLS:
        return []  # exec form without a shell: `$X` is passed on literally
    flag = next((i for i, a in enumerate(argv[1:], 1) if re.fullmatch(r"-[a-z]*c[a-z]*", a)), None)
    if flag is None or flag + 1 >= len(argv):
        return []
    out: list[Hit] = []
    for hit in scan_shell(argv[flag + 1]):
        # The script is JSON-escaped in the file: point at the name's first spot in the raw text.
        m = re.compile(r"\$\{?" + re.escape(hit.name) + r"(?![A-Za-z0-9_])").search(text, start, end)
        if m is not None:
            name_start = m.end() - len(hit.name)
            out.append(Hit(hit.name, name_start, m.end(), hit.default))
    return out


def scan_caddyfile(text: str) -> list[Hit]:
    """`{$X}`, `{$X:default}` and `{env.X}` placeholders outside comments."""
    hits: list[Hit] = []
    for m in islice(_CADDY.finditer(text), MAX_MATCHES):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _CADDY_COMMENT.search(text, line_start, m.start()):
            continue
        name = m.group("n") or m.group("e")
        at = m.start("n") if m.group("n") else m.start("e")
        hits.append(Hit(name, at, at + len(name), m.group("d") is not None))
    return hits
