"""Team questions: who operates the system, when they answer pages, and how they get in.

A design one person cannot operate is a bad design, however cheap; these answers decide how
much must be managed, self-healing and paged versus merely logged.
"""

from __future__ import annotations

import re

from launchbay.questions.base import Context, Option, Question, Recommendation, cite, doc_target
from launchbay.questions.ops_evidence import (
    STRICT_COMPLIANCE,
    Cited,
    answered,
    compliance,
    env_var,
    finding,
    integration,
    recommend,
    uptime,
)

_HANDS_OFF = re.compile(r"\bno (?:attention|supervision|on-?call)\b|\bunattended\b|\bhands[- ]off\b", re.I)

# Ops tools the team may already pay for: (name, doc integration name, env var prefixes).
_TOOLS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("Sentry", "Sentry", ("SENTRY_",)),
    ("Datadog", "Datadog", ("DD_", "DATADOG_")),
    ("New Relic", None, ("NEW_RELIC_",)),
    ("Grafana", None, ("GRAFANA_",)),
    ("OpenTelemetry", None, ("OTEL_",)),
    ("PagerDuty", "PagerDuty", ("PAGERDUTY_",)),
    ("Slack", "Slack", ("SLACK_",)),
)


def _size(ctx: Context) -> Recommendation | None:
    stated = doc_target(ctx.profile, "team_size")
    if stated is None:
        return None
    value, ev = stated
    reason = f"docs name {value} people operating it ({cite(ev)}) → size the rotation and tooling for them"
    return Recommendation(int(str(value)), reason, (ev,))


def _oncall(ctx: Context) -> Recommendation | None:
    up = uptime(ctx)
    if up is not None and up.value >= 99.9:
        return recommend("24x7", "≤ 43 min of downtime a month cannot wait for the morning", up)
    if up is not None:
        return recommend("business-hours", "the target absorbs an overnight outage; auto-restart covers nights", up)
    hands_off = finding(ctx.profile, _HANDS_OFF, ("business_goal", "critical_feature", "infra_note"))
    if hands_off is not None:
        return recommend("none", "the docs ask for no operator attention; rely on restarts and a daily check",
                         hands_off)
    return None


def _paging(ctx: Context) -> Recommendation | None:
    oncall = answered(ctx, "team.oncall")
    if oncall is None:
        return None
    if oncall.value == "business-hours":
        return recommend("none", "alerts in chat are seen during working hours; no phone escalation needed", oncall)
    pagerduty = integration(ctx.profile, "PagerDuty") or env_var(ctx.profile, ("PAGERDUTY_",))
    if oncall.value == "24x7" and pagerduty is not None:
        return recommend("pagerduty", "24x7 needs phone escalation and PagerDuty is already in use", oncall, pagerduty)
    return None


def _existing_tools(ctx: Context) -> Recommendation | None:
    found: list[Cited[object]] = []
    for name, doc_name, prefixes in _TOOLS:
        hit = (integration(ctx.profile, doc_name) if doc_name else None) or env_var(ctx.profile, prefixes)
        if hit is not None:
            found.append(Cited(name, hit.text, hit.evidence))
    if not found:
        return None
    names = tuple(str(f.value) for f in found)
    return recommend(names, "keep what the team already uses instead of adding a second stack", *found)


def _not_no_oncall(ctx: Context) -> bool:
    return ctx.answer("team.oncall") != "none"


def _access(ctx: Context) -> Recommendation | None:
    cloud = answered(ctx, "deployment.cloud")
    if cloud is None:
        return None
    if cloud.value == "self-hosted":
        return recommend("bastion", "no cloud identity service: one hardened jump host with per-person SSH keys",
                         cloud)
    audited = compliance(ctx, STRICT_COMPLIANCE)
    return recommend("sso", "the cloud's identity centre is free, gives short-lived credentials and one place "
                     "to offboard", cloud, audited)


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="team.size",
        prompt="How many engineers will operate production (deploys, incidents, upgrades)?",
        help="Sets how much must be managed and self-healing, and whether an on-call rotation is possible at all.",
        kind="int",
        options=(
            Option(1, "One engineer",
                   pros=("No coordination overhead",),
                   cons=("No 24x7 cover; a holiday is a risk", "Everything must be managed or self-healing"),
                   fits="Side projects, bots, pilots"),
            Option(3, "A small team (2–4)",
                   pros=("Reviews and a light rotation are possible",),
                   cons=("24x7 on-call means a shift every few weeks at best",),
                   fits="Early-stage products with one or two services"),
            Option(10, "A platform/ops group (5+)",
                   pros=("Sustainable 24x7 rotation", "Can run Kubernetes or own nodes"),
                   cons=("Needs SSO, runbooks and access reviews to stay safe",),
                   fits="Many services, own infrastructure, compliance audits"),
        ),
        recommend=_size,
    ),
    Question(
        key="team.oncall",
        prompt="Who responds when production breaks outside working hours: nobody, business hours only, or 24x7?",
        help="On-call coverage must match the uptime target: 99.9% leaves 43 minutes of downtime a month.",
        kind="choice",
        options=(
            Option("none", "No on-call",
                   pros=("No pager burden",),
                   cons=("Outages last until someone notices",),
                   fits="Bots, internal tools, no uptime promise"),
            Option("business-hours", "Business hours",
                   pros=("Humane for small teams", "Chat alerts are enough"),
                   cons=("Night and weekend outages wait", "Fits 99.5% or looser targets"),
                   fits="Pilots and B2B tools with 99.0–99.5% targets"),
            Option("24x7", "24x7 rotation",
                   pros=("Meets 99.9%+ targets",),
                   cons=("Needs 3–4 people for a sane rotation", "Needs a paging service"),
                   fits="Consumer apps, money-moving services, 99.9%+ targets"),
        ),
        recommend=_oncall,
    ),
    Question(
        key="team.paging",
        prompt="Which service should page the on-call engineer (phone/SMS escalation)?",
        help="Chat alerts are missed at night; a pager escalates until someone acknowledges.",
        kind="choice",
        options=(
            Option("none", "No pager, chat alerts only",
                   pros=("Free", "Nothing more to configure"),
                   cons=("No escalation when nobody reads chat",),
                   fits="Business-hours on-call"),
            Option("pagerduty", "PagerDuty",
                   pros=("Mature escalation, schedules and phone calls", "Integrates with most monitoring tools"),
                   cons=("Per-user monthly price",),
                   fits="24x7 rotations, teams already on PagerDuty"),
            Option("grafana-oncall", "Grafana OnCall / Grafana Cloud IRM",
                   pros=("Fits a Grafana/Prometheus stack", "Cheaper for small teams"),
                   cons=("The open-source edition is in maintenance mode; the cloud product is the maintained one",),
                   fits="Teams whose metrics and alerts already live in Grafana"),
        ),
        when=_not_no_oncall,
        recommend=_paging,
    ),
    Question(
        key="team.existing_tools",
        prompt="Which monitoring, logging or alerting tools does the team already use (e.g. Sentry, Grafana, Datadog)?",
        help="Generated dashboards and alerts plug into existing tools rather than adding a second stack.",
        kind="list",
        options=(
            Option(("Sentry",), "Error tracking only (Sentry)",
                   pros=("Exceptions with stack traces and releases",),
                   cons=("No infrastructure metrics or log search",),
                   fits="Small apps; pair with the cloud's own metrics"),
            Option(("Grafana", "Prometheus", "Loki"), "Open-source stack (Grafana, Prometheus, Loki)",
                   pros=("No per-host licence", "Chain exporters exist for it"),
                   cons=("You run and upgrade it (or pay Grafana Cloud)",),
                   fits="Kubernetes or own nodes, cost-sensitive teams"),
            Option(("Datadog",), "Hosted all-in-one (Datadog)",
                   pros=("Metrics, logs, APM in one place with little setup",),
                   cons=("Per-host and per-GB pricing grows fast",),
                   fits="Teams that prefer paying to operating"),
        ),
        recommend=_existing_tools,
    ),
    Question(
        key="team.access",
        prompt="How will engineers get access to the cloud account and servers?",
        help="Access is the most common breach path; central identity makes offboarding and audits one step.",
        kind="choice",
        options=(
            Option("sso", "SSO via the cloud's identity centre",
                   pros=("Short-lived credentials, no long-lived keys", "One place to offboard; audit-friendly"),
                   cons=("Needs an identity provider set up first",),
                   fits="Any cloud account with more than one person, SOC 2/ISO 27001"),
            Option("ssm", "AWS Systems Manager Session Manager",
                   pros=("Shell access without open SSH ports", "Sessions logged to CloudWatch/S3"),
                   cons=("AWS only; covers hosts, not the console",),
                   fits="AWS with EC2 hosts, in addition to SSO"),
            Option("bastion", "Bastion host with SSH keys",
                   pros=("Works anywhere, including self-hosted",),
                   cons=("Keys to rotate and an exposed host to patch",),
                   fits="Self-hosted or single-VM setups"),
        ),
        recommend=_access,
    ),
)
