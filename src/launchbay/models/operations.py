"""What the Design says about running the system: SLOs, alerting, security controls and chain access.

These are the answers the monitoring, security and blockchain renderers need, carried into the
Design (renderers never read the answers file) and typed, so a renderer cannot misread a string.
Empty tuples / None mean "not answered": a renderer then documents the gap instead of guessing.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Slo(Model):
    """The service-level objectives stated in the interview (availability and latency)."""

    uptime_target: Decimal | None = None  # percent, e.g. 99.9
    latency_p95_ms: int | None = None
    peak_rps: Decimal | None = None

    @property
    def error_budget(self) -> Decimal | None:
        """The allowed error ratio, e.g. 0.001 for 99.9 %."""
        return None if self.uptime_target is None else (Decimal(100) - self.uptime_target) / Decimal(100)


class MonitoringPlan(Model):
    alert_channels: tuple[str, ...] = ()
    paging: str | None = None
    oncall: str | None = None
    critical_metrics: tuple[str, ...] = ()
    log_retention_days: int | None = None
    tracing: bool = False
    apm: str | None = None


class SecurityPlan(Model):
    secrets_manager: str | None = None
    key_management: str | None = None
    audit_logging: str | None = None
    compliance: tuple[str, ...] = ()
    network_security: tuple[str, ...] = ()
    access: str | None = None
    auth_method: str | None = None


class ChainRef(Model):
    """One chain the project uses: its id (EVM) and whether it is a test network."""

    name: str
    chain_id: int | None
    testnet: bool


class ChainPlan(Model):
    """How the project reaches its chains and signs: present only when the project is on-chain."""

    ecosystems: tuple[str, ...]
    chains: tuple[ChainRef, ...]
    node_strategy: str | None
    rpc_providers: tuple[str, ...]
    node_role: str | None
    indexer: str | None
    key_management: str | None
    contract_admin: str | None
    rpc_env: tuple[str, ...]  # env var names that carry an RPC URL (names only)
    signing_keys: tuple[str, ...]  # env var names the review found holding raw keys (names only)
