"""Chain alerts and blockchain-ops.md: the rules pass `promtool check rules`, their generated unit tests
(one firing and one quiet case per alert) pass `promtool test rules`, every alert has a severity and a
runbook_url whose anchor is a section of blockchain-ops.md, and the thresholds in the doc are the ones
in the rules — for the examples and for a design with own nodes and a validator."""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.models.design import Design
from launchbay.renderers.blockchain_docs import BlockchainDocsRenderer
from launchbay.renderers.chain_alerts import ChainAlertsRenderer
from launchbay.renderers.chain_thresholds import thresholds
from launchbay.renderers.monitoring_rules import slug
from tests.kit.support import design, require_tool

RULES = "deploy/monitoring/prometheus/rules/chain.yml"
TESTS = "deploy/monitoring/prometheus/tests/chain_test.yml"
WALLET = {"HotWalletBalanceLow", "HotWalletMinimumUnset", "HotWalletDrainingFast", "NonceBacklog", "NonceStuck"}
NODE = {"ChainNodePeersLow", "ChainNodeSyncing", "ChainNodeDiskFillForecast"}
PROXY = {"ChainRpcErrorRateHigh", "ChainRpcLatencyHigh"}
CORE = {"ChainHeadLagging", "ChainHeadStalled", "ChainFinalityStalled", "ChainReorgDeep", "ChainRpcProbeErrors",
        "ChainRpcProbeSlow"}


def own_nodes() -> Design:
    """Own Ethereum nodes on Kubernetes, validating: node alerts and the eth2 signer appear."""
    return design("evm-dapp", blockchain=frozenset({("node_strategy", "own-nodes"), ("chains", ("ethereum", "sepolia")),
                                                    ("node_role", "validator")}),
                  scale=frozenset({("peak_rps", 2000)}), team=frozenset({("size", 5)}))


def variants() -> dict[str, Design]:
    return {"evm-dapp": design("evm-dapp"), "py-web3": design("py-web3"), "evm-dapp@own-nodes": own_nodes()}


@cache
def kit(name: str) -> dict[str, str]:
    d = variants()[name]
    out = {f.path: f.content for f in ChainAlertsRenderer().render(d)}
    out.update({f.path: f.content for f in BlockchainDocsRenderer().render(d)})
    return out


def rules(name: str) -> list[dict[str, Any]]:
    doc = yaml.safe_load(kit(name)[RULES])
    return [r for g in doc["groups"] for r in g["rules"]]


def test_no_chain_no_alerts_no_doc() -> None:
    d = design("discord-bot")
    assert list(ChainAlertsRenderer().render(d)) == [] and list(BlockchainDocsRenderer().render(d)) == []


@pytest.mark.parametrize(("name", "expected"), [
    ("evm-dapp", CORE | PROXY | WALLET), ("py-web3", CORE | PROXY | WALLET),
    ("evm-dapp@own-nodes", CORE | PROXY | WALLET | NODE)])
def test_alert_set_follows_the_design(name: str, expected: set[str]) -> None:
    assert {r["alert"] for r in rules(name)} == expected


@pytest.mark.parametrize("name", sorted(variants()))
def test_every_alert_has_severity_and_runbook_section(name: str) -> None:
    d = variants()[name]
    doc = kit(name)[f"{d.docs_root}/blockchain-ops.md"]
    headings = {slug(m) for m in re.findall(r"^### (\S+)$", doc, re.M)}
    for rule in rules(name):
        assert rule["labels"]["severity"] in {"critical", "warning"}
        url = rule["annotations"]["runbook_url"]
        page, _, anchor = url.partition("#")
        assert page == f"{d.docs_root}/blockchain-ops.md"
        assert anchor == slug(rule["alert"]) and anchor in headings, rule["alert"]
        assert f"Expression: `{rule['expr']}`" in doc  # the doc shows the rule as written


def test_thresholds_come_from_the_design() -> None:
    evm, py = thresholds(design("evm-dapp")), thresholds(design("py-web3"))
    assert evm["rpc_latency_seconds"].text == "0.3"  # SLO p95 300 ms
    assert evm["proxy_error_ratio"].text == "0.0144"  # 14.4 x (100 - 99.9) %
    assert py["rpc_latency_seconds"].text == str(design("py-web3").slo.latency_p95_ms / 1000).rstrip("0").rstrip(".")
    exprs = {r["alert"]: r["expr"] for r in rules("evm-dapp")}
    assert exprs["ChainRpcProbeSlow"].endswith("> 0.3")
    assert "> 0.0144" in exprs["ChainRpcErrorRateHigh"] and 'severity="critical"' in exprs["ChainRpcErrorRateHigh"]
    assert exprs["ChainHeadLagging"].endswith("> 60")  # twice the proxy's 30 s routing tolerance
    doc = kit("evm-dapp")["docs/deployment/blockchain-ops.md"]
    for t in evm.values():
        assert f"| {t.key} | {t.text} {t.unit} |" in doc


@pytest.mark.validator
@pytest.mark.parametrize("name", sorted(variants()))
def test_promtool_check_and_unit_tests(name: str, tmp_path: Path) -> None:
    promtool = require_tool("promtool")
    for path in (RULES, TESTS):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(kit(name)[path])
    base = tmp_path / "deploy/monitoring/prometheus"
    check = subprocess.run([promtool, "check", "rules", "rules/chain.yml"], cwd=base, capture_output=True, text=True,
                           timeout=60, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"SUCCESS: {len(rules(name))} rules found" in check.stdout
    test = subprocess.run([promtool, "test", "rules", "tests/chain_test.yml"], cwd=base, capture_output=True,
                          text=True, timeout=120, check=False)
    assert test.returncode == 0, test.stdout + test.stderr
    cases = yaml.safe_load(kit(name)[TESTS])["tests"]
    assert len(cases) == 2 * len(rules(name))  # one firing and one quiet case per alert
    assert sum(1 for c in cases if c["alert_rule_test"][0]["exp_alerts"]) == len(rules(name))


def test_doc_sections_follow_the_design() -> None:
    evm = kit("evm-dapp")["docs/deployment/blockchain-ops.md"]
    for text in ("## RPC gateway (eRPC)", "## Signing and keys", "## Contract deployment", "## Gas management",
                 "### Rotation", "### Compromise response", "### Multisig signers", "## Chain exporter",
                 "`alias/evm-dapp-production-signer-relayer`", "`RELAYER_SIGNER_URL` | `http://web3signer-base:9000`",
                 "| base (mainnet: manual approval) | production | `BASE_RPC_URL` |",
                 "`BASE_REFERENCE_RPC_URL`", "consensys/web3signer:26.4.2"):
        assert text in evm, text
    assert "Validator keys and slashing protection" not in evm
    own = kit("evm-dapp@own-nodes")["docs/deployment/blockchain-ops.md"]
    assert "### Validator keys and slashing protection" in own and "/opt/web3signer/migrations/postgresql" in own
    py = kit("py-web3")[f"{design('py-web3').docs_root}/blockchain-ops.md"]
    assert "The Design has no contracts component" in py and "`SIGNER_ADDRESS`" in py
