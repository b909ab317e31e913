"""The interview catalogue covers the specification's Phase 2 list, question for question, and
matches the Answers model one to one."""

from __future__ import annotations

import pytest

from launchbay.models.answers import allowed_values, answer_keys
from launchbay.questions import CATALOGUE

# Every question of the specification's Phase 2 ("Requirements Clarification"), with the answer
# key(s) that hold it. Keep this list in the words of the specification.
SPEC_PHASE_2: dict[str, tuple[str, ...]] = {
    "Cloud Provider: AWS, GCP, Azure, or self-hosted?": ("deployment.cloud",),
    "Regions: Which regions for deployment? Multi-region?": ("deployment.primary_region", "deployment.multi_region"),
    "Environments: Dev, staging, production? How many?": ("deployment.environments",),
    "Domain: What domain(s) will this use? DNS management?": ("deployment.domain", "deployment.dns_provider"),
    "Chains: Which blockchains to support?": ("blockchain.chains",),
    "Node Infrastructure: Deploy own nodes or use third-party providers?": (
        "blockchain.node_strategy", "blockchain.rpc_providers"),
    "Validator/RPC: Need to run validators or just RPC nodes?": ("blockchain.node_role",),
    "Indexers: Need blockchain indexers? Which ones?": ("blockchain.indexer",),
    "Key Management: HSM requirements? MPC? Custody solution?": (
        "blockchain.key_management", "blockchain.contract_admin"),
    "Expected Traffic: Daily active users? Requests per second?": ("scale.dau", "scale.peak_rps"),
    "Data Volume: Database size estimates? Storage needs?": ("scale.data_volume_gb", "scale.data_growth_gb_month"),
    "Geographic Distribution: Where are users located?": ("scale.user_regions",),
    "Performance SLAs: Required latency? Uptime guarantees?": ("scale.latency_p95_ms", "scale.uptime_target"),
    "Compliance: SOC 2, ISO 27001, GDPR, other requirements?": ("security.compliance",),
    "Authentication: OAuth, SSO, custom? Provider details?": ("security.auth_method", "security.auth_provider"),
    "Secrets Management: Vault, AWS Secrets Manager, other?": ("security.secrets_manager",),
    "Audit Logging: Requirements for audit trails?": ("security.audit_logging",),
    "Network Security: VPN access? IP whitelisting?": ("security.network_security",),
    "Budget Constraints: Monthly infrastructure budget?": ("budget.monthly_usd",),
    "Cost Priorities: Optimize for cost or performance?": ("budget.priority",),
    "Reserved Instances: Long-term commitments acceptable?": ("budget.commitment",),
    "Team Size: How many engineers will operate this?": ("team.size",),
    "On-Call: On-call rotation setup? Paging service?": ("team.oncall", "team.paging"),
    "Existing Tools: Current monitoring/logging stack?": ("team.existing_tools",),
    "Access Management: How will team access infrastructure?": ("team.access",),
    "Metrics: What metrics are critical to monitor?": ("monitoring.critical_metrics",),
    "Alerting: Who gets alerts? Channels (Slack, PagerDuty, email)?": ("monitoring.alert_channels",),
    "Logging: Retention requirements? Log analysis needs?": ("monitoring.log_retention_days",),
    "Observability: APM requirements? Distributed tracing?": ("monitoring.apm", "monitoring.tracing"),
    "Git Repository: GitHub, GitLab, Bitbucket, other?": ("cicd.git_host",),
    "Branch Strategy: GitFlow, trunk-based, other?": ("cicd.branch_strategy",),
    "Deployment Strategy: Rolling, blue-green, canary?": ("cicd.deploy_strategy",),
    "Approval Process: Manual approvals required? Who approves?": ("cicd.approvals", "cicd.approvers"),
    "RPO/RTO: Recovery Point/Time Objectives?": ("backup.rpo_minutes", "backup.rto_minutes"),
    "Backup Frequency: How often to backup data?": ("backup.frequency",),
    "DR Region: Disaster recovery region?": ("backup.dr_region",),
    "Failover: Automated or manual failover?": ("backup.failover",),
}


def test_every_specification_question_has_a_catalogue_entry() -> None:
    missing = [(q, k) for q, keys in SPEC_PHASE_2.items() for k in keys if k not in CATALOGUE]
    assert not missing


def test_answers_fields_and_questions_match_one_to_one() -> None:
    assert list(CATALOGUE) == list(answer_keys())
    covered = {k for keys in SPEC_PHASE_2.values() for k in keys}
    assert covered == set(answer_keys()), "every answer key traces to a specification question"


@pytest.mark.parametrize("key", list(CATALOGUE))
def test_each_question_has_two_or_three_options_with_pros_and_cons(key: str) -> None:
    q = CATALOGUE[key]
    assert q.prompt.endswith("?") and q.help
    assert 2 <= len(q.options) <= 3
    for opt in q.options:
        assert opt.label and opt.pros and opt.cons and opt.fits
    allowed = allowed_values(key)
    if q.kind == "choice":
        assert all(o.value in allowed for o in q.options)
    if q.kind == "multi":
        assert all(isinstance(o.value, tuple) and set(o.value) <= set(allowed) for o in q.options)
