"""Shared pieces of the env-var scanners: the `Hit` they report and a tiny bracket scanner.

Why a bracket scanner and not a parser: schemas such as `createEnv({ server: {...} })` or
`cleanEnv(process.env, {...})` need their top-level keys, and a string/comment-aware walk over
the brackets is enough for that, linear in the text and tolerant of anything malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NAME = r"[A-Za-z_][A-Za-z0-9_]*"

# A call to a project's own env helper: getEnv("X", "d"), mustGetEnv("X"), env_or("X", d),
# requireEnv("X")... Only UPPER_CASE literal names count, which keeps unrelated calls out.
# Found from the argument side (a literal-first regex is fast in `re`), then the callee is checked.
_HELPER_ARG = re.compile(r"\(\s*(?P<q>[\"'`])(?P<name>[A-Z][A-Z0-9_]*)(?P=q)")
_CALLEE = re.compile(r"(?P<fn>[A-Za-z_$][\w$]*)\s*$")
_HELPER_FN = re.compile(
    r"(?i:(?:must_?|get_?|required_?|require_?|read_?|fetch_?)*env(?:_?var)?"
    r"(?:_?(?:or|else|default|fallback|with|required|must|str|string|int|number|num|bool|boolean|"
    r"float|list|url|optional))*)"
)
# Library calls every language scanner handles itself (with its own default rules).
_NOT_HELPERS = frozenset({"getenv", "Getenv", "LookupEnv", "Setenv", "Unsetenv"})
_NO_DEFAULT_HELPER = re.compile(r"(?i)must|require")
_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def starts_word(text: str, pos: int, *, allow_dot: bool = True) -> bool:
    """True when no identifier character (nor a dot, unless allowed) precedes `pos`."""
    if pos == 0:
        return True
    prev = text[pos - 1]
    return prev not in _IDENT_CHARS and (allow_dot or prev != ".")


@dataclass(frozen=True)
class Hit:
    """One read of variable `name`; the quote runs from its line's start up to offset `end`."""

    name: str
    start: int
    end: int
    default: bool = False


def helper_hits(text: str) -> list[Hit]:
    """Calls of env helpers with an UPPER_CASE literal name; a second argument is a fallback,
    except for helpers that require the variable and for django-environ's `env("X", cast)`."""
    hits: list[Hit] = []
    for m in _HELPER_ARG.finditer(text):
        callee = _CALLEE.search(text, max(0, m.start() - 64), m.start())
        if callee is None:
            continue
        fn = callee.group("fn")
        if fn in _NOT_HELPERS or _HELPER_FN.fullmatch(fn) is None or not starts_word(text, callee.start()):
            continue
        default = False
        if not _NO_DEFAULT_HELPER.search(fn):
            rest = rest_of_call(text, m.end())
            default = "default=" in rest if fn == "env" else bool(rest.strip())
        hits.append(Hit(m.group("name"), m.start("name"), m.end(), default))
    return hits


_INTEREST = re.compile(r"[{}\[\]()\"'`/,]")
_WS = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_KEY = re.compile(r"(?:(?P<q>[\"'])(?P<qk>[^\"'\n]*)(?P=q)|(?P<ik>[A-Za-z_$][\w$]*))\s*(?P<colon>:)?")


def skip_ws(text: str, pos: int, end: int | None = None) -> int:
    """Offset of the first character at or after `pos` that is not whitespace or a comment."""
    m = _WS.match(text, pos, len(text) if end is None else end)
    return pos if m is None else m.end()


def skip_string(text: str, i: int) -> int:
    """Index just after the string literal opening at `i` (end of text if unterminated)."""
    quote = text[i]
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote:
            return j + 1
        if c == "\n" and quote != "`":
            return j
        j += 1
    return n


def split_top(text: str, open_idx: int, limit: int = 200_000) -> tuple[list[tuple[int, int]], int] | None:
    """Spans between the bracket at `open_idx` and its partner, cut at top-level commas.

    Returns the spans and the index of the closing bracket, or None when it never closes.
    """
    depth = 0
    pos = open_idx
    stop = min(len(text), open_idx + limit)
    spans: list[tuple[int, int]] = []
    seg = open_idx + 1
    while pos < stop:
        m = _INTEREST.search(text, pos, stop)
        if m is None:
            return None
        i = m.start()
        c = text[i]
        if c in "\"'`":
            pos = skip_string(text, i)
            continue
        if c == "/" and i + 1 < len(text) and text[i + 1] in "/*":
            pos = max(skip_ws(text, i), i + 1)
            continue
        if c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                spans.append((seg, i))
                return spans, i
        elif c == "," and depth == 1:
            spans.append((seg, i))
            seg = i + 1
        pos = i + 1
    return None


@dataclass(frozen=True)
class Entry:
    """A top-level `key: value` of an object literal (value span empty for shorthand keys)."""

    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int


def object_entries(text: str, open_idx: int) -> list[Entry]:
    """Top-level keys of the object literal whose `{` is at `open_idx`."""
    found = split_top(text, open_idx)
    if found is None:
        return []
    out: list[Entry] = []
    for start, end in found[0]:
        k = skip_ws(text, start, end)
        if text.startswith("...", k):
            continue
        m = _KEY.match(text, k, end)
        if m is None:
            continue
        key = m.group("qk") if m.group("q") else m.group("ik")
        if not key:
            continue
        if m.group("colon"):
            out.append(Entry(key, m.start(), m.end("qk") + 1 if m.group("q") else m.end("ik"), m.end(), end))
        elif skip_ws(text, m.end(), end) == end:
            out.append(Entry(key, m.start(), m.end("ik") if m.group("ik") else m.end(), end, end))
    return out


def rest_of_call(text: str, pos: int, limit: int = 400) -> str:
    """The remaining arguments of a call after position `pos` (just past the first argument).

    Empty when the call closes right there. Quotes and brackets are honoured so a `)` inside
    a string does not end the call early.
    """
    k = skip_ws(text, pos)
    if k >= len(text) or text[k] != ",":
        return ""
    depth = 0
    i = k + 1
    stop = min(len(text), i + limit)
    while i < stop:
        c = text[i]
        if c in "\"'`":
            i = skip_string(text, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return text[k + 1:i]
            depth -= 1
        i += 1
    return text[k + 1:stop]
