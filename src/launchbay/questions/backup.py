"""Backup and disaster-recovery questions: how much data may be lost, how fast to recover, where to.

Asked only when review found a data store (or multi-region was chosen): a stateless app has
nothing to restore. Managed databases make a 5-minute RPO nearly free, so that is proposed
whenever one exists; a single SQLite file is backed up as the docs say, by copying it.
"""

from __future__ import annotations

import re

from launchbay.questions.base import Context, Option, Question, Recommendation
from launchbay.questions.ops_evidence import (
    SERVER_DATABASES,
    Cited,
    answered,
    data_store_or_multi_region,
    data_stores,
    finding,
    has_data_store,
    monthly_budget,
    recommend,
    uptime,
)

_STATED = re.compile(r"\b(nightly|daily|hourly|weekly)\b[^.;]{0,40}\bbackups?\b|\bbackups?\b[^.;]{0,40}\b"
                     r"(nightly|daily|hourly|weekly)\b", re.I)
_FREQUENCY = {"nightly": "daily", "daily": "daily", "hourly": "hourly", "weekly": "weekly"}
_RPO_OF = {"daily": 1440, "hourly": 60, "weekly": 10080}

# Same-jurisdiction partner regions (Azure's official pairs; nearby same-country regions elsewhere).
_DR_PAIRS = {
    "us-east-1": "us-west-2", "us-east-2": "us-west-2", "us-west-2": "us-east-1", "us-west-1": "us-west-2",
    "eu-west-1": "eu-central-1", "eu-central-1": "eu-west-1", "eu-west-3": "eu-central-1",
    "eu-north-1": "eu-central-1", "ca-central-1": "ca-west-1", "ap-northeast-1": "ap-northeast-3",
    "ap-southeast-2": "ap-southeast-4",
    "us-central1": "us-east1", "us-east1": "us-central1", "us-east4": "us-central1", "us-west1": "us-central1",
    "europe-west1": "europe-west4", "europe-west4": "europe-west1", "europe-west3": "europe-west4",
    "asia-northeast1": "asia-northeast2",
    "eastus": "westus", "westus": "eastus", "eastus2": "centralus", "centralus": "eastus2",
    "westus3": "eastus", "northeurope": "westeurope", "westeurope": "northeurope", "uksouth": "ukwest",
    "germanywestcentral": "germanynorth", "francecentral": "francesouth", "japaneast": "japanwest",
    "australiaeast": "australiasoutheast", "canadacentral": "canadaeast",
}


def _managed_db(ctx: Context) -> tuple[Cited[object] | None, Cited[object] | None]:
    """The first server database, unless the cloud answer rules out managed ones (self-hosted)."""
    cloud = answered(ctx, "deployment.cloud")
    server = next((s for s in data_stores(ctx.profile) if s.value in SERVER_DATABASES), None)
    if cloud is not None and cloud.value == "self-hosted":
        return None, cloud
    return server, cloud


def _stated(ctx: Context) -> tuple[str, Cited[object]] | None:
    """A backup frequency the planning docs already state ("Nightly backup of ...")."""
    hit = finding(ctx.profile, _STATED)
    if hit is None:
        return None
    match = _STATED.search(str(hit.value))
    word = (match.group(1) or match.group(2)).lower() if match else ""
    return (_FREQUENCY[word], hit) if word in _FREQUENCY else None


def _rpo(ctx: Context) -> Recommendation | None:
    server, cloud = _managed_db(ctx)
    if server is not None:
        return recommend(5, "managed point-in-time recovery replays the log to within ~5 minutes at no extra "
                         "instance cost", server, cloud)
    stated = _stated(ctx)
    if stated is not None:
        frequency, hit = stated
        return recommend(_RPO_OF[frequency], f"the docs already plan {frequency} copies; RPO follows", hit)
    return None


def _rto(ctx: Context) -> Recommendation | None:
    up = uptime(ctx)
    if up is not None and up.value >= 99.9:
        return recommend(15, "≤ 43 min of downtime a month: a restore must fit well inside it", up)
    if up is not None and up.value >= 99.5:
        return recommend(60, "≈ 3.6 h of downtime a month allows a one-hour restore", up)
    if up is not None:
        return recommend(240, "≈ 7 h of downtime a month allows a restore within a few hours", up)
    budget, priority = monthly_budget(ctx), answered(ctx, "budget.priority")
    if (budget is not None and isinstance(budget.value, int) and budget.value <= 50) or (
        priority is not None and priority.value == "cost"
    ):
        return recommend(240, "a standby costs more than the budget allows; restore by hand within hours",
                         budget, priority)
    return None


def _frequency(ctx: Context) -> Recommendation | None:
    rpo = answered(ctx, "backup.rpo_minutes")
    if rpo is not None and isinstance(rpo.value, int):
        value = ("continuous" if rpo.value <= 15 else "hourly" if rpo.value <= 60
                 else "daily" if rpo.value <= 1440 else "weekly")
        return recommend(value, "the backup interval must not exceed the RPO", rpo)
    server, cloud = _managed_db(ctx)
    if server is not None:
        return recommend("continuous", "managed databases stream the log continuously plus daily snapshots",
                         server, cloud)
    stated = _stated(ctx)
    if stated is not None:
        return recommend(stated[0], "the docs already plan this", stated[1])
    return None


def _dr_region(ctx: Context) -> Recommendation | None:
    primary = answered(ctx, "deployment.primary_region")
    if primary is None or ctx.answer("deployment.cloud") == "self-hosted":
        return None
    pair = _DR_PAIRS.get(str(primary.value))
    if pair is None:
        return None
    return recommend(pair, "a partner region in the same jurisdiction keeps copies under the same data rules",
                     primary)


def _failover(ctx: Context) -> Recommendation | None:
    multi = answered(ctx, "deployment.multi_region")
    if multi is not None and multi.value is True:
        return recommend("automatic", "both regions serve already; health-checked DNS moves traffic", multi)
    stores = data_stores(ctx.profile)
    if stores and all(s.value == "sqlite" for s in stores):
        return recommend("none", "one machine: recovery is restoring the file on a fresh VM", stores[0])
    up = uptime(ctx)
    if up is not None and up.value >= 99.99:
        return recommend("automatic", "minutes of downtime a month leave no time for a human", up)
    if up is not None and up.value >= 99.9:
        return recommend("manual", "a rehearsed runbook (promote the replica, switch DNS) fits the downtime budget",
                         up)
    dr = answered(ctx, "backup.dr_region")
    if dr is not None:
        return recommend("manual", "a DR region without live traffic is entered by runbook", dr)
    if up is not None:
        return recommend("none", "the target allows restoring in place within hours", up)
    return None


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="backup.rpo_minutes",
        prompt="How many minutes of recent data could you afford to lose in a disaster (RPO)?",
        help="RPO sets the backup mechanism: continuous log shipping for minutes, snapshots for hours or a day.",
        kind="int",
        options=(
            Option(5, "5 minutes (point-in-time recovery)",
                   pros=("Built into managed Postgres/MySQL", "Restore to any second in the window"),
                   cons=("Self-hosted needs WAL archiving (pgBackRest, WAL-G)",),
                   fits="Databases holding user or financial records"),
            Option(60, "1 hour (hourly snapshots)",
                   pros=("Simple, works for any store",),
                   cons=("Up to an hour of writes lost",),
                   fits="Data that can be re-entered or re-derived"),
            Option(1440, "1 day (nightly copy)",
                   pros=("Cheapest; a cron job and object storage",),
                   cons=("A day of data lost",),
                   fits="SQLite files, caches of chain data that can be re-indexed"),
        ),
        when=has_data_store,
        recommend=_rpo,
        required=True,
    ),
    Question(
        key="backup.rto_minutes",
        prompt="Within how many minutes must service be back after losing its database or region (RTO)?",
        help="RTO decides between restoring from backup (hours), a warm replica (minutes) and active standby.",
        kind="int",
        options=(
            Option(15, "15 minutes",
                   pros=("Fits a 99.9% monthly downtime budget",),
                   cons=("Needs a replica or standby ready to promote", "Needs a rehearsed runbook"),
                   fits="Customer-facing apps with 99.9%+ targets"),
            Option(60, "1 hour",
                   pros=("Restore of a small managed database fits",),
                   cons=("An hour of outage per incident",),
                   fits="99.5% targets, B2B pilots"),
            Option(240, "4 hours",
                   pros=("No standby to pay for",),
                   cons=("Long outage; manual work under pressure",),
                   fits="Bots, internal tools, cost-first projects"),
        ),
        when=has_data_store,
        recommend=_rto,
        required=True,
    ),
    Question(
        key="backup.frequency",
        prompt="How often should data be backed up: continuously, hourly or daily?",
        help="Must be at least as frequent as the RPO allows; also sets backup storage cost.",
        kind="choice",
        options=(
            Option("continuous", "Continuous (log shipping / PITR)",
                   pros=("Minutes of loss at most",),
                   cons=("Log storage grows with write volume",),
                   fits="Managed Postgres/MySQL, RPO ≤ 15 min"),
            Option("hourly", "Hourly snapshots",
                   pros=("Simple to restore",),
                   cons=("Many snapshots to prune",),
                   fits="RPO of about an hour"),
            Option("daily", "Daily",
                   pros=("Cheapest; easy to verify",),
                   cons=("Up to a day lost",),
                   fits="SQLite files, re-derivable data"),
        ),
        when=has_data_store,
        recommend=_frequency,
    ),
    Question(
        key="backup.dr_region",
        prompt="Which region should hold backup copies and the recovery environment (DR region)?",
        help="Copies in a second region survive a regional outage; keep it in the same jurisdiction for privacy law.",
        kind="text",
        options=(
            Option("eu-central-1", "EU partner region (e.g. eu-west-1 → eu-central-1)",
                   pros=("Data stays in the EU (GDPR)",),
                   cons=("Cross-region transfer and storage cost",),
                   fits="EU-hosted apps"),
            Option("us-west-2", "Other US coast (e.g. us-east-1 → us-west-2)",
                   pros=("Far enough to avoid shared disasters",),
                   cons=("Cross-region transfer and storage cost",),
                   fits="US-hosted apps"),
        ),
        when=data_store_or_multi_region,
        recommend=_dr_region,
    ),
    Question(
        key="backup.failover",
        prompt="When the primary database or region fails, should failover be automatic, manual, or not at all?",
        help="Automatic failover needs a live standby and health checks; manual needs a rehearsed runbook.",
        kind="choice",
        options=(
            Option("automatic", "Automatic",
                   pros=("Recovers in minutes without a human",),
                   cons=("Pays for a live standby", "Split-brain risk if checks are wrong"),
                   fits="Multi-region or 99.99% targets"),
            Option("manual", "Manual (runbook)",
                   pros=("A person confirms before promoting",),
                   cons=("Recovery waits for someone to act",),
                   fits="99.9% targets with on-call"),
            Option("none", "None: restore in place",
                   pros=("Nothing extra to run",),
                   cons=("Outage lasts as long as the restore",),
                   fits="Single VM, SQLite, loose targets"),
        ),
        when=data_store_or_multi_region,
        recommend=_failover,
    ),
)
