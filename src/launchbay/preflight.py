"""`launchbay preflight`: the specification's prerequisites for going to production.

Each prerequisite is PASS, FAIL or UNKNOWN with the evidence that decided it. UNKNOWN is an honest
answer ("no security audit report found"), never a polite PASS. Only `--run-tests` executes
anything from the project: its detected test commands, in its own folders, with a timeout.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from launchbay.detectors.base import evidence
from launchbay.models.profile import Evidence, ProjectProfile
from launchbay.tree import ProjectTree

Status = Literal["PASS", "FAIL", "UNKNOWN"]
NAME = "preflight"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Check(Model):
    key: str
    title: str
    status: Status
    detail: str
    evidence: tuple[Evidence, ...] = ()


class PreflightReport(Model):
    project: str
    checks: tuple[Check, ...]

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == "FAIL")


_SPRINT_HEADING = re.compile(r"^#{1,4}\s*(sprint\s*\d+.*)$", re.I)
_STATUS = re.compile(r"\bstatus\b\s*[:\-–]\s*(?P<s>.+)", re.I)
_DONE = re.compile(r"complete|done|✅|approved|finished|shipped|merged", re.I)
_OPEN = re.compile(r"in progress|todo|to do|not started|blocked|pending|🚧|⏳|wip", re.I)
_UNCHECKED = re.compile(r"^\s*[-*]\s+\[ \]\s+(?P<t>.+)$")
_CHECKED = re.compile(r"^\s*[-*]\s+\[[xX]\]\s+")
_AUDIT_PASS = re.compile(
    r"\b(approved|passed|pass|no (?:critical|high)[- ]severity|all (?:findings )?resolved)\b", re.I)
_AUDIT_FAIL = re.compile(r"\b(changes required|failed|not approved|unresolved (?:critical|high)|rejected)\b", re.I)
_VERDICT = re.compile(r"\b(verdict|status|result|outcome|conclusion)\b", re.I)
LINT_CONFIGS = (
    ".eslintrc", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.json", ".eslintrc.yml", "eslint.config.js",
    "eslint.config.mjs", "eslint.config.ts", "biome.json", "biome.jsonc", "ruff.toml", ".ruff.toml", ".flake8",
    ".golangci.yml", ".golangci.yaml", "clippy.toml", ".solhint.json", ".pre-commit-config.yaml",
)


def run_preflight(path: str | os.PathLike[str], profile: ProjectProfile, *, run_tests: bool = False,
                  timeout: int = 600) -> PreflightReport:
    """Evaluate every prerequisite against the reviewed project."""
    tree = ProjectTree(path)
    docs = {d.path: d.role for d in profile.planning_docs}
    checks = (
        _sprints(tree, profile, docs),
        _acceptance(tree, docs),
        _quality(tree),
        _audit(tree, docs),
        _tests(tree, profile, run_tests, timeout),
        _documentation(tree, docs),
    )
    return PreflightReport(project=profile.project, checks=checks)


def _lines(tree: ProjectTree, rel: str) -> Iterator[tuple[int, str]]:
    text = tree.read(rel) or ""
    yield from enumerate(text.split("\n"), start=1)


def _sprints(tree: ProjectTree, profile: ProjectProfile, docs: dict[str, str]) -> Check:
    title = "All sprints completed and approved"
    sprint_docs = [p for p, r in docs.items() if r == "sprint"]
    reviews = [f for f in profile.doc_findings if f.category == "approval"]
    if not sprint_docs and not reviews:
        return Check(key="sprints", title=title, status="UNKNOWN", detail="no sprint plan or review notes found")
    open_items: list[Evidence] = []
    done: list[Evidence] = []
    for rel in sprint_docs:
        for no, line in _lines(tree, rel):
            m = _STATUS.search(line)
            if m and _OPEN.search(m.group("s")):
                open_items.append(evidence(NAME, rel, no, line))
            elif m and _DONE.search(m.group("s")):
                done.append(evidence(NAME, rel, no, line))
    rejected = [f.evidence for f in reviews if f.value == "changes-requested"]
    approved = [f.evidence for f in reviews if f.value == "approved"]
    if open_items or rejected:
        detail = f"{len(open_items)} sprint(s) not marked complete, {len(rejected)} review(s) requesting changes"
        return Check(key="sprints", title=title, status="FAIL", detail=detail, evidence=tuple(open_items + rejected))
    if approved:
        return Check(key="sprints", title=title, status="PASS",
                     detail=f"{len(done)} sprint status line(s) complete; {len(approved)} approval(s) in review notes",
                     evidence=tuple(done + approved))
    return Check(key="sprints", title=title, status="UNKNOWN",
                 detail="no approval found in review notes", evidence=tuple(done))


def _acceptance(tree: ProjectTree, docs: dict[str, str]) -> Check:
    title = "All acceptance criteria met"
    unchecked: list[Evidence] = []
    checked = 0
    for rel, role in docs.items():
        if role not in {"sprint", "prd"}:
            continue
        for no, line in _lines(tree, rel):
            if _UNCHECKED.match(line):
                unchecked.append(evidence(NAME, rel, no, line))
            elif _CHECKED.match(line):
                checked += 1
    if unchecked:
        return Check(key="acceptance", title=title, status="FAIL",
                     detail=f"{len(unchecked)} unchecked item(s), {checked} checked", evidence=tuple(unchecked))
    if checked:
        return Check(key="acceptance", title=title, status="PASS", detail=f"{checked} checked item(s), none open")
    return Check(key="acceptance", title=title, status="UNKNOWN", detail="no acceptance-criteria checklists found")


def _quality(tree: ProjectTree) -> Check:
    title = "Code quality validated"
    configs = [f for f in tree.files if f.rsplit("/", 1)[-1] in LINT_CONFIGS]
    lint_in_ci: list[Evidence] = []
    for rel in tree.files:
        if rel.startswith(".github/workflows/") or rel == ".gitlab-ci.yml":
            for no, line in _lines(tree, rel):
                if re.search(r"\b(lint|eslint|ruff|flake8|golangci|clippy|biome|solhint|typecheck|tsc|mypy)\b", line):
                    lint_in_ci.append(evidence(NAME, rel, no, line))
                    break
    ev = tuple(evidence(NAME, c, 1, (tree.read(c) or "").split("\n", 1)[0]) for c in configs[:5])
    if configs and lint_in_ci:
        return Check(key="quality", title=title, status="PASS",
                     detail=f"{len(configs)} linter config(s); CI runs lint/type checks",
                     evidence=ev + tuple(lint_in_ci))
    if configs or lint_in_ci:
        return Check(key="quality", title=title, status="UNKNOWN",
                     detail="linters configured but not run in CI" if configs else "CI lints but no config found",
                     evidence=ev + tuple(lint_in_ci))
    return Check(key="quality", title=title, status="UNKNOWN", detail="no linter configuration or CI lint step found")


def _audit(tree: ProjectTree, docs: dict[str, str]) -> Check:
    title = "Security audit passed"
    audits = sorted(p for p, r in docs.items() if r == "security-audit")
    if not audits:
        return Check(key="audit", title=title, status="UNKNOWN", detail="no security audit report found")
    verdicts: list[tuple[bool, Evidence]] = []
    for rel in audits:
        for no, line in _lines(tree, rel):
            if not _VERDICT.search(line):
                continue
            if _AUDIT_FAIL.search(line):
                verdicts.append((False, evidence(NAME, rel, no, line)))
            elif _AUDIT_PASS.search(line):
                verdicts.append((True, evidence(NAME, rel, no, line)))
    failing = [e for ok, e in verdicts if not ok]
    if failing:
        return Check(key="audit", title=title, status="FAIL", detail="the audit's verdict is not a pass",
                     evidence=tuple(failing))
    if verdicts:
        return Check(key="audit", title=title, status="PASS", detail=f"verdict in {len(audits)} report(s)",
                     evidence=tuple(e for _, e in verdicts))
    return Check(key="audit", title=title, status="UNKNOWN", detail="audit report found but no verdict line",
                 evidence=tuple(evidence(NAME, a, 1, (tree.read(a) or "").split("\n", 1)[0]) for a in audits))


def _tests(tree: ProjectTree, profile: ProjectProfile, run: bool, timeout: int) -> Check:
    title = "Tests passing"
    commands = [(c.path, str(c.value("test_command")), c.fields["test_command"].evidence[0])
                for c in profile.components if c.value("test_command")]
    if not commands:
        return Check(key="tests", title=title, status="UNKNOWN", detail="no test command detected")
    if not run:
        return Check(key="tests", title=title, status="UNKNOWN",
                     detail=f"{len(commands)} test command(s) detected; run with --run-tests to execute them",
                     evidence=tuple(e for _, _, e in commands))
    failures: list[str] = []
    for comp, cmd, _ in commands:
        cwd = Path(tree.root, comp)
        try:
            proc = subprocess.run(["sh", "-c", cmd], cwd=cwd, capture_output=True, timeout=timeout, check=False)
            if proc.returncode != 0:
                failures.append(f"{comp}: `{cmd}` exited {proc.returncode}")
        except subprocess.TimeoutExpired:
            failures.append(f"{comp}: `{cmd}` timed out after {timeout}s")
    ev = tuple(e for _, _, e in commands)
    if failures:
        return Check(key="tests", title=title, status="FAIL", detail="; ".join(failures), evidence=ev)
    return Check(key="tests", title=title, status="PASS", detail=f"{len(commands)} test command(s) exited 0",
                 evidence=ev)


def _documentation(tree: ProjectTree, docs: dict[str, str]) -> Check:
    title = "Documentation complete"
    present = set(docs.values())
    wanted = ("prd", "sdd", "sprint")
    missing = [w for w in wanted if w not in present]
    readme = next((f for f in tree.files if f.lower() == "readme.md"), None)
    ev = tuple(evidence(NAME, p, 1, (tree.read(p) or "").split("\n", 1)[0]) for p in sorted(docs))
    if missing or readme is None:
        parts = [f"missing {', '.join(missing)}"] if missing else []
        if readme is None:
            parts.append("no README.md at the root")
        return Check(key="docs", title=title, status="FAIL", detail="; ".join(parts), evidence=ev)
    return Check(key="docs", title=title, status="PASS", detail="PRD, SDD, sprint plan and README present", evidence=ev)
