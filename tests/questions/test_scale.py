"""Scale questions: figures from the planning docs' targets, the smallest figures for the SQLite bot,
and nothing invented when neither applies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from launchbay.models.profile import Evidence, Tagged
from launchbay.questions import scale as mod
from launchbay.review import review_project
from tests.questions.infra_support import assert_cites, check_module, ctx, example, example_root, question, rec

Tree = Callable[[dict[str, str]], Path]
EVM, PY, BOT = example_root("evm-dapp"), example_root("py-web3"), example_root("discord-bot")


def test_catalogue_shape() -> None:
    check_module(mod, "scale", {"scale.peak_rps"})


def test_http_figures_are_asked_only_where_something_serves_http() -> None:
    for key in ("scale.peak_rps", "scale.latency_p95_ms"):
        assert question(mod, key).when(ctx("evm-dapp")) and question(mod, key).when(ctx("py-web3"))
        assert not question(mod, key).when(ctx("discord-bot")), key
    for key in ("scale.dau", "scale.user_regions", "scale.uptime_target", "scale.data_volume_gb"):
        assert all(question(mod, key).when(ctx(n)) for n in ("evm-dapp", "py-web3", "discord-bot")), key


def test_users_and_rps_come_from_the_docs() -> None:
    got = assert_cites(rec(mod, "scale.dau", ctx("evm-dapp")), EVM, "docs/prd.md:15")
    assert got.value == 5000
    got = assert_cites(rec(mod, "scale.peak_rps", ctx("evm-dapp")), EVM, "50 requests per second", "docs/prd.md:46")
    assert got.value == 50.0
    got = assert_cites(rec(mod, "scale.peak_rps", ctx("py-web3")), PY, "grimoires/loa/a2a/integration-context.md:32")
    assert got.value == 5.0
    assert rec(mod, "scale.dau", ctx("py-web3")) is None
    assert rec(mod, "scale.dau", ctx("discord-bot")) is None


def test_latency_comes_from_the_docs() -> None:
    assert assert_cites(rec(mod, "scale.latency_p95_ms", ctx("evm-dapp")), EVM, "docs/prd.md:42").value == 300
    assert assert_cites(rec(mod, "scale.latency_p95_ms", ctx("py-web3")), PY, "grimoires/loa/prd.md:37").value == 500


def test_uptime_comes_from_the_docs() -> None:
    got = assert_cites(rec(mod, "scale.uptime_target", ctx("evm-dapp")), EVM, "docs/a2a/reviewer.md:33")
    assert got.value == "99.9"
    got = assert_cites(rec(mod, "scale.uptime_target", ctx("py-web3")), PY, "grimoires/loa/sdd.md:56")
    assert got.value == "99.5"


def test_an_uptime_between_levels_rounds_up_to_the_level_that_meets_it() -> None:
    profile = example("evm-dapp")
    ev = Evidence(detector="docs", file="docs/prd.md", line=44, quote="99.9% uptime")
    odd = profile.model_copy(update={"project_facts": {**profile.project_facts,
                                                       "target.uptime": (Tagged(value="99.8", evidence=(ev,)),)}})
    got = rec(mod, "scale.uptime_target", ctx(odd))
    assert got is not None and got.value == "99.9"
    assert "meets 99.8%" in got.rationale and "docs/prd.md:44" in got.rationale


def test_the_sqlite_bot_gets_the_smallest_figures() -> None:
    got = assert_cites(rec(mod, "scale.uptime_target", ctx("discord-bot")), BOT, "package.json:13", "SQLite")
    assert got.value == "99.0"
    assert assert_cites(rec(mod, "scale.data_volume_gb", ctx("discord-bot")), BOT, "package.json:13").value == 1.0
    assert assert_cites(rec(mod, "scale.data_growth_gb_month", ctx("discord-bot")), BOT).value == 0.1


def test_data_size_is_the_users_call_for_the_postgres_projects() -> None:
    for name in ("evm-dapp", "py-web3"):
        assert question(mod, "scale.data_volume_gb").when(ctx(name))
        assert rec(mod, "scale.data_volume_gb", ctx(name)) is None
        assert rec(mod, "scale.data_growth_gb_month", ctx(name)) is None


def test_data_figures_from_the_docs_split_size_and_monthly_growth(tree_at: Tree) -> None:
    root = tree_at({
        "package.json": '{\n  "name": "svc",\n  "dependencies": { "express": "4.19.2", "pg": "8.11.0" }\n}\n',
        "index.js": "require('express')().listen(3000);\n",
        "docs/prd.md": "# PRD\n\nThe database holds 200 GB of data at launch.\n"
                       "Storage grows by 5 GB per month of data.\n",
    })
    profile = review_project(root)
    assert question(mod, "scale.data_volume_gb").when(ctx(profile))
    assert assert_cites(rec(mod, "scale.data_volume_gb", ctx(profile)), root, "docs/prd.md:3").value == 200.0
    assert assert_cites(rec(mod, "scale.data_growth_gb_month", ctx(profile)), root, "docs/prd.md:4").value == 5.0


def test_data_questions_need_a_data_store(tree_at: Tree) -> None:
    root = tree_at({"package.json": '{\n  "name": "svc",\n  "dependencies": { "express": "4.19.2" }\n}\n',
                    "index.js": "require('express')().listen(3000);\n"})
    profile = review_project(root)
    assert not question(mod, "scale.data_volume_gb").when(ctx(profile))
    assert not question(mod, "scale.data_growth_gb_month").when(ctx(profile))


def test_user_regions_are_always_the_users_call() -> None:
    for name in ("evm-dapp", "py-web3", "discord-bot"):
        assert rec(mod, "scale.user_regions", ctx(name)) is None
