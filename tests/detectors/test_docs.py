"""Docs detector: planning-doc layouts, quoted findings, normalised targets, README ports."""

from __future__ import annotations

from launchbay.detectors.docs import DocsDetector, doc_role
from tests.conftest import assert_evidence_holds, run_detector, values_of

PRD = """# Product Requirements

## Goals
- Let 5,000 daily active users swap tokens on Base mainnet.

## Non-functional requirements
The API must keep p95 latency under 300 ms and 99.9% uptime. We must be GDPR compliant; SOC 2 Type II is planned.
Peak load is 50 requests per second.

```
p95 latency 1 ms inside a code fence is ignored
```
"""

SDD = """# System design
We use PostgreSQL 16 and Redis 7 with Node.js 20. RPC comes from Alchemy.
Availability target: 99.95% uptime.
"""


def test_doc_roles_in_every_layout() -> None:
    assert doc_role("docs/prd.md") == "prd"
    assert doc_role("grimoires/loa/sdd.md") == "sdd"
    assert doc_role("loa-grimoire/sprint.md") == "sprint"
    assert doc_role("docs/a2a/reviewer.md") == "review"
    assert doc_role("grimoires/loa/a2a/sprint-2/reviewer.md") == "review"
    assert doc_role("grimoires/loa/a2a/integration-context.md") == "integration-context"
    assert doc_role("grimoires/loa/a2a/audits/2026-10-security-audit.md") == "security-audit"
    assert doc_role("SECURITY-AUDIT-REPORT.md") == "security-audit"
    assert doc_role("src/prd.md") is None
    assert doc_role("docs/guide.md") is None


def test_findings_are_quoted_and_targets_normalised(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({"docs/prd.md": PRD, "docs/sdd.md": SDD, "package.json": "{}"})
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "planning_doc") == {"prd", "sdd"}
    assert values_of(facts, "doc.compliance") == {"GDPR", "SOC 2"}
    assert values_of(facts, "target.dau") == {5000}
    assert values_of(facts, "target.rps") == {50}
    assert values_of(facts, "target.latency_p95_ms") == {300}
    # PRD and SDD disagree on uptime: both are kept for the assembler to report.
    assert values_of(facts, "target.uptime") == {"99.9", "99.95"}
    assert {"PostgreSQL 16", "Redis 7", "Node.js 20", "Base mainnet"} <= values_of(facts, "doc.technology")
    assert values_of(facts, "doc.integration") == {"Alchemy"}
    goals = [f for f in facts if f.kind == "doc.business_goal"]
    assert goals and goals[0].evidence.quote == "Let 5,000 daily active users swap tokens on Base mainnet."


def test_readme_port_is_attributed_to_its_component(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "api/pyproject.toml": "[project]\nname='api'\n",
        "api/README.md": "# API\n\nThe API listens on port 8000 by default.\n",
        "web/package.json": "{}",
        "README.md": "Open http://localhost:3000 to see the app.\n",
    })
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    ports = [(f.subject, f.value, f.priority) for f in facts if f.kind == "port"]
    assert ports == [("api", 8000, 40)]


def test_budget_team_size_and_table_rows(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "docs/prd.md": (
            "# PRD\nHosting target under USD 10 per month.\nOps: two people on the team, one engineer on call.\n"
            "| Alerts | Discord `#ops-alerts` for alerts |\n"
        ),
        "docs/sdd.md": "# SDD\nBudget: $1,500/month at most.\n",
    })
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "target.budget_usd_month") == {10, 1500}
    assert values_of(facts, "target.team_size") == {2, 1}
    rows = [f for f in facts if f.evidence.line == 4 and f.evidence.file == "docs/prd.md"]
    assert rows and all(f.evidence.quote == "| Alerts | Discord `#ops-alerts` for alerts |" for f in rows)
