"""The contract deployment pipeline: Foundry build and test, a hand-started deploy per chain signed by KMS
(`forge --aws`, OIDC) or an encrypted keystore — never `--private-key` — mainnet behind the production
environment's approval, and ownership handed to the multisig. Proved by actionlint (GitHub) and the GitLab
validator (schema + shellcheck), and the handoff script run against a fake `cast`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from launchbay.renderers.contracts_ci import HANDOFF_PATH, WORKFLOW_PATH, ContractsPipelineRenderer
from launchbay.renderers.gitlab_ci import GitLabCIRenderer
from launchbay.renderers.signing import kms_alias, signers
from launchbay.validators.base import find_tool
from launchbay.validators.gitlab import GitLabCIValidator
from tests.kit.support import design, require_tool

DEPLOYER = "0x" + "ab" * 20
ADMIN = "0x" + "22" * 20
STRANGER = "0x" + "33" * 20


def files(name: str, **changes: Any) -> dict[str, str]:
    return {f.path: f.content for f in ContractsPipelineRenderer().render(design(name, **changes))}


def workflow(name: str = "evm-dapp", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(files(name, **changes)[WORKFLOW_PATH])
    return data


def steps_text(job: dict[str, Any]) -> str:
    return "\n".join(str(s.get("run", "")) for s in job["steps"])


def test_only_projects_with_contracts_get_it() -> None:
    assert set(files("evm-dapp")) == {WORKFLOW_PATH, HANDOFF_PATH}
    assert files("py-web3") == {} and files("discord-bot") == {}


def test_evm_dapp_deploys_with_kms_never_a_raw_key() -> None:
    text = files("evm-dapp")[WORKFLOW_PATH]
    assert "--private-key" not in text and "--private-key" not in files("evm-dapp")[HANDOFF_PATH]
    wf = workflow()
    assert set(wf["on"]["workflow_dispatch"]["inputs"]["chain"]["options"]) == {"base", "base-sepolia"}
    assert set(wf["jobs"]) == {"test-contracts", "deploy-base", "deploy-base-sepolia"}
    test = steps_text(wf["jobs"]["test-contracts"])
    assert "forge build --sizes" in test and "forge test -vvv" in test
    d = design("evm-dapp")
    deployer = next(s for s in signers(d) if not s.runtime)
    for chain, env in (("base", "production"), ("base-sepolia", "staging")):
        job = wf["jobs"][f"deploy-{chain}"]
        assert job["environment"] == env  # production's reviewers gate the mainnet deploy
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        assert job["env"]["AWS_KMS_KEY_ID"] == kms_alias(d, env, deployer)
        assert job["if"] == f"github.event_name == 'workflow_dispatch' && inputs.chain == '{chain}'"
        run = steps_text(job)
        assert ('forge script "$DEPLOY_SCRIPT" --rpc-url "$RPC_URL" \\\n  --aws \\\n  --sender "$DEPLOYER_ADDRESS" '
                "--broadcast" in run)
        assert "cast wallet address --aws" in run
        assert "exit 1" in run  # a script that reads a raw key fails the deploy
        assert f"sh {HANDOFF_PATH} --aws" in run  # contract admin is a multisig
        assert "vars.CONTRACTS_ADMIN_ADDRESS" in json.dumps(job)
    assert wf["jobs"]["deploy-base"]["env"]["RPC_URL"] == "${{ secrets.BASE_RPC_URL }}"


def test_eoa_admin_has_no_handoff_and_keystore_mode_without_kms() -> None:
    wf = workflow(blockchain=frozenset({("contract_admin", "eoa"), ("key_management", "hsm")}))
    job = wf["jobs"]["deploy-base"]
    run = steps_text(job)
    assert "handoff.sh" not in run
    assert '--keystore "$KEYSTORE" --password-file "$PASSWORD_FILE"' in run and "--aws" not in run
    assert job["permissions"] == {"contents": "read"}  # no OIDC without KMS
    assert "secrets.DEPLOYER_KEYSTORE" in json.dumps(job) and "AWS_KMS_KEY_ID" not in job["env"]
    assert job["steps"][-1]["if"] == "always()" and "rm -f" in job["steps"][-1]["run"]


@pytest.mark.validator
@pytest.mark.parametrize("changes", [{}, {"blockchain": frozenset({("contract_admin", "eoa"),
                                                                   ("key_management", "none")})}])
def test_actionlint(changes: dict[str, Any], tmp_path: Path) -> None:
    actionlint = require_tool("actionlint")
    path = tmp_path / WORKFLOW_PATH
    path.parent.mkdir(parents=True)
    path.write_text(files("evm-dapp", **changes)[WORKFLOW_PATH])
    shellcheck = require_tool("shellcheck")
    proc = subprocess.run([actionlint, "-no-color", f"-shellcheck={shellcheck}", WORKFLOW_PATH], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gitlab_jobs_join_the_pipeline() -> None:
    d = design("evm-dapp", cicd=frozenset({("git_host", "gitlab")}))
    assert {f.path for f in ContractsPipelineRenderer().render(d)} == {HANDOFF_PATH}
    pipeline = yaml.safe_load(next(f.content for f in GitLabCIRenderer().render(d) if f.path == ".gitlab-ci.yml"))
    assert pipeline["stages"][-1] == "contracts"
    assert pipeline["variables"]["CONTRACTS_CHAIN"]["options"] == ["", "base", "base-sepolia"]
    mainnet = pipeline["contracts:deploy:base"]
    assert mainnet["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "web" && $CONTRACTS_CHAIN == "base"',
                                 "when": "manual", "allow_failure": False}]
    assert mainnet["environment"] == {"name": "production", "action": "prepare"}
    assert mainnet["variables"]["AWS_KMS_KEY_ID"] == "alias/evm-dapp-production-signer-deployer"
    assert "when" not in pipeline["contracts:deploy:base-sepolia"]["rules"][0]
    body = "\n".join(mainnet["script"])
    assert "--aws" in body and "--private-key" not in json.dumps(pipeline) and "handoff.sh" in body


@pytest.mark.validator
def test_gitlab_pipeline_validates(tmp_path: Path) -> None:
    require_tool("check-jsonschema")
    require_tool("shellcheck")
    d = design("evm-dapp", cicd=frozenset({("git_host", "gitlab")}))
    for f in GitLabCIRenderer().render(d):
        (tmp_path / f.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f.path).write_text(f.content)
    result = GitLabCIValidator().run(tmp_path, (".gitlab-ci.yml",), find_tool("check-jsonschema"))
    assert result.status == "PASS", result.findings


def run_handoff(tmp_path: Path, owners: dict[str, str], *, pending: str = "") -> tuple[int, str, str]:
    """handoff.sh with a fake `cast` that answers owner() from `owners` and logs every send."""
    script = tmp_path / "handoff.sh"
    script.write_text(files("evm-dapp")[HANDOFF_PATH])
    bindir = tmp_path / "bin"
    bindir.mkdir()
    cases = "\n".join(f'    {addr}) exit 1;;' if owner == "none" else f'    {addr}) echo "{owner}";;'
                      for addr, owner in owners.items())
    (bindir / "cast").write_text(f"""#!/bin/sh
case "$1:$3" in
  "call:owner()(address)")
    case "$2" in
{cases}
    *) exit 1;;
    esac;;
  "call:pendingOwner()(address)") if [ -n "{pending}" ]; then echo "{pending}"; else exit 1; fi;;
  "send:transferOwnership(address)") echo "$*" >> "$CAST_LOG";;
  calldata:*) echo 0x79ba5097;;
  *) exit 2;;
esac
""")
    (bindir / "cast").chmod(0o755)
    run_file = tmp_path / "run-latest.json"
    run_file.write_text(json.dumps({"transactions": [
        {"transactionType": "CREATE", "contractAddress": a} for a in owners] + [
        {"transactionType": "CALL", "contractAddress": None}]}, indent=2))
    log = tmp_path / "cast.log"
    env = {"PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "RUN_FILE": str(run_file), "RPC_URL": "http://rpc",
           "ADMIN_ADDRESS": ADMIN, "DEPLOYER_ADDRESS": "0x" + DEPLOYER[2:].upper(), "CAST_LOG": str(log),
           "HANDOFF_REPORT": str(tmp_path / "report.txt")}
    proc = subprocess.run(["sh", str(script), "--aws"], env=env, capture_output=True, text=True, timeout=30,
                          check=False)
    return proc.returncode, (tmp_path / "report.txt").read_text(), log.read_text() if log.exists() else ""


def test_handoff_transfers_what_the_deployer_owns(tmp_path: Path) -> None:
    a, b, c = "0x" + "aa" * 20, "0x" + "bb" * 20, "0x" + "cc" * 20
    code, report, sends = run_handoff(tmp_path, {a: DEPLOYER, b: ADMIN, c: "none"})
    assert code == 0, report
    assert sends.split() == ["send", a, "transferOwnership(address)", ADMIN, "--rpc-url", "http://rpc", "--aws"]
    assert f"{a}: ownership transferred to the admin multisig" in report
    assert f"{b}: owned by the admin multisig" in report


def test_handoff_two_step_prints_the_safe_call(tmp_path: Path) -> None:
    a = "0x" + "aa" * 20
    code, report, _ = run_handoff(tmp_path, {a: DEPLOYER}, pending=ADMIN)
    assert code == 0 and f"{a}: ownership offered; propose acceptOwnership() in the Safe: to={a} data=0x79ba5097" \
        in report


def test_handoff_fails_on_a_stranger_owner(tmp_path: Path) -> None:
    a = "0x" + "aa" * 20
    code, report, sends = run_handoff(tmp_path, {a: STRANGER})
    assert code == 1 and "neither the deployer nor the admin" in report and sends == ""
