"""The Design: what `plan` decided, sized and priced, with every decision traceable.

Each decision keeps the option chosen, the alternatives considered (with their monthly cost per
environment), and its provenance: the answer key or profile evidence it follows from. A decision
resting on an accepted recommendation or a stated default is marked as an assumption. Costs are
lines that carry their unit price and the price table entry (with date and source) it came from;
totals are computed from the lines, never stored beside them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, computed_field

from launchbay.models.operations import ChainPlan, MonitoringPlan, SecurityPlan, Slo

DESIGN_SCHEMA_VERSION = 1

TargetId = Literal["vm", "containers", "kubernetes", "static", "contracts", "library"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(Model):
    """Where a decision comes from: an answer key, a profile fact (file:line), or a named rule."""

    kind: Literal["answer", "profile", "rule", "default"]
    ref: str
    assumption: bool = False


class OptionCost(Model):
    """One option considered for a decision, priced per environment."""

    option: str
    monthly_usd: dict[str, Decimal]
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    fits: str


class Decision(Model):
    key: str
    title: str
    chosen: str
    reason: str
    options: tuple[OptionCost, ...]
    provenance: tuple[Provenance, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def assumption(self) -> bool:
        return any(p.assumption for p in self.provenance)


class EnvWiring(Model):
    """How one env var reaches the service: plain config, a secret-store reference, a build arg, or —
    for a raw signing key when key management is answered — not at all: a signer replaces it."""

    name: str
    wiring: Literal["config", "secret", "build", "signer"]
    reason: str


class Runtime(Model):
    """What a renderer needs to build and run the service, as review found it."""

    language: str | None
    runtime_version: str | None
    package_manager: str | None
    build_command: str | None
    test_command: str | None
    migration_command: str | None
    dockerfile: str | None


class ServicePlan(Model):
    """One deployable service: where it runs and how big, per environment."""

    component: str
    name: str
    kind: str
    target: TargetId
    port: int | None
    health_path: str | None
    start_command: str | None
    rps_per_replica: int | None
    sizes: dict[str, ServiceSize]
    runtime: Runtime | None = None
    env: tuple[EnvWiring, ...] = ()


class ServiceSize(Model):
    vcpu: Decimal
    memory_mib: int
    replicas_min: int
    replicas_max: int
    instance_type: str | None = None


class DataStore(Model):
    """A managed (or on-host) database, cache or queue, sized per environment."""

    name: str
    engine: str
    role: Literal["database", "cache", "queue", "object-storage", "file"]
    used_by: tuple[str, ...]
    sizes: dict[str, StoreSize]


class StoreSize(Model):
    instance_class: str | None
    storage_gb: int
    multi_az: bool
    max_connections: int | None
    needed_connections: int | None


class ChainNode(Model):
    chain: str
    client: str
    layer: str
    mode: str
    disk_gb: int
    memory_gb: int
    instance_type: str | None
    source: str
    as_of: str


class BackupPlan(Model):
    rpo_minutes: int | None
    rto_minutes: int | None
    method: str
    schedule: str
    pitr: bool
    retention_days: int
    dr_copy: str | None
    failover: str
    restore_estimate_minutes: int | None
    meets_rpo: bool | None
    meets_rto: bool | None
    notes: tuple[str, ...]


class CostLine(Model):
    """quantity × unit_price (per month) = monthly_usd, rounded to cents; `price_ref` names the table entry."""

    environment: str
    category: str
    item: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    monthly_usd: Decimal
    price_ref: str
    discountable: str | None = None


class EnvironmentCost(Model):
    environment: str
    lines: tuple[CostLine, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_usd(self) -> Decimal:
        return sum((line.monthly_usd for line in self.lines), Decimal("0"))


class SavingsOption(Model):
    """A commitment alternative, computed line by line from the price table's stated discounts."""

    name: str
    term: str
    applies_to: tuple[str, ...]
    discount_pct: Decimal
    monthly_saving_usd: Decimal
    source: str
    excluded: tuple[str, ...]


class BudgetCheck(Model):
    budget_usd: int | None
    production_usd: Decimal
    all_environments_usd: Decimal
    within_budget: bool | None
    gap_usd: Decimal | None


class Design(Model):
    schema_version: int = DESIGN_SCHEMA_VERSION
    project: str
    cloud: str
    region: str
    environments: tuple[str, ...]
    platform: TargetId
    services: tuple[ServicePlan, ...]
    non_services: tuple[tuple[str, TargetId], ...]
    data_stores: tuple[DataStore, ...]
    chain_nodes: tuple[ChainNode, ...]
    network: dict[str, str]
    security: dict[str, str]
    cicd: dict[str, str]
    observability: dict[str, str]
    backup: BackupPlan | None
    costs: tuple[EnvironmentCost, ...]
    savings: tuple[SavingsOption, ...]
    budget: BudgetCheck
    decisions: tuple[Decision, ...]
    assumptions: tuple[str, ...]
    open_items: tuple[str, ...]
    price_tables: tuple[str, ...]
    docs_root: str = "docs/deployment"
    slo: Slo = Slo()
    monitoring: MonitoringPlan = MonitoringPlan()
    security_plan: SecurityPlan = SecurityPlan()
    blockchain: ChainPlan | None = None
    dr_region: str | None = None


ServicePlan.model_rebuild()
DataStore.model_rebuild()
