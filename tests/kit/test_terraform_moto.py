"""The generated Terraform against an AWS emulator: apply the bootstrap root, then `terraform plan`
the staging root, both against moto on loopback (no cloud exists here; TOOLCHAIN.md)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchbay.answersfile import load_answers
from launchbay.aws_emulator import OVERRIDE_FILE, MotoServer, moto_executable, provider_override
from launchbay.generate import render_kit, write_kit
from launchbay.plan import build_design
from launchbay.review import review_project
from launchbay.validators.terraform import plugin_mirror

ROOT = Path(__file__).resolve().parents[2]
TERRAFORM = shutil.which("terraform")
READY = bool(TERRAFORM) and moto_executable() is not None and plugin_mirror() is not None

pytestmark = [
    pytest.mark.validator,
    pytest.mark.skipif(not READY and os.environ.get("LAUNCHBAY_STRICT") != "1",
                       reason="needs terraform, its offline AWS provider mirror and moto_server "
                              "(pip install 'moto[server]')"),
]


@pytest.fixture
def moto() -> Iterator[str]:
    assert READY, "terraform, the provider mirror and moto_server are required under LAUNCHBAY_STRICT"
    with MotoServer() as url:
        yield url


def _tf(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert TERRAFORM is not None
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1", "TF_CLI_ARGS": "-no-color"}
    return subprocess.run([TERRAFORM, *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env,
                          check=False)


def test_bootstrap_applies_and_staging_plans_against_moto(tmp_path: Path, moto: str) -> None:
    project = tmp_path / "evm-dapp"
    shutil.copytree(ROOT / "examples" / "evm-dapp", project)
    design = build_design(review_project(project), load_answers(project / "launchbay.yaml"))
    write_kit(render_kit(design), project)
    tf = project / "deploy" / "terraform"
    mirror = str(plugin_mirror())
    example_vars = (tf / "envs" / "staging" / "terraform.tfvars.example").read_text()
    zone = re.search(r'^zone_name\s*=\s*"([^"]+)"', example_vars, re.M)
    domain = zone.group(1) if zone else "app.example.com"

    boot = tf / "bootstrap"
    (boot / OVERRIDE_FILE).write_text(provider_override(moto))
    assert _tf(["init", "-backend=false", f"-plugin-dir={mirror}", "-input=false"], boot).returncode == 0
    applied = _tf(["apply", "-auto-approve", "-input=false", f"-var=domain_name={domain}",
                   "-var=github_owner=example-org", "-var=github_repository=evm-dapp"], boot)
    assert applied.returncode == 0, applied.stderr[-2000:]
    outputs = json.loads(_tf(["output", "-json"], boot).stdout)  # the CI roles exist, named as CI expects
    assert outputs["ci_push_role_arn"]["value"].endswith(":role/evm-dapp-ci-push")
    assert {env: arn.rsplit("/", 1)[1] for env, arn in outputs["deploy_role_arns"]["value"].items()} == {
        env: f"evm-dapp-deploy-{env}" for env in design.environments}

    staging = tf / "envs" / "staging"
    (staging / "backend.tf").unlink()  # the S3 backend is the real account's; plan keeps local state here
    (staging / OVERRIDE_FILE).write_text(provider_override(moto))
    shutil.copy(staging / "terraform.tfvars.example", staging / "terraform.tfvars")
    assert _tf(["init", "-backend=false", f"-plugin-dir={mirror}", "-input=false"], staging).returncode == 0
    planned = _tf(["plan", "-input=false", "-refresh=false"], staging)
    assert planned.returncode == 0, planned.stderr[-2000:]
    match = re.search(r"Plan: (\d+) to add, 0 to change, 0 to destroy", planned.stdout)
    assert match and int(match.group(1)) > 50, planned.stdout[-1500:]
