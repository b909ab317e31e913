"""Own blockchain nodes, sized from the dated, sourced figures in `data/chains/nodes.yaml`.

Only mainnet chains get nodes (the figures are mainnet figures; testnets are served by a provider
in staging). Each node is a dedicated instance with its disk provisioned at figure × headroom;
a chain whose sourced requirements no priced instance meets (Solana RPC's 512 GB RAM) is not
invented: the plan says dedicated hardware or a provider instead.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from launchbay.models.design import ChainNode, CostLine
from launchbay.planning.context import PlanContext
from launchbay.planning.costing import Lines
from launchbay.pricing import MissingPrice

FAMILY = {"ethereum": "ethereum", "base": "base", "optimism": "optimism", "arbitrum": "arbitrum",
          "polygon": "polygon", "bsc": "bsc", "solana-mainnet": "solana"}
# Layers a working node of each family needs (consensus beside execution on Ethereum, etc.).
LAYERS = {"ethereum": ("execution", "consensus"), "optimism": ("execution", "rollup-node"),
          "solana": ("rpc",), "base": ("execution",), "arbitrum": ("execution",), "polygon": ("execution",),
          "bsc": ("execution",)}
HOST_OVERHEAD_GB = 2


@cache
def node_data() -> dict[str, Any]:
    text = resources.files("launchbay").joinpath("data", "chains", "nodes.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def wants_own_nodes(ctx: PlanContext) -> bool:
    return ctx.answer("blockchain.node_strategy") in {"own-nodes", "hybrid"}


def plan_nodes(ctx: PlanContext) -> tuple[tuple[ChainNode, ...], list[str]]:
    """Nodes for every mainnet chain answered, plus notes for chains that cannot be sized here."""
    data = node_data()
    mode = "archive" if ctx.answer("blockchain.node_role") == "archive" else "full"
    nodes: list[ChainNode] = []
    notes: list[str] = []
    for chain in ctx.answer("blockchain.chains") or ():
        family = FAMILY.get(str(chain))
        if family is None:
            notes.append(f"{chain}: testnet or unknown chain — served by an RPC provider (no node sized)")
            continue
        for layer in LAYERS[family]:
            # Archive is an execution-layer property: the consensus client beside it runs as usual.
            layer_mode = "full" if layer == "consensus" else mode
            default = (((data.get("defaults") or {}).get(family) or {}).get(layer) or {}).get(layer_mode)
            if not default:
                notes.append(f"{chain}: no sourced default {layer} client for {layer_mode} mode")
                continue
            entry = _entry(data, family, layer, layer_mode, default["client"])
            if entry is None:
                notes.append(f"{chain}: {default['client']} has no sourced {layer}/{layer_mode} figures")
                continue
            headroom = Decimal(str(data.get("growth_headroom_factor", 1.5)))
            nodes.append(ChainNode(
                chain=str(chain), client=str(entry["id"]), layer=layer, mode=layer_mode,
                disk_gb=math.ceil(Decimal(str(entry.get("disk_gb", 0))) * headroom),
                memory_gb=int(entry.get("memory_gb") or _full_memory(data, family, layer, entry["id"]) or 8),
                instance_type=None, source=str(entry.get("source", "")), as_of=str(entry.get("as_of", "undated")),
            ))
    if nodes:
        ctx.assume(f"node disks provisioned at sourced size × {node_data().get('growth_headroom_factor', 1.5)} "
                   "(growth headroom); snapshot restores may need more")
    return tuple(nodes), notes


def node_lines(ctx: PlanContext,
               nodes: tuple[ChainNode, ...]) -> tuple[tuple[ChainNode, ...], list[CostLine], list[str]]:
    """Price one instance per chain (its layers share the host) plus each client's gp3 disk."""
    lines = Lines(ctx, "production")
    notes: list[str] = []
    sized: list[ChainNode] = []
    by_chain: dict[str, list[ChainNode]] = {}
    for node in nodes:
        by_chain.setdefault(node.chain, []).append(node)
    for chain, group in by_chain.items():
        memory = Decimal(sum(n.memory_gb for n in group) + HOST_OVERHEAD_GB)
        fitting = [i for i in ctx.prices.instances(ctx.region, "ec2") if i.memory_gib >= memory]
        if not fitting:
            notes.append(f"{chain}: needs {memory} GB RAM; no priced instance has it — run it on dedicated "
                         "hardware or use an RPC provider")
            sized.extend(group)
            continue
        inst = fitting[0]
        lines.hours("chain", f"{chain} node host {inst.name} ({'+'.join(n.client for n in group)})", inst.hourly,
                    discountable="ec2")
        for node in group:
            if node.disk_gb:
                lines.add("chain", f"{chain} {node.client} disk {node.disk_gb} GB gp3", Decimal(node.disk_gb),
                          "GB-month", ctx.prices.price(ctx.region, "ebs_gp3_gb_month"))
            sized.append(node.model_copy(update={"instance_type": inst.name}))
    return tuple(sized), lines.lines, notes


def _entry(data: dict[str, Any], family: str, layer: str, mode: str, client: str) -> dict[str, Any] | None:
    for entry in data.get("clients") or []:
        if (entry.get("id") == client and entry.get("chain_family") == family and entry.get("layer") == layer
                and entry.get("mode") == mode):
            return dict(entry)
    return None


def _full_memory(data: dict[str, Any], family: str, layer: str, client: str) -> int | None:
    entry = _entry(data, family, layer, "full", client)
    return int(entry["memory_gb"]) if entry and entry.get("memory_gb") else None


__all__ = ["MissingPrice", "node_lines", "plan_nodes", "wants_own_nodes"]
