"""One Terraform root per environment (`deploy/terraform/envs/<env>/`): which local modules it wires
and with which figures — every size, count, class, port and health path taken from the Design."""

from __future__ import annotations

from launchbay.models.design import Design
from launchbay.renderers import monitoring_cloudwatch, terraform_chain
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.signing import kms_signers
from launchbay.renderers.terraform_compute import compute_ecs, compute_eks, compute_vm
from launchbay.renderers.terraform_hcl import HclValue, Raw
from launchbay.renderers.terraform_layout import (
    AZ_SUFFIXES,
    PORTS,
    POSTGRES_MAJOR,
    REDIS_VERSION,
    Layout,
    Module,
    Root,
    Variable,
    host_expr,
    ref,
    secret_ref,
    secrets_key,
)
from launchbay.renderers.terraform_security import acl_ref, audit_args, wire_waf


def build_root(design: Design, env: str, lay: Layout, index: int) -> Root:
    name = facts.prefix(design, env)
    root = Root(env=env, name=name)
    production = facts.production_env(design)
    retention = facts.log_retention(design)
    root.variables.append(Variable("region", "AWS region of this environment.", "string", design.region, True))
    root.variables.append(Variable("vpc_cidr", "CIDR block of the environment's VPC.", "string",
                                   f"10.{10 * (index + 1)}.0.0/16", True))
    kms: dict[str, HclValue] = {"source": "../../modules/kms", "name": name}
    if signer_names := [s.name for s in kms_signers(design)]:  # secp256k1 keys that replace raw keys
        kms["signers"] = signer_names
        root.outputs.append(("signer_key_arns", "Signer => ARN of its KMS signing key.", "module.kms.signer_key_arns"))
        root.outputs.append(("signer_aliases", "Signer => KMS alias used as its key id.", "module.kms.signer_aliases"))
    root.modules.append(Module("kms", kms))
    _network(design, env, lay, root, retention)
    if lay.secrets:
        root.modules.append(Module("secrets", {"source": "../../modules/secrets", "name": name,
                                               "path_prefix": f"{facts.slug(design.project)}/{env}",
                                               "secret_names": terraform_chain.root_secrets(design, env, lay)},
                                   comment="Created empty: operators put each value (see ../../README.md)."))
    if lay.containers and lay.services:
        _iam_containers(lay, root)
    elif lay.platform == "vm":
        _iam_vm(lay, root)
    if lay.data:
        _data(design, env, lay, root, retention)
    if env == production and lay.dr_region and facts.managed_store(design, "postgres", env):
        root.dr_region = lay.dr_region
        root.variables.append(Variable("dr_region", "Disaster-recovery region of the backup plan.", "string",
                                       lay.dr_region, True))
        root.modules.append(Module("backup_replication", {
            "source": "../../modules/backup_replication", "providers": {"aws": Raw("aws.dr")}, "name": name,
            "source_db_instance_arn": ref("module.data.postgres_arn"),
            "retention_days": facts.backup_retention(design)},
            comment="Copies of the automated backups in the disaster-recovery region (backup plan)."))
    if lay.containers and lay.services:
        compute_ecs(design, env, lay, root, retention, production)
    elif lay.platform == "vm":
        compute_vm(design, env, root)
    elif lay.platform == "kubernetes":
        compute_eks(design, env, lay, root, retention)
    terraform_chain.wire(design, env, lay, root)
    if lay.dns or (lay.containers and len(lay.routed()) > 0):
        has_default = design.network.get("domain") is not None
        root.variables.append(Variable(
            "domain_name", "Production domain; other environments use <env>.<domain>.", "string",
            design.network.get("domain"), has_default, example=design.network.get("domain") or "app.example.com"))
    if lay.dns:
        _dns(env, lay, root, production)
    wire_waf(design, root, retention)
    root.modules.append(Module("audit", {"source": "../../modules/audit", "name": name, "kms_key_arn":
                                         ref("module.kms.key_arn"), "log_retention_days": retention,
                                         **audit_args(design)}))
    for site in lay.sites:
        label = f"site_{site.key.replace('-', '_')}"
        site_args: dict[str, HclValue] = {"source": "../../modules/static_site",
                                          "name": facts.short_name(f"{name}-{site.key}", 40),
                                          "access_log_bucket": ref("module.audit.access_log_bucket")}
        if (edge_acl := acl_ref(design, "waf_edge")) is not None:
            site_args["web_acl_arn"] = edge_acl
        root.modules.append(Module(label, site_args,
                                   comment=f"{site.plan.name}: static files on S3 behind CloudFront."))
        root.outputs.append((f"{label}_bucket", f"Bucket CI uploads {site.plan.name} to.", f"module.{label}.bucket"))
        root.outputs.append((f"{label}_distribution_id", f"CloudFront distribution of {site.plan.name}.",
                             f"module.{label}.distribution_id"))
    if env == production and design.budget.budget_usd is not None:
        root.modules.append(Module("budgets", {"source": "../../modules/budgets", "name": facts.slug(design.project),
                                               "monthly_limit_usd": design.budget.budget_usd,
                                               "alert_emails": ref("var.budget_alert_emails")},
                                   comment="Account-wide monthly cost budget (all environments), from the plan."))
        root.variables.append(Variable(
            "budget_alert_emails", "Addresses that receive the monthly budget alerts.", "list(string)",
            example=["ops@example.com"]))
    monitoring_cloudwatch.wire(design, env, lay, root)
    return root


def _network(design: Design, env: str, lay: Layout, root: Root, retention: int) -> None:
    args: dict[str, HclValue] = {
        "source": "../../modules/network", "name": root.name, "cidr_block": ref("var.vpc_cidr"),
        "availability_zones": [f"{design.region}{zone}" for zone in AZ_SUFFIXES],
        "nat_gateway_count": 0 if lay.platform == "vm" else max(1, facts.nat_gateways(design, env)),
        "kms_key_arn": ref("module.kms.key_arn"), "log_retention_days": retention,
    }
    if lay.http:
        args["app_ports"] = sorted({s.plan.port for s in lay.services if s.plan.port is not None})
    if lay.data:
        args["data_ports"] = [PORTS[e] for e in ("postgres", "redis") if getattr(lay, e)]
    root.modules.append(Module("network", args))
    root.outputs.append(("vpc_id", "ID of the VPC.", "module.network.vpc_id"))


def _iam_containers(lay: Layout, root: Root) -> None:
    services: dict[str, HclValue] = {
        s.key: {"repository": f"{root.name}/{s.key}", "log_group": f"/ecs/{root.name}/{s.key}",
                "secret_arns": [secret_ref(n) for n in s.secrets()]}
        for s in lay.services
    }
    args: dict[str, HclValue] = {"source": "../../modules/iam", "name": root.name,
                                 "secrets_kms_key_arn": secrets_key(lay), "services": services}
    root.modules.append(Module("iam", args))


def _iam_vm(lay: Layout, root: Root) -> None:
    root.modules.append(Module("iam", {"source": "../../modules/iam", "name": root.name,
                                       "secrets_kms_key_arn": secrets_key(lay),
                                       "secret_arns": [secret_ref(n) for n in lay.secrets]}))


def _data(design: Design, env: str, lay: Layout, root: Root, retention: int) -> None:
    args: dict[str, HclValue] = {
        "source": "../../modules/data", "name": root.name, "subnet_ids": ref("module.network.private_subnet_ids"),
        "security_group_id": ref("module.network.data_security_group_id"), "kms_key_arn": ref("module.kms.key_arn"),
        "backup_retention_days": facts.backup_retention(design),
    }
    if lay.redis:
        args["log_retention_days"] = retention
    pg = facts.managed_store(design, "postgres", env)
    if lay.postgres and pg is not None:
        _store, size = pg
        args["postgres"] = {"major_version": POSTGRES_MAJOR, "instance_class": size.instance_class,
                            "storage_gb": size.storage_gb, "multi_az": size.multi_az,
                            "database_name": facts.db_identifier(design.project), "username": "app_admin"}
        root.outputs.append(("postgres_endpoint", "Host:port of the PostgreSQL instance.",
                             "module.data.postgres_endpoint"))
        root.outputs.append(("postgres_master_secret_arn", "RDS-managed secret with the master password.",
                             "module.data.postgres_master_secret_arn"))
    rd = facts.managed_store(design, "redis", env)
    if lay.redis and rd is not None:
        _store, size = rd
        args["redis"] = {"engine_version": REDIS_VERSION, "node_type": size.instance_class,
                         "multi_az": size.multi_az}
        root.outputs.append(("redis_endpoint", "Primary endpoint of Redis (TLS: rediss://).",
                             "module.data.redis_endpoint"))
    root.modules.append(Module("data", args))


def _dns(env: str, lay: Layout, root: Root, production: str) -> None:
    args: dict[str, HclValue] = {
        "source": "../../modules/dns_tls", "zone_name": ref("var.zone_name"),
        "domain_name": host_expr(env, production),
        "hosts": [host_expr(env, production, s.key) for s in lay.routed()],
    }
    if lay.containers:
        args["alias_target"] = {"dns_name": ref("module.compute.alb_dns_name"),
                                "zone_id": ref("module.compute.alb_zone_id")}
    else:
        args["ipv4_address"] = ref("module.compute.public_ip")
    root.modules.append(Module("dns_tls", args))
    zone_default = lay.domain.name if lay.domain else None
    root.variables.append(Variable("zone_name", "Route 53 hosted zone (created by the bootstrap root).", "string",
                                   zone_default, zone_default is not None,
                                   example=zone_default or "app.example.com"))
    root.outputs.append(("fqdns", "Host names of this environment.", "module.dns_tls.fqdns"))
