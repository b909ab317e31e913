"""Which environment variables each component reads, and which ones its env example files list.

Reads (`env_read`) come from source files of every language we know, shell entrypoints,
compose `environment:` pass-throughs, Dockerfile runtime lines, Caddyfile placeholders and calls
of the project's own env wrappers (`envvars_wrap`); documentation (`env_documented`) comes only
from example files (.env.example & co). Real env files (.env, .env.local, .env.production...)
may hold live secrets: they are never opened. Test files are skipped because variables only
tests read are not deployment configuration. Whether a variable is a secret is decided later, centrally
(`launchbay.envclass`); this detector only finds names.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterator

from launchbay.detectors.base import DetectorContext, fact
from launchbay.detectors.envvars_common import NAME, Hit
from launchbay.detectors.envvars_compose import COMPOSE_NAME, scan_compose
from launchbay.detectors.envvars_docker import scan_caddyfile, scan_dockerfile
from launchbay.detectors.envvars_js import scan_js
from launchbay.detectors.envvars_py import scan_python
from launchbay.detectors.envvars_shell import scan_shell
from launchbay.detectors.envvars_sys import (
    ViperUse,
    scan_foundry_toml,
    scan_go,
    scan_prisma,
    scan_rust,
    scan_solidity,
    viper_env_name,
)
from launchbay.detectors.envvars_wrap import WrapperIndex, go_package_hits
from launchbay.models.profile import Fact

DETECTOR = "envvars"
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte", ".astro")
SHELL_SUFFIXES = (".sh", ".bash")
MAX_LINE = 5000  # a longer line means a minified bundle, not source
# Shell and compose files are walked by slower, pure-Python code; real ones are far smaller.
MAX_SCRIPT_CHARS = 256_000

# Example files only. Anything else named like an env file is never read.
_EXAMPLE = re.compile(r"\.?env(?:\.[\w-]+)*\.(?:example|sample|template|tpl|dist)|\.env\.defaults|"
                      r"\.?(?:example|sample)\.env")
# A commented entry counts only as `#NAME=` / `# NAME=` with an UPPER_SNAKE name: prose such as
# "# Empty = disabled" is not an entry.
_EXAMPLE_LINE = re.compile(
    r"^[ \t]*(?:(?P<c>#[ \t]*)(?:export[ \t]+)?(?P<cn>[A-Z][A-Z0-9_]*)=|(?:export[ \t]+)?(?P<n>" + NAME + r")[ \t]*=)",
    re.M,
)
_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "e2e", "cypress"})
_SHEBANG = re.compile(r"#![^\n]*?\b(?:ba|da|z|k|a)?sh\b")
_ENTRYPOINT_DIRS = frozenset({"bin", "scripts", "script", "docker"})
# Helper scripts copied verbatim from other projects: their variables are their own options.
_VENDORED = frozenset({"wait-for-it.sh", "wait-for-it", "wait-for.sh", "wait-for"})
_DOC_SUFFIXES = (".md", ".txt", ".rst", ".orig", ".bak")


class EnvVarDetector:
    name = DETECTOR

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        reads = _dedupe(self._reads(ctx))
        yield from reads
        readers: dict[str, set[str]] = defaultdict(set)
        for f in reads:
            readers[str(f.value)].add(f.subject)
        yield from _dedupe(self._documented(ctx, readers))

    # ------------------------------------------------------------------ reads
    def _reads(self, ctx: DetectorContext) -> Iterator[Fact]:
        viper: dict[str, list[tuple[str, str, ViperUse]]] = defaultdict(list)
        go_packages: dict[str, list[str]] = defaultdict(list)
        sources = [(rel, kind) for rel in ctx.tree.files
                   if (kind := source_kind(rel)) is not None and not is_test_path(rel)]
        wrappers = WrapperIndex(ctx, ((rel, kind) for rel, kind in sources if kind in {"js", "python"}))
        for rel, kind in sources:
            if kind == "go":
                go_packages[rel.rsplit("/", 1)[0] if "/" in rel else ""].append(rel)
            text = ctx.read(rel)
            if text is None:
                continue
            if kind == "compose":
                if len(text) <= MAX_SCRIPT_CHARS:
                    yield from _compose_facts(ctx, rel, text)
                continue
            use = None
            if kind == "go":
                hits, use = scan_go(text) if _mentions_env(text) or "viper" in text else ([], None)
            else:
                hits = _scan(kind, text)
                if kind in {"js", "python"}:
                    hits = hits + wrappers.hits(rel, kind, text)
            if (hits or use is not None) and _minified(rel, text):
                continue
            if use is not None:
                viper[ctx.component_of(rel)].append((rel, text, use))
            if hits:
                yield from _facts(ctx.component_of(rel), rel, text, hits)
        for subject, uses in viper.items():
            yield from _viper_facts(subject, uses)
        for rels in go_packages.values():
            for rel, text, hits in go_package_hits(ctx, rels):
                if not _minified(rel, text):
                    yield from _facts(ctx.component_of(rel), rel, text, hits)

    # ------------------------------------------------------------------ documentation
    def _documented(self, ctx: DetectorContext, readers: dict[str, set[str]]) -> Iterator[Fact]:
        for rel in ctx.tree.files:
            if not is_example_file(rel) or is_test_path(rel):
                continue
            text = ctx.read(rel)
            if text is None:
                continue
            owner = ctx.component_of(rel)
            nested = _nested_components(ctx, rel, owner)
            starts = _line_starts(text)
            for m in _EXAMPLE_LINE.finditer(text):
                name = m.group("n") or m.group("cn")
                line_no = bisect.bisect_right(starts, m.start())
                line_text = _line(text, starts, line_no)
                # Quote only `NAME=`: people paste real secrets into example files.
                quote = line_text[: m.end() - starts[line_no - 1]]
                detail = "commented" if m.group("c") else None
                targets = {owner}
                if nested:
                    targets = (readers.get(name, set()) & (nested | {owner})) or {owner}
                for subject in sorted(targets):
                    yield fact(DETECTOR, subject, "env_documented", name, rel, line_no, quote, detail=detail)


# ---------------------------------------------------------------------- file selection

def is_example_file(rel: str) -> bool:
    return _EXAMPLE.fullmatch(rel.rsplit("/", 1)[-1]) is not None


def is_test_path(rel: str) -> bool:
    """Files that only tests run: their variables are not deployment configuration."""
    parts = rel.split("/")
    if any(p in _TEST_DIRS for p in parts[:-1]):
        return True
    base = parts[-1]
    return (
        ".test." in base or ".spec." in base or ".cy." in base or base.endswith(("_test.go", ".t.sol"))
        or base == "conftest.py"
        or (base.endswith(".py") and (base.startswith("test_") or base.endswith("_test.py")))
    )


def source_kind(rel: str) -> str | None:
    """Which scanner reads `rel`, or None. Never a real env file, whatever its name."""
    parts = rel.split("/")
    base = parts[-1]
    if base.startswith(".env") or base in {"env", ".envrc"} or base in _VENDORED:
        return None
    if base.endswith(_DOC_SUFFIXES):
        return None
    if base in {"Dockerfile", "Containerfile"} or base.startswith("Dockerfile.") or base.endswith(
            (".Dockerfile", ".dockerfile")):
        return "dockerfile"
    if base == "Caddyfile" or base.startswith("Caddyfile.") or base.endswith((".Caddyfile", ".caddyfile")):
        return "caddy"
    if base.endswith(JS_SUFFIXES):
        return "js"
    if base.endswith(".py"):
        return "python"
    if base.endswith(".go"):
        return "go"
    if base.endswith(".rs"):
        return "rust"
    if base.endswith(".sol") and ("script" in parts[:-1] or base.endswith(".s.sol")):
        return "solidity"
    if base.endswith(SHELL_SUFFIXES):
        return "shell"
    if base.endswith(".prisma"):
        return "prisma"
    if base == "foundry.toml":
        return "foundry-toml"
    if COMPOSE_NAME.fullmatch(base):
        return "compose"
    if "." not in base and ("entrypoint" in base or (len(parts) > 1 and parts[-2] in _ENTRYPOINT_DIRS)):
        return "shell-maybe"
    return None


def _minified(rel: str, text: str) -> bool:
    if rel.endswith((".min.js", ".min.mjs", ".min.cjs")):
        return True
    return len(text) > MAX_LINE and max(map(len, text.split("\n"))) > MAX_LINE


def _mentions_env(text: str) -> bool:
    """Cheap gate: every read pattern spells env/Env/ENV (so "nv" or "NV")."""
    return "nv" in text or "NV" in text


def _scan(kind: str, text: str) -> list[Hit]:
    if kind == "js":
        return scan_js(text) if _mentions_env(text) else []
    if kind == "python":
        return scan_python(text) if _mentions_env(text) or "BaseSettings" in text else []
    if kind == "rust":
        return scan_rust(text) if _mentions_env(text) else []
    if kind == "solidity":
        return scan_solidity(text) if "vm.env" in text else []
    if kind == "prisma":
        return scan_prisma(text)
    if kind == "foundry-toml":
        return scan_foundry_toml(text)
    if kind == "dockerfile":
        return scan_dockerfile(text) if "$" in text and len(text) <= MAX_SCRIPT_CHARS else []
    if kind == "caddy":
        return scan_caddyfile(text) if "{" in text else []
    if kind == "shell-maybe" and _SHEBANG.match(text) is None:
        return []
    return scan_shell(text) if "$" in text and len(text) <= MAX_SCRIPT_CHARS else []


# ---------------------------------------------------------------------- facts

def _facts(subject: str, rel: str, text: str, hits: list[Hit]) -> Iterator[Fact]:
    """One fact per (name, default?) in a file, at its first occurrence."""
    firsts: dict[tuple[str, bool], Hit] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        firsts.setdefault((hit.name, hit.default), hit)
    if not firsts:
        return
    starts = _line_starts(text)
    for hit in firsts.values():
        line_no = bisect.bisect_right(starts, hit.start)
        line_text = _line(text, starts, line_no)
        col = min(max(hit.end - starts[line_no - 1], 0), len(line_text))
        yield fact(DETECTOR, subject, "env_read", hit.name, rel, line_no, _quote(line_text, col),
                   detail="default" if hit.default else None)


def _compose_facts(ctx: DetectorContext, rel: str, text: str) -> Iterator[Fact]:
    """Compose pass-throughs belong to the component the service is built from, when known."""
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    own = ctx.component_of(rel)
    by_subject: dict[str, list[Hit]] = defaultdict(list)
    for hit, context in scan_compose(text, folder):
        subject = own
        if context is not None:
            subject = context if context in ctx.components else ctx.component_of(context + "/") or own
        by_subject[subject].append(hit)
    for subject, hits in by_subject.items():
        yield from _facts(subject, rel, text, hits)


def _viper_facts(subject: str, uses: list[tuple[str, str, ViperUse]]) -> Iterator[Fact]:
    """viper keys become env reads when the component turns AutomaticEnv on (or binds them)."""
    automatic = any(u.automatic for _, _, u in uses)
    prefix = next((u.prefix for _, _, u in uses if u.prefix is not None), None)
    replacer = any(u.replacer for _, _, u in uses)
    defaults = set().union(*(u.defaults for _, _, u in uses))
    for rel, text, use in uses:
        hits = list(use.bound)
        keys = use.bound_keys + (use.gets if automatic else [])
        for key, start, end in keys:
            name = viper_env_name(key, prefix, replacer)
            if name is not None:
                hits.append(Hit(name, start, end, key.lower() in defaults))
        yield from _facts(subject, rel, text, hits)


def _nested_components(ctx: DetectorContext, rel: str, owner: str) -> set[str]:
    """Components below an example file that sits outside any component root of its own
    (e.g. the root .env.example of a monorepo): its entries are spread to those that read them."""
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    if folder and folder in ctx.components:
        return set()
    return {
        c for c in ctx.components
        if c not in {owner, "."} and (not folder or c.startswith(folder + "/"))
    }


def _dedupe(facts: Iterator[Fact]) -> list[Fact]:
    """One fact per (component, kind, name, file, default?): the first place it occurs."""
    seen: dict[tuple[str, str, str, str, str | None], Fact] = {}
    for f in facts:
        seen.setdefault((f.subject, f.kind, str(f.value), f.evidence.file, f.detail), f)
    return list(seen.values())


def _line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _line(text: str, starts: list[int], line_no: int) -> str:
    begin = starts[line_no - 1]
    end = starts[line_no] - 1 if line_no < len(starts) else len(text)
    return text[begin:end]


def _quote(line_text: str, col: int) -> str:
    """The line up to the end of the read: enough to show it, without any fallback value."""
    quote = line_text[:col].strip()
    if len(quote) > 200:
        quote = line_text[max(0, col - 200):col].strip()
    return quote or line_text.strip()[:200]
