"""Monitoring questions: metrics from the components found, channels, retention, APM, tracing."""

from __future__ import annotations

from launchbay.questions import monitoring
from tests.questions.ops_support import by_key, check_catalogue, check_recommendations, ctx, rec

Q = by_key(monitoring.QUESTIONS)


def test_catalogue_shape() -> None:
    check_catalogue(monitoring.QUESTIONS, "monitoring")
    assert [q.key for q in monitoring.QUESTIONS if q.required] == ["monitoring.alert_channels"]


def test_recommendations_validate_and_cite() -> None:
    check_recommendations(monitoring.QUESTIONS)


def test_chain_metrics_for_the_dapp() -> None:
    found = rec(Q["monitoring.critical_metrics"], ctx("evm-dapp"))
    assert isinstance(found.value, tuple)
    assert {"http_5xx_rate", "indexer_block_lag", "signer_balance", "rpc_error_rate", "db_storage_free"} <= set(
        found.value)
    assert "apps/api/src/relayer.ts:30" in found.rationale and "apps/indexer/package.json:15" in found.rationale


def test_worker_metrics_for_the_python_service() -> None:
    found = rec(Q["monitoring.critical_metrics"], ctx("py-web3"))
    assert isinstance(found.value, tuple)
    assert {"job_failures", "queue_depth", "signer_balance"} <= set(found.value)
    assert "api/app/chain.py:73" in found.rationale and "worker/pyproject.toml:7" in found.rationale


def test_liveness_metrics_for_the_bot() -> None:
    found = rec(Q["monitoring.critical_metrics"], ctx("discord-bot"))
    assert found.value == ("cron_last_success_age", "bot_connected", "process_restarts", "disk_free")
    assert "package.json:14" in found.rationale and "package.json:13" in found.rationale


def test_alert_channels() -> None:
    q = Q["monitoring.alert_channels"]
    bot = rec(q, ctx("discord-bot"))
    assert bot.value == ("discord",) and "discord.js bot (package.json:14)" in bot.rationale
    assert q.recommend(ctx("evm-dapp")) is None
    paged = rec(q, ctx("evm-dapp", {"team.paging": "pagerduty", "team.existing_tools": ("Slack", "Sentry")}))
    assert paged.value == ("slack", "pagerduty")
    assert "(team.paging)" in paged.rationale and "(team.existing_tools)" in paged.rationale


def test_log_retention_from_answers_only() -> None:
    q = Q["monitoring.log_retention_days"]
    assert q.recommend(ctx("evm-dapp")) is None
    audited = rec(q, ctx("evm-dapp", {"security.compliance": ("gdpr", "soc2")}))
    assert audited.value == 365 and "compliance=gdpr,soc2 (security.compliance)" in audited.rationale
    cheap = rec(q, ctx("discord-bot", {"budget.monthly_usd": 10}))
    assert cheap.value == 7 and "(budget.monthly_usd)" in cheap.rationale
    private = rec(q, ctx("evm-dapp", {"security.compliance": ("gdpr",)}))
    assert private.value == 30 and "GDPR" in private.rationale
    balanced = rec(q, ctx("py-web3", {"budget.priority": "balanced"}))
    assert balanced.value == 30 and "(budget.priority)" in balanced.rationale


def test_apm() -> None:
    q = Q["monitoring.apm"]
    evm = rec(q, ctx("evm-dapp"))
    assert evm.value == "sentry" and "docs/prd.md:65" in evm.rationale
    py = rec(q, ctx("py-web3"))
    assert py.value == "opentelemetry" and "api/pyproject.toml:9" in py.rationale
    bot = rec(q, ctx("discord-bot"))
    assert bot.value == "none" and "package.json:14" in bot.rationale
    told = rec(q, ctx("evm-dapp", {"team.existing_tools": ("Datadog",)}))
    assert told.value == "datadog" and "(team.existing_tools)" in told.rationale


def test_tracing() -> None:
    q = Q["monitoring.tracing"]
    assert not q.when(ctx("discord-bot", {"monitoring.apm": "none"}))
    assert q.when(ctx("evm-dapp", {"monitoring.apm": "sentry"}))
    assert rec(q, ctx("evm-dapp")).value is True
    bot = rec(q, ctx("discord-bot"))
    assert bot.value is False and "package.json:14" in bot.rationale
