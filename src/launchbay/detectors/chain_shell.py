"""Shell scripts, Makefiles and justfiles: where deploy commands pass keys and nodes as flags,
e.g. `forge script ... --rpc-url $(BASE_RPC_URL) --private-key $(PRIVATE_KEY)` or
`--account deployer` (a Foundry encrypted keystore).

A variable defined with a literal value in the same file (`DEFAULT_ANVIL_KEY := 0x...`) is not an
env var; its hard-coded value is reported by the hard-coded-key check instead.
"""

from __future__ import annotations

import re

from launchbay.detectors.chain_data import chain_of_host, evm_chain
from launchbay.detectors.chain_emit import Emitter, Survey
from launchbay.detectors.chain_file import SourceFile, chain_at, hard_coded, named, once
from launchbay.detectors.chain_text import key_kind

SHELL_NAMES = frozenset({"Makefile", "makefile", "GNUmakefile", "justfile", "Justfile"})
SHELL_SUFFIXES = (".sh", ".bash", ".mk")

_VAR = r"\$[({]?([A-Za-z_][A-Za-z0-9_]*)"
FLAG = re.compile(
    r"--(private-key|mnemonics?|keystore|account|rpc-url|fork-url|chain-id|chain)(?:[ \t]+|=)[\"']?"
    rf"(?:{_VAR}|([\w.~/:-]+))"
)
SHELL_VAR = re.compile(r"\$[({]?([A-Z_][A-Z0-9_]*)")
LITERAL_DEF = re.compile(r"(?m)^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::=|\?=|=)[ \t]*([^\n]*)")
_FLAG_KEY = {"private-key": "private-key", "mnemonic": "mnemonic", "mnemonics": "mnemonic",
             "keystore": "keystore", "account": "keystore"}


def is_shell(rel: str) -> bool:
    return rel.rsplit("/", 1)[-1] in SHELL_NAMES or rel.endswith(SHELL_SUFFIXES)


def scan_shell(em: Emitter, survey: Survey, rel: str) -> None:
    text = em.ctx.read(rel)
    if not text:
        return
    f = SourceFile(rel, text)
    hard_coded(em, f, code=False, thorough=True)
    if "$" not in text and "--" not in text:
        return
    literal = {m.group(1) for m in LITERAL_DEF.finditer(text) if "$" not in m.group(2)}
    web3 = em.subject(rel) in survey.web3
    for start, line in f.marked(("--", "$")):
        no = f.number(start)
        for m in FLAG.finditer(line):
            _flag(em, f, no, m, literal)
        for m in SHELL_VAR.finditer(line):
            if m.group(1) not in literal:
                named(em, f, m.group(1), no, m.group(0), web3=web3)


def _flag(em: Emitter, f: SourceFile, no: int, m: re.Match[str], literal: set[str]) -> None:
    flag, var, value = m.group(1), m.group(2), m.group(3)
    quote = m.group(0)
    if var:
        if var in literal:
            return
        if flag in _FLAG_KEY:
            kind = _FLAG_KEY[flag] if flag in {"account", "keystore"} else key_kind(var) or _FLAG_KEY[flag]
            once(em, f, "signing_key", var, no, quote, detail=kind, note=f"passed as --{flag}")
        elif flag in {"rpc-url", "fork-url"}:
            once(em, f, "rpc_env", var, no, quote, note=f"passed as --{flag}")
        return
    if not value:
        return
    if flag == "account":
        once(em, f, "signing_key", f"~/.foundry/keystores/{value}", no, quote, detail="keystore",
             note="foundry keystore account (cast wallet import)")
    elif flag == "keystore":
        once(em, f, "signing_key", value, no, quote, detail="keystore", note="passed as --keystore")
    elif flag in {"rpc-url", "fork-url"} and "://" in value:
        host = value.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0]
        chain = chain_of_host(host)
        if chain:
            chain_at(em, f, no, host, name=chain, note="public RPC host")
    elif flag == "chain-id" and value.isdigit():
        chain_at(em, f, no, quote, chain_id=int(value))
    elif flag == "chain":
        if value.isdigit():
            chain_at(em, f, no, quote, chain_id=int(value))
        elif evm_chain(value):
            chain_at(em, f, no, quote, name=evm_chain(value))
