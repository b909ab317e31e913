"""`security.md` and `runbooks/security.md`: access, secrets (names only), keys, network segmentation, TLS,
WAF, audit logging, image scanning and the compliance checklist — every fact from the Design, the
security figures (`security_facts`) or the files the other renderers generate for it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import security_facts as sec
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.dr_docs import DrDocsRenderer
from launchbay.renderers.security_controls import checklist, collect_kit, tf_value
from launchbay.renderers.security_network import network_facts, tls_facts
from launchbay.renderers.terraform_layout import PORTS

PAGES = ("security.md", "runbooks/security.md")
ACCESS = {
    "sso": "People sign in through your identity provider (AWS IAM Identity Center permission sets, short-lived "
           "credentials); nobody holds long-lived access keys.",
    "iam-users": "IAM users, one per person, each with MFA required and access keys (if any) rotated every "
                 f"{sec.ROTATION_DAYS} days; move to IAM Identity Center when the team grows.",
    "ssm": "Hosts are reached through AWS Systems Manager Session Manager: sessions are logged and no SSH port "
           "is open.",
    "bastion": "Administrative sessions go through a bastion host that only the team's addresses reach.",
}
ACCESS_REVIEW = "every quarter"  # stated cadence: who has access, and does each still need it
KMS_KEY = re.compile(r'^resource "aws_kms_key" "([^"]+)" \{\n(.*?)^\}', re.M | re.S)
CI_SECRET = re.compile(r"\$\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}")


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/security"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["tick"] = lambda v: f"`{v}`"
    return env


def _page(env: Environment, design: Design, page: str, context: Mapping[str, Any]) -> KitFile:
    text = env.get_template(page + ".j2").render(**context)
    body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
    body = re.sub(r"\n{3,}", "\n\n", body)
    return KitFile(path=f"{design.docs_root}/{page}", content=body)


@dataclass(frozen=True)
class KmsKey:
    path: str
    resource: str
    description: str
    rotation: str


def kms_keys(kit: Mapping[str, str]) -> tuple[KmsKey, ...]:
    """Every customer-managed KMS key the kit's Terraform creates, with its rotation as written."""
    out = []
    for path in sorted(p for p in kit if p.endswith(".tf")):
        for name, body in KMS_KEY.findall(kit[path]):
            desc = re.search(r'description\s*=\s*"([^"]*)"', body)
            period = re.search(r"rotation_period_in_days\s*=\s*(\d+)", body)
            on = re.search(r"enable_key_rotation\s*=\s*true", body) is not None
            spec = re.search(r'(?:customer_master_key_spec|key_spec)\s*=\s*"([^"]+)"', body)
            if spec and spec.group(1) != "SYMMETRIC_DEFAULT":
                rotation = (f"none: AWS cannot rotate asymmetric keys ({spec.group(1)}); replacing one means a new "
                            "key and a new address")
            else:
                rotation = f"automatic, every {period.group(1) if period else 365} days" if on else "**OFF**"
            text = (desc.group(1) if desc else name).replace("${var.name}", "<project>-<env>")
            text = text.replace("${each.key}", "<name>")
            out.append(KmsKey(path, name, text, rotation))
    return tuple(out)


def secret_location(design: Design, env: str) -> str:
    """Where a secret `<NAME>` of one environment lives (the same place the kit reads it from)."""
    if design.platform == "vm":
        from launchbay.renderers.vm_env import secret_location as vm_location
        from launchbay.renderers.vm_layout import layout as vm_layout

        return vm_location(vm_layout(design), env)
    store = design.security_plan.secrets_manager or design.security.get("secrets", "open item")
    if store == "aws-secrets-manager":
        return f"AWS Secrets Manager secret `{facts.slug(design.project)}/{env}/<NAME>`"
    return f"{store}: `<NAME>` (not wired by this kit)"


def ci_secrets(kit: Mapping[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Secret names the pipelines read (GitHub Actions `secrets.*`), with the files that read them."""
    found: dict[str, set[str]] = {}
    for path, text in kit.items():
        if path.startswith(".github/workflows/"):
            for name in CI_SECRET.findall(text):
                if name != "GITHUB_TOKEN":
                    found.setdefault(name, set()).add(path)
    return tuple((n, tuple(sorted(found[n]))) for n in sorted(found))


def matching(kit: Mapping[str, str], path_re: str, content_re: str | None = None) -> tuple[str, ...]:
    where = re.compile(path_re)
    return tuple(sorted(p for p, t in kit.items() if where.search(p) and (content_re is None
                                                                           or re.search(content_re, t))))


def context(design: Design, kit: Mapping[str, str]) -> dict[str, Any]:
    """Everything the two pages render; `kit` holds the other renderers' files (and the DR pages)."""
    docs = design.docs_root
    postgres = any(facts.managed_store(design, "postgres", e) for e in design.environments)
    blockchain_doc = f"{docs}/blockchain-ops.md"
    return {
        "d": design, "sp": design.security_plan, "docs": docs,
        "access": ACCESS.get(design.security_plan.access or ""), "access_review": ACCESS_REVIEW,
        "ci_oidc": matching(kit, r"^\.github/workflows/", r"role-to-assume"),
        "ci_secrets": ci_secrets(kit),
        "secrets": sec.secret_inventory(design),
        "locations": {e: secret_location(design, e) for e in design.environments},
        "rds_master": postgres and design.cloud == "aws" and design.platform != "vm",
        "rotation_days": sec.ROTATION_DAYS, "rds_rotation_days": sec.RDS_MASTER_ROTATION_DAYS,
        "prefixes": {e: facts.prefix(design, e) for e in design.environments},
        "kms": kms_keys(kit), "ports": PORTS,
        "network": network_facts(design, kit), "tls": tls_facts(design, kit),
        "acls": sec.web_acls(design), "waf_answered": sec.waf_answered(design),
        "admin_answered": sec.admin_allowlist(design), "admin_paths": sec.ADMIN_PATHS,
        "rate": sec.rate_limit(design),
        "ingress_acl": matching(kit, YAML_FILES, r"wafv2-acl-arn"),
        "audit": sec.audit_retention(design),
        "trail_files": matching(kit, r"\.tf$", r'resource "aws_cloudtrail"'),
        "scan_files": matching(kit, r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml)$", r"trivy"),
        "ecr_scan": matching(kit, r"\.tf$", r"scan_on_push\s*=\s*true"),
        "incident": matching(kit, rf"^{re.escape(docs)}/runbooks/incident-response\.md$"),
        "blockchain_doc": blockchain_doc if blockchain_doc in kit else None,
        "frameworks": checklist(design, kit),
        **_names(design, kit),
    }


def _names(design: Design, kit: Mapping[str, str]) -> dict[str, Any]:
    """Names the runbook's commands use, read from the generated files for the production environment."""
    prod = facts.production_env(design)
    prefix = facts.prefix(design, prod)
    vm = None
    if design.platform == "vm":
        from launchbay.renderers.vm_layout import layout as vm_layout

        vm = vm_layout(design)
    return {
        "prod": prod, "slug": facts.slug(design.project), "namespace": facts.slug(design.project), "vm": vm,
        "store": design.security_plan.secrets_manager or design.security.get("secrets", "open item"),
        "log_groups": {
            "trail": tf_value(kit, "audit", "aws_cloudwatch_log_group.trail", "name", prefix),
            "waf": tf_value(kit, "waf", "aws_cloudwatch_log_group.this", "name", prefix),
            "flow": tf_value(kit, "network", "aws_cloudwatch_log_group.flow_logs", "name", prefix),
        },
        "aliases": {
            "platform": tf_value(kit, "kms", "aws_kms_alias.this", "name", prefix),
            "secrets": tf_value(kit, "secrets", "aws_kms_alias.secrets", "name", prefix),
        },
    }


YAML_FILES = r"\.ya?ml$"


class SecurityDocsRenderer:
    name = "security-docs"

    def render(self, design: Design) -> Iterable[KitFile]:
        env = _env()
        kit = collect_kit(design)
        kit.update({f.path: f.content for f in DrDocsRenderer().render(design)})
        runbook_path = f"{design.docs_root}/runbooks/security.md"
        kit[runbook_path] = ""  # rendered below from the same context; the checklist needs its path
        ctx = context(design, kit)
        runbook = _page(env, design, "runbooks/security.md", ctx)
        kit[runbook_path] = runbook.content
        ctx["frameworks"] = checklist(design, kit)
        return [_page(env, design, "security.md", ctx), runbook]
