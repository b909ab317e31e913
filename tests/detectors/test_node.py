"""NodeDetector over small inline trees: every bullet of its brief, each with evidence checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from launchbay.detectors.base import DetectorContext
from launchbay.detectors.node import NodeDetector
from launchbay.detectors.node_pkg import in_comment, key_lines
from launchbay.detectors.node_scripts import spawned_command
from launchbay.models.profile import Fact
from launchbay.tree import ProjectTree
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of

DETECTOR = NodeDetector()


def pkg(**fields: Any) -> str:
    return json.dumps(fields, indent=2) + "\n"


def run(root: Path) -> list[Fact]:
    facts = run_detector(DETECTOR, root)
    assert_evidence_holds(root, facts)
    assert all(f.evidence.detector == "node" for f in facts)
    return facts


def chosen(facts: list[Fact], kind: str, subject: str) -> object:
    """The value the assembler would pick: highest priority."""
    best = max(facts_of(facts, kind, subject), key=lambda f: f.priority)
    return best.value


def test_next_app_language_framework_port_flag_and_route_handlers(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(
            name="web",
            scripts={"dev": "next dev", "build": "next build", "start": "next start -p 4000", "test": "jest"},
            dependencies={"next": "14.2.3", "react": "18.3.1"},
            devDependencies={"typescript": "5.4.0", "jest": "29.0.0"},
        ),
        "tsconfig.json": '{\n  "compilerOptions": {"strict": true}\n}\n',
        "app/page.tsx": "export default function Page() { return null }\n",
        "app/api/health/route.ts": "import { NextResponse } from 'next/server'\n"
                                   "export async function GET() { return NextResponse.json({ ok: true }) }\n",
        "src/app/(ops)/readyz/route.ts": "export const GET = () => new Response('ok')\n",
        "pages/api/ping.ts": "export default function handler(req, res) { res.send('pong') }\n",
        "pages/api/users/index.ts": "export default function handler(req, res) { res.json([]) }\n",
    })
    facts = run(root)
    assert values_of(facts, "name", ".") == {"web"}
    assert values_of(facts, "language", ".") == {"typescript"}
    assert values_of(facts, "framework", ".") == {"next"}
    assert values_of(facts, "role", ".") == {"frontend"}
    assert values_of(facts, "start_command", ".") == {"next start -p 4000"}
    assert values_of(facts, "build_command", ".") == {"next build"}
    assert values_of(facts, "test_command", ".") == {"jest"}
    assert chosen(facts, "port", ".") == 4000
    default = [f for f in facts_of(facts, "port", ".") if f.value == 3000]
    assert default and default[0].priority == 20 and default[0].evidence.note == "framework default"
    assert default[0].evidence.quote == '"next": "14.2.3",'
    assert values_of(facts, "health_endpoint", ".") == {"/api/health", "/readyz", "/api/ping"}
    handler = next(f for f in facts_of(facts, "health_endpoint") if f.value == "/api/health")
    assert handler.evidence.file == "app/api/health/route.ts" and handler.evidence.line == 2
    assert values_of(facts, "package_manager", ".") == {"npm"}  # default, no lockfile
    assert facts_of(facts, "package_manager")[0].priority < 30


def test_express_javascript_env_fallback_port_health_and_versions(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(
            name="api", scripts={"start": "node src/server.js", "test": 'echo "Error: no test specified" && exit 1'},
            dependencies={"express": "^4.19.0"}, engines={"node": ">=18"},
        ),
        "package-lock.json": '{\n  "name": "api",\n  "lockfileVersion": 3\n}\n',
        ".nvmrc": "v20.11.1\n",
        "src/server.js": (
            "const express = require('express');\n"
            "const app = express();\n"
            "const router = express.Router();\n"
            "const PORT = process.env.PORT || 3001;\n"
            "app.get('/healthz', (req, res) => res.send('ok'));\n"
            "router.get(\"/api/readyz\", async (req, res) => res.json({}));\n"
            "app.get('/orders/:id/status', (req, res) => res.json({}));\n"
            "app.get('/users', (req, res) => res.json([]));\n"
            "app.listen(PORT, () => console.log('up'));\n"
        ),
        "test/server.test.js": "const PORT = process.env.PORT || 9999;\napp.get('/health', h);\n",
    })
    facts = run(root)
    assert values_of(facts, "language", ".") == {"javascript"}
    assert values_of(facts, "framework", ".") == {"express"}
    assert values_of(facts, "role", ".") == {"http-server"}
    assert values_of(facts, "start_command", ".") == {"node src/server.js"}
    assert values_of(facts, "test_command", ".") == set()
    ports = facts_of(facts, "port", ".")
    assert {f.value for f in ports} == {3001}
    assert ports[0].priority == 80 and ports[0].evidence.line == 4
    assert values_of(facts, "health_endpoint", ".") == {"/healthz", "/api/readyz"}
    assert values_of(facts, "package_manager", ".") == {"npm"}
    lock = facts_of(facts, "package_manager", ".")[0]
    assert lock.evidence.file == "package-lock.json" and lock.priority == 60
    runtime = {f.value: f.priority for f in facts_of(facts, "runtime_version", ".")}
    assert runtime == {"node >=18": 25, "node 20.11.1": 65}


def test_listen_object_serve_and_fastify_route_objects(tree_at: Any) -> None:
    root = tree_at({
        "fast/package.json": pkg(name="fast", scripts={"start": "tsx src/main.ts"}, dependencies={"fastify": "4"}),
        "fast/src/main.ts": (
            "import Fastify from 'fastify'\n"
            "const fastify = Fastify()\n"
            "fastify.route({ method: 'GET', url: '/ready', handler: async () => 'ok' })\n"
            "fastify.get<{ Reply: string }>('/livez', async () => 'ok')\n"
            "await fastify.listen({ port: 3002, host: '0.0.0.0' })\n"
        ),
        "edge/package.json": pkg(name="edge", scripts={"start": "node dist/index.js"},
                                 dependencies={"hono": "4", "@hono/node-server": "1"}),
        "edge/src/index.ts": (
            "import { serve } from '@hono/node-server'\n"
            "import { Hono } from 'hono'\n"
            "const app = new Hono()\n"
            "app.get('/ping', (c) => c.text('pong'))\n"
            "serve({ fetch: app.fetch, port: 8787 })\n"
        ),
        "koa/package.json": pkg(name="koa-svc", main="index.js", dependencies={"koa": "2", "@koa/router": "12"}),
        "koa/index.js": "const Koa = require('koa')\nconst app = new Koa()\napp.listen(5000)\n",
    })
    facts = run(root)
    assert values_of(facts, "port", "fast") == {3002}
    assert values_of(facts, "health_endpoint", "fast") == {"/ready", "/livez"}
    assert values_of(facts, "framework", "edge") == {"hono"}
    assert values_of(facts, "port", "edge") == {8787}
    assert values_of(facts, "health_endpoint", "edge") == {"/ping"}
    assert values_of(facts, "framework", "koa") == {"koa"}
    assert values_of(facts, "port", "koa") == {5000}
    # No start script: a server framework falls back to `node <main>`.
    start = facts_of(facts, "start_command", "koa")
    assert [(f.value, f.priority) for f in start] == [("node index.js", 25)]


def test_start_script_followed_through_chain_and_launcher(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(
            name="svc",
            scripts={"start": "npm run serve", "serve": "node scripts/launch.js", "build": "pnpm build:ts",
                     "build:ts": "tsc -p ."},
            dependencies={"express": "4"},
        ),
        "scripts/launch.js": (
            "const { spawn, execSync } = require('child_process');\n"
            "execSync('prisma migrate deploy', { stdio: 'inherit' });\n"
            "const child = spawn('node', ['dist/server.js', '--port', '4100', ...process.argv.slice(2)], {\n"
            "  stdio: 'inherit',\n"
            "});\n"
        ),
    })
    facts = run(root)
    start = facts_of(facts, "start_command", ".")
    assert {f.value for f in start} == {"node dist/server.js --port 4100"}
    hops = sorted((f.evidence.file, f.evidence.line) for f in start)
    assert hops == [("package.json", 4), ("package.json", 5), ("scripts/launch.js", 3)]
    assert all(f.priority == 65 for f in start)
    assert any("launcher scripts/launch.js" in (f.evidence.note or "") for f in start)
    port = facts_of(facts, "port", ".")
    assert [(f.value, f.priority, f.evidence.file) for f in port] == [(4100, 75, "scripts/launch.js")]
    assert values_of(facts, "build_command", ".") == {"tsc -p ."}
    assert len(facts_of(facts, "build_command", ".")) == 2


def test_launcher_variants() -> None:
    text = "import { fork } from 'node:child_process'\nfork('./dist/worker.js', ['--queue', 'mail'])\n"
    assert spawned_command(text) == ("node ./dist/worker.js --queue mail", text.index("fork("))
    text = "const cp = require('child_process')\ncp.spawn(process.execPath, ['server.mjs'])\n"
    assert spawned_command(text) is not None and spawned_command(text)[0] == "node server.mjs"  # type: ignore[index]
    text = "const concurrently = require('concurrently')\nconcurrently([{ command: 'tsx src/bot.ts', name: 'bot' }])\n"
    assert spawned_command(text) is not None and spawned_command(text)[0] == "tsx src/bot.ts"  # type: ignore[index]
    # Two long-running children, or arguments built from variables: no single real command.
    two = "require('child_process')\nspawn('node', ['a.js'])\nspawn('node', ['b.js'])\n"
    assert spawned_command(two) is None
    dynamic = "require('child_process')\nspawn('node', [entry])\n"
    assert spawned_command(dynamic) is None
    assert spawned_command("db.exec('CREATE TABLE x')\n") is None


def test_concurrently_and_pnpm_chains(tree_at: Any) -> None:
    root = tree_at({
        "one/package.json": pkg(name="one", scripts={"start": 'concurrently "npm:start:api"',
                                                     "start:api": "node api.js"}),
        "one/api.js": "require('http').createServer(() => {}).listen(7001)\n",
        "two/package.json": pkg(name="two", scripts={"start": 'concurrently -n a,b "node a.js" "node b.js"'}),
        "three/package.json": pkg(name="three", scripts={"start": "pnpm serve --port 5050",
                                                         "serve": "serve -s dist"}),
        "four/package.json": pkg(name="four", scripts={"serve": "yarn run boot -- --inspect", "boot": "node b.js",
                                                       "start:all": "npm run build && npm run serve"}),
    })
    facts = run(root)
    assert values_of(facts, "start_command", "one") == {"node api.js"}
    assert values_of(facts, "port", "one") == {7001}
    assert values_of(facts, "start_command", "two") == {'concurrently -n a,b "node a.js" "node b.js"'}
    assert values_of(facts, "start_command", "three") == {"serve -s dist --port 5050"}
    assert values_of(facts, "port", "three") == {5050}
    # No `start`: `serve` is the start script; a compound command is never followed.
    assert values_of(facts, "start_command", "four") == {"node b.js --inspect"}


def test_workspace_root_ancestor_lockfile_and_nvmrc(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="mono", private=True, workspaces=["packages/*"],
                            scripts={"build": "turbo run build"}, devDependencies={"turbo": "2"}),
        "yarn.lock": "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n",
        ".node-version": "20.11.1\n",
        "packages/core/package.json": pkg(name="@mono/core", main="dist/index.js", types="dist/index.d.ts",
                                          scripts={"build": "tsc"}),
        "packages/core/src/index.ts": "// shared code\nexport const x = 1\n",
        "packages/app/package.json": pkg(name="@mono/app", scripts={"start": "node server.js"},
                                         dependencies={"express": "4"}, volta={"node": "20.12.0"}),
    })
    facts = run(root)
    assert values_of(facts, "role", ".") == {"workspace"}
    assert values_of(facts, "package_manager", ".") == {"yarn"}
    assert values_of(facts, "package_manager", "packages/core") == {"yarn"}
    core_pm = facts_of(facts, "package_manager", "packages/core")[0]
    assert core_pm.evidence.file == "yarn.lock" and core_pm.priority == 55
    assert values_of(facts, "runtime_version", "packages/core") == {"node 20.11.1"}
    assert chosen(facts, "runtime_version", "packages/app") == "node 20.12.0"  # volta beats .node-version
    assert values_of(facts, "role", "packages/core") == {"library"}
    assert values_of(facts, "language", "packages/core") == {"typescript"}
    ts = facts_of(facts, "language", "packages/core")[0]
    assert ts.evidence.quote == "export const x = 1"  # comment lines are passed over
    assert values_of(facts, "role", "packages/app") == {"http-server"}
    assert values_of(facts, "start_command", ".") == set()


def test_pnpm_workspace_yaml_and_package_manager_field(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="root", private=True, packageManager="pnpm@9.1.0+sha256.abc"),
        "pnpm-workspace.yaml": "packages:\n  - 'apps/*'\n",
        "apps/site/package.json": pkg(name="site", scripts={"start": "node index.js"}),
        "apps/site/index.js": "console.log('hi')\n",
    })
    facts = run(root)
    assert values_of(facts, "role", ".") == {"workspace"}
    assert {(f.value, f.priority) for f in facts_of(facts, "package_manager", ".")} == {("pnpm", 70), ("pnpm", 60)}
    assert values_of(facts, "package_manager", "apps/site") == {"pnpm"}
    # A plain script with no framework: no role, start command only.
    assert values_of(facts, "role", "apps/site") == set()
    assert values_of(facts, "start_command", "apps/site") == {"node index.js"}


def test_library_and_cli_packages(tree_at: Any) -> None:
    root = tree_at({
        "lib/package.json": pkg(name="@x/lib", exports={".": "./dist/index.js"}, scripts={"build": "tsup"},
                                peerDependencies={"express": "4"}, devDependencies={"vite": "5", "react": "18"}),
        "cli/package.json": pkg(name="x-cli", bin={"x": "bin/x.js"}),
    })
    facts = run(root)
    assert values_of(facts, "role", "lib") == {"library"}
    assert values_of(facts, "framework", "lib") == set()  # vite builds the library; it is not an SPA
    assert values_of(facts, "start_command", "lib") == set()
    assert values_of(facts, "role", "cli") == {"cli"}


def test_malformed_package_json_does_not_crash(tree_at: Any) -> None:
    root = tree_at({
        "bad/package.json": '{ "name": "broken", "scripts": { "start": ',
        "array/package.json": "[1, 2, 3]\n",
        "empty/package.json": "",
        "weird/package.json": pkg(name=5, scripts=["start"], dependencies="express", engines={"node": 20}),
        "good/package.json": pkg(name="good", dependencies={"fastify": "4"}),
        "good/.nvmrc": "\n\n",
        "good/tsconfig.json": "",
        "good/ecosystem.config.js": "module.exports = { apps: [ { name: 'x', script: ",
    })
    facts = run(root)
    assert {f.subject for f in facts} == {"good", "weird"}
    assert values_of(facts, "framework", "good") == {"fastify"}
    assert values_of(facts, "name", "weird") == set()
    assert values_of(facts, "framework", "weird") == set()


def test_package_json_outside_component_roots_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "stray").mkdir()
    (tmp_path / "package.json").write_text(pkg(name="root"))
    (tmp_path / "stray" / "package.json").write_text(pkg(name="stray", dependencies={"next": "14"}))
    tree = ProjectTree(tmp_path)
    facts = list(DETECTOR.detect(DetectorContext(tree=tree, components=(".",))))
    assert {f.subject for f in facts} == {"."}
    assert values_of(facts, "name") == {"root"}


def test_ponder_indexer_defaults_and_builtin_health(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="indexer", scripts={"start": "ponder start"},
                            dependencies={"ponder": "0.10.8", "hono": "4"}),
        "ponder.config.ts": "export default {}\n",
        "src/api/index.ts": "import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/stats', h)\n",
    })
    facts = run(root)
    assert values_of(facts, "framework", ".") == {"ponder"}
    assert values_of(facts, "role", ".") == {"indexer"}
    port = facts_of(facts, "port", ".")
    assert [(f.value, f.priority, f.evidence.note) for f in port] == [(42069, 20, "framework default")]
    health = facts_of(facts, "health_endpoint", ".")
    assert {f.value for f in health} == {"/health", "/ready"}
    assert all(f.evidence.quote == '"ponder": "0.10.8",' and f.evidence.note == "framework built-in" for f in health)
    assert values_of(facts, "start_command", ".") == {"ponder start"}


def test_bots_workers_and_cron(tree_at: Any) -> None:
    root = tree_at({
        "bot/package.json": pkg(name="bot", scripts={"start": "node bot.js"}, dependencies={"discord.js": "14"}),
        "tg/package.json": pkg(name="tg", dependencies={"telegraf": "4", "grammy": "1"}),
        "slack/package.json": pkg(name="slack", dependencies={"@slack/bolt": "3"}),
        "jobs/package.json": pkg(name="jobs", scripts={"start": "node worker.js"}, dependencies={"bullmq": "5"}),
        "jobs/worker.js": (
            "const { Worker } = require('bullmq')\n"
            "const w = new Worker('mail', async (job) => send(job.data), { connection })\n"
        ),
        "producer/package.json": pkg(name="producer", dependencies={"bullmq": "5", "express": "4"}),
        "producer/app.js": "const { Queue } = require('bullmq')\nconst q = new Queue('mail')\n",
        "cron/package.json": pkg(name="cron", dependencies={"node-cron": "3"}),
        "agenda/package.json": pkg(name="agenda", dependencies={"agenda": "5"}),
    })
    facts = run(root)
    assert values_of(facts, "role", "bot") == {"bot"}
    assert values_of(facts, "framework", "bot") == {"discord.js"}
    assert values_of(facts, "role", "tg") == {"bot"}
    assert values_of(facts, "framework", "tg") == {"telegraf", "grammy"}
    assert values_of(facts, "role", "slack") == {"bot"}
    worker = facts_of(facts, "role", "jobs")
    assert [(f.value, f.evidence.file, f.evidence.line) for f in worker] == [("worker", "jobs/worker.js", 2)]
    assert values_of(facts, "framework", "jobs") == {"bullmq"}
    assert values_of(facts, "role", "producer") == {"http-server"}
    assert values_of(facts, "role", "cron") == {"cron"}
    assert values_of(facts, "framework", "cron") == set()
    assert values_of(facts, "role", "agenda") == {"worker"}


def test_vite_spa_and_sveltekit_defaults(tree_at: Any) -> None:
    root = tree_at({
        "spa/package.json": pkg(name="spa", scripts={"build": "vite build", "preview": "vite preview"},
                                dependencies={"react": "18"}, devDependencies={"vite": "5.2.0"}),
        "spa/index.html": "<div id=root></div>\n",
        "kit/package.json": pkg(name="kit", scripts={"build": "vite build"},
                                devDependencies={"@sveltejs/kit": "2", "@sveltejs/adapter-node": "5", "vite": "5"}),
        "astro/package.json": pkg(name="astro", dependencies={"astro": "4"}),
        "nuxt/package.json": pkg(name="nuxt", scripts={"start": "nuxt start --port=3300"}, dependencies={"nuxt": "3"}),
        "remix/package.json": pkg(name="remix", dependencies={"@remix-run/node": "2", "@remix-run/serve": "2"}),
    })
    facts = run(root)
    assert values_of(facts, "framework", "spa") == {"vite"}
    assert values_of(facts, "role", "spa") == {"frontend"}
    assert values_of(facts, "port", "spa") == {4173}
    assert [(f.value, f.priority) for f in facts_of(facts, "start_command", "spa")] == [("vite preview", 20)]
    assert values_of(facts, "framework", "kit") == {"sveltekit"}
    kit_port = facts_of(facts, "port", "kit")[0]
    assert kit_port.value == 3000 and '"@sveltejs/adapter-node"' in kit_port.evidence.quote
    assert values_of(facts, "start_command", "kit") == {"node build"}
    assert values_of(facts, "port", "astro") == {4321}
    assert values_of(facts, "start_command", "astro") == set()  # static site: no node adapter
    assert chosen(facts, "port", "nuxt") == 3300
    assert values_of(facts, "framework", "remix") == {"remix"}
    assert values_of(facts, "start_command", "remix") == {"remix-serve ./build/server/index.js"}


def test_pm2_ecosystem_start_command_and_port(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="root", private=True, workspaces=["apps/*"]),
        "ecosystem.config.js": (
            "module.exports = {\n"
            "  apps: [\n"
            "    {\n"
            "      name: 'api', // the API\n"
            "      cwd: './apps/api',\n"
            "      script: 'dist/index.js',\n"
            "      args: ['--trace-warnings'],\n"
            "      env: { NODE_ENV: 'production', PORT: 4000 },\n"
            "    },\n"
            "    { name: 'web', cwd: './apps/web', script: 'npm', args: 'start' },\n"
            "  ],\n"
            "};\n"
        ),
        "apps/api/package.json": pkg(name="api", scripts={"start": "node dist/index.js"},
                                     dependencies={"express": "4"}),
        "apps/web/package.json": pkg(name="web", scripts={"start": "next start"}, dependencies={"next": "14"}),
    })
    facts = run(root)
    api = facts_of(facts, "start_command", "apps/api")
    assert {(f.value, f.priority, f.evidence.file) for f in api} == {
        ("node dist/index.js --trace-warnings", 70, "ecosystem.config.js"),
        ("node dist/index.js", 65, "apps/api/package.json"),
    }
    assert chosen(facts, "port", "apps/api") == 4000
    pm2_port = next(f for f in facts_of(facts, "port", "apps/api") if f.priority == 70)
    assert pm2_port.evidence.line == 8
    web = {(f.value, f.priority, f.evidence.file) for f in facts_of(facts, "start_command", "apps/web")}
    assert ("next start", 70, "ecosystem.config.js") in web
    assert ("next start", 70, "apps/web/package.json") in web


def test_pm2_json_ecosystem(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="svc", dependencies={"fastify": "4"}),
        "ecosystem.config.json": json.dumps(
            {"apps": [{"name": "svc", "script": "server.js", "env_production": {"PORT": "8081"}}]}, indent=2),
    })
    facts = run(root)
    assert values_of(facts, "start_command", ".") == {"node server.js"}
    assert values_of(facts, "port", ".") == {8081}


def test_nestjs_controller_health_and_listen_fallback(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="nest", scripts={"start": "nest start", "start:prod": "node dist/main"},
                            dependencies={"@nestjs/core": "10", "@nestjs/common": "10", "express": "4"}),
        "src/main.ts": (
            "import { NestFactory } from '@nestjs/core'\n"
            "const app = await NestFactory.create(AppModule)\n"
            "await app.listen(process.env.PORT ?? 3000)\n"
        ),
        "src/health.controller.ts": (
            "import { Controller, Get } from '@nestjs/common'\n"
            "@Controller('health')\n"
            "export class HealthController {\n"
            "  @Get()\n"
            "  check() { return { ok: true } }\n"
            "  @Get('db')\n"
            "  db() { return { ok: true } }\n"
            "}\n"
        ),
    })
    facts = run(root)
    assert chosen(facts, "framework", ".") == "nestjs"
    assert values_of(facts, "start_command", ".") == {"nest start"}
    assert values_of(facts, "port", ".") == {3000}
    assert values_of(facts, "health_endpoint", ".") == {"/health", "/health/db"}


def test_http_client_calls_are_not_health_routes(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="web", scripts={"build": "vite build"},
                            dependencies={"react": "18", "axios": "1"}, devDependencies={"vite": "5"}),
        "index.html": "<div id=root></div>\n",
        "src/api.ts": "import axios from 'axios'\nexport const s = () => axios.get('/status', { timeout: 1 })\n",
    })
    facts = run(root)
    assert values_of(facts, "health_endpoint", ".") == set()
    assert values_of(facts, "language", ".") == {"typescript"}


def test_key_lines_tracks_nesting_arrays_and_escapes() -> None:
    text = '{\n  "name": "a\\"b",\n  "repository": {"name": "x"},\n  "apps": [\n    {"script": "a"},\n' \
           '    {"script": "b"}\n  ]\n}\n'
    lines = key_lines(text)
    assert lines[("name",)] == 2
    assert lines[("repository", "name")] == 3
    assert lines[("apps", "0", "script")] == 5
    assert lines[("apps", "1", "script")] == 6


def test_app_file_that_execs_a_tool_is_not_a_launcher(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="svc", main="src/index.js", scripts={"start": "node ."},
                            dependencies={"express": "4"}),
        "src/index.js": (
            "const { execSync } = require('child_process')\n"
            "const sha = execSync('git rev-parse HEAD').toString()\n"
            "require('express')().listen(3000)\n"
        ),
        "tools/run.js": "require('child_process').execSync('git status')\n",
    })
    facts = run(root)
    assert values_of(facts, "start_command", ".") == {"node ."}
    assert values_of(facts, "port", ".") == {3000}


def test_binary_bun_lockfile_and_tool_versions(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="b", scripts={"start": "bun run src/index.ts"}),
        "bun.lockb": b"\x00\x01bun-lockfile\x00",
        ".tool-versions": "# pinned tools\npython 3.12.1\nnodejs 22.2.0\n",
        "src/index.ts": "Bun.serve({ port: 3030, fetch: () => new Response('ok') })\n",
    })
    facts = run(root)
    pm = facts_of(facts, "package_manager", ".")
    assert [(f.value, f.evidence.file, f.evidence.note) for f in pm] == [("bun", "package.json", "bun.lockb in .")]
    runtime = facts_of(facts, "runtime_version", ".")
    assert [(f.value, f.evidence.line) for f in runtime] == [("node 22.2.0", 3)]
    assert values_of(facts, "port", ".") == {3030}


def test_pm2_absolute_cwd_stays_with_the_ecosystem_file(tree_at: Any) -> None:
    root = tree_at({
        "svc/package.json": pkg(name="svc", dependencies={"koa": "2"}),
        "svc/ecosystem.config.cjs": (
            "module.exports = {\n  apps: [{\n    name: 'svc',\n    cwd: '/srv/svc/current',\n"
            "    script: 'server.js',\n    args: '--port 6060',\n  }],\n}\n"
        ),
    })
    facts = run(root)
    assert values_of(facts, "start_command", "svc") == {"node server.js --port 6060"}
    port = facts_of(facts, "port", "svc")
    assert [(f.value, f.priority, f.evidence.line) for f in port] == [(6060, 70, 5)]


def test_bun_serve_without_framework_port_constant_and_handler_health(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="hooks", scripts={"start": "bun run src/index.ts"}, dependencies={"zod": "3"}),
        "src/index.ts": "import { startServer } from './http/server.ts'\nstartServer({})\n",
        "src/http/server.ts": (
            "/**\n"
            " * Example:\n"
            " *   Bun.serve({ port: 5174, fetch: h })\n"
            " */\n"
            "const FALLBACK_PORT = 4100;\n"
            "export function startServer(args: { port?: number }) {\n"
            "  const port =\n"
            "    args.port ??\n"
            "    Number(process.env.HOOKS_PORT ?? process.env.PORT ?? FALLBACK_PORT);\n"
            "  return Bun.serve({\n"
            "    port,\n"
            "    async fetch(req) {\n"
            "      const url = new URL(req.url);\n"
            "      if (req.method === 'GET' && url.pathname === '/health') return new Response('ok');\n"
            "      switch (url.pathname) {\n"
            "        case \"/readyz\":\n"
            "          return new Response('ready');\n"
            "        case \"/users\":\n"
            "          return new Response('[]');\n"
            "      }\n"
            "      // if (url.pathname === '/ping') is handled upstream\n"
            "      return new Response('no', { status: 404 });\n"
            "    },\n"
            "  });\n"
            "}\n"
        ),
        "scripts/dev-proxy.ts": "Bun.serve({ port: 9999, fetch: () => new Response('') })\n",
    })
    facts = run(root)
    roles = facts_of(facts, "role", ".")
    assert values_of(facts, "role", ".") == {"http-server"}
    assert [(f.evidence.file, f.evidence.line) for f in roles] == [("src/http/server.ts", 10)]
    ports = {f.value: f for f in facts_of(facts, "port", ".")}
    assert set(ports) == {4100}  # behind `?? FALLBACK_PORT`; not the doc comment's 5174, not a dev script's
    assert ports[4100].evidence.line == 5 and ports[4100].evidence.note == "fallback when PORT is unset"
    assert values_of(facts, "health_endpoint", ".") == {"/health", "/readyz"}


def test_entry_file_listen_makes_a_workspace_root_a_server(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(
            name="identity", workspaces=["packages/*"],
            scripts={"start": "bun src/api/index.ts", "build": "bun build src/api/index.ts"},
        ),
        "src/api/index.ts": (
            "import { app } from './app'\n"
            "// app.listen(4000) was the old default\n"
            "/* app.listen({ port: 4001 })\n"
            "   kept for reference */\n"
            "if (import.meta.main) {\n"
            "  app.listen({\n"
            "    port: Number(process.env.PORT ?? 3000),\n"
            "    hostname: '0.0.0.0',\n"
            "  })\n"
            "}\n"
        ),
        "src/api/routes/health.ts": (
            "export const health = route\n"
            "  .get(\"/health\")\n"
            "  .meta({ summary: \"Liveness (platform probe)\" })\n"
            "  .handle(() => ok({ ok: true }))\n"
        ),
        "src/client.ts": "export const ping = () => api.get('/status').then((r) => r.json())\n",
        "src/mcp/index.ts": "/**\n * Usage:\n *   Bun.serve({ port: 5174, fetch: mcp.handle })\n */\nexport {}\n",
        "packages/ui/package.json": pkg(name="ui", main="dist/index.js"),
        "packages/ui/src/index.ts": "export const serve = (app) => app.listen(7000)\n",
    })
    facts = run(root)
    assert values_of(facts, "role", ".") == {"http-server"}  # not "workspace": the entry file listens
    role = facts_of(facts, "role", ".")[0]
    assert (role.evidence.file, role.evidence.line) == ("src/api/index.ts", 6)
    assert values_of(facts, "port", ".") == {3000}
    assert values_of(facts, "health_endpoint", ".") == {"/health"}
    assert values_of(facts, "role", "packages/ui") == {"library"}  # a library's main is not an entry


def test_dev_and_start_prefixed_scripts_are_fallback_start_commands(tree_at: Any) -> None:
    root = tree_at({
        "indexer/package.json": pkg(
            name="indexer",
            scripts={"dev:worker": "tsx src/worker/index.ts", "dev:api": "tsx watch src/api/index.ts",
                     "db:migrate": "drizzle-kit migrate"},
            dependencies={"fastify": "5", "node-cron": "4"},
        ),
        "indexer/src/api/index.ts": "const app = Fastify()\napp.get('/health', async () => 'ok')\n"
                                    "await app.listen({ port: 3001 })\n",
        "indexer/src/worker/index.ts": "cron.schedule('* * * * *', tick)\n",
        "svc/package.json": pkg(name="svc", scripts={"start:api": "node dist/api.js", "dev:api": "tsx src/api.ts"}),
        "svc/src/api.ts": "import http from 'node:http'\nhttp.createServer(handler).listen(8080)\n",
        "web/package.json": pkg(name="web", scripts={"dev:turbo": "next dev --turbo -p 3100"},
                                dependencies={"next": "14"}),
    })
    facts = run(root)
    starts = {f.value: f for f in facts_of(facts, "start_command", "indexer")}
    assert set(starts) == {"tsx watch src/api/index.ts", "tsx src/worker/index.ts"}
    assert all(f.priority < 30 for f in starts.values())
    assert chosen(facts, "start_command", "indexer") == "tsx watch src/api/index.ts"  # server-named wins
    assert "dev:api" in (starts["tsx watch src/api/index.ts"].evidence.note or "")
    assert values_of(facts, "port", "indexer") == {3001}
    # start:<x> outranks dev:<x>; the built entry maps back to its source for the server role.
    assert chosen(facts, "start_command", "svc") == "node dist/api.js"
    assert values_of(facts, "role", "svc") == {"http-server"}
    assert next(f for f in facts_of(facts, "role", "svc")).evidence.file == "svc/src/api.ts"
    # A framework's production start beats a dev script.
    assert chosen(facts, "start_command", "web") == "next start"
    assert chosen(facts, "port", "web") == 3000


def test_pathname_checks_outside_a_server_are_not_health_routes(tree_at: Any) -> None:
    root = tree_at({
        "package.json": pkg(name="site", scripts={"build": "vite build"}, dependencies={"react": "18"},
                            devDependencies={"vite": "5"}),
        "index.html": "<div id=root></div>\n",
        "src/Nav.tsx": "export const Nav = () => location.pathname === '/status' ? null : <nav />\n",
    })
    facts = run(root)
    assert not facts_of(facts, "health_endpoint")
    assert "http-server" not in values_of(facts, "role")


def test_in_comment_tells_comments_from_urls_and_globs() -> None:
    text = (
        "const a = 'http://x:1'; app.listen(1)\n"
        "const g = 'src/**/*.ts'; app.listen(2)\n"
        "  // app.listen(3)\n"
        "x(); // app.listen(4)\n"
        "/* start\n  app.listen(5)\n*/ app.listen(6)\n"
        " * app.listen(7)\n"
    )
    flags = [in_comment(text, text.index(f"listen({n})")) for n in range(1, 8)]
    assert flags == [False, False, True, True, True, False, True]
