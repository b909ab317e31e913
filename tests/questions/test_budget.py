"""Budget questions: right-sized monthly figures, cost/performance priority, commitments."""

from __future__ import annotations

from launchbay.questions import budget
from tests.questions.ops_support import by_key, check_catalogue, check_recommendations, ctx, example, rec

Q = by_key(budget.QUESTIONS)


def test_catalogue_shape() -> None:
    check_catalogue(budget.QUESTIONS, "budget")
    assert [q.key for q in budget.QUESTIONS if q.required] == ["budget.monthly_usd"]


def test_recommendations_validate_and_cite() -> None:
    check_recommendations(budget.QUESTIONS)


def test_monthly_usd_stated_in_the_docs_wins() -> None:
    found = rec(Q["budget.monthly_usd"], ctx("discord-bot"))
    assert found.value == 10 and "loa-grimoire/prd.md:33" in found.rationale


def test_monthly_usd_small_for_one_sqlite_process() -> None:
    bot = example("discord-bot")
    quiet = bot.model_copy(update={"project_facts": {k: v for k, v in bot.project_facts.items()
                                                     if k != "target.budget_usd_month"}})
    found = rec(Q["budget.monthly_usd"], ctx(quiet))
    assert found.value == 10
    assert "package.json:14" in found.rationale and "sqlite (package.json:13)" in found.rationale


def test_monthly_usd_managed_tier_for_services_with_postgres() -> None:
    evm = rec(Q["budget.monthly_usd"], ctx("evm-dapp"))
    assert evm.value == 300
    assert "apps/api/prisma/schema.prisma:7" in evm.rationale and "docs/prd.md:46" in evm.rationale
    py = rec(Q["budget.monthly_usd"], ctx("py-web3"))
    assert py.value == 300 and "2 services" in py.rationale and "api/pyproject.toml:10" in py.rationale


def test_monthly_usd_large_when_answers_demand_it() -> None:
    own = rec(Q["budget.monthly_usd"], ctx("evm-dapp", {"blockchain.node_strategy": "own-nodes"}))
    assert own.value == 2000 and "node_strategy=own-nodes (blockchain.node_strategy)" in own.rationale
    multi = rec(Q["budget.monthly_usd"], ctx("py-web3", {"deployment.multi_region": True}))
    assert multi.value == 2000 and "(deployment.multi_region)" in multi.rationale
    busy = rec(Q["budget.monthly_usd"], ctx("evm-dapp", {"scale.peak_rps": 800}))
    assert busy.value == 2000 and "peak_rps=800 (scale.peak_rps)" in busy.rationale
    strict = rec(Q["budget.monthly_usd"], ctx("py-web3", {"scale.uptime_target": "99.99"}))
    assert strict.value == 2000 and "(scale.uptime_target)" in strict.rationale


def test_monthly_usd_none_when_the_bot_must_take_real_load() -> None:
    # One process on SQLite but 50 RPS stated: not a 10-dollar VM, and no tier is justified.
    bot = example("discord-bot")
    quiet = bot.model_copy(update={"project_facts": {k: v for k, v in bot.project_facts.items()
                                                     if k != "target.budget_usd_month"}})
    assert Q["budget.monthly_usd"].recommend(ctx(quiet, {"scale.peak_rps": 50})) is None


def test_priority_from_docs() -> None:
    bot = rec(Q["budget.priority"], ctx("discord-bot"))
    assert bot.value == "cost" and "loa-grimoire/prd.md:16" in bot.rationale
    evm = rec(Q["budget.priority"], ctx("evm-dapp"))
    assert evm.value == "balanced" and "docs/a2a/reviewer.md:33" in evm.rationale
    py = rec(Q["budget.priority"], ctx("py-web3"))
    assert py.value == "cost" and "grimoires/loa/sdd.md:56" in py.rationale


def test_priority_from_answers() -> None:
    cheap = rec(Q["budget.priority"], ctx("evm-dapp", {"budget.monthly_usd": 30}))
    assert cheap.value == "cost" and "monthly_usd=30 (budget.monthly_usd)" in cheap.rationale
    strict = rec(Q["budget.priority"], ctx("evm-dapp", {"scale.uptime_target": "99.95"}))
    assert strict.value == "performance" and "(scale.uptime_target)" in strict.rationale
    fast = rec(Q["budget.priority"], ctx("py-web3", {"scale.latency_p95_ms": 80}))
    assert fast.value == "performance" and "latency_p95_ms=80" in fast.rationale


def test_commitment_asked_only_for_clouds() -> None:
    when = Q["budget.commitment"].when
    assert when(ctx("evm-dapp")) and when(ctx("evm-dapp", {"deployment.cloud": "aws"}))
    assert not when(ctx("evm-dapp", {"deployment.cloud": "self-hosted"}))


def test_commitment_follows_budget_answers() -> None:
    q = Q["budget.commitment"]
    assert q.recommend(ctx("evm-dapp")) is None
    small = rec(q, ctx("discord-bot", {"budget.monthly_usd": 20}))
    assert small.value == "none" and "(budget.monthly_usd)" in small.rationale
    steady = rec(q, ctx("evm-dapp", {"budget.monthly_usd": 3000, "budget.priority": "cost"}))
    assert steady.value == "1-year" and "priority=cost (budget.priority)" in steady.rationale
    assert q.recommend(ctx("evm-dapp", {"budget.monthly_usd": 3000, "budget.priority": "performance"})) is None
