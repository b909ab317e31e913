"""Env vars that reach a signer constructor (`Keypair.fromSecretKey(`, `privateKeyToAccount(`,
`new Wallet(`...) whatever their name: the value signs transactions, so it is a signing key.

Why a pass of its own: the same-line check in chain_code misses the two common shapes where
the key is read away from the call: a call spread over several lines
(`Keypair.fromSecretKey(\\n  Uint8Array.from(JSON.parse(process.env.X))\\n)`), and a key read
into a local variable first (`const secret = process.env.X; ... fromSecretKey(decode(secret))`).
Only the call's first argument is followed: that is where every listed signer takes its key (a
provider or options object comes after it).
"""

from __future__ import annotations

import re

from launchbay.detectors.chain_emit import Emitter
from launchbay.detectors.chain_file import SourceFile, once
from launchbay.detectors.chain_text import ENV_READ, env_name, is_cipher_key, is_rpc_name, key_kind

BUILDER = re.compile(
    r"(?P<mnemonic>mnemonicToAccount\(|Wallet\.fromPhrase\(|Wallet\.fromMnemonic\(|fromMnemonic\(|"
    r"HDNodeWallet\.fromPhrase\(|from_mnemonic\(|\bderiveKey\(|MnemonicBuilder)"
    r"|(?P<file>read_keypair_file\(|loadKeypair\w*\(|load_keypair\w*\()"
    r"|(?P<key>privateKeyToAccount\(|new\s+(?:ethers\.)?Wallet\(|\bfrom_key\(|HexToECDSA\(|"
    r"PrivateKeySigner::from_str\(|LocalWallet::from_str\(|startBroadcast\(|rememberKey\(|"
    r"Keypair\.fromSecretKey\(|Keypair\.from_base58_string\(|Keypair\.from_bytes\(|"
    r"Keypair::from_base58_string\(|createKeyPairSignerFromBytes\(|\baccounts\s*:)"
)
# Every BUILDER call contains one of these: a cheap test before any line is matched.
_HINTS = ("Key", "Wallet", "eypair", "_key(", "ECDSA", "nemonic", "Phrase", "Broadcast")
# `const secret = <expr>`, `secret := <expr>`, `secret = <expr>` (JS/TS, Go, Python).
_DECL = re.compile(
    r"^[ \t]*(?:(?:export[ \t]+)?(?:const|let|var)[ \t]+)?([A-Za-z_$][\w$]*)[ \t]*"
    r"(?::[^=\n]{1,60})?(?::=|=(?![=>]))[ \t]*(\S.*)$"
)
_WORD = re.compile(r"(?<![\w$.])[A-Za-z_$][\w$]*")
FOLLOW_LINES = 3  # lines after the call's own line that its first argument may span
_HOPS = 2  # `const b = decode(a)` steps from the env read to the variable passed to the signer


def builder_detail(b: re.Match[str], line: str) -> str:
    """signing_key detail implied by the signer a value is passed to."""
    if b.group("mnemonic"):
        return "mnemonic"
    if b.group("file") or "readFileSync" in line or "read_keypair_file" in line:
        return "keypair-file"
    return "private-key"


def scan_signers(em: Emitter, f: SourceFile, markers: tuple[str, ...], *, web3: bool) -> None:
    """signing_key facts for env vars in a signer call's first argument, directly (on any of the
    call's lines) or through local variables assigned from them."""
    if not any(hint in f.text for hint in _HINTS):
        return
    calls = [(at, line, b) for at, line in f.marked(_HINTS) for b in BUILDER.finditer(line)
             if b.group(0).endswith("(")]
    if not calls:
        return
    held = _env_variables(f, markers)
    for at, line, b in calls:
        start, end = _first_argument(f.text, at + b.end())
        call_no = f.number(at)
        signer = b.group(0).strip()
        argument = f.text[start:end]
        for m in ENV_READ.finditer(f.text, start, end):
            name = env_name(m)
            if is_rpc_name(name, web3=web3) or is_cipher_key(name):
                continue
            once(em, f, "signing_key", name, f.number(m.start()), m.group(0),
                 detail=_detail(name, b, line + argument), note=f"passed to {signer}")
        for w in _WORD.finditer(f.text, start, end):
            found = held.get(w.group(0))
            if found is None or is_rpc_name(found[0], web3=web3) or is_cipher_key(found[0]):
                continue
            name, no, quote = found
            once(em, f, "signing_key", name, no, quote, detail=_detail(name, b, line + argument),
                 note=f"passed to {signer} as {w.group(0)} (line {call_no})")


def _detail(name: str, b: re.Match[str], code: str) -> str:
    """From the variable's name first, then from what the call does with it (a file read)."""
    if name.upper().endswith(("_PATH", "_FILE")):
        return key_kind(name) or "keypair-file"
    return key_kind(name) or builder_detail(b, code)


def _env_variables(f: SourceFile, markers: tuple[str, ...]) -> dict[str, tuple[str, int, str]]:
    """Local variables holding an env var's value: variable -> (env var, line, quote of the read),
    followed through up to `_HOPS` further assignments (`const key = decode(secret)`)."""
    held: dict[str, tuple[str, int, str]] = {}
    for start, line in f.marked(markers):
        d = _DECL.match(line)
        m = ENV_READ.search(d.group(2)) if d else None
        if d is not None and m is not None:
            held.setdefault(d.group(1), (env_name(m), f.number(start), m.group(0)))
    if not held:
        return held
    decls = [(d.group(1), d.group(2)) for line in f.text.split("\n") if "=" in line and (d := _DECL.match(line))]
    for _ in range(_HOPS):
        grew = False
        for var, rhs in decls:
            if var in held:
                continue
            src = next((w.group(0) for w in _WORD.finditer(rhs) if w.group(0) in held), None)
            if src is not None:
                held[var] = held[src]
                grew = True
        if not grew:
            break
    return held


def _first_argument(text: str, at: int) -> tuple[int, int]:
    """Span of the call's first argument, starting just after its `(`: up to the top-level comma
    or the closing parenthesis, at most `FOLLOW_LINES` lines past the call's line."""
    limit = text.find("\n", at)
    for _ in range(FOLLOW_LINES):
        if limit == -1:
            break
        limit = text.find("\n", limit + 1)
    if limit == -1:
        limit = len(text)
    depth = 0
    for i in range(at, limit):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return at, i
            depth -= 1
        elif ch == "," and depth == 0:
            return at, i
    return at, limit
