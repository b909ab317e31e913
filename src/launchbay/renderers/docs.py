"""Deployment docs (Phase 5, first part) rendered from the Design with Jinja: every number, name and
price comes from the same Design the configs come from, so a runbook cannot disagree with the kit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.models.kit import KitFile

PAGES = ("infrastructure.md", "deployment-guide.md", "iac-guide.md", "runbooks/deployment.md",
         "runbooks/rollback.md", "runbooks/scaling.md")


def _env() -> Environment:
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/docs"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["usd"] = lambda v: f"${Decimal(v):,.2f}"
    env.filters["slug"] = lambda v: "".join(c if c.isalnum() else "_" for c in str(v)).strip("_") or "x"
    return env


class DocsRenderer:
    name = "docs"

    def render(self, design: Design) -> Iterable[KitFile]:
        env = _env()
        production = next((c for c in design.costs if c.environment == "production"), None)
        context = {"d": design, "production": production, "kit": _kit_paths(design)}
        for page in PAGES:
            text = env.get_template(page + ".j2").render(**context)
            body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
            yield KitFile(path=f"{design.docs_root}/{page}", content=body)


def _kit_paths(design: Design) -> dict[str, str]:
    return {
        "terraform": "deploy/terraform",
        "vm": "deploy/vm",
        "workflows": ".github/workflows" if design.cicd.get("git_host") == "github" else ".gitlab-ci.yml",
    }
