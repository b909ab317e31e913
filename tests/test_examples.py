"""The bundled examples, reviewed, must match hand-written ground truth (tests/expected/*.yaml).

The ground truth was written by reading the examples, not by running launchbay, so a change that
makes review miss or invent a service, port, env var, key or conflict fails here. Beside it, the
invariants: every piece of evidence quotes its line, and reviewing twice gives identical output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.models.profile import ProjectProfile
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = sorted((ROOT / "tests" / "expected").glob("*.yaml"))


def _profile(name: str) -> ProjectProfile:
    return review_project(ROOT / "examples" / name)


@pytest.fixture(scope="module", params=[p.stem for p in EXPECTED])
def case(request: pytest.FixtureRequest) -> tuple[dict[str, Any], ProjectProfile]:
    expected = yaml.safe_load((ROOT / "tests" / "expected" / f"{request.param}.yaml").read_text())
    return expected, _profile(request.param)


def test_examples_have_ground_truth() -> None:
    examples = sorted(p.name for p in (ROOT / "examples").iterdir() if p.is_dir())
    assert examples and examples == [p.stem for p in EXPECTED]


def test_components_and_kinds(case: tuple[dict[str, Any], ProjectProfile]) -> None:
    expected, profile = case
    assert {c.path: c.kind for c in profile.components} == {
        path: spec["kind"] for path, spec in expected["components"].items()
    }


def test_fields_and_lists(case: tuple[dict[str, Any], ProjectProfile]) -> None:
    expected, profile = case
    problems = []
    for path, spec in expected["components"].items():
        comp = profile.component(path)
        for field, want in (spec.get("fields") or {}).items():
            got = comp.value(field)
            if got != want:
                problems.append(f"{path} {field}: expected {want!r}, got {got!r}")
        for field, want in (spec.get("lists") or {}).items():
            got = sorted(str(v) for v in comp.values(field))
            if got != sorted(str(v) for v in want):
                problems.append(f"{path} {field}: expected {sorted(want)}, got {got}")
        for field in comp.lists:
            if field in _CHECKED_LISTS and field not in (spec.get("lists") or {}) and comp.values(field):
                problems.append(f"{path} {field}: unexpected {list(comp.values(field))}")
    assert not problems, "\n".join(problems)


_CHECKED_LISTS = {"health_endpoint", "migration_tool", "web3_library", "chain", "chain_id", "ecosystem",
                  "contract_toolchain", "indexer", "rpc_env"}


def test_env_vars(case: tuple[dict[str, Any], ProjectProfile]) -> None:
    expected, profile = case
    problems = []
    for path, spec in expected["components"].items():
        comp = profile.component(path)
        got = {v.name: v.secret_class for v in comp.env_vars}
        want = spec.get("env") or {}
        if got != want:
            missing = {k: v for k, v in want.items() if k not in got}
            extra = {k: v for k, v in got.items() if k not in want}
            wrong = {k: (want[k], got[k]) for k in want.keys() & got.keys() if want[k] != got[k]}
            problems.append(f"{path}: missing {missing} extra {extra} wrong class {wrong}")
        unread = sorted(v.name for v in comp.env_vars if v.unread)
        undocumented = sorted(v.name for v in comp.env_vars if v.undocumented)
        if unread != sorted(spec.get("env_unread") or []):
            problems.append(f"{path}: documented-but-unread {unread}, expected {spec.get('env_unread')}")
        if undocumented != sorted(spec.get("env_undocumented") or []):
            problems.append(f"{path}: read-but-undocumented {undocumented}, expected {spec.get('env_undocumented')}")
    assert not problems, "\n".join(problems)


def test_backing_services(case: tuple[dict[str, Any], ProjectProfile]) -> None:
    expected, profile = case
    for path, spec in expected["components"].items():
        comp = profile.component(path)
        got = {b.name: "required" if b.required else "optional" for b in comp.backing_services}
        assert got == (spec.get("backing") or {}), path


def test_signing_keys_and_conflicts(case: tuple[dict[str, Any], ProjectProfile]) -> None:
    expected, profile = case
    assert {(k.name, k.component, k.key_type) for k in profile.signing_keys} == {
        (k["name"], k["component"], k["key_type"]) for k in expected.get("signing_keys") or []
    }
    assert {(c.subject, c.field, frozenset(a.value for a in c.values)) for c in profile.conflicts} == {
        (c["subject"], c["field"], frozenset(c["values"])) for c in expected.get("conflicts") or []
    }


def test_deploy_files_and_docs(case: tuple[dict[str, Any], ProjectProfile]) -> None:
    expected, profile = case
    active: dict[str, set[str]] = {}
    inert: set[str] = set()
    for item in profile.project_facts.get("deploy_file", ()):
        files = {e.file for e in item.evidence}
        if item.detail and item.detail.startswith("inert"):
            inert |= files
        else:
            active.setdefault(str(item.value), set()).update(files)
    assert active == {k: set(v) for k, v in (expected.get("deploy_files") or {}).items()}
    assert inert == set(expected.get("inert_deploy_files") or [])
    assert {d.path: d.role for d in profile.planning_docs} == (expected.get("planning_docs") or {})


def _evidence(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if {"detector", "file", "line", "quote"} <= node.keys() else []
        for value in node.values():
            found.extend(_evidence(value))
        return found
    if isinstance(node, list):
        return [e for item in node for e in _evidence(item)]
    return []


@pytest.mark.parametrize("name", [p.stem for p in EXPECTED])
def test_every_evidence_quotes_its_line(name: str) -> None:
    data = _profile(name).model_dump(mode="json")
    evidence = _evidence(data)
    assert evidence, "a reviewed example must carry evidence"
    base = ROOT / "examples" / name
    for ev in evidence:
        lines = (base / ev["file"]).read_text(encoding="utf-8", errors="replace").splitlines()
        assert 1 <= ev["line"] <= len(lines), ev
        assert ev["quote"] in lines[ev["line"] - 1], ev


@pytest.mark.parametrize("name", [p.stem for p in EXPECTED])
def test_review_is_deterministic(name: str) -> None:
    assert _profile(name).model_dump_json() == _profile(name).model_dump_json()
