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
    # a prefix naming the deployment or app before the service word
    ("RAILWAY_MIBERA_DATABASE_URL", "secret"),
    ("ANALYTICS_REDIS_URL", "secret"),
    ("MAIN_DB_URI", "secret"),
    ("ORDERS_MONGODB_URL_2", "secret"),
    ("FRONTEND_URL", "non-secret"),
    ("DBX_URL", "non-secret"),
    ("DB_URL_PATH", "non-secret"),
    # LLM sizes are not credentials
    ("MAX_TOKENS", "non-secret"),
    ("OPENAI_MAX_TOKENS", "non-secret"),
    ("CONTEXT_TOKENS", "non-secret"),
    ("LLM_TOKEN_LIMIT", "non-secret"),
    ("TOKEN_BUDGET", "non-secret"),
    ("DAILY_TOKEN_BUDGETS", "non-secret"),
    ("AWS_BEARER_TOKEN_BEDROCK", "secret"),
    ("SCORE_BEARER", "secret"),
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


def test_url_rule_stays_linear_on_hostile_names() -> None:
    import time

    started = time.perf_counter()
    for name in ("DB_" * 3000 + "X", "A_" * 5000 + "URL", "RPC" * 4000 + "_URL"):
        classify(name)
    assert time.perf_counter() - started < 0.5
