"""Security questions: compliance as the docs decide it, wallet sign-in from the code, secrets store
by cloud, audit trail and network controls sized to what the services expose and sign."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from launchbay.questions import security as mod
from launchbay.review import review_project
from tests.questions.infra_support import assert_cites, check_module, ctx, example_root, question, rec

Tree = Callable[[dict[str, str]], Path]
EVM, PY, BOT = example_root("evm-dapp"), example_root("py-web3"), example_root("discord-bot")

WEB = {"package.json": '{\n  "name": "svc",\n  "dependencies": { "express": "4.19.2" }\n}\n'}


def test_catalogue_shape() -> None:
    check_module(mod, "security", {"security.secrets_manager"})


# ----------------------------------------------------------------------------- compliance


def test_compliance_keeps_what_the_prd_requires_and_drops_what_it_waives() -> None:
    got = assert_cites(rec(mod, "security.compliance", ctx("evm-dapp")), EVM, "gdpr (docs/prd.md:53)",
                       "soc2 waived (docs/prd.md:56)")
    assert got.value == ("gdpr",)


def test_compliance_is_none_when_the_docs_waive_every_regime() -> None:
    got = assert_cites(rec(mod, "security.compliance", ctx("py-web3")), PY, "grimoires/loa/prd.md:46",
                       "grimoires/loa/prd.md:48")
    assert got.value == ("none",)


def test_compliance_is_open_when_the_docs_are_silent() -> None:
    assert rec(mod, "security.compliance", ctx("discord-bot")) is None


# ----------------------------------------------------------------------------- authentication


def test_a_wallet_library_in_the_frontend_means_wallet_sign_in() -> None:
    got = assert_cites(rec(mod, "security.auth_method", ctx("evm-dapp")), EVM, "wagmi", "apps/web/package.json:19")
    assert got.value == "wallet"
    assert rec(mod, "security.auth_method", ctx("py-web3")) is None
    assert not question(mod, "security.auth_method").when(ctx("discord-bot"))


def test_the_provider_is_asked_only_for_oauth_or_sso_and_read_from_the_code(tree_at: Tree) -> None:
    root = tree_at({**WEB, "index.js": "const d = process.env.AUTH0_DOMAIN;\nrequire('express')().listen(3000);\n"})
    profile = review_project(root)
    q = question(mod, "security.auth_provider")
    assert not q.when(ctx(profile)) and not q.when(ctx(profile, security={"auth_method": "wallet"}))
    assert q.when(ctx(profile, security={"auth_method": "sso"}))
    got = rec(mod, "security.auth_provider", ctx(profile, security={"auth_method": "oauth"}))
    assert assert_cites(got, root, "AUTH0_DOMAIN", "index.js:1").value == "Auth0"
    assert assert_cites(rec(mod, "security.auth_method", ctx(profile)), root, "index.js:1").value == "oauth"


# ----------------------------------------------------------------------------- secrets


def test_secrets_manager_waits_for_the_cloud() -> None:
    for name in ("evm-dapp", "py-web3", "discord-bot"):
        assert question(mod, "security.secrets_manager").when(ctx(name))
        assert rec(mod, "security.secrets_manager", ctx(name)) is None


@pytest.mark.parametrize(("cloud", "store"), [("aws", "aws-secrets-manager"), ("gcp", "gcp-secret-manager"),
                                              ("azure", "azure-key-vault")])
def test_secrets_manager_follows_the_cloud(cloud: str, store: str) -> None:
    got = rec(mod, "security.secrets_manager", ctx("discord-bot", deployment={"cloud": cloud}))
    got = assert_cites(got, BOT, f"cloud={cloud} (deployment.cloud)", "DISCORD_TOKEN", "src/config.js:6")
    assert got.value == store


def test_self_hosted_secrets_are_sized_to_the_project() -> None:
    bot = rec(mod, "security.secrets_manager", ctx("discord-bot", deployment={"cloud": "self-hosted"}))
    assert assert_cites(bot, BOT, "one service").value == "sops"
    dapp = rec(mod, "security.secrets_manager", ctx("evm-dapp", deployment={"cloud": "self-hosted"}))
    assert assert_cites(dapp, EVM, "RELAYER_PRIVATE_KEY", "apps/api/src/relayer.ts:30").value == "vault"


# ----------------------------------------------------------------------------- audit logging


def test_signing_keys_on_a_cloud_need_the_clouds_audit_log() -> None:
    got = rec(mod, "security.audit_logging", ctx("py-web3", deployment={"cloud": "gcp"}))
    assert assert_cites(got, PY, "SIGNER_PRIVATE_KEY", "api/app/chain.py:73").value == "cloud-native"
    assert rec(mod, "security.audit_logging", ctx("py-web3")) is None  # cloud not chosen yet


@pytest.mark.parametrize(("regimes", "cloud", "expected"), [
    (("soc2",), "aws", "cloud-native"), (("iso27001",), "self-hosted", "siem"), (("pci-dss",), "aws", "siem"),
    (("hipaa", "gdpr"), "gcp", "siem"),
])
def test_audit_trail_follows_the_compliance_answer(regimes: tuple[str, ...], cloud: str, expected: str) -> None:
    got = rec(mod, "security.audit_logging",
              ctx("discord-bot", deployment={"cloud": cloud}, security={"compliance": regimes}))
    assert got is not None and got.value == expected and "(security.compliance)" in got.rationale


def test_gdpr_from_the_docs_on_a_cloud_keeps_an_audit_log(tree_at: Tree) -> None:
    root = tree_at({**WEB, "index.js": "require('express')().listen(3000);\n",
                    "docs/prd.md": "# PRD\n\n## Compliance\n\n- GDPR applies: we store email addresses.\n"})
    got = rec(mod, "security.audit_logging", ctx(review_project(root), deployment={"cloud": "aws"}))
    assert assert_cites(got, root, "gdpr (docs/prd.md:5)").value == "cloud-native"


def test_the_sqlite_bot_needs_no_audit_trail_unless_a_regime_is_named() -> None:
    got = assert_cites(rec(mod, "security.audit_logging", ctx("discord-bot")), BOT, "package.json:13")
    assert got.value == "none"
    named = rec(mod, "security.audit_logging", ctx("discord-bot", security={"compliance": ("gdpr",)}))
    assert named is None  # GDPR named, cloud not chosen: not "none"
    said_none = rec(mod, "security.audit_logging", ctx("discord-bot", security={"compliance": ("none",)}))
    assert said_none is not None and said_none.value == "none" and "(security.compliance)" in said_none.rationale


# ----------------------------------------------------------------------------- network


def test_a_bot_without_inbound_traffic_needs_no_edge_controls() -> None:
    got = assert_cites(rec(mod, "security.network_security", ctx("discord-bot")), BOT, "package.json:14", "bot")
    assert got.value == ("none",)


@pytest.mark.parametrize(("name", "site"), [("evm-dapp", "apps/api/src/relayer.ts:30"),
                                            ("py-web3", "api/app/chain.py:73")])
def test_a_public_service_that_signs_gets_a_waf(name: str, site: str) -> None:
    got = assert_cites(rec(mod, "security.network_security", ctx(name)), example_root(name), site)
    assert got.value == ("waf",)


def test_a_plain_web_service_is_the_users_call(tree_at: Tree) -> None:
    root = tree_at({**WEB, "index.js": "require('express')().listen(3000);\n"})
    assert rec(mod, "security.network_security", ctx(review_project(root))) is None
