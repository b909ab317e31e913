"""`vm`: one small VM per environment running Docker Compose behind Caddy (automatic TLS), with a
blue-green switch — for bots, small APIs and small teams. On AWS an EC2 instance; on "self-hosted"
a VPS plan from the shipped VPS price table (USD-priced providers only: no currency conversion)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from launchbay.models.design import CostLine
from launchbay.planning.context import PlanContext
from launchbay.planning.costing import Lines, aws_shared_lines, egress_gb
from launchbay.planning.sizing import smallest
from launchbay.pricing import MissingPrice, Price, load_prices
from launchbay.targets.base import Fit, Parts

# Memory an on-host data store needs beside the app (a small Postgres, a Redis with a little data).
ON_HOST_MIB = {"postgres": 1024, "mysql": 1024, "mongodb": 1024, "redis": 256, "rabbitmq": 512, "nats": 128,
               "kafka": 1536, "sqlite": 0}
ROOT_DISK_GB = 30


class VmTarget:
    id = "vm"
    label = "One VM per environment (Docker Compose + Caddy)"
    pros: tuple[str, ...] = ("cheapest for one or two small processes; no load balancer or NAT to pay for",
            "simple to reason about: one host, one compose file, local disk for SQLite")
    cons: tuple[str, ...] = ("the host is a single point of failure; you patch the OS",
            "scaling means a bigger VM (or moving to containers)")
    fits_when = "a bot or a small API with a few RPS, one process, a small team and budget"

    def fit(self, ctx: PlanContext) -> Fit:
        if ctx.cloud not in {"aws", "self-hosted"}:
            return Fit(False, f"VMs are generated for AWS and self-hosted servers (cloud={ctx.cloud})")
        return Fit(True, "one host runs everything")

    def memory_mib(self, ctx: PlanContext, env: str, parts: Parts) -> int:
        apps = sum(s.sizes[env].memory_mib * s.sizes[env].replicas_min for s in parts.services)
        # The new copy during a blue-green switch; singletons (bots, indexers) are stopped then started instead.
        singletons = ctx.capacity["singleton_kinds"]
        blue_green = max((s.sizes[env].memory_mib for s in parts.services if s.kind not in singletons), default=0)
        stores = sum(ON_HOST_MIB.get(s.engine, 512) for s in parts.stores)
        return int(apps + blue_green + stores + int(ctx.capacity["vm_overhead_mib"]))

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]:
        need = Decimal(self.memory_mib(ctx, env, parts)) / 1024
        if any(s.kind not in ctx.capacity["singleton_kinds"] for s in parts.services):
            ctx.assume("a blue-green switch on a VM runs a second copy of the largest service for a moment: "
                       "its memory is reserved")
        if ctx.cloud == "self-hosted":
            return self._vps(ctx, env, parts, need)
        lines = Lines(ctx, env)
        p, r = ctx.prices, ctx.region
        inst = smallest(ctx, "ec2", memory_gib=need)
        lines.hours("compute", f"EC2 {inst.name} ({inst.memory_gib} GiB; needs {need.quantize(Decimal('0.1'))} GiB)",
                    inst.hourly, discountable="ec2")
        data_gb = sum(s.sizes[env].storage_gb for s in parts.stores if s.sizes.get(env))
        lines.add("compute", f"gp3 disk {ROOT_DISK_GB + data_gb} GB (system + data)",
                  Decimal(ROOT_DISK_GB + data_gb), "GB-month", p.price(r, "ebs_gp3_gb_month"))
        lines.hours("network", "public IPv4 address", p.price(r, "public_ipv4_hour"))
        aws_shared_lines(lines, http=False, nat_gateways=0, services=len(parts.services), stores=len(parts.stores))
        return lines.lines

    def _vps(self, ctx: PlanContext, env: str, parts: Parts, need: Decimal) -> list[CostLine]:
        table = load_prices("vps").data
        provider, plans = _usd_provider(table)
        fitting = sorted(
            ((name, spec) for name, spec in plans.items()
             if isinstance(spec, dict) and spec.get("monthly") is not None
             and Decimal(str(spec["memory_gib"])) >= need),
            key=lambda kv: (Decimal(str(kv[1]["monthly"])), kv[0]),
        )
        if not fitting:
            raise MissingPrice(f"vps/{provider} plan with ≥ {need} GiB memory")
        name, spec = fitting[0]
        lines = Lines(ctx, env)
        plan_price = Price(Decimal(str(spec["monthly"])), f"vps/{provider}/{name}", str(spec.get("source", "")),
                           str(spec.get("as_of", "undated")))
        lines.add("compute", f"{provider} {name} ({spec['memory_gib']} GiB, {spec['disk_gb']} GB disk; "
                  f"needs {need.quantize(Decimal('0.1'))} GiB)", Decimal(1), "server-month", plan_price)
        backups = (table["providers"][provider] or {}).get("backups_pct_of_droplet")
        rpo = ctx.answer("backup.rpo_minutes")
        cadence = "weekly" if rpo is not None and int(rpo) >= 7 * 1440 else "daily"
        if parts.stores and isinstance(backups, dict) and backups.get(cadence) is not None:
            # Priced as a fraction of the server (the provider's rule): quantity = percentage / 100.
            pct = Decimal(str(backups[cadence])) / 100
            lines.add("backup", f"provider {cadence} disk backups ({backups[cadence]}% of the server)", pct,
                      "server-month", plan_price)
            ctx.assume(f"{provider} {cadence} backups cost {backups[cadence]}% of the server "
                       f"({backups.get('source', '')}, {backups.get('as_of', 'undated')})")
        included_gb = Decimal(str(spec.get("included_transfer_tb", 0))) * 1000
        overage = egress_gb(ctx, env) - included_gb
        transfer = (table["providers"][provider] or {}).get("transfer_overage_gib")
        if overage > 0 and isinstance(transfer, dict):
            lines.add("network", "egress beyond the plan's included transfer", Decimal(math.ceil(overage)), "GB",
                      Price(Decimal(str(transfer["price"])), f"vps/{provider}/transfer_overage_gib",
                            str(transfer.get("source", "")), str(transfer.get("as_of", "undated"))))
        return lines.lines


def _usd_provider(table: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    for provider, spec in sorted((table.get("providers") or {}).items()):
        if isinstance(spec, dict) and spec.get("currency") == "USD" and spec.get("plans"):
            return provider, dict(spec["plans"])
    raise MissingPrice("vps plans priced in USD")
