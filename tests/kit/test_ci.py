"""CI/CD kit (GitHub Actions, GitLab CI) and launchbay's own consistency checks: rendered from the
examples' real designs (and from edited answers: GitLab, approvals, a VM), checked for their
invariants, then by the real validators (actionlint + shellcheck, GitLab schema + shellcheck,
yamllint) and by the consistency validator over the whole kit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.renderers import ci_pins
from launchbay.renderers.base import Renderer
from launchbay.renderers.ci_plan import service_ci
from launchbay.renderers.github_actions import GitHubActionsRenderer
from launchbay.renderers.gitlab_ci import GitLabCIRenderer
from launchbay.renderers.signing import SigningRenderer
from launchbay.secretscan import secret_kind
from launchbay.validate import kit_files, validate_kit
from launchbay.validators.actionlint import ActionlintValidator, workflows
from launchbay.validators.base import Validator
from launchbay.validators.consistency import ConsistencyValidator
from launchbay.validators.gitlab import GitLabCIValidator
from launchbay.validators.yamllint import YamllintValidator, yaml_files
from tests.kit.support import design
from tests.kit.support import require_tool as _tool

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")
CI: dict[str, Renderer] = {"github-actions": GitHubActionsRenderer(), "gitlab-ci": GitLabCIRenderer()}
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s+([\w.-]+/[\w.-]+)@([0-9a-f]{40})  # (v\d+(?:\.\d+)*)$")


def gitlab(name: str) -> Design:
    return design(name, cicd=frozenset({("git_host", "gitlab")}))


def retarget(d: Design, target: str) -> Design:
    """The same design with every service moved to `target` (renderers read only the Design)."""
    return d.model_copy(update={"services": tuple(s.model_copy(update={"target": target}) for s in d.services)})


def variants() -> dict[str, Design]:
    """Every path the renderers take: both hosts, ECS / VM / Helm / static deploys, approvals."""
    out: dict[str, Design] = {}
    for name in EXAMPLES:
        out[name] = design(name)
        out[f"{name}@gitlab"] = gitlab(name)
    out["evm-dapp@vm"] = design("evm-dapp", deployment=frozenset({("cloud", "self-hosted")}))
    out["evm-dapp@approvals-all"] = design("evm-dapp", cicd=frozenset({("approvals", "all")}))
    for target in ("kubernetes", "static"):
        out[f"py-web3@{target}"] = retarget(design("py-web3"), target)
        out[f"py-web3@{target}@gitlab"] = retarget(gitlab("py-web3"), target)
    return out


def files(d: Design) -> dict[str, str]:
    return {f.path: f.content for f in render_kit(d, CI).files}


def workflow(d: Design, name: str) -> dict[str, Any]:
    data = yaml.safe_load(files(d)[f".github/workflows/launchbay-{name}.yml"])
    assert isinstance(data, dict)
    return data


def pipeline(d: Design) -> dict[str, Any]:
    data = yaml.safe_load(files(d)[".gitlab-ci.yml"])
    assert isinstance(data, dict)
    return data


def scripts(job: dict[str, Any]) -> str:
    """Every shell line of a GitHub job."""
    return "\n".join(str(s.get("run", "")) for s in job["steps"])


# --------------------------------------------------------------------------- what is rendered, where


def test_each_host_gets_its_own_pipeline_and_exactly_one_wiring_file() -> None:
    github, lab = files(design("evm-dapp")), files(gitlab("evm-dapp"))
    assert sorted(github) == [".github/workflows/launchbay-ci.yml", ".github/workflows/launchbay-deploy.yml",
                              "deploy/launchbay-wiring.json"]
    assert sorted(lab) == [".gitlab-ci.yml", "deploy/launchbay-wiring.json"]
    other = design("evm-dapp", cicd=frozenset({("git_host", "bitbucket")}))
    assert sorted(files(other)) == ["deploy/launchbay-wiring.json"]  # no pipeline, wiring still checked
    assert json.loads(lab["deploy/launchbay-wiring.json"])["ci"] == "gitlab"


def test_rendering_is_deterministic_lf_and_free_of_local_paths() -> None:
    for d in variants().values():
        first = render_kit(d, CI)
        assert first == render_kit(d, CI)
        for f in first.files:
            assert f.content.endswith("\n") and not f.content.endswith("\n\n") and "\r" not in f.content
            assert "/work/" not in f.content and "/tmp/" not in f.content and "/home/" not in f.content


def test_wiring_file_lists_every_env_var_of_every_service() -> None:
    for d in variants().values():
        doc = json.loads(files(d)["deploy/launchbay-wiring.json"])
        got = {(s["name"], e["name"], e["wiring"]) for s in doc["services"] for e in s["env"]}
        assert got == {(s.name, e.name, e.wiring) for s in d.services for e in s.env}


# --------------------------------------------------------------------------- GitHub Actions invariants


def test_every_action_is_pinned_by_commit_sha_with_its_tag_in_a_comment() -> None:
    known = {(p.repo, p.sha, p.tag) for p in ci_pins.ACTIONS.values()}
    for d in variants().values():
        for path, text in files(d).items():
            for line in text.splitlines():
                if re.match(r"^\s*(?:-\s+)?uses:", line):
                    m = SHA_PIN.match(line)
                    assert m, f"{path}: unpinned {line.strip()}"
                    assert (m.group(1), m.group(2), m.group(3)) in known


def test_least_privilege_permissions_and_oidc_only_where_aws_is_used() -> None:
    for label, d in variants().items():
        if d.cicd.get("git_host") != "github":
            continue
        for name in ("ci", "deploy"):
            wf = workflow(d, name)
            assert wf["permissions"] == {}, label
            for job_id, job in wf["jobs"].items():
                perms = job["permissions"]
                assert perms.get("contents") == "read" and set(perms) <= {"contents", "id-token", "packages"}
                uses_aws = any("configure-aws-credentials" in str(s.get("uses", "")) for s in job["steps"])
                assert (perms.get("id-token") == "write") == uses_aws, f"{label} {job_id}"
                pushes_ghcr = "docker login ghcr.io" in scripts(job)
                assert (perms.get("packages") == "write") == pushes_ghcr, f"{label} {job_id}"
                for step in job["steps"]:
                    if "actions/checkout" in str(step.get("uses", "")):
                        assert step["with"]["persist-credentials"] is False


def test_no_long_lived_cloud_keys_and_no_secret_values() -> None:
    for d in variants().values():
        for path, text in files(d).items():
            assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
            for n, line in enumerate(text.splitlines(), 1):
                assert secret_kind(line) is None, f"{path}:{n}"
    deploy = workflow(design("evm-dapp"), "deploy")
    creds = [s for j in deploy["jobs"].values() for s in j["steps"]
             if "configure-aws-credentials" in str(s.get("uses"))]
    images = [s for s in deploy["jobs"]["images"]["steps"] if "configure-aws-credentials" in str(s.get("uses"))]
    assert [s["with"]["role-to-assume"] for s in images] == ["${{ vars.AWS_PUSH_ROLE_ARN }}"]  # the push role
    assert creds and all(s["with"]["role-to-assume"] == "${{ vars.AWS_ROLE_ARN }}" for s in creds
                         if s not in images)  # each environment's deploy role (test_ci_roles)
    assert all(s["with"]["aws-region"] == "us-east-1" for s in creds)


def test_ci_builds_and_tests_with_the_designs_commands_and_scans_everything() -> None:
    ci = workflow(design("evm-dapp"), "ci")
    assert ci["on"] == {"pull_request": {}, "workflow_dispatch": {}}
    assert ci["concurrency"] == {"group": "ci-${{ github.ref }}", "cancel-in-progress": True}
    api = scripts(ci["jobs"]["test-api"])
    assert "pnpm install --frozen-lockfile" in api and "tsc -p tsconfig.json" in api and "vitest run" in api
    assert "no test command was found for @vaultline/web" in scripts(ci["jobs"]["test-web"])
    node = [s for s in ci["jobs"]["test-api"]["steps"] if "setup-node" in str(s.get("uses"))]
    assert node[0]["with"]["node-version"] == "20.20.2"  # "node 20" pinned to an exact release
    scan = ci["jobs"]["scan"]["steps"]
    kinds = {(s["with"]["scan-type"], s["with"].get("scanners")) for s in scan if "trivy" in str(s.get("uses"))}
    assert kinds == {("fs", "vuln"), ("fs", "secret"), ("config", None)}
    image = ci["jobs"]["image-api"]
    assert image["needs"] == "test-api"
    assert [s["with"]["scan-type"] for s in image["steps"] if "trivy" in str(s.get("uses"))] == ["image"]
    build = next(s for s in image["steps"] if s["name"] == "Build image api")
    assert build["env"]["DOCKERFILE"] == "apps/api/Dockerfile" and build["env"]["CONTEXT"] == "."
    py = scripts(workflow(design("py-web3"), "ci")["jobs"]["test-api"])
    assert "uv sync --locked" in py and "uv run --locked -- pytest" in py


def test_deploy_promotes_one_image_through_staging_then_gated_production_with_smoke_tests() -> None:
    d = design("evm-dapp")
    wf = workflow(d, "deploy")
    assert wf["on"]["push"] == {"branches": ["main"]}
    jobs = wf["jobs"]
    assert set(jobs["images"]["needs"]) == {"test-api", "test-indexer", "test-web", "scan"}
    assert jobs["deploy-staging"]["needs"] == ["images"]
    assert jobs["deploy-production"]["needs"] == ["deploy-staging", "images"]
    for env in ("staging", "production"):
        job = jobs[f"deploy-{env}"]
        assert job["environment"] == env
        assert job["concurrency"] == {"group": f"deploy-{env}", "cancel-in-progress": False}
        body = scripts(job)
        assert "aws ecs update-service" in body and "aws ecs wait services-stable" in body
        smoke = sorted((s["env"]["BASE_URL"], s["env"]["HEALTH_PATH"]) for s in job["steps"]
                       if "HEALTH_PATH" in s.get("env", {}))
        assert smoke == [("${{ vars.SMOKE_URL_API }}", "/health"), ("${{ vars.SMOKE_URL_INDEXER }}", "/health"),
                         ("${{ vars.SMOKE_URL_WEB }}", "/")]
        assert "--retry 12" in body and "curl --fail" in body
    # the API migrates first; build-time public values make the web image per environment
    api = next(s for s in jobs["deploy-staging"]["steps"] if s["name"].startswith("Deploy api"))
    assert api["env"]["MIGRATE"].endswith("prisma migrate deploy") and "run-task" in api["run"]
    web = next(s for s in jobs["deploy-production"]["steps"] if s["name"] == "Build image web")
    assert web["env"]["NEXT_PUBLIC_API_URL"] == "${{ vars.NEXT_PUBLIC_API_URL }}"
    assert "--build-arg NEXT_PUBLIC_API_URL" in web["run"]
    # approvals: production → the header names the environment that needs reviewers
    deploy_text = files(d)[".github/workflows/launchbay-deploy.yml"]
    assert "required reviewers to the GitHub environment(s) production" in deploy_text


def test_rollback_is_manual_per_environment_and_redeploys_by_digest() -> None:
    wf = workflow(design("evm-dapp"), "deploy")
    inputs = wf["on"]["workflow_dispatch"]["inputs"]
    assert inputs["version"]["required"] is True and inputs["environment"]["options"] == ["staging", "production"]
    for env in ("staging", "production"):
        job = wf["jobs"][f"rollback-{env}"]
        assert job["if"] == f"github.event_name == 'workflow_dispatch' && inputs.environment == '{env}'"
        assert job["environment"] == env and job["concurrency"]["group"] == f"deploy-{env}"
        digest = next(s for s in job["steps"] if s["name"].startswith("Image digest of web"))
        assert digest["env"]["TAG"] == "${{ inputs.version }}"
        assert digest["env"]["REPOSITORY"] == f"evm-dapp-{env}/web"  # Terraform's per-environment repository
        assert "MIGRATE" not in json.dumps(job)  # a rollback never migrates
        assert all("Build image" not in s["name"] for s in job["steps"])  # and never builds


def test_vm_deploy_uses_ssh_agent_pinned_host_keys_and_the_hosts_deploy_script() -> None:
    d = design("discord-bot")
    text = files(d)[".github/workflows/launchbay-deploy.yml"]
    wf = yaml.safe_load(text)
    job = wf["jobs"]["deploy-production"]
    agent = next(s for s in job["steps"] if s["name"] == "Start ssh-agent with the deploy key")
    assert agent["env"]["DEPLOY_SSH_KEY"] == "${{ secrets.DEPLOY_SSH_KEY }}"
    assert "ssh-add -" in agent["run"] and "known_hosts" in agent["run"]
    deploy = next(s for s in job["steps"] if s["name"].startswith("Deploy on the host"))
    assert deploy["env"]["DEPLOY_HOST"] == "${{ vars.DEPLOY_HOST }}"
    assert "/opt/discord-bot" in deploy["env"]["APP_DIR"] and "deploy.sh" in deploy["run"]
    assert "StrictHostKeyChecking=yes" in deploy["run"]
    for bad in ("--private-key", "ssh -i", "StrictHostKeyChecking=no", "ssh-keyscan"):
        assert bad not in text
    assert wf["jobs"]["rollback-production"]["steps"][-2]["env"]["NO_MIGRATE"] == "1"
    assert job["permissions"] == {"contents": "read"}  # no cloud role for a self-hosted VM
    assert "docker push" in scripts(wf["jobs"]["images"])  # the VM pulls the image CI pushed


def test_approvals_gate_the_right_environments() -> None:
    assert "Approvals: none required" in files(design("py-web3"))[".github/workflows/launchbay-deploy.yml"]
    bot_deploy = files(design("discord-bot"))[".github/workflows/launchbay-deploy.yml"]
    assert "environment(s) production " in bot_deploy  # open item
    every = files(design("evm-dapp", cicd=frozenset({("approvals", "all")})))[".github/workflows/launchbay-deploy.yml"]
    assert "environment(s) staging, production " in every


# --------------------------------------------------------------------------- GitLab CI invariants


def test_gitlab_pipeline_stages_rules_oidc_and_manual_production() -> None:
    p = pipeline(gitlab("evm-dapp"))
    assert p["stages"] == ["test", "build", "scan", "publish", "staging", "production", "rollback",
                           "contracts"]
    staging, production = p["deploy:staging"], p["deploy:production"]
    assert staging["rules"] == [{"if": '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"',
                                 "when": "on_success"}]
    assert production["rules"][0]["when"] == "manual" and production["rules"][0]["allow_failure"] is False
    assert production["environment"] == {"name": "production", "deployment_tier": "production", "action": "start"}
    assert production["resource_group"] == "deploy-production" and production["interruptible"] is False
    assert {"job": "deploy:staging", "artifacts": False} in production["needs"]
    assert {"job": "push:api:production", "artifacts": True} in production["needs"]  # its own ECR repository
    assert 'REPOSITORY="evm-dapp-production/api"' in p["push:api:production"]["script"][1]
    assert {"job": "test:api", "artifacts": False} in p["push:api:production"]["needs"]  # pushed only once tested
    for job in (staging, production, p["push:api:staging"]):
        assert job["id_tokens"] == {"AWS_ID_TOKEN": {"aud": "$CI_SERVER_URL"}}  # GitLab's AWS guide: the instance
        assert any("AWS_WEB_IDENTITY_TOKEN_FILE" in s for s in job["before_script"])
    assert p["rollback:staging"]["rules"][0]["when"] == "on_success"
    assert p["rollback:production"]["rules"][0]["when"] == "manual"
    assert "$ROLLBACK_VERSION" in p["rollback:production"]["rules"][0]["if"]
    assert p["variables"]["ROLLBACK_ENVIRONMENT"]["options"] == ["", "staging", "production"]
    assert "trivy image --input" in p["scan-image:api"]["script"][0]
    no_gate = pipeline(gitlab("py-web3"))["deploy:production"]["rules"][0]
    assert no_gate["when"] == "on_success"  # approvals: none


def test_gitlab_images_are_pinned_exactly() -> None:
    for label, d in variants().items():
        if d.cicd.get("git_host") != "gitlab":
            continue
        text = files(d)[".gitlab-ci.yml"]
        images = re.findall(r"^\s*(?:image|name):\s*(\S+:\S+)$", text, re.M)
        assert images, label
        for image in images:
            assert re.search(r":v?\d+\.\d+\.\d+(?:-[a-z0-9-]+)?$", image), f"{label}: {image}"


# --------------------------------------------------------------------------- consistency checks (unit)


def _write(tmp: Path, contents: dict[str, str]) -> tuple[str, ...]:
    for rel, text in contents.items():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_text(text, encoding="utf-8")
    return kit_files(tmp)


def test_consistency_finds_latest_tags_unpinned_actions_and_secret_values(tmp_path: Path) -> None:
    digest = "sha256:" + "ab" * 32
    kit = _write(tmp_path, {
        "Dockerfile": "FROM node AS build\nFROM build\nFROM python:3.12.14-slim\nFROM scratch\n",
        "deploy/compose.yaml": "services:\n  a:\n    image: redis\n  b:\n    image: x:latest\n"
                               f"  c:\n    image: y@{digest}\n",
        ".github/workflows/x.yml": "jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                                   "    - uses: actions/checkout@v4\n",
        "deploy/env/api.env.example": "AWS_KEY=" + "AKIA" + "ABCDEFGHIJKLMNOP\n",  # split: not a literal key
    })
    result = ConsistencyValidator().run(tmp_path, kit, None)
    messages = [f"{f}:{n}: {m}" for f, n, m in result.findings]
    assert result.status == "FAIL"
    assert any("Dockerfile:1: FROM node has no tag" in m for m in messages)
    assert not any("Dockerfile:2" in m or "Dockerfile:4" in m for m in messages)  # a stage and scratch are fine
    assert any("compose.yaml:3: image redis has no tag" in m for m in messages)
    assert any("compose.yaml:5: uses a `latest` tag" in m for m in messages)
    assert not any("compose.yaml:7" in m for m in messages)  # a digest is neither latest nor a secret
    assert any("x.yml:3: runs on a `-latest` runner" in m for m in messages)
    assert any("x.yml:5: action actions/checkout@v4 is not pinned" in m for m in messages)
    assert any("api.env.example:1: looks like an AWS access key id" in m for m in messages)
    assert any("launchbay-wiring.json" in m and "missing" in m for m in messages)


def test_consistency_checks_every_env_var_against_the_other_kit_files(tmp_path: Path) -> None:
    d = design("py-web3")
    wiring = files(d)["deploy/launchbay-wiring.json"]
    only_ci = _write(tmp_path, {"deploy/launchbay-wiring.json": wiring})
    first = ConsistencyValidator().run(tmp_path, only_ci, None)
    assert [m for _, _, m in first.findings] == [
        "no deployment files in the kit to wire env vars into (Terraform, compose, env examples)"]
    examples = {f"deploy/env/{s.key}.env.example": "".join(f"{e.name}=\n" for e in s.plan.env) for s in service_ci(d)}
    examples["deploy/chains/signers.json"] = {f.path: f.content for f in SigningRenderer().render(d)}[
        "deploy/chains/signers.json"]  # SIGNER_PRIVATE_KEY is replaced by a signer
    partial = dict(examples)
    partial["deploy/env/worker.env.example"] = "DATABASE_URL=\n"  # drops POLL_INTERVAL_SECONDS, REDIS_URL, RPC_URL
    shutil.rmtree(tmp_path / "deploy")
    result = ConsistencyValidator().run(tmp_path, _write(tmp_path, {"deploy/launchbay-wiring.json": wiring,
                                                                   **partial}), None)
    missing = sorted(m.split(": ")[1].split(" ")[0] for _, _, m in result.findings)
    assert missing == ["POLL_INTERVAL_SECONDS"]  # the others are wired for the api
    line = next(n for _, n, m in result.findings)
    assert '"POLL_INTERVAL_SECONDS"' in wiring.splitlines()[line - 1]
    del partial["deploy/chains/signers.json"]
    shutil.rmtree(tmp_path / "deploy")
    unsigned = ConsistencyValidator().run(tmp_path, _write(tmp_path, {"deploy/launchbay-wiring.json": wiring,
                                                                     **partial}), None)
    assert any("SIGNER_PRIVATE_KEY (signer) has no signer" in m for _, _, m in unsigned.findings)
    leaked = dict(examples)
    leaked["deploy/env/api.env.example"] += "SIGNER_PRIVATE_KEY=set-me\n"
    result = ConsistencyValidator().run(tmp_path, _write(tmp_path, leaked), None)
    assert [m for _, _, m in result.findings] == [
        "SIGNER_PRIVATE_KEY is a secret but has a value in an example file: leave it empty"]
    result = ConsistencyValidator().run(tmp_path, _write(tmp_path, examples), None)
    assert result.status == "PASS", result.findings


def test_validators_only_look_at_generated_files(tmp_path: Path) -> None:
    write_kit(render_kit(design("py-web3"), CI), tmp_path)
    (tmp_path / ".github/workflows/theirs.yml").write_text("on: push\njobs: {}\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM node\n", encoding="utf-8")  # the user's own, not ours to judge
    files_ = kit_files(tmp_path)
    both = (".github/workflows/launchbay-ci.yml", ".github/workflows/launchbay-deploy.yml")
    assert workflows(tmp_path, files_) == both
    assert yaml_files(tmp_path, files_) == both
    result = ConsistencyValidator().run(tmp_path, files_, None)
    assert not any(f == "Dockerfile" for f, _, _ in result.findings)


# --------------------------------------------------------------------------- real validators






@pytest.mark.validator
@pytest.mark.parametrize("label", sorted(variants()))
def test_ci_files_pass_actionlint_gitlab_schema_shellcheck_and_yamllint(label: str, tmp_path: Path) -> None:
    for tool in ("actionlint", "check-jsonschema", "shellcheck", "yamllint"):
        _tool(tool)
    d = variants()[label]
    write_kit(render_kit(d, CI), tmp_path)
    chosen: dict[str, Validator] = {"actionlint": ActionlintValidator(), "gitlab-ci": GitLabCIValidator(),
                                    "yamllint": YamllintValidator()}
    report = validate_kit(tmp_path, strict=True, validators=chosen)
    ran = {r.validator for r in report.results}
    assert ran == ({"gitlab-ci", "yamllint"} if d.cicd["git_host"] == "gitlab" else {"actionlint", "yamllint"})
    for r in report.results:
        assert r.status == "PASS" and not r.findings, (r.validator, r.summary, r.findings[:5])
        assert "NOT" not in r.summary  # shellcheck really ran on the scripts


@pytest.mark.validator
def test_shellcheck_really_checks_the_scripts(tmp_path: Path) -> None:
    for tool in ("actionlint", "check-jsonschema", "shellcheck"):
        _tool(tool)
    write_kit(render_kit(design("evm-dapp"), CI), tmp_path)
    path = tmp_path / ".github/workflows/launchbay-ci.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("tsc -p tsconfig.json", "cd $HOME; tsc"), encoding="utf-8")
    result = ActionlintValidator().run(tmp_path, kit_files(tmp_path), None)
    assert result.status == "FAIL" and any("SC2086" in m or "SC2164" in m for _, _, m in result.findings)
    lab = tmp_path / "lab"
    write_kit(render_kit(gitlab("evm-dapp"), CI), lab)
    gl = lab / ".gitlab-ci.yml"
    gl.write_text(gl.read_text(encoding="utf-8").replace("  stage: test\n", "  stage: test\n  whenn: never\n", 1),
                  encoding="utf-8")
    result = GitLabCIValidator().run(lab, kit_files(lab), None)
    assert result.status == "FAIL" and any("whenn" in m for _, _, m in result.findings)


@pytest.mark.validator
@pytest.mark.parametrize("label", [*EXAMPLES, *(f"{x}@gitlab" for x in EXAMPLES)])
def test_whole_kit_passes_the_consistency_checks(label: str, tmp_path: Path) -> None:
    """With every registered renderer: no latest, no secret values, every env var wired."""
    d = variants()[label]
    write_kit(render_kit(d), tmp_path)
    result = ConsistencyValidator().run(tmp_path, kit_files(tmp_path), None)
    assert result.status == "PASS", result.findings[:10]
