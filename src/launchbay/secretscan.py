"""Recognise secret *values* (keys, tokens, mnemonics, credentialed URLs) in text.

Used wherever launchbay reads or writes a file that is meant to be committed: a value that looks
like a secret is refused with a message that says which kind it looks like (never echoing it).
"""

from __future__ import annotations

import re

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a 32-byte hex private key", re.compile(r"\b(?:0x)?[0-9a-fA-F]{64}\b")),
    ("a PEM private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("an AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a GitHub token", re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a URL with a password in it", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@")),
    ("a webhook URL (the URL itself is the credential)",
     re.compile(r"hooks\.slack\.com/services/|discord(?:app)?\.com/api/webhooks/|api\.telegram\.org/bot\d+:")),
    ("an API key in a provider URL", re.compile(r"(?:alchemy\.com/v2/|infura\.io/v3/)[A-Za-z0-9_-]{16,}")),
    ("a seed phrase", re.compile(r"^\s*(?:[a-z]{3,8}\s+){11}[a-z]{3,8}(?:\s+[a-z]{3,8}){0,12}\s*$")),
)


def secret_kind(value: str) -> str | None:
    """What kind of secret `value` looks like, or None."""
    for kind, pattern in _PATTERNS:
        if pattern.search(value):
            return kind
    return None
