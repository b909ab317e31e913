"""Env-var reads in shell scripts (entrypoints, start scripts).

A shell script reads its environment through every `$X` it did not set itself, so a name
counts only when it is UPPER_CASE, is no shell special, and no assignment (X=, export X=,
read X, for X in, getopts) appears on an earlier line. Quoting is tracked just enough to skip
single-quoted text, comments and quoted heredocs, where `$X` is not expanded.
"""

from __future__ import annotations

import re

from launchbay.detectors.envvars_common import MAX_MATCHES, NAME, Hit

_TOKEN = re.compile(
    r"\\.|'|\""
    r"|\$\{#?(?P<b>" + NAME + r")(?P<op>:?[-=?+])?"
    r"|\$(?P<s>" + NAME + r")"
    r"|<<-?[ \t]*(?P<hq>['\"])(?P<hd>\w+)(?P=hq)"
    r"|(?<![^\s;|&(])#"
)
_ASSIGN = re.compile(
    r"(?:^|[;&|({]|\b(?:then|do|else)\b)[ \t]*"
    r"(?:(?:export|local|readonly|declare|typeset)(?:[ \t]+-\w+)*[ \t]+)?(?P<n>" + NAME + r")\+?=",
    re.M,
)
_COMMAND_END = re.compile(r"[;&|\n]")
_LOOP = re.compile(r"\b(?:for|select)[ \t]+(?P<n>" + NAME + r")[ \t]+in\b")
_READ_CMD = re.compile(r"\bread\b(?P<args>[^\n;|&)]*)")
_GETOPTS = re.compile(r"\bgetopts[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\S+)[ \t]+(?P<n>" + NAME + r")")
_UPPER = re.compile(r"[A-Z_][A-Z0-9_]*")
_SPECIALS = frozenset({
    "HOME", "PATH", "PWD", "OLDPWD", "USER", "LOGNAME", "SHELL", "HOSTNAME", "RANDOM", "IFS", "OPTARG",
    "OPTIND", "UID", "EUID", "PPID", "SECONDS", "LINENO", "REPLY", "PIPESTATUS", "SHLVL", "FUNCNAME",
    "GROUPS", "HOSTTYPE", "OSTYPE", "MACHTYPE", "TERM", "COLUMNS", "LINES", "PS1", "PS2", "PS4", "TMPDIR",
    "LANG", "LC_ALL", "EPOCHSECONDS", "EPOCHREALTIME", "SRANDOM", "DIRSTACK", "HISTFILE",
})


def scan_shell(text: str) -> list[Hit]:
    """Reads of environment variables the script does not assign itself."""
    assigned = _assignments(text)
    hits: list[Hit] = []
    in_double = False
    pos = 0
    n = len(text)
    while pos < n and len(hits) < MAX_MATCHES:
        m = _TOKEN.search(text, pos)
        if m is None:
            break
        tok = m.group()
        pos = m.end()
        if tok == "'":
            if not in_double:
                close = text.find("'", pos)
                pos = n if close == -1 else close + 1
        elif tok == '"':
            in_double = not in_double
        elif tok == "#":
            if not in_double:
                nl = text.find("\n", pos)
                pos = n if nl == -1 else nl
        elif m.group("hd"):
            if not in_double:
                pos = _heredoc_end(text, pos, m.group("hd"))
        else:
            name = m.group("b") or m.group("s")
            if name and _is_env_name(name) and assigned.get(name, n + 1) > m.start():
                op = m.group("op") or ""
                start = m.start("b") if m.group("b") else m.start("s")
                hits.append(Hit(name, start, start + len(name), op.lstrip(":") in {"-", "="}))
    return hits


def _is_env_name(name: str) -> bool:
    return (
        _UPPER.fullmatch(name) is not None
        and any(c.isalpha() for c in name)
        and name not in _SPECIALS
        and name != "BASH"
        and not name.startswith(("BASH_", "LC_"))
    )


def _assignments(text: str) -> dict[str, int]:
    """For each name the script sets: the offset from which reads of it see its own value.

    `X=...` takes effect after its command (the next `;`, `&`, `|` or line end), so
    `X=${X:-d}` and `X=1 cmd $X` still read the environment; `for X in`, `read X` and
    `getopts ... X` take effect right away.
    """
    first: dict[str, int] = {}

    def note(name: str, eff: int) -> None:
        if eff < first.get(name, len(text) + 2):
            first[name] = eff

    for m in _ASSIGN.finditer(text):
        end = _COMMAND_END.search(text, m.end(), m.end() + 2000)
        note(m.group("n"), min(len(text), m.end() + 2000) if end is None else end.end())
    for m in _LOOP.finditer(text):
        note(m.group("n"), m.start("n"))
    for m in _GETOPTS.finditer(text):
        note(m.group("n"), m.start("n"))
    for m in _READ_CMD.finditer(text):
        args = re.sub(r"\"[^\"]*\"|'[^']*'", " ", m.group("args"))
        for word in args.split():
            if re.fullmatch(NAME, word):
                note(word, m.start())
    return first


def _heredoc_end(text: str, pos: int, delim: str) -> int:
    """Offset just after a quoted heredoc's closing delimiter line (its body is not expanded)."""
    nl = text.find("\n", pos)
    if nl == -1:
        return len(text)
    end = re.compile(r"^[ \t]*" + re.escape(delim) + r"[ \t]*$", re.M).search(text, nl + 1)
    return len(text) if end is None else end.end()
