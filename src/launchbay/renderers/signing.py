"""Signing without raw keys: who signs what, with which key, on which chain — and the Web3Signer
configuration that does it for cloud-KMS designs.

The review found env vars that hold raw private keys (`ChainPlan.signing_keys`). None of them is
ever given a value by the kit. Each becomes a *signer* named after the variable (`RELAYER_PRIVATE_KEY`
→ `relayer`) whose key lives where the answers say (`key_management`):

- cloud-kms on AWS: one secp256k1 SIGN_VERIFY KMS key per signer and environment (the Terraform kms
  module, alias `alias/<project>-<env>-signer-<name>`); a service's transactions are signed by
  Web3Signer (eth1 mode, one instance per chain, keys loaded by alias with the task's own role, so no
  credential and no key id is written anywhere); the contracts pipeline signs with `forge --aws`;
- everything else (hsm, remote-signer, mpc, custody-provider, none): documented in blockchain-ops.md,
  and the pipeline deploys from an encrypted keystore, never `--private-key`.

A signer read by a service is a *runtime* signer (a hot wallet: its balance and nonces are
monitored); one no service reads (`DEPLOYER_PRIVATE_KEY`) belongs to the contract pipeline.
Mainnet chains belong to the production environment, test networks to the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.models.operations import ChainRef
from launchbay.renderers.chains.facts import ProxyNetwork, chain_facts
from launchbay.renderers.ci_yaml import dump
from launchbay.renderers.terraform_facts import prefix, production_env

WEB3SIGNER_IMAGE = "consensys/web3signer:26.4.2"  # newest release in Consensys/doc.web3signer (2026-07)
WEB3SIGNER_PORT = 9000  # Web3Signer's default HTTP port
WEB3SIGNER_METRICS_PORT = 9001  # and its default metrics port
WEB3SIGNER_DIR = "deploy/chains/web3signer"
KEYS_MOUNT = "/etc/web3signer/keys"  # where the key configuration files are mounted in the container
MIGRATIONS = "/opt/web3signer/migrations/postgresql"  # the slashing-protection schema inside the image
SIGNERS_PATH = "deploy/chains/signers.json"
KEY_SUFFIX = re.compile(r"_?(PRIVATE_KEY|SECRET_KEY|PRIV_KEY|MNEMONIC|SEED_PHRASE|SEED|KEYPAIR|PK|KEY)$")
# eth2 network names Web3Signer knows, for validator signing (consensus-layer chains only).
ETH2_NETWORKS = {"ethereum": "mainnet", "sepolia": "sepolia", "holesky": "holesky", "hoodi": "hoodi",
                 "gnosis": "gnosis", "gnosis-chiado": "chiado"}


@dataclass(frozen=True)
class Signer:
    """One signing identity that replaces a raw-key env var."""

    env_var: str  # the variable the review flagged, e.g. RELAYER_PRIVATE_KEY
    name: str  # relayer
    services: tuple[str, ...]  # services that read the variable (empty: the contract pipeline's key)

    @property
    def runtime(self) -> bool:
        return bool(self.services)

    @property
    def var(self) -> str:
        """Upper-case stem for the variables that replace the raw key (RELAYER_…)."""
        return self.name.upper().replace("-", "_")

    @property
    def address_var(self) -> str:
        return f"{self.var}_ADDRESS"

    @property
    def min_balance_var(self) -> str:
        return f"{self.var}_MIN_BALANCE_WEI"

    @property
    def kms_key_var(self) -> str:
        return f"{self.var}_KMS_KEY_ID"

    def signer_url_var(self, chain: ChainRef, several: bool) -> str:
        return f"{self.var}_SIGNER_URL" + (f"_{chain_var(chain)}" if several else "")


def chain_var(chain: ChainRef) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", chain.name.upper()).strip("_")


def signer_name(env_var: str) -> str:
    stem = KEY_SUFFIX.sub("", env_var.upper()).strip("_")
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "signer"


def signers(design: Design) -> tuple[Signer, ...]:
    """Every flagged raw-key variable as a signer (unique names, in the Design's order)."""
    if design.blockchain is None:
        return ()
    out: list[Signer] = []
    used: set[str] = set()
    for env_var in design.blockchain.signing_keys:
        base = signer_name(env_var)
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        readers = tuple(s.name for s in design.services if any(e.name == env_var for e in s.env))
        out.append(Signer(env_var=env_var, name=name, services=readers))
    return tuple(out)


def contracts(design: Design) -> tuple[str, ...]:
    """Components that hold contracts (deployed by the contracts pipeline, not run as services)."""
    if design.blockchain is None:
        return ()
    return tuple(component for component, target in design.non_services if target == "contracts")


def deployer(design: Design) -> Signer | None:
    """The contract pipeline's signer: the first flagged key no service reads; a project with contracts
    but no such key still gets one (`deployer`), so deployments never need a raw key."""
    if not contracts(design):
        return None
    own = [s for s in signers(design) if not s.runtime]
    if own:
        return own[0]
    taken = {s.name for s in signers(design)}
    return Signer(env_var="", name="deployer" if "deployer" not in taken else "contracts-deployer", services=())


def all_signers(design: Design) -> tuple[Signer, ...]:
    """The flagged signers plus the pipeline's deployer when it is not one of them."""
    found = signers(design)
    extra = deployer(design)
    return found + ((extra,) if extra is not None and extra not in found else ())


def kms_signers(design: Design) -> tuple[Signer, ...]:
    """Signers that get a KMS key from Terraform (cloud-kms on AWS)."""
    return all_signers(design) if uses_kms(design) else ()


def uses_kms(design: Design) -> bool:
    bc = design.blockchain
    return bc is not None and bc.key_management == "cloud-kms" and design.cloud == "aws"


def kms_alias(design: Design, env: str, signer: Signer) -> str:
    return f"alias/{prefix(design, env)}-signer-{signer.name}"


def evm_chains(design: Design) -> tuple[ChainRef, ...]:
    return tuple(c for c in design.blockchain.chains if c.chain_id is not None) if design.blockchain else ()


def chains_for(design: Design, env: str) -> tuple[ChainRef, ...]:
    """The EVM chains an environment uses: mainnets in production, test networks elsewhere (each side
    falls back to the other when it has none)."""
    chains = evm_chains(design)
    main = tuple(c for c in chains if not c.testnet)
    test = tuple(c for c in chains if c.testnet)
    if env == production_env(design):
        return main or test
    return test or main


def env_for_chain(design: Design, chain: ChainRef) -> str:
    """The environment whose keys and approvals govern deployments to `chain`."""
    production = production_env(design)
    others = [e for e in design.environments if e != production]
    if chain in chains_for(design, production) or not others:
        return production
    return next((e for e in others if chain in chains_for(design, e)), others[0])


def rpc_var(design: Design, chain: ChainRef) -> str:
    """The env var that carries the chain's RPC URL: one the code already reads when the review found
    it (BASE_RPC_URL, RPC_URL_8453, or the only one of a one-chain project), else <CHAIN>_RPC_URL."""
    found = design.blockchain.rpc_env if design.blockchain else ()
    key = chain_var(chain)
    for name in (f"{key}_RPC_URL", f"RPC_URL_{key}", f"{key}_RPC"):
        if name in found:
            return name
    by_id = [n for n in found if chain.chain_id is not None and n.endswith(f"_{chain.chain_id}")]
    if by_id:
        return sorted(by_id)[0]
    if len(evm_chains(design)) == 1 and len(found) == 1:
        return found[0]
    return f"{key}_RPC_URL"


def signer_host(chain: ChainRef) -> str:
    """The service name Web3Signer for `chain` is reached by (and the only Host it answers to)."""
    return f"web3signer-{chain.name}"


def signer_url(chain: ChainRef) -> str:
    return f"http://{signer_host(chain)}:{WEB3SIGNER_PORT}"


def validator(design: Design) -> bool:
    return design.blockchain is not None and design.blockchain.node_role == "validator"


def web3signer(design: Design) -> bool:
    """Web3Signer is configured for cloud-KMS designs with a signer a service uses, or a validator."""
    return uses_kms(design) and bool(evm_chains(design)) and (
        any(s.runtime for s in signers(design)) or validator(design))


def _dump(data: dict[str, Any], header: Iterable[str]) -> str:
    """Deterministic YAML with a wrapped comment header (no anchors, insertion order)."""
    return dump(data, "\n".join(header))


def downstream(design: Design, chain: ChainRef) -> ProxyNetwork | None:
    """The RPC proxy's network for `chain` (Web3Signer forwards every non-signing call there)."""
    facts = chain_facts(design)
    if facts is None:
        return None
    return next((n for n in facts.proxy.networks if n.chain_id == chain.chain_id and n.upstreams), None)


def _eth1_config(design: Design, env: str, chain: ChainRef) -> KitFile:
    host = signer_host(chain)
    allow = ["localhost", "127.0.0.1", host]
    proxy = downstream(design, chain)
    data: dict[str, Any] = {
        "http-listen-host": "0.0.0.0",
        "http-listen-port": WEB3SIGNER_PORT,
        "http-host-allowlist": allow,
        "key-config-path": KEYS_MOUNT,
        "metrics-enabled": True,
        "metrics-host": "0.0.0.0",
        "metrics-port": WEB3SIGNER_METRICS_PORT,
        # Prometheus addresses the task or pod by IP, never by a name, so a name list would refuse every scrape;
        # who may reach the metrics port is the security group's / NetworkPolicy's job.
        "metrics-host-allowlist": ["*"],
        "logging": "INFO",
        "eth1.chain-id": chain.chain_id,
    }
    header = [
        f"Web3Signer for {chain.name} (chain id {chain.chain_id}) in {env}. Generated by launchbay from the Design.",
        f"Run: {WEB3SIGNER_IMAGE} --config-file=<this file> eth1, with {KEYS_MOUNT} holding ./keys/.",
        f"Reached only as http://{host}:{WEB3SIGNER_PORT} from the services that sign (private network).",
        "It signs eth_sendTransaction / eth_signTransaction with the KMS keys of ./keys and forwards",
    ]
    if proxy is not None:
        url = urlsplit(proxy.url)
        data["eth1.downstream-http-host"] = url.hostname
        data["eth1.downstream-http-port"] = url.port or (443 if url.scheme == "https" else 80)
        data["eth1.downstream-http-path"] = url.path
        if url.scheme == "https":
            data["eth1.downstream-http-tls-enabled"] = True
        header.append(f"every other call to the RPC proxy ({proxy.url}): provider keys stay in the proxy.")
    else:
        header += ["every other call downstream: set WEB3SIGNER_ETH1_DOWNSTREAM_HTTP_HOST, _PORT, _PATH and",
                   f"_TLS_ENABLED to the {chain.name} RPC endpoint ({rpc_var(design, chain)}); a provider path "
                   "holds its API key, so deliver it from the secret store."]
    header.append("AWS credentials: the task's IAM role (authenticationMode ENVIRONMENT); no key is in any file.")
    return KitFile(path=f"{WEB3SIGNER_DIR}/{env}/config-{chain.name}.yaml", content=_dump(data, header))


def _eth2_config(design: Design, env: str) -> KitFile | None:
    networks = [ETH2_NETWORKS[c.name] for c in chains_for(design, env) if c.name in ETH2_NETWORKS]
    if not networks:
        return None
    data: dict[str, Any] = {
        "http-listen-host": "0.0.0.0",
        "http-listen-port": WEB3SIGNER_PORT,
        "http-host-allowlist": ["localhost", "127.0.0.1", "web3signer-validator"],
        "metrics-enabled": True,
        "metrics-host": "0.0.0.0",
        "metrics-port": WEB3SIGNER_METRICS_PORT,
        "metrics-host-allowlist": ["*"],  # scraped by IP (see the eth1 config)
        "eth2.network": networks[0],
        "eth2.slashing-protection-enabled": True,
        "eth2.slashing-protection-pruning-enabled": True,
        "eth2.aws-secrets-enabled": True,
        "eth2.aws-secrets-auth-mode": "ENVIRONMENT",
        "eth2.aws-secrets-region": design.region,
        "eth2.aws-secrets-prefixes-filter": [f"{prefix(design, env)}/validator-"],
    }
    header = [
        f"Web3Signer for validator (BLS) signing on {networks[0]} in {env}. Generated by launchbay.",
        "BLS keys cannot live in KMS: they are AWS Secrets Manager secrets (KMS-encrypted) named",
        f"{prefix(design, env)}/validator-*, read with the task's IAM role.",
        "Slashing protection is ON and needs its own PostgreSQL database (never the application's):",
        "set WEB3SIGNER_ETH2_SLASHING_PROTECTION_DB_URL (jdbc:postgresql://<host>:5432/web3signer),",
        "_DB_USERNAME and _DB_PASSWORD from the secret store, and load the schema first with Flyway from",
        f"{MIGRATIONS} (blockchain-ops.md, Key procedures). Never run two signers on one key without it.",
    ]
    return KitFile(path=f"{WEB3SIGNER_DIR}/{env}/config-validator.yaml", content=_dump(data, header))


def _key_file(design: Design, env: str, signer: Signer) -> KitFile:
    data = {"type": "aws-kms", "authenticationMode": "ENVIRONMENT", "kmsKeyId": kms_alias(design, env, signer),
            "region": design.region}
    header = [
        f"Signing key `{signer.name}` in {env}: replaces {signer.env_var} (a raw key the review found).",
        "The private key never leaves AWS KMS (secp256k1, SIGN_VERIFY); Web3Signer resolves the alias",
        "that Terraform creates (deploy/terraform, module kms) and asks KMS for each signature.",
    ]
    return KitFile(path=f"{WEB3SIGNER_DIR}/{env}/keys/{signer.name}.yaml", content=_dump(data, header))


def signers_document(design: Design) -> dict[str, Any]:
    """Which raw-key variable became which signer, and how a service reaches it now (names only)."""
    kms = uses_kms(design)
    out: list[dict[str, Any]] = []
    for signer in all_signers(design):
        envs: dict[str, Any] = {}
        for env in design.environments:
            chains = chains_for(design, env)
            item: dict[str, Any] = {"chains": [c.name for c in chains]}
            if kms:
                item["kms_key_alias"] = kms_alias(design, env, signer)
            if signer.runtime and web3signer(design):
                item["signer_urls"] = {signer.signer_url_var(c, len(chains) > 1): signer_url(c) for c in chains}
            envs[env] = item
        out.append({
            "replaces": signer.env_var or None, "signer": signer.name, "read_by": list(signer.services),
            "role": "runtime hot wallet" if signer.runtime else "contract deployment",
            "address_variable": signer.address_var,
            "min_balance_variable": signer.min_balance_var if signer.runtime else None,
            "environments": envs,
        })
    return {
        "schema": 1, "generator": "launchbay",
        "purpose": "raw-key env vars and the signers that replace them; no key, address or URL secret is here",
        "key_management": design.blockchain.key_management if design.blockchain else None,
        "contract_admin": design.blockchain.contract_admin if design.blockchain else None,
        "signers": out,
    }


class SigningRenderer:
    name = "signing"

    def render(self, design: Design) -> Iterable[KitFile]:
        if design.blockchain is None or (not all_signers(design) and not validator(design)):
            return
        body = json.dumps(signers_document(design), indent=2, sort_keys=True) + "\n"
        yield KitFile(path=SIGNERS_PATH, content=body)
        if not web3signer(design):
            return
        for env in design.environments:
            for chain in chains_for(design, env):
                if any(s.runtime for s in signers(design)):
                    yield _eth1_config(design, env, chain)
            if validator(design) and (eth2 := _eth2_config(design, env)) is not None:
                yield eth2
            for signer in signers(design):
                if signer.runtime:
                    yield _key_file(design, env, signer)


def eth1_files(design: Design, env: str, chain: ChainRef) -> dict[str, str]:
    """The files one eth1 Web3Signer reads, by their path under its config folder (config.yaml, keys/<signer>.yaml):
    the same text as deploy/chains/web3signer/<env>/, for platforms that mount them (Kubernetes)."""
    out = {"config.yaml": _eth1_config(design, env, chain).content}
    out.update({f"keys/{s.name}.yaml": _key_file(design, env, s).content for s in signers(design) if s.runtime})
    return out
