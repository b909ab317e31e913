"""Named function definitions in Go, JS/TS and Python, just enough to know which function
encloses an offset and what its first parameter is called.

Used only on the rare files that read the environment through a parameter, so the header
regexes may be simple; every body span comes from the bracket scanner (Go, JS) or from
indentation (Python), bounded, and nothing here raises on malformed code.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from launchbay.detectors.envvars_common import skip_ws, split_top

_GO_HEAD = re.compile(r"^func[ \t]*(?P<recv>\([^()\n]*\))?[ \t]*(?P<name>\w+)[ \t]*(?:\[[^\]\n]*\])?\(", re.M)
_JS_HEAD = re.compile(
    r"function\b\s*\*?\s*(?P<f>[\w$]+)\s*(?:<[^<>()]*>)?\s*\("
    r"|(?P<a>[\w$]+)\s*(?P<op>[:=])\s*(?:async\s*)?(?P<fkw>function\b\s*\*?\s*[\w$]*\s*)?(?:<[^<>()]*>)?\s*\("
    r"|(?P<s>[\w$]+)\s*(?P<sop>[:=])\s*(?:async\s+)?(?P<sp>[A-Za-z_$][\w$]*)\s*=>"
    r"|^[ \t]*(?:(?:public|private|protected|static|async|readonly|override|export|get)\s+)*"
    r"(?P<m>[\w$]+)\s*(?:<[^<>()]*>)?\s*\(",
    re.M,
)
_PY_HEAD = re.compile(r"^(?P<ind>[ \t]*)(?:async[ \t]+)?def[ \t]+(?P<name>\w+)[ \t]*\(", re.M)
_JS_KEYWORDS = frozenset({"if", "for", "while", "switch", "catch", "with", "return", "function", "await",
                          "typeof", "new", "super", "import", "require", "constructor"})
_JS_PARAM = re.compile(r"\s*(?:(?:public|private|protected|readonly)\s+)?(?P<p>[A-Za-z_$][\w$]*)\s*(?:[:=?]|$)")
_IDENT = re.compile(r"\s*(?P<p>[A-Za-z_]\w*)")
_LOOK_BACK = 50  # headers tried, innermost first, for one offset
_MAX_SPANS = 300  # bodies measured per text: enough for real files, bounded for hostile ones
_MAX_BODY = 20_000  # characters; an env wrapper is a few lines
_MAX_BODY_LINES = 500


@dataclass(frozen=True)
class Func:
    """A named function: its first parameter (after self/cls) and the span of its body."""

    name: str
    param: str
    method: bool
    body_start: int
    body_end: int


class Functions:
    """Function headers of one text, parsed on first use, only near the offsets asked about
    (`positions`): a header farther back than a measurable body cannot enclose them."""

    def __init__(self, lang: str, text: str, positions: list[int]) -> None:
        self.lang = lang
        self.text = text
        self._lo = max(0, min(positions, default=0) - _MAX_BODY - 4000)
        self._hi = max(positions, default=0)
        self._heads: list[re.Match[str]] | None = None
        self._starts: list[int] = []
        self._spans: dict[int, Func | None] = {}

    def enclosing(self, pos: int) -> Func | None:
        """The innermost named function whose body contains `pos` (None when there is none)."""
        if self._heads is None:
            rx = _GO_HEAD if self.lang == "go" else _JS_HEAD if self.lang == "js" else _PY_HEAD
            self._heads = list(rx.finditer(self.text, self._lo, self._hi))
            self._starts = [m.start() for m in self._heads]
        idx = bisect.bisect_left(self._starts, pos) - 1
        tried = 0
        while idx >= 0 and tried < _LOOK_BACK:
            func = self._func(idx)
            if func is not None and func.body_start <= pos < func.body_end:
                return func
            if self.lang == "go" and func is not None:
                return None  # Go functions do not nest: the last one before is the only candidate
            idx -= 1
            tried += 1
        return None

    def _func(self, idx: int) -> Func | None:
        if idx not in self._spans and self._heads is not None and len(self._spans) < _MAX_SPANS:
            m = self._heads[idx]
            try:
                self._spans[idx] = (_go if self.lang == "go" else _js if self.lang == "js" else _py)(self.text, m)
            except (IndexError, ValueError):
                self._spans[idx] = None
        return self._spans.get(idx)


def enclosing(lang: str, text: str, pos: int) -> Func | None:
    """One-off form of `Functions(lang, text, [pos]).enclosing(pos)`."""
    return Functions(lang, text, [pos]).enclosing(pos)


def _params(text: str, paren: int) -> tuple[list[str], int] | None:
    found = split_top(text, paren, limit=4000)
    if found is None:
        return None
    spans, close = found
    return [text[a:b] for a, b in spans], close


def _go(text: str, m: re.Match[str]) -> Func | None:
    found = _params(text, m.end() - 1)
    if found is None:
        return None
    params, close = found
    first = _IDENT.match(params[0]) if params else None
    line_end = text.find("\n", close)
    brace = text.rfind("{", close, line_end if line_end != -1 else len(text))
    if first is None or brace == -1:
        return None
    body = split_top(text, brace, _MAX_BODY)
    if body is None:
        return None
    return Func(m.group("name"), first.group("p"), m.group("recv") is not None, brace + 1, body[1])


def _js(text: str, m: re.Match[str]) -> Func | None:
    name = m.group("f") or m.group("a") or m.group("s") or m.group("m") or ""
    if not name or name in _JS_KEYWORDS:
        return None
    method = bool(m.group("m")) or m.group("op") == ":" or m.group("sop") == ":" or (
        m.start() > 0 and text[m.start() - 1] == "."
    )
    if m.group("s"):
        return _js_body(text, m.end() - 2, name, m.group("sp"), method, arrow=True)
    found = _params(text, m.end() - 1)
    if found is None:
        return None
    params, close = found
    first = _JS_PARAM.match(params[0]) if params else None
    if first is None:
        return None
    arrow = bool(m.group("a")) and not m.group("fkw")
    return _js_body(text, close + 1, name, first.group("p"), method, arrow=arrow)


def _js_body(text: str, pos: int, name: str, param: str, method: bool, *, arrow: bool) -> Func | None:
    """The body after a parameter list ending before `pos` (an arrow's `=>` may sit at `pos`)."""
    k = skip_ws(text, pos, min(len(text), pos + 400))
    typed = text.startswith(":", k)
    if arrow:
        at = text.find("=>", k, k + 200) if typed else (k if text.startswith("=>", k) else -1)
        if at == -1:
            return None
        k = skip_ws(text, at + 2, min(len(text), at + 400))
        if not text.startswith("{", k):
            ends = [i for i in (text.find(";", k), text.find("\n", k)) if i != -1]
            return Func(name, param, method, k, min(ends) if ends else len(text))
    elif typed:
        k = text.find("{", k, k + 200)
    if k == -1 or not text.startswith("{", k):
        return None
    body = split_top(text, k, _MAX_BODY)
    return Func(name, param, method, k + 1, body[1]) if body is not None else None


def _py(text: str, m: re.Match[str]) -> Func | None:
    found = _params(text, m.end() - 1)
    if found is None:
        return None
    params, close = found
    first = _IDENT.match(params[0]) if params else None
    method = first is not None and first.group("p") in {"self", "cls"}
    if method:
        first = _IDENT.match(params[1]) if len(params) > 1 else None
    if first is None:
        return None
    indent = len(m.group("ind").expandtabs())
    end = len(text)
    line_start = text.find("\n", close)
    for _ in range(_MAX_BODY_LINES):
        if line_start == -1:
            break
        nxt = text.find("\n", line_start + 1)
        line = text[line_start + 1: nxt if nxt != -1 else len(text)]
        line = line.expandtabs()
        code = line.lstrip()
        if code and not code.startswith("#") and len(line) - len(code) <= indent:
            end = line_start + 1
            break
        line_start = nxt
    return Func(m.group("name"), first.group("p"), method, close + 1, end)
