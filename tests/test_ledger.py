"""The deploy ledger: append-only SQLite in .launchbay/, redacted details, the staging gate and last_good."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from launchbay.generate import write_kit
from launchbay.ledger import LEDGER_PATH, SCHEMA_VERSION, Entry, Ledger, LedgerError
from launchbay.models.kit import Kit, KitFile


def test_created_on_first_write_only(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    assert ledger.entries() == []
    assert ledger.last_good("staging") is None
    assert not ledger.passed_staging("abc1234")
    assert not (tmp_path / ".launchbay").exists()
    first = ledger.record(action="plan", environment="staging", version="abc1234", outcome="planned", actor="ann")
    assert (tmp_path / LEDGER_PATH).is_file()
    conn = sqlite3.connect(tmp_path / LEDGER_PATH)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert not list((tmp_path / ".launchbay").glob("*-wal"))
    second = ledger.record(action="apply", environment="staging", version="abc1234", outcome="succeeded", actor="ann")
    assert second == first + 1


def test_entries_are_frozen_filtered_and_oldest_first(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record(action="plan", environment="staging", version="v1", outcome="planned", actor="ann",
                  detail={"steps": 3})
    ledger.record(action="apply", environment="production", version="v1", outcome="failed", actor="bob")
    ledger.record(action="apply", environment="staging", version="v1", outcome="succeeded", actor="ann")
    everything = ledger.entries()
    assert [(e.action, e.environment, e.actor) for e in everything] == [
        ("plan", "staging", "ann"), ("apply", "production", "bob"), ("apply", "staging", "ann")]
    assert everything[0].detail == {"steps": 3}
    assert everything[0].at.endswith("+00:00")
    assert [e.action for e in ledger.entries("staging")] == ["plan", "apply"]
    assert [e.environment for e in ledger.entries(action="apply")] == ["production", "staging"]
    assert [e.outcome for e in ledger.entries("staging", "apply")] == ["succeeded"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        everything[0].outcome = "failed"  # type: ignore[misc]
    assert isinstance(everything[0], Entry)


def test_actor_defaults_to_git_email_or_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", "deployer")
    project = tmp_path / "p"
    project.mkdir()
    Ledger(project).record(action="plan", environment="staging", version="v1", outcome="planned")
    (tmp_path / "gitcfg").write_text("[user]\n\temail = ops@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitcfg"))
    Ledger(project).record(action="plan", environment="staging", version="v1", outcome="planned")
    assert [e.actor for e in Ledger(project).entries()] == ["deployer", "ops@example.org"]


def test_rejects_unknown_action_and_outcome(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    with pytest.raises(LedgerError, match="action 'deploy'"):
        ledger.record(action="deploy", environment="staging", version="v1", outcome="succeeded", actor="a")
    with pytest.raises(LedgerError, match="outcome 'ok'"):
        ledger.record(action="apply", environment="staging", version="v1", outcome="ok", actor="a")
    assert ledger.entries() == []


def test_never_stores_secret_values(tmp_path: Path) -> None:
    slack = "https://hooks.slack.com/services/T0000/B0000/abcdefabcdefabcdef"
    key = "0x" + "ab" * 32
    ledger = Ledger(tmp_path)
    ledger.record(action="apply", environment="staging", version="v1", outcome="succeeded", actor="a", detail={
        "webhook_url": "https://example.org/plain",
        "notify": slack,
        "nested": {"db_password": "hunter2-not-a-pattern", "signer": key},
        "argv": ["terraform", "apply", "-var", "DB_PASSWORD=swordfish", "-var", "image_tag=abc1234"],
        "secret_names": ["DATABASE_URL", "SIGNER_KEY"],
    })
    raw = (tmp_path / LEDGER_PATH).read_bytes()
    for value in (slack, key, "hunter2-not-a-pattern", "swordfish", "example.org/plain"):
        assert value.encode() not in raw
    detail = ledger.entries()[0].detail
    assert detail["notify"] == "<redacted: a webhook URL (the URL itself is the credential)>"
    assert detail["nested"] == {"db_password": "<redacted>", "signer": "<redacted: a 32-byte hex private key>"}
    assert detail["argv"][3] == "DB_PASSWORD=<redacted>"
    assert detail["argv"][5] == "image_tag=abc1234"
    assert detail["secret_names"] == ["DATABASE_URL", "SIGNER_KEY"]  # names are not values


def _deploy(ledger: Ledger, env: str, version: str, smoke: str) -> None:
    ledger.record(action="apply", environment=env, version=version, outcome="succeeded", actor="a")
    ledger.record(action="smoke", environment=env, version=version, outcome=smoke, actor="a")


def test_last_good_and_staging_gate(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    _deploy(ledger, "staging", "v1", "succeeded")
    _deploy(ledger, "staging", "v2", "succeeded")
    _deploy(ledger, "staging", "v3", "failed")
    ledger.record(action="apply", environment="staging", version="v4", outcome="failed", actor="a")
    good = ledger.last_good("staging")
    assert good is not None and (good.action, good.version) == ("apply", "v2")
    assert [e.version for e in ledger.good_versions("staging")] == ["v2", "v1"]
    assert ledger.passed_staging("v2") and ledger.passed_staging("v1")
    assert not ledger.passed_staging("v3") and not ledger.passed_staging("v4")
    assert ledger.last_good("production") is None
    # Production's own smoke never counts as a staging pass.
    _deploy(ledger, "production", "v9", "succeeded")
    assert not ledger.passed_staging("v9")
    ledger.record(action="rollback", environment="staging", version="v2", outcome="rolled-back", actor="a")
    current = ledger.current("staging")
    assert current is not None and current.action == "rollback" and current.version == "v2"


def test_schema_version_mismatch_is_refused(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record(action="plan", environment="staging", version="v1", outcome="planned", actor="a")
    conn = sqlite3.connect(tmp_path / LEDGER_PATH)
    conn.execute("PRAGMA user_version=99")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerError, match="schema version 99"):
        ledger.entries()


def test_never_in_the_kit_manifest(tmp_path: Path) -> None:
    Ledger(tmp_path).record(action="plan", environment="staging", version="v1", outcome="planned", actor="a")
    kit = Kit(files=(KitFile(path="deploy/README.md", content="kit\n"),))
    write_kit(kit, tmp_path)
    manifest = json.loads((tmp_path / ".launchbay/manifest.json").read_text())
    assert list(manifest["files"]) == ["deploy/README.md"]
