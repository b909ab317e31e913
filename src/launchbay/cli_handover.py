"""`launchbay handover`, `launchbay record` and `launchbay ship` (the golden path), added to the CLI
group by `register`. Printing goes through console.py; errors are LaunchbayError (cli.main exits)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from launchbay import console
from launchbay.errors import LaunchbayError

RECORD_KINDS = ("backup-restore", "dr-drill", "access-review", "cost-alerts", "oncall-test")


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--out", type=click.Path(file_okay=False, path_type=str),
              help="The folder generate wrote the kit to (default: the project).")
def handover(path: str, out: str | None) -> None:
    """Phases 5–6: HANDOVER.md with a checklist ticked only by recorded evidence, and the a2a report."""
    from launchbay.handover import run_handover
    from launchbay.project import load_design

    design = load_design(path)
    root = Path(out) if out else Path(path)
    if not root.is_dir():
        raise LaunchbayError(f"{root}: not a directory", hint="run `launchbay generate` first")
    result, report = run_handover(root, design)
    console.print_handover(result, report, str(root))
    if report.conflicts:
        raise LaunchbayError(f"merge conflicts in {', '.join(report.conflicts)}",
                             hint="resolve the <<<<<<< markers and run handover again")


@click.command()
@click.argument("kind", type=click.Choice(RECORD_KINDS))
@click.argument("environment")
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--outcome", type=click.Choice(["succeeded", "failed"]), required=True)
@click.option("--note", required=True, help="What was done and where the record lives (no secrets).")
@click.option("--out", type=click.Path(file_okay=False, path_type=str),
              help="The folder holding the kit's .launchbay state (default: the project).")
def record(kind: str, environment: str, path: str, outcome: str, note: str, out: str | None) -> None:
    """Record evidence a person produced (a restore test, a DR drill, an access review) in the ledger."""
    from launchbay.ledger import Ledger
    from launchbay.project import current_version

    root = Path(out) if out else Path(path)
    entry = Ledger(root).record(action="attest", environment=environment, version=current_version(path),
                                outcome=outcome, detail={"kind": kind, "note": note})
    console.print_recorded(kind, environment, outcome, entry)


@click.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--out", type=click.Path(file_okay=False, path_type=str),
              help="Write the kit and handover under DIR instead of into the project.")
@click.option("--strict", is_flag=True, help="A validator that is not installed is an error.")
@click.option("--no-input", is_flag=True, help="Never prompt, even in a terminal.")
@click.option("--apply", "do_apply", is_flag=True,
              help="Also deploy the first environment (staging) once the kit validates; production stays manual.")
def ship(path: str, out: str | None, strict: bool, no_input: bool, do_apply: bool) -> None:
    """The golden path: review → interview → plan → generate → validate → handover, with a summary."""
    import os

    from launchbay.ship import run_ship

    interactive = not no_input and sys.stdin.isatty() and sys.stdout.isatty()
    strict = strict or os.environ.get("LAUNCHBAY_STRICT") == "1"
    summary = run_ship(Path(path), Path(out) if out else None, strict=strict, interactive=interactive,
                       progress=console.ship_progress, apply=do_apply)
    console.print_ship_summary(summary)
    if summary.failed:
        raise LaunchbayError(summary.failed, hint=summary.hint)


def register(group: click.Group) -> None:
    for command in (handover, record, ship):
        group.add_command(command)
