"""Optional connections: a service the code sets up only when its setting is present.

Why a separate pass: the assembler marks a service optional only if every fact says so, so
the detector needs to know, per component, whether the connection is guarded by
`if (process.env.REDIS_URL)`, `url ? new Redis(url) : null`, `if settings.redis_url:` or
`if os.Getenv("REDIS_URL") != ""`. Guards that fail loudly (`throw`, `raise`, an error return)
mean the opposite: the service is required. A setting first copied into a local variable
(`const url = process.env.DATABASE_URL;` then `if (!url) return null;`) is followed into the
guards of the next few lines.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from launchbay.detectors.backing_code import CodeIndex, Hit
from launchbay.detectors.backing_table import (
    CLIENT_WORDS,
    CONFIG_WORDS,
    CONNECT_CALLS,
    GUARD_WORDS,
    SECONDARY_WORDS,
)

_TOKEN = re.compile(r"[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_IF = re.compile(r"\b(?:if|elif)\b\s*(.*)")
_TERNARY = re.compile(r"(?<!\?)\?(?![.?:])")
_NULLISH = re.compile(r"\b(?:null|undefined|None|nil)\b")
_CUT = re.compile(r"(?<![=!<>])=(?![=>])|[(,]|\breturn\b")
_NEG = re.compile(
    r"^\s*!(?!=)|^\s*not\b|(?<![!=])={2,3}\s*(?:\"\"|''|nil|None|null|undefined)"
    r"|\bis\s+None\b|\.is_none\(\)|\.is_err\(\)|\.is_empty\(\)|\blen\([^)]*\)\s*==\s*0"
)
# A quiet bail-out returns nothing usable: `return`, `return null`, `return None`, `return nil`.
_RETURN = re.compile(r"\breturn\b\s*(?:;|$|\}|(?:null|undefined|None|nil|false|False)\b)")
_FAIL = re.compile(r"\b(?:throw|raise|panic|exit|Fatal\w*|Err|errors?|err)\b|Error\(|Errorf|process\.exit")
_COMMENT = ("//", "#", "*", "/*", "--")


def config_services(ident: str) -> set[str]:
    """Services a setting name points at: REDIS_URL -> redis, mongoUri -> mongodb, S3_BUCKET -> s3."""
    tokens = {t.lower() for t in _TOKEN.findall(ident)}
    if not tokens & CONFIG_WORDS or tokens & SECONDARY_WORDS:
        return set()
    return {svc for svc, words in GUARD_WORDS.items() if tokens & words}


def _split_if(rest: str, python: bool) -> tuple[str, str]:
    """Condition and the code after it, from the text following `if`."""
    if rest.startswith("("):
        depth = 0
        for i, ch in enumerate(rest):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                return rest[1:i], rest[i + 1:]
        return rest[1:], ""
    if python:
        m = re.search(r":(?=\s|$)", rest)
        cond = rest[:m.start()] if m else rest
        return cond.split(" else ", 1)[0], rest[m.end():] if m else ""
    brace = rest.find("{")
    return (rest, "") if brace == -1 else (rest[:brace], rest[brace + 1:])


def _negative_is_optional(window: list[str]) -> bool:
    """`if (!X) return null` style: the code bails out quietly, rather than failing."""
    for text in window:
        if _FAIL.search(text):
            return False
        if _RETURN.search(text):
            return True
    return False


# A local variable declared from a setting: `const url = process.env.X`, `url := os.Getenv("X")`,
# `url = settings.redis_url`. The value must be the setting itself, not a fallback or a client.
_DECL = re.compile(r"^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]{1,60})?=(?![=>])\s*(.*)$")
_DECL_GO = re.compile(r"^\s*([A-Za-z_]\w*)\s*:=\s*(.*)$")
_DECL_PY = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?::[^=]{1,60})?=(?!=)\s*(.*)$")
_SOURCE = re.compile(
    r"(?:await\s+)?([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[\s*[\"'][\w.-]+[\"']\s*\])*)"
    r"(?:\s*\(\s*[\"']([\w.-]+)[\"']\s*\))?"
)
_FALLBACK = re.compile(r"\?\?|\|\||\bor\b|\?(?!\.)")
_ALIAS_REACH = 12  # lines after the declaration in which its guard is looked for


def _alias(line: str, python: bool, services: set[str]) -> tuple[str, set[str]] | None:
    """(variable, services) when `line` declares a variable holding a service setting."""
    m = (_DECL_PY if python else _DECL).match(line) or (None if python else _DECL_GO.match(line))
    if m is None:
        return None
    src = _SOURCE.match(m.group(2))
    if src is None or _FALLBACK.search(m.group(2)[src.end():]):
        return None
    found = config_services(src.group(1)) | (config_services(src.group(2)) if src.group(2) else set())
    return (m.group(1), found & services) if found & services else None


def _alias_guards(lines: list[str], lineno: int, name: str) -> Iterator[int]:
    """1-based numbers of the lines after a declaration that test the declared variable."""
    word = re.compile(r"(?<![\w$.])" + re.escape(name) + r"(?![\w$])")
    for idx in range(lineno, min(lineno + _ALIAS_REACH, len(lines))):
        text = lines[idx]
        if text.lstrip().startswith(_COMMENT) or not word.search(text):
            continue
        if _alias_redeclared(text, name):
            return
        if "if" in text or "?" in text:
            yield idx + 1


def _alias_redeclared(text: str, name: str) -> bool:
    m = _DECL.match(text) or _DECL_GO.match(text)
    return m is not None and m.group(1) == name


def find_guards(index: CodeIndex, comp: str, services: set[str],
                uses: dict[str, re.Pattern[str]]) -> dict[str, list[Hit]]:
    """Lines where a component connects to a service only when its setting is present.

    Positive guards (`if (process.env.REDIS_URL)`, `url ? new Redis(url) : null`) count as is;
    negative ones (`if not settings.redis_url:`) only when the code then returns quietly
    instead of failing. `uses[service]` matches a file importing that service's client; without
    it, the guarded code itself must mention the client (`new Redis`, `init_redis(`...).
    """
    found: dict[str, list[Hit]] = defaultdict(list)
    words = {w for s in services for w in GUARD_WORDS[s]}
    # "postgres" already finds "postgresql", "mongo" finds "mongodb": scan for the shortest.
    keywords = sorted(w for w in words if not any(o != w and w.startswith(o) for o in words))
    for rel in index.code(comp):
        text = index.ctx.read(rel)
        if text is None:
            continue
        python = rel.endswith(".py")
        seen: set[int] = set()
        aliases: list[tuple[int, str, set[str]]] = []
        for pos in _setting_names(text, keywords):
            start = text.rfind("\n", 0, pos) + 1
            if start in seen:
                continue
            seen.add(start)
            end = text.find("\n", pos)
            line = text[start: end if end != -1 else len(text)]
            if len(line) > 400 or line.lstrip().startswith(_COMMENT):
                continue
            lineno = text.count("\n", 0, start) + 1
            alias = _alias(line, python, services)
            if alias is not None:
                aliases.append((lineno, *alias))
            if "if" in line or "?" in line:
                _check(found, rel, text, index.lines(rel), lineno, _guards_on_line(line, python, services),
                       python, uses)
        if not aliases:
            continue
        lines = index.lines(rel)
        done = {text.count("\n", 0, start) + 1 for start in seen}
        for decl, name, svcs in aliases:
            for lineno in _alias_guards(lines, decl, name):
                if lineno not in done:
                    done.add(lineno)
                    on_line = _guards_on_line(lines[lineno - 1], python, svcs, {name: svcs})
                    _check(found, rel, text, lines, lineno, on_line, python, uses)
    return found


def _check(found: dict[str, list[Hit]], rel: str, text: str, lines: list[str], lineno: int,
           on_line: Iterable[tuple[str, str, bool]], python: bool, uses: dict[str, re.Pattern[str]]) -> None:
    """Record the guards on one line that really make the connection optional."""
    for svc, after, negative in on_line:
        # A quiet bail-out may first log why: look a little further for its `return`.
        window = _body(lines, lineno - 1, after, python, 6 if negative else 3)
        if negative and not _negative_is_optional(window):
            continue
        # A positive guard must itself set up the client; after a quiet bail-out the
        # client is set up further on, so importing its library is enough.
        user = uses.get(svc)
        imported = negative and user is not None and bool(user.search(text))
        if (imported or _calls_client(window, svc)) and len(found[svc]) < 5:
            found[svc].append(Hit(svc, rel, lineno, lines[lineno - 1]))


_CONFIG_ALT = "|".join(sorted(CONFIG_WORDS, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=64)
def _name_pattern(keyword: str) -> re.Pattern[str]:
    """A service word then a config word; starting with the literal word lets the engine jump
    from one occurrence to the next at C speed."""
    return re.compile(re.escape(keyword) + f"[a-z0-9_.]{{0,16}}?(?:{_CONFIG_ALT})")


@lru_cache(maxsize=64)
def _switch_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(?:enabled?|use|has)_?(?:" + "|".join(map(re.escape, keywords)) + ")")


def _setting_names(text: str, keywords: list[str]) -> Iterator[int]:
    """Offsets of lower-cased setting names: a service word then a config word (`redis_url`,
    `upstash_redis_rest_url`, `databaseurl`, `mongodb_uri`) or a switch (`enable_redis`)."""
    lower = text.lower()
    if len(lower) != len(text):  # a few characters grow when lower-cased; keep offsets aligned
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    present = tuple(kw for kw in keywords if kw in lower)
    for kw in present:
        for m in _name_pattern(kw).finditer(lower):
            yield m.start()
    if present:
        for m in _switch_pattern(present).finditer(lower):
            yield m.start()


def _body(lines: list[str], idx: int, after: str, python: bool, limit: int = 3) -> list[str]:
    """The guarded code: the rest of the `if` line and up to `limit` lines of its block."""
    body = [after]
    indent = len(lines[idx]) - len(lines[idx].lstrip())
    for line in lines[idx + 1: idx + 1 + limit]:
        stripped = line.strip()
        if not stripped:
            continue
        if python and len(line) - len(line.lstrip()) <= indent:
            break
        if not python and stripped.startswith("}"):
            break
        body.append(line)
    return body


_CALL = re.compile(r"([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*(?:::<[^>]*>)?\(")


def _calls_client(window: list[str], service: str) -> bool:
    """True when the guarded code calls something that sets up the service's client."""
    words = CLIENT_WORDS[service]
    for text in window:
        for m in _CALL.finditer(text):
            chain = m.group(1).lower()
            last = re.split(r"[\s.]+", chain)[-1]
            if last in CONNECT_CALLS or any(w in chain for w in words):
                return True
    return False


def _guards_on_line(line: str, python: bool, services: set[str],
                    aliases: dict[str, set[str]] | None = None) -> Iterable[tuple[str, str, bool]]:
    """(service, guarded code, negative?) for each setting-presence test on the line; `aliases`
    names local variables that hold a setting."""
    alias = aliases or {}
    m = _IF.search(line)
    if m:
        cond, after = _split_if(m.group(1).strip(), python)
        if python and " else " in m.group(1) and not after:
            after = line[:m.start()]  # `x = Redis.from_url(url) if settings.redis_url else None`
        negative = bool(_NEG.search(cond))
        for svc in sorted(_cond_services(cond, alias) & services):
            yield svc, after, negative
        return
    if python:
        return
    t = _TERNARY.search(line)
    if t and ":" in line[t.end():] and _NULLISH.search(line[t.end():]):
        head = line[:t.start()]
        cuts = [c.end() for c in _CUT.finditer(head)]
        cond = head[cuts[-1]:] if cuts else head
        for svc in sorted(_cond_services(cond, alias) & services):
            yield svc, line[t.end():], False


def _cond_services(cond: str, aliases: dict[str, set[str]]) -> set[str]:
    found: set[str] = set()
    for ident in _IDENT.findall(cond):
        found |= config_services(ident) | aliases.get(ident, set())
    return found
