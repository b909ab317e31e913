"""GitHub Actions building blocks: steps and jobs shared by ci.yml and deploy.yml.

Jobs get least privilege: `contents: read` by default, `id-token: write` only where a job assumes
an AWS role through OIDC. Checkouts never persist the token. Values reach scripts through `env:`.
"""

from __future__ import annotations

from typing import Any

from launchbay.renderers import ci_pins, ci_shell
from launchbay.renderers.ci_plan import ROLE_VARIABLE, ServiceCI, job_id
from launchbay.renderers.ci_yaml import script

Job = dict[str, Any]
Step = dict[str, Any]
READ: dict[str, str] = {"contents": "read"}
OIDC: dict[str, str] = {"contents": "read", "id-token": "write"}
SEVERITY = "HIGH,CRITICAL"


def uses(action: str, with_: dict[str, Any] | None = None, name: str | None = None,
         step_id: str | None = None) -> Step:
    step: Step = {}
    if name:
        step["name"] = name
    if step_id:
        step["id"] = step_id
    step["uses"] = ci_pins.ACTIONS[action].ref
    if with_:
        step["with"] = with_
    return step


def run(name: str, body: str, env: dict[str, str] | None = None, *, workdir: str | None = None,
        cond: str | None = None, step_id: str | None = None) -> Step:
    step: Step = {"name": name}
    if step_id:
        step["id"] = step_id
    if cond:
        step["if"] = cond
    if workdir and workdir != ".":
        step["working-directory"] = workdir
    if env:
        step["env"] = env
    step["run"] = body
    return step


def checkout(ref: str | None = None) -> Step:
    with_: dict[str, Any] = {"persist-credentials": False}
    if ref:
        with_["ref"] = ref
    return uses("checkout", with_, name="Check out")


def setup_steps(svc: ServiceCI) -> list[Step]:
    """The service's runtime at its pinned version, its package manager, and its tools on PATH."""
    steps: list[Step] = []
    if svc.runtime == "node":
        steps.append(uses("setup-node", {"node-version": svc.version, "package-manager-cache": False},
                          name=f"Node.js {svc.version}"))
        if svc.manager == "bun":
            steps.append(uses("setup-bun", {"bun-version": ci_pins.BUN_VERSION}, name=f"Bun {ci_pins.BUN_VERSION}"))
    elif svc.runtime == "python":
        steps.append(uses("setup-python", {"python-version": svc.version}, name=f"Python {svc.version}"))
        if svc.manager == "uv":
            steps.append(uses("setup-uv", {"version": ci_pins.UV_VERSION, "enable-cache": False},
                              name=f"uv {ci_pins.UV_VERSION}"))
    elif svc.runtime == "go":
        steps.append(uses("setup-go", {"go-version": svc.version, "cache": False}, name=f"Go {svc.version}"))
    elif svc.runtime == "rust":
        steps.append(run(f"Rust {svc.version}", script(
            f"rustup toolchain install {svc.version} --profile minimal",
            f"rustup default {svc.version}")))
    if svc.bin_paths():
        lines = [f'echo "${{GITHUB_WORKSPACE}}/{p}" >> "$GITHUB_PATH"' for p in svc.bin_paths()]
        steps.append(run("Put the project's tools on PATH", script(*lines)))
    return steps


def verify_steps(svc: ServiceCI) -> list[Step]:
    """Install as locked, then the Design's build and test commands (a missing one is said aloud)."""
    steps = [checkout(), *setup_steps(svc)]
    if svc.install():
        steps.append(run("Install dependencies", script(*svc.install()), workdir=svc.workdir))
    if svc.build:
        steps.append(run("Build", script(svc.build), workdir=svc.workdir))
    if svc.test:
        steps.append(run("Test", script(svc.test), workdir=svc.workdir))
    else:
        steps.append(run("Test", script(f'echo "::warning::no test command was found for {svc.plan.name}"')))
    return steps


def verify_job(svc: ServiceCI, cond: str | None = None) -> Job:
    job: Job = {"name": f"{svc.plan.name}: build and test"}
    if cond:
        job["if"] = cond
    job.update({"runs-on": ci_pins.RUNNER, "timeout-minutes": 30, "permissions": READ,
                "steps": verify_steps(svc)})
    return job


def trivy(name: str, with_: dict[str, Any], first: bool) -> Step:
    params: dict[str, Any] = dict(with_)
    params.update({"exit-code": "1", "version": f"v{ci_pins.TRIVY_VERSION}"})
    if not first:
        params["skip-setup-trivy"] = True
    return uses("trivy", params, name=name)


def scan_job(cond: str | None = None) -> Job:
    """Dependencies (vulnerabilities), committed secrets and IaC misconfigurations, repository-wide."""
    job: Job = {"name": "Scan dependencies, secrets and IaC"}
    if cond:
        job["if"] = cond
    job.update({"runs-on": ci_pins.RUNNER, "timeout-minutes": 20, "permissions": READ, "steps": [
        checkout(),
        trivy("Dependencies (trivy fs)", {"scan-type": "fs", "scan-ref": ".", "scanners": "vuln",
                                          "severity": SEVERITY, "ignore-unfixed": True}, first=True),
        trivy("Secrets (trivy secret scanner)", {"scan-type": "fs", "scan-ref": ".", "scanners": "secret"},
              first=False),
        trivy("IaC misconfigurations (trivy config)", {"scan-type": "config", "scan-ref": ".",
                                                       "severity": SEVERITY}, first=False),
    ]})
    return job


def build_env(svc: ServiceCI, image: str) -> dict[str, str]:
    env = {"DOCKERFILE": svc.dockerfile, "CONTEXT": svc.context, "IMAGE": image}
    for name in svc.build_args:
        env[name] = f"${{{{ vars.{name} }}}}"
    return env


def image_steps(svc: ServiceCI, image: str, first_trivy: bool = True) -> list[Step]:
    """docker build, then trivy on the built image (HIGH/CRITICAL with a fix fail the job)."""
    return [
        run(f"Build image {svc.key}", ci_shell.docker_build(svc.build_args), build_env(svc, image)),
        trivy(f"Scan image {svc.key} (trivy image)", {"scan-type": "image", "image-ref": image,
                                                      "severity": SEVERITY, "ignore-unfixed": True},
              first=first_trivy),
    ]


def image_job(svc: ServiceCI) -> Job:
    return {"name": f"{svc.plan.name}: image build and scan", "needs": job_id("test", svc.key),
            "runs-on": ci_pins.RUNNER, "timeout-minutes": 30, "permissions": READ,
            "steps": [checkout(), *image_steps(svc, f"{svc.key}:ci-${{{{ github.sha }}}}")]}


def smoke_steps(svcs: tuple[ServiceCI, ...]) -> list[Step]:
    """curl each HTTP service's health path at its public URL, with bounded retries."""
    steps = []
    for svc in svcs:
        if svc.smoke_path is None:
            continue
        variable = f"SMOKE_URL_{svc.var_suffix}"
        steps.append(run(f"Smoke test {svc.key} ({svc.smoke_path})", ci_shell.smoke(), {
            "BASE_URL": f"${{{{ vars.{variable} }}}}", "HEALTH_PATH": svc.smoke_path, "VARIABLE": variable}))
    return steps


def aws_credentials(region: str, variable: str = ROLE_VARIABLE) -> Step:
    """OIDC: the job's token is exchanged for a short-lived role session; no stored keys. The role
    comes from `variable`: the environment's deploy role (AWS_ROLE_ARN, an environment variable) or
    the image push role (a repository variable); the bootstrap root creates both (ci_roles)."""
    return uses("aws-credentials", {"role-to-assume": f"${{{{ vars.{variable} }}}}", "aws-region": region,
                                    "role-session-name": "github-${{ github.run_id }}"},
                name="AWS credentials (OIDC role)")


def ssh_steps() -> tuple[Step, Step]:
    """Load the deploy key into ssh-agent (never a key file or a key on a command line), and the
    matching cleanup step that always runs."""
    start = run("Start ssh-agent with the deploy key", ci_shell.ssh_agent("$GITHUB_ENV"), {
        "DEPLOY_SSH_KEY": "${{ secrets.DEPLOY_SSH_KEY }}",
        "DEPLOY_SSH_KNOWN_HOSTS": "${{ vars.DEPLOY_SSH_KNOWN_HOSTS }}",
        "DEPLOY_HOST": "${{ vars.DEPLOY_HOST }}",
        "AGENT_DIR": "${{ runner.temp }}",
    })
    stop = run("Stop ssh-agent", script("ssh-agent -k >/dev/null"), cond="always() && env.SSH_AGENT_PID != ''")
    return start, stop
