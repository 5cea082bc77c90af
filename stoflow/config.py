"""Settings, read from the environment (prefix STOFLOW_) or a `.env` file, via pydantic-settings."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite:///./var/stoflow.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STOFLOW_", env_file=".env", extra="ignore")

    # `postgresql+psycopg://user@host/db` selects PostgreSQL; the default is an embedded SQLite file.
    database_url: str = DEFAULT_SQLITE_URL
    # Fernet key (urlsafe base64, 32 bytes) for marketplace credentials at rest. When unset, a key is
    # generated once into `key_file` (mode 0600) so a single-machine install works out of the box.
    secret_key: SecretStr | None = None
    key_file: Path = Path("var/secret.key")
    job_max_attempts: int = Field(default=5, ge=1, le=100)
    retry_base_delay_s: float = Field(default=2.0, gt=0)
    retry_max_delay_s: float = Field(default=600.0, gt=0)
    # Marketplace base URLs: production by default; eBay's sandbox (https://api.sandbox.ebay.com,
    # https://apim.sandbox.ebay.com) or the local emulators (`stoflow sandbox`) for tests and demos.
    ebay_api_url: str = "https://api.ebay.com"
    ebay_media_url: str = "https://apim.ebay.com"  # the Media API (images) lives on its own host
    etsy_api_url: str = "https://openapi.etsy.com"
    etsy_oauth_url: str = "https://api.etsy.com"  # Etsy's token endpoint host
    marketplace_timeout_s: float = Field(default=30.0, gt=0)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
