"""What a pipeline does for each service, derived from the Design alone and shared by the GitHub
Actions and GitLab CI renderers (so both systems build, test, scan and deploy the same way).

Names follow the Terraform renderer's conventions (service key = the component's last folder,
resource prefix `<project>-<env>`), so the pipeline addresses the resources Terraform creates; every
such name can still be overridden by a CI variable of the same meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from launchbay.models.design import Design, ServicePlan
from launchbay.renderers import ci_pins
from launchbay.renderers.dockerfile import build_context
from launchbay.renderers.terraform_facts import prefix, services, slug
from launchbay.renderers.vm_layout import slug as vm_slug

DeployKind = Literal["ecs", "vm", "helm", "static"]
NODE_MANAGERS = {"npm", "pnpm", "yarn", "bun"}
PY_MANAGERS = {"pip", "poetry", "uv", "pipenv"}
DEFAULT_BRANCH = "main"  # the Design does not record the default branch yet
# The CI variables the AWS logins read; the bootstrap root's outputs (ci_roles) say which ARN goes where:
# the image push role at repository / project level, each deploy role scoped to its environment.
ROLE_VARIABLE = "AWS_ROLE_ARN"
PUSH_ROLE_VARIABLE = "AWS_PUSH_ROLE_ARN"
GITHUB_AUDIENCE = "sts.amazonaws.com"  # what aws-actions/configure-aws-credentials requests
GITLAB_AUDIENCE = "$CI_SERVER_URL"  # GitLab's AWS guide: the audience is the instance address (the issuer)
WIRING_PATH = "deploy/launchbay-wiring.json"
DEPLOY_KINDS: dict[str, DeployKind] = {"containers": "ecs", "vm": "vm", "kubernetes": "helm", "static": "static"}


@dataclass(frozen=True)
class ServiceCI:
    """One service as a pipeline sees it."""

    plan: ServicePlan
    key: str
    runtime: str
    version: str
    manager: str
    per_env: bool = False  # its image is built per environment (public build-time values inlined)
    build_dir: str = "."  # the docker build context the Dockerfile expects

    @property
    def workdir(self) -> str:
        return self.plan.component

    @property
    def var_suffix(self) -> str:
        """KEY → the suffix of per-service CI variable names (SMOKE_URL_<suffix>)."""
        return re.sub(r"[^A-Z0-9]+", "_", self.key.upper()).strip("_")

    @property
    def deploy(self) -> DeployKind:
        return DEPLOY_KINDS.get(self.plan.target, "ecs")

    @property
    def has_image(self) -> bool:
        return self.deploy in {"ecs", "vm", "helm"}

    @property
    def registry(self) -> Literal["ecr", "git"]:
        """ECR for AWS runtimes; the git host's own registry (GHCR, GitLab) for VMs."""
        return "git" if self.deploy == "vm" else "ecr"

    def tag(self, version: str, env: str) -> str:
        """The image tag deployed to `env`: ECR repositories are per environment, so the version
        alone; the git host's registry is shared, so per-environment builds carry the environment."""
        return f"{version}-{env}" if self.per_env and self.registry == "git" else version

    @property
    def dockerfile(self) -> str:
        rt = self.plan.runtime
        if rt is not None and rt.dockerfile:
            return rt.dockerfile
        return "Dockerfile" if self.workdir == "." else f"{self.workdir}/Dockerfile"

    @property
    def context(self) -> str:
        """An existing Dockerfile is built from the repository root (the workspace convention); a
        generated one from where the Dockerfile renderer says (the root for workspace members)."""
        return self.build_dir

    @property
    def build_args(self) -> tuple[str, ...]:
        return tuple(sorted({e.name for e in self.plan.env if e.wiring == "build"}))

    @property
    def smoke_path(self) -> str | None:
        """HTTP services are smoke-tested on their health path (the root page when none is known)."""
        if self.plan.port is None:
            return None
        return self.plan.health_path or "/"

    @property
    def image_name(self) -> str:
        return self.key

    def run(self, command: str) -> str:
        """A command from the Design, run where the package manager put the tools."""
        if self.manager == "uv":
            return f"uv run --locked -- {command}"
        if self.manager in {"poetry", "pipenv"}:
            return f"{self.manager} run {command}"
        return command

    def install(self, *, gitlab: bool = False) -> tuple[str, ...]:
        """Shell lines that install dependencies exactly as locked (tools pinned)."""
        m = self.manager
        if m == "npm":
            return ("npm ci",)
        if m in {"pnpm", "yarn"}:
            frozen = "pnpm install --frozen-lockfile" if m == "pnpm" else "yarn install --frozen-lockfile"
            return (f"npm install --global corepack@{ci_pins.COREPACK_VERSION}", "corepack enable", frozen)
        if m == "bun":
            pre = (f"npm install --global bun@{ci_pins.BUN_VERSION}",) if gitlab else ()
            return (*pre, "bun install --frozen-lockfile")
        if m == "uv":
            pre = (f"python -m pip install uv=={ci_pins.UV_VERSION}",) if gitlab else ()
            return (*pre, "uv sync --locked")
        if m == "poetry":
            return (f"python -m pip install poetry=={ci_pins.POETRY_VERSION}", "poetry install --no-interaction")
        if m == "pipenv":
            return (f"python -m pip install pipenv=={ci_pins.PIPENV_VERSION}", "pipenv install --deploy --dev")
        if m == "pip":
            return ("python -m pip install -r requirements.txt",)
        if m == "go":
            return ("go mod download",)
        if m == "cargo":
            return ("cargo fetch --locked",)
        return ()

    def bin_paths(self) -> tuple[str, ...]:
        """Where a Node project's tools live, so resolved commands (`tsc -p …`) run as written."""
        if self.manager not in NODE_MANAGERS:
            return ()
        paths = ["node_modules/.bin"]
        if self.workdir != ".":
            paths.insert(0, f"{self.workdir}/node_modules/.bin")
        return tuple(paths)

    @property
    def build(self) -> str | None:
        rt = self.plan.runtime
        return self.run(rt.build_command) if rt is not None and rt.build_command else None

    @property
    def migration(self) -> str | None:
        """The migration command as the release image runs it (a Node image keeps its tools in
        node_modules/.bin, which is not on the image's PATH)."""
        rt = self.plan.runtime
        if rt is None or not rt.migration_command:
            return None
        if self.manager in NODE_MANAGERS:
            return f'PATH="$PATH:./node_modules/.bin" {rt.migration_command}'
        return rt.migration_command

    @property
    def test(self) -> str | None:
        rt = self.plan.runtime
        return self.run(rt.test_command) if rt is not None and rt.test_command else None


def _manager(plan: ServicePlan, runtime: str) -> str:
    rt = plan.runtime
    if rt is not None and rt.package_manager:
        return rt.package_manager
    return {"node": "npm", "python": "pip", "go": "go", "rust": "cargo"}.get(runtime, "npm")


def service_ci(design: Design) -> tuple[ServiceCI, ...]:
    """Every deployable service, with its stable key and pinned runtime."""
    keyed = {s.plan.component: s.key for s in services(design, {"containers", "vm", "kubernetes", "static"})}
    out = []
    for plan in design.services:
        rt = plan.runtime
        runtime, version = ci_pins.exact_version(rt.runtime_version if rt else None, rt.language if rt else None)
        key = keyed.get(plan.component) or slug(plan.name, 20)
        context = "." if rt is not None and rt.dockerfile else build_context(design, plan)
        out.append(ServiceCI(plan=plan, key=key, runtime=runtime, version=version, manager=_manager(plan, runtime),
                             build_dir=context))
    # A VM runs one version tag for all its images, so one per-environment image makes them all so.
    vm_per_env = any(s.deploy == "vm" and s.build_args for s in out)
    return tuple(replace(s, per_env=bool(s.has_image and (s.build_args or (s.deploy == "vm" and vm_per_env))))
                 for s in out)


def production_env(design: Design) -> str:
    return "production" if "production" in design.environments else design.environments[-1]


def needs_approval(design: Design, env: str) -> bool:
    """A manual gate before `env`: production unless approvals are 'none'; every environment for 'all'.
    An unanswered approvals question ('open item') gates production: the safe reading."""
    approvals = design.cicd.get("approvals", "open item")
    if approvals == "none":
        return False
    return approvals == "all" or env == production_env(design)


def env_prefix(design: Design, env: str) -> str:
    return prefix(design, env)


def ecr_repository(design: Design, svc: ServiceCI, env: str) -> str:
    """The environment's ECR repository for the service (Terraform's `<project>-<env>/<key>`)."""
    return f"{prefix(design, env)}/{svc.key}"


def vm_app_dir(design: Design) -> str:
    """Where the vm kit lives on the host (its deploy.sh among it)."""
    return f"/opt/{vm_slug(design.project)}"


def job_id(*parts: str) -> str:
    """A job id both CI systems accept: lowercase letters, digits, dashes."""
    return "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts if p)
