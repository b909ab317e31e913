"""Env var classes from names, with the rule that decided."""

from __future__ import annotations

import pytest

from launchbay.envclass import classify, public_looks_secret


@pytest.mark.parametrize(("name", "expected"), [
    ("NEXT_PUBLIC_API_URL", "public-build-time"),
    ("VITE_CHAIN_ID", "public-build-time"),
    ("REACT_APP_SENTRY_DSN", "public-build-time"),
    ("DATABASE_URL", "secret"),
    ("REDIS_URL", "secret"),
    ("PONDER_RPC_URL_8453", "secret"),
    ("BASE_RPC_URL", "secret"),
    ("RELAYER_PRIVATE_KEY", "secret"),
    ("DEPLOYER_PRIVATE_KEY", "secret"),
    ("MNEMONIC", "secret"),
    ("DISCORD_TOKEN", "secret"),
    ("JWT_SECRET", "secret"),
    ("STRIPE_API_KEY", "secret"),
    ("DISCORD_WEBHOOK_URL", "secret"),
    ("SENTRY_DSN", "secret"),
    ("LOG_LEVEL", "non-secret"),
    ("PORT", "non-secret"),
    ("CHAIN_ID", "non-secret"),
    ("TOKEN_ADDRESS", "non-secret"),
    ("VAULT_CONTRACT_ADDRESS", "non-secret"),
    ("SIGNER_PUBLIC_KEY", "non-secret"),
    ("AWS_ACCESS_KEY_ID", "secret"),
    ("API_BASE_URL", "non-secret"),
])
def test_classify(name: str, expected: str) -> None:
    got, reason = classify(name)
    assert got == expected, reason
    assert reason


def test_public_variable_with_secret_name_is_flagged() -> None:
    assert public_looks_secret("NEXT_PUBLIC_PRIVATE_KEY")
    assert public_looks_secret("VITE_SUPABASE_SERVICE_ROLE_KEY")
    assert not public_looks_secret("NEXT_PUBLIC_CHAIN_ID")
    assert not public_looks_secret("PRIVATE_KEY")
