"""Security hardening and the security / DR docs: the WAF and audit figures in the Terraform come from the
Design, every compliance control is either implemented by a file of the generated kit or listed as a gap,
no secret value appears, and every restore command names what the Terraform (or backup.sh) creates."""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from launchbay.generate import render_kit, write_kit
from launchbay.models.design import Design
from launchbay.renderers import REGISTRY
from launchbay.renderers.dr_docs import DrDocsRenderer
from launchbay.renderers.security_controls import checklist, collect_kit, unknown_capabilities
from launchbay.renderers.security_facts import compliance_data, secret_inventory
from launchbay.secretscan import secret_kind
from launchbay.validate import validate_kit
from launchbay.validators.checkov import CheckovValidator
from launchbay.validators.consistency import ConsistencyValidator
from launchbay.validators.terraform import TerraformValidator
from launchbay.validators.trivy import TrivyValidator
from tests.kit.support import design, require_tool

EXAMPLES = ("evm-dapp", "py-web3", "discord-bot")
ALL_FRAMEWORKS = ("gdpr", "soc2", "iso27001", "hipaa", "pci-dss", "mica")


def _change(topic: str, **fields: Any) -> dict[str, frozenset[tuple[str, Any]]]:
    return {topic: frozenset(fields.items())}


VARIANTS: dict[str, tuple[str, dict[str, frozenset[tuple[str, Any]]]]] = {
    "evm-dapp": ("evm-dapp", {}),
    "py-web3": ("py-web3", {}),
    "discord-bot": ("discord-bot", {}),
    "evm-all-frameworks": ("evm-dapp", _change("security", compliance=ALL_FRAMEWORKS,
                                               network_security=("waf", "ip-allowlist"))),
    "evm-no-waf": ("evm-dapp", _change("security", network_security=("none",))),
    "py-private-admin": ("py-web3", _change("security", network_security=("private-admin",))),
    "bot-soc2-gdpr": ("discord-bot", _change("security", compliance=("soc2", "gdpr"))),
}


def variant(label: str) -> Design:
    name, changes = VARIANTS[label]
    return design(name, **changes)


@cache
def kit(label: str) -> dict[str, str]:
    return {f.path: f.content for f in render_kit(variant(label)).files}


def _page(label: str, page: str) -> str:
    return kit(label)[f"{variant(label).docs_root}/{page}"]


# ----------------------------------------------------------------------------- compliance checklist

ITEM = re.compile(r"^- \[( |x)\] \*\*(.+?) — (.+?)\.\*\* (.*)$", re.M)


def test_compliance_data_names_only_defined_capabilities() -> None:
    assert list(unknown_capabilities()) == []
    for fid, spec in compliance_data()["frameworks"].items():
        assert fid in ALL_FRAMEWORKS and spec["controls"]
        for control in spec["controls"]:
            assert control["needs"] or control.get("gap"), (fid, control["id"])


@pytest.mark.parametrize("label", ["evm-dapp", "evm-all-frameworks", "bot-soc2-gdpr"])
def test_every_ticked_control_maps_to_files_of_the_generated_kit(label: str) -> None:
    d, files = variant(label), kit(label)
    text = _page(label, "security.md")
    items = ITEM.findall(text)
    expected = sum(len(compliance_data()["frameworks"][f]["controls"]) for f in d.security_plan.compliance)
    assert len(items) == expected > 0
    for mark, _ref, _title, rest in items:
        if mark == "x":
            assert "Implemented by: `" in rest and "Gap" not in rest
            paths = re.findall(r"`([^`]+)`", rest.split("Implemented by:", 1)[1])
        else:
            assert "**Gap:** " in rest  # a gap says what to do, and is never ticked
            paths = re.findall(r"`([^`]+)`", rest.split("Partly implemented by:", 1)[1]) \
                if "Partly implemented by:" in rest else []
        for path in paths:
            assert path in files, (label, path)
    # the organisational controls can only be gaps; some technical ones are ticked
    assert any(m == " " for m, *_ in items) and any(m == "x" for m, *_ in items)


def test_the_checklist_is_computed_from_the_kit_not_typed() -> None:
    d = variant("evm-all-frameworks")
    full = collect_kit(d)
    without_waf = {p: t for p, t in full.items() if "/modules/waf/" not in p}
    pci = lambda frameworks: next(f for f in frameworks if f.id == "pci-dss")  # noqa: E731
    waf_item = next(i for i in pci(checklist(d, full)).items if i.ref == "Req. 6.4.2")
    assert waf_item.done and "deploy/terraform/modules/waf/main.tf" in waf_item.files
    gone = next(i for i in pci(checklist(d, without_waf)).items if i.ref == "Req. 6.4.2")
    assert not gone.done and not gone.files and any("waf" in t for t in gone.todo)


def test_a_vm_design_lists_the_missing_cloud_controls_as_gaps() -> None:
    text = _page("bot-soc2-gdpr", "security.md")
    assert "- [ ] **CC6.6 — Boundary protection.**" in text  # no WAF on a self-hosted VM
    assert "- [x] **CC7.2 — Monitoring.**" not in text  # no cloud audit trail
    assert "`deploy/vm/backup.sh`" in text


# ----------------------------------------------------------------------------- secrets

@pytest.mark.parametrize("label", EXAMPLES)
def test_security_and_dr_docs_name_secrets_but_hold_no_value(label: str) -> None:
    d = variant(label)
    pages = [f"{d.docs_root}/{p}" for p in ("security.md", "runbooks/security.md", "disaster-recovery.md",
                                             "runbooks/backup-restore.md")]
    for path in pages:
        for n, line in enumerate(kit(label)[path].splitlines(), 1):
            assert secret_kind(line) is None, (path, n)
    text = _page(label, "security.md")
    inventory = secret_inventory(d)
    assert inventory
    for entry in inventory:
        assert f"| `{entry.name}` |" in text
        assert all(f"`{svc}`" in text for svc in entry.services)


# ----------------------------------------------------------------------------- WAF, allow-list, keys, audit

def _root(label: str, env: str = "production") -> str:
    return kit(label)[f"deploy/terraform/envs/{env}/main.tf"]


def test_waf_rate_rule_is_present_when_waf_was_answered() -> None:
    d, files = variant("evm-dapp"), kit("evm-dapp")
    assert "waf" in d.security_plan.network_security and d.slo.peak_rps is not None
    limit = math.ceil(d.slo.peak_rps * 150)  # half the planned peak over a 300 s window, per address
    waf = files["deploy/terraform/modules/waf/main.tf"]
    assert "rate_based_statement" in waf and 'aggregate_key_type    = "IP"' in waf
    for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
                  "AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesSQLiRuleSet"):
        assert f'name        = "{group}"' in waf
    for env in d.environments:
        assert re.search(rf"^  rate_limit\s+= {limit}$", _root("evm-dapp", env), re.M)
    compute = files["deploy/terraform/modules/compute/main.tf"]
    assert 'resource "aws_wafv2_web_acl_association" "alb"' in compute and "CKV2_AWS_28" not in compute
    assert f"**{limit} requests per 300 s**" in _page("evm-dapp", "security.md")


def test_no_waf_when_it_was_not_answered() -> None:
    files = kit("evm-no-waf")
    assert not any(re.search(r"^resource \"aws_wafv2", text, re.M) for path, text in files.items()
                   if path.endswith(".tf"))
    assert not any("/modules/waf" in path for path in files)
    assert "#checkov:skip=CKV2_AWS_28" in files["deploy/terraform/modules/compute/main.tf"]
    assert "does not ask for a WAF" in _page("evm-no-waf", "security.md")


def test_admin_allow_list_admits_nobody_by_default() -> None:
    files = kit("py-private-admin")
    waf = files["deploy/terraform/modules/waf/main.tf"]
    assert 'resource "aws_wafv2_ip_set" "admin"' in waf and "rate_based_statement" not in waf
    assert "AWSManagedRulesKnownBadInputsRuleSet" in waf and "AWSManagedRulesCommonRuleSet" not in waf
    variables = files["deploy/terraform/envs/production/variables.tf"]
    block = re.search(r'variable "admin_allow_cidrs" \{(.*?)\n\}', variables, re.S)
    assert block and re.search(r"default\s+= \[\]", block.group(1))
    assert re.search(r'variable "admin_path_prefixes" \{[^}]*default\s+= \["/admin"\]', variables, re.S)
    assert "admin_allow_cidrs   = var.admin_allow_cidrs" in _root("py-private-admin")


@pytest.mark.parametrize("label", ["evm-dapp", "py-web3", "evm-all-frameworks"])
def test_every_symmetric_kms_key_rotates(label: str) -> None:
    keys = 0
    for path, text in kit(label).items():
        if not path.endswith(".tf"):
            continue
        for body in re.findall(r'^resource "aws_kms_key" "[^"]+" \{\n(.*?)^\}', text, re.M | re.S):
            keys += 1
            if "ECC_" in body or "RSA_" in body:
                continue  # AWS cannot rotate asymmetric (signing) keys
            assert re.search(r"enable_key_rotation\s+= true", body), path
    assert keys >= 3


@pytest.mark.parametrize(("label", "days", "group_days"),
                         [("evm-dapp", 365, 365), ("evm-all-frameworks", 2190, 2192)])
def test_audit_trail_keeps_the_longest_required_retention(label: str, days: int, group_days: int) -> None:
    d = variant(label)
    assert d.monitoring.log_retention_days is not None and d.monitoring.log_retention_days < days
    audit = re.search(r'module "audit" \{(.*?)\n\}', _root(label), re.S)
    assert audit is not None
    assert re.search(rf"^  trail_retention_days\s+= {days}$", audit.group(1), re.M)
    assert re.search(rf"^  trail_log_retention_days\s+= {group_days}$", audit.group(1), re.M)


# ----------------------------------------------------------------------------- DR docs

def _module_name(root: str, module: str) -> str:
    block = re.search(rf'module "{module}" \{{(.*?)\n\}}', root, re.S)
    assert block, module
    found = re.search(r'^\s+name\s+= "([^"]+)"', block.group(1), re.M)
    assert found
    return found.group(1)


def _attr(module_tf: str, resource: str, attr: str, name: str) -> str:
    rtype, rname = resource.split(".")
    block = re.search(rf'^resource "{rtype}" "{rname}" \{{\n(.*?)^\}}', module_tf, re.M | re.S)
    assert block, resource
    found = re.search(rf'^\s+{attr}\s+= (?:"([^"]+)"|var\.name$)', block.group(1), re.M)
    assert found, (resource, attr)
    return (found.group(1) or "${var.name}").replace("${var.name}", name)


@pytest.mark.parametrize("label", ["evm-dapp", "py-web3"])
def test_restore_commands_name_what_the_terraform_creates(label: str) -> None:
    files = kit(label)
    data_tf = files["deploy/terraform/modules/data/main.tf"]
    network_tf = files["deploy/terraform/modules/network/main.tf"]
    name = _module_name(_root(label), "data")
    identifier = _attr(data_tf, "aws_db_instance.postgres", "identifier", name)
    runbook = _page(label, "runbooks/backup-restore.md")
    assert set(re.findall(r"--source-db-instance-identifier (\S+)", runbook)) == {identifier}
    assert set(re.findall(r"--db-subnet-group-name (\S+)", runbook)) >= {
        _attr(data_tf, "aws_db_subnet_group.this", "name", name)}
    assert f"Values={_attr(network_tf, 'aws_security_group.data', 'name', name)} " in runbook
    group = _attr(data_tf, "aws_elasticache_replication_group.redis", "replication_group_id", name)
    assert set(re.findall(r"--replication-group-id (\S+)", runbook)) == {group}
    assert f"terraform import module.data.aws_db_instance.postgres {identifier}" in runbook
    cluster = _attr(files["deploy/terraform/modules/compute/main.tf"], "aws_ecs_cluster.this", "name",
                    _module_name(_root(label), "compute"))
    assert set(re.findall(r"--cluster (\S+)", runbook)) == {cluster}
    d = variant(label)
    assert d.dr_region and f"## Recover in {d.dr_region}" in runbook
    assert f"describe-db-instance-automated-backups --region {d.dr_region}" in runbook


@pytest.mark.parametrize("label", EXAMPLES)
def test_dr_doc_states_the_objectives_and_the_verdict(label: str) -> None:
    b = variant(label).backup
    assert b is not None and b.rpo_minutes is not None and b.rto_minutes is not None
    text = _page(label, "disaster-recovery.md")
    assert f"| RPO (data you may lose) | {b.rpo_minutes} min |" in text
    assert f"| RTO (time to restore) | {b.rto_minutes} min | about {b.restore_estimate_minutes} min" in text
    assert text.count("**met**") == [b.meets_rpo, b.meets_rto].count(True)
    assert "## DR drill" in text and "### Drill record" in text


def test_vm_restore_uses_the_backup_script_paths() -> None:
    files = kit("discord-bot")
    script = files["deploy/vm/backup.sh"]
    backup_dir = re.search(r'BACKUP_DIR="\$\{BACKUP_DIR:-([^}]+)\}"', script)
    sqlite_dir = re.search(r'SQLITE_DIR="\$\{SQLITE_DIR:-([^}]+)\}"', script)
    assert backup_dir and sqlite_dir
    runbook = _page("discord-bot", "runbooks/backup-restore.md")
    assert f"{backup_dir.group(1)}/<UTC time>/<file>.db {sqlite_dir.group(1)}/" in runbook
    assert "sha256sum -c SHA256SUMS" in runbook and "aws rds" not in runbook


@pytest.mark.parametrize("name", ["discord-bot", "evm-dapp"])
def test_dr_docs_say_not_applicable_without_a_data_store(name: str) -> None:
    d = design(name).model_copy(update={"data_stores": (), "backup": None})
    pages = {f.path.rsplit("/", 1)[-1]: f.content for f in DrDocsRenderer().render(d)}
    for text in pages.values():
        assert "**Not applicable:** " in text and "no data store" in text
        assert "aws rds" not in text and "pg_restore" not in text


def test_docs_render_deterministically() -> None:
    d = variant("evm-dapp")
    first = [(f.path, f.content) for n in ("security-docs", "dr-docs") for f in REGISTRY[n].render(d)]
    assert first == [(f.path, f.content) for n in ("security-docs", "dr-docs") for f in REGISTRY[n].render(d)]


# ----------------------------------------------------------------------------- validators

@pytest.mark.validator
def test_evm_dapp_kit_passes_terraform_checkov_trivy_and_consistency(tmp_path: Path) -> None:
    for tool in ("terraform", "checkov", "trivy"):
        require_tool(tool)
    write_kit(render_kit(variant("evm-dapp")), tmp_path)
    chosen = {"terraform": TerraformValidator(), "checkov": CheckovValidator(), "trivy": TrivyValidator(),
              "consistency": ConsistencyValidator()}
    report = validate_kit(tmp_path, strict=True, validators=chosen)
    assert {r.validator for r in report.results} == set(chosen)
    for r in report.results:
        assert r.status == "PASS" and not r.findings, (r.validator, r.summary, r.findings[:5])
