"""EnvVarDetector: env reads per language, example files, compose, and never reading real .env files."""

from __future__ import annotations

from pathlib import Path

from launchbay.detectors.envvars import EnvVarDetector, is_example_file, source_kind
from launchbay.models.profile import Fact
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of


def _run(root: Path) -> list[Fact]:
    facts = run_detector(EnvVarDetector(), root)
    assert_evidence_holds(root, facts)
    return facts


def _reads(facts: list[Fact], subject: str | None = None) -> dict[str, bool]:
    """name -> has a default read, for the env_read facts of `subject`."""
    out: dict[str, bool] = {}
    for f in facts_of(facts, "env_read", subject):
        out[str(f.value)] = out.get(str(f.value), False) or f.detail == "default"
    return out


def _line_of(facts: list[Fact], name: str) -> int:
    return next(f.evidence.line for f in facts if f.value == name and f.kind == "env_read")


# ---------------------------------------------------------------------- JS / TS

def test_js_direct_reads_and_defaults(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "src/server.ts": (
            "const port = Number(process.env.PORT) || 3001;\n"
            "const db = process.env.DATABASE_URL;\n"
            "const key = process.env['API_KEY'] ?? 'dev';\n"
            'const mode = process.env["NODE_ENV"];\n'
            "const fromVite = import.meta.env.VITE_API_URL;\n"
            "const viteMode = import.meta.env.MODE;\n"
            'const deno = Deno.env.get("DENO_TOKEN");\n'
            "const bun = Bun.env.BUN_FLAG || '';\n"
            "const chain = process.env.RPC_A || process.env.RPC_B;\n"
            "const name = 'X'; const dyn = process.env[name];\n"
            "process.env.WRITTEN = 'yes';\n"
            "if (process.env.hasOwnProperty('Y')) {}\n"
            "const lc = process.env.npm_package_version;\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts, ".") == {
        "PORT": True, "DATABASE_URL": False, "API_KEY": True, "NODE_ENV": False, "VITE_API_URL": False,
        "DENO_TOKEN": False, "BUN_FLAG": True, "RPC_A": False, "RPC_B": False,
    }
    assert _line_of(facts, "DENO_TOKEN") == 7
    port = next(f for f in facts if f.value == "PORT")
    assert port.evidence.quote == "const port = Number(process.env.PORT"  # never the fallback value
    assert port.evidence.detector == "envvars"


def test_js_destructuring_across_lines(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "index.js": (
            "const {\n"
            "  REDIS_URL,\n"
            "  SESSION_SECRET: secret, // the cookie key\n"
            '  LOG_LEVEL = "info, debug",\n'
            "  'QUOTED_NAME': q,\n"
            "  ...rest\n"
            "} = process.env;\n"
            "const { other } = someObject;\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts) == {"REDIS_URL": False, "SESSION_SECRET": False, "LOG_LEVEL": True, "QUOTED_NAME": False}
    assert _line_of(facts, "REDIS_URL") == 2
    assert _line_of(facts, "LOG_LEVEL") == 4
    assert _line_of(facts, "QUOTED_NAME") == 5


def test_t3_env_envalid_and_zod_schemas(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "src/env.mjs": (
            'import { createEnv } from "@t3-oss/env-nextjs";\n'
            "export const env = createEnv({\n"
            "  server: {\n"
            "    DATABASE_URL: z.string().url(),\n"
            '    NODE_ENV: z.enum(["development", "production"]).default("development"),\n'
            "  },\n"
            "  client: {\n"
            "    NEXT_PUBLIC_APP_URL: z.string(),\n"
            "  },\n"
            "  runtimeEnv: { DATABASE_URL: process.env.DATABASE_URL },\n"
            "});\n"
        ),
        "src/config.ts": (
            "import { cleanEnv, str, port } from 'envalid';\n"
            "export const cfg = cleanEnv(process.env, {\n"
            "  JWT_SECRET: str(),\n"
            "  HTTP_PORT: port({ default: 8080 }),\n"
            "});\n"
            "const schema = z.object({\n"
            "  WORKER_CONCURRENCY: z.coerce.number().default(4),\n"
            "  QUEUE_NAME: z.string(),\n"
            "});\n"
            "export const parsed = schema.parse(process.env);\n"
            "const notEnv = z.object({ title: z.string() });\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts) == {
        "DATABASE_URL": False, "NODE_ENV": True, "NEXT_PUBLIC_APP_URL": False,
        "JWT_SECRET": False, "HTTP_PORT": True, "WORKER_CONCURRENCY": True, "QUEUE_NAME": False,
    }
    assert _line_of(facts, "DATABASE_URL") == 4  # the earliest read in the file is kept


def test_sveltekit_env_modules_and_helpers(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "src/lib/server/db.ts": (
            "import { PRIVATE_DB_URL, OTHER as O } from '$env/static/private';\n"
            "import { env } from '$env/dynamic/private';\n"
            "const t = env.RUNTIME_TOKEN;\n"
            'const a = getEnv("HELPER_WITH_DEFAULT", "x");\n'
            'const b = requireEnv("HELPER_REQUIRED");\n'
            'const c = loadConfig("NOT_AN_ENV");\n'
        ),
    })
    assert _reads(_run(root)) == {
        "PRIVATE_DB_URL": False, "OTHER": False, "RUNTIME_TOKEN": False,
        "HELPER_WITH_DEFAULT": True, "HELPER_REQUIRED": False,
    }


def test_vue_and_hardhat_files_are_scanned(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "web/package.json": "{}",
        "web/src/App.vue": "<script setup>\nconst u = import.meta.env.VITE_RPC_URL\n</script>\n",
        "contracts/hardhat.config.ts": "const k = process.env.DEPLOYER_PRIVATE_KEY!;\n",
    })
    facts = _run(root)
    assert _reads(facts, "web") == {"VITE_RPC_URL": False}
    assert _reads(facts, "contracts") == {"DEPLOYER_PRIVATE_KEY": False}


# ---------------------------------------------------------------------- Python

def test_python_os_reads(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "pyproject.toml": "",
        "app/main.py": (
            "import os\n"
            "from os import environ, getenv\n"
            'DB = os.environ["DATABASE_URL"]\n'
            'PORT = int(os.environ.get("PORT", "8000"))\n'
            'DEBUG = os.getenv("DEBUG")\n'
            'LEVEL = os.getenv("LOG_LEVEL", None)\n'
            'TOKEN = environ.get("BOT_TOKEN") or "dev"\n'
            'REGION = getenv("AWS_REGION", "us-east-1")\n'
            'os.environ["SET_HERE"] = "1"\n'
            'if "FEATURE_X" in os.environ: pass\n'
            'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings")\n'
            'name = f"{prefix}_X"; os.getenv(name)\n'
        ),
        "app/settings.py": (
            "import environ\n"
            "env = environ.Env()\n"
            'SECRET_KEY = env("DJANGO_SECRET_KEY")\n'
            'ALLOWED = env("ALLOWED_HOSTS", cast=list)\n'
            'CACHE = env("CACHE_URL", default="locmem://")\n'
            'WORKERS = env.int("WEB_CONCURRENCY", 2)\n'
            'SENTRY = env.str("SENTRY_DSN")\n'
        ),
    })
    assert _reads(_run(root)) == {
        "DATABASE_URL": False, "PORT": True, "DEBUG": False, "LOG_LEVEL": False, "BOT_TOKEN": True,
        "AWS_REGION": True, "FEATURE_X": False, "DJANGO_SETTINGS_MODULE": True,
        "DJANGO_SECRET_KEY": False, "ALLOWED_HOSTS": False, "CACHE_URL": True, "WEB_CONCURRENCY": True,
        "SENTRY_DSN": False,
    }


def test_pydantic_settings_prefix_alias_and_defaults(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "api/pyproject.toml": "",
        "api/app/config.py": (
            "from typing import Annotated, ClassVar\n"
            "from pydantic import AliasChoices, Field\n"
            "from pydantic_settings import BaseSettings, SettingsConfigDict\n"
            "\n"
            "class Settings(BaseSettings):\n"
            '    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env")\n'
            "    database_url: str\n"
            "    port: int = 8000\n"
            '    redis_url: str = Field(alias="REDIS_URL")\n'
            '    token: str = Field(..., validation_alias=AliasChoices("BOT_TOKEN", "TG_TOKEN"))\n'
            '    debug: Annotated[bool, Field(alias="DEBUG_MODE")] = False\n'
            "    registry: ClassVar[dict[str, str]] = {}\n"
            "    _private: int = 0\n"
            "\n"
            "class WorkerSettings(Settings):\n"
            "    concurrency: int = Field(default=4)\n"
            "\n"
            "class Legacy(BaseSettings):\n"
            "    api_key: str\n"
            "    class Config:\n"
            '        env_prefix = "OLD_"\n'
            "\n"
            "class NotSettings:\n"
            "    ignored: int = 1\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts, "api") == {
        "APP_DATABASE_URL": False, "APP_PORT": True, "REDIS_URL": False, "BOT_TOKEN": False,
        "TG_TOKEN": False, "DEBUG_MODE": True, "APP_CONCURRENCY": True, "OLD_API_KEY": False,
    }
    assert _line_of(facts, "APP_DATABASE_URL") == 7
    assert _line_of(facts, "OLD_API_KEY") == 19
    quote = next(f.evidence.quote for f in facts if f.value == "APP_PORT")
    assert quote == "port: int"


# ---------------------------------------------------------------------- Go / Rust / Solidity

def test_go_getenv_tags_and_viper(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "module x\n",
        "main.go": (
            "package main\n"
            'import ("os"; "cmp")\n'
            "func main() {\n"
            '    port := os.Getenv("PORT")\n'
            '    if port == "" {\n'
            '        port = "8080"\n'
            "    }\n"
            '    db, ok := os.LookupEnv("DATABASE_URL")\n'
            '    lvl := cmp.Or(os.Getenv("LOG_LEVEL"), "info")\n'
            '    k := os.Getenv("API_KEY")\n'
            '    r := getEnv("REDIS_ADDR", "localhost:6379")\n'
            "}\n"
            "type Config struct {\n"
            '    Host string `env:"HOST" envDefault:"0.0.0.0"`\n'
            '    Secret string `envconfig:"JWT_SECRET" required:"true"`\n'
            "}\n"
        ),
        "config.go": (
            "package main\n"
            "func init() {\n"
            '    viper.SetEnvPrefix("app")\n'
            '    viper.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))\n'
            "    viper.AutomaticEnv()\n"
            '    viper.SetDefault("server.timeout", 30)\n'
            '    viper.BindEnv("chain_id", "CHAIN_ID")\n'
            "}\n"
        ),
        "handlers.go": (
            "package main\n"
            'func h() { _ = viper.GetString("db.host"); _ = viper.GetInt("server.timeout"); c.Get("user") }\n'
        ),
    })
    assert _reads(_run(root)) == {
        "PORT": True, "DATABASE_URL": False, "LOG_LEVEL": True, "API_KEY": False, "REDIS_ADDR": True,
        "HOST": True, "JWT_SECRET": False, "CHAIN_ID": False, "APP_DB_HOST": False, "APP_SERVER_TIMEOUT": True,
    }


def test_go_viper_without_automatic_env_is_not_env(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "module x\n",
        "main.go": 'package main\nfunc f() { viper.ReadInConfig(); _ = viper.GetString("db.host") }\n',
    })
    assert _reads(_run(root)) == {}


def test_rust_reads(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "Cargo.toml": "[package]\nname='x'\n",
        "src/main.rs": (
            "use std::env;\n"
            "fn main() {\n"
            '    let db = std::env::var("DATABASE_URL").expect("set it");\n'
            '    let port = env::var("PORT").unwrap_or_else(|_| "3000".into());\n'
            '    let os = env::var_os("RUST_LOG");\n'
            '    let v = env!("CARGO_PKG_VERSION");\n'
            '    let c = option_env!("GIT_SHA").unwrap_or("dev");\n'
            '    let d = dotenvy::var("SOLANA_RPC_URL");\n'
            "}\n"
            "#[derive(Parser)]\n"
            "struct Args {\n"
            '    #[arg(long, env = "LISTEN_ADDR", default_value = "0.0.0.0:8080")]\n'
            "    listen: String,\n"
            '    #[clap(long, env = "KEYPAIR_PATH")]\n'
            "    keypair: String,\n"
            "}\n"
        ),
    })
    assert _reads(_run(root)) == {
        "DATABASE_URL": False, "PORT": True, "RUST_LOG": False, "CARGO_PKG_VERSION": False,
        "GIT_SHA": True, "SOLANA_RPC_URL": False, "LISTEN_ADDR": True, "KEYPAIR_PATH": False,
    }


def test_solidity_scripts_only(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "contracts/foundry.toml": "[profile.default]\n",
        "contracts/script/Deploy.s.sol": (
            "contract Deploy is Script {\n"
            "  function run() external {\n"
            '    uint256 pk = vm.envUint("PRIVATE_KEY");\n'
            '    address owner = vm.envAddress("OWNER");\n'
            '    uint256 fee = vm.envOr("FEE_BPS", uint256(30));\n'
            "  }\n"
            "}\n"
        ),
        "contracts/src/Token.sol": 'contract T { string s = "vm.envUint(\\"NOT_A_SCRIPT\\")"; }\n',
        "contracts/test/Deploy.t.sol": 'contract X { function f() { vm.envUint("TEST_ONLY"); } }\n',
    })
    assert _reads(_run(root), "contracts") == {"PRIVATE_KEY": False, "OWNER": False, "FEE_BPS": True}


def test_foundry_toml_interpolation(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "contracts/foundry.toml": (
            '[profile.default]\nsrc = "src"\n[rpc_endpoints]\nbase = "${BASE_RPC_URL}"\n'
            '[etherscan]\nbase = { key = "${BASESCAN_API_KEY}", url = "https://api.basescan.org/api" }\n'
        ),
    })
    facts = _run(root)
    assert _reads(facts, "contracts") == {"BASE_RPC_URL": False, "BASESCAN_API_KEY": False}
    quote = next(f.evidence.quote for f in facts if f.value == "BASESCAN_API_KEY")
    assert quote == 'base = { key = "${BASESCAN_API_KEY}'  # stops before the URL that follows


def test_prisma_schema_env(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "api/package.json": "{}",
        "api/prisma/schema.prisma": (
            'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n'
            '  directUrl = env("DIRECT_URL")\n}\n'
        ),
    })
    facts = _run(root)
    assert _reads(facts, "api") == {"DATABASE_URL": False, "DIRECT_URL": False}
    assert _line_of(facts, "DATABASE_URL") == 3


# ---------------------------------------------------------------------- shell

def test_shell_assignment_exclusion_and_specials(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "Dockerfile": "FROM node:20\n",
        "docker-entrypoint.sh": (
            "#!/bin/sh\n"
            "set -e\n"
            'PORT="${PORT:-3000}"\n'
            'LOCAL=1\n'
            'echo "$LOCAL $HOME $PATH ${BASH_SOURCE[0]} $1"\n'
            "export MODE=prod\n"
            'echo "$MODE"\n'
            'read -r ANSWER\n'
            'for ITEM in a b; do echo "$ITEM"; done\n'
            "echo '$SINGLE_QUOTED'  # and $IN_COMMENT\n"
            'exec node server.js --db "$DATABASE_URL" --port "$PORT" ${WORKERS:-2} ${REQUIRED:?missing}\n'
            "cat <<'EOF'\n"
            "$IN_QUOTED_HEREDOC\n"
            "EOF\n"
            'echo "$lowercase ${AFTER_HEREDOC}"\n'
        ),
    })
    facts = _run(root)
    assert _reads(facts, ".") == {
        "PORT": True, "DATABASE_URL": False, "WORKERS": True, "REQUIRED": False, "AFTER_HEREDOC": False,
    }
    assert _line_of(facts, "PORT") == 3
    assert next(f.evidence.quote for f in facts if f.value == "WORKERS").endswith("${WORKERS")


def test_extensionless_entrypoint_needs_shebang(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "Dockerfile": "FROM python:3.12\n",
        "bin/start": '#!/usr/bin/env bash\nexec gunicorn -w "$GUNICORN_WORKERS" app:app\n',
        "bin/notes": "the $NOT_SHELL variable\n",
    })
    assert _reads(_run(root)) == {"GUNICORN_WORKERS": False}


# ---------------------------------------------------------------------- compose

def test_compose_environment_pass_through_and_interpolation(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "api/package.json": "{}",
        "docker-compose.yml": (
            "x-common: &common\n"
            "  SHARED_FLAG:\n"
            "services:\n"
            "  api:\n"
            "    build: ./api\n"
            "    environment:\n"
            "      <<: *common\n"
            "      DATABASE_URL: ${DATABASE_URL}\n"
            "      LOG_LEVEL: \"${LOG_LEVEL:-info}\"\n"
            "      STRIPE_KEY:\n"
            "      NODE_ENV: production\n"
            "      DB_PASSWORD: hunter2-literal\n"
            "  db:\n"
            "    image: postgres:16\n"
            "    environment:\n"
            "      - POSTGRES_PASSWORD=${PG_PASS:-changeme}\n"
            "      - POSTGRES_DB=app\n"
            "      - PGDATA\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts, "api") == {"SHARED_FLAG": False, "DATABASE_URL": False, "LOG_LEVEL": True, "STRIPE_KEY": False}
    assert _reads(facts, ".") == {"PG_PASS": True, "PGDATA": False}
    quotes = " ".join(f.evidence.quote for f in facts)
    assert "changeme" not in quotes and "hunter2" not in quotes and "info" not in quotes
    assert _line_of(facts, "STRIPE_KEY") == 10


def test_compose_build_context_mapping(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "deploy/docker-compose.prod.yml": (
            "services:\n"
            "  worker:\n"
            "    build:\n"
            "      context: ../services/worker\n"
            "    environment:\n"
            "      - QUEUE_URL\n"
            "      - CONCURRENCY=${WORKER_CONCURRENCY}\n"
        ),
        "services/worker/pyproject.toml": "",
    })
    facts = _run(root)
    assert _reads(facts, "services/worker") == {"QUEUE_URL": False, "WORKER_CONCURRENCY": False}
    assert next(f.evidence.quote for f in facts if f.value == "WORKER_CONCURRENCY") == (
        "- CONCURRENCY=${WORKER_CONCURRENCY}"
    )


def test_malformed_compose_is_skipped(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({"compose.yaml": "services: [unclosed\n  - : :\n", "package.json": "{}"})
    assert _run(root) == []


# ---------------------------------------------------------------------- example files and real .env

def test_example_files_documented_and_real_env_never_read(tree_at) -> None:  # type: ignore[no-untyped-def]
    secret = "sk_live_51NotARealKeyButLooksLikeOne9f8e7d"
    root = tree_at({
        "package.json": "{}",
        "src/index.ts": "const k = process.env.STRIPE_SECRET_KEY;\n",
        ".env": f"STRIPE_SECRET_KEY={secret}\nONLY_IN_REAL_ENV=1\n",
        ".env.local": f"LOCAL_ONLY={secret}\n",
        ".env.production": f"PROD_ONLY={secret}\n",
        ".env.example": (
            "# Stripe\n"
            f"STRIPE_SECRET_KEY={secret}\n"
            "export PORT=3000\n"
            "# OPTIONAL_FLAG=true\n"
            "# this is a comment, not FOO=bar\n"
        ),
    })
    facts = _run(root)
    assert values_of(facts, "env_documented", ".") == {"STRIPE_SECRET_KEY", "PORT", "OPTIONAL_FLAG"}
    documented = {f.value: f for f in facts_of(facts, "env_documented")}
    assert documented["STRIPE_SECRET_KEY"].evidence.quote == "STRIPE_SECRET_KEY="
    assert documented["STRIPE_SECRET_KEY"].evidence.line == 2
    assert documented["PORT"].evidence.quote == "export PORT="
    assert documented["OPTIONAL_FLAG"].detail == "commented"
    dumped = "".join(f.model_dump_json() for f in facts)
    assert secret not in dumped
    assert "ONLY_IN_REAL_ENV" not in dumped and "LOCAL_ONLY" not in dumped and "PROD_ONLY" not in dumped
    assert all(not f.evidence.file.startswith(".env") or f.evidence.file == ".env.example" for f in facts)


def test_real_env_files_are_never_opened(tree_at, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from launchbay.tree import ProjectTree

    root = tree_at({
        "package.json": "{}",
        "a.ts": "process.env.A;\n",
        ".env": "A=1\n",
        "api/.env.development": "B=2\n",
        "api/env": "C=3\n",
        ".envrc": "export D=4\n",
        "api/.env.sample": "B=\n",
    })
    opened: list[str] = []
    original = ProjectTree.read

    def spy(self: ProjectTree, rel: str) -> str | None:
        opened.append(rel)
        return original(self, rel)

    monkeypatch.setattr(ProjectTree, "read", spy)
    _run(root)
    assert "api/.env.sample" in opened
    assert not {".env", "api/.env.development", "api/env", ".envrc"} & set(opened)


def test_example_file_names() -> None:
    for name in (".env.example", ".env.sample", ".env.template", ".env.dist", "env.example", ".env.defaults",
                 ".env.local.example", ".env.development.example", "apps/web/.env.example"):
        assert is_example_file(name), name
    for name in (".env", ".env.local", ".env.production", "env", ".envrc", ".env.example.bak"):
        assert not is_example_file(name), name
        assert source_kind(name) is None, name


def test_root_example_in_monorepo_is_spread_to_readers(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "apps/web/package.json": "{}",
        "apps/web/app.ts": "process.env.NEXT_PUBLIC_API_URL; process.env.SHARED_URL;\n",
        "apps/api/pyproject.toml": "",
        "apps/api/main.py": 'import os\nos.environ["SHARED_URL"]\nos.environ["API_ONLY"]\n',
        ".env.example": "NEXT_PUBLIC_API_URL=\nSHARED_URL=\nAPI_ONLY=\nNOBODY_READS=\n",
        "apps/api/.env.example": "API_ONLY=\nUNREAD_HERE=\n",
    })
    facts = _run(root)
    assert values_of(facts, "env_documented", "apps/web") == {"NEXT_PUBLIC_API_URL", "SHARED_URL"}
    assert values_of(facts, "env_documented", "apps/api") == {"SHARED_URL", "API_ONLY", "UNREAD_HERE"}
    assert values_of(facts, "env_documented", "") == {"NOBODY_READS"}


def test_test_files_are_skipped(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "src/app.ts": "process.env.REAL;\n",
        "src/app.test.ts": "process.env.T1;\n",
        "src/app.spec.js": "process.env.T2;\n",
        "src/__tests__/x.ts": "process.env.T3;\n",
        "tests/e2e.py": 'import os\nos.getenv("T4")\n',
        "conftest.py": 'import os\nos.getenv("T5")\n',
        "pkg/x_test.go": 'package pkg\nvar _ = os.Getenv("T6")\n',
        "test/.env.example": "T7=\n",
    })
    facts = _run(root)
    assert _reads(facts) == {"REAL": False}
    assert values_of(facts, "env_documented") == set()


def test_minified_bundles_and_one_fact_per_file(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "public/vendor.js": "var a=process.env.MINIFIED;" + "x" * 6000 + "\n",
        "src/a.ts": "process.env.NODE_ENV;\nprocess.env.NODE_ENV;\nprocess.env.NODE_ENV ?? 'dev';\n",
    })
    facts = _run(root)
    assert _reads(facts) == {"NODE_ENV": True}
    assert sorted((f.evidence.line, f.detail) for f in facts) == [(1, None), (3, "default")]


def test_hostile_files_stay_fast(tree_at) -> None:  # type: ignore[no-untyped-def]
    import time

    root = tree_at({
        "package.json": "{}",
        "a.ts": "createEnv({ server: {" * 20_000,
        "b.ts": 'getEnv("A", ' * 40_000,
        "c.ts": "} = process.env" * 30_000,
        "d.py": "os.environ" * 50_000,
        "e.rs": "#[arg(" * 80_000,
        "f.sh": "${A" * 80_000,
    })
    started = time.perf_counter()
    run_detector(EnvVarDetector(), root)
    assert time.perf_counter() - started < 3.0


# ---------------------------------------------------------------------- project env wrappers

def test_go_wrapper_in_package_including_wrapper_of_wrapper(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "module example.com/svc\n\ngo 1.22\n",
        "internal/settings/read.go": (
            "package settings\n\n"
            'import "os"\n\n'
            "func fromEnv(name string, fallbacks ...string) string {\n"
            "\tif v, ok := os.LookupEnv(name); ok {\n"
            "\t\treturn v\n"
            "\t}\n"
            "\treturn first(fallbacks)\n"
            "}\n"
        ),
        "internal/settings/load.go": (
            "package settings\n\n"
            "func intFromEnv(name string, def int) int { return atoi(fromEnv(name), def) }\n\n"
            "func Load() Settings {\n"
            "\treturn Settings{\n"
            '\t\tNode:   fromEnv("NODE_URL", "http://localhost:8545"),\n'
            '\t\tSecret: fromEnv("SIGNER_SECRET"),\n'
            '\t\tConfs:  intFromEnv("CONFIRMATIONS", 12),\n'
            "\t}\n"
            "}\n"
        ),
        "internal/other/other.go": 'package other\n\nfunc x() string { return fromEnv("NOT_THIS_PACKAGE") }\n',
    })
    facts = _run(root)
    assert _reads(facts) == {"NODE_URL": True, "SIGNER_SECRET": False, "CONFIRMATIONS": True}
    assert _line_of(facts, "SIGNER_SECRET") == 8
    secret = next(f for f in facts if f.value == "SIGNER_SECRET")
    assert secret.evidence.file == "internal/settings/load.go"
    assert secret.evidence.quote == 'Secret: fromEnv("SIGNER_SECRET"'  # never the fallback


def test_js_wrapper_same_file_and_imported(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "src/secrets.ts": (
            "export function loadSecret(envName: string, minLength = 32): string {\n"
            "  const v = process.env[envName]\n"
            "  if (v && v.length >= minLength) return v\n"
            "  throw new Error(`${envName} missing`)\n"
            "}\n"
            'export const JWT_KEY = loadSecret("JWT_SIGNING_SECRET")\n'
            "export const opt = (key: string, fallback?: string): string | undefined =>\n"
            "  process.env[key] ?? fallback\n"
        ),
        "src/server.ts": (
            'import { loadSecret, opt as optional } from "./secrets.js"\n'
            'const cookie = loadSecret("COOKIE_SECRET")\n'
            'const region = optional("REGION", "eu")\n'
            'const notAnEnvRead = other("SOMETHING")\n'
        ),
        "src/closure.ts": (
            "function setup(key: string) {\n"
            "  return names.map((key) => process.env[key])\n"
            "}\n"
            'setup("NOT_A_WRAPPER")\n'
            "function put(key: string, v: string) { process.env[key] = v }\n"
            'put("WRITTEN_NOT_READ", "1")\n'
        ),
    })
    facts = _run(root)
    assert _reads(facts) == {"JWT_SIGNING_SECRET": False, "COOKIE_SECRET": False, "REGION": True}
    assert next(f for f in facts if f.value == "REGION").evidence.file == "src/server.ts"


def test_python_wrapper_function_method_and_import(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "pyproject.toml": "[project]\nname = 'svc'\n",
        "svc/__init__.py": "",
        "svc/conf.py": (
            "import os\n\n"
            "def setting(name, default=None):\n"
            "    return os.environ.get(name, default)\n\n"
            "class Env:\n"
            "    def need(self, key):\n"
            "        return os.environ[key]\n\n"
            "    def load(self):\n"
            '        return self.need("QUEUE_URL")\n\n'
            'LEVEL = setting("LOG_LEVEL", "info")\n'
        ),
        "svc/app.py": (
            "from .conf import setting as cfg\n"
            "from svc.conf import Env\n\n"
            'TOKEN = cfg("BOT_TOKEN")\n'
            'HOST = cfg("HOST", default="0.0.0.0")\n'
            'CAST = cfg("WORKERS", cast=int)\n'
        ),
    })
    facts = _run(root)
    assert _reads(facts) == {"QUEUE_URL": False, "LOG_LEVEL": True, "BOT_TOKEN": False, "HOST": True,
                             "WORKERS": False}
    assert _line_of(facts, "BOT_TOKEN") == 4


# ---------------------------------------------------------------------- schemas parsing process.env

def test_zod_schema_safe_parsed_later_and_envsafe(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "src/env.ts": (
            "import { z } from 'zod';\n\n"
            "const envSchema = z.object({\n"
            "  RPC_URL: z.string().url(),\n"
            "  PORT: z.coerce.number().default(3001),\n"
            "  // comment: NOT_A_KEY\n"
            "  PUSH_PRIVATE_KEY: z.string().optional(),\n"
            "});\n\n"
            "function validate() {\n"
            "  const result = envSchema.safeParse(process.env);\n"
            "  return result;\n"
            "}\n"
            "const unrelated = z.object({ NAME_FIELD: z.string() });\n"
        ),
        "src/safe.ts": (
            "import { envsafe, str, port } from 'envsafe';\n"
            "export const env = envsafe({\n"
            "  API_TOKEN: str(),\n"
            "  WEB_PORT: port({ default: 8080 }),\n"
            "});\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts) == {"RPC_URL": False, "PORT": True, "PUSH_PRIVATE_KEY": False, "API_TOKEN": False,
                             "WEB_PORT": True}
    assert _line_of(facts, "PUSH_PRIVATE_KEY") == 7


# ---------------------------------------------------------------------- Dockerfile and Caddyfile

def test_dockerfile_runtime_lines_and_caddyfile(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "Dockerfile.worker": (
            "FROM node:22-slim\n"
            "ARG CONFIG_FILE=config.yaml\n"
            "ENV CONFIG_FILE=${CONFIG_FILE}\n"
            'RUN pnpm codegen --config "${CONFIG_FILE}" && echo $BUILD_ONLY\n'
            "# CMD echo $IN_A_COMMENT\n"
            'CMD ["sh", "-c", "if [ \\"$FRESH_START\\" = 1 ]; then run --config \\"$CONFIG_FILE\\" --fresh; fi"]\n'
        ),
        "api/package.json": "{}",
        "api/Dockerfile": (
            "FROM python:3.12 AS base\n"
            "ENV WORKERS=2\n"
            "FROM base\n"
            "HEALTHCHECK --interval=30s CMD curl -f http://localhost:$PORT/health\n"
            "ENTRYPOINT exec gunicorn -w $WORKERS \\\n"
            "    --bind 0.0.0.0:${PORT:-8000} app:app\n"
            'CMD ["node", "server.js", "$NOT_EXPANDED"]\n'
        ),
        "Caddyfile": (
            ":{$LISTEN_PORT:8080} {\n"
            "\t# reverse_proxy {$COMMENTED_OUT}\n"
            "\treverse_proxy {$API_UPSTREAM}\n"
            "\theader X-Env {env.DEPLOY_ENV}\n"
            "}\n"
        ),
    })
    facts = _run(root)
    assert _reads(facts, ".") == {"FRESH_START": False, "CONFIG_FILE": True, "LISTEN_PORT": True,
                                  "API_UPSTREAM": False, "DEPLOY_ENV": False}
    assert _reads(facts, "api") == {"PORT": True, "WORKERS": True}
    assert _line_of(facts, "FRESH_START") == 6
    assert _line_of(facts, "API_UPSTREAM") == 3
    port = [f for f in facts if f.value == "PORT"]
    assert sorted((f.evidence.line, f.detail) for f in port) == [(4, None), (6, "default")]


# ---------------------------------------------------------------------- example files, vendored scripts

def test_example_env_variants_and_prose_comments(tree_at) -> None:  # type: ignore[no-untyped-def]
    for name in (".example.env", "example.env", ".sample.env", "sample.env"):
        assert is_example_file(name), name
    root = tree_at({
        "go.mod": "module x\n",
        ".example.env": (
            "MAIN_RPC=https://example.invalid\n"
            "#COMMENTED_ONE=1\n"
            "# COMMENTED_TWO=2\n"
            "# Empty = allowlist disabled\n"
            "# Note: set NODE_ENV=production in prod\n"
            "# lower_case=1\n"
        ),
    })
    facts = _run(root)
    documented = {str(f.value): f.detail for f in facts_of(facts, "env_documented")}
    assert documented == {"MAIN_RPC": None, "COMMENTED_ONE": "commented", "COMMENTED_TWO": "commented"}


def test_vendored_wait_scripts_are_skipped(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": "{}",
        "wait-for-it.sh": "#!/usr/bin/env bash\necho $WAITFORIT_QUIET\n",
        "scripts/wait-for.sh": "#!/bin/sh\necho $WAIT_TIMEOUT\n",
        "docker-entrypoint.sh": "#!/bin/sh\nexec node server.js --port $APP_PORT\n",
    })
    assert source_kind("wait-for-it.sh") is None
    facts = _run(root)
    assert _reads(facts) == {"APP_PORT": False}


def test_hostile_wrapper_and_container_files_stay_fast(tree_at) -> None:  # type: ignore[no-untyped-def]
    import time

    root = tree_at({
        "package.json": "{}",
        "a.ts": "function f(k){ process.env[k];\n" * 20_000,
        "b.ts": "const g = (k) => process.env[k];\n" * 10_000 + 'g("A");\n' * 10_000,
        "c.py": "def f(k):\n    os.environ.get(k)\n" * 10_000 + 'f("X")\n' * 10_000,
        "d.go": "package x\n" + "".join(f"func f{i}(k string) string {{ return f{i + 1}(k) }}\n" for i in range(3000))
        + "func f3000(k string) string { return os.Getenv(k) }\n" + 'var _ = f1("A")\n' * 3000,
        "e.ts": "function f(k){\n" * 20_000 + "process.env[k]",
        "Dockerfile": "CMD echo $A \\\n" * 10_000,
        "Caddyfile": "{$A}\n" * 50_000,
    })
    started = time.perf_counter()
    run_detector(EnvVarDetector(), root)
    assert time.perf_counter() - started < 3.0
