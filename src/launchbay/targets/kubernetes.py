"""`kubernetes`: EKS with a managed node group — for many services, high traffic or own chain nodes,
and a team that can run a cluster."""

from __future__ import annotations

import math
from decimal import Decimal

from launchbay.models.design import CostLine
from launchbay.planning.context import PlanContext
from launchbay.planning.costing import Lines, aws_shared_lines, aws_store_lines, nat_count
from launchbay.planning.sizing import smallest
from launchbay.targets.base import Fit, Parts

NODE_FILL = Decimal("0.75")  # leave a quarter of each node for system pods, daemonsets and headroom
NODE_DISK_GB = 20


class KubernetesTarget:
    id = "kubernetes"
    label = "Kubernetes (EKS, managed node group)"
    pros: tuple[str, ...] = ("one platform for many services, chain nodes and indexers",
            "Helm, Argo Rollouts canaries, network policies, IRSA per service")
    cons: tuple[str, ...] = ("control plane costs a fixed amount per cluster per environment",
            "needs people who run Kubernetes: upgrades, node pools, add-ons")
    fits_when = "6+ services, 1,000+ RPS, or own blockchain nodes, with a team of 3+"

    def fit(self, ctx: PlanContext) -> Fit:
        if ctx.cloud != "aws":
            return Fit(False, f"Kubernetes is generated for AWS (EKS) only (cloud={ctx.cloud})")
        return Fit(True, "AWS")

    def node_count(self, ctx: PlanContext, env: str, parts: Parts, vcpu: Decimal, memory_gib: Decimal) -> int:
        cpu = sum((s.sizes[env].vcpu * s.sizes[env].replicas_min for s in parts.services), Decimal(0))
        mem = sum((Decimal(s.sizes[env].memory_mib * s.sizes[env].replicas_min) / 1024 for s in parts.services),
                  Decimal(0))
        need = max(math.ceil(cpu / (vcpu * NODE_FILL)), math.ceil(mem / (memory_gib * NODE_FILL)), 1)
        return max(need, 2 if env == "production" else 1)

    def cost(self, ctx: PlanContext, env: str, parts: Parts) -> list[CostLine]:
        lines = Lines(ctx, env)
        p, r = ctx.prices, ctx.region
        lines.hours("compute", "EKS control plane", p.price(r, "eks_control_plane_hour"))
        node = smallest(ctx, "ec2", memory_gib=Decimal(8), vcpu=Decimal(2))
        count = self.node_count(ctx, env, parts, node.vcpu, node.memory_gib)
        ctx.assume(f"pods fill nodes to {int(NODE_FILL * 100)}% (system pods and headroom take the rest)")
        lines.hours("compute", f"node group: {count} × {node.name}", node.hourly, count, discountable="ec2")
        lines.add("compute", f"node root volumes: {count} × {NODE_DISK_GB} GB gp3", Decimal(count * NODE_DISK_GB),
                  "GB-month", p.price(r, "ebs_gp3_gb_month"))
        aws_store_lines(lines, parts.stores)
        http = any(s.port for s in parts.services)
        aws_shared_lines(lines, http=http, nat_gateways=nat_count(ctx, env), services=len(parts.services),
                         stores=len(parts.stores))
        return lines.lines
