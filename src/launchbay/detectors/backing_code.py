"""Look into a component's code and config when its manifest alone cannot name the service.

Why: `@prisma/client`, `drizzle-orm`, SQLAlchemy or `boto3` say nothing about *which*
database or store is used; the schema provider, a dialect line, a URL scheme or an
`s3` client does. SQLite opened without any driver dependency (Python's stdlib `sqlite3`,
`bun:sqlite`) is found here too.

Files are grouped by owning component once; tests and fixtures are left out so a test
database does not become a production dependency.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from launchbay.detectors.backing_table import sql_service
from launchbay.detectors.base import DetectorContext

CODE_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".py", ".go", ".rs")
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
CONFIG_SUFFIXES = (".ini", ".cfg", ".toml", ".yaml", ".yml")
_TEST_DIRS = frozenset({
    "test", "tests", "__tests__", "spec", "specs", "e2e", "__mocks__", "mocks", "fixtures", "testdata",
    "cypress", "playwright",
})
_ENV_EXAMPLE = re.compile(r"^\.env\..*(?:example|sample|template|dist|defaults)$|^(?:example|sample)\.env$"
                          r"|^env\.(?:example|sample)$")


@dataclass(frozen=True)
class Hit:
    """A service seen on one line of one file."""

    service: str
    rel: str
    line: int  # 1-based
    text: str


def is_test(rel: str) -> bool:
    parts = rel.split("/")
    base = parts[-1]
    if any(p in _TEST_DIRS for p in parts[:-1]):
        return True
    return (".test." in base or ".spec." in base or base.endswith("_test.go") or base == "conftest.py"
            or (base.startswith("test_") and base.endswith(".py")))


def is_env_example(rel: str) -> bool:
    return bool(_ENV_EXAMPLE.match(rel.rsplit("/", 1)[-1]))


class CodeIndex:
    """The tree's files grouped by owning component, with cached line splits."""

    def __init__(self, ctx: DetectorContext) -> None:
        self.ctx = ctx
        self._comps = frozenset(ctx.components)
        self._lines: dict[str, list[str]] = {}
        self._code: dict[str, list[str]] = {}

    def owner(self, rel: str) -> str:
        """Same answer as `ctx.component_of`, by walking up the path (fast on big trees)."""
        cut = rel.rfind("/")
        while cut > 0:
            if rel[:cut] in self._comps:
                return rel[:cut]
            cut = rel.rfind("/", 0, cut)
        return "." if "." in self._comps else ""

    @cached_property
    def owned(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for rel in self.ctx.tree.files:
            groups[self.owner(rel)].append(rel)
        return groups

    def code(self, comp: str, suffixes: tuple[str, ...] = CODE_SUFFIXES) -> list[str]:
        key = comp + "\0" + ",".join(suffixes)
        if key not in self._code:
            self._code[key] = [r for r in self.owned.get(comp, ()) if r.endswith(suffixes) and not is_test(r)
                               and not r.endswith(".d.ts")]
        return self._code[key]

    def config(self, comp: str) -> list[str]:
        """Env examples and config files (ini/toml/yaml) of a component, CI and tests left out."""
        return [r for r in self.owned.get(comp, ())
                if (is_env_example(r) or r.endswith(CONFIG_SUFFIXES))
                and not r.startswith((".github/", ".gitlab", ".circleci/")) and not is_test(r)]

    def lines(self, rel: str) -> list[str]:
        if rel not in self._lines:
            text = self.ctx.read(rel)
            self._lines[rel] = text.split("\n") if text is not None else []
        return self._lines[rel]

    def finditer(self, rel: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, str, re.Match[str]]]:
        """(1-based line, line text, match) for each match, line numbers counted incrementally
        with str.count so a big file costs one pass at C speed."""
        text = self.ctx.read(rel)
        if text is None:
            return
        line, last = 1, 0
        for m in pattern.finditer(text):
            pos = m.start()
            line += text.count("\n", last, pos)
            last = pos
            start = text.rfind("\n", 0, pos) + 1
            end = text.find("\n", pos)
            yield line, text[start: end if end != -1 else len(text)], m

    def grep(self, files: Iterable[str], pattern: re.Pattern[str],
             needles: tuple[str, ...] = ()) -> Iterator[tuple[str, int, str]]:
        """(file, 1-based line, line text) once per line matching `pattern`; a file is searched
        only when it contains one of `needles` (a fast substring test)."""
        for rel in files:
            text = self.ctx.read(rel)
            if text is None or (needles and not any(n in text for n in needles)):
                continue
            previous = 0
            for line, line_text, _ in self.finditer(rel, pattern):
                if line != previous:
                    previous = line
                    yield rel, line, line_text


# ------------------------------------------------------------------ schema / dialect readers
_DATASOURCE = re.compile(r"^\s*datasource\s+\w+\s*\{")
_PROVIDER = re.compile(r"^\s*provider\s*=\s*\"(\w+)\"")


def prisma_providers(index: CodeIndex) -> list[Hit]:
    """The `provider = "postgresql"` line of every Prisma schema's datasource block."""
    found = []
    for rel in index.ctx.tree.with_suffix(".prisma"):
        lines = index.lines(rel)
        start = next((i for i, line in enumerate(lines) if _DATASOURCE.match(line)), None)
        for i in range(start if start is not None else len(lines), len(lines)):
            m = _PROVIDER.match(lines[i])
            if m:
                svc = sql_service(m.group(1))
                if svc:
                    found.append(Hit(svc, rel, i + 1, lines[i]))
                break
            if "}" in lines[i]:
                break
    return found


_DIALECT = re.compile(r"""\b(dialect|driver)["']?\s*:\s*["'`]([\w-]+)["'`]""")
_DRIZZLE_IMPORT = re.compile(r"""["']drizzle-orm/([\w-]+)["']""")
_DRIZZLE_MODULES = {
    "pg-core": "postgres", "node-postgres": "postgres", "postgres-js": "postgres", "neon-http": "postgres",
    "neon-serverless": "postgres", "vercel-postgres": "postgres", "xata-http": "postgres",
    "mysql-core": "mysql", "mysql2": "mysql", "planetscale-serverless": "mysql", "tidb-serverless": "mysql",
    "sqlite-core": "sqlite", "better-sqlite3": "sqlite", "libsql": "sqlite", "bun-sqlite": "sqlite",
    "d1": "sqlite", "expo-sqlite": "sqlite", "op-sqlite": "sqlite",
}


def drizzle_dialect(index: CodeIndex, config: str) -> Hit | None:
    """`dialect: "postgresql"` (or the older `driver: "pg"`) in a drizzle config file."""
    best: Hit | None = None
    for rel, line, text in index.grep([config], _DIALECT):
        for m in _DIALECT.finditer(text):
            svc = sql_service(m.group(2))
            if svc and (best is None or m.group(1) == "dialect"):
                best = Hit(svc, rel, line, text)
    return best


def drizzle_imports(index: CodeIndex, comp: str) -> list[Hit]:
    """The first `drizzle-orm/pg-core`-style import per dialect in a component's code."""
    seen: dict[str, Hit] = {}
    for rel, line, text in index.grep(index.code(comp, JS_SUFFIXES), _DRIZZLE_IMPORT, ("drizzle-orm/",)):
        for m in _DRIZZLE_IMPORT.finditer(text):
            svc = _DRIZZLE_MODULES.get(m.group(1))
            if svc and svc not in seen:
                seen[svc] = Hit(svc, rel, line, text)
    return list(seen.values())


_PONDER_KIND = re.compile(r"""\bkind\s*:\s*["']postgres["']""")


def ponder_database(index: CodeIndex, config: str) -> list[Hit]:
    """Ponder indexes into Postgres when its config says `database: { kind: "postgres" }`
    (otherwise it uses embedded PGlite, which needs no service)."""
    return [Hit("postgres", rel, line, text) for rel, line, text in index.grep([config], _PONDER_KIND)][:1]


_ORM_SETTING = re.compile(r"""\b(?:type|client|dialect)["']?\s*:\s*["']([\w-]+)["']""")
_ORM_MARKERS = ("typeorm", "TypeOrm", "DataSource", "knex", "Knex", "Sequelize", "sequelize")


def js_orm_dialects(index: CodeIndex, comp: str) -> list[Hit]:
    """typeorm `type:`, knex `client:`, sequelize `dialect:` settings in a component."""
    files = [r for r in index.owned.get(comp, ())
             if not is_test(r) and (r.endswith(JS_SUFFIXES) or _orm_json(r))]
    hits: dict[str, Hit] = {}
    for rel in files:
        text = index.ctx.read(rel) or ""
        base = rel.rsplit("/", 1)[-1]
        if not (base.startswith(("knexfile", "ormconfig")) or _orm_json(rel)
                or any(m in text for m in _ORM_MARKERS)):
            continue
        for _, line, line_text in index.grep([rel], _ORM_SETTING):
            for m in _ORM_SETTING.finditer(line_text):
                svc = sql_service(m.group(1))
                if svc and svc not in hits:
                    hits[svc] = Hit(svc, rel, line, line_text)
    return list(hits.values())


def _orm_json(rel: str) -> bool:
    base = rel.rsplit("/", 1)[-1]
    return base == "ormconfig.json" or rel.endswith(("config/config.json", "config/database.json"))


_SCHEME = re.compile(r"\b(postgres(?:ql)?|mysql|mariadb|sqlite|rediss?|amqps?|pyamqp|mongodb)(?:\+\w+)?$")
_SCHEME_SERVICE = {
    "postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite",
    "redis": "redis", "rediss": "redis", "amqp": "rabbitmq", "amqps": "rabbitmq", "pyamqp": "rabbitmq",
    "mongodb": "mongodb",
}


def url_schemes(index: CodeIndex, comp: str, wanted: frozenset[str], line_words: tuple[str, ...] = ()) -> list[Hit]:
    """First line per service with a connection URL (`postgresql+asyncpg://`, `redis://`) in a
    component's Python code, env examples and config; one of `line_words` must be on the line.
    Each "://" is found with str.find and the scheme read backwards from it (fast on big trees)."""
    hits: dict[str, Hit] = {}
    for rel in index.code(comp, (".py",)) + index.config(comp):
        text = index.ctx.read(rel) or ""
        pos = text.find("://")
        while pos != -1:
            m = _SCHEME.search(text, max(0, pos - 40), pos)
            svc = _SCHEME_SERVICE[m.group(1)] if m else None
            if svc in wanted and svc not in hits:
                start = text.rfind("\n", 0, pos) + 1
                end = text.find("\n", pos)
                line = text[start: end if end != -1 else len(text)]
                if not line_words or any(w in line.lower() for w in line_words):
                    hits[svc] = Hit(svc, rel, text.count("\n", 0, start) + 1, line)
            pos = text.find("://", pos + 3)
    return list(hits.values())


_DJANGO_ENGINE = re.compile(r"django(?:\.contrib\.gis)?\.db\.backends\.(\w+)")


def django_engines(index: CodeIndex, comp: str) -> list[Hit]:
    hits: dict[str, Hit] = {}
    for rel, line, text in index.grep(index.code(comp, (".py",)), _DJANGO_ENGINE, ("db.backends.",)):
        svc = sql_service(_DJANGO_ENGINE.search(text).group(1))  # type: ignore[union-attr]
        if svc and svc not in hits:
            hits[svc] = Hit(svc, rel, line, text)
    return list(hits.values())


_S3_USE = {
    "js": re.compile(r"\bnew\s+(?:AWS\s*\.\s*)?S3(?:Client)?\s*\(|aws-sdk/clients/s3"),
    "py": re.compile(r"""\.(?:client|resource)\(\s*(?:service_name\s*=\s*)?["']s3["']"""),
    "go": re.compile(r"\"github\.com/aws/aws-sdk-go/service/s3(?:/\w+)?\""),
}
_S3_NEEDLES = {"js": ("S3", "clients/s3"), "py": ("s3",), "go": ("service/s3",)}
_ECO_SUFFIXES = {"js": JS_SUFFIXES, "py": (".py",), "go": (".go",)}


def s3_use(index: CodeIndex, comp: str, eco: str) -> Hit | None:
    """Where a generic AWS SDK is used for S3 (`new AWS.S3()`, `boto3.client("s3")`)."""
    for rel, line, text in index.grep(index.code(comp, _ECO_SUFFIXES[eco]), _S3_USE[eco], _S3_NEEDLES[eco]):
        return Hit("s3", rel, line, text)
    return None


_SQLITE_CALL = re.compile(r"\b(?:sqlite3|aiosqlite)\.connect\(|[\"'](?:bun|node):sqlite[\"']")
_SQLITE_FILE = re.compile(r"""["'`](?:file:)?[\w@./~${}-]*\.(?:db|sqlite3?)["'`]""")
_SQLITE_ANY = re.compile(f"{_SQLITE_CALL.pattern}|{_SQLITE_FILE.pattern}")


def sqlite_in_code(index: CodeIndex, comp: str, skip: Callable[[str], bool] | None = None) -> Hit | None:
    """SQLite used through the stdlib/runtime or a database file path in a file that uses SQLite
    (files for which `skip` says True, e.g. unused vendored code, are passed over)."""
    for rel in index.code(comp):
        text = index.ctx.read(rel)
        if text is None or "sqlite" not in text:
            continue
        for line, line_text, _ in index.finditer(rel, _SQLITE_ANY):
            if skip is not None and skip(rel):
                break
            return Hit("sqlite", rel, line, line_text)
    return None
