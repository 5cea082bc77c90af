"""Listings: createDraftListing, getListing, getListingsByShop, updateListing, deleteListing.

The state machine that matters to clients: a listing is born a draft; `state=active` publishes it
only when it has at least one image, a shipping profile (physical listings) and, outside the EU, a
return policy; `state=inactive` takes it down; a sale of the last unit makes it sold_out.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.etsy.errors import etsy_error
from stoflow.sandbox.etsy.forms import FieldError, check_maker_trio, listing_fields
from stoflow.sandbox.etsy.shapes import listing_json, product
from stoflow.sandbox.etsy.state import (
    EU_COUNTRIES,
    EtsySeller,
    EtsyState,
    Listing,
    owned_listing,
    shop_refusal,
)

SHOP_LISTINGS = "/v3/application/shops/{shop_id}/listings"
REQUIRED_ON_CREATE = ("quantity", "title", "description", "price", "who_made", "when_made", "taxonomy_id")
LISTING_STATES = frozenset({"active", "inactive", "sold_out", "draft", "expired"})


def _includes(request: Request) -> frozenset[str]:
    raw = request.query_params.getlist("includes")
    return frozenset(part.strip() for item in raw for part in item.split(",") if part.strip())


def _policy_problem(seller: EtsySeller, fields: dict[str, Any]) -> str | None:
    profile = fields.get("shipping_profile_id")
    if profile is not None and profile != seller.shipping_profile_id:
        return f"shipping_profile_id {profile} does not belong to this shop."
    policy = fields.get("return_policy_id")
    if policy is not None and policy != seller.return_policy_id:
        return f"return_policy_id {policy} does not belong to this shop."
    return None


def activation_problem(seller: EtsySeller, listing: Listing) -> str | None:
    fields = listing.fields
    physical = fields.get("type", "physical") != "download"
    if not listing.image_ids:
        return "A listing must have at least one image to be activated."
    if physical and not fields.get("shipping_profile_id"):
        return "A shipping_profile_id is required for physical listings."
    if physical and seller.country_iso not in EU_COUNTRIES and not fields.get("return_policy_id"):
        return "A return_policy_id is required for active physical listings."
    if listing.quantity() <= 0:
        return "quantity must be greater than 0 to activate a listing."
    return None


class ListingRoutes:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    def _json(
        self, seller: EtsySeller, listing: Listing, includes: frozenset[str] = frozenset()
    ) -> dict[str, Any]:
        return listing_json(self._state, seller, listing, includes)

    async def create_draft_listing(self, request: Request, seller: EtsySeller) -> Response:
        if (refusal := shop_refusal(self._state, seller, request)) is not None:
            return refusal
        try:
            fields = listing_fields(await request.form())
            missing = [name for name in REQUIRED_ON_CREATE if name not in fields]
            if missing:
                raise FieldError(f"Missing required parameter: {missing[0]}.")
            check_maker_trio(fields)
        except FieldError as exc:
            return etsy_error(400, str(exc))
        if fields["quantity"] <= 0 or fields["taxonomy_id"] < 1:
            return etsy_error(400, "quantity and taxonomy_id must be positive integers.")
        fields.setdefault("type", "physical")
        if fields["type"] == "physical" and "shipping_profile_id" not in fields:
            return etsy_error(400, "A shipping_profile_id is required for physical listings.")
        if (problem := _policy_problem(seller, fields)) is not None:
            return etsy_error(400, problem)
        now = self._state.now()
        listing = Listing(
            listing_id=1_800_000_000 + self._state.next_number(),
            shop_id=seller.shop_id,
            user_id=seller.user_id,
            fields=fields,
            state="draft",
            created=now,
            updated=now,
            state_timestamp=now,
        )
        listing.products = [
            product(
                self._state,
                sku="",
                price=fields["price"],
                quantity=fields["quantity"],
                is_enabled=True,
                currency=seller.currency_code,
            )
        ]
        seller.listings[listing.listing_id] = listing
        return JSONResponse(self._json(seller, listing), status_code=201)

    async def get_listing(self, request: Request, seller: EtsySeller) -> Response:
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        return JSONResponse(self._json(seller, listing, _includes(request)))

    async def get_listings_by_shop(self, request: Request, seller: EtsySeller) -> Response:
        if (refusal := shop_refusal(self._state, seller, request)) is not None:
            return refusal
        query = request.query_params
        wanted = query.get("state", "active")
        try:
            limit, offset = int(query.get("limit", 25)), int(query.get("offset", 0))
        except ValueError:
            return etsy_error(400, "Expected limit and offset to be integers.")
        if wanted not in LISTING_STATES or not 1 <= limit <= 100 or offset < 0:
            return etsy_error(400, "Invalid state, limit (1..100) or offset.")
        found = sorted(
            (item for item in seller.listings.values() if not item.deleted and item.state == wanted),
            key=lambda item: item.created,
            reverse=query.get("sort_order", "desc") == "desc",
        )
        includes = _includes(request)
        return JSONResponse(
            {
                "count": len(found),
                "results": [self._json(seller, item, includes) for item in found[offset : offset + limit]],
            }
        )

    async def update_listing(self, request: Request, seller: EtsySeller) -> Response:
        if (refusal := shop_refusal(self._state, seller, request)) is not None:
            return refusal
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        try:
            fields = listing_fields(await request.form())
            if any(name in fields for name in ("who_made", "when_made", "is_supply")):
                check_maker_trio({**listing.fields, **fields})
        except FieldError as exc:
            return etsy_error(400, str(exc))
        target = fields.pop("state", None)
        if target is not None and target not in ("active", "inactive"):
            return etsy_error(400, "state must be one of active, inactive.")
        if (problem := _policy_problem(seller, fields)) is not None:
            return etsy_error(400, problem)
        image_ids = fields.pop("image_ids", None)
        if image_ids is not None and any(image_id not in self._state.images for image_id in image_ids):
            return etsy_error(400, "image_ids contains an unknown image.")
        candidate = replace(
            listing,
            fields={**listing.fields, **fields},
            image_ids=listing.image_ids if image_ids is None else image_ids,
        )
        if target == "active" and listing.state != "active":
            if listing.state == "sold_out":
                _restock_one(candidate)
            if (problem := activation_problem(seller, candidate)) is not None:
                return etsy_error(400, problem)
        now = self._state.now()
        listing.fields, listing.image_ids, listing.products = (
            candidate.fields,
            candidate.image_ids,
            candidate.products,
        )
        if target is not None and target != listing.state:
            listing.state, listing.state_timestamp = target, now
        listing.updated = now
        return JSONResponse(self._json(seller, listing))

    async def delete_listing(self, request: Request, seller: EtsySeller) -> Response:
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        listing.deleted = True
        return Response(status_code=204)

    def routes(self) -> list[BaseRoute]:
        guarded = self._state.guarded
        one = f"{SHOP_LISTINGS}/{{listing_id}}"
        return [
            Route(
                SHOP_LISTINGS,
                guarded("listings_w", self.create_draft_listing),
                methods=["POST"],
                name="createDraftListing",
            ),
            Route(
                SHOP_LISTINGS,
                guarded("listings_r", self.get_listings_by_shop),
                methods=["GET"],
                name="getListingsByShop",
            ),
            Route(one, guarded("listings_w", self.update_listing), methods=["PATCH"], name="updateListing"),
            Route(
                "/v3/application/listings/{listing_id}",
                guarded("listings_r", self.get_listing),
                methods=["GET"],
                name="getListing",
            ),
            Route(
                "/v3/application/listings/{listing_id}",
                guarded("listings_d", self.delete_listing),
                methods=["DELETE"],
                name="deleteListing",
            ),
        ]


def _restock_one(listing: Listing) -> None:
    """Reactivating a sold-out listing puts one unit back on sale, as Etsy does."""
    listing.products = [
        {**p, "offerings": [{**o, "quantity": 1} if i == 0 else o for i, o in enumerate(p["offerings"])]}
        if index == 0
        else p
        for index, p in enumerate(listing.products)
    ]
