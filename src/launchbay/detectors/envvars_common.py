"""Shared pieces of the env-var scanners: the `Hit` they report and a tiny bracket scanner.

Why a bracket scanner and not a parser: schemas such as `createEnv({ server: {...} })` or
`cleanEnv(process.env, {...})` need their top-level keys, and a string/comment-aware walk over
the brackets is enough for that, linear in the text and tolerant of anything malformed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# Per-file cap on matches that need more than constant work: real files have a handful, and a
# hostile file must not turn the review quadratic.
MAX_MATCHES = 2000

# A call to a project's own env helper: getEnv("X", "d"), mustGetEnv("X"), env_or("X", d),
# requireEnv("X")... Only UPPER_CASE literal names count, which keeps unrelated calls out.
# Found from the argument side (a literal-first regex is fast in `re`), then the callee is checked.
_HELPER_ARG = re.compile(r"\(\s*(?P<q>[\"'`])(?P<name>[A-Z][A-Z0-9_]*)(?P=q)")
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
    for m in islice(_HELPER_ARG.finditer(text), MAX_MATCHES):
        fn_start, fn = _callee(text, m.start())
        if fn in _NOT_HELPERS or _HELPER_FN.fullmatch(fn) is None or not starts_word(text, fn_start):
            continue
        default = False
        if not _NO_DEFAULT_HELPER.search(fn):
            rest = rest_of_call(text, m.end())
            default = "default=" in rest if fn == "env" else bool(rest.strip())
        hits.append(Hit(m.group("name"), m.start("name"), m.end(), default))
    return hits


def _callee(text: str, paren: int) -> tuple[int, str]:
    """The identifier just before the `(` at `paren` (and where it starts); "" when none."""
    end = paren
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > 0 and end - start < 64 and text[start - 1] in _IDENT_CHARS:
        start -= 1
    return start, text[start:end]


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


def split_top(text: str, open_idx: int, limit: int = 100_000) -> tuple[list[tuple[int, int]], int] | None:
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
        if c == "/" and text.startswith("//", i):
            nl = text.find("\n", i, stop)
            pos = stop if nl == -1 else nl
            continue
        if c == "/" and text.startswith("/*", i):
            close = text.find("*/", i + 2, stop)
            if close == -1:
                return None
            pos = close + 2
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
    """The remaining arguments of a call after position `pos` (just past its first argument):
    the text from the next comma up to the next `)`, or "" when the call closes there.

    Approximate on purpose (a `)` inside a later argument ends it early); callers only ask
    whether there is another argument and whether it says `default=`.
    """
    k = skip_ws(text, pos, min(len(text), pos + limit))
    if k >= len(text) or text[k] != ",":
        return ""
    close = text.find(")", k + 1, k + 1 + limit)
    return text[k + 1: close if close != -1 else min(len(text), k + 1 + limit)]
