"""GitLab CI building blocks: rules, job images, OIDC to AWS, and the per-service jobs.

The same shell bodies as GitHub Actions run here (ci_shell); values reach them as exported
variables. AWS access uses the job's OIDC token (`id_tokens`) through the CLI's own web-identity
support: the token goes to a file, never onto a command line, and no access keys are stored.
"""

from __future__ import annotations

from typing import Any

from launchbay.models.design import Design
from launchbay.renderers import ci_pins, ci_shell
from launchbay.renderers.ci_plan import (
    GITLAB_AUDIENCE,
    PUSH_ROLE_VARIABLE,
    ROLE_VARIABLE,
    ServiceCI,
    ecr_repository,
)
from launchbay.renderers.ci_yaml import script

Job = dict[str, Any]
MR = '$CI_PIPELINE_SOURCE == "merge_request_event"'
MAIN = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"'
SEVERITY = "HIGH,CRITICAL"
DIND: dict[str, Any] = {
    "image": ci_pins.DOCKER_CLI_IMAGE,
    "services": [{"name": ci_pins.DOCKER_DIND_IMAGE, "alias": "docker"}],
    "variables": {"DOCKER_HOST": "tcp://docker:2376", "DOCKER_TLS_CERTDIR": "/certs",
                  "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": "/certs/client"},
}


def aws_login(variable: str = ROLE_VARIABLE) -> str:
    """Web-identity login with the role in `variable`: the environment-scoped deploy role (AWS_ROLE_ARN),
    or the image push role (a project variable, copied into AWS_ROLE_ARN where the CLI reads it)."""
    pick = [] if variable == ROLE_VARIABLE else [f'export AWS_ROLE_ARN="${{{variable}:-}}"']
    scope = "scoped to this environment" if variable == ROLE_VARIABLE else "at project level"
    return script(
        "set -euo pipefail",
        *pick,
        f'if [ -z "${{AWS_ROLE_ARN:-}}" ]; then echo "set the CI/CD variable {variable} ({scope})"; exit 1; fi',
        'export AWS_WEB_IDENTITY_TOKEN_FILE="${CI_BUILDS_DIR}/.aws-web-identity-${CI_JOB_ID}"',
        "printf '%s' \"$AWS_ID_TOKEN\" > \"$AWS_WEB_IDENTITY_TOKEN_FILE\"",
        'export AWS_ROLE_SESSION_NAME="gitlab-${CI_PIPELINE_ID}-${CI_JOB_ID}"',
        'REGISTRY="$(aws sts get-caller-identity --query Account --output text).dkr.ecr.${AWS_REGION}.amazonaws.com"',
        "export REGISTRY",
    )


AWS_LOGIN = aws_login()


def rules(*conditions: str, when: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for cond in conditions:
        rule: dict[str, Any] = {"if": cond}
        if when:
            rule["when"] = when
            if when == "manual":
                rule["allow_failure"] = False
        out.append(rule)
    return out


def oidc(design: Design) -> dict[str, Any]:
    """Keys that give a job short-lived AWS credentials from its GitLab OIDC token."""
    return {"id_tokens": {"AWS_ID_TOKEN": {"aud": GITLAB_AUDIENCE}},
            "variables": {"AWS_REGION": design.region, "AWS_DEFAULT_REGION": design.region}}


def exports(values: dict[str, str]) -> str:
    """`export NAME="value"` lines; values may reference other variables ($DIGEST_API)."""
    return "\n".join(f'export {k}="{v}"' for k, v in values.items())


def block(values: dict[str, str], body: str) -> str:
    """A script item that sets its own variables, in a subshell so services do not leak into each other
    (the per-subshell values are the point, hence the shellcheck directive)."""
    head = "# shellcheck disable=SC2030,SC2031\n(\n"
    return head + (exports(values) + "\n" if values else "") + body + ")\n"


def runtime_image(svc: ServiceCI) -> str:
    if svc.runtime == "node":
        return f"node:{svc.version}-bookworm-slim"
    if svc.runtime == "python":
        return f"python:{svc.version}-slim-bookworm"
    if svc.runtime == "go":
        return f"golang:{svc.version}-bookworm"
    if svc.runtime == "rust":
        return f"rust:{svc.version}-slim-bookworm"
    return ci_pins.ALPINE_IMAGE


def build_lines(svc: ServiceCI) -> list[str]:
    """Install, build (and test, in a test job) inside the service folder, tools on PATH."""
    folder = "$CI_PROJECT_DIR" if svc.workdir == "." else f"$CI_PROJECT_DIR/{svc.workdir}"
    lines = [f'cd "{folder}" || exit 1']
    for path in svc.bin_paths():
        lines.append(f'export PATH="$CI_PROJECT_DIR/{path}:$PATH"')
    lines += list(svc.install(gitlab=True))
    if svc.build:
        lines.append(svc.build)
    return lines


def test_job(svc: ServiceCI) -> Job:
    lines = build_lines(svc)
    lines.append(svc.test or f'echo "WARNING: no test command was found for {svc.plan.name}"')
    return {"stage": "test", "image": runtime_image(svc), "rules": rules(MR, MAIN), "script": lines}


def scan_jobs() -> dict[str, Job]:
    base: Job = {"stage": "scan", "image": {"name": ci_pins.TRIVY_IMAGE, "entrypoint": [""]},
                 "rules": rules(MR, MAIN), "variables": {"TRIVY_CACHE_DIR": ".trivycache"}}
    return {
        "scan:dependencies": {**base, "script": [
            f"trivy fs --scanners vuln --severity {SEVERITY} --ignore-unfixed --exit-code 1 ."]},
        "scan:secrets": {**base, "script": ["trivy fs --scanners secret --exit-code 1 ."]},
        "scan:iac": {**base, "script": [f"trivy config --severity {SEVERITY} --exit-code 1 ."]},
    }


def build_job(svc: ServiceCI, tar: str, conditions: tuple[str, ...], env: str | None) -> Job:
    """docker build → an image tarball artifact the scan and push jobs use."""
    values = {"DOCKERFILE": svc.dockerfile, "CONTEXT": svc.context, "IMAGE": f"{svc.key}:candidate"}
    job: Job = {"stage": "build", **DIND, "rules": rules(*conditions)}
    if env:  # environment-scoped build values, without creating a deployment
        job["environment"] = {"name": env, "action": "prepare"}
    job["script"] = [block(values, ci_shell.docker_build(svc.build_args)) + f'docker save --output "{tar}" '
                     f'"{svc.key}:candidate"\n']
    job["artifacts"] = {"paths": [tar], "expire_in": "1 day"}
    return job


def scan_image_job(build: str, tar: str, conditions: tuple[str, ...]) -> Job:
    return {"stage": "scan", "image": {"name": ci_pins.TRIVY_IMAGE, "entrypoint": [""]}, "rules": rules(*conditions),
            "needs": [{"job": build, "artifacts": True}], "variables": {"TRIVY_CACHE_DIR": ".trivycache"},
            "script": [f'trivy image --input "{tar}" --severity {SEVERITY} --ignore-unfixed --exit-code 1']}


def push_job(design: Design, svc: ServiceCI, build: str, scan: str, tar: str, tag: str, env: str | None,
             gate: list[str]) -> Job:
    """Load the scanned tarball and push it: to the project's GitLab registry for a VM to pull, or
    to `env`'s ECR repository (its digest goes to that environment's deploy job as a dotenv). Only
    after the tests and scans in `gate` pass."""
    needs = [{"job": build, "artifacts": True}, {"job": scan, "artifacts": False},
             *({"job": j, "artifacts": False} for j in gate)]
    if svc.registry == "git":
        values = {"IMAGE": f"{svc.key}:candidate", "REGISTRY": "$CI_REGISTRY_IMAGE", "NAME": svc.key, "TAG": tag}
        return {
            "stage": "publish", **DIND, "rules": rules(MAIN),
            "needs": needs,
            "before_script": ['printf \'%s\' "$CI_REGISTRY_PASSWORD" | docker login "$CI_REGISTRY" '
                              '--username "$CI_REGISTRY_USER" --password-stdin'],
            "script": [f'docker load --input "{tar}"', block(values, ci_shell.registry_push())],
        }
    assert env is not None, "an ECR push names its environment"
    key = oidc(design)
    values = {"IMAGE": f"{svc.key}:candidate", "REPOSITORY": ecr_repository(design, svc, env), "TAG": tag,
              "DIGEST_FILE": "digest.txt"}
    body = ci_shell.ecr_push() + f'echo "DIGEST_{svc.var_suffix}=$(cat "$DIGEST_FILE")" > digest.env\n'
    return {
        "stage": "publish", **DIND, "variables": {**DIND["variables"], **key["variables"]},
        "id_tokens": key["id_tokens"], "rules": rules(MAIN), "needs": needs,
        "before_script": ["apk add --no-cache aws-cli", aws_login(PUSH_ROLE_VARIABLE),
                          'aws ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY"'],
        "script": [f'docker load --input "{tar}"', block(values, body)],
        "artifacts": {"reports": {"dotenv": "digest.env"}},
    }
