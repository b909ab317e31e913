"""Phase 6: deploy one environment — infrastructure first, then the application — and roll back.

`plan_deploy` turns the Design and the kit on disk into a `DeployPlan` (the exact commands, in order)
without running anything; `deploy_run.execute` runs a plan. The kit must be on disk and current (a
drifted kit would deploy something nobody reviewed). Staging comes first, enforced from the ledger:
production is refused unless the same version passed its staging smoke tests; `--force` overrides,
loudly, and the override is recorded.
"""

from __future__ import annotations

from pathlib import Path

from launchbay.deploy_app import (
    account_step,
    build_steps,
    charts,
    image_services,
    migration_steps,
    rollout_steps,
    smoke_specs,
    unknown_critical_services,
    uses_rollouts,
)
from launchbay.deploy_infra import (
    TerraformTree,
    image_tag_keys,
    infra_steps,
    missing_inputs,
    root_steps,
    state_bucket_step,
    terraform_tree,
)
from launchbay.deploy_model import STRATEGIES, VERSION_PATTERN, DeployOptions, DeployPlan, Step, Strategy
from launchbay.deploy_notify import notices
from launchbay.errors import LaunchbayError
from launchbay.generate import render_kit, write_kit
from launchbay.ledger import Ledger
from launchbay.models.design import Design
from launchbay.project import current_version
from launchbay.renderers.ci_plan import production_env

STAGING = "staging"


class DeployRefused(LaunchbayError):
    """The deploy must not start: no kit, a drifted kit, a missing input, or the staging gate."""


def resolve_version(root: Path, requested: str | None) -> str:
    """--version, else the project's git commit (short sha, `-dirty` with uncommitted changes): the tag
    every image of this deploy gets and the version the ledger records."""
    version = requested or current_version(root)
    if version == "unversioned" and requested is None:
        raise LaunchbayError(f"{root}: not a git checkout, so there is no commit to version the images by",
                             hint="pass --version V (an image tag such as a release number)")
    if not VERSION_PATTERN.match(version) or version == "latest":
        raise LaunchbayError(f"--version {version!r}: not an exact image tag",
                             hint="letters, digits, _ . - (at most 128), never `latest`")
    return version


def check_kit(design: Design, root: Path) -> None:
    """Refuse when the kit is not on disk or differs from what the Design generates now."""
    report = write_kit(render_kit(design), root, check=True)
    created = [p for p, a in report.actions.items() if a == "created"]
    if created and len(created) == len(report.actions):
        raise DeployRefused(f"{root}: no deployment kit on disk", hint=f"run `launchbay generate {root}` first")
    drift = report.written
    if drift:
        shown = ", ".join(drift[:8]) + (f" … ({len(drift) - 8} more)" if len(drift) > 8 else "")
        raise DeployRefused(f"the kit on disk differs from the Design ({len(drift)} file(s)): {shown}",
                            hint=f"run `launchbay generate {root}` (review the changes), then deploy")


def strategy_for(design: Design, requested: Strategy | None) -> Strategy:
    chosen = requested or design.cicd.get("strategy")
    for s in STRATEGIES:
        if s == chosen:
            return s
    return "rolling"


def staging_gate(design: Design, ledger: Ledger, env: str, version: str) -> tuple[bool, str]:
    """(allowed, why): production takes only a version that passed staging smoke tests."""
    if env != production_env(design) or env == STAGING:
        return True, f"{env} is not gated (production is: it takes only versions that passed staging)"
    if STAGING not in design.environments:
        return True, "the Design has no staging environment, so there is no staging record to require"
    if ledger.passed_staging(version):
        return True, f"{version} passed its staging smoke tests (ledger)"
    return False, f"{version} has not passed staging smoke tests (no succeeded staging smoke entry in the ledger)"


def _warnings(design: Design, root: Path, strategy: Strategy) -> list[str]:
    """What the plan should say about choices the kit cannot honour (nothing here stops a deploy)."""
    out: list[str] = []
    deploys = {s.deploy for s in image_services(design)}
    if "ecs" in deploys and strategy != "rolling":
        out.append(f"containers: ECS rolls out new tasks beside the old ones (traffic moves only to healthy tasks, "
                   f"the circuit breaker rolls back a failing revision); the kit has no CodeDeploy {strategy}")
    if "vm" in deploys and strategy == "canary":
        out.append("vm: deploy.sh switches colours (blue-green); one VM has no canary")
    if "helm" in deploys and strategy != "rolling" and not any(uses_rollouts(c) for c in charts(root)):
        out.append(f"kubernetes: no chart uses Argo Rollouts, so {strategy} is a rolling update")
    out += [f"{s.name}: static sites are published by the pipeline, not by `launchbay deploy`"
            for s in design.services if s.target == "static"]
    return out


def _problems(design: Design, root: Path, env: str, opts: DeployOptions, tree: TerraformTree,
              steps: list[Step]) -> list[str]:
    """What stops `--apply` before anything runs: missing operator inputs, charts, smoke URLs."""
    out = [f"{p} does not exist: copy it from its .example and fill it in" for p in missing_inputs(root, tree)]
    if not opts.infra_only and any(s.deploy == "helm" for s in image_services(design)):
        found = charts(root)
        if not found:
            out.append("kubernetes: no Helm chart (Chart.yaml) under deploy/: generate the kit")
        out += [f"{c.relative_to(root).as_posix()}/values-{env}.yaml does not exist" for c in found
                if not (c / f"values-{env}.yaml").exists()]
    out += [f"--critical-path names unknown service {k!r}" for k in unknown_critical_services(design, opts)]
    out += [f"no base URL for the smoke test of {spec.service}: pass --smoke-url {spec.service}=URL "
            f"or set {spec.url_variable}" for step in steps for spec in step.smoke if spec.base_url is None]
    return sorted(set(out))


def _version_warnings(version: str) -> list[str]:
    if version.endswith("-dirty"):
        return [f"{version}: the tree has uncommitted changes, so this version does not name one commit"]
    return []


def _smoke_step(design: Design, opts: DeployOptions) -> Step:
    specs = smoke_specs(design, opts)
    if not specs:
        return Step("smoke", "smoke tests", note="no HTTP service: the rollout's own health checks are the test")
    return Step("smoke", "smoke tests", smoke=specs)


def _rollback_steps(design: Design, root: Path, env: str, version: str, strategy: Strategy,
                    opts: DeployOptions) -> list[Step]:
    """Return to `version`: its image tags through Terraform (ECS task definitions), its rollout without
    migrations, and its smoke tests."""
    tree = terraform_tree(root, env, emulator=opts.aws_endpoint)
    steps: list[Step] = []
    if any(image_tag_keys(root, r) for r in terraform_tree(root, env, emulator=None).roots):
        steps += state_bucket_step(root, tree)
        steps += root_steps(root, tree, env, version, targets=opts.targets, title="rollback: ")
    if any(s.deploy == "helm" for s in image_services(design)):
        steps.append(account_step(opts, "rollout"))  # the image repository names the account
    steps += rollout_steps(design, root, env, version, strategy, opts, migrate=False)
    return [*steps, _smoke_step(design, opts)]


def _common(design: Design, env: str) -> None:
    if env not in design.environments:
        raise LaunchbayError(f"unknown environment {env!r}",
                             hint=f"the Design's environments: {', '.join(design.environments)}")


def plan_deploy(design: Design, root: Path, env: str, opts: DeployOptions, ledger: Ledger | None = None) -> DeployPlan:
    """The exact steps of deploying the current version (or --version) to `env`; runs nothing."""
    _common(design, env)
    root = Path(root)
    ledger = ledger or Ledger(root)
    version = resolve_version(root, opts.version)
    strategy = strategy_for(design, opts.strategy)
    tree = terraform_tree(root, env, emulator=opts.aws_endpoint)
    steps: list[Step] = infra_steps(root, tree, env, version, targets=opts.targets)
    if not opts.infra_only:
        steps += build_steps(design, env, version, opts)
        steps += migration_steps(design, env, opts)
        steps += rollout_steps(design, root, env, version, strategy, opts)
        steps.append(_smoke_step(design, opts))
    good = ledger.last_good(env)
    back = good.version if good is not None and good.version != version else None
    rollback = _rollback_steps(design, root, env, back, strategy, opts) if back and not opts.infra_only else []
    gate_ok, gate = staging_gate(design, ledger, env, version)
    return DeployPlan(project=design.project, root=root, environment=env, version=version, platform=design.platform,
                      strategy=strategy, steps=tuple(steps), rollback_version=back, rollback_steps=tuple(rollback),
                      notices=notices(design), gate=gate, gate_ok=gate_ok,
                      warnings=tuple(_version_warnings(version) + _warnings(design, root, strategy)),
                      problems=tuple(_problems(design, root, env, opts, tree, [*steps, *rollback])),
                      infra_only=opts.infra_only)


def rollback_target(ledger: Ledger, env: str) -> str | None:
    """The previous good version: the newest one that passed smoke and is not what runs now."""
    current = ledger.current(env)
    for entry in ledger.good_versions(env):
        if current is None or entry.version != current.version:
            return entry.version
    return None


def plan_rollback(design: Design, root: Path, env: str, opts: DeployOptions,
                  ledger: Ledger | None = None) -> DeployPlan:
    """The steps that return `env` to its previous good version (from the ledger)."""
    _common(design, env)
    root = Path(root)
    ledger = ledger or Ledger(root)
    target = opts.version or rollback_target(ledger, env)
    if target is None:
        raise LaunchbayError(f"{env}: the ledger has no earlier version that passed its smoke tests",
                             hint=f"see `launchbay history {root} --env {env}`")
    strategy = strategy_for(design, opts.strategy)
    steps = _rollback_steps(design, root, env, target, strategy, opts)
    tree = terraform_tree(root, env, emulator=opts.aws_endpoint)
    return DeployPlan(project=design.project, root=root, environment=env, version=target, platform=design.platform,
                      strategy=strategy, steps=tuple(steps), rollback_version=None, rollback_steps=(),
                      notices=notices(design), gate=f"rollback to {target}, which passed its smoke tests in {env}",
                      gate_ok=True, warnings=tuple(_warnings(design, root, strategy)),
                      problems=tuple(_problems(design, root, env, opts, tree, steps)))


def record_plan(plan: DeployPlan, ledger: Ledger, *, rollback: bool = False) -> int:
    """A printed plan is a ledger entry too (who looked at deploying what, and what the gate said)."""
    return ledger.record(action="plan", environment=plan.environment, version=plan.version, outcome="planned",
                         detail={"kind": "rollback" if rollback else "deploy", "strategy": plan.strategy,
                                 "steps": len(plan.steps), "gate": plan.gate, "gate_ok": plan.gate_ok,
                                 "rollback_version": plan.rollback_version, "problems": list(plan.problems)})
