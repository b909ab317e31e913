"""Run a DeployPlan: each step as a subprocess (argv, never a shell), in order, stopping at the first
failure; smoke tests with a bounded retry window; automatic rollback to the last good version when
they fail; every step, smoke result, rollback and override recorded in the ledger; the outcome
announced. Progress goes to a callback (the CLI prints it), so this module never prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from launchbay.deploy_infra import PLAN_DIR, prepare_emulator, terraform_tree
from launchbay.deploy_model import PLACEHOLDER, Command, DeployPlan, SmokeSpec, Step
from launchbay.deploy_notify import send
from launchbay.errors import LaunchbayError
from launchbay.ledger import Ledger
from launchbay.smoke import SmokeResult, run_smoke

STEP_TIMEOUT_S = 2 * 3600
SMOKE_INTERVAL_S = 5.0
EventKind = Literal["start", "done", "smoke", "message"]


@dataclass(frozen=True)
class Event:
    """One thing worth showing: a step starting or ending, smoke results, or a message."""

    kind: EventKind
    text: str = ""
    step: Step | None = None
    index: int = 0
    total: int = 0
    ok: bool = True
    seconds: float = 0.0
    smoke: tuple[tuple[str, SmokeResult], ...] = ()
    level: Literal["info", "warn", "error"] = "info"


Reporter = Callable[[Event], None]


@dataclass
class Outcome:
    """How a run ended: `succeeded`, `failed` (a step), `rolled-back` (smoke failed, rollback worked) or
    `rollback-failed`."""

    status: str = "succeeded"
    failed_step: str | None = None
    notified: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "succeeded"


class _Runner:
    def __init__(self, plan: DeployPlan, ledger: Ledger, report: Reporter, actor: str | None,
                 smoke_timeout_s: float) -> None:
        self.plan, self.ledger, self.report, self.actor = plan, ledger, report, actor
        self.smoke_timeout_s = smoke_timeout_s
        self.captures: dict[str, str] = {}
        self.env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
        if plan.steps and any(s.command and "--endpoint-url" in s.command.argv for s in plan.steps):
            for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):  # the emulator accepts any credentials
                self.env.setdefault(key, "test")
            self.env.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    def record(self, action: str, outcome: str, version: str, detail: dict[str, object]) -> None:
        self.ledger.record(action=action, environment=self.plan.environment, version=version, outcome=outcome,
                           detail=detail, actor=self.actor)

    def _argv(self, command: Command) -> list[str]:
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.captures:
                raise LaunchbayError(f"internal: ${{{name}}} used before a step captured it")
            return self.captures[name]

        return [PLACEHOLDER.sub(sub, arg) for arg in command.argv]

    def run_command(self, command: Command) -> tuple[bool, str, int | None]:
        """(ok, detail, returncode); a capture keeps stdout, a secret capture never leaves this object."""
        argv = self._argv(command)
        piped = command.capture is not None or command.expect is not None
        try:
            proc = subprocess.run(argv, cwd=self.plan.root, env=self.env, text=True, timeout=STEP_TIMEOUT_S,
                                  input=self.captures[command.stdin] if command.stdin else None,
                                  stdout=subprocess.PIPE if piped else None, check=False)
        except FileNotFoundError:
            return False, f"{argv[0]} not found (is it installed and on PATH?)", None
        except subprocess.TimeoutExpired:
            return False, f"timed out after {STEP_TIMEOUT_S}s", None
        out = (proc.stdout or "").strip() if piped else ""
        if proc.returncode != 0:
            return False, f"exit {proc.returncode}", proc.returncode
        if command.capture:
            self.captures[command.capture] = out
        if command.expect is not None and out != command.expect:
            return False, f"expected {command.expect!r}, got {out[:200]!r}", proc.returncode
        return True, "" if command.secret else (out[:200] if piped else ""), proc.returncode

    def smoke(self, specs: Sequence[SmokeSpec], version: str) -> list[tuple[str, SmokeResult]]:
        deadline = time.monotonic() + self.smoke_timeout_s
        while True:
            results = [(spec.service, run_smoke(spec.base_url or "", health_path=spec.health_path,
                                                expected_version=version if spec.version_path else None,
                                                version_path=spec.version_path, critical_paths=spec.critical_paths))
                       for spec in specs]
            remaining = deadline - time.monotonic()
            if all(r.passed for _, r in results) or remaining <= 0:
                return results
            time.sleep(min(SMOKE_INTERVAL_S, remaining))

    def run_steps(self, steps: Sequence[Step], version: str, action: str) -> tuple[bool, str | None, bool]:
        """Run steps in order; (all ok, failed step title, smoke failed)."""
        total = len(steps)
        for index, step in enumerate(steps, 1):
            self.report(Event("start", step=step, index=index, total=total))
            started = time.monotonic()
            if step.smoke:
                results = self.smoke(step.smoke, version)
                passed = all(r.passed for _, r in results)
                self.record("smoke", "succeeded" if passed else "failed", version,
                            {"services": {name: r.as_detail() for name, r in results}, "during": action})
                self.report(Event("smoke", step=step, index=index, total=total, ok=passed, smoke=tuple(results),
                                  seconds=round(time.monotonic() - started, 1)))
                if not passed:
                    return False, step.title, True
                continue
            if step.command is None:
                if step.phase == "smoke":  # no HTTP service: the rollout's health checks decided
                    self.record("smoke", "succeeded", version, {"note": step.note, "during": action})
                self.report(Event("done", step=step, index=index, total=total, text=step.note or ""))
                continue
            try:
                ok, detail, code = self.run_command(step.command)
            except KeyboardInterrupt:  # leave a trace of where it stopped, then let the CLI exit 130
                self.record(action, "failed", version, {"step": index, "phase": step.phase, "title": step.title,
                                                        "argv": list(step.command.argv), "error": "interrupted"})
                raise
            seconds = round(time.monotonic() - started, 1)
            self.record(action, "succeeded" if ok else "failed", version, {
                "step": index, "phase": step.phase, "title": step.title, "argv": list(step.command.argv),
                "returncode": code, "seconds": seconds, **({"error": detail} if not ok else {})})
            self.report(Event("done", step=step, index=index, total=total, ok=ok, seconds=seconds, text=detail))
            if not ok:
                return False, step.title, False
        return True, None, False


def _announce(runner: _Runner, plan: DeployPlan, outcome: Outcome, what: str) -> None:
    text = f"{plan.project} {plan.environment}: {what} {plan.version} — {outcome.status}"
    if outcome.failed_step:
        text += f" (at: {outcome.failed_step})"
    for notice in plan.notices:
        result = send(notice, text)
        outcome.notified.append(result)
        runner.report(Event("message", text=f"notify {result}"))


def _prepare(plan: DeployPlan, design_region: str, endpoint: str | None) -> None:
    """The folder saved Terraform plans go to, and the emulator copy of the roots when there is one."""
    (plan.root / PLAN_DIR / plan.environment).mkdir(parents=True, exist_ok=True)
    if endpoint:
        prepare_emulator(plan.root, terraform_tree(plan.root, plan.environment, emulator=endpoint), design_region)


def execute(plan: DeployPlan, ledger: Ledger, report: Reporter, *, region: str = "us-east-1",
            aws_endpoint: str | None = None, force: bool = False, smoke_timeout_s: float = 60,
            actor: str | None = None) -> Outcome:
    """Run a deploy plan end to end (the gate and the refusals were checked by the caller)."""
    runner = _Runner(plan, ledger, report, actor, smoke_timeout_s)
    if not plan.gate_ok:
        if not force:
            raise LaunchbayError(f"refused: {plan.gate}", hint="deploy this version to staging first")
        runner.record("override", "forced", plan.version, {"gate": plan.gate, "flag": "--force"})
        report(Event("message", level="error", text=f"FORCED past the staging gate: {plan.gate} (recorded)"))
    _prepare(plan, region, aws_endpoint)
    outcome = Outcome()
    ok, failed, smoke_failed = runner.run_steps(plan.steps, plan.version, "apply")
    if ok:
        runner.record("apply", "succeeded", plan.version, {
            "summary": True, "strategy": plan.strategy, "platform": plan.platform, "steps": len(plan.steps),
            "infra_only": plan.infra_only})
    elif not smoke_failed:
        outcome.status, outcome.failed_step = "failed", failed
        runner.record("apply", "failed", plan.version, {"summary": True, "failed_step": failed})
    else:
        outcome.failed_step = failed
        outcome.status = _auto_rollback(runner, plan, report)
        runner.record("apply", "rolled-back" if outcome.status == "rolled-back" else "failed", plan.version,
                      {"summary": True, "failed_step": failed, "rolled_back_to": plan.rollback_version})
    _announce(runner, plan, outcome, "deploy of")
    return outcome


def _auto_rollback(runner: _Runner, plan: DeployPlan, report: Reporter) -> str:
    if not plan.rollback_version or not plan.rollback_steps:
        report(Event("message", level="error", text=(
            f"smoke tests failed and the ledger has no earlier good version of {plan.environment}: "
            "nothing to roll back to")))
        runner.record("rollback", "failed", plan.version, {"reason": "no earlier good version in the ledger"})
        return "failed"
    report(Event("message", level="warn", text=f"smoke tests failed: rolling back to {plan.rollback_version}"))
    ok, failed, _ = runner.run_steps(plan.rollback_steps, plan.rollback_version, "rollback")
    runner.record("rollback", "rolled-back" if ok else "failed", plan.rollback_version,
                  {"from_version": plan.version, "automatic": True, **({"failed_step": failed} if failed else {})})
    return "rolled-back" if ok else "rollback-failed"


def execute_rollback(plan: DeployPlan, ledger: Ledger, report: Reporter, *, region: str = "us-east-1",
                     aws_endpoint: str | None = None, smoke_timeout_s: float = 60,
                     actor: str | None = None) -> Outcome:
    """Run a rollback plan (`launchbay rollback ENV --apply`)."""
    runner = _Runner(plan, ledger, report, actor, smoke_timeout_s)
    _prepare(plan, region, aws_endpoint)
    current = ledger.current(plan.environment)
    ok, failed, _ = runner.run_steps(plan.steps, plan.version, "rollback")
    outcome = Outcome(status="succeeded" if ok else "rollback-failed", failed_step=failed)
    runner.record("rollback", "rolled-back" if ok else "failed", plan.version, {
        "from_version": current.version if current else None, "automatic": False,
        **({"failed_step": failed} if failed else {})})
    _announce(runner, plan, outcome, "rollback to")
    return outcome
