"""Etsy emulator: OAuth with PKCE, listings, images, inventory (SKUs) and receipts, on the same
paths as https://openapi.etsy.com, with per-application QPS and QPD quotas."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.emulator import Emulator, assemble
from stoflow.sandbox.etsy.backend import EtsyBackend
from stoflow.sandbox.etsy.errors import fault_error
from stoflow.sandbox.etsy.images import ImageRoutes
from stoflow.sandbox.etsy.inventory import InventoryRoutes
from stoflow.sandbox.etsy.listings import ListingRoutes
from stoflow.sandbox.etsy.oauth import TokenRoutes
from stoflow.sandbox.etsy.receipts import ReceiptRoutes
from stoflow.sandbox.etsy.state import EtsyState


class _EtsyMarketplace:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    def seller_of(self, request: Request) -> str | None:
        return self._state.seller_of(request)

    def error_response(self, status: int, retry_after: int | None) -> Response:
        return fault_error(status, retry_after)


def build_etsy(config: SandboxConfig | None = None) -> Emulator:
    config = config or SandboxConfig()
    state = EtsyState(config)
    routes = [
        *TokenRoutes(state).routes(),
        *ListingRoutes(state).routes(),
        *ImageRoutes(state).routes(),
        *InventoryRoutes(state).routes(),
        *ReceiptRoutes(state).routes(),
    ]
    return assemble(
        "etsy", routes, backend=EtsyBackend(state), marketplace=_EtsyMarketplace(state), config=config
    )
