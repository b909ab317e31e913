"""Every page the specification lists under the deployment docs: generated, not applicable (with the
reason), or missing — so "documentation complete" is a fact about files, not a claim."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from launchbay.handover.checklist import Box, Proof
from launchbay.handover.evidence import Evidence
from launchbay.models.design import Design


def _chain(d: Design) -> str | None:
    return None if d.blockchain is not None else "no chain in the answers or the code"


def _always(_: Design) -> str | None:
    return None


PAGES: tuple[tuple[str, str, Callable[[Design], str | None]], ...] = (
    ("infrastructure.md", "Infrastructure overview", _always),
    ("deployment-guide.md", "Deployment guide", _always),
    ("runbooks/deployment.md", "Runbook: deployment", _always),
    ("runbooks/rollback.md", "Runbook: rollback", _always),
    ("runbooks/scaling.md", "Runbook: scaling", _always),
    ("runbooks/incident-response.md", "Runbook: incident response", _always),
    ("runbooks/backup-restore.md", "Runbook: backup and restore", _always),
    ("runbooks/monitoring.md", "Runbook: monitoring", _always),
    ("runbooks/security.md", "Runbook: security", _always),
    ("monitoring.md", "Monitoring guide", _always),
    ("security.md", "Security guide", _always),
    ("disaster-recovery.md", "Disaster recovery plan", _always),
    ("cost-optimization.md", "Cost optimization", _always),
    ("blockchain-ops.md", "Blockchain operations", _chain),
    ("troubleshooting.md", "Troubleshooting guide", _always),
    ("iac-guide.md", "Infrastructure as code guide", _always),
)


@dataclass(frozen=True)
class DocStatus:
    page: str
    title: str
    path: str
    state: str  # generated | not applicable | missing
    reason: str | None = None


def docs_status(ev: Evidence) -> tuple[DocStatus, ...]:
    out = []
    for page, title, na in PAGES:
        path = f"{ev.design.docs_root}/{page}"
        reason = na(ev.design)
        if path in ev.kit:
            out.append(DocStatus(page, title, path, "generated"))
        elif reason is not None:
            out.append(DocStatus(page, title, path, "not applicable", reason))
        else:
            out.append(DocStatus(page, title, path, "missing", "not generated: run `launchbay generate`"))
    return tuple(out)


def documentation(ev: Evidence) -> Box:
    statuses = docs_status(ev)
    missing = tuple(f"{s.path} missing" for s in statuses if s.state == "missing")
    proofs = tuple(Proof(f"{s.title}", s.path) for s in statuses if s.state == "generated")
    return Box("Documentation complete", ticked=not missing, proofs=proofs, missing=missing)
