"""Solana: the kit never runs a fake Solana node. Agave's own requirements (a 512 GB RAM RPC node with
separate accounts / ledger / snapshots NVMe disks; Docker "not recommended" for live clusters) do not fit
a container platform, so the Design's sized Solana node becomes a documented requirement for dedicated
hardware — or, where no priced host carries it, the recommendation to use an RPC provider."""

from __future__ import annotations

from launchbay.models.design import ChainNode, Design
from launchbay.planning.nodes import node_data
from launchbay.renderers.chains.facts import NodeGap

FAMILY_PREFIX = "solana"


def is_solana(chain: str) -> bool:
    return chain.startswith(FAMILY_PREFIX)


def _layout(client: str, layer: str) -> dict[str, int]:
    for entry in node_data().get("clients") or []:
        if entry.get("id") == client and entry.get("chain_family") == "solana" and entry.get("layer") == layer:
            return {str(k): int(v) for k, v in (entry.get("disk_layout_gb") or {}).items()}
    return {}


def requirements(node: ChainNode) -> str:
    disks = _layout(node.client, node.layer)
    disk_text = " + ".join(f"{name} {gb} GB" for name, gb in disks.items()) if disks else f"{node.disk_gb} GB"
    return (f"{node.client} {node.layer} node: {node.memory_gb} GB RAM, separate NVMe disks ({disk_text}; "
            f"{node.disk_gb} GB with the plan's headroom), source: {node.source} (as of {node.as_of})")


def solana_gap(design: Design, chain: str, group: list[ChainNode]) -> NodeGap:
    providers = ", ".join(p for p in (design.blockchain.rpc_providers if design.blockchain else ())) or "a provider"
    needs = "; ".join(requirements(n) for n in group)
    unpriced = design.cloud == "aws" and any(n.instance_type is None for n in group)
    if unpriced:
        reason = f"no priced instance carries it — {needs}"
        recommendation = (f"use an RPC provider for {chain} ({providers}); if you must run your own, rent dedicated "
                          "bare-metal hardware meeting these figures and run Agave under systemd, not in a container")
    else:
        reason = f"Agave on dedicated hardware, not in a container — {needs}"
        recommendation = ("provision a dedicated bare-metal host meeting these figures and run Agave under systemd "
                          f"(Agave docs advise against Docker for live clusters); until it has synced use {providers}")
    return NodeGap(chain, tuple(n.client for n in group), reason, recommendation)
