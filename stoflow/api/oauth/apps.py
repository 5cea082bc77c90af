"""StoFlow's own OAuth applications on eBay and Etsy, from the environment (STOFLOW_OAUTH_*)."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class OAuthApps(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STOFLOW_OAUTH_", env_file=".env", extra="ignore")

    ebay_client_id: str | None = None
    ebay_client_secret: SecretStr | None = None
    # eBay's RuName: the redirect URI registered for the application.
    ebay_ru_name: str | None = None
    ebay_authorize_url: str = "https://auth.ebay.com/oauth2/authorize"
    ebay_scopes: str = (
        "https://api.ebay.com/oauth/api_scope/sell.inventory "
        "https://api.ebay.com/oauth/api_scope/sell.account "
        "https://api.ebay.com/oauth/api_scope/sell.fulfillment"
    )
    etsy_keystring: str | None = None
    etsy_shared_secret: SecretStr | None = None
    etsy_redirect_uri: str | None = None
    etsy_authorize_url: str = "https://www.etsy.com/oauth/connect"
    etsy_scopes: str = "listings_r listings_w shops_r transactions_r"
    # Seconds a started connection may take before its state expires.
    state_ttl_s: int = 600

    @property
    def ebay_ready(self) -> bool:
        return bool(self.ebay_client_id and self.ebay_client_secret and self.ebay_ru_name)

    @property
    def etsy_ready(self) -> bool:
        return bool(self.etsy_keystring and self.etsy_shared_secret and self.etsy_redirect_uri)
