"""Each example's whole kit: generated into a copy of the project (so the project's own files are
there and stay untouched), validated strictly by every real tool, pinned by a golden of file hashes,
and checked for the invariants (no secret values, no `latest`, byte-identical rerun)."""

from __future__ import annotations

import json
import os
import shutil
from functools import cache
from pathlib import Path

import pytest

from launchbay.answersfile import load_answers
from launchbay.generate import render_kit, write_kit
from launchbay.models.kit import Kit
from launchbay.plan import build_design
from launchbay.review import review_project
from launchbay.secretscan import secret_kind
from launchbay.validate import validate_kit

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")


@cache
def kit(name: str) -> Kit:
    project = ROOT / "examples" / name
    return render_kit(build_design(review_project(project), load_answers(project / "launchbay.yaml")))


def _project_copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copytree(ROOT / "examples" / name, dest)
    return dest


@pytest.mark.parametrize("name", EXAMPLES)
def test_kit_matches_golden(name: str) -> None:
    golden = ROOT / "tests" / "golden" / "kit" / f"{name}.json"
    got = json.dumps({f.path: f.sha256 for f in kit(name).files}, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        assert not os.environ.get("CI"), "goldens are never rewritten in CI"
        golden.write_text(got)
    assert golden.exists(), f"no golden for {name}: UPDATE_GOLDEN=1 pytest {__file__}"
    assert got == golden.read_text(), f"kit for {name} changed; review and UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize("name", EXAMPLES)
def test_kit_invariants(name: str) -> None:
    for f in kit(name).files:
        for no, line in enumerate(f.content.splitlines(), start=1):
            assert secret_kind(line) is None, f"{f.path}:{no} looks like a secret value"
            assert ":latest" not in line, f"{f.path}:{no} uses a latest tag"
        assert f.content.endswith("\n") and "\r" not in f.content


@pytest.mark.validator
@pytest.mark.parametrize("name", EXAMPLES)
def test_kit_passes_every_validator_strictly(tmp_path: Path, name: str) -> None:
    project = _project_copy(tmp_path, name)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    report = write_kit(kit(name), project)
    assert not report.conflicts
    for path, content in before.items():  # the project's own files are never changed
        assert path.read_bytes() == content, path
    strict = os.environ.get("LAUNCHBAY_STRICT") == "1"
    result = validate_kit(project, strict=strict)
    failures = [(r.validator, r.summary, r.findings[:5]) for r in result.failed]
    assert not failures, failures
    assert result.results, "validators ran"
    again = write_kit(kit(name), project)
    assert again.written == ()  # an unchanged rerun writes nothing
