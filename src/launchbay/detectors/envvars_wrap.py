"""Project env wrappers: `lookupEnv(key)`, `loadSecret(name)`, `def env(name, default=None)`.

Many projects read the environment through a small function of their own whose first parameter
goes straight into `os.Getenv` / `process.env[p]` / `os.environ.get`; the variable names then
only appear as literal arguments where that function is called. We find such functions (and
functions that forward their first parameter to one of them) from the read side: an env read
whose argument is a plain identifier, inside a function whose first parameter is that
identifier. Scope is the Go package (folder) or the JS/Python file plus helpers it imports by
relative path (Python: also absolute module paths found in the tree).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.envvars_common import MAX_MATCHES, NAME, Hit, rest_of_call, starts_word
from launchbay.detectors.envvars_wrap_funcs import Func, Functions

JS_SUFFIXES = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".jsx", ".mts", ".cts")

# Reads whose argument is an identifier: candidates for a wrapper body. Each starts with a
# literal so `re` skips ahead fast.
_IDENT = r"(?P<id>[A-Za-z_$][\w$]*)"
_GO_READS = (re.compile(r"Getenv\(\s*" + _IDENT + r"\s*\)"), re.compile(r"LookupEnv\(\s*" + _IDENT + r"\s*\)"))
_JS_READS = (re.compile(r"env(?:\?\.)?\[\s*" + _IDENT + r"\s*\]"), re.compile(r"env\.get\(\s*" + _IDENT + r"\s*\)"))
_PY_READS = (re.compile(r"environ(?:\.get\(\s*" + _IDENT + r"\s*[,)]|\[\s*" + _IDENT.replace("id", "id2") + r"\s*\])"),
             re.compile(r"getenv\(\s*" + _IDENT + r"\s*[,)]"))
_JS_BASES = ("process.env", "process?.env", "import.meta.env", "Bun.env", "Deno.env")
_JS_WRITE = re.compile(r"\s*(?:=(?![=>])|\+=|\?\?=|\|\|=)")
_PY_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")
_MUST = re.compile(r"(?i)must|require")
_NO_VALUE = frozenset({"", "None", "undefined", "null", "nil"})
_KEYWORD_ARG = re.compile(r"\s*(?P<kw>\w+)\s*=(?!=)")
_MAX_ROUNDS = 4
_MAX_WRAPPERS = 40  # per scope; real projects have one or two
_MAX_CANDIDATES = 200  # identifier reads looked at per file and round

_JS_IMPORT = re.compile(
    r"import\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?\{(?P<names>[^{}]*)\}\s*from\s*[\"'](?P<src>\.{1,2}/[^\"'\n]+)[\"']"
    r"|\{(?P<rnames>[^{}]*)\}\s*=\s*require\(\s*[\"'](?P<rsrc>\.{1,2}/[^\"'\n]+)[\"']\s*\)"
)
_PY_IMPORT = re.compile(r"^[ \t]*from[ \t]+(?P<mod>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#]+)", re.M)


@dataclass(frozen=True)
class Wrapper:
    """A function that reads the env var named by its first argument."""

    name: str
    method: bool
    must: bool


def find_wrappers(lang: str, text: str, known: dict[str, Wrapper] | None = None) -> dict[str, Wrapper]:
    """Wrappers defined in `text`, including functions that forward their first parameter to
    another wrapper of `text` or to one of `known` (wrappers found elsewhere in the same scope)."""
    known = known or {}
    candidates = [*_env_reads(lang, text), *_forwards(text, known)][:_MAX_CANDIDATES]
    found: dict[str, Wrapper] = {}
    for _ in range(_MAX_ROUNDS):
        if not candidates:
            break
        funcs = Functions(lang, text, [pos for _, pos in candidates])
        new: dict[str, Wrapper] = {}
        for ident, pos in candidates:
            func = funcs.enclosing(pos)
            if func is None or func.param != ident or func.name in known or func.name in found:
                continue
            if not _shadowed(lang, text, func, pos):
                new.setdefault(func.name, Wrapper(func.name, func.method, _MUST.search(func.name) is not None))
        if not new or len(found) + len(new) > _MAX_WRAPPERS:
            break
        found.update(new)
        candidates = _forwards(text, new)[:_MAX_CANDIDATES]
    return found


def _env_reads(lang: str, text: str) -> list[tuple[str, int]]:
    """(identifier, offset) of every env read whose argument is an identifier."""
    if lang == "go":
        patterns = _GO_READS if "Getenv(" in text or "LookupEnv(" in text else ()
    elif lang == "js":
        patterns = _JS_READS if "env[" in text or "env?.[" in text or "env.get(" in text else ()
    else:
        patterns = _PY_READS if "environ" in text or "getenv(" in text else ()
    out: list[tuple[str, int]] = []
    for rx in patterns:
        for m in islice(rx.finditer(text), MAX_MATCHES):
            ident = m.group("id") or (m.groupdict().get("id2") or "")
            if ident and _is_read(lang, text, m):
                out.append((ident, m.start()))
                if len(out) >= _MAX_CANDIDATES:
                    return out
    return out


def _is_read(lang: str, text: str, m: re.Match[str]) -> bool:
    """The match really reads the environment (and does not write it)."""
    before = text[max(0, m.start() - 16):m.start()]
    if lang == "go":
        return before.endswith(("os.", "syscall."))
    if lang == "js":
        if m.re is _JS_READS[1]:
            return before.endswith("Deno.")
        if not (before + "env").endswith(_JS_BASES) or _JS_WRITE.match(text, m.end()):
            return False
        return not text[max(0, m.start() - 40):m.start()].rstrip().endswith(("delete process.", "delete"))
    at = m.start() - 3 if before.endswith("os.") else m.start()
    return at == 0 or text[at - 1] not in _PY_WORD


def _shadowed(lang: str, text: str, func: Func, pos: int) -> bool:
    """A closure between the function's start and the read may rebind the parameter: skip it."""
    between = text[func.body_start:pos]
    if lang == "go":
        return re.search(r"\bfunc\s*\(", between) is not None
    if lang == "js":
        return "=>" in between or re.search(r"\bfunction\b", between) is not None
    return re.search(r"\blambda\b", between) is not None


@lru_cache(maxsize=512)
def _call_pattern(name: str) -> re.Pattern[str]:
    """`name(` followed by a literal or an identifier first argument (literal-first: fast)."""
    return re.compile(
        re.escape(name) + r"\s*\(\s*(?:(?P<q>[\"'`])(?P<lit>" + NAME + r")(?P=q)|" + _IDENT + r"\s*[,)])"
    )


def _calls(text: str, wrappers: dict[str, Wrapper]) -> list[tuple[Wrapper, re.Match[str]]]:
    """Calls of `wrappers` as functions (or, for methods, on any receiver)."""
    out: list[tuple[Wrapper, re.Match[str]]] = []
    for name, wrapper in wrappers.items():
        if name not in text:
            continue
        for m in islice(_call_pattern(name).finditer(text), MAX_MATCHES):
            if starts_word(text, m.start(), allow_dot=wrapper.method):
                out.append((wrapper, m))
    return out


def _forwards(text: str, wrappers: dict[str, Wrapper]) -> list[tuple[str, int]]:
    """(identifier, offset) of calls of `wrappers` that pass an identifier on."""
    return [(m.group("id"), m.start()) for _, m in _calls(text, wrappers) if m.group("id")]


def wrapper_calls(text: str, wrappers: dict[str, Wrapper]) -> list[Hit]:
    """Calls of `wrappers` with a literal first argument: each names a variable read."""
    hits: list[Hit] = []
    for wrapper, m in _calls(text, wrappers):
        name = m.group("lit")
        if not name:
            continue
        if m.start() > 0 and text[m.start() - 1] == "." and not name.isupper():
            continue  # method calls count only with UPPER_CASE names, as in most env helpers
        hits.append(Hit(name, m.start("lit"), m.end(), not wrapper.must and _has_fallback(text, m.end())))
    return hits


def _has_fallback(text: str, pos: int) -> bool:
    rest = rest_of_call(text, pos).strip()
    if rest in _NO_VALUE:
        return False
    kw = _KEYWORD_ARG.match(rest)
    return kw is None or kw.group("kw") in {"default", "fallback"}


# ---------------------------------------------------------------------- scopes

class WrapperIndex:
    """Wrappers per JS/Python file, with the helpers each file imports.

    All `sources` ((file, "js" | "python")) are looked at up front, so a file's imports are
    parsed only when it mentions the name of a wrapper defined somewhere (rarely)."""

    def __init__(self, ctx: DetectorContext, sources: Iterable[tuple[str, str]]) -> None:
        self.ctx = ctx
        self._own: dict[str, dict[str, Wrapper]] = {}
        self._exported = sorted({w.name for rel, lang in sources for w in self.own(rel, lang).values()
                                 if not w.method})

    def own(self, rel: str, lang: str) -> dict[str, Wrapper]:
        found = self._own.get(rel)
        if found is None:
            text = self.ctx.read(rel)
            found = find_wrappers(lang, text) if text is not None else {}
            self._own[rel] = found
        return found

    def hits(self, rel: str, lang: str, text: str) -> list[Hit]:
        """Calls of wrappers visible in `rel`: its own and those it imports."""
        visible = dict(self.own(rel, lang))
        imported = self._imported(rel, lang, text) if any(n in text for n in self._exported) else {}
        if imported:
            visible = {**imported, **find_wrappers(lang, text, imported), **visible}
        return wrapper_calls(text, visible)

    def _imported(self, rel: str, lang: str, text: str) -> dict[str, Wrapper]:
        out: dict[str, Wrapper] = {}
        for target, names in _imports(self.ctx, rel, lang, text):
            wrappers = self.own(target, lang)
            for name, alias in names:
                wrapper = wrappers.get(name)
                if wrapper is not None and not wrapper.method:
                    out[alias] = Wrapper(alias, False, wrapper.must)
        return out


def _imports(ctx: DetectorContext, rel: str, lang: str, text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(resolved file, [(imported name, local alias)]) for each relative import of `rel`."""
    folder = posixpath.dirname(rel)
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if lang == "js":
        if "./" not in text:
            return out
        for m in islice(_JS_IMPORT.finditer(text), 200):
            src = m.group("src") or m.group("rsrc")
            target = _resolve_js(ctx, folder, src)
            if target is not None:
                out.append((target, _names(m.group("names") or m.group("rnames"), "as" if m.group("src") else ":")))
        return out
    if "import" not in text:
        return out
    for m in islice(_PY_IMPORT.finditer(text), 200):
        target = _resolve_py(ctx, folder, m.group("mod"))
        if target is not None:
            out.append((target, _names(m.group("names").strip("() \t\\"), "as")))
    return out


def _names(spec: str, sep: str) -> list[tuple[str, str]]:
    out = []
    for part in spec.replace("\n", " ").split(","):
        part = part.strip()
        if part.startswith("type "):
            part = part[5:].strip()
        name, _, alias = part.partition(f" {sep} " if sep == "as" else sep)
        name, alias = name.strip(), alias.strip() or name.strip()
        if re.fullmatch(r"[\w$]+", name) and re.fullmatch(r"[\w$]+", alias):
            out.append((name, alias))
    return out


def _resolve_js(ctx: DetectorContext, folder: str, src: str) -> str | None:
    path = posixpath.normpath(posixpath.join(folder, src))
    if path.startswith(".."):
        return None
    stem = path
    for ext in (".js", ".mjs", ".cjs", ".jsx"):
        if path.endswith(ext):
            stem = path[: -len(ext)]  # TS ESM imports name the emitted .js file
            break
    candidates = [path, *(stem + s for s in JS_SUFFIXES), *(f"{path}/index{s}" for s in JS_SUFFIXES)]
    return next((c for c in candidates if ctx.tree.exists(c)), None)


def _resolve_py(ctx: DetectorContext, folder: str, mod: str) -> str | None:
    dots = len(mod) - len(mod.lstrip("."))
    parts = [p for p in mod.lstrip(".").split(".") if p]
    if dots:
        base = folder
        for _ in range(dots - 1):
            base = posixpath.dirname(base)
        bases = [base]
    else:
        bases, cur = [], folder
        while True:
            bases.append(cur)
            if not cur:
                break
            cur = posixpath.dirname(cur)
    if not parts:
        return None
    for base in bases:
        path = posixpath.join(base, *parts)
        for cand in (path + ".py", path + "/__init__.py"):
            if ctx.tree.exists(cand):
                return cand
    return None



def go_package_hits(ctx: DetectorContext, rels: list[str]) -> list[tuple[str, str, list[Hit]]]:
    """Calls of the env wrappers of one Go package (a folder's files), file by file."""
    texts = [(rel, text) for rel in rels if (text := ctx.read(rel)) is not None]
    wrappers: dict[str, Wrapper] = {}
    for _, text in texts:
        wrappers.update(find_wrappers("go", text))
    if not wrappers:
        return []
    for _ in range(_MAX_ROUNDS):  # wrappers of wrappers defined in another file of the package
        new: dict[str, Wrapper] = {}
        for _, text in texts:
            new.update(find_wrappers("go", text, wrappers))
        if not new:
            break
        wrappers.update(new)
    out = []
    for rel, text in texts:
        hits = wrapper_calls(text, wrappers)
        if hits:
            out.append((rel, text, hits))
    return out
