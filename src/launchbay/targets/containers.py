"""`containers`: managed containers — AWS ECS on Fargate behind an ALB, with the deployment circuit
breaker. No servers to patch; per-task billing; scales per service."""

from __future__ import annotations

from decimal import Decimal

from launchbay.models.design import CostLine
from launchbay.planning.context import PlanContext
from launchbay.planning.costing import Lines, aws_shared_lines, aws_store_lines, nat_count
from launchbay.targets.base import Fit, Parts


class ContainersTarget:
    id = "containers"
    label = "Managed containers (ECS Fargate + ALB)"
    pros: tuple[str, ...] = ("no servers to patch; rolling deploys with automatic rollback (circuit breaker)",
            "each service scales on its own; pay per task")
    cons: tuple[str, ...] = ("NAT gateway and load balancer cost a fixed amount even when idle",
            "no persistent local disk: SQLite or on-disk state does not fit")
    fits_when = "a few stateless services on AWS with real traffic and a managed database"

    def fit(self, ctx: PlanContext) -> Fit:
        if ctx.cloud != "aws":
            return Fit(False, f"managed containers are generated for AWS only (cloud={ctx.cloud})")
        if any(b.name == "sqlite" for c in ctx.services() for b in c.backing_services):
            return Fit(False, "a service keeps its data in SQLite on local disk, which Fargate tasks do not have")
        return Fit(True, "stateless services on AWS")

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]:
        lines = Lines(ctx, env)
        p, r = ctx.prices, ctx.region
        vcpu_price = p.price(r, "fargate", field="linux_x86_vcpu_hour")
        gb_price = p.price(r, "fargate", field="linux_x86_gb_hour")
        for svc in parts.services:
            size = svc.sizes[env]
            lines.hours("compute", f"{svc.name}: {size.replicas_min} × {size.vcpu} vCPU (Fargate)", vcpu_price,
                        Decimal(size.replicas_min) * size.vcpu, discountable="fargate", unit="vCPU-hour")
            lines.hours("compute", f"{svc.name}: {size.replicas_min} × {size.memory_mib} MiB (Fargate)", gb_price,
                        Decimal(size.replicas_min) * Decimal(size.memory_mib) / 1024, discountable="fargate",
                        unit="GB-hour")
        aws_store_lines(lines, parts.stores)
        http = any(s.port for s in parts.services)
        aws_shared_lines(lines, http=http, nat_gateways=nat_count(ctx, env), services=len(parts.services),
                         stores=len(parts.stores))
        return lines.lines
