"""Runtime configuration.

pydantic-settings reads each field from the environment variable of the same name, upper-cased
(DATABASE_URL, REDIS_URL, ...), falling back to a local `.env` file during development.
"""

from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str
    redis_url: str
    rpc_url: str
    chain_id: int = 11155111  # Ethereum Sepolia
    signer_private_key: SecretStr
    log_level: str = "INFO"


@lru_cache
def get_settings() -> Settings:
    return Settings()  # type: ignore[call-arg]
