"""Lookup tables for the chains detector: chain ids and names, their many spellings, public RPC
hosts, and which library or toolchain means which ecosystem.

Kept apart from the scanning code so a new chain or SDK is a one-line change.
"""

from __future__ import annotations

import re

# Canonical chain name -> numeric chain id (EVM). Solana clusters have no numeric id.
CHAIN_IDS: dict[str, int] = {
    "ethereum": 1, "sepolia": 11155111, "holesky": 17000, "hoodi": 560048, "goerli": 5,
    "base": 8453, "base-sepolia": 84532,
    "optimism": 10, "op-sepolia": 11155420,
    "arbitrum": 42161, "arbitrum-sepolia": 421614, "arbitrum-nova": 42170,
    "polygon": 137, "polygon-amoy": 80002, "polygon-mumbai": 80001, "polygon-zkevm": 1101,
    "bsc": 56, "bsc-testnet": 97,
    "avalanche": 43114, "avalanche-fuji": 43113,
    "gnosis": 100, "gnosis-chiado": 10200,
    "linea": 59144, "linea-sepolia": 59141,
    "scroll": 534352, "scroll-sepolia": 534351,
    "zksync": 324, "zksync-sepolia": 300,
    "blast": 81457, "blast-sepolia": 168587773,
    "mantle": 5000, "mantle-sepolia": 5003,
    "celo": 42220, "zora": 7777777, "mode": 34443, "fantom": 250, "sonic": 146,
    "unichain": 130, "unichain-sepolia": 1301, "berachain": 80094, "monad-testnet": 10143,
    "worldchain": 480, "ink": 57073, "abstract": 2741, "apechain": 33139, "moonbeam": 1284,
    "cronos": 25, "metis": 1088, "taiko": 167000, "sei": 1329, "hyperevm": 999,
    "soneium": 1868, "opbnb": 204, "kaia": 8217, "monad": 143,
    "ropsten": 3, "rinkeby": 4, "kovan": 42,
}
CHAIN_NAMES: dict[int, str] = {cid: name for name, cid in CHAIN_IDS.items()}

# The first accounts anvil and hardhat derive from their public test mnemonic: a hard-coded one is
# a dev default (anyone can sign with it), not a leaked secret. Compared, never shown.
DEV_KEYS = frozenset({
    "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
})

# Local development chains (anvil, hardhat, ganache): never a deployment target.
LOCAL_IDS = frozenset({31337, 1337})
LOCAL_NAMES = frozenset({"hardhat", "localhost", "local", "anvil", "ganache", "development", "dev",
                         "foundry", "localnet", "default"})

_ALIASES: dict[str, tuple[str, ...]] = {
    "ethereum": ("mainnet", "eth", "ethmainnet", "ethereummainnet", "homestead"),
    "sepolia": ("ethsepolia", "ethereumsepolia"),
    "holesky": ("ethholesky",),
    "base": ("basemainnet",),
    "base-sepolia": ("basesepoliatestnet",),
    "optimism": ("op", "opmainnet", "optimismmainnet", "opt", "optmainnet"),
    "op-sepolia": ("optimismsepolia", "optsepolia"),
    "arbitrum": ("arbitrumone", "arb", "arb1", "arbitrummainnet", "arbmainnet"),
    "arbitrum-sepolia": ("arbsepolia",),
    "polygon": ("matic", "polygonmainnet", "polygonpos"),
    "polygon-amoy": ("amoy",),
    "polygon-mumbai": ("mumbai",),
    "bsc": ("bnb", "bscmainnet", "binance", "bnbsmartchain", "bnbchain", "bnbmainnet"),
    "bsc-testnet": ("bnbtestnet",),
    "avalanche": ("avax", "avalanchemainnet", "avalanchecchain", "avaxmainnet"),
    "avalanche-fuji": ("fuji",),
    "gnosis": ("xdai", "gnosischain", "gnosismainnet"),
    "gnosis-chiado": ("chiado",),
    "linea": ("lineamainnet",),
    "scroll": ("scrollmainnet",),
    "zksync": ("zksyncera", "zksyncmainnet", "zksyncmainnet", "era"),
    "zksync-sepolia": ("zksyncsepoliatestnet", "zksyncerasepolia"),
    "blast": ("blastmainnet",),
    "mantle": ("mantlemainnet",),
    "mantle-sepolia": ("mantlesepoliatestnet",),
}


def norm(name: str) -> str:
    """Spelling-insensitive key: `baseSepolia`, `base_sepolia` and `base-sepolia` agree."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


EVM_ALIASES: dict[str, str] = {norm(name): name for name in CHAIN_IDS}
for _canonical, _spellings in _ALIASES.items():
    EVM_ALIASES.update({s: _canonical for s in _spellings})

SOLANA_CLUSTERS: dict[str, str] = {
    "mainnet": "solana-mainnet", "mainnetbeta": "solana-mainnet", "devnet": "solana-devnet",
    "testnet": "solana-testnet",
}


def evm_chain(name: str) -> str | None:
    """Canonical EVM chain name for a network key / viem export / subgraph network, or None."""
    return EVM_ALIASES.get(norm(name))


def solana_cluster(name: str) -> str | None:
    key = norm(name)
    if key.startswith("solana"):
        key = key[len("solana"):]
    return SOLANA_CLUSTERS.get(key)


# Public RPC hostnames -> chain.
RPC_HOSTS: dict[str, str] = {
    "mainnet.base.org": "base", "sepolia.base.org": "base-sepolia",
    "mainnet.optimism.io": "optimism", "sepolia.optimism.io": "op-sepolia",
    "arb1.arbitrum.io": "arbitrum", "sepolia-rollup.arbitrum.io": "arbitrum-sepolia",
    "polygon-rpc.com": "polygon", "rpc-amoy.polygon.technology": "polygon-amoy",
    "rpc.sepolia.org": "sepolia", "rpc.linea.build": "linea", "rpc.scroll.io": "scroll",
    "mainnet.era.zksync.io": "zksync", "rpc.blast.io": "blast", "rpc.mantle.xyz": "mantle",
    "rpc.gnosischain.com": "gnosis", "api.avax.network": "avalanche",
    "api.avax-test.network": "avalanche-fuji", "bsc-dataseed.binance.org": "bsc",
    "api.mainnet-beta.solana.com": "solana-mainnet", "api.devnet.solana.com": "solana-devnet",
    "api.testnet.solana.com": "solana-testnet",
}
ALCHEMY_PREFIXES: dict[str, str] = {
    "eth-mainnet": "ethereum", "eth-sepolia": "sepolia", "eth-holesky": "holesky", "eth-hoodi": "hoodi",
    "base-mainnet": "base", "base-sepolia": "base-sepolia", "opt-mainnet": "optimism",
    "opt-sepolia": "op-sepolia", "arb-mainnet": "arbitrum", "arb-sepolia": "arbitrum-sepolia",
    "polygon-mainnet": "polygon", "polygon-amoy": "polygon-amoy", "zksync-mainnet": "zksync",
    "blast-mainnet": "blast", "linea-mainnet": "linea", "scroll-mainnet": "scroll", "bnb-mainnet": "bsc",
    "avax-mainnet": "avalanche", "gnosis-mainnet": "gnosis", "mantle-mainnet": "mantle",
    "solana-mainnet": "solana-mainnet", "solana-devnet": "solana-devnet",
}
INFURA_PREFIXES: dict[str, str] = {
    "mainnet": "ethereum", "sepolia": "sepolia", "holesky": "holesky", "base-mainnet": "base",
    "base-sepolia": "base-sepolia", "optimism-mainnet": "optimism", "optimism-sepolia": "op-sepolia",
    "arbitrum-mainnet": "arbitrum", "arbitrum-sepolia": "arbitrum-sepolia", "polygon-mainnet": "polygon",
    "polygon-amoy": "polygon-amoy", "linea-mainnet": "linea", "linea-sepolia": "linea-sepolia",
    "avalanche-mainnet": "avalanche", "blast-mainnet": "blast", "bsc-mainnet": "bsc",
    "mantle-mainnet": "mantle", "scroll-mainnet": "scroll", "zksync-mainnet": "zksync",
    "celo-mainnet": "celo",
}


def chain_of_host(host: str) -> str | None:
    """The chain a public or provider RPC hostname serves, or None."""
    host = host.lower()
    if host in RPC_HOSTS:
        return RPC_HOSTS[host]
    head, _, rest = host.partition(".")
    if rest == "g.alchemy.com":
        return ALCHEMY_PREFIXES.get(head)
    if rest == "infura.io":
        return INFURA_PREFIXES.get(head)
    if host.endswith(".binance.org") and head.startswith("bsc-dataseed"):
        return "bsc"
    return None


# ----------------------------------------------------------------------------- libraries
# dependency name -> (web3_library value, ecosystem or "" when the library spans ecosystems)
NPM_LIBS: dict[str, tuple[str, str]] = {
    "ethers": ("ethers", "evm"), "viem": ("viem", "evm"), "wagmi": ("wagmi", "evm"),
    "@wagmi/core": ("@wagmi/core", "evm"), "web3": ("web3.js", "evm"),
    "@rainbow-me/rainbowkit": ("@rainbow-me/rainbowkit", "evm"), "@reown/appkit": ("@reown/appkit", "evm"),
    "@coinbase/onchainkit": ("@coinbase/onchainkit", "evm"), "thirdweb": ("thirdweb", "evm"),
    "permissionless": ("permissionless", "evm"), "@openzeppelin/contracts": ("@openzeppelin/contracts", "evm"),
    "@solana/web3.js": ("@solana/web3.js", "solana"), "@solana/kit": ("@solana/kit", "solana"),
    "@solana/spl-token": ("@solana/spl-token", "solana"),
    "@coral-xyz/anchor": ("@coral-xyz/anchor", "solana"),
    "@project-serum/anchor": ("@project-serum/anchor", "solana"),
    "cosmjs": ("cosmjs", "cosmos"), "@cosmos-kit/react": ("@cosmos-kit/react", "cosmos"),
    "bitcoinjs-lib": ("bitcoinjs-lib", "bitcoin"),
    "@mysten/sui": ("@mysten/sui", "move"), "@mysten/sui.js": ("@mysten/sui.js", "move"),
    "aptos": ("aptos", "move"), "@aptos-labs/ts-sdk": ("@aptos-labs/ts-sdk", "move"),
}
# name prefix -> (value, ecosystem); checked when the exact table has no entry.
NPM_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("@cosmjs/", "cosmjs", "cosmos"),
    ("@web3modal/", "@web3modal", "evm"),
    ("@reown/appkit-adapter-wagmi", "@reown/appkit", "evm"),
    ("@reown/appkit-adapter-solana", "@reown/appkit", "solana"),
    ("@ethersproject/", "ethers", "evm"),
    ("@solana/wallet-adapter-", "@solana/wallet-adapter", "solana"),
    ("@metaplex-foundation/", "@metaplex-foundation", "solana"),
)
PY_LIBS: dict[str, tuple[str, str]] = {
    "web3": ("web3.py", "evm"), "eth-account": ("eth-account", "evm"),
    "eth-brownie": ("eth-brownie", "evm"), "eth-ape": ("ape", "evm"),
    "solana": ("solana-py", "solana"), "solders": ("solders", "solana"), "anchorpy": ("anchorpy", "solana"),
    "cosmpy": ("cosmpy", "cosmos"), "bitcoinlib": ("bitcoinlib", "bitcoin"),
    "python-bitcoinlib": ("python-bitcoinlib", "bitcoin"),
    "aptos-sdk": ("aptos-sdk", "move"), "pysui": ("pysui", "move"),
}
GO_LIBS: dict[str, tuple[str, str]] = {
    "github.com/ethereum/go-ethereum": ("go-ethereum", "evm"),
    "github.com/gagliardetto/solana-go": ("solana-go", "solana"),
    "github.com/cosmos/cosmos-sdk": ("cosmos-sdk", "cosmos"),
    "github.com/btcsuite/btcd": ("btcd", "bitcoin"),
    "github.com/aptos-labs/aptos-go-sdk": ("aptos-go-sdk", "move"),
}
RUST_LIBS: dict[str, tuple[str, str]] = {
    "alloy": ("alloy", "evm"), "ethers": ("ethers-rs", "evm"),
    "solana-sdk": ("solana-sdk", "solana"), "solana-client": ("solana-client", "solana"),
    "solana-program": ("solana-program", "solana"), "anchor-lang": ("anchor-lang", "solana"),
    "anchor-client": ("anchor-client", "solana"), "cosmwasm-std": ("cosmwasm-std", "cosmos"),
    "cosmrs": ("cosmrs", "cosmos"), "bitcoin": ("bitcoin", "bitcoin"),
    "sui-sdk": ("sui-sdk", "move"), "aptos-sdk": ("aptos-sdk", "move"),
}
RUST_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("alloy-", "alloy", "evm"),
    ("ethers-", "ethers-rs", "evm"),
)


def library_of(table: dict[str, tuple[str, str]], families: tuple[tuple[str, str, str], ...],
               dep: str) -> tuple[str, str] | None:
    """(library value, ecosystem) for a dependency name, or None when it is not a chain SDK."""
    if dep in table:
        return table[dep]
    for prefix, value, eco in families:
        if dep.startswith(prefix):
            return value, eco
    return None


# Contract toolchains: config file basename -> (toolchain, ecosystem, framework or "").
TOOLCHAIN_FILES: dict[str, tuple[str, str, str]] = {
    "foundry.toml": ("foundry", "evm", "foundry"),
    "hardhat.config.js": ("hardhat", "evm", "hardhat"),
    "hardhat.config.ts": ("hardhat", "evm", "hardhat"),
    "hardhat.config.cjs": ("hardhat", "evm", "hardhat"),
    "hardhat.config.mjs": ("hardhat", "evm", "hardhat"),
    "Anchor.toml": ("anchor", "solana", "anchor"),
    "ape-config.yaml": ("ape", "evm", ""),
    "brownie-config.yaml": ("brownie", "evm", ""),
    "brownie-config.yml": ("brownie", "evm", ""),
    "truffle-config.js": ("truffle", "evm", ""),
    "truffle-config.cjs": ("truffle", "evm", ""),
    "truffle.js": ("truffle", "evm", ""),
}

# package.json dependencies that mean "this component is an application", not a contracts repo.
APP_DEPS = frozenset({
    "next", "react", "react-dom", "vue", "nuxt", "svelte", "@sveltejs/kit", "astro", "vite", "express",
    "fastify", "hono", "koa", "@nestjs/core", "@remix-run/node", "@remix-run/react", "ponder",
    "@ponder/core", "discord.js", "telegraf", "grammy", "@hono/node-server", "@tanstack/react-start",
})
