"""`launchbay deploy / rollback / history`: the exact command plan per target, the staging gate, automatic
rollback on a failed smoke test, the ledger, notifications, and a real Terraform apply against moto.

Deploys run against fake `terraform` / `docker` / `aws` / `helm` / `kubectl` / `ssh` executables on PATH that
record their argv; smoke tests hit a real HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from launchbay.aws_emulator import OVERRIDE_FILE, MotoServer, moto_executable
from launchbay.cli import main
from launchbay.deploy import DeployRefused, check_kit, plan_deploy, plan_rollback, resolve_version
from launchbay.deploy_model import DeployOptions
from launchbay.deploy_run import Event, execute
from launchbay.errors import LaunchbayError
from launchbay.generate import render_kit, write_kit
from launchbay.ledger import LEDGER_PATH, Ledger
from launchbay.models.design import Design
from launchbay.project import load_design
from launchbay.smoke import run_smoke
from launchbay.validators.terraform import MIRROR_ENV, plugin_mirror
from tests.kit.support import design as example_design

ROOT = Path(__file__).resolve().parents[1]
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
FAKE = r'''#!{python}
import json, os, sys
name, args = os.path.basename(sys.argv[0]), sys.argv[1:]
log = os.environ["FAKE_LOG"]
with open(log, "a") as fh:
    fh.write(json.dumps([name, *args]) + "\n")
if "--password-stdin" in args:
    with open(log + ".stdin", "a") as fh:
        fh.write(sys.stdin.read())
line = " ".join([name, *args])
if os.environ.get("FAKE_FAIL") and os.environ["FAKE_FAIL"] in line:
    sys.exit(3)
for needle, out in (("sts get-caller-identity", "123456789012"), ("ecr get-login-password", "pw-from-ecr"),
                    ("networkConfiguration", '{{"awsvpcConfiguration":{{"subnets":["subnet-1"]}}}}'),
                    ("ecs run-task", "arn:aws:ecs:us-east-1:123456789012:task/migrate-1"),
                    ("ecs describe-tasks", "0"), ("rolloutState", "COMPLETED"),
                    ("output -raw state_bucket", "proj-tfstate-123456789012")):
    if needle in line:
        print(out)
        break
'''


class _Handler(BaseHTTPRequestHandler):
    def _send(self, code: int, body: bytes = b"") -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state: dict[str, Any] = self.server.state  # type: ignore[attr-defined]
        if self.path in ("/health", "/healthz", "/"):
            self._send(state["health"], b"ok")
        elif self.path == "/version":
            self._send(200, json.dumps({"version": state["version"]}).encode())
        elif self.path == "/api/items":
            self._send(200, b"[]")
        else:
            self._send(404)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.state["posts"].append(json.loads(body))  # type: ignore[attr-defined]
        self._send(204)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class App:
    url: str
    state: dict[str, Any]


@pytest.fixture
def app() -> Iterator[App]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.state = {"health": 200, "version": "v1", "posts": []}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield App(f"http://127.0.0.1:{server.server_address[1]}", server.state)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake tools first on PATH; returns the log file (one JSON argv per line)."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    for name in ("terraform", "docker", "aws", "helm", "kubectl", "ssh"):
        (bin_dir / name).write_text(FAKE.format(python=sys.executable))
        (bin_dir / name).chmod(0o755)
    log = tmp_path / "argv.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    monkeypatch.setenv("COLUMNS", "250")
    for var in ("SMOKE_URL_API", "SMOKE_URL_WEB", "SMOKE_URL_INDEXER", "LAUNCHBAY_DISCORD_WEBHOOK_URL",
                "LAUNCHBAY_SLACK_WEBHOOK_URL"):
        monkeypatch.delenv(var, raising=False)
    return log


def calls(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _project(base: Path, name: str, design: Design | None = None) -> Path:
    project = base / name
    shutil.copytree(ROOT / "examples" / name, project)
    write_kit(render_kit(design or load_design(project)), project)
    for example in project.glob("deploy/terraform/**/terraform.tfvars.example"):
        shutil.copy(example, example.with_name("terraform.tfvars"))  # what the operator fills in
    return project


@pytest.fixture(scope="module")
def web3_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("deploy"), "py-web3")


@pytest.fixture
def web3(web3_kit: Path) -> Path:
    """The py-web3 project with its kit, and a fresh ledger for each test."""
    shutil.rmtree(web3_kit / ".launchbay" / "deploy", ignore_errors=True)
    (web3_kit / LEDGER_PATH).unlink(missing_ok=True)
    return web3_kit


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def _good(ledger: Ledger, env: str, version: str) -> None:
    ledger.record(action="apply", environment=env, version=version, outcome="succeeded", actor="t")
    ledger.record(action="smoke", environment=env, version=version, outcome="succeeded", actor="t")


def _tf(root: str, *args: str) -> list[str]:
    return ["terraform", f"-chdir={root}", *args]


# ----------------------------------------------------------------------------------------------- containers

def web3_commands(version: str, tfvars_plan: str = "envs-staging") -> list[list[str]]:
    plan = f"../../../../.launchbay/deploy/staging/{tfvars_plan}-{version}.tfplan"
    tags = f'-var=image_tags={{"api":"{version}","worker":"{version}"}}'
    env_root = "deploy/terraform/envs/staging"
    return [
        _tf("deploy/terraform/bootstrap", "init", "-input=false"),
        _tf("deploy/terraform/bootstrap", "plan", "-input=false",
            f"-out=../../../.launchbay/deploy/staging/bootstrap-{version}.tfplan"),
        _tf("deploy/terraform/bootstrap", "apply", "-input=false",
            f"../../../.launchbay/deploy/staging/bootstrap-{version}.tfplan"),
        _tf("deploy/terraform/bootstrap", "output", "-raw", "state_bucket"),
        _tf(env_root, "init", "-input=false", "-backend-config=bucket=proj-tfstate-123456789012"),
        _tf(env_root, "plan", "-input=false", f"-out={plan}", tags),
        _tf(env_root, "apply", "-input=false", plan),
        ["aws", "sts", "get-caller-identity", "--query", "Account", "--output", "text"],
        ["aws", "ecr", "get-login-password", "--region", "us-east-1"],
        ["docker", "login", "--username", "AWS", "--password-stdin", ECR],
        ["docker", "build", "--file", "api/Dockerfile", "--tag", f"{ECR}/py-web3-staging/api:{version}", "api"],
        ["docker", "build", "--file", "worker/Dockerfile", "--tag", f"{ECR}/py-web3-staging/worker:{version}",
         "worker"],
        ["docker", "push", f"{ECR}/py-web3-staging/api:{version}"],
        ["docker", "push", f"{ECR}/py-web3-staging/worker:{version}"],
        ["aws", "ecs", "describe-services", "--cluster", "py-web3-staging", "--services", "api", "--query",
         "services[0].networkConfiguration", "--output", "json"],
        ["aws", "ecs", "run-task", "--cluster", "py-web3-staging", "--task-definition", "py-web3-staging-api",
         "--launch-type", "FARGATE", "--network-configuration", '{"awsvpcConfiguration":{"subnets":["subnet-1"]}}',
         "--overrides", '{"containerOverrides":[{"name":"api","command":["sh","-c","alembic upgrade head"]}]}',
         "--query", "tasks[0].taskArn", "--output", "text"],
        ["aws", "ecs", "wait", "tasks-stopped", "--cluster", "py-web3-staging", "--tasks",
         "arn:aws:ecs:us-east-1:123456789012:task/migrate-1"],
        ["aws", "ecs", "describe-tasks", "--cluster", "py-web3-staging", "--tasks",
         "arn:aws:ecs:us-east-1:123456789012:task/migrate-1", "--query", "tasks[0].containers[0].exitCode",
         "--output", "text"],
        *[["aws", "ecs", "update-service", "--cluster", "py-web3-staging", "--service", key, "--task-definition",
           f"py-web3-staging-{key}", "--query", "service.taskDefinition", "--output", "text"]
          for key in ("api", "worker")],
        ["aws", "ecs", "wait", "services-stable", "--cluster", "py-web3-staging", "--services", "api", "worker"],
        *[["aws", "ecs", "describe-services", "--cluster", "py-web3-staging", "--services", key, "--query",
           "services[0].deployments[?status==`PRIMARY`] | [0].rolloutState", "--output", "text"]
          for key in ("api", "worker")],
    ]


def test_containers_deploy_runs_the_exact_plan_and_records_every_step(
        web3: Path, fakes: Path, app: App, capsys: pytest.CaptureFixture[str]) -> None:
    app.state["version"] = "v2"
    code, out, _ = run(["deploy", "staging", str(web3), "--apply", "--version", "v2", "--smoke-url",
                        f"api={app.url}", "--version-path", "/version", "--critical-path", "/api/items"], capsys)
    assert code == 0, out
    assert calls(fakes) == web3_commands("v2")
    assert (fakes.parent / "argv.log.stdin").read_text() == "pw-from-ecr"  # the password went to stdin only
    raw = (web3 / LEDGER_PATH).read_bytes()
    assert b"pw-from-ecr" not in raw
    ledger = Ledger(web3)
    steps = [e for e in ledger.entries("staging") if "step" in e.detail]
    assert len(steps) == len(web3_commands("v2")) and all(e.outcome == "succeeded" for e in steps)
    smoke = ledger.entries("staging", "smoke")[-1]
    checks = smoke.detail["services"]["api"]["checks"]
    assert [(c["name"], c["status"], c["passed"]) for c in checks] == [
        ("health", 200, True), ("version", 200, True), ("critical /api/items", 200, True)]
    assert ledger.passed_staging("v2")
    good = ledger.last_good("staging")
    assert good is not None and good.version == "v2"
    assert "staging: v2 succeeded" in out


def test_plan_prints_exact_commands_and_changes_nothing(
        web3: Path, fakes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["deploy", "staging", str(web3), "--version", "v2"], capsys)
    assert code == 0
    assert calls(fakes) == []
    assert "$ terraform -chdir=deploy/terraform/envs/staging plan -input=false " \
           "-out=../../../../.launchbay/deploy/staging/envs-staging-v2.tfplan " \
           "'-var=image_tags={\"api\":\"v2\",\"worker\":\"v2\"}'" in out
    assert "$ docker push '${account}.dkr.ecr.us-east-1.amazonaws.com/py-web3-staging/api:v2'" in out
    assert "✗ no base URL for the smoke test of api: pass --smoke-url api=URL or set SMOKE_URL_API" in out
    assert "nothing to roll back to" in out
    assert "notify discord: webhook from $LAUNCHBAY_DISCORD_WEBHOOK_URL (not set)" in out
    [entry] = Ledger(web3).entries()
    assert (entry.action, entry.outcome, entry.version) == ("plan", "planned", "v2")
    code, out, err = run(["deploy", "staging", str(web3), "--version", "v2", "--apply"], capsys)
    assert code == 1 and "not applied: 1 problem(s)" in err and calls(fakes) == []


def test_production_needs_a_staging_pass_and_force_is_recorded(
        web3: Path, fakes: Path, app: App, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["deploy", "production", str(web3), "--apply", "--smoke-url", f"api={app.url}"]
    code, out, err = run([*args, "--version", "v2"], capsys)
    assert code == 1 and "refused: v2 has not passed staging smoke tests" in err
    assert calls(fakes) == []
    ledger = Ledger(web3)
    _good(ledger, "staging", "v2")
    code, out, _ = run([*args, "--version", "v2"], capsys)
    assert code == 0 and "gate: v2 passed its staging smoke tests (ledger)" in out
    assert ["docker", "push", f"{ECR}/py-web3-production/api:v2"] in calls(fakes)
    code, out, _ = run([*args, "--version", "v3", "--force"], capsys)
    assert code == 0 and "FORCED past the staging gate: v3 has not passed staging smoke tests" in out
    [override] = ledger.entries("production", "override")
    assert (override.version, override.outcome) == ("v3", "forced")
    assert override.detail["flag"] == "--force"


def test_failed_smoke_rolls_back_to_the_last_good_version(
        web3: Path, fakes: Path, app: App, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = Ledger(web3)
    _good(ledger, "staging", "v1")
    app.state["version"] = "v1"  # v2's tasks never took over: the service still answers as v1
    code, out, err = run(["deploy", "staging", str(web3), "--apply", "--version", "v2", "--smoke-url",
                          f"api={app.url}", "--version-path", "/version", "--smoke-timeout", "0"], capsys)
    assert code == 1 and "deploy of v2 to staging: rolled-back" in err
    assert "smoke tests failed: rolling back to v1" in out
    argv = calls(fakes)
    rollback = argv[len(web3_commands("v2")):]
    plan, env_root = "../../../../.launchbay/deploy/staging/envs-staging-v1.tfplan", "deploy/terraform/envs/staging"
    assert rollback == [
        _tf("deploy/terraform/bootstrap", "output", "-raw", "state_bucket"),
        _tf(env_root, "init", "-input=false", "-backend-config=bucket=proj-tfstate-123456789012"),
        _tf(env_root, "plan", "-input=false", f"-out={plan}", '-var=image_tags={"api":"v1","worker":"v1"}'),
        _tf(env_root, "apply", "-input=false", plan),
        *web3_commands("v1")[18:],  # the rollout of v1, without migrations
    ]
    entries = ledger.entries("staging")
    assert [(e.action, e.version, e.outcome) for e in entries if e.action in {"smoke", "rollback"}
            and "step" not in e.detail] == [
        ("smoke", "v1", "succeeded"), ("smoke", "v2", "failed"), ("smoke", "v1", "succeeded"),
        ("rollback", "v1", "rolled-back")]
    summary = [e for e in entries if e.action == "apply" and e.detail.get("summary")][-1]
    assert (summary.version, summary.outcome, summary.detail["rolled_back_to"]) == ("v2", "rolled-back", "v1")
    current = ledger.current("staging")
    assert current is not None and current.version == "v1"
    assert not ledger.passed_staging("v2")


def test_rollback_returns_to_the_previous_good_version(
        web3: Path, fakes: Path, app: App, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["rollback", "staging", str(web3)], capsys)
    assert code == 1 and "no earlier version that passed its smoke tests" in err
    ledger = Ledger(web3)
    _good(ledger, "staging", "v1")
    _good(ledger, "staging", "v2")
    code, out, _ = run(["rollback", "staging", str(web3), "--smoke-url", f"api={app.url}"], capsys)
    assert code == 0 and "launchbay rollback · py-web3 · staging · version v1" in out and calls(fakes) == []
    code, out, _ = run(["rollback", "staging", str(web3), "--apply", "--smoke-url", f"api={app.url}"], capsys)
    assert code == 0, out
    assert calls(fakes)[:2] == [_tf("deploy/terraform/bootstrap", "output", "-raw", "state_bucket"), _tf(
        "deploy/terraform/envs/staging", "init", "-input=false", "-backend-config=bucket=proj-tfstate-123456789012")]
    assert calls(fakes)[2][-1] == '-var=image_tags={"api":"v1","worker":"v1"}'
    assert calls(fakes)[4:] == web3_commands("v1")[18:]
    current = ledger.current("staging")
    assert current is not None and (current.action, current.version, current.outcome) == ("rollback", "v1",
                                                                                        "rolled-back")
    assert current.detail["from_version"] == "v2" and current.detail["automatic"] is False
    code, _, err = run(["rollback", "staging", str(web3), "--to", "v7"], capsys)
    assert code == 1 and "--to v7: never passed its smoke tests in staging" in err


def test_a_failed_step_stops_the_deploy(web3: Path, fakes: Path, app: App, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("FAKE_FAIL", "docker push")
    code, _, err = run(["deploy", "staging", str(web3), "--apply", "--version", "v2", "--smoke-url",
                        f"api={app.url}"], capsys)
    assert code == 1 and "deploy of v2 to staging: failed" in err
    assert calls(fakes)[-1] == ["docker", "push", f"{ECR}/py-web3-staging/api:v2"]
    failed = [e for e in Ledger(web3).entries("staging") if e.outcome == "failed"]
    assert [e.detail.get("title") or e.detail.get("failed_step") for e in failed] == ["push image api"] * 2
    assert failed[0].detail["returncode"] == 3


def test_history_shows_the_ledger(web3: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    ledger = Ledger(web3)
    _good(ledger, "staging", "v1")
    ledger.record(action="override", environment="production", version="v9", outcome="forced", actor="ann",
                  detail={"gate": "v9 has not passed staging smoke tests"})
    code, out, _ = run(["history", str(web3), "--env", "production"], capsys)
    assert code == 0
    [row] = [line for line in out.splitlines() if "override" in line]
    assert "production" in row and "v9" in row and "forced" in row and "ann" in row
    assert "gate: v9 has not passed staging smoke tests" in row
    code, out, _ = run(["history", str(web3), "--json"], capsys)
    data = json.loads(out)
    assert [(e["action"], e["environment"], e["version"], e["outcome"]) for e in data] == [
        ("apply", "staging", "v1", "succeeded"), ("smoke", "staging", "v1", "succeeded"),
        ("override", "production", "v9", "forced")]
    assert set(data[0]) == {"id", "at", "actor", "action", "environment", "version", "outcome", "detail"}


def test_notification_uses_the_webhook_from_its_env_var_only(
        web3: Path, fakes: Path, app: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    hook = f"{app.url}/hook/secret-token-abc"
    monkeypatch.setenv("LAUNCHBAY_DISCORD_WEBHOOK_URL", hook)
    code, out, _ = run(["deploy", "staging", str(web3), "--apply", "--version", "v2", "--smoke-url",
                        f"api={app.url}"], capsys)
    assert code == 0
    assert app.state["posts"] == [{"content": "py-web3 staging: deploy of v2 — succeeded"}]
    assert "notify discord: sent (HTTP 204)" in out and "secret-token-abc" not in out
    assert b"secret-token-abc" not in (web3 / LEDGER_PATH).read_bytes()


def test_kit_missing_or_drifted_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "py-web3"
    shutil.copytree(ROOT / "examples" / "py-web3", project)
    design = load_design(project)
    with pytest.raises(DeployRefused, match="no deployment kit on disk"):
        check_kit(design, project)
    write_kit(render_kit(design), project)
    check_kit(design, project)
    (project / "deploy/terraform/envs/staging/main.tf").unlink()
    with pytest.raises(DeployRefused, match=r"differs from the Design \(1 file\(s\)\): deploy/terraform/envs/staging"):
        check_kit(design, project)


def test_version_comes_from_git_or_the_flag(tmp_path: Path, web3: Path) -> None:
    design = load_design(web3)
    with pytest.raises(LaunchbayError, match="not a git checkout"):
        plan_deploy(design, web3, "staging", DeployOptions())
    with pytest.raises(LaunchbayError, match="not an exact image tag") as err:
        plan_deploy(design, web3, "staging", DeployOptions(version="latest"))
    assert err.value.hint is not None and "never `latest`" in err.value.hint
    with pytest.raises(LaunchbayError, match="unknown environment 'qa'"):
        plan_deploy(design, web3, "qa", DeployOptions(version="v1"))
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    (repo / "a.txt").write_text("a\n")
    subprocess.run([*git, "add", "a.txt"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "a"], cwd=repo, check=True)
    sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True, text=True,
                         check=True).stdout.strip()
    assert resolve_version(repo, None) == sha
    (repo / "a.txt").write_text("b\n")
    assert resolve_version(repo, None) == f"{sha}-dirty"
    assert resolve_version(repo, "1.4.2") == "1.4.2"


# ----------------------------------------------------------------------------------------------- kubernetes

K8S_CHANGES: dict[str, Any] = {"scale": frozenset({("peak_rps", 2000.0)}), "team": frozenset({("size", 5)})}


def test_kubernetes_rollout_commands(tmp_path: Path, fakes: Path, app: App) -> None:
    design = example_design("evm-dapp", **K8S_CHANGES)
    assert design.platform == "kubernetes" and design.cicd["strategy"] == "blue-green"
    project = _project(tmp_path, "evm-dapp", design)
    ledger = Ledger(project)
    events: list[Event] = []
    urls = {"api": app.url, "indexer": app.url, "web": app.url}

    def rollout_calls(env: str, version: str) -> list[list[str]]:
        start = len(calls(fakes))
        plan = plan_deploy(design, project, env, DeployOptions(version=version, smoke_urls=urls), ledger)
        assert plan.problems == () and plan.gate_ok
        outcome = execute(plan, ledger, events.append, region=design.region)
        assert outcome.ok, [e.text for e in events if not e.ok]
        new = calls(fakes)[start:]
        return new[next(i for i, c in enumerate(new) if c[:2] == ["aws", "eks"]):]

    def helm(key: str, env: str, version: str) -> list[str]:
        return ["helm", "upgrade", "--install", key, f"deploy/helm/{key}", "--kube-context", f"evm-dapp-{env}",
                "--namespace", "evm-dapp", "--create-namespace", "--values", f"deploy/helm/{key}/values-{env}.yaml",
                "--set-string", f"image.repository={ECR}/evm-dapp-{env}/{key}", "--set-string",
                f"image.tag={version}", "--atomic", "--wait", "--timeout", "10m"]

    where = ["--context", "evm-dapp-staging", "--namespace", "evm-dapp"]
    assert rollout_calls("staging", "v5") == [
        ["aws", "eks", "update-kubeconfig", "--region", "us-east-1", "--name", "evm-dapp-staging", "--alias",
         "evm-dapp-staging"],
        helm("api", "staging", "v5"),
        ["kubectl", "argo", "rollouts", "status", "api", *where, "--timeout", "600s"],
        helm("indexer", "staging", "v5"),  # a singleton: a plain Deployment, no Rollout
        helm("web", "staging", "v5"),
        ["kubectl", "argo", "rollouts", "status", "web", *where, "--timeout", "600s"],
    ]
    where = ["--context", "evm-dapp-production", "--namespace", "evm-dapp"]
    promote = [
        *(["kubectl", "wait", "rollout/{k}", "--for=condition=Paused", *where, "--timeout=600s"],),
        ["kubectl", "argo", "rollouts", "promote", "{k}", *where],
        ["kubectl", "argo", "rollouts", "status", "{k}", *where, "--timeout", "600s"],
    ]
    assert rollout_calls("production", "v5") == [
        ["aws", "eks", "update-kubeconfig", "--region", "us-east-1", "--name", "evm-dapp-production", "--alias",
         "evm-dapp-production"],
        helm("api", "production", "v5"), *[[a.replace("{k}", "api") for a in c] for c in promote],
        helm("indexer", "production", "v5"),
        helm("web", "production", "v5"), *[[a.replace("{k}", "web") for a in c] for c in promote],
    ]
    assert ["docker", "build", "--file", "apps/web/Dockerfile", "--tag", f"{ECR}/evm-dapp-staging/web:v5",
            "--build-arg", "NEXT_PUBLIC_API_URL", "--build-arg", "NEXT_PUBLIC_CHAIN_ID", "--build-arg",
            "NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID", "."] in calls(fakes)
    # Rollback of production: the same upgrade with the old tag (the account id names the repository).
    back = plan_rollback(design, project, "production", DeployOptions(version="v4", smoke_urls=urls), ledger)
    argv = [list(s.command.argv) for s in back.steps if s.command]
    account = ["aws", "sts", "get-caller-identity", "--query", "Account", "--output", "text"]
    assert argv.index(account) < argv.index([a.replace(ECR, "${account}.dkr.ecr.us-east-1.amazonaws.com")
                                              for a in helm("api", "production", "v4")])
    assert not any(c[0] == "docker" for c in argv)


# ----------------------------------------------------------------------------------------------- vm

def test_vm_switch_runs_the_generated_script(tmp_path: Path, fakes: Path) -> None:
    project = _project(tmp_path, "discord-bot")
    design = load_design(project)
    ledger = Ledger(project)
    events: list[Event] = []
    opts = DeployOptions(version="v7", host="deploy@vm.example.org")
    plan = plan_deploy(design, project, "production", opts, ledger)
    assert plan.gate_ok and "no staging environment" in plan.gate
    assert execute(plan, ledger, events.append).ok
    assert calls(fakes) == [["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "deploy@vm.example.org",
                             "/opt/discord-bot/deploy.sh", "v7"]]
    good = ledger.last_good("production")
    assert good is not None and good.version == "v7"
    assert execute(plan_deploy(design, project, "production", DeployOptions(version="v8", host=opts.host), ledger),
                   ledger, events.append).ok
    back = plan_rollback(design, project, "production", DeployOptions(host=opts.host), ledger)
    assert back.version == "v7"
    assert [s.command.argv for s in back.steps if s.command] == [
        ("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "deploy@vm.example.org",
         "/opt/discord-bot/deploy.sh", "--no-migrate", "v7")]
    local = plan_deploy(design, project, "production", DeployOptions(version="v9"), ledger)
    assert [s.command.argv for s in local.steps if s.command] == [("deploy/vm/deploy.sh", "v9")]


# ----------------------------------------------------------------------------------------------- smoke

def test_smoke_checks_health_version_and_critical_paths(app: App) -> None:
    app.state["version"] = "0123456789abcdef"
    result = run_smoke(app.url + "/", health_path="/health", expected_version="0123456789ab",
                       version_path="/version", critical_paths=("/api/items", "/missing"), timeout_s=2)
    assert [(c.name, c.status, c.passed) for c in result.checks] == [
        ("health", 200, True), ("version", 200, True), ("critical /api/items", 200, True),
        ("critical /missing", 404, False)]
    assert not result.passed and [c.name for c in result.failed] == ["critical /missing"]
    assert all(c.latency_ms >= 0 for c in result.checks)
    app.state["health"] = 503
    bad = run_smoke(app.url, health_path="/health", expected_version="v9", version_path="/version")
    assert [(c.name, c.status, c.passed) for c in bad.checks] == [("health", 503, False), ("version", 200, False)]
    assert "expected 'v9'" in bad.checks[1].detail
    closed = run_smoke("http://127.0.0.1:9", health_path="/health", expected_version=None, version_path=None,
                       timeout_s=1)
    assert closed.checks[0].status is None and closed.checks[0].detail.startswith("no response")


# ----------------------------------------------------------------------------------------------- moto

MOTO_READY = bool(shutil.which("terraform")) and moto_executable() is not None and plugin_mirror() is not None


@pytest.mark.validator
@pytest.mark.skipif(not MOTO_READY and os.environ.get("LAUNCHBAY_STRICT") != "1",
                    reason="needs terraform, its offline AWS provider mirror and moto_server "
                           "(pip install 'moto[server]')")
def test_staging_infrastructure_applies_against_moto(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TF_CLI_ARGS", "-no-color")
    project = tmp_path / "py-web3"
    shutil.copytree(ROOT / "examples" / "py-web3", project)
    write_kit(render_kit(load_design(project)), project)
    kit_before = {p: p.read_bytes() for p in (project / "deploy/terraform").rglob("*") if p.is_file()}
    with MotoServer() as url:
        code, out, err = run(["deploy", "staging", str(project), "--apply", "--infra-only", "--version", "v1",
                              "--aws-endpoint", url, "--target", "module.compute.aws_ecr_repository.this"], capsys)
    assert code == 0, out[-3000:] + err[-2000:]
    state = json.loads((project / ".launchbay/aws-emulator/terraform/envs/staging/terraform.tfstate").read_text())
    repos = [r for r in state["resources"] if r["type"] == "aws_ecr_repository"]
    assert sorted(i["attributes"]["name"] for r in repos for i in r["instances"]) == [
        "py-web3-staging/api", "py-web3-staging/worker"]
    assert not (project / ".launchbay/aws-emulator/terraform/bootstrap/terraform.tfstate").exists()  # state is local
    # The kit itself is untouched: no override, no state, no tfvars written into deploy/terraform.
    assert {p: p.read_bytes() for p in (project / "deploy/terraform").rglob("*") if p.is_file()} == kit_before
    assert not list((project / "deploy/terraform").rglob(OVERRIDE_FILE))
    ledger = Ledger(project)
    steps = [e for e in ledger.entries("staging") if "step" in e.detail]
    assert [e.detail["title"] for e in steps] == [
        "terraform init (envs/staging)",
        "terraform plan (envs/staging)", "terraform apply of the saved plan (envs/staging)"]
    assert all(e.outcome == "succeeded" for e in steps)
    summary = ledger.entries("staging", "apply")[-1]
    assert summary.detail["summary"] and summary.detail["infra_only"] and summary.outcome == "succeeded"
    assert not ledger.passed_staging("v1")  # infrastructure alone is not a smoke-tested release


def test_unfilled_inputs_are_refused_before_anything_runs(tmp_path: Path, fakes: Path) -> None:
    project = _project(tmp_path, "py-web3")
    for filled in project.glob("deploy/terraform/**/terraform.tfvars"):
        filled.unlink()
    plan = plan_deploy(load_design(project), project, "staging", DeployOptions(version="v1"))
    missing = " ".join(plan.problems)
    # the bootstrap (repository the CI roles trust) and the environment root both need their values first
    assert "deploy/terraform/bootstrap/terraform.tfvars" in missing
    assert "deploy/terraform/envs/staging/terraform.tfvars" in missing
    assert calls(fakes) == []
