"""The Etsy emulator's side of the admin API: apps and shops, PKCE codes, inspection, sales."""

from __future__ import annotations

from typing import Any

from stoflow.sandbox.admin import ListingSummary, SaleRefused, SellerNotFound
from stoflow.sandbox.etsy.receipts import receipt_for_sale
from stoflow.sandbox.etsy.state import ALL_SCOPES, REFRESH_TOKEN_TTL_S, EtsyApp, EtsySeller, EtsyState

DEFAULT_REDIRECT_URI = "https://localhost/etsy/callback"


class EtsyBackend:
    def __init__(self, state: EtsyState) -> None:
        self._state = state

    def _seller(self, seller_id: str) -> EtsySeller:
        seller = self._state.sellers.get(int(seller_id)) if seller_id.isdigit() else None
        if seller is None:
            raise SellerNotFound(f"no Etsy seller {seller_id!r}")
        return seller

    def _app(self, options: dict[str, Any]) -> EtsyApp:
        keystring = options.get("keystring")
        if keystring:
            if str(keystring) not in self._state.apps:
                raise ValueError(f"unknown keystring {keystring!r}")
            return self._state.apps[str(keystring)]
        number = self._state.next_number()
        app = EtsyApp(
            keystring=f"sandbox{number:04d}{self._state.tokens.new_secret()[:16]}",
            shared_secret=self._state.tokens.new_secret()[:10],
            redirect_uri=str(options.get("redirect_uri") or DEFAULT_REDIRECT_URI),
        )
        self._state.apps[app.keystring] = app
        return app

    def register_seller(self, options: dict[str, Any]) -> dict[str, Any]:
        """A shop owner who already authorised an app (a new app unless `keystring` names one).

        Options: keystring, redirect_uri, country_iso (default FR, an EU shop), currency_code.
        """
        app = self._app(options)
        number = self._state.next_number()
        seller = EtsySeller(
            user_id=70_000_000 + number,
            shop_id=40_000_000 + number,
            app_id=app.keystring,
            shipping_profile_id=200_000_000 + number,
            return_policy_id=100_000_000 + number,
            country_iso=str(options.get("country_iso") or "FR").upper(),
            currency_code=str(options.get("currency_code") or "EUR"),
        )
        self._state.sellers[seller.user_id] = seller
        refresh = self._state.tokens.issue_refresh(
            str(seller.user_id), app.keystring, ALL_SCOPES, REFRESH_TOKEN_TTL_S, f"{seller.user_id}."
        )
        return {
            "seller_id": str(seller.user_id),
            "user_id": seller.user_id,
            "shop_id": seller.shop_id,
            "shipping_profile_id": seller.shipping_profile_id,
            "return_policy_id": seller.return_policy_id,
            "country_iso": seller.country_iso,
            "keystring": app.keystring,
            "shared_secret": app.shared_secret,
            "api_key": f"{app.keystring}:{app.shared_secret}",
            "redirect_uri": app.redirect_uri,
            "refresh_token": refresh.value,
            "scopes": sorted(ALL_SCOPES),
        }

    def fresh_credentials(self, seller_id: str, options: dict[str, Any]) -> dict[str, Any]:
        """What the consent page would send to the redirect URI: needs the PKCE `code_challenge`."""
        seller = self._seller(seller_id)
        app = self._state.apps[seller.app_id]
        challenge = options.get("code_challenge")
        if not challenge:
            raise ValueError("code_challenge (S256) is required")
        scopes = frozenset(str(options["scope"]).split()) if options.get("scope") else ALL_SCOPES
        redirect_uri = str(options.get("redirect_uri") or app.redirect_uri)
        code = self._state.tokens.issue_code(
            seller_id=seller_id,
            app_id=app.keystring,
            scopes=scopes,
            redirect_uri=redirect_uri,
            code_challenge=str(challenge),
        )
        return {"code": code.value, "redirect_uri": redirect_uri, "state": options.get("state")}

    def expire_tokens(self, seller_id: str) -> int:
        self._seller(seller_id)
        return self._state.tokens.expire_seller(seller_id)

    def listings(self, seller_id: str) -> list[ListingSummary]:
        seller = self._seller(seller_id)
        return [
            ListingSummary(
                id=str(listing.listing_id),
                sku=next(iter(listing.skus()), None),
                title=listing.fields["title"],
                state=listing.state,
                details={"quantity": listing.quantity(), "image_count": len(listing.image_ids)},
            )
            for listing in seller.listings.values()
            if not listing.deleted
        ]

    def simulate_sale(self, seller_id: str, listing_id: str) -> dict[str, Any]:
        """One unit sells: the offering's quantity drops, sold_out at zero, and a receipt appears."""
        seller = self._seller(seller_id)
        listing = seller.owns_listing(int(listing_id)) if listing_id.isdigit() else None
        if listing is None:
            raise KeyError(f"no listing {listing_id!r}")
        if listing.state != "active":
            raise SaleRefused(f"listing {listing_id} is {listing.state}, not active")
        sold = next(p for p in listing.products if p["offerings"][0]["quantity"] > 0)
        offering = sold["offerings"][0]
        offering["quantity"] -= 1
        now = self._state.now()
        if listing.quantity() == 0:
            listing.state, listing.state_timestamp = "sold_out", now
        listing.updated = now
        receipt = receipt_for_sale(self._state, seller, listing, str(sold["sku"]), offering["price"])
        seller.receipts[receipt["receipt_id"]] = receipt
        return {
            "receipt_id": receipt["receipt_id"],
            "transaction_id": receipt["transactions"][0]["transaction_id"],
            "listing_id": listing.listing_id,
            "sku": sold["sku"],
            "remaining_quantity": listing.quantity(),
        }
