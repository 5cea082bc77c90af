"""Session-level routes: the page that carries the CSRF token, the current user, the cookie refresh,
photo upload and the seller's sold orders."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stoflow.sandbox.vinted.shapes import pagination
from stoflow.sandbox.vinted.state import (
    REFRESH_COOKIE,
    SESSION_COOKIE,
    VintedSeller,
    VintedState,
    vinted_error,
)


class AccountRoutes:
    def __init__(self, state: VintedState) -> None:
        self._state = state

    async def new_item_page(self, request: Request, seller: VintedSeller) -> Response:
        del request
        html = (
            f'<html><head><title>Sell an item</title></head><body><div id="app"></div>'
            f'<script>window.__CONFIG__ = {{"CSRF_TOKEN":"{seller.csrf_token}",'
            f'"USER_ID":{seller.user_id}}};</script></body></html>'
        )
        return HTMLResponse(html)

    async def current_user(self, request: Request, seller: VintedSeller) -> Response:
        del request
        return JSONResponse({"user": {"id": seller.user_id, "login": seller.login}, "code": 0})

    async def refresh_session(self, request: Request) -> Response:
        refresh = self._state.refresh_sessions.get(request.cookies.get(REFRESH_COOKIE, ""))
        if refresh is None or refresh.expires_at <= self._state.clock.now():
            return vinted_error(401, 100, "Invalid authentication token", "invalid_authentication_token")
        cookies = self._state.open_session(refresh.seller_id)
        response = JSONResponse({"code": 0})
        response.set_cookie(SESSION_COOKIE, cookies[SESSION_COOKIE], httponly=True)
        response.set_cookie(REFRESH_COOKIE, cookies[REFRESH_COOKIE], httponly=True)
        return response

    async def upload_photo(self, request: Request, seller: VintedSeller) -> Response:
        async with request.form() as form:  # closing the form frees the spooled upload
            upload, temp_uuid = form.get("photo[file]"), form.get("photo[temp_uuid]")
            content = await upload.read() if isinstance(upload, UploadFile) else b""
        if not content:
            return vinted_error(
                400,
                99,
                "Validation error",
                "validation_error",
                errors=[{"field": "photo", "value": "Upload a photo"}],
            )
        photo_id = 9_000_000_000 + self._state.next_number()
        base = f"https://images1.vinted.net/t/sandbox/{photo_id}"
        photo = {
            "id": photo_id,
            "image_no": len(seller.photos) + 1,
            "url": f"{base}/f800/x.jpeg",
            "full_size_url": f"{base}/f1600/x.jpeg",
            "temp_uuid": str(temp_uuid or ""),
            "thumbnails": [{"type": "thumb150x210", "url": f"{base}/150x210/x.jpeg"}],
            "high_resolution": {"id": str(photo_id), "timestamp": int(self._state.clock.now())},
        }
        seller.photos[photo_id] = photo
        return JSONResponse(photo)

    async def my_orders(self, request: Request, seller: VintedSeller) -> Response:
        query = request.query_params
        if query.get("type", "sold") != "sold":
            return JSONResponse({"my_orders": [], "pagination": pagination(0, 1, 20), "code": 0})
        try:
            page = max(1, int(query.get("page", 1)))
            per_page = min(100, max(1, int(query.get("per_page", 20))))
        except ValueError:
            return vinted_error(
                400,
                99,
                "Validation error",
                "validation_error",
                errors=[{"field": "page", "value": "Must be a number"}],
            )
        orders = sorted(seller.orders, key=lambda order: -int(order["date_ts"]))
        return JSONResponse(
            {
                "my_orders": orders[(page - 1) * per_page : page * per_page],
                "pagination": pagination(len(orders), page, per_page),
                "code": 0,
            }
        )

    def routes(self) -> list[BaseRoute]:
        wrap = self._state.session_endpoint
        return [
            Route("/items/new", wrap(self.new_item_page), methods=["GET"], name="newItemPage"),
            Route("/api/v2/users/current", wrap(self.current_user), methods=["GET"], name="currentUser"),
            Route("/web/api/auth/refresh", self.refresh_session, methods=["POST"], name="refreshSession"),
            Route("/api/v2/photos", wrap(self.upload_photo), methods=["POST"], name="uploadPhoto"),
            Route("/api/v2/my_orders", wrap(self.my_orders), methods=["GET"], name="myOrders"),
        ]
