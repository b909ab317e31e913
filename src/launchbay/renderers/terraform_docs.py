"""READMEs of the Terraform kit: one per module (inputs, outputs and resources read back from the
rendered HCL, so they cannot drift) and one for the whole tree, which lists every scanner skip with
the reason written beside it in the generated file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from launchbay.models.design import Design
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.terraform_hcl import environment

if TYPE_CHECKING:
    from launchbay.renderers.terraform_layout import Layout, Root

PURPOSE = {
    "kms": "The platform KMS key (rotation on) that encrypts logs, databases, caches, image repositories, "
           "buckets and the audit trail, with a key policy that admits only the services that need it.",
    "network": "A VPC over two availability zones: public and private subnets, NAT gateway(s) for the "
               "private subnets, an S3 gateway endpoint, VPC flow logs, a locked default security group and "
               "the security groups of the tiers (internet → load balancer → services → data stores).",
    "secrets": "One Secrets Manager secret per secret name, created empty (operators put the values; Terraform "
               "never holds them), encrypted with its own KMS key (rotation on).",
    "iam": "Least-privilege roles: each service reads only its own secrets, pulls only its own image and "
           "writes only its own logs.",
    "data": "Managed data stores: RDS PostgreSQL (encrypted, Multi-AZ per the plan, automated backups with "
            "point-in-time recovery, deletion protection, TLS enforced) and ElastiCache Redis (encrypted at "
            "rest and in transit).",
    "compute": "Where the services run, sized from the plan.",
    "dns_tls": "Route 53 records for the environment's host names (the zone comes from the bootstrap root) "
               "and, behind a load balancer, a DNS-validated ACM certificate.",
    "audit": "A multi-region CloudTrail trail with log file validation into an encrypted, versioned, "
             "access-logged S3 bucket, mirrored to CloudWatch Logs.",
    "backup_replication": "Copies of the RDS automated backups (snapshots and transaction logs, so point-in-time "
                          "recovery works there too) in the disaster-recovery region, encrypted with a key of "
                          "that region.",
    "static_site": "Static hosting: a private, versioned, KMS-encrypted S3 bucket served only through CloudFront "
                   "(origin access control with SigV4, HTTPS only, managed security headers, SPA fallback to "
                   "index.html).",
    "waf": "An AWS WAF web ACL in front of the public load balancer: the admin allow-list and the per-address "
           "rate limit when the design asks for them, AWS managed rule groups, and request logs with credentials "
           "redacted (figures and reasons in the security docs).",
    "waf_edge": "The AWS WAF web ACL of the CloudFront sites (us-east-1, as CloudFront requires): per-address rate "
                "limit, AWS managed rule groups, request logs encrypted with a key of that region.",
    "budgets": "An AWS Budgets monthly cost budget with e-mail alerts at 80 % and 100 % of actual spend and "
               "100 % of forecast spend.",
    "chain_services": "The chain services beside the services, sized and counted as the plan prices them: on ECS "
                      "the eRPC gateway, one Web3Signer per chain of the environment and the chain exporter as Fargate "
                      "services in the private subnets (ECS Service Connect names, a security group each that admits "
                      "only their callers, KMS-encrypted log groups, Web3Signer's role limited to kms:Sign and "
                      "kms:GetPublicKey on the signer keys); on EKS the IRSA roles of their service accounts.",
    "monitoring": "CloudWatch alarms (load balancer 5xx ratio and p95 latency from the SLO, ECS CPU / memory, RDS "
                  "CPU / free storage / connections, ElastiCache CPU / memory / evictions) notifying one SNS topic "
                  "encrypted with the platform KMS key.",
}
COMPUTE = {
    "ecs": "ECS on Fargate: one task definition and service per application (CPU, memory and counts from the "
           "plan, CPU target-tracking autoscaling, deployment circuit breaker with rollback, read-only root "
           "filesystem), plain settings as `environment` and secrets as `secrets` by ARN; an ECR repository "
           "(immutable tags, scan on push) and a log group per service; an HTTPS load balancer (HTTP "
           "redirects to HTTPS) with a target group per HTTP service checking its health path (2xx/3xx); a service "
           "without a health route is checked on `/` and any answer below 500 counts, since it proves the process "
           "serves HTTP (an API without a root page answers 404 there).",
    "eks": "EKS: a cluster with envelope-encrypted Kubernetes secrets, all control-plane logs, a private "
           "endpoint plus a public one limited to the admin CIDRs, one managed node group (instance type, count "
           "and disk from the plan, a ceiling with room for a blue-green rollout; IMDSv2 with one hop, encrypted "
           "volumes), the core add-ons (and the EBS CSI driver when something keeps volumes), an IAM OIDC "
           "provider and one IRSA role per service that reads only its own secrets (and signs only with its own "
           "KMS keys), and an ECR repository per service.",
    "vm": "One EC2 instance per environment (instance type and disk from the plan) with an Elastic IP, "
          "IMDSv2, an encrypted root volume, Session Manager access instead of SSH, and the VM kit's "
          "provisioning script as user data.",
}

RESOURCE = re.compile(r'^(resource|data) "([^"]+)" "([^"]+)"', re.M)
VARIABLE = re.compile(r'^variable "([^"]+)" \{\n  description\s*=\s*"((?:[^"\\]|\\.)*)"', re.M)
OUTPUT = re.compile(r'^output "([^"]+)" \{\n  description\s*=\s*"((?:[^"\\]|\\.)*)"', re.M)
CHECKOV = re.compile(r"#checkov:skip=([A-Z0-9_]+):(.+)$")
TRIVY = re.compile(r"^\s*#trivy:ignore:([A-Z0-9-]+)\s*$")
TRIVY_REASON = re.compile(r"^\s*# trivy ([A-Z0-9-]+): (.+)$")


@dataclass(frozen=True)
class Skip:
    tool: str
    check: str
    reason: str
    path: str
    line: int


def skips_of(files: dict[str, str]) -> list[Skip]:
    """Every inline scanner skip in the rendered .tf files, with its reason."""
    out: list[Skip] = []
    for path in sorted(files):
        if not path.endswith(".tf"):
            continue
        lines = files[path].splitlines()
        for i, line in enumerate(lines):
            if m := CHECKOV.search(line):
                out.append(Skip("checkov", m.group(1), m.group(2).strip(), path, i + 1))
            elif m := TRIVY.match(line):
                start = i
                while start > 0 and lines[start - 1].lstrip().startswith("#"):
                    start -= 1  # the comment block above the ignore holds the reasons
                reason = next((r.group(2) for r in (TRIVY_REASON.match(x) for x in lines[start:i])
                               if r and r.group(1) == m.group(1)), "")
                out.append(Skip("trivy", m.group(1), reason.strip(), path, i + 1))
    return out


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def module_readme(name: str, files: dict[str, str], extra: str = "") -> str:
    """The module's README from its rendered files; `extra` is a Markdown section appended (design figures)."""
    main = files["main.tf"]
    purpose = PURPOSE[name]
    if name == "compute":
        purpose = COMPUTE["ecs" if "aws_ecs_cluster" in main else "eks" if "aws_eks_cluster" in main else "vm"]
    resources = sorted({(kind, rtype) for kind, rtype, _ in RESOURCE.findall(main)})
    return environment().get_template("modules/README.md.j2").render(
        name=name, purpose=purpose,
        resources=[r for k, r in resources if k == "resource"],
        inputs=[(n, _unescape(d)) for n, d in VARIABLE.findall(files["variables.tf"])],
        outputs=[(n, _unescape(d)) for n, d in OUTPUT.findall(files["outputs.tf"])],
        skips=skips_of({f"{name}/main.tf": main})) + (f"\n{extra}" if extra else "")


def _env_rows(design: Design, lay: Layout) -> list[dict[str, str]]:
    rows = []
    for env in design.environments:
        pg = facts.managed_store(design, "postgres", env)
        rd = facts.managed_store(design, "redis", env)
        inst = facts.vm_instance(design, env) if lay.platform == "vm" else None
        rows.append({
            "env": env,
            "nat": str(0 if lay.platform == "vm" else max(1, facts.nat_gateways(design, env))),
            "postgres": (f"{pg[1].instance_class}, {pg[1].storage_gb} GB" + (", Multi-AZ" if pg[1].multi_az else "")
                         if pg else "—"),
            "redis": (rd[1].instance_class or "—") + (", Multi-AZ" if rd and rd[1].multi_az else "") if rd else "—",
            "vm": f"{inst.instance_type} ({inst.arch}), {inst.disk_gb} GB" if inst else "—",
        })
    return rows


def top_readme(design: Design, lay: Layout, roots: list[Root], skips: list[Skip], modules: list[str]) -> str:
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for s in skips:
        grouped.setdefault((s.tool, s.check, s.reason), []).append(f"{s.path.removeprefix('deploy/terraform/')}:"
                                                                  f"{s.line}")
    svc_rows = [(s.key, s.plan.name, env, s.plan.sizes[env]) for s in lay.services for env in design.environments
                if env in s.plan.sizes]
    not_built = []
    if design.platform == "kubernetes":
        not_built.append("the AWS Load Balancer Controller (its IAM role and Helm release) and External Secrets "
                         "Operator: install them on the cluster before the charts' Ingress and secret sync work "
                         "(the subnets carry the controller's tags; each service's IRSA role already reads its "
                         "secrets)")
    for store in facts.unmanaged_stores(design):
        not_built.append(f"data store `{store}`: no managed AWS module for it here (on-host or another engine)")
    if design.chain_nodes:
        not_built.append("chain node hosts (" + ", ".join(f"{n.client} {n.layer}" for n in design.chain_nodes) + ")")
    text = environment().get_template("README.md.j2").render(
        d=design, lay=lay, roots=roots, rows=_env_rows(design, lay), svc_rows=svc_rows,
        retention=facts.log_retention(design), backup_days=facts.backup_retention(design),
        skips=sorted(grouped.items()), not_built=not_built, production=facts.production_env(design),
        default=lay.default, routed=lay.routed(), secret_prefix=facts.slug(design.project), modules=modules,
        dr_region=lay.dr_region if lay.postgres else None)
    return _spaced(text)


def _spaced(text: str) -> str:
    """A blank line before every heading (template conditionals eat them)."""
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith("#") and out and out[-1].strip():
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"
