"""What the Etsy emulator remembers, and the checks every Open API v3 call goes through.

Order of the checks, as Etsy applies them: the `x-api-key` (keystring:shared_secret), the
application's per-second then per-day quota, the Bearer token (`<user_id>.<secret>`), its scope.
The quota headers go on every answer that got past the key check.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.etsy.errors import etsy_error
from stoflow.sandbox.ratelimit import Quota, SlidingWindow
from stoflow.sandbox.tokens import TokenStore

ALL_SCOPES = frozenset(
    {
        "listings_r",
        "listings_w",
        "listings_d",
        "shops_r",
        "shops_w",
        "transactions_r",
        "transactions_w",
        "profile_r",
        "email_r",
    }
)
ACCESS_TOKEN_TTL_S = 3_600
REFRESH_TOKEN_TTL_S = 90 * 86_400
# EU shops are exempt from the return-policy requirement on active physical listings.
EU_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)


@dataclass
class EtsyApp:
    keystring: str
    shared_secret: str
    redirect_uri: str


@dataclass
class Listing:
    listing_id: int
    shop_id: int
    user_id: int
    fields: dict[str, Any]  # title, description, who_made, shipping_profile_id, ... as last written
    state: str
    created: int
    updated: int
    state_timestamp: int
    image_ids: list[int] = field(default_factory=list)
    products: list[dict[str, Any]] = field(default_factory=list)  # the inventory, in response shape
    deleted: bool = False

    def quantity(self) -> int:
        return sum(
            int(offering["quantity"])
            for product in self.products
            for offering in product["offerings"]
            if offering["is_enabled"] and not product["is_deleted"]
        )

    def skus(self) -> list[str]:
        return [str(product["sku"]) for product in self.products if product["sku"]]


@dataclass
class EtsySeller:
    user_id: int
    shop_id: int
    app_id: str
    shipping_profile_id: int
    return_policy_id: int
    country_iso: str
    currency_code: str
    listings: dict[int, Listing] = field(default_factory=dict)
    receipts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def owns_listing(self, listing_id: int) -> Listing | None:
        listing = self.listings.get(listing_id)
        return listing if listing is not None and not listing.deleted else None


PrivateHandler = Callable[[Request, EtsySeller], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class EtsyState:
    def __init__(self, config: SandboxConfig) -> None:
        self.clock = config.clock
        self.rng = random.Random(f"etsy/{config.seed}")  # noqa: S311 - reproducible ids, not secrets
        self.tokens = TokenStore(config.clock, self.rng)
        self.apps: dict[str, EtsyApp] = {}
        self.sellers: dict[int, EtsySeller] = {}
        self.images: dict[int, dict[str, Any]] = {}  # every uploaded image, re-attachable by id
        self.per_second = SlidingWindow(config.etsy_per_second_limit, 1, config.clock)
        self.per_day = SlidingWindow(config.etsy_per_day_limit, 86_400, config.clock)
        self._numbers = itertools.count(1)

    def next_number(self) -> int:
        return next(self._numbers)

    def now(self) -> int:
        return int(self.clock.now())

    def seller_by_shop(self, shop_id: int) -> EtsySeller | None:
        return next((s for s in self.sellers.values() if s.shop_id == shop_id), None)

    def seller_of(self, request: Request) -> str | None:
        _, _, value = request.headers.get("authorization", "").partition(" ")
        return self.tokens.seller_of_access(value) if value else None

    def _app(self, request: Request) -> EtsyApp | Response:
        keystring, sep, secret = request.headers.get("x-api-key", "").partition(":")
        app = self.apps.get(keystring)
        if app is None:
            return etsy_error(403, "Invalid API key")
        if not sep or not secret:
            return etsy_error(403, "Shared secret is required in x-api-key header")
        if secret != app.shared_secret:
            return etsy_error(403, "Invalid shared secret in x-api-key header")
        return app

    def _quota(self, app: EtsyApp) -> tuple[dict[str, str], Response | None]:
        """The quota headers, and the 429 to answer when a quota is spent (per second checked first)."""
        second, day = self.per_second.peek(app.keystring), self.per_day.peek(app.keystring)
        if not second.allowed:
            headers = _second_headers(second)
            return headers, etsy_error(429, "Exceeded per second rate limit", headers=headers)
        if not day.allowed:
            headers = {**_second_headers(second), **_day_headers(day), "retry-after": str(day.retry_after)}
            return headers, etsy_error(429, "Exceeded daily rate limit", headers=headers)
        second, day = self.per_second.take(app.keystring), self.per_day.take(app.keystring)
        return {**_second_headers(second), **_day_headers(day)}, None

    def _bearer(self, request: Request, app: EtsyApp, scope: str) -> EtsySeller | Response:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not value:
            return etsy_error(401, "invalid_token", description="access token is missing")
        grant = self.tokens.access(value)
        if grant is None or grant.app_id != app.keystring or grant.seller_id is None:
            return etsy_error(401, "invalid_token", description="access token is expired")
        if scope not in grant.scopes:
            return etsy_error(403, "insufficient_scope", description="Insufficient scope")
        return self.sellers[int(grant.seller_id)]

    def guarded(self, scope: str, handler: PrivateHandler) -> Endpoint:
        """Wrap a handler that needs an OAuth scope in the key, quota and token checks."""

        async def endpoint(request: Request) -> Response:
            app = self._app(request)
            if isinstance(app, Response):
                return app
            headers, refusal = self._quota(app)
            if refusal is not None:
                return refusal
            seller = self._bearer(request, app, scope)
            response = seller if isinstance(seller, Response) else await handler(request, seller)
            response.headers.update(headers)
            return response

        return endpoint


def _second_headers(quota: Quota) -> dict[str, str]:
    return {"x-limit-per-second": str(quota.limit), "x-remaining-this-second": str(quota.remaining)}


def _day_headers(quota: Quota) -> dict[str, str]:
    return {"x-limit-per-day": str(quota.limit), "x-remaining-today": str(quota.remaining)}


def shop_refusal(state: EtsyState, seller: EtsySeller, request: Request) -> Response | None:
    """A 404 for an unknown shop, a 403 for somebody else's, None for the caller's own."""
    try:
        shop_id = int(request.path_params["shop_id"])
    except ValueError:
        return etsy_error(400, "Expected shop_id to be an integer.")
    if state.seller_by_shop(shop_id) is None:
        return etsy_error(404, f"Shop with shop_id {shop_id} not found.")
    if shop_id != seller.shop_id:
        return etsy_error(403, "The authenticated user does not own this shop.")
    return None


def owned_listing(seller: EtsySeller, request: Request) -> Listing | Response:
    try:
        listing_id = int(request.path_params["listing_id"])
    except ValueError:
        return etsy_error(400, "Expected listing_id to be an integer.")
    listing = seller.owns_listing(listing_id)
    if listing is None:
        return etsy_error(404, f"Listing with listing_id {listing_id} not found.")
    return listing
