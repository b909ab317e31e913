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
                   "ci": _ci_context(design), "strategy_how": strategy_how(design)}
        for page in PAGES:
            text = env.get_template(page + ".j2").render(**context)
            body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
            yield KitFile(path=f"{design.docs_root}/{page}", content=body)


def strategy_how(design: Design) -> str:
    """How the answered deploy strategy is carried out on this platform — said plainly where it differs."""
    strategy = design.cicd.get("strategy", "rolling")
    if design.platform == "containers":
        how = ("ECS rolling deployment with the deployment circuit breaker: new tasks must pass the load "
               "balancer's health check before old ones drain, and a failed rollout rolls back by itself")
        if strategy != "rolling":
            how += (f". A separate {strategy} fleet (CodeDeploy) is not generated: the {strategy} answer is "
                    "carried out as this rolling deployment")
        return how + "."
    if design.platform == "kubernetes":
        return {"blue-green": "Argo Rollouts blue-green: the new version runs beside the old behind a preview "
                              "Service and is promoted (manually in production)",
                "canary": "Argo Rollouts canary: traffic moves in steps while an analysis of the error ratio "
                          "against the SLO can abort it"}.get(strategy, "Kubernetes rolling update") + "."
    if design.platform == "vm":
        return ("two colours (blue and green) behind Caddy: `deploy.sh` starts the idle colour, checks its health "
                "and then switches traffic; `rollback.sh` switches back.")
    return f"{strategy}."


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
