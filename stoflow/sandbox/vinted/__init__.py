"""Vinted emulator: the web-app API a logged-in browser session uses (cookie + CSRF token), with
per-seller throttling and the anti-bot challenge page as a fault."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.emulator import Emulator, assemble
from stoflow.sandbox.vinted.account import AccountRoutes
from stoflow.sandbox.vinted.backend import VintedBackend
from stoflow.sandbox.vinted.items import ItemRoutes
from stoflow.sandbox.vinted.state import VintedState, fault_error


class _VintedMarketplace:
    def __init__(self, state: VintedState) -> None:
        self._state = state

    def seller_of(self, request: Request) -> str | None:
        return self._state.seller_of(request)

    def error_response(self, status: int, retry_after: int | None) -> Response:
        return fault_error(status, retry_after)


def build_vinted(config: SandboxConfig | None = None) -> Emulator:
    config = config or SandboxConfig()
    state = VintedState(config)
    routes = [*AccountRoutes(state).routes(), *ItemRoutes(state).routes()]
    return assemble(
        "vinted", routes, backend=VintedBackend(state), marketplace=_VintedMarketplace(state), config=config
    )
