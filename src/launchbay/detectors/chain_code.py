"""Chain facts from source code and service configs: RPC env vars, signing keys built from env
vars or key files, chain ids next to the word chainId, viem/wagmi chain imports, Solana clusters
and well-known RPC hosts.

Every file is read once and every pattern is guarded by a cheap substring test, so a large
monorepo costs little. Shell scripts and Makefiles go to chain_shell; key-holding lines are
handled by chain_file; keys reaching a signer over several lines or through a local variable
by chain_signers.
"""

from __future__ import annotations

import posixpath
import re

from launchbay.detectors.chain_data import chain_of_host, evm_chain, norm, solana_cluster
from launchbay.detectors.chain_emit import Emitter, Survey
from launchbay.detectors.chain_file import SourceFile, chain_at, hard_coded, named, once
from launchbay.detectors.chain_shell import is_shell, scan_shell
from launchbay.detectors.chain_signers import BUILDER, builder_detail, scan_signers
from launchbay.detectors.chain_text import (
    CONFIG_ENV_READ,
    ENV_READ,
    env_name,
    is_cipher_key,
    is_test_path,
    key_kind,
    settings_fields,
)

CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".py", ".go", ".rs",
                 ".sol", ".vue", ".svelte", ".astro")
JS_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".astro")
CONFIG_SUFFIXES = (".yaml", ".yml")
SKIP_NAMES = frozenset({"pnpm-lock.yaml", "yarn.lock", "package-lock.json"})
ENV_EXAMPLE_WORDS = ("example", "sample", "template", "dist", "defaults")

CHAIN_ID = re.compile(
    r"(?i)(?<![a-z])chain[_-]?id(?![a-z])"
    r"(?:[\"']\s*,|[\"']?(?:\s*:\s*[a-z_][\w:]*)?\s*(?::=|===?|:|=|\?\?|\|\|))"
    r"\s*(?:big\.NewInt\(|BigInt\(|Number\(|int\()?\s*[\"']?(0x[0-9a-f]+|\d{1,12})(?![\w.])"
)
CHAIN_ID_MARKERS = ("hainId", "hain_id", "HAIN_ID", "hainid", "hainID", "HAINID", "hain-id")
CHAIN_IMPORT = re.compile(
    r"import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*[\"']"
    r"(viem/chains|wagmi/chains|@wagmi/core/chains|@reown/appkit/networks|thirdweb/chains)[\"']"
)
CHAIN_NAMESPACE = re.compile(r"import\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from\s*[\"'](viem/chains|wagmi/chains)[\"']")
_IMPORT_ITEM = re.compile(r"(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+[\w$]+)?")
DEFINE_CHAIN = re.compile(r"defineChain\(\s*\{")
_ID_FIELD = re.compile(r"\bid\s*:\s*(\d{1,12})\b")
CLUSTER = re.compile(r"clusterApiUrl\(\s*[\"']([\w-]+)[\"']|WalletAdapterNetwork\.(Mainnet|Devnet|Testnet)\b")
URL_HOST = re.compile(r"(?:https?|wss?)://([A-Za-z0-9.-]+)")
SETTINGS_KEY = re.compile(
    r"(?:from_key|privateKeyToAccount|Wallet|fromSecretKey|HexToECDSA|from_mnemonic)\(\s*(?:self\.)?"
    r"(?:settings|config|cfg|conf|CONFIG|SETTINGS|app_settings)\.([A-Za-z_]\w*)"
)
KEYPAIR_MARKERS = ("id.json", ".config/solana", "read_keypair_file", "readFileSync")
_LITERAL = re.compile(r"[\"'`]([^\"'`\n]*)[\"'`]")


def scan_code(em: Emitter, survey: Survey) -> None:
    for rel in em.ctx.tree.with_suffix(".py"):
        text = em.ctx.read(rel)
        if text and "BaseSettings" in text and not is_test_path(rel):
            for name, _, field_name in settings_fields(text):
                survey.settings_env.setdefault(field_name, name)
    ecosystems = {str(f.value) for f in em.facts if f.kind == "ecosystem"}  # from manifests and configs
    for rel in em.ctx.tree.files:
        base = rel.rsplit("/", 1)[-1]
        if base in SKIP_NAMES or is_test_path(rel) or (rel.endswith(".sol") and "/lib/" in "/" + rel):
            continue  # (a Foundry lib/ holds vendored dependency sources)
        if rel.endswith(CODE_SUFFIXES) and not rel.endswith((".d.ts", ".min.js")):
            _scan(em, survey, rel, ecosystems, code=True)
        elif rel.endswith(CONFIG_SUFFIXES) or base == "foundry.toml":
            _scan(em, survey, rel, ecosystems, code=False)
        elif is_shell(rel):
            scan_shell(em, survey, rel)
        elif base == ".env" or (base.startswith(".env.") and not any(w in base for w in ENV_EXAMPLE_WORDS)):
            # Committed .env files: values are never read, except to flag a raw private key.
            text = em.ctx.read(rel)
            if text:
                hard_coded(em, SourceFile(rel, text), code=False, thorough=True)


def _env_markers(rel: str) -> tuple[str, ...]:
    """Substrings every env read of the file's language contains (process.env, os.getenv, ...)."""
    if rel.endswith(".py"):
        return ("getenv", "environ")
    if rel.endswith(".go"):
        return ("Getenv", "LookupEnv")
    if rel.endswith(".rs"):
        return ("::var", "env!(")
    return (".env",)  # process.env, import.meta.env, Bun.env, Deno.env, vm.env*


def _scan(em: Emitter, survey: Survey, rel: str, ecosystems: set[str], *, code: bool) -> None:
    """Each cheap substring gate below skips a whole pass for the many files it cannot match."""
    text = em.ctx.read(rel)
    if not text:
        return
    f = SourceFile(rel, text)
    web3 = em.subject(rel) in survey.web3
    hard_coded(em, f, code=code, thorough=web3 or not code)
    if code:
        markers = _env_markers(rel)
        env_lines = f.marked(markers)
        for start, line in env_lines:
            for m in ENV_READ.finditer(line):
                _env_read(em, f, f.number(start), line, m, env_name(m), web3=web3)
        if env_lines and web3:  # signers from chain SDKs: only components that use one
            scan_signers(em, f, markers, web3=web3)
    else:
        for start, line in f.marked(("${",)):
            for m in CONFIG_ENV_READ.finditer(line):
                _env_read(em, f, f.number(start), line, m, m.group(1), web3=web3)
    if rel.endswith(".py"):
        if "BaseSettings" in text:
            for name, offset, field_name in settings_fields(text):
                named(em, f, name, f.number(offset), field_name, web3=web3, note="pydantic settings field")
        if "_key(" in text or "_mnemonic(" in text:
            _signers_from_settings(em, f, survey)
    has_chain = "hain" in text
    if web3 and (has_chain or "HAIN" in text):  # a bare constant elsewhere is not a chain the code uses
        _chain_ids(em, f)
    if rel.endswith(JS_SUFFIXES) and (has_chain or "appkit/networks" in text):
        _chain_imports(em, f)
    if code and "solana" in ecosystems:
        if "cluster" in text or "WalletAdapterNetwork" in text:
            _solana(em, f)
        if "json" in text or ".local()" in text:
            _keypair_paths(em, f)
    if "://" in text:
        _rpc_hosts(em, f)


def _chain_ids(em: Emitter, f: SourceFile) -> None:
    """Numeric ids next to the word chainId / chain_id / CHAIN_ID (decimal or hex)."""
    for start, line in f.marked(CHAIN_ID_MARKERS):
        for m in CHAIN_ID.finditer(line):
            raw = m.group(1)
            cid = int(raw, 16) if raw.lower().startswith("0x") else int(raw)
            chain_at(em, f, f.number(start), m.group(0), chain_id=cid)


def _rpc_hosts(em: Emitter, f: SourceFile) -> None:
    """Public / provider RPC hostnames; only the host is quoted (URLs often embed API keys)."""
    for start, line in f.marked(("://",)):
        for m in URL_HOST.finditer(line):
            host_chain = chain_of_host(m.group(1))
            if host_chain:
                chain_at(em, f, f.number(start), m.group(1), name=host_chain, note="public RPC host")


def _env_read(em: Emitter, f: SourceFile, no: int, line: str, m: re.Match[str], name: str, *, web3: bool) -> None:
    if f.hot(no):
        return
    if named(em, f, name, no, m.group(0), web3=web3) or is_cipher_key(name):
        return
    # An env var passed straight into a signer constructor is a key whatever its name.
    for b in BUILDER.finditer(line, 0, m.start()):
        inside = line[b.end(): m.start()]
        if b.group(0).endswith("(") and inside.count("(") < inside.count(")"):
            continue
        if b.group(0).startswith("accounts") and "hardhat.config" not in f.rel:
            continue
        detail = key_kind(name) or builder_detail(b, line)
        once(em, f, "signing_key", name, no, m.group(0), detail=detail, note=f"passed to {b.group(0).strip()}")
        return


SIGNER_MARKERS = ("from_key(", "privateKeyToAccount(", "Wallet(", "fromSecretKey(", "HexToECDSA(", "from_mnemonic(")


def _signers_from_settings(em: Emitter, f: SourceFile, survey: Survey) -> None:
    """`Account.from_key(settings.signer_private_key)`: the key comes from a settings field."""
    for start, line in f.marked(SIGNER_MARKERS):
        for m in SETTINGS_KEY.finditer(line):
            name = survey.settings_env.get(m.group(1), m.group(1).upper())
            detail = key_kind(name) or ("mnemonic" if "mnemonic" in m.group(0) else "private-key")
            once(em, f, "signing_key", name, f.number(start), m.group(0), detail=detail,
                 note="settings field passed to a signer")


def _chain_imports(em: Emitter, f: SourceFile) -> None:
    """`import { base, baseSepolia } from "viem/chains"` names the chains the app talks to."""
    if "/chains" in f.text or "appkit/networks" in f.text:
        for m in CHAIN_IMPORT.finditer(f.text):
            for item in _IMPORT_ITEM.finditer(m.group(1)):
                if item.group(0).startswith("type "):
                    continue
                key = norm(item.group(1))
                name = evm_chain(key)
                if name is None and key.startswith("solana"):
                    name = solana_cluster(key) or ("solana-mainnet" if key == "solana" else None)
                if name is None:
                    continue
                no = f.number(m.start(1) + item.start(1))
                chain_at(em, f, no, f.line(no).strip(), name=name, note=f"imported from {m.group(2)}")
    for ns in CHAIN_NAMESPACE.finditer(f.text):
        for use in re.finditer(rf"(?<![\w$.]){re.escape(ns.group(1))}\.([A-Za-z_$][\w$]*)", f.text):
            name = evm_chain(use.group(1))
            if name and not f.text.startswith(".id]", use.end()):  # `[chains.x.id]: {...}` lookup tables
                no = f.number(use.start())
                chain_at(em, f, no, use.group(0), name=name, note=f"used from {ns.group(2)}")
    if "defineChain(" in f.text:
        for m in DEFINE_CHAIN.finditer(f.text):
            idm = _ID_FIELD.search(f.text, m.end(), m.end() + 400)
            if idm:
                chain_at(em, f, f.number(idm.start()), idm.group(0), chain_id=int(idm.group(1)), note="defineChain")


def _solana(em: Emitter, f: SourceFile) -> None:
    for start, line in f.marked(("clusterApiUrl", "WalletAdapterNetwork")):
        for m in CLUSTER.finditer(line):
            name = solana_cluster(m.group(1) or m.group(2))
            if name:
                chain_at(em, f, f.number(start), m.group(0), name=name)


def _keypair_paths(em: Emitter, f: SourceFile) -> None:
    """Keypair files read from disk: `~/.config/solana/id.json`, `read_keypair_file("deployer.json")`."""
    keypair_file = "Keypair" in f.text or "keypair" in f.text
    for start, line in f.marked((*KEYPAIR_MARKERS, "Wallet.local()", "Provider.local()")):
        no = f.number(start)
        if f.hot(no):
            continue
        if "Wallet.local()" in line or "Provider.local()" in line:
            once(em, f, "signing_key", "~/.config/solana/id.json", no, line.strip(), detail="keypair-file",
                 note="anchorpy loads the default Solana keypair")
            continue
        reads_file = "read_keypair_file" in line or (keypair_file and "readFileSync" in line)
        for lit in _LITERAL.finditer(line):
            path = lit.group(1)
            if "id.json" in path or ".config/solana" in path or (reads_file and path.endswith(".json")):
                if ".config/solana/" in path:  # `${os.homedir()}/.config/solana/id.json` and the like
                    path = "~/.config/solana/" + path.split(".config/solana/", 1)[1]
                once(em, f, "signing_key", _in_tree(em, f.rel, path), no, lit.group(0), detail="keypair-file",
                     note="keypair file read from disk")


def _in_tree(em: Emitter, rel: str, path: str) -> str:
    """A relative key path as its tree path when the file is in the tree (so both facts agree)."""
    if path.startswith(("/", "~")):
        return path
    comp = em.subject(rel)
    for base in (posixpath.dirname(rel), "" if comp in {"", "."} else comp):
        candidate = posixpath.normpath(posixpath.join(base, path))
        if em.ctx.tree.exists(candidate):
            return candidate
    return path
