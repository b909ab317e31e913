"""Which framework a package uses and what that makes it, read from its dependency lines.

Why a table: the mapping dependency → (framework, role, defaults) is data, not logic; keeping
it in one place makes adding a framework a one-line change and keeps the detector readable.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchbay.detectors.node_pkg import PackageJson
from launchbay.tree import ProjectTree


@dataclass(frozen=True)
class Rule:
    """Packages that mean `framework` (None: role only) and `role`, with the framework's priority."""

    framework: str | None
    role: str
    packages: tuple[str, ...]
    priority: int
    dev_ok: bool = True  # devDependencies count (bundled frontends live there)


FRONTEND_META = ("next", "remix", "nuxt", "sveltekit", "astro")

RULES: tuple[Rule, ...] = (
    Rule("next", "frontend", ("next",), 60),
    Rule("remix", "frontend", ("@remix-run/react", "@remix-run/node", "@remix-run/serve", "@remix-run/dev"), 60),
    Rule("nuxt", "frontend", ("nuxt", "nuxt3"), 60),
    Rule("sveltekit", "frontend", ("@sveltejs/kit",), 60),
    Rule("astro", "frontend", ("astro",), 60),
    Rule("vite", "frontend", ("vite",), 45),
    Rule("ponder", "indexer", ("@ponder/core", "ponder"), 65),
    Rule("nestjs", "http-server", ("@nestjs/core",), 60, dev_ok=False),
    Rule("express", "http-server", ("express",), 55, dev_ok=False),
    Rule("fastify", "http-server", ("fastify",), 55, dev_ok=False),
    Rule("hono", "http-server", ("hono",), 55, dev_ok=False),
    Rule("koa", "http-server", ("koa",), 55, dev_ok=False),
    Rule("discord.js", "bot", ("discord.js",), 50, dev_ok=False),
    Rule("telegraf", "bot", ("telegraf",), 50, dev_ok=False),
    Rule("grammy", "bot", ("grammy",), 50, dev_ok=False),
    Rule("slack-bolt", "bot", ("@slack/bolt",), 50, dev_ok=False),
    Rule("bee-queue", "worker", ("bee-queue",), 40, dev_ok=False),
    Rule("agenda", "worker", ("agenda",), 40, dev_ok=False),
    Rule(None, "cron", ("node-cron", "cron", "croner"), 0, dev_ok=False),
)

# bullmq is only a worker where the code builds a `Worker`; node_sources checks that.
BULLMQ = Rule("bullmq", "worker", ("bullmq",), 40, dev_ok=False)

UI_LIBRARIES = ("react", "react-dom", "vue", "svelte", "solid-js", "preact", "lit", "@angular/core")

# (port, package that must be present for the default to apply, or None).
DEFAULT_PORTS: dict[str, tuple[int, str | None]] = {
    "next": (3000, None),
    "nuxt": (3000, None),
    "remix": (3000, None),
    "astro": (4321, None),
    "vite": (4173, None),
    "sveltekit": (3000, "@sveltejs/adapter-node"),
    "ponder": (42069, None),
}
DEFAULT_STARTS: dict[str, tuple[str, str | None]] = {
    "next": ("next start", None),
    "nuxt": ("node .output/server/index.mjs", None),
    "remix": ("remix-serve ./build/server/index.js", "@remix-run/serve"),
    "sveltekit": ("node build", "@sveltejs/adapter-node"),
    "astro": ("node ./dist/server/entry.mjs", "@astrojs/node"),
    "vite": ("vite preview", None),
    "ponder": ("ponder start", None),
    "nestjs": ("node dist/main", None),
}
BUILTIN_HEALTH: dict[str, tuple[str, ...]] = {"ponder": ("/health", "/ready")}


@dataclass(frozen=True)
class Hit:
    """A rule that matched, at the dependency line that made it match."""

    rule: Rule
    package: str
    line: int
    text: str


def framework_hits(tree: ProjectTree, pkg: PackageJson, *, app_scripts: bool, library_like: bool) -> list[Hit]:
    """Every rule whose package is a dependency of `pkg` (vite only for a real SPA)."""
    hits: list[Hit] = []
    for rule in RULES:
        hit = find_hit(pkg, rule, app_scripts=app_scripts)
        if hit is not None:
            hits.append(hit)
    if any(h.rule.framework == "vite" for h in hits) and not _vite_app(tree, pkg, hits, library_like):
        hits = [h for h in hits if h.rule.framework != "vite"]
    if any(h.rule.framework == "ponder" for h in hits):
        # Ponder serves its own API through hono; that is not a second server.
        hits = [h for h in hits if h.rule.framework != "hono"]
    return hits


def find_hit(pkg: PackageJson, rule: Rule, *, app_scripts: bool) -> Hit | None:
    sections = ["dependencies", "optionalDependencies"]
    if rule.dev_ok or app_scripts:
        sections.insert(1, "devDependencies")
    for package in rule.packages:
        where = pkg.dep_at(package, tuple(sections))
        if where is not None:
            return Hit(rule, package, where[0], where[1])
    return None


def _vite_app(tree: ProjectTree, pkg: PackageJson, hits: list[Hit], library_like: bool) -> bool:
    """Vite is the app's framework only for a single-page app, not under a meta-framework or in a library."""
    if any(h.rule.framework in FRONTEND_META for h in hits):
        return False
    if tree.exists(pkg.file("index.html")):
        return True
    return not library_like and any(pkg.dep_section(lib) for lib in UI_LIBRARIES)
