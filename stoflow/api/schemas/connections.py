"""Marketplace connections: accounts, OAuth connection starts and per-marketplace settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from stoflow.domain.enums import Marketplace

Label = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[\w .@-]+$")]
PolicyId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")]
PositiveId = Annotated[int, Field(ge=1, le=10**15)]


class ConnectionPublic(BaseModel):
    """A marketplace account; credentials are never returned."""

    id: int
    marketplace: Marketplace
    label: str
    status: str
    external_user_id: str | None
    settings: dict[str, Any]
    updated_at: datetime


class ConnectionStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Several accounts of one marketplace are told apart by their label; reconnecting reuses it.
    label: Label = "default"


class ConnectionStarted(BaseModel):
    """Send the seller's browser to `authorize_url`; the marketplace then calls the callback."""

    authorize_url: str


class EbaySettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    marketplace: Literal["ebay"]
    marketplace_id: str | None = Field(default=None, pattern=r"^EBAY_[A-Z]{2,3}$")
    content_language: str | None = Field(default=None, pattern=r"^[a-z]{2}-[A-Z]{2}$")
    merchant_location_key: str | None = Field(default=None, min_length=1, max_length=36)
    fulfillment_policy_id: PolicyId | None = None
    payment_policy_id: PolicyId | None = None
    return_policy_id: PolicyId | None = None


class EtsySettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    marketplace: Literal["etsy"]
    shop_id: PositiveId | None = None
    shipping_profile_id: PositiveId | None = None
    return_policy_id: PositiveId | None = None


SettingsUpdate = Annotated[EbaySettingsUpdate | EtsySettingsUpdate, Field(discriminator="marketplace")]


class PluginTokenCreated(BaseModel):
    """Paste `token` into the StoFlow browser extension; it is shown only once."""

    account_id: int
    token: str
