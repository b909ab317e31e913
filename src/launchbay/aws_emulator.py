"""Running generated Terraform against an AWS emulator (moto) on loopback.

No cloud is reachable where launchbay is built and tested, so `deploy --aws-endpoint URL` and the kit
tests apply the generated roots to moto instead. Two pieces are shared by both: the provider override
(every AWS service the kit uses pointed at the emulator, fake credentials, no account look-ups) and a
moto server on 127.0.0.1 with a free port, a bounded start-up wait, stopped by its PID.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from launchbay.errors import LaunchbayError

# Every AWS API the generated roots call (provider `endpoints` block keys).
SERVICES = ("s3", "ec2", "iam", "sts", "kms", "secretsmanager", "rds", "elasticache", "ecs", "ecr", "elbv2",
            "logs", "cloudwatch", "cloudtrail", "route53", "acm", "budgets", "sns", "applicationautoscaling",
            "backup", "eks", "ssm", "wafv2", "cloudfront")
OVERRIDE_FILE = "launchbay_emulator_override.tf"


def provider_override(url: str, region: str = "us-east-1", *, local_backend: bool = False) -> str:
    """A Terraform override file that points the AWS provider at `url` (and, optionally, keeps state local).

    Terraform merges `*_override.tf` over the root's own blocks: the provider gets the emulator's endpoints
    and fake credentials, and a `backend "local"` block replaces the root's S3 backend.
    """
    endpoints = "\n".join(f'    {name} = "{url}"' for name in SERVICES)
    text = (
        f'provider "aws" {{\n  region                      = "{region}"\n  access_key                  = "test"\n'
        '  secret_key                  = "test"\n  skip_credentials_validation = true\n'
        "  skip_metadata_api_check     = true\n  skip_requesting_account_id  = true\n"
        "  s3_use_path_style           = true\n"
        f"  endpoints {{\n{endpoints}\n  }}\n}}\n"
    )
    if local_backend:
        text += '\nterraform {\n  backend "local" {}\n}\n'
    return text


def moto_executable() -> str | None:
    """moto_server on PATH, or beside the running interpreter (a venv that is not activated)."""
    found = shutil.which("moto_server")
    if found:
        return found
    beside = Path(sys.executable).parent / "moto_server"
    return str(beside) if beside.exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MotoServer:
    """`with MotoServer() as url:` a moto server on 127.0.0.1:<free port>, stopped by PID on exit."""

    def __init__(self, *, start_timeout_s: float = 30) -> None:
        self.start_timeout_s = start_timeout_s
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> str:
        exe = moto_executable()
        if exe is None:
            raise LaunchbayError("moto_server not found", hint="pip install 'moto[server]'")
        self.port = free_port()
        self.process = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self.url
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise LaunchbayError(f"moto_server did not start on 127.0.0.1:{self.port} within {self.start_timeout_s:g}s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
