"""Inventory items by SKU: `/sell/inventory/v1/inventory_item[/{sku}]`.

PUT is a full replace (fields left out are cleared), which is why eBay calls it idempotent; the
fields a listing needs are only checked when an offer for the SKU is published.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.ebay.errors import ebay_error, invalid_field
from stoflow.sandbox.ebay.requests import paging, write_body
from stoflow.sandbox.ebay.state import SCOPE_INVENTORY, SCOPE_INVENTORY_READ, EbayState, InventoryItem

BASE = "/sell/inventory/v1"
WRITE = frozenset({SCOPE_INVENTORY})
READ = frozenset({SCOPE_INVENTORY, SCOPE_INVENTORY_READ})
# eBay's text says alphanumeric; dashes and underscores are widely used and accepted here.
SKU_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
CONDITIONS = frozenset(
    {
        "NEW",
        "LIKE_NEW",
        "NEW_OTHER",
        "NEW_WITH_DEFECTS",
        "CERTIFIED_REFURBISHED",
        "EXCELLENT_REFURBISHED",
        "VERY_GOOD_REFURBISHED",
        "GOOD_REFURBISHED",
        "SELLER_REFURBISHED",
        "USED_EXCELLENT",
        "USED_VERY_GOOD",
        "USED_GOOD",
        "USED_ACCEPTABLE",
        "FOR_PARTS_OR_NOT_WORKING",
        "PRE_OWNED_EXCELLENT",
        "PRE_OWNED_FAIR",
    }
)


def invalid_sku(sku: str) -> Response | None:
    if SKU_PATTERN.match(sku):
        return None
    return ebay_error(
        400,
        25707,
        "This is an invalid value for a SKU. Only alphanumeric characters can be "
        "used for SKUs, and their length must not exceed 50 characters",
    )


def _item_problem(body: dict[str, Any]) -> Response | None:
    product = body.get("product")
    if product is not None and not isinstance(product, dict):
        return invalid_field("product")
    product = product or {}
    if len(str(product.get("title", ""))) > 80:
        return invalid_field("product.title", "The title must not exceed 80 characters.")
    if len(str(product.get("description", ""))) > 4000:
        return invalid_field("product.description", "The description must not exceed 4000 characters.")
    images = product.get("imageUrls", [])
    if not isinstance(images, list) or len(images) > 24:
        return invalid_field("product.imageUrls")
    condition = body.get("condition")
    if condition is not None and condition not in CONDITIONS:
        return ebay_error(400, 2004, "Could not serialize field [condition]", domain="ACCESS")
    return None


class InventoryRoutes:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    async def put_item(self, request: Request) -> Response:
        seller = self._state.authorize(request, WRITE)
        if isinstance(seller, Response):
            return seller
        sku = request.path_params["sku"]
        if (problem := invalid_sku(sku)) is not None:
            return problem
        written = await write_body(request)
        if isinstance(written, Response):
            return written
        locale, body = written
        if (problem := _item_problem(body)) is not None:
            return problem
        seller.items[sku] = InventoryItem(sku=sku, locale=locale.replace("-", "_"), body=body)
        return Response(status_code=204)

    async def get_item(self, request: Request) -> Response:
        seller = self._state.authorize(request, READ)
        if isinstance(seller, Response):
            return seller
        item = seller.items.get(request.path_params["sku"])
        if item is None:
            return ebay_error(
                404, 25710, "We didn't find the resource/entity you are requesting. Please verify the request"
            )
        return JSONResponse(item.as_json())

    async def delete_item(self, request: Request) -> Response:
        seller = self._state.authorize(request, WRITE)
        if isinstance(seller, Response):
            return seller
        sku = request.path_params["sku"]
        if seller.items.pop(sku, None) is None:
            return ebay_error(
                404, 25710, "We didn't find the resource/entity you are requesting. Please verify the request"
            )
        # Deleting the item deletes its offers and ends the listings they published.
        for offer in seller.offers_for(sku):
            del seller.offers[offer.offer_id]
        return Response(status_code=204)

    async def list_items(self, request: Request) -> Response:
        seller = self._state.authorize(request, READ)
        if isinstance(seller, Response):
            return seller
        page = paging(request, default_limit=25, max_limit=200)
        if isinstance(page, Response):
            return page
        limit, page_number = page  # Inventory's offset is a page number, not a record offset
        items = sorted(seller.items.values(), key=lambda item: item.sku)
        shown = items[page_number * limit : (page_number + 1) * limit]
        href = f"{BASE}/inventory_item?limit={limit}&offset={page_number}"
        body: dict[str, Any] = {
            "href": href,
            "limit": limit,
            "total": len(items),
            "size": max(1, -(-len(items) // limit)),
            "inventoryItems": [item.as_json() for item in shown],
        }
        if (page_number + 1) * limit < len(items):
            body["next"] = f"{BASE}/inventory_item?limit={limit}&offset={page_number + 1}"
        if page_number > 0:
            body["prev"] = f"{BASE}/inventory_item?limit={limit}&offset={page_number - 1}"
        return JSONResponse(body)

    def routes(self) -> list[BaseRoute]:
        item_path = f"{BASE}/inventory_item/{{sku}}"
        return [
            Route(item_path, self.put_item, methods=["PUT"], name="createOrReplaceInventoryItem"),
            Route(item_path, self.get_item, methods=["GET"], name="getInventoryItem"),
            Route(item_path, self.delete_item, methods=["DELETE"], name="deleteInventoryItem"),
            Route(f"{BASE}/inventory_item", self.list_items, methods=["GET"], name="getInventoryItems"),
        ]
