"""The specification's completion checklist, where a box is ticked only by recorded evidence.

Each item names what would tick it; when the evidence is missing the box stays open and says what is
missing and how to record it. Evidence is a validation run of the current kit, ledger entries
(deploys, smoke tests, recorded drills and attestations) and the generated files themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from launchbay.handover.evidence import Evidence
from launchbay.ledger import Entry

VALIDATION_LINK = ".launchbay/evidence/validation.json"
LEDGER_LINK = ".launchbay/ledger.sqlite"


@dataclass(frozen=True)
class Proof:
    text: str
    link: str  # project-relative path of the evidence


@dataclass(frozen=True)
class Box:
    title: str
    ticked: bool
    proofs: tuple[Proof, ...]
    missing: tuple[str, ...]
    not_applicable: str | None = None


def smoke_urls(entry: Entry) -> tuple[str, ...]:
    """The base URLs a smoke entry checked (one per service; none when no service speaks HTTP)."""
    services = entry.detail.get("services")
    if not isinstance(services, dict):
        return ()
    return tuple(str(s["base_url"]) for s in services.values() if isinstance(s, dict) and s.get("base_url"))


def _entry_proof(entry: Entry, what: str) -> Proof:
    return Proof(f"{what}: ledger entry #{entry.id} — {entry.outcome}, {entry.environment}, version "
                 f"{entry.version}, {entry.at} by {entry.actor}", LEDGER_LINK)


def _validated(ev: Evidence, validators: tuple[str, ...], what: str) -> tuple[list[Proof], list[str]]:
    """Proof that the named validators passed on the kit as it is now, or what is missing."""
    present = [v for v in validators if ev.validation and v in ev.validation.statuses]
    if ev.validation is None:
        return [], [f"no validation run recorded: run `launchbay validate --strict` ({what})"]
    if not ev.validation.current:
        return [], [f"the last validation ({ev.validation.at}) checked an older kit: validate again"]
    if not present:
        return [], [f"no validator for {what} ran ({', '.join(validators)})"]
    failed = [v for v in present if ev.validation.statuses[v] != "PASS"]
    if failed:
        states = ", ".join(f"{v} {ev.validation.statuses[v]}" for v in failed)
        return [], [f"{states} in the last validation"]
    return [Proof(f"{', '.join(present)} PASS ({'strict, ' if ev.validation.strict else ''}{ev.validation.at})",
                  VALIDATION_LINK)], []


def _box(title: str, proofs: list[Proof], missing: list[str]) -> Box:
    return Box(title, ticked=bool(proofs) and not missing, proofs=tuple(proofs), missing=tuple(missing))


def infrastructure(ev: Evidence) -> Box:
    proofs, missing = _validated(ev, ("terraform", "checkov", "trivy"), "infrastructure as code")
    for env in ev.design.environments:
        applied = tuple(e for e in ev.ledger("apply", environment=env, outcome="succeeded")
                        if e.detail.get("summary"))
        if applied:
            proofs.append(_entry_proof(applied[0], f"{env} applied"))
        else:
            missing.append(f"no successful apply of {env} in the ledger: `launchbay deploy {env} --apply`")
    return _box("Infrastructure deployed and tested", proofs, missing)


def application(ev: Evidence) -> Box:
    smoke = ev.ledger("smoke", environment="production", outcome="succeeded")
    if not smoke:
        return _box("Application deployed to production", [],
                    ["no passing production smoke test in the ledger: `launchbay deploy production --apply`"])
    proofs = [_entry_proof(smoke[0], "production smoke tests passed")]
    staging = [e for e in ev.ledger("smoke", environment="staging", outcome="succeeded")
               if e.version == smoke[0].version]
    if staging:
        proofs.append(_entry_proof(staging[0], "same version passed staging"))
        return _box("Application deployed to production", proofs, [])
    return _box("Application deployed to production", proofs,
                [f"version {smoke[0].version} has no passing staging smoke test (staging first was overridden)"])


def cicd(ev: Evidence) -> Box:
    workflows = ev.under(".github/workflows/") or tuple(p for p in ev.kit if p == ".gitlab-ci.yml")
    if not workflows:
        return _box("CI/CD pipelines operational", [], ["no pipeline in the kit"])
    proofs, missing = _validated(ev, ("actionlint",) if workflows[0].startswith(".github") else ("gitlab-ci",),
                                 "pipelines")
    proofs.extend(Proof(f"pipeline {p}", p) for p in workflows)
    applied = ev.ledger("apply", outcome="succeeded")
    if not applied:
        missing.append("no deploy recorded yet: a pipeline is operational once a deploy through it is in the ledger")
    return _box("CI/CD pipelines operational", proofs, missing)


def monitoring(ev: Evidence) -> Box:
    rules = ev.under("deploy/monitoring/")
    if not rules:
        return _box("Monitoring and alerting configured", [], ["no monitoring configuration in the kit"])
    proofs, missing = _validated(ev, ("promtool", "amtool"), "alert rules and routing")
    proofs.append(Proof(f"{len(rules)} monitoring file(s) under deploy/monitoring/", "deploy/monitoring"))
    _deployed(ev, proofs, missing, "the monitoring stack and alarms ship with the environment")
    return _box("Monitoring and alerting configured", proofs, missing)


def _deployed(ev: Evidence, proofs: list[Proof], missing: list[str], why: str) -> None:
    """A configuration counts once it is applied: validated files alone are not a configured system."""
    applied = tuple(e for e in ev.ledger("apply", environment="production", outcome="succeeded")
                    if e.detail.get("summary"))
    if applied:
        proofs.append(_entry_proof(applied[0], "production applied"))
    else:
        missing.append(f"not applied to production yet ({why}): `launchbay deploy production --apply`")


def backups(ev: Evidence) -> Box:
    if not ev.design.data_stores:
        return Box("Backups configured and tested", False, (), (), not_applicable="the design has no data store")
    proofs: list[Proof] = []
    missing: list[str] = []
    for kind, what in (("backup-restore", "restore from backup"), ("dr-drill", "disaster-recovery drill")):
        found = ev.ledger("attest", kind=kind, outcome="succeeded")
        if found:
            proofs.append(_entry_proof(found[0], f"{what} passed"))
        else:
            missing.append(f"no {what} recorded: run it (see the runbook), then "
                           f"`launchbay record {kind} ENV --outcome succeeded --note ...`")
    return _box("Backups configured and tested", proofs, missing)


def security(ev: Evidence) -> Box:
    proofs, missing = _validated(ev, ("checkov", "trivy", "consistency"),
                                 "scanners and the secret scan")
    _deployed(ev, proofs, missing, "the scanned controls protect nothing until they are applied")
    for service, name in signer_blockers(ev):
        missing.append(f"{service} still reads the raw key {name}: change the code to sign through the signer")
    return _box("Security hardening complete", proofs, missing)


def signer_blockers(ev: Evidence) -> tuple[tuple[str, str], ...]:
    """(service, variable) for each raw signing key the kit withholds: the code must change before deploy."""
    return tuple((s.name, e.name) for s in ev.design.services for e in s.env if e.wiring == "signer")


def team_access(ev: Evidence) -> Box:
    found = ev.ledger("attest", kind="access-review", outcome="succeeded")
    if found:
        return _box("Team access configured", [_entry_proof(found[0], "access reviewed")], [])
    return _box("Team access configured", [], [
        f"no access review recorded (access model: {ev.design.security_plan.access or 'not answered'}): "
        "`launchbay record access-review production --outcome succeeded --note ...`"])


def dns(ev: Evidence) -> Box:
    domain = ev.design.network.get("domain")
    if not domain:
        return _box("DNS and domains configured", [], ["no domain answered (deployment.domain)"])
    smoke = [e for e in ev.ledger("smoke", environment="production", outcome="succeeded")
             if any(domain in url for url in smoke_urls(e))]
    if smoke:
        return _box("DNS and domains configured", [_entry_proof(smoke[0], f"served on {domain}")], [])
    return _box("DNS and domains configured", [], [f"no passing smoke test through {domain} in the ledger"])


def cost(ev: Evidence) -> Box:
    budgets = ev.under("deploy/terraform/modules/budgets/")
    if not budgets:
        why = ("self-hosted: set the provider's spending alert, then `launchbay record cost-alerts production "
               "--outcome succeeded --note ...`" if ev.design.cloud != "aws" else "no budget alerts in the kit")
        found = ev.ledger("attest", kind="cost-alerts", outcome="succeeded")
        if found:
            return _box("Cost monitoring set up", [_entry_proof(found[0], "spending alerts set")], [])
        return _box("Cost monitoring set up", [], [why])
    proofs, missing = _validated(ev, ("terraform",), "budget alerts")
    proofs.append(Proof("AWS Budgets alerts", budgets[0]))
    applied = ev.ledger("apply", environment="production", outcome="succeeded")
    if not applied:
        missing.append("budgets exist once production is applied")
    return _box("Cost monitoring set up", proofs, missing)


ITEMS: tuple[Callable[[Evidence], Box], ...] = (
    infrastructure, application, cicd, monitoring, backups, security, team_access, dns, cost)
