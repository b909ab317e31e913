"""Deployment questions: when they apply and what they recommend, on the examples and inline trees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from launchbay.questions import deployment as mod
from launchbay.review import review_project
from tests.questions.infra_support import assert_cites, check_module, ctx, example_root, question, rec

Tree = Callable[[dict[str, str]], Path]
EVM, PY, BOT = example_root("evm-dapp"), example_root("py-web3"), example_root("discord-bot")

SERVICE = {
    "package.json": '{\n  "name": "svc",\n  "scripts": { "start": "node src/index.js" },\n'
                    '  "dependencies": { "express": "4.19.2" }\n}\n',
}


def test_catalogue_shape() -> None:
    check_module(mod, "deployment", {"deployment.cloud", "deployment.environments"})


# ----------------------------------------------------------------------------- cloud


@pytest.mark.parametrize("name", ["evm-dapp", "py-web3"])
def test_cloud_is_the_users_call_when_nothing_ties_the_code_to_one(name: str) -> None:
    assert rec(mod, "deployment.cloud", ctx(name)) is None


def test_a_tiny_stated_budget_points_to_a_vps() -> None:
    got = rec(mod, "deployment.cloud", ctx("discord-bot"))
    assert got is not None and got.value == "self-hosted" and "loa-grimoire/prd.md:33" in got.rationale


def test_cloud_follows_a_cloud_variable_the_service_reads(tree_at: Tree) -> None:
    root = tree_at({**SERVICE, "src/index.js": 'const express = require("express");\n'
                    "const region = process.env.AWS_REGION;\nexpress().listen(3000);\n"})
    got = assert_cites(rec(mod, "deployment.cloud", ctx(review_project(root))), root, "AWS_REGION", "src/index.js:2")
    assert got.value == "aws"


def test_cloud_is_not_guessed_when_the_code_talks_to_two_clouds(tree_at: Tree) -> None:
    root = tree_at({**SERVICE, "src/index.js": "const a = process.env.AWS_REGION;\n"
                    "const b = process.env.GOOGLE_CLOUD_PROJECT;\nrequire('express')().listen(3000);\n"})
    assert rec(mod, "deployment.cloud", ctx(review_project(root))) is None


# ----------------------------------------------------------------------------- region


def test_region_is_asked_only_on_a_public_cloud() -> None:
    q = question(mod, "deployment.primary_region")
    assert not q.when(ctx("evm-dapp"))
    assert not q.when(ctx("evm-dapp", deployment={"cloud": "self-hosted"}))
    assert q.when(ctx("evm-dapp", deployment={"cloud": "gcp"}))


@pytest.mark.parametrize(("cloud", "region"), [("aws", "eu-central-1"), ("gcp", "europe-west3"),
                                               ("azure", "germanywestcentral")])
def test_gdpr_in_the_prd_puts_the_region_in_the_eu(cloud: str, region: str) -> None:
    got = rec(mod, "deployment.primary_region", ctx("evm-dapp", deployment={"cloud": cloud}))
    assert assert_cites(got, EVM, "docs/prd.md:53", "GDPR").value == region


def test_region_is_left_open_when_the_docs_waive_gdpr() -> None:
    assert rec(mod, "deployment.primary_region", ctx("py-web3", deployment={"cloud": "aws"})) is None


def test_region_follows_the_users_and_then_a_gdpr_answer() -> None:
    got = rec(mod, "deployment.primary_region",
              ctx("discord-bot", deployment={"cloud": "azure"}, scale={"user_regions": ("asia",)}))
    assert got is not None and got.value == "southeastasia" and "(scale.user_regions)" in got.rationale
    got = rec(mod, "deployment.primary_region",
              ctx("discord-bot", deployment={"cloud": "aws"}, security={"compliance": ("gdpr",)}))
    assert got is not None and got.value == "eu-central-1" and "(security.compliance)" in got.rationale


# ----------------------------------------------------------------------------- multi-region


def test_docs_uptime_below_four_nines_stays_in_one_region() -> None:
    got = assert_cites(rec(mod, "deployment.multi_region", ctx("evm-dapp")), EVM, "docs/a2a/reviewer.md:33", "99.9%")
    assert got.value is False
    assert assert_cites(rec(mod, "deployment.multi_region", ctx("py-web3")), PY, "99.5%").value is False


def test_the_sqlite_bot_stays_in_one_region() -> None:
    got = assert_cites(rec(mod, "deployment.multi_region", ctx("discord-bot")), BOT, "package.json:13", "SQLite")
    assert got.value is False


def test_four_nines_answered_needs_two_regions() -> None:
    got = rec(mod, "deployment.multi_region", ctx("evm-dapp", scale={"uptime_target": "99.99"}))
    assert got is not None and got.value is True and "(scale.uptime_target)" in got.rationale


# ----------------------------------------------------------------------------- environments


def test_mainnet_and_testnet_chains_give_staging_and_production() -> None:
    got = rec(mod, "deployment.environments", ctx("evm-dapp"))
    got = assert_cites(got, EVM, "base-sepolia", "apps/web/app/providers.tsx:6", "apps/api/src/relayer.ts:15")
    assert got.value == ("staging", "production")


def test_migrations_give_a_staging_rehearsal() -> None:
    got = assert_cites(rec(mod, "deployment.environments", ctx("py-web3")), PY, "alembic", "api/alembic.ini:2")
    assert got.value == ("staging", "production")


def test_the_sqlite_bot_gets_production_only() -> None:
    got = assert_cites(rec(mod, "deployment.environments", ctx("discord-bot")), BOT, "package.json:13")
    assert got.value == ("production",)


def test_a_staging_mention_in_the_docs_is_enough(tree_at: Tree) -> None:
    root = tree_at({**SERVICE, "src/index.js": "require('express')().listen(3000);\n",
                    "docs/sprint.md": "# Sprint 1\n\n- Deploy the API to staging first\n"})
    got = assert_cites(rec(mod, "deployment.environments", ctx(review_project(root))), root, "docs/sprint.md:3")
    assert got.value == ("staging", "production")


def test_environments_are_open_without_any_reason(tree_at: Tree) -> None:
    root = tree_at({**SERVICE, "src/index.js": "require('express')().listen(3000);\n"})
    assert rec(mod, "deployment.environments", ctx(review_project(root))) is None


# ----------------------------------------------------------------------------- domain and DNS


def test_domain_is_asked_only_when_something_serves_http() -> None:
    q = question(mod, "deployment.domain")
    assert q.when(ctx("evm-dapp")) and q.when(ctx("py-web3"))
    assert not q.when(ctx("discord-bot"))
    assert rec(mod, "deployment.domain", ctx("evm-dapp")) is None


def test_dns_is_asked_once_a_domain_is_given_and_follows_the_cloud() -> None:
    q = question(mod, "deployment.dns_provider")
    assert not q.when(ctx("evm-dapp"))
    domain = {"domain": "vaultline.app"}
    assert q.when(ctx("evm-dapp", deployment=domain))
    assert rec(mod, "deployment.dns_provider", ctx("evm-dapp", deployment=domain)) is None
    expected = {"aws": "route53", "gcp": "cloud-dns", "azure": "azure-dns", "self-hosted": "cloudflare"}
    for cloud, dns in expected.items():
        got = rec(mod, "deployment.dns_provider", ctx("evm-dapp", deployment={**domain, "cloud": cloud}))
        assert got is not None and got.value == dns and f"cloud={cloud} (deployment.cloud)" in got.rationale


def test_dns_keeps_cloudflare_when_the_docs_use_it(tree_at: Tree) -> None:
    root = tree_at({**SERVICE, "src/index.js": "require('express')().listen(3000);\n",
                    "docs/prd.md": "# PRD\n\nDNS and CDN run on Cloudflare today.\n"})
    got = rec(mod, "deployment.dns_provider", ctx(review_project(root), deployment={"cloud": "aws"}))
    assert assert_cites(got, root, "docs/prd.md:3").value == "cloudflare"
