"""Preflight decides PASS / FAIL / UNKNOWN from evidence, and runs tests only when asked."""

from __future__ import annotations

from pathlib import Path

from launchbay.preflight import run_preflight
from launchbay.review import review_project
from tests.conftest import write_tree

DOCS = {
    "docs/prd.md": "# PRD\n\n## Acceptance criteria\n- [x] users can log in\n- [x] users can swap\n",
    "docs/sdd.md": "# SDD\n",
    "docs/sprint.md": "# Sprints\n\n## Sprint 1\nStatus: ✅ Completed\n\n## Sprint 2\nStatus: Completed\n",
    "docs/a2a/reviewer.md": "# Review\n\nAll good, approved for production.\n",
    "README.md": "# app\n",
}


def _checks(root: Path, run_tests: bool = False) -> dict[str, tuple[str, str]]:
    report = run_preflight(root, review_project(root), run_tests=run_tests, timeout=20)
    return {c.key: (c.status, c.detail) for c in report.checks}


def test_all_green_project(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        **DOCS,
        "SECURITY-AUDIT-REPORT.md": "# Audit\n\nVerdict: APPROVED, no critical findings.\n",
        ".eslintrc.json": "{}\n",
        ".github/workflows/ci.yml": "on: push\njobs:\n  ci:\n    steps:\n      - run: npm run lint\n",
    })
    checks = _checks(root)
    assert {k: s for k, (s, _) in checks.items()} == {
        "sprints": "PASS", "acceptance": "PASS", "quality": "PASS", "audit": "PASS",
        "tests": "UNKNOWN", "docs": "PASS",
    }


def test_open_sprint_unchecked_criteria_and_failed_audit(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {
        **DOCS,
        "docs/sprint.md": "# Sprints\n\n## Sprint 3\nStatus: In progress\n- [ ] rate limiting\n",
        "docs/a2a/reviewer.md": "# Review\n\nChanges required: fix the nonce race.\n",
        "docs/a2a/security-audit.md": "# Audit\n\nStatus: FAILED — unresolved critical finding.\n",
    })
    checks = _checks(root)
    assert checks["sprints"][0] == "FAIL"
    assert checks["acceptance"] == ("FAIL", "1 unchecked item(s), 2 checked")
    assert checks["audit"][0] == "FAIL"


def test_missing_docs_fail_and_nothing_found_is_unknown(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "p", {"main.py": "print(1)\n"})
    checks = _checks(root)
    assert checks["docs"][0] == "FAIL" and "missing prd, sdd, sprint" in checks["docs"][1]
    assert checks["sprints"][0] == checks["audit"][0] == checks["acceptance"][0] == "UNKNOWN"
