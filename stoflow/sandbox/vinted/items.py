"""Item upload, edit, delete, hide and the wardrobe: the routes a reseller tool drives on Vinted.

Create and edit share one envelope (`{"item": {...}, "upload_session_id": ...}`). A rejected item is
answered with code 99 `validation_error` and one `{field, value}` per problem, and nothing is saved.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.vinted.shapes import item_json, pagination
from stoflow.sandbox.vinted.state import VintedItem, VintedSeller, VintedState, vinted_error

REQUIRED_MESSAGES = {
    "title": "Enter a title",
    "description": "Enter a description",
    "catalog_id": "Select a category",
    "status_id": "Select the condition",
    "price": "Enter a price",
    "assigned_photos": "Add at least one photo",
}


def _not_found() -> JSONResponse:
    return vinted_error(404, 404, "Item not found", "not_found")


def _item_id(request: Request) -> int | None:
    raw = str(request.path_params["item_id"])
    return int(raw) if raw.isdigit() else None


class ItemRoutes:
    def __init__(self, state: VintedState) -> None:
        self._state = state

    def _problems(self, seller: VintedSeller, fields: dict[str, Any]) -> list[dict[str, str]]:
        problems = [
            {"field": name, "value": message}
            for name, message in REQUIRED_MESSAGES.items()
            if fields.get(name) in (None, "", [])
        ]
        price = fields.get("price")
        if price not in (None, "") and (not isinstance(price, int | float) or price <= 0):
            problems.append({"field": "price", "value": "Enter a valid price"})
        if fields.get("brand_id") is None and not fields.get("brand"):
            problems.append({"field": "brand", "value": "Select a brand"})
        if fields.get("catalog_id") not in self._state.sizeless_catalogs and fields.get("size_id") is None:
            problems.append({"field": "size_id", "value": "Select a size"})
        photos = fields.get("assigned_photos") or []
        if not isinstance(photos, list) or any(
            not isinstance(p, dict) or p.get("id") not in seller.photos for p in photos
        ):
            problems.append({"field": "assigned_photos", "value": "Photo not found"})
        if len(fields.get("color_ids") or []) > 2:
            problems.append({"field": "color_ids", "value": "Select up to 2 colours"})
        return problems

    async def _envelope(self, request: Request, seller: VintedSeller) -> dict[str, Any] | Response:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            body = None
        fields = body.get("item") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            return vinted_error(
                400,
                99,
                "Validation error",
                "validation_error",
                errors=[{"field": "item", "value": "Item data is missing"}],
            )
        if problems := self._problems(seller, fields):
            return vinted_error(400, 99, "Validation error", "validation_error", errors=problems)
        return fields

    async def create_item(self, request: Request, seller: VintedSeller) -> Response:
        fields = await self._envelope(request, seller)
        if isinstance(fields, Response):
            return fields
        now = self._state.clock.now()
        item = VintedItem(
            id=4_000_000_000 + self._state.next_number(),
            user_id=seller.user_id,
            fields=fields,
            photos=[seller.photos[p["id"]] for p in fields["assigned_photos"]],
            created_at=now,
            updated_at=now,
        )
        seller.items[item.id] = item
        return JSONResponse({"item": item_json(seller, item), "code": 0})

    async def update_item(self, request: Request, seller: VintedSeller) -> Response:
        item_id = _item_id(request)
        item = seller.live_item(item_id) if item_id is not None else None
        if item is None:
            return _not_found()
        if item.is_closed:
            return vinted_error(403, 106, "Sold items cannot be edited", "access_denied")
        fields = await self._envelope(request, seller)
        if isinstance(fields, Response):
            return fields
        item.fields = fields
        item.photos = [seller.photos[p["id"]] for p in fields["assigned_photos"]]
        item.updated_at = self._state.clock.now()
        return JSONResponse({"item": item_json(seller, item), "code": 0})

    async def get_item(self, request: Request, seller: VintedSeller) -> Response:
        item_id = _item_id(request)
        item = seller.live_item(item_id) if item_id is not None else None
        if item is None:
            return _not_found()
        return JSONResponse({"item": item_json(seller, item), "code": 0})

    async def delete_item(self, request: Request, seller: VintedSeller) -> Response:
        item_id = _item_id(request)
        item = seller.live_item(item_id) if item_id is not None else None
        if item is None:
            return _not_found()  # already gone: clients treat this as done
        item.deleted = True
        return JSONResponse({"code": 0})

    async def set_hidden(self, request: Request, seller: VintedSeller) -> Response:
        item_id = _item_id(request)
        item = seller.live_item(item_id) if item_id is not None else None
        if item is None:
            return _not_found()
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("is_hidden"), bool):
            return vinted_error(
                400,
                99,
                "Validation error",
                "validation_error",
                errors=[{"field": "is_hidden", "value": "Must be true or false"}],
            )
        item.is_hidden = body["is_hidden"]
        item.updated_at = self._state.clock.now()
        return JSONResponse({"code": 0, "item": item_json(seller, item)})

    async def wardrobe(self, request: Request, seller: VintedSeller) -> Response:
        if request.path_params["user_id"] != str(seller.user_id):
            return vinted_error(403, 106, "Access denied", "access_denied")
        try:
            page = max(1, int(request.query_params.get("page", 1)))
            per_page = min(96, max(1, int(request.query_params.get("per_page", 20))))
        except ValueError:
            return vinted_error(
                400,
                99,
                "Validation error",
                "validation_error",
                errors=[{"field": "page", "value": "Must be a number"}],
            )
        items = sorted((i for i in seller.items.values() if not i.deleted), key=lambda i: -i.created_at)
        shown = items[(page - 1) * per_page : page * per_page]
        return JSONResponse(
            {
                "items": [item_json(seller, item) for item in shown],
                "pagination": pagination(len(items), page, per_page),
                "code": 0,
            }
        )

    def routes(self) -> list[BaseRoute]:
        wrap = self._state.session_endpoint
        upload = "/api/v2/item_upload/items"
        return [
            Route(upload, wrap(self.create_item), methods=["POST"], name="createItem"),
            Route(f"{upload}/{{item_id}}", wrap(self.update_item), methods=["PUT"], name="updateItem"),
            Route(f"{upload}/{{item_id}}", wrap(self.get_item), methods=["GET"], name="getItem"),
            Route(
                "/api/v2/items/{item_id}/delete", wrap(self.delete_item), methods=["POST"], name="deleteItem"
            ),
            Route(
                "/api/v2/items/{item_id}/is_hidden", wrap(self.set_hidden), methods=["PUT"], name="hideItem"
            ),
            Route("/api/v2/wardrobe/{user_id}/items", wrap(self.wardrobe), methods=["GET"], name="wardrobe"),
        ]
