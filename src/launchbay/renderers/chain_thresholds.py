"""The chain alerts' thresholds, each with the reason for its value (the runbook prints the same table),
and the small helpers the chain alert modules share to write selectors and test series."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from launchbay.models.design import Design
from launchbay.renderers.chains.facts import chain_facts

FAST_BURN = Decimal("14.4")  # the SRE fast-burn factor: 2 % of a 30-day budget in one hour
DEFAULT_ROUTING_LAG = 30  # s; used only when the chains kit states no figure
# eRPC's default latency buckets are 0.05, 0.5, 5 and 30 s: a p95 threshold outside them cannot be measured.
LATENCY_FLOOR, LATENCY_CEILING = Decimal("0.05"), Decimal(25)


@dataclass(frozen=True)
class Threshold:
    key: str
    value: Decimal
    unit: str
    why: str

    @property
    def text(self) -> str:
        return f"{self.value.normalize():f}"


def proxy_serves(design: Design) -> bool:
    """The chains kit runs the eRPC proxy with at least one upstream for some chain."""
    facts = chain_facts(design)
    return facts is not None and any(n.upstreams for n in facts.proxy.networks)


def _routing_lag(design: Design) -> int:
    """Seconds behind the best upstream at which the proxy stops routing to one (the chains kit's figure)."""
    facts = chain_facts(design)
    lags = [n.seconds_lag for n in facts.proxy.networks] if facts is not None else []
    return min(lags) if lags else DEFAULT_ROUTING_LAG


def thresholds(design: Design) -> dict[str, Threshold]:
    slo = design.slo
    budget = slo.error_budget
    latency = Decimal(slo.latency_p95_ms) / 1000 if slo.latency_p95_ms else Decimal(1)
    latency = min(max(latency, LATENCY_FLOOR), LATENCY_CEILING)
    routing = _routing_lag(design)
    items = [
        Threshold("head_lag_seconds", Decimal(2 * routing), "s", f"twice the {routing} s head lag at which the RPC "
                  "proxy stops routing to an upstream: the app's endpoint is behind for real, not jittering"),
        Threshold("head_stall_seconds", Decimal(300), "s", "no new block from any endpoint for 5 minutes: 25 "
                  "Ethereum slots, 150 blocks of a 2 s L2; the chain or every endpoint is stuck"),
        Threshold("finality_stall_seconds", Decimal(3600), "s", "finalized block older than an hour: Ethereum "
                  "finalizes in about 13 minutes, OP-stack L2s follow L1 finality within about 30"),
        Threshold("reorg_depth", Decimal(3), "blocks", "Ethereum reorgs beyond 2 blocks are rare and L2 "
                  "sequencers should not reorg at all: 3 or more means a consensus or endpoint problem"),
        Threshold("probe_error_ratio", Decimal("0.05"), "ratio", "the exporter makes a few calls per poll: "
                  "one in twenty failing for 10 minutes is an endpoint problem, not noise"),
        Threshold("rpc_latency_seconds", latency, "s", "the SLO's p95 latency "
                  + (f"({slo.latency_p95_ms} ms)" if slo.latency_p95_ms else "(not answered: 1 s used)")
                  + ": an RPC call slower than that alone breaks it"),
        Threshold("proxy_error_ratio", FAST_BURN * budget if budget is not None else Decimal("0.05"), "ratio",
                  f"14.4 x the error budget of the {slo.uptime_target} % SLO (fast burn, 5 m and 1 h windows)"
                  if budget is not None else "no SLO answered: 5 % used"),
        Threshold("min_peers", Decimal(5), "peers", "an own node with fewer peers is nearly isolated and "
                  "falls behind or follows a minority fork"),
        Threshold("sync_minutes", Decimal(30), "min", "a restarted node catches up within minutes; half an "
                  "hour still syncing means it cannot keep up"),
        Threshold("nonce_backlog", Decimal(5), "transactions", "more pending than that for 10 minutes: the "
                  "hot wallet is queueing faster than blocks include it (gas too low)"),
        Threshold("nonce_stuck_minutes", Decimal(15), "min", "pending transactions and no confirmed one for "
                  "15 minutes: the lowest nonce is stuck and blocks every later one"),
        Threshold("drain_hours", Decimal(24), "h", "at the last 6 hours' spend the wallet is empty within a day: "
                  "time to refill before the minimum alert pages"),
    ]
    return {t.key: t for t in items}


def num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def labels(**kw: str) -> tuple[tuple[str, str], ...]:
    return tuple(kw.items())


def sel(**kw: str) -> str:
    return "{" + ",".join(f'{k}="{v}"' for k, v in kw.items()) + "}"
