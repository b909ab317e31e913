"""Cost lines: quantity × unit price from the price table, rounded to cents per line, so the
environment total (a sum of lines) is exact by construction. Shared lines (network, secrets,
observability, data stores, traffic) live here; targets add their compute lines."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from launchbay.models.design import CostLine, DataStore
from launchbay.models.operations import ChainPlan, ChainRef
from launchbay.planning.context import PlanContext, money
from launchbay.pricing import Price

SECONDS_PER_MONTH = Decimal(730 * 3600)


@dataclass
class Lines:
    """Collects the lines of one environment."""

    ctx: PlanContext
    env: str
    lines: list[CostLine] = field(default_factory=list)

    def add(self, category: str, item: str, quantity: Decimal, unit: str, price: Price,
            discountable: str | None = None) -> None:
        self.lines.append(CostLine(
            environment=self.env, category=category, item=item, quantity=_plain(quantity),
            unit=unit, unit_price=price.value, monthly_usd=money(quantity * price.value),
            price_ref=f"{price.ref} ({price.as_of})", discountable=discountable,
        ))

    def hours(self, category: str, item: str, price: Price, count: Decimal | int = 1,
              discountable: str | None = None, unit: str = "hour") -> None:
        """`count` things running all month: count × hours_per_month (AWS's 730-hour month)."""
        self.add(category, item, Decimal(count) * self.ctx.prices.hours_per_month, unit, price, discountable)


def _plain(value: Decimal) -> Decimal:
    """A quantity without float noise or exponent notation (730, not 7.3E+2)."""
    return Decimal(format(value.quantize(Decimal("0.001")).normalize(), "f"))


def egress_gb(ctx: PlanContext, env: str) -> Decimal:
    """Monthly internet egress from stated peak RPS and the stated response-size assumption."""
    if env != "production" or ctx.peak_rps == 0:
        return Decimal(0)
    cap = ctx.capacity
    ctx.assume(f"average traffic is {cap['avg_to_peak_ratio']} × peak and responses average "
               f"{cap['avg_response_kb']} KB (egress and log estimates)")
    avg_rps = ctx.peak_rps * Decimal(str(cap["avg_to_peak_ratio"]))
    return (avg_rps * SECONDS_PER_MONTH * Decimal(cap["avg_response_kb"]) / Decimal(1_000_000)).quantize(Decimal(1))


def log_gb(ctx: PlanContext, env: str) -> Decimal:
    if ctx.peak_rps == 0:
        return Decimal(1)
    avg_rps = ctx.peak_rps * Decimal(str(ctx.capacity["avg_to_peak_ratio"]))
    scale = Decimal(1) if env == "production" else Decimal("0.1")
    gb = avg_rps * SECONDS_PER_MONTH * Decimal(ctx.capacity["log_bytes_per_request"]) / Decimal(10**9) * scale
    return max(Decimal(1), gb.quantize(Decimal(1)))


def secret_names(ctx: PlanContext) -> tuple[str, ...]:
    """Every secret env var a service reads: each becomes one secret in the store."""
    names = {v.name for c in ctx.services() for v in c.env_vars if v.secret_class == "secret" and v.read}
    return tuple(sorted(names))


def aws_shared_lines(lines: Lines, *, http: bool, nat_gateways: int, services: int, stores: int) -> None:
    """Network, secrets, keys, DNS, observability and egress for an AWS environment."""
    ctx, env, p, r = lines.ctx, lines.env, lines.ctx.prices, lines.ctx.region
    if any(line.item.endswith(FARGATE_SUFFIX) for line in lines.lines):
        chain_task_lines(lines)  # the services run as Fargate tasks: so do the chain services beside them
    if http:
        lines.hours("network", "application load balancer", p.price(r, "alb", field="hourly"))
        lines.hours("network", "load balancer capacity units (1 LCU average, assumed)",
                    p.price(r, "alb", field="lcu_hour"))
        ctx.assume("the load balancer averages 1 LCU (small APIs stay well below it)")
        lines.hours("network", "public IPv4 addresses of the load balancer (2 AZs)",
                    p.price(r, "public_ipv4_hour"), 2)
    if nat_gateways:
        lines.hours("network", f"NAT gateway × {nat_gateways}", p.price(r, "nat_gateway", field="hourly"),
                    nat_gateways)
        lines.hours("network", f"NAT gateway public IPv4 × {nat_gateways}", p.price(r, "public_ipv4_hour"),
                    nat_gateways)
    secrets = secret_names(ctx)
    if secrets:
        lines.add("security", f"Secrets Manager secrets ({len(secrets)})", Decimal(len(secrets)), "secret-month",
                  p.price(r, "secrets_manager_secret_month"))
    keys = 1 + (len(ctx.profile.signing_keys) if ctx.answer("blockchain.key_management") == "cloud-kms" else 0)
    lines.add("security", f"KMS keys ({keys}: encryption" + (", signing keys)" if keys > 1 else ")"),
              Decimal(keys), "key-month", p.price(r, "kms_key_month"))
    if env == "production" and ctx.answer("deployment.domain") and ctx.answer("deployment.dns_provider") == "route53":
        lines.add("network", "Route 53 hosted zone", Decimal(1), "zone-month", p.price(r, "route53_hosted_zone_month"))
    alarms = services * int(ctx.capacity["alarms_per_service"]) + stores * int(ctx.capacity["alarms_per_store"])
    lines.add("observability", f"CloudWatch alarms ({alarms})", Decimal(alarms), "alarm-month",
              p.price(r, "cloudwatch", field="alarm_month"))
    lines.add("observability", "CloudWatch Logs ingestion (estimated)", log_gb(ctx, env), "GB",
              p.price(r, "cloudwatch", field="logs_ingest_gb"))
    egress = egress_gb(ctx, env) - 100  # the first 100 GB a month are free
    if egress > 0:
        lines.add("network", "internet egress beyond the free 100 GB (estimated)", egress, "GB",
                  p.price(r, "data_transfer_out_gb"))


def aws_store_lines(lines: Lines, stores: tuple[DataStore, ...]) -> None:
    """Managed databases and caches (RDS, ElastiCache)."""
    env, p, r = lines.env, lines.ctx.prices, lines.ctx.region
    for store in stores:
        size = store.sizes.get(env)
        if size is None or size.instance_class is None:
            continue
        family = "rds_postgres" if store.role == "database" else "elasticache_redis"
        price = p.price(r, family, size.instance_class, field="hourly")
        copies = p.price(r, "rds_multi_az_factor", field="factor").value if size.multi_az else Decimal(1)
        label = f"{store.name}: {size.instance_class}" + (f" Multi-AZ (×{copies})" if size.multi_az else "")
        lines.hours("data", label, price, copies, discountable="rds" if store.role == "database" else "elasticache")
        if store.role == "database":
            lines.add("data", f"{store.name}: gp3 storage {size.storage_gb} GB" + (" × 2 AZ" if size.multi_az else ""),
                      Decimal(size.storage_gb) * copies, "GB-month", p.price(r, "rds_storage_gp3_gb_month"))


def nat_count(ctx: PlanContext, env: str) -> int:
    """One NAT gateway, or one per AZ in production when the uptime target needs zone failure tolerance."""
    return 2 if env == "production" and ctx.uptime >= Decimal("99.95") else 1


def ceil_div(a: Decimal, b: Decimal) -> int:
    return math.ceil(a / b)


# ───────────────────────── chain services beside Fargate services ─────────────────────────
# The RPC gateway, the Web3Signer instances and the chain exporter run as Fargate tasks next to the
# services (renderers/chain_services.py and the Terraform module chain_services read these figures, so the
# tasks Terraform runs are the tasks priced here). Sizes are valid Fargate CPU/memory pairs with room for the
# Service Connect proxy ECS adds to each task.
FARGATE_SUFFIX = "(Fargate)"
CHAIN_TASK_SIZES: dict[str, tuple[Decimal, int]] = {
    "erpc": (Decimal("0.5"), 1024),  # eRPC with a 256 MB in-memory cache
    "web3signer": (Decimal("0.5"), 1024),  # a JVM: heap, the native signing libraries, the proxy
    "chain-exporter": (Decimal("0.25"), 512),  # one stdlib Python process polling JSON-RPC
}
GATEWAY_REPLICAS = {"production": 2, "other": 1}  # two gateways in production: one may restart while one serves
# Provider ids the gateway (eRPC) has a vendor for; renderers/chains/layout.VENDORS maps the same ids.
GATEWAY_PROVIDERS = frozenset({"alchemy", "infura", "quicknode", "ankr", "chainstack", "drpc", "public"})


@dataclass(frozen=True)
class ChainTask:
    """One chain service the plan prices in an environment: its name, size and task count."""

    name: str  # erpc, web3signer-<chain>, chain-exporter
    kind: str  # erpc | web3signer | chain-exporter (the key of CHAIN_TASK_SIZES)
    count: int
    chain: str | None = None

    @property
    def vcpu(self) -> Decimal:
        return CHAIN_TASK_SIZES[self.kind][0]

    @property
    def memory_mib(self) -> int:
        return CHAIN_TASK_SIZES[self.kind][1]


def production_of(environments: tuple[str, ...]) -> str:
    """The production environment: `production`, else the last one (the renderers use the same rule)."""
    return "production" if "production" in environments else environments[-1]


def env_chains(plan: ChainPlan, env: str, environments: tuple[str, ...]) -> tuple[ChainRef, ...]:
    """EVM chains of an environment: mainnets in production, test networks elsewhere (each side falls back
    to the other when it has none) — the rule the signing and exporter configs follow."""
    chains = tuple(c for c in plan.chains if c.chain_id is not None)
    main = tuple(c for c in chains if not c.testnet)
    test = tuple(c for c in chains if c.testnet)
    if env == production_of(environments):
        return main or test
    return test or main


def chain_tasks(plan: ChainPlan | None, env: str, environments: tuple[str, ...], *, cloud: str,
                runtime_signer: bool) -> tuple[ChainTask, ...]:
    """The chain services an environment runs beside Fargate services: the gateway when an EVM chain has an
    upstream, one Web3Signer per chain of the environment for cloud-KMS signers a service uses, the exporter."""
    if plan is None or not env_chains(plan, env, environments):
        return ()
    out: list[ChainTask] = []
    own = plan.node_strategy in {"own-nodes", "hybrid"}
    if any(p in GATEWAY_PROVIDERS for p in plan.rpc_providers) or own:
        replicas = GATEWAY_REPLICAS["production" if env == production_of(environments) else "other"]
        out.append(ChainTask("erpc", "erpc", replicas))
    if plan.key_management == "cloud-kms" and cloud == "aws" and runtime_signer:
        out += [ChainTask(f"web3signer-{c.name}", "web3signer", 1, c.name)
                for c in env_chains(plan, env, environments)]
    out.append(ChainTask("chain-exporter", "chain-exporter", 1))
    return tuple(out)


def chain_task_lines(lines: Lines) -> None:
    """vCPU and memory lines of each chain service's Fargate tasks (same prices as the services')."""
    from launchbay.planning.operations import plan_chains  # operations imports nothing of costing: no cycle

    ctx, p, r = lines.ctx, lines.ctx.prices, lines.ctx.region
    plan = plan_chains(ctx)
    if plan is None:
        return
    read = {e.name for c in ctx.services() for e in c.env_vars if e.read}
    runtime = any(key in read for key in plan.signing_keys)
    vcpu_price = p.price(r, "fargate", field="linux_x86_vcpu_hour")
    gb_price = p.price(r, "fargate", field="linux_x86_gb_hour")
    for task in chain_tasks(plan, lines.env, ctx.environments, cloud=ctx.cloud, runtime_signer=runtime):
        label = f"chain service {task.name}"
        lines.hours("compute", f"{label}: {task.count} × {task.vcpu} vCPU {FARGATE_SUFFIX}", vcpu_price,
                    Decimal(task.count) * task.vcpu, discountable="fargate", unit="vCPU-hour")
        lines.hours("compute", f"{label}: {task.count} × {task.memory_mib} MiB {FARGATE_SUFFIX}", gb_price,
                    Decimal(task.count) * Decimal(task.memory_mib) / 1024, discountable="fargate", unit="GB-hour")
