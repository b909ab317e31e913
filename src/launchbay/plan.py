"""Phase 3: a right-sized design from the profile and the answers — targets chosen by rule, sizes
computed from stated traffic, every option priced from the shipped tables, and each decision
traceable to the answer or evidence it follows from. `build_design` is the stage's verb."""

from __future__ import annotations

import posixpath
from decimal import Decimal

from launchbay.answersfile import AnswersDocument
from launchbay.errors import LaunchbayError
from launchbay.models.design import (
    BudgetCheck,
    ChainNode,
    DataStore,
    Decision,
    Design,
    EnvironmentCost,
    EnvWiring,
    OptionCost,
    Provenance,
    Runtime,
    ServicePlan,
    StoreSize,
    TargetId,
)
from launchbay.models.profile import Component, ProjectProfile
from launchbay.planning.backup import plan_backup
from launchbay.planning.context import PlanContext
from launchbay.planning.decide import choose_platform, frontend_target
from launchbay.planning.nodes import node_lines, plan_nodes, wants_own_nodes
from launchbay.planning.operations import plan_chains, plan_monitoring, plan_security, plan_slo
from launchbay.planning.savings import savings_options
from launchbay.planning.sizing import database_size, needed_connections, service_size, smallest
from launchbay.targets import PLATFORMS, TARGETS
from launchbay.targets.base import Parts

SUPPORTED_CLOUDS = ("aws", "self-hosted")
REQUIRED = ("deployment.cloud", "deployment.environments")
MANAGED = {"postgres": ("database", "rds_postgres"), "redis": ("cache", "elasticache_redis")}


class PlanError(LaunchbayError):
    """The answers cannot be planned (missing, or a combination launchbay does not build yet)."""


def build_design(profile: ProjectProfile, doc: AnswersDocument, *,
                 rps_override: dict[str, int] | None = None) -> Design:
    """The whole design; refuses (PlanError) rather than half-plan an unsupported combination."""
    ctx = PlanContext(profile=profile, doc=doc, rps_override=dict(rps_override or {}))
    _check_supported(ctx)
    services = tuple(_service_plan(ctx, c, "containers") for c in profile.services)
    platform, platform_decision, _ = choose_platform(ctx, services, lambda p: _parts(ctx, p))
    services = tuple(s.model_copy(update={"target": _target_for(ctx, c, platform)})
                     for s, c in zip(services, profile.services, strict=True))
    parts = _parts(ctx, platform, services)
    costs = _costs(ctx, platform, parts, services)
    chain_nodes, chain_decision, costs = _chain_access(ctx, costs)
    decisions = [platform_decision, *_store_decisions(ctx, parts, platform), *_frontend_decisions(ctx, services)]
    if chain_decision is not None:
        decisions.append(chain_decision)
    backup = plan_backup(ctx, parts.stores, platform)
    budget = _budget(ctx, costs)
    design = Design(
        project=profile.project,
        cloud=ctx.cloud,
        region=ctx.region or "n/a",
        environments=ctx.environments,
        platform=platform,
        services=services,
        non_services=tuple((c.path, _non_service_target(c)) for c in profile.components if not c.is_service),
        data_stores=parts.stores,
        chain_nodes=chain_nodes,
        network=_network(ctx, platform),
        security=_security(ctx),
        cicd=_cicd(ctx),
        observability=_observability(ctx),
        backup=backup,
        costs=costs,
        savings=savings_options(ctx, costs),
        budget=budget,
        decisions=tuple(decisions),
        assumptions=(*sorted(set(ctx.assumptions)), *_accepted(ctx)),
        open_items=tuple(f"{i.key}: {i.reason}" for i in doc.open_items),
        price_tables=(f"{ctx.prices.provider} (compiled {ctx.prices.compiled})",),
        docs_root=_docs_root(profile),
        slo=plan_slo(ctx),
        monitoring=plan_monitoring(ctx),
        security_plan=plan_security(ctx),
        blockchain=plan_chains(ctx),
        dr_region=ctx.answer("backup.dr_region"),
    )
    return design


def _docs_root(profile: ProjectProfile) -> str:
    """Deployment docs go beside the planning docs: grimoires/loa/deployment, loa-grimoire/… or docs/."""
    for prefix in ("grimoires/loa/", "loa-grimoire/"):
        if any(d.path.startswith(prefix) for d in profile.planning_docs):
            return prefix + "deployment"
    return "docs/deployment"


def _check_supported(ctx: PlanContext) -> None:
    missing = [k for k in REQUIRED if ctx.answer(k) is None]
    if missing:
        raise PlanError(f"plan needs answers first: {', '.join(missing)}",
                        hint="run `launchbay interview` (or --set them) and plan again")
    if not ctx.profile.services:
        kinds = ", ".join(f"{c.path} ({c.kind})" for c in ctx.profile.components) or "none"
        raise PlanError(f"no deployable service in this project (components: {kinds}): there is nothing to run, "
                        "so there is no infrastructure to plan",
                        hint="launchbay plans infrastructure for running services; if a service was missed, "
                             "`launchbay review` shows why each component was classified as it was")
    if ctx.cloud not in SUPPORTED_CLOUDS:
        raise PlanError(f"cloud {ctx.cloud!r} is not implemented yet: plan builds {', '.join(SUPPORTED_CLOUDS)}",
                        hint="answer deployment.cloud=aws or self-hosted; GCP and Azure targets are planned")
    if ctx.cloud == "aws":
        if not ctx.region:
            raise PlanError("plan needs deployment.primary_region for AWS",
                            hint="e.g. --set deployment.primary_region=us-east-1")
        priced = ctx.prices.regions()
        if ctx.region not in priced:
            raise PlanError(f"no price table for {ctx.region}: priced regions are {', '.join(priced)}",
                            hint="choose a priced region or add the region's prices (with sources) to "
                                 "src/launchbay/data/prices/aws.yaml")


def _service_plan(ctx: PlanContext, comp: Component, target: TargetId) -> ServicePlan:
    port = comp.value("port")
    health = comp.values("health_endpoint")
    return ServicePlan(
        component=comp.path, name=comp.name, kind=comp.kind, target=target,
        port=int(port) if isinstance(port, int) and comp.kind not in {"bot", "worker", "cron"} else None,
        health_path=str(health[0]) if health else None,
        start_command=str(comp.value("start_command")) if comp.value("start_command") else None,
        rps_per_replica=None,
        sizes={env: service_size(ctx, comp, env) for env in ctx.environments},
        runtime=_runtime(ctx, comp),
        env=_wiring(comp, _signer_keys(ctx)),
    )


def _signer_keys(ctx: PlanContext) -> frozenset[str]:
    """The raw-key variables a signer replaces: only when key management was answered (not "none")."""
    if ctx.answer("blockchain.key_management") in (None, "none"):
        return frozenset()
    return frozenset(k.name for k in ctx.profile.signing_keys)


def _runtime(ctx: PlanContext, comp: Component) -> Runtime:
    def text(field: str) -> str | None:
        value = comp.value(field)
        return None if value is None else str(value)

    migrations = comp.values("migration_command")
    dockerfiles = sorted({e.file for t in ctx.profile.project_facts.get("deploy_file", ()) if t.value == "dockerfile"
                          and not t.detail for e in t.evidence
                          if e.file.startswith(comp.path + "/") or comp.path == "."})
    homes = {comp.path, posixpath.join(comp.path, "docker")} if comp.path != "." else {"", "docker"}
    # the plain `Dockerfile` first: `Dockerfile.dev` / `gateway.Dockerfile` are other images
    own = sorted((f for f in dockerfiles if posixpath.dirname(f) in homes),
                 key=lambda f: (posixpath.basename(f) not in ("Dockerfile", "Containerfile"), f))
    return Runtime(language=text("language"), runtime_version=text("runtime_version"),
                   package_manager=text("package_manager"), build_command=text("build_command"),
                   test_command=text("test_command"),
                   migration_command=str(migrations[0]) if migrations else None,
                   dockerfile=own[0] if own else None)


def _wiring(comp: Component, signer_keys: frozenset[str] = frozenset()) -> tuple[EnvWiring, ...]:
    """Every variable the code reads is wired: secrets by reference, public ones into the build; a raw
    signing key is never delivered when a signer (KMS, HSM, remote signer…) was chosen instead."""
    out = []
    for var in comp.env_vars:
        if not var.read:
            continue
        if var.name in signer_keys:
            out.append(EnvWiring(name=var.name, wiring="signer",
                                 reason="raw signing key replaced by the signer (blockchain.key_management); "
                                        "the code must sign through it"))
        elif var.secret_class == "secret":
            out.append(EnvWiring(name=var.name, wiring="secret", reason=var.class_reason))
        elif var.secret_class == "public-build-time":
            out.append(EnvWiring(name=var.name, wiring="build", reason=var.class_reason))
        else:
            out.append(EnvWiring(name=var.name, wiring="config", reason=var.class_reason))
    return tuple(out)


def _target_for(ctx: PlanContext, comp: Component, platform: str) -> TargetId:
    if comp.kind == "web" and frontend_target(comp) == "static" and ctx.cloud == "aws":
        return "static"
    return platform  # type: ignore[return-value]


def _non_service_target(comp: Component) -> TargetId:
    return "contracts" if comp.kind == "contracts" else "library"


def _parts(ctx: PlanContext, platform: str, services: tuple[ServicePlan, ...] | None = None) -> Parts:
    """The services a platform runs (static frontends excluded) and the stores they use."""
    if services is None:
        services = tuple(_service_plan(ctx, c, platform) for c in ctx.profile.services)  # type: ignore[arg-type]
    running = tuple(s for s in services if s.target != "static")
    return Parts(services=running, stores=_stores(ctx, platform, running))


def _stores(ctx: PlanContext, platform: str, services: tuple[ServicePlan, ...]) -> tuple[DataStore, ...]:
    users: dict[str, list[str]] = {}
    replicas: dict[str, dict[str, int]] = {}
    for svc in services:
        comp = ctx.profile.component(svc.component)
        for backing in comp.backing_services:
            if not backing.required and not _keep_optional(ctx, backing.name):
                continue
            users.setdefault(backing.name, []).append(svc.name)
            for env, size in svc.sizes.items():
                replicas.setdefault(backing.name, {}).setdefault(env, 0)
                replicas[backing.name][env] += size.replicas_max
    stores = []
    for engine in sorted(users):
        role, family = MANAGED.get(engine, ("queue", ""))
        if engine == "sqlite":
            role = "file"
        elif engine in {"mysql", "mongodb"}:
            role = "database"
        managed = platform != "vm" and ctx.cloud == "aws" and engine in MANAGED
        sizes = {}
        for env in ctx.environments:
            multi_az = env == "production" and ctx.uptime >= Decimal("99.9") and role == "database"
            if managed and role == "database":
                sizes[env] = database_size(ctx, family, needed_connections(ctx, replicas[engine][env]), env, multi_az)
            elif managed:
                node = smallest(ctx, family)
                sizes[env] = StoreSize(instance_class=node.name, storage_gb=0, multi_az=False,
                                       max_connections=None, needed_connections=None)
            else:
                storage = 5 if role == "file" else (20 if role == "database" else 0)
                sizes[env] = StoreSize(instance_class=None, storage_gb=storage, multi_az=False,
                                       max_connections=None, needed_connections=None)
        used_by = tuple(sorted(set(users[engine])))
        stores.append(DataStore(name=engine, engine=engine, role=role, used_by=used_by, sizes=sizes))
    return tuple(stores)


def _keep_optional(ctx: PlanContext, engine: str) -> bool:
    """An optional cache is kept unless the answers put cost first."""
    return bool(ctx.answer("budget.priority") != "cost")


def _costs(ctx: PlanContext, platform: str, parts: Parts,
           services: tuple[ServicePlan, ...]) -> tuple[EnvironmentCost, ...]:
    statics = tuple(s for s in services if s.target == "static")
    out = []
    for env in ctx.environments:
        lines = TARGETS[platform].cost(ctx, env, parts)
        if statics:
            lines += TARGETS["static"].cost(ctx, env, Parts(services=statics, stores=()))
        out.append(EnvironmentCost(environment=env, lines=tuple(lines)))
    return tuple(out)


def _chain_access(ctx: PlanContext, costs: tuple[EnvironmentCost, ...]) -> tuple[
        tuple[ChainNode, ...], Decision | None, tuple[EnvironmentCost, ...]]:
    """Third-party RPC or own nodes: own nodes are sized and priced either way, so the choice shows
    what it would cost; they join the production bill only when the answers ask for them."""
    chains = ctx.answer("blockchain.chains")
    if not chains:
        return (), None, costs
    own = wants_own_nodes(ctx)
    kept = list(ctx.assumptions)
    planned, notes = plan_nodes(ctx)
    sized, lines, more = node_lines(ctx, planned) if planned and ctx.cloud == "aws" else (planned, [], [])
    notes += more
    if not own:
        ctx.assumptions[:] = kept
    own_cost = {"production": sum((line.monthly_usd for line in lines), Decimal(0))} if lines else {}
    providers = ", ".join(ctx.answer("blockchain.rpc_providers") or ()) or "a provider"
    options = (
        OptionCost(option="third-party RPC", monthly_usd={}, pros=("no nodes to sync, patch or resize",),
                   cons=(f"{providers}'s plan is not in the price tables: not priced here", "rate limits and "
                         "provider outages become yours"), fits="apps that read and send transactions"),
        OptionCost(option="own nodes", monthly_usd=own_cost,
                   pros=("no rate limits; data stays in your network",),
                   cons=("days to sync; disks grow every month; needs client upgrades", *notes),
                   fits="indexing heavy history, validators, latency-critical trading"),
    )
    provenance = [ctx.prov("blockchain.chains")]
    if ctx.answer("blockchain.node_strategy") is not None:
        provenance.append(ctx.prov("blockchain.node_strategy"))
    reason = ("; ".join(notes) if notes else "sized from sourced client figures") if own else \
        f"node_strategy={ctx.answer('blockchain.node_strategy') or 'open'}: the app talks to {providers}"
    decision = Decision(key="chain.access", title="chain access", chosen="own nodes" if own else "third-party RPC",
                        reason=reason, options=options, provenance=tuple(provenance))
    if not own:
        return (), decision, costs
    updated = tuple(c.model_copy(update={"lines": (*c.lines, *lines)}) if c.environment == "production" else c
                    for c in costs)
    return sized, decision, updated


def _budget(ctx: PlanContext, costs: tuple[EnvironmentCost, ...]) -> BudgetCheck:
    budget = ctx.answer("budget.monthly_usd")
    production = next((c.total_usd for c in costs if c.environment == "production"), Decimal(0))
    total = sum((c.total_usd for c in costs), Decimal(0))
    if budget is None:
        return BudgetCheck(budget_usd=None, production_usd=production, all_environments_usd=total,
                           within_budget=None, gap_usd=None)
    return BudgetCheck(budget_usd=int(budget), production_usd=production, all_environments_usd=total,
                       within_budget=total <= Decimal(budget), gap_usd=Decimal(budget) - total)


def _store_decisions(ctx: PlanContext, parts: Parts, platform: str) -> list[Decision]:
    decisions = []
    for store in parts.stores:
        prod = store.sizes.get("production")
        if prod is None:
            continue
        where = f"{prod.instance_class}" if prod.instance_class else "a container on the VM"
        provenance = [Provenance(kind="rule", ref=f"platform={platform}")]
        if ctx.answer("scale.uptime_target") is not None and store.role == "database":
            provenance.append(ctx.prov("scale.uptime_target"))
        options: tuple[OptionCost, ...] = ()
        if prod.instance_class and store.role == "database":
            options = tuple(_db_option(ctx, store, prod, multi) for multi in (False, True))
        decisions.append(Decision(
            key=f"data.{store.name}", title=f"{store.name} for {', '.join(store.used_by)}",
            chosen=where + (" Multi-AZ" if prod.multi_az else ""),
            reason=(f"{prod.needed_connections} connections needed (pools × replicas), class allows "
                    f"{prod.max_connections}; " + ("Multi-AZ: uptime ≥ 99.9% needs a standby in a second zone"
                                                    if prod.multi_az else "single-AZ: the uptime target allows a "
                                                    "restore from backup")
                    if prod.needed_connections else f"runs beside the app on {platform}"),
            options=options, provenance=tuple(provenance),
        ))
    return decisions


def _db_option(ctx: PlanContext, store: DataStore, prod: StoreSize, multi: bool) -> OptionCost:
    """The production database priced single-AZ or Multi-AZ, from the same lines the bill uses."""
    from launchbay.planning.costing import Lines, aws_store_lines

    lines = Lines(ctx, "production")
    variant = store.model_copy(update={"sizes": {"production": prod.model_copy(update={"multi_az": multi})}})
    aws_store_lines(lines, (variant,))
    total = sum((line.monthly_usd for line in lines.lines), Decimal(0))
    if multi:
        return OptionCost(option=f"{prod.instance_class} Multi-AZ", monthly_usd={"production": total},
                          pros=("automatic failover to a standby in another zone (about a minute)",),
                          cons=("twice the instance and storage cost",), fits="uptime targets of 99.9% and above")
    return OptionCost(option=f"{prod.instance_class} single-AZ", monthly_usd={"production": total},
                      pros=("half the cost",), cons=("a zone outage means a restore from backup (tens of minutes)",),
                      fits="uptime targets below 99.9%, staging")


def _frontend_decisions(ctx: PlanContext, services: tuple[ServicePlan, ...]) -> list[Decision]:
    out = []
    for svc in services:
        if svc.kind != "web":
            continue
        comp = ctx.profile.component(svc.component)
        framework = comp.fields.get("framework")
        ref = f"{framework.evidence[0].file}:{framework.evidence[0].line}" if framework else svc.component
        out.append(Decision(
            key=f"target.{svc.component}", title=f"hosting for {svc.name}", chosen=svc.target,
            reason=("builds to static files: a CDN serves it" if svc.target == "static"
                    else "server-side rendering needs a running server"),
            options=(), provenance=(Provenance(kind="profile", ref=ref),),
        ))
    return out


def _network(ctx: PlanContext, platform: str) -> dict[str, str]:
    named = {key: str(ctx.answer(f"deployment.{key}")) for key in ("domain", "dns_provider")
             if ctx.answer(f"deployment.{key}")}
    if platform == "vm":
        return {**named, "ingress": "Caddy on the VM (automatic TLS)",
                "firewall": "only 80/443 (and SSH from the team) open"}
    return {**named, "vpc": "2 AZs, public and private subnets", "ingress": "ALB with ACM certificate",
            "egress": "NAT gateway(s) for private subnets", "security_groups": "ALB → services → data stores only"}


def _security(ctx: PlanContext) -> dict[str, str]:
    return {"secrets": str(ctx.answer("security.secrets_manager") or "open item"),
            "keys": str(ctx.answer("blockchain.key_management") or "n/a"),
            "audit_logging": str(ctx.answer("security.audit_logging") or "open item")}


def _cicd(ctx: PlanContext) -> dict[str, str]:
    return {"git_host": str(ctx.answer("cicd.git_host") or "open item"),
            "strategy": str(ctx.answer("cicd.deploy_strategy") or "rolling"),
            "approvals": str(ctx.answer("cicd.approvals") or "open item")}


def _observability(ctx: PlanContext) -> dict[str, str]:
    channels = ctx.answer("monitoring.alert_channels")
    return {"alerts_to": ", ".join(channels) if channels else "open item",
            "log_retention_days": str(ctx.answer("monitoring.log_retention_days") or "open item"),
            "apm": str(ctx.answer("monitoring.apm") or "open item")}


def _accepted(ctx: PlanContext) -> tuple[str, ...]:
    return tuple(f"{key} = {ctx.doc.answers.get(key)} (accepted recommendation)"
                 for key, source in ctx.doc.sources.items() if source == "accepted-recommendation")


__all__ = ["PLATFORMS", "build_design"]
