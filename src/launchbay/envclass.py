"""Classify an environment variable as secret, non-secret or public-build-time, by its name.

Names are the only thing review can see without running code; the rule that decided is kept
as `class_reason` so a wrong call is visible and easy to argue with.
"""

from __future__ import annotations

import re

from launchbay.models.profile import SecretClass

PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_", "PUBLIC_", "EXPO_PUBLIC_", "NUXT_PUBLIC_",
                   "GATSBY_", "STORYBOOK_")

_SECRET_WORDS = re.compile(
    r"(SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|MNEMONIC|SEED_?PHRASE|"
    r"CREDENTIAL|AUTH_KEY|SIGNING_KEY|SIGNER_KEY|DEPLOYER_KEY|RELAYER_KEY|WALLET_KEY|KEYPAIR|WEBHOOK|"
    r"DSN|COOKIE_KEY|SESSION_KEY|ENCRYPTION_KEY|JWT|HMAC|SALT|CERT_KEY|TLS_KEY|BEARER)"
)
# URLs that normally embed a password or an API key in them, whatever prefix names the
# deployment or the app (RAILWAY_MIBERA_DATABASE_URL, ANALYTICS_REDIS_URL): a service word as a
# whole `_`-separated part anywhere before a final URL/URI/DSN part (an index may follow it).
# Two linear searches rather than one anchored regex, whose nested repeats go quadratic.
_URL_SUFFIX = re.compile(r"_(URL|URI|DSN)(_[0-9]+)?$")
_SECRET_URLS = re.compile(
    r"(?:^|_)(DATABASE|DB|POSTGRES|POSTGRESQL|PG|MYSQL|MONGO|MONGODB|REDIS|AMQP|RABBITMQ|KAFKA|NATS|"
    r"[A-Z0-9]*RPC|[A-Z0-9]*WEBHOOK)(?=_)"
)
_KEY_SUFFIX = re.compile(r"(^|_)KEY(_|$)")
# Identifiers and public values; TOKENS / MAX_TOKENS / TOKEN_LIMIT / TOKEN_BUDGET are LLM sizes.
_NOT_SECRET = re.compile(r"(?:^|_)(KEY_PREFIX|PUBLIC_KEY|PUBKEY|KEY_ID|KEYS_PATH|TOKEN_ADDRESS|TOKEN_DECIMALS|"
                         r"TOKEN_SYMBOL|TOKEN_TTL|TOKEN_EXPIRY|TOKEN_EXPIRES_IN|CONTRACT_ADDRESS|ADDRESS|"
                         r"MAX_TOKENS|TOKENS|TOKEN_LIMIT|TOKEN_BUDGETS?)$")


def classify(name: str) -> tuple[SecretClass, str]:
    """The class of `name` and the rule that decided it."""
    upper = name.upper()
    for prefix in PUBLIC_PREFIXES:
        if upper.startswith(prefix):
            return "public-build-time", f"prefix {prefix} is inlined into the client bundle at build time"
    if "ACCESS_KEY" in upper:
        return "secret", "half of a cloud access-key pair"
    if _NOT_SECRET.search(upper):
        return "non-secret", "names an identifier, a size or a public value, not a credential"
    suffix = _URL_SUFFIX.search(upper)
    if suffix is not None and _SECRET_URLS.search(upper, 0, suffix.start() + 1):
        return "secret", "connection URL that usually embeds a password or API key"
    word = _SECRET_WORDS.search(upper)
    if word:
        return "secret", f"name contains {word.group(1)}"
    if _KEY_SUFFIX.search(upper):
        return "secret", "name contains KEY"
    return "non-secret", "no credential word in the name"


def public_looks_secret(name: str) -> bool:
    """A public-build-time variable whose name says it is a credential: it would ship to browsers."""
    upper = name.upper()
    rest = next((upper[len(p):] for p in PUBLIC_PREFIXES if upper.startswith(p)), None)
    return rest is not None and bool(
        re.search(r"(SECRET|PASSWORD|PRIVATE_?KEY|MNEMONIC|SEED_?PHRASE|SERVICE_ROLE)", rest)
    )
