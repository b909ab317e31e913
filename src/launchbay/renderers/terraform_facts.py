"""What the Terraform renderer needs, derived from the Design alone: service keys, per-environment
sizes, NAT count, the VM's instance, the domain, secret names and retention figures.

A few figures the Design does not carry as fields yet (NAT count, the VM's instance type and disk)
are read from the cost lines the plan priced — the same numbers the costs were computed from, so the
infrastructure and the bill cannot disagree. Optional `network` keys (`domain`, `dns_provider`,
`nat_gateways.<env>`) win when the plan sets them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from launchbay.models.design import DataStore, Design, ServicePlan, StoreSize

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
                      3288, 3653)
RDS_MAX_RETENTION_DAYS = 35
NAT_LINE = re.compile(r"^NAT gateway × (\d+)$")
EC2_LINE = re.compile(r"^EC2 ([a-z0-9]+\.[a-z0-9]+) ")
DISK_LINE = re.compile(r"^gp3 disk (\d+) GB")
NODE_LINE = re.compile(r"^node group: (\d+) × ([a-z0-9]+\.[a-z0-9]+)$")
NODE_DISK_LINE = re.compile(r"^node root volumes: \d+ × (\d+) GB")
REGION = re.compile(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b")
ARM_FAMILY = re.compile(r"^[a-z]+\d+[a-z]*g[a-z]*\.")  # t4g, m7g, c7gn, r8g: Graviton (arm64)
SERVICE_TARGETS = {"containers", "vm", "kubernetes"}


def slug(text: str, limit: int = 63) -> str:
    """Lowercase letters, digits and single dashes: safe in every AWS resource name."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:limit].strip("-") or "app"


def short_name(text: str, limit: int) -> str:
    """A slug of at most `limit` characters; a cut name gets a hash suffix so two never collide."""
    full = slug(text, 255)
    if len(full) <= limit:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:5]
    return f"{full[:limit - 6].strip('-')}-{digest}"


def db_identifier(project: str) -> str:
    """A database name: letters, digits and underscores, starting with a letter."""
    name = slug(project, 50).replace("-", "_")
    return name if name[0].isalpha() else f"db_{name}"


@dataclass(frozen=True)
class Service:
    """One service as Terraform sees it: a map key, its plan, and whether the load balancer fronts it."""

    key: str
    plan: ServicePlan
    # RPC variables the chain gateway serves beside the service (name, in-platform URL): plain values, not
    # secrets any more (renderers/chain_services.py decides; empty where the kit runs no gateway).
    gateway: tuple[tuple[str, str], ...] = ()

    @property
    def http(self) -> bool:
        return self.plan.port is not None

    def secrets(self) -> tuple[str, ...]:
        routed = {name for name, _url in self.gateway}
        return tuple(sorted({e.name for e in self.plan.env if e.wiring == "secret"} - routed))

    def config(self) -> tuple[str, ...]:
        """Plain values an operator supplies (PORT is known: it is the design's port)."""
        return tuple(sorted({e.name for e in self.plan.env if e.wiring == "config"} - self.known_config().keys()))

    def known_config(self) -> dict[str, str]:
        names = {e.name for e in self.plan.env if e.wiring == "config"}
        known = {"PORT": str(self.plan.port)} if "PORT" in names and self.plan.port is not None else {}
        return {**known, **dict(self.gateway)}


def services(design: Design, targets: set[str] | None = None) -> tuple[Service, ...]:
    """Services with stable, unique map keys (the component's last folder, e.g. `apps/api` → `api`)."""
    # Imported here: chain_services reaches this module through the chain renderers (import cycle).
    from launchbay.renderers.chain_services import service_gateway_env

    wanted = SERVICE_TARGETS if targets is None else targets
    out: list[Service] = []
    used: set[str] = set()
    for plan in design.services:
        if plan.target not in wanted:
            continue
        base = slug(design.project if plan.component == "." else plan.component.rsplit("/", 1)[-1], 20)
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        routed = service_gateway_env(design, plan) if plan.target == design.platform else {}
        out.append(Service(key=name, plan=plan, gateway=tuple(sorted(routed.items()))))
    return tuple(out)


def static_sites(design: Design) -> tuple[Service, ...]:
    return services(design, {"static"})


def default_service(svcs: tuple[Service, ...]) -> Service | None:
    """The service the load balancer's default action serves: the web frontend, else the first HTTP one."""
    http = [s for s in svcs if s.http]
    return next((s for s in http if s.plan.kind == "web"), http[0] if http else None)


def prefix(design: Design, env: str) -> str:
    """Resource name prefix `<project>-<env>`, short enough for load balancer and target group names."""
    return f"{slug(design.project, 24 - len(slug(env)) - 1)}-{slug(env)}"


def fargate_cpu(vcpu: Decimal) -> int:
    return int(vcpu * 1024)


def _lines(design: Design, env: str, category: str) -> list[tuple[str, Decimal]]:
    for cost in design.costs:
        if cost.environment == env:
            return [(line.item, line.quantity) for line in cost.lines if line.category == category]
    return []


def nat_gateways(design: Design, env: str) -> int:
    """NAT gateways the plan priced for `env` (production 1 or 2), 0 when none was priced."""
    stated = design.network.get(f"nat_gateways.{env}")
    if stated is not None and stated.isdigit():
        return int(stated)
    for item, _ in _lines(design, env, "network"):
        match = NAT_LINE.match(item)
        if match:
            return int(match.group(1))
    return 0


@dataclass(frozen=True)
class Instance:
    instance_type: str
    disk_gb: int

    @property
    def arch(self) -> str:
        return "arm64" if ARM_FAMILY.match(self.instance_type) else "x86_64"


def vm_instance(design: Design, env: str) -> Instance | None:
    """The EC2 instance and disk the plan priced for a VM environment."""
    itype: str | None = None
    disk: int | None = None
    for item, _ in _lines(design, env, "compute"):
        if (m := EC2_LINE.match(item)) and itype is None:
            itype = m.group(1)
        if (d := DISK_LINE.match(item)) and disk is None:
            disk = int(d.group(1))
    sizes = [s.sizes[env].instance_type for s in design.services if env in s.sizes and s.sizes[env].instance_type]
    itype = itype or (sizes[0] if sizes else None)
    if itype is None:
        return None
    return Instance(instance_type=itype, disk_gb=disk or 30)


@dataclass(frozen=True)
class Nodes:
    instance_type: str
    count: int
    disk_gb: int

    @property
    def arch(self) -> str:
        return "arm64" if ARM_FAMILY.match(self.instance_type) else "x86_64"


def eks_nodes(design: Design, env: str) -> Nodes | None:
    """The managed node group the plan priced for a Kubernetes environment."""
    group: tuple[int, str] | None = None
    disk = 20
    for item, _ in _lines(design, env, "compute"):
        if (m := NODE_LINE.match(item)) and group is None:
            group = (int(m.group(1)), m.group(2))
        if d := NODE_DISK_LINE.match(item):
            disk = int(d.group(1))
    return Nodes(instance_type=group[1], count=group[0], disk_gb=disk) if group else None


@dataclass(frozen=True)
class Domain:
    """The production domain (its name when the plan states it) and whether Route 53 hosts its zone."""

    name: str | None
    route53: bool

    def host(self, env: str, production: str) -> str | None:
        if self.name is None:
            return None
        return self.name if env == production else f"{env}.{self.name}"


def domain(design: Design) -> Domain | None:
    name = design.network.get("domain")
    provider = design.network.get("dns_provider")
    zone_priced = any(line.item == "Route 53 hosted zone" for cost in design.costs for line in cost.lines)
    route53 = provider == "route53" or (provider is None and zone_priced)
    if name is None and not route53:
        return None
    return Domain(name=name, route53=route53)


def production_env(design: Design) -> str:
    """The environment that carries account-wide alerts (the budget): production, else the last one."""
    return "production" if "production" in design.environments else design.environments[-1]


def log_retention(design: Design) -> int:
    """The design's log retention, rounded up to a period CloudWatch accepts."""
    raw = design.observability.get("log_retention_days", "")
    days = int(raw) if raw.isdigit() else 30
    return next((d for d in LOG_RETENTION_DAYS if d >= days), LOG_RETENTION_DAYS[-1])


def backup_retention(design: Design) -> int:
    days = design.backup.retention_days if design.backup else 7
    return max(1, min(RDS_MAX_RETENTION_DAYS, days))


def dr_region(design: Design) -> str | None:
    """The region automated backups are copied to, when the backup plan names one."""
    if design.backup is None or not design.backup.dr_copy:
        return None
    match = REGION.search(design.backup.dr_copy)
    return match.group(1) if match and match.group(1) != design.region else None


def managed_store(design: Design, engine: str, env: str) -> tuple[DataStore, StoreSize] | None:
    """The managed (RDS / ElastiCache) store of an engine in `env`; on-host stores have no class."""
    for store in design.data_stores:
        size = store.sizes.get(env)
        if store.engine == engine and size is not None and size.instance_class:
            return store, size
    return None


def secret_names(svcs: tuple[Service, ...]) -> tuple[str, ...]:
    return tuple(sorted({name for s in svcs for name in s.secrets()}))


def unmanaged_stores(design: Design) -> tuple[str, ...]:
    """Stores Terraform does not create (engines without a module, or on-host stores)."""
    return tuple(sorted({s.name for s in design.data_stores if s.engine not in {"postgres", "redis"}
                         or not any(z.instance_class for z in s.sizes.values())}))
