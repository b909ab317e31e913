"""`disaster-recovery.md` and `runbooks/backup-restore.md` from the Design's backup plan: RPO/RTO and
whether the plan meets them, the exact restore commands of every data store — with the identifiers the
generated Terraform (or the VM backup script) really uses, read back from those files — cross-region
recovery when there is a DR copy, and a DR drill with its record template."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.security_controls import tf_value
from launchbay.renderers.terraform import TerraformRenderer
from launchbay.renderers.terraform_layout import POSTGRES_MAJOR, REDIS_VERSION

PAGES = ("disaster-recovery.md", "runbooks/backup-restore.md")
DRILL_CADENCE = "every quarter, and after any change to the data stores or the backup plan"  # stated default
KNOWN = {"${var.postgres.major_version}": POSTGRES_MAJOR}


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/dr"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["tick"] = lambda v: f"`{v}`"
    return env


def _name(kit: Mapping[str, str], module: str, resource: str, attr: str, prefix: str) -> str:
    """An identifier the Terraform creates; missing means the templates changed under this renderer."""
    value = tf_value(kit, module, resource, attr, prefix)
    if value is None:
        raise LookupError(f"no {attr} on {resource} in modules/{module}: dr_docs and the Terraform disagree")
    for expr, known in KNOWN.items():
        value = value.replace(expr, known)
    return value


@dataclass(frozen=True)
class Rds:
    env: str
    identifier: str
    subnet_group: str
    parameter_group: str
    security_group: str
    instance_class: str
    multi_az: bool
    final_snapshot: str
    backup_window: str


@dataclass(frozen=True)
class Redis:
    env: str
    group_id: str
    subnet_group: str
    security_group: str
    node_type: str
    multi_az: bool
    kms_alias: str
    snapshot_window: str


def _writers(design: Design, store_names: Iterable[str]) -> tuple[str, ...]:
    """Service keys (the ECS service names) of the services that use the given stores."""
    users = {u for s in design.data_stores if s.name in set(store_names) for u in s.used_by}
    return tuple(s.key for s in facts.services(design, {design.platform}) if s.plan.name in users)


def _ecs_scale(design: Design, env: str, count: int | None) -> list[str]:
    """`aws ecs update-service` for each service that writes to PostgreSQL: to `count` tasks, or (None) back to
    the plan's minimum in `env`."""
    keys = set(_writers(design, [s.name for s in design.data_stores if s.engine == "postgres"]))
    cluster = facts.prefix(design, env)
    return [f'aws ecs update-service --region "$REGION" --cluster {cluster} --service {s.key} --desired-count '
            f"{s.plan.sizes[env].replicas_min if count is None else count}"
            for s in facts.services(design, {design.platform}) if s.key in keys and env in s.plan.sizes]


def managed(design: Design, kit: Mapping[str, str]) -> tuple[list[Rds], list[Redis]]:
    rds: list[Rds] = []
    redis: list[Redis] = []
    if "deploy/terraform/modules/data/main.tf" not in kit:
        return rds, redis
    for env in design.environments:
        prefix = facts.prefix(design, env)
        if (pg := facts.managed_store(design, "postgres", env)) is not None:
            size = pg[1]
            rds.append(Rds(env, _name(kit, "data", "aws_db_instance.postgres", "identifier", prefix),
                           _name(kit, "data", "aws_db_subnet_group.this", "name", prefix),
                           _name(kit, "data", "aws_db_parameter_group.postgres", "name", prefix),
                           _name(kit, "network", "aws_security_group.data", "name", prefix),
                           str(size.instance_class), size.multi_az,
                           _name(kit, "data", "aws_db_instance.postgres", "final_snapshot_identifier", prefix),
                           _name(kit, "data", "aws_db_instance.postgres", "backup_window", prefix)))
        if (rd := facts.managed_store(design, "redis", env)) is not None:
            size = rd[1]
            redis.append(Redis(env, _name(kit, "data", "aws_elasticache_replication_group.redis",
                                          "replication_group_id", prefix),
                               _name(kit, "data", "aws_elasticache_subnet_group.this", "name", prefix),
                               _name(kit, "network", "aws_security_group.data", "name", prefix),
                               str(size.instance_class), size.multi_az,
                               _name(kit, "kms", "aws_kms_alias.this", "name", prefix),
                               _name(kit, "data", "aws_elasticache_replication_group.redis", "snapshot_window",
                                     prefix)))
    return rds, redis


def _vm(design: Design) -> dict[str, Any] | None:
    if design.platform != "vm" or design.backup is None:
        return None
    from launchbay.renderers.vm_backup import backup_calendar, offsite
    from launchbay.renderers.vm_layout import APP_UID
    from launchbay.renderers.vm_layout import layout as vm_layout

    lay = vm_layout(design)
    mode, region = offsite(lay)
    pg = lay.store("postgres")
    return {"lay": lay, "offsite": mode, "offsite_region": region, "calendar": backup_calendar(lay),
            "sqlite": lay.store("sqlite") is not None, "uid": APP_UID,
            "postgres_container": f"{lay.project}-{pg.name}-1" if pg else None,
            "app_containers": [n for s in lay.services for n in s.compose_names()]}


def context(design: Design) -> dict[str, Any]:
    kit = {f.path: f.content for f in TerraformRenderer().render(design)}
    rds, redis = managed(design, kit)
    prod = facts.production_env(design)
    replicated = 'module "backup_replication"' in kit.get(f"deploy/terraform/envs/{prod}/main.tf", "")
    return {
        "d": design, "b": design.backup, "prod": prod, "rds": rds, "redis": redis, "vm": _vm(design),
        "dr_region": facts.dr_region(design) if replicated else None, "asked_dr": design.dr_region,
        "retention": facts.backup_retention(design), "drill": DRILL_CADENCE,
        "stateful": [s for s in design.data_stores if s.role in {"database", "file"}],
        "caches": [s for s in design.data_stores if s.role not in {"database", "file"}],
        "writers": _writers(design, [s.name for s in design.data_stores]),
        "pg_writers": _writers(design, [s.name for s in design.data_stores if s.engine == "postgres"]),
        "cluster": {e: facts.prefix(design, e) for e in design.environments},
        "namespace": facts.slug(design.project), "slug": facts.slug(design.project), "redis_version": REDIS_VERSION,
        "ecs_scale": lambda count: _ecs_scale(design, prod, count),
        "prod_rds": next((r for r in rds if r.env == prod), None),
        "prod_redis": next((r for r in redis if r.env == prod), None),
    }


class DrDocsRenderer:
    name = "dr-docs"

    def render(self, design: Design) -> Iterable[KitFile]:
        env = _env()
        ctx = context(design)
        out = []
        for page in PAGES:
            text = env.get_template(page + ".j2").render(**ctx)
            body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
            out.append(KitFile(path=f"{design.docs_root}/{page}", content=re.sub(r"\n{3,}", "\n\n", body)))
        return out
