"""`<docs_root>/blockchain-ops.md`: how to run the chain side of the system — nodes, RPC gateway and
indexer (the chains kit's own Markdown fragment, included verbatim), signing and keys, the contract
pipeline, gas, key procedures, the exporter, and one runbook section per chain alert (its heading is
the alert name, so each rule's runbook_url anchor lands on it).

Rendered with Jinja from the same Design and facts the configs come from: a figure in this page is the
figure in the file it describes.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import chain_exporter as exporter
from launchbay.renderers import contracts_ci, signing
from launchbay.renderers.chain_alerts import chain_group
from launchbay.renderers.chain_thresholds import thresholds
from launchbay.renderers.chains.facts import chain_facts, markdown_fragment
from launchbay.renderers.monitoring_rules import slug
from launchbay.renderers.terraform_facts import production_env

PAGE = "blockchain-ops.md"


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("launchbay.renderers", "templates/chains"), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def _chains(design: Design) -> list[dict[str, Any]]:
    out = []
    for chain in design.blockchain.chains if design.blockchain else ():
        evm = chain.chain_id is not None
        out.append({"name": chain.name, "id": chain.chain_id, "testnet": chain.testnet,
                    "env": signing.env_for_chain(design, chain) if evm else None,
                    "rpc_var": signing.rpc_var(design, chain) if evm else None})
    return out


def _signers(design: Design) -> list[dict[str, Any]]:
    web3signer = signing.web3signer(design)
    out = []
    for s in signing.all_signers(design):
        envs = []
        for env in design.environments:
            chains = signing.chains_for(design, env)
            envs.append({"env": env, "alias": signing.kms_alias(design, env, s) if signing.uses_kms(design) else None,
                         "urls": [(s.signer_url_var(c, len(chains) > 1), signing.signer_url(c)) for c in chains]
                         if s.runtime and web3signer else []})
        out.append({"s": s, "envs": envs})
    return out


def _pipeline(design: Design) -> dict[str, Any] | None:
    if not signing.contracts(design) or not signing.evm_chains(design):
        return None
    deployer = signing.deployer(design)
    host = design.cicd.get("git_host")
    return {
        "file": contracts_ci.WORKFLOW_PATH if host == "github" else contracts_ci.GITLAB_PATH,
        "host": host, "components": signing.contracts(design), "deployer": deployer,
        "handoff": contracts_ci.HANDOFF_PATH, "script_var": contracts_ci.SCRIPT_VARIABLE,
        "default_script": contracts_ci.DEFAULT_SCRIPT, "admin_var": contracts_ci.ADMIN_VARIABLE,
        "chain_var": contracts_ci.CHAIN_VARIABLE,
        "multisig": (design.blockchain.contract_admin if design.blockchain else None) in contracts_ci.MULTISIG,
        "chains": [{"name": c.name, "id": c.chain_id, "mainnet": contracts_ci.mainnet(c),
                    "env": signing.env_for_chain(design, c), "rpc_var": signing.rpc_var(design, c),
                    "alias": signing.kms_alias(design, signing.env_for_chain(design, c), deployer)
                    if signing.uses_kms(design) and deployer else None}
                   for c in signing.evm_chains(design)],
    }


def _exporter(design: Design) -> dict[str, Any] | None:
    if not exporter.exporter_enabled(design):
        return None
    envs = []
    for env in design.environments:
        chains = signing.chains_for(design, env)
        if chains:
            envs.append({"env": env, "chains": [{"name": c.name, "sources": exporter.sources(design, c)}
                                                 for c in chains]})
    return {"dir": exporter.EXPORTER_DIR, "port": exporter.EXPORTER_PORT, "job": exporter.EXPORTER_JOB,
            "interval": exporter.INTERVAL_SECONDS, "timeout": exporter.TIMEOUT_SECONDS, "image": exporter.IMAGE,
            "envs": envs, "wallets": [s for s in signing.signers(design) if s.runtime]}


def context(design: Design) -> dict[str, Any]:
    group = chain_group(design)
    facts = chain_facts(design)
    return {
        "d": design, "bc": design.blockchain, "chains": _chains(design), "fragment": markdown_fragment(design),
        "facts": facts, "signers": _signers(design), "kms": signing.uses_kms(design),
        "web3signer": signing.web3signer(design), "validator": signing.validator(design),
        "w3s": {"image": signing.WEB3SIGNER_IMAGE, "port": signing.WEB3SIGNER_PORT,
                "metrics_port": signing.WEB3SIGNER_METRICS_PORT, "dir": signing.WEB3SIGNER_DIR,
                "keys_mount": signing.KEYS_MOUNT, "migrations": signing.MIGRATIONS,
                "signers_file": signing.SIGNERS_PATH},
        "pipeline": _pipeline(design), "exporter": _exporter(design),
        "alerts": group.alerts if group else (), "thresholds": thresholds(design).values(),
        "rules_path": group.rules_path if group else None, "tests_path": group.tests_path if group else None,
        "production": production_env(design), "slug": slug,
    }


def render_page(design: Design) -> str:
    text = _env().get_template(f"{PAGE}.j2").render(**context(design))
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


class BlockchainDocsRenderer:
    name = "blockchain-docs"

    def render(self, design: Design) -> Iterable[KitFile]:
        if design.blockchain is None:
            return
        yield KitFile(path=f"{design.docs_root}/{PAGE}", content=render_page(design))
