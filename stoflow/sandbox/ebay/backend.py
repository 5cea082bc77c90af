"""The eBay emulator's side of the admin API: sellers, credentials, inspection, simulated sales."""

from __future__ import annotations

from typing import Any

from stoflow.sandbox.admin import ListingSummary, SaleRefused, SellerNotFound
from stoflow.sandbox.ebay.orders import order_for_sale
from stoflow.sandbox.ebay.state import REFRESH_TOKEN_TTL_S, USER_SCOPES, EbaySeller, EbayState, Offer


class EbayBackend:
    def __init__(self, state: EbayState) -> None:
        self._state = state

    def _seller(self, seller_id: str) -> EbaySeller:
        seller = self._state.sellers.get(seller_id)
        if seller is None:
            raise SellerNotFound(f"no eBay seller {seller_id!r}")
        return seller

    def register_seller(self, options: dict[str, Any]) -> dict[str, Any]:
        """A seller who already granted consent to an app (a new one unless `client_id` names one)."""
        state = self._state
        client_id = options.get("client_id")
        app = state.apps.get(str(client_id)) if client_id else state.new_app()
        if app is None:
            raise ValueError(f"unknown client_id {client_id!r}")
        number = state.next_number()
        seller_id = str(options.get("seller_id") or f"ebay-seller-{number}")
        if seller_id in state.sellers:
            raise ValueError(f"seller {seller_id!r} already exists")
        seller = EbaySeller(
            seller_id=seller_id,
            username=str(options.get("username") or seller_id),
            app_id=app.client_id,
            fulfillment_policy_id=f"6{number:09d}1",
            payment_policy_id=f"6{number:09d}2",
            return_policy_id=f"6{number:09d}3",
            merchant_location_key=f"warehouse-{number}",
        )
        state.sellers[seller_id] = seller
        refresh = state.tokens.issue_refresh(
            seller_id, app.client_id, USER_SCOPES, REFRESH_TOKEN_TTL_S, "v^1.1#i^1#r^1#"
        )
        return {
            "seller_id": seller_id,
            "username": seller.username,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "ru_name": app.ru_name,
            "refresh_token": refresh.value,
            "scopes": sorted(USER_SCOPES),
            "fulfillment_policy_id": seller.fulfillment_policy_id,
            "payment_policy_id": seller.payment_policy_id,
            "return_policy_id": seller.return_policy_id,
            "merchant_location_key": seller.merchant_location_key,
            **self.fresh_credentials(seller_id, {}),
        }

    def fresh_credentials(self, seller_id: str, options: dict[str, Any]) -> dict[str, Any]:
        """A one-time authorization code, as the consent page would hand to the RuName."""
        seller = self._seller(seller_id)
        app = self._state.apps[seller.app_id]
        scopes = frozenset(str(options["scope"]).split()) if options.get("scope") else USER_SCOPES
        code = self._state.tokens.issue_code(
            seller_id=seller_id, app_id=app.client_id, scopes=scopes, redirect_uri=app.ru_name
        )
        return {"authorization_code": code.value, "redirect_uri": app.ru_name}

    def expire_tokens(self, seller_id: str) -> int:
        self._seller(seller_id)
        return self._state.tokens.expire_seller(seller_id)

    def listings(self, seller_id: str) -> list[ListingSummary]:
        seller = self._seller(seller_id)
        found: list[ListingSummary] = []
        for sku, item in sorted(seller.items.items()):
            offers = seller.offers_for(sku)
            if not offers:
                found.append(
                    ListingSummary(
                        id=sku,
                        sku=sku,
                        title=item.title(),
                        state="NO_OFFER",
                        details={"inventory_item": item.as_json()},
                    )
                )
            for offer in offers:
                found.append(
                    ListingSummary(
                        id=offer.offer_id,
                        sku=sku,
                        title=item.title(),
                        state=offer.listing_status or offer.status,
                        details={"offer": offer.as_json()},
                    )
                )
        return found

    def simulate_sale(self, seller_id: str, listing_id: str) -> dict[str, Any]:
        """One unit sells: quantities drop, the listing ends at zero, and an order appears."""
        seller = self._seller(seller_id)
        offer = next((o for o in seller.offers.values() if listing_id in (o.offer_id, o.listing_id)), None)
        if offer is None:
            raise KeyError(f"no offer or listing {listing_id!r}")
        if offer.status != "PUBLISHED" or offer.listing_status != "ACTIVE":
            raise SaleRefused(f"offer {offer.offer_id} has no active listing")
        item = seller.items[offer.sku]
        remaining = _sell_one(offer, item.body)
        order = order_for_sale(self._state, seller, offer, item.title())
        seller.orders[order["orderId"]] = order
        return {
            "order_id": order["orderId"],
            "listing_id": offer.listing_id,
            "sku": offer.sku,
            "remaining_quantity": remaining,
        }


def _sell_one(offer: Offer, item_body: dict[str, Any]) -> int:
    ship_to = item_body.setdefault("availability", {}).setdefault("shipToLocationAvailability", {})
    remaining = max(0, int(ship_to.get("quantity") or 1) - 1)
    ship_to["quantity"] = remaining
    if "availableQuantity" in offer.details:
        offer.details["availableQuantity"] = remaining
    offer.sold_quantity += 1
    if remaining == 0:
        offer.listing_status = "ENDED"
    return remaining
