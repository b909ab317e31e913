"""Monitoring questions: what to measure, where alerts go, how long logs live, APM and tracing.

Metrics are proposed from what review found (HTTP servers, workers, indexers, signers, data
stores), because the failures worth paging on follow from the components, not from a template.
"""

from __future__ import annotations

from launchbay.models.answers import allowed_values
from launchbay.models.profile import Component
from launchbay.questions.base import Context, Option, Question, Recommendation, cite
from launchbay.questions.ops_evidence import (
    QUEUES,
    SERVER_DATABASES,
    STRICT_COMPLIANCE,
    Cited,
    answered,
    compliance,
    data_stores,
    env_var,
    integration,
    monthly_budget,
    recommend,
    service,
    services,
    signing_key,
)

_DISCORD = frozenset({"discord.js", "discord.py"})
_TELEGRAM = frozenset({"telegraf", "grammy", "aiogram", "python-telegram-bot"})
# APM vendors: answer value, names the team may list, doc integration, env var prefixes.
_APM: tuple[tuple[str, tuple[str, ...], str | None, tuple[str, ...]], ...] = (
    ("sentry", ("sentry",), "Sentry", ("SENTRY_",)),
    ("datadog", ("datadog",), "Datadog", ("DD_", "DATADOG_")),
    ("newrelic", ("new relic", "newrelic"), None, ("NEW_RELIC_",)),
    ("opentelemetry", ("opentelemetry", "otel"), None, ("OTEL_",)),
)


def _component_metrics(comp: Component) -> tuple[str, ...]:
    roles = {str(v) for v in comp.values("role")} | {comp.kind}
    metrics: list[str] = []
    if roles & {"api", "http-server", "web", "frontend"}:
        metrics += ["http_5xx_rate", "http_latency_p95"]
    if "indexer" in roles:
        metrics.append("indexer_block_lag")
    if "worker" in roles:
        metrics.append("job_failures")
        if any(b.name in QUEUES for b in comp.backing_services):
            metrics.append("queue_depth")
    if roles & {"cron"}:
        metrics.append("cron_last_success_age")
    if "bot" in roles:
        metrics += ["bot_connected", "process_restarts"]
    return tuple(metrics)


def _rpc(ctx: Context) -> Cited[object] | None:
    for comp in ctx.profile.components:
        for item in comp.lists.get("rpc_env", ()):
            if item.evidence:
                return Cited(item.value, f"RPC {item.value} ({cite(item.evidence[0])})", item.evidence[:1])
    return None


def _critical_metrics(ctx: Context) -> Recommendation | None:
    names: list[str] = []
    sources: list[Cited[object]] = []

    def add(metrics: tuple[str, ...], source: Cited[object] | None) -> None:
        new = [m for m in metrics if m not in names]
        if new and source is not None:
            names.extend(new)
            sources.append(source)

    for comp in ctx.profile.services:
        add(_component_metrics(comp), service(comp))
    add(("signer_balance",), signing_key(ctx.profile))
    add(("rpc_error_rate",), _rpc(ctx))
    for store in data_stores(ctx.profile):
        add(("db_connections", "db_storage_free") if store.value in SERVER_DATABASES else ("disk_free",), store)
    if not names:
        return None
    return recommend(tuple(names), "one signal per component that can fail silently", *sources)


def _chat_bot(ctx: Context) -> Cited[object] | None:
    for comp in ctx.profile.services:
        framework = comp.fields.get("framework")
        if framework is None or not framework.evidence:
            continue
        channel = "discord" if framework.value in _DISCORD else "telegram" if framework.value in _TELEGRAM else None
        if channel is not None:
            return Cited(channel, f"{framework.value} bot ({cite(framework.evidence[0])})", framework.evidence[:1])
    return None


def _alert_channels(ctx: Context) -> Recommendation | None:
    allowed = allowed_values("monitoring.alert_channels")
    picked: dict[str, Cited[object]] = {}
    paging = answered(ctx, "team.paging")
    if paging is not None and paging.value in allowed:
        picked[str(paging.value)] = paging
    tools = answered(ctx, "team.existing_tools")
    if tools is not None and isinstance(tools.value, tuple):
        for name in tools.value:
            channel = str(name).lower().replace(" ", "")
            if channel in allowed:
                picked.setdefault(channel, tools)
    for channel, doc_name in (("slack", "Slack"), ("pagerduty", "PagerDuty")):
        hit = integration(ctx.profile, doc_name)
        if hit is not None:
            picked.setdefault(channel, hit)
    bot = _chat_bot(ctx)
    if bot is not None:
        picked.setdefault(str(bot.value), bot)
    if not picked:
        return None
    chosen = tuple(c for c in allowed if c in picked)
    unique = list({id(c): c for c in picked.values()}.values())
    return recommend(chosen, "alert where the people who act already are", *unique)


def _log_retention(ctx: Context) -> Recommendation | None:
    strict = compliance(ctx, STRICT_COMPLIANCE)
    if strict is not None:
        return recommend(365, "auditors expect a year of logs (PCI DSS requires 12 months)", strict)
    budget, priority = monthly_budget(ctx), answered(ctx, "budget.priority")
    if (budget is not None and isinstance(budget.value, int) and budget.value <= 50) or (
        priority is not None and priority.value == "cost"
    ):
        return recommend(7, "a week covers debugging a bad deploy; log storage is the cost", budget, priority)
    gdpr = compliance(ctx, ("gdpr",))
    if gdpr is not None:
        return recommend(30, "GDPR storage limitation: keep logs holding IPs or addresses no longer than needed",
                         gdpr)
    if priority is not None:
        return recommend(30, "a month covers incident investigation and month-over-month comparison", priority)
    return None


def _apm(ctx: Context) -> Recommendation | None:
    tools = answered(ctx, "team.existing_tools")
    listed = {t.lower() for t in tools.value} if tools is not None and isinstance(tools.value, tuple) else set()
    for value, names, _, _ in _APM:
        if listed & set(names):
            return recommend(value, "reuse the tool the team already runs", tools)
    for value, _, doc_name, prefixes in _APM:
        hit = (integration(ctx.profile, doc_name) if doc_name else None) or env_var(ctx.profile, prefixes)
        if hit is not None:
            return recommend(value, "already chosen by the project; wire it into every service", hit)
    svcs = services(ctx.profile)
    if len(svcs) >= 2:
        return recommend("opentelemetry", "several services hand work to each other; vendor-neutral OpenTelemetry "
                         "traces follow it", *svcs)
    only = ctx.profile.services[0] if svcs else None
    if only is not None and not {"http-server", "frontend"} & {str(v) for v in only.values("role")}:
        return recommend("none", "one process serving no HTTP requests: logs and a heartbeat are enough", svcs[0])
    return None


def _apm_enabled(ctx: Context) -> bool:
    return ctx.answer("monitoring.apm") != "none"


def _tracing(ctx: Context) -> Recommendation | None:
    svcs = services(ctx.profile)
    if len(svcs) >= 2:
        return recommend(True, "a trace shows which service a slow or failed request spent its time in", *svcs)
    if len(svcs) == 1:
        return recommend(False, "one service: logs and APM spans already tell the whole story", svcs[0])
    return None


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="monitoring.critical_metrics",
        prompt="Which metrics must raise an alert when they go wrong (e.g. error rate, indexer lag, signer balance)?",
        help="Each becomes a dashboard panel and an alert rule with a runbook, so keep it to what someone acts on.",
        kind="list",
        options=(
            Option(("http_5xx_rate", "http_latency_p95", "db_storage_free"), "Golden signals only",
                   pros=("Few alerts, little noise",),
                   cons=("Misses domain failures (stuck jobs, empty signer)",),
                   fits="Plain web APIs"),
            Option(("http_5xx_rate", "http_latency_p95", "signer_balance", "indexer_block_lag", "rpc_error_rate"),
                   "Golden signals + chain health",
                   pros=("Catches an empty relayer wallet or a stalled indexer before users do",),
                   cons=("Needs chain-aware exporters",),
                   fits="dApps with relayers, indexers or own RPC"),
            Option(("process_restarts", "cron_last_success_age", "disk_free"), "Process liveness only",
                   pros=("Enough for a single bot or cron job", "Free with a heartbeat check"),
                   cons=("No latency or error-rate insight",),
                   fits="One process without HTTP traffic"),
        ),
        recommend=_critical_metrics,
    ),
    Question(
        key="monitoring.alert_channels",
        prompt="Where should alerts be delivered (Slack, Discord, PagerDuty, email...)?",
        help="An alert nobody sees is no alert; pick where the people who act already are.",
        kind="multi",
        options=(
            Option(("slack",), "Slack channel",
                   pros=("Team sees and discusses alerts together",),
                   cons=("Easy to mute; no escalation at night",),
                   fits="Teams working in Slack, business-hours response"),
            Option(("discord",), "Discord channel (webhook)",
                   pros=("Free, no bot needed for a webhook", "Where crypto communities already are"),
                   cons=("No acknowledgement or escalation",),
                   fits="Community projects and bots"),
            Option(("slack", "pagerduty"), "Slack for warnings, PagerDuty for pages",
                   pros=("Phone/SMS escalation until acknowledged", "Noise stays in chat, only pages wake people"),
                   cons=("PagerDuty is paid per user", "Two routes to keep in sync"),
                   fits="24x7 on-call"),
        ),
        recommend=_alert_channels,
        required=True,
    ),
    Question(
        key="monitoring.log_retention_days",
        prompt="How many days must application logs be kept and searchable?",
        help="Retention drives log storage cost and is often set by compliance (audits) or privacy (GDPR) rules.",
        kind="int",
        options=(
            Option(7, "7 days",
                   pros=("Cheapest storage",),
                   cons=("A problem noticed after a week has no logs",),
                   fits="Bots, pilots, cost-first projects"),
            Option(30, "30 days",
                   pros=("Covers most incident investigations",),
                   cons=("Not enough for audit trails",),
                   fits="Production apps without audit requirements"),
            Option(365, "365 days",
                   pros=("Satisfies SOC 2 / PCI DSS style audits",),
                   cons=("Storage cost grows with volume; archive tier needed", "Personal data kept longer"),
                   fits="Regulated or audited services"),
        ),
        recommend=_log_retention,
    ),
    Question(
        key="monitoring.apm",
        prompt="Which application performance monitoring (APM) / error tracking should the services report to?",
        help="APM shows slow endpoints and exceptions per release; picking one decides the SDKs and secrets to wire.",
        kind="choice",
        options=(
            Option("none", "None (logs and metrics only)",
                   pros=("No extra cost or SDK",),
                   cons=("Exceptions found by reading logs",),
                   fits="Single processes without HTTP traffic"),
            Option("sentry", "Sentry",
                   pros=("Exceptions with stack traces, releases and performance in one tool",),
                   cons=("Event-based pricing; sampling needed at volume",),
                   fits="Web apps and APIs, small teams"),
            Option("opentelemetry", "OpenTelemetry (vendor-neutral)",
                   pros=("One SDK, any backend (Grafana Tempo, Honeycomb, Datadog...)",),
                   cons=("A collector and a backend to choose and run",),
                   fits="Several services, avoiding vendor lock-in"),
        ),
        recommend=_apm,
    ),
    Question(
        key="monitoring.tracing",
        prompt="Do you need distributed tracing across services?",
        help="Tracing links one request across services and queues; it costs span storage and SDK setup.",
        kind="bool",
        options=(
            Option(True, "Yes, trace across services",
                   pros=("Finds which hop is slow or failing",),
                   cons=("Span storage cost", "Context must be propagated through queues"),
                   fits="Two or more services calling or queueing to each other"),
            Option(False, "No, logs and metrics only",
                   pros=("Nothing more to run or pay for",),
                   cons=("Cross-service problems are found by correlating logs",),
                   fits="A single service"),
        ),
        when=_apm_enabled,
        recommend=_tracing,
    ),
)
