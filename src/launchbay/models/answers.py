"""The Answers model: every deployment decision the interview asks for, as typed data.

Each field is one question (key `<topic>.<field>`, e.g. `scale.peak_rps`); `None` means
unanswered — an open item, never a silent default. No field ever holds a secret value: secrets
are named (which manager, which channel), never given.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

ANSWERS_SCHEMA_VERSION = 1

Name = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._/@:+-]*$")]
Region = Annotated[str, Field(pattern=r"^[a-z]{2}(-[a-z]+)+-\d$|^[a-z]+-[a-z]+\d$|^[a-z]+$")]
Domain = Annotated[str, Field(max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]


class Topic(BaseModel):
    """One topic of the interview; every field optional (unanswered = None)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Deployment(Topic):
    cloud: Literal["aws", "gcp", "azure", "self-hosted"] | None = None
    primary_region: Region | None = None
    multi_region: bool | None = None
    environments: tuple[Literal["dev", "staging", "production", "preview"], ...] | None = None
    domain: Domain | None = None
    dns_provider: Literal["route53", "cloudflare", "cloud-dns", "azure-dns", "other"] | None = None


class Blockchain(Topic):
    chains: tuple[Name, ...] | None = None
    node_strategy: Literal["third-party", "own-nodes", "hybrid"] | None = None
    rpc_providers: tuple[Literal["alchemy", "infura", "quicknode", "ankr", "chainstack", "helius",
                                 "drpc", "public"], ...] | None = None
    node_role: Literal["rpc-only", "archive", "validator"] | None = None
    indexer: Literal["none", "ponder", "subgraph-hosted", "graph-node", "subsquid", "envio", "custom"] | None = None
    key_management: Literal["cloud-kms", "hsm", "mpc", "custody-provider", "remote-signer", "none"] | None = None
    contract_admin: Literal["multisig", "timelock-multisig", "eoa", "none"] | None = None


class Scale(Topic):
    dau: int | None = Field(default=None, ge=0, le=1_000_000_000)
    peak_rps: float | None = Field(default=None, ge=0, le=10_000_000)
    data_volume_gb: float | None = Field(default=None, ge=0, le=10_000_000)
    data_growth_gb_month: float | None = Field(default=None, ge=0, le=1_000_000)
    user_regions: tuple[Literal["north-america", "south-america", "europe", "asia", "africa", "oceania",
                                "global"], ...] | None = None
    latency_p95_ms: int | None = Field(default=None, ge=1, le=60_000)
    uptime_target: Literal["99.0", "99.5", "99.9", "99.95", "99.99"] | None = None


class Security(Topic):
    compliance: tuple[Literal["none", "soc2", "iso27001", "gdpr", "hipaa", "pci-dss", "mica"], ...] | None = None
    auth_method: Literal["none", "wallet", "oauth", "sso", "custom"] | None = None
    auth_provider: Name | None = None
    secrets_manager: Literal["aws-secrets-manager", "vault", "gcp-secret-manager", "azure-key-vault",
                             "sops"] | None = None
    audit_logging: Literal["cloud-native", "siem", "none"] | None = None
    network_security: tuple[Literal["none", "vpn", "ip-allowlist", "private-admin", "waf"], ...] | None = None


class Budget(Topic):
    monthly_usd: int | None = Field(default=None, ge=0, le=10_000_000)
    priority: Literal["cost", "balanced", "performance"] | None = None
    commitment: Literal["none", "1-year", "3-year"] | None = None


class Team(Topic):
    size: int | None = Field(default=None, ge=1, le=10_000)
    oncall: Literal["none", "business-hours", "24x7"] | None = None
    paging: Literal["none", "pagerduty", "opsgenie", "grafana-oncall"] | None = None
    existing_tools: tuple[Name, ...] | None = None
    access: Literal["sso", "iam-users", "ssm", "bastion"] | None = None


class Monitoring(Topic):
    critical_metrics: tuple[Name, ...] | None = None
    alert_channels: tuple[Literal["slack", "pagerduty", "opsgenie", "email", "discord", "telegram"], ...] | None = None
    log_retention_days: int | None = Field(default=None, ge=1, le=3650)
    apm: Literal["none", "opentelemetry", "sentry", "datadog", "newrelic"] | None = None
    tracing: bool | None = None


class CICD(Topic):
    git_host: Literal["github", "gitlab", "bitbucket", "other"] | None = None
    branch_strategy: Literal["trunk", "github-flow", "gitflow"] | None = None
    deploy_strategy: Literal["rolling", "blue-green", "canary"] | None = None
    approvals: Literal["none", "production", "all"] | None = None
    approvers: tuple[Name, ...] | None = None


class Backup(Topic):
    rpo_minutes: int | None = Field(default=None, ge=0, le=525_600)
    rto_minutes: int | None = Field(default=None, ge=1, le=525_600)
    frequency: Literal["continuous", "hourly", "daily", "weekly"] | None = None
    dr_region: Region | None = None
    failover: Literal["automatic", "manual", "none"] | None = None


class Answers(BaseModel):
    """All answers, grouped by topic. Field order is the interview order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    deployment: Deployment = Deployment()
    blockchain: Blockchain = Blockchain()
    scale: Scale = Scale()
    security: Security = Security()
    budget: Budget = Budget()
    team: Team = Team()
    monitoring: Monitoring = Monitoring()
    cicd: CICD = CICD()
    backup: Backup = Backup()

    def get(self, key: str) -> object:
        topic, field = key.split(".", 1)
        return getattr(getattr(self, topic), field)


def answer_keys() -> tuple[str, ...]:
    """Every dotted key of the model, in interview order."""
    return tuple(f"{topic}.{field}" for topic in Answers.model_fields for field in topic_model(topic).model_fields)


def topic_model(topic: str) -> type[Topic]:
    info = Answers.model_fields[topic]
    sub = info.annotation
    assert isinstance(sub, type) and issubclass(sub, Topic)
    return sub


def allowed_values(key: str) -> tuple[str, ...]:
    """The closed set of values a choice/multi field accepts (empty for free-form fields)."""
    topic, field = key.split(".", 1)
    return tuple(_literals(topic_model(topic).model_fields[field].annotation))


def _literals(annotation: Any) -> list[str]:
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    found: list[str] = []
    for arg in get_args(annotation):
        found.extend(_literals(arg))
    return found
