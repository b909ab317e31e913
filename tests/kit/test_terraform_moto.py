"""The generated Terraform against an AWS emulator: apply the bootstrap root, then `terraform plan`
the staging root, both against moto on loopback (no cloud exists here; TOOLCHAIN.md)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchbay.answersfile import load_answers
from launchbay.generate import render_kit, write_kit
from launchbay.plan import build_design
from launchbay.review import review_project
from launchbay.validators.terraform import plugin_mirror

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("s3", "ec2", "iam", "sts", "kms", "secretsmanager", "rds", "elasticache", "ecs", "ecr", "elbv2",
            "logs", "cloudwatch", "cloudtrail", "route53", "acm", "budgets", "sns", "applicationautoscaling",
            "backup")
MOTO = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
TERRAFORM = shutil.which("terraform")
READY = bool(TERRAFORM) and Path(MOTO).exists() and plugin_mirror() is not None

pytestmark = [
    pytest.mark.validator,
    pytest.mark.skipif(not READY and os.environ.get("LAUNCHBAY_STRICT") != "1",
                       reason="needs terraform, its offline AWS provider mirror and moto_server "
                              "(pip install 'moto[server]')"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def moto() -> Iterator[str]:
    assert READY, "terraform, the provider mirror and moto_server are required under LAUNCHBAY_STRICT"
    port = _free_port()
    proc = subprocess.Popen([MOTO, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("moto_server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _override(url: str) -> str:
    endpoints = "\n".join(f'    {name} = "{url}"' for name in SERVICES)
    return (
        'provider "aws" {\n  region = "us-east-1"\n  access_key = "test"\n  secret_key = "test"\n'
        "  skip_credentials_validation = true\n  skip_metadata_api_check = true\n"
        "  skip_requesting_account_id = true\n  s3_use_path_style = true\n"
        f"  endpoints {{\n{endpoints}\n  }}\n}}\n"
    )


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
    (boot / "moto_override.tf").write_text(_override(moto))
    assert _tf(["init", "-backend=false", f"-plugin-dir={mirror}", "-input=false"], boot).returncode == 0
    applied = _tf(["apply", "-auto-approve", "-input=false", f"-var=domain_name={domain}"], boot)
    assert applied.returncode == 0, applied.stderr[-2000:]

    staging = tf / "envs" / "staging"
    (staging / "backend.tf").unlink()  # the S3 backend is the real account's; plan keeps local state here
    (staging / "moto_override.tf").write_text(_override(moto))
    shutil.copy(staging / "terraform.tfvars.example", staging / "terraform.tfvars")
    assert _tf(["init", "-backend=false", f"-plugin-dir={mirror}", "-input=false"], staging).returncode == 0
    planned = _tf(["plan", "-input=false", "-refresh=false"], staging)
    assert planned.returncode == 0, planned.stderr[-2000:]
    match = re.search(r"Plan: (\d+) to add, 0 to change, 0 to destroy", planned.stdout)
    assert match and int(match.group(1)) > 50, planned.stdout[-1500:]
