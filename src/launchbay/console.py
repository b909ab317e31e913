"""All terminal output: Rich views of the profile, doctor and preflight reports, and errors."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from launchbay.models.design import Design
from launchbay.models.profile import Component, Evidence, ProjectProfile

if TYPE_CHECKING:
    from launchbay.answersfile import AnswersDocument
    from launchbay.deploy_model import DeployPlan
    from launchbay.deploy_model import Step as DeployStep
    from launchbay.deploy_run import Event as DeployEvent
    from launchbay.deploy_run import Outcome as DeployOutcome
    from launchbay.doctor import DoctorReport
    from launchbay.generate import WriteReport
    from launchbay.handover import Handover
    from launchbay.ledger import Entry as LedgerEntry
    from launchbay.preflight import PreflightReport
    from launchbay.questions.base import Question, Recommendation
    from launchbay.rehearsal.rehearse import RehearsalResult
    from launchbay.ship import ShipSummary
    from launchbay.validate import ValidationReport

_out = Console(highlight=False)
_err = Console(stderr=True, highlight=False)

SHOWN_FIELDS = ("language", "runtime_version", "framework", "package_manager", "build_command",
                "start_command", "port", "test_command")
SHOWN_LISTS = ("health_endpoint", "extra_port", "migration_tool", "migration_command", "ecosystem", "chain", "chain_id",
               "rpc_env", "web3_library", "contract_toolchain", "indexer")


def where(ev: Evidence) -> str:
    return f"{ev.file}:{ev.line}"


def print_error(message: str, hint: str | None) -> None:
    _err.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    if hint:
        _err.print(Text.assemble(("  hint: ", "yellow"), hint), soft_wrap=True)


def print_profile(profile: ProjectProfile, console: Console | None = None) -> None:
    """The readable review report: services first, then what is not a service, then risks."""
    c = console or _out
    c.rule(f"[bold]launchbay review[/bold] · {profile.project}")
    c.print(f"{profile.files_scanned} files read · {len(profile.services)} service(s) · "
            f"{len(profile.components) - len(profile.services)} other component(s)")
    for comp in profile.components:
        _print_component(c, comp)
    if profile.signing_keys:
        c.rule("[bold red]Signing keys (key-management risks)")
        for key in profile.signing_keys:
            c.print(f"[red]●[/red] [bold]{key.name}[/bold] ({key.key_type}) in {key.component} — "
                    f"{', '.join(where(e) for e in key.evidence[:3])}")
            c.print(f"   {key.risk}")
    deploy = profile.project_facts.get("deploy_file", ())
    if deploy:
        c.rule("[bold]Existing deploy files")
        for t in deploy:
            note = f" [yellow]({t.detail})[/yellow]" if t.detail else ""
            c.print(f"• {t.value}: {', '.join(e.file for e in t.evidence)}{note}")
    if profile.planning_docs:
        c.rule("[bold]Planning docs")
        for doc in profile.planning_docs:
            c.print(f"• {doc.role}: {doc.path}")
        by_cat: dict[str, list[str]] = {}
        for f in profile.doc_findings:
            by_cat.setdefault(f.category, []).append(f"“{f.evidence.quote}” ({where(f.evidence)})")
        for cat, quotes in by_cat.items():
            c.print(f"[bold]{cat.replace('_', ' ')}[/bold]")
            for q in quotes[:8]:
                c.print(f"   {q}")
            if len(quotes) > 8:
                c.print(f"   … {len(quotes) - 8} more (see --json)")
    if profile.conflicts:
        c.rule("[bold yellow]Conflicts (not resolved: decide which is right)")
        for conflict in profile.conflicts:
            subject = conflict.subject or "project"
            parts = [f"{alt.value} at {', '.join(where(e) for e in alt.evidence[:2])}" for alt in conflict.values]
            c.print(f"[yellow]![/yellow] {subject} {conflict.field}: " + " vs ".join(parts))
    if profile.skipped:
        c.print(f"[dim]{len(profile.skipped)} path(s) skipped (symlinks out of tree, binary or large files)[/dim]")


def _print_component(c: Console, comp: Component) -> None:
    style = "bold green" if comp.is_service else "bold blue"
    label = "service" if comp.is_service else "not a service"
    c.rule(Text.assemble((f"{comp.name}", style), f"  {comp.path}  ·  {comp.kind} ({label})"), align="left")
    c.print(f"[dim]kind: {comp.kind_reason}[/dim]")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_column(style="dim")
    for field in SHOWN_FIELDS:
        s = comp.fields.get(field)
        if s is not None:
            also = ", ".join(str(a.value) for a in s.alternatives)
            extra = f" [yellow](also: {also})[/yellow]" if s.alternatives else ""
            table.add_row(field.replace("_", " "), f"{s.value}{extra}", where(s.evidence[0]))
    for field in SHOWN_LISTS:
        items = comp.lists.get(field, ())
        if items:
            table.add_row(field.replace("_", " "), ", ".join(str(t.value) for t in items), where(items[0].evidence[0]))
    for svc in comp.backing_services:
        table.add_row("backing service", f"{svc.name} ({'required' if svc.required else 'optional'})",
                      where(svc.evidence[0]))
    c.print(table)
    if comp.env_vars:
        env = Table(title=None, box=None, pad_edge=False)
        env.add_column("env var", style="bold")
        env.add_column("class")
        env.add_column("read at", style="dim")
        env.add_column("documented", style="dim")
        for var in comp.env_vars:
            cls_style = {"secret": "red", "public-build-time": "magenta"}.get(var.secret_class, "")
            env.add_row(
                var.name,
                Text(var.secret_class, style=cls_style),
                where(var.read[0]) if var.read else "[yellow]not read[/yellow]",
                where(var.documented[0]) if var.documented else "[yellow]undocumented[/yellow]",
            )
        c.print(env)


def render_profile_text(profile: ProjectProfile) -> str:
    """The same report as plain text (for --out without --json)."""
    buf = io.StringIO()
    print_profile(profile, Console(file=buf, width=120, no_color=True, highlight=False))
    return buf.getvalue()


def print_doctor(report: DoctorReport) -> None:
    table = Table(title="launchbay doctor")
    table.add_column("tool", style="bold")
    table.add_column("status")
    table.add_column("version")
    table.add_column("used for")
    table.add_column("install hint")
    for tool in report.tools:
        status = Text("ok", style="green") if tool.installed else Text("missing", style="red")
        hint = "" if tool.installed else tool.install_hint
        table.add_row(Text(tool.name), status, Text(tool.version or ""), Text(tool.purpose), Text(hint))
    _out.print(table)
    _out.print(f"{len(report.tools) - len(report.missing)} of {len(report.tools)} tools available")


def print_preflight(report: PreflightReport) -> None:
    styles = {"PASS": "green", "FAIL": "red", "UNKNOWN": "yellow"}
    _out.rule("[bold]launchbay preflight")
    for check in report.checks:
        _out.print(Text.assemble((f"{check.status:<8}", f"bold {styles[check.status]}"), check.title))
        _out.print(f"         {check.detail}")
        for ev in check.evidence[:4]:
            _out.print(f"         [dim]{where(ev)}: {ev.quote}[/dim]")


def print_question(question: Question, rec: Recommendation | None, index: int, total: int) -> None:
    """One interview question: prompt, why it matters, options with pros and cons, recommendation."""
    _out.print()
    _out.rule(Text.assemble((f"[{index}/{total}] ", "dim"), (question.key, "bold")), align="left")
    _out.print(Text(question.prompt, style="bold"))
    _out.print(Text(question.help, style="dim"))
    for opt in question.options:
        marker = " ★ recommended" if rec is not None and rec.value == opt.value else ""
        _out.print(Text.assemble(("• ", "cyan"), (opt.label, "bold"), (marker, "green")))
        for pro in opt.pros:
            _out.print(Text.assemble(("    + ", "green"), pro))
        for con in opt.cons:
            _out.print(Text.assemble(("    − ", "red"), con))
        _out.print(Text(f"    fits: {opt.fits}", style="dim"))
    if rec is not None:
        shown = ", ".join(rec.value) if isinstance(rec.value, tuple) else str(rec.value)
        _out.print(Text.assemble(("Recommended: ", "green bold"), shown, (f" — {rec.rationale}", "")))
    else:
        _out.print(Text("No recommendation: nothing in the project decides this; your call.", style="yellow"))


def print_interview_summary(doc: AnswersDocument, path: str, written: bool) -> None:
    answered = len(doc.sources)
    assumed = sum(1 for s in doc.sources.values() if s == "accepted-recommendation")
    verb = "wrote" if written else "unchanged:"
    _out.print(f"{verb} {path}: {answered} answer(s) ({assumed} accepted recommendations, recorded as assumptions), "
               f"{len(doc.open_items)} open item(s)")
    for item in doc.open_items:
        _out.print(Text(f"  open: {item.key} ({item.reason})", style="yellow"))


def _usd(value: object) -> str:
    return f"${value:,.2f}" if value is not None else "—"


def print_plan(design: Design, console: Console | None = None) -> None:
    """The plan: decisions with priced options, sizing, cost tables per environment, budget, DR, assumptions."""
    c = console or _out
    c.rule(f"[bold]launchbay plan[/bold] · {design.project} · {design.cloud} {design.region} · "
           f"platform: {design.platform}")
    for decision in design.decisions:
        flag = " [yellow](assumption)[/yellow]" if decision.assumption else ""
        c.print(Text.assemble(("● ", "cyan"), (decision.title, "bold"), ": ", (decision.chosen, "green")), end="")
        c.print(flag)
        c.print(f"  {decision.reason}", soft_wrap=True)
        c.print(Text("  from: " + ", ".join(p.ref for p in decision.provenance), style="dim"))
        if decision.options:
            table = Table(box=None, pad_edge=False)
            table.add_column("option")
            for env in design.environments:
                table.add_column(f"{env} /month", justify="right")
            table.add_column("pros / cons", overflow="fold")
            for opt in decision.options:
                mark = "★ " if opt.option == decision.chosen else "  "
                table.add_row(mark + opt.option, *(_usd(opt.monthly_usd.get(e)) for e in design.environments),
                              "+ " + "; ".join(opt.pros) + "\n− " + "; ".join(opt.cons))
            c.print(table)
    c.rule("Services")
    sizes = Table(box=None, pad_edge=False)
    for col in ("service", "kind", "target", "env", "replicas", "size"):
        sizes.add_column(col)
    for svc in design.services:
        for env, size in svc.sizes.items():
            sizes.add_row(svc.name, svc.kind, svc.target, env, f"{size.replicas_min}–{size.replicas_max}",
                          f"{size.vcpu} vCPU / {size.memory_mib} MiB")
    c.print(sizes)
    for comp, target in design.non_services:
        c.print(f"[dim]{comp}: {target} (not a service)[/dim]")
    for store in design.data_stores:
        for env, ssize in store.sizes.items():
            conn = (f", {ssize.needed_connections}/{ssize.max_connections} connections"
                    if ssize.needed_connections else "")
            c.print(f"[bold]{store.name}[/bold] ({store.role}) {env}: {ssize.instance_class or 'on the host'}"
                    f"{' Multi-AZ' if ssize.multi_az else ''}, {ssize.storage_gb} GB{conn}")
    for cost in design.costs:
        c.rule(f"Cost · {cost.environment}")
        table = Table(box=None, pad_edge=False)
        for col, justify in (("category", "left"), ("item", "left"), ("quantity", "right"), ("unit price", "right"),
                             ("monthly", "right")):
            table.add_column(col, justify=justify)  # type: ignore[arg-type]
        for line in cost.lines:
            table.add_row(line.category, line.item, f"{line.quantity} {line.unit}", f"${line.unit_price}",
                          _usd(line.monthly_usd))
        table.add_row("", Text("total", style="bold"), "", "", Text(_usd(cost.total_usd), style="bold"))
        c.print(table)
    b = design.budget
    c.rule("Budget")
    if b.budget_usd is None:
        c.print(f"all environments: {_usd(b.all_environments_usd)}/month; no budget answered")
    else:
        verdict = "[green]within budget[/green]" if b.within_budget else "[red]over budget[/red]"
        c.print(f"all environments {_usd(b.all_environments_usd)} vs budget {_usd(b.budget_usd)}: {verdict} "
                f"(gap {_usd(b.gap_usd)})")
    for saving in design.savings:
        c.print(f"• {saving.name}: {saving.discount_pct}% on {', '.join(saving.applies_to)} → "
                f"saves {_usd(saving.monthly_saving_usd)}/month in production [dim]({saving.source})[/dim]")
    if design.backup:
        bk = design.backup
        c.rule("Backup and DR")
        c.print(f"{bk.method}; {bk.schedule}; retention {bk.retention_days} days; failover {bk.failover}"
                + (f"; {bk.dr_copy}" if bk.dr_copy else ""))
        for note in bk.notes:
            c.print(f"[yellow]! {note}[/yellow]")
    if design.assumptions:
        c.rule("Assumptions")
        for a in design.assumptions:
            c.print(f"• {a}", soft_wrap=True)
    if design.open_items:
        c.rule("Open items")
        for item in design.open_items:
            c.print(f"• {item}")
    c.print(f"[dim]prices: {', '.join(design.price_tables)}[/dim]")


def print_generate(report: WriteReport, root: str, check: bool) -> None:
    verb = "would write" if check else "wrote"
    _out.print(f"{verb} {len(report.written)} file(s) under {root}: {report.count('created')} created, "
               f"{report.count('updated')} updated, {report.count('merged')} merged, "
               f"{report.count('conflict')} conflict(s); {report.count('unchanged')} unchanged, "
               f"{report.count('kept-user-edit')} kept as you edited them, {report.count('user-owned')} yours "
               "(never touched)")
    for path, action in sorted(report.actions.items()):
        if action not in {"unchanged"}:
            style = {"conflict": "red", "merged": "yellow", "user-owned": "dim",
                     "kept-user-edit": "dim"}.get(action, "")
            _out.print(Text(f"  {action:<15} {path}", style=style))


def print_validation(report: ValidationReport) -> None:
    styles = {"PASS": "green", "FAIL": "red", "SKIPPED": "yellow"}
    for r in report.results:
        _out.print(Text.assemble((f"{r.status:<8}", f"bold {styles[r.status]}"), f"{r.validator:<20}",
                                 f"{r.summary} ({r.seconds}s)"), soft_wrap=True)
        if r.hint and r.status == "SKIPPED":
            _out.print(Text(f"          install: {r.hint}", style="yellow"), soft_wrap=True)
        for file, line, message in r.findings[:20]:
            _out.print(f"          {file}:{line}: {message}", soft_wrap=True)
        if len(r.findings) > 20:
            _out.print(f"          … {len(r.findings) - 20} more (see --json)")
    mode = "strict" if report.strict else "lenient (missing tools skipped)"
    _out.print(f"{len(report.results)} validator(s) in {report.seconds}s, {mode}; "
               f"{len(report.failed)} failed")


def print_handover(handover: Handover, report: WriteReport, root: str) -> None:
    for box in handover.boxes:
        mark = "n/a" if box.not_applicable else ("[x]" if box.ticked else "[ ]")
        style = "green" if box.ticked or box.not_applicable else "yellow"
        _out.print(Text.assemble((f"{mark:<4}", f"bold {style}"), box.title), soft_wrap=True)
        for missing in box.missing[:3]:
            _out.print(Text(f"     missing: {missing}", style="dim"), soft_wrap=True)
    if not handover.diagram_image:
        _out.print(Text("graphviz not installed: architecture.dot written, no SVG image (apt-get install graphviz)",
                        style="yellow"), soft_wrap=True)
    print_generate(report, root, False)


def print_recorded(kind: str, environment: str, outcome: str, entry_id: int) -> None:
    _out.print(f"recorded {kind} for {environment}: {outcome} (ledger entry #{entry_id})")


def ship_progress(stage: str, status: str, detail: str) -> None:
    if status == "start":
        _out.print(Text(f"… {stage}", style="dim"))
        return
    style = {"done": "green", "failed": "red", "skipped": "yellow"}[status]
    _out.print(Text.assemble((f"{status:<8}", f"bold {style}"), f"{stage:<10}", detail), soft_wrap=True)


def print_ship_summary(summary: ShipSummary) -> None:
    _out.print()
    verdict = "FAILED" if summary.failed else "OK"
    _out.print(Text.assemble(("ship: ", "bold"), (verdict, "bold red" if summary.failed else "bold green"),
                             f" — kit and handover under {summary.root}"), soft_wrap=True)
    for warning in summary.warnings:
        _out.print(Text(f"warning: {warning}", style="bold yellow"), soft_wrap=True)
    if summary.boxes:
        _out.print(f"handover checklist: {summary.ticked}/{summary.boxes} items proven by recorded evidence "
                   "(deploy, drills and attestations tick the rest)")


def _shown_steps(c: Console, steps: tuple[DeployStep, ...], version: str, start: int = 1) -> None:
    for n, step in enumerate(steps, start):
        c.print(Text.assemble((f"{n:>3}. ", "dim"), (f"[{step.phase}] ", "cyan"), step.title), soft_wrap=True)
        if step.command is not None:
            c.print(Text(f"       $ {step.command.shown()}"), soft_wrap=True)
        for spec in step.smoke:
            c.print(Text(f"       {spec.service}: {spec.shown(version)}"), soft_wrap=True)
        if step.note:
            c.print(Text(f"       {step.note}", style="dim"), soft_wrap=True)


def print_deploy_plan(plan: DeployPlan, *, rollback: bool = False) -> None:
    """The exact steps of a deploy (or rollback), what the gate says, and what rollback would do."""
    c = _out
    verb = "rollback" if rollback else "deploy"
    c.rule(Text(f"launchbay {verb} · {plan.project} · {plan.environment} · version {plan.version}", style="bold"))
    c.print(Text(f"platform {plan.platform}, strategy {plan.strategy}"
                 + (" · infrastructure only (--infra-only)" if plan.infra_only else "")))
    c.print(Text.assemble(("gate: ", "bold"), (plan.gate, "green" if plan.gate_ok else "bold red")), soft_wrap=True)
    for warning in plan.warnings:
        c.print(Text(f"! {warning}", style="yellow"), soft_wrap=True)
    for problem in plan.problems:
        c.print(Text(f"✗ {problem}", style="red"), soft_wrap=True)
    _shown_steps(c, plan.steps, plan.version)
    names = sorted({n for step in (*plan.steps, *plan.rollback_steps) if step.command
                    for n in step.command.placeholders()})
    if names:
        c.print(Text("${name}: the output of the step that captures it (a secret one is only piped, never shown)",
                     style="dim"), soft_wrap=True)
    if not rollback:
        if plan.rollback_version:
            c.rule(Text(f"if a smoke test fails: automatic rollback to {plan.rollback_version}", style="yellow"))
            _shown_steps(c, plan.rollback_steps, plan.rollback_version)
        elif not plan.infra_only:
            c.print(Text(f"if a smoke test fails: no earlier good version of {plan.environment} in the ledger, "
                         "nothing to roll back to", style="yellow"), soft_wrap=True)
    for notice in plan.notices:
        how = (f"webhook from ${notice.env_var} ({'set' if notice.configured else 'not set'})" if notice.env_var
               else "alerts only, no deploy notice")
        c.print(Text(f"notify {notice.channel}: {how}"), soft_wrap=True)


def print_deploy_event(event: DeployEvent) -> None:
    """Progress of `deploy --apply` / `rollback --apply`."""
    if event.kind == "message":
        style = {"info": "", "warn": "bold yellow", "error": "bold red"}[event.level]
        _out.print(Text(event.text, style=style), soft_wrap=True)
        return
    step = event.step
    if step is None:
        return
    if event.kind == "start":
        _out.print(Text.assemble((f"[{event.index}/{event.total}] ", "dim"), (step.title, "bold")), soft_wrap=True)
        if step.command is not None:
            _out.print(Text(f"  $ {step.command.shown()}", style="dim"), soft_wrap=True)
        return
    if event.kind == "smoke":
        for service, result in event.smoke:
            for check in result.checks:
                mark = ("PASS", "green") if check.passed else ("FAIL", "red")
                _out.print(Text.assemble((f"  {mark[0]} ", f"bold {mark[1]}"),
                                         f"{service} {check.name} {check.url}: {check.detail} ({check.latency_ms} ms)"),
                           soft_wrap=True)
        return
    if event.text and event.ok and step.command is None:
        _out.print(Text(f"  {event.text}", style="dim"), soft_wrap=True)
    elif not event.ok:
        _out.print(Text(f"  FAILED: {event.text} ({event.seconds}s)", style="bold red"), soft_wrap=True)
    elif step.command is not None:
        _out.print(Text(f"  ok ({event.seconds}s)", style="green"))


def print_deploy_outcome(outcome: DeployOutcome, environment: str, version: str) -> None:
    style = "bold green" if outcome.ok else "bold red"
    _out.print(Text(f"{environment}: {version} {outcome.status}"
                    + (f" (failed at: {outcome.failed_step})" if outcome.failed_step else ""), style=style))


def _entry_summary(entry: LedgerEntry) -> str:
    d = entry.detail
    if "title" in d:
        return f"step {d.get('step')}: {d['title']}"
    if entry.action == "smoke" and isinstance(d.get("services"), dict):
        parts = []
        for name, result in d["services"].items():
            checks = result.get("checks", []) if isinstance(result, dict) else []
            failed = [c.get("name") for c in checks if isinstance(c, dict) and not c.get("passed")]
            parts.append(f"{name} {'ok' if not failed else 'failed ' + ', '.join(map(str, failed))}")
        return "; ".join(parts)
    for key in ("gate", "failed_step", "from_version", "note", "reason"):
        if d.get(key):
            return f"{key.replace('_', ' ')}: {d[key]}"
    return ""


def print_history(entries: list[LedgerEntry]) -> None:
    """The ledger as a table, oldest first."""
    if not entries:
        _out.print("the ledger is empty: nothing was planned or deployed yet")
        return
    table = Table(box=None, pad_edge=False)
    for col in ("#", "when (UTC)", "env", "action", "version", "outcome", "who", "what"):
        table.add_column(col)
    styles = {"succeeded": "green", "failed": "red", "rolled-back": "yellow", "forced": "bold red", "planned": "dim"}
    for e in entries:
        table.add_row(str(e.id), e.at.replace("+00:00", "Z"), e.environment, e.action, e.version,
                      Text(e.outcome, style=styles.get(e.outcome, "")), e.actor, Text(_entry_summary(e)))
    _out.print(table)


def rehearsal_progress(message: str) -> None:
    _err.print(Text(f"rehearsal: {message}", style="dim"))


def print_rehearsal(result: RehearsalResult) -> None:
    """The rehearsal's figures: what the clients saw during the switch, the broken release and the rollback."""
    c = _out
    c.print(Text(f"Rehearsal of {result.project}'s VM kit on {result.engine}", style="bold"))
    for change in result.design_changes:
        c.print(f"  answers changed for the rehearsal: {change}")
    c.print(f"  base image: rootfs built in {result.base_image_build_s:.1f}s, imported in "
            f"{result.base_image_import_s:.1f}s (0 = cached)")
    for ref, what in result.standins.items():
        c.print(f"  {ref}: {what}")
    for label, fig in (("blue-green switch", result.switch), ("broken release", result.broken),
                       ("rollback.sh", result.rollback)):
        if fig is None:
            continue
        failed = len(fig.load.failures)
        switch = "no switch" if fig.switch_s is None else f"switch {fig.switch_s:.3f}s"
        c.print(Text(f"{label} to {fig.version} (exit {fig.exit_code}): {fig.load.sent} requests, {failed} failed "
                     f"({fig.failed_during_switch} during the switch), {switch}, deploy {fig.deploy_s:.1f}s",
                     style="green" if failed == 0 else "bold red"))
        served = ", ".join(f"{who} {n}" for who, n in sorted(fig.served.items())) or "nothing"
        c.print(f"    served by: {served}")
    if result.broken is not None:
        c.print(f"  after the broken release: serving {result.broken.active_version or 'nothing'}")
    for phase in result.phases:
        style = {"succeeded": "green", "rolled-back": "yellow"}.get(phase.outcome, "bold red")
        c.print(Text(f"  {phase.outcome:<11} {phase.name} ({phase.seconds:.1f}s)", style=style))
    for note in result.notes:
        c.print(f"  note: {note}")
    verdict = "passed" if result.passed else "FAILED"
    c.print(Text(f"rehearsal {verdict} in {result.total_s:.1f}s", style="bold green" if result.passed else "bold red"))
