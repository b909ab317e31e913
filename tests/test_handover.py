"""Handover: every ticked box links to evidence that exists; removing the evidence unticks the box;
`ship` runs the whole golden path; `record` writes attestations to the ledger."""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from launchbay.cli import main
from launchbay.generate import render_kit, write_kit
from launchbay.handover import build_handover, checklist, run_handover
from launchbay.handover.evidence import load_evidence
from launchbay.ledger import Ledger
from launchbay.validate import ValidationReport, write_evidence
from launchbay.validators.base import Result
from launchbay.validators.consistency import ConsistencyValidator
from tests.kit.support import STRICT, design
from tests.test_deploy import App, app, calls, fakes  # noqa: F401  (fixtures)
from tests.test_deploy import _project as deploy_project

ROOT = Path(__file__).resolve().parents[1]
SCANNERS = ("checkov", "trivy", "consistency", "terraform", "actionlint")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def passing_report(*names: str, status: str = "PASS") -> ValidationReport:
    return ValidationReport(results=tuple(Result(n, status, "ok") for n in names), strict=True, seconds=0.1)  # type: ignore[arg-type]


@pytest.fixture()
def kit_root(tmp_path: Path) -> Path:
    write_kit(render_kit(design("evm-dapp")), tmp_path)
    return tmp_path


def boxes_by_title(root: Path, name: str = "evm-dapp"):  # type: ignore[no-untyped-def]
    return {b.title: b for b in checklist(load_evidence(root, design(name)))}


def test_nothing_is_ticked_without_evidence(kit_root: Path) -> None:
    boxes = boxes_by_title(kit_root)
    # the generated pages are themselves the evidence for the docs box; nothing else is ticked yet
    assert [t for t, b in boxes.items() if b.ticked] == ["Documentation complete"]
    assert all(b.proofs and all(p.link.endswith(".md") for p in b.proofs)
               for b in boxes.values() if b.ticked)
    assert "no validation run recorded" in " ".join(boxes["Security hardening complete"].missing)


def test_validated_and_applied_kit_ticks_security_and_removing_evidence_unticks(tmp_path: Path) -> None:
    write_kit(render_kit(design("discord-bot")), tmp_path)
    write_evidence(passing_report(*SCANNERS), tmp_path)
    box = boxes_by_title(tmp_path, "discord-bot")["Security hardening complete"]
    assert not box.ticked and "not applied to production yet" in box.missing[0]  # validated files alone
    Ledger(tmp_path).record(action="apply", environment="production", version="v1", outcome="succeeded",
                            detail={"summary": True})
    box = boxes_by_title(tmp_path, "discord-bot")["Security hardening complete"]
    assert box.ticked and box.proofs[0].link == ".launchbay/evidence/validation.json"
    (tmp_path / ".launchbay/evidence/validation.json").unlink()
    assert not boxes_by_title(tmp_path, "discord-bot")["Security hardening complete"].ticked


def test_a_withheld_raw_signing_key_blocks_security_and_heads_the_handover(kit_root: Path) -> None:
    write_evidence(passing_report(*SCANNERS), kit_root)
    Ledger(kit_root).record(action="apply", environment="production", version="v1", outcome="succeeded",
                            detail={"summary": True})
    box = boxes_by_title(kit_root)["Security hardening complete"]
    assert not box.ticked
    assert box.missing == ("@vaultline/api still reads the raw key RELAYER_PRIVATE_KEY: change the code to sign "
                           "through the signer",)
    run_handover(kit_root, design("evm-dapp"))
    text = (kit_root / "docs/deployment/HANDOVER.md").read_text()
    assert text.index("## Blockers before the first deploy") < text.index("## Completion checklist")
    assert "reads the raw signing key `RELAYER_PRIVATE_KEY`" in text


def test_a_failed_validator_or_an_edited_kit_does_not_tick(kit_root: Path) -> None:
    write_evidence(passing_report(*SCANNERS[:2], "consistency", status="FAIL"), kit_root)
    assert not boxes_by_title(kit_root)["Security hardening complete"].ticked
    write_evidence(passing_report(*SCANNERS), kit_root)
    workflow = kit_root / ".github/workflows/launchbay-ci.yml"
    workflow.write_text(workflow.read_text() + "# edited after validation\n")
    box = boxes_by_title(kit_root)["Security hardening complete"]
    assert not box.ticked and "older kit" in box.missing[0]


def test_ledger_attestations_tick_and_removing_the_ledger_unticks(kit_root: Path) -> None:
    ledger = Ledger(kit_root)
    ledger.record(action="attest", environment="production", version="abc", outcome="succeeded",
                  detail={"kind": "access-review", "note": "SSO groups reviewed"})
    ledger.record(action="attest", environment="production", version="abc", outcome="failed",
                  detail={"kind": "dr-drill", "note": "restore took too long"})
    ledger.record(action="attest", environment="production", version="abc", outcome="succeeded",
                  detail={"kind": "backup-restore", "note": "restored to staging"})
    boxes = boxes_by_title(kit_root)
    assert boxes["Team access configured"].ticked
    backups = boxes["Backups configured and tested"]
    assert not backups.ticked, "a failed drill is not evidence of a tested DR plan"
    assert any("disaster-recovery drill" in m for m in backups.missing)
    (kit_root / ".launchbay/ledger.sqlite").unlink()
    assert not boxes_by_title(kit_root)["Team access configured"].ticked


def test_production_smoke_ticks_application_and_dns_only_with_staging_and_domain(kit_root: Path) -> None:
    ledger = Ledger(kit_root)
    url = "https://vaultline.example.com"
    ledger.record(action="smoke", environment="production", version="v2", outcome="succeeded",
                  detail={"services": {"api": {"base_url": url, "passed": True}}})
    boxes = boxes_by_title(kit_root)
    assert not boxes["Application deployed to production"].ticked  # v2 never passed staging
    assert boxes["DNS and domains configured"].ticked
    ledger.record(action="smoke", environment="staging", version="v2", outcome="succeeded",
                  detail={"services": {"api": {"base_url": "https://staging.vaultline.example.com", "passed": True}}})
    ledger.record(action="smoke", environment="production", version="v2", outcome="succeeded",
                  detail={"services": {"api": {"base_url": url, "passed": True}}})
    assert boxes_by_title(kit_root)["Application deployed to production"].ticked


def test_every_evidence_link_in_handover_resolves(kit_root: Path) -> None:
    write_evidence(passing_report(*SCANNERS), kit_root)
    Ledger(kit_root).record(action="attest", environment="production", version="abc", outcome="succeeded",
                            detail={"kind": "access-review", "note": "reviewed"})
    handover, _ = run_handover(kit_root, design("evm-dapp"))
    text = (kit_root / "docs/deployment/HANDOVER.md").read_text()
    links = re.findall(r"\]\(([^)#]+)\)", text)
    assert links
    for link in links:
        assert (kit_root / posixpath.normpath(posixpath.join("docs/deployment", link))).exists(), link
    ticked = [b for b in handover.boxes if b.ticked]
    assert ticked and all(b.proofs for b in ticked)


def test_handover_rerun_with_no_new_evidence_writes_nothing(kit_root: Path) -> None:
    run_handover(kit_root, design("evm-dapp"))
    _, report = run_handover(kit_root, design("evm-dapp"))
    assert report.written == ()


def test_not_applicable_pages_and_reports_follow_the_design(tmp_path: Path) -> None:
    bot = design("discord-bot")
    write_kit(render_kit(bot), tmp_path)
    handover = build_handover(load_evidence(tmp_path, bot))
    paths = {f.path for f in handover.kit.files}
    report = next(f for f in handover.kit.files if f.path.endswith("a2a/deployment-report.md"))
    handover_md = next(f for f in handover.kit.files if f.path.endswith("HANDOVER.md")).content
    assert report.path == f"{posixpath.dirname(bot.docs_root)}/a2a/deployment-report.md"
    assert "Status: **INCOMPLETE**" in report.content
    assert "| Blockchain operations | not applicable: no chain in the answers or the code |" in handover_md
    assert f"{bot.docs_root}/architecture.dot" in paths


def test_architecture_dot_is_deterministic_and_draws_every_service() -> None:
    from launchbay.handover.diagram import architecture_dot

    d = design("evm-dapp")
    dot = architecture_dot(d)
    assert dot == architecture_dot(d)
    for svc in d.services:
        assert svc.name in dot
    for store in d.data_stores:
        assert f"{store.name} ({store.engine})" in dot


def test_record_cli_writes_an_attestation(kit_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["record", "dr-drill", "production", str(kit_root), "--outcome", "succeeded",
                        "--note", "restored RDS to 10:02 in 12 min"], capsys)
    assert code == 0 and "ledger entry #1" in out
    entry = Ledger(kit_root).entries()[0]
    assert (entry.action, entry.detail["kind"], entry.outcome) == ("attest", "dr-drill", "succeeded")


def test_ship_without_answers_and_without_terminal_lists_what_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "bot"
    shutil.copytree(ROOT / "examples/discord-bot", project, ignore=shutil.ignore_patterns("launchbay.yaml"))
    code, out, err = run(["ship", str(project), "--out", str(tmp_path / "kit"), "--no-input"], capsys)
    assert code == 1
    assert "deployment.cloud" in out + err
    assert not (tmp_path / "kit").exists(), "nothing is generated before the answers exist"


@pytest.mark.validator
def test_ship_runs_the_golden_path_on_an_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "kit"
    args = ["ship", str(ROOT / "examples/evm-dapp"), "--out", str(out_dir)] + (["--strict"] if STRICT else [])
    code, out, err = run(args, capsys)
    assert code == 0, out + err
    for stage in ("review", "interview", "plan", "generate", "validate", "handover"):
        assert re.search(rf"done\s+{stage}", out), stage
    assert (out_dir / "docs/deployment/HANDOVER.md").exists()
    assert (out_dir / "docs/a2a/deployment-report.md").exists()
    assert (out_dir / ".launchbay/evidence/validation.json").exists()
    handover = (out_dir / "docs/deployment/HANDOVER.md").read_text()
    assert "- [x] **Documentation complete**" in handover
    assert "warning: over budget: all environments cost $" in out  # evm-dapp's plan exceeds its $300
    assert "- [ ] **Security hardening complete**" in handover  # not applied, and the relayer key blocks it
    assert "  - evidence: [checkov, trivy, consistency PASS" in handover
    assert "- [ ] **Application deployed to production**" in handover


def test_infrastructure_needs_a_validated_kit_and_a_whole_apply_per_environment(kit_root: Path) -> None:
    write_evidence(passing_report(*SCANNERS), kit_root)
    ledger = Ledger(kit_root)
    for env in ("staging", "production"):
        # one step of a deploy is not a deployed environment: only the run's summary entry counts
        ledger.record(action="apply", environment=env, version="v1", outcome="succeeded",
                      detail={"step": 1, "phase": "infra", "title": "terraform init"})
    assert not boxes_by_title(kit_root)["Infrastructure deployed and tested"].ticked
    for env in ("staging", "production"):
        ledger.record(action="apply", environment=env, version="v1", outcome="succeeded",
                      detail={"summary": True, "steps": 9})
    box = boxes_by_title(kit_root)["Infrastructure deployed and tested"]
    assert box.ticked and len(box.proofs) == 3


def test_ship_apply_deploys_staging_and_the_handover_shows_it(
        tmp_path: Path, fakes: Path, app: App, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
        capsys: pytest.CaptureFixture[str]) -> None:
    project = deploy_project(tmp_path, "py-web3")  # kit generated, terraform.tfvars filled in
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "x",
                    "--allow-empty"], cwd=project, check=True)
    monkeypatch.setenv("SMOKE_URL_API", app.url)
    # `validate` needs every tool; this test is about the deploy stage, so it runs the cheap checks only
    monkeypatch.setattr("launchbay.validate.REGISTRY", {"consistency": ConsistencyValidator()})
    code, out, err = run(["ship", str(project), "--apply", "--no-input"], capsys)
    assert code == 0, out + err
    assert re.search(r"done\s+deploy\s+staging: succeeded", out)
    assert any(c[:2] == ["terraform", "-chdir=deploy/terraform/envs/staging"] or "apply" in c for c in calls(fakes))
    handover = next(project.rglob("HANDOVER.md")).read_text()
    assert re.search(r"evidence: \[staging applied: ledger entry #\d+", handover)
    assert "staging endpoint** (last passing smoke test): " + app.url in handover
