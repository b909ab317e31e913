"""Typed facts about the blockchain infrastructure the `chains` renderer generates — the API the
`blockchain-ops.md` renderer (and anyone else documenting the kit) reads, so a port, a volume size or a
client version in a doc is the one in the manifest.

API (stable; computed from the Design only, pure and deterministic):

    chain_facts(design) -> ChainFacts | None     None when design.blockchain is None (no chain: no files)
    markdown_fragment(design) -> str             a Markdown section (headings start at `##`) to include
                                                 verbatim; "" when there is no chain

    ChainFacts
      platform        "vm" | "containers" | "kubernetes" (how the proxy and nodes run)
      proxy           ProxyFacts: the eRPC gateway every app RPC call should go through
      nodes           tuple[NodePairFacts, ...]: own nodes the kit runs (empty for third-party)
      gaps            tuple[NodeGap, ...]: own nodes the Design sized that the kit does NOT run, with why
                      and what to do instead (no fake node is ever generated)
      indexer         IndexerFacts: what the kit adds for the Design's indexer
      app_rpc         tuple[AppRpc, ...]: each app env var carrying an RPC URL → the proxy URL to set
      secrets         tuple[SecretRef, ...]: every secret the chain files reference, by env name and
                      store name (never a value)
      files           tuple[str, ...]: every path the renderer writes (sorted)
      diversity       str: which clients were chosen and why (client-diversity note)

    ProxyFacts: image, version, release (where the pin came from), config_path, http_port,
      metrics_port (Prometheus /metrics — the chain-alerts scrape target), health_path,
      service_host (DNS name inside the platform), networks (ProxyNetwork: chain, chain_id, path, url,
      upstreams, block_lag, seconds_lag — only networks with at least one upstream; no network means no
      gateway files), upstreams (ProxyUpstream: id as eRPC names it, chain, kind "provider"|"own-node",
      tier "primary"|"fallback", endpoint reference), cache (CacheRule: finality, ttl, meaning),
      rate_limits (RateRule), runs_as (file of the Deployment / compose service, or a note for ECS),
      unserved (chains the proxy does not serve, with why).
    NodePairFacts: chain, chain_id, network (client flag value), pair (name used for services/volumes),
      clients (NodeClient: layer, client, mode, image, version, release, released, disk_gb, memory_gb,
      volume, ports {name: port}, metrics_port, sizes_source, sizes_as_of), jwt (JwtFacts: path, volume,
      generator, scope), checkpoint_sync_url, checkpoint_source, checkpoint_method, readiness (how
      "ready" is decided), rpc_url (how the proxy reaches it), files.
    IndexerFacts: kind, service (the app service that is the indexer, if any), rpc_url, metrics_port,
      files, notes.

Nothing here is a secret value: JWT secrets are created at deploy time inside each pair's private
volume; provider API keys are env var names resolved from the secret store.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from launchbay.models.design import Design


@dataclass(frozen=True)
class SecretRef:
    """A secret a chain file references: the env var it arrives in and where it is stored (never a value)."""

    env: str
    store_key: str
    used_by: str
    purpose: str


@dataclass(frozen=True)
class ProxyUpstream:
    id: str
    chain: str
    kind: str  # "provider" | "own-node"
    tier: str  # "primary" | "fallback"
    endpoint: str  # an env-var reference or an in-platform URL — never a key


@dataclass(frozen=True)
class ProxyNetwork:
    chain: str
    chain_id: int
    testnet: bool
    path: str  # "/<project>/evm/<chain_id>"
    url: str  # full in-platform URL of the network
    upstreams: tuple[str, ...]
    block_lag: int  # blocks behind the best upstream before an upstream is excluded
    seconds_lag: int


@dataclass(frozen=True)
class CacheRule:
    finality: str
    ttl: str
    meaning: str


@dataclass(frozen=True)
class RateRule:
    budget: str
    method: str
    max_count: int
    period: str
    scope: str


@dataclass(frozen=True)
class ProxyFacts:
    image: str
    version: str
    release: str
    config_path: str
    http_port: int
    metrics_port: int
    health_path: str
    service_host: str
    project_id: str
    networks: tuple[ProxyNetwork, ...]
    upstreams: tuple[ProxyUpstream, ...]
    cache: tuple[CacheRule, ...]
    rate_limits: tuple[RateRule, ...]
    runs_as: str
    unserved: tuple[str, ...] = ()  # chains the proxy cannot serve (with why)


@dataclass(frozen=True)
class JwtFacts:
    path: str  # where both clients of the pair read it
    volume: str  # the pair's private volume
    generator: str  # what creates it, and when
    scope: str  # who can read it


@dataclass(frozen=True)
class NodeClient:
    layer: str  # "execution" | "consensus"
    client: str
    mode: str  # "full" | "archive" (the Design's node role)
    image: str
    version: str
    release: str
    released: str
    disk_gb: int
    memory_gb: int
    volume: str
    ports: dict[str, int]
    metrics_port: int
    sizes_source: str
    sizes_as_of: str


@dataclass(frozen=True)
class NodePairFacts:
    chain: str
    chain_id: int
    network: str
    pair: str
    clients: tuple[NodeClient, ...]
    jwt: JwtFacts
    checkpoint_sync_url: str
    checkpoint_source: str
    checkpoint_method: str
    readiness: str
    rpc_url: str  # in-platform JSON-RPC URL (what the proxy uses)
    files: tuple[str, ...]


@dataclass(frozen=True)
class NodeGap:
    chain: str
    clients: tuple[str, ...]
    reason: str
    recommendation: str


@dataclass(frozen=True)
class IndexerFacts:
    kind: str  # ponder | graph-node | subgraph-hosted | envio | subsquid | custom | none
    service: str | None
    rpc_url: str | None
    metrics_port: int | None
    files: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class AppRpc:
    env: str  # the app's env var (from Design.blockchain.rpc_env)
    chain: str | None
    url: str | None  # the proxy URL to set it to (None: chain not recognised from the name)


@dataclass(frozen=True)
class ChainFacts:
    platform: str
    proxy: ProxyFacts
    nodes: tuple[NodePairFacts, ...]
    gaps: tuple[NodeGap, ...]
    indexer: IndexerFacts
    app_rpc: tuple[AppRpc, ...]
    secrets: tuple[SecretRef, ...]
    files: tuple[str, ...]
    diversity: str
    notes: tuple[str, ...] = field(default=())


def chain_facts(design: Design) -> ChainFacts | None:
    """Everything the chain kit runs, as typed facts (None: the Design has no chain)."""
    from launchbay.renderers.chains import layout
    from launchbay.renderers.chains.indexer import indexer_facts

    if design.blockchain is None:
        return None
    planned, gaps = layout.node_plan(design)
    pairs = [layout.pair_facts(design, network, nodes) for network, nodes in planned]
    proxy = layout.proxy_facts(design, pairs)
    rpc_vars = tuple(layout.app_rpc(design))
    indexer = indexer_facts(design, proxy, rpc_vars)
    secrets = layout.proxy_secrets(design)
    if indexer.kind == "graph-node" and indexer.files:
        from launchbay.renderers.chains.indexer import PASSWORD_ENV

        secrets.append(SecretRef(env=PASSWORD_ENV, store_key=layout.store_key(design, PASSWORD_ENV),
                                 used_by="graph-node", purpose="graph-node's Postgres password"))
    notes: list[str] = []
    if pairs and design.platform == "containers":
        env_names = ", ".join(f"{layout.env_name(p.pair)}_NODE_RPC_URL" for p in pairs)
        notes.append("On ECS the node pairs run with compose.nodes.yml on a dedicated node host (the plan prices "
                     f"one per chain); set {env_names} in the proxy's environment to that host's private address.")
    facts = ChainFacts(platform=design.platform, proxy=proxy, nodes=tuple(pairs), gaps=tuple(gaps),
                       indexer=indexer, app_rpc=rpc_vars, secrets=tuple(secrets), files=(),
                       diversity=_diversity(pairs), notes=tuple(notes))
    return replace(facts, files=tuple(sorted(layout.planned_files(design, facts))))


def _diversity(pairs: list[NodePairFacts]) -> str:
    if not pairs:
        return "No own nodes: client diversity is the providers' concern."
    from launchbay.planning.nodes import node_data

    defaults = node_data().get("defaults") or {}
    parts = []
    for pair in pairs:
        for c in pair.clients:
            reason = (((defaults.get("ethereum") or {}).get(c.layer) or {}).get(c.mode) or {})
            why = str(reason.get("reason")) if reason.get("client") == c.client else "chosen in the Design"
            parts.append(f"{pair.chain} {c.layer}: {c.client} {c.version} — {why.rstrip('.')}")
    return ("; ".join(parts) + ". Before deploying, check the current network share of each client and avoid any "
            "client that runs a supermajority: a bug in it would then be the chain's bug, and yours.")


def markdown_fragment(design: Design) -> str:
    """The Markdown section about nodes, the RPC gateway and indexers (headings from `##`); "" without chains."""
    facts = chain_facts(design)
    if facts is None:
        return ""
    from launchbay.renderers.chains.fragment import render_fragment

    return render_fragment(design, facts)
