"""Team questions: on-call from the uptime target, paging, tools already in use, access."""

from __future__ import annotations

from launchbay.questions import team
from tests.questions.ops_support import by_key, check_catalogue, check_recommendations, ctx, rec

Q = by_key(team.QUESTIONS)


def test_catalogue_shape() -> None:
    check_catalogue(team.QUESTIONS, "team")
    assert not any(q.required for q in team.QUESTIONS)


def test_recommendations_validate_and_cite() -> None:
    check_recommendations(team.QUESTIONS)


def test_size_only_from_what_the_docs_state() -> None:
    evm = rec(Q["team.size"], ctx("evm-dapp"))
    assert evm.value == 2 and "docs/prd.md:23" in evm.rationale
    py = rec(Q["team.size"], ctx("py-web3"))
    assert py.value == 1 and "grimoires/loa/prd.md:25" in py.rationale
    assert Q["team.size"].recommend(ctx("discord-bot")) is None


def test_oncall_follows_uptime_target() -> None:
    evm = rec(Q["team.oncall"], ctx("evm-dapp"))
    assert evm.value == "24x7" and "docs/a2a/reviewer.md:33" in evm.rationale
    py = rec(Q["team.oncall"], ctx("py-web3"))
    assert py.value == "business-hours" and "grimoires/loa/sdd.md:56" in py.rationale
    answered = rec(Q["team.oncall"], ctx("discord-bot", {"scale.uptime_target": "99.9"}))
    assert answered.value == "24x7" and "uptime_target=99.9 (scale.uptime_target)" in answered.rationale


def test_oncall_none_for_the_hands_off_bot() -> None:
    bot = rec(Q["team.oncall"], ctx("discord-bot"))
    assert bot.value == "none" and "loa-grimoire/prd.md:16" in bot.rationale


def test_paging_asked_unless_nobody_is_on_call() -> None:
    when = Q["team.paging"].when
    assert when(ctx("evm-dapp")) and when(ctx("evm-dapp", {"team.oncall": "24x7"}))
    assert not when(ctx("discord-bot", {"team.oncall": "none"}))


def test_paging_recommendation() -> None:
    q = Q["team.paging"]
    assert q.recommend(ctx("evm-dapp")) is None
    office = rec(q, ctx("py-web3", {"team.oncall": "business-hours"}))
    assert office.value == "none" and "oncall=business-hours (team.oncall)" in office.rationale
    # 24x7 without any pager in evidence: the vendor is the user's call.
    assert q.recommend(ctx("evm-dapp", {"team.oncall": "24x7"})) is None


def test_existing_tools_from_docs() -> None:
    evm = rec(Q["team.existing_tools"], ctx("evm-dapp"))
    assert evm.value == ("Sentry",) and "docs/prd.md:65" in evm.rationale
    assert Q["team.existing_tools"].recommend(ctx("discord-bot")) is None


def test_access_follows_cloud_answer() -> None:
    q = Q["team.access"]
    assert q.recommend(ctx("evm-dapp")) is None
    aws = rec(q, ctx("evm-dapp", {"deployment.cloud": "aws"}))
    assert aws.value == "sso" and "cloud=aws (deployment.cloud)" in aws.rationale
    audited = rec(q, ctx("py-web3", {"deployment.cloud": "gcp", "security.compliance": ("soc2",)}))
    assert audited.value == "sso" and "(security.compliance)" in audited.rationale
    own = rec(q, ctx("discord-bot", {"deployment.cloud": "self-hosted"}))
    assert own.value == "bastion" and "cloud=self-hosted" in own.rationale
