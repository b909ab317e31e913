"""Application steps of a deploy, per target: image build and push, migrations before traffic, the
rollout, and the smoke tests. Names come from the same helpers the CI renderers use (service keys,
ECR repositories `<project>-<env>/<key>`, cluster `<project>-<env>`), so a local deploy addresses
exactly what the pipeline and Terraform do.

- containers (ECS): Terraform has just registered a task definition revision with the new image tag;
  migrations run as a one-off task of it, then each service is moved to its family's newest revision
  and awaited; the service's deployment circuit breaker rolls a failing revision back by itself, and a
  final check fails the step unless the deployment COMPLETED.
- kubernetes: `helm upgrade --install --atomic --wait` per chart with `values-ENV.yaml` (migrations
  are the chart's pre-upgrade hook); with Argo Rollouts (blue-green, canary) the rollout is awaited,
  promoted and awaited again.
- vm: the kit's `deploy/vm/deploy.sh VERSION` (blue-green switch; it builds or pulls the images and
  runs the migrations itself), here or on `--host` over ssh.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from launchbay.deploy_model import Command, DeployOptions, Phase, SmokeSpec, Step, Strategy
from launchbay.models.design import Design
from launchbay.renderers.ci_plan import ServiceCI, ecr_repository, service_ci, vm_app_dir
from launchbay.renderers.terraform_facts import prefix, slug

ROLLOUT_TIMEOUT = "600s"
CANARY_TIMEOUT = "30m"  # the generated canary pauses 5 + 5 + 10 minutes


def _aws(opts: DeployOptions, *args: str) -> tuple[str, ...]:
    return ("aws", *(("--endpoint-url", opts.aws_endpoint) if opts.aws_endpoint else ()), *args)


def registry(design: Design) -> str:
    return f"${{account}}.dkr.ecr.{design.region}.amazonaws.com"


def image_services(design: Design) -> tuple[ServiceCI, ...]:
    """Services this deploy builds an image for and rolls out (static sites and libraries are not)."""
    return tuple(s for s in service_ci(design) if s.has_image)


def account_step(opts: DeployOptions, phase: Phase = "build") -> Step:
    """The AWS account id, which is part of the ECR registry address (`${account}`)."""
    return Step(phase, "AWS account id (ECR registry address)", Command(
        _aws(opts, "sts", "get-caller-identity", "--query", "Account", "--output", "text"), capture="account"))


def build_steps(design: Design, env: str, version: str, opts: DeployOptions) -> list[Step]:
    """ECR login, then docker build and push of each service's image tagged with the version."""
    svcs = [s for s in image_services(design) if s.deploy in {"ecs", "helm"}]
    if not svcs:
        return []
    reg = registry(design)
    steps = [
        account_step(opts),
        Step("build", "ECR password", Command(
            _aws(opts, "ecr", "get-login-password", "--region", design.region), capture="ecr_password",
            secret=True)),
        Step("build", "docker login to ECR", Command(
            ("docker", "login", "--username", "AWS", "--password-stdin", reg), stdin="ecr_password")),
    ]
    for svc in svcs:
        image = f"{reg}/{ecr_repository(design, svc, env)}:{version}"
        args = ["docker", "build", "--file", svc.dockerfile, "--tag", image]
        for name in svc.build_args:  # `--build-arg NAME` takes the value from this process's environment
            args += ["--build-arg", name]
        steps.append(Step("build", f"build image {svc.key}", Command((*args, svc.context))))
    for svc in svcs:
        image = f"{reg}/{ecr_repository(design, svc, env)}:{version}"
        steps.append(Step("push", f"push image {svc.key}", Command(("docker", "push", image))))
    return steps


def migration_steps(design: Design, env: str, opts: DeployOptions) -> list[Step]:
    """Migrations before any traffic moves: a one-off ECS task of the new revision, or notes for the
    targets whose generated procedure runs them itself."""
    steps: list[Step] = []
    cluster = prefix(design, env)
    for svc in image_services(design):
        command = svc.migration
        if command is None:
            continue
        if svc.deploy == "helm":
            steps.append(Step("migrate", f"migrations of {svc.key}", note=(
                f"the chart's pre-upgrade hook Job runs `{command}` before new pods take traffic")))
            continue
        if svc.deploy == "vm":
            steps.append(Step("migrate", f"migrations of {svc.key}", note=(
                f"deploy.sh runs `{command}` with the new image before the switch")))
            continue
        family = f"{cluster}-{svc.key}"
        overrides = json.dumps({"containerOverrides": [{"name": svc.key, "command": ["sh", "-c", command]}]},
                               separators=(",", ":"))
        name = svc.key.replace("-", "_")
        steps += [
            Step("migrate", f"network settings of {svc.key} (for the migration task)", Command(_aws(
                opts, "ecs", "describe-services", "--cluster", cluster, "--services", svc.key,
                "--query", "services[0].networkConfiguration", "--output", "json"), capture=f"network_{name}")),
            Step("migrate", f"start the migration task of {svc.key}: {command}", Command(_aws(
                opts, "ecs", "run-task", "--cluster", cluster, "--task-definition", family, "--launch-type",
                "FARGATE", "--network-configuration", f"${{network_{name}}}", "--overrides", overrides,
                "--query", "tasks[0].taskArn", "--output", "text"), capture=f"migration_{name}")),
            Step("migrate", f"wait for the migration task of {svc.key}", Command(_aws(
                opts, "ecs", "wait", "tasks-stopped", "--cluster", cluster, "--tasks", f"${{migration_{name}}}"))),
            Step("migrate", f"migration of {svc.key} exited 0", Command(_aws(
                opts, "ecs", "describe-tasks", "--cluster", cluster, "--tasks", f"${{migration_{name}}}",
                "--query", "tasks[0].containers[0].exitCode", "--output", "text"), expect="0")),
        ]
    return steps


def _ecs_rollout(design: Design, env: str, opts: DeployOptions, svcs: list[ServiceCI]) -> list[Step]:
    cluster = prefix(design, env)
    steps = [Step("rollout", f"move {s.key} to its newest task definition", Command(_aws(
        opts, "ecs", "update-service", "--cluster", cluster, "--service", s.key, "--task-definition",
        f"{cluster}-{s.key}", "--query", "service.taskDefinition", "--output", "text"))) for s in svcs]
    steps.append(Step("rollout", "wait until the services are stable", Command(_aws(
        opts, "ecs", "wait", "services-stable", "--cluster", cluster, "--services", *(s.key for s in svcs)))))
    steps += [Step("rollout", f"{s.key}: deployment completed (not rolled back by the circuit breaker)", Command(_aws(
        opts, "ecs", "describe-services", "--cluster", cluster, "--services", s.key, "--query",
        "services[0].deployments[?status==`PRIMARY`] | [0].rolloutState", "--output", "text"),
        expect="COMPLETED")) for s in svcs]
    return steps


def charts(root: Path) -> tuple[Path, ...]:
    """Helm charts of the kit (folders with a Chart.yaml under deploy/, subcharts excluded)."""
    found = (p.parent for p in (root / "deploy").rglob("Chart.yaml") if "charts" not in p.parent.parent.parts)
    return tuple(sorted(found))


def _load(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return loaded if isinstance(loaded, dict) else {}


def rollout_settings(chart: Path, env: str) -> tuple[str, bool]:
    """(strategy, auto-promotion) of the chart's Argo Rollout in `env`: values.yaml under values-ENV.yaml;
    strategy `none` means a plain Deployment."""
    base = _load(chart / "values.yaml").get("rollout")
    over = _load(chart / f"values-{env}.yaml").get("rollout")
    merged = {**(base if isinstance(base, dict) else {}), **(over if isinstance(over, dict) else {})}
    return str(merged.get("strategy", "none")), bool(merged.get("autoPromotionEnabled", True))


def uses_rollouts(chart: Path) -> bool:
    return rollout_settings(chart, "")[0] != "none"


def _argo_steps(release: str, context: str, namespace: str, strategy: str, auto: bool) -> list[Step]:
    argo = ("kubectl", "argo", "rollouts")
    where = ("--context", context, "--namespace", namespace)
    if strategy == "canary":  # the steps' timed pauses advance it; the analysis aborts it on errors
        return [Step("rollout", f"{release}: wait for the canary steps to finish", Command(
            (*argo, "status", release, *where, "--timeout", CANARY_TIMEOUT)))]
    if auto:
        return [Step("rollout", f"{release}: wait for the new colour to be promoted", Command(
            (*argo, "status", release, *where, "--timeout", ROLLOUT_TIMEOUT)))]
    return [
        Step("rollout", f"{release}: wait until the new colour is up and paused for promotion", Command(
            ("kubectl", "wait", f"rollout/{release}", "--for=condition=Paused", *where,
             f"--timeout={ROLLOUT_TIMEOUT}"))),
        Step("rollout", f"{release}: promote the new colour", Command((*argo, "promote", release, *where))),
        Step("rollout", f"{release}: wait until healthy", Command(
            (*argo, "status", release, *where, "--timeout", ROLLOUT_TIMEOUT))),
    ]


def _helm_rollout(design: Design, root: Path, env: str, version: str, strategy: Strategy,
                  opts: DeployOptions) -> list[Step]:
    """Per chart (release = chart folder = service key, namespace = project slug, as the kit's README says)."""
    context = prefix(design, env)
    namespace = slug(design.project)
    by_key = {s.key: s for s in image_services(design) if s.deploy == "helm"}
    steps = [Step("rollout", f"kubeconfig for the {env} cluster", Command(_aws(
        opts, "eks", "update-kubeconfig", "--region", design.region, "--name", context, "--alias", context)))]
    for chart in charts(root):
        svc = by_key.get(chart.name)
        if svc is None:
            continue
        rel = chart.relative_to(root).as_posix()
        repository = f"{registry(design)}/{ecr_repository(design, svc, env)}"
        steps.append(Step("rollout", f"helm upgrade {chart.name}", Command((
            "helm", "upgrade", "--install", chart.name, rel, "--kube-context", context, "--namespace", namespace,
            "--create-namespace", "--values", f"{rel}/values-{env}.yaml",
            "--set-string", f"image.repository={repository}", "--set-string", f"image.tag={version}",
            "--atomic", "--wait", "--timeout", "10m"))))
        chart_strategy, auto = rollout_settings(chart, env)  # the chart decides: a Rollout must be driven
        if chart_strategy != "none":
            steps += _argo_steps(chart.name, context, namespace, chart_strategy, auto)
    return steps


def _vm_rollout(design: Design, version: str, opts: DeployOptions, *, migrate: bool) -> list[Step]:
    flags = () if migrate else ("--no-migrate",)
    if opts.host:
        script = f"{vm_app_dir(design)}/deploy.sh"
        command = ("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", opts.host, script, *flags, version)
        return [Step("rollout", f"blue-green switch on {opts.host} (deploy.sh)", Command(command))]
    return [Step("rollout", "blue-green switch on this host (deploy/vm/deploy.sh)",
                 Command(("deploy/vm/deploy.sh", *flags, version)))]


def rollout_steps(design: Design, root: Path, env: str, version: str, strategy: Strategy, opts: DeployOptions,
                  *, migrate: bool = True) -> list[Step]:
    svcs = list(image_services(design))
    steps: list[Step] = []
    ecs = [s for s in svcs if s.deploy == "ecs"]
    if ecs:
        steps += _ecs_rollout(design, env, opts, ecs)
    if any(s.deploy == "helm" for s in svcs):
        steps += _helm_rollout(design, root, env, version, strategy, opts)
    if any(s.deploy == "vm" for s in svcs):
        steps += _vm_rollout(design, version, opts, migrate=migrate)
    return steps


def smoke_specs(design: Design, opts: DeployOptions) -> tuple[SmokeSpec, ...]:
    """One spec per HTTP service; the base URL from --smoke-url KEY=URL, else the env var SMOKE_URL_<KEY>."""
    http = [s for s in image_services(design) if s.smoke_path is not None]
    by_service: dict[str, list[str]] = {}
    for item in opts.critical_paths:
        key, sep, path = item.partition("=")
        if not sep:
            key, path = (http[0].key if http else ""), item
        by_service.setdefault(key, []).append(path)
    specs = []
    for svc in http:
        variable = f"SMOKE_URL_{svc.var_suffix}"
        url = opts.smoke_urls.get(svc.key) or os.environ.get(variable) or None
        specs.append(SmokeSpec(service=svc.key, url_variable=variable, base_url=url,
                               health_path=svc.smoke_path or "/", version_path=opts.version_path,
                               critical_paths=tuple(by_service.get(svc.key, ()))))
    return tuple(specs)


def unknown_critical_services(design: Design, opts: DeployOptions) -> list[str]:
    keys = {s.key for s in image_services(design) if s.smoke_path is not None}
    return sorted({i.partition("=")[0] for i in opts.critical_paths if "=" in i} - keys)
