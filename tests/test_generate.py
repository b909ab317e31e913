"""Regeneration safety: unchanged reruns write nothing, edits are merged three-way (or conflict
loudly), files the user owns are never touched, and --check detects drift."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pytest
from pydantic import ValidationError

from launchbay.generate import MANIFEST, merge_three_way, render_kit, write_kit
from launchbay.models.design import Design
from launchbay.models.kit import KitFile

BODY = "".join(f"line {i}\n" for i in range(1, 21))


class Fixed:
    """A renderer that returns whatever files the test sets."""

    name = "fixed"

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def render(self, design: Design) -> Iterable[KitFile]:
        return [KitFile(path=p, content=c) for p, c in self.files.items()]


def kit(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return render_kit(None, {"fixed": Fixed(files)})  # type: ignore[arg-type]


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}


def test_unchanged_rerun_writes_nothing(tmp_path: Path) -> None:
    files = {"deploy/a.txt": BODY, "deploy/b/c.txt": "x\n"}
    first = write_kit(kit(files), tmp_path)
    assert first.count("created") == 2
    before = snapshot(tmp_path)
    again = write_kit(kit(files), tmp_path)
    assert again.written == () and again.count("unchanged") == 2
    assert snapshot(tmp_path) == before  # byte-identical and not even rewritten (same mtimes)


def test_user_edit_survives_a_regeneration_that_changes_nearby_lines(tmp_path: Path) -> None:
    write_kit(kit({"deploy/a.txt": BODY}), tmp_path)
    target = tmp_path / "deploy/a.txt"
    target.write_text(BODY.replace("line 10\n", "line 10 (tuned by ops)\n"))
    new = BODY.replace("line 8\n", "line 8 v2\n").replace("line 12\n", "line 12 v2\n")
    report = write_kit(kit({"deploy/a.txt": new}), tmp_path)
    assert report.actions["deploy/a.txt"] == "merged"
    text = target.read_text()
    assert "line 10 (tuned by ops)" in text and "line 8 v2" in text and "line 12 v2" in text
    # Next run with the same inputs keeps the edit and writes nothing.
    again = write_kit(kit({"deploy/a.txt": new}), tmp_path)
    assert again.actions["deploy/a.txt"] == "kept-user-edit" and target.read_text() == text


def test_conflicting_edit_leaves_markers_and_is_reported(tmp_path: Path) -> None:
    write_kit(kit({"deploy/a.txt": BODY}), tmp_path)
    target = tmp_path / "deploy/a.txt"
    target.write_text(BODY.replace("line 10\n", "line 10 mine\n"))
    report = write_kit(kit({"deploy/a.txt": BODY.replace("line 10\n", "line 10 theirs\n")}), tmp_path)
    assert report.conflicts == ("deploy/a.txt",)
    text = target.read_text()
    assert "<<<<<<< your edit" in text and "line 10 mine" in text and "line 10 theirs" in text
    assert write_kit(kit({"deploy/a.txt": BODY.replace("line 10\n", "line 10 theirs\n")}), tmp_path).conflicts


def test_files_the_user_owns_are_never_touched(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM mine\n")
    report = write_kit(kit({"Dockerfile": "FROM generated\n"}), tmp_path)
    assert report.actions["Dockerfile"] == "user-owned"
    assert (tmp_path / "Dockerfile").read_text() == "FROM mine\n"


def test_check_reports_drift_without_writing(tmp_path: Path) -> None:
    write_kit(kit({"deploy/a.txt": BODY}), tmp_path)
    manifest = (tmp_path / MANIFEST).read_text()
    report = write_kit(kit({"deploy/a.txt": BODY + "more\n", "deploy/new.txt": "n\n"}), tmp_path, check=True)
    assert set(report.written) == {"deploy/a.txt", "deploy/new.txt"}
    assert (tmp_path / "deploy/a.txt").read_text() == BODY and not (tmp_path / "deploy/new.txt").exists()
    assert (tmp_path / MANIFEST).read_text() == manifest


def test_paths_outside_the_project_are_refused() -> None:
    for bad in ("../x", "/etc/passwd", "a/../../b", "a//b"):
        with pytest.raises(ValidationError):
            KitFile(path=bad, content="")


def test_merge_three_way_is_git_merge_file() -> None:
    text, conflicted = merge_three_way("1\n2\n3\n4\n5\nB\n7\n", "1\n2\n3\n4\n5\nb\n7\n", "A\n2\n3\n4\n5\nb\n7\n")
    assert (text, conflicted) == ("A\n2\n3\n4\n5\nB\n7\n", False)
    _, adjacent = merge_three_way("a\nB\nc\n", "a\nb\nc\n", "A\nb\nc\n")
    assert adjacent  # edits on neighbouring lines conflict rather than guess


def test_executable_bit(tmp_path: Path) -> None:
    render = render_kit(None, {"x": type("R", (), {  # type: ignore[arg-type]
        "name": "x", "render": lambda self, d: [KitFile(path="deploy/run.sh", content="#!/bin/sh\n", executable=True)],
    })()})
    write_kit(render, tmp_path)
    assert os.access(tmp_path / "deploy/run.sh", os.X_OK)


def test_secrets_that_cannot_be_wired_are_listed_and_nothing_is_rendered() -> None:
    from launchbay.generate import UnwiredError
    from tests.kit.support import design

    d = design("evm-dapp", security=frozenset({("secrets_manager", "azure-key-vault")}))
    with pytest.raises(UnwiredError) as exc:
        render_kit(d)
    assert "@vaultline/api: JWT_SECRET" in exc.value.message
    assert "RELAYER_PRIVATE_KEY" not in exc.value.message  # replaced by the signer, not a stored secret
    assert "aws-secrets-manager" in (exc.value.hint or "")
