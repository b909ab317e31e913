"""Answers that cannot all be true at once (or cannot be built as stated).

Each rule names the keys involved and says what to change. Budget floors are stated here as data
with the reasoning; the plan stage computes real costs and repeats the check with exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchbay.models.answers import Answers

# Minutes between backups for each frequency; continuous (PITR / WAL shipping) is ~5 minutes.
BACKUP_INTERVAL_MINUTES = {"continuous": 5, "hourly": 60, "daily": 1440, "weekly": 10080}
# The smallest multi-region footprint launchbay generates on AWS is two copies of a single-region
# production stack (load balancer, NAT, two app tasks, database + cross-region replica); below this
# monthly budget it cannot be built, whatever the plan. The plan stage checks the exact figure.
MULTI_REGION_FLOOR_USD = 400
HIGH_AVAILABILITY_FLOOR_USD = 150  # 99.95%+ needs multi-AZ database and at least two app instances


@dataclass(frozen=True)
class Contradiction:
    keys: str
    message: str


def find_contradictions(a: Answers) -> list[Contradiction]:
    """Every contradiction between answered fields (unanswered fields never contradict)."""
    out: list[Contradiction] = []
    b, d, s = a.backup, a.deployment, a.scale
    if b.rpo_minutes is not None and b.frequency is not None:
        interval = BACKUP_INTERVAL_MINUTES[b.frequency]
        if b.rpo_minutes < interval:
            out.append(Contradiction("backup.rpo_minutes+backup.frequency",
                                     f"an RPO of {b.rpo_minutes} min cannot be met by {b.frequency} backups "
                                     f"(up to {interval} min of data lost); choose continuous backups or a larger RPO"))
    budget = a.budget.monthly_usd
    if d.multi_region and budget is not None and budget < MULTI_REGION_FLOOR_USD:
        out.append(Contradiction("deployment.multi_region+budget.monthly_usd",
                                 f"multi-region needs at least ${MULTI_REGION_FLOOR_USD}/month; "
                                 f"the budget is ${budget}"))
    if s.uptime_target in {"99.95", "99.99"} and budget is not None and budget < HIGH_AVAILABILITY_FLOOR_USD:
        out.append(Contradiction("scale.uptime_target+budget.monthly_usd",
                                 f"{s.uptime_target}% uptime needs redundant instances and a multi-AZ database "
                                 f"(at least ${HIGH_AVAILABILITY_FLOOR_USD}/month); the budget is ${budget}"))
    if a.blockchain.node_role == "validator" and a.blockchain.key_management in {None, "none"}:
        out.append(Contradiction("blockchain.node_role+blockchain.key_management",
                                 "validator nodes sign: choose key management (remote signer, HSM or KMS) first"))
    if a.cicd.deploy_strategy == "canary" and a.monitoring.apm in {None, "none"} and not a.monitoring.critical_metrics:
        out.append(Contradiction("cicd.deploy_strategy+monitoring",
                                 "canary releases are judged by metrics: name critical metrics or an APM first"))
    if b.dr_region is not None and b.dr_region == d.primary_region:
        out.append(Contradiction("backup.dr_region+deployment.primary_region",
                                 "the DR region must differ from the primary region"))
    if b.failover == "automatic" and b.dr_region is None and not d.multi_region:
        out.append(Contradiction("backup.failover+backup.dr_region",
                                 "automatic failover needs somewhere to fail over to: set a DR region or multi-region"))
    if a.team.oncall == "24x7" and a.team.paging == "none":
        out.append(Contradiction("team.oncall+team.paging", "24x7 on-call needs a paging service"))
    if a.monitoring.alert_channels and "pagerduty" in a.monitoring.alert_channels and a.team.paging == "opsgenie":
        out.append(Contradiction("monitoring.alert_channels+team.paging",
                                 "alerts go to PagerDuty but the paging service is Opsgenie; pick one"))
    if b.rto_minutes is not None and b.rpo_minutes is not None and b.failover == "none" and b.rto_minutes < 60:
        out.append(Contradiction("backup.rto_minutes+backup.failover",
                                 f"restoring from backups takes longer than {b.rto_minutes} min; an RTO under an hour "
                                 "needs a standby (failover manual or automatic)"))
    return out
