"""The architecture as a Graphviz graph (from the Design only) and, when Graphviz is installed, as an
SVG image beside the Mermaid diagram in infrastructure.md. Same Design → same DOT text."""

from __future__ import annotations

import shutil
import subprocess

from launchbay.errors import LaunchbayError
from launchbay.models.design import Design


def _id(name: str) -> str:
    return "n_" + "".join(c if c.isalnum() else "_" for c in name)


def _q(text: str) -> str:
    """A DOT string literal: quotes and backslashes escaped, newlines as DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def architecture_dot(design: Design) -> str:
    lines = [f"digraph {_q(design.project)} {{", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];',
             f"  label={_q(f'{design.project}: {design.platform} on {design.cloud} ({design.region})')};",
             "  users [shape=ellipse, label=\"users\"];",
             f"  edge_in [label={_q(design.network.get('ingress', 'ingress'))}];", "  users -> edge_in;"]
    for svc in design.services:
        size = svc.sizes.get("production") or next(iter(svc.sizes.values()), None)
        replicas = (f"\n{size.replicas_min}–{size.replicas_max} × {size.vcpu} vCPU / {size.memory_mib} MiB"
                    if size else "")
        port = f" :{svc.port}" if svc.port else ""
        lines.append(f"  {_id(svc.name)} [label={_q(f'{svc.name} ({svc.kind}{port}){replicas}')}];")
        if svc.port:
            lines.append(f"  edge_in -> {_id(svc.name)};")
    for store in design.data_stores:
        lines.append(f"  {_id(store.name)} [shape=cylinder, label={_q(f'{store.name} ({store.engine})')}];")
        lines.extend(f"  {_id(user)} -> {_id(store.name)};" for user in store.used_by
                     if any(s.name == user for s in design.services))
    if design.blockchain is not None:
        chains = ", ".join(c.name for c in design.blockchain.chains) or "chains"
        access = design.blockchain.node_strategy or "rpc"
        lines.append(f"  rpc [shape=hexagon, label={_q(f'{chains} via {access}')}];")
        lines.extend(f"  {_id(s.name)} -> rpc;" for s in design.services
                     if s.kind in {"api", "indexer", "worker", "bot"})
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_svg(dot_text: str) -> str | None:
    """SVG from Graphviz `dot`, or None when Graphviz is not installed (the caller reports it)."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    proc = subprocess.run([dot, "-Tsvg"], input=dot_text, capture_output=True, text=True, timeout=60, check=False)
    if proc.returncode != 0:
        raise LaunchbayError(f"graphviz could not draw the architecture: {proc.stderr.strip()[:300]}")
    return proc.stdout
