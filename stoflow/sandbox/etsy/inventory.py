"""Listing inventory: the only place a listing gets a SKU, and where price and quantity change.

The PUT takes JSON with decimal prices; the answer gives them back as Money.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.etsy.errors import etsy_error
from stoflow.sandbox.etsy.shapes import inventory_json, product
from stoflow.sandbox.etsy.state import EtsySeller, EtsyState, owned_listing

PATH = "/v3/application/listings/{listing_id}/inventory"


class InventoryError(ValueError):
    """The message is the `error` string of Etsy's 400 body."""


def _offering(raw: Any) -> tuple[float, int, bool, int | None]:
    if not isinstance(raw, dict):
        raise InventoryError("Each offering must be an object.")
    price, quantity, enabled = raw.get("price"), raw.get("quantity"), raw.get("is_enabled")
    readiness = raw.get("readiness_state_id")
    if not isinstance(price, int | float) or isinstance(price, bool) or price <= 0:
        raise InventoryError("offerings.price must be a number greater than 0.")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
        raise InventoryError("offerings.quantity must be a non-negative integer.")
    if not isinstance(enabled, bool):
        raise InventoryError("offerings.is_enabled must be a boolean.")
    if readiness is not None and not isinstance(readiness, int):
        raise InventoryError("offerings.readiness_state_id must be an integer.")
    return float(price), quantity, enabled, readiness


class InventoryRoutes:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    async def get_listing_inventory(self, request: Request, seller: EtsySeller) -> Response:
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        return JSONResponse(inventory_json(listing))

    async def update_listing_inventory(self, request: Request, seller: EtsySeller) -> Response:
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        try:
            body = json.loads(await request.body() or b"null")
            products = body.get("products") if isinstance(body, dict) else None
            if not isinstance(products, list) or not products:
                raise InventoryError("products is required and must be a non-empty array.")
            built = []
            for raw in products:
                offerings = raw.get("offerings") if isinstance(raw, dict) else None
                if not isinstance(offerings, list) or len(offerings) != 1:
                    raise InventoryError("Each product needs exactly one offering without variations.")
                price, quantity, enabled, readiness = _offering(offerings[0])
                sku = raw.get("sku") or ""
                built.append(
                    product(
                        self._state,
                        sku=str(sku),
                        price=price,
                        quantity=quantity,
                        is_enabled=enabled,
                        currency=seller.currency_code,
                        readiness_state_id=readiness,
                    )
                )
        except (ValueError, AttributeError) as exc:
            message = str(exc) if isinstance(exc, InventoryError) else "The body must be a JSON object."
            return etsy_error(400, message)
        listing.products = built
        if listing.state == "active" and listing.quantity() == 0:
            listing.state, listing.state_timestamp = "sold_out", self._state.now()
        listing.updated = self._state.now()
        return JSONResponse(inventory_json(listing))

    def routes(self) -> list[BaseRoute]:
        guarded = self._state.guarded
        return [
            Route(
                PATH,
                guarded("listings_r", self.get_listing_inventory),
                methods=["GET"],
                name="getListingInventory",
            ),
            Route(
                PATH,
                guarded("listings_w", self.update_listing_inventory),
                methods=["PUT"],
                name="updateListingInventory",
            ),
        ]
