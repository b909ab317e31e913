"""Compute wiring of an environment root: ECS services with their sizes, ports, health paths and
env wiring; the VM's instance; the EKS node group and IRSA roles — all from the Design."""

from __future__ import annotations

from launchbay.models.design import Design
from launchbay.renderers import chain_services, terraform_chain, terraform_eks
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.monitoring_k8s_secrets import ROLE_OUTPUT
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

# The load balancer's health check: a real health route must answer 2xx/3xx; without one the check hits
# `/` and accepts any HTTP answer below 500 (a 404 there still proves the process serves HTTP), so an
# API without a root page is not rolled back forever.
HEALTH_MATCHER = "200-399"
NO_HEALTH_ROUTE_MATCHER = "200-499"
CONFIG_NOTE = ("Plain settings the code reads, per service, all optional: an unset (null) one is left out of the "
               "container's environment so the application's own default applies; an empty string would replace "
               "that default. Set only those you need.")


def health_check(svc: facts.Service) -> tuple[str, str]:
    """(path, matcher) of the service's load-balancer health check."""
    if svc.plan.health_path:
        return svc.plan.health_path, HEALTH_MATCHER
    return "/", NO_HEALTH_ROUTE_MATCHER


def _environment(svc: facts.Service, extra: dict[str, str] | None = None) -> HclValue:
    known: dict[str, HclValue] = {**svc.known_config(), **(extra or {})}
    if not svc.config():
        return known
    # Unset (null) values stay out of the task's environment: the code's defaults then apply.
    own = Raw(f"{{ for k, v in var.service_config[{quote(svc.key)}] : k => v if v != null }}")
    if not known:
        return own
    inline = ", ".join(f"{k} = {quote(str(v))}" for k, v in known.items())
    return Raw(f"merge({own.expr}, {{ {inline} }})")


def compute_ecs(design: Design, env: str, lay: Layout, root: Root, retention: int, production: str) -> None:
    services: dict[str, HclValue] = {}
    routed = {s.key: i for i, s in enumerate(lay.routed(), start=1)}
    chain = terraform_chain.applies(design, lay) and bool(chain_services.tasks(design, env))
    for svc in lay.services:
        size = svc.plan.sizes[env]
        entry: dict[str, HclValue] = {
            "cpu": facts.fargate_cpu(size.vcpu), "memory": size.memory_mib, "desired_count": size.replicas_min,
            "min_count": size.replicas_min, "max_count": size.replicas_max,
            "singleton": all(z.replicas_max == 1 for z in svc.plan.sizes.values()),
        }
        if svc.http:
            entry["port"] = svc.plan.port
            entry["health_path"], entry["health_matcher"] = health_check(svc)
            entry["target_group_name"] = facts.short_name(f"{root.name}-{svc.key}", 32)
        if svc.key in routed:
            entry["host"] = host_expr(env, production, svc.key)
            entry["rule_priority"] = routed[svc.key] * 10
        signer_urls = chain_services.signer_env(design, env, svc.plan)  # plain: in-platform Web3Signer URLs
        entry["environment"] = _environment(svc, signer_urls)
        entry["secrets"] = {n: secret_ref(n) for n in svc.secrets()}
        if chain and (svc.gateway or signer_urls):
            entry["chain_client"] = True  # joins Service Connect to reach erpc / web3signer-<chain>
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
    if chain:
        args["service_connect_namespace"] = ref(f"module.{terraform_chain.MODULE}.namespace_arn")
    args["services"] = services
    root.modules.append(Module("compute", args))
    root.variables.append(Variable(
        "image_tags", "Image tag per service: an immutable version such as the git SHA (CI sets it).",
        "map(string)", example={s.key: "0123abc" for s in lay.services}))
    needing = [s for s in lay.services if s.config()]
    if needing:
        type_ = value_type({s.key: {n: "optional(string)" for n in s.config()} for s in needing}, optional=True)
        root.variables.append(Variable(
            "service_config", "Plain (non-secret) environment values per service (names from the design); unset ones "
            "are left out so the code's defaults apply.", type_, default={}, has_default=True,
            example={s.key: {n: None for n in s.config()} for s in needing}, note=CONFIG_NOTE))
    root.outputs.append(("cluster_name", "Name of the ECS cluster.", "module.compute.cluster_name"))
    root.outputs.append(("repository_urls", "ECR repository URL per service.", "module.compute.repository_urls"))


def value_type(shape: dict[str, dict[str, str]], *, optional: bool = False) -> str:
    """An HCL object type constraint: object({ svc = object({ NAME = string }) }); `optional` makes each
    service's object optional (default {}), so the whole value may be left out."""
    inner = []
    for svc, fields in shape.items():
        lines = align([(k, t) for k, t in fields.items()], 2)
        obj = "object({\n" + "\n".join(lines) + "\n  })"
        inner.append((svc, f"optional({obj}, {{}})" if optional else obj))
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
    sizing = terraform_eks.node_sizing(design, env)
    signing = terraform_eks.signing_keys(design)
    services: dict[str, HclValue] = {s.key: {
        "secret_arns": [secret_ref(n) for n in s.secrets()],
        "signing_key_arns": [Raw(f"module.kms.signer_key_arns[{quote(n)}]") for n in signing.get(s.key, ())],
    } for s in lay.services}
    extra: dict[str, HclValue] = {}
    if names := terraform_eks.monitoring_secret_names(design):
        extra["monitoring_secret_arns"] = [secret_ref(n) for n in names]
        root.outputs.append((ROLE_OUTPUT, "IAM role of the monitoring namespace's External Secrets service account.",
                             f"module.compute.{ROLE_OUTPUT}"))
    root.modules.append(Module("compute", {
        "source": "../../modules/compute", "name": root.name,
        "private_subnet_ids": ref("module.network.private_subnet_ids"),
        "app_security_group_id": ref("module.network.app_security_group_id"),
        "admin_cidrs": ref("var.admin_cidrs"), "kms_key_arn": ref("module.kms.key_arn"),
        "secrets_kms_key_arn": secrets_key(lay), "log_retention_days": retention,
        "node_instance_type": nodes.instance_type, "node_architecture": nodes.arch, "node_count": nodes.count,
        "node_max_count": sizing.max_size if sizing else nodes.count,
        "node_disk_gb": nodes.disk_gb, "namespace": facts.slug(design.project), "services": services, **extra,
    }, comment="EKS; the Helm charts deploy the services (service accounts annotated with irsa_role_arns)."))
    root.variables.append(Variable("admin_cidrs", "CIDR blocks of CI runners and operators that reach the API.",
                                   "list(string)", example=["203.0.113.0/24"]))
    root.outputs.append(("cluster_name", "Name of the EKS cluster.", "module.compute.cluster_name"))
    root.outputs.append(("irsa_role_arns", "IAM role per service account.", "module.compute.irsa_role_arns"))
    root.outputs.append(("repository_urls", "ECR repository URL per service.", "module.compute.repository_urls"))
