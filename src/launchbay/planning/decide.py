"""The platform decision: vm, managed containers or Kubernetes — each option priced per
environment, the choice made by stated rules over the answers and the profile."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from launchbay.models.design import Decision, OptionCost, Provenance, ServicePlan
from launchbay.models.profile import Component
from launchbay.planning.context import PlanContext
from launchbay.pricing import MissingPrice
from launchbay.targets import PLATFORMS, TARGETS
from launchbay.targets.base import Parts

STATIC_FRAMEWORKS = frozenset({"vite", "astro"})
KUBERNETES_SERVICES = 6
KUBERNETES_RPS = Decimal(1000)
VM_MAX_RPS = Decimal(20)
SERVER_DATABASES = frozenset({"postgres", "mysql", "mongodb"})


def frontend_target(comp: Component) -> str:
    """Static when the frontend builds to files (Vite/Astro SPA); servers for SSR frameworks."""
    return "static" if str(comp.value("framework") or "") in STATIC_FRAMEWORKS else "server"


def choose_platform(
    ctx: PlanContext, services: tuple[ServicePlan, ...], parts_for: Callable[[str], Parts],
) -> tuple[str, Decision, dict[str, dict[str, Decimal]]]:
    """(platform, its decision with every fitting option priced, the option totals)."""
    options: list[OptionCost] = []
    totals: dict[str, dict[str, Decimal]] = {}
    reasons: dict[str, str] = {}
    kept = list(ctx.assumptions)  # pricing the alternatives must not leak their assumptions into the plan
    for pid in PLATFORMS:
        target = TARGETS[pid]
        fit = target.fit(ctx)
        if not fit.ok:
            reasons[pid] = fit.reason
            continue
        try:
            parts = parts_for(pid)
            per_env = {env: sum((line.monthly_usd for line in target.cost(ctx, env, parts)), Decimal(0))
                       for env in ctx.environments}
        except MissingPrice as err:
            reasons[pid] = f"not priced: {err.message}"
            continue
        totals[pid] = per_env
        options.append(OptionCost(option=pid, monthly_usd=per_env, pros=target.pros, cons=target.cons,
                                  fits=target.fits_when))
    ctx.assumptions[:] = kept
    if not totals:
        from launchbay.plan import PlanError

        raise PlanError("no platform fits: " + "; ".join(f"{k}: {v}" for k, v in reasons.items()))
    chosen, reason, provenance = _rule(ctx, services, totals)
    decision = Decision(key="platform", title="where the services run", chosen=chosen, reason=reason,
                        options=tuple(options), provenance=tuple(provenance))
    return chosen, decision, totals


def _rule(ctx: PlanContext, services: tuple[ServicePlan, ...],
          totals: dict[str, dict[str, Decimal]]) -> tuple[str, str, list[Provenance]]:
    n = len([s for s in services if s.target != "static"])
    rps = ctx.peak_rps
    team = ctx.answer("team.size")
    nodes = ctx.answer("blockchain.node_strategy")
    prov = [ctx.prov("deployment.cloud")]
    if ctx.answer("scale.peak_rps") is not None:
        prov.append(ctx.prov("scale.peak_rps"))
    if list(totals) == ["vm"]:
        return "vm", f"only a VM fits: {_why_not(ctx)}", prov
    big = n >= KUBERNETES_SERVICES or rps >= KUBERNETES_RPS or nodes in {"own-nodes", "hybrid"}
    if big and "kubernetes" in totals and (team is None or int(team) >= 3):
        if nodes in {"own-nodes", "hybrid"}:
            prov.append(ctx.prov("blockchain.node_strategy"))
        if team is not None:
            prov.append(ctx.prov("team.size"))
        return "kubernetes", (f"{n} services, peak {rps} RPS, nodes={nodes or 'third-party'}: one cluster carries "
                              "them (the control plane's fixed cost is justified)"), prov
    singletons_only = all(s.kind in ctx.capacity["singleton_kinds"] for s in services if s.target != "static")
    rpo = ctx.answer("backup.rpo_minutes")
    server_db = any(b.name in SERVER_DATABASES for c in ctx.services() for b in c.backing_services if b.required)
    if server_db and rpo is not None and int(rpo) < 60 and "containers" in totals:
        # A database on a VM is backed up by dumps (an hour at best); minutes need managed PITR.
        prov.append(ctx.prov("backup.rpo_minutes"))
        return "containers", (f"RPO {rpo} min needs point-in-time recovery of a managed database, which a "
                              f"database on a VM cannot give; {n} services on managed containers beside it"), prov
    if "vm" in totals and (singletons_only or (n <= 2 and rps <= VM_MAX_RPS)):
        return "vm", (f"{n} process(es), peak {rps} RPS: one small VM carries it for "
                      f"${totals['vm'].get('production', Decimal(0))}/month in production"), prov
    if "containers" in totals:
        return "containers", (f"{n} services at peak {rps} RPS: managed containers scale each service without "
                              "servers to patch; Kubernetes would add a control plane per environment for "
                              "nothing this size needs"), prov
    return next(iter(totals)), "the only priced option that fits", prov


def _why_not(ctx: PlanContext) -> str:
    reasons = [f"{pid}: {TARGETS[pid].fit(ctx).reason}" for pid in PLATFORMS if not TARGETS[pid].fit(ctx).ok]
    return "; ".join(reasons) or "other options are not priced"
