"""Sizes computed from the stated traffic and the capacity assumptions: replicas and autoscaling
bounds per service, database class from connections and data volume, disk from growth.

Every number here is a formula over answers and `data/capacity.yaml`; the assumptions it rests on
are recorded on the context so the plan lists them.
"""

from __future__ import annotations

import math
from decimal import Decimal

from launchbay.models.design import ServiceSize, StoreSize
from launchbay.models.profile import Component
from launchbay.planning.context import PlanContext
from launchbay.pricing import Instance, MissingPrice

MIN_DB_STORAGE_GB = 20


def rps_per_replica(ctx: PlanContext, comp: Component) -> int:
    """Capacity of one replica: an override, else the language's stated assumption."""
    if comp.path in ctx.rps_override:
        return ctx.rps_override[comp.path]
    if "*" in ctx.rps_override:
        return ctx.rps_override["*"]
    table = ctx.capacity["http_rps_per_replica"]
    lang = str(comp.value("language") or "default")
    per = int(table.get(lang, table["default"]))
    ctx.assume(f"one {lang} replica serves {per} RPS (launchbay default; override with --rps-per-replica)")
    return per


def service_size(ctx: PlanContext, comp: Component, env: str) -> ServiceSize:
    """Replica size and bounds for one service in one environment."""
    spec = ctx.capacity["replica_size"][comp.kind]
    vcpu, memory = Decimal(str(spec["vcpu"])), int(spec["memory_mib"])
    if comp.kind in ctx.capacity["singleton_kinds"]:
        ctx.assume(f"{comp.kind}s run as exactly one copy (one gateway session / one writer)")
        return ServiceSize(vcpu=vcpu, memory_mib=memory, replicas_min=1, replicas_max=1)
    if env != "production":
        return ServiceSize(vcpu=vcpu, memory_mib=memory, replicas_min=1, replicas_max=1)
    ha = 2 if ctx.uptime >= Decimal("99.9") else 1
    if comp.kind in {"api", "web"}:
        per = Decimal(rps_per_replica(ctx, comp))
        need = math.ceil(ctx.peak_rps * Decimal(str(ctx.capacity["peak_headroom"])) / per)
        top = math.ceil(ctx.peak_rps * Decimal(str(ctx.capacity["scale_out_factor"])) / per)
        low = max(ha, need, 1)
        return ServiceSize(vcpu=vcpu, memory_mib=memory, replicas_min=low, replicas_max=max(low, top, low * 2))
    return ServiceSize(vcpu=vcpu, memory_mib=memory, replicas_min=ha, replicas_max=max(ha, 2))


def needed_connections(ctx: PlanContext, replicas_max: int) -> int:
    return replicas_max * int(ctx.capacity["db_pool_per_replica"]) + int(ctx.capacity["db_admin_connections"])


def max_connections(ctx: PlanContext, instance: Instance) -> int:
    memory_bytes = instance.memory_gib * Decimal(2**30)
    return min(5000, int(memory_bytes / Decimal(int(ctx.capacity["rds_postgres_bytes_per_connection"]))))


def storage_gb(ctx: PlanContext, env: str) -> int:
    """Provisioned database storage: a year of stated growth on top of today's volume, +25%."""
    if env != "production":
        return MIN_DB_STORAGE_GB
    volume = Decimal(str(ctx.answer("scale.data_volume_gb") or 0))
    growth = Decimal(str(ctx.answer("scale.data_growth_gb_month") or 0))
    if volume == 0 and growth == 0:
        ctx.assume(f"database storage starts at the {MIN_DB_STORAGE_GB} GB minimum: no data volume was given")
    return max(MIN_DB_STORAGE_GB, math.ceil((volume + growth * 12) * Decimal("1.25")))


def database_size(ctx: PlanContext, family: str, connections: int, env: str, multi_az: bool) -> StoreSize:
    """The smallest priced class whose default max_connections covers the pools (cheapest first)."""
    classes = ctx.prices.instances(ctx.region, family)
    if not classes:
        raise MissingPrice(f"{ctx.prices.provider}/{ctx.region}/{family} (no classes priced)")
    chosen = next((c for c in classes if max_connections(ctx, c) >= connections), classes[-1])
    return StoreSize(instance_class=chosen.name, storage_gb=storage_gb(ctx, env), multi_az=multi_az,
                     max_connections=max_connections(ctx, chosen), needed_connections=connections)


def smallest(ctx: PlanContext, family: str, *, memory_gib: Decimal = Decimal(0),
             vcpu: Decimal = Decimal(0)) -> Instance:
    """The cheapest priced class with at least this memory and vCPU."""
    for inst in ctx.prices.instances(ctx.region, family):
        if inst.memory_gib >= memory_gib and inst.vcpu >= vcpu:
            return inst
    raise MissingPrice(f"{ctx.prices.provider}/{ctx.region}/{family} with ≥{memory_gib} GiB and ≥{vcpu} vCPU")
