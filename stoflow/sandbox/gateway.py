"""The ASGI layer in front of every emulator: it names the route, finds the seller, logs the call
and applies the fault rules before (or, for a lost response, after) the marketplace handles it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Protocol

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stoflow.sandbox.calllog import CallLog
from stoflow.sandbox.clock import Clock
from stoflow.sandbox.connection_drop import drop_connection
from stoflow.sandbox.faults import FaultInjector, FaultKind, FaultSpec

ADMIN_PREFIX = "/_admin"


class Marketplace(Protocol):
    """What the gateway needs to know about the emulator behind it."""

    def seller_of(self, request: Request) -> str | None:
        """The seller a call acts for, from its token or cookie; None when it names no valid one."""
        ...

    def error_response(self, status: int, retry_after: int | None) -> Response:
        """An injected error, shaped like the marketplace's own error body for that status."""
        ...


def anti_bot_challenge() -> Response:
    """The kind of page DataDome serves instead of the API answer: HTML, 403, a captcha link."""
    body = (
        "<html><head><title>vinted.fr</title></head><body>"
        "<p>Please enable JS and disable any ad blocker</p>"
        "<script>var dd={'rt':'c','cid':'sandbox-cid','hsh':'sandbox','t':'fe','s':1,'host':"
        "'geo.captcha-delivery.com'}</script>"
        '<script src="https://ct.captcha-delivery.com/c.js"></script>'
        '<iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=sandbox-cid"></iframe>'
        "</body></html>"
    )
    return HTMLResponse(body, status_code=403, headers={"x-datadome": "protected"})


def route_name(routes: Sequence[BaseRoute], scope: Scope) -> str:
    partial: str | None = None
    for route in routes:
        match, _ = route.matches(scope)
        name = getattr(route, "name", None) or "unnamed"
        if match == Match.FULL:
            return str(name)
        if match == Match.PARTIAL and partial is None:
            partial = str(name)
    return partial or "unmatched"


class FaultGateway:
    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: Callable[[], Sequence[BaseRoute]],
        marketplace: Marketplace,
        faults: FaultInjector,
        calls: CallLog,
        clock: Clock,
    ) -> None:
        self._app = app
        self.routes = routes
        self._marketplace = marketplace
        self._faults = faults
        self._calls = calls
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(ADMIN_PREFIX):
            await self._app(scope, receive, send)
            return
        route = route_name(self.routes(), scope)
        seller = self._marketplace.seller_of(Request(scope))
        fired = self._faults.draw(seller, route)
        sent_status: list[int] = []

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                sent_status.append(int(message["status"]))
            await send(message)

        await self._apply(fired, scope, receive, recording_send)
        self._calls.append(
            at=self._clock.now(),
            seller=seller,
            route=route,
            method=scope["method"],
            path=scope["path"],
            status=sent_status[0] if sent_status else None,
            faults=tuple(f.kind.value for f in fired),
        )

    async def _apply(self, fired: list[FaultSpec], scope: Scope, receive: Receive, send: Send) -> None:
        by_kind = {f.kind: f for f in fired}
        for fault in fired:
            if fault.kind == FaultKind.LATENCY:
                await asyncio.sleep(fault.delay_ms / 1000)
        if FaultKind.CHALLENGE in by_kind:
            await anti_bot_challenge()(scope, receive, send)
        elif (error := by_kind.get(FaultKind.ERROR)) is not None:
            await self._marketplace.error_response(error.status, error.retry_after)(scope, receive, send)
        elif (timeout := by_kind.get(FaultKind.TIMEOUT)) is not None:
            # The client is expected to give up first; the late 504 says the change was never made.
            await asyncio.sleep(timeout.delay_ms / 1000)
            await Response(status_code=504)(scope, receive, send)
        elif FaultKind.LOST_RESPONSE in by_kind:
            await self._commit_then_drop(scope, receive, send)
        else:
            await self._app(scope, receive, send)

    async def _commit_then_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def swallow(message: Message) -> None:
            del message

        await self._app(scope, receive, swallow)
        if not await drop_connection():
            await Response(status_code=502)(scope, receive, send)
