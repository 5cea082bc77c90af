"""What the eBay emulator remembers: applications, sellers, their inventory, offers and orders."""

from __future__ import annotations

import base64
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.ebay.errors import ebay_error, invalid_token, too_many_requests
from stoflow.sandbox.ratelimit import SlidingWindow
from stoflow.sandbox.tokens import TokenStore

SCOPE_BASE = "https://api.ebay.com/oauth/api_scope"
SCOPE_INVENTORY = f"{SCOPE_BASE}/sell.inventory"
SCOPE_INVENTORY_READ = f"{SCOPE_BASE}/sell.inventory.readonly"
SCOPE_FULFILLMENT = f"{SCOPE_BASE}/sell.fulfillment"
SCOPE_FULFILLMENT_READ = f"{SCOPE_BASE}/sell.fulfillment.readonly"
SCOPE_ACCOUNT = f"{SCOPE_BASE}/sell.account"
USER_SCOPES = frozenset(
    {
        SCOPE_BASE,
        SCOPE_INVENTORY,
        SCOPE_INVENTORY_READ,
        SCOPE_FULFILLMENT,
        SCOPE_FULFILLMENT_READ,
        SCOPE_ACCOUNT,
    }
)

ACCESS_TOKEN_TTL_S = 7_200
REFRESH_TOKEN_TTL_S = 47_304_000  # about 18 months
DAY_S = 86_400


@dataclass
class EbayApp:
    client_id: str
    client_secret: str
    ru_name: str  # eBay's redirect "URL" is an opaque RuName, not a URL

    def basic_credentials(self) -> str:
        return base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()


@dataclass
class InventoryItem:
    sku: str
    locale: str
    body: dict[str, Any]

    def title(self) -> str | None:
        product = self.body.get("product") or {}
        title = product.get("title")
        return str(title) if title is not None else None

    def quantity(self) -> int:
        availability = self.body.get("availability") or {}
        ship_to = availability.get("shipToLocationAvailability") or {}
        return int(ship_to.get("quantity") or 0)

    def as_json(self) -> dict[str, Any]:
        return {**self.body, "sku": self.sku, "locale": self.locale}


@dataclass
class Offer:
    offer_id: str
    sku: str
    marketplace_id: str
    format: str
    details: dict[str, Any]  # every other field, replaced wholesale by updateOffer
    status: str = "UNPUBLISHED"
    listing_id: str | None = None
    listing_status: str | None = None
    sold_quantity: int = 0

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            **self.details,
            "offerId": self.offer_id,
            "sku": self.sku,
            "marketplaceId": self.marketplace_id,
            "format": self.format,
            "status": self.status,
        }
        if self.listing_id is not None:
            shown["listing"] = {
                "listingId": self.listing_id,
                "listingStatus": self.listing_status,
                "listingOnHold": False,
                "soldQuantity": self.sold_quantity,
            }
        return shown


@dataclass
class EbaySeller:
    seller_id: str
    username: str
    app_id: str
    fulfillment_policy_id: str
    payment_policy_id: str
    return_policy_id: str
    merchant_location_key: str
    items: dict[str, InventoryItem] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    images: dict[str, dict[str, Any]] = field(default_factory=dict)

    def offers_for(self, sku: str) -> list[Offer]:
        return [offer for offer in self.offers.values() if offer.sku == sku]


class EbayState:
    def __init__(self, config: SandboxConfig) -> None:
        self.clock = config.clock
        self.rng = random.Random(f"ebay/{config.seed}")  # noqa: S311 - reproducible ids
        self.tokens = TokenStore(config.clock, self.rng)
        self.apps: dict[str, EbayApp] = {}
        self.sellers: dict[str, EbaySeller] = {}
        self.daily_calls = SlidingWindow(config.ebay_daily_call_limit, DAY_S, config.clock)
        self._numbers = itertools.count(1)

    def next_number(self) -> int:
        return next(self._numbers)

    def new_app(self) -> EbayApp:
        number = self.next_number()
        app = EbayApp(
            client_id=f"StoFlowSa-sandbox-SBX-{number:08x}",
            client_secret=self.tokens.new_secret("SBX-"),
            ru_name=f"StoFlow-StoFlowS-sandbox-{number}",
        )
        self.apps[app.client_id] = app
        return app

    def authorize(self, request: Request, any_scope: frozenset[str]) -> EbaySeller | Response:
        """Bearer check, daily call budget and scope check, in the order eBay applies them."""
        header = request.headers.get("authorization", "")
        if not header:
            return ebay_error(400, 1002, "Missing access token", domain="OAuth")
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value:
            return ebay_error(400, 1003, "Token type in the Authorization header is invalid", domain="OAuth")
        grant = self.tokens.access(value)
        if grant is None:
            return invalid_token()
        quota = self.daily_calls.take(grant.app_id)
        if not quota.allowed:
            return too_many_requests(quota.retry_after)
        seller = self.sellers.get(grant.seller_id) if grant.seller_id else None
        if seller is None or not (grant.scopes & any_scope):
            return ebay_error(
                403,
                1100,
                "Access denied",
                domain="ACCESS",
                long_message="Insufficient permissions to fulfill the request.",
            )
        return seller

    def seller_of(self, request: Request) -> str | None:
        _, _, value = request.headers.get("authorization", "").partition(" ")
        return self.tokens.seller_of_access(value) if value else None
