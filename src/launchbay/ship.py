"""`launchbay ship`: the golden path in one command — review → interview (from the answers file; asks
only in a terminal, and only what is missing) → plan → generate → validate → handover.

A failed validation does not stop the handover (it shows exactly what is unproven), but the run fails.
`--apply` deploys only the first environment (staging when there is one): production stays a separate,
explicit `launchbay deploy production --apply`, behind the staging gate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from launchbay.errors import LaunchbayError

if TYPE_CHECKING:
    from launchbay.deploy_run import Outcome
    from launchbay.models.design import Design

Progress = Callable[[str, str, str], None]  # stage, status (start|done|failed|skipped), detail


@dataclass
class ShipSummary:
    project: str
    root: str
    stages: list[tuple[str, str, str]] = field(default_factory=list)
    failed: str | None = None
    hint: str | None = None
    ticked: int = 0
    boxes: int = 0
    production_usd: str | None = None
    warnings: list[str] = field(default_factory=list)


def run_ship(project: Path, out: Path | None, *, strict: bool, interactive: bool,
             progress: Progress, apply: bool = False) -> ShipSummary:
    from launchbay.answersfile import FILENAME, load_answers, render_document, write_document
    from launchbay.generate import render_kit, write_kit
    from launchbay.handover import run_handover
    from launchbay.interview import collect_answers
    from launchbay.plan import build_design
    from launchbay.review import review_project
    from launchbay.validate import validate_kit, write_evidence

    root = out or project
    summary = ShipSummary(project=str(project), root=str(root))

    def stage(name: str, status: str, detail: str) -> None:
        summary.stages.append((name, status, detail))
        progress(name, status, detail)

    def fail(name: str, err: LaunchbayError) -> ShipSummary:
        stage(name, "failed", err.message)
        summary.failed, summary.hint = f"{name}: {err.message}", err.hint
        return summary

    progress("review", "start", "")
    try:
        profile = review_project(project)
    except LaunchbayError as err:
        return fail("review", err)
    stage("review", "done", f"{len(profile.components)} component(s), {len(profile.services)} service(s)")

    progress("interview", "start", "")
    answers_path = project / FILENAME
    doc = load_answers(answers_path)
    prompter = None
    if interactive:
        from launchbay.interview_tty import TerminalPrompter

        prompter = TerminalPrompter()
    try:
        new = collect_answers(profile, doc, prompter=prompter)
    except LaunchbayError as err:
        return fail("interview", err)
    if render_document(new, None) != render_document(doc, None):
        write_document(answers_path, new)
        stage("interview", "done", f"answers saved to {answers_path}")
    else:
        stage("interview", "done", f"answers from {answers_path}")

    progress("plan", "start", "")
    try:
        design = build_design(profile, new)
    except LaunchbayError as err:
        return fail("plan", err)
    production = next((c for c in design.costs if c.environment == "production"), None)
    summary.production_usd = f"{production.total_usd:,.2f}" if production else None
    stage("plan", "done", f"{design.platform} on {design.cloud}"
          + (f", production ${summary.production_usd}/month" if production else ""))
    if design.budget.within_budget is False and design.budget.gap_usd is not None:
        summary.warnings.append(
            f"over budget: all environments cost ${design.budget.all_environments_usd:,.2f}/month against "
            f"${design.budget.budget_usd:,.2f} (gap ${abs(design.budget.gap_usd):,.2f}); see cost-optimization.md")

    progress("generate", "start", "")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    try:
        written = write_kit(render_kit(design), root)
    except LaunchbayError as err:
        return fail("generate", err)
    if written.conflicts:
        return fail("generate", LaunchbayError(f"merge conflicts in {', '.join(written.conflicts)}",
                                               hint="resolve the <<<<<<< markers and run ship again"))
    stage("generate", "done", f"{len(written.actions)} file(s), {len(written.written)} written")

    progress("validate", "start", "")
    report = validate_kit(root, strict=strict)
    write_evidence(report, root)
    passed = sum(1 for r in report.results if r.status == "PASS")
    if report.failed:
        stage("validate", "failed", f"{passed}/{len(report.results)} validators passed; failed: "
              + ", ".join(r.validator for r in report.failed))
        summary.failed = "validation failed: " + ", ".join(r.validator for r in report.failed)
        summary.hint = f"see `launchbay validate {root}` for the findings"
    else:
        stage("validate", "done", f"{passed}/{len(report.results)} validators passed"
              + (" (strict)" if strict else ""))

    if not apply:
        where = (f"`launchbay deploy {_first_env(design)} {project} --apply`" if out is None else
                 f"generate into the project, then `launchbay deploy {_first_env(design)} {project} --apply`")
        stage("deploy", "skipped", f"explicit step: {where}")
    elif summary.failed:
        stage("deploy", "skipped", "not deployed: the kit did not validate")
    else:
        progress("deploy", "start", "")
        env = _first_env(design)
        try:
            outcome = _deploy_first_env(project, root, design)
        except LaunchbayError as err:  # refused before anything ran: the handover still shows what is missing
            stage("deploy", "failed", err.message)
            summary.failed, summary.hint = f"deploy: {err.message}", err.hint
        else:
            if outcome.ok:
                stage("deploy", "done", f"{env}: {outcome.status}")
            else:
                stage("deploy", "failed", f"{env}: {outcome.status}")
                summary.failed, summary.hint = f"deploy to {env}: {outcome.status}", f"see `launchbay history {root}`"

    progress("handover", "start", "")
    handover, _ = run_handover(root, design)
    summary.ticked = handover.ticked
    summary.boxes = sum(1 for b in handover.boxes if not b.not_applicable)
    stage("handover", "done", f"{design.docs_root}/HANDOVER.md: {summary.ticked}/{summary.boxes} checklist items "
          "proven by evidence")
    return summary


def _first_env(design: Design) -> str:
    return "staging" if "staging" in design.environments else design.environments[0]


def _deploy_first_env(project: Path, root: Path, design: Design) -> Outcome:
    """Deploy the first environment with the same plan and runner `launchbay deploy ENV --apply` uses."""
    from launchbay import console
    from launchbay.deploy import DeployRefused, plan_deploy, resolve_version
    from launchbay.deploy_model import DeployOptions
    from launchbay.deploy_run import execute
    from launchbay.ledger import Ledger

    ledger = Ledger(root)
    plan = plan_deploy(design, root, _first_env(design), DeployOptions(version=resolve_version(project, None)),
                       ledger)
    console.print_deploy_plan(plan)
    if plan.problems:
        raise DeployRefused(f"not applied: {'; '.join(plan.problems)}",
                            hint="fix them, then `launchbay deploy` (or ship --apply) again")
    return execute(plan, ledger, console.print_deploy_event, region=design.region)
