"""CI/CD questions: git host from workflows, branching, rollout strategy, approval gates."""

from __future__ import annotations

from launchbay.questions import cicd
from tests.questions.ops_support import by_key, check_catalogue, check_recommendations, ctx, rec

Q = by_key(cicd.QUESTIONS)


def test_catalogue_shape() -> None:
    check_catalogue(cicd.QUESTIONS, "cicd")
    assert [q.key for q in cicd.QUESTIONS if q.required] == ["cicd.git_host", "cicd.deploy_strategy"]


def test_recommendations_validate_and_cite() -> None:
    check_recommendations(cicd.QUESTIONS)


def test_git_host_from_root_workflow() -> None:
    evm = rec(Q["cicd.git_host"], ctx("evm-dapp"))
    assert evm.value == "github" and ".github/workflows/ci.yml:12" in evm.rationale
    assert "apps/web" not in evm.rationale  # the inert nested workflow is not evidence
    assert rec(Q["cicd.git_host"], ctx("py-web3")).value == "github"
    assert Q["cicd.git_host"].recommend(ctx("discord-bot")) is None


def test_branch_strategy() -> None:
    q = Q["cicd.branch_strategy"]
    keyed = rec(q, ctx("evm-dapp"))
    assert keyed.value == "github-flow" and "apps/api/src/relayer.ts:30" in keyed.rationale
    solo = rec(q, ctx("evm-dapp", {"team.size": 2}))
    assert solo.value == "trunk" and "size=2 (team.size)" in solo.rationale
    assert rec(q, ctx("discord-bot", {"team.size": 5})).value == "github-flow"
    assert q.recommend(ctx("discord-bot")) is None


def test_deploy_strategy() -> None:
    q = Q["cicd.deploy_strategy"]
    bot = rec(q, ctx("discord-bot"))
    assert bot.value == "rolling" and "package.json:14" in bot.rationale and "package.json:13" in bot.rationale
    evm = rec(q, ctx("evm-dapp"))
    assert evm.value == "blue-green" and "docs/a2a/reviewer.md:33" in evm.rationale
    py = rec(q, ctx("py-web3"))
    assert py.value == "rolling" and "grimoires/loa/sdd.md:56" in py.rationale
    busy = rec(q, ctx("evm-dapp", {"scale.peak_rps": 2000}))
    assert busy.value == "canary" and "(scale.peak_rps)" in busy.rationale


def test_approvals() -> None:
    q = Q["cicd.approvals"]
    evm = rec(q, ctx("evm-dapp"))
    assert evm.value == "production" and "RELAYER_PRIVATE_KEY read at apps/api/src/relayer.ts:30" in evm.rationale
    assert rec(q, ctx("py-web3")).value == "production"
    assert q.recommend(ctx("discord-bot")) is None
    solo = rec(q, ctx("discord-bot", {"team.size": 1}))
    assert solo.value == "none" and "(team.size)" in solo.rationale
    audited = rec(q, ctx("discord-bot", {"security.compliance": ("iso27001",)}))
    assert audited.value == "production" and "(security.compliance)" in audited.rationale


def test_approvers_only_with_approvals_and_never_guessed() -> None:
    q = Q["cicd.approvers"]
    assert not q.when(ctx("evm-dapp"))
    assert not q.when(ctx("evm-dapp", {"cicd.approvals": "none"}))
    with_gate = ctx("evm-dapp", {"cicd.approvals": "production"})
    assert q.when(with_gate) and q.recommend(with_gate) is None
