"""Carry the operational answers (SLO, alerting, security controls, chains) into the Design, typed.

Chains come from the answers first (what the user will run) and the review's evidence second
(what the code already talks to); ids come from the review's chain table, never typed here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from launchbay.detectors.chain_data import CHAIN_IDS
from launchbay.models.operations import ChainPlan, ChainRef, MonitoringPlan, SecurityPlan, Slo
from launchbay.planning.context import PlanContext

TESTNET_WORDS = re.compile(r"sepolia|goerli|holesky|hoodi|testnet|devnet|amoy|mumbai|fuji|chiado|ropsten|"
                           r"rinkeby|kovan")
RPC_VAR = re.compile(r"(^|_)(RPC|WS|WSS|ETH_NODE|NODE)(_|$)")


def _tuple(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def plan_slo(ctx: PlanContext) -> Slo:
    uptime = ctx.answer("scale.uptime_target")
    rps = ctx.answer("scale.peak_rps")
    return Slo(uptime_target=Decimal(str(uptime)) if uptime is not None else None,
               latency_p95_ms=ctx.answer("scale.latency_p95_ms"),
               peak_rps=Decimal(str(rps)) if rps is not None else None)


def plan_monitoring(ctx: PlanContext) -> MonitoringPlan:
    return MonitoringPlan(
        alert_channels=_tuple(ctx.answer("monitoring.alert_channels")),
        paging=_opt(ctx.answer("team.paging")), oncall=_opt(ctx.answer("team.oncall")),
        critical_metrics=_tuple(ctx.answer("monitoring.critical_metrics")),
        log_retention_days=ctx.answer("monitoring.log_retention_days"),
        tracing=bool(ctx.answer("monitoring.tracing")), apm=_opt(ctx.answer("monitoring.apm")))


def plan_security(ctx: PlanContext) -> SecurityPlan:
    return SecurityPlan(
        secrets_manager=_opt(ctx.answer("security.secrets_manager")),
        key_management=_opt(ctx.answer("blockchain.key_management")),
        audit_logging=_opt(ctx.answer("security.audit_logging")),
        compliance=tuple(c for c in _tuple(ctx.answer("security.compliance")) if c != "none"),
        network_security=tuple(c for c in _tuple(ctx.answer("security.network_security")) if c != "none"),
        access=_opt(ctx.answer("team.access")), auth_method=_opt(ctx.answer("security.auth_method")))


def plan_chains(ctx: PlanContext) -> ChainPlan | None:
    """None for a project with no chain in the answers or the code: no blockchain infrastructure."""
    profile = ctx.profile
    names: list[str] = list(_tuple(ctx.answer("blockchain.chains")))
    ecosystems: set[str] = set()
    rpc_env: set[str] = set()
    for comp in profile.components:
        names.extend(str(v) for v in comp.values("chain") if str(v) not in names)
        ecosystems.update(str(v) for v in comp.values("ecosystem"))
        # a browser-bundled RPC URL (NEXT_PUBLIC_…) must stay public: never pointed at the internal gateway
        rpc_env.update(e.name for e in comp.env_vars
                       if RPC_VAR.search(e.name) and e.secret_class != "public-build-time")
    if not names and not ecosystems:
        return None
    chains = tuple(ChainRef(name=n, chain_id=CHAIN_IDS.get(n), testnet=bool(TESTNET_WORDS.search(n)))
                   for n in dict.fromkeys(names))
    if not ecosystems and any(c.chain_id is not None for c in chains):
        ecosystems.add("evm")
    return ChainPlan(
        ecosystems=tuple(sorted(ecosystems)), chains=chains,
        node_strategy=_opt(ctx.answer("blockchain.node_strategy")),
        rpc_providers=_tuple(ctx.answer("blockchain.rpc_providers")),
        node_role=_opt(ctx.answer("blockchain.node_role")),
        indexer=_opt(ctx.answer("blockchain.indexer")),
        key_management=_opt(ctx.answer("blockchain.key_management")),
        contract_admin=_opt(ctx.answer("blockchain.contract_admin")),
        rpc_env=tuple(sorted(rpc_env)),
        signing_keys=tuple(sorted({k.name for k in profile.signing_keys})))
