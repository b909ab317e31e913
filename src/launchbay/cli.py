"""The `launchbay` command. The only module that exits; printing goes through console.py.

Exit codes: 0 ok · 1 user error (bad path, failed check) · 2 usage · 3 internal bug
(short message + a log file with the traceback) · 130 interrupted.
"""

from __future__ import annotations

import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from launchbay import __version__, console
from launchbay.errors import LaunchbayError

F = TypeVar("F", bound=Callable[..., Any])


def _write_output(out: str | None, text: str) -> None:
    """Write to --out atomically (a temp file renamed into place), or print to stdout."""
    if out is None:
        click.echo(text, nl=False)
        return
    target = Path(out)
    if target.is_dir():
        raise LaunchbayError(f"--out {out}: is a directory", hint="give a file name, e.g. profile.json")
    if not target.parent.exists():
        raise LaunchbayError(f"--out {out}: folder {target.parent} does not exist")
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="launchbay")
def cli() -> None:
    """launchbay: review a finished project and take it to production, deterministically."""


@cli.command()
@click.argument("path", default=".", type=click.Path(file_okay=True, dir_okay=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the full ProjectProfile as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), help="Write the output to FILE.")
def review(path: str, as_json: bool, out: str | None) -> None:
    """Phase 1: read the project's docs and code into a profile with evidence."""
    from launchbay.review import review_project

    profile = review_project(path)
    if as_json:
        _write_output(out, profile.model_dump_json(indent=2) + "\n")
    elif out is not None:
        _write_output(out, console.render_profile_text(profile))
    else:
        console.print_profile(profile)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the tool inventory as JSON.")
@click.option("--strict", is_flag=True, help="Exit 1 when any tool is missing.")
def doctor(as_json: bool, strict: bool) -> None:
    """Which external tools and validators are installed, their versions, and how to get the rest."""
    from launchbay.doctor import check_tools

    report = check_tools()
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        console.print_doctor(report)
    if strict and report.missing:
        raise LaunchbayError(
            f"{len(report.missing)} tool(s) missing: {', '.join(t.name for t in report.missing)}",
            hint="install them with the hints above (or run .ci/run, which installs all of them)",
        )


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--run-tests", is_flag=True, help="Run the detected test commands (with a timeout).")
@click.option("--timeout", default=600, show_default=True, help="Seconds allowed per test command.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def preflight(path: str, run_tests: bool, timeout: int, as_json: bool) -> None:
    """The prerequisites for going to production, each PASS / FAIL / UNKNOWN with evidence."""
    from launchbay.preflight import run_preflight
    from launchbay.review import review_project

    profile = review_project(path)
    report = run_preflight(path, profile, run_tests=run_tests, timeout=timeout)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        console.print_preflight(report)
    if report.failed:
        raise LaunchbayError(f"preflight: {len(report.failed)} check(s) failed")


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--answers", "answers_from", type=click.Path(exists=True, dir_okay=False, path_type=str),
              help="Take answers from another launchbay.yaml-style FILE.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help="Answer one question (repeatable).")
@click.option("--accept-recommended", is_flag=True,
              help="Accept every recommendation (recorded as accepted-recommendation: an assumption).")
@click.option("--no-input", is_flag=True, help="Never prompt, even in a terminal.")
def interview(path: str, answers_from: str | None, sets: tuple[str, ...], accept_recommended: bool,
              no_input: bool) -> None:
    """Phase 2: ask the deployment questions and write launchbay.yaml (resumable; comments kept)."""
    from launchbay.answers_schema import schema_text
    from launchbay.answersfile import FILENAME, SCHEMA_PATH, load_answers, render_document, write_document
    from launchbay.interview import collect_answers, parse_cli_value
    from launchbay.review import review_project

    profile = review_project(path)
    target = Path(path) / FILENAME
    doc = load_answers(target)
    cli_values = {}
    for item in sets:
        key, sep, raw = item.partition("=")
        if not sep:
            raise LaunchbayError(f"--set {item}: expected KEY=VALUE", hint="e.g. --set deployment.cloud=aws")
        cli_values[key.strip()] = parse_cli_value(key.strip(), raw.strip())
    imported = load_answers(answers_from) if answers_from else None
    prompter = None
    if not no_input and sys.stdin.isatty() and sys.stdout.isatty():
        from launchbay.interview_tty import TerminalPrompter

        prompter = TerminalPrompter()
    new = collect_answers(profile, doc, prompter=prompter, cli_values=cli_values, imported=imported,
                          accept_recommended=accept_recommended)
    before = target.read_text(encoding="utf-8") if target.exists() else None
    changed = before is None or render_document(new, None) != render_document(doc, None)
    if changed:
        write_document(target, new)
        schema_file = Path(path) / SCHEMA_PATH
        schema_file.parent.mkdir(exist_ok=True)
        schema_file.write_text(schema_text(), encoding="utf-8")
    console.print_interview_summary(new, str(target), changed)


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the full Design as JSON.")
@click.option("--rps-per-replica", "rps", multiple=True, metavar="[COMPONENT=]N",
              help="Override the per-replica capacity assumption (all services, or one component).")
def plan(path: str, as_json: bool, rps: tuple[str, ...]) -> None:
    """Phase 3: a right-sized design with computed sizes and costs, from the profile and launchbay.yaml."""
    from launchbay.answersfile import FILENAME, load_answers
    from launchbay.plan import build_design
    from launchbay.review import review_project

    answers_path = Path(path) / FILENAME
    if not answers_path.exists():
        raise LaunchbayError(f"{answers_path}: no answers yet", hint=f"run `launchbay interview {path}` first")
    overrides: dict[str, int] = {}
    for item in rps:
        comp, sep, number = item.rpartition("=")
        if not number.isdigit() or int(number) < 1:
            raise LaunchbayError(f"--rps-per-replica {item}: expected N or COMPONENT=N with N ≥ 1")
        overrides[comp if sep else "*"] = int(number)
    design = build_design(review_project(path), load_answers(answers_path), rps_override=overrides)
    if as_json:
        click.echo(design.model_dump_json(indent=2))
    else:
        console.print_plan(design)


def _design_for(path: str, rps: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    from launchbay.answersfile import FILENAME, load_answers
    from launchbay.plan import build_design
    from launchbay.review import review_project

    answers_path = Path(path) / FILENAME
    if not answers_path.exists():
        raise LaunchbayError(f"{answers_path}: no answers yet", hint=f"run `launchbay interview {path}` first")
    return build_design(review_project(path), load_answers(answers_path))


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--out", type=click.Path(file_okay=False, path_type=str),
              help="Write the kit under DIR instead of into the project (same layout).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the kit on disk differs (CI drift check).")
def generate(path: str, out: str | None, check: bool) -> None:
    """Phase 4: render the Design into the deployment kit (never overwriting your edits)."""
    from launchbay.generate import render_kit, write_kit

    design = _design_for(path)
    target = Path(out) if out else Path(path)
    if out:
        target.mkdir(parents=True, exist_ok=True)
    report = write_kit(render_kit(design), target, check=check)
    console.print_generate(report, str(target), check)
    if report.conflicts:
        raise LaunchbayError(f"{len(report.conflicts)} file(s) have merge conflicts: {', '.join(report.conflicts)}",
                             hint="resolve the <<<<<<< markers (your edit vs launchbay) and run generate again")
    if check and report.written:
        raise LaunchbayError(f"kit drift: {len(report.written)} file(s) differ from what launchbay would generate")


@cli.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--strict", is_flag=True, help="A validator that is not installed is an error.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def validate(path: str, strict: bool, as_json: bool) -> None:
    """Run every validator that applies to the kit (in parallel) and report per tool."""
    import dataclasses
    import json as json_mod
    import os

    from launchbay.validate import validate_kit, write_evidence

    strict = strict or os.environ.get("LAUNCHBAY_STRICT") == "1"
    report = validate_kit(path, strict=strict)
    write_evidence(report, Path(path))
    if as_json:
        click.echo(json_mod.dumps({"strict": report.strict, "seconds": report.seconds,
                                   "results": [dataclasses.asdict(r) for r in report.results]}, indent=2))
    else:
        console.print_validation(report)
    if report.failed:
        raise LaunchbayError(f"validation failed: {', '.join(r.validator for r in report.failed)}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of launchbay.yaml."""
    from launchbay.answers_schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--critical-path", "critical", multiple=True, metavar="PATH",
              help="Also smoke-test this path through the proxy (repeatable), e.g. /readyz.")
@click.option("--keep", is_flag=True, help="Keep the rehearsal's temporary VM directories (for debugging).")
def rehearse(path: str, as_json: bool, critical: tuple[str, ...], keep: bool) -> None:
    """Deploy the VM kit for real on a local Docker engine: blue-green under load, broken release, rollback."""
    import json as json_mod

    from launchbay.rehearsal.rehearse import rehearse as run_rehearsal

    result = run_rehearsal(path, critical_paths=critical, keep=keep,
                           progress=None if as_json else console.rehearsal_progress)
    if as_json:
        click.echo(json_mod.dumps(result.as_dict(), indent=2, default=str))
    else:
        console.print_rehearsal(result)
    if not result.passed:
        raise LaunchbayError("the rehearsal failed: see the figures above (failed requests or a wrong version)")


def _register_more() -> None:
    from launchbay.cli_deploy import register as register_deploy
    from launchbay.cli_handover import register

    register(cli)
    register_deploy(cli)


_register_more()


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command and map outcomes to exit codes."""
    try:
        cli.main(args=argv, prog_name="launchbay", standalone_mode=False)
    except LaunchbayError as err:
        console.print_error(err.message, err.hint)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        console.print_error("interrupted", None)
        sys.exit(130)
    except KeyboardInterrupt:
        console.print_error("interrupted", None)
        sys.exit(130)
    except click.exceptions.ClickException as err:
        err.show()
        sys.exit(2 if isinstance(err, click.UsageError) else 1)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except Exception:  # an internal bug: short message, full traceback in a log file
        with tempfile.NamedTemporaryFile("w", prefix="launchbay-crash-", suffix=".log", delete=False) as fh:
            fh.write(traceback.format_exc())
        console.print_error(f"internal error (a bug in launchbay); traceback written to {fh.name}", None)
        sys.exit(3)
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
