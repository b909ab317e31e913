"""CloudWatch alarms for AWS managed services: the `monitoring` Terraform module's flags and its call
in each environment root, with thresholds computed from the Design (SLO error budget × the fast burn
factor, the p95 objective, each store's size and connection limit). Templates: terraform/modules/monitoring.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from launchbay.models.design import Design
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.monitoring_facts import number
from launchbay.renderers.monitoring_slo import BURN_WINDOWS
from launchbay.renderers.terraform_hcl import HclValue, Raw
from launchbay.renderers.terraform_layout import Layout, Module, Root, ref

SATURATION_PERCENT = 90
REDIS_EVICTIONS_PER_5M = 100
FAST = BURN_WINDOWS[0]


def applies(design: Design, lay: Layout) -> bool:
    return design.cloud == "aws" and ((lay.containers and bool(lay.services)) or lay.data)


def flags(design: Design, lay: Layout) -> dict[str, Any]:
    """Template flags: which alarm families the module holds."""
    ecs = lay.containers and bool(lay.services)
    return {"platform": lay.platform, "http": ecs and lay.http and design.slo.error_budget is not None,
            "ecs": ecs, "postgres": lay.data and lay.postgres, "redis": lay.data and lay.redis}


def error_ratio_threshold(design: Design) -> Decimal | None:
    budget = design.slo.error_budget
    return None if budget is None else min(Decimal(1), FAST.factor * budget)


def alarms(design: Design) -> list[dict[str, str]]:
    """The alarms as the docs list them (name, what fires it)."""
    lay_flags = flags(design, _layout(design))
    out: list[dict[str, str]] = []
    if lay_flags["http"]:
        limit = error_ratio_threshold(design)
        out.append({"name": "alb-5xx-ratio", "when": f"5xx ratio > {number(limit or Decimal(0))} "
                    f"({number(FAST.factor)} × the error budget) for 15 min"})
        if design.slo.latency_p95_ms is not None:
            out.append({"name": "alb-latency-p95",
                        "when": f"target p95 > {design.slo.latency_p95_ms} ms for 15 min"})
    if lay_flags["ecs"]:
        out += [{"name": "<service>-cpu", "when": f"ECS service CPU > {SATURATION_PERCENT} % for 15 min"},
                {"name": "<service>-memory", "when": f"ECS service memory > {SATURATION_PERCENT} % for 15 min"}]
    if lay_flags["postgres"]:
        out += [{"name": "postgres-cpu", "when": f"RDS CPU > {SATURATION_PERCENT} % for 15 min"},
                {"name": "postgres-free-storage", "when": "RDS free storage < 10 % of allocated"},
                {"name": "postgres-connections", "when": "RDS connections > 80 % of the class's limit for 10 min"}]
    if lay_flags["redis"]:
        out += [{"name": "<node>-engine-cpu", "when": f"ElastiCache engine CPU > {SATURATION_PERCENT} % for 15 min"},
                {"name": "<node>-memory", "when": f"ElastiCache memory > {SATURATION_PERCENT} % for 15 min"},
                {"name": "<node>-evictions", "when": f"> {REDIS_EVICTIONS_PER_5M} evictions per 5 min for 30 min"}]
    return out


def _layout(design: Design) -> Layout:
    from launchbay.renderers.terraform_layout import layout

    return layout(design)


def wire(design: Design, env: str, lay: Layout, root: Root) -> None:
    """Add the module call (and its topic output) to an environment root."""
    if not applies(design, lay):
        return
    fl = flags(design, lay)
    args: dict[str, HclValue] = {"source": "../../modules/monitoring", "name": root.name,
                                 "kms_key_arn": ref("module.kms.key_arn"), "saturation_percent": SATURATION_PERCENT}
    if fl["http"]:
        args["alb_arn_suffix"] = ref("module.compute.alb_arn_suffix")
        args["error_ratio_threshold"] = Raw(number(error_ratio_threshold(design) or Decimal(0)))
        if design.slo.latency_p95_ms is not None:
            args["latency_p95_seconds"] = Raw(number(Decimal(design.slo.latency_p95_ms) / 1000))
    if fl["ecs"]:
        args["ecs_cluster_name"] = ref("module.compute.cluster_name")
        args["ecs_service_names"] = ref("module.compute.service_names")
    pg = facts.managed_store(design, "postgres", env)
    if fl["postgres"] and pg is not None:
        _store, size = pg
        args["postgres_identifier"] = f"{root.name}-postgres"
        args["postgres_storage_gb"] = size.storage_gb
        if size.max_connections is not None:
            args["postgres_max_connections"] = size.max_connections
    rd = facts.managed_store(design, "redis", env)
    if fl["redis"] and rd is not None:
        _store, size = rd
        args["redis_cluster_ids"] = [f"{root.name}-redis-00{i + 1}" for i in range(2 if size.multi_az else 1)]
        args["redis_evictions_per_5m"] = REDIS_EVICTIONS_PER_5M
    root.modules.append(Module("monitoring", args, comment="CloudWatch alarms from the SLO and the store sizes."))
    root.outputs.append(("alarm_topic_arn", "SNS topic the CloudWatch alarms notify.",
                         "module.monitoring.alarm_topic_arn"))
