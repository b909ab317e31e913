"""Budget questions: how much a month, what to optimise for, and whether to commit for a discount.

The monthly figure sets the ceiling every later sizing decision must fit under, so the
recommendation is the order of magnitude the reviewed architecture needs, never a guess.
"""

from __future__ import annotations

import re

from launchbay.questions.base import Context, Option, Question, Recommendation, cite, doc_target
from launchbay.questions.ops_evidence import (
    SERVER_DATABASES,
    answered,
    data_stores,
    finding,
    latency_p95,
    monthly_budget,
    peak_rps,
    recommend,
    services,
    uptime,
)

_GOALS = ("business_goal", "critical_feature", "infra_note")
_COST_GOAL = re.compile(
    r"\bcosts?\s+(?:next to nothing|as little as possible|very little)|\b(?:low|minimal|minimi[sz]e)[- ](?:cost|spend)"
    r"|\bas cheap as possible\b|\bout of pocket\b|\btight budget\b|\bbudget is (?:tiny|small|limited)\b",
    re.I,
)


def _monthly_usd(ctx: Context) -> Recommendation | None:
    stated = doc_target(ctx.profile, "budget_usd_month")
    if stated is not None:  # the team's own figure beats any estimate
        value, ev = stated
        reason = f"docs state USD {value}/month ({cite(ev)}) → the team's own figure beats an estimate"
        return Recommendation(int(str(value)), reason, (ev,))
    nodes = answered(ctx, "blockchain.node_strategy")
    if nodes is not None and nodes.value in ("own-nodes", "hybrid"):
        return recommend(2000, "own chain nodes need large NVMe machines running 24x7: ≈ USD 2,000/month", nodes)
    multi = answered(ctx, "deployment.multi_region")
    if multi is not None and multi.value is True:
        return recommend(2000, "every service and data store runs in two regions: ≈ USD 2,000/month", multi)
    up, rps = uptime(ctx), peak_rps(ctx)
    if up is not None and up.value >= 99.95:
        return recommend(2000, "99.95%+ needs redundant everything across zones: ≈ USD 2,000/month", up)
    if rps is not None and rps.value >= 500:
        return recommend(2000, "hundreds of RPS need several replicas and a larger database: ≈ USD 2,000/month", rps)
    stores = data_stores(ctx.profile)
    svcs = services(ctx.profile)
    small_load = rps is None or rps.value <= 10
    if len(svcs) == 1 and all(s.value == "sqlite" for s in stores) and small_load:
        return recommend(10, "one process with its data on local disk fits one small VM: ≈ USD 10/month",
                         svcs[0], *stores[:1], rps)
    server_db = next((s for s in stores if s.value in SERVER_DATABASES), None)
    if svcs and server_db is not None:
        what = f"{len(svcs)} service{'s' if len(svcs) > 1 else ''}"
        return recommend(300, f"{what} on managed containers plus a managed database: ≈ USD 300/month",
                         server_db, rps, up)
    return None


def _priority(ctx: Context) -> Recommendation | None:
    budget = monthly_budget(ctx)
    if budget is not None and isinstance(budget.value, int) and budget.value <= 50:
        return recommend("cost", "at this budget every dollar counts; take the cheapest option that meets the targets",
                         budget)
    goal = finding(ctx.profile, _COST_GOAL, _GOALS)
    if goal is not None:
        return recommend("cost", "the docs make low running cost a goal", goal)
    up, rps, p95 = uptime(ctx), peak_rps(ctx), latency_p95(ctx)
    if up is not None and up.value >= 99.95:
        return recommend("performance", "the availability target leaves minutes of downtime a month", up)
    if p95 is not None and p95.value <= 100:
        return recommend("performance", "a sub-100 ms p95 needs headroom, not the smallest instances", p95)
    if rps is not None and rps.value >= 1000:
        return recommend("performance", "thousands of RPS need provisioned capacity", rps)
    if (up is not None and up.value >= 99.9) or (p95 is not None and p95.value <= 300):
        return recommend("balanced", "redundancy is needed, but standard instance sizes meet the targets", up, p95)
    if up is not None and up.value <= 99.5:
        return recommend("cost", "a loose availability target tolerates single instances and restarts", up, p95)
    return None


def _commitment(ctx: Context) -> Recommendation | None:
    budget = monthly_budget(ctx)
    if budget is None or not isinstance(budget.value, int):
        return None
    if budget.value <= 100:
        return recommend("none", "a reservation would save a few dollars and lock the instance sizes", budget)
    priority = answered(ctx, "budget.priority")
    if budget.value >= 1000 and priority is not None and priority.value in ("cost", "balanced"):
        return recommend("1-year", "an always-on base (databases, nodes) is most of the bill; 1-year terms "
                         "discount it without a 3-year bet", budget, priority)
    return None


def _not_self_hosted(ctx: Context) -> bool:
    return ctx.answer("deployment.cloud") != "self-hosted"


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="budget.monthly_usd",
        prompt="What is the most you can spend on infrastructure per month, in US dollars (all environments)?",
        help="The budget caps every sizing choice: replica counts, database tier, managed vs self-run nodes.",
        kind="int",
        options=(
            Option(10, "≈ USD 10/month: one small VM, data on its disk",
                   pros=("Cheapest way to run an always-on process", "One machine to patch and watch"),
                   cons=("No redundancy: a host failure is downtime", "Backups and restarts are your job"),
                   fits="One process (bot, cron, small API), SQLite or no database, a few RPS"),
            Option(300, "≈ USD 300/month: managed containers + managed database and cache",
                   pros=("Provider handles patching, backups and failover", "Survives the loss of one instance"),
                   cons=("Load balancer, NAT and database tiers are fixed costs", "Staging adds roughly half again"),
                   fits="A few services with Postgres/Redis, tens of RPS, 99.5–99.9% uptime"),
            Option(2000, "≈ USD 2,000/month: HA everywhere, Kubernetes or own chain nodes",
                   pros=("Headroom for hundreds of RPS", "Room for own RPC/archive nodes and multi-AZ data"),
                   cons=("Someone must operate it", "Idle capacity is paid for"),
                   fits="Many services, hundreds of RPS, own nodes, 99.95%+ or multi-region"),
        ),
        recommend=_monthly_usd,
        required=True,
    ),
    Question(
        key="budget.priority",
        prompt="When cost and performance pull apart, which wins: lowest cost, a balance, or performance?",
        help="Decides instance families, whether to keep warm spare capacity, and managed vs self-run services.",
        kind="choice",
        options=(
            Option("cost", "Lowest cost",
                   pros=("Smallest bill; burstable instances and single replicas",),
                   cons=("Less headroom for spikes", "Slower recovery from failures"),
                   fits="Pilots, internal tools, bots, loose uptime targets"),
            Option("balanced", "Balanced",
                   pros=("Redundancy where downtime hurts, small sizes elsewhere",),
                   cons=("Needs a judgement per component",),
                   fits="Production apps with 99.9% targets and moderate load"),
            Option("performance", "Performance first",
                   pros=("Headroom for spikes and low latency", "Fewer capacity incidents"),
                   cons=("Pays for capacity that is often idle",),
                   fits="Tight latency SLAs, trading or high-traffic launches"),
        ),
        recommend=_priority,
    ),
    Question(
        key="budget.commitment",
        prompt="Can you commit to 1 or 3 years of reserved capacity (savings plans, committed use) for a discount?",
        help="Commitments cut the steady part of the bill but lock instance sizes; only worth it once usage is known.",
        kind="choice",
        options=(
            Option("none", "No commitment (on-demand)",
                   pros=("Resize or leave at any time",),
                   cons=("Full list price",),
                   fits="New launches whose load is not yet measured, small bills"),
            Option("1-year", "1-year reservations / savings plans",
                   pros=("Typically 20–40% off the always-on base",),
                   cons=("Paid even if you scale down", "Needs a few months of usage data first"),
                   fits="Stable databases and nodes that run all year"),
            Option("3-year", "3-year reservations",
                   pros=("Deepest discount (often 50–60%+ on compute)",),
                   cons=("Three years of lock-in to sizes and regions", "Hard to undo after a redesign"),
                   fits="Mature, steady workloads with a known footprint"),
        ),
        when=_not_self_hosted,
        recommend=_commitment,
    ),
)
