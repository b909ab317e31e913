"""The chain kit's shared decisions, derived from the Design once: names, URLs, which own nodes the kit
runs and which it cannot (and why), and the proxy's networks and upstreams. Every chains module and the
facts API read these, so a service name or port cannot differ between a manifest and a doc."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from launchbay.models.design import ChainNode, Design
from launchbay.models.operations import ChainPlan
from launchbay.renderers.chains.facts import (
    AppRpc,
    CacheRule,
    ChainFacts,
    JwtFacts,
    NodeClient,
    NodeGap,
    NodePairFacts,
    ProxyFacts,
    ProxyNetwork,
    ProxyUpstream,
    RateRule,
    SecretRef,
)
from launchbay.renderers.chains.pins import ClientPin, NetworkPin, pins
from launchbay.renderers.chains.solana import is_solana, solana_gap

ROOT = "deploy/chains"
ERPC_CONFIG = f"{ROOT}/erpc/erpc.yaml"
K8S = f"{ROOT}/kubernetes"
COMPOSE = f"{ROOT}/compose.yml"
COMPOSE_NODES = f"{ROOT}/compose.nodes.yml"
SCRIPTS = f"{ROOT}/scripts"
JWT_SCRIPT = f"{SCRIPTS}/jwt-init.sh"
READY_SCRIPT = f"{SCRIPTS}/node-ready.sh"
README = f"{ROOT}/README.md"
PROJECT_ID = "main"  # eRPC project id: URLs are /main/evm/<chain id>
JWT_DIR = "/secrets"
JWT_PATH = f"{JWT_DIR}/jwt.hex"
NODE_UID = 10001  # every node container runs as this uid, so the pair's JWT file (0600) is readable by both
# Head-lag tolerance: an upstream more than this many seconds behind the best one is excluded from routing.
LAG_SECONDS = 30
DEFAULT_LAG_BLOCKS = 16  # eRPC's own default policy figure, for chains with no block time in clients.yaml
# eRPC-supported vendors for the answers' provider ids (thirdparty/vendors_registry.go @0.1.2). `public`
# maps to eRPC's `repository` vendor (public endpoints, no key). Helius (Solana) has no eRPC vendor.
VENDORS = {"alchemy": "alchemy", "infura": "infura", "quicknode": "quicknode", "ankr": "ankr",
           "chainstack": "chainstack", "drpc": "drpc", "public": "repository"}
KEYLESS = frozenset({"repository"})
# Ethereum-L1 networks have execution + consensus pairs the kit can run (clients.yaml `networks`).
PAIR_LAYERS = ("execution", "consensus")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chain"


def env_name(text: str) -> str:
    return slug(text).replace("-", "_").upper()


def key_env(vendor: str) -> str:
    return f"{env_name(vendor)}_API_KEY"


def store_key(design: Design, env: str) -> str:
    """Where a secret lives, in the layout the secrets module uses: `<project>/<environment>/<NAME>`."""
    return f"{design.project}/<environment>/{env}"


def evm_chains(plan: ChainPlan) -> list[tuple[str, int, bool]]:
    return [(c.name, c.chain_id, c.testnet) for c in plan.chains if c.chain_id is not None]


# ───────────────────────────── own nodes ─────────────────────────────

def _by_chain(nodes: Iterable[ChainNode]) -> dict[str, list[ChainNode]]:
    out: dict[str, list[ChainNode]] = {}
    for node in nodes:
        out.setdefault(node.chain, []).append(node)
    return out


def _gap_for(design: Design, chain: str, group: list[ChainNode]) -> NodeGap | None:
    """Why the kit will not run this chain's nodes (None: it will)."""
    clients = tuple(n.client for n in group)
    memory = sum(n.memory_gb for n in group)
    provider = ", ".join(design.blockchain.rpc_providers) if design.blockchain else ""
    fallback = f"serve {chain} through the proxy's providers ({provider or 'add one'})"
    if is_solana(chain):
        return solana_gap(design, chain, group)
    network = pins().networks.get(chain)
    if network is None:
        return NodeGap(chain, clients, "launchbay has no pinned client pair for this chain (clients.yaml covers "
                       f"Ethereum L1 networks: {', '.join(sorted(pins().networks))})",
                       f"{fallback}, or run the chain's own node software on a dedicated host sized from the "
                       "Design's figures")
    if design.cloud == "aws" and any(n.instance_type is None for n in group):
        return NodeGap(chain, clients, f"no priced instance has the {memory} GB RAM these clients need",
                       f"{fallback}, or run the node on dedicated hardware")
    layers = {n.layer for n in group}
    missing = [layer for layer in PAIR_LAYERS if layer not in layers]
    if missing:
        return NodeGap(chain, clients, f"the Design sized no {' and no '.join(missing)} client", fallback)
    unpinned = [n.client for n in group if n.client not in pins().clients]
    if unpinned:
        return NodeGap(chain, clients, f"no pinned image for {', '.join(unpinned)} in clients.yaml",
                       f"add the client's image, ports and flags to clients.yaml, or {fallback}")
    return None


def node_plan(design: Design) -> tuple[list[tuple[NetworkPin, dict[str, ChainNode]]], list[NodeGap]]:
    """The pairs the kit runs (network pin, layer → sized node) and the sized nodes it cannot run."""
    plan = design.blockchain
    if plan is None or plan.node_strategy not in {"own-nodes", "hybrid"}:
        return [], []
    pairs: list[tuple[NetworkPin, dict[str, ChainNode]]] = []
    gaps: list[NodeGap] = []
    for chain, group in _by_chain(design.chain_nodes).items():
        gap = _gap_for(design, chain, group)
        if gap is not None:
            gaps.append(gap)
            continue
        pairs.append((pins().networks[chain], {n.layer: n for n in group if n.layer in PAIR_LAYERS}))
    return pairs, gaps


def pair_name(chain: str) -> str:
    return slug(chain)


def node_rpc_url(design: Design, pair: str, port: int) -> str:
    """How the proxy reaches a pair's JSON-RPC: in-cluster Service, compose service, or the node host."""
    if design.platform == "kubernetes":
        return f"http://{pair}-node:{port}"
    if design.platform == "vm":
        return f"http://{pair}-execution:{port}"
    return "${" + env_name(pair) + "_NODE_RPC_URL}"


def pair_facts(design: Design, network: NetworkPin, layers: dict[str, ChainNode]) -> NodePairFacts:
    pair = pair_name(network.name)
    clients: list[NodeClient] = []
    for layer in PAIR_LAYERS:
        node = layers[layer]
        pin = pins().clients[node.client]
        clients.append(NodeClient(
            layer=layer, client=pin.id, mode=node.mode, image=pin.image.ref, version=pin.image.version,
            release=pin.image.release, released=pin.image.released, disk_gb=node.disk_gb, memory_gb=node.memory_gb,
            volume=f"{pair}-{layer}-data", ports={k: v for k, v in pin.ports.items() if k != "metrics"},
            metrics_port=pin.ports["metrics"], sizes_source=node.source, sizes_as_of=node.as_of))
    if design.platform == "kubernetes":
        generator = ("init container `jwt-init` (busybox) writes 32 random bytes from /dev/urandom as hex into "
                     "the pod's memory-backed emptyDir at every pod start")
        volume = "jwt (emptyDir, medium Memory, in this pair's pod only)"
        files: tuple[str, ...] = (f"{K8S}/{pair}-node.yaml", f"{K8S}/node-scripts.yaml")
    else:
        generator = (f"one-shot compose service `{pair}-jwt-init` writes 32 random bytes from /dev/urandom as hex "
                     "into the pair's named volume when the file is absent")
        volume = f"{pair}-jwt (named volume, mounted only by this pair)"
        files = (COMPOSE_NODES, JWT_SCRIPT, READY_SCRIPT)
    execution = pins().clients[layers["execution"].client]
    consensus = pins().clients[layers["consensus"].client]
    if consensus.checkpoint_args:
        where = "init container `checkpoint-sync`" if design.platform == "kubernetes" else \
            f"one-shot compose service `{pair}-checkpoint-sync`"
        method = (f"{consensus.id} `{consensus.checkpoint_args[0]}` runs first ({where}) and fetches the finalized "
                  "state; on later starts the database already has a head and it changes nothing")
    else:
        method = f"{consensus.id} starts from the endpoint itself (its checkpoint-sync flag)"
    return NodePairFacts(
        chain=network.name, chain_id=network.chain_id, network=network.flags[execution.id], pair=pair,
        clients=tuple(clients),
        jwt=JwtFacts(path=JWT_PATH, volume=volume, generator=generator,
                     scope=f"read by the {pair} execution and consensus clients only (uid {NODE_UID}, mode 0600)"),
        checkpoint_sync_url=network.checkpoint_sync_url, checkpoint_source=network.checkpoint_source,
        checkpoint_method=method,
        readiness=("ready only when eth_syncing returns false on the execution client AND "
                   "/eth/v1/node/syncing reports is_syncing false on the consensus client (node-ready.sh)"),
        rpc_url=node_rpc_url(design, pair, execution.ports["rpc"]), files=files)


def pair_pins(pair: NodePairFacts) -> tuple[ClientPin, ClientPin]:
    execution, consensus = (pins().clients[c.client] for c in pair.clients)
    return execution, consensus


# ───────────────────────────── the proxy ─────────────────────────────

def lag_blocks(chain: str) -> int:
    block_time = pins().block_times.get(chain)
    return DEFAULT_LAG_BLOCKS if block_time is None else max(2, math.ceil(LAG_SECONDS / block_time))


def proxy_host(design: Design) -> str:
    return "erpc"


def proxy_url(design: Design, chain_id: int) -> str:
    return f"http://{proxy_host(design)}:{pins().proxy.http_port}/{PROJECT_ID}/evm/{chain_id}"


def proxy_upstreams(design: Design, pairs: list[NodePairFacts]) -> list[ProxyUpstream]:
    plan = design.blockchain
    assert plan is not None
    own_chains = {p.chain for p in pairs}
    out = [ProxyUpstream(id=f"{p.pair}-node", chain=p.chain, kind="own-node", tier="primary", endpoint=p.rpc_url)
           for p in pairs]
    for provider in plan.rpc_providers:
        vendor = VENDORS.get(provider)
        if vendor is None:
            continue
        for name, cid, _testnet in evm_chains(plan):
            tier = "fallback" if name in own_chains else "primary"
            endpoint = "(public endpoints)" if vendor in KEYLESS else "${" + key_env(vendor) + "}"
            out.append(ProxyUpstream(id=f"{provider}-{cid}", chain=name, kind="provider", tier=tier,
                                     endpoint=endpoint))
    return out


CACHE_RULES = (
    CacheRule("finalized", "0s", "past the chain's finality: cached with no expiry (reorg-proof)"),
    CacheRule("unfinalized", "5s", "recent blocks that can still reorg: a few seconds only"),
    CacheRule("realtime", "2s", "eth_blockNumber, eth_gasPrice …: age-gated against the block's timestamp"),
    CacheRule("unknown", "30s", "block not determinable (tx-hash lookups): short, not forever, to be reorg-safe"),
)
RATE_RULES = (
    RateRule("per-client", "*", 200, "second", "per client IP"),
    RateRule("per-client", "eth_getLogs", 20, "second", "per client IP"),
)


def proxy_facts(design: Design, pairs: list[NodePairFacts]) -> ProxyFacts:
    plan = design.blockchain
    assert plan is not None
    pin = pins().proxy
    upstreams = proxy_upstreams(design, pairs)
    candidates = [
        ProxyNetwork(chain=name, chain_id=cid, testnet=testnet, path=f"/{PROJECT_ID}/evm/{cid}",
                     url=proxy_url(design, cid), upstreams=tuple(u.id for u in upstreams if u.chain == name),
                     block_lag=lag_blocks(name), seconds_lag=LAG_SECONDS)
        for name, cid, testnet in evm_chains(plan)]
    # A network with no upstream would only fail every call: it is left out and listed instead.
    networks = tuple(n for n in candidates if n.upstreams)
    unserved = [f"{c.name}: not an EVM chain; eRPC {pin.image.version} is configured here for EVM only — the app "
                "uses its provider endpoint directly" for c in plan.chains if c.chain_id is None]
    unserved += [f"{n.chain}: no upstream — the Design names no provider launchbay can wire "
                 f"({', '.join(plan.rpc_providers) or 'none'}) and no own node" for n in candidates if not n.upstreams]
    if design.platform == "kubernetes":
        runs_as = f"{K8S}/erpc.yaml (Deployment erpc, Service erpc, ConfigMap erpc-config)"
    elif design.platform == "vm":
        runs_as = f"{COMPOSE} (compose service erpc)"
    elif design.platform == "containers":
        runs_as = ("an ECS Fargate service `erpc` beside the app (Terraform module chain_services; apps reach it by "
                   "ECS Service Connect)")
    else:
        runs_as = (f"nothing yet: the Design's platform ({design.platform}) runs no long-lived service; run the image "
                   "with this config wherever the backend runs")
    return ProxyFacts(
        image=pin.image.ref, version=pin.image.version, release=pin.image.release, config_path=ERPC_CONFIG,
        http_port=pin.http_port, metrics_port=pin.metrics_port, health_path=pin.health_path,
        service_host=proxy_host(design), project_id=PROJECT_ID, networks=networks, upstreams=tuple(upstreams),
        cache=CACHE_RULES, rate_limits=RATE_RULES, runs_as=runs_as, unserved=tuple(unserved))


def proxy_secrets(design: Design) -> list[SecretRef]:
    plan = design.blockchain
    assert plan is not None
    vendors = sorted({VENDORS[p] for p in plan.rpc_providers if p in VENDORS} - KEYLESS)
    return [SecretRef(env=key_env(v), store_key=store_key(design, key_env(v)), used_by="erpc",
                      purpose=f"{v} API key, expanded by eRPC at start") for v in vendors]


_CHAIN_WORDS = re.compile(r"[A-Z0-9]+")


def app_rpc(design: Design) -> list[AppRpc]:
    """Map each app RPC env var to the proxy URL of its chain, from the name (BASE_SEPOLIA_RPC_URL → base-sepolia,
    PONDER_RPC_URL_8453 → chain 8453); a name that names no chain is listed with url None."""
    plan = design.blockchain
    assert plan is not None
    chains = evm_chains(plan)
    out = []
    for env in plan.rpc_env:
        words = _CHAIN_WORDS.findall(env.upper())
        match = None
        for name, cid, _t in chains:
            if str(cid) in words:
                match = (name, cid)
        if match is None:
            prefix = env.upper().split("_RPC")[0]
            for name, cid, _t in sorted(chains, key=lambda c: -len(c[0])):
                if prefix == env_name(name):
                    match = (name, cid)
                    break
        if match is None and len(chains) == 1:
            match = (chains[0][0], chains[0][1])
        out.append(AppRpc(env=env, chain=match[0] if match else None,
                          url=proxy_url(design, match[1]) if match else None))
    return out


def planned_files(design: Design, facts: ChainFacts) -> list[str]:
    """Every path the chains renderer writes for this Design (the renderer iterates over exactly these)."""
    gateway = bool(facts.proxy.networks)  # no servable EVM network: no gateway, the README says why
    files = [ERPC_CONFIG, README] if gateway else [README]
    if design.platform == "kubernetes":
        from launchbay.renderers.chains.k8s_services import planned

        if gateway:
            files.append(f"{K8S}/erpc.yaml")
        files += [f"{K8S}/{p.pair}-node.yaml" for p in facts.nodes]
        if facts.nodes:
            files.append(f"{K8S}/node-scripts.yaml")
        files += planned(design, facts)  # Web3Signer, the exporter and their secrets, per environment
    elif design.platform == "vm" and (gateway or COMPOSE in facts.indexer.files):
        files.append(COMPOSE)
    if facts.nodes:
        files += [JWT_SCRIPT, READY_SCRIPT]
        if design.platform != "kubernetes":
            files.append(COMPOSE_NODES)
    files += [f for f in facts.indexer.files if f not in files]
    return files
