"""Security figures derived from the Design once, so the Terraform and the security docs agree: the WAF's
per-address rate limit, which web ACLs exist, the audit trail's retention, and the secret inventory with
its rotation schedule.

Stated policy constants (not answers) live here with the reason beside them; docs print them as such.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

import yaml

from launchbay.models.design import Design
from launchbay.renderers import terraform_facts as facts

# WAF rate rule: one client address may send at most RATE_SHARE of the planned peak over the window.
# Half the peak leaves the other half (plus the sizing headroom) to everyone else when one address floods.
RATE_WINDOW_SECONDS = 300  # AWS WAF accepts 60, 120, 300 or 600
RATE_SHARE = Decimal("0.5")
RATE_FLOOR = 100  # never below this many requests per window (a slow page load can burst)
RATE_UNSTATED = 2000  # per window, when the interview has no peak RPS (then an assumption in the docs)
# Admin paths the allow-list guards by default (the Design names none): operators edit the variable.
ADMIN_PATHS = ("/admin",)
# AWS managed rule groups (name, what it stops); SQLi only in front of a SQL database.
MANAGED_RULES = (
    ("AWSManagedRulesAmazonIpReputationList", "addresses Amazon threat intelligence lists as bots or attackers"),
    ("AWSManagedRulesKnownBadInputsRuleSet", "request patterns of known exploits (Log4Shell, Spring4Shell, ...)"),
    ("AWSManagedRulesCommonRuleSet", "the OWASP Top 10 basics: oversized bodies, bad user agents, XSS, LFI/RFI"),
)
SQLI_RULES = ("AWSManagedRulesSQLiRuleSet", "SQL injection patterns in query strings, bodies and cookies")
BASELINE_RULES = (MANAGED_RULES[1],)  # the only group an allow-list-only web ACL carries
EDGE_REGION = "us-east-1"  # CloudFront web ACLs (and their logs) must live in us-east-1
# Audit data is kept at least a year even when application logs are kept shorter.
AUDIT_BASELINE_DAYS = 365
# Secrets the operators hold are rotated on this schedule (and at once on suspected exposure or when
# someone with access leaves); RDS rotates its own master secret (AWS default: every 7 days).
ROTATION_DAYS = 90
RDS_MASTER_ROTATION_DAYS = 7


@cache
def compliance_data() -> dict[str, Any]:
    text = resources.files("launchbay").joinpath("data", "compliance.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def waf_answered(design: Design) -> bool:
    return "waf" in design.security_plan.network_security


def admin_allowlist(design: Design) -> bool:
    return bool({"ip-allowlist", "private-admin"} & set(design.security_plan.network_security))


@dataclass(frozen=True)
class RateLimit:
    limit: int
    window_seconds: int
    peak_rps: Decimal | None

    @property
    def formula(self) -> str:
        if self.peak_rps is None:
            return (f"no peak RPS was stated: {RATE_UNSTATED} requests per {self.window_seconds} s per address "
                    "(a stated default; answer scale.peak_rps to derive it)")
        return (f"peak {self.peak_rps.normalize():f} req/s × {RATE_SHARE} (one address may use half the planned "
                f"peak) × {self.window_seconds} s window = {self.limit} requests per address"
                + (f" (floor {RATE_FLOOR})" if self.limit == RATE_FLOOR else ""))


def rate_limit(design: Design) -> RateLimit | None:
    """The WAF rate rule's per-address limit, only when the interview asked for a WAF."""
    if not waf_answered(design):
        return None
    peak = design.slo.peak_rps
    if peak is None:
        return RateLimit(RATE_UNSTATED, RATE_WINDOW_SECONDS, None)
    limit = max(RATE_FLOOR, math.ceil(peak * RATE_SHARE * RATE_WINDOW_SECONDS))
    return RateLimit(limit, RATE_WINDOW_SECONDS, peak)


@dataclass(frozen=True)
class WebAcl:
    """One AWS WAF web ACL the kit creates: `module` is its folder (template `waf`)."""

    module: str
    scope: str  # REGIONAL or CLOUDFRONT
    fronts: str  # what it protects, in words
    rate: RateLimit | None
    rules: tuple[tuple[str, str], ...]
    admin: bool
    associated: bool  # Terraform attaches it (the ALB); else the Ingress annotation does

    def flags(self) -> dict[str, Any]:
        return {"scope": self.scope, "rate": self.rate is not None, "rules": [r[0] for r in self.rules],
                "admin": self.admin, "own_key": self.scope == "CLOUDFRONT", "exempt": self.scope == "REGIONAL"}


def web_acls(design: Design) -> tuple[WebAcl, ...]:
    """The web ACLs in front of the public endpoints: a regional one for the load balancer (ECS: attached
    by Terraform; EKS: by the Ingress annotation) and one in us-east-1 for CloudFront sites."""
    if design.cloud != "aws":
        return ()
    waf, admin = waf_answered(design), admin_allowlist(design)
    svcs = facts.services(design, {design.platform})
    http = any(s.http for s in svcs) and design.platform in {"containers", "kubernetes"}
    postgres = any(facts.managed_store(design, "postgres", e) for e in design.environments)
    rules = (*MANAGED_RULES, *((SQLI_RULES,) if postgres else ())) if waf else BASELINE_RULES
    out: list[WebAcl] = []
    if http and (waf or admin):
        fronts = "the public load balancer" if design.platform == "containers" else "the Ingress load balancer"
        out.append(WebAcl("waf", "REGIONAL", fronts, rate_limit(design), rules, admin,
                          associated=design.platform == "containers"))
    if waf and facts.static_sites(design):
        out.append(WebAcl("waf_edge", "CLOUDFRONT", "the CloudFront distributions of the static sites",
                          rate_limit(design), MANAGED_RULES, False, associated=True))
    return tuple(out)


@dataclass(frozen=True)
class AuditRetention:
    days: int  # S3 trail files
    log_group_days: int  # CloudWatch copy (rounded up to a period CloudWatch accepts)
    stated: int | None
    by_framework: dict[str, int]

    @property
    def reason(self) -> str:
        parts = [f"stated log retention {self.stated} days" if self.stated else "no stated log retention",
                 f"audit baseline {AUDIT_BASELINE_DAYS} days"]
        parts += [f"{f} minimum {d} days" for f, d in self.by_framework.items()]
        return "the longest of: " + ", ".join(parts)


def audit_retention(design: Design) -> AuditRetention:
    """The audit trail's retention: the stated retention, never under a year or a named framework's minimum."""
    stated = design.monitoring.log_retention_days
    if stated is None:
        raw = design.observability.get("log_retention_days", "")
        stated = int(raw) if raw.isdigit() else None
    frameworks = compliance_data()["frameworks"]
    minimums = {f: int(frameworks[f]["audit_retention_days"]) for f in design.security_plan.compliance
                if f in frameworks and frameworks[f].get("audit_retention_days")}
    days = max([AUDIT_BASELINE_DAYS, *([stated] if stated else []), *minimums.values()])
    group = next((d for d in facts.LOG_RETENTION_DAYS if d >= days), facts.LOG_RETENTION_DAYS[-1])
    return AuditRetention(days=days, log_group_days=group, stated=stated, by_framework=minimums)


@dataclass(frozen=True)
class SecretEntry:
    name: str
    services: tuple[str, ...]
    kind: str
    rotation: str  # interval in words
    how: str


_KINDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"RPC|(^|_)WSS?(_|$)|NODE_URL"), "provider URL with an API key",
     "issue a new key at the provider, put the new URL, redeploy, then revoke the old key"),
    (re.compile(r"DATABASE_URL|_DSN$|^PG|POSTGRES"), "database credentials",
     "set a new password on the application's database role, put the new URL, redeploy (never use the RDS "
     "master credentials here: RDS rotates them)"),
    (re.compile(r"REDIS|CACHE"), "cache connection URL",
     "put the new URL when the endpoint or AUTH token changes, redeploy"),
    (re.compile(r"JWT|SESSION|COOKIE|SIGNING|HMAC"), "token-signing secret",
     "generate a new random value (e.g. `openssl rand -base64 48`), put it, redeploy; sessions signed with the "
     "old value end unless the app accepts a previous key for one token lifetime"),
    (re.compile(r"WEBHOOK"), "webhook URL", "create a new webhook at the receiver, put it, delete the old one"),
)


def secret_kind(name: str, signing: frozenset[str]) -> tuple[str, str, str]:
    """(kind, rotation interval, how) of one secret, from its name; signing keys come from the Design."""
    if name in signing:
        return ("raw signing key (review found it)", "replace, do not rotate in place",
                "move signing to the signer (see blockchain-ops.md), transfer on-chain roles and funds to the new "
                "address, then delete this secret")
    for pattern, kind, how in _KINDS:
        if pattern.search(name):
            return kind, f"every {ROTATION_DAYS} days", how
    return ("credential", f"every {ROTATION_DAYS} days",
            "issue a new value at its issuer, put it, redeploy, revoke the old one")


def secret_inventory(design: Design) -> tuple[SecretEntry, ...]:
    """Every secret the services read (names only), with the services that read it and its rotation."""
    signing = frozenset(design.blockchain.signing_keys if design.blockchain else ())
    readers: dict[str, list[str]] = {}
    for svc in facts.services(design, {design.platform}):
        for name in svc.secrets():
            readers.setdefault(name, []).append(svc.key)
    if design.platform == "vm" and any(s.engine == "postgres" and not any(z.instance_class for z in s.sizes.values())
                                       for s in design.data_stores):
        readers.setdefault("POSTGRES_PASSWORD", []).append("postgres")  # the on-host database's own password
    out = []
    for name in sorted(readers):
        kind, rotation, how = secret_kind(name, signing)
        out.append(SecretEntry(name, tuple(readers[name]), kind, rotation, how))
    return tuple(out)
