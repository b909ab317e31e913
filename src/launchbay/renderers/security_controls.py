"""The compliance checklist of security.md: each framework's controls (data/compliance.yaml) ticked only
when files of the kit actually generated implement every capability the control needs.

A capability is found by markers — a path pattern and, optionally, a content pattern — over the files
the other renderers produce for this Design (rendered here, so the paths are the kit's, not a guess).
A control without an implementing file is a gap with what to do, never ticked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

from launchbay.models.design import Design
from launchbay.renderers.base import rendered
from launchbay.renderers.security_facts import compliance_data

# Renderers that read the kit themselves (these docs): never re-entered while the kit is collected.
SELF = frozenset({"security-docs", "dr-docs"})
_COLLECTING: ContextVar[bool] = ContextVar("launchbay_security_collecting", default=False)

TF = r"\.tf$"
YAML = r"\.ya?ml$"
WORKFLOWS = r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml)$"


@dataclass(frozen=True)
class Capability:
    id: str
    what: str  # what an implementing file does, in words
    markers: tuple[tuple[str, str | None], ...]  # (path regex, content regex or None)
    gap: str  # what to do when no file of the kit implements it


DOCS = "<docs_root>"  # replaced by the Design's docs_root (escaped) when markers are matched


def _docs(page: str) -> str:
    """A marker path for one of the handover pages, under the Design's docs_root."""
    return f"^{DOCS}/{re.escape(page)}$"


CAPABILITIES: dict[str, Capability] = {c.id: c for c in (
    Capability("encryption-at-rest", "stores, logs, images and buckets encrypted with KMS keys",
               ((TF, r"storage_encrypted\s*=\s*true|at_rest_encryption_enabled\s*=\s*true|sse_algorithm\s*=\s*"
                     r"\"aws:kms\"|encryption_type\s*=\s*\"KMS\"|\bencrypted\s*=\s*true"),),
               "encrypt the host's disks (provider volume encryption or LUKS) and the off-host backup copies"),
    Capability("encryption-in-transit", "TLS on every listener and connection (HTTPS only, TLS to the data stores)",
               ((TF, r"ssl_policy\s*=|rds\.force_ssl|transit_encryption_enabled\s*=\s*true|"
                     r"viewer_protocol_policy\s*=\s*\"redirect-to-https\""),
                (r"(^|/)Caddyfile$", None), (YAML, r"(?m)^kind:\s*(Certificate|ClusterIssuer)\s*$")),
               "serve every endpoint over TLS (a load balancer certificate, Caddy or cert-manager) and require TLS "
               "to the data stores"),
    Capability("key-management", "customer-managed KMS keys with automatic rotation",
               ((TF, r"enable_key_rotation\s*=\s*true"),),
               "keep encryption keys in a KMS (or write down who holds the sops/age key, where, and how it is "
               "replaced)"),
    Capability("secrets-store", "secrets held in a store and delivered by name at run time",
               ((TF, r"resource \"aws_secretsmanager_secret\""), (r"render-env\.sh$", None),
                (YAML, r"(?m)^kind:\s*ExternalSecret\s*$")),
               "keep every secret in a secret store and deliver it by name at run time"),
    Capability("secret-rotation", "the rotation schedule and procedure", ((_docs("runbooks/security.md"), None),),
               "write the rotation schedule and procedure for every secret"),
    Capability("least-privilege", "one role per service, allowed only its own secrets, image and logs",
               ((TF, r"resource \"aws_iam_role_policy\" \"(service_secrets|task|execution|read_secrets|secrets)"),
                (TF, r"resource \"aws_iam_role\" \"(task|execution|service|instance)\""),
                (YAML, r"(?m)^kind:\s*(Role|RoleBinding)\s*$")),
               "give each service its own identity allowed only what it uses"),
    Capability("network-segmentation", "tiers that reach only the next one (security groups, policies, firewall)",
               ((TF, r"resource \"aws_security_group\""), (YAML, r"(?m)^kind:\s*NetworkPolicy\s*$"),
                (r"deploy/vm/provision\.sh$", r"ufw default deny incoming")),
               "put the services and data stores in private networks reachable only from the tier in front"),
    Capability("web-application-firewall", "AWS WAF web ACL with managed rule groups",
               ((TF, r"resource \"aws_wafv2_web_acl\""),),
               "answer security.network_security with waf (a load balancer or CloudFront is needed in front), or "
               "put a WAF service in front of the public endpoint"),
    Capability("rate-limiting", "a per-address rate limit on the public endpoint",
               ((TF, r"rate_based_statement"),),
               "add a per-address rate limit in front of the public endpoint (answer network_security with waf)"),
    Capability("admin-restriction", "admin access only from allowed addresses",
               ((TF, r"resource \"aws_wafv2_ip_set\" \"admin\"|public_access_cidrs|AmazonSSMManagedInstanceCore"),
                (r"deploy/vm/provision\.sh$", r"SSH_ALLOW_FROM")),
               "restrict admin paths and hosts to known addresses (answer network_security with ip-allowlist or "
               "private-admin) or put them behind a VPN"),
    Capability("audit-trail", "a multi-region CloudTrail trail of administrative actions",
               ((TF, r"resource \"aws_cloudtrail\""),),
               "record administrative actions (cloud audit trail, or the host's auth and sudo logs shipped off "
               "the host)"),
    Capability("audit-integrity", "trail files with digest validation in a versioned, encrypted bucket",
               ((TF, r"enable_log_file_validation\s*=\s*true"),),
               "keep the audit trail tamper-evident (digests, write-once storage)"),
    Capability("log-retention", "log groups and buckets that expire after the stated retention",
               ((TF, r"retention_in_days\s*="),),
               "set the log retention on every log store (journald, Loki or the provider's log service)"),
    Capability("monitoring-alerting", "alerts on the service-level objectives and the infrastructure",
               ((TF, r"resource \"aws_cloudwatch_metric_alarm\""), (YAML, r"(?m)^\s*-?\s*alert:\s*\S")),
               "add alert rules for availability, latency, saturation and the data stores"),
    Capability("vulnerability-scanning", "dependencies, secrets, IaC and images scanned on every change",
               ((WORKFLOWS, r"trivy"), (TF, r"scan_on_push\s*=\s*true")),
               "scan dependencies and images in CI and fail the build on high/critical findings"),
    Capability("change-management", "pull-request checks and a gated deploy pipeline; infrastructure as code",
               ((WORKFLOWS, r"pull_request|merge_request"), (r"deploy/terraform/envs/[^/]+/main\.tf$", None)),
               "run checks on every change and deploy only through the pipeline"),
    Capability("backups", "automated backups with the plan's retention",
               ((TF, r"backup_retention_period\s*=|snapshot_retention_limit\s*="), (r"deploy/vm/backup\.sh$", None)),
               "back up every data store on a schedule"),
    Capability("offsite-backup", "backup copies outside the primary location",
               ((TF, r"resource \"aws_db_instance_automated_backups_replication\""),
                (r"deploy/vm/backup\.sh$", r"BACKUP_OFFSITE_URL|disk backups")),
               "copy backups to another region or provider (answer backup.dr_region)"),
    Capability("recovery-procedure", "restore commands for every data store", ((_docs("runbooks/backup-restore.md"),
                                                                                r"restore"),),
               "write the restore procedure of every data store"),
    Capability("recovery-testing", "a DR drill procedure with a record template",
               ((_docs("disaster-recovery.md"), r"DR drill"),),
               "rehearse restores on a schedule and record the results"),
    Capability("incident-response", "security and incident runbooks",
               ((_docs("runbooks/security.md"), None), (_docs("runbooks/incident-response.md"), None)),
               "write the incident response procedure"),
    Capability("container-hardening", "non-root, read-only containers without extra privileges",
               ((TF, r"readonlyRootFilesystem\s*=\s*true"), (r"(^|/)Dockerfile$", r"(?m)^USER\s+(?!root\b)\S"),
                (YAML, r"runAsNonRoot:\s*true|no-new-privileges")),
               "run containers as non-root with a read-only root filesystem"),
    Capability("high-availability", "two availability zones, autoscaling and self-healing deployments",
               ((r"deploy/terraform/envs/[^/]+/main\.tf$", r"availability_zones"),
                (TF, r"deployment_circuit_breaker|resource \"aws_eks_node_group\"")),
               "run on more than one host or zone (one VM has no redundancy: the RTO rests on restores)"),
    Capability("data-residency", "the region every environment runs in, set in code",
               ((r"deploy/terraform/envs/[^/]+/variables\.tf$", r"variable \"region\""),),
               "pin the provider region of the host and of the backup copies, and record it"),
    Capability("key-custody", "signing keys in KMS or a remote signer, documented",
               ((_docs("blockchain-ops.md"), None), (TF, r"ECC_SECG_P256K1")),
               "sign with a KMS key, HSM or remote signer (answer blockchain.key_management) — never a key in "
               "the environment"),
)}


def collect_kit(design: Design) -> dict[str, str]:
    """Path → text of every file the other renderers generate for this Design (these docs excluded).

    A renderer that collects the kit in turn would recurse: a nested collection returns nothing.
    """
    if _COLLECTING.get():
        return {}
    from launchbay.renderers import REGISTRY  # the registry imports this module

    token = _COLLECTING.set(True)
    try:
        return {f.path: f.content for name, renderer in REGISTRY.items() if name not in SELF
                for f in rendered(renderer, design)}
    finally:
        _COLLECTING.reset(token)


def implementing(capability: Capability, kit: Mapping[str, str], docs_root: str) -> tuple[str, ...]:
    """Kit paths whose path (and content) match one of the capability's markers."""
    found = set()
    for path_re, content_re in capability.markers:
        where = re.compile(path_re.replace(DOCS, re.escape(docs_root)))
        for path, text in kit.items():
            if where.search(path) and (content_re is None or re.search(content_re, text)):
                found.add(path)
    return tuple(sorted(found))


@dataclass(frozen=True)
class Item:
    ref: str
    title: str
    wording: str
    done: bool
    files: tuple[str, ...]  # implementing files (of the capabilities that are met)
    todo: tuple[str, ...]  # what to do for each missing part


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    breach_notice: str
    items: tuple[Item, ...]

    @property
    def gaps(self) -> int:
        return sum(1 for i in self.items if not i.done)


def checklist(design: Design, kit: Mapping[str, str]) -> tuple[Framework, ...]:
    """Every named framework's controls, each ticked or a gap, from the kit's files."""
    frameworks = compliance_data()["frameworks"]
    out = []
    for fid in design.security_plan.compliance:
        spec = frameworks.get(fid)
        if spec is None:
            continue
        items = []
        for control in spec["controls"]:
            needs = [CAPABILITIES[c] for c in control["needs"]]
            files: list[str] = []
            todo: list[str] = []
            for cap in needs:
                paths = implementing(cap, kit, design.docs_root)
                files += paths
                if not paths:
                    todo.append(cap.gap)
            if not needs:
                todo.append(str(control["gap"]))
            items.append(Item(ref=str(control["id"]), title=str(control["title"]), wording=str(control["wording"]),
                              done=not todo, files=tuple(dict.fromkeys(files)), todo=tuple(todo)))
        out.append(Framework(fid, str(spec["title"]), str(spec["breach_notice"]), tuple(items)))
    return tuple(out)


def unknown_capabilities() -> Iterable[str]:
    """Capabilities compliance.yaml names that no marker defines (a test keeps this empty)."""
    for spec in compliance_data()["frameworks"].values():
        for control in spec["controls"]:
            yield from (c for c in control["needs"] if c not in CAPABILITIES)


def tf_value(kit: Mapping[str, str], module: str, resource: str, attr: str, name: str) -> str | None:
    """A literal string attribute of one resource in a kit module (`resource` = "type.name"), with
    `${var.name}` filled in: the identifiers the docs' commands use are the ones Terraform creates."""
    text = kit.get(f"deploy/terraform/modules/{module}/main.tf")
    rtype, rname = resource.split(".", 1)
    block = re.search(rf'^resource "{re.escape(rtype)}" "{re.escape(rname)}" \{{\n(.*?)^\}}', text or "", re.M | re.S)
    value = re.search(rf'^\s*{re.escape(attr)}\s*=\s*(?:"([^"]+)"|var\.name$)', block.group(1), re.M) if block else None
    if value is None:
        return None
    return (value.group(1) or "${var.name}").replace("${var.name}", name)
