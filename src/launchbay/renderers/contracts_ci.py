"""The contract deployment pipeline: build and test with Foundry on every change to a contracts
component, deploy by hand to one chain at a time, signed by KMS (`forge --aws`, OIDC to AWS) or an
encrypted keystore — never `--private-key` and never a key the script reads from the environment.

Mainnet chains deploy under the production environment (its reviewers approve the run; GitLab jobs
are also `when: manual`), test networks under the other environment. When contract admin is a
multisig, the run ends by handing every new contract's ownership to it (`handoff.sh`).

GitHub: `.github/workflows/launchbay-contracts.yml`. GitLab: the jobs join `.gitlab-ci.yml` (its
renderer merges `gitlab_parts`), so the pipeline's schema and shell checks cover them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.resources import files
from typing import Any

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.models.operations import ChainRef
from launchbay.renderers import ci_pins
from launchbay.renderers.ci_github_jobs import OIDC, READ, Job, Step, aws_credentials, checkout, run, uses
from launchbay.renderers.ci_plan import DEFAULT_BRANCH, GITLAB_AUDIENCE, ROLE_VARIABLE, job_id
from launchbay.renderers.ci_yaml import dump, script
from launchbay.renderers.signing import (
    Signer,
    contracts,
    deployer,
    env_for_chain,
    evm_chains,
    kms_alias,
    rpc_var,
    signers,
    uses_kms,
)

WORKFLOW_PATH = ".github/workflows/launchbay-contracts.yml"
GITLAB_PATH = ".gitlab-ci.yml"
HANDOFF_PATH = "deploy/chains/contracts/handoff.sh"
SCRIPT_VARIABLE = "CONTRACTS_DEPLOY_SCRIPT"
DEFAULT_SCRIPT = "script/Deploy.s.sol"  # Foundry's convention; the CONTRACTS_DEPLOY_SCRIPT variable overrides it
ADMIN_VARIABLE = "CONTRACTS_ADMIN_ADDRESS"
CHAIN_VARIABLE = "CONTRACTS_CHAIN"  # GitLab: which chain a web pipeline deploys to
MULTISIG = {"multisig", "timelock-multisig"}
# A script that reads a key (vm.envUint("…PRIVATE_KEY")) signs with that raw key whatever the CLI says.
RAW_KEY_READ = r'env[A-Za-z0-9]*\("[A-Z0-9_]*(PRIVATE_KEY|MNEMONIC|SEED)[A-Z0-9_]*"'
# The contract-deploy jobs dispatch inputs trip checkov's check on workflow_dispatch inputs.
DISPATCH_SKIP = ("CKV_GHA_7", "the only input picks which chain to deploy to; the code deployed is the "
                 "commit of the run, built and tested by this workflow")


def handoff_script() -> str:
    return (files("launchbay.renderers") / "templates/chains/contracts/handoff.sh").read_text(encoding="utf-8")


def raw_key_pattern(design: Design) -> str:
    """Any key-looking env read, plus each raw-key variable the review flagged that such a read would miss."""
    generic = re.compile(RAW_KEY_READ)
    names = [re.escape(s.env_var) for s in signers(design)
             if s.env_var and not generic.search(f'envUint("{s.env_var}"')]
    return RAW_KEY_READ + (rf'|env[A-Za-z0-9]*\("({"|".join(names)})"' if names else "")


def mainnet(chain: ChainRef) -> bool:
    return not chain.testnet


def _deployer(design: Design) -> Signer:
    signer = deployer(design)
    assert signer is not None, "a contracts component always has a deployer"
    return signer


# ───────────────────────────── GitHub Actions ─────────────────────────────

def _foundry() -> Step:
    return uses("foundry-toolchain", {"version": ci_pins.FOUNDRY_VERSION, "cache": False},
                name=f"Foundry {ci_pins.FOUNDRY_VERSION}")


def _checkout() -> Step:
    step = checkout()
    step["with"]["submodules"] = "recursive"  # Foundry libraries (lib/) are git submodules
    return step


def _guard(design: Design, workdir: str, *, fail: bool) -> Step:
    level = "error" if fail else "warning"
    return run("Refuse scripts that read a raw private key", script(
        "set -euo pipefail",
        f"if grep -rnE '{raw_key_pattern(design)}' script; then",
        f'  echo "::{level}::a deploy script reads a private key: use vm.startBroadcast() with no key"',
        *(["  exit 1"] if fail else []),
        "fi"), workdir=workdir)


def _test_job(design: Design, workdir: str) -> Job:
    return {"name": f"{workdir}: build and test", "runs-on": ci_pins.RUNNER, "timeout-minutes": 30,
            "permissions": READ, "steps": [
                _checkout(), _foundry(),
                run("Build", script("forge --version", "forge build --sizes"), workdir=workdir),
                run("Test", script("forge test -vvv"), workdir=workdir),
                _guard(design, workdir, fail=False)]}


def _signer_flags(design: Design) -> str:
    return "--aws" if uses_kms(design) else '--keystore "$KEYSTORE" --password-file "$PASSWORD_FILE"'


def _deploy_job(design: Design, workdir: str, chain: ChainRef, needs: str) -> Job:
    env = env_for_chain(design, chain)
    signer = _deployer(design)
    kms = uses_kms(design)
    flags = _signer_flags(design)
    values: dict[str, str] = {
        "RPC_URL": f"${{{{ secrets.{rpc_var(design, chain)} }}}}",
        "DEPLOY_SCRIPT": f"${{{{ vars.{SCRIPT_VARIABLE} || '{DEFAULT_SCRIPT}' }}}}",
        "CHAIN_ID": str(chain.chain_id),
    }
    if kms:
        values["AWS_KMS_KEY_ID"] = kms_alias(design, env, signer)
    steps: list[Step] = [_checkout(), _foundry(), _guard(design, workdir, fail=True)]
    if kms:
        steps.append(aws_credentials(design.region))
    else:
        steps.append(run("Deployer keystore (encrypted) from the environment's secrets", script(
            "set -euo pipefail", "umask 077",
            'KEYSTORE="$RUNNER_TEMP/deployer-keystore.json"',
            'PASSWORD_FILE="$RUNNER_TEMP/deployer-keystore.password"',
            "printf '%s' \"$KEYSTORE_JSON\" > \"$KEYSTORE\"",
            "printf '%s' \"$KEYSTORE_PASSWORD\" > \"$PASSWORD_FILE\"",
            '{ echo "KEYSTORE=$KEYSTORE"; echo "PASSWORD_FILE=$PASSWORD_FILE"; } >> "$GITHUB_ENV"'),
            {"KEYSTORE_JSON": "${{ secrets.DEPLOYER_KEYSTORE }}",
             "KEYSTORE_PASSWORD": "${{ secrets.DEPLOYER_KEYSTORE_PASSWORD }}"}))
    steps.append(run("Deployer address", script(
        "set -euo pipefail",
        f"address=\"$(cast wallet address {flags})\"",
        'echo "address=${address}" >> "$GITHUB_OUTPUT"',
        f'echo "Deploying to {chain.name} (chain id ${{CHAIN_ID}}) as ${{address}}"'), step_id="deployer"))
    # one flag group per line: the keystore flags make a single line too long for the YAML line limit
    forge = f'forge script "$DEPLOY_SCRIPT" --rpc-url "$RPC_URL" \\\n  {flags} \\\n  --sender "$DEPLOYER_ADDRESS"'
    sender = {"DEPLOYER_ADDRESS": "${{ steps.deployer.outputs.address }}"}
    steps.append(run("Simulate the deployment", script("set -euo pipefail", forge), sender, workdir=workdir))
    steps.append(run("Broadcast the deployment", script("set -euo pipefail", f"{forge} --broadcast --slow"), sender,
                     workdir=workdir))
    admin = design.blockchain.contract_admin if design.blockchain else None
    if admin in MULTISIG:
        steps.append(run("Hand ownership to the admin multisig", script(
            "set -euo pipefail",
            'script_file="${DEPLOY_SCRIPT%%:*}"',
            f'export RUN_FILE="{workdir}/broadcast/${{script_file##*/}}/${{CHAIN_ID}}/run-latest.json"',
            f"sh {HANDOFF_PATH} {flags}",
            'cat "$HANDOFF_REPORT" >> "$GITHUB_STEP_SUMMARY"'),
            {**sender, "ADMIN_ADDRESS": f"${{{{ vars.{ADMIN_VARIABLE} }}}}",
             "HANDOFF_REPORT": "${{ runner.temp }}/handoff-report.txt"}))
    keep = uses("upload-artifact", {"name": f"contracts-{chain.name}-${{{{ github.run_id }}}}",
                                    "path": f"{workdir}/broadcast/", "retention-days": 90, "if-no-files-found": "warn"},
                name="Keep the broadcast record (addresses and transactions; RPC URLs stay in cache/)")
    steps.append({"if": "${{ !cancelled() }}", **keep})
    if not kms:
        steps.append(run("Remove the keystore files", script('rm -f "$KEYSTORE" "$PASSWORD_FILE"'), cond="always()"))
    return {"name": f"Deploy {workdir} to {chain.name}" + (" (mainnet)" if mainnet(chain) else ""),
            "if": f"github.event_name == 'workflow_dispatch' && inputs.chain == '{chain.name}'",
            "needs": needs, "runs-on": ci_pins.RUNNER, "timeout-minutes": 30,
            "permissions": OIDC if kms else READ, "environment": env,
            "concurrency": {"group": f"contracts-deploy-{chain.name}", "cancel-in-progress": False},
            "env": values, "steps": steps}


def github_workflow(design: Design) -> dict[str, Any]:
    comps = contracts(design)
    paths = [f"{c}/**" if c != "." else "**/*.sol" for c in comps] + [WORKFLOW_PATH, HANDOFF_PATH]
    jobs: dict[str, Job] = {}
    for comp in comps:
        test = job_id("test", comp if len(comps) > 1 else "contracts")
        jobs[test] = _test_job(design, comp)
        for chain in evm_chains(design):
            jobs[job_id("deploy", comp if len(comps) > 1 else "", chain.name)] = _deploy_job(design, comp, chain, test)
    return {
        "name": "contracts",
        "on": {
            "pull_request": {"paths": paths},
            "push": {"branches": [DEFAULT_BRANCH], "paths": paths},
            "workflow_dispatch": {"inputs": {"chain": {
                "description": "Chain to deploy the contracts to (mainnet runs wait for the environment's reviewers)",
                "required": True, "type": "choice", "options": [c.name for c in evm_chains(design)]}}},
        },
        "permissions": {},
        "concurrency": {"group": "contracts-${{ github.ref }}-${{ inputs.chain || 'test' }}",
                        "cancel-in-progress": False},
        "jobs": jobs,
    }


def github_header(design: Design) -> str:
    kms = uses_kms(design)
    signer = _deployer(design)
    lines = [
        "Generated by launchbay from the Design; edits are kept on regeneration (three-way merge).",
        "Contracts (Foundry): build and test on every change; deploy by hand (Run workflow, pick a chain).",
        "No raw key anywhere: the deploy is signed by "
        + (f"the KMS key of signer `{signer.name}` (forge --aws, AWS_KMS_KEY_ID = its alias, OIDC role)."
           if kms else "an encrypted keystore (secrets DEPLOYER_KEYSTORE and DEPLOYER_KEYSTORE_PASSWORD)."),
        "Settings per environment (Settings > Environments):",
    ]
    for chain in evm_chains(design):
        env = env_for_chain(design, chain)
        gate = " - add required reviewers: a mainnet deploy waits for their approval" if mainnet(chain) else ""
        lines.append(f"  {chain.name} -> environment {env}: secret {rpc_var(design, chain)}"
                     + (f", variable {ROLE_VARIABLE} (the deploy role of {env}, bootstrap output deploy_role_arns:"
                        f" it may kms:Sign and kms:GetPublicKey with {kms_alias(design, env, signer)})" if kms else "")
                     + gate)
    lines.append(f"  variable {SCRIPT_VARIABLE}: the deploy script (default {DEFAULT_SCRIPT}); it must call"
                 " vm.startBroadcast() without a key.")
    admin = design.blockchain.contract_admin if design.blockchain else None
    if admin in MULTISIG:
        lines.append(f"  variable {ADMIN_VARIABLE}: the Safe (or its timelock for timelock-multisig) that"
                     " receives ownership after each deployment.")
    return "\n".join(lines)


def mark_skip(text: str) -> str:
    """checkov's suppression for the dispatch input, inside the flagged block (see ci_github_deploy)."""
    marker = "      chain:\n"
    return text.replace(marker, marker + f"        # checkov:skip={DISPATCH_SKIP[0]}:{DISPATCH_SKIP[1]}\n", 1)


class ContractsPipelineRenderer:
    name = "contracts-ci"

    def render(self, design: Design) -> Iterable[KitFile]:
        if not contracts(design) or not evm_chains(design):
            return
        yield KitFile(path=HANDOFF_PATH, content=handoff_script(), executable=True)
        host = design.cicd.get("git_host")
        if host == "github":
            yield KitFile(path=WORKFLOW_PATH,
                          content=mark_skip(dump(github_workflow(design), github_header(design))))
        elif host == "gitlab" and not design.services:  # else the contract jobs join the GitLab renderer's file
            yield KitFile(path=GITLAB_PATH, content=dump(gitlab_pipeline(design), gitlab_header(design)))


# ───────────────────────────── GitLab CI ─────────────────────────────

WEB = '$CI_PIPELINE_SOURCE == "web"'
AWS_WEB_IDENTITY = script(
    'if [ -z "${AWS_ROLE_ARN:-}" ]; then echo "set the CI/CD variable AWS_ROLE_ARN (environment scoped)"; exit 1; fi',
    'export AWS_WEB_IDENTITY_TOKEN_FILE="${CI_BUILDS_DIR}/.aws-web-identity-${CI_JOB_ID}"',
    "printf '%s' \"$AWS_ID_TOKEN\" > \"$AWS_WEB_IDENTITY_TOKEN_FILE\"",
    'export AWS_ROLE_SESSION_NAME="gitlab-${CI_PIPELINE_ID}-${CI_JOB_ID}"')


def _gitlab_guard(design: Design, *, fail: bool) -> str:
    return script(f"if grep -rnE '{raw_key_pattern(design)}' script; then",
                  f"  echo '{'ERROR' if fail else 'WARNING'}: a deploy script reads a private key: use"
                  " vm.startBroadcast() with no key'",
                  *(["  exit 1"] if fail else []), "fi")


def _gitlab_test(design: Design, comp: str, changes: list[str]) -> Job:
    main = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"'
    return {"stage": "test", "image": {"name": ci_pins.FOUNDRY_IMAGE, "entrypoint": [""]},
            "variables": {"GIT_SUBMODULE_STRATEGY": "recursive"},
            "rules": [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"', "changes": changes},
                      {"if": main, "changes": changes}, {"if": f"{WEB} && ${CHAIN_VARIABLE}"}],
            "script": [f'cd "$CI_PROJECT_DIR/{comp}" || exit 1', "forge --version", "forge build --sizes",
                       "forge test -vvv", _gitlab_guard(design, fail=False)]}


def _gitlab_deploy(design: Design, comp: str, chain: ChainRef, test: str) -> Job:
    env = env_for_chain(design, chain)
    kms = uses_kms(design)
    # short names for the keystore file variables keep each script line under the YAML line limit
    flags = "--aws" if kms else '--keystore "$KS" --password-file "$KS_PW"'
    variables: dict[str, str] = {"GIT_SUBMODULE_STRATEGY": "recursive", "CHAIN_ID": str(chain.chain_id),
                                 "RPC_URL": f"${rpc_var(design, chain)}"}
    job: Job = {"stage": "contracts", "image": {"name": ci_pins.FOUNDRY_IMAGE, "entrypoint": [""]},
                "interruptible": False}
    before = []
    if kms:
        job["id_tokens"] = {"AWS_ID_TOKEN": {"aud": GITLAB_AUDIENCE}}
        variables.update({"AWS_REGION": design.region, "AWS_KMS_KEY_ID": kms_alias(design, env, _deployer(design))})
        before.append(AWS_WEB_IDENTITY)
    job["variables"] = variables
    job["environment"] = {"name": env, "action": "prepare"}
    job["resource_group"] = f"contracts-{chain.name}"
    rule: dict[str, Any] = {"if": f'{WEB} && ${CHAIN_VARIABLE} == "{chain.name}"'}
    if mainnet(chain):
        rule.update({"when": "manual", "allow_failure": False})
    job["rules"] = [rule]
    job["needs"] = [{"job": test, "artifacts": False}]
    if before:
        job["before_script"] = before
    body = [
        f'cd "$CI_PROJECT_DIR/{comp}" || exit 1',
        _gitlab_guard(design, fail=True),
        f'case "${{RPC_URL:-}}" in ""|"$"*) echo "set the CI/CD variable {rpc_var(design, chain)} (masked,'
        ' environment scoped)"; exit 1;; esac',
        *([] if kms else ['KS="$DEPLOYER_KEYSTORE"', 'KS_PW="$DEPLOYER_KEYSTORE_PASSWORD"']),
        f'DEPLOYER_ADDRESS="$(cast wallet address {flags})"',
        "export DEPLOYER_ADDRESS",
        f'DEPLOY_SCRIPT="${{{SCRIPT_VARIABLE}:-{DEFAULT_SCRIPT}}}"',
        'run_script() { forge script "$DEPLOY_SCRIPT" --rpc-url "$RPC_URL" '
        f'{flags} --sender "$DEPLOYER_ADDRESS" "$@"; }}',
        "run_script",
        "run_script --broadcast --slow",
    ]
    admin = design.blockchain.contract_admin if design.blockchain else None
    if admin in MULTISIG:
        body += ['script_file="${DEPLOY_SCRIPT%%:*}"',
                 'RUN_FILE="broadcast/${script_file##*/}/${CHAIN_ID}/run-latest.json"',
                 f'ADMIN_ADDRESS="${{{ADMIN_VARIABLE}:?set the CI/CD variable {ADMIN_VARIABLE}}}"',
                 "export RUN_FILE ADMIN_ADDRESS",
                 'export HANDOFF_REPORT="$CI_PROJECT_DIR/handoff-report.txt"',
                 f'sh "$CI_PROJECT_DIR/{HANDOFF_PATH}" {flags}']
    job["script"] = body
    job["artifacts"] = {"paths": [f"{comp}/broadcast/"] + (["handoff-report.txt"] if admin in MULTISIG else []),
                        "expire_in": "90 days", "when": "always"}
    return job


def gitlab_parts(design: Design) -> tuple[list[str], dict[str, Any], dict[str, Job]]:
    """(stages, top-level variables, jobs) the GitLab pipeline merges in; empty without contracts."""
    comps = contracts(design)
    if not comps or not evm_chains(design):
        return [], {}, {}
    jobs: dict[str, Job] = {}
    for comp in comps:
        changes = [f"{comp}/**/*" if comp != "." else "**/*.sol", HANDOFF_PATH]
        test = f"contracts:test:{comp}" if len(comps) > 1 else "contracts:test"
        jobs[test] = _gitlab_test(design, comp, changes)
        for chain in evm_chains(design):
            name = f"contracts:deploy:{comp}:{chain.name}" if len(comps) > 1 else f"contracts:deploy:{chain.name}"
            jobs[name] = _gitlab_deploy(design, comp, chain, test)
    variables = {CHAIN_VARIABLE: {"value": "", "options": ["", *(c.name for c in evm_chains(design))],
                                  "description": "Contracts only: the chain to deploy to (Run pipeline)"}}
    return ["contracts"], variables, jobs


def gitlab_pipeline(design: Design) -> dict[str, Any]:
    """The whole `.gitlab-ci.yml` of a project whose only deployable part is its contracts."""
    stages, variables, jobs = gitlab_parts(design)
    return {"workflow": {"rules": [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'},
                                   {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}, {"if": WEB}]},
            "stages": ["test", *stages], "variables": variables, "default": {"interruptible": True}, **jobs}


def gitlab_header(design: Design) -> str:
    kms = uses_kms(design)
    return "\n".join([
        "Generated by launchbay from the Design; edits are kept on regeneration (three-way merge).",
        "Contracts (Foundry): build and test on merge requests and the default branch; deploy with Run pipeline",
        f"and {CHAIN_VARIABLE}=<chain> (mainnet jobs are manual; protect their environment).",
        "Signed by " + (f"KMS (forge --aws; {ROLE_VARIABLE} per environment: the bootstrap's deploy role, OIDC)"
                        if kms else
                        "an encrypted keystore (File variables DEPLOYER_KEYSTORE, DEPLOYER_KEYSTORE_PASSWORD)")
        + "; no raw key anywhere.",
    ])
