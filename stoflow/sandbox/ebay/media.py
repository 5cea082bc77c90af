"""Media API image upload: `POST /commerce/media/v1_beta/image/create_image_from_file`.

eBay serves it from the `apim` host; the emulator serves it beside the other APIs.
"""

from __future__ import annotations

import datetime as dt

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.ebay.errors import ebay_error
from stoflow.sandbox.ebay.inventory import WRITE
from stoflow.sandbox.ebay.state import EbayState

BASE = "/commerce/media/v1_beta/image"
UNUSED_IMAGE_LIFETIME_S = 30 * 86_400


class MediaRoutes:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    async def create_image(self, request: Request) -> Response:
        seller = self._state.authorize(request, WRITE)
        if isinstance(seller, Response):
            return seller
        async with request.form() as form:  # closing the form frees the spooled upload
            image = form.get("image")
            content = await image.read() if isinstance(image, UploadFile) else b""
        if not content:
            return ebay_error(400, 190001, "The image file is missing or empty.", domain="API_MEDIA")
        image_id = f"sandbox-img-{self._state.next_number()}"
        expires = dt.datetime.fromtimestamp(self._state.clock.now() + UNUSED_IMAGE_LIFETIME_S, dt.UTC)
        record = {
            "imageUrl": f"https://i.ebayimg.sandbox.ebay.com/images/g/{image_id}/s-l1600.jpg",
            "expirationDate": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        seller.images[image_id] = record
        location = f"{str(request.base_url).rstrip('/')}{BASE}/{image_id}"
        return JSONResponse(record, status_code=201, headers={"Location": location})

    async def get_image(self, request: Request) -> Response:
        seller = self._state.authorize(request, WRITE)
        if isinstance(seller, Response):
            return seller
        record = seller.images.get(request.path_params["image_id"])
        if record is None:
            return ebay_error(404, 190002, "The image was not found.", domain="API_MEDIA")
        return JSONResponse(record)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(
                f"{BASE}/create_image_from_file",
                self.create_image,
                methods=["POST"],
                name="createImageFromFile",
            ),
            Route(f"{BASE}/{{image_id}}", self.get_image, methods=["GET"], name="getImage"),
        ]
