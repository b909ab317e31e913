"""Blockchain questions: chains, nodes or providers, indexers, signing keys and contract ownership.

Asked only when review found chain facts or the user named chains. Signing keys found in the code
are never answered with "none": the recommendation cites where each key is read.
"""

from __future__ import annotations

import re

from launchbay.models.profile import Evidence, ProjectProfile
from launchbay.questions import signals as sig
from launchbay.questions.base import Context, Option, Question, Recommendation, cite

# ----------------------------------------------------------------------------- chains


def _chains(ctx: Context) -> Recommendation | None:
    found = sig.chains(ctx.profile)
    if not found:
        return None
    where = ", ".join(f"{c} ({cite(ev)})" for c, ev in found.items())
    return Recommendation(tuple(found), f"the code targets {where}", tuple(found.values()))


# ----------------------------------------------------------------------------- RPC providers

_PROVIDER_DOCS = {"Alchemy": "alchemy", "Infura": "infura", "QuickNode": "quicknode", "Ankr": "ankr",
                  "Chainstack": "chainstack", "Helius": "helius"}
_PROVIDER_TEXT = (
    ("alchemy", re.compile(r"alchemy", re.I)), ("infura", re.compile(r"infura", re.I)),
    ("quicknode", re.compile(r"quicknode|quiknode", re.I)), ("ankr", re.compile(r"\bankr", re.I)),
    ("chainstack", re.compile(r"chainstack", re.I)), ("helius", re.compile(r"helius", re.I)),
    ("drpc", re.compile(r"\bdrpc", re.I)),
)


def providers(profile: ProjectProfile) -> dict[str, Evidence]:
    """RPC providers the code reaches (env var names, RPC hostnames) or the docs name, first seen each."""
    found: dict[str, Evidence] = {}
    code = [(e.name, e.read[0]) for c in profile.components for e in c.env_vars if e.read]
    code += [(ev.quote, ev) for field in ("rpc_env", "chain") for _, _, ev in sig.tags(profile, field)]
    for label, ev in code:
        for provider, pattern in _PROVIDER_TEXT:
            if pattern.search(label):
                found.setdefault(provider, ev)
    for provider, ev in sig.integrations(profile, _PROVIDER_DOCS).items():
        found.setdefault(provider, ev)
    return found


def _provider_phrase(found: dict[str, Evidence]) -> str:
    return ", ".join(f"{p} ({cite(ev)})" for p, ev in found.items())


def _node_strategy(ctx: Context) -> Recommendation | None:
    found = providers(ctx.profile)
    if not found:
        return None
    return Recommendation("third-party", f"RPC already comes from {_provider_phrase(found)} → no nodes to operate",
                          tuple(found.values()))


def _rpc_providers(ctx: Context) -> Recommendation | None:
    found = providers(ctx.profile)
    if not found:
        return None
    return Recommendation(tuple(found), f"the project already uses {_provider_phrase(found)}", tuple(found.values()))


# ----------------------------------------------------------------------------- node role and indexer


def _runs_nodes(ctx: Context) -> bool:
    return sig.chain_context(ctx) and sig.text(ctx, "blockchain.node_strategy") in ("own-nodes", "hybrid")


def _node_role(ctx: Context) -> Recommendation | None:
    graph = sig.first_tags(ctx.profile, "indexer").get("the-graph")
    if graph is not None:
        return Recommendation("archive", f"subgraph ({cite(graph)}) handlers call contracts at past blocks → "
                                         "graph-node needs an archive node", (graph,))
    reads = sig.service_tags(ctx.profile, "rpc_env")
    if not reads:
        return None
    _, name, ev = reads[0]
    return Recommendation("rpc-only", f"the app only reads and sends transactions via {name} ({cite(ev)}); "
                                      "no validator duties", (ev,))


_INDEXERS = {"ponder": "ponder", "subsquid": "subsquid", "envio": "envio", "rindexer": "custom"}


def _indexer(ctx: Context) -> Recommendation | None:
    found = sig.first_tags(ctx.profile, "indexer")
    for name, ev in found.items():
        if name in _INDEXERS:
            return Recommendation(_INDEXERS[name], f"{name} indexer configured at {cite(ev)}", (ev,))
        strategy = sig.text(ctx, "blockchain.node_strategy")
        if name == "the-graph" and strategy is not None:
            value = "subgraph-hosted" if strategy == "third-party" else "graph-node"
            return Recommendation(value, f"subgraph at {cite(ev)} with "
                                         f"{sig.said('blockchain.node_strategy', strategy)}", (ev,))
    reads = sig.service_tags(ctx.profile, "rpc_env")
    if found or not reads or _indexer_hint(ctx.profile):
        return None
    _, name, ev = reads[0]
    return Recommendation("none", f"no indexer in the code; chain reads go straight through {name} ({cite(ev)})",
                          (ev,))


_INDEXER_WORDS = re.compile(r"ENVIO|PONDER|SUBGRAPH|GRAPH|SQUID|INDEXER", re.I)


def _indexer_hint(profile: ProjectProfile) -> bool:
    """Anything that smells of an indexer the detectors did not recognise: then "none" is not safe."""
    if any(c.kind == "indexer" or "indexer" in c.values("role") for c in profile.components):
        return True
    return bool(sig.env_reads(profile, _INDEXER_WORDS))


# ----------------------------------------------------------------------------- keys and admin


def _key_applies(ctx: Context) -> bool:
    return bool(ctx.profile.signing_keys) or sig.chain_context(ctx)


def _key_management(ctx: Context) -> Recommendation | None:
    phrase = sig.key_phrase(ctx.profile)
    if phrase is None:
        return None  # no key in the code: whether a server signs at all is the user's call
    where, evidence = phrase
    cloud = sig.text(ctx, "deployment.cloud")
    if cloud in sig.PUBLIC_CLOUDS and _all_evm(ctx.profile):
        return Recommendation("cloud-kms", f"{where} → keys belong in {cloud} KMS (secp256k1), not an env var "
                                           f"({sig.said('deployment.cloud', cloud)})", evidence)
    return Recommendation("remote-signer", f"{where} → sign through a remote signer so the app never holds the key",
                          evidence)


def _all_evm(profile: ProjectProfile) -> bool:
    """Cloud KMS signs secp256k1 (EVM); other curves go to a remote signer instead."""
    paths = {c.path: c for c in profile.components}
    for key in profile.signing_keys:
        comp = paths.get(key.component)
        ecosystems = set(map(str, comp.values("ecosystem"))) if comp else set()
        if key.key_type == "keypair-file" or ecosystems - {"evm"}:
            return False
    return True


def _has_contracts(ctx: Context) -> bool:
    profile = ctx.profile
    return bool(sig.tags(profile, "contract_toolchain")) or any(c.kind == "contracts" for c in profile.components)


_TIMELOCK = re.compile(r"\btimelock\b", re.I)
_MULTISIG = re.compile(r"\b(?:Safe|SAFE|(?i:multi-?sig))\b")


def _contract_admin(ctx: Context) -> Recommendation | None:
    for pattern, value in ((_TIMELOCK, "timelock-multisig"), (_MULTISIG, "multisig")):
        hit = sig.any_finding(ctx.profile, pattern)
        if hit is not None:
            return Recommendation(value, f"the docs put contract ownership behind a {value} ({cite(hit.evidence)})",
                                  (hit.evidence,))
    return None


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="blockchain.chains", kind="list", required=True, when=sig.chain_context, recommend=_chains,
        prompt="Which chains must production and staging connect to?",
        help="Each chain adds RPC endpoints, contract deployments, funded signer wallets and chain-specific "
             "alerts (head lag, gas balance).",
        options=(
            Option(("ethereum",), "Mainnet only", ("one set of RPC endpoints and wallets",),
                   ("contract changes are rehearsed nowhere",), "read-only apps without their own contracts"),
            Option(("ethereum", "sepolia"), "Mainnet plus its testnet for staging",
                   ("staging exercises the real contracts on free test ETH",), ("two deployments to keep in step",),
                   "projects that deploy contracts or sign transactions"),
            Option(("sepolia",), "Testnet only (pilot)", ("no real funds at risk",),
                   ("testnets reset or deprecate, and users pay nothing",), "a pilot before the mainnet launch"),
        ),
    ),
    Question(
        key="blockchain.node_strategy", kind="choice", when=sig.chain_context, recommend=_node_strategy,
        prompt="Will you run your own chain nodes or use an RPC provider?",
        help="Own nodes need fast NVMe disks (a full Ethereum node is over 1 TB) and an operator; providers "
             "bill per request and rate-limit.",
        options=(
            Option("third-party", "RPC provider (Alchemy, Infura, QuickNode…)", ("nothing to operate",
                   "production in minutes"), ("per-request pricing and rate limits", "provider outage is your outage"),
                   "most apps below millions of calls per day"),
            Option("own-nodes", "Your own nodes", ("no rate limits, full control of the data",),
                   ("1–2 TB NVMe per chain, days to sync", "someone must upgrade clients for forks"),
                   "very high call volume or data you cannot get from providers"),
            Option("hybrid", "Own node with a provider as fallback", ("keeps serving when one side fails",),
                   ("pay for both", "two endpoints to health-check"), "indexers or bots that must not stall"),
        ),
    ),
    Question(
        key="blockchain.rpc_providers", kind="multi", recommend=_rpc_providers,
        when=lambda ctx: sig.chain_context(ctx) and sig.text(ctx, "blockchain.node_strategy") != "own-nodes",
        prompt="Which RPC providers should production use?",
        help="Two providers let the app fail over when one degrades; each needs an API key in the secrets store.",
        options=(
            Option(("alchemy",), "One provider", ("one bill, one key",), ("no fallback during an outage",),
                   "pilots and modest traffic"),
            Option(("alchemy", "infura"), "Primary and fallback provider", ("survives a provider outage",),
                   ("two keys and quotas to watch",), "signers and relayers that must keep sending"),
            Option(("public",), "Public endpoints", ("free",), ("strict rate limits, no SLA",),
                   "development only, never production"),
        ),
    ),
    Question(
        key="blockchain.node_role", kind="choice", when=_runs_nodes, recommend=_node_role,
        prompt="What must your own nodes do: serve RPC, keep full history, or validate?",
        help="Archive nodes keep every historical state (several TB); validators stake funds and must never "
             "double-sign; plain RPC nodes are the cheapest.",
        options=(
            Option("rpc-only", "Full node serving RPC", ("smallest disks (~1–2 TB for Ethereum)",),
                   ("no state queries at old blocks",), "apps that read recent state and send transactions"),
            Option("archive", "Archive node", ("answers eth_call at any past block",),
                   ("several TB of NVMe, weeks to sync",), "indexers that read contract state at past blocks"),
            Option("validator", "Validator", ("earns staking rewards",),
                   ("stake at risk of slashing", "needs 24x7 on-call"), "staking is part of the business"),
        ),
    ),
    Question(
        key="blockchain.indexer", kind="choice", when=sig.chain_context, recommend=_indexer,
        prompt="Does the app need a blockchain indexer, and which one?",
        help="An indexer turns events into queryable tables; it needs its own database and a backfill from the "
             "deployment block on every fresh install.",
        options=(
            Option("none", "No indexer: read the chain directly", ("nothing extra to run",),
                   ("history queries are slow and hit RPC limits",), "apps that only read current state"),
            Option("ponder", "Ponder (self-hosted)", ("TypeScript handlers, reorgs handled",),
                   ("needs Postgres and RPC quota for backfills",), "EVM apps with their own contracts"),
            Option("subgraph-hosted", "Subgraph on The Graph's network", ("no indexer servers to run",),
                   ("query fees in GRT", "slower to redeploy"), "public data other apps may also query"),
        ),
    ),
    Question(
        key="blockchain.key_management", kind="choice", required=True, when=_key_applies, recommend=_key_management,
        prompt="Where will production signing keys live?",
        help="A raw private key in an environment variable can be copied by anyone with access to the host; "
             "a KMS or remote signer signs without ever revealing the key.",
        options=(
            Option("cloud-kms", "Cloud KMS (AWS KMS, GCP Cloud KMS)", ("key never leaves the KMS",
                   "every signature is in the audit log"), ("about USD 1 per key per month plus per-call fees",
                   "EVM signing needs a small adapter"), "EVM signers on a public cloud"),
            Option("remote-signer", "Remote signer (e.g. Web3Signer) in a private network",
                   ("app holds no key", "works on any host"), ("a service to run and secure",),
                   "self-hosted deployments or non-EVM keys"),
            Option("mpc", "MPC / custody provider (e.g. Fireblocks)", ("policy and approval workflows",),
                   ("vendor fees, often four figures a month",), "treasury-size funds or institutional custody"),
        ),
    ),
    Question(
        key="blockchain.contract_admin", kind="choice", when=_has_contracts, recommend=_contract_admin,
        prompt="Who may upgrade, pause or reconfigure the deployed contracts?",
        help="The admin key can change what users' funds are subject to; the deploy pipeline hands ownership "
             "to this account right after deployment.",
        options=(
            Option("multisig", "Multisig (e.g. Safe, 2-of-3)", ("no single key can act alone",),
                   ("admin actions need several signers online",), "contracts holding user funds"),
            Option("timelock-multisig", "Multisig behind a timelock", ("users see changes before they apply",),
                   ("emergency fixes wait out the delay unless a pause role exists",), "upgradeable DeFi contracts"),
            Option("eoa", "A single owner key", ("fastest to act",), ("one leaked key owns the contracts",),
                   "testnets and throwaway deployments"),
        ),
    ),
)
