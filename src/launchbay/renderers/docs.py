"""Deployment docs (Phase 5, first part) rendered from the Design with Jinja: every number, name and
price comes from the same Design the configs come from, so a runbook cannot disagree with the kit."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import ci_roles

PAGES = ("infrastructure.md", "deployment-guide.md", "iac-guide.md", "runbooks/deployment.md",
         "runbooks/rollback.md", "runbooks/scaling.md", "cost-optimization.md")


@cache
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
        context = {"d": design, "production": production, "kit": _kit_paths(design), **_cost_context(design),
                   "ci": _ci_context(design)}
        for page in PAGES:
            text = env.get_template(page + ".j2").render(**context)
            body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
            yield KitFile(path=f"{design.docs_root}/{page}", content=body)


def _cost_context(design: Design) -> dict[str, object]:
    """Sums by category, the largest production lines, and priced alternatives cheaper than the choice."""
    by_category: dict[str, dict[str, Decimal]] = {}
    for cost in design.costs:
        sums: dict[str, Decimal] = {}
        for line in cost.lines:
            sums[line.category] = sums.get(line.category, Decimal(0)) + line.monthly_usd
        by_category[cost.environment] = dict(sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))
    totals = {c.environment: c.total_usd for c in design.costs}
    production = next((c for c in design.costs if c.environment == "production"), None)
    top: list[tuple[object, Decimal]] = []
    if production is not None and production.total_usd:
        lines = sorted(production.lines, key=lambda line: (-line.monthly_usd, line.item))[:5]
        top = [(line, (line.monthly_usd * 100 / production.total_usd).quantize(Decimal("0.1"))) for line in lines]
    cheaper = []
    for decision in design.decisions:
        chosen = next((o for o in decision.options if o.option == decision.chosen), None)
        if chosen is None or "production" not in chosen.monthly_usd:
            continue
        for option in decision.options:
            price = option.monthly_usd.get("production")
            if option is not chosen and price is not None and price < chosen.monthly_usd["production"]:
                cheaper.append((decision, option, chosen.monthly_usd["production"] - price))
    return {"by_category": by_category, "totals": totals, "top_lines": top, "cheaper": cheaper}


def _kit_paths(design: Design) -> dict[str, str]:
    return {
        "terraform": "deploy/terraform",
        "vm": "deploy/vm",
        "workflows": ".github/workflows" if design.cicd.get("git_host") == "github" else ".gitlab-ci.yml",
    }


def _ci_context(design: Design) -> dict[str, object] | None:
    """The CI roles the bootstrap creates and where each ARN goes (None when no pipeline job calls AWS)."""
    roles = ci_roles.ci_roles(design)
    if roles is None:
        return None
    return {"roles": roles, "push_variable": ci_roles.PUSH_ROLE_VARIABLE, "role_variable": ci_roles.ROLE_VARIABLE,
            "push_output": ci_roles.PUSH_OUTPUT, "deploy_output": ci_roles.DEPLOY_OUTPUT,
            "push_where": ci_roles.push_where(roles.host), "deploy_where": ci_roles.deploy_where(roles.host),
            "apply_variable": ci_roles.APPLY_VARIABLE}
