"""Generated Dockerfiles: one per containerised service without its own, built from the Design alone,
pinned, multi-stage, non-root, with the Design's port, health path and start command, no secrets,
and zero findings from hadolint (and trivy / checkov when installed) on every example and variant."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from launchbay.answersfile import load_answers
from launchbay.envclass import PUBLIC_PREFIXES
from launchbay.errors import LaunchbayError
from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design, EnvWiring, ServicePlan
from launchbay.plan import build_design
from launchbay.renderers.ci_pins import exact_version
from launchbay.renderers.dockerfile import DockerfileRenderer, build_context, dockerfile_path, needs_dockerfile
from launchbay.renderers.dockerfile_bind import bind_all
from launchbay.renderers.dockerfile_common import APP_UID, exec_form, health_argv
from launchbay.renderers.dockerfile_images import NODE, NODE_DEFAULT, PYTHON, PYTHON_DEFAULT, choose, pick
from launchbay.renderers.dockerfile_node import dev_tool
from launchbay.review import review_project
from launchbay.validators.base import find_tool
from launchbay.validators.hadolint import HadolintValidator
from tests.kit.support import require_tool as _tool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")
RENDERERS = {"dockerfile": DockerfileRenderer()}


@cache
def design(name: str) -> Design:
    project = ROOT / "examples" / name
    return build_design(review_project(project), load_answers(project / "launchbay.yaml"))


@cache
def design_with(name: str, changes: tuple[tuple[str, object], ...]) -> Design:
    """The example's design after editing answers (`section.key` → value)."""
    data = yaml.safe_load((ROOT / "examples" / name / "launchbay.yaml").read_text(encoding="utf-8"))
    for key, value in changes:
        section, field = key.split(".")
        data[section][field] = value
    with tempfile.TemporaryDirectory() as tmp:
        answers = Path(tmp) / "launchbay.yaml"
        answers.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return build_design(review_project(ROOT / "examples" / name), load_answers(answers))


def files_of(d: Design) -> dict[str, str]:
    return {f.path: f.content for f in DockerfileRenderer().render(d)}


def variant(base: ServicePlan, component: str, **changes: object) -> ServicePlan:
    """A service of another stack, built from a real one (so every other field stays realistic)."""
    assert base.runtime is not None
    top = {k: changes.pop(k) for k in list(changes) if k in ServicePlan.model_fields}
    runtime = base.runtime.model_copy(update=changes)
    return base.model_copy(update={"component": component, "name": component.replace("/", "-"),
                                   "runtime": runtime, **top})


@cache
def variants_design() -> Design:
    """Every stack the renderer knows, beyond what the examples use."""
    api = design("py-web3").services[0]
    services = (
        variant(api, "svc/npm", language="typescript", runtime_version="node 22.1.0", package_manager="npm",
                build_command="tsc -p .", start_command="node dist/main.js",
                env=(EnvWiring(name="VITE_API_TOKEN", wiring="build", reason="public prefix"),
                     EnvWiring(name="SENTRY_AUTH_TOKEN", wiring="build", reason="test"),
                     EnvWiring(name="DATABASE_URL", wiring="secret", reason="test"))),
        variant(api, "svc/pnpm", language="typescript", runtime_version="node >=18", package_manager="pnpm",
                build_command="next build", start_command="pnpm start", health_path=None),
        variant(api, "svc/yarn", language="javascript", runtime_version="node lts/jod", package_manager="yarn",
                build_command="vite build", start_command="node server.js"),
        variant(api, "svc/poetry", language="python", runtime_version="python 3.11", package_manager="poetry",
                start_command="gunicorn app:app -b 0.0.0.0:$PORT", health_path=None, target="kubernetes"),
        variant(api, "svc/pip", language="python", runtime_version="python >=3.9", package_manager="pip",
                start_command="python -m app", kind="worker", port=None, health_path=None, target="vm"),
        variant(api, "svc/go", language="go", runtime_version="go 1.22", package_manager="go",
                build_command="go build -o server ./cmd/server", start_command="./server", port=8080),
        variant(api, "svc/gorun", language="go", runtime_version="go 1.27.0", package_manager="go",
                build_command=None, start_command="go run ./cmd/api --verbose", port=8080, health_path=None),
        variant(api, "svc/rust", language="rust", runtime_version="rust 1.80", package_manager="cargo",
                build_command="cargo build --release", start_command="./target/release/app", port=3000),
        # Cases the field trial found: each built as the real repositories had them.
        variant(api, "svc/bun", language="typescript", runtime_version=None, package_manager="bun",
                build_command="bun build src/api/index.ts --target=bun --outdir=dist",
                start_command="bun src/api/index.ts", port=3000, health_path="/health"),
        variant(api, "svc/tsx", language="typescript", runtime_version="node 22", package_manager="npm",
                build_command=None, start_command="tsx src/index.ts", migration_command="drizzle-kit migrate",
                port=3000),
        variant(api, "svc/uvicorn", language="python", runtime_version="python >3.7", package_manager="poetry",
                start_command="poetry run uvicorn main:app", port=8000, health_path=None,
                migration_command="alembic upgrade head"),
        variant(api, "svc/goabs", language="go", runtime_version="go 1.18", package_manager="go",
                build_command="go build -o ethereum-service .", start_command="/ethereum-service", port=9000,
                health_path=None),
    )
    return design("py-web3").model_copy(update={"services": services, "data_stores": ()})


def all_cases() -> list[tuple[Design, ServicePlan]]:
    out = []
    for d in (*(design(n) for n in EXAMPLES), variants_design()):
        out += [(d, s) for s in d.services if needs_dockerfile(s)]
    return out


# --------------------------------------------------------------------------- which files


def test_files_per_example() -> None:
    assert set(files_of(design("evm-dapp"))) == {
        "apps/indexer/Dockerfile", "apps/indexer/Dockerfile.dockerignore",
        "apps/web/Dockerfile", "apps/web/Dockerfile.dockerignore"}  # apps/api has its own: used, not replaced
    assert set(files_of(design("py-web3"))) == {"api/Dockerfile", "api/.dockerignore",
                                                "worker/Dockerfile", "worker/.dockerignore"}
    assert set(files_of(design("discord-bot"))) == {"Dockerfile", ".dockerignore"}


def test_user_dockerfile_is_used_not_generated() -> None:
    api = next(s for s in design("evm-dapp").services if s.component == "apps/api")
    assert not needs_dockerfile(api) and dockerfile_path(api) == "apps/api/Dockerfile"


def test_build_context_is_the_workspace_root_for_pnpm_members() -> None:
    d = design("evm-dapp")
    web = next(s for s in d.services if s.component == "apps/web")
    assert build_context(d, web) == "."
    text = files_of(d)["apps/web/Dockerfile"]
    assert "#   docker build -f apps/web/Dockerfile ." in text.splitlines()[:5]
    py = design("py-web3")
    assert [build_context(py, s) for s in py.services] == ["api", "worker"]
    assert "#   docker build api" in files_of(py)["api/Dockerfile"]


@pytest.mark.parametrize("changes", [(("deployment.cloud", "self-hosted"),),
                                     (("team.size", 5), ("blockchain.node_strategy", "own-nodes"))],
                         ids=["vm", "kubernetes"])
def test_other_targets_get_the_same_images(changes: tuple[tuple[str, object], ...]) -> None:
    d = design_with("evm-dapp", changes)
    assert {s.target for s in d.services} == ({"vm"} if changes[0][1] == "self-hosted" else {"kubernetes"})
    assert files_of(d) == files_of(design("evm-dapp"))


def test_static_and_non_service_targets_get_none() -> None:
    d = design("evm-dapp")
    static = d.model_copy(update={"services": tuple(s.model_copy(update={"target": "static"}) for s in d.services)})
    assert files_of(static) == {}


# --------------------------------------------------------------------------- invariants per Dockerfile


def _stages(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^FROM (\S+) AS (\S+)$", text, flags=re.M)


@pytest.mark.parametrize(("d", "svc"), all_cases(), ids=lambda x: getattr(x, "component", ""))
def test_dockerfile_invariants(d: Design, svc: ServicePlan) -> None:
    text = files_of(d)[dockerfile_path(svc)]
    assert text.endswith("\n") and not text.endswith("\n\n") and "\r" not in text
    stages = _stages(text)
    names = [n for _, n in stages]
    assert names[:2] == ["deps", "build"] and names[-1] == "runtime"
    assert len(re.findall(r"^FROM ", text, flags=re.M)) == len(stages)  # every stage is named
    for image, _ in stages:
        if image in names:
            continue
        tag = image.partition(":")[2]
        assert re.fullmatch(r"\d+\.\d+\.\d+(-[a-z0-9-]+)?|bookworm-\d{8}-slim", tag), image
        assert "latest" not in tag
    assert svc.runtime is not None
    version = (svc.runtime.runtime_version or "").split(" ")[-1]
    runtime_image = stages[-1][0]
    if version[:1].isdigit() and svc.runtime.language in {"typescript", "javascript", "python"}:
        assert runtime_image.split(":")[1].startswith(version), (runtime_image, version)
    # non-root, fixed uid, the last USER wins
    assert re.findall(r"^USER (.+)$", text, flags=re.M)[-1] == f"{APP_UID}:{APP_UID}"
    # port, health and start command from the Design
    exposes = re.findall(r"^EXPOSE (\d+)$", text, flags=re.M)
    assert exposes == ([str(svc.port)] if svc.port is not None else [])
    health = re.search(r"^HEALTHCHECK (.*)$", text, flags=re.M)
    assert health is not None
    if svc.port is None:
        assert health.group(1) == "NONE" and "listens on no port" in text
    else:
        check = text[health.start():].split("\n", 2)[1]
        target = f"127.0.0.1:{svc.port}{svc.health_path}" if svc.health_path else f"{svc.port}"
        assert target in check
        tool = json.loads(check.strip()[4:])[0]
        assert tool in {"node", "bun", "python", "/usr/local/bin/busybox"}
        if tool == "/usr/local/bin/busybox":
            assert "COPY --from=probe /bin/busybox /usr/local/bin/busybox" in text
        else:
            assert runtime_image.split("/")[-1].startswith(tool)  # the image's own interpreter
    cmd = json.loads(re.findall(r"^CMD (.+)$", text, flags=re.M)[-1])
    start = svc.start_command or ""
    if exec_form(start)[1] is None and not start.startswith(("pnpm", "go run", "poetry run")):
        words = shlex.split(start)
        assert cmd[:len(words)] == words  # as the Design says, at most a listening address added
        assert set(cmd[len(words):]) <= {"--host", "0.0.0.0", "--port", str(svc.port), "-b", f"0.0.0.0:{svc.port}"}
    # secrets: no secret-wired name anywhere; ARGs only for public build-time values
    for env in svc.env:
        if env.wiring == "secret":
            assert env.name not in text
    args = re.findall(r"^ARG (\S+)$", text, flags=re.M)
    assert all(a.startswith(PUBLIC_PREFIXES) for a in args)
    assert {e.name for e in svc.env if e.wiring == "build" and e.name.startswith(PUBLIC_PREFIXES)} == set(args)
    assert not re.search(r"^(ENV|ARG) \S*(SECRET|PASSWORD|PRIVATE_KEY)", text, flags=re.M)
    assert "ADD " not in text


@pytest.mark.parametrize(("d", "svc"), all_cases(), ids=lambda x: getattr(x, "component", ""))
def test_dockerignore_keeps_secrets_and_noise_out(d: Design, svc: ServicePlan) -> None:
    files = files_of(d)
    ignore = next(files[p] for p in files if p.startswith(dockerfile_path(svc).removesuffix("Dockerfile"))
                  and p.endswith(".dockerignore"))
    patterns = set(ignore.splitlines())
    assert {".git", "**/.env*", "**/tests", "**/test", "deploy", ".launchbay"} <= patterns
    if svc.runtime and svc.runtime.language in {"typescript", "javascript"}:
        assert "**/node_modules" in patterns


def test_package_managers_install_as_locked() -> None:
    evm, py, bot = (files_of(design(n)) for n in EXAMPLES)
    web = evm["apps/web/Dockerfile"]
    assert "COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./" in web
    assert 'pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --filter "@vaultline/web..."' in web
    assert 'pnpm --filter "@vaultline/web^..." run --if-present build' in web
    assert " && next build" in web and "deploy --prod" in web
    assert "ARG NEXT_PUBLIC_API_URL" in web and "ENV NEXT_PUBLIC" not in web
    assert "RUN uv sync --frozen --no-dev --no-install-project" in py["api/Dockerfile"]
    assert "RUN npm ci --no-audit --no-fund --omit=dev" in bot["Dockerfile"]
    assert "install -d -o 10001 -g 10001 /app/data" in bot["Dockerfile"]  # the SQLite file store
    var = files_of(variants_design())
    assert "RUN /opt/poetry/bin/poetry install --only main --no-root --no-ansi" in var["svc/poetry/Dockerfile"]
    assert "-r requirements.txt" in var["svc/pip/Dockerfile"]
    assert "RUN cargo build --release --locked" in var["svc/rust/Dockerfile"]
    assert "RUN go build -o api ./cmd/api" in var["svc/gorun/Dockerfile"]
    assert 'CMD ["./api", "--verbose"]' in var["svc/gorun/Dockerfile"]
    assert 'CMD ["npm", "start"]' in var["svc/pnpm/Dockerfile"]
    assert "# Not passed (no public prefix, may be sensitive): SENTRY_AUTH_TOKEN" in var["svc/npm/Dockerfile"]


def test_shell_only_when_the_command_needs_one() -> None:
    assert exec_form("node dist/server.js") == (("node", "dist/server.js"), None)
    assert exec_form("uvicorn app.main:app --port 8001")[1] is None
    argv, why = exec_form("gunicorn app:app -b 0.0.0.0:$PORT")
    assert argv == ("/bin/sh", "-c", "exec gunicorn app:app -b 0.0.0.0:$PORT") and why
    assert exec_form("npm run migrate && node server.js")[0][2] == "npm run migrate && node server.js"
    text = files_of(variants_design())["svc/poetry/Dockerfile"]
    assert "# A shell runs the start command" in text


def test_versions_follow_the_design() -> None:
    assert choose(NODE, "node", "node 20", NODE_DEFAULT, minor_lines=False).version == "20.20.2"
    assert choose(NODE, "node", "node 20.11.1", NODE_DEFAULT, minor_lines=False).version == "20.11.1"
    assert choose(NODE, "node", "node 20.1.0", NODE_DEFAULT, minor_lines=False).version == "20.20.2"  # no bookworm
    assert choose(NODE, "node", "node lts/iron", NODE_DEFAULT, minor_lines=False).version == "20.20.2"
    assert choose(NODE, "node", "node >=18.17", NODE_DEFAULT, minor_lines=False).version == "22.23.2"
    assert choose(NODE, "node", "node >=18 <21", NODE_DEFAULT, minor_lines=False).version == "20.20.2"
    assert choose(NODE, "node", None, NODE_DEFAULT, minor_lines=False).version == "24.19.0"
    assert choose(PYTHON, "python", "python 3.12", PYTHON_DEFAULT, minor_lines=True).version == "3.12.14"
    assert choose(PYTHON, "python", "python >=3.9", PYTHON_DEFAULT, minor_lines=True).version == "3.10.21"
    assert choose(NODE, "node", "node 20", NODE_DEFAULT, minor_lines=False).eol_passed
    web = files_of(design("evm-dapp"))["apps/web/Dockerfile"]
    assert "FROM node:20.20.2-bookworm-slim AS runtime" in web and "reached end of life on 2026-04-30" in web
    assert "FROM python:3.12.14-slim-bookworm AS runtime" in files_of(design("py-web3"))["api/Dockerfile"]


def test_unsupported_stacks_fail_loudly() -> None:
    api = design("py-web3").services[0]
    for change in ({"package_manager": "deno", "language": "typescript"},
                   {"language": "elixir", "package_manager": None, "runtime_version": None}):
        d = design("py-web3").model_copy(update={"services": (variant(api, "x", **change),)})
        with pytest.raises(LaunchbayError):
            files_of(d)
    d = design("py-web3").model_copy(update={"services": (api.model_copy(update={"start_command": None}),)})
    with pytest.raises(LaunchbayError, match="no start command"):
        files_of(d)


def test_rendering_is_deterministic() -> None:
    for d in (*(design(n) for n in EXAMPLES), variants_design()):
        first = render_kit(d, RENDERERS)
        assert first == render_kit(d, RENDERERS)
        assert all("/work/" not in f.content and "/tmp/" not in f.content for f in first.files)


# --------------------------------------------------------------------------- real validators




def _kit(d: Design, tmp: Path) -> tuple[Path, tuple[str, ...]]:
    write_kit(render_kit(d, RENDERERS), tmp)
    files = tuple(sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*")
                         if p.is_file() and ".launchbay" not in p.parts))
    return tmp, files


CASES = [*EXAMPLES, "variants"]


def _design_of(case: str) -> Design:
    return variants_design() if case == "variants" else design(case)


@pytest.mark.validator
@pytest.mark.parametrize("case", CASES)
def test_hadolint_has_no_findings(case: str, tmp_path: Path) -> None:
    tool = find_tool("hadolint")
    _tool("hadolint")
    root, files = _kit(_design_of(case), tmp_path)
    result = HadolintValidator().run(root, files, tool)
    assert result.status == "PASS" and result.findings == (), result


@pytest.mark.validator
def test_hadolint_checks_generated_files_only_when_a_manifest_says_which(tmp_path: Path) -> None:
    tool = find_tool("hadolint")
    _tool("hadolint")
    root, _ = _kit(design("py-web3"), tmp_path)
    (root / "legacy").mkdir()
    (root / "legacy" / "Dockerfile").write_text("FROM node\nRUN cd /x && npm install left-pad\n")
    files = ("api/Dockerfile", "legacy/Dockerfile", "worker/Dockerfile")
    assert HadolintValidator().run(root, files, tool).status == "PASS"  # the user's file is theirs
    (root / ".launchbay" / "manifest.json").unlink()
    result = HadolintValidator().run(root, files, tool)
    assert result.status == "FAIL"
    assert {(f, line) for f, line, _ in result.findings} >= {("legacy/Dockerfile", 1), ("legacy/Dockerfile", 2)}
    assert any("DL3006" in m for _, _, m in result.findings)


@pytest.mark.validator
@pytest.mark.parametrize("case", CASES)
def test_trivy_finds_nothing_high_or_critical(case: str, tmp_path: Path) -> None:
    trivy = _tool("trivy")
    d = _design_of(case)
    root, _ = _kit(d, tmp_path)
    # Each example's component folder, as a pipeline would scan it; the variants' kit in one run.
    folders = [root] if case == "variants" else [root / s.component for s in d.services if needs_dockerfile(s)]
    for folder in folders:
        proc = subprocess.run([trivy, "config", "--skip-check-update", "--quiet", "--exit-code", "1",
                               "--severity", "HIGH,CRITICAL", "--skip-dirs", ".launchbay", str(folder)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.validator
def test_checkov_dockerfile_checks_pass(tmp_path: Path) -> None:
    checkov = _tool("checkov")
    for case in CASES:
        _kit(_design_of(case), tmp_path / case)
    proc = subprocess.run([checkov, "--skip-download", "-d", str(tmp_path), "--framework", "dockerfile",
                           "--skip-path", ".launchbay", "--compact", "--quiet", "-o", "json"],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"})
    report = json.loads(proc.stdout)
    summary = report["summary"] if isinstance(report, dict) else report[0]["summary"]
    assert summary["failed"] == 0 and summary["passed"] > 0, proc.stdout[:2000]


def _docker_engine() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    probe = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=30, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _docker_engine(), reason="no Docker engine running (this test never starts one)")
def test_docker_builds_the_python_api(tmp_path: Path) -> None:
    project = tmp_path / "py-web3"
    shutil.copytree(ROOT / "examples" / "py-web3", project)
    write_kit(render_kit(design("py-web3"), RENDERERS), project)
    proc = subprocess.run(["docker", "build", "--network", "host", "-t", "launchbay-test-api", "api"], cwd=project,
                          capture_output=True, text=True, timeout=1200, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


# --------------------------------------------------------------------------- the probes really probe


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("probe", ["python", "node"])
def test_health_probes_pass_on_healthy_and_fail_otherwise(probe: str) -> None:
    exe = sys.executable if probe == "python" else shutil.which("node")
    if exe is None:
        pytest.skip("node is not installed here (the probe runs inside the node image)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def status(path: str | None) -> int:
        argv = health_argv(probe, port, path)  # type: ignore[arg-type]
        assert argv is not None
        return subprocess.run([exe, *argv[1:]], capture_output=True, timeout=20, check=False).returncode

    try:
        assert status("/healthz") == 0
        assert status("/broken") != 0
        assert status(None) == 0  # TCP: the port accepts connections
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert status(None) != 0 and status("/healthz") != 0


# --------------------------------------------------------------------------- field-trial fixes


def _variant_file(component: str) -> str:
    return files_of(variants_design())[f"{component}/Dockerfile"]


def _cmd(text: str) -> list[str]:
    return list(json.loads(re.findall(r"^CMD (.+)$", text, flags=re.M)[-1]))


def _alone(svc: ServicePlan, *others: ServicePlan) -> Design:
    return design("py-web3").model_copy(update={"services": (svc, *others), "data_stores": ()})


@pytest.mark.parametrize(("command", "port", "expected"), [
    ("uvicorn main:app", 8000, "uvicorn main:app --host 0.0.0.0 --port 8000"),
    ("uvicorn app.main:app --host 0.0.0.0 --port 8001", 8001, "uvicorn app.main:app --host 0.0.0.0 --port 8001"),
    ("uvicorn main:app --port $PORT", 8000, "uvicorn main:app --port $PORT --host 0.0.0.0"),
    ("uvicorn main:app --host 127.0.0.1", 8000, "uvicorn main:app --host 0.0.0.0 --port 8000"),
    ("python -m uvicorn main:app --uds /run/app.sock", 8000, "python -m uvicorn main:app --uds /run/app.sock"),
    ("hypercorn app:app", 9000, "hypercorn app:app -b 0.0.0.0:9000"),
    ("gunicorn app:app", 8000, "gunicorn app:app -b 0.0.0.0:8000"),
    ("gunicorn app:app -b 127.0.0.1:8000", 8000, "gunicorn app:app -b 0.0.0.0:8000"),
    ("gunicorn app:app --bind=0.0.0.0:$PORT", 8000, "gunicorn app:app --bind=0.0.0.0:$PORT"),
    ("gunicorn -c gunicorn.conf.py app:app", 8000, "gunicorn -c gunicorn.conf.py app:app"),  # its config binds
    ("daphne proj.asgi:application", 8000, "daphne proj.asgi:application --bind 0.0.0.0 --port 8000"),
    ("granian --interface asgi main:app", 8000, "granian --interface asgi main:app --host 0.0.0.0 --port 8000"),
    ("flask run", 5000, "flask run --host 0.0.0.0 --port 5000"),
    ("python -m flask run -p 5001", 5001, "python -m flask run -p 5001 --host 0.0.0.0"),
    ("fastapi run main.py", 8000, "fastapi run main.py --port 8000"),  # `run` already listens on 0.0.0.0
    ("fastapi dev main.py", 8000, "fastapi dev main.py --host 0.0.0.0 --port 8000"),
    ("alembic upgrade head && uvicorn main:app", 8000,
     "alembic upgrade head && uvicorn main:app --host 0.0.0.0 --port 8000"),
    ("next start -H localhost -p 3000", 3000, "next start -H 0.0.0.0 -p 3000"),
    ("next start", 3000, "next start"),  # Next listens on every interface by default: not touched
    ("vite preview --host=127.0.0.1", 4173, "vite preview --host=0.0.0.0"),
    ("node server.js", 3000, "node server.js"),
    ("arq worker.main.WorkerSettings", None, "arq worker.main.WorkerSettings"),
])
def test_servers_listen_on_every_interface_without_repeating_flags(command: str, port: int | None,
                                                                   expected: str) -> None:
    bound = bind_all(command, port)
    assert bound.command == expected
    assert (bound.note is None) == (expected == command)
    words = shlex.split(bound.command.split("&&")[-1])
    for flag in ("--host", "--port", "-b", "--bind", "-p", "-H"):
        assert words.count(flag) <= 1, flag


def test_a_loopback_python_server_gets_the_designs_port_in_the_image() -> None:
    text = _variant_file("svc/uvicorn")  # `poetry run uvicorn main:app`: no host, no port, poetry not in the image
    assert _cmd(text) == ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]
    assert "# Start command adjusted: uvicorn listens on 127.0.0.1 unless told otherwise" in text
    api = files_of(design("py-web3"))["api/Dockerfile"]  # already bound: unchanged, no note
    assert _cmd(api) == ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8001"]
    assert "Start command adjusted" not in api
    web = variant(design("py-web3").services[0], "web", language="typescript", package_manager="npm",
                  runtime_version="node 22", build_command="next build", start_command="next start -H localhost")
    assert _cmd(files_of(_alone(web))["web/Dockerfile"]) == ["next", "start", "-H", "0.0.0.0"]


@pytest.mark.parametrize(("command", "tool"), [
    ("tsx src/index.ts", "tsx"), ("npx prisma migrate deploy", "prisma"), ("drizzle-kit migrate", "drizzle-kit"),
    ("pnpm exec ts-node src/main.ts", "ts-node"), ("node --import tsx src/app.ts", "tsx"),
    ("NODE_OPTIONS=--max-old-space-size=512 nodemon dist/x.js", "nodemon"), ("npx --yes vite preview", "vite"),
    ("node dist/main.js", None), ("next start", None), ("npm run start", None), (None, None),
])
def test_dev_only_tools_are_recognised(command: str | None, tool: str | None) -> None:
    assert dev_tool(command) == tool


def test_dev_dependencies_stay_when_start_or_migration_needs_them() -> None:
    text = _variant_file("svc/tsx")  # start `tsx src/index.ts`, migration `drizzle-kit migrate`, npm, no build
    assert "RUN npm ci --no-audit --no-fund\n" in text and "--omit=dev" not in text and "npm prune" not in text
    assert "runs drizzle-kit and tsx" in text
    base = variants_design().services
    npm, pnpm = (next(s for s in base if s.component == c) for c in ("svc/npm", "svc/pnpm"))
    built = variant(npm, "svc/npm", migration_command="npx prisma migrate deploy")
    assert "npm prune" not in files_of(_alone(built))["svc/npm/Dockerfile"]
    assert "npm prune --omit=dev" in files_of(_alone(npm))["svc/npm/Dockerfile"]  # node dist/main.js: pruned
    pn = files_of(_alone(variant(pnpm, "svc/pnpm", start_command="tsx server.ts")))["svc/pnpm/Dockerfile"]
    assert "pnpm prune" not in pn and "--prod" not in pn
    assert "pnpm prune --prod" in files_of(_alone(pnpm))["svc/pnpm/Dockerfile"]
    evm = design("evm-dapp")
    indexer = next(s for s in evm.services if s.component == "apps/indexer")
    member = variant(indexer, "apps/indexer", migration_command="drizzle-kit migrate")
    text = files_of(evm.model_copy(update={"services": (member,)}))["apps/indexer/Dockerfile"]
    assert " deploy --store-dir" in text and "deploy --prod" not in text
    assert "deploy --prod" in files_of(evm)["apps/web/Dockerfile"]
    bun = next(s for s in base if s.component == "svc/bun")
    kept = files_of(_alone(variant(bun, "svc/bun", migration_command="bunx drizzle-kit migrate")))
    assert "--production" not in kept["svc/bun/Dockerfile"]


def test_bun_projects_get_a_pinned_non_root_image() -> None:
    text = _variant_file("svc/bun")
    assert _stages(text) == [("oven/bun:1.4.3-slim", "deps"), ("deps", "build"), ("oven/bun:1.4.3-slim", "runtime")]
    assert "RUN bun install --frozen-lockfile\n" in text  # dev dependencies for the build ...
    assert " && bun install --frozen-lockfile --production" in text  # ... then production only
    assert "COPY package.json bun.lock* bun.lockb* ./" in text
    assert re.findall(r"^USER (.+)$", text, flags=re.M) == ["10001:10001"]
    assert "curl" not in text and "wget" not in text
    assert 'CMD ["bun", "-e", "fetch(\'http://127.0.0.1:3000/health\')' in text
    assert _cmd(text) == ["bun", "src/api/index.ts"]
    bun = next(s for s in variants_design().services if s.component == "svc/bun")
    old = files_of(_alone(variant(bun, "svc/bun", runtime_version="bun 1.3", build_command=None,
                                  start_command="npm start")))["svc/bun/Dockerfile"]
    assert "FROM oven/bun:1.3.14-slim AS runtime" in old and "no longer gets fixes" in old
    assert "RUN bun install --frozen-lockfile --production\n" in old
    assert _cmd(old) == ["bun", "run", "start"]  # the image has no npm


def test_a_bun_workspace_member_builds_from_the_root_and_runs_in_its_folder() -> None:
    bun = next(s for s in variants_design().services if s.component == "svc/bun")
    member = variant(bun, "apps/api")
    d = _alone(member).model_copy(update={"non_services": ((".", "library"),)})
    assert build_context(d, member) == "."
    text = files_of(d)["apps/api/Dockerfile"]
    assert "#   docker build -f apps/api/Dockerfile ." in text
    deps = text.split("FROM deps AS build")[0]
    assert "COPY . .\nRUN bun install --frozen-lockfile\n" in deps  # every member's package.json
    assert "WORKDIR /app/apps/api\nRUN bun build" in text
    runtime = text.split(" AS runtime")[1]
    assert "WORKDIR /app\nCOPY --from=build --chown=10001:10001 /app ./" in runtime
    assert "WORKDIR /app/apps/api\nUSER 10001:10001" in runtime
    assert "ENV PATH=/app/apps/api/node_modules/.bin:/app/node_modules/.bin:$PATH" in runtime


def test_native_images_carry_busybox_for_every_probe() -> None:
    for component, tool in (("svc/go", "wget"), ("svc/rust", "wget"), ("svc/gorun", "nc"), ("svc/goabs", "nc")):
        text = _variant_file(component)
        assert "COPY --from=probe /bin/busybox /usr/local/bin/busybox" in text, component
        check = json.loads(text.split("HEALTHCHECK ", 1)[1].split("\n", 2)[1].strip()[4:])
        assert check[:2] == ["/usr/local/bin/busybox", tool], component
        assert "HEALTHCHECK NONE" not in text
    assert health_argv("busybox", 9000, None) == ("/usr/local/bin/busybox", "nc", "-z", "-w", "4", "127.0.0.1", "9000")


def test_an_absolute_binary_path_is_built_and_installed_there() -> None:
    text = _variant_file("svc/goabs")  # start `/ethereum-service`, build `go build -o ethereum-service .`
    assert "RUN go build -o ethereum-service .\n" in text
    assert "COPY --from=build --chown=10001:10001 /src/ethereum-service /ethereum-service" in text
    assert _cmd(text) == ["/ethereum-service"]
    goabs = next(s for s in variants_design().services if s.component == "svc/goabs")
    unbuilt = files_of(_alone(variant(goabs, "svc/goabs", build_command=None)))["svc/goabs/Dockerfile"]
    assert "RUN go build -o ethereum-service .\n" in unbuilt
    rust = variant(goabs, "svc/rs", language="rust", package_manager="cargo", runtime_version="rust 1.98",
                   build_command=None, start_command="/usr/local/bin/relay")
    text = files_of(_alone(rust))["svc/rs/Dockerfile"]
    assert "COPY --from=build --chown=10001:10001 /src/target/release/relay /usr/local/bin/relay" in text


@pytest.mark.parametrize(("start", "why"), [
    ("cargo run --release", "`cargo run` compiles at start"),
    ("./server --port $PORT", "needs a shell"),
    ("../bin/server", "outside the component folder"),
])
def test_native_start_commands_that_cannot_be_built_say_why(start: str, why: str) -> None:
    goabs = next(s for s in variants_design().services if s.component == "svc/goabs")
    with pytest.raises(LaunchbayError) as err:
        files_of(_alone(variant(goabs, "svc/goabs", start_command=start)))
    assert why in str(err.value) and "svc/goabs/Dockerfile" in (err.value.hint or "")


def test_next_writes_its_cache_under_the_scratch_mount() -> None:
    web = files_of(design("evm-dapp"))["apps/web/Dockerfile"]
    runtime = web.split(" AS runtime")[1]
    assert "RUN mkdir -p /app/.next \\\n && rm -rf /app/.next/cache \\\n && ln -s /tmp /app/.next/cache" in runtime
    assert runtime.index("ln -s /tmp") > runtime.index("COPY --from=build") and runtime.index("ln -s") < runtime.index(
        "USER ")
    assert 'VOLUME ["/tmp"]' in runtime
    pnpm = _variant_file("svc/pnpm")  # next build + pnpm start
    assert "ln -s /tmp /app/.next/cache" in pnpm
    assert ".next/cache" not in files_of(design("py-web3"))["api/Dockerfile"]


@pytest.mark.parametrize(("d", "svc"), all_cases(), ids=lambda x: getattr(x, "component", ""))
def test_the_image_runs_the_version_ci_tests(d: Design, svc: ServicePlan) -> None:
    """One rule (dockerfile_images.pick) for both: the CI job's toolchain is the image's runtime."""
    text = files_of(d)[dockerfile_path(svc)]
    rt = svc.runtime
    assert rt is not None
    runtime, version = exact_version(rt.runtime_version, rt.language)
    images = [image for image, _ in _stages(text) if ":" in image]
    if rt.package_manager == "bun":
        assert images[0] == f"oven/bun:{pick('bun', rt.runtime_version).version}-slim"
        return
    tags = {image.split(":", 1)[1].split("-", 1)[0] for image in images if not image.startswith(("busybox", "debian"))}
    assert tags == {version}, (runtime, tags)


def test_busybox_probe_really_probes() -> None:
    busybox = shutil.which("busybox")
    if busybox is None:
        pytest.skip("busybox is not installed here (the probe runs inside the native image)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    nc_z = "-z" in subprocess.run([busybox, "nc", "--help"], capture_output=True, text=True, check=False).stderr

    def status(path: str | None) -> int:
        argv = health_argv("busybox", port, path)
        return subprocess.run([busybox, *argv[1:]], capture_output=True, timeout=20, check=False).returncode

    try:
        assert status("/healthz") == 0
        assert status("/broken") != 0
        if nc_z:  # the pinned image's busybox has it (defconfig: NC_110_COMPAT); distro builds may not
            assert status(None) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert status("/healthz") != 0
