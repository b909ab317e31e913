"""`launchbay deploy`, `launchbay rollback` and `launchbay history`, added to the CLI group by `register`.

Printing goes through console.py; every refusal is a LaunchbayError (exit 1, raised to cli.main).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import click

from launchbay import console
from launchbay.deploy_model import STRATEGIES, DeployOptions, DeployPlan, Strategy
from launchbay.errors import LaunchbayError


def _pairs(option: str, items: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise LaunchbayError(f"{option} {item}: expected SERVICE=URL", hint=f"e.g. {option} api=https://api.example.com")
        out[key] = value
    return out


def _endpoint(url: str | None) -> str | None:
    if url is not None and not url.startswith(("http://", "https://")):
        raise LaunchbayError(f"--aws-endpoint {url}: expected an http(s) URL", hint="e.g. http://127.0.0.1:5000")
    return url.rstrip("/") if url else None


def _smoke_options(func: Any) -> Any:
    """Options shared by deploy and rollback: where the smoke tests go and what they check."""
    for decorator in reversed((
        click.option("--aws-endpoint", metavar="URL",
                     help="Apply Terraform to an AWS emulator (moto) at URL instead of AWS (copy of the roots in "
                          ".launchbay/aws-emulator; the kit is not touched)."),
        click.option("--target", "targets", multiple=True, metavar="ADDRESS",
                     help="terraform -target for the environment roots (partial apply; repeatable)."),
        click.option("--smoke-url", "smoke_urls", multiple=True, metavar="SERVICE=URL",
                     help="Base URL a service's smoke tests use (default: env var SMOKE_URL_<SERVICE>)."),
        click.option("--version-path", metavar="PATH", help="Endpoint that reports the running version."),
        click.option("--critical-path", "critical_paths", multiple=True, metavar="[SERVICE=]PATH",
                     help="A path that must answer < 400 after the rollout (repeatable)."),
        click.option("--smoke-timeout", default=60.0, show_default=True, type=float,
                     help="Seconds the smoke tests may retry before they count as failed."),
        click.option("--host", metavar="USER@HOST", help="vm: run deploy.sh there over ssh (default: here)."),
    )):
        func = decorator(func)
    return func


def _report_problems(plan: DeployPlan) -> None:
    if plan.problems:
        raise LaunchbayError(f"not applied: {len(plan.problems)} problem(s) listed above",
                             hint="fix them (or pass --infra-only to apply only the infrastructure)")


@click.command()
@click.argument("env")
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--apply", "do_apply", is_flag=True, help="Run the steps (default: print them).")
@click.option("--strategy", type=click.Choice(STRATEGIES), help="Override the Design's deploy strategy.")
@click.option("--version", "version", metavar="V", help="Image tag to deploy (default: the git commit, short).")
@click.option("--force", is_flag=True, help="Deploy to production without a staging pass (loud; recorded).")
@click.option("--infra-only", is_flag=True, help="Only the Terraform steps (no images, rollout or smoke tests).")
@_smoke_options
def deploy(env: str, path: str, do_apply: bool, strategy: str | None, version: str | None, force: bool,
           infra_only: bool, aws_endpoint: str | None, targets: tuple[str, ...], smoke_urls: tuple[str, ...],
           version_path: str | None, critical_paths: tuple[str, ...], smoke_timeout: float, host: str | None) -> None:
    """Phase 6: deploy ENV (infrastructure, then the application), staging before production."""
    from launchbay.deploy import check_kit, plan_deploy, record_plan
    from launchbay.deploy_run import execute
    from launchbay.ledger import Ledger
    from launchbay.project import load_design

    root = Path(path)
    design = load_design(path)
    check_kit(design, root)
    opts = DeployOptions(version=version, strategy=cast("Strategy | None", strategy),
                         aws_endpoint=_endpoint(aws_endpoint), infra_only=infra_only, force=force, targets=targets,
                         smoke_urls=_pairs("--smoke-url", smoke_urls), version_path=version_path,
                         critical_paths=critical_paths, smoke_timeout_s=smoke_timeout, host=host)
    ledger = Ledger(root)
    plan = plan_deploy(design, root, env, opts, ledger)
    console.print_deploy_plan(plan)
    if not do_apply:
        record_plan(plan, ledger)
        return
    _report_problems(plan)
    if not plan.gate_ok and not force:
        record_plan(plan, ledger)
        raise LaunchbayError(f"refused: {plan.gate}",
                             hint=f"deploy {plan.version} to staging first (or --force, which is recorded)")
    outcome = execute(plan, ledger, console.print_deploy_event, region=design.region, aws_endpoint=opts.aws_endpoint,
                      force=force, smoke_timeout_s=smoke_timeout)
    console.print_deploy_outcome(outcome, env, plan.version)
    if not outcome.ok:
        raise LaunchbayError(f"deploy of {plan.version} to {env}: {outcome.status}",
                             hint=f"see `launchbay history {path} --env {env}`")


@click.command()
@click.argument("env")
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--apply", "do_apply", is_flag=True, help="Run the steps (default: print them).")
@click.option("--to", "to_version", metavar="V", help="Version to return to (default: the previous good one).")
@_smoke_options
def rollback(env: str, path: str, do_apply: bool, to_version: str | None, aws_endpoint: str | None,
             targets: tuple[str, ...], smoke_urls: tuple[str, ...], version_path: str | None,
             critical_paths: tuple[str, ...], smoke_timeout: float, host: str | None) -> None:
    """Return ENV to its previous good version (the newest one in the ledger that passed smoke tests)."""
    from launchbay.deploy import check_kit, plan_rollback, record_plan
    from launchbay.deploy_run import execute_rollback
    from launchbay.ledger import Ledger
    from launchbay.project import load_design

    root = Path(path)
    design = load_design(path)
    check_kit(design, root)
    ledger = Ledger(root)
    if to_version is not None and to_version not in {e.version for e in ledger.good_versions(env)}:
        raise LaunchbayError(f"--to {to_version}: never passed its smoke tests in {env}",
                             hint=f"good versions: {', '.join(e.version for e in ledger.good_versions(env)) or 'none'}")
    opts = DeployOptions(version=to_version, aws_endpoint=_endpoint(aws_endpoint), targets=targets,
                         smoke_urls=_pairs("--smoke-url", smoke_urls), version_path=version_path,
                         critical_paths=critical_paths, smoke_timeout_s=smoke_timeout, host=host)
    plan = plan_rollback(design, root, env, opts, ledger)
    console.print_deploy_plan(plan, rollback=True)
    if not do_apply:
        record_plan(plan, ledger, rollback=True)
        return
    _report_problems(plan)
    outcome = execute_rollback(plan, ledger, console.print_deploy_event, region=design.region,
                               aws_endpoint=opts.aws_endpoint, smoke_timeout_s=smoke_timeout)
    console.print_deploy_outcome(outcome, env, plan.version)
    if not outcome.ok:
        raise LaunchbayError(f"rollback of {env} to {plan.version}: {outcome.status}")


@click.command()
@click.argument("path", default=".", type=click.Path(path_type=str))
@click.option("--env", "environment", metavar="ENV", help="Only this environment.")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def history(path: str, environment: str | None, as_json: bool) -> None:
    """The deploy ledger: every plan, apply step, smoke result, rollback and override, oldest first."""
    import dataclasses

    from launchbay.ledger import Ledger

    if not Path(path).is_dir():
        raise LaunchbayError(f"{path}: not a directory")
    entries = Ledger(Path(path)).entries(environment)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(e) for e in entries], indent=2, sort_keys=True))
    else:
        console.print_history(entries)


def register(group: click.Group) -> None:
    for command in (deploy, rollback, history):
        group.add_command(command)
