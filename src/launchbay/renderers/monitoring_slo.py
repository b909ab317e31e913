"""SLO rules: error-ratio recording rules, multi-window multi-burn-rate alerts and the p95 latency alert.

Burn-rate thresholds are computed, never typed: threshold = burn factor × error budget, where the
budget is 1 − uptime target (0.001 for 99.9 %). A factor of 14.4 over 1 h spends 2 % of a 30-day
budget; 6 over 6 h spends 5 %; 3 over 1 day spends 10 % (a ticket). Each alert needs both its long
and its short window above the threshold, so it fires fast and stops soon after the errors stop.
A pair whose threshold reaches 1 (an error ratio can never exceed it) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from launchbay.renderers.monitoring_facts import DURATION_BUCKET, REQUESTS, Facts, job_regex, number
from launchbay.renderers.monitoring_rules import Alert, Case, Recording, RuleGroup, Runbook, Series, Severity

ERROR_RATIO = "job:slo_errors_per_request:ratio_rate{window}"
P95 = "job:http_request_duration_seconds:p95_5m"


@dataclass(frozen=True)
class BurnWindow:
    name: str
    long: str
    short: str
    factor: Decimal
    severity: Severity
    for_: str
    budget_share: str  # of a 30-day budget, spent at this rate over the long window


BURN_WINDOWS = (
    BurnWindow("ErrorBudgetBurnFast", "1h", "5m", Decimal("14.4"), "critical", "2m", "2 %"),
    BurnWindow("ErrorBudgetBurnMedium", "6h", "30m", Decimal("6"), "critical", "15m", "5 %"),
    BurnWindow("ErrorBudgetBurnSlow", "1d", "2h", Decimal("3"), "warning", "1h", "10 %"),
)


def windows() -> tuple[str, ...]:
    seen: list[str] = []
    for w in BURN_WINDOWS:
        for span in (w.short, w.long):
            if span not in seen:
                seen.append(span)
    return tuple(sorted(seen, key=_minutes))


def _minutes(span: str) -> int:
    unit = {"m": 1, "h": 60, "d": 1440}[span[-1]]
    return int(span[:-1]) * unit


def threshold(window: BurnWindow, budget: Decimal) -> Decimal:
    return window.factor * budget


def _series(job: str, errors: int, minutes: int) -> tuple[Series, ...]:
    """1000 requests a minute for `minutes`, `errors` of them 5xx."""
    return (Series(f'{REQUESTS}{{job="{job}",code="500"}}', f"0+{errors}x{minutes}"),
            Series(f'{REQUESTS}{{job="{job}",code="200"}}', f"0+{1000 - errors}x{minutes}"))


def test_errors(limit: Decimal) -> tuple[int, int]:
    """Errors per 1000 requests that fire (twice the threshold) and that stay quiet (half of it)."""
    fire = min(1000, int((limit * 2000).to_integral_value(rounding=ROUND_CEILING)))
    return fire, int((limit * 500).to_integral_value(rounding=ROUND_FLOOR))


def slo_group(f: Facts) -> RuleGroup | None:
    budget = f.error_budget
    jobs = tuple(s.key for s in f.slo_services)
    if budget is None or budget <= 0 or not jobs:
        return None
    target = f.design.slo.uptime_target
    sel = f'job=~"{job_regex(jobs)}"'
    rules: list[Alert | Recording] = []
    for span in windows():
        rules.append(Recording(
            ERROR_RATIO.format(window=span),
            f'sum by (job) (rate({REQUESTS}{{{sel},code=~"5.."}}[{span}]))'
            f" / sum by (job) (rate({REQUESTS}{{{sel}}}[{span}]))"))
    job = jobs[0]
    for w in BURN_WINDOWS:
        limit = threshold(w, budget)
        if limit >= 1:
            continue
        minutes = _minutes(w.long) + 60
        fire, quiet = test_errors(limit)
        expr = (f"{ERROR_RATIO.format(window=w.long)} > {number(limit)}"
                f" and {ERROR_RATIO.format(window=w.short)} > {number(limit)}")
        rules.append(Alert(
            name=w.name, expr=expr, severity=w.severity, for_=w.for_,
            summary="{{ $labels.job }} is burning its error budget " + f"{number(w.factor)}x too fast",
            description=(f"The 5xx ratio of {{{{ $labels.job }}}} is above {number(limit)} ({number(w.factor)} x the "
                         f"error budget {number(budget)} of the {number(target or Decimal(0))} % SLO) over both "
                         f"{w.long} and {w.short}: at this rate {w.budget_share} of a 30-day budget is gone "
                         f"in {w.long}."),
            runbook=Runbook(
                meaning=(f"Requests to the service fail {number(w.factor)} times faster than the SLO allows "
                         f"({number(target or Decimal(0))} % of requests must succeed)."),
                checks=("The SLO dashboard: which job, since when, and whether the errors follow a deploy.",
                        "The service's logs for the failing routes and their 5xx responses.",
                        "Database, cache and upstream (RPC, third-party API) alerts firing at the same time."),
                fixes=("Roll back the last deploy if the errors started with it (runbooks/rollback.md).",
                       "Scale out if the errors are timeouts under load (runbooks/scaling.md).",
                       "Fix or fail over the dependency that is failing."),
            ),
            fires=Case(_series(job, fire, minutes), f"{minutes - 10}m", (("job", job),)),
            quiet=Case(_series(job, quiet, minutes), f"{minutes - 10}m"),
        ))
    latency = f.design.slo.latency_p95_ms
    if latency is not None:
        rules.append(Recording(
            P95, f"histogram_quantile(0.95, sum by (job, le) (rate({DURATION_BUCKET}{{{sel}}}[5m])))"))
        seconds = Decimal(latency) / Decimal(1000)
        rules.append(Alert(
            name="LatencyP95AboveSlo", expr=f"{P95} > {number(seconds)}", severity="warning", for_="10m",
            summary="{{ $labels.job }} p95 latency is above " + f"{latency} ms",
            description=(f"The 95th percentile request duration of {{{{ $labels.job }}}} has been above the "
                         f"{latency} ms objective for 10 minutes."),
            runbook=Runbook(
                meaning=f"One request in twenty takes longer than the {latency} ms objective.",
                checks=("The service overview dashboard: latency by job, request rate, CPU and memory.",
                        "Slow database queries and connection-pool waits.",
                        "Upstream latency (RPC providers, third-party APIs)."),
                fixes=("Scale out when CPU is saturated (runbooks/scaling.md).",
                       "Add the missing index or cache for the slow query.",
                       "Roll back if the slowdown came with a deploy."),
            ),
            fires=Case(_latency_series(job, slow=True), "30m", (("job", job),)),
            quiet=Case(_latency_series(job, slow=False), "30m"),
        ))
    return RuleGroup("slo", tuple(rules))


def _latency_series(job: str, *, slow: bool) -> tuple[Series, ...]:
    """Requests in the 60 s bucket (slow: p95 near 57 s) or all within 5 ms (fast)."""
    fast_count = "0+0x40" if slow else "0+60x40"
    return (Series(f'{DURATION_BUCKET}{{job="{job}",le="0.005"}}', fast_count),
            Series(f'{DURATION_BUCKET}{{job="{job}",le="60"}}', "0+60x40"),
            Series(f'{DURATION_BUCKET}{{job="{job}",le="+Inf"}}', "0+60x40"))
