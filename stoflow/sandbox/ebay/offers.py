"""Offers: `/sell/inventory/v1/offer[/{offerId}[/publish|/withdraw]]`.

The rule that shapes client code: only one offer, published or not, may exist per SKU, marketplace
and format. A second createOffer answers 400 with errorId 25002 and the existing offer's id in
`parameters`, which is how clients recover after a lost createOffer response.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.ebay.errors import ebay_error, invalid_field
from stoflow.sandbox.ebay.inventory import BASE, READ, WRITE
from stoflow.sandbox.ebay.publishing import publish_problem
from stoflow.sandbox.ebay.requests import paging, write_body
from stoflow.sandbox.ebay.state import EbaySeller, EbayState, Offer

FORMATS = frozenset({"FIXED_PRICE", "AUCTION"})
KEY_FIELDS = ("sku", "marketplaceId", "format")
READ_ONLY_FIELDS = ("offerId", "status", "listing")


def _offer_not_found() -> Response:
    return ebay_error(404, 25713, "This Offer is not available.")


def _offer_of(seller: EbaySeller, request: Request) -> Offer | None:
    return seller.offers.get(request.path_params["offerId"])


def _details(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in KEY_FIELDS + READ_ONLY_FIELDS}


class OfferRoutes:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    async def create_offer(self, request: Request) -> Response:
        seller = self._state.authorize(request, WRITE)
        if isinstance(seller, Response):
            return seller
        written = await write_body(request)
        if isinstance(written, Response):
            return written
        _, body = written
        for key in KEY_FIELDS:
            if not isinstance(body.get(key), str) or not body[key]:
                return invalid_field(key, f"The {key} value is missing or invalid.")
        if body["format"] not in FORMATS:
            return invalid_field("format")
        sku, marketplace, listing_format = body["sku"], body["marketplaceId"], body["format"]
        if sku not in seller.items:
            return ebay_error(
                400, 25702, f"SKU {sku} is not available in the system for the marketplace {marketplace}"
            )
        for existing in seller.offers_for(sku):
            if (existing.marketplace_id, existing.format) == (marketplace, listing_format):
                return ebay_error(
                    400,
                    25002,
                    "A user error has occurred. Offer entity already exists.",
                    parameters={"offerId": existing.offer_id},
                )
        offer = Offer(
            offer_id=str(5_000_000_000 + self._state.next_number()),
            sku=sku,
            marketplace_id=marketplace,
            format=listing_format,
            details=_details(body),
        )
        seller.offers[offer.offer_id] = offer
        return JSONResponse({"offerId": offer.offer_id}, status_code=201)

    async def get_offers(self, request: Request) -> Response:
        seller = self._state.authorize(request, READ)
        if isinstance(seller, Response):
            return seller
        sku = request.query_params.get("sku")
        if not sku:
            return ebay_error(400, 25707, "This is an invalid value for a SKU.")
        page = paging(request, default_limit=100, max_limit=200)
        if isinstance(page, Response):
            return page
        limit, offset = page
        wanted_market = request.query_params.get("marketplace_id")
        wanted_format = request.query_params.get("format")
        found = [
            offer
            for offer in seller.offers_for(sku)
            if wanted_market in (None, offer.marketplace_id) and wanted_format in (None, offer.format)
        ]
        if sku not in seller.items or not found:
            return ebay_error(404, 25713, "This Offer is not available.")
        shown = found[offset : offset + limit]
        return JSONResponse(
            {
                "href": str(request.url.path) + "?" + str(request.url.query),
                "limit": limit,
                "size": len(shown),
                "total": len(found),
                "offers": [offer.as_json() for offer in shown],
            }
        )

    def _authorized_offer(
        self, request: Request, any_scope: frozenset[str]
    ) -> tuple[EbaySeller, Offer] | Response:
        """The caller's offer named by the path, or the error eBay answers (auth first, then 404)."""
        seller = self._state.authorize(request, any_scope)
        if isinstance(seller, Response):
            return seller
        offer = _offer_of(seller, request)
        return (seller, offer) if offer is not None else _offer_not_found()

    async def get_offer(self, request: Request) -> Response:
        found = self._authorized_offer(request, READ)
        return JSONResponse(found[1].as_json()) if isinstance(found, tuple) else found

    async def update_offer(self, request: Request) -> Response:
        seller = self._state.authorize(request, WRITE)
        if isinstance(seller, Response):
            return seller
        written = await write_body(request)
        if isinstance(written, Response):
            return written
        _, body = written
        offer = _offer_of(seller, request)
        if offer is None:
            return _offer_not_found()
        details = _details(body)  # a full replace: fields left out are cleared
        if offer.status == "PUBLISHED":
            if not details.get("listingDescription"):
                return ebay_error(400, 25016, "The listing description is required for a published offer.")
            trial = Offer(offer.offer_id, offer.sku, offer.marketplace_id, offer.format, details)
            if (problem := publish_problem(seller, trial, seller.items.get(offer.sku))) is not None:
                return problem
        offer.details = details
        return Response(status_code=204)

    async def delete_offer(self, request: Request) -> Response:
        found = self._authorized_offer(request, WRITE)
        if isinstance(found, Response):
            return found
        seller, offer = found
        del seller.offers[offer.offer_id]  # a published offer's listing ends with it
        return Response(status_code=204)

    async def publish_offer(self, request: Request) -> Response:
        found = self._authorized_offer(request, WRITE)
        if isinstance(found, Response):
            return found
        seller, offer = found
        if offer.status == "PUBLISHED" and offer.listing_id is not None:
            # eBay's answer here is undocumented; republishing revises the live listing in place.
            return JSONResponse({"listingId": offer.listing_id})
        if (problem := publish_problem(seller, offer, seller.items.get(offer.sku))) is not None:
            return problem
        offer.status = "PUBLISHED"
        offer.listing_id = str(110_000_000_000 + self._state.next_number())
        offer.listing_status = "ACTIVE"
        offer.sold_quantity = 0
        return JSONResponse({"listingId": offer.listing_id})

    async def withdraw_offer(self, request: Request) -> Response:
        found = self._authorized_offer(request, WRITE)
        if isinstance(found, Response):
            return found
        _, offer = found
        if offer.status != "PUBLISHED" or offer.listing_id is None:
            return ebay_error(
                400,
                25713,
                "This Offer is not available.",
                long_message="The offer is not published, so it cannot be withdrawn.",
            )
        listing_id = offer.listing_id
        offer.status, offer.listing_id, offer.listing_status = "UNPUBLISHED", None, None
        return JSONResponse({"listingId": listing_id})

    def routes(self) -> list[BaseRoute]:
        offer_path = f"{BASE}/offer/{{offerId}}"
        return [
            Route(f"{BASE}/offer", self.create_offer, methods=["POST"], name="createOffer"),
            Route(f"{BASE}/offer", self.get_offers, methods=["GET"], name="getOffers"),
            Route(offer_path, self.get_offer, methods=["GET"], name="getOffer"),
            Route(offer_path, self.update_offer, methods=["PUT"], name="updateOffer"),
            Route(offer_path, self.delete_offer, methods=["DELETE"], name="deleteOffer"),
            Route(f"{offer_path}/publish", self.publish_offer, methods=["POST"], name="publishOffer"),
            Route(f"{offer_path}/withdraw", self.withdraw_offer, methods=["POST"], name="withdrawOffer"),
        ]
