"""`.gitlab-ci.yml` for designs whose code lives on GitLab: the same pipeline as GitHub Actions —
test every service, scan dependencies / secrets / IaC and every image, push images once (OIDC to
AWS), deploy the environments in order with smoke tests (production behind `when: manual` and a
protected environment), and a rollback run from the pipeline form (ROLLBACK_VERSION,
ROLLBACK_ENVIRONMENT). Also writes the env-wiring file for GitLab designs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import ci_pins, ci_shell
from launchbay.renderers.ci_gitlab_jobs import (
    AWS_LOGIN,
    MAIN,
    MR,
    Job,
    block,
    build_job,
    build_lines,
    oidc,
    push_job,
    rules,
    runtime_image,
    scan_image_job,
    scan_jobs,
    test_job,
)
from launchbay.renderers.ci_plan import (
    PUSH_ROLE_VARIABLE,
    ROLE_VARIABLE,
    ServiceCI,
    ecr_repository,
    env_prefix,
    needs_approval,
    production_env,
    service_ci,
    vm_app_dir,
)
from launchbay.renderers.ci_wiring import wiring_file
from launchbay.renderers.ci_yaml import dump, script
from launchbay.renderers.contracts_ci import gitlab_parts
from launchbay.renderers.terraform_facts import slug
from launchbay.renderers.vm_layout import DEPLOY_USER

PATH = ".gitlab-ci.yml"
WEB = '$CI_PIPELINE_SOURCE == "web"'


def _image_jobs(design: Design, svc: ServiceCI, gate: list[str]) -> tuple[dict[str, Job], dict[str, str]]:
    """Build → scan → push per image variant; returns the jobs and, per environment, the push job
    whose dotenv carries this service's digest."""
    jobs: dict[str, Job] = {}
    pushes: dict[str, str] = {}
    variants: list[tuple[str, str | None, tuple[str, ...]]] = []  # (suffix, env, conditions)
    if svc.per_env:
        variants.append(("", None, (MR,)))
        variants += [(f":{env}", env, (MAIN,)) for env in design.environments]
    else:
        variants.append(("", None, (MR, MAIN)))
    for suffix, env, conditions in variants:
        build, scan, push = f"build:{svc.key}{suffix}", f"scan-image:{svc.key}{suffix}", f"push:{svc.key}{suffix}"
        tar = f"image-{svc.key}{suffix.replace(':', '-')}.tar"
        jobs[build] = build_job(svc, tar, conditions, env)
        jobs[scan] = scan_image_job(build, tar, conditions)
        if MAIN not in conditions:
            continue
        targets = [env] if env else list(design.environments)
        if svc.registry == "git":  # one shared registry: one push
            tag = svc.tag("$CI_COMMIT_SHA", env) if env else "$CI_COMMIT_SHA"
            jobs[push] = push_job(design, svc, build, scan, tar, tag, env, gate)
            pushes.update({e: push for e in targets})
            continue
        for e in targets:  # one ECR repository per environment
            name = push if env else f"{push}:{e}"
            jobs[name] = push_job(design, svc, build, scan, tar, "$CI_COMMIT_SHA", e, gate)
            pushes[e] = name
    return jobs, pushes


def _deploy_script(design: Design, env: str, svc: ServiceCI, *, rollback: bool) -> list[str]:
    pre = env_prefix(design, env)
    tag = svc.tag("$ROLLBACK_VERSION" if rollback else "$CI_COMMIT_SHA", env)
    repo = ecr_repository(design, svc, env)
    lines: list[str] = []
    if svc.deploy == "ecs":
        values = {"REPOSITORY": repo, "TAG": tag, "DIGEST_FILE": f"digest-{svc.key}.txt",
                  "CLUSTER": f"${{ECS_CLUSTER:-{pre}}}",
                  "SERVICE": f"${{ECS_SERVICE_{svc.var_suffix}:-{svc.key}}}"}
        if rollback:
            body = ci_shell.ecr_digest() + 'DIGEST="$(cat "$DIGEST_FILE")"\nexport DIGEST\n'
        else:
            values["DIGEST"] = f"$DIGEST_{svc.var_suffix}"
            body = ""
        migrate = None if rollback else svc.migration
        if migrate:
            values["MIGRATE"] = migrate.replace('"', '\\"').replace("$", "\\$")
        lines.append(block(values, body + ci_shell.ecs_deploy(migrate is not None)))
    elif svc.deploy == "helm":
        lines.append(block({"EKS_CLUSTER": f"${{EKS_CLUSTER:-{pre}}}", "RELEASE": svc.key,
                            "CHART": f"deploy/helm/{svc.key}", "NAMESPACE": slug(design.project, 40),
                            "ENVIRONMENT": env, "REPOSITORY": repo, "TAG": tag}, ci_shell.helm_deploy()))
    elif svc.deploy == "static":
        lines.append(block({"SITE_DIR": f"$CI_PROJECT_DIR/{_site_dir(svc)}",
                            "BUCKET": f"${{STATIC_BUCKET_{svc.var_suffix}:-}}",
                            "DISTRIBUTION_ID": f"${{CLOUDFRONT_DISTRIBUTION_{svc.var_suffix}:-}}",
                            "BUCKET_VARIABLE": f"STATIC_BUCKET_{svc.var_suffix}",
                            "DISTRIBUTION_VARIABLE": f"CLOUDFRONT_DISTRIBUTION_{svc.var_suffix}"},
                           ci_shell.static_deploy()))
    return lines


def _site_dir(svc: ServiceCI) -> str:
    return f"{svc.workdir}/dist" if svc.workdir != "." else "dist"


def _site_job(design: Design, svc: ServiceCI, env: str, *, rollback: bool) -> Job:
    """Build a static site with the environment's public build values (at ROLLBACK_VERSION for a
    rollback); the deploy job uploads the artifact."""
    lines = ['git checkout --detach "$ROLLBACK_VERSION"'] if rollback else []
    lines += build_lines(svc)
    job: Job = {"stage": "build", "image": runtime_image(svc), "environment": {"name": env, "action": "prepare"}}
    if rollback:
        job["variables"] = {"GIT_DEPTH": "0"}
        job["rules"] = rules(_rollback_if(env))
    else:
        job["rules"] = rules(MAIN)
    job["script"] = lines
    job["artifacts"] = {"paths": [_site_dir(svc)], "expire_in": "1 day"}
    return job


def _rollback_if(env: str) -> str:
    return f'{WEB} && $ROLLBACK_ENVIRONMENT == "{env}" && $ROLLBACK_VERSION'


def _smoke(svcs: tuple[ServiceCI, ...]) -> list[str]:
    out = []
    for svc in svcs:
        if svc.smoke_path:
            variable = f"SMOKE_URL_{svc.var_suffix}"
            out.append(block({"BASE_URL": f"${{{variable}:-}}", "HEALTH_PATH": svc.smoke_path,
                              "VARIABLE": variable}, ci_shell.smoke()))
    return out


def _packages(svcs: tuple[ServiceCI, ...]) -> list[str]:
    kinds = {s.deploy for s in svcs}
    pkgs = ["curl", "jq"]
    if kinds & {"ecs", "helm", "static"}:
        pkgs.append("aws-cli")
    if "vm" in kinds:
        pkgs += ["git", "openssh-client"]
    lines = [f"apk add --no-cache {' '.join(sorted(pkgs))}"]
    if "helm" in kinds:
        v = ci_pins.HELM_VERSION
        lines.append(script(
            "set -euo pipefail",
            f"curl -fsSLO https://get.helm.sh/helm-v{v}-linux-amd64.tar.gz",
            f"curl -fsSL https://get.helm.sh/helm-v{v}-linux-amd64.tar.gz.sha256sum | sha256sum -c -",
            f"tar -xzf helm-v{v}-linux-amd64.tar.gz -C /usr/local/bin --strip-components=1 linux-amd64/helm"))
    return lines


def _env_job(design: Design, env: str, svcs: tuple[ServiceCI, ...], *, rollback: bool,
             needs: list[dict[str, Any]]) -> Job:
    aws = any(s.deploy in {"ecs", "helm", "static"} for s in svcs)
    job: Job = {"stage": "rollback" if rollback else env, "image": ci_pins.ALPINE_IMAGE, "interruptible": False}
    variables: dict[str, str] = {}
    if aws:
        key = oidc(design)
        job["id_tokens"] = key["id_tokens"]
        variables.update(key["variables"])
    if rollback:
        variables["GIT_DEPTH"] = "0"
    if variables:
        job["variables"] = variables
    job["environment"] = {"name": env, "deployment_tier": _tier(design, env), "action": "start"}
    job["resource_group"] = f"deploy-{env}"
    gated = needs_approval(design, env)
    job["rules"] = rules(_rollback_if(env) if rollback else MAIN, when="manual" if gated else "on_success")
    sites = [{"job": f"{'rollback-' if rollback else ''}site:{s.key}:{env}", "artifacts": True}
             for s in svcs if s.deploy == "static"]
    if needs or sites:
        job["needs"] = [*needs, *sites]
    before = _packages(svcs)
    if aws:
        before.append(AWS_LOGIN)
    if before:
        job["before_script"] = before
    lines: list[str] = []
    for svc in svcs:
        lines += _deploy_script(design, env, svc, rollback=rollback)
    vm = [s for s in svcs if s.deploy == "vm"]
    if vm:
        values = {"DEPLOY_USER": f"${{DEPLOY_USER:-{DEPLOY_USER}}}",
                  "APP_DIR": f"${{DEPLOY_PATH:-{vm_app_dir(design)}}}",
                  "VERSION": vm[0].tag("$ROLLBACK_VERSION" if rollback else "$CI_COMMIT_SHA", env)}
        if rollback:
            values["NO_MIGRATE"] = "1"
        lines.append(block({"AGENT_DIR": "$CI_BUILDS_DIR"}, ci_shell.ssh_agent(None, key_file=True)
                           + block(values, ci_shell.vm_deploy()) + "ssh-agent -k >/dev/null\n"))
    lines += _smoke(svcs)
    job["script"] = lines
    return job


def _tier(design: Design, env: str) -> str:
    if env == production_env(design):
        return "production"
    return env if env in {"staging", "testing", "development"} else "other"


def gitlab_pipeline(design: Design) -> dict[str, Any]:
    svcs = service_ci(design)
    jobs: dict[str, Job] = {}
    for svc in svcs:
        jobs[f"test:{svc.key}"] = test_job(svc)
    jobs.update(scan_jobs())
    gate = [f"test:{s.key}" for s in svcs] + ["scan:dependencies", "scan:iac", "scan:secrets"]
    pushes: dict[str, list[str]] = {env: [] for env in design.environments}
    for svc in svcs:
        if not svc.has_image:
            continue
        image_jobs, svc_pushes = _image_jobs(design, svc, gate)
        jobs.update(image_jobs)
        for env, push in svc_pushes.items():
            pushes[env].append(push)
    for svc in svcs:
        if svc.deploy == "static":
            for env in design.environments:
                jobs[f"site:{svc.key}:{env}"] = _site_job(design, svc, env, rollback=False)
                jobs[f"rollback-site:{svc.key}:{env}"] = _site_job(design, svc, env, rollback=True)
    previous: list[str] = gate
    for env in design.environments:
        needs = [{"job": j, "artifacts": False} for j in previous]
        needs += [{"job": p, "artifacts": True} for p in sorted(pushes[env])]
        jobs[f"deploy:{env}"] = _env_job(design, env, svcs, rollback=False, needs=needs)
        previous = [f"deploy:{env}"]
    for env in design.environments:
        jobs[f"rollback:{env}"] = _env_job(design, env, svcs, rollback=True, needs=[])
    contract_stages, contract_variables, contract_jobs = gitlab_parts(design)  # the contracts pipeline
    jobs.update(contract_jobs)
    stages = ["test", "build", "scan", "publish", *design.environments, "rollback", *contract_stages]
    if not any(s.has_image or s.deploy == "static" for s in svcs):
        stages = [s for s in stages if s not in {"build", "publish"}]
    return {
        "workflow": {"rules": [{"if": MR}, {"if": MAIN}, {"if": WEB}]},
        "stages": stages,
        "variables": {
            "ROLLBACK_VERSION": {"value": "", "description": "Rollback only: the commit SHA whose images to redeploy"},
            "ROLLBACK_ENVIRONMENT": {"value": "", "options": ["", *design.environments],
                                     "description": "Rollback only: the environment to roll back"},
            **contract_variables,
        },
        "default": {"interruptible": True},
        **jobs,
    }


def _header(design: Design) -> str:
    gated = [env for env in design.environments if needs_approval(design, env)]
    lines = [
        "Generated by launchbay from the Design; edits are kept on regeneration (three-way merge).",
        "Merge requests: test, scan, build and scan images. Default branch: also push images and deploy "
        + " -> ".join(design.environments) + " with smoke tests.",
        "Rollback: Run pipeline (web) with ROLLBACK_VERSION and ROLLBACK_ENVIRONMENT.",
        "Settings (CI/CD variables, scoped per environment where they differ):",
    ]
    svcs = service_ci(design)
    if any(s.has_image and s.registry == "ecr" for s in svcs):
        lines.append(f"  {PUSH_ROLE_VARIABLE}: the image push role, scope All (bootstrap output ci_push_role_arn).")
    if any(s.deploy in {"ecs", "helm", "static"} for s in svcs):
        lines.append(f"  {ROLE_VARIABLE}: each environment's deploy role, scoped to that environment (bootstrap output"
                     " deploy_role_arns); roles trust GitLab's OIDC provider (aud $CI_SERVER_URL), no access key.")
    if any(s.deploy == "vm" for s in svcs):
        lines.append("  DEPLOY_HOST, DEPLOY_SSH_KNOWN_HOSTS and DEPLOY_SSH_KEY (type File, protected); the host's"
                     " environment.env sets REGISTRY to this project's $CI_REGISTRY_IMAGE (images are pushed there).")
    for svc in svcs:
        if svc.smoke_path:
            lines.append(f"  SMOKE_URL_{svc.var_suffix}: public base URL of {svc.plan.name}.")
    if gated:
        lines.append("Manual approval (when: manual): " + ", ".join(gated)
                     + "; also protect these environments (Settings > CI/CD > Protected environments).")
    return "\n".join(lines)


class GitLabCIRenderer:
    name = "gitlab-ci"

    def render(self, design: Design) -> Iterable[KitFile]:
        if design.cicd.get("git_host") != "gitlab":
            return
        yield wiring_file(design, "gitlab")
        if design.services:
            yield KitFile(path=PATH, content=dump(gitlab_pipeline(design), _header(design)))
