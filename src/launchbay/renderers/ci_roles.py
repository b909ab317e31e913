"""The IAM roles the generated pipelines assume through OIDC, derived from the Design alone.

One place names them, so the bootstrap root that creates them, the workflows that assume them and the
docs that tell the operator what to set cannot disagree:

- `ci-push`: pushes images to this project's ECR repositories, trusted for the default branch;
- `deploy-<env>`: releases into one environment (the deploy steps' ECS / ECR / EKS / S3 / KMS calls,
  the environment's Terraform state, and — unless switched off — Terraform apply), trusted on GitHub
  only for jobs that run in the GitHub environment of that name.

The jobs read the roles from two CI variables (ci_plan): `AWS_PUSH_ROLE_ARN` at repository (GitHub) or
project (GitLab) level holds the push role; `AWS_ROLE_ARN`, set per environment, that environment's
deploy role. The bootstrap's outputs name the variable each ARN goes into.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from launchbay.models.design import Design
from launchbay.renderers.ci_plan import (
    DEFAULT_BRANCH,
    GITHUB_AUDIENCE,
    GITLAB_AUDIENCE,
    PUSH_ROLE_VARIABLE,
    ROLE_VARIABLE,
    ServiceCI,
    service_ci,
)
from launchbay.renderers.signing import deployer, env_for_chain, evm_chains, kms_alias, uses_kms
from launchbay.renderers.terraform_facts import dr_region, prefix, short_name, slug, static_sites
from launchbay.renderers.terraform_hcl import align, key

Host = Literal["github", "gitlab"]
__all__ = ["GITHUB_AUDIENCE", "GITLAB_AUDIENCE", "PUSH_ROLE_VARIABLE", "ROLE_VARIABLE", "CiRoles", "ci_roles"]
PUSH_OUTPUT = "ci_push_role_arn"
DEPLOY_OUTPUT = "deploy_role_arns"
APPLY_VARIABLE = "deploy_roles_apply_terraform"
GITHUB_ISSUER = "token.actions.githubusercontent.com"
GLOBAL_REGION = "us-east-1"  # IAM, Route 53, CloudFront, Budgets and CloudFront's WAF / certificates

# Terraform resource type (prefix) → IAM service prefix, for the services the generated roots call.
# Longest prefix wins; None: no AWS API behind it (a computed value). An unknown type is an error, so
# a new module cannot silently fall outside the deploy roles' Terraform permissions.
TERRAFORM_SERVICES: dict[str, str | None] = {
    "aws_acm_": "acm", "aws_appautoscaling_": "application-autoscaling", "aws_budgets_": "budgets",
    "aws_caller_identity": None, "aws_cloudfront_": "cloudfront", "aws_cloudtrail": "cloudtrail",
    "aws_cloudwatch_log_": "logs", "aws_cloudwatch_metric_alarm": "cloudwatch", "aws_db_": "rds",
    "aws_ecr_": "ecr", "aws_ecs_": "ecs", "aws_eks_": "eks", "aws_elasticache_": "elasticache",
    "aws_elb_service_account": None, "aws_iam_": "iam", "aws_kms_": "kms", "aws_lb": "elasticloadbalancing",
    "aws_partition": None, "aws_region": None, "aws_route53_": "route53", "aws_s3_": "s3",
    "aws_secretsmanager_": "secretsmanager", "aws_service_discovery_": "servicediscovery", "aws_sns_": "sns",
    "aws_wafv2_": "wafv2", "aws_ssm_": "ssm",
    # EC2 and VPC resources
    "aws_ami": "ec2", "aws_availability_zones": "ec2", "aws_default_": "ec2", "aws_eip": "ec2",
    "aws_flow_log": "ec2", "aws_instance": "ec2", "aws_internet_gateway": "ec2", "aws_launch_template": "ec2",
    "aws_nat_gateway": "ec2", "aws_network_": "ec2", "aws_route": "ec2", "aws_security_group": "ec2",
    "aws_subnet": "ec2", "aws_vpc": "ec2",
}
# Services whose own writes Terraform's calls trigger (RDS keeps its master password in Secrets Manager).
IMPLIED = {"rds": ("secretsmanager",)}
# Service-linked roles the services above create on first use.
LINKED_ROLES = {
    "ecs": ("ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"),
    "elasticloadbalancing": ("elasticloadbalancing.amazonaws.com",),
    "rds": ("rds.amazonaws.com",), "elasticache": ("elasticache.amazonaws.com",),
    "eks": ("eks.amazonaws.com", "eks-nodegroup.amazonaws.com", "autoscaling.amazonaws.com"),
}
PUSH_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
                "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart")
# What Terraform does to the roles, policies and instance profiles of an environment (named `<prefix>-*`).
IAM_ACTIONS = (
    "iam:AddRoleToInstanceProfile", "iam:AttachRolePolicy", "iam:CreateInstanceProfile", "iam:CreatePolicy",
    "iam:CreatePolicyVersion", "iam:CreateRole", "iam:DeleteInstanceProfile", "iam:DeletePolicy",
    "iam:DeletePolicyVersion", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy",
    "iam:GetInstanceProfile", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListPolicyVersions",
    "iam:ListRolePolicies", "iam:PassRole", "iam:PutRolePolicy", "iam:RemoveRoleFromInstanceProfile",
    "iam:TagInstanceProfile", "iam:TagPolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole", "iam:UpdateRoleDescription",
)
RESOURCE_TYPE = re.compile(r'^(?:resource|data) "(aws_[a-z0-9_]+)" ', re.M)


@dataclass(frozen=True)
class EnvRole:
    """What deploy-<env> may touch in one environment (names follow the Terraform renderer's)."""

    env: str
    label: str  # HCL-safe resource label
    role: str
    prefix: str  # `<project>-<env>`: the environment's resource names start with it
    state_key: str
    ecs: tuple[str, ...]  # ECS service keys the deploy rolls
    migrations: tuple[str, ...]  # services whose migrations run as one-off tasks
    eks: bool
    sites: tuple[str, ...]  # static-site bucket name prefixes
    signer_aliases: tuple[str, ...]  # KMS aliases the contract deploys sign with
    others: tuple[str, ...]  # the other environments' prefixes (their KMS keys stay out of reach)

    @property
    def may(self) -> str:
        """What the role may do in its environment, in a sentence (README, docs)."""
        parts = []
        if self.ecs or self.eks:
            parts.append(f"push and read images in `{self.prefix}/*`")
        if self.ecs:
            parts.append("register task definitions and roll the ECS services " + ", ".join(f"`{k}`" for k in self.ecs))
        if self.migrations:
            parts.append("run the migration task of " + ", ".join(f"`{k}`" for k in self.migrations))
        if self.eks:
            parts.append(f"read the EKS cluster `{self.prefix}` (Kubernetes rights come from an access entry)")
        if self.sites:
            parts.append("publish the static sites and invalidate their CloudFront cache")
        if self.signer_aliases:
            parts.append("sign contract deployments with " + ", ".join(f"`{a}`" for a in self.signer_aliases))
        return "; ".join([*parts, "Terraform on its root (below)"])

    @property
    def releases(self) -> bool:
        """Whether a deploy job in this environment calls AWS at all (else the role has no release policy)."""
        return bool(self.ecs or self.eks or self.sites or self.signer_aliases)


@dataclass(frozen=True)
class CiRoles:
    host: Host
    slug: str
    push_role: str | None  # None when no image goes to ECR
    repositories: tuple[str, ...]  # every environment's ECR repository prefix (`<prefix>/`)
    envs: tuple[EnvRole, ...]
    branch: str
    regions: tuple[str, ...]
    terraform_services: tuple[str, ...]
    linked_roles: tuple[str, ...]
    eks_oidc: bool

    @property
    def issuer(self) -> str:
        return GITHUB_ISSUER if self.host == "github" else "gitlab"


def _aws_in_ci(svcs: tuple[ServiceCI, ...], design: Design) -> bool:
    """Whether any pipeline job talks to AWS (ECR, ECS, EKS, S3/CloudFront, or KMS signing)."""
    signs = uses_kms(design) and deployer(design) is not None and bool(evm_chains(design))  # the contract pipeline
    return any(s.deploy in {"ecs", "helm", "static"} for s in svcs) or signs


def applies(design: Design) -> bool:
    return (design.cloud == "aws" and design.cicd.get("git_host") in {"github", "gitlab"}
            and _aws_in_ci(service_ci(design), design))


def push_role_name(design: Design) -> str:
    return f"{slug(design.project, 40)}-ci-push"


def deploy_role_name(design: Design, env: str) -> str:
    return f"{slug(design.project, 40)}-deploy-{slug(env, 20)}"


def _signer_aliases(design: Design, env: str) -> tuple[str, ...]:
    """The contract deployer's key in `env`, when a contract job signs there (the chain's environment)."""
    signer = deployer(design)
    if signer is None or not uses_kms(design) or not any(env_for_chain(design, c) == env for c in evm_chains(design)):
        return ()
    return (kms_alias(design, env, signer),)


def _env_role(design: Design, env: str, svcs: tuple[ServiceCI, ...]) -> EnvRole:
    pre = prefix(design, env)
    return EnvRole(
        env=env, label=re.sub(r"[^a-z0-9_]", "_", slug(env)), role=deploy_role_name(design, env), prefix=pre,
        state_key=f"{slug(design.project)}/{env}/terraform.tfstate",
        ecs=tuple(s.key for s in svcs if s.deploy == "ecs"),
        migrations=tuple(s.key for s in svcs if s.deploy == "ecs" and s.migration),
        eks=any(s.deploy == "helm" for s in svcs),
        sites=tuple(short_name(f"{pre}-{s.key}", 40) for s in static_sites(design)),
        signer_aliases=_signer_aliases(design, env),
        others=tuple(o for o in (prefix(design, e) for e in design.environments if e != env)
                     if not f"{pre}-".startswith(f"{o}-")))  # `staging-*` must not catch staging-eu's own keys


def terraform_services(files: dict[str, str]) -> tuple[str, ...]:
    """IAM service prefixes behind every resource and data source of the generated modules and roots."""
    found: set[str] = set()
    for path, text in files.items():
        if not path.endswith(".tf") or "/bootstrap/" in path:
            continue
        for rtype in RESOURCE_TYPE.findall(text):
            match = max((p for p in TERRAFORM_SERVICES if rtype.startswith(p)), key=len, default=None)
            if match is None:
                raise KeyError(f"{rtype} ({path}): add its IAM service to ci_roles.TERRAFORM_SERVICES")
            service = TERRAFORM_SERVICES[match]
            if service is not None:
                found.add(service)
                found.update(IMPLIED.get(service, ()))
    return tuple(sorted(found))


def ci_roles(design: Design, files: dict[str, str] | None = None) -> CiRoles | None:
    """The roles of a design whose pipeline talks to AWS; `files` are the rendered modules and roots (the
    Terraform permissions are read from them; without them, as for the docs, that list stays empty)."""
    if not applies(design):
        return None
    host: Host = "github" if design.cicd["git_host"] == "github" else "gitlab"  # applies() admits only these
    svcs = service_ci(design)
    # GitHub pushes per-environment images from the deploy job (its role); GitLab always from a push job.
    ecr = any(s.has_image and s.registry == "ecr" and (host == "gitlab" or not s.per_env) for s in svcs)
    services = terraform_services(files or {})
    regions = sorted({design.region, GLOBAL_REGION, *([r] if (r := dr_region(design)) else [])})
    return CiRoles(
        host=host, slug=slug(design.project, 40), push_role=push_role_name(design) if ecr else None,
        repositories=tuple(f"{prefix(design, e)}/" for e in design.environments) if ecr else (),
        envs=tuple(_env_role(design, e, svcs) for e in design.environments), branch=DEFAULT_BRANCH,
        regions=tuple(regions), terraform_services=tuple(s for s in services if s != "iam"),
        linked_roles=tuple(sorted({r for s in services for r in LINKED_ROLES.get(s, ())})),
        eks_oidc="eks" in services)


def push_help(host: Host) -> str:
    """Where the push role's ARN goes (the bootstrap output's description and the docs)."""
    if host == "github":
        return (f"Image push role: set it as the repository variable {PUSH_ROLE_VARIABLE} "
                "(Settings > Secrets and variables > Actions > Variables).")
    return (f"Image push role: set it as the CI/CD variable {PUSH_ROLE_VARIABLE}, environment scope All "
            "(Settings > CI/CD > Variables).")


def deploy_help(host: Host) -> str:
    """Where each deploy role's ARN goes."""
    if host == "github":
        return (f"Deploy role per environment: set each as the variable {ROLE_VARIABLE} of the GitHub environment "
                "of that name (Settings > Environments).")
    return (f"Deploy role per environment: set each as the CI/CD variable {ROLE_VARIABLE} with that environment "
            "as its scope (Settings > CI/CD > Variables).")


def push_where(host: Host) -> str:
    if host == "github":
        return f"repository variable `{PUSH_ROLE_VARIABLE}`"
    return f"CI/CD variable `{PUSH_ROLE_VARIABLE}` (environment scope All)"


def deploy_where(host: Host) -> str:
    if host == "github":
        return f"variable `{ROLE_VARIABLE}` of the GitHub environment"
    return f"CI/CD variable `{ROLE_VARIABLE}` scoped to the environment"


def bootstrap_flags(design: Design, files: dict[str, str]) -> dict[str, object]:
    """What the bootstrap templates need to render the CI block (`ci` is None when there is none)."""
    roles = ci_roles(design, files)
    if roles is None:
        return {"ci": None}
    deploy_map = align([(key(e.env), f"aws_iam_role.deploy_{e.label}.arn") for e in roles.envs], 2)
    return {"ci": roles, "issuer": GITHUB_ISSUER, "audience": GITHUB_AUDIENCE, "role_variable": ROLE_VARIABLE,
            "push_variable": PUSH_ROLE_VARIABLE, "push_output": PUSH_OUTPUT, "deploy_output": DEPLOY_OUTPUT,
            "apply_variable": APPLY_VARIABLE, "push_help": push_help(roles.host),
            "deploy_help": deploy_help(roles.host), "deploy_map": deploy_map, "push_actions": PUSH_ACTIONS,
            "iam_actions": IAM_ACTIONS, "push_where": push_where(roles.host),
            "deploy_where": deploy_where(roles.host), "gitlab_audience": GITLAB_AUDIENCE}
