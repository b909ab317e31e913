"""Chain facts from tool configs: contract toolchains (foundry, hardhat, anchor, ape, brownie,
truffle), indexers (ponder, the graph, subsquid, envio, rindexer), the networks those configs
name, and key files committed to the tree (keystores, Solana keypairs).

Values that may carry credentials (RPC URLs with API keys) are never quoted: evidence for a
network entry quotes only its key, e.g. `base:`.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from launchbay.detectors.chain_data import CHAIN_NAMES, TOOLCHAIN_FILES, evm_chain, solana_cluster
from launchbay.detectors.chain_emit import Emitter, Survey, first_line
from launchbay.detectors.chain_text import HEX64, Lines, object_entries

_CHAIN_ID_IN_BODY = re.compile(r"\bchainId\s*:\s*(\d+)")
_PONDER_ID = re.compile(r"\b(?:chainId|id)\s*:\s*(\d+)")


def scan_configs(em: Emitter, survey: Survey) -> None:
    tree = em.ctx.tree
    for rel in tree.named(*TOOLCHAIN_FILES):
        _toolchain(em, survey, rel)
    for rel in tree.named("hardhat.config.js", "hardhat.config.ts", "hardhat.config.cjs", "hardhat.config.mjs"):
        _networks_object(em, rel, re.compile(r"\bnetworks\s*:\s*\{"), _CHAIN_ID_IN_BODY)
    for rel in tree.named("foundry.toml"):
        _foundry(em, rel)
    for rel in tree.named("Anchor.toml"):
        _anchor(em, rel)
    _indexers(em, survey)
    _key_files(em)


def _toolchain(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    found = first_line(text) if text else None
    if found is None:
        return
    no, line = found
    tool, eco, framework = TOOLCHAIN_FILES[rel.rsplit("/", 1)[-1]]
    comp = em.subject(rel)
    survey.web3.add(comp)
    note = f"{rel.rsplit('/', 1)[-1]} present"
    em.add("contract_toolchain", tool, rel, no, line, note=note)
    em.add("ecosystem", eco, rel, no, line, note=note)
    if comp in survey.apps:
        return  # an application that also carries contract tooling stays an application
    em.add("role", "contracts", rel, no, line, note=note)
    if framework:
        em.add("framework", framework, rel, no, line, priority=40, note=note)
    if tool in {"foundry", "hardhat"}:
        em.add("language", "solidity", rel, no, line, priority=40, note=f"{tool} contracts project")
    build, test = _DEFAULT_COMMANDS.get(tool, ("", ""))
    if build:
        em.add("build_command", build, rel, no, line, priority=20, note="framework default")
        em.add("test_command", test, rel, no, line, priority=20, note="framework default")
    if tool == "foundry" and comp not in survey.npm_deps and text is not None:
        # The compiler pin is the toolchain version of a pure Foundry project (a package.json
        # would make node the runtime, and two runtimes would read as a conflict).
        pin = re.search(r"(?m)^\s*solc(?:_version)?\s*=\s*[\"']([0-9][0-9.]*)[\"']", text)
        if pin:
            pin_no = text.count("\n", 0, pin.start()) + 1
            em.add("runtime_version", f"solc {pin.group(1)}", rel, pin_no, pin.group(0), priority=70)


_DEFAULT_COMMANDS = {
    "foundry": ("forge build", "forge test"),
    "hardhat": ("npx hardhat compile", "npx hardhat test"),
    "anchor": ("anchor build", "anchor test"),
}


def _networks_object(em: Emitter, rel: str, opener: re.Pattern[str], id_pattern: re.Pattern[str]) -> None:
    """Chains named by the keys of a `networks: {...}` / `chains: {...}` object literal."""
    text = em.ctx.read(rel)
    if text is None:
        return
    m = opener.search(text)
    if m is None:
        return
    lines = Lines(text)
    for entry in object_entries(text, m.end() - 1):
        body = text[entry.start: entry.end]
        no = lines.number(entry.key_at)
        if HEX64.search(lines.line(no)):
            continue
        key_quote = text[entry.key_at: entry.start]
        id_match = id_pattern.search(body)
        chain_id = int(id_match.group(1)) if id_match else None
        name = evm_chain(entry.key)
        if name is None and chain_id is None:
            continue
        id_name = CHAIN_NAMES.get(chain_id) if chain_id is not None else None
        note = None if name else ("chain name from the chain id" if id_name else "network name as written")
        em.chain(rel, no, key_quote, name=name or id_name or _kebab(entry.key), note=note, derive=not id_match)
        if id_match:
            id_no = lines.number(entry.start + id_match.start())
            em.chain(rel, id_no, id_match.group(0), chain_id=chain_id)


def _kebab(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", key).replace("_", "-").lower()


def _foundry(em: Emitter, rel: str) -> None:
    """[rpc_endpoints] and [etherscan] keys name chains; `chain = 8453` gives ids."""
    text = em.ctx.read(rel)
    if text is None:
        return
    section = ""
    for no, line in enumerate(text.split("\n"), start=1):
        head = re.match(r"\s*\[([^\]]+)\]", line)
        if head:
            section = head.group(1).strip()
            continue
        if section not in {"rpc_endpoints", "etherscan"} or HEX64.search(line):
            continue
        key = re.match(r"\s*([A-Za-z0-9_-]+)\s*=", line)
        if key is None:
            continue
        chain_id = re.search(r"\bchain\s*=\s*(\d+)", line)
        name = evm_chain(key.group(1))
        if name is None and chain_id is None:
            continue
        em.chain(rel, no, key.group(0).rstrip("="), name=name,
                 chain_id=int(chain_id.group(1)) if chain_id else None)
        if chain_id:
            em.chain(rel, no, chain_id.group(0), chain_id=int(chain_id.group(1)))


def _anchor(em: Emitter, rel: str) -> None:
    """[provider] cluster and wallet, and [programs.<cluster>] sections."""
    text = em.ctx.read(rel)
    if text is None:
        return
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    lines = text.split("\n")
    provider = data.get("provider") or {}
    cluster = provider.get("cluster")
    if isinstance(cluster, str):
        name = solana_cluster(cluster)
        if name is None and "://" in cluster:
            name = next((f"solana-{c}" for c in ("devnet", "testnet") if c in cluster), None)
            if name is None and "mainnet" in cluster:
                name = "solana-mainnet"
        hit = _toml_key_line(lines, "cluster")
        if name and hit:
            em.chain(rel, hit[0], hit[1], name=name)
    wallet = provider.get("wallet")
    hit = _toml_key_line(lines, "wallet")
    if isinstance(wallet, str) and hit and not HEX64.search(lines[hit[0] - 1]):
        em.add("signing_key", wallet, rel, hit[0], lines[hit[0] - 1], detail="keypair-file",
               note="Anchor provider wallet")
    for cluster_name in (data.get("programs") or {}):
        name = solana_cluster(str(cluster_name))
        found = em.ctx.find_line(rel, f"[programs.{cluster_name}]")
        if name and found:
            em.chain(rel, found[0], f"[programs.{cluster_name}]", name=name)


def _toml_key_line(lines: list[str], key: str) -> tuple[int, str] | None:
    pat = re.compile(rf"^\s*{key}\s*=")
    for idx, line in enumerate(lines):
        m = pat.match(line)
        if m:
            return idx + 1, m.group(0).rstrip("=")
    return None


# ----------------------------------------------------------------------------- indexers


def _indexer(em: Emitter, survey: Survey, rel: str, line: int, quote: str, value: str, eco: str = "evm") -> None:
    em.add("indexer", value, rel, line, quote)
    em.add("role", "indexer", rel, line, quote, note=f"{value} indexer")
    if eco:
        em.add("ecosystem", eco, rel, line, quote)
    survey.web3.add(em.subject(rel))


def _indexers(em: Emitter, survey: Survey) -> None:
    tree = em.ctx.tree
    for rel in tree.named("ponder.config.ts", "ponder.config.js", "ponder.config.mts"):
        found = first_line(em.ctx.read(rel) or "")
        if found:
            _indexer(em, survey, rel, *found, "ponder")
            _networks_object(em, rel, re.compile(r"\b(?:chains|networks)\s*:\s*\{"), _PONDER_ID)
    for rel in tree.named("subgraph.yaml", "subgraph.yml", "subgraph.template.yaml"):
        _subgraph(em, survey, rel)
    for rel in tree.named("squid.yaml"):
        found = first_line(em.ctx.read(rel) or "")
        if found:
            _indexer(em, survey, rel, *found, "subsquid", "")
    for rel in tree.named("rindexer.yaml"):
        found = first_line(em.ctx.read(rel) or "")
        if found:
            _indexer(em, survey, rel, *found, "rindexer")
    for rel in tree.named("package.json"):
        deps = survey.npm_deps.get(em.subject(rel), set())
        if any(d.startswith("@subsquid/") for d in deps):
            hit = em.ctx.find_line(rel, '"@subsquid/')
            if hit:
                eco = "evm" if "@subsquid/evm-processor" in deps else ""
                _indexer(em, survey, rel, hit[0], hit[1], "subsquid", eco)
    for base, paths in tree.by_name.items():
        # Envio takes any config file (`envio start --config config.base.yaml`): read every
        # config*.yaml of a package that depends on envio.
        if base.startswith("config") and base.endswith((".yaml", ".yml")):
            for rel in paths:
                if "envio" in survey.npm_deps.get(em.subject(rel), set()):
                    _envio(em, survey, rel)


def _subgraph(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    found = first_line(text or "")
    if text is None or found is None:
        return
    _indexer(em, survey, rel, *found, "the-graph", "")
    lines = Lines(text)
    for m in re.finditer(r"(?m)^[ \t-]*network:[ \t]*[\"']?([A-Za-z0-9_-]+)", text):
        name = evm_chain(m.group(1))
        no = lines.number(m.start(1))
        em.chain(rel, no, m.group(0).strip(" \t-"), name=name or m.group(1).lower(),
                 note=None if name else "subgraph network name as written")
        if name:
            em.add("ecosystem", "evm", rel, no, m.group(0).strip(" \t-"))


def _envio(em: Emitter, survey: Survey, rel: str) -> None:
    """An Envio config lists its chains under `networks:` (Envio 2) or `chains:` (Envio 3), each
    entry starting with `- id: <chain id>`; only that block is read."""
    text = em.ctx.read(rel)
    block = re.search(r"(?m)^(?:networks|chains)[ \t]*:", text) if text else None
    if text is None or block is None:
        return
    found = first_line(text)
    if found:
        _indexer(em, survey, rel, *found, "envio")
    end = re.compile(r"(?m)^[A-Za-z_]").search(text, block.end())
    body_end = end.start() if end else len(text)
    lines = Lines(text)
    for m in _ENVIO_ID.finditer(text, block.end(), body_end):
        em.chain(rel, lines.number(m.start(1)), m.group(0).strip(" \t-"), chain_id=int(m.group(1)))


_ENVIO_ID = re.compile(r"(?m)^[ \t]*-[ \t]*id:[ \t]*[\"']?(\d+)")


# ----------------------------------------------------------------------------- committed key files

_KEYPAIR_ARRAY = re.compile(r"\A\s*\[\s*\d{1,3}(?:\s*,\s*\d{1,3}){63}\s*\]\s*\Z")
_KDF = re.compile(r"\"kdf\"", re.IGNORECASE)


def _key_files(em: Emitter) -> None:
    """Encrypted keystores (UTC--*, {"crypto": {"kdf": ...}}) and raw Solana keypair arrays."""
    for rel in em.ctx.tree.files:
        base = rel.rsplit("/", 1)[-1].lower()
        lower = rel.lower()
        keystore_name = base.startswith("utc--") or "keystore" in lower
        if not (keystore_name or (base.endswith(".json") and ("key" in lower or "wallet" in lower
                                                              or base == "id.json"))):
            continue
        text = em.ctx.read(rel)
        if not text:
            continue
        kdf = _KDF.search(text)
        if kdf and "crypto" in text.lower():
            no = text.count("\n", 0, kdf.start()) + 1
            em.add("signing_key", rel, rel, no, kdf.group(0), detail="keystore",
                   note="encrypted keystore file in the tree")
        elif _KEYPAIR_ARRAY.match(text):
            no = text.count("\n", 0, text.index("[")) + 1
            em.add("signing_key", rel, rel, no, "[", detail="keypair-file",
                   note="raw keypair file committed to the tree (contents not shown)")
