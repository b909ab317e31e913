"""Which migration tool a component uses and the command that applies its migrations.

Covers the JS/JVM tools (prisma, drizzle, knex, typeorm, sequelize, flyway); Python, Go and
Rust tools belong to their language detectors. The project's own package.json script is
preferred (it carries flags, env loading, the schema path), then a Procfile/shell/Dockerfile
line, then the tool's standard command. A project with its own migration runner and no known
tool still has a migration step: a package.json script named like one (`migrate`, `db:migrate`)
gives the migration_command alone (there is no tool name to report).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from launchbay.detectors.backing_code import JS_SUFFIXES, CodeIndex, is_test
from launchbay.detectors.backing_manifests import Manifests, Script
from launchbay.detectors.base import fact
from launchbay.models.profile import Fact

NAME = "backing"

# Deploy-time commands, preferred first; dev-only ones (`prisma migrate dev`) are not listed.
COMMANDS: dict[str, tuple[re.Pattern[str], ...]] = {
    "prisma": (re.compile(r"\bprisma\s+migrate\s+deploy\b"), re.compile(r"\bprisma\s+db\s+push\b")),
    "drizzle": (re.compile(r"\bdrizzle-kit\s+migrate\b"), re.compile(r"\bdrizzle-kit\s+push\b")),
    "knex": (re.compile(r"\bknex\b[^&|;]*\bmigrate:latest\b"),),
    "typeorm": (re.compile(r"\btypeorm\b[^&|;]*\bmigration:run\b"),),
    "sequelize": (re.compile(r"\bsequelize(?:-cli)?\b[^&|;]*\bdb:migrate(?![:\w])"),),
    "flyway": (re.compile(r"\bflyway\b[^&|;]*\bmigrate\b"),),
}
DEFAULTS = {
    "prisma": "npx prisma migrate deploy",
    "drizzle": "npx drizzle-kit migrate",
    "knex": "npx knex migrate:latest",
    "sequelize": "npx sequelize-cli db:migrate",
    "flyway": "flyway migrate",
}
_SEGMENTS = re.compile(r"&&|\|\||;")
_RUNNER = re.compile(r"\b(?:tsx|ts-node|node|bun|esno|vite-node)\b[^&|;]*?([\w./-]+\.[cm]?[jt]s)\b")
_FLYWAY_SQL = re.compile(r"(?:^|/)db/migration/V\d+(?:[._]\d+)*__\w+\.sql$")
_DATA_SOURCE = re.compile(r"\bnew\s+DataSource\s*\(")


@dataclass(frozen=True)
class Found:
    """A migration tool seen in a component, with the line that shows it."""

    tool: str
    comp: str
    rel: str
    line: int
    text: str
    default: str | None  # standard command when the project has no script of its own


# Script names that mean "apply the migrations" whatever runs them; dev-only bodies are skipped.
MIGRATE_SCRIPTS = ("migrate", "migrate:up", "migrations", "db:migrate", "db:migrate:up", "migrations:run",
                   "migration:run")
_DEV_ONLY = re.compile(r"\bmigrate\s+dev\b|\bgenerate\b|\bmigration:(?:generate|create)\b")
_RUN_SCRIPT = re.compile(r"^(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?([\w:.-]+)\s*$")


def detect(index: CodeIndex, manifests: Manifests, comp_deps: dict[str, set[str]]) -> Iterator[Fact]:
    """migration_tool and migration_command facts for every component."""
    seen: set[tuple[str, str]] = set()
    commanded: set[str] = set()
    for found in _tools(index, comp_deps):
        if (found.comp, found.tool) in seen:
            continue
        seen.add((found.comp, found.tool))
        yield fact(NAME, found.comp, "migration_tool", found.tool, found.rel, found.line, found.text)
        for f in _commands(index, manifests, found):
            commanded.add(f.subject)
            yield f
    for rel in sorted(manifests.scripts):
        comp = index.owner(rel)
        if comp not in commanded and not is_test(rel):
            custom = list(_custom_script(comp, rel, manifests.scripts[rel]))
            if custom:
                commanded.add(comp)
                yield from custom


def _custom_script(comp: str, rel: str, scripts: list[Script]) -> Iterator[Fact]:
    """The first script named like a migration step, its body followed through `npm run x`."""
    by_name = {s.name: s for s in scripts}
    for name in MIGRATE_SCRIPTS:
        script = by_name.get(name)
        hops = 0
        while script is not None and hops < 3:
            run = _RUN_SCRIPT.match(script.body.strip())
            if run is None or run.group(1) not in by_name:
                break
            script, hops = by_name[run.group(1)], hops + 1
        if script is not None and script.body.strip() and not _DEV_ONLY.search(script.body):
            yield from _script_facts(comp, rel, scripts, [(script, script.body.strip())])
            return


def _first_line(index: CodeIndex, rel: str, pattern: re.Pattern[str] | None = None) -> tuple[int, str] | None:
    lines = index.lines(rel)
    for i, line in enumerate(lines):
        if pattern is not None and pattern.search(line):
            return i + 1, line
    for i, line in enumerate(lines):
        if line.strip():
            return i + 1, line
    return None


def _tools(index: CodeIndex, comp_deps: dict[str, set[str]]) -> Iterator[Found]:
    tree = index.ctx.tree
    files = tree.files
    for rel in tree.with_suffix(".prisma"):
        lines = index.lines(rel)
        ds = next((i for i, line in enumerate(lines) if re.match(r"\s*datasource\s+\w+\s*\{", line)), None)
        if ds is None:
            continue
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        parent = folder.rsplit("/", 1)[0] if "/" in folder else ""
        dirs = {f"{d}/migrations/" if d else "migrations/" for d in (folder, parent)}
        has_migrations = any(f.startswith(tuple(dirs)) for f in files)
        comp = index.owner(rel)
        if has_migrations or _script_runs(index, comp, "prisma"):
            yield Found("prisma", comp, rel, ds + 1, lines[ds], DEFAULTS["prisma"] if has_migrations else None)
    for rel in _config_candidates(index):
        base = rel.rsplit("/", 1)[-1]
        tool: str | None = None
        hint = re.compile(r"\S")
        if base.startswith("drizzle.config.") and base.endswith((*JS_SUFFIXES, ".json")):
            tool, hint = "drizzle", re.compile(r"\b(?:dialect|out|migrations)\b")
        elif base.startswith("knexfile.") and base.endswith(JS_SUFFIXES):
            tool, hint = "knex", re.compile(r"\bmigrations\b|\bclient\b")
        elif base == ".sequelizerc":
            tool, hint = "sequelize", re.compile(r"migrations-path|migrations")
        elif base in {"flyway.conf", "flyway.toml"}:
            tool, hint = "flyway", re.compile(r"flyway")
        elif base.endswith(".sql") and _FLYWAY_SQL.search(rel):
            tool = "flyway"
        if tool is None:
            continue
        where = _first_line(index, rel, hint)
        if where is not None:
            yield Found(tool, index.owner(rel), rel, where[0], where[1], DEFAULTS[tool])
    for comp, deps in comp_deps.items():
        if "typeorm" in deps:
            yield from _typeorm(index, comp)
        if deps & {"sequelize", "sequelize-cli"}:
            yield from _sequelize_migrations(index, comp)


def _config_candidates(index: CodeIndex) -> Iterator[str]:
    """Files whose name may make them a migration config (looked up by name, not by walking)."""
    for base, paths in index.ctx.tree.by_name.items():
        if base.startswith(("drizzle.config.", "knexfile.", "flyway.", ".sequelizerc")) or (
                base.startswith("V") and base.endswith(".sql")):
            yield from (p for p in paths if not is_test(p))


def _typeorm(index: CodeIndex, comp: str) -> Iterator[Found]:
    """A TypeORM DataSource (or ormconfig) that lists migrations."""
    for rel in index.code(comp, JS_SUFFIXES) + [r for r in index.owned.get(comp, ()) if r.endswith("ormconfig.json")]:
        text = index.ctx.read(rel) or ""
        if "migrations" not in text or not (_DATA_SOURCE.search(text) or "ormconfig" in rel):
            continue
        where = _first_line(index, rel, _DATA_SOURCE if "ormconfig" not in rel else re.compile("migrations"))
        if where is None:
            continue
        local = rel[len(comp) + 1:] if comp not in {".", ""} else rel
        default = "npx typeorm migration:run" + ("" if "ormconfig" in rel else f" -d {local}")
        yield Found("typeorm", comp, rel, where[0], where[1], default)
        return


def _sequelize_migrations(index: CodeIndex, comp: str) -> Iterator[Found]:
    for rel in index.owned.get(comp, ()):
        if "migrations/" in rel and rel.endswith(JS_SUFFIXES):
            where = _first_line(index, rel, re.compile(r"queryInterface"))
            if where is not None and "queryInterface" in where[1]:
                yield Found("sequelize", comp, rel, where[0], where[1], DEFAULTS["sequelize"])
                return


# ------------------------------------------------------------------ commands
def _package_jsons(index: CodeIndex, comp: str) -> list[str]:
    own = "package.json" if comp in {".", ""} else f"{comp}/package.json"
    return [own] if own == "package.json" else [own, "package.json"]


def _script_runs(index: CodeIndex, comp: str, tool: str) -> bool:
    manifests_rel = _package_jsons(index, comp)
    for rel in manifests_rel:
        text = index.ctx.read(rel) or ""
        if any(p.search(text) for p in COMMANDS[tool]):
            return True
    return False


def _segment(body: str, pattern: re.Pattern[str]) -> str | None:
    for part in _SEGMENTS.split(body):
        if pattern.search(part):
            return part.strip()
    return None


def _commands(index: CodeIndex, manifests: Manifests, found: Found) -> Iterator[Fact]:
    comp = found.comp
    for rel in _package_jsons(index, comp):
        scripts = manifests.scripts.get(rel, [])
        for pattern in COMMANDS.get(found.tool, ()):
            terminal = [(s, cmd) for s in scripts if (cmd := _segment(s.body, pattern))]
            if found.tool == "drizzle" and not terminal:
                terminal = _drizzle_migrators(index, rel, scripts)
            if terminal:
                yield from _script_facts(comp, rel, scripts, terminal)
                return
    for rel, line, text, cmd in _command_lines(index, comp, found.tool):
        yield fact(NAME, comp, "migration_command", cmd, rel, line, text, detail=rel.rsplit("/", 1)[-1])
        return
    if found.default:
        yield fact(NAME, comp, "migration_command", found.default, found.rel, found.line, found.text,
                   note="tool default")


def _script_facts(comp: str, rel: str, scripts: list[Script], terminal: list[tuple[Script, str]]) -> Iterator[Fact]:
    """The script that runs the tool, plus one fact per script that calls it (`npm run db:migrate`)."""
    script, cmd = terminal[0]
    yield fact(NAME, comp, "migration_command", cmd, rel, script.line, script.text,
               detail=f"package.json script {script.name}")
    calls = re.compile(r"\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?" + re.escape(script.name) + r"(?![\w:-])")
    for caller in scripts:
        if caller is not script and calls.search(caller.body):
            yield fact(NAME, comp, "migration_command", cmd, rel, caller.line, caller.text,
                       detail=f"package.json script {caller.name}", note=f"via script {script.name}")


def _drizzle_migrators(index: CodeIndex, rel: str, scripts: list[Script]) -> list[tuple[Script, str]]:
    """A script like `tsx src/db/migrate.ts` whose file calls drizzle-orm's migrator."""
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    out = []
    for s in scripts:
        for part in _SEGMENTS.split(s.body):
            m = _RUNNER.search(part)
            if not m:
                continue
            target = f"{folder}/{m.group(1).removeprefix('./')}" if folder else m.group(1).removeprefix("./")
            text = index.ctx.read(target) or ""
            if "drizzle-orm/" in text and "migrator" in text:
                out.append((s, part.strip()))
    return out


def _command_lines(index: CodeIndex, comp: str, tool: str) -> Iterator[tuple[str, int, str, str]]:
    """Migration commands written in a Procfile, shell script or Dockerfile of the component."""
    files = [r for r in index.owned.get(comp, ())
             if r.rsplit("/", 1)[-1] in {"Procfile", "Dockerfile"} or r.endswith(".sh")]
    for pattern in COMMANDS.get(tool, ()):
        for rel, line, text in index.grep(files, pattern):
            stripped = text.strip()
            if stripped.startswith("#"):
                continue
            body = stripped.split(":", 1)[1] if rel.endswith("Procfile") and ":" in stripped else stripped
            body = re.sub(r"^(?:RUN|CMD|ENTRYPOINT)\s+", "", body.strip())
            cmd = _segment(body.strip("[]\"' "), pattern)
            if cmd:
                yield rel, line, text, cmd.strip("\"' ,")
