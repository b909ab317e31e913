"""DeployFileDetector: one deploy_file fact per deploy file, plus the component facts they imply."""

from __future__ import annotations

from pathlib import Path

import pytest

from launchbay.detectors.deploy_common import url_path
from launchbay.detectors.deploy_docker import parse, runtime_of
from launchbay.detectors.deploy_kinds import GITHUB_INERT
from launchbay.detectors.deployfiles import DeployFileDetector
from launchbay.models.profile import Fact
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of

PKG = '{"name": "x"}\n'


def run(root: Path) -> list[Fact]:
    facts = run_detector(DeployFileDetector(), root)
    assert_evidence_holds(root, facts)
    return facts


def deploy_kinds(facts: list[Fact]) -> dict[str, str]:
    """deploy_file facts as {file: kind}; every one is project-wide."""
    found = facts_of(facts, "deploy_file")
    assert all(f.subject == "" for f in found)
    assert len({f.evidence.file for f in found}) == len(found), "one fact per file"
    return {f.evidence.file: str(f.value) for f in found}


def one(facts: list[Fact], kind: str, subject: str) -> Fact:
    found = facts_of(facts, kind, subject)
    assert len({f.value for f in found}) == 1, found
    return found[0]


# ---------------------------------------------------------------------------- deploy_file kinds
def test_every_deploy_kind_is_reported_once_per_file(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "Dockerfile": "# syntax=docker/dockerfile:1\nFROM node:20-alpine\nCMD [\"node\", \"x.js\"]\n",
        "docker/worker.Dockerfile": "FROM python:3.12-slim\n",
        "Dockerfile.prod": "FROM node:20\n",
        "Containerfile": "FROM golang:1.22\n",
        "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n",
        "compose.prod.yaml": "services:\n  cache:\n    image: redis:7\n",
        "k8s/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
        "k8s/kustomization.yaml": "resources:\n  - deploy.yaml\n",
        "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\n",
        "charts/app/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n{{- if .x }}\n",
        "infra/main.tf": "# infra\nterraform {\n  required_version = \">= 1.5\"\n}\n",
        "infra/pulumi/Pulumi.yaml": "name: infra\nruntime: nodejs\n",
        ".github/workflows/ci.yml": "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        ".gitlab-ci.yml": "stages:\n  - test\n",
        "vercel.json": '{\n  "framework": "nextjs",\n  "regions": ["iad1"]\n}\n',
        "netlify.toml": "[build]\n  command = \"npm run build\"\n",
        "fly.toml": "app = \"my-app\"\n",
        "railway.json": '{\n  "deploy": {}\n}\n',
        "railway.toml": "[deploy]\n",
        "render.yaml": "services:\n  - type: web\n    name: api\n",
        "Procfile": "web: node server.js\n",
        "ecosystem.config.js": "module.exports = {\n  apps: [{ name: 'api', script: 'x.js' }],\n};\n",
        "ops/Caddyfile": "example.com {\n  reverse_proxy localhost:3000\n}\n",
        "ops/nginx.conf": "events {}\nhttp {\n  server {\n    listen 80;\n  }\n}\n",
        "ops/site.nginx.conf": "server {\n  listen 80;\n}\n",
        "ops/conf.d/default.conf": "# default\nserver {\n  listen 80;\n}\n",
        "ops/conf.d/other.conf": "# not a server block\nupstream x {}\n",
        "ops/api.service": "[Unit]\nDescription=api\n\n[Service]\nExecStart=/usr/bin/node x.js\n",
        "ops/not-a-unit.service": "just text\n",
        "ansible/site.yml": "- hosts: web\n  become: true\n  tasks:\n    - name: ping\n      ping:\n",
        "ops/cloud-init.yaml": "#cloud-config\npackages:\n  - docker.io\n",
        "config/app.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Component\n",
        "config/settings.yml": "debug: true\n",
    })
    kinds = deploy_kinds(run(root))
    assert kinds == {
        "Dockerfile": "dockerfile",
        "docker/worker.Dockerfile": "dockerfile",
        "Dockerfile.prod": "dockerfile",
        "Containerfile": "dockerfile",
        "docker-compose.yml": "compose",
        "compose.prod.yaml": "compose",
        "k8s/deploy.yaml": "kubernetes",
        "k8s/kustomization.yaml": "kubernetes",
        "charts/app/Chart.yaml": "helm",
        "infra/main.tf": "terraform",
        "infra/pulumi/Pulumi.yaml": "pulumi",
        ".github/workflows/ci.yml": "github-actions",
        ".gitlab-ci.yml": "gitlab-ci",
        "vercel.json": "vercel",
        "netlify.toml": "netlify",
        "fly.toml": "fly",
        "railway.json": "railway",
        "railway.toml": "railway",
        "render.yaml": "render",
        "Procfile": "procfile",
        "ecosystem.config.js": "pm2",
        "ops/Caddyfile": "caddy",
        "ops/nginx.conf": "nginx",
        "ops/site.nginx.conf": "nginx",
        "ops/conf.d/default.conf": "nginx",
        "ops/api.service": "systemd",
        "ansible/site.yml": "ansible",
        "ops/cloud-init.yaml": "cloud-init",
    }


def test_deploy_file_evidence_is_the_identifying_line(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "Dockerfile": "# syntax=docker/dockerfile:1\n\nFROM node:20-alpine\n",
        "infra/main.tf": "# infra\nterraform {\n}\n",
        "vercel.json": '{\n  "regions": ["iad1"],\n  "framework": "nextjs"\n}\n',
        "Procfile": "# comment\nweb: node server.js\n",
        "ops/api.service": "[Unit]\nDescription=api\n[Service]\nExecStart=/x\n",
        "ops/cloud-init.yaml": "#cloud-config\npackages: []\n",
    })
    facts = {f.evidence.file: f for f in facts_of(run(root), "deploy_file")}
    docker = facts["Dockerfile"].evidence
    assert (docker.line, docker.quote) == (3, "FROM node:20-alpine")
    assert facts["infra/main.tf"].evidence.quote == "terraform {"
    assert facts["vercel.json"].evidence.quote == '"framework": "nextjs"'
    assert facts["vercel.json"].evidence.note == "vercel framework preset nextjs"
    assert facts["Procfile"].evidence.quote == "web: node server.js"
    assert facts["ops/api.service"].evidence.quote == "[Service]"
    assert facts["ops/cloud-init.yaml"].evidence.line == 1
    assert all(f.detail is None for f in facts.values())


def test_nested_workflows_are_inert(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        "apps/api/package.json": PKG,
        "apps/api/.github/workflows/deploy.yaml": "on: push\njobs:\n  deploy: {}\n",
        "apps/web/.gitlab-ci.yml": "test:\n  script: [npm test]\n",
        "apps/api/.gitlab-ci.yml": "test:\n  script: [npm test]\n",
        ".gitlab-ci.yml": "include:\n  - local: apps/api/.gitlab-ci.yml\n",
    })
    facts = {f.evidence.file: f for f in facts_of(run(root), "deploy_file")}
    assert facts[".github/workflows/ci.yml"].detail is None
    nested = facts["apps/api/.github/workflows/deploy.yaml"]
    assert (nested.subject, nested.value, nested.detail) == ("", "github-actions", GITHUB_INERT)
    assert nested.evidence.quote == "jobs:"
    assert str(facts["apps/web/.gitlab-ci.yml"].detail).startswith("inert: ")
    assert facts["apps/api/.gitlab-ci.yml"].detail is None  # the root pipeline includes it
    assert facts[".gitlab-ci.yml"].detail is None


def test_deploy_files_inside_components_stay_project_wide(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "apps/api/package.json": PKG,
        "apps/api/Dockerfile": "FROM node:20\nEXPOSE 3000\n",
        "apps/api/fly.toml": "app = \"api\"\n",
    })
    facts = run(root)
    assert {f.subject for f in facts_of(facts, "deploy_file")} == {""}
    assert values_of(facts, "port", "apps/api") == {3000}


def test_dev_container_files_are_noted_and_not_used(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        ".devcontainer/Dockerfile": "FROM node:18\nEXPOSE 9999\n",
    })
    facts = run(root)
    (df,) = facts_of(facts, "deploy_file")
    assert df.detail is not None and df.detail.startswith("dev container")
    assert not facts_of(facts, "port") and not facts_of(facts, "runtime_version")


# ---------------------------------------------------------------------------- Dockerfile
MULTI_STAGE = """\
# syntax=docker/dockerfile:1
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-alpine AS build
WORKDIR /app
COPY . .
RUN npm ci && \\
    # a comment inside a continuation
    npm run build
EXPOSE 9229
CMD ["npm", "run", "dev"]

FROM node:${NODE_VERSION}-alpine AS runner
ARG PORT=8080
ENV NODE_ENV=production
COPY --from=build /app/dist ./dist
RUN <<EOF
EXPOSE 1234
CMD ["not", "this"]
EOF
EXPOSE $PORT 9090/tcp
HEALTHCHECK --interval=30s --timeout=3s \\
  CMD wget -qO- http://localhost:8080/healthz || exit 1
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", \\
     "dist/server.js"]
"""


def test_multi_stage_dockerfile_entrypoint_and_cmd(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({"package.json": PKG, "Dockerfile": MULTI_STAGE})
    facts = run(root)
    starts = facts_of(facts, "start_command", ".")
    assert {f.value for f in starts} == {"/sbin/tini -- node dist/server.js"}
    assert {f.evidence.quote for f in starts} == {'ENTRYPOINT ["/sbin/tini", "--"]', 'CMD ["node", \\'}
    assert all(f.priority == 60 for f in starts)
    ports = facts_of(facts, "port", ".") + facts_of(facts, "extra_port", ".")
    # Several ports on one EXPOSE line: the first is the port, the others extra ports (no conflict).
    assert {(f.kind, f.value) for f in ports} == {("port", 8080), ("extra_port", 9090)}
    assert all(f.priority == 60 and f.evidence.quote == "EXPOSE $PORT 9090/tcp" for f in ports)
    assert values_of(facts, "health_endpoint", ".") == {"/healthz"}
    runtime = one(facts, "runtime_version", ".")
    assert (runtime.value, runtime.priority) == ("node 20", 50)
    assert runtime.evidence.note == "Dockerfile base image"
    assert runtime.evidence.quote == "FROM node:${NODE_VERSION}-alpine AS runner"


def test_go_dockerfile_takes_runtime_from_build_stage_and_shell_cmd_as_written(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "go.mod": "module x\n",
        "Dockerfile": (
            "FROM golang:1.22-alpine AS build\nRUN go build -o /bin/app ./cmd/app\n"
            "FROM gcr.io/distroless/static\nCOPY --from=build /bin/app /app\n"
            "ENV PORT=7000\nEXPOSE ${PORT}\nCMD /app --listen :7000\n"
        ),
    })
    facts = run(root)
    assert values_of(facts, "runtime_version", ".") == {"go 1.22"}
    assert values_of(facts, "start_command", ".") == {"/app --listen :7000"}
    assert values_of(facts, "port", ".") == {7000}


def test_final_stage_from_earlier_stage_inherits_cmd(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "pyproject.toml": "[project]\nname='x'\n",
        "Dockerfile": (
            "FROM python:3.12-slim AS base\nEXPOSE 8000\nCMD [\"uvicorn\", \"app:app\"]\n"
            "FROM base AS final\nRUN pip install .\n"
        ),
    })
    facts = run(root)
    assert values_of(facts, "start_command", ".") == {"uvicorn app:app"}
    assert values_of(facts, "port", ".") == {8000}
    assert values_of(facts, "runtime_version", ".") == {"python 3.12"}


def test_shell_entrypoint_ignores_cmd_and_entrypoint_drops_inherited_cmd(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "a/package.json": PKG,
        "a/Dockerfile": "FROM node:20\nCMD [\"x\"]\nENTRYPOINT node server.js\n",
        "b/package.json": PKG,
        "b/Dockerfile": "FROM node:20 AS one\nCMD [\"inherited\"]\nFROM one\nENTRYPOINT [\"./run.sh\"]\n",
    })
    facts = run(root)
    assert values_of(facts, "start_command", "a") == {"node server.js"}
    assert values_of(facts, "start_command", "b") == {"./run.sh"}


def test_named_dockerfile_maps_to_component_and_dev_dockerfile_ranks_lower(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "apps/api/package.json": PKG,
        "Dockerfile.api": "FROM node:20\nEXPOSE 4000\n",
        "apps/api/Dockerfile.dev": "FROM node:20\nCMD npm run dev\n",
    })
    facts = run(root)
    assert values_of(facts, "port", "apps/api") == {4000}
    dev = one(facts, "start_command", "apps/api")
    assert (dev.value, dev.priority) == ("npm run dev", 45)


@pytest.mark.parametrize(("image", "runtime"), [
    ("node:20-alpine", "node 20"),
    ("node:20.11.1-bookworm-slim", "node 20.11.1"),
    ("docker.io/library/python:3.12-slim", "python 3.12"),
    ("golang:1.22", "go 1.22"),
    ("rust:1.78", "rust 1.78"),
    ("oven/bun:1.1", "bun 1.1"),
    ("gcr.io/distroless/nodejs20-debian12", "node 20"),
    ("ghcr.io/astral-sh/uv:python3.11-bookworm-slim", "python 3.11"),
    ("node@sha256:abc", None),
    ("node:lts", None),
    ("nginx:1.25", None),
    ("scratch", None),
])
def test_runtime_of_base_image(image: str, runtime: str | None) -> None:
    assert runtime_of(image) == runtime


def test_dockerfile_parser_tolerates_junk() -> None:
    assert parse("") == []
    assert parse("\\\n\\\n") == []
    stages = parse("RUN before from\nFROM\nFROM a AS b\nCMD [unterminated\n")
    assert [s.image for s in stages] == ["", "a"]


# ---------------------------------------------------------------------------- compose
COMPOSE = """\
x-common: &common
  restart: unless-stopped
  healthcheck:
    test: ["CMD", "curl", "-f", "http://localhost:3000/ready"]

services:
  api:
    <<: *common
    build: ./apps/api
    ports:
      - "8080:3000"
      - "127.0.0.1:${METRICS_PORT:-9100}:9464/tcp"
    command: ["node", "dist/main.js"]
    depends_on:
      - db
      - cache
  web:
    build:
      context: .
      dockerfile: apps/web/Dockerfile
    ports:
      - target: 5173
        published: 80
    depends_on:
      db:
        condition: service_healthy
  worker:
    build:
      context: ./services/worker
    command: python -m worker
    healthcheck:
      test: curl -f http://localhost:8000/health || exit 1
  db:
    image: docker.io/library/postgres:16-alpine
  cache:
    image: valkey/valkey:7
  queue:
    image: rabbitmq:3-management
  proxy:
    image: nginx:alpine
"""


def test_compose_services_map_to_components_by_build_context(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "apps/api/package.json": PKG,
        "apps/web/package.json": PKG,
        "apps/web/Dockerfile": "FROM node:20\nEXPOSE 5173\n",
        "services/worker/pyproject.toml": "[project]\nname='w'\n",
        "docker-compose.yml": COMPOSE,
    })
    facts = run(root)
    api_ports = facts_of(facts, "port", "apps/api") + facts_of(facts, "extra_port", "apps/api")
    assert {(f.kind, f.value) for f in api_ports} == {("port", 3000), ("extra_port", 9464)}
    assert all(f.priority == 55 for f in api_ports)
    quotes = {f.evidence.quote for f in api_ports}
    assert quotes == {'- "8080:3000"', '- "127.0.0.1:${METRICS_PORT:-9100}:9464/tcp"'}
    start = one(facts, "start_command", "apps/api")
    assert (start.value, start.priority) == ("node dist/main.js", 55)
    # The merged anchor's health check applies to api; the line quoted is the anchor's.
    assert values_of(facts, "health_endpoint", "apps/api") == {"/ready"}
    assert values_of(facts, "port", "apps/web") == {5173}
    assert values_of(facts, "start_command", "services/worker") == {"python -m worker"}
    assert values_of(facts, "health_endpoint", "services/worker") == {"/health"}
    assert values_of(facts, "backing_service", "apps/api") == {"postgres", "redis"}
    assert values_of(facts, "backing_service", "apps/web") == {"postgres"}
    db_dep = facts_of(facts, "backing_service", "apps/web")[0]
    assert db_dep.evidence.quote == "db:"
    # Nobody depends on the queue: it is reported project-wide.
    queue = one(facts, "backing_service", "")
    assert (queue.value, queue.detail) == ("rabbitmq", "compose service")
    assert queue.evidence.quote == "image: rabbitmq:3-management"
    assert not facts_of(facts, "port", ".")


def test_compose_context_routes_dockerfile_facts(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "apps/api/package.json": PKG,
        "docker/api.Dockerfile": "FROM node:20\nEXPOSE 3001\n",
        "compose.yaml": "services:\n  backend:\n    build:\n      context: apps/api\n"
                        "      dockerfile: ../../docker/api.Dockerfile\n",
    })
    facts = run(root)
    assert values_of(facts, "port", "apps/api") == {3001}
    assert values_of(facts, "runtime_version", "apps/api") == {"node 20"}


@pytest.mark.parametrize("text", [
    "services:\n  api:\n    build: .\n    ports: [\"3000:3000\"\n",  # unterminated flow
    "services: [1, 2\n",
    "a: &a [*a]\n",
    "\t- not yaml\n:::\n",
    "services:\n  api: 42\n  web: [1]\n",
    "- - - - - " * 2000 + "x\n",
    # Alias bomb: every level doubles the previous one; walking by key never expands it.
    "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 40))
    + "services:\n  api:\n    <<: *a39\n",
])
def test_malformed_or_hostile_compose_is_skipped_quietly(tree_at, text: str):  # type: ignore[no-untyped-def]
    root = tree_at({"package.json": PKG, "docker-compose.yml": text})
    facts = run(root)
    assert deploy_kinds(facts) == {"docker-compose.yml": "compose"}
    assert not facts_of(facts, "port")


def test_malformed_platform_files_are_skipped(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "fly.toml": "app = \n[[",
        "railway.json": "{nope",
        "render.yaml": "services: {{\n",
        "k8s/app.yaml": "apiVersion: v1\nkind: Pod\nspec: [\n",
        "Dockerfile": "FROM\n\\",
    })
    facts = run(root)
    assert len(deploy_kinds(facts)) == 5
    assert [f for f in facts if f.kind != "deploy_file"] == []


# ---------------------------------------------------------------------------- platforms
def test_fly_toml(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "fly.toml": (
            "app = \"x\"\n\n[env]\n  PORT = \"8080\"\n\n[processes]\n  app = \"node dist/server.js\"\n"
            "  worker = \"node dist/worker.js\"\n\n[http_service]\n  internal_port = 8080\n"
            "  force_https = true\n\n  [[http_service.checks]]\n    method = \"GET\"\n"
            "    path = \"/health\"\n"
        ),
    })
    facts = run(root)
    start = one(facts, "start_command", ".")
    assert (start.value, start.priority, start.evidence.quote) == (
        "node dist/server.js", 70, 'app = "node dist/server.js"')
    ports = facts_of(facts, "port", ".")
    assert {f.value for f in ports} == {8080} and all(f.priority == 70 for f in ports)
    assert {f.evidence.quote for f in ports} == {"internal_port = 8080", 'PORT = "8080"'}
    assert values_of(facts, "health_endpoint", ".") == {"/health"}


def test_fly_legacy_services_and_dockerfile_component(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "apps/api/package.json": PKG,
        "fly.toml": (
            "[build]\n  dockerfile = \"apps/api/Dockerfile\"\n"
            "[experimental]\n  cmd = [\"node\", \"main.js\"]\n"
            "[[services]]\n  internal_port = 3000\n  [[services.http_checks]]\n    path = \"/live\"\n"
            "[checks]\n  [checks.alive]\n    type = \"http\"\n    path = \"/alive\"\n"
        ),
    })
    facts = run(root)
    assert values_of(facts, "start_command", "apps/api") == {"node main.js"}
    assert values_of(facts, "port", "apps/api") == {3000}
    assert values_of(facts, "health_endpoint", "apps/api") == {"/live", "/alive"}


def test_railway_json_and_toml(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "a/package.json": PKG,
        "a/railway.json": (
            '{\n  "build": {"buildCommand": "pnpm build"},\n  "deploy": {\n'
            '    "startCommand": "node dist/index.js",\n    "healthcheckPath": "/status"\n  }\n}\n'
        ),
        "b/pyproject.toml": "[project]\nname='b'\n",
        "b/railway.toml": "[deploy]\nstartCommand = \"uvicorn app:app\"\nhealthcheckPath = \"/hc\"\n",
    })
    facts = run(root)
    start = one(facts, "start_command", "a")
    assert (start.value, start.priority) == ("node dist/index.js", 70)
    assert values_of(facts, "build_command", "a") == {"pnpm build"}
    assert values_of(facts, "health_endpoint", "a") == {"/status"}
    assert values_of(facts, "start_command", "b") == {"uvicorn app:app"}
    assert values_of(facts, "health_endpoint", "b") == {"/hc"}


def test_render_yaml_services_by_root_dir(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "apps/api/package.json": PKG,
        "apps/bot/package.json": PKG,
        "render.yaml": (
            "services:\n  - type: web\n    name: api\n    rootDir: apps/api\n"
            "    startCommand: node dist/server.js\n    healthCheckPath: /healthz\n"
            "    envVars:\n      - key: PORT\n        value: 10000\n"
            "  - type: worker\n    name: bot\n    rootDir: apps/bot\n    startCommand: node bot.js\n"
            "  - type: web\n    name: lost\n    startCommand: nowhere\n"
        ),
    })
    facts = run(root)
    assert values_of(facts, "start_command", "apps/api") == {"node dist/server.js"}
    assert values_of(facts, "health_endpoint", "apps/api") == {"/healthz"}
    assert values_of(facts, "port", "apps/api") == {10000}
    assert values_of(facts, "start_command", "apps/bot") == {"node bot.js"}
    assert "nowhere" not in values_of(facts, "start_command")


def test_procfile_pm2_and_vercel_give_only_deploy_file(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "Procfile": "web: node server.js --port 5000\n",
        "ecosystem.config.cjs": "module.exports = { apps: [{ script: 'x.js', env: { PORT: 4000 } }] };\n",
        "vercel.json": '{"framework": "nextjs", "buildCommand": "next build"}\n',
    })
    facts = run(root)
    assert deploy_kinds(facts) == {
        "Procfile": "procfile", "ecosystem.config.cjs": "pm2", "vercel.json": "vercel",
    }
    assert [f for f in facts if f.kind != "deploy_file"] == []


# ---------------------------------------------------------------------------- kubernetes
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  template:
    spec:
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.0
          ports:
            - containerPort: 3000
          readinessProbe:
            httpGet:
              path: /ready
              port: 3000
        - name: cache
          image: redis:7
          ports:
            - containerPort: 6379
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
"""


def test_kubernetes_ports_only_when_owner_is_clear(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "apps/api/package.json": PKG,
        "apps/web/package.json": PKG,
        "k8s/api.yaml": DEPLOYMENT.format(name="api"),
        "k8s/mystery.yaml": DEPLOYMENT.format(name="mystery"),
        "apps/web/deploy/web.yaml": DEPLOYMENT.format(name="frontend"),
    })
    facts = run(root)
    assert set(deploy_kinds(facts).values()) == {"kubernetes"}
    port = one(facts, "port", "apps/api")
    assert (port.value, port.priority, port.evidence.quote) == (3000, 60, "- containerPort: 3000")
    assert values_of(facts, "health_endpoint", "apps/api") == {"/ready"}
    # Located inside apps/web but with two containers, neither named after it: skipped.
    assert not facts_of(facts, "port", "apps/web")
    assert 6379 not in values_of(facts, "port")
    assert not facts_of(facts, "port", ".")


def test_kubernetes_manifest_inside_component_folder(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "apps/api/package.json": PKG,
        "apps/api/k8s/cron.yaml": (
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  jobTemplate:\n"
            "    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n"
            "              image: acme/job\n              ports:\n                - containerPort: 9000\n"
        ),
    })
    assert values_of(run(root), "port", "apps/api") == {9000}


def test_single_component_repo_skips_proxy_workloads(tree_at):  # type: ignore[no-untyped-def]
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n"
        "    - name: {name}\n      image: {image}\n      ports:\n        - containerPort: {port}\n"
    )
    root = tree_at({
        "package.json": PKG,
        "deploy/app.yaml": pod.format(name="app", image="acme/app", port=8000),
        "deploy/proxy.yaml": pod.format(name="edge", image="nginx:1.27", port=80),
        "deploy/db.yaml": pod.format(name="db", image="postgres:16", port=5432),
    })
    assert values_of(run(root), "port", ".") == {8000}


@pytest.mark.parametrize(("command", "path"), [
    ("wget -qO- localhost:3000/health || exit 1", "/health"),
    ("curl -fsS http://127.0.0.1:${PORT:-3000}/api/health?full=1", "/api/health"),
    ("node -e \"fetch('http://localhost:3000/healthz')\"", "/healthz"),
    ("curl -f localhost", None),
    ("pg_isready -U postgres", None),
])
def test_health_path_from_check_command(command: str, path: str | None) -> None:
    assert url_path(command) == path


# ---------------------------------------------------------------------------- review misses (issue 2)
HEREDOC_COPY = """\
FROM python:3.12-slim AS base
WORKDIR /srv
COPY pyproject.toml ./

FROM base AS production
COPY <<EOF /srv/start.sh
#!/bin/bash
set -e
until pg_isready -h db; do
    sleep 1
done
echo "migrating"
alembic upgrade head
exec gunicorn svc.main:app \\
    --bind 0.0.0.0:8100 --workers 2
EOF
RUN chmod +x /srv/start.sh
EXPOSE 8100
ENTRYPOINT ["/srv/start.sh"]
"""

HEREDOC_RUN = """\
FROM node:20-alpine
WORKDIR /app
RUN cat <<'SCRIPT' > ./entry.sh
#!/bin/sh
node scripts/migrate.js
exec "$@"
SCRIPT
ENTRYPOINT ["tini", "--", "sh", "./entry.sh"]
CMD ["node", "dist/server.js", "--port", "4200"]
"""


def test_heredoc_entrypoint_is_followed_to_its_last_process(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "api/pyproject.toml": "[project]\nname='api'\n",
        "api/Dockerfile": HEREDOC_COPY,
        "web/package.json": PKG,
        "web/Dockerfile": HEREDOC_RUN,
        "plain/package.json": PKG,
        "plain/Dockerfile": "FROM node:20\nRUN <<EOF\nnpm ci\nEOF\nENTRYPOINT [\"/run.sh\"]\n",
    })
    facts = run(root)
    api = facts_of(facts, "start_command", "api")
    assert {f.value for f in api} == {"gunicorn svc.main:app --bind 0.0.0.0:8100 --workers 2"}
    assert {f.evidence.line for f in api} == {14, 19}  # the exec line in the heredoc, and ENTRYPOINT
    assert all("/srv/start.sh" in (f.evidence.note or "") for f in api)
    assert values_of(facts, "port", "api") == {8100}
    # `exec "$@"` hands over to CMD; a relative script path resolves against WORKDIR.
    web = facts_of(facts, "start_command", "web")
    assert {f.value for f in web} == {"node dist/server.js --port 4200"}
    assert {f.evidence.line for f in web} == {6, 8, 9}
    assert values_of(facts, "port", "web") == {4200}
    # A RUN heredoc is a build step, not a script: the ENTRYPOINT stays as written.
    assert values_of(facts, "start_command", "plain") == {"/run.sh"}


def test_inline_script_passes_cmd_as_arguments(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "Dockerfile": (
            "FROM node:20\nCOPY <<-END entry.sh\n\t#!/bin/sh\n\tnpx prisma migrate deploy\n"
            "\texec node server.js \"$@\"\n\tEND\nENTRYPOINT [\"./entry.sh\"]\nCMD [\"--inspect=0\"]\n"
        ),
    })
    facts = run(root)
    assert values_of(facts, "start_command", ".") == {"node server.js --inspect=0"}
    assert {f.evidence.line for f in facts_of(facts, "start_command", ".")} == {5, 7, 8}


def test_fixture_and_eval_deploy_files_give_no_component_facts(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": PKG,
        "evals/harness/Dockerfile.sandbox": "FROM node:20.11.0-slim\nCMD [\"/bin/bash\"]\n",
        "tests/fixtures/docker-compose.yml": "services:\n  app:\n    build: ../..\n    ports: ['7000:7000']\n",
        "e2e/k8s/deploy.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: x\n          ports:\n            - containerPort: 7001\n"
        ),
        "Dockerfile": "FROM node:22\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n",
    })
    facts = run(root)
    details = {f.evidence.file: f.detail for f in facts_of(facts, "deploy_file")}
    assert details["Dockerfile"] is None
    for rel in ("evals/harness/Dockerfile.sandbox", "tests/fixtures/docker-compose.yml", "e2e/k8s/deploy.yaml"):
        assert (details[rel] or "").startswith("test or eval fixture"), rel
    assert values_of(facts, "runtime_version", ".") == {"node 22"}
    assert values_of(facts, "start_command", ".") == {"node server.js"}
    assert values_of(facts, "port", ".") == {3000}


def test_go_image_satisfying_go_mod_is_not_a_second_version(tree_at):  # type: ignore[no-untyped-def]
    root = tree_at({
        "ok/go.mod": "module ok\n\ngo 1.18\n",
        "ok/Dockerfile": "FROM golang:1.18.2-alpine\nEXPOSE 9000 9001\nCMD [\"/ok\"]\n",
        "old/go.mod": "module old\n\ngo 1.22\n",
        "old/Dockerfile": "FROM golang:1.21\nCMD [\"/old\"]\n",
        "k8s/deploy.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ok\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: ok\n          ports:\n            - containerPort: 9000\n"
            "            - containerPort: 9090\n"
        ),
    })
    facts = run(root)
    (ok,) = facts_of(facts, "runtime_version", "ok")
    assert ok.value == "go 1.18.2" and ok.priority < 30  # satisfies `go 1.18`: no conflict
    assert "satisfies go 1.18" in (ok.evidence.note or "")
    (old,) = facts_of(facts, "runtime_version", "old")
    assert old.value == "go 1.21" and old.priority == 50  # older than go.mod asks: stays explicit
    assert values_of(facts, "port", "ok") == {9000}
    assert values_of(facts, "extra_port", "ok") == {9001, 9090}
