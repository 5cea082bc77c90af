"""eBay emulator: OAuth token endpoint, Sell Inventory (items, offers), Media image upload and
Sell Fulfillment orders, on the same paths as https://api.ebay.com."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from stoflow.sandbox.config import SandboxConfig
from stoflow.sandbox.ebay.backend import EbayBackend
from stoflow.sandbox.ebay.errors import fault_error
from stoflow.sandbox.ebay.inventory import InventoryRoutes
from stoflow.sandbox.ebay.media import MediaRoutes
from stoflow.sandbox.ebay.oauth import TokenRoutes
from stoflow.sandbox.ebay.offers import OfferRoutes
from stoflow.sandbox.ebay.orders import OrderRoutes
from stoflow.sandbox.ebay.state import EbayState
from stoflow.sandbox.emulator import Emulator, assemble


class _EbayMarketplace:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    def seller_of(self, request: Request) -> str | None:
        return self._state.seller_of(request)

    def error_response(self, status: int, retry_after: int | None) -> Response:
        return fault_error(status, retry_after)


def build_ebay(config: SandboxConfig | None = None) -> Emulator:
    config = config or SandboxConfig()
    state = EbayState(config)
    routes = [
        *TokenRoutes(state).routes(),
        *InventoryRoutes(state).routes(),
        *OfferRoutes(state).routes(),
        *MediaRoutes(state).routes(),
        *OrderRoutes(state).routes(),
    ]
    return assemble(
        "ebay", routes, backend=EbayBackend(state), marketplace=_EbayMarketplace(state), config=config
    )
