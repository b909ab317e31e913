"""Docs detector: planning-doc layouts, quoted findings, normalised targets, README ports."""

from __future__ import annotations

import pytest

from launchbay.detectors import docs as docs_module
from launchbay.detectors.docs import DocsDetector, doc_role
from launchbay.detectors.docs_patterns import approval_of
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
    # "two people on the team, one engineer on call": the line's first figure is the target
    assert values_of(facts, "target.team_size") == {2}
    rows = [f for f in facts if f.evidence.line == 4 and f.evidence.file == "docs/prd.md"]
    assert rows and all(f.evidence.quote == "| Alerts | Discord `#ops-alerts` for alerts |" for f in rows)


def test_integration_is_reported_once_per_doc_at_its_first_mention(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "docs/sdd.md": "# SDD\nThe bot talks to Discord.\nDiscord rate limits apply.\n\nMore Discord notes.\n",
        "docs/sprint.md": "# Sprint\n- [ ] wire the discord gateway\n- [ ] Discord slash commands\n",
    })
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    found = sorted((f.evidence.file, f.evidence.line) for f in facts if f.kind == "doc.integration")
    assert found == [("docs/sdd.md", 2), ("docs/sprint.md", 2)]


@pytest.mark.parametrize(("line", "verdict"), [
    ("**Verdict:** All good — approved for staging.", "approved"),
    ("> **Verdict**: **All good** — proceed to audit", "approved"),
    ("## Decision: ALL GOOD", "approved"),
    ("## Status: REVIEW_APPROVED", "approved"),
    ("**Decision**: **APPROVED** *(one bug fixed inline)*", "approved"),
    ("All good.", "approved"),
    ("All good (with noted concerns)", "approved"),
    ("APPROVED - ship it", "approved"),
    ("Approved for audit. Two follow-ups are non-blocking.", "approved"),
    ("**Verdict:** **CHANGES_REQUIRED** (2 blocking, 3 non-blocking)", "changes-requested"),
    ("Changes required: fix the nonce race.", "changes-requested"),
    ("Status: Not approved", "changes-requested"),
    ("Absolute paths rejected unless the override flag is set", None),
    ("| Oversized payload rejected | PASS |", None),
    ("- **Status**: Rejected as a duplicate", None),
    ("Proceed to the audit. No changes required.", None),
    ("**Approach**: per the Decision Log, tasks were swapped; changes requested earlier are done.", None),
    ("Rejected inputs return a 400.", None),
])
def test_only_verdict_like_lines_decide_approval(line: str, verdict: str | None) -> None:
    assert approval_of(line) == verdict


def test_a_review_reports_its_last_verdict_only(tree_at) -> None:  # type: ignore[no-untyped-def]
    review = (
        "# Sprint 3 review\n\n**Verdict:** **CHANGES_REQUIRED**\n\n- Empty input rejected (exit 2)\n"
        "Oversized uploads rejected before parsing.\n\n## Round 2\n\n**Verdict:** All good\n"
    )
    report = "# Implementation report\n\nAbsolute paths rejected unless ALLOW_ABS=1 is set.\n"
    root = tree_at({"docs/a2a/sprint-3/engineer-feedback.md": review, "docs/a2a/sprint-3/reviewer.md": report})
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    approvals = [(f.value, f.evidence.file, f.evidence.line) for f in facts if f.kind == "doc.approval"]
    assert approvals == [("approved", "docs/a2a/sprint-3/engineer-feedback.md", 10)]


def test_audit_role_needs_an_audit_report_not_any_audit_word() -> None:
    assert doc_role("docs/SECURITY_AUDIT.md") == "security-audit"
    assert doc_role("docs/security/audit-2026-q1.md") == "security-audit"
    assert doc_role("docs/audit-report.md") == "security-audit"
    assert doc_role("grimoires/loa/auditor-findings.md") == "security-audit"
    assert doc_role("grimoires/loa/runbooks/audit-log-recovery.md") is None
    assert doc_role("grimoires/loa/runbooks/security-audit-checklist.md") is None
    assert doc_role("grimoires/loa/trajectory-audit.md") is None
    assert doc_role("docs/audit-trail.md") is None


def test_archived_docs_are_listed_but_current_docs_decide(tree_at) -> None:  # type: ignore[no-untyped-def]
    old = "# PRD (cycle 1)\n\n## Goals\n- Serve 500 DAU.\n\nThe API p95 latency is under 200 ms via Alchemy.\n"
    root = tree_at({
        "grimoires/loa/prd.md": "# PRD\n\n| NFR-1 | Resolve < 100ms p95 (local spine) |\n",
        "grimoires/loa/archive/2026-01-cycle-1/prd.md": old,
        "grimoires/loa/cycles/cycle-002/sdd.md": "# SDD\nAvailability target: 99.5% uptime.\n",
        "grimoires/sprint.md": "---\ntitle: old plan\nstatus: SUPERSEDED by grimoires/loa/sprint.md\n---\n# Plan\n"
                               "Peak load is 50 requests per second.\n",
        "docs/a2a/old/reviewer.md": "# Review\n\nChanges required: everything.\n",
    })
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    assert {(f.evidence.file, f.value) for f in facts if f.kind == "planning_doc"} == {
        ("grimoires/loa/prd.md", "prd"),
        ("grimoires/loa/archive/2026-01-cycle-1/prd.md", "prd (archived)"),
        ("grimoires/loa/cycles/cycle-002/sdd.md", "sdd (archived)"),
        ("grimoires/sprint.md", "sprint (archived)"),
        ("docs/a2a/old/reviewer.md", "review (archived)"),
    }
    assert values_of(facts, "target.latency_p95_ms") == {100}
    assert {f.evidence.file for f in facts if f.kind != "planning_doc"} == {"grimoires/loa/prd.md"}


def test_heading_categories_only_in_prd_sdd_and_sprint(tree_at) -> None:  # type: ignore[no-untyped-def]
    section = "## Goals\n- Ship the swap flow.\n\n## Security\n- Rotate the relayer key.\n"
    root = tree_at({
        "docs/prd.md": "# PRD\n" + section,
        "docs/a2a/reviewer.md": "# Review\n" + section,
        "docs/a2a/audits/security-audit.md": "# Audit\n" + section,
    })
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    for kind in ("doc.business_goal", "doc.security"):
        assert {f.evidence.file for f in facts if f.kind == kind} == {"docs/prd.md"}
    goals = [f for f in facts if f.kind == "doc.business_goal"]
    assert [(f.value, f.evidence.line) for f in goals] == [("Ship the swap flow.", 3)]


@pytest.mark.parametrize(("line", "p95", "p99"), [
    ("Resolve < 100ms p95 on the hot path.", {100}, set()),
    ("Reads stay at 100 ms p95.", {100}, set()),
    ("Target: p95 < 100ms.", {100}, set()),
    ("Latency 100ms (p95), 300 ms (p99).", {100}, {300}),
    ("Budgets: 100ms p95, 300ms p99.", {100}, {300}),
    ("Budgets: p95 100ms, p99 300ms.", {100}, {300}),
    ("The p95 latency stays under 1.5 s for exports.", {1500}, set()),
])
def test_latency_forms(tree_at, line: str, p95: set[int], p99: set[int]) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({"docs/sdd.md": f"# SDD\n{line}\n"})
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "target.latency_p95_ms") == p95
    assert values_of(facts, "target.latency_p99_ms") == p99


def test_technology_versions_have_at_most_three_digits(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({"docs/sdd.md": "# SDD\nSIWE on Base 8453 with Node 20 and PostgreSQL 16.4.\n"})
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "doc.technology") == {"Node 20", "PostgreSQL 16.4"}


def test_word_gates_never_hide_a_finding(tree_at, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The per-line prefilter is an optimisation only: with every gate forced open, nothing new appears."""
    root = tree_at({
        "docs/prd.md": PRD,
        "docs/sdd.md": SDD + "Hosting under $40/mo; 3 backend engineers. 2 TB of data per year. SOC2 and KYC.\n"
                             "Serve 10k MAU at 200 req/s with 99.9% SLA; sign in via SIWE, RPC from QuickNode.\n",
        "docs/sprint.md": "# Sprint\n- [ ] TODO: rate limiting before deployment (k8s)\n",
        "docs/a2a/reviewer.md": "# Review\nFollow-up: set up monitoring on Vercel.\n\nAll good.\n",
    })
    gated = sorted((f.kind, str(f.value), f.evidence.line) for f in run_detector(DocsDetector(), root))
    everything = list(docs_module._ANY_GATE)

    class _AllWords:
        def findall(self, _: str) -> list[str]:
            return everything

    monkeypatch.setattr(docs_module, "_LINE_WORDS", _AllWords())
    ungated = sorted((f.kind, str(f.value), f.evidence.line) for f in run_detector(DocsDetector(), root))
    assert gated == ungated
    kinds = {kind for kind, _, _ in gated}
    assert {"doc.compliance", "target.budget_usd_month", "target.team_size", "target.data_volume_gb",
            "target.mau", "target.rps", "target.uptime", "doc.integration", "doc.tech_debt",
            "doc.infra_note", "doc.approval"} <= kinds


def test_one_target_per_line_but_every_figure_is_a_finding(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({"docs/prd.md": "# PRD\n| NFR-1 | Resolve < 100ms p95 (spine); compose profile < 800ms p95 |\n"})
    facts = run_detector(DocsDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "target.latency_p95_ms") == {100}
    assert values_of(facts, "doc.performance") == {"100ms p95", "800ms p95"}
