"""The Vinted emulator's side of the admin API: sellers with a logged-in session, inspection, sales."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stoflow.sandbox.admin import ListingSummary, SaleRefused, SellerNotFound
from stoflow.sandbox.vinted.shapes import price_json
from stoflow.sandbox.vinted.state import VintedSeller, VintedState


class VintedBackend:
    def __init__(self, state: VintedState) -> None:
        self._state = state

    def _seller(self, seller_id: str) -> VintedSeller:
        seller = self._state.sellers.get(seller_id)
        if seller is None:
            raise SellerNotFound(f"no Vinted seller {seller_id!r}")
        return seller

    def register_seller(self, options: dict[str, Any]) -> dict[str, Any]:
        """A seller logged in through a browser: session cookies plus the page's CSRF token."""
        number = self._state.next_number()
        user_id = 100_000_000 + number
        seller = VintedSeller(
            user_id=user_id,
            login=str(options.get("login") or f"sandbox_seller_{number}"),
            csrf_token=self._state.new_uuid(),
            currency=str(options.get("currency") or "EUR"),
        )
        self._state.sellers[str(user_id)] = seller
        return {
            "seller_id": str(user_id),
            "user_id": user_id,
            "login": seller.login,
            **self.fresh_credentials(str(user_id), {}),
        }

    def fresh_credentials(self, seller_id: str, options: dict[str, Any]) -> dict[str, Any]:
        del options
        seller = self._seller(seller_id)
        return {"cookies": self._state.open_session(seller_id), "csrf_token": seller.csrf_token}

    def expire_tokens(self, seller_id: str) -> int:
        self._seller(seller_id)
        return self._state.expire_sessions(seller_id)

    def listings(self, seller_id: str) -> list[ListingSummary]:
        seller = self._seller(seller_id)
        found = []
        for item in seller.items.values():
            if item.deleted:
                continue
            state = "sold" if item.is_closed else "hidden" if item.is_hidden else "active"
            found.append(
                ListingSummary(
                    id=str(item.id),
                    sku=None,
                    title=str(item.fields.get("title")),
                    state=state,
                    details={"photo_count": len(item.photos)},
                )
            )
        return found

    def simulate_sale(self, seller_id: str, listing_id: str) -> dict[str, Any]:
        """The item closes as sold and a sold order shows up in /api/v2/my_orders."""
        seller = self._seller(seller_id)
        item = seller.live_item(int(listing_id)) if listing_id.isdigit() else None
        if item is None:
            raise KeyError(f"no item {listing_id!r}")
        if item.is_closed or item.is_hidden:
            raise SaleRefused(f"item {listing_id} is not on sale")
        item.is_closed = True
        now = self._state.clock.now()
        transaction_id = 12_000_000_000 + self._state.next_number()
        order = {
            "transaction_id": transaction_id,
            "conversation_id": transaction_id + 1,
            "item_id": item.id,
            "title": item.fields.get("title"),
            "status": "payment_successful",
            "price": price_json(float(item.fields.get("price") or 0), seller.currency),
            "date": _iso(now),
            "date_ts": int(now),
        }
        seller.orders.append(order)
        return {"transaction_id": transaction_id, "item_id": item.id}


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
