"""Signing without raw keys: every raw-key variable the review flagged becomes a signer whose key lives
in KMS (secp256k1 SIGN_VERIFY keys in the Terraform kms module, validated by terraform), services sign
through Web3Signer configs that name KMS aliases and no credential, validators get slashing protection —
and across the whole kit no file holds a private key, a mnemonic, a 64-hex secret or `--private-key`,
while a project without chains gets none of the chain files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.generate import render_kit
from launchbay.renderers.signing import SIGNERS_PATH, WEB3SIGNER_DIR, SigningRenderer, kms_alias, signers
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.secretscan import secret_kind
from launchbay.validators.terraform import plugin_mirror
from tests.kit.support import STRICT, design, require_tool

HEX64 = re.compile(r"(?<![0-9a-fA-F])(?:0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])")
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
CHAIN_FILES = ("deploy/chains/", "deploy/monitoring/prometheus/rules/chain.yml",
               "deploy/monitoring/prometheus/tests/chain_test.yml", ".github/workflows/launchbay-contracts.yml")


def files(name: str, **changes: Any) -> dict[str, str]:
    return {f.path: f.content for f in SigningRenderer().render(design(name, **changes))}


@cache
def whole_kit(name: str) -> dict[str, str]:
    return {f.path: f.content for f in render_kit(design(name)).files}


def test_signers_replace_the_flagged_variables() -> None:
    doc = json.loads(files("evm-dapp")[SIGNERS_PATH])
    by_var = {s["replaces"]: s for s in doc["signers"]}
    assert set(by_var) == {"DEPLOYER_PRIVATE_KEY", "RELAYER_PRIVATE_KEY"}
    relayer, deployer = by_var["RELAYER_PRIVATE_KEY"], by_var["DEPLOYER_PRIVATE_KEY"]
    assert relayer["signer"] == "relayer" and relayer["read_by"] == ["@vaultline/api"]
    assert relayer["environments"]["production"] == {
        "chains": ["base"], "kms_key_alias": "alias/evm-dapp-production-signer-relayer",
        "signer_urls": {"RELAYER_SIGNER_URL": "http://web3signer-base:9000"}}
    assert relayer["address_variable"] == "RELAYER_ADDRESS"
    assert deployer["role"] == "contract deployment" and deployer["read_by"] == []
    assert "signer_urls" not in deployer["environments"]["staging"]
    py = json.loads(files("py-web3")[SIGNERS_PATH])
    assert [(s["replaces"], s["signer"]) for s in py["signers"]] == [("SIGNER_PRIVATE_KEY", "signer")]


def test_web3signer_configs_name_kms_aliases_and_no_credential() -> None:
    kit = files("evm-dapp")
    assert set(kit) == {SIGNERS_PATH, *(f"{WEB3SIGNER_DIR}/{p}" for p in (
        "staging/config-base-sepolia.yaml", "staging/keys/relayer.yaml",
        "production/config-base.yaml", "production/keys/relayer.yaml"))}
    config = yaml.safe_load(kit[f"{WEB3SIGNER_DIR}/production/config-base.yaml"])
    assert config["eth1.chain-id"] == 8453
    assert (config["eth1.downstream-http-host"], config["eth1.downstream-http-port"],
            config["eth1.downstream-http-path"]) == ("erpc", 4000, "/main/evm/8453")  # the chains kit's gateway
    assert config["http-host-allowlist"] == ["localhost", "127.0.0.1", "web3signer-base"]
    assert config["key-config-path"] == "/etc/web3signer/keys"
    assert yaml.safe_load(kit[f"{WEB3SIGNER_DIR}/staging/config-base-sepolia.yaml"])["eth1.chain-id"] == 84532
    key = yaml.safe_load(kit[f"{WEB3SIGNER_DIR}/production/keys/relayer.yaml"])
    assert key == {"type": "aws-kms", "authenticationMode": "ENVIRONMENT",
                   "kmsKeyId": "alias/evm-dapp-production-signer-relayer", "region": "us-east-1"}
    for text in kit.values():
        assert not re.search(r"accessKeyId|secretAccessKey|sessionToken|privateKey|token:", text)


def test_other_key_management_gets_no_web3signer() -> None:
    for choice in ("hsm", "mpc", "none"):
        kit = files("evm-dapp", blockchain=frozenset({("key_management", choice)}))
        assert set(kit) == {SIGNERS_PATH}, choice
        doc = json.loads(kit[SIGNERS_PATH])
        assert all("kms_key_alias" not in e for s in doc["signers"] for e in s["environments"].values())
    assert files("discord-bot") == {}


def test_validator_gets_slashing_protection() -> None:
    kit = files("evm-dapp", blockchain=frozenset({("node_strategy", "own-nodes"), ("chains", ("ethereum", "sepolia")),
                                                  ("node_role", "validator")}),
                scale=frozenset({("peak_rps", 2000)}), team=frozenset({("size", 5)}))
    production = yaml.safe_load(kit[f"{WEB3SIGNER_DIR}/production/config-validator.yaml"])
    assert production["eth2.network"] == "mainnet" and production["eth2.slashing-protection-enabled"] is True
    assert production["eth2.aws-secrets-auth-mode"] == "ENVIRONMENT"
    assert "eth2.slashing-protection-db-password" not in production  # from the secret store, never the file
    assert "WEB3SIGNER_ETH2_SLASHING_PROTECTION_DB_URL" in kit[f"{WEB3SIGNER_DIR}/production/config-validator.yaml"]
    assert yaml.safe_load(kit[f"{WEB3SIGNER_DIR}/staging/config-validator.yaml"])["eth2.network"] == "sepolia"


def terraform(name: str, **changes: Any) -> dict[str, str]:
    return {f.path: f.content for f in TerraformRenderer().render(design(name, **changes))}


def test_kms_module_creates_one_secp256k1_key_per_signer() -> None:
    tf = terraform("evm-dapp")
    module = tf["deploy/terraform/modules/kms/main.tf"]
    assert 'customer_master_key_spec = "ECC_SECG_P256K1"' in module
    assert 'key_usage                = "SIGN_VERIFY"' in module
    assert "prevent_destroy = true" in module
    assert 'name          = "alias/${var.name}-signer-${each.key}"' in module
    for env in ("staging", "production"):
        root = tf[f"deploy/terraform/envs/{env}/main.tf"]
        assert re.search(r'signers\s+= \["deployer", "relayer"\]', root), root[:600]
        outputs = tf[f"deploy/terraform/envs/{env}/outputs.tf"]
        assert "module.kms.signer_key_arns" in outputs and "module.kms.signer_aliases" in outputs
    d = design("evm-dapp")
    assert kms_alias(d, "production", signers(d)[1]) == "alias/evm-dapp-production-signer-relayer"
    no_kms = terraform("evm-dapp", blockchain=frozenset({("key_management", "hsm")}))
    assert "signers" not in no_kms["deploy/terraform/envs/production/main.tf"]
    assert "signers" not in terraform("py-web3", blockchain=frozenset({("key_management", "mpc")}))[
        "deploy/terraform/envs/production/main.tf"]


@pytest.mark.validator
def test_kms_module_validates(tmp_path: Path) -> None:
    tf_bin = require_tool("terraform")
    mirror = plugin_mirror()
    if mirror is None:
        if STRICT:
            pytest.fail("no hashicorp/aws plugin mirror (set LAUNCHBAY_TF_PLUGIN_DIR)")
        pytest.skip("no hashicorp/aws plugin mirror (set LAUNCHBAY_TF_PLUGIN_DIR)")
    for path, text in terraform("evm-dapp").items():
        if path.startswith("deploy/terraform/modules/kms/"):
            (tmp_path / "kms").mkdir(exist_ok=True)
            (tmp_path / "kms" / path.rsplit("/", 1)[1]).write_text(text)
    (tmp_path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "~> 5.0" }\n  }\n}\n\n'
        'provider "aws" {\n  region = "us-east-1"\n}\n\n'
        'module "kms" {\n  source  = "./kms"\n  name    = "t-production"\n  signers = ["deployer", "relayer"]\n}\n\n'
        'output "aliases" {\n  value = module.kms.signer_aliases\n}\n')
    for args in (["fmt", "-check", "-recursive"], ["init", "-backend=false", f"-plugin-dir={mirror}", "-input=false"],
                 ["validate", "-no-color"]):
        proc = subprocess.run([tf_bin, *args], cwd=tmp_path, capture_output=True, text=True, timeout=180,
                              check=False, env={"PATH": str(Path(tf_bin).parent), "TF_IN_AUTOMATION": "1",
                                                "CHECKPOINT_DISABLE": "1", "HOME": str(tmp_path)})
        assert proc.returncode == 0, f"terraform {args[0]}: {proc.stdout}{proc.stderr}"
    shutil.rmtree(tmp_path / ".terraform", ignore_errors=True)


@pytest.mark.parametrize("name", ["evm-dapp", "py-web3"])
def test_no_generated_file_holds_a_key(name: str) -> None:
    kit = whole_kit(name)
    flagged = set(design(name).blockchain.signing_keys)  # type: ignore[union-attr]
    for path, text in kit.items():
        assert "--private-key" not in text, path
        for n, line in enumerate(text.splitlines(), 1):
            clean = DIGEST.sub("sha256:<digest>", line)
            assert secret_kind(clean) is None, f"{path}:{n}: {line}"
            assert not HEX64.search(clean), f"{path}:{n}: 64 hex digits: {line}"
            for var in flagged:  # a raw-key variable never gets a value anywhere
                assert not re.search(rf"\b{var}\s*[=:]\s*['\"]?[0-9a-fA-Fx]{{16,}}", line), f"{path}:{n}"


def test_chain_kit_present_for_evm_and_absent_without_chains() -> None:
    evm = whole_kit("evm-dapp")
    for path in (SIGNERS_PATH, f"{WEB3SIGNER_DIR}/production/config-base.yaml", "deploy/chains/exporter/Dockerfile",
                 "deploy/chains/exporter/chain_exporter.py", "deploy/chains/contracts/handoff.sh",
                 *CHAIN_FILES[1:], "docs/deployment/blockchain-ops.md"):
        assert path in evm, path
    bot = whole_kit("discord-bot")
    assert not [p for p in bot if p.startswith(CHAIN_FILES) or p.endswith("blockchain-ops.md")]


def test_chain_files_render_byte_identical_twice() -> None:
    first = {p: t for p, t in whole_kit("evm-dapp").items() if p.startswith(CHAIN_FILES) or "blockchain-ops" in p}
    second = {f.path: f.content for f in render_kit(design("evm-dapp")).files if f.path in first}
    assert len(first) >= 14 and first == second
    assert all(t.endswith("\n") and not t.endswith("\n\n") and "\r" not in t for t in first.values())
