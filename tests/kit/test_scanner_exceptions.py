"""Every scanner check the kit skips is listed, with its reason and each place it is made, in
`<docs_root>/scanner-exceptions.md` — and the validators skip nothing on their own."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit
from launchbay.models.design import Design
from launchbay.renderers.scanner_exceptions import PAGE, exceptions_file, exceptions_of
from tests.kit.support import design

ROOT = Path(__file__).resolve().parents[2]
ID = r"[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+"
# Broad on purpose, and independent of the page's parser: any way a file can tell a scanner to skip.
MARKERS = (re.compile(rf"checkov:skip=({ID})"), re.compile(rf"trivy:ignore:({ID})"),
           re.compile(rf"checkov\.io/skip\d+:\s*['\"]?({ID})="), re.compile(rf"--skip-checks?[= ]+({ID})"))
ROW = re.compile(r"^\| (?P<tool>[a-z]+) \| `(?P<check>[^`]+)` \| (?P<reason>.*) \| (?P<where>`.*`) \|$")

DESIGNS = {
    "evm-dapp": {},
    "py-web3": {},
    "discord-bot": {},
    "evm-dapp/kubernetes": {"scale": frozenset({("peak_rps", 1500)}), "team": frozenset({("size", 4)})},
    "py-web3/vm-on-aws+gitlab": {"scale": frozenset({("peak_rps", 5)}), "backup": frozenset({("rpo_minutes", 60)}),
                                 "cicd": frozenset({("git_host", "gitlab")})},
}


def variant(key: str) -> Design:
    return design(key.split("/")[0], **DESIGNS[key])


def markers(files: dict[str, str]) -> set[tuple[str, str]]:
    """(check, path) of every skip a file makes, found without the page's parser."""
    out: set[tuple[str, str]] = set()
    for path, text in files.items():
        if path.endswith((".md", ".json")):
            continue
        for pattern in MARKERS:
            out.update((m.group(1), path) for m in pattern.finditer(text))
        if path.rsplit("/", 1)[-1] == ".trivyignore":
            out.update((line.strip(), path) for line in text.splitlines() if re.fullmatch(ID, line.strip()))
        if path.endswith((".yml", ".yaml")) and "scannerSkips" in text and "/templates/" not in path:
            out.update((check, path) for check in _values_ids(yaml.safe_load(text)))  # chart values, not templates
    return out


def _values_ids(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key == "scannerSkips" and isinstance(value, dict):
                found += [str(item["id"]) for items in value.values() for item in items or []]
            else:
                found += _values_ids(value)
        return found
    if isinstance(node, list):
        return [x for item in node for x in _values_ids(item)]
    return []


def page_rows(text: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in text.splitlines() if (m := ROW.match(line))]


@pytest.mark.parametrize("key", list(DESIGNS))
def test_every_skip_in_the_kit_is_on_the_page_with_its_reason(key: str) -> None:
    d = variant(key)
    files = {f.path: f.content for f in render_kit(d).files}
    page = files[f"{d.docs_root}/{PAGE}"]
    rows = page_rows(page)
    listed = {(r["check"], where.split(":")[0]) for r in rows for where in re.findall(r"`([^`]+)`", r["where"])}
    made = markers(files)
    assert listed == made, (sorted(made - listed), sorted(listed - made))
    for row in rows:
        assert row["reason"].strip() and row["reason"] != "NO REASON WRITTEN", row
        assert len(row["reason"]) >= 20, row  # a justification, not a word
    assert f"{len(rows)} deliberate skip(s)" in page if rows else "No scanner check is skipped" in page


def test_the_examples_really_skip_something() -> None:
    """Guard against a vacuous pass: the AWS kit has Terraform and workflow skips of both scanners."""
    files = {f.path: f.content for f in render_kit(variant("evm-dapp")).files}
    tools = {e.tool for e in exceptions_of(files)}
    assert tools == {"checkov", "trivy"}
    assert any(e.path.startswith(".github/workflows/") for e in exceptions_of(files))


def test_every_form_of_skip_is_read_with_its_reason() -> None:
    d = variant("discord-bot")
    files = {
        "deploy/terraform/modules/x/main.tf": (
            'resource "a" "b" {\n  #checkov:skip=CKV_AWS_1:reason one is long enough\n}\n'
            "# trivy AVD-AWS-0001: reason two is long enough\n#trivy:ignore:AVD-AWS-0001\n"),
        ".github/workflows/a.yml": "on: push\n# checkov:skip=CKV_GHA_7:reason three is long enough\n",
        "deploy/helm/api/values.yaml": yaml.safe_dump({"scannerSkips": {"checkov": [
            {"id": "CKV_K8S_43", "reason": "reason four is long enough"}]}}, sort_keys=False),
        "deploy/k8s/.trivyignore": "# KSV-0001: reason five is long enough\nKSV-0001\n",
        "deploy/helm/api/Chart.yaml": "# trivy KSV-0002: reason six is long enough\n#trivy:ignore:KSV-0002\n",
    }
    page = exceptions_file(d, files).content
    rows = {r["check"]: r for r in page_rows(page)}
    assert set(rows) == {"CKV_AWS_1", "AVD-AWS-0001", "CKV_GHA_7", "CKV_K8S_43", "KSV-0001", "KSV-0002"}
    assert {r["reason"] for r in rows.values()} == {f"reason {n} is long enough" for n in
                                                     ("one", "two", "three", "four", "five", "six")}
    assert rows["CKV_AWS_1"]["where"] == "`deploy/terraform/modules/x/main.tf:2`"
    assert markers(files) == {(r["check"], r["where"].strip("`").split(":")[0]) for r in rows.values()}


def test_a_skip_without_a_reason_is_flagged_on_the_page() -> None:
    page = exceptions_file(variant("discord-bot"), {".github/workflows/a.yml": "# checkov:skip=CKV_GHA_7\n"}).content
    assert "NO REASON WRITTEN" in page


def test_validators_pass_no_skip_list_of_their_own() -> None:
    """A skip list inside a validator would skip checks the page cannot see: keep skips in the kit."""
    forbidden = re.compile(r"--(?:skip-(?:check|checks|files|dirs|path)|ignorefile|ignore-policy)(?![\w-])"
                           r"|\.trivyignore")
    offenders = []
    for source in sorted((ROOT / "src/launchbay/validators").glob("*.py")):
        for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if forbidden.search(line):
                offenders.append(f"{source.name}:{n}: {line.strip()}")
    assert offenders == [], offenders
