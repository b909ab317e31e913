"""Backing services (databases, caches, queues, stores) and migration tools of each component.

Why mostly manifests: a client library in the production dependencies is the most reliable
sign that a component needs a service, and it is cheap to read. Code is read only where the
manifest cannot say which service (ORMs, generic AWS SDKs, Celery) or whether the connection
is optional (`if (process.env.REDIS_URL)`): a service counts as optional only when every
fact for it says so, so once a guard is found, all facts for that service carry "optional".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from launchbay.detectors import backing_code as code
from launchbay.detectors import backing_guards, backing_manifests, backing_migrations
from launchbay.detectors import backing_table as table
from launchbay.detectors.backing_code import CodeIndex, Hit
from launchbay.detectors.backing_manifests import Dep
from launchbay.detectors.backing_vendored import Vendored
from launchbay.detectors.base import DetectorContext, fact
from launchbay.models.profile import Fact

NAME = "backing"


@dataclass(frozen=True)
class Seen:
    """A service sighting before the optional/required decision is made."""

    service: str
    rel: str
    line: int
    text: str
    note: str | None = None
    uses: str | None = None  # regex fragment matching a file that imports the client


class BackingDetector:
    name = NAME

    def detect(self, ctx: DetectorContext) -> Iterator[Fact]:
        index = CodeIndex(ctx)
        manifests = backing_manifests.collect(ctx.tree)
        prod: dict[str, list[Dep]] = defaultdict(list)
        names: dict[str, set[str]] = defaultdict(set)  # every dependency, dev included
        for dep in manifests.deps:
            comp = index.owner(dep.rel)
            names[comp].add(dep.name)
            if not dep.dev:
                prod[comp].append(dep)

        seen: dict[str, list[Seen]] = defaultdict(list)
        for comp, deps in prod.items():
            seen[comp] += _from_deps(index, comp, deps)
        for comp, hits in _from_schemas(index, names).items():
            seen[comp] += hits
        vendored = Vendored(index)
        for comp in ctx.components:
            hit = code.sqlite_in_code(index, comp, partial(vendored.unused, comp=comp))
            if hit is not None:
                seen[comp].append(_seen(hit, note="SQLite database opened in code"))

        for comp in sorted(seen):
            yield from _emit(index, comp, seen[comp])
        yield from backing_migrations.detect(index, manifests, dict(names))


def _seen(hit: Hit, note: str | None = None, uses: str | None = None) -> Seen:
    return Seen(hit.service, hit.rel, hit.line, hit.text, note, uses)


def _at_dep(dep: Dep, service: str, note: str | None = None) -> Seen:
    return Seen(service, dep.rel, dep.line, dep.text, note, _uses(dep))


def _uses(dep: Dep) -> str:
    """A regex fragment that matches a source file importing this dependency."""
    if dep.eco == "js":
        return "[\"']" + re.escape(dep.name) + "(?:/[^\"']*)?[\"']"
    if dep.eco == "py":
        module = table.PY_MODULE.get(dep.name, dep.name.replace("-", "_"))
        return r"^\s*(?:from|import)\s+" + re.escape(module) + r"\b"
    if dep.eco == "go":
        return '"' + re.escape(dep.name)
    return r"\b" + re.escape(dep.name.replace("-", "_")) + "::"


def _where(hit: Hit) -> str:
    return f"{hit.rel}:{hit.line}"


def _from_deps(index: CodeIndex, comp: str, deps: list[Dep]) -> list[Seen]:
    """Services named by the component's production dependencies, reading code where needed."""
    out: list[Seen] = []
    orms: list[Dep] = []
    celery: list[Dep] = []
    for dep in deps:
        direct = _direct_service(dep)
        if direct:
            out += [_at_dep(dep, svc) for svc in direct]
        elif dep.eco == "js" and dep.name in table.JS_RUNS_ON:
            svc, note = table.JS_RUNS_ON[dep.name]  # the framework connects, not the app's code
            out.append(Seen(svc, dep.rel, dep.line, dep.text, note))
        elif _needs_dialect(dep):
            orms.append(dep)
        elif dep.eco == "py" and dep.name == "celery":
            celery.append(dep)
        elif _is_generic_aws(dep):
            hit = code.s3_use(index, comp, dep.eco)
            if hit is not None:
                out += [_at_dep(dep, "s3", note=f"S3 client at {_where(hit)}"), _seen(hit, uses=_uses(dep))]
    if orms and not any(s.service in table.SQL_SERVICES for s in out):
        out += _orm_dialects(index, comp, orms)
    for dep in celery:
        if not any(s.service in {"redis", "rabbitmq"} for s in out):
            for hit in code.url_schemes(index, comp, frozenset({"redis", "rabbitmq"}), ("broker", "backend", "celery")):
                out += [_at_dep(dep, hit.service, note=f"broker URL at {_where(hit)}"), _seen(hit)]
    return out


def _direct_service(dep: Dep) -> list[str]:
    if dep.eco == "js":
        svc = table.JS.get(dep.name)
        return [svc] if svc else []
    if dep.eco == "py":
        found = [s for e in dep.extras if (s := table.py_extra_service(dep.name, e))]
        svc = table.PY.get(dep.name)
        return sorted({*found, svc} if svc else set(found))
    if dep.eco == "go":
        return [svc for prefix, svc in table.GO if dep.name == prefix or dep.name.startswith(prefix + "/")][:1]
    if dep.name in table.RUST_BY_FEATURE:
        return sorted({s for f in dep.extras if (s := table.sql_service(f))})
    svc = table.RUST.get(dep.name)
    return [svc] if svc else []


def _needs_dialect(dep: Dep) -> bool:
    return (dep.eco == "js" and dep.name in table.JS_SQL_ORMS) or (dep.eco == "py" and dep.name in table.PY_SQL_ORMS)


def _is_generic_aws(dep: Dep) -> bool:
    return ((dep.eco == "js" and dep.name == "aws-sdk") or (dep.eco == "py" and dep.name in table.PY_AWS)
            or (dep.eco == "go" and dep.name == table.GO_AWS_V1))


def _orm_dialects(index: CodeIndex, comp: str, orms: list[Dep]) -> list[Seen]:
    """The database an ORM talks to, from its config (`type: "postgres"`) or a URL scheme."""
    out: list[Seen] = []
    for dep in orms:
        if dep.eco == "js":
            hits = code.js_orm_dialects(index, comp)
        else:
            hits = code.url_schemes(index, comp, table.SQL_SERVICES)
            if dep.name == "django":
                hits += code.django_engines(index, comp)
        for hit in hits:
            out += [_at_dep(dep, hit.service, note=f"dialect at {_where(hit)}"), _seen(hit, uses=_uses(dep))]
        if hits:
            break
    return out


def _from_schemas(index: CodeIndex, names: dict[str, set[str]]) -> dict[str, list[Seen]]:
    """Prisma datasource providers, Ponder's database kind and Drizzle dialects (config first,
    then pg-core-style imports)."""
    out: dict[str, list[Seen]] = defaultdict(list)
    for hit in code.prisma_providers(index):
        prisma = _seen(hit, note="Prisma datasource provider", uses="@prisma/client|PrismaClient")
        out[index.owner(hit.rel)].append(prisma)
    configured: set[str] = set()
    for rel in index.ctx.tree.named(*(f"ponder.config.{ext}" for ext in ("ts", "js", "mjs", "mts"))):
        for hit in code.ponder_database(index, rel):
            out[index.owner(rel)].append(_seen(hit, note="Ponder database kind", uses="ponder"))
    for base, paths in index.ctx.tree.by_name.items():
        if not base.startswith("drizzle.config."):
            continue
        for rel in (p for p in paths if not code.is_test(p)):
            dialect = code.drizzle_dialect(index, rel)
            if dialect is not None:
                comp = index.owner(rel)
                configured.add(comp)
                out[comp].append(_seen(dialect, note="Drizzle dialect", uses="drizzle-orm"))
    for comp, deps in names.items():
        if "drizzle-orm" in deps and comp not in configured:
            out[comp] += [_seen(h, note="Drizzle dialect import", uses="drizzle-orm")
                          for h in code.drizzle_imports(index, comp)]
    return out


def _emit(index: CodeIndex, comp: str, sightings: list[Seen]) -> Iterator[Fact]:
    """Facts for one component; every fact of a guarded service is marked optional."""
    services = {s.service for s in sightings}
    uses: dict[str, re.Pattern[str]] = {}
    for svc in services:
        parts = sorted({s.uses for s in sightings if s.service == svc and s.uses})
        if parts:
            uses[svc] = re.compile("|".join(f"(?:{p})" for p in parts), re.M)
    guards = backing_guards.find_guards(index, comp, services, uses)
    for s in sightings:
        detail = "optional" if s.service in guards else None
        yield fact(NAME, comp, "backing_service", s.service, s.rel, s.line, s.text, detail=detail, note=s.note)
    for svc in sorted(guards):
        for hit in guards[svc]:
            yield fact(NAME, comp, "backing_service", svc, hit.rel, hit.line, hit.text, detail="optional",
                       note="connects only when the setting is present")
