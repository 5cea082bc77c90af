"""Etsy Open API v3 calls, one method per operation (reference: marketplace-apis 2.x).

Listing writes are form-encoded, the inventory PUT is JSON; every call carries
`x-api-key: keystring:shared_secret`. Errors arrive classified from MarketplaceHttp; a 404 on a
lookup means "not there" and is answered with None.
"""

from __future__ import annotations

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

V3 = "/v3/application"
TOKEN_PATH = "/v3/public/oauth/token"  # noqa: S105 - a path, not a secret


def read_etsy_error(response: httpx.Response) -> RemoteError:
    """`{"error": "..."}`, OAuth's `{error, error_description}`, or a list of schema errors."""
    body = json_body(response)
    if isinstance(body, dict) and "error" in body:
        code = str(body["error"])
        return RemoteError(response.status_code, code, str(body.get("error_description") or code))
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        message = f"{first.get('path', '')}: {first.get('message', '')}".strip(": ")
        return RemoteError(response.status_code, str(first.get("type", response.status_code)), message)
    return RemoteError(response.status_code, str(response.status_code), response.reason_phrase)


def api_key(credentials: Mapping[str, Any]) -> str:
    return f"{credentials['keystring']}:{credentials['shared_secret']}"


class EtsyTokenEndpoint:
    """The refresh grant. Etsy rotates the refresh token: the answer's one replaces ours."""

    def __init__(self, oauth_url: str, *, timeout_s: float = 30.0) -> None:
        self._oauth_url = oauth_url
        self._timeout_s = timeout_s

    async def refresh(self, credentials: Mapping[str, Any]) -> TokenGrant:
        form = {
            "grant_type": "refresh_token",
            "client_id": str(credentials["keystring"]),
            "refresh_token": str(credentials["refresh_token"]),
        }
        http = MarketplaceHttp(
            Marketplace.ETSY,
            self._oauth_url,
            read_error=read_etsy_error,
            headers={"x-api-key": api_key(credentials)},
            timeout_s=self._timeout_s,
        )
        try:
            response = await http.request("POST", TOKEN_PATH, data=form)
        except MarketplaceRejected as exc:
            raise AuthExpiredError(
                "Etsy refused the refresh token: reconnect your Etsy shop",
                code="etsy_auth_expired",
                marketplace_message=exc.remote.message,
            ) from None
        finally:
            await http.aclose()
        body = response.json()
        return TokenGrant(
            access_token=str(body["access_token"]),
            expires_in_s=float(body["expires_in"]),
            refresh_token=str(body["refresh_token"]),
        )


class EtsyClient:
    def __init__(
        self, api_url: str, tokens: TokenSource, *, key: str, shop_id: int, timeout_s: float = 30.0
    ) -> None:
        self._http = MarketplaceHttp(
            Marketplace.ETSY,
            api_url,
            read_error=read_etsy_error,
            auth=tokens,
            headers={"x-api-key": key},
            timeout_s=timeout_s,
        )
        self._shop = f"{V3}/shops/{shop_id}"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _maybe(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        try:
            return await self._http.request(method, path, **kwargs)
        except MarketplaceRejected as exc:
            if exc.remote.status == 404:
                return None
            raise

    # -- listings ------------------------------------------------------------------------------
    async def create_draft_listing(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._http.request("POST", f"{self._shop}/listings", data=fields)
        listing: dict[str, Any] = response.json()
        return listing

    async def get_listing(self, listing_id: int) -> dict[str, Any] | None:
        response = await self._maybe("GET", f"{V3}/listings/{listing_id}")
        return response.json() if response is not None else None

    async def shop_listings(self, state: str, *, limit: int, offset: int) -> dict[str, Any]:
        """One page of getListingsByShop in one state, with the inventory (SKUs) inline."""
        response = await self._http.request(
            "GET",
            f"{self._shop}/listings",
            params={"state": state, "limit": limit, "offset": offset, "includes": "Inventory"},
        )
        page: dict[str, Any] = response.json()
        return page

    async def update_listing(self, listing_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
        response = await self._http.request("PATCH", f"{self._shop}/listings/{listing_id}", data=fields)
        listing: dict[str, Any] = response.json()
        return listing

    async def delete_listing(self, listing_id: int) -> bool:
        return await self._maybe("DELETE", f"{V3}/listings/{listing_id}") is not None

    # -- images and inventory ------------------------------------------------------------------
    async def upload_image(self, listing_id: int, content: bytes, *, rank: int) -> int:
        """Uploads at `rank`, replacing what is there: repeating the call does not add an image."""
        response = await self._http.request(
            "POST",
            f"{self._shop}/listings/{listing_id}/images",
            data={"rank": str(rank), "overwrite": "true"},
            files={"image": (f"image-{rank}.jpg", content, "image/jpeg")},
        )
        return int(response.json()["listing_image_id"])

    async def set_inventory(self, listing_id: int, inventory: Mapping[str, Any]) -> None:
        await self._http.request("PUT", f"{V3}/listings/{listing_id}/inventory", json=inventory)

    # -- receipts ------------------------------------------------------------------------------
    async def receipts(self, *, limit: int, offset: int, min_last_modified: int | None) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit, "offset": offset, "sort_on": "created", "sort_order": "asc"}
        if min_last_modified is not None:
            params["min_last_modified"] = min_last_modified
        response = await self._http.request("GET", f"{self._shop}/receipts", params=params)
        page: dict[str, Any] = response.json()
        return page
