"""Listing images: uploadListingImage (multipart) and getListingImages."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.etsy.errors import etsy_error
from stoflow.sandbox.etsy.shapes import image_json
from stoflow.sandbox.etsy.state import EtsySeller, EtsyState, owned_listing, shop_refusal

MAX_IMAGES = 20


class ImageRoutes:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    async def upload_listing_image(self, request: Request, seller: EtsySeller) -> Response:
        if (refusal := shop_refusal(self._state, seller, request)) is not None:
            return refusal
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        async with request.form() as form:  # closing the form frees the spooled upload
            upload, existing = form.get("image"), form.get("listing_image_id")
            content = await upload.read() if isinstance(upload, UploadFile) else b""
            alt_text, raw_rank = str(form.get("alt_text") or ""), str(form.get("rank") or 1)
            overwrite = str(form.get("overwrite", "false")).lower() in ("true", "1")
        try:
            rank = int(raw_rank)
        except ValueError:
            return etsy_error(400, "Expected rank to be an integer.")
        if len(alt_text) > 500:
            return etsy_error(400, "alt_text cannot be longer than 500 characters.")
        if content:
            image_id = 5_000_000_000 + self._state.next_number()
        elif existing is not None and str(existing).isdigit() and int(str(existing)) in self._state.images:
            image_id = int(str(existing))  # re-attaching an image already on Etsy's servers
        else:
            return etsy_error(400, "An image file or a valid listing_image_id is required.")
        if overwrite and 1 <= rank <= len(listing.image_ids):
            listing.image_ids[rank - 1] = image_id
        else:
            if len(listing.image_ids) >= MAX_IMAGES:
                return etsy_error(400, f"A listing can have at most {MAX_IMAGES} images.")
            listing.image_ids.insert(max(0, min(rank - 1, len(listing.image_ids))), image_id)
        self._state.images[image_id] = image_json(
            self._state, listing.listing_id, image_id, listing.image_ids.index(image_id) + 1, alt_text
        )
        listing.updated = self._state.now()
        return JSONResponse(self._state.images[image_id], status_code=201)

    async def get_listing_images(self, request: Request, seller: EtsySeller) -> Response:
        listing = owned_listing(seller, request)
        if isinstance(listing, Response):
            return listing
        images = [
            {**self._state.images[image_id], "rank": rank}
            for rank, image_id in enumerate(listing.image_ids, start=1)
        ]
        return JSONResponse({"count": len(images), "results": images})

    def routes(self) -> list[BaseRoute]:
        guarded = self._state.guarded
        return [
            Route(
                "/v3/application/shops/{shop_id}/listings/{listing_id}/images",
                guarded("listings_w", self.upload_listing_image),
                methods=["POST"],
                name="uploadListingImage",
            ),
            Route(
                "/v3/application/listings/{listing_id}/images",
                guarded("listings_r", self.get_listing_images),
                methods=["GET"],
                name="getListingImages",
            ),
        ]
