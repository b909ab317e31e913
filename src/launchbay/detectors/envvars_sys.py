"""Env-var reads in Go, Rust, Foundry (Solidity scripts, foundry.toml) and Prisma schemas.

Each pattern starts with a literal so Python's `re` can skip ahead fast; what must precede the
literal (`os.`, a word boundary) is checked around the match. Go's viper only reads the
environment when `AutomaticEnv()` is on (or a key is bound with `BindEnv`), and that switch
usually lives in another file of the same component, so viper key lookups are returned
separately and resolved by the detector once per component.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from launchbay.detectors.envvars_common import MAX_MATCHES, NAME, Hit, helper_hits, starts_word

_GO_GETENV = re.compile(r"Getenv\(\s*\"(?P<name>" + NAME + r")\"\s*\)")
_GO_LOOKUP = re.compile(r"LookupEnv\(\s*\"(?P<name>" + NAME + r")\"\s*\)")
_GO_TAG = re.compile(r"env(?:config)?:\"(?P<name>" + NAME + r")[^\"\n]*\"")
_GO_TAG_DEFAULT = re.compile(r"\b(?:envDefault|default):\"")
_GO_CMP_OR = re.compile(r"\bcmp\.Or\(\s*$")
_GO_ASSIGNED = re.compile(r"(?P<v>\w+)(?:\s*,\s*(?P<ok>\w+))?\s*:?=\s*$")

_VIPER = re.compile(
    r"\.(?:(?P<get>Get(?:String|Int|Int32|Int64|Uint|Uint16|Uint32|Uint64|Bool|Float64|"
    r"Duration|Time|StringSlice|IntSlice|StringMapString|StringMap|SizeInBytes)?)|(?P<bind>BindEnv)|"
    r"(?P<setdef>SetDefault))\(\s*\"(?P<key>[^\"\n]+)\"(?:\s*,\s*\"(?P<bound>" + NAME + r")\")?"
)
_RECEIVER = re.compile(r"(?P<recv>\w+)$")
_VIPER_NEW = re.compile(r"(?P<v>\w+)\s*:?=\s*viper\.New\(\)")
_VIPER_PREFIX = re.compile(r"\.SetEnvPrefix\(\s*\"(?P<p>[^\"\n]*)\"")

_RUST_VAR = re.compile(r"env::var(?:_os)?\(\s*\"(?P<name>" + NAME + r")\"\s*\)")
_RUST_DOTENV = re.compile(r"dotenvy?::var\(\s*\"(?P<name>" + NAME + r")\"\s*\)")
_RUST_MACRO = re.compile(r"env!\s*\(\s*\"(?P<name>" + NAME + r")\"")
_RUST_CLAP_ENV = re.compile(r"env\s*=\s*\"(?P<name>" + NAME + r")\"")
_RUST_ATTR_END = re.compile(r"\)\s*\]")

_INTERPOLATED = re.compile(r"\$\{(?P<name>" + NAME + r")\}")
_PRISMA = re.compile(r"env\(\s*\"(?P<name>" + NAME + r")\"")
_SOL = re.compile(
    r"vm\.(?P<fn>env(?:Uint|Int|Address|Bytes32|String|Bool|Bytes|Or|Exists))\s*\(\s*\"(?P<name>" + NAME + r")\""
)


def scan_go(text: str) -> tuple[list[Hit], ViperUse | None]:
    """Direct reads, struct-tag names and helper calls; plus viper usage when the file has any."""
    hits: list[Hit] = []
    for rx, lookup in ((_GO_GETENV, False), (_GO_LOOKUP, True)):
        for m in islice(rx.finditer(text), MAX_MATCHES):
            if text[max(0, m.start() - 8):m.start()].endswith(("os.", "syscall.")):
                hits.append(Hit(m.group("name"), m.start("name"), m.end(), _go_default(text, m, lookup)))
    if "env" in text:
        for m in islice(_GO_TAG.finditer(text), MAX_MATCHES):
            if starts_word(text, m.start()):
                line_end = text.find("\n", m.end(), m.end() + 300)
                tag_rest = text[m.end(): line_end if line_end != -1 else m.end() + 300]
                default = _GO_TAG_DEFAULT.search(tag_rest) is not None
                hits.append(Hit(m.group("name"), m.start("name"), m.end(), default))
    hits.extend(helper_hits(text))
    return hits, (_viper_use(text) if "viper" in text else None)


def _go_default(text: str, m: re.Match[str], lookup: bool) -> bool:
    """`cmp.Or(os.Getenv("X"), "d")`, or `v := os.Getenv("X")` followed by `if v == "" {`."""
    line_start = text.rfind("\n", max(0, m.start() - 120), m.start()) + 1 or max(0, m.start() - 120)
    call_start = text.rfind("os.", line_start, m.start())
    before = text[line_start: call_start if call_start != -1 else m.start()]
    if _GO_CMP_OR.search(before):
        return True
    assigned = _GO_ASSIGNED.search(before)
    if assigned is None:
        return False
    after = text[m.end(): m.end() + 240]
    if lookup and assigned.group("ok"):
        return re.search(r"if\s+!\s*" + re.escape(assigned.group("ok")) + r"\b", after) is not None
    return re.search(r"if\s+" + re.escape(assigned.group("v")) + r"\s*==\s*\"\"", after) is not None


@dataclass
class ViperUse:
    """What one Go file does with viper: key lookups (env-backed only under AutomaticEnv),
    explicit BindEnv bindings (always env-backed), SetDefault keys and its env settings."""

    gets: list[tuple[str, int, int]] = field(default_factory=list)
    bound: list[Hit] = field(default_factory=list)
    bound_keys: list[tuple[str, int, int]] = field(default_factory=list)
    defaults: set[str] = field(default_factory=set)
    automatic: bool = False
    prefix: str | None = None
    replacer: bool = False


def _viper_use(text: str) -> ViperUse:
    receivers = {"viper"} | {m.group("v") for m in _VIPER_NEW.finditer(text)}
    use = ViperUse(automatic="AutomaticEnv(" in text, replacer="SetEnvKeyReplacer(" in text)
    prefix = _VIPER_PREFIX.search(text)
    if prefix:
        use.prefix = prefix.group("p")
    for m in islice(_VIPER.finditer(text), MAX_MATCHES):
        recv = _RECEIVER.search(text, max(0, m.start() - 40), m.start())
        if recv is None or recv.group("recv") not in receivers:
            continue
        key = m.group("key")
        if m.group("setdef") is not None:
            use.defaults.add(key.lower())
        elif m.group("bind") is not None:
            if m.group("bound"):
                use.bound.append(Hit(m.group("bound"), m.start("bound"), m.end("bound") + 1))
            else:
                use.bound_keys.append((key, m.start("key"), m.end("key") + 1))
        else:
            use.gets.append((key, m.start("key"), m.end("key") + 1))
    return use


def viper_env_name(key: str, prefix: str | None, replacer: bool) -> str | None:
    """The env var viper's AutomaticEnv maps `key` to (None when no shell could set it)."""
    name = key.upper()
    if replacer:
        name = name.replace(".", "_").replace("-", "_")
    if prefix:
        name = f"{prefix.upper()}_{name}"
    return name if re.fullmatch(NAME, name) else None


def scan_rust(text: str) -> list[Hit]:
    """std::env::var & co, env!/option_env!, dotenvy::var, clap `env = "X"` and helpers."""
    hits: list[Hit] = []
    for rx in (_RUST_VAR, _RUST_DOTENV, _RUST_MACRO):
        for m in islice(rx.finditer(text), MAX_MATCHES):
            if not (starts_word(text, m.start()) or text[max(0, m.start() - 7):m.start()] == "option_"):
                continue
            semi = text.find(";", m.end(), m.end() + 300)
            tail = text[m.end(): semi if semi != -1 else m.end() + 300]
            hits.append(Hit(m.group("name"), m.start("name"), m.end(), ".unwrap_or" in tail))
    if "#[" in text:
        for m in islice(_RUST_CLAP_ENV.finditer(text), MAX_MATCHES):
            lo = max(0, m.start() - 400)
            attr_start = max(text.rfind("#[arg(", lo, m.start()), text.rfind("#[clap(", lo, m.start()))
            if attr_start == -1 or "]" in text[attr_start:m.start()] or not starts_word(text, m.start()):
                continue
            close = _RUST_ATTR_END.search(text, m.end(), m.end() + 600)
            attr = text[attr_start: close.end() if close else m.end()]
            hits.append(Hit(m.group("name"), m.start("name"), m.end(), "default_value" in attr))
    hits.extend(helper_hits(text))
    return hits


def scan_prisma(text: str) -> list[Hit]:
    """Prisma schemas name their connection URLs with `env("DATABASE_URL")`."""
    return [Hit(m.group("name"), m.start("name"), m.end() + 1)
            for m in islice(_PRISMA.finditer(text), MAX_MATCHES) if starts_word(text, m.start())]


def scan_foundry_toml(text: str) -> list[Hit]:
    """foundry.toml interpolates `${BASE_RPC_URL}` (rpc_endpoints, etherscan keys) from the env."""
    return [Hit(m.group("name"), m.start("name"), m.end()) for m in islice(_INTERPOLATED.finditer(text), MAX_MATCHES)]


def scan_solidity(text: str) -> list[Hit]:
    """Foundry cheatcodes vm.envUint("X") & co; vm.envOr carries a default."""
    return [Hit(m.group("name"), m.start("name"), m.end(), m.group("fn") == "envOr")
            for m in islice(_SOL.finditer(text), MAX_MATCHES) if starts_word(text, m.start(), allow_dot=False)]
