"""The systemd and caddy validators: the VM kits of the three examples pass, and real mistakes in a
unit or a Caddyfile are found with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.renderers.vm import VmRenderer
from launchbay.validate import kit_files, validate_kit
from launchbay.validators import systemd as systemd_mod
from launchbay.validators.base import Result, find_tool
from launchbay.validators.caddy import CaddyValidator, check_caddyfile, stand_in_value
from launchbay.validators.systemd import SystemdValidator
from tests.kit.support import design, require_tool

pytestmark = pytest.mark.validator

VM_DESIGNS = {
    "discord-bot": {},
    "evm-dapp": {"deployment": frozenset({("cloud", "self-hosted")})},
    "py-web3": {"scale": frozenset({("peak_rps", 5)}), "backup": frozenset({("rpo_minutes", 60)})},
}


def vm_design(name: str) -> Design:
    return design(name, **VM_DESIGNS[name])


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for name in VM_DESIGNS:
        root = tmp_path_factory.mktemp(name)
        write_kit(render_kit(vm_design(name), {"vm": VmRenderer()}), root)  # the VM kit alone
        out[name] = root
    return out


def copy_kit(kits: dict[str, Path], name: str, tmp_path: Path) -> Path:
    root = tmp_path / name
    shutil.copytree(kits[name], root, symlinks=True)
    return root


def run_systemd(root: Path) -> Result:
    return SystemdValidator().run(root, kit_files(root), find_tool("systemd-analyze"))


def run_caddy(root: Path) -> Result:
    return CaddyValidator().run(root, kit_files(root), find_tool("caddy"))


# --- systemd ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(VM_DESIGNS))
def test_every_unit_of_each_vm_kit_verifies(name: str, kits: dict[str, Path]) -> None:
    require_tool("systemd-analyze")
    assert vm_design(name).platform == "vm"
    report = validate_kit(kits[name], strict=True, validators={"systemd": SystemdValidator()})
    (result,) = report.results
    assert result.status == "PASS" and result.findings == (), result.findings
    units = [f for f in kit_files(kits[name]) if f.startswith("deploy/vm/systemd/")]
    assert f"{len(units)} unit(s) verified" in result.summary
    project = vm_design(name).project
    assert {f"deploy/vm/systemd/{project}{s}" for s in (".service", "-backup.service", "-backup.timer")} <= set(units)
    # docker comes from the VM's packages: a stand-in; the kit's own scripts are copied, never stood in
    assert "/usr/bin/docker" in result.summary and ".sh" not in result.summary


def test_unit_mistakes_are_found_with_file_and_line(kits: dict[str, Path], tmp_path: Path) -> None:
    require_tool("systemd-analyze")
    root = copy_kit(kits, "discord-bot", tmp_path)
    unit = root / "deploy/vm/systemd/discord-bot-backup.service"
    text = unit.read_text(encoding="utf-8")
    lines = text.splitlines()
    nice = lines.index("Nice=10") + 1
    unit.write_text(text.replace("Nice=10\n", "Nice=eleven\nRestartSecs=5\n"), encoding="utf-8")
    timer = root / "deploy/vm/systemd/discord-bot-backup.timer"
    timer.write_text(timer.read_text(encoding="utf-8").replace("OnCalendar=hourly", "OnCalendar=every hour"),
                     encoding="utf-8")
    result = run_systemd(root)
    assert result.status == "FAIL"
    where = {(f, n) for f, n, _ in result.findings}
    assert ("deploy/vm/systemd/discord-bot-backup.service", nice) in where  # the bad value
    assert ("deploy/vm/systemd/discord-bot-backup.service", nice + 1) in where  # the unknown key
    assert any(f.endswith(".timer") and n == 5 and "calendar" in m for f, n, m in result.findings)


def test_a_kit_script_without_its_executable_bit_and_a_missing_dependency_are_found(
        kits: dict[str, Path], tmp_path: Path) -> None:
    require_tool("systemd-analyze")
    root = copy_kit(kits, "discord-bot", tmp_path)
    (root / "deploy/vm/backup.sh").chmod(0o644)
    app = root / "deploy/vm/systemd/discord-bot.service"
    app.write_text(app.read_text(encoding="utf-8").replace("Requires=docker.service", "Requires=dokcer.service"),
                   encoding="utf-8")
    result = run_systemd(root)
    backup_text = (root / "deploy/vm/systemd/discord-bot-backup.service").read_text(encoding="utf-8").splitlines()
    exec_line = next(n for n, line in enumerate(backup_text, 1) if line.startswith("ExecStart="))
    assert ("deploy/vm/systemd/discord-bot-backup.service", exec_line) in {(f, n) for f, n, _ in result.findings}
    assert any(f == "deploy/vm/systemd/discord-bot.service" and "dokcer.service" in m for f, _, m in result.findings)


def test_a_package_unit_missing_here_gets_a_stand_in(kits: dict[str, Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("systemd-analyze")
    vendor = next(d for d in systemd_mod.VENDOR_DIRS if d.is_dir())
    copy = tmp_path / "vendor"
    shutil.copytree(vendor, copy, symlinks=True)
    for unit in copy.glob("docker.*"):
        unit.unlink()
    monkeypatch.setattr(systemd_mod, "VENDOR_DIRS", (copy,))
    result = run_systemd(kits["discord-bot"])
    assert result.status == "PASS", result.findings
    assert "docker.service" in result.summary


# --- caddy --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["evm-dapp", "py-web3"])
def test_every_caddyfile_validates_with_each_environment(name: str, kits: dict[str, Path]) -> None:
    require_tool("caddy")
    report = validate_kit(kits[name], strict=True, validators={"caddy": CaddyValidator()})
    (result,) = report.results
    assert result.status == "PASS" and result.findings == (), result.findings
    envs = [f for f in kit_files(kits[name]) if f.startswith("deploy/vm/environments/")]
    assert f"{len(envs)} validation(s)" in result.summary and len(envs) == 2
    assert "/etc/caddy/active/" in result.summary  # deploy-time snippets are stood in, and said so


def test_no_caddyfile_no_caddy_check(kits: dict[str, Path]) -> None:
    assert not CaddyValidator().applies(kits["discord-bot"], kit_files(kits["discord-bot"]))  # a bot serves no HTTP


def test_caddyfile_mistakes_are_found_with_their_line(kits: dict[str, Path], tmp_path: Path) -> None:
    require_tool("caddy")
    root = copy_kit(kits, "evm-dapp", tmp_path)
    path = root / "deploy/vm/Caddyfile"
    lines = path.read_text(encoding="utf-8").splitlines()
    first_site = next(n for n, line in enumerate(lines) if line.endswith("{"))
    lines.insert(first_site + 1, "\tcompress_everything on")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_caddy(root)
    assert result.status == "FAIL"
    assert [(f, n) for f, n, _ in result.findings] == [("deploy/vm/Caddyfile", first_site + 2)]
    assert "compress_everything" in result.findings[0][2]


def test_an_environment_whose_value_breaks_the_file_is_named(kits: dict[str, Path], tmp_path: Path) -> None:
    require_tool("caddy")
    root = copy_kit(kits, "evm-dapp", tmp_path)
    staging = root / "deploy/vm/environments/staging.env"
    text = staging.read_text(encoding="utf-8")
    staging.write_text(text.replace("DOMAIN=", "DOMAIN=bad domain.", 1), encoding="utf-8")
    result = run_caddy(root)
    assert result.status == "FAIL"
    assert all("(with staging settings)" in m for _, _, m in result.findings), result.findings


def test_snippet_errors_point_at_the_import_line() -> None:
    caddy = require_tool("caddy")
    text = "example.com {\n\tencode gzip\n\timport /etc/caddy/active/api.caddy\n}\n"
    findings, _, _ = check_caddyfile(caddy, text, "Caddyfile", {}, {"/etc/caddy/active/api.caddy": "nonsense\n"})
    assert [(f, n) for f, n, _ in findings] == [("Caddyfile", 3)]


def test_stand_in_values_fit_their_names() -> None:
    assert stand_in_value("DOMAIN") == "example.com" and stand_in_value("API_PORT") == "8080"
    assert stand_in_value("ACME_EMAIL") == "ops@example.com"
