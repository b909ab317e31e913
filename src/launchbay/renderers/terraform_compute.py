"""Compute wiring of an environment root: ECS services with their sizes, ports, health paths and
env wiring; the VM's instance; the EKS node group and IRSA roles — all from the Design."""

from __future__ import annotations

from launchbay.models.design import Design
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.terraform_hcl import HclValue, Raw, align, quote
from launchbay.renderers.terraform_layout import (
    EXAMPLE_ID,
    Layout,
    Module,
    Root,
    Variable,
    host_expr,
    ref,
    secret_ref,
    secrets_key,
)
from launchbay.renderers.terraform_security import acl_ref


def _environment(svc: facts.Service) -> HclValue:
    known: dict[str, HclValue] = dict(svc.known_config().items())
    if not svc.config():
        return known
    own = Raw(f"var.service_config[{quote(svc.key)}]")
    if not known:
        return own
    inline = ", ".join(f"{k} = {quote(str(v))}" for k, v in known.items())
    return Raw(f"merge({own.expr}, {{ {inline} }})")


def compute_ecs(design: Design, env: str, lay: Layout, root: Root, retention: int, production: str) -> None:
    services: dict[str, HclValue] = {}
    routed = {s.key: i for i, s in enumerate(lay.routed(), start=1)}
    for svc in lay.services:
        size = svc.plan.sizes[env]
        entry: dict[str, HclValue] = {
            "cpu": facts.fargate_cpu(size.vcpu), "memory": size.memory_mib, "desired_count": size.replicas_min,
            "min_count": size.replicas_min, "max_count": size.replicas_max,
            "singleton": all(z.replicas_max == 1 for z in svc.plan.sizes.values()),
        }
        if svc.http:
            entry["port"] = svc.plan.port
            entry["health_path"] = svc.plan.health_path or "/"
            entry["target_group_name"] = facts.short_name(f"{root.name}-{svc.key}", 32)
        if svc.key in routed:
            entry["host"] = host_expr(env, production, svc.key)
            entry["rule_priority"] = routed[svc.key] * 10
        entry["environment"] = _environment(svc)
        entry["secrets"] = {n: secret_ref(n) for n in svc.secrets()}
        entry["execution_role_arn"] = Raw(f"module.iam.execution_role_arns[{quote(svc.key)}]")
        entry["task_role_arn"] = Raw(f"module.iam.task_role_arns[{quote(svc.key)}]")
        services[svc.key] = entry
    args: dict[str, HclValue] = {
        "source": "../../modules/compute", "name": root.name, "vpc_id": ref("module.network.vpc_id"),
        "private_subnet_ids": ref("module.network.private_subnet_ids"),
        "app_security_group_id": ref("module.network.app_security_group_id"),
        "kms_key_arn": ref("module.kms.key_arn"), "log_retention_days": retention,
        "image_tags": ref("var.image_tags"),
    }
    if lay.http and lay.default is not None:
        args["public_subnet_ids"] = ref("module.network.public_subnet_ids")
        args["alb_security_group_id"] = ref("module.network.alb_security_group_id")
        args["certificate_arn"] = ref("module.dns_tls.certificate_arn" if lay.dns else "var.certificate_arn")
        args["default_service"] = lay.default.key
        if (acl := acl_ref(design, "waf")) is not None:
            args["web_acl_arn"] = acl
        if not lay.dns:
            root.variables.append(Variable(
                "certificate_arn", "ACM certificate (issued or imported) for the load balancer's host names.",
                "string", example=f"arn:aws:acm:{design.region}:123456789012:certificate/{EXAMPLE_ID}"))
        root.outputs.append(("alb_dns_name", "DNS name of the load balancer.", "module.compute.alb_dns_name"))
    args["services"] = services
    root.modules.append(Module("compute", args))
    root.variables.append(Variable(
        "image_tags", "Image tag per service: an immutable version such as the git SHA (CI sets it).",
        "map(string)", example={s.key: "0123abc" for s in lay.services}))
    needing = [s for s in lay.services if s.config()]
    if needing:
        type_ = value_type({s.key: {n: "string" for n in s.config()} for s in needing})
        root.variables.append(Variable(
            "service_config", "Plain (non-secret) environment values per service; names come from the design.",
            type_, example={s.key: {n: "" for n in s.config()} for s in needing}))
    root.outputs.append(("cluster_name", "Name of the ECS cluster.", "module.compute.cluster_name"))
    root.outputs.append(("repository_urls", "ECR repository URL per service.", "module.compute.repository_urls"))


def value_type(shape: dict[str, dict[str, str]]) -> str:
    """An HCL object type constraint: object({ svc = object({ NAME = string }) })."""
    inner = []
    for svc, fields in shape.items():
        lines = align([(k, t) for k, t in fields.items()], 2)
        inner.append((svc, "object({\n" + "\n".join(lines) + "\n  })"))
    body = align(inner, 1)
    return "object({\n" + "\n".join(body) + "\n})"


def compute_vm(design: Design, env: str, root: Root) -> None:
    inst = facts.vm_instance(design, env)
    if inst is None:
        return
    root.modules.append(Module("compute", {
        "source": "../../modules/compute", "name": root.name, "vpc_id": ref("module.network.vpc_id"),
        "subnet_id": ref("module.network.public_subnet_ids[0]"), "instance_type": inst.instance_type,
        "architecture": inst.arch, "disk_gb": inst.disk_gb, "kms_key_arn": ref("module.kms.key_arn"),
        "instance_profile_name": ref("module.iam.instance_profile_name"),
        "user_data_path": Raw('"${path.module}/../../../vm/provision.sh"'),
    }, comment="User data is deploy/vm/provision.sh (idempotent; rendered by launchbay's VM kit)."))
    root.outputs.append(("public_ip", "Elastic IP of the VM.", "module.compute.public_ip"))


def compute_eks(design: Design, env: str, lay: Layout, root: Root, retention: int) -> None:
    nodes = facts.eks_nodes(design, env)
    if nodes is None:
        return
    services: dict[str, HclValue] = {s.key: {"secret_arns": [secret_ref(n) for n in s.secrets()]}
                                     for s in lay.services}
    root.modules.append(Module("compute", {
        "source": "../../modules/compute", "name": root.name,
        "private_subnet_ids": ref("module.network.private_subnet_ids"),
        "app_security_group_id": ref("module.network.app_security_group_id"),
        "admin_cidrs": ref("var.admin_cidrs"), "kms_key_arn": ref("module.kms.key_arn"),
        "secrets_kms_key_arn": secrets_key(lay), "log_retention_days": retention,
        "node_instance_type": nodes.instance_type, "node_architecture": nodes.arch, "node_count": nodes.count,
        "node_disk_gb": nodes.disk_gb, "namespace": facts.slug(design.project), "services": services,
    }, comment="EKS; the Helm charts deploy the services (service accounts annotated with irsa_role_arns)."))
    root.variables.append(Variable("admin_cidrs", "CIDR blocks of CI runners and operators that reach the API.",
                                   "list(string)", example=["203.0.113.0/24"]))
    root.outputs.append(("cluster_name", "Name of the EKS cluster.", "module.compute.cluster_name"))
    root.outputs.append(("irsa_role_arns", "IAM role per service account.", "module.compute.irsa_role_arns"))
    root.outputs.append(("repository_urls", "ECR repository URL per service.", "module.compute.repository_urls"))
