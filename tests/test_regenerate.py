"""Regeneration of a real kit through the real CLI (evm-dapp, in a temp copy of the project):
an unchanged rerun writes nothing (bytes and mtimes measured), `--check` exits 1 on drift, a user
edit survives a Design change to nearby lines (three-way merge), and an edit of the same line
leaves conflict markers, exit 1, and every other file fully written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from launchbay.answersfile import load_answers
from launchbay.generate import BASE_DIR, CONFLICT_MARK, MANIFEST, render_kit
from launchbay.plan import build_design
from launchbay.review import review_project

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "evm-dapp"
MAIN_TF = "deploy/terraform/envs/production/main.tf"
LAUNCHBAY = Path(sys.executable).with_name("launchbay")
USER_LINE = "      # ops: api port agreed with the partner firewall team (ticket OPS-142)"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LAUNCHBAY), *args], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "COLUMNS": "250", "NO_COLOR": "1"})


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


def fresh(project: Path) -> dict[str, str]:
    """What launchbay would generate now for the project's answers (independent of the CLI run)."""
    design = build_design(review_project(project), load_answers(project / "launchbay.yaml"))
    return {f.path: f.content for f in render_kit(design).files}


def set_peak_rps(project: Path, rps: int) -> None:
    answers = project / "launchbay.yaml"
    text = answers.read_text(encoding="utf-8")
    assert "  peak_rps: 50\n" in text
    answers.write_text(text.replace("  peak_rps: 50\n", f"  peak_rps: {rps}\n"), encoding="utf-8")


def api_block_line(text: str, key: str) -> int:
    """Index of the `key = …` line inside the api service block of an environment root."""
    lines = text.splitlines()
    start = lines.index("    api = {")
    return next(i for i in range(start, len(lines)) if lines[i].strip().startswith(f"{key} "))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "evm-dapp"
    shutil.copytree(EXAMPLE, root)
    first = cli("generate", str(root))
    assert first.returncode == 0, first.stdout + first.stderr
    return root


def test_unchanged_rerun_writes_nothing_and_check_passes(project: Path) -> None:
    before = snapshot(project)
    again = cli("generate", str(project))
    assert again.returncode == 0, again.stderr
    assert "wrote 0 file(s)" in again.stdout
    assert snapshot(project) == before  # byte-identical, and not even rewritten (mtimes unchanged)
    check = cli("generate", str(project), "--check")
    assert check.returncode == 0 and "would write 0 file(s)" in check.stdout
    # Reviewing the project again does not mistake the kit for the project's own files: the Dockerfile
    # launchbay wrote is still launchbay's to regenerate, not an "existing Dockerfile" to leave alone.
    assert {"apps/web/Dockerfile", "apps/indexer/Dockerfile"} <= set(fresh(project))


def test_a_user_edit_survives_a_design_change_on_nearby_lines(project: Path) -> None:
    path = project / MAIN_TF
    generated = path.read_text(encoding="utf-8")
    lines = generated.splitlines()
    assert lines[api_block_line(generated, "desired_count")].endswith("= 2")
    port = api_block_line(generated, "port")
    assert port - api_block_line(generated, "max_count") == 2  # two unchanged lines between edit and change
    lines.insert(port + 1, USER_LINE)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    set_peak_rps(project, 400)  # the plan now needs 4..8 api and web tasks in production
    before = snapshot(project)
    drift = cli("generate", str(project), "--check")
    assert drift.returncode == 1 and "kit drift" in drift.stderr + drift.stdout
    assert snapshot(project) == before  # --check writes nothing

    run = cli("generate", str(project))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"merged          {MAIN_TF}" in run.stdout
    expected_new = fresh(project)
    new_lines = expected_new[MAIN_TF].splitlines()
    assert new_lines[api_block_line(expected_new[MAIN_TF], "desired_count")].endswith("= 4")  # the Design changed
    new_lines.insert(api_block_line(expected_new[MAIN_TF], "port") + 1, USER_LINE)
    assert path.read_text(encoding="utf-8") == "\n".join(new_lines) + "\n"  # both: the edit and the change
    for rel, text in expected_new.items():  # every file the user did not touch is exactly the new rendering
        if rel != MAIN_TF:
            assert (project / rel).read_text(encoding="utf-8") == text, rel

    settled = snapshot(project)
    rerun = cli("generate", str(project))
    assert rerun.returncode == 0 and "wrote 0 file(s)" in rerun.stdout
    assert f"kept-user-edit  {MAIN_TF}" in rerun.stdout
    assert snapshot(project) == settled


def test_an_edit_of_the_same_line_conflicts_loudly_and_nothing_is_half_written(project: Path) -> None:
    path = project / MAIN_TF
    lines = path.read_text(encoding="utf-8").splitlines()
    desired = api_block_line("\n".join(lines), "desired_count")
    lines[desired] = lines[desired].replace("= 2", "= 3")
    mine = "\n".join(lines) + "\n"
    path.write_text(mine, encoding="utf-8")

    set_peak_rps(project, 400)
    run = cli("generate", str(project))
    assert run.returncode == 1
    assert f"conflict        {MAIN_TF}" in run.stdout and "merge conflicts" in run.stderr + run.stdout
    text = path.read_text(encoding="utf-8")
    assert CONFLICT_MARK in text and ">>>>>>> launchbay" in text
    ours = text[text.index(CONFLICT_MARK):text.index(">>>>>>> launchbay")]
    assert "desired_count     = 3" in ours and "desired_count     = 4" in ours

    expected_new = fresh(project)
    for rel, content in expected_new.items():  # everything else is whole and current
        if rel != MAIN_TF:
            assert (project / rel).read_text(encoding="utf-8") == content, rel
        assert (project / BASE_DIR / rel).read_text(encoding="utf-8") == content, rel
    assert not [p for p in project.rglob("*") if p.name.endswith(".launchbay-tmp")]
    manifest = json.loads((project / MANIFEST).read_text(encoding="utf-8"))
    assert set(expected_new) <= set(manifest["files"])

    before = snapshot(project)
    again = cli("generate", str(project))  # still unresolved: fails again, touches nothing
    assert again.returncode == 1 and snapshot(project) == before
