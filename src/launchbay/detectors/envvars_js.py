"""Env-var reads in JavaScript/TypeScript (and .vue/.svelte/.astro, which embed it).

Direct reads (process.env, import.meta.env, Bun.env, Deno.env.get), destructuring of
process.env, SvelteKit `$env` modules and project env helpers are found with regexes that each
start with a literal (Python's `re` then skips ahead fast; an alternation or a leading `\b`
would make it test every position). Schema libraries (t3-env `createEnv`, envalid `cleanEnv`,
envsafe `envsafe({...})`, zod `.parse(process.env)` / `.safeParse(process.env)`) name variables
as object keys, so those get a bracket-aware pass only when the file mentions them.
"""

from __future__ import annotations

import re
from itertools import islice

from launchbay.detectors.envvars_common import (
    MAX_MATCHES,
    NAME,
    Hit,
    helper_hits,
    object_entries,
    split_top,
    starts_word,
)

_BASES = r"(?:process(?:\?\.|\.)env|import\.meta\.env|Bun\.env|Deno\.env)"
_ACCESS = (
    r"(?:(?:\?\.|\.)(?P<id>[A-Za-z_$][\w$]*)"
    r"|(?:\?\.)?\[\s*(?P<q>[\"'`])(?P<key>" + NAME + r")(?P=q)\s*\])"
)
_PROCESS = re.compile(r"process(?:\?\.|\.)env" + _ACCESS)
_META = re.compile(r"import\.meta\.env" + _ACCESS)
_BUN = re.compile(r"Bun\.env" + _ACCESS)
_DENO = re.compile(r"Deno\.env\.get\(\s*(?P<q>[\"'`])(?P<key>" + NAME + r")(?P=q)\s*\)")
_DESTRUCTURE_TAIL = re.compile(r"\}\s*=\s*(?:process|import\.meta|Bun)\.env\b(?![\w$.\[?])")
_SVELTE_STATIC = re.compile(r"import\s*\{(?P<names>[^{}]*)\}\s*from\s*[\"']\$env/static/(?:private|public)[\"']")
_SVELTE_DYNAMIC = re.compile(r"env\.(?P<n>" + NAME + r")")

# `?? "x"` / `|| "x"` right after the read (a closing paren may sit between: Number(...) || 3000),
# unless the fallback is just another env read.
_DEFAULT = re.compile(r"\s*\)?\s*(?:\?\?|\|\|)(?!=?\s*" + _BASES + r")")
_WRITE = re.compile(r"\s*(?:=(?![=>])|\+=)")
_CALL = re.compile(r"\s*\(")
# Values Vite/Astro put on import.meta.env themselves: not deployment configuration.
_META_BUILTINS = frozenset({"MODE", "DEV", "PROD", "SSR", "BASE_URL", "SITE", "ASSETS_PREFIX"})

_BLANK = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`[^`]*`", re.S)
_DENTRY = re.compile(r"\s*(?:(?P<qk>[\"'][ ]*[\"'])|(?P<ik>" + NAME + r"))\s*(?::\s*[\w$]+\s*)?(?P<eq>=)?")
_IMPORT_NAME = re.compile(r"(?P<n>" + NAME + r")(?:\s+as\s+[\w$]+)?")

_CREATE_ENV = re.compile(r"createEnv\s*\(\s*\{")
_CLEAN_ENV = re.compile(r"cleanEnv\s*\(")
_ENVSAFE = re.compile(r"envsafe\s*\(\s*\{")
_ZOD_OBJECT = re.compile(r"z\s*\.\s*(?:strict)?[oO]bject\s*\(\s*\{")
_PARSED_ENV = re.compile(r"\.\s*(?:safeParse|parse)\(\s*" + _BASES + r"\s*\)")
_RECEIVER = re.compile(r"(?P<recv>[\w$]+)\s*$")
_PARSE_AFTER = re.compile(r"\s*\.\s*(?:safeParse|parse)\(\s*" + _BASES)
_ASSIGNED_TO = re.compile(r"(?:const|let|var)\s+(?P<v>[\w$]+)\s*(?::[^=\n]*)?=\s*$")
_MAX_SCHEMAS = 20  # schema calls looked at per file (each walks its brackets)
_DEFAULT_IN_SCHEMA = re.compile(r"\.default\s*\(|\b(?:dev)?[dD]efault\s*:")


def scan_js(text: str) -> list[Hit]:
    """Every env-var read in a JS/TS source text."""
    hits: list[Hit] = []
    for rx, base, needle in ((_PROCESS, "process", "process"), (_META, "meta", "import.meta.env"),
                             (_BUN, "bun", "Bun.env"), (_DENO, "deno", "Deno.env")):
        if needle in text:
            for m in islice(rx.finditer(text), MAX_MATCHES):
                hit = _direct(text, m, base) if starts_word(text, m.start()) else None
                if hit is not None:
                    hits.append(hit)
    if ".env" in text:
        for m in islice(_DESTRUCTURE_TAIL.finditer(text), MAX_MATCHES):
            hits.extend(_destructured(text, m.start()))
    if "$env/" in text:
        hits.extend(_sveltekit(text))
    hits.extend(helper_hits(text))
    if "createEnv" in text or "cleanEnv" in text or "envsafe" in text or ("arse(" in text and "bject" in text):
        hits.extend(_schemas(text))
    return hits


def _direct(text: str, m: re.Match[str], base: str) -> Hit | None:
    groups = m.groupdict()
    ident, key = groups.get("id"), groups.get("key")
    name = ident or key
    if not name or name.startswith("npm_") or "$" in name:
        return None
    end = m.end()
    if ident and _CALL.match(text, end):
        return None  # process.env.hasOwnProperty(...) and friends
    if base == "meta" and name in _META_BUILTINS:
        return None
    default = _DEFAULT.match(text, end) is not None
    if not default and base != "deno" and _WRITE.match(text, end):
        return None  # an assignment to process.env, not a read
    return Hit(name, m.start("id") if ident else m.start("key"), end, default)


def _destructured(text: str, brace: int) -> list[Hit]:
    """`const { A, B: b, C = "x" } = process.env`, possibly across lines (`brace` is the `}`)."""
    base = text.rfind("{", max(0, brace - 4000), brace) + 1
    body = text[base:brace]
    if base == 0 or "}" in body:
        return []
    clean = _BLANK.sub(lambda s: s.group()[0] + " " * (len(s.group()) - 2) + s.group()[-1]
                       if s.group()[0] in "\"'`" else " " * len(s.group()), body)
    out: list[Hit] = []
    for seg in re.finditer(r"[^,]+", clean):
        e = _DENTRY.match(clean, seg.start(), seg.end())
        if e is None:
            continue
        if e.group("qk"):
            start, end = e.start("qk") + 1, e.end("qk") - 1
            name = body[start:end]
            if not re.fullmatch(NAME, name):
                continue
        else:
            start, end = e.start("ik"), e.end("ik")
            name = e.group("ik")
        if name.startswith("npm_"):
            continue
        out.append(Hit(name, base + start, base + end, e.group("eq") is not None))
    return out


def _sveltekit(text: str) -> list[Hit]:
    """`import { A } from '$env/static/private'` and `env.A` with `$env/dynamic/*`."""
    out: list[Hit] = []
    for m in islice(_SVELTE_STATIC.finditer(text), MAX_MATCHES):
        base = m.start("names")
        out.extend(Hit(i.group("n"), base + i.start("n"), base + i.end("n"))
                   for i in _IMPORT_NAME.finditer(m.group("names")))
    if "$env/dynamic/" in text:
        out.extend(Hit(m.group("n"), m.start("n"), m.end(), _DEFAULT.match(text, m.end()) is not None)
                   for m in islice(_SVELTE_DYNAMIC.finditer(text), MAX_MATCHES)
                   if starts_word(text, m.start(), allow_dot=False))
    return out


def _schemas(text: str) -> list[Hit]:
    """Keys of t3-env / envalid / zod schemas that validate the environment."""
    hits: list[Hit] = []
    for m in islice(_CREATE_ENV.finditer(text), _MAX_SCHEMAS):
        for section in object_entries(text, m.end() - 1):
            if section.key in {"server", "client", "shared"}:
                brace = _brace_at(text, section.value_start, section.value_end)
                if brace is not None:
                    hits.extend(_keys(text, brace))
    for m in islice(_CLEAN_ENV.finditer(text), _MAX_SCHEMAS):
        found = split_top(text, m.end() - 1)
        if found is None or len(found[0]) < 2:
            continue
        start, end = found[0][1]
        brace = _brace_at(text, start, end)
        if brace is None:
            brace = _declared_object(text, text[start:end].strip(), r"\{")
        if brace is not None:
            hits.extend(_keys(text, brace))
    for m in islice(_ENVSAFE.finditer(text), _MAX_SCHEMAS):
        if starts_word(text, m.start()):
            hits.extend(_keys(text, m.end() - 1))
    parsed = set()
    for p in islice(_PARSED_ENV.finditer(text), _MAX_SCHEMAS):
        recv = _RECEIVER.search(text, max(0, p.start() - 64), p.start())
        if recv is not None:
            parsed.add(recv.group("recv"))
    for m in islice(_ZOD_OBJECT.finditer(text), _MAX_SCHEMAS):
        if not starts_word(text, m.start(), allow_dot=False):
            continue
        found = split_top(text, text.rfind("(", 0, m.end()))
        inline = found is not None and _PARSE_AFTER.match(text, found[1] + 1) is not None
        line_start = text.rfind("\n", max(0, m.start() - 200), m.start()) + 1
        assigned = _ASSIGNED_TO.search(text, max(line_start, m.start() - 200), m.start())
        if inline or (assigned is not None and assigned.group("v") in parsed):
            hits.extend(_keys(text, m.end() - 1))
    return hits


def _keys(text: str, brace: int) -> list[Hit]:
    return [
        Hit(e.key, e.key_start, e.key_end, _DEFAULT_IN_SCHEMA.search(text, e.value_start, e.value_end) is not None)
        for e in object_entries(text, brace)
        if re.fullmatch(NAME, e.key)
    ]


def _brace_at(text: str, start: int, end: int) -> int | None:
    """Index of the `{` that opens the value in text[start:end], if the value is an object."""
    stripped = text[start:end].lstrip()
    return end - len(stripped) if stripped.startswith("{") else None


def _declared_object(text: str, ident: str, opener: str) -> int | None:
    """The `{` of `const ident = {` when a schema is passed by name."""
    if not re.fullmatch(r"[\w$]+", ident):
        return None
    m = re.search(r"(?:const|let|var)\s+" + re.escape(ident) + r"\s*(?::[^=\n]*)?=\s*" + opener, text)
    return m.end() - 1 if m else None
