"""Backup questions: asked only with data stores; RPO/RTO from databases, docs and uptime."""

from __future__ import annotations

from launchbay.questions import backup
from tests.questions.ops_support import by_key, check_catalogue, check_recommendations, ctx, empty_profile, rec

Q = by_key(backup.QUESTIONS)


def test_catalogue_shape() -> None:
    check_catalogue(backup.QUESTIONS, "backup")
    assert [q.key for q in backup.QUESTIONS if q.required] == ["backup.rpo_minutes", "backup.rto_minutes"]


def test_recommendations_validate_and_cite() -> None:
    check_recommendations(backup.QUESTIONS)


def test_asked_only_with_data_or_multi_region() -> None:
    for q in backup.QUESTIONS:
        assert q.when(ctx("discord-bot")) and q.when(ctx("evm-dapp")), q.key
        assert not q.when(ctx(empty_profile())), q.key
    multi = ctx(empty_profile(), {"deployment.multi_region": True})
    assert Q["backup.dr_region"].when(multi) and Q["backup.failover"].when(multi)
    assert not Q["backup.rpo_minutes"].when(multi)


def test_rpo_and_frequency_for_managed_databases() -> None:
    evm = rec(Q["backup.rpo_minutes"], ctx("evm-dapp"))
    assert evm.value == 5 and "postgres (apps/api/prisma/schema.prisma:7)" in evm.rationale
    assert rec(Q["backup.frequency"], ctx("py-web3")).value == "continuous"
    # Self-hosted: PITR is not free any more, so no RPO is assumed.
    assert Q["backup.rpo_minutes"].recommend(ctx("py-web3", {"deployment.cloud": "self-hosted"})) is None


def test_rpo_and_frequency_for_the_sqlite_bot_follow_its_docs() -> None:
    rpo = rec(Q["backup.rpo_minutes"], ctx("discord-bot"))
    assert rpo.value == 1440 and "loa-grimoire/sprint.md:21" in rpo.rationale
    freq = rec(Q["backup.frequency"], ctx("discord-bot"))
    assert freq.value == "daily" and "loa-grimoire/sprint.md:21" in freq.rationale


def test_frequency_follows_rpo_answer() -> None:
    q = Q["backup.frequency"]
    hourly = rec(q, ctx("discord-bot", {"backup.rpo_minutes": 60}))
    assert hourly.value == "hourly" and "rpo_minutes=60 (backup.rpo_minutes)" in hourly.rationale
    assert rec(q, ctx("evm-dapp", {"backup.rpo_minutes": 10})).value == "continuous"
    assert rec(q, ctx("evm-dapp", {"backup.rpo_minutes": 20000})).value == "weekly"


def test_rto_from_uptime_or_budget() -> None:
    q = Q["backup.rto_minutes"]
    evm = rec(q, ctx("evm-dapp"))
    assert evm.value == 15 and "docs/a2a/reviewer.md:33" in evm.rationale
    assert rec(q, ctx("py-web3")).value == 60
    assert q.recommend(ctx("discord-bot")) is None
    cheap = rec(q, ctx("discord-bot", {"budget.priority": "cost"}))
    assert cheap.value == 240 and "(budget.priority)" in cheap.rationale
    assert rec(q, ctx("discord-bot", {"scale.uptime_target": "99.0"})).value == 240


def test_dr_region_pairs_stay_in_jurisdiction() -> None:
    q = Q["backup.dr_region"]
    assert q.recommend(ctx("evm-dapp")) is None
    eu = rec(q, ctx("evm-dapp", {"deployment.cloud": "aws", "deployment.primary_region": "eu-west-1"}))
    assert eu.value == "eu-central-1" and "primary_region=eu-west-1 (deployment.primary_region)" in eu.rationale
    assert rec(q, ctx("py-web3", {"deployment.primary_region": "europe-west1"})).value == "europe-west4"
    assert rec(q, ctx("py-web3", {"deployment.primary_region": "westeurope"})).value == "northeurope"
    assert q.recommend(ctx("py-web3", {"deployment.primary_region": "sa-east-1"})) is None


def test_failover() -> None:
    q = Q["backup.failover"]
    bot = rec(q, ctx("discord-bot"))
    assert bot.value == "none" and "sqlite (package.json:13)" in bot.rationale
    evm = rec(q, ctx("evm-dapp"))
    assert evm.value == "manual" and "docs/a2a/reviewer.md:33" in evm.rationale
    assert rec(q, ctx("py-web3")).value == "none"
    multi = rec(q, ctx("py-web3", {"deployment.multi_region": True}))
    assert multi.value == "automatic" and "(deployment.multi_region)" in multi.rationale
