"""Blockchain questions: asked for chain projects only; chains, providers, indexer and keys are
recommended from the code and docs, and a signing key is never answered with "none"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from launchbay.questions import blockchain as mod
from launchbay.review import review_project
from tests.questions.infra_support import assert_cites, check_module, ctx, example_root, question, rec

Tree = Callable[[dict[str, str]], Path]
EVM, PY = example_root("evm-dapp"), example_root("py-web3")

SUBGRAPH = {
    "subgraph/subgraph.yaml": "specVersion: 0.0.5\ndataSources:\n  - kind: ethereum\n    name: Vault\n"
                              "    network: mainnet\n",
}


def test_catalogue_shape() -> None:
    check_module(mod, "blockchain", {"blockchain.chains", "blockchain.key_management"})


def test_the_chain_projects_get_the_chain_questions_and_the_bot_does_not() -> None:
    always = ("blockchain.chains", "blockchain.node_strategy", "blockchain.rpc_providers", "blockchain.indexer",
              "blockchain.key_management")
    for key in always:
        assert question(mod, key).when(ctx("evm-dapp")) and question(mod, key).when(ctx("py-web3")), key
    assert not any(q.when(ctx("discord-bot")) for q in mod.QUESTIONS)


def test_naming_a_chain_opens_the_questions_for_a_project_without_chain_facts() -> None:
    named = ctx("discord-bot", blockchain={"chains": ("ethereum",)})
    assert question(mod, "blockchain.node_strategy").when(named)
    assert question(mod, "blockchain.key_management").when(named)
    assert rec(mod, "blockchain.key_management", named) is None  # no key in the code: the user decides
    assert rec(mod, "blockchain.node_strategy", named) is None


# ----------------------------------------------------------------------------- chains and providers


def test_chains_come_from_the_code() -> None:
    got = rec(mod, "blockchain.chains", ctx("evm-dapp"))
    got = assert_cites(got, EVM, "base (apps/api/src/relayer.ts:15)", "base-sepolia (apps/web/app/providers.tsx:6)")
    assert got.value == ("base", "base-sepolia")
    got = assert_cites(rec(mod, "blockchain.chains", ctx("py-web3")), PY, "api/app/settings.py:19")
    assert got.value == ("sepolia",)


def test_a_named_provider_means_third_party_rpc() -> None:
    got = assert_cites(rec(mod, "blockchain.node_strategy", ctx("evm-dapp")), EVM, "alchemy (docs/prd.md:63)")
    assert got.value == "third-party"


def test_providers_are_the_ones_the_docs_name_in_order() -> None:
    got = rec(mod, "blockchain.rpc_providers", ctx("py-web3"))
    got = assert_cites(got, PY, "alchemy (grimoires/loa/a2a/integration-context.md:18)",
                       "infura (grimoires/loa/a2a/integration-context.md:19)")
    assert got.value == ("alchemy", "infura")
    assert rec(mod, "blockchain.rpc_providers", ctx("evm-dapp")).value == ("alchemy",)  # type: ignore[union-attr]


def test_provider_questions_follow_the_node_strategy() -> None:
    q = question(mod, "blockchain.rpc_providers")
    assert not q.when(ctx("evm-dapp", blockchain={"node_strategy": "own-nodes"}))
    assert q.when(ctx("evm-dapp", blockchain={"node_strategy": "hybrid"}))


def test_a_provider_host_in_the_code_counts(tree_at: Tree) -> None:
    root = tree_at({"package.json": '{\n  "name": "bot",\n  "dependencies": { "viem": "2.9.0" }\n}\n',
                    "index.js": 'const url = "https://eth-mainnet.g.alchemy.com/v2/" + process.env.ALCHEMY_KEY;\n'})
    got = rec(mod, "blockchain.rpc_providers", ctx(review_project(root)))
    assert assert_cites(got, root, "index.js:1").value == ("alchemy",)


# ----------------------------------------------------------------------------- node role and indexer


def test_node_role_is_asked_only_for_own_or_hybrid_nodes() -> None:
    q = question(mod, "blockchain.node_role")
    assert not q.when(ctx("evm-dapp"))
    assert not q.when(ctx("evm-dapp", blockchain={"node_strategy": "third-party"}))
    hybrid = ctx("evm-dapp", blockchain={"node_strategy": "hybrid"})
    assert q.when(hybrid)
    got = assert_cites(rec(mod, "blockchain.node_role", hybrid), EVM, "BASE_RPC_URL", "apps/api/src/relayer.ts:28")
    assert got.value == "rpc-only"


def test_an_indexer_in_the_code_is_recommended() -> None:
    got = assert_cites(rec(mod, "blockchain.indexer", ctx("evm-dapp")), EVM, "apps/indexer/ponder.config.ts:1")
    assert got.value == "ponder"


def test_no_indexer_when_the_services_read_the_chain_directly() -> None:
    got = assert_cites(rec(mod, "blockchain.indexer", ctx("py-web3")), PY, "RPC_URL", "api/app/settings.py:18")
    assert got.value == "none"


@pytest.mark.parametrize(("strategy", "expected"), [(None, None), ("third-party", "subgraph-hosted"),
                                                    ("own-nodes", "graph-node"), ("hybrid", "graph-node")])
def test_a_subgraph_is_hosted_or_self_run_by_node_strategy(tree_at: Tree, strategy: str | None,
                                                           expected: str | None) -> None:
    root = tree_at(SUBGRAPH)
    answers = {"blockchain": {"node_strategy": strategy}} if strategy else {}
    got = rec(mod, "blockchain.indexer", ctx(review_project(root), **answers))
    if expected is None:
        assert got is None
    else:
        assert assert_cites(got, root, "subgraph/subgraph.yaml:1", "(blockchain.node_strategy)").value == expected


def test_a_subgraph_on_own_nodes_needs_an_archive_node(tree_at: Tree) -> None:
    root = tree_at(SUBGRAPH)
    got = rec(mod, "blockchain.node_role", ctx(review_project(root), blockchain={"node_strategy": "own-nodes"}))
    assert assert_cites(got, root, "subgraph/subgraph.yaml:1").value == "archive"


# ----------------------------------------------------------------------------- keys and admin


@pytest.mark.parametrize("cloud", [None, "aws", "gcp", "azure", "self-hosted"])
@pytest.mark.parametrize(("name", "site"), [("evm-dapp", "apps/api/src/relayer.ts:30"),
                                            ("py-web3", "api/app/chain.py:73")])
def test_signing_keys_are_never_left_without_management(name: str, site: str, cloud: str | None) -> None:
    answers = {"deployment": {"cloud": cloud}} if cloud else {}
    got = assert_cites(rec(mod, "blockchain.key_management", ctx(name, **answers)), example_root(name), site)
    assert got.value != "none"
    assert got.value == ("cloud-kms" if cloud in ("aws", "gcp", "azure") else "remote-signer")
    if got.value == "cloud-kms":
        assert f"cloud={cloud} (deployment.cloud)" in got.rationale


def test_a_solana_keypair_goes_to_a_remote_signer_even_on_a_cloud(tree_at: Tree) -> None:
    root = tree_at({"Anchor.toml": '[provider]\ncluster = "devnet"\nwallet = "~/.config/solana/id.json"\n',
                    "programs/vault/Cargo.toml": '[package]\nname = "vault"\n\n[dependencies]\n'
                                                 'anchor-lang = "0.30.1"\n'})
    got = rec(mod, "blockchain.key_management", ctx(review_project(root), deployment={"cloud": "aws"}))
    assert assert_cites(got, root, "Anchor.toml:3").value == "remote-signer"


def test_contract_admin_follows_the_docs_safe() -> None:
    assert question(mod, "blockchain.contract_admin").when(ctx("evm-dapp"))
    assert not question(mod, "blockchain.contract_admin").when(ctx("py-web3"))  # no contracts in the repo
    got = assert_cites(rec(mod, "blockchain.contract_admin", ctx("evm-dapp")), EVM, "docs/sprint.md:28")
    assert got.value == "multisig"


def test_contract_admin_timelock_from_the_docs(tree_at: Tree) -> None:
    root = tree_at({"foundry.toml": '[profile.default]\nsrc = "src"\n',
                    "docs/sdd.md": "# SDD\n\n## Security\n\n- Upgrades go through a timelock owned by the Safe.\n"})
    got = rec(mod, "blockchain.contract_admin", ctx(review_project(root)))
    assert assert_cites(got, root, "docs/sdd.md:5").value == "timelock-multisig"
