"""Text helpers for the chains detector: env-var read sites, name rules for RPC URLs and signing
keys, hard-coded key detection, and a tiny JS/TS object-literal walker.

Why hand-rolled instead of parsers: configs like `hardhat.config.ts` are code, not data; a
linear character walk that understands braces, strings and comments is enough to list the keys
of `networks: {...}` without running anything.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# ----------------------------------------------------------------------------- line index


@dataclass
class Lines:
    """Offsets -> 1-based line numbers and line texts for one file."""

    text: str
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def number(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def line(self, no: int) -> str:
        start = self._starts[no - 1]
        end = self.text.find("\n", start)
        return self.text[start: end if end != -1 else len(self.text)]


# ----------------------------------------------------------------------------- env reads

_NAME = r"([A-Za-z_][A-Za-z0-9_]*)"
ENV_READ = re.compile(
    rf"process\.env\.{_NAME}"
    rf"|process\.env\[\s*[\"']{_NAME}[\"']\s*\]"
    rf"|import\.meta\.env\.{_NAME}"
    rf"|Bun\.env\.{_NAME}"
    rf"|Deno\.env\.get\(\s*[\"']{_NAME}[\"']"
    rf"|\bgetenv\(\s*[\"']{_NAME}[\"']"
    rf"|\benviron\.(?:get|setdefault)\(\s*[\"']{_NAME}[\"']"
    rf"|\benviron\[\s*[\"']{_NAME}[\"']\s*\]"
    rf"|\bos\.(?:Getenv|LookupEnv)\(\s*\"{_NAME}\""
    rf"|\b(?:env|dotenvy|dotenv)::var(?:_os)?\(\s*\"{_NAME}\""
    rf"|\b(?:option_)?env!\(\s*\"{_NAME}\""
    rf"|\bvm\.env[A-Za-z0-9]*\(\s*\"{_NAME}\""
)
# `${NAME}` interpolation in foundry.toml, rindexer.yaml, squid.yaml and similar configs.
CONFIG_ENV_READ = re.compile(r"\$\{\s*([A-Z_][A-Z0-9_]*)\s*(?::-[^}\n]*)?\}")

def env_name(m: re.Match[str]) -> str:
    return next(g for g in m.groups() if g)


_PYDANTIC_CLASS = re.compile(r"^([ \t]*)class\s+\w+\s*\(([^)\n]*)\)\s*:", re.M)
_FIELD = re.compile(r"([a-z_][a-z0-9_]*)\s*:\s*[^=\n]")
_ALIAS = re.compile(r"\b(?:validation_)?alias\s*=\s*[\"']([A-Za-z_]\w*)[\"']")
_PREFIX = re.compile(r"\benv_prefix\s*=\s*[\"']([A-Za-z0-9_]*)[\"']")


def settings_fields(text: str) -> Iterator[tuple[str, int, str]]:
    """(env var name, offset, field name) for each field of a pydantic `BaseSettings` class.

    pydantic-settings reads a field `signer_private_key` from the env var SIGNER_PRIVATE_KEY
    (case-insensitive; we report it upper-case, with the class's env_prefix).
    """
    for cls in _PYDANTIC_CLASS.finditer(text):
        if "BaseSettings" not in cls.group(2):
            continue
        indent = len(cls.group(1).expandtabs())
        body: list[tuple[int, str]] = []
        pos = cls.end()
        nl = text.find("\n", pos)
        pos = nl + 1 if nl != -1 else len(text)
        while pos < len(text):
            end = text.find("\n", pos)
            end = end if end != -1 else len(text)
            line = text[pos:end]
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                if len(line) - len(line.lstrip()) <= indent:
                    break
                body.append((pos, line))
            pos = end + 1
        if not body:
            continue
        field_indent = min(len(line) - len(line.lstrip()) for _, line in body)
        prefix = ""
        for _, line in body:
            p = _PREFIX.search(line)
            if p:
                prefix = p.group(1)
        for offset, line in body:
            if len(line) - len(line.lstrip()) != field_indent:
                continue
            m = _FIELD.match(line.lstrip())
            if not m or m.group(1) in {"model_config"}:
                continue
            alias = _ALIAS.search(line)
            name = alias.group(1) if alias else (prefix + m.group(1)).upper()
            yield name, offset + len(line) - len(line.lstrip()), m.group(1)


# ----------------------------------------------------------------------------- name rules

_RPC_WORD = re.compile(r"(?<!G)RPC")
RPC_SUFFIXES = ("_RPC_URL", "_RPC", "_HTTP_URL", "_WS_URL", "_WSS_URL", "_NODE_URL", "_PROVIDER_URL")
RPC_NAMES = frozenset({"ETH_NODE_URL", "ALCHEMY_URL", "INFURA_URL", "ALCHEMY_API_URL", "QUICKNODE_URL",
                       "NODE_URL", "PROVIDER_URL", "WEB3_PROVIDER_URI", "WEB3_PROVIDER_URL",
                       "SOLANA_URL", "SOLANA_CLUSTER_URL", "HELIUS_URL", "ANCHOR_PROVIDER_URL", "ETH_URL"})


# Last name parts that make an RPC-ish name a flag, a number or a credential rather than a URL.
_NOT_A_URL = frozenset({"ENABLED", "ENABLE", "DISABLED", "DISABLE", "TIMEOUT", "RETRIES", "RETRY", "PORT",
                        "LIMIT", "BATCH", "INTERVAL", "DELAY", "MS", "SIZE", "COUNT", "MAX", "MIN",
                        "CONCURRENCY", "KEY", "TOKEN", "SECRET", "PASSWORD", "USER", "USERNAME"})


def is_rpc_name(name: str, *, web3: bool) -> bool:
    """Whether env var `name` holds an RPC URL. Names without the word RPC (e.g. *_WS_URL) only
    count in components that use a chain SDK (`web3`), where they nearly always mean a node."""
    upper = name.upper()
    if upper.rsplit("_", 1)[-1] in _NOT_A_URL:
        return False
    if _RPC_WORD.search(upper):
        return True
    if upper in RPC_NAMES:
        return True
    return web3 and upper.endswith(RPC_SUFFIXES)


_KEY_WORDS = (
    ("MNEMONIC", "mnemonic"), ("SEED_PHRASE", "mnemonic"), ("SEEDPHRASE", "mnemonic"),
    ("KEYPAIR", "keypair-file"), ("ANCHOR_WALLET", "keypair-file"), ("KEYSTORE", "keystore"),
    ("PRIVATE_KEY", "private-key"), ("PRIVATEKEY", "private-key"), ("PRIV_KEY", "private-key"),
    ("PRIVKEY", "private-key"), ("SIGNER_KEY", "private-key"), ("RELAYER_KEY", "private-key"),
    ("DEPLOYER_KEY", "private-key"), ("WALLET_KEY", "private-key"), ("SECRET_KEY_HEX", "private-key"),
)
# Private keys that are not chain signing keys (TLS, JWT, app credentials...).
_NOT_CHAIN = frozenset({"JWT", "VAPID", "SSH", "RSA", "TLS", "SSL", "GITHUB", "FIREBASE", "GOOGLE", "GCP",
                        "APNS", "STRIPE", "CLERK", "SUPABASE", "PEM", "CERT", "NEXTAUTH", "SESSION",
                        "COOKIE", "WEBHOOK", "PUSH", "APPLE", "GPG", "PGP", "SAML", "OAUTH", "PASSWORD",
                        "PASSPHRASE", "PUBLIC", "ADDRESS", "PUBKEY"})


# A key that encrypts or decrypts something (`PRIVATE_KEY_ENCRYPTION_KEY`, a Fernet key kept to
# protect stored keys) signs nothing; an ENCRYPTED key is still one, kept as a keystore.
_CIPHER_KEY = re.compile(r"(?:EN|DE)CRYPT(?!ED)")


def is_cipher_key(name: str) -> bool:
    """An encryption/decryption key (not one that signs), judged by its name."""
    return _CIPHER_KEY.search(name.upper()) is not None


def key_kind(name: str) -> str | None:
    """signing_key detail for an env var name, or None when the name is not a chain signing key."""
    upper = name.upper()
    if set(re.split(r"[^A-Z0-9]+", upper)) & _NOT_CHAIN:
        return None
    for word, kind in _KEY_WORDS:
        if word in upper:
            if is_cipher_key(upper):
                return None
            if kind == "private-key" and upper.endswith(("_PATH", "_FILE")):
                return "keypair-file"
            if kind == "private-key" and "ENCRYPTED" in upper:
                return "keystore"  # an encrypted JSON keystore kept in the variable
            return kind
    return None


# ----------------------------------------------------------------------------- hard-coded keys

HEX64 = re.compile(r"(?<![0-9A-Za-z])(?:0x)?[0-9a-fA-F]{64}(?![0-9A-Za-z])")
_KEY_CONTEXT = re.compile(
    r"(?i)priv(?:ate)?[_-]?key|(?:signer|deployer|relayer|wallet|secret|operator|owner)[_-]?key"
    r"|accounts\s*:|wallet\s*\(|privatekeytoaccount|from_key|hextoecdsa|privatekeysigner|localwallet"
    r"|\bpk\b\s*[:=]|key[\"']?\s*(?::=|=|:)"
)
_LONG_HEX = re.compile(r"[0-9a-fA-F]{8,}")


def hard_coded_key(line: str) -> bool:
    """A line that assigns or passes a 64-hex-digit value where a private key is expected."""
    return HEX64.search(line) is not None and _KEY_CONTEXT.search(line) is not None


def safe_key_quote(line: str) -> str:
    """At most 20 characters of `line` before its first '=', ':', quote or '(' (never any key)."""
    head = re.match(r"[^=:\"'`(]*", line)
    text = (head.group(0) if head else "")[:20]
    hexrun = _LONG_HEX.search(text)
    if hexrun:
        text = text[: hexrun.start()]
    return text.strip()


# ----------------------------------------------------------------------------- JS object walk

_IDENT = re.compile(r"[A-Za-z_$][\w$]*|\"[^\"\n]*\"|'[^'\n]*'")


@dataclass(frozen=True)
class Entry:
    """One `key: value` of an object literal: key text, key offset, value span."""

    key: str
    key_at: int
    start: int
    end: int


def object_entries(text: str, open_at: int) -> list[Entry]:
    """Top-level entries of the object literal whose `{` is at `open_at` (one linear pass)."""
    entries: list[Entry] = []
    depth, i, n = 1, open_at + 1, len(text)
    expect_key = True
    current: tuple[str, int, int] | None = None

    def close(at: int) -> None:
        nonlocal current
        if current is not None:
            entries.append(Entry(current[0], current[1], current[2], at))
            current = None

    while i < n:
        ch = text[i]
        if ch in "\"'`":
            if depth == 1 and expect_key and ch != "`":
                m = _IDENT.match(text, i)
                if m and _colon_after(text, m.end()):
                    close(i)
                    current = (m.group(0).strip("\"'"), i, _colon_after(text, m.end()))
                    expect_key = False
                    i = current[2]
                    continue
            i = _skip_string(text, i)
            continue
        if text.startswith("//", i):
            nl = text.find("\n", i)
            i = n if nl == -1 else nl
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end == -1 else end + 2
            continue
        if ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
            if depth == 0:
                close(i)
                break
        elif depth == 1 and ch == ",":
            close(i)
            expect_key = True
        elif depth == 1 and expect_key and (ch.isalpha() or ch in "_$"):
            m = _IDENT.match(text, i)
            if m:
                after = _colon_after(text, m.end())
                if after:
                    close(i)
                    current = (m.group(0), i, after)
                    expect_key = False
                    i = after
                    continue
                i = m.end()
                expect_key = False
                continue
        i += 1
    return entries


def _colon_after(text: str, pos: int) -> int:
    """Offset just past a ':' that follows `pos` (spaces allowed), or 0."""
    j = pos
    while j < len(text) and text[j] in " \t\r\n":
        j += 1
    if j < len(text) and text[j] == ":" and not text.startswith("::", j):
        return j + 1
    return 0


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    j = i + 1
    while j < len(text):
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == quote or (c == "\n" and quote != "`"):
            return j + 1
        j += 1
    return j


# ----------------------------------------------------------------------------- paths

_TEST_DIRS = frozenset({"test", "tests", "__tests__", "__mocks__", "spec", "e2e", "fixtures", "mocks",
                        "cypress", "playwright", "__fixtures__"})


def is_test_path(rel: str) -> bool:
    """Test and fixture files: their chains and keys are not what production uses."""
    parts = rel.split("/")
    base = parts[-1]
    if any(p in _TEST_DIRS for p in parts[:-1]):
        return True
    return (".test." in base or ".spec." in base or base.endswith(("_test.go", "_test.py", ".t.sol"))
            or base.startswith("test_") or base == "conftest.py")
