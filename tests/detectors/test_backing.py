"""BackingDetector: backing services from manifests/config/code, optional guards, migrations."""

from __future__ import annotations

import json
from pathlib import Path

from launchbay.detectors.backing import BackingDetector
from launchbay.detectors.backing_guards import config_services
from launchbay.models.profile import Fact
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of


def _run(root: Path) -> list[Fact]:
    facts = run_detector(BackingDetector(), root)
    assert_evidence_holds(root, facts)
    for f in facts:
        assert f.evidence.detector == "backing"
    return facts


def _services(facts: list[Fact], subject: str) -> dict[str, set[str | None]]:
    """service -> the set of details its facts carry."""
    out: dict[str, set[str | None]] = {}
    for f in facts_of(facts, "backing_service", subject):
        out.setdefault(str(f.value), set()).add(f.detail)
    return out


def _pkg(deps: dict[str, str], dev: dict[str, str] | None = None, scripts: dict[str, str] | None = None) -> str:
    data: dict[str, object] = {"name": "x"}
    if scripts:
        data["scripts"] = scripts
    data["dependencies"] = deps
    if dev:
        data["devDependencies"] = dev
    return json.dumps(data, indent=2)


# ------------------------------------------------------------------ JavaScript
def test_js_dependencies_map_to_services_and_dev_deps_are_ignored(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg(
            {"pg": "^8.11.3", "ioredis": "^5", "mongoose": "^8", "amqplib": "^0.10", "kafkajs": "^2",
             "nats": "^2", "@aws-sdk/client-s3": "^3", "helia": "^4", "bullmq": "^5", "express": "^4"},
            dev={"better-sqlite3": "^9", "mysql2": "^3"},
        ),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", ".") == {
        "postgres", "redis", "mongodb", "rabbitmq", "kafka", "nats", "s3", "ipfs"}
    pg = next(f for f in facts if f.value == "postgres")
    assert pg.evidence.file == "package.json"
    assert pg.evidence.quote == '"pg": "^8.11.3",'
    assert all(f.detail is None for f in facts)


def test_js_one_line_dependencies_block(tree_at) -> None:
    root = tree_at({"package.json": '{"name": "a", "dependencies": {"redis": "4"}, "devDependencies": {"pg": "8"}}\n'})
    facts = _run(root)
    assert values_of(facts, "backing_service") == {"redis"}


def test_aws_sdk_v2_needs_s3_in_code(tree_at) -> None:
    root = tree_at({
        "a/package.json": _pkg({"aws-sdk": "^2.1500.0"}),
        "a/index.js": "const AWS = require('aws-sdk');\nconst s3 = new AWS.S3();\n",
        "b/package.json": _pkg({"aws-sdk": "^2.1500.0"}),
        "b/index.js": "const AWS = require('aws-sdk');\nconst sqs = new AWS.SQS();\n",
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "a") == {"s3"}
    assert values_of(facts, "backing_service", "b") == set()
    assert {f.evidence.file for f in facts_of(facts, "backing_service", "a")} == {"a/package.json", "a/index.js"}


def test_prisma_provider_decides_the_database(tree_at) -> None:
    schema = ('generator client {\n  provider = "prisma-client-js"\n}\n\n'
              'datasource db {\n  provider = "{p}"\n  url      = env("DATABASE_URL")\n}\n')
    root = tree_at({
        "api/package.json": _pkg({"@prisma/client": "^5"}, dev={"prisma": "^5"}),
        "api/prisma/schema.prisma": schema.replace("{p}", "mysql"),
        "web/package.json": _pkg({"@prisma/client": "^5"}),
        "web/prisma/schema.prisma": schema.replace("{p}", "sqlite"),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "api") == {"mysql"}
    assert values_of(facts, "backing_service", "web") == {"sqlite"}
    (mysql,) = facts_of(facts, "backing_service", "api")
    assert mysql.evidence.line == 6 and mysql.evidence.quote == 'provider = "mysql"'


def test_drizzle_dialect_from_config_and_from_imports(tree_at) -> None:
    root = tree_at({
        "a/package.json": _pkg({"drizzle-orm": "^0.30"}, dev={"drizzle-kit": "^0.21"}),
        "a/drizzle.config.ts": ('import { defineConfig } from "drizzle-kit";\n'
                                'export default defineConfig({\n  schema: "./src/schema.ts",\n'
                                '  out: "./drizzle",\n  dialect: "postgresql",\n});\n'),
        "b/package.json": _pkg({"drizzle-orm": "^0.30"}),
        "b/src/schema.ts": 'import { sqliteTable, text } from "drizzle-orm/sqlite-core";\n',
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "a") == {"postgres"}
    assert facts_of(facts, "backing_service", "a")[0].evidence.quote == 'dialect: "postgresql",'
    assert values_of(facts, "backing_service", "b") == {"sqlite"}


def test_typeorm_type_setting_without_driver_dependency(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"typeorm": "^0.3"}),
        "src/data-source.ts": ('import { DataSource } from "typeorm";\nexport const AppDataSource = new DataSource({\n'
                               '  type: "postgres",\n  url: process.env.DATABASE_URL,\n'
                               '  migrations: ["dist/migrations/*.js"],\n});\n'),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service") == {"postgres"}
    assert {f.evidence.file for f in facts_of(facts, "backing_service")} == {"package.json", "src/data-source.ts"}


def test_sqlite_file_path_in_code(tree_at) -> None:
    root = tree_at({
        "bot/package.json": _pkg({"discord.js": "^14"}),
        "bot/src/db.js": ('const Database = require("better-sqlite3-wrapper");\n'
                          'const db = new Database("data/bot.db");\n'),
        "tool/pyproject.toml": '[project]\nname = "tool"\ndependencies = []\n',
        "tool/main.py": 'import sqlite3\n\nconn = sqlite3.connect(DB)\n',
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "bot") == {"sqlite"}
    assert facts_of(facts, "backing_service", "bot")[0].evidence.line == 2
    assert values_of(facts, "backing_service", "tool") == {"sqlite"}


# ------------------------------------------------------------------ Python
def test_python_requirements_extras_and_dev_files(tree_at) -> None:
    root = tree_at({
        "requirements.txt": "fastapi==0.110\npsycopg2-binary>=2.9  # db\nredis[hiredis]==5.0\n"
                            "celery[redis]==5.3\n-r common.txt\n",
        "requirements-dev.txt": "pymongo\n",
    })
    facts = _run(root)
    assert values_of(facts, "backing_service") == {"postgres", "redis"}
    lines = {(f.value, f.evidence.line) for f in facts}
    assert ("postgres", 2) in lines and ("redis", 3) in lines and ("redis", 4) in lines


def test_pyproject_pep621_and_poetry(tree_at) -> None:
    root = tree_at({
        "a/pyproject.toml": ('[project]\nname = "a"\ndependencies = [\n  "asyncpg>=0.29",\n  "aio-pika",\n]\n'
                             '[project.optional-dependencies]\ndev = ["aiokafka"]\n'),
        "b/pyproject.toml": ('[tool.poetry]\nname = "b"\n\n[tool.poetry.dependencies]\npython = "^3.11"\n'
                             'motor = "^3.3"\n\n[tool.poetry.group.dev.dependencies]\nredis = "^5"\n'),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "a") == {"postgres", "rabbitmq"}
    assert values_of(facts, "backing_service", "b") == {"mongodb"}
    (motor,) = facts_of(facts, "backing_service", "b")
    assert motor.evidence.quote == 'motor = "^3.3"'


def test_sqlalchemy_url_scheme_and_celery_broker(tree_at) -> None:
    root = tree_at({
        "pyproject.toml": '[project]\nname = "w"\ndependencies = ["sqlalchemy[asyncio]>=2", "celery>=5", "boto3"]\n',
        "app/db.py": 'import os\nURL = os.getenv("DATABASE_URL", "postgresql+asyncpg://u:p@localhost/app")\n',
        "app/tasks.py": ('from celery import Celery\nimport boto3\n\n'
                         'app = Celery("w", broker="amqp://guest@localhost//")\ns3 = boto3.client("s3")\n'),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service") == {"postgres", "rabbitmq", "s3"}
    files = {(f.value, f.evidence.file) for f in facts}
    assert ("postgres", "app/db.py") in files and ("rabbitmq", "app/tasks.py") in files


def test_celery_without_visible_broker_is_skipped(tree_at) -> None:
    root = tree_at({
        "requirements.txt": "celery==5.3\nboto3\n",
        "tasks.py": 'import boto3\napp = Celery("w", broker=os.environ["BROKER_URL"])\nsqs = boto3.client("sqs")\n',
    })
    assert values_of(_run(root), "backing_service") == set()


# ------------------------------------------------------------------ Go and Rust
def test_go_mod_direct_requires_only(tree_at) -> None:
    root = tree_at({
        "go.mod": ("module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/jackc/pgx/v5 v5.5.0\n"
                   "\tgithub.com/redis/go-redis/v9 v9.4.0\n\tgithub.com/IBM/sarama v1.42.0\n"
                   "\tgo.mongodb.org/mongo-driver v1.13.0 // indirect\n)\n\n"
                   "require github.com/nats-io/nats.go v1.31.0\n"),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service") == {"postgres", "redis", "kafka", "nats"}
    pg = next(f for f in facts if f.value == "postgres")
    assert pg.evidence.line == 6 and pg.evidence.quote == "github.com/jackc/pgx/v5 v5.5.0"


def test_cargo_features_and_workspace_inheritance(tree_at) -> None:
    root = tree_at({
        "Cargo.toml": ('[workspace]\nmembers = ["api"]\n\n[workspace.dependencies]\n'
                       'sqlx = { version = "0.7", features = ["runtime-tokio", "postgres"] }\n'),
        "api/Cargo.toml": ('[package]\nname = "api"\n\n[dependencies]\nsqlx = { workspace = true }\n'
                           'redis = "0.24"\nlapin = "2"\n\n[dev-dependencies]\nrdkafka = "0.36"\n\n'
                           '[dependencies.async-nats]\nversion = "0.33"\n'),
        "worker/Cargo.toml": ('[package]\nname = "worker"\n\n[dependencies]\n'
                              'diesel = { version = "2", features = ["sqlite"] }\n'),
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "api") == {"postgres", "redis", "rabbitmq", "nats"}
    assert values_of(facts, "backing_service", "worker") == {"sqlite"}
    assert values_of(facts, "backing_service", ".") == set()
    nats = next(f for f in facts if f.value == "nats")
    assert nats.evidence.quote == "[dependencies.async-nats]"


# ------------------------------------------------------------------ optional guards
def test_js_guard_marks_every_fact_optional(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"ioredis": "^5", "pg": "^8"}),
        "src/cache.ts": ('import Redis from "ioredis";\n\nlet redis: Redis | null = null;\n'
                         'if (process.env.REDIS_URL) {\n  redis = new Redis(process.env.REDIS_URL);\n}\n'),
        "src/db.ts": ('import { Pool } from "pg";\n'
                      'export const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n'),
    })
    facts = _run(root)
    details = _services(facts, ".")
    assert details == {"redis": {"optional"}, "postgres": {None}}
    guard = next(f for f in facts if f.evidence.file == "src/cache.ts")
    assert guard.evidence.line == 4 and guard.detail == "optional"


def test_ternary_and_python_guards(tree_at) -> None:
    root = tree_at({
        "web/package.json": _pkg({"@upstash/redis": "^1"}),
        "web/lib/kv.ts": ('import { Redis } from "@upstash/redis";\n'
                          'export const kv = process.env.UPSTASH_REDIS_REST_URL ? Redis.fromEnv() : null;\n'),
        "api/requirements.txt": "redis==5.0\npymongo==4.6\n",
        "api/main.py": ('from app.settings import settings\n\n\nasync def startup():\n'
                        '    if settings.redis_url:\n        await init_redis(settings.redis_url)\n'),
        "api/store.py": ('import os\nfrom pymongo import MongoClient\n\n\ndef client():\n'
                         '    if not os.getenv("MONGO_URI"):\n        raise RuntimeError("MONGO_URI is required")\n'
                         '    return MongoClient(os.environ["MONGO_URI"])\n'),
    })
    facts = _run(root)
    assert _services(facts, "web") == {"redis": {"optional"}}
    assert _services(facts, "api") == {"redis": {"optional"}, "mongodb": {None}}


def test_negative_guard_with_quiet_return_is_optional(tree_at) -> None:
    root = tree_at({
        "go.mod": "module x\n\ngo 1.22\n\nrequire github.com/redis/go-redis/v9 v9.4.0\n",
        "cache.go": ('package main\n\nimport "github.com/redis/go-redis/v9"\n\nfunc newCache() *redis.Client {\n'
                     '\tif os.Getenv("REDIS_ADDR") == "" {\n\t\treturn nil\n\t}\n'
                     '\treturn redis.NewClient(&redis.Options{Addr: os.Getenv("REDIS_ADDR")})\n}\n'),
    })
    facts = _run(root)
    assert _services(facts, ".") == {"redis": {"optional"}}


def test_guard_failing_loudly_or_in_comment_is_not_optional(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"ioredis": "^5"}),
        "src/r.js": ('const Redis = require("ioredis");\n// if REDIS_URL is unset we crash\n'
                     'if (!process.env.REDIS_URL) {\n  throw new Error("REDIS_URL missing");\n}\n'
                     'module.exports = new Redis(process.env.REDIS_URL);\n'),
        "src/r.test.js": 'if (process.env.REDIS_URL) { new Redis(process.env.REDIS_URL) }\n',
    })
    assert _services(_run(root), ".") == {"redis": {None}}


def test_setting_copied_or_replica_only_is_not_a_guard(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"@prisma/client": "5"}),
        "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
        "src/env.ts": ('export function databaseUrl() {\n  if (process.env.POSTGRES_URL) {\n'
                       '    process.env.DATABASE_URL = process.env.POSTGRES_URL;\n  }\n}\n'),
        "src/db.ts": ('import { PrismaClient } from "@prisma/client";\nexport const prisma = new PrismaClient();\n'
                      'export const replicas = () => {\n  if (!process.env.DATABASE_REPLICA_URLS) {\n'
                      '    return null;\n  }\n  return makeReplicas(process.env.DATABASE_REPLICA_URLS);\n};\n'),
    })
    assert _services(_run(root), ".") == {"postgres": {None}}


def test_python_inline_conditional_is_a_guard(tree_at) -> None:
    root = tree_at({
        "requirements.txt": "redis==5\n",
        "app.py": ("import redis\nfrom settings import settings\n\n"
                   "cache = redis.Redis.from_url(settings.redis_url) if settings.redis_url else None\n"),
    })
    facts = _run(root)
    assert _services(facts, ".") == {"redis": {"optional"}}
    assert {f.evidence.line for f in facts} == {1, 4}


def test_ponder_database_kind(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"ponder": "^0.10"}),
        "ponder.config.ts": ('import { createConfig } from "ponder";\n\nexport default createConfig({\n'
                             '  database: {\n    kind: "postgres",\n    connectionString: process.env.DATABASE_URL,\n'
                             '  },\n});\n'),
    })
    facts = _run(root)
    (pg,) = facts_of(facts, "backing_service", ".")
    assert pg.value == "postgres" and pg.evidence.line == 5 and pg.detail is None


def test_config_name_tokens() -> None:
    assert config_services("REDIS_URL") == {"redis"}
    assert config_services("mongoUri") == {"mongodb"}
    assert config_services("S3_BUCKET") == {"s3"}
    assert config_services("redisClient") == set()
    assert config_services("DATABASE_REPLICA_URLS") == set()
    assert config_services("USE_REDIS") == {"redis"}
    assert "postgres" in config_services("DATABASE_URL")


# ------------------------------------------------------------------ malformed input
def test_malformed_manifests_are_skipped(tree_at) -> None:
    root = tree_at({
        "a/package.json": '{"dependencies": {"pg": "8",,}',
        "b/pyproject.toml": '[project\ndependencies = ["redis"]\n',
        "c/Cargo.toml": "[dependencies\nredis = 1\n",
        "d/go.mod": "module x\nrequire (\n\n)\nrequire\n",
        "e/package.json": "[1, 2, 3]",
        "f/Pipfile": "[packages]\nredis = '*'\n[dev-packages]\npymongo = '*'\n",
        "g/prisma/schema.prisma": "datasource db {\n  provider = env(\"X\")\n}\n",
        "g/package.json": _pkg({"@prisma/client": "^5"}),
        "h/package.json": b"\x00\x01binary",
    })
    facts = _run(root)
    assert values_of(facts, "backing_service") == {"redis"}
    assert facts_of(facts, "backing_service")[0].subject == "f"


# ------------------------------------------------------------------ migrations
def test_prisma_migrations_use_the_project_script(tree_at) -> None:
    root = tree_at({
        "api/package.json": _pkg({"@prisma/client": "^5"}, dev={"prisma": "^5"}, scripts={
            "db:deploy": "prisma generate && prisma migrate deploy", "release": "pnpm db:deploy"}),
        "api/prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
        "api/prisma/migrations/20240101_init/migration.sql": "CREATE TABLE a (id int);\n",
    })
    facts = _run(root)
    assert values_of(facts, "migration_tool", "api") == {"prisma"}
    cmds = facts_of(facts, "migration_command", "api")
    assert {f.value for f in cmds} == {"prisma migrate deploy"}
    assert {f.detail for f in cmds} == {"package.json script db:deploy", "package.json script release"}


def test_prisma_default_command_and_no_tool_without_migrations(tree_at) -> None:
    schema = 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'
    root = tree_at({
        "a/package.json": _pkg({"@prisma/client": "^5"}),
        "a/prisma/schema.prisma": schema,
        "a/prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n',
        "b/package.json": _pkg({"@prisma/client": "^5"}),
        "b/prisma/schema.prisma": schema,
    })
    facts = _run(root)
    (cmd,) = facts_of(facts, "migration_command", "a")
    assert cmd.value == "npx prisma migrate deploy" and cmd.evidence.note == "tool default"
    assert values_of(facts, "migration_tool", "b") == set()


def test_drizzle_knex_typeorm_sequelize_flyway(tree_at) -> None:
    root = tree_at({
        "d/package.json": _pkg({"drizzle-orm": "1"}, scripts={"db:migrate": "tsx src/migrate.ts"}),
        "d/drizzle.config.ts": 'export default { dialect: "postgresql", out: "./drizzle" };\n',
        "d/src/migrate.ts": 'import { migrate } from "drizzle-orm/node-postgres/migrator";\n',
        "e/package.json": _pkg({"drizzle-orm": "1"}),
        "e/drizzle.config.json": '{\n  "dialect": "sqlite",\n  "out": "./drizzle"\n}\n',
        "k/package.json": _pkg({"knex": "3", "pg": "8"}),
        "k/knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: { directory: './migrations' },\n};\n",
        "t/package.json": _pkg({"typeorm": "0.3", "pg": "8"}),
        "t/src/data-source.ts": 'export const ds = new DataSource({\n  type: "postgres",\n  migrations: [],\n});\n',
        "s/package.json": _pkg({"sequelize": "6"}, scripts={"migrate": "sequelize-cli db:migrate --env production"}),
        "s/.sequelizerc": ("const path = require('path');\nmodule.exports = {\n"
                           "  'migrations-path': 'db/migrations',\n};\n"),
        "j/Dockerfile": "FROM flyway/flyway\n",
        "j/src/main/resources/db/migration/V1__init.sql": "\nCREATE TABLE t (id int);\n",
    })
    facts = _run(root)
    tools = {f.subject: f.value for f in facts_of(facts, "migration_tool")}
    assert tools == {"d": "drizzle", "e": "drizzle", "k": "knex", "t": "typeorm", "s": "sequelize", "j": "flyway"}
    cmds = {f.subject: f.value for f in facts_of(facts, "migration_command")}
    assert cmds == {
        "d": "tsx src/migrate.ts",
        "e": "npx drizzle-kit migrate",
        "k": "npx knex migrate:latest",
        "t": "npx typeorm migration:run -d src/data-source.ts",
        "s": "sequelize-cli db:migrate --env production",
        "j": "flyway migrate",
    }
    flyway = facts_of(facts, "migration_tool", "j")[0]
    assert flyway.evidence.line == 2
    assert values_of(facts, "backing_service", "e") == {"sqlite"}


def test_procfile_release_command(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"knex": "3"}),
        "knexfile.ts": "export default { client: 'mysql2', migrations: { directory: 'db' } };\n",
        "Procfile": "web: node server.js\nrelease: npx knex migrate:latest --env production\n",
    })
    facts = _run(root)
    (cmd,) = facts_of(facts, "migration_command", ".")
    assert cmd.value == "npx knex migrate:latest --env production"
    assert cmd.evidence.file == "Procfile" and cmd.evidence.line == 2
    assert values_of(facts, "backing_service") == {"mysql"}


def test_django_engine_and_go_aws_v1(tree_at) -> None:
    root = tree_at({
        "web/requirements.txt": "Django==5.0\n",
        "web/site/settings.py": ('DATABASES = {\n    "default": {\n'
                                 '        "ENGINE": "django.db.backends.postgresql",\n    }\n}\n'),
        "up/go.mod": "module up\n\ngo 1.21\n\nrequire github.com/aws/aws-sdk-go v1.50.0\n",
        "up/main.go": 'package main\n\nimport (\n\t"github.com/aws/aws-sdk-go/service/s3"\n)\n',
    })
    facts = _run(root)
    assert values_of(facts, "backing_service", "web") == {"postgres"}
    assert values_of(facts, "backing_service", "up") == {"s3"}


def test_push_style_commands_and_sequelize_migrations_folder(tree_at) -> None:
    schema = 'datasource db {\n  provider = "sqlite"\n  url = "file:./dev.db"\n}\n'
    root = tree_at({
        "p/package.json": _pkg({"@prisma/client": "5"}, scripts={"db:push": "prisma db push --skip-generate"}),
        "p/prisma/schema.prisma": schema,
        "d/package.json": _pkg({"drizzle-orm": "1"}, scripts={"db": "drizzle-kit push"}),
        "d/drizzle.config.ts": 'export default { dialect: "mysql" };\n',
        "s/package.json": _pkg({"sequelize": "6", "pg": "8"}),
        "s/migrations/20240101-create.js": ("'use strict';\nmodule.exports = {\n"
                                            "  async up(queryInterface, Sequelize) {},\n};\n"),
    })
    facts = _run(root)
    cmds = {f.subject: (f.value, f.detail) for f in facts_of(facts, "migration_command")}
    assert cmds == {
        "p": ("prisma db push --skip-generate", "package.json script db:push"),
        "d": ("drizzle-kit push", "package.json script db"),
        "s": ("npx sequelize-cli db:migrate", None),
    }
    seq = facts_of(facts, "migration_tool", "s")[0]
    assert seq.value == "sequelize" and seq.evidence.line == 3


# ------------------------------------------------------------------ trial-repo patterns
def test_envio_indexer_needs_postgres(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"envio": "3.0.0"}, scripts={"start": "envio start"}),
        "src/handlers.ts": 'const db = process.env.DATABASE_URL;\nif (db) { console.log("custom db", db) }\n',
    })
    facts = _run(root)
    (pg,) = facts_of(facts, "backing_service", ".")
    assert (pg.value, pg.detail) == ("postgres", None)
    assert pg.evidence.quote == '"envio": "3.0.0"' and pg.evidence.line == 7
    assert pg.evidence.note == "envio runs on Postgres (and Hasura)"


AUTH_POOL_TS = """import { Pool } from "pg";

let pool: Pool | null = null;

export function getPool(): Pool | null {
  if (pool) return pool;
  const url = process.env.MAIN_DATABASE_URL;
  if (!url) {
    console.warn(
      "MAIN_DATABASE_URL not set; lookups will return the fallback",
    );
    return null;
  }
  pool = new Pool({ connectionString: url });
  return pool;
}
"""

EVENTS_TS = """import { connect } from "nats";

export async function boot(cfg: { brokerUrl?: string; natsUrl?: string }) {
  const servers = cfg.natsUrl?.trim();
  if (servers) {
    const nc = await connect({ servers });
    return nc;
  }
  return null;
}
"""

KAFKA_TS = """import { Kafka } from "kafkajs";

const brokers = process.env.KAFKA_BROKERS ?? "localhost:9092";
export const kafka = brokers ? new Kafka({ brokers: [brokers] }) : null;
"""


def test_setting_copied_into_a_variable_is_followed_into_its_guard(tree_at) -> None:
    root = tree_at({
        "package.json": _pkg({"pg": "^8", "nats": "^2", "kafkajs": "^2"}),
        "src/auth/pool.ts": AUTH_POOL_TS,
        "src/events.ts": EVENTS_TS,
        "src/kafka.ts": KAFKA_TS,
    })
    facts = _run(root)
    # A variable with a fallback value always holds something: kafka stays required.
    assert _services(facts, ".") == {"postgres": {"optional"}, "nats": {"optional"}, "kafka": {None}}
    guards = {(f.value, f.evidence.file, f.evidence.line) for f in facts if f.evidence.file != "package.json"}
    assert guards == {("postgres", "src/auth/pool.ts", 8), ("nats", "src/events.ts", 5)}


def test_custom_migration_script_gives_the_command_only(tree_at) -> None:
    root = tree_at({
        "api/package.json": _pkg({"postgres": "^3"}, scripts={
            "migrate": "bun scripts/migrate.ts up", "migrate:down": "bun scripts/migrate.ts down"}),
        "svc/package.json": _pkg({"pg": "^8"}, scripts={
            "release": "npm run db:migrate", "db:migrate": "pnpm run migrations", "migrations": "node db/run.js"}),
        "dev/package.json": _pkg({"pg": "^8"}, scripts={"migrate": "prisma migrate dev"}),
        "known/package.json": _pkg({"knex": "3", "pg": "8"}, scripts={"migrate": "knex migrate:latest"}),
        "known/knexfile.js": "module.exports = {\n  client: 'pg',\n  migrations: { directory: './m' },\n};\n",
    })
    facts = _run(root)
    cmds = {(f.subject, f.value, f.detail) for f in facts_of(facts, "migration_command")}
    assert cmds == {
        ("api", "bun scripts/migrate.ts up", "package.json script migrate"),
        ("svc", "node db/run.js", "package.json script migrations"),
        ("svc", "node db/run.js", "package.json script db:migrate"),
        ("known", "knex migrate:latest", "package.json script migrate"),
    }
    api = facts_of(facts, "migration_command", "api")[0]
    assert api.evidence.quote == '"migrate": "bun scripts/migrate.ts up",'
    # No tool name for a home-made runner ("custom" is not a migration_tool value).
    assert {f.subject for f in facts_of(facts, "migration_tool")} == {"known"}


SQLITE_STORE_TS = 'import { Database } from "bun:sqlite"\n\nexport const open = (p: string) => new Database(p)\n'


def test_sqlite_in_vendored_code_is_not_the_projects_own(tree_at) -> None:
    root = tree_at({
        "a/package.json": _pkg({"zod": "3"}),
        "a/tsconfig.json": ('{\n  // vendored framework\n  "compilerOptions": {\n    "paths": {\n'
                            '      "@fw/*": ["./src/fw/*", "./src/fw/*/index.ts"],\n    },\n  },\n'
                            '  "exclude": ["node_modules", "src/fw/**"]\n}\n'),
        "a/src/fw/session/sqlite.ts": SQLITE_STORE_TS,
        "a/src/fw/core/index.ts": 'export * from "../session/index.ts"\n',
        "a/src/app.ts": 'import { app } from "@fw/core"\n',
        "b/package.json": _pkg({"zod": "3"}),
        "b/src/lib/kit/LICENSE": "MIT License\n",
        "b/src/lib/kit/store/sqlite.ts": SQLITE_STORE_TS,
        "c/package.json": _pkg({"zod": "3"}),
        "c/kit/LICENSE.md": "MIT License\n",
        "c/kit/store/sqlite.ts": SQLITE_STORE_TS,
        "c/src/main.ts": 'import { open } from "../kit/store/sqlite.ts"\nopen(process.env.DB_FILE)\n',
        "d/package.json": _pkg({"zod": "3"}),
        "d/src/db.ts": SQLITE_STORE_TS,
    })
    facts = _run(root)
    sqlite = {f.subject: (f.evidence.file, f.evidence.line) for f in facts_of(facts, "backing_service")}
    # c's own code imports the vendored store, so SQLite counts there; d opens it itself.
    assert sqlite == {"c": ("c/kit/store/sqlite.ts", 1), "d": ("d/src/db.ts", 1)}
