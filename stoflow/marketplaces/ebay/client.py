"""eBay Sell Inventory and Media API calls, one method per operation (reference: marketplace-apis 1.x).

Every call goes through MarketplaceHttp, so errors arrive classified. This module only knows the
paths and shapes, plus the two eBay answers that are not failures for us: a 404 on a lookup (the
thing does not exist) and 25002 "Offer entity already exists" on createOffer (adopt `offerId`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import httpx

from stoflow.domain.enums import Marketplace
from stoflow.domain.errors import AuthExpiredError
from stoflow.marketplaces.auth.tokens import TokenGrant
from stoflow.marketplaces.http import (
    MarketplaceHttp,
    MarketplaceRejected,
    RemoteError,
    TokenSource,
    json_body,
)

INVENTORY = "/sell/inventory/v1"
MEDIA = "/commerce/media/v1_beta/image"
TOKEN_PATH = "/identity/v1/oauth2/token"  # noqa: S105 - a path, not a secret
OFFER_EXISTS = "25002"
LISTING_FORMAT = "FIXED_PRICE"


def read_ebay_error(response: httpx.Response) -> RemoteError:
    """eBay's `{"errors": [...]}` (first error), or the OAuth `{error, error_description}` shape."""
    body = json_body(response)
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        parameters = {
            str(p.get("name")): str(p.get("value"))
            for p in first.get("parameters") or []
            if isinstance(p, dict)
        }
        message = str(first.get("longMessage") or first.get("message") or "")
        return RemoteError(
            response.status_code, str(first.get("errorId", response.status_code)), message, parameters
        )
    if isinstance(body, dict) and "error" in body:
        return RemoteError(
            response.status_code, str(body["error"]), str(body.get("error_description") or body["error"])
        )
    return RemoteError(response.status_code, str(response.status_code), response.reason_phrase)


def _not_found(exc: MarketplaceRejected) -> bool:
    return exc.remote.status == 404


class EbayTokenEndpoint:
    """The refresh grant. eBay does not rotate the refresh token: the answer has none."""

    def __init__(self, api_url: str, *, timeout_s: float = 30.0) -> None:
        self._api_url = api_url
        self._timeout_s = timeout_s

    async def refresh(self, credentials: Mapping[str, Any]) -> TokenGrant:
        basic = base64.b64encode(
            f"{credentials['client_id']}:{credentials['client_secret']}".encode()
        ).decode()
        form = {"grant_type": "refresh_token", "refresh_token": str(credentials["refresh_token"])}
        if credentials.get("scopes"):
            form["scope"] = " ".join(credentials["scopes"])
        http = MarketplaceHttp(
            Marketplace.EBAY, self._api_url, read_error=read_ebay_error, timeout_s=self._timeout_s
        )
        try:
            response = await http.request(
                "POST", TOKEN_PATH, data=form, headers={"Authorization": f"Basic {basic}"}
            )
        except MarketplaceRejected as exc:
            raise AuthExpiredError(
                "eBay refused the refresh token: reconnect your eBay account",
                code="ebay_auth_expired",
                marketplace_message=exc.remote.message,
            ) from None
        finally:
            await http.aclose()
        body = response.json()
        return TokenGrant(access_token=str(body["access_token"]), expires_in_s=float(body["expires_in"]))


class EbayClient:
    def __init__(
        self,
        api_url: str,
        media_url: str,
        tokens: TokenSource,
        *,
        content_language: str,
        timeout_s: float = 30.0,
    ) -> None:
        self._api = MarketplaceHttp(
            Marketplace.EBAY, api_url, read_error=read_ebay_error, auth=tokens, timeout_s=timeout_s
        )
        self._media = MarketplaceHttp(
            Marketplace.EBAY, media_url, read_error=read_ebay_error, auth=tokens, timeout_s=timeout_s
        )
        # Required on createOrReplaceInventoryItem, createOffer and updateOffer: the payload's language.
        self._language = {"Content-Language": content_language}

    async def aclose(self) -> None:
        await self._api.aclose()
        await self._media.aclose()

    # -- inventory items -----------------------------------------------------------------------
    async def put_inventory_item(self, sku: str, body: Mapping[str, Any]) -> None:
        await self._api.request("PUT", f"{INVENTORY}/inventory_item/{sku}", json=body, headers=self._language)

    async def get_inventory_item(self, sku: str) -> dict[str, Any] | None:
        try:
            response = await self._api.request("GET", f"{INVENTORY}/inventory_item/{sku}")
        except MarketplaceRejected as exc:
            if _not_found(exc):
                return None
            raise
        item: dict[str, Any] = response.json()
        return item

    async def inventory_page(self, page: int, limit: int) -> dict[str, Any]:
        """One page of getInventoryItems; `offset` is a page number on this API."""
        response = await self._api.request(
            "GET", f"{INVENTORY}/inventory_item", params={"limit": limit, "offset": page}
        )
        body: dict[str, Any] = response.json()
        return body

    async def delete_inventory_item(self, sku: str) -> bool:
        """Deletes the item, its offers and ends their listings; False when it was already gone."""
        try:
            await self._api.request("DELETE", f"{INVENTORY}/inventory_item/{sku}")
        except MarketplaceRejected as exc:
            if _not_found(exc):
                return False
            raise
        return True

    # -- offers --------------------------------------------------------------------------------
    async def create_offer(self, body: Mapping[str, Any]) -> tuple[str, bool]:
        """The new offer's id, or the existing one's (adopted=True) when the SKU already has one."""
        try:
            response = await self._api.request(
                "POST", f"{INVENTORY}/offer", json=body, headers=self._language
            )
        except MarketplaceRejected as exc:
            existing = exc.remote.parameters.get("offerId")
            # 25002 is eBay's generic user error; only the one naming an offer id means "exists".
            if exc.remote.code == OFFER_EXISTS and existing:
                return existing, True
            raise
        return str(response.json()["offerId"]), False

    async def offers_for(self, sku: str, marketplace_id: str) -> list[dict[str, Any]]:
        try:
            response = await self._api.request(
                "GET",
                f"{INVENTORY}/offer",
                params={"sku": sku, "marketplace_id": marketplace_id, "format": LISTING_FORMAT},
            )
        except MarketplaceRejected as exc:
            if _not_found(exc):  # a SKU without offers answers 404
                return []
            raise
        offers: list[dict[str, Any]] = response.json().get("offers", [])
        return offers

    async def get_offer(self, offer_id: str) -> dict[str, Any] | None:
        try:
            response = await self._api.request("GET", f"{INVENTORY}/offer/{offer_id}")
        except MarketplaceRejected as exc:
            if _not_found(exc):
                return None
            raise
        offer: dict[str, Any] = response.json()
        return offer

    async def update_offer(self, offer_id: str, body: Mapping[str, Any]) -> None:
        await self._api.request("PUT", f"{INVENTORY}/offer/{offer_id}", json=body, headers=self._language)

    async def publish_offer(self, offer_id: str) -> str:
        response = await self._api.request("POST", f"{INVENTORY}/offer/{offer_id}/publish")
        return str(response.json()["listingId"])

    async def withdraw_offer(self, offer_id: str) -> str:
        response = await self._api.request("POST", f"{INVENTORY}/offer/{offer_id}/withdraw")
        return str(response.json()["listingId"])

    # -- media ---------------------------------------------------------------------------------
    async def upload_image(self, content: bytes, filename: str) -> str:
        """createImageFromFile; returns the EPS URL to put in `product.imageUrls`."""
        response = await self._media.request(
            "POST", f"{MEDIA}/create_image_from_file", files={"image": (filename, content, "image/jpeg")}
        )
        return str(response.json()["imageUrl"])
