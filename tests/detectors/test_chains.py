"""Chains detector: ecosystems, toolchains, indexers, chains/ids, RPC env vars and signing keys."""

from __future__ import annotations

from launchbay.detectors.chain_text import is_rpc_name, key_kind, object_entries, settings_fields
from launchbay.detectors.chains import ChainDetector
from launchbay.models.profile import Fact
from tests.conftest import assert_evidence_holds, facts_of, run_detector, values_of

HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
HEX_KEY2 = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
SALT = "5f16f4c7f149ac4f9510d9cf8cf384038ad348b3bcdc01915f95de12df9d1b02"


def _keys(facts: list[Fact], subject: str | None = None) -> dict[object, str | None]:
    return {f.value: f.detail for f in facts_of(facts, "signing_key", subject)}


WAGMI_TS = """import { getDefaultConfig } from "@rainbow-me/rainbowkit";
import {
  base,
  baseSepolia as testnet,
  type Chain,
} from "wagmi/chains";
import { http } from "viem";

export const config = getDefaultConfig({
  chains: [base, testnet],
  transports: { [base.id]: http(process.env.NEXT_PUBLIC_BASE_RPC_URL) },
});
"""

HARDHAT_TS = """import { HardhatUserConfig } from "hardhat/config";

const config: HardhatUserConfig = {
  solidity: "0.8.24",
  networks: {
    hardhat: { chainId: 31337 },
    base: {
      url: process.env.BASE_RPC_URL || "https://base-mainnet.g.alchemy.com/v2/sekret",
      accounts: process.env.DEPLOYER_PRIVATE_KEY ? [process.env.DEPLOYER_PRIVATE_KEY] : [],
      chainId: 8453,
    },
    "base-sepolia": { url: process.env.BASE_SEPOLIA_RPC_URL, chainId: 84532 },
    monadTestnet: { url: "https://testnet-rpc.monad.xyz", chainId: 10143 },
  },
};
export default config;
"""

FOUNDRY_TOML = """[profile.default]
src = "src"
solc = "0.8.24"

[rpc_endpoints]
mainnet = "${MAINNET_RPC_URL}"
optimism_sepolia = "${OP_SEPOLIA_RPC_URL}"
localhost = "http://127.0.0.1:8545"
"""

DEPLOY_SOL = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {Script} from "forge-std/Script.sol";

contract Deploy is Script {
    function run() external {
        uint256 deployerKey = vm.envUint("DEPLOYER_PRIVATE_KEY");
        vm.startBroadcast(vm.envUint("DEPLOYER"));
        vm.stopBroadcast();
    }
}
"""


def test_evm_monorepo_viem_wagmi_hardhat_foundry(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "apps/web/package.json": '{\n  "name": "web",\n  "scripts": {"start": "next start"},\n'
                                 '  "dependencies": {\n    "next": "14.2.3",\n    "viem": "^2.21.0",\n'
                                 '    "wagmi": "^2.12.0",\n    "@rainbow-me/rainbowkit": "^2.1.0"\n  }\n}\n',
        "apps/web/src/wagmi.ts": WAGMI_TS,
        "contracts/package.json": '{\n  "name": "contracts",\n  "scripts": {"compile": "hardhat compile"},\n'
                                  '  "devDependencies": {\n    "hardhat": "^2.22.0",\n    "ethers": "^6.13.0"\n'
                                  '  }\n}\n',
        "contracts/hardhat.config.ts": HARDHAT_TS,
        "onchain/foundry.toml": FOUNDRY_TOML,
        "onchain/script/Deploy.s.sol": DEPLOY_SOL,
        "onchain/test/Vault.t.sol": 'contract T { function setUp() public { vm.envUint("TEST_PRIVATE_KEY"); } }\n',
        "packages/shared/package.json": '{\n  "name": "shared"\n}\n',
        "packages/shared/src/index.ts": "export const BASE_CHAIN_ID = 8453;\n",
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)

    web = "apps/web"
    assert values_of(facts, "ecosystem", web) == {"evm"}
    assert values_of(facts, "web3_library", web) == {"viem", "wagmi", "@rainbow-me/rainbowkit"}
    assert values_of(facts, "chain", web) == {"base", "base-sepolia"}
    assert values_of(facts, "chain_id", web) == {"8453", "84532"}
    assert values_of(facts, "rpc_env", web) == {"NEXT_PUBLIC_BASE_RPC_URL"}
    assert not facts_of(facts, "role", web)
    lib = next(f for f in facts_of(facts, "web3_library", web) if f.value == "viem")
    assert lib.evidence.file == "apps/web/package.json" and lib.evidence.quote == '"viem": "^2.21.0",'

    hh = "contracts"
    assert values_of(facts, "contract_toolchain", hh) == {"hardhat"}
    assert values_of(facts, "role", hh) == {"contracts"}
    assert [(f.value, f.priority) for f in facts_of(facts, "framework", hh)] == [("hardhat", 40)]
    assert values_of(facts, "language", hh) == {"solidity"}
    assert values_of(facts, "chain", hh) == {"base", "base-sepolia", "monad-testnet"}
    assert values_of(facts, "chain_id", hh) == {"8453", "84532", "10143"}
    assert values_of(facts, "rpc_env", hh) == {"BASE_RPC_URL", "BASE_SEPOLIA_RPC_URL"}
    assert _keys(facts, hh) == {"DEPLOYER_PRIVATE_KEY": "private-key"}
    # The RPC URL carries an API key: no quote may contain it.
    assert all("sekret" not in f.evidence.quote for f in facts)

    fd = "onchain"
    assert values_of(facts, "contract_toolchain", fd) == {"foundry"}
    assert values_of(facts, "framework", fd) == {"foundry"}
    assert values_of(facts, "chain", fd) == {"ethereum", "op-sepolia"}
    assert values_of(facts, "chain_id", fd) == {"1", "11155420"}
    assert values_of(facts, "rpc_env", fd) == {"MAINNET_RPC_URL", "OP_SEPOLIA_RPC_URL"}
    assert {(f.kind, f.value, f.priority) for f in facts_of(facts, "runtime_version", fd)
            + facts_of(facts, "build_command", fd) + facts_of(facts, "test_command", fd)} == {
        ("runtime_version", "solc 0.8.24", 70), ("build_command", "forge build", 20),
        ("test_command", "forge test", 20)}
    # A constant in a package that uses no chain SDK is not a chain that package talks to.
    assert not facts_of(facts, "chain", "packages/shared")
    # DEPLOYER has no key word in its name but goes straight into startBroadcast; tests are skipped.
    assert _keys(facts, fd) == {"DEPLOYER_PRIVATE_KEY": "private-key", "DEPLOYER": "private-key"}


ANCHOR_TOML = """[toolchain]

[features]
seeds = false

[programs.devnet]
vault = "Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS"

[programs.localnet]
vault = "Fg6PaFpoGXkYsidMpWTK6W2BeZ7FEfcYkg476zPFsLnS"

[provider]
cluster = "Devnet"
wallet = "~/.config/solana/id.json"
"""

CONN_TS = """import { Connection, Keypair, clusterApiUrl } from "@solana/web3.js";
import fs from "fs";

export const connection = new Connection(process.env.SOLANA_RPC_URL ?? clusterApiUrl("devnet"));
const secret = JSON.parse(fs.readFileSync("keys/deployer.json", "utf8"));
export const payer = Keypair.fromSecretKey(Uint8Array.from(secret));
"""


def test_solana_anchor_and_keypair_files(tree_at) -> None:  # type: ignore[no-untyped-def]
    keypair = "[" + ",".join(str((i * 37) % 256) for i in range(64)) + "]"
    root = tree_at({
        "Anchor.toml": ANCHOR_TOML,
        "Cargo.toml": '[workspace]\nmembers = ["programs/*"]\n',
        "package.json": '{\n  "dependencies": {\n    "@coral-xyz/anchor": "^0.30.1"\n  }\n}\n',
        "programs/vault/Cargo.toml": '[package]\nname = "vault"\n\n[dependencies]\nanchor-lang = "0.30.1"\n',
        "app/package.json": '{\n  "dependencies": {\n    "@solana/web3.js": "^1.95.0",\n    "next": "14.0.0"\n'
                            '  }\n}\n',
        "app/src/conn.ts": CONN_TS,
        "app/keys/deployer.json": keypair,
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)

    assert values_of(facts, "ecosystem", ".") == {"solana"}
    assert values_of(facts, "web3_library", ".") == {"@coral-xyz/anchor"}
    assert values_of(facts, "contract_toolchain", ".") == {"anchor"}
    assert values_of(facts, "framework", ".") == {"anchor"}
    assert values_of(facts, "role", ".") == {"contracts"}
    assert not facts_of(facts, "language", ".")  # solidity is for foundry/hardhat only
    assert values_of(facts, "chain", ".") == {"solana-devnet"}
    assert not facts_of(facts, "chain_id", ".")
    assert _keys(facts, ".") == {"~/.config/solana/id.json": "keypair-file"}
    assert values_of(facts, "web3_library", "programs/vault") == {"anchor-lang"}

    assert values_of(facts, "chain", "app") == {"solana-devnet"}
    assert values_of(facts, "rpc_env", "app") == {"SOLANA_RPC_URL"}
    assert values_of(facts, "ecosystem", "app") == {"solana"}
    # The path read in code and the committed file are one key: both facts name its tree path.
    assert _keys(facts, "app") == {"app/keys/deployer.json": "keypair-file"}
    files = {f.evidence.file: f.evidence.quote for f in facts_of(facts, "signing_key", "app")}
    assert files == {"app/src/conn.ts": '"keys/deployer.json"', "app/keys/deployer.json": "["}


def test_cosmos_cosmjs_and_go_sdk(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "relayer/package.json": '{\n  "dependencies": {\n    "@cosmjs/stargate": "^0.32.4",\n'
                                '    "@cosmjs/proto-signing": "^0.32.4"\n  }\n}\n',
        "relayer/src/index.ts": (
            'import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";\n'
            "const rpc = process.env.COSMOS_RPC_ENDPOINT!;\n"
            "const wallet = await DirectSecp256k1HdWallet.fromMnemonic(process.env.WALLET_SEED!);\n"
            "const backup = process.env.COSMOS_MNEMONIC;\n"
            "const grpc = process.env.GRPC_ADDR;\n"
        ),
        "chain/go.mod": "module example.com/chain\n\ngo 1.22\n\nrequire (\n"
                        "\tgithub.com/cosmos/cosmos-sdk v0.50.9\n"
                        "\tgithub.com/ethereum/go-ethereum v1.14.0 // indirect\n)\n",
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "web3_library", "relayer") == {"cosmjs"}
    assert values_of(facts, "ecosystem", "relayer") == {"cosmos"}
    assert values_of(facts, "rpc_env", "relayer") == {"COSMOS_RPC_ENDPOINT"}
    assert _keys(facts, "relayer") == {"WALLET_SEED": "mnemonic", "COSMOS_MNEMONIC": "mnemonic"}
    assert values_of(facts, "web3_library", "chain") == {"cosmos-sdk"}  # indirect deps are not the app's
    assert values_of(facts, "ecosystem", "chain") == {"cosmos"}


PONDER_CONFIG = """import { createConfig } from "ponder";
import { http } from "viem";

export default createConfig({
  chains: {
    base: { id: 8453, rpc: process.env.PONDER_RPC_URL_8453 },
    optimism: {
      id: 10,
      rpc: http(process.env.PONDER_RPC_URL_10),
    },
  },
  contracts: { Vault: { chain: "base", startBlock: 1 } },
});
"""


def test_ponder_indexer_chains_and_rpc_vars(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "indexer/package.json": '{\n  "scripts": {"start": "ponder start"},\n  "dependencies": {\n'
                                '    "ponder": "^0.11.0",\n    "viem": "^2.21.0"\n  }\n}\n',
        "indexer/ponder.config.ts": PONDER_CONFIG,
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "indexer", "indexer") == {"ponder"}
    assert values_of(facts, "role", "indexer") == {"indexer"}
    assert values_of(facts, "chain", "indexer") == {"base", "optimism"}
    assert values_of(facts, "chain_id", "indexer") == {"8453", "10"}
    assert values_of(facts, "rpc_env", "indexer") == {"PONDER_RPC_URL_8453", "PONDER_RPC_URL_10"}
    by_id = [f for f in facts_of(facts, "chain_id", "indexer") if f.value == "8453"]
    assert any(f.evidence.quote == "id: 8453" for f in by_id)


SUBGRAPH = """specVersion: 1.0.0
schema:
  file: ./schema.graphql
dataSources:
  - kind: ethereum/contract
    name: Vault
    network: base-sepolia
  - kind: ethereum/contract
    name: Token
    network: mainnet
"""


def test_subgraph_networks(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "subgraph/package.json": '{\n  "dependencies": {\n    "@graphprotocol/graph-ts": "0.35.0"\n  }\n}\n',
        "subgraph/subgraph.yaml": SUBGRAPH,
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "indexer", "subgraph") == {"the-graph"}
    assert values_of(facts, "role", "subgraph") == {"indexer"}
    assert values_of(facts, "chain", "subgraph") == {"base-sepolia", "ethereum"}
    assert values_of(facts, "chain_id", "subgraph") == {"84532", "1"}
    net = next(f for f in facts_of(facts, "chain", "subgraph") if f.value == "ethereum")
    assert net.evidence.quote == "network: mainnet" and net.evidence.line == 10


SETTINGS_PY = """from pydantic import SecretStr
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    rpc_url: str
    signer_private_key: SecretStr
    chain_id: int = 8453
    poll_seconds: int = 12


settings = Settings()
"""

MAIN_PY = """import os

from eth_account import Account
from web3 import Web3

from keeper.settings import settings

w3 = Web3(Web3.HTTPProvider(settings.rpc_url))
account = Account.from_key(settings.signer_private_key.get_secret_value())
fallback = Web3(Web3.HTTPProvider(os.getenv("FALLBACK_RPC_URL", "https://mainnet.base.org")))
"""


def test_python_web3_and_pydantic_settings_key(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "keeper/pyproject.toml": '[project]\nname = "keeper"\ndependencies = [\n  "web3>=6.20",\n'
                                 '  "pydantic-settings>=2.2",\n  "eth-account",\n]\n',
        "keeper/keeper/settings.py": SETTINGS_PY,
        "keeper/keeper/main.py": MAIN_PY,
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    k = "keeper"
    assert values_of(facts, "web3_library", k) == {"web3.py", "eth-account"}
    assert values_of(facts, "ecosystem", k) == {"evm"}
    assert values_of(facts, "rpc_env", k) == {"RPC_URL", "FALLBACK_RPC_URL"}
    assert _keys(facts, k) == {"SIGNER_PRIVATE_KEY": "private-key"}
    assert values_of(facts, "chain", k) == {"base"}
    assert values_of(facts, "chain_id", k) == {"8453"}
    lib = next(f for f in facts_of(facts, "web3_library", k) if f.value == "web3.py")
    assert lib.evidence.line == 4 and lib.evidence.quote == '"web3>=6.20",'


def test_hard_coded_keys_are_flagged_never_quoted(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "scripts/package.json": '{\n  "dependencies": {\n    "ethers": "^6.13.0"\n  }\n}\n',
        "scripts/deploy.js": (
            'const { ethers } = require("ethers");\n'
            f'const PRIVATE_KEY = "0x{HEX_KEY}";\n'
            f'const backup = process.env.OWNER_PRIVATE_KEY || "{HEX_KEY2}"; // chainId: 8453\n'
            "const wallet = new ethers.Wallet(PRIVATE_KEY, provider);\n"
        ),
        "scripts/.env": f"RPC_URL=https://x\nDEPLOYER_PRIVATE_KEY={HEX_KEY2}\n",
        "scripts/.env.example": f"DEPLOYER_PRIVATE_KEY={HEX_KEY}\nCHAIN_ID=8453\n",
        "contracts/foundry.toml": "[profile.default]\n",
        "contracts/src/Salt.sol": f"contract S {{ bytes32 constant SALT = 0x{SALT}; }}\n",
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    dumped = "\n".join(f.model_dump_json() for f in facts)
    for secret in (HEX_KEY, HEX_KEY2, SALT, HEX_KEY[:12], HEX_KEY2[:12]):
        assert secret not in dumped
    assert _keys(facts) == {
        "hard-coded key in scripts/deploy.js": "private-key",
        "hard-coded key in scripts/.env": "private-key",
    }
    lines = sorted((f.evidence.file, f.evidence.line, f.evidence.quote) for f in facts_of(facts, "signing_key"))
    assert lines == [
        ("scripts/.env", 2, "DEPLOYER_PRIVATE_KEY"),
        ("scripts/deploy.js", 2, "const PRIVATE_KEY"),
        ("scripts/deploy.js", 3, "const backup"),
    ]
    notes = {f.evidence.line: f.evidence.note for f in facts_of(facts, "signing_key")
             if f.evidence.file == "scripts/deploy.js"}
    assert notes[3] and notes[3].startswith("well-known anvil/hardhat test key")
    assert notes[2] and notes[2].startswith("64-hex-digit private key")
    # Nothing else comes from a line holding a key, and .env.example values are never read.
    assert not facts_of(facts, "chain_id")
    assert all(f.evidence.file != "contracts/src/Salt.sol" for f in facts)


def test_keystore_file_and_envio_and_chain_id_constants(tree_at) -> None:  # type: ignore[no-untyped-def]
    keystore = '{\n  "address": "abc",\n  "crypto": {\n    "cipher": "aes-128-ctr",\n    "kdf": "scrypt"\n  }\n}\n'
    root = tree_at({
        "ops/package.json": '{\n  "dependencies": {\n    "viem": "^2.0.0"\n  }\n}\n',
        "ops/keystore/UTC--2024-01-01T00-00-00Z--abc": keystore,
        "ops/src/chains.ts": "export const CHAIN_ID = 42161;\nif (chainId === 0x2105) {}\n"
                             "const local = { chainId: 31337 };\n",
        "envio/package.json": '{\n  "dependencies": {\n    "envio": "2.4.0"\n  }\n}\n',
        "envio/config.yaml": "name: indexer\nnetworks:\n  - id: 8453\n    start_block: 0\n"
                             "    rpc_config:\n      url: ${ENVIO_BASE_RPC_URL}\n",
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert _keys(facts, "ops") == {"ops/keystore/UTC--2024-01-01T00-00-00Z--abc": "keystore"}
    assert values_of(facts, "chain_id", "ops") == {"42161", "8453"}
    assert values_of(facts, "chain", "ops") == {"arbitrum", "base"}
    assert values_of(facts, "indexer", "envio") == {"envio"}
    assert values_of(facts, "role", "envio") == {"indexer"}
    assert values_of(facts, "chain", "envio") == {"base"}
    assert values_of(facts, "rpc_env", "envio") == {"ENVIO_BASE_RPC_URL"}


def test_malformed_files_are_skipped_quietly(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": '{"dependencies": {"viem": ',
        "Anchor.toml": "[provider\ncluster = ",
        "Cargo.toml": "[dependencies\nalloy = ",
        "pyproject.toml": "[project\n",
        "hardhat.config.js": "module.exports = { networks: { base: { chainId: 8453, ",
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "contract_toolchain") == {"hardhat", "anchor"}
    assert values_of(facts, "chain") == {"base"}


def test_name_rules_and_helpers() -> None:
    assert is_rpc_name("BASE_RPC_URL", web3=False)
    assert not is_rpc_name("GRPC_URL", web3=True)
    assert is_rpc_name("ETH_WS_URL", web3=True) and not is_rpc_name("ETH_WS_URL", web3=False)
    assert key_kind("RELAYER_PRIVATE_KEY") == "private-key"
    assert key_kind("SEED_PHRASE") == "mnemonic"
    assert key_kind("JWT_PRIVATE_KEY") is None
    assert key_kind("GITHUB_APP_PRIVATE_KEY") is None
    assert key_kind("DEPLOYER_PUBLIC_KEY") is None
    assert key_kind("DEPLOYER_PRIVATE_KEY_ENCRYPTED") == "keystore"
    assert key_kind("KEYPAIR_PATH") == "keypair-file"
    assert not is_rpc_name("PRIVATE_RPC_ENABLED", web3=True)
    assert not is_rpc_name("MAINNET_RPC_API_KEY", web3=True)
    text = "x = { a: { b: 1 }, 'c-d': [1, 2], // e: 3\n f: \"}\" }"
    assert [e.key for e in object_entries(text, text.index("{"))] == ["a", "c-d", "f"]
    py = 'class S(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="APP_")\n' \
         '    rpc_url: str\n    key: str = Field(alias="SIGNER_KEY")\n'
    assert [n for n, _, _ in settings_fields(py)] == ["APP_RPC_URL", "SIGNER_KEY"]


def test_viem_namespace_import_skips_lookup_tables(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "web/package.json": '{\n  "dependencies": {\n    "viem": "^2.21.0"\n  }\n}\n',
        "web/scaffold.config.ts": (
            'import * as chains from "viem/chains";\n'
            "export const targetNetworks = [chains.optimism, chains.hardhat];\n"
            "const colors = { [chains.polygon.id]: \"purple\" };\n"
        ),
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "chain", "web") == {"optimism"}
    assert values_of(facts, "chain_id", "web") == {"10"}


MAKEFILE = f"""-include .env
DEFAULT_ANVIL_KEY := 0x{HEX_KEY2}

deploy-anvil:
\tforge script script/Deploy.s.sol --rpc-url http://localhost:8545 --private-key $(DEFAULT_ANVIL_KEY) --broadcast

deploy-base:
\tforge script script/Deploy.s.sol --rpc-url $(BASE_RPC_URL) --account deployer --broadcast --chain base

deploy-sepolia:
\tforge script script/Deploy.s.sol --rpc-url $(SEPOLIA_RPC_URL) --private-key $(PK) --chain-id 11155111
"""


def test_makefile_and_shell_deploy_flags(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "foundry.toml": "[profile.default]\n",
        "Makefile": MAKEFILE,
        "scripts/deploy.sh": '#!/bin/sh\nforge create Vault --rpc-url "$NODE" --mnemonic "$DEPLOY_SEED"\n',
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert HEX_KEY2 not in "\n".join(f.model_dump_json() for f in facts)
    assert _keys(facts) == {
        "hard-coded key in Makefile": "private-key",
        "~/.foundry/keystores/deployer": "keystore",
        "PK": "private-key",
        "DEPLOY_SEED": "mnemonic",
    }
    assert values_of(facts, "rpc_env") == {"BASE_RPC_URL", "SEPOLIA_RPC_URL", "NODE"}
    assert values_of(facts, "chain") == {"base", "sepolia"}
    assert values_of(facts, "chain_id") == {"8453", "11155111"}


ENVIO3_CONFIG = """# yaml-language-server: $schema=./node_modules/envio/evm.schema.json
name: multi-indexer
contracts:
  - name: Token
    handler: src/handlers.ts
field_selection:
  - id: 137
chains:
  # Ethereum
  - id: 1
    start_block: 100
  # Arbitrum One
  - id: 42161
    start_block: 200
  - id: "7777777"
    start_block: 300
unordered_multichain_mode: true
"""


def test_envio_chains_block_in_every_config_file(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "package.json": '{\n  "dependencies": {\n    "envio": "3.0.0"\n  }\n}\n',
        "config.yaml": ENVIO3_CONFIG,
        "config.optimism.yaml": "name: op\nnetworks:\n  - id: 10\n    start_block: 1\n",
        "config.notes.yaml": "title: not an indexer config\n",
        "other/package.json": '{\n  "dependencies": {\n    "express": "4.0.0"\n  }\n}\n',
        "other/config.yaml": "chains:\n  - id: 8453\n",
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert values_of(facts, "indexer", ".") == {"envio"}
    assert values_of(facts, "chain", ".") == {"ethereum", "arbitrum", "zora", "optimism"}
    # `- id: 137` sits outside the chains block; a package without envio is not read.
    assert values_of(facts, "chain_id", ".") == {"1", "42161", "7777777", "10"}
    assert not facts_of(facts, "chain", "other")
    zora = next(f for f in facts_of(facts, "chain_id", ".") if f.value == "7777777")
    assert (zora.evidence.file, zora.evidence.line) == ("config.yaml", 15)
    assert {f.evidence.file for f in facts_of(facts, "indexer", ".")} == {"config.yaml", "config.optimism.yaml"}


SIGNER_ROUTE_TS = """import { Keypair } from "@solana/web3.js";

export async function POST() {
  let authority: Keypair;
  authority = Keypair.fromSecretKey(
    Uint8Array.from(JSON.parse(process.env.MINT_AUTHORITY_SECRET ?? "[]"))
  );
  return authority;
}
"""

SIGNER_VIA_VARIABLES_TS = """import { Keypair, Connection } from "@solana/web3.js";
import bs58 from "bs58";

export function load() {
  const encoded = process.env.FAUCET_SECRET;
  const rpc = process.env.SOLANA_NODE;
  const keyPath = process.env.FEE_PAYER_PATH || "/keys/payer.json";
  if (!encoded) return null;
  const raw = bs58.decode(encoded);
  const payer = Keypair.fromSecretKey(raw);
  const other = Keypair.fromSecretKey(
    Uint8Array.from(JSON.parse(fs.readFileSync(keyPath, "utf-8")))
  );
  return { payer, other, conn: new Connection(rpc) };
}
"""

CIPHER_SETTINGS_PY = """from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    faucet_private_key: str
    private_key_encryption_key: str
"""


def test_signer_calls_over_lines_and_through_variables(tree_at) -> None:  # type: ignore[no-untyped-def]
    root = tree_at({
        "web/package.json": '{\n  "dependencies": {\n    "@solana/web3.js": "^1.95.0"\n  }\n}\n',
        "web/app/api/mint/route.ts": SIGNER_ROUTE_TS,
        "web/lib/payer.ts": SIGNER_VIA_VARIABLES_TS,
        "bank/requirements.txt": "web3==6.20.0\npydantic-settings==2.2\n",
        "bank/app/settings.py": CIPHER_SETTINGS_PY,
        "bank/app/vault.py": ('import os\nfrom cryptography.fernet import Fernet\n\n'
                              'fernet = Fernet(os.environ["USER_KEY_ENCRYPTION_KEY"])\n'),
    })
    facts = run_detector(ChainDetector(), root)
    assert_evidence_holds(root, facts)
    assert _keys(facts, "web") == {
        "MINT_AUTHORITY_SECRET": "private-key",
        "FAUCET_SECRET": "private-key",
        "FEE_PAYER_PATH": "keypair-file",
    }
    by_name = {f.value: f.evidence for f in facts_of(facts, "signing_key", "web")}
    assert (by_name["MINT_AUTHORITY_SECRET"].file, by_name["MINT_AUTHORITY_SECRET"].line) == (
        "web/app/api/mint/route.ts", 6)
    assert by_name["FAUCET_SECRET"].line == 5
    assert by_name["FAUCET_SECRET"].quote == "process.env.FAUCET_SECRET"
    assert by_name["FAUCET_SECRET"].note == "passed to Keypair.fromSecretKey( as raw (line 10)"
    # An encryption key protecting stored keys signs nothing.
    assert _keys(facts, "bank") == {"FAUCET_PRIVATE_KEY": "private-key"}
    assert key_kind("PRIVATE_KEY_ENCRYPTION_KEY") is None
    assert key_kind("WALLET_KEY_DECRYPTION_KEY") is None
