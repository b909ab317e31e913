"""The chain exporter: a small stdlib-only Python program (part of the kit, rendered from a package
template) that turns JSON-RPC answers into the metrics the chain alerts need and no existing exporter
gives together — head and head lag per RPC source against a reference, finality, reorg depth, peers
and sync state of own nodes, hot-wallet balances and nonce gaps, and the probe's own RPC errors and
latency.

Per environment a config file names the env vars that carry each URL and address (never a value):
the app's RPC variable (what the app sees), `<CHAIN>_REFERENCE_RPC_URL` (an independent endpoint to
measure lag against), `<CHAIN>_NODE_RPC_URL` for an own node, and `<SIGNER>_ADDRESS` /
`<SIGNER>_MIN_BALANCE_WEI` for each hot wallet (a runtime signer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.models.operations import ChainRef
from launchbay.renderers.chains.facts import NodePairFacts, chain_facts
from launchbay.renderers.dockerfile_common import APP_UID
from launchbay.renderers.dockerfile_images import PYTHON, PYTHON_DEFAULT
from launchbay.renderers.signing import chain_var, chains_for, rpc_var, signers

EXPORTER_DIR = "deploy/chains/exporter"
EXPORTER_PORT = 9731  # the exporter's /metrics and /healthz (scrape job `chain-exporter`)
EXPORTER_JOB = "chain-exporter"
INTERVAL_SECONDS = 15  # one poll per block-time scale of the slowest supported chain (Ethereum: 12 s)
TIMEOUT_SECONDS = 5
IMAGE = f"python:{PYTHON[PYTHON_DEFAULT].patch}-slim-bookworm"


@dataclass(frozen=True)
class Source:
    name: str  # the `source` label
    url_env: str
    node: bool = False  # an own node: peers and sync state are read too


def reference_var(chain: ChainRef) -> str:
    return f"{chain_var(chain)}_REFERENCE_RPC_URL"


def own_nodes(design: Design) -> dict[str, NodePairFacts]:
    """Chain name → the own node pair the kit runs for it (their sources include the node itself)."""
    facts = chain_facts(design)
    return {} if facts is None else {pair.chain: pair for pair in facts.nodes}


def own_node_chains(design: Design) -> set[str]:
    return set(own_nodes(design))


def node_var(pair: NodePairFacts) -> str:
    """The env var holding the node's JSON-RPC URL (the name the chains kit uses for the proxy)."""
    return f"{re.sub(r'[^A-Z0-9]+', '_', pair.pair.upper()).strip('_')}_NODE_RPC_URL"


def sources(design: Design, chain: ChainRef) -> tuple[Source, ...]:
    out = [Source("app", rpc_var(design, chain))]
    if (pair := own_nodes(design).get(chain.name)) is not None:
        out.append(Source("node", node_var(pair), node=True))
    out.append(Source("reference", reference_var(chain)))
    return tuple(out)


def exporter_enabled(design: Design) -> bool:
    return design.blockchain is not None and any(chains_for(design, e) for e in design.environments)


def config(design: Design, env: str) -> dict[str, Any]:
    wallets = [{"name": s.name, "address_env": s.address_var, "min_balance_env": s.min_balance_var}
               for s in signers(design) if s.runtime]
    return {
        "purpose": f"chain exporter config for {design.project} {env}: env var NAMES only (values come from the "
                   "environment and the secret store)",
        "listen_port": EXPORTER_PORT, "interval_seconds": INTERVAL_SECONDS, "timeout_seconds": TIMEOUT_SECONDS,
        "chains": [{"name": c.name, "chain_id": c.chain_id,
                    "sources": [{"name": s.name, "url_env": s.url_env, **({"node": True} if s.node else {})}
                                for s in sources(design, c)],
                    "wallets": wallets} for c in chains_for(design, env)],
    }


def program() -> str:
    return (files("launchbay.renderers") / "templates/chains/exporter/chain_exporter.py").read_text(encoding="utf-8")


def dockerfile() -> str:
    probe = ('["python", "-c", "import urllib.request; '
             f"urllib.request.urlopen('http://127.0.0.1:{EXPORTER_PORT}/healthz', timeout=4)\"]")
    lines = [
        "# launchbay chain exporter: chain heads, lag, finality, reorgs, hot-wallet balances and nonce gaps.",
        f"# Base image: {IMAGE} (the default Python line of launchbay's pinned images). Standard library only.",
        "# Run with CHAIN_EXPORTER_CONFIG=/app/config/<environment>.json and the env vars that config names.",
        f"FROM {IMAGE}",
        "WORKDIR /app",
        f"RUN groupadd --system --gid {APP_UID} exporter \\",
        f" && useradd --system --no-log-init --uid {APP_UID} --gid exporter --no-create-home "
        "--shell /usr/sbin/nologin exporter",
        "COPY chain_exporter.py ./",
        "COPY config/ ./config/",
        "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1",
        f"USER {APP_UID}:{APP_UID}",
        f"EXPOSE {EXPORTER_PORT}",
        "HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\",
        f"  CMD {probe}",
        'CMD ["python", "/app/chain_exporter.py"]',
    ]
    return "\n".join(lines) + "\n"


class ChainExporterRenderer:
    name = "chain-exporter"

    def render(self, design: Design) -> Iterable[KitFile]:
        if not exporter_enabled(design):
            return
        yield KitFile(path=f"{EXPORTER_DIR}/chain_exporter.py", content=program())
        yield KitFile(path=f"{EXPORTER_DIR}/Dockerfile", content=dockerfile())
        for env in design.environments:
            if chains_for(design, env):
                body = json.dumps(config(design, env), indent=2, sort_keys=True) + "\n"
                yield KitFile(path=f"{EXPORTER_DIR}/config/{env}.json", content=body)
