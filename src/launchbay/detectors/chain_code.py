"""Chain facts from source code and service configs: RPC env vars, signing keys built from env
vars or key files, chain ids next to the word chainId, viem/wagmi chain imports, Solana clusters
and well-known RPC hosts.

Every file is read once and every pattern is guarded by a cheap substring test, so a large
monorepo costs little. A line holding a 64-hex-digit key is never quoted and yields nothing but
a "hard-coded key" fact whose quote stops before the key.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from launchbay.detectors.chain_data import chain_of_host, evm_chain, norm, solana_cluster
from launchbay.detectors.chain_emit import Emitter, Survey
from launchbay.detectors.chain_text import (
    CONFIG_ENV_READ,
    ENV_MARKERS,
    ENV_READ,
    HEX64,
    Lines,
    env_name,
    hard_coded_key,
    is_rpc_name,
    is_test_path,
    key_kind,
    safe_key_quote,
    settings_fields,
)

CODE_SUFFIXES = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".py", ".go", ".rs",
                 ".sol", ".vue", ".svelte", ".astro")
CONFIG_SUFFIXES = (".yaml", ".yml")
SKIP_NAMES = frozenset({"pnpm-lock.yaml", "yarn.lock", "package-lock.json"})
ENV_EXAMPLE_WORDS = ("example", "sample", "template", "dist", "defaults")

CHAIN_ID = re.compile(
    r"(?i)(?<![a-z])chain[_-]?id(?![a-z])"
    r"(?:[\"']\s*,|[\"']?(?:\s*:\s*[a-z_][\w:]*)?\s*(?::=|===?|:|=|\?\?|\|\|))"
    r"\s*(?:big\.NewInt\(|BigInt\(|Number\(|int\()?\s*[\"']?(0x[0-9a-f]+|\d{1,12})(?![\w.])"
)
CHAIN_ID_MARKERS = ("hainId", "hain_id", "HAIN_ID", "hainid", "hainID", "HAINID")
CHAIN_IMPORT = re.compile(
    r"import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*[\"']"
    r"(viem/chains|wagmi/chains|@wagmi/core/chains|@reown/appkit/networks|thirdweb/chains)[\"']"
)
_IMPORT_ITEM = re.compile(r"(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+[\w$]+)?")
DEFINE_CHAIN = re.compile(r"defineChain\(\s*\{")
_ID_FIELD = re.compile(r"\bid\s*:\s*(\d{1,12})\b")
CLUSTER = re.compile(r"clusterApiUrl\(\s*[\"']([\w-]+)[\"']|WalletAdapterNetwork\.(Mainnet|Devnet|Testnet)\b")
URL_HOST = re.compile(r"(?:https?|wss?)://([A-Za-z0-9.-]+)")
BUILDER = re.compile(
    r"(?P<mnemonic>mnemonicToAccount\(|Wallet\.fromPhrase\(|Wallet\.fromMnemonic\(|fromMnemonic\(|"
    r"HDNodeWallet\.fromPhrase\(|from_mnemonic\(|\bderiveKey\(|MnemonicBuilder)"
    r"|(?P<file>read_keypair_file\(|loadKeypair\w*\(|load_keypair\w*\()"
    r"|(?P<key>privateKeyToAccount\(|new\s+(?:ethers\.)?Wallet\(|\bfrom_key\(|HexToECDSA\(|"
    r"PrivateKeySigner::from_str\(|LocalWallet::from_str\(|startBroadcast\(|rememberKey\(|"
    r"Keypair\.fromSecretKey\(|Keypair\.from_base58_string\(|Keypair\.from_bytes\(|"
    r"Keypair::from_base58_string\(|createKeyPairSignerFromBytes\(|\baccounts\s*:)"
)
SETTINGS_KEY = re.compile(
    r"(?:from_key|privateKeyToAccount|Wallet|fromSecretKey|HexToECDSA|from_mnemonic)\(\s*(?:self\.)?"
    r"(?:settings|config|cfg|conf|CONFIG|SETTINGS|app_settings)\.([A-Za-z_]\w*)"
)
KEYPAIR_MARKERS = ("id.json", ".config/solana", "read_keypair_file", "readFileSync")
_LITERAL = re.compile(r"[\"'`]([^\"'`\n]*)[\"'`]")


@dataclass
class _File:
    """Per-file state: the line index, lines holding key material, and facts already given."""

    rel: str
    text: str
    lines: Lines
    hot: set[int] = field(default_factory=set)
    given: set[tuple[str, str]] = field(default_factory=set)


def scan_code(em: Emitter, survey: Survey) -> None:
    for rel in em.ctx.tree.with_suffix(".py"):
        text = em.ctx.read(rel)
        if text and "BaseSettings" in text and not is_test_path(rel):
            for name, _, field_name in settings_fields(text):
                survey.settings_env.setdefault(field_name, name)
    for rel in em.ctx.tree.files:
        base = rel.rsplit("/", 1)[-1]
        if base in SKIP_NAMES or is_test_path(rel):
            continue
        if rel.endswith(CODE_SUFFIXES) and not rel.endswith((".d.ts", ".min.js")):
            _scan(em, survey, rel, code=True)
        elif rel.endswith(CONFIG_SUFFIXES) or base == "foundry.toml":
            _scan(em, survey, rel, code=False)
        elif base == ".env" or (base.startswith(".env.") and not any(w in base for w in ENV_EXAMPLE_WORDS)):
            _hard_coded_only(em, rel)


def _hard_coded_only(em: Emitter, rel: str) -> None:
    """Committed .env files: values are never read, except to flag a raw private key."""
    text = em.ctx.read(rel)
    if text and HEX64.search(text):
        _mark_hot(em, _File(rel, text, Lines(text)))


def _mark_hot(em: Emitter, f: _File) -> None:
    for m in HEX64.finditer(f.text):
        no = f.lines.number(m.start())
        if no in f.hot:
            continue
        f.hot.add(no)
        line = f.lines.line(no)
        if hard_coded_key(line):
            em.add("signing_key", f"hard-coded key in {f.rel}", f.rel, no, safe_key_quote(line),
                   detail="private-key", note="64-hex-digit private key written in the file (value not shown)")


def _scan(em: Emitter, survey: Survey, rel: str, *, code: bool) -> None:
    text = em.ctx.read(rel)
    if not text:
        return
    f = _File(rel, text, Lines(text))
    if HEX64.search(text):
        _mark_hot(em, f)
    web3 = em.ctx.component_of(rel) in survey.web3
    if code and any(marker in text for marker in ENV_MARKERS):
        for m in ENV_READ.finditer(text):
            _env_read(em, f, m, env_name(m), web3=web3)
    if not code and "${" in text:
        for m in CONFIG_ENV_READ.finditer(text):
            _env_read(em, f, m, m.group(1), web3=web3)
    if rel.endswith(".py") and "BaseSettings" in text:
        for name, offset, field_name in settings_fields(text):
            _named(em, f, name, f.lines.number(offset), field_name, web3=web3, note="pydantic settings field")
    if code:
        _signers_from_settings(em, f, survey)
        _chain_imports(em, f)
        _solana(em, f)
        _keypair_paths(em, f)
    if any(marker in text for marker in CHAIN_ID_MARKERS):
        for m in CHAIN_ID.finditer(text):
            raw = m.group(1)
            cid = int(raw, 16) if raw.lower().startswith("0x") else int(raw)
            _chain(em, f, f.lines.number(m.start()), m.group(0), chain_id=cid)
    if "://" in text:
        for m in URL_HOST.finditer(text):
            host_chain = chain_of_host(m.group(1))
            if host_chain:
                _chain(em, f, f.lines.number(m.start(1)), m.group(1), name=host_chain, note="public RPC host")


def _chain(em: Emitter, f: _File, no: int, quote: str, *, name: str | None = None,
           chain_id: int | None = None, note: str | None = None) -> None:
    key = ("chain", f"{name}:{chain_id}")
    if no in f.hot or key in f.given:
        return
    f.given.add(key)
    em.chain(f.rel, no, quote, name=name, chain_id=chain_id, note=note)


def _env_read(em: Emitter, f: _File, m: re.Match[str], name: str, *, web3: bool) -> None:
    no = f.lines.number(m.start())
    if no in f.hot:
        return
    line = f.lines.line(no)
    rpc = _named(em, f, name, no, m.group(0), web3=web3)
    if rpc:
        return
    # An env var passed straight into a signer constructor is a key whatever its name.
    col = m.start() - (f.text.rfind("\n", 0, m.start()) + 1)
    for b in BUILDER.finditer(line, 0, col):
        inside = line[b.end(): col]
        if b.group(0).endswith("(") and inside.count("(") < inside.count(")"):
            continue
        if b.group(0).startswith("accounts") and "hardhat.config" not in f.rel:
            continue
        detail = key_kind(name) or _builder_detail(b, line)
        _once(em, f, "signing_key", name, no, m.group(0), detail=detail, note=f"passed to {b.group(0).strip()}")
        return


def _builder_detail(b: re.Match[str], line: str) -> str:
    if b.group("mnemonic"):
        return "mnemonic"
    if b.group("file") or "readFileSync" in line or "read_keypair_file" in line:
        return "keypair-file"
    return "private-key"


def _named(em: Emitter, f: _File, name: str, no: int, quote: str, *, web3: bool,
           note: str | None = None) -> bool:
    """rpc_env / signing_key facts decided by an env var's name; True when it names an RPC URL."""
    if is_rpc_name(name, web3=web3):
        _once(em, f, "rpc_env", name, no, quote, note=note)
        suffix = re.search(r"_(\d{1,12})$", name)
        if suffix:
            _chain(em, f, no, quote, chain_id=int(suffix.group(1)), note="chain id from the variable name")
        return True
    kind = key_kind(name)
    if kind:
        _once(em, f, "signing_key", name, no, quote, detail=kind, note=note)
    return False


def _once(em: Emitter, f: _File, kind: str, value: str, no: int, quote: str, *,
          detail: str | None = None, note: str | None = None) -> None:
    """One fact per file for each (kind, value): the first read site is evidence enough."""
    if (kind, value) in f.given or no in f.hot:
        return
    f.given.add((kind, value))
    em.add(kind, value, f.rel, no, quote, detail=detail, note=note)


def _signers_from_settings(em: Emitter, f: _File, survey: Survey) -> None:
    """`Account.from_key(settings.signer_private_key)`: the key comes from a settings field."""
    if "settings." not in f.text and "config." not in f.text and "CONFIG." not in f.text \
            and "cfg." not in f.text and "conf." not in f.text and "SETTINGS." not in f.text:
        return
    for m in SETTINGS_KEY.finditer(f.text):
        name = survey.settings_env.get(m.group(1), m.group(1).upper())
        detail = key_kind(name) or ("mnemonic" if "mnemonic" in m.group(0) else "private-key")
        _once(em, f, "signing_key", name, f.lines.number(m.start()), m.group(0), detail=detail,
              note="settings field passed to a signer")


def _chain_imports(em: Emitter, f: _File) -> None:
    """`import { base, baseSepolia } from "viem/chains"` names the chains the app talks to."""
    if "/chains" not in f.text and "appkit/networks" not in f.text:
        return
    for m in CHAIN_IMPORT.finditer(f.text):
        for item in _IMPORT_ITEM.finditer(m.group(1)):
            if item.group(0).startswith("type "):
                continue
            exported = item.group(1)
            key = norm(exported)
            name = evm_chain(exported)
            if name is None and key.startswith("solana"):
                name = solana_cluster(key) or ("solana-mainnet" if key == "solana" else None)
            if name is None:
                continue
            offset = m.start(1) + item.start(1)
            no = f.lines.number(offset)
            _chain(em, f, no, f.lines.line(no).strip(), name=name, note=f"imported from {m.group(2)}")
    for m in DEFINE_CHAIN.finditer(f.text):
        idm = _ID_FIELD.search(f.text, m.end(), m.end() + 400)
        if idm:
            _chain(em, f, f.lines.number(idm.start()), idm.group(0), chain_id=int(idm.group(1)), note="defineChain")


def _solana(em: Emitter, f: _File) -> None:
    if "clusterApiUrl" not in f.text and "WalletAdapterNetwork" not in f.text:
        return
    for m in CLUSTER.finditer(f.text):
        name = solana_cluster(m.group(1) or m.group(2))
        if name:
            _chain(em, f, f.lines.number(m.start()), m.group(0), name=name)


def _keypair_paths(em: Emitter, f: _File) -> None:
    """Keypair files read from disk: `~/.config/solana/id.json`, `read_keypair_file("deployer.json")`."""
    if not any(marker in f.text for marker in KEYPAIR_MARKERS) and "Wallet.local()" not in f.text:
        return
    keypair_file = "Keypair" in f.text or "keypair" in f.text
    for no_0, line in enumerate(f.text.split("\n")):
        no = no_0 + 1
        if no in f.hot:
            continue
        if "Wallet.local()" in line or "Provider.local()" in line:
            _once(em, f, "signing_key", "~/.config/solana/id.json", no, line.strip(), detail="keypair-file",
                  note="anchorpy loads the default Solana keypair")
            continue
        reads_file = "read_keypair_file" in line or (keypair_file and "readFileSync" in line)
        for lit in _LITERAL.finditer(line):
            path = lit.group(1)
            if "id.json" in path or ".config/solana" in path or (reads_file and path.endswith(".json")):
                _once(em, f, "signing_key", _in_tree(em, f.rel, path), no, lit.group(0), detail="keypair-file",
                      note="keypair file read from disk")


def _in_tree(em: Emitter, rel: str, path: str) -> str:
    """A relative key path as its tree path when the file is in the tree (so both facts agree)."""
    if path.startswith(("/", "~")):
        return path
    comp = em.ctx.component_of(rel)
    for base in (posixpath.dirname(rel), "" if comp in {"", "."} else comp):
        candidate = posixpath.normpath(posixpath.join(base, path))
        if em.ctx.tree.exists(candidate):
            return candidate
    return path
