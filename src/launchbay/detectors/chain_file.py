"""Per-file scanning state and the fact helpers shared by the code and shell passes.

A line holding a 64-hex-digit value is "hot": nothing is ever reported from it except a
"hard-coded key" fact whose quote stops before the key, so no key material reaches a profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from launchbay.detectors.chain_data import DEV_KEYS
from launchbay.detectors.chain_emit import Emitter
from launchbay.detectors.chain_text import HEX64, Lines, hard_coded_key, is_rpc_name, key_kind, safe_key_quote

# Where a hard-coded key can start: after 0x; in code right after a quote; in configs and .env
# files also after '=' or ':' (each pattern has a cheap first-character prefix).
KEY_0X = re.compile(r"0x[0-9a-fA-F]{64}(?![0-9A-Za-z])")
KEY_QUOTED = re.compile(r"[\"'`][0-9a-fA-F]{64}(?![0-9A-Za-z])")
KEY_ASSIGNED = re.compile(r"[\"'`=:][ \t]*[0-9a-fA-F]{64}(?![0-9A-Za-z])")


@dataclass
class SourceFile:
    """One file being scanned: lazy line index, which lines hold key material, facts already given."""

    rel: str
    text: str
    given: set[tuple[str, str]] = field(default_factory=set)
    _lines: Lines | None = None
    _hot: dict[int, bool] = field(default_factory=dict)

    def number(self, offset: int) -> int:
        if self._lines is None:
            self._lines = Lines(self.text)
        return self._lines.number(offset)

    def line(self, no: int) -> str:
        if self._lines is None:
            self._lines = Lines(self.text)
        return self._lines.line(no)

    def hot(self, no: int) -> bool:
        """The line holds a 64-hex value: nothing but a hard-coded-key fact may come from it."""
        if no not in self._hot:
            self._hot[no] = HEX64.search(self.line(no)) is not None
        return self._hot[no]

    def marked(self, markers: tuple[str, ...]) -> list[tuple[int, str]]:
        """(start offset, text) of each line containing one of `markers`, found with str.find so
        that the regexes only ever run on the few lines that can match."""
        text = self.text
        starts: set[int] = set()
        for marker in markers:
            i = text.find(marker)
            while i != -1:
                starts.add(text.rfind("\n", 0, i) + 1)
                end = text.find("\n", i)
                if end == -1:
                    break
                i = text.find(marker, end)
        out = []
        for start in sorted(starts):
            end = text.find("\n", start)
            out.append((start, text[start: end if end != -1 else len(text)]))
        return out


def hard_coded(em: Emitter, f: SourceFile, *, code: bool, thorough: bool) -> None:
    """Lines assigning a 64-hex key. `0x…` keys are found cheaply everywhere; bare-hex keys (one
    slower scan) in configs and in components that use a chain SDK (`thorough`)."""
    patterns = [KEY_0X]
    if thorough:
        patterns.append(KEY_QUOTED if code else KEY_ASSIGNED)
    done: set[int] = set()
    for pattern in patterns:
        for m in pattern.finditer(f.text):
            no = f.number(m.start())
            if no in done:
                continue
            done.add(no)
            line = f.line(no)
            if hard_coded_key(line):
                dev = any(k.group(0)[-64:].lower() in DEV_KEYS for k in HEX64.finditer(line))
                note = ("well-known anvil/hardhat test key written in the file (value not shown)" if dev
                        else "64-hex-digit private key written in the file (value not shown)")
                em.add("signing_key", f"hard-coded key in {f.rel}", f.rel, no, safe_key_quote(line),
                       detail="private-key", note=note)


def chain_at(em: Emitter, f: SourceFile, no: int, quote: str, *, name: str | None = None,
             chain_id: int | None = None, note: str | None = None) -> None:
    """A chain / chain id seen on line `no`, once per file and never from a hot line."""
    key = ("chain", f"{name}:{chain_id}")
    if key in f.given or f.hot(no):
        return
    f.given.add(key)
    em.chain(f.rel, no, quote, name=name, chain_id=chain_id, note=note)


def named(em: Emitter, f: SourceFile, name: str, no: int, quote: str, *, web3: bool,
          note: str | None = None) -> bool:
    """rpc_env / signing_key facts decided by an env var's name; True when it names an RPC URL."""
    if is_rpc_name(name, web3=web3):
        once(em, f, "rpc_env", name, no, quote, note=note)
        suffix = re.search(r"_(\d{1,12})$", name)
        if suffix:
            chain_at(em, f, no, quote, chain_id=int(suffix.group(1)), note="chain id from the variable name")
        return True
    kind = key_kind(name)
    if kind:
        once(em, f, "signing_key", name, no, quote, detail=kind, note=note)
    return False


def once(em: Emitter, f: SourceFile, kind: str, value: str, no: int, quote: str, *,
         detail: str | None = None, note: str | None = None) -> None:
    """One fact per file for each (kind, value): the first read site is evidence enough."""
    if (kind, value) in f.given or f.hot(no):
        return
    f.given.add((kind, value))
    em.add(kind, value, f.rel, no, quote, detail=detail, note=note)
