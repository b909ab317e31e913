"""Phase 5–6: the handover — HANDOVER.md (checklist ticked only by recorded evidence, critical
information, next steps, open items), the a2a deployment report loa-style reviewers read, and the
architecture as an image. `build_handover` is pure (evidence → files); `run_handover` writes them with
the same never-overwrite-your-edits rules as `generate`.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.generate import WriteReport, write_kit
from launchbay.handover.checklist import ITEMS, Box, signer_blockers, smoke_urls
from launchbay.handover.diagram import architecture_dot, render_svg
from launchbay.handover.docs_check import docs_status, documentation
from launchbay.handover.evidence import Evidence, load_evidence
from launchbay.models.design import Design
from launchbay.models.kit import Kit, KitFile


@dataclass(frozen=True)
class Handover:
    kit: Kit
    boxes: tuple[Box, ...]
    diagram_image: bool  # False: Graphviz missing, only the DOT source and Mermaid were written

    @property
    def ticked(self) -> int:
        return sum(1 for b in self.boxes if b.ticked)


def a2a_dir(design: Design) -> str:
    """`docs/deployment` → `docs/a2a`; `grimoires/loa/deployment` → `grimoires/loa/a2a`."""
    return posixpath.join(posixpath.dirname(design.docs_root), "a2a")


def checklist(ev: Evidence) -> tuple[Box, ...]:
    boxes = [item(ev) for item in ITEMS]
    boxes.insert(6, documentation(ev))  # the specification's order: docs after security
    return tuple(boxes)


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/handover"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["usd"] = lambda v: f"${Decimal(v):,.2f}"
    return env


def _body(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


def build_handover(ev: Evidence) -> Handover:
    design = ev.design
    boxes = checklist(ev)
    docs_root = design.docs_root
    dot = architecture_dot(design)
    svg = render_svg(dot)
    files = [KitFile(path=f"{docs_root}/architecture.dot", content=dot)]
    if svg is not None:
        files.append(KitFile(path=f"{docs_root}/architecture.svg", content=svg))

    def link(target: str, origin: str) -> str:
        return posixpath.relpath(target, posixpath.dirname(origin))

    context = {"d": design, "boxes": boxes, "docs": docs_status(ev), "ev": ev,
               "validation": ev.validation, "entries": ev.entries[-15:], "diagram": svg is not None,
               "smoked": _smoked_urls(ev), "dashboards": ev.under("deploy/monitoring/grafana/"),
               "secrets": [(s.name, [e.name for e in s.env if e.wiring == "secret"]) for s in design.services],
               "production": next((c for c in design.costs if c.environment == "production"), None),
               "blockers": signer_blockers(ev)}
    env = _env()
    for template, path in (("HANDOVER.md.j2", f"{docs_root}/HANDOVER.md"),
                           ("deployment-report.md.j2", f"{a2a_dir(design)}/deployment-report.md")):
        text = env.get_template(template).render(**context, link=lambda t, _p=path: link(t, _p))
        files.append(KitFile(path=path, content=_body(text)))
    return Handover(kit=Kit(files=tuple(sorted(files, key=lambda f: f.path))), boxes=boxes,
                    diagram_image=svg is not None)


def _smoked_urls(ev: Evidence) -> dict[str, str]:
    """The last URL each environment passed smoke tests on (from the ledger), by environment."""
    out: dict[str, str] = {}
    for entry in ev.entries:
        urls = smoke_urls(entry)
        if entry.action == "smoke" and entry.outcome == "succeeded" and urls:
            out[entry.environment] = ", ".join(urls)
    return out


def run_handover(root: Path, design: Design) -> tuple[Handover, WriteReport]:
    """Collect the evidence under `root` (the project, or generate's --out folder) and write the handover."""
    handover = build_handover(load_evidence(root, design))
    return handover, write_kit(handover.kit, root)
