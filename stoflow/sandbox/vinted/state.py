"""What the Vinted emulator remembers, and the session checks its web API applies.

A seller is identified by the `access_token_web` cookie. Writes also need the `X-CSRF-Token` the web
app reads from the page (`CSRF_TOKEN` in the /items/new HTML); without it Vinted answers 403 with
code 106. Calls are counted per seller in a one-minute window.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.ratelimit import SlidingWindow

SESSION_COOKIE = "access_token_web"
REFRESH_COOKIE = "refresh_token_web"
SESSION_TTL_S = 7_200
REFRESH_TTL_S = 7 * 86_400
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def vinted_error(status: int, code: int, message: str, message_code: str, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "message_code": message_code, **extra}, status_code=status
    )


def fault_error(status: int, retry_after: int | None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if status == 429:
        response = vinted_error(429, 429, "Too many requests", "too_many_requests")
    elif status == 401:
        response = vinted_error(401, 100, "Invalid authentication token", "invalid_authentication_token")
    elif status == 403:
        response = vinted_error(403, 106, "Access denied", "access_denied")
    else:
        response = vinted_error(status, status, "Something went wrong", "internal_error")
    response.headers.update(headers or {})
    return response


@dataclass
class Session:
    seller_id: str
    expires_at: float


@dataclass
class VintedItem:
    id: int
    user_id: int
    fields: dict[str, Any]  # the `item` envelope fields as last written
    photos: list[dict[str, Any]]
    created_at: float
    updated_at: float
    is_hidden: bool = False
    is_closed: bool = False  # sold
    deleted: bool = False


@dataclass
class VintedSeller:
    user_id: int
    login: str
    csrf_token: str
    currency: str
    items: dict[int, VintedItem] = field(default_factory=dict)
    photos: dict[int, dict[str, Any]] = field(default_factory=dict)
    orders: list[dict[str, Any]] = field(default_factory=list)

    def live_item(self, item_id: int) -> VintedItem | None:
        item = self.items.get(item_id)
        return item if item is not None and not item.deleted else None


SellerHandler = Callable[[Request, VintedSeller], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class VintedState:
    def __init__(self, config: SandboxConfig) -> None:
        self.clock = config.clock
        self.rng = random.Random(f"vinted/{config.seed}")  # noqa: S311 - reproducible ids, not secrets
        self.sellers: dict[str, VintedSeller] = {}
        self.sessions: dict[str, Session] = {}
        self.refresh_sessions: dict[str, Session] = {}
        self.calls = SlidingWindow(config.vinted_calls_per_minute, 60, config.clock)
        self.sizeless_catalogs = config.vinted_sizeless_catalogs
        self._numbers = itertools.count(1)

    def next_number(self) -> int:
        return next(self._numbers)

    def new_uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def open_session(self, seller_id: str) -> dict[str, str]:
        """New session cookies for the seller, as a login would set them."""
        now = self.clock.now()
        access, refresh = f"sbx.{self.new_uuid()}", f"sbx-refresh.{self.new_uuid()}"
        self.sessions[access] = Session(seller_id, now + SESSION_TTL_S)
        self.refresh_sessions[refresh] = Session(seller_id, now + REFRESH_TTL_S)
        return {SESSION_COOKIE: access, REFRESH_COOKIE: refresh}

    def seller_of(self, request: Request) -> str | None:
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE, ""))
        if session is None or session.expires_at <= self.clock.now():
            return None
        return session.seller_id

    def expire_sessions(self, seller_id: str) -> int:
        now = self.clock.now()
        live = [s for s in self.sessions.values() if s.seller_id == seller_id and s.expires_at > now]
        for session in live:
            session.expires_at = now
        return len(live)

    def session_endpoint(self, handler: SellerHandler) -> Endpoint:
        """Wrap a web-API handler in the session, rate and CSRF checks."""

        async def endpoint(request: Request) -> Response:
            seller_id = self.seller_of(request)
            if seller_id is None:
                return vinted_error(401, 100, "Invalid authentication token", "invalid_authentication_token")
            quota = self.calls.take(seller_id)
            if not quota.allowed:
                return vinted_error(429, 429, "Too many requests", "too_many_requests")
            seller = self.sellers[seller_id]
            if request.method in WRITE_METHODS and request.headers.get("x-csrf-token") != seller.csrf_token:
                return vinted_error(403, 106, "Access denied", "access_denied")
            return await handler(request, seller)

        return endpoint
